//! The asyncio bridge, on the core's one shared runtime (`dialtime::runtime::shared`).

use std::future::Future;
use std::sync::Once;

use pyo3::prelude::*;

use crate::error::{self, OrRaise};

static BRIDGE: Once = Once::new();

/// An asyncio awaitable resolving to `fut`'s output; must be called inside a running loop.
pub(crate) fn future<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let runtime = dialtime::runtime::shared().or_raise(py)?;
    BRIDGE.call_once(|| {
        // Fails only if already set, which `Once` rules out.
        let _ = pyo3_async_runtimes::tokio::init_with_runtime(runtime);
    });
    pyo3_async_runtimes::tokio::future_into_py(py, fut)
        .map_err(|e| error::outside_event_loop(py, e))
}
