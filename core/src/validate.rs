//! The rules dialtime enforces before sending (`api.md`, "Rules dialtime enforces").
//!
//! Every problem is reported at once, in payload order, each with its path
//! (`content[1].times[0].end_time`) and a message naming the rule and the offending value.
//! The same [`Checker`] serves the typed structs, the builder and raw JSON input, so the
//! rules exist once.
//!
//! | path | rule |
//! |---|---|
//! | `name` | a string, not empty after trimming, at most 255 characters |
//! | `content` | an array of at least one day |
//! | `content[i].week` | an integer 0 (Sunday) … 6 (Saturday), each weekday at most once |
//! | `content[i].times` | an array of at least one range |
//! | `….begin_time` | `H:MM` or `HH:MM`, 00:00–23:59 |
//! | `….end_time` | `H:MM` or `HH:MM`, 00:01–24:00, later than `begin_time` |
//! | `content[i].times[j]` | does not overlap another range of the day (touching is fine) |
//! | `is_default`, `skip_holiday` | booleans |
//! | `sub_user_id`, `user_id` | UUIDs, 8-4-4-4-12 hex digits |
//! | `group_id` | a positive integer |
//! | any other key | not a field of the payload (a typo caught before it reaches production) |

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::error::{Error, Problem, ProblemList};
use crate::model::{
    DaySchedule, DialTimeGroupUpdate, NewDialTimeGroup, TimeOfDay, TimeParseError, TimeRange,
    Weekday,
};

/// The longest `name` the platform stores (Laravel's `max:255`, in characters).
pub const NAME_MAX_CHARS: usize = 255;

/// Checks a group built in Rust.
pub fn new_group(group: &NewDialTimeGroup) -> Result<(), Error> {
    let mut check = Checker::default();
    check.new_group(group);
    check.finish()
}

/// Checks a JSON payload as a caller would write it and returns the typed group.
/// Keys that are not fields of the payload are reported, so a typo never reaches the platform.
pub fn new_group_from_json(payload: &Value) -> Result<NewDialTimeGroup, Error> {
    read_new_group(payload, UnknownFields::Reject)
}

/// [`new_group_from_json`] on JSON text; text that is not JSON is a problem at path `$`.
pub fn new_group_from_json_str(payload: &str) -> Result<NewDialTimeGroup, Error> {
    new_group_from_json(&parse_json(payload)?)
}

/// [`update_from_json`] on JSON text; text that is not JSON is a problem at path `$`.
pub fn update_from_json_str(payload: &str) -> Result<DialTimeGroupUpdate, Error> {
    update_from_json(&parse_json(payload)?)
}

fn parse_json(payload: &str) -> Result<Value, Error> {
    serde_json::from_str(payload)
        .map_err(|e| Error::Validation(vec![Problem::new("$", format!("must be valid JSON: {e}"))]))
}

/// Checks an update payload (`name` required; `content`, `is_default`, `skip_holiday`,
/// `sub_user_id` optional, `null` meaning "not sent") and returns the typed update.
pub fn update_from_json(payload: &Value) -> Result<DialTimeGroupUpdate, Error> {
    read_update(payload, UnknownFields::Reject)
}

/// Reads and checks an update payload. The emulator uses it with [`UnknownFields::Ignore`].
pub fn read_update(payload: &Value, unknown: UnknownFields) -> Result<DialTimeGroupUpdate, Error> {
    let mut check = Checker::default();
    let update = JsonReader {
        check: &mut check,
        unknown,
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
    }
    .new_group(payload);
    check.finish()?;
    group.ok_or_else(|| Error::Validation(vec![Problem::new("$", "is not a valid payload")]))
}

/// Checks a user id (path parameter).
pub fn user_id(user_id: &str) -> Result<(), Error> {
    let mut check = Checker::default();
    check.uuid("user_id", user_id);
    check.finish()
}

/// Checks a group id (path parameter).
pub fn group_id(group_id: i64) -> Result<(), Error> {
    let mut check = Checker::default();
    check.group_id(group_id);
    check.finish()
}

/// How deep a payload given as a host language's objects (Python dicts and lists, JavaScript
/// objects and arrays) may nest before a binding stops converting it. The deepest real
/// payload nests 4 levels (`content[i].times[j].begin_time`); a cyclic structure (a list that
/// contains itself) or a runaway one (100,000 nested lists) is refused here, as `json.dumps`
/// and `JSON.stringify` refuse it, instead of exhausting the stack.
pub const MAX_NESTING: usize = 32;

/// The problem a binding reports at `path` when a payload nests deeper than [`MAX_NESTING`].
pub fn too_deep(path: &str) -> Problem {
    Problem::new(
        path,
        format!("nests deeper than {MAX_NESTING} levels (is the structure cyclic?)"),
    )
}

/// The problem a binding reports at `path` for a number JSON cannot hold (NaN, ±infinity).
pub fn not_finite(path: &str, value: f64) -> Problem {
    Problem::new(path, format!("must be a finite number, got {value}"))
}

/// The problem a binding reports at `path` for a value that is not JSON data; `what` names
/// what it got in the host language (`a function`, `datetime.date`, …).
pub fn not_json(path: &str, what: &str) -> Problem {
    Problem::new(
        path,
        format!("must be JSON data (a string, number, boolean, null, array or object), got {what}"),
    )
}

/// The problem a binding reports at `path` for text that is not valid Unicode (a lone
/// surrogate in a Python or JavaScript string).
pub fn not_unicode(path: &str) -> Problem {
    Problem::new(
        path,
        "must be valid Unicode text (it holds a lone surrogate)",
    )
}

/// A number from a host language whose numbers are doubles (JavaScript), as an integer:
/// `0.5`, NaN, ±infinity and anything beyond ±(2^53 − 1) are a `Validation` problem at
/// `path` rather than silently truncated, wrapped or saturated.
pub fn whole_number(path: &str, value: f64) -> Result<i64, Error> {
    const SAFE: f64 = 9_007_199_254_740_991.0;
    if value.is_finite() && value.fract() == 0.0 && value.abs() <= SAFE {
        Ok(value as i64)
    } else {
        Err(Error::Validation(vec![Problem::new(
            path,
            format!("must be an integer (a safe integer in JavaScript), got {value}"),
        )]))
    }
}

/// A page number: 1 or more (and at most `u32::MAX`).
pub fn page_number(page: i64) -> Result<u32, Error> {
    match u32::try_from(page) {
        Ok(p) if p >= 1 => Ok(p),
        _ => Err(Error::Validation(vec![Problem::new(
            "page",
            page_message(page),
        )])),
    }
}

pub(crate) fn page_message(page: impl std::fmt::Display) -> String {
    format!("must be an integer from 1 to {}, got {page}", u32::MAX)
}

/// For bindings converting host objects: runs `f` with `path` extended by `.key` (just `key`
/// at the top, `$`), then restores `path`. Paths so built match the core's own.
pub fn with_key<R>(path: &mut String, key: &str, f: impl FnOnce(&mut String) -> R) -> R {
    let top = path == "$";
    let mark = path.len();
    if top {
        path.clear();
    } else {
        path.push('.');
    }
    path.push_str(key);
    let out = f(path);
    if top {
        path.clear();
        path.push('$');
    } else {
        path.truncate(mark);
    }
    out
}

/// Like [`with_key`], for item `i` of an array: `path[i]`.
pub fn with_index<R>(path: &mut String, i: usize, f: impl FnOnce(&mut String) -> R) -> R {
    let mark = path.len();
    let _ = write!(path, "[{i}]");
    let out = f(path);
    path.truncate(mark);
    out
}

/// Whether `s` is a UUID in its 8-4-4-4-12 hex form.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The message for a time string that does not parse, naming the field's own range.
pub(crate) fn week_message(got: impl std::fmt::Display) -> String {
    format!("must be an integer from 0 (Sunday) to 6 (Saturday), got {got}")
}

pub(crate) fn time_message(field: &str, e: TimeParseError, raw: &str) -> String {
    match e {
        TimeParseError::Format => format!("must be a time H:MM or HH:MM (24-hour), got {raw:?}"),
        TimeParseError::Range => format!("must be between {}, got {raw:?}", time_bounds(field)),
    }
}

fn time_bounds(field: &str) -> &'static str {
    if field == "begin_time" {
        "00:00 and 23:59"
    } else {
        "00:01 and 24:00"
    }
}

/// Collects problems; its methods are the rules, called in payload order.
#[derive(Default)]
pub(crate) struct Checker {
    problems: ProblemList,
    /// For each weekday, the index of the day that first listed it.
    seen_weeks: [Option<usize>; 7],
    /// The well-formed ranges of the day being checked: (index, begin, end).
    day_ranges: Vec<(usize, TimeOfDay, TimeOfDay)>,
}

impl Checker {
    pub(crate) fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(path, message));
    }

    pub(crate) fn finish(self) -> Result<(), Error> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self.problems.into_vec()))
        }
    }

    pub(crate) fn new_group(&mut self, g: &NewDialTimeGroup) {
        self.name(&g.name);
        self.content(&g.content);
        if let Some(id) = &g.sub_user_id {
            self.uuid("sub_user_id", id);
        }
    }

    pub(crate) fn update(&mut self, u: &DialTimeGroupUpdate) {
        self.name(&u.name);
        if let Some(content) = &u.content {
            self.content(content);
        }
        if let Some(id) = &u.sub_user_id {
            self.uuid("sub_user_id", id);
        }
    }

    pub(crate) fn content(&mut self, content: &[DaySchedule]) {
        self.content_len(content.len());
        for (i, day) in content.iter().enumerate() {
            self.week(i, day.week);
            self.times_len(i, day.times.len());
            for (j, r) in day.times.iter().enumerate() {
                self.range(i, j, Some(r.begin_time), Some(r.end_time));
            }
            self.end_day(i);
        }
    }

    pub(crate) fn name(&mut self, name: &str) {
        if name.trim().is_empty() {
            self.push(
                "name",
                format!("must not be empty or only whitespace, got {name:?}"),
            );
        } else {
            let n = name.trim().chars().count();
            if n > NAME_MAX_CHARS {
                self.push(
                    "name",
                    format!("must be at most {NAME_MAX_CHARS} characters, got {n}"),
                );
            }
        }
    }

    pub(crate) fn content_len(&mut self, n: usize) {
        if n == 0 {
            self.push("content", "must list at least one day, got []");
        }
    }

    pub(crate) fn week(&mut self, i: usize, week: Weekday) {
        let Some(slot) = self.seen_weeks.get_mut(usize::from(week.number())) else {
            return;
        };
        match slot {
            Some(first) => {
                let first = *first;
                self.push(
                    format!("content[{i}].week"),
                    format!(
                        "must list each weekday once, got {} ({week}) again after content[{first}]",
                        week.number()
                    ),
                );
            }
            None => *slot = Some(i),
        }
    }

    /// A caller's bare weekday number at `content[i].week`: the weekday, or a problem.
    pub(crate) fn week_number(&mut self, i: usize, number: i64) -> Option<Weekday> {
        match Weekday::from_number(number) {
            Some(week) => {
                self.week(i, week);
                Some(week)
            }
            None => {
                self.push(format!("content[{i}].week"), week_message(number));
                None
            }
        }
    }

    pub(crate) fn times_len(&mut self, i: usize, n: usize) {
        if n == 0 {
            self.push(
                format!("content[{i}].times"),
                "must list at least one time range, got []",
            );
        }
    }

    /// Parses a caller's time string, reporting a malformed one.
    pub(crate) fn parse_time(
        &mut self,
        i: usize,
        j: usize,
        field: &str,
        raw: &str,
    ) -> Option<TimeOfDay> {
        match TimeOfDay::parse(raw) {
            Ok(t) => Some(t),
            Err(e) => {
                self.push(
                    format!("content[{i}].times[{j}].{field}"),
                    time_message(field, e, raw),
                );
                None
            }
        }
    }

    /// The rules of one range; `None` for a time already reported as malformed.
    pub(crate) fn range(&mut self, i: usize, j: usize, b: Option<TimeOfDay>, e: Option<TimeOfDay>) {
        let b = b.filter(|b| {
            let ok = *b < TimeOfDay::END_OF_DAY;
            if !ok {
                self.push(
                    format!("content[{i}].times[{j}].begin_time"),
                    format!("must be between {}, got \"{b}\"", time_bounds("begin_time")),
                );
            }
            ok
        });
        let e = e.filter(|e| {
            let ok = *e > TimeOfDay::MIDNIGHT;
            if !ok {
                self.push(
                    format!("content[{i}].times[{j}].end_time"),
                    format!("must be between {}, got \"{e}\"", time_bounds("end_time")),
                );
            }
            ok
        });
        if let (Some(b), Some(e)) = (b, e) {
            if b < e {
                self.day_ranges.push((j, b, e));
            } else {
                self.push(
                    format!("content[{i}].times[{j}].end_time"),
                    format!(
                        "must be later than begin_time {b} (a range cannot cross midnight: split it over two days), got \"{e}\""
                    ),
                );
            }
        }
    }

    /// After the ranges of day `i`: ranges may touch but not overlap.
    pub(crate) fn end_day(&mut self, i: usize) {
        let mut ranges = std::mem::take(&mut self.day_ranges);
        ranges.sort_by_key(|&(j, b, _)| (b, j));
        let mut overlaps = Vec::new();
        // The range reaching furthest so far; anything starting before its end overlaps it.
        let mut widest: Option<(usize, TimeOfDay, TimeOfDay)> = None;
        for &(j, b, e) in &ranges {
            match widest {
                Some((pj, pb, pe)) if b < pe => {
                    overlaps.push((j, b, e, pj, pb, pe));
                    if e > pe {
                        widest = Some((j, b, e));
                    }
                }
                _ => widest = Some((j, b, e)),
            }
        }
        overlaps.sort_by_key(|o| o.0);
        for (j, b, e, pj, pb, pe) in overlaps {
            self.push(
                format!("content[{i}].times[{j}]"),
                format!(
                    "must not overlap another range of the same day, got {b}–{e} overlapping content[{i}].times[{pj}] {pb}–{pe}"
                ),
            );
        }
        ranges.clear();
        self.day_ranges = ranges;
    }

    pub(crate) fn uuid(&mut self, path: &str, s: &str) {
        if !is_uuid(s) {
            self.push(
                path,
                format!(
                    "must be a UUID (8-4-4-4-12 hex digits), got {}",
                    excerpt(&Value::String(s.to_owned()))
                ),
            );
        }
    }

    pub(crate) fn page(&mut self, page: u32) {
        if page == 0 {
            self.push("page", page_message(page));
        }
    }

    pub(crate) fn group_id(&mut self, id: i64) {
        if id <= 0 {
            self.push("group_id", format!("must be a positive integer, got {id}"));
        }
    }
}

/// Walks caller JSON, reporting type problems and applying the rules through the [`Checker`].
struct JsonReader<'c> {
    check: &'c mut Checker,
    unknown: UnknownFields,
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
        self.check.content_len(days.len());
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
            match w.as_i64().and_then(Weekday::from_number) {
                Some(week) => {
                    self.check.week(i, week);
                    Some(week)
                }
                None => {
                    self.check
                        .push(format!("{at}.week"), week_message(excerpt(w)));
                    None
                }
            }
        });
        let times = self.required(obj, &at, "times").and_then(|t| {
            let Value::Array(ranges) = t else {
                return self.wrong_type(&format!("{at}.times"), "an array of time ranges", t);
            };
            self.check.times_len(i, ranges.len());
            let mut out = Some(Vec::with_capacity(ranges.len()));
            for (j, r) in ranges.iter().enumerate() {
                let parsed = self.range(i, j, r);
                out = out.zip(parsed).map(|(mut all, r)| {
                    all.push(r);
                    all
                });
            }
            self.check.end_day(i);
            out
        });
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
                Value::String(s) => this.check.parse_time(i, j, field, s),
                other => this.wrong_type(&format!("{at}.{field}"), "a string \"HH:MM\"", other),
            })
        };
        let b = time(self, "begin_time");
        let e = time(self, "end_time");
        self.check.range(i, j, b, e);
        self.unknown_keys(obj, &at, RANGE_FIELDS);
        Some(TimeRange::new(b?, e?))
    }

    fn boolean(&mut self, obj: &Map<String, Value>, key: &str) -> Option<bool> {
        self.required(obj, "", key).and_then(|v| match v {
            Value::Bool(b) => Some(*b),
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
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

/// A short rendering of a JSON value for messages: at most 40 characters. Serialization
/// stops as soon as the excerpt is full, so a 10 MB string or a deeply nested value costs no
/// more than a short one.
fn excerpt(v: &Value) -> String {
    const MAX: usize = 40;
    /// Keeps the first `MAX` characters, then refuses more (which ends serialization).
    struct Capped {
        out: String,
        chars: usize,
        cut: bool,
    }
    impl std::io::Write for Capped {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            // serde_json writes whole UTF-8 sequences per call.
            for c in String::from_utf8_lossy(buf).chars() {
                if self.chars == MAX {
                    self.cut = true;
                    return Err(std::io::Error::other("full"));
                }
                self.out.push(c);
                self.chars += 1;
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut w = Capped {
        out: String::with_capacity(MAX + 3),
        chars: 0,
        cut: false,
    };
    let _ = serde_json::to_writer(&mut w, v);
    if w.cut {
        let _ = write!(w.out, "…");
    }
    w.out
}
