//! The `dialtime` binary.

/// mimalloc for the command line (an apply makes thousands of small allocations per second);
/// the same code inside the Python wheel keeps Python's allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // `run_args`, not clap's `parse`: a usage error exits 1 (clap's 2 is the "changes
    // planned" of `--detailed-exitcode`).
    let code = dialtime_cli::run_args(
        std::env::args_os().collect(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
