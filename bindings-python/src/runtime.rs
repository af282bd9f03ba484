//! The asyncio bridge, on the core's one shared runtime (`dialtime::runtime::shared`).
//!
//! Per call: one `loop.create_future()`, one task on the runtime, and one
//! `loop.call_soon_threadsafe` when it finishes. Cancelling the asyncio future aborts the
//! task (and with it the HTTP request). A panic in the task becomes a `DialtimeError`, never a
//! future that never resolves.
//!
//! Interpreter exit: no runtime thread may touch Python once finalization starts (a thread
//! taking the GIL then is ended with `pthread_exit`, which cannot unwind through Rust frames:
//! the process aborts). Every entry of a runtime thread into Python goes through [`attach`],
//! and an `atexit` hook ([`shutdown`]) closes that door, waiting (with the GIL released) for
//! the threads already inside to leave, before finalization begins.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyTuple;
use pyo3::IntoPyObjectExt;
use tokio::task::AbortHandle;

use crate::error::{self, OrRaise};

static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// An asyncio future resolving to `fut`'s output; must be called inside a running loop.
pub(crate) fn future<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let runtime = dialtime::__private::runtime::shared().or_raise(py)?;
    let event_loop = GET_RUNNING_LOOP
        .import(py, "asyncio", "get_running_loop")?
        .call0()
        .map_err(|_| error::outside_event_loop(py))?;
    let py_future = event_loop.call_method0("create_future")?;
    let (loop_ref, future_ref) = (event_loop.unbind(), py_future.clone().unbind());
    let task = runtime.spawn(async move {
        let outcome = AssertUnwindSafe(fut).catch_unwind().await;
        // Not at all once the interpreter shuts down: nobody is waiting any more.
        let _ = attach(|py| {
            let (ok, value) = match outcome {
                Ok(Ok(value)) => match value.into_py_any(py) {
                    Ok(v) => (true, v),
                    Err(e) => (false, e.into_value(py).into_any()),
                },
                Ok(Err(e)) => (false, e.into_value(py).into_any()),
                Err(_) => (false, error::panicked(py).into_value(py).into_any()),
            };
            let complete = wrap_pyfunction!(complete, py)?;
            // Fails only when the loop is closed: nobody is waiting any more.
            let _ = loop_ref
                .bind(py)
                .call_method1("call_soon_threadsafe", (complete, future_ref, ok, value));
            PyResult::Ok(())
        });
    });
    let on_done = AbortOnCancel {
        task: task.abort_handle(),
    };
    py_future.call_method1("add_done_callback", (on_done,))?;
    Ok(py_future)
}

/// Whether the door is closed (`closed`) and how many runtime threads are inside Python.
struct Door {
    closed: bool,
    inside: usize,
}

static DOOR: Mutex<Door> = Mutex::new(Door {
    closed: false,
    inside: 0,
});
static LEFT: Condvar = Condvar::new();

fn door() -> MutexGuard<'static, Door> {
    DOOR.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f` attached to the interpreter, from a thread Python does not know (a runtime
/// worker); `None`, without touching Python, once the interpreter is shutting down.
pub(crate) fn attach<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    {
        let mut d = door();
        if d.closed {
            return None;
        }
        d.inside += 1;
    }
    /// Leaves the door on every path, a panic in `f` included.
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            door().inside -= 1;
            LEFT.notify_all();
        }
    }
    let _leave = Leave;
    Python::try_attach(f)
}

/// The `atexit` hook (registered by the module on import): from now on no runtime thread
/// enters Python; waits, with the GIL released, for those inside to leave (at most a few
/// seconds: a thread stuck inside must not hang the exit).
#[pyfunction]
pub(crate) fn shutdown(py: Python<'_>) {
    py.detach(|| {
        let mut d = door();
        d.closed = true;
        let deadline = Instant::now() + Duration::from_secs(5);
        while d.inside > 0 {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                break;
            };
            d = LEFT
                .wait_timeout(d, left)
                .map(|(d, _)| d)
                .unwrap_or_else(|e| e.into_inner().0);
        }
    });
}

/// Runs on the event loop's thread: resolves the future unless it was cancelled meanwhile.
#[pyfunction]
fn complete(future: &Bound<'_, PyAny>, ok: bool, value: &Bound<'_, PyAny>) -> PyResult<()> {
    if future.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    let method = if ok { "set_result" } else { "set_exception" };
    future.call_method1(method, (value,))?;
    Ok(())
}

/// The asyncio future's done-callback: a cancelled future aborts its task.
#[pyclass(frozen)]
struct AbortOnCancel {
    task: AbortHandle,
}

#[pymethods]
impl AbortOnCancel {
    #[pyo3(signature = (*args))]
    fn __call__(&self, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        if args.get_item(0)?.call_method0("cancelled")?.is_truthy()? {
            self.task.abort();
        }
        Ok(())
    }
}
