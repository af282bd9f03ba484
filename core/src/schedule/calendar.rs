//! The holiday calendar: which dates are announced off-days and which weekend days are
//! make-up workdays (调休上班), keyed by civil date, with the notice years it covers.
//!
//! Built in: every State Council notice 2018–2026 (`core/data/cn-holidays.tsv`, generated into
//! `cn_data.rs`). A year's data can be replaced (a notice published after this release, or
//! an amendment) with a file in holiday-cn's JSON format, and single dates overridden.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, LazyLock};

use jiff::civil::Date;
use serde::Deserialize;

use crate::error::{Error, Problem, Result};
use crate::model::Weekday;

/// What a civil date is in the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DayStatus {
    /// Neither announced off nor a make-up workday: its weekday's windows.
    Normal,
    /// An announced off-day: a statutory day, an in-lieu rest day, or a weekend day inside an
    /// announced range.
    Off {
        /// The festival, as the notice names it (`春节`).
        festival: Cow<'static, str>,
    },
    /// A make-up workday (调休上班), on a weekend.
    MakeupWork {
        /// The festival whose break it makes up for.
        festival: Cow<'static, str>,
        /// The weekday whose windows this date uses, when a per-date override says so.
        as_weekday: Option<Weekday>,
    },
}

/// A State Council notice the built-in data restates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notice {
    /// The year it arranges.
    pub year: i16,
    /// When it was published.
    pub published: Date,
    /// Its title.
    pub title: &'static str,
    /// Where it is published.
    pub url: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Off,
    Work,
}

/// One line of the built-in table: a range of dates of one kind, from one notice year.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub(crate) notice_year: i16,
    pub(crate) kind: Kind,
    pub(crate) first: Date,
    pub(crate) last: Date,
    pub(crate) festival: &'static str,
}

/// One date's entry.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// The notice year it comes from (`None` for a per-date override).
    notice_year: Option<i16>,
    status: DayStatus,
}

/// A holiday calendar. [`Calendar::china`] is the built-in mainland China data; clone it and
/// load newer notices into the copy.
///
/// ```
/// use dialtime::schedule::{Calendar, DayStatus};
/// let mut calendar = Calendar::china();
/// // The day the 2027 notice is published, add it (holiday-cn's format):
/// calendar.load_holiday_cn(r#"{"year": 2027, "papers": [], "days": [
///     {"name": "元旦", "date": "2027-01-01", "isOffDay": true}
/// ]}"#)?;
/// assert!(calendar.covers(2027));
/// assert!(matches!(calendar.status(jiff::civil::date(2027, 1, 1)), Some(DayStatus::Off { .. })));
/// # Ok::<(), dialtime::Error>(())
/// ```
///
/// Cloning is cheap: clones share their data (the built-in calendar's ~27 KB is made once per
/// process, however many calendars and schedules use it) until one of them loads more.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Calendar(Arc<Data>);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Data {
    /// Every dated entry: the notices' days, and per-date overrides over them.
    days: BTreeMap<Date, Entry>,
    /// Per-date overrides, kept apart so that replacing a notice year keeps them.
    overrides: BTreeMap<Date, DayStatus>,
    /// The notice years loaded: a date of another year is not covered.
    years: BTreeSet<i16>,
}

impl std::fmt::Debug for Calendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Calendar")
            .field("days", &self.0.days)
            .field("overrides", &self.0.overrides)
            .field("years", &self.0.years)
            .finish()
    }
}

static CHINA: LazyLock<Calendar> = LazyLock::new(|| {
    let mut c = Data::default();
    for span in super::cn_data::SPANS {
        c.years.insert(span.notice_year);
        let mut d = span.first;
        while d <= span.last {
            let status = match span.kind {
                Kind::Off => DayStatus::Off {
                    festival: Cow::Borrowed(span.festival),
                },
                Kind::Work => DayStatus::MakeupWork {
                    festival: Cow::Borrowed(span.festival),
                    as_weekday: None,
                },
            };
            c.days.insert(
                d,
                Entry {
                    notice_year: Some(span.notice_year),
                    status,
                },
            );
            match d.tomorrow() {
                Ok(next) => d = next,
                Err(_) => break,
            }
        }
    }
    Calendar(Arc::new(c))
});

/// The largest file [`Calendar::load_holiday_cn_file`] reads (`/dev/zero` or a huge file
/// named by mistake would otherwise be read until memory ran out).
pub const MAX_CALENDAR_FILE_BYTES: u64 = 8 << 20;

impl Calendar {
    /// The built-in mainland China calendar: every State Council notice 2018–2026.
    pub fn china() -> Calendar {
        CHINA.clone()
    }

    /// A calendar with no data: every year is uncovered (load your own years, or build the
    /// schedule with `assume_no_holidays`).
    pub fn empty() -> Calendar {
        Calendar::default()
    }

    /// About how many bytes of memory this calendar's data takes (its dated entries, overrides
    /// and years, with the B-tree nodes and the festival names it owns): about 23 KB for
    /// the built-in data. Clones share the data until one of them loads more, so this counts what
    /// they hold together. For a binding that reports native memory to a garbage collector
    /// (Node: a calendar that loaded its own years holds this much outside V8's heap).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        // A B-tree keeps its entries in nodes of up to 11, about two-thirds full: half an
        // entry again, plus the node's own header shared among them.
        fn slot(entry: usize) -> usize {
            entry + entry / 2 + 8
        }
        fn festival(status: &DayStatus) -> usize {
            match status {
                DayStatus::Off {
                    festival: Cow::Owned(name),
                }
                | DayStatus::MakeupWork {
                    festival: Cow::Owned(name),
                    ..
                } => name.capacity(),
                _ => 0,
            }
        }
        let data = &*self.0;
        let days: usize = data
            .days
            .values()
            .map(|e| slot(size_of::<Date>() + size_of::<Entry>()) + festival(&e.status))
            .sum();
        let overrides: usize = data
            .overrides
            .values()
            .map(|s| slot(size_of::<Date>() + size_of::<DayStatus>()) + festival(s))
            .sum();
        size_of::<Data>() + days + overrides + data.years.len() * slot(size_of::<i16>())
    }

    /// The notices the built-in data restates (title, date, URL), in year order.
    pub fn built_in_notices() -> &'static [Notice] {
        super::cn_data::NOTICES
    }

    /// Whether the notice year `year` is loaded.
    pub fn covers(&self, year: i16) -> bool {
        self.0.years.contains(&year)
    }

    /// The notice years loaded, ascending.
    pub fn years(&self) -> impl Iterator<Item = i16> + '_ {
        self.0.years.iter().copied()
    }

    /// What `date` is; `None` when its year is not covered. A per-date override wins over
    /// the notices' data.
    pub fn status(&self, date: Date) -> Option<DayStatus> {
        if let Some(status) = self.0.overrides.get(&date) {
            return Some(status.clone());
        }
        if let Some(entry) = self.0.days.get(&date) {
            return Some(entry.status.clone());
        }
        self.covers(date.year()).then_some(DayStatus::Normal)
    }

    /// [`status`](Self::status) without cloning, for the evaluator's hot path.
    pub(crate) fn status_ref(&self, date: Date) -> Option<StatusRef<'_>> {
        if let Some(status) = self.0.overrides.get(&date) {
            return Some(StatusRef::Listed(status));
        }
        if let Some(entry) = self.0.days.get(&date) {
            return Some(StatusRef::Listed(&entry.status));
        }
        self.covers(date.year()).then_some(StatusRef::Normal)
    }

    /// Loads holiday-cn JSON (<https://github.com/NateScarlet/holiday-cn>):
    ///
    /// - a whole year, `{"year": N, "papers": [...], "days": [{"name", "date", "isOffDay"}]}`:
    ///   replaces every entry of notice year N (an amendment or a newer notice) and covers N;
    /// - a bare `days` list (`[{"name", "date", "isOffDay"}]`): overrides single dates.
    ///
    /// An `isOffDay: false` entry may carry `"asWeekday"` (`"fri"`, `"friday"` or 5) to use
    /// that weekday's windows on the make-up day. Errors name the entry.
    pub fn load_holiday_cn(&mut self, json: &str) -> Result<()> {
        // Read as the shape its first character announces, so that serde's error names the
        // field at fault ("missing field `name`", "expected a boolean" with its line and
        // column) instead of "did not match any variant of untagged enum".
        let doc = match json.trim_start().as_bytes().first() {
            Some(b'[') => serde_json::from_str::<Vec<RawDay>>(json).map(HolidayCn::Days),
            _ => serde_json::from_str::<YearDoc>(json).map(|y| HolidayCn::Year {
                year: y.year,
                days: y.days,
            }),
        }
        .map_err(|e| {
            Error::Validation(vec![Problem::new(
                "$",
                format!(
                    "not holiday-cn JSON ({{\"year\", \"days\"}} or a days list): {}",
                    crate::validate::rules::cut(e.to_string(), 200)
                ),
            )])
        })?;
        match doc {
            HolidayCn::Year { year, days } => {
                // A year no date can have (jiff's dates run from -9999 to 9999) was "covered".
                if !(-9999..=9999).contains(&year) {
                    return Err(Error::Validation(vec![Problem::new(
                        "year",
                        format!("must be a year from -9999 to 9999, got {year}"),
                    )]));
                }
                let parsed = parse_days(&days)?;
                // Copied here, when the data changes, if another calendar shares it.
                let data = Arc::make_mut(&mut self.0);
                data.days.retain(|_, e| e.notice_year != Some(year));
                for (date, status) in parsed {
                    data.days.insert(
                        date,
                        Entry {
                            notice_year: Some(year),
                            status,
                        },
                    );
                }
                data.years.insert(year);
            }
            HolidayCn::Days(days) => {
                let parsed = parse_days(&days)?;
                let data = Arc::make_mut(&mut self.0);
                for (date, status) in parsed {
                    data.overrides.insert(date, status);
                }
            }
        }
        Ok(())
    }

    /// This calendar as holiday-cn documents: one `{"year", "papers", "days"}` per notice year
    /// (ascending), then the per-date overrides as a bare days list when there are any. Loaded
    /// in order into [`Calendar::empty`], they make a calendar equal to this one (how a binding
    /// pickles or saves a calendar). Make-up days carry `asWeekday` (0 = Sunday) where the
    /// entry has one.
    ///
    /// ```
    /// use dialtime::schedule::Calendar;
    /// let china = Calendar::china();
    /// let mut copy = Calendar::empty();
    /// for doc in china.to_holiday_cn() {
    ///     copy.load_holiday_cn(&doc)?;
    /// }
    /// assert_eq!(copy, china);
    /// # Ok::<(), dialtime::Error>(())
    /// ```
    pub fn to_holiday_cn(&self) -> Vec<String> {
        fn day(date: Date, status: &DayStatus) -> Option<serde_json::Value> {
            let (festival, off, as_weekday) = match status {
                // Never stored: the notices and overrides list off-days and make-up days only.
                DayStatus::Normal => return None,
                DayStatus::Off { festival } => (festival, true, None),
                DayStatus::MakeupWork {
                    festival,
                    as_weekday,
                } => (festival, false, *as_weekday),
            };
            let mut d = serde_json::json!({
                "name": festival,
                "date": date.to_string(),
                "isOffDay": off,
            });
            if let (Some(w), Some(obj)) = (as_weekday, d.as_object_mut()) {
                obj.insert("asWeekday".into(), w.number().into());
            }
            Some(d)
        }
        let mut docs: Vec<String> = self
            .0
            .years
            .iter()
            .map(|&year| {
                let days: Vec<serde_json::Value> = self
                    .0
                    .days
                    .iter()
                    .filter(|(_, e)| e.notice_year == Some(year))
                    .filter_map(|(&date, e)| day(date, &e.status))
                    .collect();
                serde_json::json!({"year": year, "papers": [], "days": days}).to_string()
            })
            .collect();
        if !self.0.overrides.is_empty() {
            let days: Vec<serde_json::Value> = self
                .0
                .overrides
                .iter()
                .filter_map(|(&date, status)| day(date, status))
                .collect();
            docs.push(serde_json::Value::Array(days).to_string());
        }
        docs
    }

    /// [`load_holiday_cn`](Self::load_holiday_cn) from a file of at most
    /// [`MAX_CALENDAR_FILE_BYTES`] (a year of holiday-cn is about 3 KB).
    pub fn load_holiday_cn_file(&mut self, path: impl AsRef<std::path::Path>) -> Result<()> {
        let text = Self::read_holiday_cn_file(path)?;
        self.load_holiday_cn(&text)
    }

    /// The text of a holiday-cn file of at most [`MAX_CALENDAR_FILE_BYTES`], for
    /// [`load_holiday_cn`](Self::load_holiday_cn) (a binding reads it without holding the
    /// calendar).
    pub fn read_holiday_cn_file(path: impl AsRef<std::path::Path>) -> Result<String> {
        use std::io::Read;
        let path = path.as_ref();
        let cannot = |why: String| {
            Error::Validation(vec![Problem::new(
                "$",
                // The path as given, cut after 200 characters (a 100 KB one was repeated whole).
                format!(
                    "cannot read {}: {why}",
                    crate::validate::rules::cut(path.display().to_string(), 200)
                ),
            )])
        };
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|f| {
                f.take(MAX_CALENDAR_FILE_BYTES + 1)
                    .read_to_string(&mut text)
            })
            .map_err(|e| cannot(e.to_string()))?;
        if text.len() as u64 > MAX_CALENDAR_FILE_BYTES {
            return Err(cannot(format!(
                "larger than {} MiB",
                MAX_CALENDAR_FILE_BYTES >> 20
            )));
        }
        Ok(text)
    }
}

/// A date's status, borrowed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StatusRef<'a> {
    Normal,
    Listed(&'a DayStatus),
}

enum HolidayCn {
    Year { year: i16, days: Vec<RawDay> },
    Days(Vec<RawDay>),
}

/// A whole notice year: `{"year", "papers", "days"}` (`papers` and anything else ignored).
#[derive(Deserialize)]
struct YearDoc {
    year: i16,
    days: Vec<RawDay>,
}

#[derive(Deserialize)]
struct RawDay {
    name: String,
    date: String,
    #[serde(rename = "isOffDay")]
    is_off_day: bool,
    #[serde(rename = "asWeekday", default)]
    as_weekday: Option<serde_json::Value>,
}

fn parse_days(days: &[RawDay]) -> Result<Vec<(Date, DayStatus)>> {
    // At most MAX_PROBLEMS listed, as for a payload (a million bad dates made an 85 MB message).
    let mut problems = crate::error::ProblemList::default();
    let mut out = Vec::with_capacity(days.len());
    let mut seen: std::collections::HashMap<Date, usize> = std::collections::HashMap::new();
    for (i, d) in days.iter().enumerate() {
        let date = match super::parse_date(&d.date) {
            Ok(date) => date,
            Err(e) => {
                problems.push(Problem::new(
                    format!("days[{i}].date"),
                    format!("must be a date YYYY-MM-DD, got {e}"),
                ));
                continue;
            }
        };
        let as_weekday = match &d.as_weekday {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => match weekday_of(v) {
                Some(w) if !d.is_off_day => Some(w),
                Some(_) => {
                    problems.push(Problem::new(
                        format!("days[{i}].asWeekday"),
                        "applies only to make-up days (isOffDay false)",
                    ));
                    None
                }
                None => {
                    problems.push(Problem::new(
                        format!("days[{i}].asWeekday"),
                        format!(
                            "must be a weekday (\"mon\" … \"sun\", or 0–6 with 0 = Sunday), got {}",
                            crate::validate::rules::excerpt(v)
                        ),
                    ));
                    None
                }
            },
        };
        // A document saying a date is both off and a workday contradicts itself (the last
        // entry won); the same status twice is only repeated.
        if let Some(first) = seen.get(&date).copied() {
            if days
                .get(first)
                .is_some_and(|f: &RawDay| f.is_off_day != d.is_off_day)
            {
                problems.push(Problem::new(
                    format!("days[{i}].isOffDay"),
                    format!("contradicts days[{first}] (the same date, {date})"),
                ));
                continue;
            }
        } else {
            seen.insert(date, i);
        }
        let festival = Cow::Owned(d.name.clone());
        out.push((
            date,
            if d.is_off_day {
                DayStatus::Off { festival }
            } else {
                DayStatus::MakeupWork {
                    festival,
                    as_weekday,
                }
            },
        ));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Validation(problems.into_vec()))
    }
}

/// `"fri"`, `"Friday"`, `5` (0 = Sunday).
pub(crate) fn weekday_of(v: &serde_json::Value) -> Option<Weekday> {
    match v {
        serde_json::Value::Number(n) => n.as_i64().and_then(Weekday::from_number),
        serde_json::Value::String(s) => weekday_named(s),
        _ => None,
    }
}

/// A weekday by name: `mon`/`monday` … `sun`/`sunday`, any case.
pub fn weekday_named(name: &str) -> Option<Weekday> {
    let n = name.trim().to_ascii_lowercase();
    Weekday::ALL.iter().copied().find(|w| {
        let full = w.name().to_ascii_lowercase();
        n == full || (n.len() == 3 && full.starts_with(&n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendars_share_their_data_until_one_loads_more() {
        let a = Calendar::china();
        let mut b = Calendar::china();
        assert!(Arc::ptr_eq(&a.0, &b.0), "the built-in data is made once");
        b.load_holiday_cn(r#"[{"name": "x", "date": "2026-03-02", "isOffDay": true}]"#)
            .unwrap();
        assert!(!Arc::ptr_eq(&a.0, &b.0));
        let day = jiff::civil::date(2026, 3, 2);
        assert_eq!(
            a.status(day),
            Some(DayStatus::Normal),
            "the original is unchanged"
        );
        assert!(matches!(b.status(day), Some(DayStatus::Off { .. })));
        assert_eq!(Calendar::china(), a);

        // A load that fails copies nothing.
        let mut c = a.clone();
        assert!(c.load_holiday_cn(r#"[{"date": "nope"}]"#).is_err());
        assert!(Arc::ptr_eq(&a.0, &c.0));
    }

    #[test]
    fn a_document_contradicting_itself_or_a_year_no_date_has_is_refused() {
        let mut c = Calendar::empty();
        let both = r#"[{"name": "a", "date": "2027-01-01", "isOffDay": true},
                       {"name": "a", "date": "2027-01-01", "isOffDay": false}]"#;
        let err = c.load_holiday_cn(both).unwrap_err();
        assert!(
            matches!(&err, Error::Validation(p) if p[0].path == "days[1].isOffDay"),
            "{err}"
        );
        assert_eq!(c, Calendar::empty(), "nothing was loaded");
        // The same status twice is only repeated.
        let twice = r#"{"year": 2027, "days": [{"name": "a", "date": "2027-01-01", "isOffDay": true},
                       {"name": "a", "date": "2027-01-01", "isOffDay": true}]}"#;
        c.load_holiday_cn(twice).unwrap();
        assert!(c.covers(2027));
        for year in [32767, -32768, 10000] {
            let mut c = Calendar::empty();
            let err = c
                .load_holiday_cn(&format!(r#"{{"year": {year}, "days": []}}"#))
                .unwrap_err();
            assert!(
                matches!(&err, Error::Validation(p) if p[0].path == "year"),
                "{err}"
            );
            assert!(!c.covers(year as i16), "{year}");
        }
    }

    #[test]
    fn load_errors_are_bounded_and_name_the_field() {
        let mut c = Calendar::empty();
        // A million bad dates: at most MAX_PROBLEMS listed and one summary (an 85 MB message).
        let bad = format!(
            "[{}]",
            vec![r#"{"name": "x", "date": "nope", "isOffDay": true}"#; 1_000_000].join(",")
        );
        let Err(Error::Validation(p)) = c.load_holiday_cn(&bad) else {
            panic!("accepted")
        };
        assert_eq!(p.len(), crate::error::MAX_PROBLEMS + 1);
        assert!(
            p[crate::error::MAX_PROBLEMS]
                .message
                .contains("999900 more"),
            "{}",
            p[100].message
        );
        // A huge asWeekday is shown cut.
        let huge = format!(
            r#"[{{"name": "x", "date": "2027-01-02", "isOffDay": false, "asWeekday": "{}"}}]"#,
            "f".repeat(1_000_000)
        );
        let err = c.load_holiday_cn(&huge).unwrap_err().to_string();
        assert!(err.len() < 400, "{} bytes", err.len());
        // serde's reason names the field, cut likewise when it quotes a huge value.
        for (doc, says) in [
            (
                r#"[{"date": "2027-01-01", "isOffDay": true}]"#.to_string(),
                "missing field `name`",
            ),
            (
                r#"{"year": 2027, "days": null}"#.to_string(),
                "invalid type: null",
            ),
            (
                format!(r#"{{"year": "{}", "days": []}}"#, "9".repeat(1_000_000)),
                "invalid type: string",
            ),
        ] {
            let err = c.load_holiday_cn(&doc).unwrap_err().to_string();
            assert!(
                err.contains(says) && err.len() < 400,
                "{}",
                &err[..err.len().min(300)]
            );
        }
    }

    #[test]
    fn heap_bytes_follows_the_data() {
        let empty = Calendar::empty().heap_bytes();
        assert!(
            empty < 256,
            "an empty calendar holds next to nothing: {empty}"
        );
        // A private copy of the built-in data measured 26 KB of a Node process's memory per
        // calendar (300,000 of them).
        let china = Calendar::china().heap_bytes();
        assert!((12_000..64_000).contains(&china), "{china}");
        // Each entry counts, with the festival name it owns.
        let name = "n".repeat(1000);
        let days: Vec<String> = (1..=28)
            .map(|d| format!(r#"{{"name": "{name}", "date": "2031-02-{d:02}", "isOffDay": true}}"#))
            .collect();
        let mut c = Calendar::china();
        c.load_holiday_cn(&format!(
            r#"{{"year": 2031, "days": [{}]}}"#,
            days.join(",")
        ))
        .unwrap();
        let grown = c.heap_bytes() - china;
        assert!((28 * 1000..28 * 1200).contains(&grown), "{grown}");
        assert_eq!(
            Calendar::china().heap_bytes(),
            china,
            "the built-in data is unchanged"
        );
    }
}
