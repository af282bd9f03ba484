//! Per-attempt records to the standard `logging` module, logger `dialtime`.
//!
//! The core hands records to [`PyLogger`] on the thread driving the call (dialtime's runtime
//! thread, or a thread inside a blocking call with the GIL released), which must never touch
//! Python (see `runtime.rs`): they are queued as text and written by [`flush`] on a thread
//! that holds the GIL: after a blocking call returns, and when the event loop resolves
//! async calls. Which levels are wanted is read from the logger (`isEnabledFor`) before each
//! call, so `logging.basicConfig(level=logging.DEBUG)` works at any time; with logging off a
//! call costs one check. `logging` is never imported by dialtime itself (unless
//! `DIALTIME_LOG` asks for it): while the application has not imported it, nothing is logged.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use dialtime::__private::runtime::PerFork;

use dialtime::client::log::{Attempt, Level, Logger};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

/// 0: off, 1: info and up, 2: debug and up.
static WANTED: AtomicU8 = AtomicU8::new(0);
/// Records waiting for a thread with the GIL; bounded (a program that never calls again
/// after enabling logging must not grow it forever). One queue per fork generation: a child
/// forked while a runtime thread queued a record found the lock held forever (its first
/// call hung); it starts with an empty queue (the parent's records are the parent's).
static QUEUE: PerFork<Vec<(Level, String)>> = PerFork::new();
const MAX_QUEUED: usize = 10_000;
static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn queue() -> &'static Mutex<Vec<(Level, String)>> {
    QUEUE.get()
}

struct PyLogger;

impl Logger for PyLogger {
    fn enabled(&self, level: Level) -> bool {
        let wanted = WANTED.load(Ordering::Relaxed);
        match level {
            Level::Debug => wanted >= 2,
            Level::Info => wanted >= 1,
        }
    }

    fn log(&self, record: &Attempt<'_>) {
        // Formatted before the lock: the window a fork can land in stays small.
        let text = record.to_string();
        let mut queue = queue().lock().unwrap_or_else(|e| e.into_inner());
        if queue.len() < MAX_QUEUED {
            queue.push((record.level, text));
        }
    }
}

/// The logger every Python client's core client gets.
pub(crate) fn logger() -> Arc<dyn Logger> {
    Arc::new(PyLogger)
}

/// `logging.getLogger("dialtime")`, once the application has imported `logging`.
fn py_logger(py: Python<'_>) -> Option<&Bound<'_, PyAny>> {
    if let Some(l) = LOGGER.get(py) {
        return Some(l.bind(py));
    }
    let modules = py.import("sys").ok()?.getattr("modules").ok()?;
    let modules = modules.cast::<PyDict>().ok()?;
    let logging = modules.get_item("logging").ok()??;
    let logger = logging.call_method1("getLogger", ("dialtime",)).ok()?;
    Some(LOGGER.get_or_init(py, || logger.unbind()).bind(py))
}

/// Reads which levels the `dialtime` logger wants now (before a call). `getLogger` and
/// `isEnabledFor` are Python code (see `runtime::section`); at exit the levels stay. What they
/// raise that is not an `Exception` (Ctrl-C) is the caller's.
pub(crate) fn refresh(py: Python<'_>) -> PyResult<()> {
    let wanted = crate::runtime::section_unless_exiting(py, || -> PyResult<Option<u8>> {
        let Some(l) = py_logger(py) else {
            return Ok(Some(0));
        };
        let on = |level: u8| match l.call_method1("isEnabledFor", (level,)) {
            Ok(v) => Ok(v.is_truthy().unwrap_or(false)),
            Err(e) if !e.is_instance_of::<pyo3::exceptions::PyException>(py) => Err(e),
            Err(_) => Ok(false),
        };
        // Info first: off at the default WARNING level, and then debug is off too, so the
        // common case costs one call into `logging`.
        Ok(Some(if !on(20)? {
            0
        } else if on(10)? {
            2
        } else {
            1
        }))
    });
    if let Some(Some(wanted)) = wanted.transpose()? {
        WANTED.store(wanted, Ordering::Relaxed);
    }
    Ok(())
}

/// Writes the queued records (with the GIL). A failing handler is logging's business, but
/// `KeyboardInterrupt` or `SystemExit` (any `BaseException` that is not an `Exception`) raised
/// in one is the caller's: Ctrl-C while a handler wrote was dropped, the program went on. The
/// records after it are dropped.
pub(crate) fn flush(py: Python<'_>) -> PyResult<()> {
    if WANTED.load(Ordering::Relaxed) == 0 && queue_empty() {
        return Ok(());
    }
    let records = std::mem::take(&mut *queue().lock().unwrap_or_else(|e| e.into_inner()));
    if records.is_empty() {
        return Ok(());
    }
    // Once the interpreter exits, they are dropped.
    crate::runtime::section_unless_exiting(py, || write(py, records)).unwrap_or(Ok(()))
}

/// Hands `records` to the `dialtime` logger's handlers: Python code (see `runtime::section`).
fn write(py: Python<'_>, records: Vec<(Level, String)>) -> PyResult<()> {
    let Some(logger) = py_logger(py) else {
        return Ok(());
    };
    for (level, text) in records {
        // A handler may take long (or call dialtime itself): the rest is dropped at exit, so
        // the `atexit` hook does not wait for the whole batch.
        if crate::runtime::exiting() {
            break;
        }
        let method = match level {
            Level::Debug => "debug",
            Level::Info => "info",
        };
        if let Err(e) = logger.call_method1(method, ("%s", text)) {
            if !e.is_instance_of::<pyo3::exceptions::PyException>(py) {
                return Err(e);
            }
        }
    }
    Ok(())
}

fn queue_empty() -> bool {
    queue().lock().unwrap_or_else(|e| e.into_inner()).is_empty()
}
