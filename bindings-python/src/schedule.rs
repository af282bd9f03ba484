//! Mirrors `dialtime::schedule`: `Schedule`, `Calendar` and `Day`. Aware `datetime`s in, aware
//! `datetime`s out (at the schedule zone's offset of that instant); a naive `datetime` is a
//! `ValueError`, never a guess.

use dialtime::schedule::{Calendar, DayStatus, Interval, MakeupPolicy, Schedule, ScheduleBuilder};
use dialtime::{Error, Problem};
use jiff::civil::{Date, DateTime};
use jiff::{SignedDuration, Timestamp};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::error::{guard, OrRaise};
use crate::model::PyTimeRange;

static DATETIME: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn datetime_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    Ok(DATETIME
        .get_or_try_init(py, || py.import("datetime").map(Bound::unbind))?
        .bind(py))
}

/// An int attribute, saturated: a huge one is "out of range" (a ValueError) where it is
/// checked, not an OverflowError.
fn int<'py>(obj: &Bound<'py, PyAny>, attr: &str) -> PyResult<i64> {
    crate::int::int(&obj.getattr(attr)?)
}

/// An int attribute of argument `name` that must fit `T` (a date's month, …).
fn field<T: TryFrom<i64>>(obj: &Bound<'_, PyAny>, attr: &str, name: &str) -> PyResult<T> {
    T::try_from(int(obj, attr)?)
        .map_err(|_| PyValueError::new_err(format!("{name}.{attr} is out of range")))
}

/// An aware `datetime` as an instant (exact to the microsecond). In a `runtime::section`:
/// `utcoffset()` of a Python `tzinfo` runs its bytecode under this native frame, where a daemon
/// thread ended by the interpreter's exit crashed the process.
fn instant(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Timestamp> {
    crate::runtime::section(obj.py(), || instant_now(obj, name))
}

fn instant_now(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Timestamp> {
    let py = obj.py();
    if !obj.is_instance(&datetime_module(py)?.getattr("datetime")?)? {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a datetime.datetime, got {}",
            obj.get_type().name()?
        )));
    }
    let offset = obj.call_method0("utcoffset")?;
    if !offset.is_none() && !offset.is_instance(&datetime_module(py)?.getattr("timedelta")?)? {
        return Err(PyTypeError::new_err(format!(
            "{name}.utcoffset() must return a datetime.timedelta or None, got {}",
            offset.get_type().name()?
        )));
    }
    if offset.is_none() {
        return Err(PyValueError::new_err(format!(
            "{name} is a naive datetime: which instant it means depends on a time zone; pass an \
             aware one (e.g. datetime.now(timezone.utc), or .replace(tzinfo=ZoneInfo(\"Asia/Shanghai\")))"
        )));
    }
    // A subclass may override utcoffset() and the fields: whatever they return is checked.
    let (days, seconds, micros) = (
        int(&offset, "days")?,
        int(&offset, "seconds")?,
        int(&offset, "microseconds")?,
    );
    let offset_us = days
        .checked_mul(86_400)
        .and_then(|s| s.checked_add(seconds))
        .and_then(|s| s.checked_mul(1_000_000))
        .and_then(|us| us.checked_add(micros))
        .ok_or_else(|| PyValueError::new_err(format!("{name}.utcoffset() is out of range")))?;
    let civil = DateTime::new(
        field(obj, "year", name)?,
        field(obj, "month", name)?,
        field(obj, "day", name)?,
        field(obj, "hour", name)?,
        field(obj, "minute", name)?,
        field(obj, "second", name)?,
        field::<i32>(obj, "microsecond", name)?
            .checked_mul(1000)
            .ok_or_else(|| PyValueError::new_err(format!("{name}.microsecond is out of range")))?,
    )
    .map_err(|e| PyValueError::new_err(format!("{name}: {e}")))?;
    // At its own offset (whole seconds; Python allows microseconds too, taken off after): read
    // as UTC first, 9999-12-31T05:00+14:00 (a valid instant) overflowed jiff's range.
    let out_of_range = || PyValueError::new_err(format!("{name}.utcoffset() is out of range"));
    let offset = i32::try_from(offset_us.div_euclid(1_000_000))
        .ok()
        .and_then(|s| jiff::tz::Offset::from_seconds(s).ok())
        .ok_or_else(out_of_range)?;
    offset
        .to_timestamp(civil)
        .and_then(|t| t.checked_sub(SignedDuration::from_micros(offset_us.rem_euclid(1_000_000))))
        .map_err(|e| PyValueError::new_err(format!("{name} is out of range: {e}")))
}

/// An instant as an aware `datetime` at the zone's offset of that instant.
pub(crate) fn to_datetime<'py>(
    py: Python<'py>,
    t: Timestamp,
    zone: &jiff::tz::TimeZone,
) -> PyResult<Bound<'py, PyAny>> {
    let offset = zone.to_offset(t);
    let local = offset.to_datetime(t);
    if !(1..=9999).contains(&local.year()) {
        // datetime's own error named neither the call nor the value ("year 0 is out of range").
        return Err(PyValueError::new_err(format!(
            "the answer, {local} local time ({t}), is outside the years a datetime holds (1 to 9999)"
        )));
    }
    let m = datetime_module(py)?;
    let delta = m.getattr("timedelta")?.call1((0, offset.seconds()))?;
    let tz = m.getattr("timezone")?.call1((delta,))?;
    m.getattr("datetime")?.call1((
        local.year(),
        local.month(),
        local.day(),
        local.hour(),
        local.minute(),
        local.second(),
        local.subsec_nanosecond() / 1000,
        tz,
    ))
}

fn interval<'py>(
    py: Python<'py>,
    i: Interval,
    zone: &jiff::tz::TimeZone,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    Ok((
        to_datetime(py, i.start, zone)?,
        to_datetime(py, i.end, zone)?,
    ))
}

fn date_of(obj: &Bound<'_, PyAny>) -> PyResult<Date> {
    let py = obj.py();
    let m = datetime_module(py)?;
    if obj.is_instance(&m.getattr("datetime")?)? {
        return Err(PyTypeError::new_err(
            "date must be a datetime.date, not a datetime (pass its .date())",
        ));
    }
    if !obj.is_instance(&m.getattr("date")?)? {
        return Err(PyTypeError::new_err(format!(
            "date must be a datetime.date, got {}",
            obj.get_type().name()?
        )));
    }
    // A subclass may report any fields: out of range is an error, never replaced (month 300
    // was read as January).
    Date::new(
        field(obj, "year", "date")?,
        field(obj, "month", "date")?,
        field(obj, "day", "date")?,
    )
    .map_err(|e| PyValueError::new_err(format!("date: {e}")))
}

fn py_date<'py>(py: Python<'py>, d: Date) -> PyResult<Bound<'py, PyAny>> {
    datetime_module(py)?
        .getattr("date")?
        .call1((d.year(), d.month(), d.day()))
}

/// A holiday calendar: `Calendar.china()` (the built-in notices 2018–2026) or
/// `Calendar.empty()`; add a year with `load_holiday_cn(text)`.
#[pyclass(name = "Calendar", module = "dialtime", skip_from_py_object)]
#[derive(Clone)]
pub struct PyCalendar(pub Calendar);

#[pymethods]
impl PyCalendar {
    #[staticmethod]
    fn china() -> Self {
        PyCalendar(Calendar::china())
    }

    #[staticmethod]
    fn empty() -> Self {
        PyCalendar(Calendar::empty())
    }

    /// An independent copy (loading into one leaves the other as it was).
    fn __copy__(&self) -> Self {
        self.clone()
    }

    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> Self {
        self.clone()
    }

    /// Pickled as the holiday-cn documents that rebuild it (`Calendar.to_holiday_cn` in Rust),
    /// so a copy unpickled in another process answers as this one does.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (Vec<String>,))> {
        let restore = py.get_type::<Self>().getattr("_from_holiday_cn")?;
        Ok((restore, (self.0.to_holiday_cn(),)))
    }

    /// What pickle calls: an empty calendar with `docs` loaded in order.
    #[staticmethod]
    fn _from_holiday_cn(py: Python<'_>, docs: crate::payload::Items<String>) -> PyResult<Self> {
        let mut calendar = Calendar::empty();
        for doc in &docs.0 {
            calendar.load_holiday_cn(doc).or_raise(py)?;
        }
        Ok(PyCalendar(calendar))
    }

    /// Loads holiday-cn JSON: a whole year (`{"year", "days"}`, replacing that notice year)
    /// or a bare days list (overriding single dates).
    fn load_holiday_cn(&mut self, py: Python<'_>, text: &str) -> PyResult<()> {
        self.0.load_holiday_cn(text).or_raise(py)
    }

    /// `load_holiday_cn` from a file.
    fn load_holiday_cn_file(slf: &Bound<'_, Self>, path: std::path::PathBuf) -> PyResult<()> {
        // Read without the GIL (the path may name a FIFO, a slow disk) and without holding the
        // calendar, which other threads may use meanwhile.
        let py = slf.py();
        let text =
            crate::runtime::detach(py, || Calendar::read_holiday_cn_file(path)).or_raise(py)?;
        // `try_`: another thread inside a method that runs Python code (a date's `year`) holds
        // the calendar; `borrow_mut` panicked (PanicException, not an Exception).
        slf.try_borrow_mut()?.0.load_holiday_cn(&text).or_raise(py)
    }

    /// Whether notice year `year` is loaded.
    fn covers(&self, #[pyo3(from_py_with = crate::int::int)] year: i64) -> bool {
        i16::try_from(year).is_ok_and(|y| self.0.covers(y))
    }

    /// The notice years loaded, ascending.
    #[getter]
    fn years(&self) -> Vec<i16> {
        self.0.years().collect()
    }

    /// `"normal"`, `"off"`, `"makeup_work"`, or `None` when the year is not covered.
    fn status(&self, date: &Bound<'_, PyAny>) -> PyResult<Option<&'static str>> {
        Ok(self.0.status(date_of(date)?).map(|s| status_name(&s)))
    }

    fn __repr__(&self) -> String {
        let years: Vec<i16> = self.0.years().collect();
        match (years.first(), years.last()) {
            (Some(a), Some(b)) => format!("<dialtime.Calendar years={a}–{b}>"),
            _ => "<dialtime.Calendar empty>".to_owned(),
        }
    }
}

fn status_name(s: &DayStatus) -> &'static str {
    match s {
        DayStatus::Off { .. } => "off",
        DayStatus::MakeupWork { .. } => "makeup_work",
        _ => "normal",
    }
}

/// Why a local date has the windows it has (`Schedule.day(date)`).
#[pyclass(name = "Day", module = "dialtime", frozen)]
pub struct PyDay {
    day: dialtime::schedule::Day,
    zone: jiff::tz::TimeZone,
    /// The schedule that answered: a pickle is that schedule and the date, and the copy asks
    /// it again (a `Day` is what `Schedule.day` says, nothing a worker could not recompute).
    schedule: Py<PySchedule>,
}

#[pymethods]
impl PyDay {
    /// Immutable: a copy is the object itself (`copy.copy`, `copy.deepcopy`).
    fn __copy__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __deepcopy__(slf: Py<Self>, _memo: &Bound<'_, PyAny>) -> Py<Self> {
        slf
    }

    /// Pickled as `Schedule.day(schedule, date)` (a `Schedule` pickles itself).
    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (Py<PySchedule>, Bound<'py, PyAny>))> {
        let day = py.get_type::<PySchedule>().getattr("day")?;
        Ok((
            day,
            (self.schedule.clone_ref(py), py_date(py, self.day.date)?),
        ))
    }

    #[getter]
    fn date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_date(py, self.day.date)
    }

    /// A `Weekday` (0 = Sunday … 6 = Saturday, the platform's numbering), as
    /// `DaySchedule.week` is.
    #[getter]
    fn weekday<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::model::weekday(py, self.day.weekday.number())
    }

    /// `"normal"`, `"off"`, `"makeup_work"` or `"not_covered"`.
    #[getter]
    fn status(&self) -> &'static str {
        self.day.status.as_ref().map_or("not_covered", status_name)
    }

    /// The festival of an off-day or make-up day.
    #[getter]
    fn festival(&self) -> Option<String> {
        match &self.day.status {
            Some(DayStatus::Off { festival }) | Some(DayStatus::MakeupWork { festival, .. }) => {
                Some(festival.to_string())
            }
            _ => None,
        }
    }

    /// Whether the calendar shaped the windows.
    #[getter]
    fn holidays_applied(&self) -> bool {
        self.day.holidays_applied
    }

    /// The `Weekday` whose windows the date uses, or None.
    #[getter]
    fn windows_of<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.day
            .windows_of
            .map(|w| crate::model::weekday(py, w.number()))
            .transpose()
    }

    #[getter]
    fn windows(&self) -> Vec<PyTimeRange> {
        self.day.windows.iter().cloned().map(PyTimeRange).collect()
    }

    /// The windows as `(start, end)` aware datetimes.
    #[getter]
    fn intervals<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
        self.day
            .intervals
            .iter()
            .map(|i| interval(py, *i, &self.zone))
            .collect()
    }

    fn __repr__(&self) -> String {
        let windows: Vec<String> = self
            .day
            .windows
            .iter()
            .map(|w| format!("{}–{}", w.begin_time, w.end_time))
            .collect();
        format!(
            "<dialtime.Day {} {} windows=[{}]>",
            self.day.date,
            self.status(),
            windows.join(", ")
        )
    }
}

/// `content` as JSON, for a pickle.
fn content_json(content: Vec<dialtime::DaySchedule>) -> dialtime::Result<String> {
    serde_json::to_string(&content).map_err(|e| {
        Error::Validation(vec![Problem::new(
            "content",
            format!("cannot be written as JSON: {e}"),
        )])
    })
}

/// A group's dialing schedule, evaluated offline: `Schedule(content, skip_holiday, zone=…)`
/// or `group.schedule()`.
#[pyclass(name = "Schedule", module = "dialtime", frozen)]
pub struct PySchedule(pub Schedule);

/// The options every way of making a schedule takes.
pub(crate) fn configure(
    py: Python<'_>,
    mut b: ScheduleBuilder,
    zone: Option<String>,
    calendar: Option<PyRef<'_, PyCalendar>>,
    makeup_as: Option<i64>,
    assume_no_holidays: bool,
) -> PyResult<PySchedule> {
    if let Some(zone) = zone {
        b = b.zone(zone);
    }
    if let Some(c) = calendar {
        b = b.calendar(c.0.clone());
    }
    if let Some(w) = makeup_as {
        let w = dialtime::__private::weekday_number("makeup_as", w).or_raise(py)?;
        b = b.makeup(MakeupPolicy::AsWeekday(w));
    }
    b.assume_no_holidays(assume_no_holidays)
        .build()
        .map(PySchedule)
        .or_raise(py)
}

#[pymethods]
impl PySchedule {
    /// Immutable: a copy is the object itself (`copy.copy`, `copy.deepcopy`).
    fn __copy__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __deepcopy__(slf: Py<Self>, _memo: &Bound<'_, PyAny>) -> Py<Self> {
        slf
    }

    /// Pickled as its merged windows and options (the built-in calendar by reference, another
    /// one as its holiday-cn documents), so multiprocessing can send it to a worker.
    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(
        Bound<'py, PyAny>,
        (
            String,
            bool,
            Option<String>,
            Option<PyCalendar>,
            Option<u8>,
            bool,
        ),
    )> {
        let s = &self.0;
        let zone = s.time_zone().iana_name().ok_or_else(|| {
            PyTypeError::new_err("cannot pickle a Schedule whose zone has no IANA name")
        })?;
        // The default zone travels as the default: the copy reads the same bundled
        // Asia/Shanghai, not the system's tzdata (another version of it elsewhere).
        let zone = (zone != dialtime::schedule::DEFAULT_ZONE).then(|| zone.to_owned());
        let content = content_json(s.content()).or_raise(py)?;
        let calendar = (!s.has_default_calendar()).then(|| PyCalendar(s.calendar().clone()));
        let makeup_as = match s.makeup() {
            MakeupPolicy::AsWeekday(w) => Some(w.number()),
            _ => None,
        };
        let restore = py.get_type::<Self>().getattr("_restore")?;
        Ok((
            restore,
            (
                content,
                s.skip_holiday(),
                zone.to_owned(),
                calendar,
                makeup_as,
                s.assumes_no_holidays(),
            ),
        ))
    }

    /// What pickle calls: the schedule `__reduce__` describes (its content is already merged
    /// and split at midnight, so it is rebuilt without the payload rules).
    #[staticmethod]
    fn _restore(
        py: Python<'_>,
        content: &str,
        skip_holiday: bool,
        zone: Option<String>,
        calendar: Option<PyRef<'_, PyCalendar>>,
        #[pyo3(from_py_with = crate::int::opt_int)] makeup_as: Option<i64>,
        assume_no_holidays: bool,
    ) -> PyResult<Self> {
        let days: Vec<dialtime::DaySchedule> = serde_json::from_str(content)
            .map_err(|e| {
                Error::Validation(vec![Problem::new(
                    "content",
                    format!("not a pickled schedule's content: {e}"),
                )])
            })
            .or_raise(py)?;
        let b = Schedule::builder(&days, skip_holiday);
        configure(py, b, zone, calendar, makeup_as, assume_no_holidays)
    }

    #[new]
    #[pyo3(signature = (content, skip_holiday, *, zone=None, calendar=None, makeup_as=None, assume_no_holidays=false))]
    fn new(
        py: Python<'_>,
        content: &Bound<'_, PyAny>,
        skip_holiday: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::text::zone)] zone: Option<String>,
        calendar: Option<PyRef<'_, PyCalendar>>,
        #[pyo3(from_py_with = crate::int::opt_int)] makeup_as: Option<i64>,
        assume_no_holidays: bool,
    ) -> PyResult<Self> {
        guard(py, || {
            let json = crate::payload::fields_json(&[
                ("content", content),
                ("skip_holiday", skip_holiday),
            ])
            .or_raise(py)?;
            let b = Schedule::builder_from_json(&json).or_raise(py)?;
            configure(py, b, zone, calendar, makeup_as, assume_no_holidays)
        })
    }

    /// Whether dialing is allowed at `at` (an aware datetime).
    fn is_open_at(&self, py: Python<'_>, at: &Bound<'_, PyAny>) -> PyResult<bool> {
        let t = instant(at, "at")?;
        self.0.is_open_at(t).or_raise(py)
    }

    /// The first open `(start, end)` whose end is after `at` (unclipped: `start <= at` means
    /// open now), or None within 370 days / the calendar's coverage.
    fn next_window<'py>(
        &self,
        py: Python<'py>,
        at: &Bound<'py, PyAny>,
    ) -> PyResult<Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
        let t = instant(at, "at")?;
        match self.0.next_window(t).or_raise(py)? {
            Some(i) => interval(py, i, self.0.time_zone()).map(Some),
            None => Ok(None),
        }
    }

    /// The first instant at or after `at` when the dialer may call (`at` itself while a
    /// window is open), or None as for `next_window`.
    fn next_allowed_instant<'py>(
        &self,
        py: Python<'py>,
        at: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let t = instant(at, "at")?;
        match self.0.next_allowed_instant(t).or_raise(py)? {
            Some(when) => to_datetime(py, when, self.0.time_zone()).map(Some),
            None => Ok(None),
        }
    }

    /// The open `(start, end)` intervals within `[start, end)`, sorted, merged, clipped.
    fn windows<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
    ) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
        let (a, b) = (instant(start, "start")?, instant(end, "end")?);
        self.0
            .windows(a, b)
            .or_raise(py)?
            .into_iter()
            .map(|i| interval(py, i, self.0.time_zone()))
            .collect()
    }

    /// The total open time within `[start, end)`, a `timedelta`.
    fn open_duration<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (a, b) = (instant(start, "start")?, instant(end, "end")?);
        let d = self.0.open_duration(a, b).or_raise(py)?;
        datetime_module(py)?
            .getattr("timedelta")?
            .call1((0, d.as_secs(), d.subsec_micros()))
    }

    /// Why local `date` (a `datetime.date` in the schedule's zone) has its windows.
    fn day(slf: &Bound<'_, Self>, date: &Bound<'_, PyAny>) -> PyResult<PyDay> {
        let s = &slf.get().0;
        Ok(PyDay {
            day: s.day(date_of(date)?),
            zone: s.time_zone().clone(),
            schedule: slf.clone().unbind(),
        })
    }

    /// `"zh"` (default) or `"en"`.
    #[pyo3(signature = (lang="zh"))]
    fn summary(&self, lang: &str) -> String {
        self.0.summary(lang)
    }

    /// The IANA name of the zone.
    #[getter]
    fn zone(&self) -> Option<String> {
        self.0.time_zone().iana_name().map(str::to_owned)
    }

    #[getter]
    fn skip_holiday(&self) -> bool {
        self.0.skip_holiday()
    }

    fn __repr__(&self) -> String {
        format!(
            "<dialtime.Schedule zone={:?} {:?}>",
            self.0.time_zone().iana_name().unwrap_or("?"),
            self.0.summary("en")
        )
    }
}
