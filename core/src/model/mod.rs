//! The dial-time-group resource as the platform sends and receives it.
//!
//! Writing is canonical (times `HH:MM`, unset optional fields omitted); reading is tolerant
//! (unknown fields ignored, numbers as numeric strings, unpadded times, missing `remark` and
//! `skip_holiday`, any key order).

pub(crate) mod lenient;
pub(crate) mod page;
mod time;

pub use lenient::{iso_timestamp, wire_timestamp};
pub use page::{ListParams, Page};
pub use time::{TimeOfDay, TimeParseError, Weekday};

use jiff::ZonedDateTime;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem};
use crate::validate::Checker;

/// One calling window `[begin_time, end_time)` of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeRange {
    /// The first minute of the window.
    pub begin_time: TimeOfDay,
    /// The end of the window (excluded); `24:00` is the end of the day.
    pub end_time: TimeOfDay,
}

impl TimeRange {
    /// A window; the rules (begin before end) are checked by [`crate::validate`].
    pub const fn new(begin_time: TimeOfDay, end_time: TimeOfDay) -> Self {
        Self {
            begin_time,
            end_time,
        }
    }

    /// From two `H:MM` / `HH:MM` strings. Only the format is checked here; the rules
    /// (begin before end, no overlap) are checked by [`crate::validate`].
    pub fn parse(begin_time: &str, end_time: &str) -> Result<Self, Error> {
        let mut problems = Vec::new();
        let mut parse = |field: &str, s: &str| {
            TimeOfDay::parse(s)
                .map_err(|e| {
                    problems.push(Problem::new(
                        field,
                        crate::validate::time_message(field, e, s),
                    ))
                })
                .ok()
        };
        let (b, e) = (parse("begin_time", begin_time), parse("end_time", end_time));
        match (b, e) {
            (Some(b), Some(e)) => Ok(Self::new(b, e)),
            _ => Err(Error::Validation(problems)),
        }
    }
}

/// The ranges of one weekday.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DaySchedule {
    /// The weekday (0 = Sunday on the wire).
    pub week: Weekday,
    /// Its windows, which may touch but not overlap (a saved day's `null` is read as none).
    #[serde(default, deserialize_with = "lenient::list_or_empty")]
    pub times: Vec<TimeRange>,
}

impl DaySchedule {
    /// The windows `times` on `week`.
    pub fn new(week: Weekday, times: impl Into<Vec<TimeRange>>) -> Self {
        Self {
            week,
            times: times.into(),
        }
    }

    /// From a binding's raw week number (0 = Sunday … 6 = Saturday); a number out of range is
    /// a `Validation` error at path `week`. The ranges are checked by [`crate::validate`].
    pub fn from_number(week: i64, times: impl Into<Vec<TimeRange>>) -> Result<Self, Error> {
        match Weekday::from_number(week) {
            Some(week) => Ok(Self::new(week, times)),
            None => Err(Error::Validation(vec![Problem::new(
                "week",
                crate::validate::week_message(week),
            )])),
        }
    }
}

/// A group to save (the body of `POST /agent-api/user/{user_id}/dial-time-group`).
///
/// Build it as a plain struct, from JSON with [`crate::validate::new_group_from_json`], or
/// with [`NewDialTimeGroup::builder`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDialTimeGroup {
    /// Sent without leading and trailing whitespace (as the platform stores it).
    #[serde(serialize_with = "lenient::write_trimmed")]
    pub name: String,
    /// The weekdays and their windows; days not listed are not dialed.
    pub content: Vec<DaySchedule>,
    /// Whether this becomes the user's default group (one per user and sub-user).
    pub is_default: bool,
    /// Whether China's announced public holidays are skipped.
    pub skip_holiday: bool,
    /// Act on this sub-account of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_user_id: Option<String>,
}

impl NewDialTimeGroup {
    /// A group with no days; add them with [`NewDialTimeGroupBuilder::window`].
    pub fn builder(name: impl Into<String>) -> NewDialTimeGroupBuilder {
        NewDialTimeGroupBuilder {
            name: name.into(),
            windows: Windows::default(),
            is_default: false,
            skip_holiday: false,
            sub_user_id: None,
        }
    }

    /// Checks every rule (see [`crate::validate`]).
    pub fn validate(&self) -> Result<(), Error> {
        crate::validate::new_group(self)
    }
}

/// Windows as a caller lists them (weekday number, begin, end), unchecked until built: the
/// one conversion from "a window on a weekday" to `content` that every builder (Rust, and the
/// C and C++ typed paths) goes through, so all of them report every problem with its path.
#[derive(Debug, Clone, Default)]
struct Windows(Vec<(i64, Time, Time)>);

/// A window's time as a caller gave it, or already parsed (a checked group's, which a
/// builder made from it keeps as it is instead of writing and reading it again).
#[derive(Debug, Clone)]
enum Time {
    Given(String),
    Parsed(TimeOfDay),
}

impl Windows {
    fn push(&mut self, week: i64, begin: String, end: String) {
        self.0.push((week, Time::Given(begin), Time::Given(end)));
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Days in the order first mentioned, ranges in the order added; every problem reported
    /// with the path it has in the resulting `content`.
    fn check(&self, check: &mut Checker) -> Vec<DaySchedule> {
        let mut days: Vec<(i64, Vec<(&Time, &Time)>)> = Vec::new();
        // Each day's place in `days` by its number: a caller's 200,000 windows on as many
        // (invalid) day numbers took minutes with a search of `days` per window. A weekday's
        // number (0–6) is looked up in an array, without hashing.
        let mut weekdays: [Option<usize>; 7] = [None; 7];
        let mut others: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
        for (week, begin, end) in &self.0 {
            let next = days.len();
            let i = match usize::try_from(*week)
                .ok()
                .and_then(|n| weekdays.get_mut(n))
            {
                Some(slot) => *slot.get_or_insert(next),
                None => *others.entry(*week).or_insert(next),
            };
            if i == next {
                days.push((*week, Vec::new()));
            }
            if let Some((_, ranges)) = days.get_mut(i) {
                ranges.push((begin, end));
            }
        }
        check.content_len(days.len());
        let mut content = Vec::with_capacity(days.len());
        for (i, (number, ranges)) in days.iter().enumerate() {
            let week = check.week_number(i, *number);
            let mut times = Vec::with_capacity(ranges.len());
            for (j, (begin, end)) in ranges.iter().enumerate() {
                let mut time = |field, t: &Time| match t {
                    Time::Given(raw) => check.parse_time(i, j, field, raw),
                    Time::Parsed(t) => Some(*t),
                };
                let (b, e) = (time("begin_time", begin), time("end_time", end));
                check.range(i, j, b, e);
                if let (Some(b), Some(e)) = (b, e) {
                    times.push(TimeRange::new(b, e));
                }
            }
            check.end_day(i);
            if let Some(week) = week {
                content.push(DaySchedule::new(week, times));
            }
        }
        content
    }
}

/// Collects windows by weekday; [`build`](Self::build) parses and validates them all at once.
///
/// ```
/// use dialtime::{NewDialTimeGroup, Weekday};
/// let group = NewDialTimeGroup::builder("周一周三拨打")
///     .window(Weekday::Monday, "08:00", "20:00")
///     .window(Weekday::Monday, "20:30", "22:00")
///     .windows([Weekday::Wednesday], "9:00", "12:00")
///     .skip_holiday(true)
///     .build()
///     .unwrap();
/// assert_eq!(group.content.len(), 2);
/// assert_eq!(group.content[1].times[0].begin_time.to_string(), "09:00");
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct NewDialTimeGroupBuilder {
    name: String,
    windows: Windows,
    is_default: bool,
    skip_holiday: bool,
    sub_user_id: Option<String>,
}

impl NewDialTimeGroupBuilder {
    /// Adds the window `[begin, end)` on `day`. Days appear in the order first mentioned.
    pub fn window(self, day: Weekday, begin: impl Into<String>, end: impl Into<String>) -> Self {
        self.window_number(i64::from(day.number()), begin, end)
    }

    /// [`window`](Self::window) with the platform's weekday number (0 = Sunday … 6 =
    /// Saturday), for callers holding a bare integer: a number out of range is reported by
    /// [`build`](Self::build) at `content[i].week`, with every other problem.
    pub fn window_number(
        mut self,
        week: i64,
        begin: impl Into<String>,
        end: impl Into<String>,
    ) -> Self {
        self.windows.push(week, begin.into(), end.into());
        self
    }

    /// Adds the same window on several days.
    pub fn windows(
        mut self,
        days: impl IntoIterator<Item = Weekday>,
        begin: &str,
        end: &str,
    ) -> Self {
        for day in days {
            self.windows
                .push(i64::from(day.number()), begin.to_owned(), end.to_owned());
        }
        self
    }

    /// Whether the group becomes the default.
    pub fn is_default(mut self, yes: bool) -> Self {
        self.is_default = yes;
        self
    }

    /// Whether China's public holidays are skipped.
    pub fn skip_holiday(mut self, yes: bool) -> Self {
        self.skip_holiday = yes;
        self
    }

    /// Saves the group for this sub-account (a UUID, checked by `build`).
    pub fn sub_user_id(mut self, id: impl Into<String>) -> Self {
        self.sub_user_id = Some(id.into());
        self
    }

    /// Sets or (with `None`) clears the sub-account.
    pub fn with_sub_user_id(mut self, id: Option<String>) -> Self {
        self.sub_user_id = id;
        self
    }

    /// Parses every time and checks every rule; reports all problems at once, with the path
    /// each window will have in `content`.
    pub fn build(self) -> Result<NewDialTimeGroup, Error> {
        let mut check = Checker::default();
        check.name(&self.name);
        let content = self.windows.check(&mut check);
        if let Some(id) = &self.sub_user_id {
            check.uuid("sub_user_id", id);
        }
        check.finish()?;
        Ok(NewDialTimeGroup {
            name: self.name,
            content,
            is_default: self.is_default,
            skip_holiday: self.skip_holiday,
            sub_user_id: self.sub_user_id,
        })
    }
}

impl From<&[DaySchedule]> for Windows {
    /// Checked content as windows, in its days' and ranges' order.
    fn from(content: &[DaySchedule]) -> Self {
        let mut windows = Windows::default();
        for day in content {
            for t in &day.times {
                windows.0.push((
                    i64::from(day.week.number()),
                    Time::Parsed(t.begin_time),
                    Time::Parsed(t.end_time),
                ));
            }
        }
        windows
    }
}

/// A builder holding `group` (to add windows to it), in its days' and ranges' order.
impl From<NewDialTimeGroup> for NewDialTimeGroupBuilder {
    fn from(g: NewDialTimeGroup) -> Self {
        NewDialTimeGroupBuilder {
            windows: Windows::from(g.content.as_slice()),
            name: g.name,
            is_default: g.is_default,
            skip_holiday: g.skip_holiday,
            sub_user_id: g.sub_user_id,
        }
    }
}

/// Builds a [`DialTimeGroupUpdate`] window by window, like [`NewDialTimeGroupBuilder`]: the
/// content is sent only when at least one window was added, each flag only when set.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct DialTimeGroupUpdateBuilder {
    name: String,
    windows: Windows,
    is_default: Option<bool>,
    skip_holiday: Option<bool>,
    sub_user_id: Option<String>,
}

impl DialTimeGroupUpdateBuilder {
    /// Replaces the content with the windows added (the first one starts a new content).
    pub fn window(self, day: Weekday, begin: impl Into<String>, end: impl Into<String>) -> Self {
        self.window_number(i64::from(day.number()), begin, end)
    }

    /// [`window`](Self::window) with a bare weekday number, checked by [`build`](Self::build).
    pub fn window_number(
        mut self,
        week: i64,
        begin: impl Into<String>,
        end: impl Into<String>,
    ) -> Self {
        self.windows.push(week, begin.into(), end.into());
        self
    }

    /// Sets `is_default` (sent only when set).
    pub fn is_default(mut self, yes: bool) -> Self {
        self.is_default = Some(yes);
        self
    }

    /// Sets `skip_holiday` (sent only when set).
    pub fn skip_holiday(mut self, yes: bool) -> Self {
        self.skip_holiday = Some(yes);
        self
    }

    /// Acts on this sub-account's group.
    pub fn sub_user_id(mut self, id: impl Into<String>) -> Self {
        self.sub_user_id = Some(id.into());
        self
    }

    /// Sets or (with `None`) clears the sub-account.
    pub fn with_sub_user_id(mut self, id: Option<String>) -> Self {
        self.sub_user_id = id;
        self
    }

    /// Checks every rule; all problems at once, with their `content[i]…` paths.
    pub fn build(self) -> Result<DialTimeGroupUpdate, Error> {
        let mut check = Checker::default();
        check.name(&self.name);
        let content = (!self.windows.is_empty()).then(|| self.windows.check(&mut check));
        if let Some(id) = &self.sub_user_id {
            check.uuid("sub_user_id", id);
        }
        check.finish()?;
        Ok(DialTimeGroupUpdate {
            name: self.name,
            content,
            is_default: self.is_default,
            skip_holiday: self.skip_holiday,
            sub_user_id: self.sub_user_id,
        })
    }
}

/// A builder holding `update`; windows added go after its content's (and make content of
/// their own when it has none).
impl From<DialTimeGroupUpdate> for DialTimeGroupUpdateBuilder {
    fn from(u: DialTimeGroupUpdate) -> Self {
        DialTimeGroupUpdateBuilder {
            windows: u.content.as_deref().map(Windows::from).unwrap_or_default(),
            name: u.name,
            is_default: u.is_default,
            skip_holiday: u.skip_holiday,
            sub_user_id: u.sub_user_id,
        }
    }
}

/// What [`crate::DialTimeGroups::ensure`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// No group had the name: it was created.
    Created,
    /// The group with the name differed: it was updated.
    Updated,
    /// The group with the name was already as wanted: nothing was sent.
    Unchanged,
}

impl Outcome {
    /// `"created"`, `"updated"` or `"unchanged"`, as the bindings show it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Unchanged => "unchanged",
        }
    }
}

impl NewDialTimeGroup {
    /// Whether `saved` already is this group: same flags and the same schedule, whatever the
    /// order of its days and ranges (times are compared as times, so `9:00` is `09:00`).
    pub fn matches(&self, saved: &DialTimeGroup) -> bool {
        self.has_name_of(saved)
            && self.is_default == saved.is_default
            && self.skip_holiday == saved.skip_holiday
            && same_schedule(&self.content, &saved.content)
    }
}

impl NewDialTimeGroup {
    /// Whether `saved` carries this group's name, as the platform compares names: without
    /// leading and trailing whitespace (which is never sent).
    pub fn has_name_of(&self, saved: &DialTimeGroup) -> bool {
        self.name.trim() == saved.name.trim()
    }
}

/// Two schedules call at the same times: the order of days and of ranges does not count.
pub fn same_schedule(a: &[DaySchedule], b: &[DaySchedule]) -> bool {
    fn normal(days: &[DaySchedule]) -> Vec<(Weekday, Vec<TimeRange>)> {
        let mut out: Vec<(Weekday, Vec<TimeRange>)> = days
            .iter()
            .map(|d| {
                let mut times = d.times.clone();
                times.sort_by_key(|t| (t.begin_time, t.end_time));
                (d.week, times)
            })
            .collect();
        out.sort_by_key(|(week, _)| week.number());
        out
    }
    normal(a) == normal(b)
}

/// Changes to a saved group (the body of
/// `PUT /agent-api/user/{user_id}/dial-time-group/{group_id}`): `name` is required, every other
/// field is sent only when set, and the platform keeps the value of an omitted one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialTimeGroupUpdate {
    /// Sent without leading and trailing whitespace (as the platform stores it).
    #[serde(serialize_with = "lenient::write_trimmed")]
    pub name: String,
    /// The new content, or `None` to keep it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Vec<DaySchedule>>,
    /// The new default flag, or `None` to keep it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    /// The new holiday flag, or `None` to keep it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_holiday: Option<bool>,
    /// The sub-account whose group this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_user_id: Option<String>,
}

impl DialTimeGroupUpdate {
    /// Builds an update window by window (see [`DialTimeGroupUpdateBuilder`]).
    pub fn builder(name: impl Into<String>) -> DialTimeGroupUpdateBuilder {
        DialTimeGroupUpdateBuilder {
            name: name.into(),
            windows: Windows::default(),
            is_default: None,
            skip_holiday: None,
            sub_user_id: None,
        }
    }

    /// Renames (or keeps the name of) a group; nothing else changes unless set.
    pub fn new(name: impl Into<String>) -> Self {
        DialTimeGroupUpdate {
            name: name.into(),
            content: None,
            is_default: None,
            skip_holiday: None,
            sub_user_id: None,
        }
    }

    /// Replaces the content.
    #[must_use]
    pub fn content(mut self, content: impl Into<Vec<DaySchedule>>) -> Self {
        self.content = Some(content.into());
        self
    }

    /// Sets the default flag.
    #[must_use]
    pub fn is_default(mut self, yes: bool) -> Self {
        self.is_default = Some(yes);
        self
    }

    /// Sets the holiday flag.
    #[must_use]
    pub fn skip_holiday(mut self, yes: bool) -> Self {
        self.skip_holiday = Some(yes);
        self
    }

    /// Acts on this sub-account's group.
    #[must_use]
    pub fn sub_user_id(mut self, id: impl Into<String>) -> Self {
        self.sub_user_id = Some(id.into());
        self
    }

    /// Checks every rule (as for a new group, for the fields that are set).
    pub fn validate(&self) -> Result<(), Error> {
        let mut check = Checker::default();
        check.update(self);
        check.finish()
    }
}

/// A saved group, as the platform returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialTimeGroup {
    /// The platform's id (above 0).
    #[serde(deserialize_with = "lenient::id")]
    pub id: i64,
    /// The name.
    pub name: String,
    /// The owner (a UUID).
    pub user_id: String,
    /// The weekdays and their windows (`null` is read as none).
    #[serde(default, deserialize_with = "lenient::list_or_empty")]
    pub content: Vec<DaySchedule>,
    /// Whether it is the user's default group (`false` when the platform leaves it out or
    /// sends `null`).
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub is_default: bool,
    /// `false` when the platform leaves it out.
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub skip_holiday: bool,
    /// A remark, when the platform has one.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub remark: Option<String>,
    /// When it was saved, in China time (Asia/Shanghai), as the platform means it; written
    /// back in the wire form `"YYYY-MM-DD HH:MM:SS"`. `None` where the platform has no time
    /// for it: the field absent, `null`, empty or MySQL's zero date `0000-00-00 00:00:00`
    /// (a record written without timestamps, such as a seeded default group).
    #[serde(
        default,
        deserialize_with = "lenient::opt_datetime",
        serialize_with = "lenient::write_opt_datetime"
    )]
    pub created_at: Option<ZonedDateTime>,
    /// When it last changed, as `created_at`.
    #[serde(
        default,
        deserialize_with = "lenient::opt_datetime",
        serialize_with = "lenient::write_opt_datetime"
    )]
    pub updated_at: Option<ZonedDateTime>,
}

impl DialTimeGroup {
    /// A saved group from its JSON form (what the platform answers, what `to_dict()` and
    /// `serde` write), read as tolerantly as an answer. A problem is a `Validation` error at
    /// the field's path (`created_at`, `content[0].times[1].begin_time`; `$` for the whole).
    pub fn from_json_value(value: serde_json::Value) -> Result<DialTimeGroup, Error> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." { "$".to_owned() } else { path };
            Error::Validation(vec![crate::Problem::new(path, e.into_inner().to_string())])
        })
    }

    /// A [`Schedule`](crate::schedule::Schedule) builder for this group's windows and
    /// `skip_holiday` (zone `Asia/Shanghai` and the China calendar unless set).
    pub fn schedule(&self) -> crate::schedule::ScheduleBuilder {
        crate::schedule::Schedule::builder(&self.content, self.skip_holiday)
    }
}

impl NewDialTimeGroup {
    /// A [`Schedule`](crate::schedule::Schedule) builder for this group's windows and
    /// `skip_holiday`.
    pub fn schedule(&self) -> crate::schedule::ScheduleBuilder {
        crate::schedule::Schedule::builder(&self.content, self.skip_holiday)
    }
}
