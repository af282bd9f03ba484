//! Mirrors `dialtime::model`: read-only, comparable, picklable wrappers of the core structs.

use dialtime::{DaySchedule, DialTimeGroup, Error, Problem, TimeRange};
use jiff::ZonedDateTime;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDateTime, PyString, PyType, PyTzInfo};

use crate::error::OrRaise;
use crate::payload::{Items, Stop};

/// What `__reduce__` returns: the class and its constructor arguments.
type Reduced<'py, Args> = PyResult<(Bound<'py, PyType>, Args)>;

/// One calling window, `TimeRange("08:00", "20:00")`.
#[pyclass(
    name = "TimeRange",
    module = "dialtime",
    frozen,
    eq,
    hash,
    skip_from_py_object
)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyTimeRange(pub TimeRange);

#[pymethods]
impl PyTimeRange {
    /// `begin_time`/`end_time`: `"HH:MM"` strings or `datetime.time` values (whole minutes).
    #[new]
    fn new(
        py: Python<'_>,
        begin_time: &Bound<'_, PyAny>,
        end_time: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let read = |obj, path| match crate::payload::time_text(obj, path) {
            Ok(text) => Ok(Ok(text)),
            Err(Stop::Problem(p)) => Ok(Err(p)),
            Err(Stop::Raised(e)) => Err(e),
        };
        let begin = read(begin_time, "begin_time")?;
        let end = read(end_time, "end_time")?;
        // The core parses what converted (a placeholder stands in for what did not), so every
        // problem of both fields is reported, in order.
        let parsed = TimeRange::parse(
            begin.as_deref().unwrap_or("00:00"),
            end.as_deref().unwrap_or("24:00"),
        );
        if let (Ok(_), Ok(_)) = (&begin, &end) {
            return parsed.or_raise(py).map(Self);
        }
        let mut problems: Vec<Problem> = parsed
            .err()
            .map(|e| e.problems().to_vec())
            .unwrap_or_default();
        problems.extend(begin.err());
        problems.extend(end.err());
        problems.sort_by_key(|p| p.path != "begin_time");
        Err(Error::Validation(problems)).or_raise(py)
    }

    #[getter]
    fn begin_time(&self) -> String {
        self.0.begin_time.to_string()
    }

    #[getter]
    fn end_time(&self) -> String {
        self.0.end_time.to_string()
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!("TimeRange('{}', '{}')", self.0.begin_time, self.0.end_time)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> Reduced<'py, (String, String)> {
        let me = slf.get();
        Ok((slf.get_type(), (me.begin_time(), me.end_time())))
    }
}

/// The ranges of one weekday: `DaySchedule(week=1, times=[TimeRange("08:00", "20:00")])`,
/// `week` 0 = Sunday … 6 = Saturday.
#[pyclass(
    name = "DaySchedule",
    module = "dialtime",
    frozen,
    eq,
    hash,
    skip_from_py_object
)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyDaySchedule(pub DaySchedule);

#[pymethods]
impl PyDaySchedule {
    #[new]
    fn new(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::int::int)] week: i64,
        times: Items<PyRef<'_, PyTimeRange>>,
    ) -> PyResult<Self> {
        let times: Vec<TimeRange> = times.0.iter().map(|t| t.0).collect();
        DaySchedule::from_number(week, times).or_raise(py).map(Self)
    }

    /// A `dialtime.Weekday` (an int: 0 = Sunday … 6 = Saturday).
    #[getter]
    fn week<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        weekday(py, self.0.week.number())
    }

    #[getter]
    fn times(&self) -> Vec<PyTimeRange> {
        self.0.times.iter().copied().map(PyTimeRange).collect()
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.0)
    }

    fn __repr__(&self) -> String {
        day_repr(&self.0)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> Reduced<'py, (u8, Vec<PyTimeRange>)> {
        let me = slf.get();
        Ok((slf.get_type(), (me.0.week.number(), me.times())))
    }
}

/// A saved group, as the platform returns it.
#[pyclass(
    name = "DialTimeGroup",
    module = "dialtime",
    frozen,
    eq,
    skip_from_py_object
)]
#[derive(Clone, PartialEq)]
pub struct PyDialTimeGroup(pub DialTimeGroup);

#[pymethods]
impl PyDialTimeGroup {
    /// This group's schedule: `group.schedule().is_open_at(datetime.now(timezone.utc))`.
    #[pyo3(signature = (*, zone=None, calendar=None, makeup_as=None, assume_no_holidays=false))]
    fn schedule(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::text::zone)] zone: Option<String>,
        calendar: Option<PyRef<'_, crate::schedule::PyCalendar>>,
        #[pyo3(from_py_with = crate::int::opt_int)] makeup_as: Option<i64>,
        assume_no_holidays: bool,
    ) -> PyResult<crate::schedule::PySchedule> {
        crate::schedule::configure(
            py,
            self.0.schedule(),
            zone,
            calendar,
            makeup_as,
            assume_no_holidays,
        )
    }

    /// Reads a group from the platform's JSON shape (as `to_dict()` writes it), tolerantly.
    #[classmethod]
    fn from_dict(_cls: &Bound<'_, PyType>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = data.py();
        let value = crate::payload::json(data).or_raise(py)?;
        dialtime::DialTimeGroup::from_json_value(value)
            .map(Self)
            .or_raise(py)
    }

    #[getter]
    fn id(&self) -> i64 {
        self.0.id
    }

    #[getter]
    fn user_id(&self) -> &str {
        &self.0.user_id
    }

    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }

    #[getter]
    fn content(&self) -> Vec<PyDaySchedule> {
        self.0.content.iter().cloned().map(PyDaySchedule).collect()
    }

    #[getter]
    fn is_default(&self) -> bool {
        self.0.is_default
    }

    #[getter]
    fn skip_holiday(&self) -> bool {
        self.0.skip_holiday
    }

    #[getter]
    fn remark(&self) -> Option<&str> {
        self.0.remark.as_deref()
    }

    /// Timezone-aware, in Asia/Shanghai; `None` where the platform has no time for the group
    /// (none sent, `null`, or MySQL's zero date).
    #[getter]
    fn created_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        china_datetime_or_none(py, self.0.created_at.as_ref(), "created_at")
    }

    /// As `created_at`.
    #[getter]
    fn updated_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        china_datetime_or_none(py, self.0.updated_at.as_ref(), "updated_at")
    }

    /// The platform's JSON shape (timestamps as `YYYY-MM-DD HH:MM:SS`, China time).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let g = &self.0;
        let content: Vec<String> = g.content.iter().map(day_repr).collect();
        Ok(format!(
            "DialTimeGroup(id={}, name={}, user_id={}, content=[{}], is_default={}, \
             skip_holiday={}, remark={}, created_at={}, updated_at={})",
            g.id,
            py_repr(py, &g.name)?,
            py_repr(py, &g.user_id)?,
            content.join(", "),
            py_bool(g.is_default),
            py_bool(g.skip_holiday),
            match &g.remark {
                Some(r) => py_repr(py, r)?,
                None => "None".to_owned(),
            },
            timestamp_repr(g.created_at.as_ref()),
            timestamp_repr(g.updated_at.as_ref()),
        ))
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyAny>,))> {
        let py = slf.py();
        let from_dict = slf.get_type().getattr("from_dict")?;
        Ok((from_dict, (slf.get().to_dict(py)?,)))
    }
}

/// One page of a list: `data` plus the platform's pagination (`None` where it sent none).
/// Compared by value and picklable, as the groups are (it did neither: a page could not be
/// cached, deep-copied or sent to another process).
#[pyclass(name = "Page", module = "dialtime", frozen, eq, skip_from_py_object)]
#[derive(PartialEq)]
pub struct PyPage(pub dialtime::Page<DialTimeGroup>);

/// What pickle keeps of a page: its groups and its pagination, in `Page`'s field order.
type PageState = (
    Vec<PyDialTimeGroup>,
    u32,
    Option<u32>,
    Option<u32>,
    Option<u64>,
    bool,
);

#[pymethods]
impl PyPage {
    /// What `__reduce__` names: a page rebuilt from its state (not a constructor: pages come
    /// from `list`).
    #[classmethod]
    fn _restore(
        _cls: &Bound<'_, PyType>,
        data: Items<PyRef<'_, PyDialTimeGroup>>,
        current_page: u32,
        last_page: Option<u32>,
        per_page: Option<u32>,
        total: Option<u64>,
        has_more: bool,
    ) -> Self {
        Self(dialtime::Page {
            data: data.0.iter().map(|g| g.0.clone()).collect(),
            current_page,
            last_page,
            per_page,
            total,
            has_more,
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, PageState)> {
        let page = &slf.get().0;
        Ok((
            slf.get_type().getattr("_restore")?,
            (
                slf.get().data(),
                page.current_page,
                page.last_page,
                page.per_page,
                page.total,
                page.has_more,
            ),
        ))
    }

    #[getter]
    fn data(&self) -> Vec<PyDialTimeGroup> {
        self.0.data.iter().cloned().map(PyDialTimeGroup).collect()
    }

    #[getter]
    fn current_page(&self) -> u32 {
        self.0.current_page
    }

    #[getter]
    fn last_page(&self) -> Option<u32> {
        self.0.last_page
    }

    #[getter]
    fn per_page(&self) -> Option<u32> {
        self.0.per_page
    }

    #[getter]
    fn total(&self) -> Option<u64> {
        self.0.total
    }

    /// Whether a later page may hold more groups.
    #[getter]
    fn has_more(&self) -> bool {
        self.0.has_more
    }

    fn __len__(&self) -> usize {
        self.0.data.len()
    }

    fn __repr__(&self) -> String {
        let opt = |v: Option<u64>| v.map_or("None".to_owned(), |n| n.to_string());
        format!(
            "Page(current_page={}, last_page={}, per_page={}, total={}, has_more={}, data=[{} groups])",
            self.0.current_page,
            opt(self.0.last_page.map(u64::from)),
            opt(self.0.per_page.map(u64::from)),
            opt(self.0.total),
            py_bool(self.0.has_more),
            self.0.data.len()
        )
    }
}

fn day_repr(day: &DaySchedule) -> String {
    let times: Vec<String> = day
        .times
        .iter()
        .map(|t| format!("TimeRange('{}', '{}')", t.begin_time, t.end_time))
        .collect();
    format!(
        "DaySchedule(week={}, times=[{}])",
        day.week.number(),
        times.join(", ")
    )
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

fn py_repr(py: Python<'_>, s: &str) -> PyResult<String> {
    Ok(PyString::new(py, s).repr()?.to_cow()?.into_owned())
}

fn to_python<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(PyErr::from)
}

static CHINA: PyOnceLock<Py<PyTzInfo>> = PyOnceLock::new();
static WEEKDAYS: PyOnceLock<[Py<PyAny>; 7]> = PyOnceLock::new();

/// `dialtime.Weekday(n)`: its seven members made once and handed out, so that reading a
/// `week` runs no Python code (calling the enum class ran its bytecode on every read, under
/// this Rust frame, where a daemon thread ended by the interpreter's exit crashed the process).
pub(crate) fn weekday(py: Python<'_>, n: u8) -> PyResult<Bound<'_, PyAny>> {
    let members = WEEKDAYS.get_or_try_init(py, || -> PyResult<[Py<PyAny>; 7]> {
        let class = py.import("dialtime._weekday")?.getattr("Weekday")?;
        let member = |i: u8| class.call1((i,)).map(Bound::unbind);
        Ok([
            member(0)?,
            member(1)?,
            member(2)?,
            member(3)?,
            member(4)?,
            member(5)?,
            member(6)?,
        ])
    })?;
    members
        .get(usize::from(n))
        .map(|m| m.bind(py).clone())
        .ok_or_else(|| pyo3::exceptions::PyValueError::new_err(format!("{n} is not a weekday")))
}

/// [`china_datetime`], or `None` where the platform has no time.
fn china_datetime_or_none<'py>(
    py: Python<'py>,
    t: Option<&ZonedDateTime>,
    field: &str,
) -> PyResult<Option<Bound<'py, PyDateTime>>> {
    t.map(|t| china_datetime(py, t, field)).transpose()
}

/// A timestamp in a repr: `'2026-12-01T14:54:23+08:00'`, or `None`.
fn timestamp_repr(t: Option<&ZonedDateTime>) -> String {
    t.map_or_else(
        || "None".to_owned(),
        |t| format!("'{}'", dialtime::model::iso_timestamp(t)),
    )
}

/// The platform's time as an aware `datetime` in Asia/Shanghai (`zoneinfo`, or a fixed
/// +08:00 zone where the tz database is missing: China has had no DST since 1991). A time
/// before year 1, which `datetime` cannot hold, is a `ValueError` naming `field` (datetime's
/// own named only the year); a group's timestamps never are (the core reads them as none).
fn china_datetime<'py>(
    py: Python<'py>,
    t: &ZonedDateTime,
    field: &str,
) -> PyResult<Bound<'py, PyDateTime>> {
    let dt = t.with_time_zone(dialtime::platform_zone()).datetime();
    if dt.year() < 1 {
        return Err(pyo3::exceptions::PyValueError::new_err(format!(
            "{field} is {}, before year 1, which a datetime cannot hold (to_dict() has it as \
             text)",
            dialtime::model::iso_timestamp(t)
        )));
    }
    let tz = CHINA.get_or_try_init(py, || {
        PyTzInfo::timezone(py, "Asia/Shanghai")
            .or_else(|_| PyTzInfo::fixed_offset(py, std::time::Duration::from_secs(8 * 3600)))
            .map(Bound::unbind)
    })?;
    let micros = u32::try_from(dt.subsec_nanosecond() / 1000).unwrap_or(0);
    PyDateTime::new(
        py,
        i32::from(dt.year()),
        dt.month().unsigned_abs(),
        dt.day().unsigned_abs(),
        dt.hour().unsigned_abs(),
        dt.minute().unsigned_abs(),
        dt.second().unsigned_abs(),
        micros,
        Some(tz.bind(py)),
    )
}
