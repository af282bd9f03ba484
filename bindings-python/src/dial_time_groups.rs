//! Mirrors `dialtime::dial_time_groups`: `client.dial_time_groups.create(...)`.

use std::sync::Arc;

use pyo3::prelude::*;

use crate::client::Shared;
use crate::error::{raise_later, OrRaise};
use crate::model::PyDialTimeGroup;
use crate::payload;

/// `Client.dial_time_groups`.
#[pyclass(name = "DialTimeGroups", module = "dialtime", frozen)]
pub struct PyDialTimeGroups {
    shared: Arc<Shared>,
}

impl PyDialTimeGroups {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

#[pymethods]
impl PyDialTimeGroups {
    /// Saves a dial time group for `user_id`; validated before anything is sent.
    #[pyo3(signature = (user_id, *, name, content, is_default, skip_holiday, sub_user_id=None))]
    fn create(
        &self,
        py: Python<'_>,
        user_id: &str,
        name: &Bound<'_, PyAny>,
        content: &Bound<'_, PyAny>,
        is_default: &Bound<'_, PyAny>,
        skip_holiday: &Bound<'_, PyAny>,
        sub_user_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyDialTimeGroup> {
        let group = payload::new_group(name, content, is_default, skip_holiday, sub_user_id)
            .or_raise(py)?;
        let client = dialtime::BlockingClient::from(self.shared.client(py)?);
        py.detach(|| client.dial_time_groups().create(user_id, &group))
            .map(PyDialTimeGroup)
            .or_raise(py)
    }

    fn __repr__(&self) -> &'static str {
        "<dialtime.DialTimeGroups>"
    }
}

/// `AsyncClient.dial_time_groups`: the same methods, returning awaitables.
#[pyclass(name = "AsyncDialTimeGroups", module = "dialtime", frozen)]
pub struct PyAsyncDialTimeGroups {
    shared: Arc<Shared>,
}

impl PyAsyncDialTimeGroups {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

#[pymethods]
impl PyAsyncDialTimeGroups {
    /// Saves a dial time group for `user_id`; invalid input raises when awaited.
    #[pyo3(signature = (user_id, *, name, content, is_default, skip_holiday, sub_user_id=None))]
    fn create<'py>(
        &self,
        py: Python<'py>,
        user_id: String,
        name: &Bound<'_, PyAny>,
        content: &Bound<'_, PyAny>,
        is_default: &Bound<'_, PyAny>,
        skip_holiday: &Bound<'_, PyAny>,
        sub_user_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let group = payload::new_group(name, content, is_default, skip_holiday, sub_user_id);
        let client = self.shared.client(py);
        crate::runtime::future(py, async move {
            let (client, group) = (client?, raise_later(group)?);
            let saved = client.dial_time_groups().create(&user_id, &group).await;
            raise_later(saved).map(PyDialTimeGroup)
        })
    }

    fn __repr__(&self) -> &'static str {
        "<dialtime.AsyncDialTimeGroups>"
    }
}
