//! Python arguments → the JSON shape the core validates. Only conversion happens here: every
//! rule (types of fields, times, weekdays, overlaps) is checked by `dialtime::validate`, so a
//! payload passed as dicts and one built from `DaySchedule` objects get the same errors.

use dialtime::__private::{
    not_finite, not_json, not_unicode, too_deep, too_many_items, with_index, with_key, ValueBudget,
    MAX_ITEMS, MAX_NESTING,
};
use dialtime::{DialTimeGroupUpdate, Error, NewDialTimeGroup, Problem};
use pyo3::conversion::FromPyObjectOwned;
use pyo3::exceptions::{PyException, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PySequence, PyString,
    PyTime, PyTuple,
};
use serde_json::{Map, Number, Value};

use crate::error::Failure;
use crate::model::{PyDaySchedule, PyTimeRange};

/// Why a value was not read: a problem to report with the others, or an interrupt raised by
/// the payload's own Python code (`__iter__`, `__len__`, a property), which ends the reading
/// and is raised as it is.
pub(crate) enum Stop {
    Problem(Problem),
    Raised(PyErr),
}

impl From<Problem> for Stop {
    fn from(p: Problem) -> Self {
        Stop::Problem(p)
    }
}

/// What the payload's own code raised, as a [`Stop`]: `KeyboardInterrupt`, `SystemExit` and
/// other `BaseException`s that are not an `Exception` go on as they are (Ctrl-C while a
/// generator yields content is Ctrl-C, not a `ValidationError`), any other is `problem`.
fn raised(py: Python<'_>, err: PyErr, problem: impl FnOnce() -> Problem) -> Stop {
    if err.is_instance_of::<PyException>(py) {
        Stop::Problem(problem())
    } else {
        Stop::Raised(err)
    }
}

/// The arguments of `create`, read by the core's JSON reader (all problems at once, with
/// paths such as `content[1].times[0].end_time`).
pub(crate) fn new_group(
    name: &Bound<'_, PyAny>,
    content: &Bound<'_, PyAny>,
    is_default: &Bound<'_, PyAny>,
    skip_holiday: &Bound<'_, PyAny>,
    sub_user_id: Option<&Bound<'_, PyAny>>,
) -> Result<NewDialTimeGroup, Failure> {
    let mut fields = vec![
        ("name", name),
        ("content", content),
        ("is_default", is_default),
        ("skip_holiday", skip_holiday),
    ];
    if let Some(sub) = sub_user_id.filter(|s| !s.is_none()) {
        fields.push(("sub_user_id", sub));
    }
    let map = object(&fields)?;
    Ok(dialtime::validate::new_group_from_json(&Value::Object(
        map,
    ))?)
}

/// The arguments of `update`: only the fields that are set are sent.
pub(crate) fn update(
    name: &Bound<'_, PyAny>,
    content: Option<&Bound<'_, PyAny>>,
    is_default: Option<&Bound<'_, PyAny>>,
    skip_holiday: Option<&Bound<'_, PyAny>>,
    sub_user_id: Option<&Bound<'_, PyAny>>,
) -> Result<DialTimeGroupUpdate, Failure> {
    let optional = [
        ("content", content),
        ("is_default", is_default),
        ("skip_holiday", skip_holiday),
        ("sub_user_id", sub_user_id),
    ];
    let mut fields = vec![("name", name)];
    fields.extend(
        optional
            .into_iter()
            .filter_map(|(k, v)| v.filter(|v| !v.is_none()).map(|v| (k, v))),
    );
    let map = object(&fields)?;
    Ok(dialtime::validate::update_from_json(&Value::Object(map))?)
}

/// Named arguments as one JSON object (for a schedule's `content` and `skip_holiday`).
pub(crate) fn fields_json(fields: &[(&str, &Bound<'_, PyAny>)]) -> Result<Value, Failure> {
    object(fields).map(Value::Object)
}

/// Named arguments as one JSON object, every conversion problem reported. Like every reading
/// of a payload, inside a `runtime::section`: it runs the payload's own Python code
/// (`__iter__`, a `Mapping`'s methods) under this native frame, where a daemon thread ended by
/// the interpreter's exit crashed the process.
fn object(fields: &[(&str, &Bound<'_, PyAny>)]) -> Result<Map<String, Value>, Failure> {
    match fields.first() {
        Some((_, first)) => crate::runtime::section(first.py(), || object_now(fields)),
        None => Ok(Map::new()),
    }
}

fn object_now(fields: &[(&str, &Bound<'_, PyAny>)]) -> Result<Map<String, Value>, Failure> {
    let mut map = Map::with_capacity(fields.len());
    let mut problems = Vec::new();
    // One budget for the whole call: `content` and the rest are one payload.
    let mut budget = ValueBudget::default();
    for (key, value) in fields {
        match convert(value, &mut (*key).to_owned(), 0, &mut budget) {
            Ok(v) => {
                map.insert((*key).to_owned(), v);
            }
            Err(Stop::Problem(p)) => problems.push(p),
            Err(Stop::Raised(e)) => return Err(Failure::Py(e)),
        }
    }
    if problems.is_empty() {
        Ok(map)
    } else {
        Err(Error::Validation(problems).into())
    }
}

/// A list of payloads (the emulator's seed groups), each with a budget of its own: four
/// full weeks of one-minute windows are 120,000 values, each group a real size.
pub(crate) fn json_each(list: &Bound<'_, PyAny>) -> Result<Value, Failure> {
    // A list or tuple of groups; anything else (wire JSON as text, …) as one payload.
    if !(list.is_instance_of::<PyList>() || list.is_instance_of::<PyTuple>()) {
        return json(list);
    }
    crate::runtime::section(list.py(), || {
        each_item(list, &mut "$".to_owned(), |item, path| {
            convert(item, path, 1, &mut ValueBudget::default())
        })
    })
    .map_err(Failure::from)
}

/// A whole payload (a dict as in the platform's docs), in a section (see [`object`]).
pub(crate) fn json(payload: &Bound<'_, PyAny>) -> Result<Value, Failure> {
    crate::runtime::section(payload.py(), || {
        convert(payload, &mut "$".to_owned(), 0, &mut ValueBudget::default())
    })
    .map_err(Failure::from)
}

impl From<Stop> for Failure {
    fn from(stop: Stop) -> Self {
        match stop {
            Stop::Problem(p) => Failure::Core(Error::Validation(vec![p])),
            Stop::Raised(e) => Failure::Py(e),
        }
    }
}

/// JSON data, or dialtime's own model objects, as a JSON value, `depth` levels down: a cyclic
/// or runaway structure stops at [`MAX_NESTING`] with a problem (as `json.dumps` raises
/// `ValueError`), never exhausting the stack, and one that repeats an object many times at
/// `budget`'s [`MAX_VALUES`](dialtime::__private::MAX_VALUES) values or
/// [`MAX_TEXT`](dialtime::__private::MAX_TEXT) bytes of text (one string repeated).
fn convert(
    obj: &Bound<'_, PyAny>,
    path: &mut String,
    depth: usize,
    budget: &mut ValueBudget,
) -> Result<Value, Stop> {
    if depth > MAX_NESTING {
        return Err(too_deep(path).into());
    }
    budget.take(path)?;
    if obj.is_none() {
        Ok(Value::Null)
    } else if let Ok(s) = obj.cast::<PyString>() {
        let s = s.to_cow().map_err(|_| not_unicode(path))?;
        budget.take_text(path, s.len())?;
        Ok(Value::String(s.into_owned()))
    } else if let Ok(b) = obj.cast::<PyBool>() {
        Ok(Value::Bool(b.is_true()))
    } else if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            Ok(Value::from(i))
        } else if let Ok(u) = obj.extract::<u64>() {
            Ok(Value::from(u))
        } else {
            // Out of every integer range: kept as a float so the rule reports it.
            let f: f64 = obj
                .extract()
                .map_err(|e| raised(obj.py(), e, || not_json(path, "an integer too large")))?;
            Number::from_f64(f)
                .map(Value::Number)
                .ok_or_else(|| not_finite(path, f).into())
        }
    } else if let Ok(f) = obj.cast::<PyFloat>() {
        Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| not_finite(path, f.value()).into())
    } else if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(d.len());
        // Over a snapshot of the items: converting a value can run Python (a list subclass's
        // `__iter__`) that adds to this dict, and pyo3's iterator over a dict that changes
        // size panics.
        for item in d.items().iter() {
            let (k, v) = item
                .extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()
                .map_err(|_| not_json(path, "dict"))?;
            let key = k
                .cast::<PyString>()
                .ok()
                .and_then(|k| k.to_cow().ok().map(|k| k.into_owned()))
                .ok_or_else(|| Problem::new(path.as_str(), "must have string keys"))?;
            budget.take_text(path, key.len())?;
            let value = with_key(path, &key, |path| convert(&v, path, depth + 1, budget));
            map.insert(key, value?);
        }
        Ok(Value::Object(map))
    } else if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        array(obj, path, depth, budget)
    } else if obj.is_instance_of::<PyTime>() {
        time_text(obj, path).map(Value::String)
    } else if let Ok(day) = obj.cast::<PyDaySchedule>() {
        // Its week and times: an object and two texts per window.
        budget.take_many(path, 2 + 3 * day.get().0.times.len())?;
        serde_json::to_value(&day.get().0).map_err(|_| not_json(path, "DaySchedule").into())
    } else if let Ok(range) = obj.cast::<PyTimeRange>() {
        serde_json::to_value(range.get().0).map_err(|_| not_json(path, "TimeRange").into())
    } else if any_sequence(obj) {
        array(obj, path, depth, budget)
    } else if let Ok(mapping) = obj.cast::<PyMapping>() {
        // Any other mapping (`MappingProxyType`, `UserDict`, a `Mapping` subclass), as the
        // stubs' `Mapping` promises: read as the dict of its items.
        let dict = PyDict::new(obj.py());
        dict.update(mapping)
            .map_err(|e| raised(obj.py(), e, || not_json(path, &type_name(obj))))?;
        convert(dict.as_any(), path, depth, budget)
    } else {
        Err(not_json(path, &type_name(obj)).into())
    }
}

/// The items of a sequence, as a JSON array.
fn array(
    obj: &Bound<'_, PyAny>,
    path: &mut String,
    depth: usize,
    budget: &mut ValueBudget,
) -> Result<Value, Stop> {
    each_item(obj, path, |item, path| {
        convert(item, path, depth + 1, budget)
    })
}

/// A JSON array of what `convert` makes of each item of a sequence (at most [`MAX_ITEMS`]),
/// each under its index's path.
fn each_item(
    obj: &Bound<'_, PyAny>,
    path: &mut String,
    mut convert: impl FnMut(&Bound<'_, PyAny>, &mut String) -> Result<Value, Stop>,
) -> Result<Value, Stop> {
    let mut items = presized(obj).map_err(Stop::Raised)?;
    let unreadable = |e: PyErr, path: &str| raised(obj.py(), e, || not_json(path, &type_name(obj)));
    for (i, item) in obj.try_iter().map_err(|e| unreadable(e, path))?.enumerate() {
        if i == MAX_ITEMS {
            return Err(too_many_items(path).into());
        }
        let item = item.map_err(|e| unreadable(e, path))?;
        items.push(with_index(path, i, |path| convert(&item, path))?);
    }
    Ok(Value::Array(items))
}

/// Any other sequence (`collections.deque`, a `Sequence` subclass), as the stubs' `Sequence`
/// promises; text and bytes are not sequences of values.
fn any_sequence(obj: &Bound<'_, PyAny>) -> bool {
    !obj.is_instance_of::<PyBytes>()
        && !obj.is_instance_of::<PyByteArray>()
        && obj.cast::<PySequence>().is_ok()
}

/// A time of day as the text the core reads: a `str` as it is, a `datetime.time` as
/// `HH:MM:SS[.ffffff]` (the core accepts whole minutes only, and says so). An aware time is
/// refused: a window's times are wall-clock times of the schedule's zone.
pub(crate) fn time_text(obj: &Bound<'_, PyAny>, path: &str) -> Result<String, Stop> {
    if let Ok(s) = obj.cast::<PyString>() {
        return s
            .to_cow()
            .map(|s| s.into_owned())
            .map_err(|_| not_unicode(path).into());
    }
    if !obj.is_instance_of::<PyTime>() {
        return Err(Problem::new(
            path,
            format!(
                "must be a time \"HH:MM\" or a datetime.time, got {}",
                type_name(obj)
            ),
        )
        .into());
    }
    // The limited API has no accessors for `time`: read its attributes.
    let field = |name: &str| -> Result<u32, Stop> {
        obj.getattr(name)
            .and_then(|v| v.extract::<u32>())
            .map_err(|e| {
                raised(obj.py(), e, || {
                    not_json(path, "an unreadable datetime.time")
                })
            })
    };
    let naive = obj
        .getattr("tzinfo")
        .map_err(|e| {
            raised(obj.py(), e, || {
                not_json(path, "an unreadable datetime.time")
            })
        })?
        .is_none();
    if !naive {
        return Err(Problem::new(
            path,
            "must be a naive datetime.time (a wall-clock time of the schedule's zone), got an aware one",
        )
        .into());
    }
    let (h, m, sec, us) = (
        field("hour")?,
        field("minute")?,
        field("second")?,
        field("microsecond")?,
    );
    Ok(if us == 0 {
        format!("{h:02}:{m:02}:{sec:02}")
    } else {
        format!("{h:02}:{m:02}:{sec:02}.{us:06}")
    })
}

/// The name of `obj`'s type, for messages (never its value: it may be a secret).
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |n| n.to_string())
}

/// Slots reserved up front at most for a Python sequence's items; the rest grow as they come.
/// `len()` is the object's own `__len__`: a list subclass may report 2**40 items, and
/// reserving that many aborts the process (allocation failure).
const PRESIZE_MAX: usize = 1024;

/// An empty vector with room for the items `obj`'s `__len__` reports, at most
/// [`PRESIZE_MAX`] (none when it fails; an interrupt raised there goes on).
pub(crate) fn presized<T>(obj: &Bound<'_, PyAny>) -> PyResult<Vec<T>> {
    let len = match obj.len() {
        Ok(n) => n,
        Err(e) if e.is_instance_of::<PyException>(obj.py()) => 0,
        Err(e) => return Err(e),
    };
    Ok(Vec::with_capacity(len.min(PRESIZE_MAX)))
}

/// A sequence argument's items: what pyo3 extracts as `Vec<T>`, without reserving what the
/// sequence's `__len__` claims (pyo3 does, see [`PRESIZE_MAX`]). Every sequence the binding
/// takes from Python is read through this type or [`presized`], never as `Vec<T>`.
pub(crate) struct Items<T>(pub Vec<T>);

impl<'py, T: FromPyObjectOwned<'py>> FromPyObject<'_, 'py> for Items<T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err("expected a sequence, got a str"));
        }
        // A sequence, as pyo3's `Vec<T>` requires (not any iterable: a generator never ends).
        obj.cast::<PySequence>()?;
        let mut items = presized(&obj)?;
        for item in obj.try_iter()? {
            items.push(item?.extract::<T>().map_err(Into::into)?);
        }
        Ok(Items(items))
    }
}
