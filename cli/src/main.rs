//! The `dialtime` binary.

use clap::Parser;

/// mimalloc for the command line (an apply makes thousands of small allocations per second);
/// the same code inside the Python wheel keeps Python's allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = dialtime_cli::Cli::parse();
    let code = dialtime_cli::run(
        cli,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
