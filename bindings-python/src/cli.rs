//! The `dialtime` console script: the Rust command line (crate `dialtime-cli`), run with the
//! GIL released.

use pyo3::prelude::*;

use crate::payload::Items;

/// Runs the command line with `argv` (the program name first; `sys.argv`, whose bytes that
/// are not UTF-8 Python keeps as surrogates, read back as the bytes they were); returns the
/// exit code.
#[pyfunction]
#[pyo3(name = "_cli_main")]
pub(crate) fn cli_main(py: Python<'_>, argv: Items<std::ffi::OsString>) -> i32 {
    crate::runtime::detach(py, || {
        dialtime_cli::run_args(
            argv.0,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        )
    })
}
