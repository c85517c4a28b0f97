//! The command line, as clap structs. Each command's module turns these into its options.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "dastan",
    version,
    about = "A static site generator for multilingual publications"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct RootArg {
    /// The site folder (the one with site.yaml)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default)
    Build(BuildArgs),
    /// Build, serve on 127.0.0.1 and rebuild on every save, with live reload
    Serve(ServeArgs),
    /// Check everything `build` checks, plus links and translations; writes nothing
    Check(CheckArgs),
    /// Which reports exist in which language, what is missing or out of date
    Status(StatusArgs),
    /// Scaffold a report or a translation
    #[command(subcommand)]
    New(NewCommand),
    /// Create a new site with the default theme and i18n
    Init(InitArgs),
    /// Print a Decap CMS configuration generated from the site's schema
    CmsConfig(CmsConfigArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Where to write the site (default: output_dir from site.yaml, else public)
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Use this base URL instead of the one in site.yaml
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include reports marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Allow an output folder outside the site folder
    #[arg(long)]
    pub allow_outside_output: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to bind; only 127.0.0.1 unless you ask for another
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Open the site in a browser
    #[arg(long)]
    pub open: bool,
    /// Include drafts (on by default when serving)
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub drafts: bool,
    /// Watch by polling instead of file-system events
    #[arg(long)]
    pub poll: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Output format for findings
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Include drafts in the checks
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Write the table as an HTML page to this file
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Scaffold a report: content/reports/<bundle>/index.<lang>.md
    Report(NewArgs),
    /// Scaffold a translation of an existing report
    Translation(NewArgs),
}

#[derive(Debug, Args)]
pub struct NewArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// The report's folder name, such as 2025-04-28-delegation-visit
    pub bundle: String,
    /// Language of the new file
    #[arg(long)]
    pub lang: String,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder for the new site (created; must be empty if it exists)
    pub dir: PathBuf,
    /// Languages of the site, the first being the default
    #[arg(long, value_delimiter = ',', default_value = "ru,en,kk,uz")]
    pub languages: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CmsConfigArgs {
    #[command(flatten)]
    pub root: RootArg,
}
