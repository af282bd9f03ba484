//! The `dialtime` binary.

use clap::Parser;

fn main() {
    let cli = dialtime_cli::Cli::parse();
    let code = dialtime_cli::run(
        cli,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
