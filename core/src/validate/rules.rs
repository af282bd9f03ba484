//! The rules themselves: one [`Checker`] collects every problem, in payload order, with its
//! path. The builders, the typed structs and the JSON reader all call it.

use std::fmt::Write as _;

use serde_json::Value;

use crate::error::{Error, Problem, ProblemList};
use crate::model::{
    DaySchedule, DialTimeGroupUpdate, NewDialTimeGroup, TimeOfDay, TimeParseError, Weekday,
};

use super::{is_uuid, NAME_MAX_CHARS};

pub(crate) fn page_message(page: impl std::fmt::Display) -> String {
    format!("must be an integer from 1 to {}, got {page}", u32::MAX)
}

/// The message for a time string that does not parse, naming the field's own range.
pub(crate) fn week_message(got: impl std::fmt::Display) -> String {
    format!("must be an integer from 0 (Sunday) to 6 (Saturday), got {got}")
}

pub(crate) fn time_message(field: &str, e: TimeParseError, raw: &str) -> String {
    let got = quoted(raw, 40);
    match e {
        TimeParseError::Format => {
            format!("must be a time H:MM or HH:MM (24-hour, whole minutes), got {got}")
        }
        TimeParseError::Range => format!("must be between {}, got {got}", time_bounds(field)),
    }
}

/// `raw` quoted for a message (Rust's escapes: `\n`, `\u{1b}`), cut after `max` characters:
/// a 10 MB time string made a 10 MB problem and another 10 MB in the error's text.
pub fn quoted(raw: &str, max: usize) -> String {
    match raw.char_indices().nth(max) {
        None => format!("{raw:?}"),
        Some((at, _)) => format!("{:?}…", raw.get(..at).unwrap_or_default()),
    }
}

/// `text` cut after `max` characters (with "…"): for reasons that may quote an input (serde's
/// and jiff's errors do), so that a message never carries a huge argument.
pub(crate) fn cut(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text,
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or_default()),
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
        // A NUL cannot come back whole through a C string (C, C++), so the saved group never
        // equals the one sent and `ensure` updates it on every run.
        if name.contains('\0') {
            self.push(
                "name",
                "must not contain a NUL character (U+0000)".to_owned(),
            );
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

    /// `ensure` needs the name to be unique in its scope: `ids` are the groups carrying it.
    pub(crate) fn unique_name(&mut self, name: &str, ids: &[i64]) {
        if ids.len() > 1 {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            self.push(
                "name",
                format!(
                    "{} groups are already named {name:?} (ids {}): ensure needs the name to be unique",
                    ids.len(),
                    list.join(", ")
                ),
            );
        }
    }

    pub(crate) fn group_id(&mut self, id: i64) {
        let max = crate::model::lenient::MAX_ID;
        if id <= 0 {
            self.push("group_id", format!("must be a positive integer, got {id}"));
        } else if id > max {
            // No group has such an id (an answer holding one is refused): the write was
            // sent and made, then its answer failed.
            self.push(
                "group_id",
                format!("must be at most {max} (2^53 - 1), got {id}"),
            );
        }
    }
}

/// A short rendering of a JSON value for messages: at most 40 characters. Serialization
/// stops as soon as the excerpt is full, so a 10 MB string or a deeply nested value costs no
/// more than a short one.
pub(crate) fn excerpt(v: &Value) -> String {
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
