//! The one place where a core [`dialtime::Error`] becomes a Python exception. The classes are
//! defined in Python (`dialtime/_exceptions.py`), each naming the core kind it stands for;
//! this module picks the class by the kind's core name (`ErrorKind::as_str`), so no list of
//! kinds is typed here.

use dialtime::{Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};

/// What an exception is made with, looked up once.
struct Classes {
    /// `_exceptions._BY_KIND`: the class of each core kind.
    by_kind: Py<PyDict>,
    /// `DialtimeError`, for a kind without a class of its own.
    base: Py<PyAny>,
    /// `Problem`, a tuple subclass.
    problem: Py<PyAny>,
    /// `tuple.__new__`.
    tuple_new: Py<PyAny>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || {
        let module = py.import("dialtime._exceptions")?;
        Ok(Classes {
            by_kind: module.getattr("_BY_KIND")?.cast_into::<PyDict>()?.unbind(),
            base: module.getattr("DialtimeError")?.unbind(),
            problem: module.getattr("Problem")?.unbind(),
            tuple_new: py.get_type::<PyTuple>().getattr("__new__")?.unbind(),
        })
    })
}

/// `result.or_raise(py)?`: the suffix every fallible core call ends in.
pub(crate) trait OrRaise<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> OrRaise<T> for dialtime::Result<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, &e))
    }
}

impl<T> OrRaise<T> for Result<T, Failure> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| e.into_py(py))
    }
}

/// How a task on the runtime failed, kept as Rust data until it reaches the event loop's
/// thread: no runtime thread builds a Python exception.
pub(crate) enum Failure {
    Core(Error),
    Py(PyErr),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

impl From<PyErr> for Failure {
    fn from(e: PyErr) -> Self {
        Failure::Py(e)
    }
}

impl Failure {
    /// The exception, made on the thread that holds the GIL.
    pub(crate) fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Core(e) => to_py(py, &e),
            Failure::Py(e) => e,
        }
    }
}

pub(crate) fn to_py(py: Python<'_>, err: &Error) -> PyErr {
    build(py, err).unwrap_or_else(|e| e)
}

/// A misuse found by the binding itself (a closed client, no running event loop).
pub(crate) fn config(py: Python<'_>, message: &str) -> PyErr {
    instance(py, ErrorKind::Config.as_str(), message, None).unwrap_or_else(|e| e)
}

/// The attributes every class takes, under the names of README "Names across languages".
fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let kwargs = PyDict::new(py);
    let problems: Vec<(&str, &str)> = err
        .problems()
        .iter()
        .map(|p| (p.path.as_str(), p.message.as_str()))
        .collect();
    kwargs.set_item("problems", problems)?;
    kwargs.set_item("http_status", err.http_status())?;
    kwargs.set_item("envelope_code", err.envelope_code())?;
    kwargs.set_item("api_message", err.api_message())?;
    kwargs.set_item("body_excerpt", err.body_excerpt())?;
    kwargs.set_item("retry_after", err.retry_after().map(|d| d.as_secs_f64()))?;
    if let Some(call) = err.call() {
        kwargs.set_item("method", call.method)?;
        kwargs.set_item("path", &call.path)?;
        kwargs.set_item("attempts", call.attempts)?;
        kwargs.set_item("elapsed", call.elapsed.as_secs_f64())?;
        kwargs.set_item("deadline_passed", call.deadline_passed)?;
        kwargs.set_item("request_id", call.request_id.as_deref())?;
    }
    kwargs.set_item("may_have_been_applied", err.may_have_been_applied())?;
    if let Error::CalendarNotCovered { year } = err {
        kwargs.set_item("year", *year)?;
    }
    let headers = PyDict::new(py);
    for (name, value) in err.headers() {
        headers.set_item(name, value)?;
    }
    kwargs.set_item("headers", headers)?;
    instance(py, err.kind().as_str(), &err.to_string(), Some(&kwargs))
}

/// The attributes `DialtimeError.__init__` sets, and their defaults (`problems` and `headers`
/// are made fresh for each instance). `test_errors.py` checks both lists stay the same.
const ATTRIBUTES: [&str; 13] = [
    "http_status",
    "envelope_code",
    "api_message",
    "body_excerpt",
    "retry_after",
    "method",
    "path",
    "attempts",
    "elapsed",
    "request_id",
    "year",
    "deadline_passed",
    "may_have_been_applied",
];

/// An instance of the class standing for `kind` (`"internal"` for the binding's own), with
/// the attributes in `kwargs` (what `DialtimeError.__init__` takes; the rest default).
///
/// Made without running Python code (the class's C `__new__`, attributes set, `Problem`s by
/// `tuple.__new__`; `__init__` is not called): Python code run from a native frame may end
/// the thread there when the interpreter exits (CPython up to 3.13 ends a daemon thread that
/// takes the GIL back with `pthread_exit`, whose unwinding aborts the process in a Rust
/// frame: "FATAL: exception not rethrown", with daemon threads whose calls failed at exit).
fn instance(
    py: Python<'_>,
    kind: &str,
    text: &str,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<PyErr> {
    let c = classes(py)?;
    let class = match c.by_kind.bind(py).get_item(kind)? {
        Some(class) => class,
        None => c.base.bind(py).clone(),
    };
    // The class's own (C) `__new__`: `OSError.__new__` for the connection errors, which
    // leaves `args` to `__init__`, so `args` is set here for every class.
    let value = class.getattr("__new__")?.call1((&class, text))?;
    value.setattr("args", (text,))?;
    let given = |name: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        match kwargs {
            Some(k) => k.get_item(name),
            None => Ok(None),
        }
    };
    for name in ATTRIBUTES {
        let v = match given(name)? {
            Some(v) => v,
            None if name == "deadline_passed" || name == "may_have_been_applied" => {
                pyo3::types::PyBool::new(py, false).to_owned().into_any()
            }
            None => py.None().into_bound(py),
        };
        value.setattr(name, v)?;
    }
    let problems = pyo3::types::PyList::empty(py);
    if let Some(given) = given("problems")? {
        for item in given.try_iter()? {
            let (path, message): (String, String) = item?.extract()?;
            let problem = c
                .tuple_new
                .bind(py)
                .call1((c.problem.bind(py), (path, message)))?;
            problems.append(problem)?;
        }
    }
    value.setattr("problems", problems)?;
    let headers = match given("headers")? {
        Some(h) => h,
        None => PyDict::new(py).into_any(),
    };
    value.setattr("headers", headers)?;
    Ok(PyErr::from_value(value))
}

/// The core's kinds as `(name, number)`, in number order: `dialtime._native.ERROR_KINDS`,
/// which the tests check every exception class against.
pub(crate) fn kinds(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    let kinds: Vec<(&str, u8)> = ErrorKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.number()))
        .collect();
    PyTuple::new(py, kinds)
}

/// An awaitable created outside a running event loop.
pub(crate) fn outside_event_loop(py: Python<'_>) -> PyErr {
    config(
        py,
        "AsyncClient methods must be awaited inside a running asyncio event loop; \
         use dialtime.Client from synchronous code",
    )
}

/// A panic caught at the boundary (a bug in dialtime): reported, never propagated.
pub(crate) fn panicked(py: Python<'_>) -> PyErr {
    instance(
        py,
        "internal",
        "internal error in dialtime (a bug: please report it)",
        None,
    )
    .unwrap_or_else(|e| e)
}

/// Runs a method's body behind the panic boundary: a panic (a bug in dialtime) becomes a
/// `DialtimeError`, never pyo3's `PanicException` (a `BaseException` that `except Exception`
/// misses).
pub(crate) fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| Err(panicked(py)))
}

/// For the panic-boundary tests only: panics behind [`guard`] (`"sync"`), or inside the async
/// work of an awaitable (`"async"`, which needs a running event loop).
#[doc(hidden)]
#[pyfunction]
#[pyo3(name = "_panic_for_tests")]
pub(crate) fn panic_for_tests<'py>(py: Python<'py>, place: &str) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        #[allow(clippy::panic)]
        if place == "sync" {
            crate::runtime::detach(py, || panic!("dialtime: test panic with the GIL released"));
        }
        let place = place.to_owned();
        crate::runtime::future(py, async move {
            #[allow(clippy::panic)]
            if place == "async" {
                panic!("dialtime: test panic in the async work");
            }
            Ok::<_, Failure>(None::<()>)
        })
    })
}
