//! The `dialtime` console script: the Rust command line (crate `dialtime-cli`), run with the
//! GIL released.

use pyo3::prelude::*;

/// Runs the command line with `argv` (the program name first); returns the exit code.
#[pyfunction]
#[pyo3(name = "_cli_main")]
pub(crate) fn cli_main(py: Python<'_>, argv: Vec<String>) -> i32 {
    py.detach(|| {
        dialtime_cli::run_args(
            argv,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        )
    })
}
