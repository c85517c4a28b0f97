//! The command line, as clap structs. `main` turns these into options for each command.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "dastan", version, about = "A static site generator for multilingual publications")]
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
