//! `dastan serve`.

use crate::build::BuildOptions;
use crate::cli::ServeArgs;
use crate::serve::{ServeOptions, serve};
use std::net::{IpAddr, SocketAddr};

pub fn run(a: ServeArgs) -> u8 {
    let ip: IpAddr = match a.bind.parse() {
        Ok(ip) => ip,
        Err(_) => {
            eprintln!(
                "error: `--bind {}` is not an IP address (for example 127.0.0.1)",
                a.bind
            );
            return super::USAGE_ERROR;
        }
    };
    let build = BuildOptions {
        root: a.root.root,
        drafts: a.drafts,
        serving: true,
        ..Default::default()
    };
    serve(ServeOptions {
        build,
        addr: SocketAddr::new(ip, a.port),
        open: a.open,
        poll: a.poll,
    })
}
