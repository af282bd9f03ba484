//! Caller JSON (and a tolerant server's view of it): walks the payload, reports type problems
//! and unknown keys with their paths, and applies the rules through the [`Checker`].

use serde_json::{Map, Value};

use crate::error::{Error, Problem};
use crate::model::{DaySchedule, DialTimeGroupUpdate, NewDialTimeGroup, TimeRange, Weekday};

use super::rules::{excerpt, week_message, Checker};

pub(crate) fn parse_json(payload: &str) -> Result<Value, Error> {
    serde_json::from_str(payload)
        .map_err(|e| Error::Validation(vec![Problem::new("$", format!("must be valid JSON: {e}"))]))
}

/// Reads and checks an update payload. The emulator uses it with [`UnknownFields::Ignore`].
pub fn read_update(payload: &Value, unknown: UnknownFields) -> Result<DialTimeGroupUpdate, Error> {
    let mut check = Checker::default();
    let update = JsonReader {
        check: &mut check,
        unknown,
        save_rules: true,
    }
    .update(payload);
    check.finish()?;
    update.ok_or_else(|| Error::Validation(vec![Problem::new("$", "is not a valid payload")]))
}

/// What to do with keys that are not fields of the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownFields {
    /// Report each as a problem (what a client does).
    Reject,
    /// Skip them (what a tolerant server does).
    Ignore,
}

/// Reads and checks a create payload. The emulator uses it with [`UnknownFields::Ignore`].
pub fn read_new_group(payload: &Value, unknown: UnknownFields) -> Result<NewDialTimeGroup, Error> {
    let mut check = Checker::default();
    let group = JsonReader {
        check: &mut check,
        unknown,
        save_rules: true,
    }
    .new_group(payload);
    check.finish()?;
    group.ok_or_else(|| Error::Validation(vec![Problem::new("$", "is not a valid payload")]))
}

/// Reads `{"content": [...], "skip_holiday": bool}` (a group as sent or saved; other keys are
/// ignored) for a schedule: the shapes and time formats are checked, the rules for saving are
/// not (see below). `skip_holiday` is required (true/false, or 0/1 as saved).
pub(crate) fn read_schedule(payload: &Value) -> Result<(Vec<DaySchedule>, bool), Error> {
    let mut check = Checker::default();
    // A schedule is read as the platform may have saved it (the response decoder's reading):
    // the rules for saving (one entry per weekday, ranges in order within a day, none
    // overlapping, at least one) are not asked of a saved group, whose windows the evaluator
    // merges and whose `22:00–02:00` it reads as two parts; only an empty window is refused,
    // by the builder. (`new Schedule(group)` in Node refused groups `list()` returned.)
    let mut reader = JsonReader {
        check: &mut check,
        unknown: UnknownFields::Ignore,
        save_rules: false,
    };
    let read = match payload.as_object() {
        Some(obj) => {
            // No days is a schedule that never dials (the platform's one-day minimum is a
            // rule for saving, not for evaluating).
            let content = match reader.required(obj, "", "content") {
                Some(Value::Array(days)) if days.is_empty() => Some(Vec::new()),
                Some(v) => reader.content(v),
                None => None,
            };
            let skip_holiday = reader.boolean(obj, "skip_holiday");
            content.zip(skip_holiday)
        }
        None => {
            reader.check.push(
                "$",
                format!("must be a JSON object, got {}", excerpt(payload)),
            );
            None
        }
    };
    check.finish()?;
    read.ok_or_else(|| Error::Validation(vec![Problem::new("$", "is not a valid schedule")]))
}

/// Walks caller JSON, reporting type problems and applying the rules through the [`Checker`].
struct JsonReader<'c> {
    check: &'c mut Checker,
    unknown: UnknownFields,
    /// Whether the rules for saving a group apply, or only the shapes and the time formats
    /// (a schedule read from a saved group).
    save_rules: bool,
}

const GROUP_FIELDS: &[&str] = &[
    "name",
    "content",
    "is_default",
    "skip_holiday",
    "sub_user_id",
];
const DAY_FIELDS: &[&str] = &["week", "times"];
const RANGE_FIELDS: &[&str] = &["begin_time", "end_time"];

impl JsonReader<'_> {
    fn new_group(&mut self, v: &Value) -> Option<NewDialTimeGroup> {
        let Some(obj) = v.as_object() else {
            self.check
                .push("$", format!("must be a JSON object, got {}", excerpt(v)));
            return None;
        };
        let name = self.name(obj);
        let content = self
            .required(obj, "", "content")
            .and_then(|v| self.content(v));
        let is_default = self.boolean(obj, "is_default");
        let skip_holiday = self.boolean(obj, "skip_holiday");
        let sub_user_id = self.sub_user_id(obj);
        self.unknown_keys(obj, "", GROUP_FIELDS);
        Some(NewDialTimeGroup {
            name: name?,
            content: content?,
            is_default: is_default?,
            skip_holiday: skip_holiday?,
            sub_user_id: sub_user_id?,
        })
    }

    fn update(&mut self, v: &Value) -> Option<DialTimeGroupUpdate> {
        let Some(obj) = v.as_object() else {
            self.check
                .push("$", format!("must be a JSON object, got {}", excerpt(v)));
            return None;
        };
        let name = self.name(obj);
        let content = match obj.get("content") {
            None | Some(Value::Null) => Some(None),
            Some(v) => self.content(v).map(Some),
        };
        let is_default = self.optional_boolean(obj, "is_default");
        let skip_holiday = self.optional_boolean(obj, "skip_holiday");
        let sub_user_id = self.sub_user_id(obj);
        self.unknown_keys(obj, "", GROUP_FIELDS);
        Some(DialTimeGroupUpdate {
            name: name?,
            content: content?,
            is_default: is_default?,
            skip_holiday: skip_holiday?,
            sub_user_id: sub_user_id?,
        })
    }

    fn name(&mut self, obj: &Map<String, Value>) -> Option<String> {
        self.required(obj, "", "name").and_then(|v| match v {
            Value::String(s) => {
                self.check.name(s);
                Some(s.clone())
            }
            other => self.wrong_type("name", "a string", other),
        })
    }

    fn sub_user_id(&mut self, obj: &Map<String, Value>) -> Option<Option<String>> {
        match obj.get("sub_user_id") {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) => {
                self.check.uuid("sub_user_id", s);
                Some(Some(s.clone()))
            }
            Some(other) => self.wrong_type("sub_user_id", "a string", other),
        }
    }

    fn optional_boolean(&mut self, obj: &Map<String, Value>, key: &str) -> Option<Option<bool>> {
        match obj.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(_) => self.boolean(obj, key).map(Some),
        }
    }

    fn content(&mut self, v: &Value) -> Option<Vec<DaySchedule>> {
        let Value::Array(days) = v else {
            return self.wrong_type("content", "an array of days", v);
        };
        if self.save_rules {
            self.check.content_len(days.len());
        }
        let mut out = Some(Vec::with_capacity(days.len()));
        for (i, day) in days.iter().enumerate() {
            let parsed = self.day(i, day);
            out = out.zip(parsed).map(|(mut all, d)| {
                all.push(d);
                all
            });
        }
        out
    }

    fn day(&mut self, i: usize, v: &Value) -> Option<DaySchedule> {
        let at = format!("content[{i}]");
        let Some(obj) = v.as_object() else {
            return self.wrong_type(&at, "an object {\"week\", \"times\"}", v);
        };
        let week = self.required(obj, &at, "week").and_then(|w| {
            // A saved day's week may be a numeric string, as the response decoder reads it.
            let number = match w {
                Value::String(s) if !self.save_rules => s.trim().parse::<i64>().ok(),
                other => other.as_i64(),
            };
            match number.and_then(Weekday::from_number) {
                Some(week) => {
                    if self.save_rules {
                        self.check.week(i, week);
                    }
                    Some(week)
                }
                None => {
                    self.check
                        .push(format!("{at}.week"), week_message(excerpt(w)));
                    None
                }
            }
        });
        let saved_none = !self.save_rules && matches!(obj.get("times"), None | Some(Value::Null));
        let times = if saved_none {
            // A saved day's `null` (or no `times`) is no windows, as the decoder reads it.
            Some(Vec::new())
        } else {
            self.required(obj, &at, "times").and_then(|t| {
                let Value::Array(ranges) = t else {
                    return self.wrong_type(&format!("{at}.times"), "an array of time ranges", t);
                };
                if self.save_rules {
                    self.check.times_len(i, ranges.len());
                }
                let mut out = Some(Vec::with_capacity(ranges.len()));
                for (j, r) in ranges.iter().enumerate() {
                    let parsed = self.range(i, j, r);
                    out = out.zip(parsed).map(|(mut all, r)| {
                        all.push(r);
                        all
                    });
                }
                if self.save_rules {
                    self.check.end_day(i);
                }
                out
            })
        };
        self.unknown_keys(obj, &at, DAY_FIELDS);
        Some(DaySchedule::new(week?, times?))
    }

    fn range(&mut self, i: usize, j: usize, v: &Value) -> Option<TimeRange> {
        let at = format!("content[{i}].times[{j}]");
        let Some(obj) = v.as_object() else {
            return self.wrong_type(&at, "an object {\"begin_time\", \"end_time\"}", v);
        };
        let time = |this: &mut Self, field: &str| {
            this.required(obj, &at, field).and_then(|t| match t {
                // A saved time may come padded, as the response decoder reads it.
                Value::String(s) if !this.save_rules => {
                    this.check.parse_time(i, j, field, s.trim())
                }
                Value::String(s) => this.check.parse_time(i, j, field, s),
                other => this.wrong_type(&format!("{at}.{field}"), "a string \"HH:MM\"", other),
            })
        };
        let b = time(self, "begin_time");
        let e = time(self, "end_time");
        if self.save_rules {
            self.check.range(i, j, b, e);
        }
        self.unknown_keys(obj, &at, RANGE_FIELDS);
        Some(TimeRange::new(b?, e?))
    }

    fn boolean(&mut self, obj: &Map<String, Value>, key: &str) -> Option<bool> {
        let save_rules = self.save_rules;
        self.required(obj, "", key).and_then(|v| match v {
            Value::Bool(b) => Some(*b),
            // A saved flag may be a tinyint, 0/1 (Laravel), as the response decoder reads it.
            Value::Number(n) if !save_rules && n.as_u64().is_some_and(|n| n <= 1) => {
                Some(n.as_u64() == Some(1))
            }
            other => self.wrong_type(key, "true or false", other),
        })
    }

    fn required<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        at: &str,
        key: &str,
    ) -> Option<&'v Value> {
        match obj.get(key) {
            None | Some(Value::Null) => {
                self.check.push(join(at, key), "is required");
                None
            }
            some => some,
        }
    }

    fn wrong_type<T>(&mut self, path: &str, expected: &str, got: &Value) -> Option<T> {
        self.check
            .push(path, format!("must be {expected}, got {}", excerpt(got)));
        None
    }

    fn unknown_keys(&mut self, obj: &Map<String, Value>, at: &str, known: &[&str]) {
        if self.unknown == UnknownFields::Ignore {
            return;
        }
        for key in obj.keys().filter(|k| !known.contains(&k.as_str())) {
            self.check.push(
                join(at, key),
                format!(
                    "is not a known field (expected one of: {})",
                    known.join(", ")
                ),
            );
        }
    }
}

fn join(at: &str, key: &str) -> String {
    // A key of control characters (printed, it cleared a terminal) or a huge one (copied into
    // every message) is shown quoted and cut.
    let shown;
    let key = if key.chars().count() <= 60 && !key.chars().any(crate::__private::unsafe_to_print) {
        key
    } else {
        shown = super::rules::quoted(key, 60);
        &shown
    };
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}
