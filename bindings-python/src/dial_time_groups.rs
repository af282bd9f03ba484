//! Mirrors `dialtime::dial_time_groups`: `client.dial_time_groups.create(...)`. Each method
//! converts its arguments and hands the core call to one of two helpers: [`PyDialTimeGroups::run`]
//! (blocking, GIL released) or [`PyAsyncDialTimeGroups::spawn`] (an asyncio future on the
//! core's runtime). Both run behind the panic guard and map errors through `error.rs`.

use std::future::Future;
use std::sync::{Arc, Mutex};

use dialtime::{BlockingClient, ListParams};
use pyo3::exceptions::{PyStopAsyncIteration, PyValueError};
use pyo3::prelude::*;
use pyo3::IntoPyObject;

use crate::client::{CallOptions, Shared};
use crate::error::{self, guard, Failure, OrRaise};
use crate::model::{PyDialTimeGroup, PyPage};
use crate::payload;

/// What `ensure` returns to Python: the group and `"created" | "updated" | "unchanged"`.
type Ensured = (PyDialTimeGroup, &'static str);

fn ensured((group, outcome): (dialtime::DialTimeGroup, dialtime::Outcome)) -> Ensured {
    (PyDialTimeGroup(group), outcome.as_str())
}

fn list_params(page: i64, sub_user_id: Option<String>) -> dialtime::Result<ListParams> {
    Ok(ListParams {
        page: dialtime::__private::page_number(page)?,
        sub_user_id,
    })
}

/// `Client.dial_time_groups`.
#[pyclass(name = "DialTimeGroups", module = "dialtime", frozen)]
pub struct PyDialTimeGroups {
    shared: Arc<Shared>,
}

impl PyDialTimeGroups {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Converts the arguments (`args`, with the GIL), then runs `call` on the blocking client
    /// with the GIL released.
    fn run<A, T, E: Into<Failure>>(
        &self,
        py: Python<'_>,
        options: CallOptions,
        args: impl FnOnce() -> Result<A, E>,
        call: impl FnOnce(&BlockingClient, A) -> dialtime::Result<T> + Send,
    ) -> PyResult<T>
    where
        A: Send,
        T: Send,
    {
        guard(py, || {
            let args = args()
                .map_err(|f| self.shared.scrub(f.into()))
                .or_raise(py)?;
            let client = BlockingClient::from(options.apply(self.shared.client(py)?).or_raise(py)?);
            crate::log::refresh(py)?;
            let outcome = crate::runtime::detach_interruptible(py, || call(&client, args));
            let flushed = crate::log::flush(py);
            // What interrupted the call first, then what interrupted a logging handler.
            let value = outcome?.or_raise(py);
            flushed?;
            value
        })
    }
}

#[pymethods]
impl PyDialTimeGroups {
    /// Saves a dial time group for `user_id`; validated before anything is sent.
    #[pyo3(signature = (user_id, *, name, content, is_default, skip_holiday, sub_user_id=None, timeout=None, deadline=None, max_retries=None))]
    fn create(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::text::user_id)] user_id: String,
        name: &Bound<'_, PyAny>,
        content: &Bound<'_, PyAny>,
        is_default: &Bound<'_, PyAny>,
        skip_holiday: &Bound<'_, PyAny>,
        sub_user_id: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
    ) -> PyResult<PyDialTimeGroup> {
        self.run(
            py,
            CallOptions::new(timeout, deadline, max_retries),
            || payload::new_group(name, content, is_default, skip_holiday, sub_user_id),
            |c, group| c.dial_time_groups().create(&user_id, &group),
        )
        .map(PyDialTimeGroup)
    }

    /// One page of the user's groups (15 per page on the platform).
    #[pyo3(signature = (user_id, *, page=1, sub_user_id=None, timeout=None, deadline=None, max_retries=None))]
    fn list(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::text::user_id)] user_id: String,
        #[pyo3(from_py_with = crate::int::int)] page: i64,
        #[pyo3(from_py_with = crate::text::sub_user_id)] sub_user_id: Option<String>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
    ) -> PyResult<PyPage> {
        self.run(
            py,
            CallOptions::new(timeout, deadline, max_retries),
            || list_params(page, sub_user_id),
            |c, params| c.dial_time_groups().list(&user_id, &params),
        )
        .map(PyPage)
    }

    /// Every group of the user, fetching page after page as the iteration needs them.
    #[pyo3(signature = (user_id, *, sub_user_id=None, timeout=None, deadline=None, max_retries=None))]
    fn list_all(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::text::user_id)] user_id: String,
        #[pyo3(from_py_with = crate::text::sub_user_id)] sub_user_id: Option<String>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
    ) -> PyResult<PyGroupCursor> {
        guard(py, || {
            let options = CallOptions::new(timeout, deadline, max_retries);
            let client = BlockingClient::from(options.apply(self.shared.client(py)?).or_raise(py)?);
            let walk = client
                .dial_time_groups()
                .list_all(&user_id, sub_user_id.as_deref());
            Ok(PyGroupCursor(
                Mutex::new(Walk::Idle(Box::new(walk))),
                self.shared.clone(),
            ))
        })
    }

    /// Changes a group: `name` always, every other field only when given (not None).
    #[pyo3(signature = (user_id, group_id, *, name, content=None, is_default=None, skip_holiday=None, sub_user_id=None, timeout=None, deadline=None, max_retries=None))]
    fn update(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::text::user_id)] user_id: String,
        #[pyo3(from_py_with = crate::int::int)] group_id: i64,
        name: &Bound<'_, PyAny>,
        content: Option<&Bound<'_, PyAny>>,
        is_default: Option<&Bound<'_, PyAny>>,
        skip_holiday: Option<&Bound<'_, PyAny>>,
        sub_user_id: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
    ) -> PyResult<PyDialTimeGroup> {
        self.run(
            py,
            CallOptions::new(timeout, deadline, max_retries),
            || payload::update(name, content, is_default, skip_holiday, sub_user_id),
            |c, changes| c.dial_time_groups().update(&user_id, group_id, &changes),
        )
        .map(PyDialTimeGroup)
    }

    /// Deletes a group; `NotFoundError` when it does not exist (in that scope).
    #[pyo3(signature = (user_id, group_id, *, sub_user_id=None, timeout=None, deadline=None, max_retries=None))]
    fn delete(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::text::user_id)] user_id: String,
        #[pyo3(from_py_with = crate::int::int)] group_id: i64,
        #[pyo3(from_py_with = crate::text::sub_user_id)] sub_user_id: Option<String>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
    ) -> PyResult<()> {
        self.run(
            py,
            CallOptions::new(timeout, deadline, max_retries),
            || Ok::<_, Failure>(()),
            |c, ()| {
                c.dial_time_groups()
                    .delete(&user_id, group_id, sub_user_id.as_deref())
            },
        )
    }

    /// Makes the group named `name` be exactly this: created, updated, or left unchanged.
    /// Returns `(group, "created" | "updated" | "unchanged")`.
    #[pyo3(signature = (user_id, *, name, content, is_default, skip_holiday, sub_user_id=None, timeout=None, deadline=None, max_retries=None))]
    fn ensure(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::text::user_id)] user_id: String,
        name: &Bound<'_, PyAny>,
        content: &Bound<'_, PyAny>,
        is_default: &Bound<'_, PyAny>,
        skip_holiday: &Bound<'_, PyAny>,
        sub_user_id: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
    ) -> PyResult<Ensured> {
        self.run(
            py,
            CallOptions::new(timeout, deadline, max_retries),
            || payload::new_group(name, content, is_default, skip_holiday, sub_user_id),
            |c, group| c.dial_time_groups().ensure(&user_id, &group),
        )
        .map(ensured)
    }

    fn __repr__(&self) -> &'static str {
        "<dialtime.DialTimeGroups>"
    }
}

/// `_AsyncClient.dial_time_groups`: the same methods, returning asyncio futures;
/// `dialtime.AsyncDialTimeGroups` (`_async.py`) wraps each in an `async def`.
#[pyclass(name = "_AsyncDialTimeGroups", module = "dialtime", frozen)]
pub struct PyAsyncDialTimeGroups {
    shared: Arc<Shared>,
}

impl PyAsyncDialTimeGroups {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Converts the arguments (`args`, with the GIL), then an asyncio future of `call` on the
    /// core's runtime, its result converted by `convert`. Argument and client errors are
    /// raised when the future is awaited, like the call's own; an interrupt raised by the
    /// arguments' own code (Ctrl-C in a generator) is raised at once.
    fn spawn<'py, A, T, R, F, E: Into<Failure>>(
        &self,
        py: Python<'py>,
        options: CallOptions,
        args: impl FnOnce() -> Result<A, E>,
        call: impl FnOnce(dialtime::Client, A) -> F + Send + 'static,
        convert: fn(T) -> R,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        A: Send + 'static,
        T: Send + 'static,
        F: Future<Output = dialtime::Result<T>> + Send + 'static,
        R: for<'a> IntoPyObject<'a> + Send + 'static,
    {
        guard(py, || {
            let args = match args().map_err(|f| self.shared.scrub(f.into())) {
                Err(Failure::Py(interrupt)) => return Err(interrupt),
                args => args,
            };
            let client = self.shared.client(py);
            crate::runtime::future(py, async move {
                let (client, args) = (options.apply(client?)?, args?);
                Ok::<_, Failure>(convert(call(client, args).await?))
            })
        })
    }
}

#[pymethods]
impl PyAsyncDialTimeGroups {
    /// Saves a dial time group for `user_id`; invalid input raises when awaited.
    #[pyo3(signature = (user_id, *, name, content, is_default, skip_holiday, sub_user_id=None, timeout=None, deadline=None, max_retries=None))]
    fn create<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::text::user_id)] user_id: String,
        name: &Bound<'_, PyAny>,
        content: &Bound<'_, PyAny>,
        is_default: &Bound<'_, PyAny>,
        skip_holiday: &Bound<'_, PyAny>,
        sub_user_id: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.spawn(
            py,
            CallOptions::new(timeout, deadline, max_retries),
            || payload::new_group(name, content, is_default, skip_holiday, sub_user_id),
            move |c, group| async move { c.dial_time_groups().create(&user_id, &group).await },
            PyDialTimeGroup,
        )
    }

    /// One page of the user's groups (awaitable).
    #[pyo3(signature = (user_id, *, page=1, sub_user_id=None, timeout=None, deadline=None, max_retries=None))]
    fn list<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::text::user_id)] user_id: String,
        #[pyo3(from_py_with = crate::int::int)] page: i64,
        #[pyo3(from_py_with = crate::text::sub_user_id)] sub_user_id: Option<String>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.spawn(
            py,
            CallOptions::new(timeout, deadline, max_retries),
            || list_params(page, sub_user_id),
            move |c, params| async move { c.dial_time_groups().list(&user_id, &params).await },
            PyPage,
        )
    }

    /// Every group of the user, as an async iterator (`async for`), page by page.
    #[pyo3(signature = (user_id, *, sub_user_id=None, timeout=None, deadline=None, max_retries=None))]
    fn list_all(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::text::user_id)] user_id: String,
        #[pyo3(from_py_with = crate::text::sub_user_id)] sub_user_id: Option<String>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
    ) -> PyResult<PyAsyncGroupCursor> {
        guard(py, || {
            let options = CallOptions::new(timeout, deadline, max_retries);
            let walk = options
                .apply(self.shared.client(py)?)
                .or_raise(py)?
                .dial_time_groups()
                .cursor(&user_id, sub_user_id.as_deref());
            Ok(PyAsyncGroupCursor(
                Arc::new(tokio::sync::Mutex::new(walk)),
                self.shared.clone(),
            ))
        })
    }

    /// Changes a group (awaitable): `name` always, every other field only when given.
    #[pyo3(signature = (user_id, group_id, *, name, content=None, is_default=None, skip_holiday=None, sub_user_id=None, timeout=None, deadline=None, max_retries=None))]
    fn update<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::text::user_id)] user_id: String,
        #[pyo3(from_py_with = crate::int::int)] group_id: i64,
        name: &Bound<'_, PyAny>,
        content: Option<&Bound<'_, PyAny>>,
        is_default: Option<&Bound<'_, PyAny>>,
        skip_holiday: Option<&Bound<'_, PyAny>>,
        sub_user_id: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.spawn(
            py,
            CallOptions::new(timeout, deadline, max_retries),
            || payload::update(name, content, is_default, skip_holiday, sub_user_id),
            move |c, changes| async move {
                c.dial_time_groups()
                    .update(&user_id, group_id, &changes)
                    .await
            },
            PyDialTimeGroup,
        )
    }

    /// Deletes a group (awaitable, resolves to None).
    #[pyo3(signature = (user_id, group_id, *, sub_user_id=None, timeout=None, deadline=None, max_retries=None))]
    fn delete<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::text::user_id)] user_id: String,
        #[pyo3(from_py_with = crate::int::int)] group_id: i64,
        #[pyo3(from_py_with = crate::text::sub_user_id)] sub_user_id: Option<String>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.spawn(
            py,
            CallOptions::new(timeout, deadline, max_retries),
            || Ok::<_, Failure>(()),
            move |c, ()| async move {
                c.dial_time_groups()
                    .delete(&user_id, group_id, sub_user_id.as_deref())
                    .await
            },
            // `None` in Python (a bare `()` would become an empty tuple).
            |()| None::<()>,
        )
    }

    /// Makes the group named `name` be exactly this (awaitable):
    /// `(group, "created" | "updated" | "unchanged")`.
    #[pyo3(signature = (user_id, *, name, content, is_default, skip_holiday, sub_user_id=None, timeout=None, deadline=None, max_retries=None))]
    fn ensure<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::text::user_id)] user_id: String,
        name: &Bound<'_, PyAny>,
        content: &Bound<'_, PyAny>,
        is_default: &Bound<'_, PyAny>,
        skip_holiday: &Bound<'_, PyAny>,
        sub_user_id: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.spawn(
            py,
            CallOptions::new(timeout, deadline, max_retries),
            || payload::new_group(name, content, is_default, skip_holiday, sub_user_id),
            move |c, group| async move { c.dial_time_groups().ensure(&user_id, &group).await },
            ensured,
        )
    }

    fn __repr__(&self) -> &'static str {
        "<dialtime._AsyncDialTimeGroups>"
    }
}

/// The iterator `Client.dial_time_groups.list_all(...)` returns: fetches a page (with the GIL
/// released) only when the previous one is used up; `ConfigError` once its client is closed.
#[pyclass(name = "GroupCursor", module = "dialtime", frozen)]
pub struct PyGroupCursor(Mutex<Walk>, Arc<Shared>);

/// Where a `list_all` walk is. It is taken out of the lock while a page is fetched: the
/// fetch can run Python (a signal handler), which must not find the lock held.
pub enum Walk {
    Idle(Box<dialtime::blocking::GroupCursor>),
    /// `__next__` is running (in another thread, or this one's signal handler).
    Busy,
    /// Ctrl-C (or another signal handler's exception) abandoned a page's fetch.
    Interrupted,
}

#[pymethods]
impl PyGroupCursor {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<PyDialTimeGroup>> {
        guard(py, || {
            self.1.check_open(py)?;
            let taken = std::mem::replace(&mut *self.lock(), Walk::Busy);
            let mut walk = match taken {
                Walk::Idle(walk) => walk,
                Walk::Busy => {
                    return Err(PyValueError::new_err("GroupCursor already executing"));
                }
                Walk::Interrupted => {
                    *self.lock() = Walk::Interrupted;
                    return Err(error::config(
                        py,
                        "this list_all was interrupted while it fetched a page: start a new one",
                    ));
                }
            };
            // Logged as every call is: the levels read before a page's fetch, its records
            // written after (they waited for the next call, or were never written).
            if let Err(raised) = crate::log::refresh(py) {
                *self.lock() = Walk::Idle(walk);
                return Err(raised);
            }
            let fetched = crate::runtime::detach_interruptible(py, || {
                let next = walk.next();
                (walk, next)
            });
            let flushed = crate::log::flush(py);
            match (fetched, flushed) {
                (Ok((walk, next)), Ok(())) => {
                    *self.lock() = Walk::Idle(walk);
                    next.transpose()
                        .map(|g| g.map(PyDialTimeGroup))
                        .or_raise(py)
                }
                // Ctrl-C while the page was fetched, or in a logging handler after it (the
                // group it fetched would be skipped without a word): the walk is over.
                (Err(raised), _) | (Ok(_), Err(raised)) => {
                    *self.lock() = Walk::Interrupted;
                    Err(raised)
                }
            }
        })
    }
}

impl PyGroupCursor {
    fn lock(&self) -> std::sync::MutexGuard<'_, Walk> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The async iterator `AsyncClient.dial_time_groups.list_all(...)` returns (`async for`).
/// `ConfigError` once its client is closed.
#[pyclass(name = "AsyncGroupCursor", module = "dialtime", frozen)]
pub struct PyAsyncGroupCursor(Arc<tokio::sync::Mutex<dialtime::GroupCursor>>, Arc<Shared>);

#[pymethods]
impl PyAsyncGroupCursor {
    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            self.1.check_open(py)?;
            let walk = self.0.clone();
            crate::runtime::future(py, async move {
                match walk.lock().await.next().await {
                    Some(group) => Ok(PyDialTimeGroup(group?)),
                    None => Err(Failure::Py(PyStopAsyncIteration::new_err(()))),
                }
            })
        })
    }
}
