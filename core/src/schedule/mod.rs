//! The schedule evaluator: may the dialer call at this instant, and when next? Offline, with
//! mainland China's holidays and make-up workdays.
//!
//! A [`Schedule`] is built from a group's `content` and `skip_holiday`, a time zone (IANA
//! name, default `Asia/Shanghai`), a holiday [`Calendar`] (default [`Calendar::china`]) and a
//! [`MakeupPolicy`]. Every query is answered by one algorithm, so they agree by construction.
//!
//! # Semantics
//!
//! - A window `[begin, end)` is half-open, in the zone's wall-clock time: `09:00–18:00`
//!   allows 17:59:59.999 and not 18:00. `24:00` is the end of that date; a window never
//!   crosses midnight (write `22:00–24:00` on one day and `00:00–02:00` on the next; one
//!   the server saved across midnight is read that way, and one with begin equal to end is a
//!   `Validation` error at `build`). Overlapping or touching windows of one day are merged,
//!   and intervals that touch across midnight (Mon `20:00–24:00` + Tue `00:00–02:00`, both
//!   days open) are one interval, which `next_window` gives whole, from its true start.
//! - DST-exact from that definition: an instant is open when the wall clock shows a time
//!   inside a window of its date. The part of a window inside a spring-forward gap does not
//!   exist (a window starting in the gap starts at the transition); the repeated hour of a
//!   fall-back fold is open twice, so a window boundary inside the fold splits it in two.
//! - `skip_holiday = false`: the calendar is ignored.
//! - `skip_holiday = true`: an announced off-day (statutory day, in-lieu rest day, weekend
//!   day inside an announced range) has no windows; a make-up workday (调休上班) uses the
//!   windows of its own weekday, unless the policy is [`MakeupPolicy::AsWeekday`] or the
//!   calendar's entry for that date says `as_weekday` (the entry wins). A "work" entry on a
//!   weekday (holiday-cn lists 2020-02-03, a Monday) is that weekday, whatever the policy.
//! - The calendar is keyed by the civil date in the schedule's zone.
//! - A year the calendar does not cover is never guessed: with `skip_holiday = true` a
//!   query touching it fails with [`Error::CalendarNotCovered`] naming the year, unless the
//!   schedule was built with [`ScheduleBuilder::assume_no_holidays`]. December dates may still
//!   be changed by the next year's notice: until it is loaded they are provisional.
//!
//! ```
//! use dialtime::schedule::Schedule;
//! use dialtime::{NewDialTimeGroup, Weekday};
//! let group = NewDialTimeGroup::builder("weekdays")
//!     .windows(Weekday::ALL[1..6].iter().copied(), "09:00", "18:00")
//!     .skip_holiday(true)
//!     .build()?;
//! let schedule = Schedule::builder(&group.content, group.skip_holiday).build()?;
//! let national_day: jiff::Timestamp = "2026-10-01T10:00:00+08:00".parse().unwrap();
//! assert!(!schedule.is_open_at(national_day)?);
//! let next = schedule.next_window(national_day)?.unwrap();
//! // 2026-10-08, a Thursday, 09:00 Beijing time.
//! assert_eq!(next.start.to_string(), "2026-10-08T01:00:00Z");
//! # Ok::<(), dialtime::Error>(())
//! ```

pub mod calendar;
mod cn_data;
mod summary;
mod text;

use std::sync::Arc;

use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

pub use calendar::{weekday_named, Calendar, DayStatus, Notice, MAX_CALENDAR_FILE_BYTES};
pub use text::{parse_date, parse_instant};

use crate::error::{Error, Problem, Result};
use crate::model::{DaySchedule, TimeOfDay, TimeRange, Weekday};
use calendar::StatusRef;

/// The zone a schedule uses when none is given: the platform's.
pub const DEFAULT_ZONE: &str = "Asia/Shanghai";

/// Names the zone database answers that are not IANA zones (see `ScheduleBuilder::build`).
const NOT_ZONES: [&str; 4] = ["localtime", "posixrules", "Factory", "Etc/Unknown"];
/// How far [`Schedule::next_window`] looks ahead, in days.
pub const HORIZON_DAYS: i32 = 370;
/// The longest range [`Schedule::windows`] and [`Schedule::open_duration`] take, in days.
pub const MAX_RANGE_DAYS: i64 = 3660;
/// The most intervals [`Schedule::windows`] returns: a range that could hold more (its dates
/// times the most windows a day has) is refused. 720 one-minute windows a day over ten years
/// made 2.6 million (15 s of a Node thread and 1.1 GB to turn into objects).
pub const MAX_WINDOWS: usize = 100_000;

/// Which windows a make-up workday (调休上班) uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MakeupPolicy {
    /// Its own weekday's (a Saturday make-up day uses Saturday's windows, none if Saturday
    /// has none). The default: never dials on a day the group does not configure.
    #[default]
    OwnWeekday,
    /// This weekday's, for every make-up day (e.g. Monday's, for a Monday–Friday group).
    AsWeekday(Weekday),
}

/// An open interval of instants `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    /// The first open instant.
    pub start: Timestamp,
    /// The first instant after it that is not open.
    pub end: Timestamp,
}

impl Interval {
    /// `end - start`.
    pub fn duration(&self) -> SignedDuration {
        self.end.duration_since(self.start)
    }

    /// Whether `t` is inside.
    pub fn contains(&self, t: Timestamp) -> bool {
        self.start <= t && t < self.end
    }
}

/// Why a local date has the windows it has: see [`Schedule::day`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Day {
    /// The civil date, in the schedule's zone.
    pub date: Date,
    /// Its weekday.
    pub weekday: Weekday,
    /// What the calendar says (`None`: the calendar does not cover the year).
    pub status: Option<DayStatus>,
    /// Whether the calendar shaped the windows (`skip_holiday` is set and the year covered,
    /// or assumed holiday-free).
    pub holidays_applied: bool,
    /// The weekday whose windows the date uses; `None` when it has none because it is off
    /// (or its year is not covered).
    pub windows_of: Option<Weekday>,
    /// The date's windows, merged, in local time.
    pub windows: Vec<TimeRange>,
    /// The same windows as instants (DST-exact; clipped to nothing in a gap).
    pub intervals: Vec<Interval>,
}

/// Builds a [`Schedule`]; see [`Schedule::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct ScheduleBuilder {
    /// Windows the content cannot stand for (an empty one), reported by `build`.
    problems: crate::error::ProblemList,
    week: [Vec<(u16, u16)>; 7],
    skip_holiday: bool,
    zone: Option<String>,
    time_zone: Option<TimeZone>,
    calendar: Option<Arc<Calendar>>,
    makeup: MakeupPolicy,
    assume_no_holidays: bool,
}

impl ScheduleBuilder {
    /// The zone, by IANA name (`America/New_York`). Default `Asia/Shanghai`. Checked by
    /// `build` (a `Validation` error at `zone`).
    pub fn zone(mut self, name: impl Into<String>) -> Self {
        self.zone = Some(name.into());
        self.time_zone = None;
        self
    }

    /// The zone, as a jiff `TimeZone`.
    pub fn time_zone(mut self, tz: TimeZone) -> Self {
        self.time_zone = Some(tz);
        self.zone = None;
        self
    }

    /// The holiday calendar. Default [`Calendar::china`].
    pub fn calendar(mut self, calendar: Calendar) -> Self {
        self.calendar = Some(Arc::new(calendar));
        self
    }

    /// A calendar shared with other schedules.
    pub fn shared_calendar(mut self, calendar: Arc<Calendar>) -> Self {
        self.calendar = Some(calendar);
        self
    }

    /// Which windows make-up workdays use. Default [`MakeupPolicy::OwnWeekday`].
    pub fn makeup(mut self, policy: MakeupPolicy) -> Self {
        self.makeup = policy;
        self
    }

    /// Treat years the calendar does not cover as having no holidays, instead of failing
    /// with [`Error::CalendarNotCovered`]. Default false.
    pub fn assume_no_holidays(mut self, yes: bool) -> Self {
        self.assume_no_holidays = yes;
        self
    }

    /// Checks the zone and builds the schedule.
    pub fn build(self) -> Result<Schedule> {
        if !self.problems.is_empty() {
            return Err(Error::Validation(self.problems.into_vec()));
        }
        let zone = match (self.time_zone, self.zone) {
            (Some(tz), _) => tz,
            // The default (DEFAULT_ZONE, the platform's zone) is read as the client reads it:
            // the bundled copy, no scan of the system's zoneinfo. A named zone comes from the
            // system's database.
            (None, None) => crate::platform_zone(),
            (None, name) => {
                let name = name.as_deref().unwrap_or(DEFAULT_ZONE);
                let unknown = || {
                    Error::Validation(vec![Problem::new(
                        "zone",
                        format!(
                            "unknown time zone {}: give an IANA name such as \"Asia/Shanghai\"",
                            crate::validate::rules::quoted(name, 40)
                        ),
                    )])
                };
                // Files of the zoneinfo directory that are not zones: `localtime` (the host's
                // own zone, which would answer differently on every machine), `posixrules`,
                // `Factory`; and jiff's `Etc/Unknown` (UTC by another name).
                if NOT_ZONES.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                    return Err(unknown());
                }
                jiff::tz::db().get(name).map_err(|_| unknown())?
            }
        };
        Ok(Schedule {
            week: self.week,
            skip_holiday: self.skip_holiday,
            zone,
            calendar: self.calendar.unwrap_or_else(|| CHINA.clone()),
            makeup: self.makeup,
            assume_no_holidays: self.assume_no_holidays,
        })
    }
}

static CHINA: std::sync::LazyLock<Arc<Calendar>> =
    std::sync::LazyLock::new(|| Arc::new(Calendar::china()));

/// A group's dialing schedule, evaluated offline. Cheap to clone; thread-safe.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// Each weekday's windows (index: 0 = Sunday), merged, in minutes of the day.
    week: [Vec<(u16, u16)>; 7],
    skip_holiday: bool,
    zone: TimeZone,
    calendar: Arc<Calendar>,
    makeup: MakeupPolicy,
    assume_no_holidays: bool,
}

/// How a date's windows come about.
enum Plan {
    /// The windows of this weekday.
    Windows(Weekday),
    /// None: an announced off-day.
    Off,
    /// The calendar does not cover this year.
    NotCovered(i16),
}

impl Schedule {
    /// A builder for `content` (the group's days and windows, as saved or validated) and
    /// `skip_holiday`.
    pub fn builder(content: &[DaySchedule], skip_holiday: bool) -> ScheduleBuilder {
        let mut week: [Vec<(u16, u16)>; 7] = Default::default();
        // At most MAX_PROBLEMS listed: a million empty windows made a million problems (an
        // 84 MB message).
        let mut problems = crate::error::ProblemList::default();
        for (i, day) in content.iter().enumerate() {
            let d = usize::from(day.week.number());
            for (j, t) in day.times.iter().enumerate() {
                let (begin, end) = (t.begin_time.minutes(), t.end_time.minutes());
                if begin < end {
                    push_window(&mut week, d, (begin, end));
                } else if begin == end {
                    problems.push(empty_window(i, j, t));
                } else if begin >= 1440 {
                    // Saved starting at the day's end (`24:00–02:00`): the next day's part only
                    // (`24:00–00:00` is empty).
                    if end > 0 {
                        push_window(&mut week, (d + 1) % 7, (0, end));
                    } else {
                        problems.push(empty_window(i, j, t));
                    }
                } else {
                    // Saved by the server across midnight (a client refuses to send one):
                    // read as its two parts, 22:00–24:00 on the day and 00:00–02:00 on the
                    // next, each judged by its own date.
                    push_window(&mut week, d, (begin, 1440));
                    if end > 0 {
                        push_window(&mut week, (d + 1) % 7, (0, end));
                    }
                }
            }
        }
        for slot in &mut week {
            merge_minutes(slot);
        }
        ScheduleBuilder {
            problems,
            week,
            skip_holiday,
            zone: None,
            time_zone: None,
            calendar: None,
            makeup: MakeupPolicy::default(),
            assume_no_holidays: false,
        }
    }

    /// A schedule from the raw JSON shape (`{"content": [...], "skip_holiday": true}`, as
    /// the platform sends a group), read as the response decoder reads a saved group (a
    /// weekday twice, overlapping ranges, `22:00–02:00`, a `null` or missing `times`, numeric
    /// strings, 0/1 flags): the rules for saving are not applied; `skip_holiday` is required.
    pub fn builder_from_json(json: &serde_json::Value) -> Result<ScheduleBuilder> {
        let (content, skip_holiday) = crate::validate::schedule_from_json(json)?;
        Ok(Schedule::builder(&content, skip_holiday))
    }

    /// The zone.
    pub fn time_zone(&self) -> &TimeZone {
        &self.zone
    }

    /// `t` in the schedule's zone (for showing an interval's ends as local times).
    pub fn zoned(&self, t: Timestamp) -> jiff::ZonedDateTime {
        t.to_zoned_datetime(self.zone.clone())
    }

    /// The calendar.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// Whether the group skips public holidays.
    pub fn skip_holiday(&self) -> bool {
        self.skip_holiday
    }

    /// The weekdays' windows as a group's `content`: each day's windows merged (touching and
    /// overlapping ones joined, a window saved across midnight as its two parts), in weekday
    /// order from Sunday, days without windows left out. A schedule built from it (with the
    /// same options) answers every query as this one does.
    pub fn content(&self) -> Vec<DaySchedule> {
        Weekday::ALL
            .iter()
            .filter_map(|&w| {
                let times: Vec<TimeRange> = self
                    .windows_of(w)
                    .iter()
                    .filter_map(|&(b, e)| {
                        Some(TimeRange::new(
                            TimeOfDay::from_minutes(b)?,
                            TimeOfDay::from_minutes(e)?,
                        ))
                    })
                    .collect();
                (!times.is_empty()).then(|| DaySchedule::new(w, times))
            })
            .collect()
    }

    /// How make-up workdays are treated.
    pub fn makeup(&self) -> MakeupPolicy {
        self.makeup
    }

    /// Whether years the calendar does not cover are taken as having no holidays.
    pub fn assumes_no_holidays(&self) -> bool {
        self.assume_no_holidays
    }

    /// Whether the calendar is the built-in one the builder gives by default (not a copy
    /// passed to it).
    pub fn has_default_calendar(&self) -> bool {
        Arc::ptr_eq(&self.calendar, &CHINA)
    }

    fn plan(&self, date: Date) -> Plan {
        let own = Weekday::from(date.weekday());
        if !self.skip_holiday {
            return Plan::Windows(own);
        }
        match self.calendar.status_ref(date) {
            None if self.assume_no_holidays => Plan::Windows(own),
            None => Plan::NotCovered(date.year()),
            Some(StatusRef::Normal) => Plan::Windows(own),
            Some(StatusRef::Listed(DayStatus::Normal)) => Plan::Windows(own),
            Some(StatusRef::Listed(DayStatus::Off { .. })) => Plan::Off,
            Some(StatusRef::Listed(DayStatus::MakeupWork { as_weekday, .. })) => {
                Plan::Windows(as_weekday.unwrap_or(match self.makeup {
                    // A "work" entry on a weekday (holiday-cn lists 2020-02-03, a Monday) is a
                    // working day anyway: its own windows, whatever the make-up policy.
                    _ if !matches!(own, Weekday::Saturday | Weekday::Sunday) => own,
                    MakeupPolicy::OwnWeekday => own,
                    MakeupPolicy::AsWeekday(w) => w,
                }))
            }
        }
    }

    fn windows_of(&self, w: Weekday) -> &[(u16, u16)] {
        self.week
            .get(usize::from(w.number()))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether dialing is allowed at `t`. Fails only for an uncovered year (see the module
    /// documentation).
    pub fn is_open_at(&self, t: impl Into<Timestamp>) -> Result<bool> {
        let local = self.zone.to_datetime(t.into());
        let windows = match self.plan(local.date()) {
            Plan::Windows(w) => self.windows_of(w),
            Plan::Off => return Ok(false),
            Plan::NotCovered(year) => return Err(Error::CalendarNotCovered { year }),
        };
        let time = local.time();
        let nanos = i64::from(time.hour()) * 3_600_000_000_000
            + i64::from(time.minute()) * 60_000_000_000
            + i64::from(time.second()) * 1_000_000_000
            + i64::from(time.subsec_nanosecond());
        Ok(windows.iter().any(|&(a, b)| {
            i64::from(a) * 60_000_000_000 <= nanos && nanos < i64::from(b) * 60_000_000_000
        }))
    }

    /// The first open interval whose end is after `t`, unclipped (its `start <= t` means
    /// "open now"), or `None` when there is none within [`HORIZON_DAYS`] days or before the
    /// calendar's coverage ends. Fails when `t`'s own date is in an uncovered year.
    pub fn next_window(&self, t: impl Into<Timestamp>) -> Result<Option<Interval>> {
        let t = t.into();
        let first = self.zone.to_datetime(t).date();
        if let Plan::NotCovered(year) = self.plan(first) {
            return Err(Error::CalendarNotCovered { year });
        }
        let mut span = 8;
        loop {
            let last = add_days(first, span);
            let (intervals, stopped) = self.collect(day_before(first), last, Some(first));
            let horizon_reached = span >= HORIZON_DAYS;
            // The interval is final unless it may continue past the dates looked at.
            let limit = self.day_start(last);
            if let Some(found) = intervals.iter().find(|i| i.end > t) {
                if found.end < limit || stopped || horizon_reached {
                    return Ok(Some(self.reach_back(*found, first, last)));
                }
            } else if stopped || horizon_reached {
                return Ok(None);
            }
            span = (span * 4).min(HORIZON_DAYS);
        }
    }

    /// The first instant at or after `t` when the dialer may call: `t` itself while a window
    /// is open, else the next window's start; `None` as for [`next_window`](Self::next_window).
    pub fn next_allowed_instant(&self, t: impl Into<Timestamp>) -> Result<Option<Timestamp>> {
        let t = t.into();
        Ok(self.next_window(t)?.map(|w| w.start.max(t)))
    }

    /// `found` (found looking from the day before `first` to `last`) with its true start: an
    /// interval that began at that day's start may have begun days earlier (Friday 18:00 to
    /// Monday 00:00, asked on Sunday), so earlier dates are looked at until it starts after a
    /// day's start, within [`HORIZON_DAYS`].
    fn reach_back(&self, mut found: Interval, first: Date, last: Date) -> Interval {
        let mut back = 1;
        while back <= HORIZON_DAYS && found.start <= self.day_start(add_days(first, -back)) {
            back = (back * 4).min(HORIZON_DAYS + 1);
            let (intervals, _) = self.collect(add_days(first, -back), last, Some(first));
            match intervals.into_iter().find(|i| i.end > found.start) {
                Some(longer) => found = longer,
                None => break,
            }
        }
        found
    }

    /// The open intervals within `[from, to)`, sorted, merged and clipped. Fails when a
    /// date inside is in an uncovered year, and with a `Validation` error when the range is
    /// longer than [`MAX_RANGE_DAYS`] or could hold more than [`MAX_WINDOWS`] intervals.
    pub fn windows(
        &self,
        from: impl Into<Timestamp>,
        to: impl Into<Timestamp>,
    ) -> Result<Vec<Interval>> {
        let (from, to) = (from.into(), to.into());
        if to <= from {
            return Ok(Vec::new());
        }
        if to.duration_since(from) > SignedDuration::from_hours(24 * MAX_RANGE_DAYS) {
            // The whole range is at fault, not one end (each binding names its ends: Python
            // `start`/`end`, Node `from`/`to`): `$`.
            return Err(Error::Validation(vec![Problem::new(
                "$",
                format!(
                    "the range queried is longer than {MAX_RANGE_DAYS} days: query it in parts"
                ),
            )]));
        }
        // The dates the range touches (partial ones at both ends, a DST day) times the most
        // windows a day has.
        let dates =
            usize::try_from(to.duration_since(from).as_hours() / 24 + 3).unwrap_or(usize::MAX);
        let per_day = self.week.iter().map(Vec::len).max().unwrap_or(0);
        if dates.saturating_mul(per_day) > MAX_WINDOWS {
            return Err(Error::Validation(vec![Problem::new(
                "$",
                format!(
                    "the range queried could hold more than {MAX_WINDOWS} windows ({per_day} a \
                     day): query it in parts"
                ),
            )]));
        }
        let first = self.zone.to_datetime(from).date();
        // `to` is excluded: a range ending at a midnight does not touch the next date.
        let last_instant = to.checked_sub(SignedDuration::from_nanos(1)).unwrap_or(to);
        let last = self.zone.to_datetime(last_instant).date();
        let mut d = first;
        while d <= last {
            if let Plan::NotCovered(year) = self.plan(d) {
                return Err(Error::CalendarNotCovered { year });
            }
            match d.tomorrow() {
                Ok(next) => d = next,
                Err(_) => break,
            }
        }
        let (intervals, _) = self.collect(day_before(first), add_days(last, 1), None);
        Ok(intervals
            .into_iter()
            .filter_map(|i| {
                let start = i.start.max(from);
                let end = i.end.min(to);
                (start < end).then_some(Interval { start, end })
            })
            .collect())
    }

    /// The total open time within `[from, to)`.
    pub fn open_duration(
        &self,
        from: impl Into<Timestamp>,
        to: impl Into<Timestamp>,
    ) -> Result<SignedDuration> {
        Ok(self
            .windows(from, to)?
            .iter()
            .fold(SignedDuration::ZERO, |total, i| {
                total.saturating_add(i.duration())
            }))
    }

    /// Why local `date` has the windows it has, and those windows.
    pub fn day(&self, date: Date) -> Day {
        let weekday = Weekday::from(date.weekday());
        let status = self.calendar.status(date);
        let plan = self.plan(date);
        let windows_of = match plan {
            Plan::Windows(w) => Some(w),
            Plan::Off | Plan::NotCovered(_) => None,
        };
        let minutes = windows_of.map_or(&[][..], |w| self.windows_of(w));
        let mut intervals = Vec::new();
        let pieces = self.pieces(date, date);
        for &(a, b) in minutes {
            preimage(&pieces, date, a, b, &mut intervals);
        }
        merge_intervals(&mut intervals);
        Day {
            date,
            weekday,
            holidays_applied: self.skip_holiday && (status.is_some() || self.assume_no_holidays),
            status,
            windows_of,
            windows: minutes
                .iter()
                .filter_map(|&(a, b)| {
                    Some(TimeRange {
                        begin_time: TimeOfDay::from_minutes(a)?,
                        end_time: TimeOfDay::from_minutes(b)?,
                    })
                })
                .collect(),
            intervals,
        }
    }

    /// A description of the schedule: `lang` `"zh"` (default for anything but `"en"`):
    /// `周一 08:00–20:00、20:30–22:00；周三 08:00–12:00；法定节假日不拨打`; `"en"`:
    /// `Mon 08:00–20:00, 20:30–22:00; Wed 08:00–12:00; skips public holidays`. A make-up
    /// policy other than the default and a zone other than Asia/Shanghai are added
    /// (`…; make-up workdays use Mon's times; America/New_York time`).
    pub fn summary(&self, lang: &str) -> String {
        let makeup_as = match self.makeup {
            MakeupPolicy::AsWeekday(w) => Some(usize::from(w.number())),
            MakeupPolicy::OwnWeekday => None,
        };
        summary::describe(
            &self.week,
            self.skip_holiday,
            makeup_as,
            self.zone.iana_name(),
            lang,
        )
    }

    /// The instants of dates `first..=last`, merged; `stop_at`: in a search starting at this
    /// date, stop at the first later uncovered date (returned `true`) instead of failing.
    fn collect(&self, first: Date, last: Date, stop_at: Option<Date>) -> (Vec<Interval>, bool) {
        let mut out = Vec::new();
        let mut stopped = false;
        let pieces = self.pieces(first, last);
        let mut d = first;
        while d <= last {
            match self.plan(d) {
                Plan::Windows(w) => {
                    for &(a, b) in self.windows_of(w) {
                        preimage(&pieces, d, a, b, &mut out);
                    }
                }
                Plan::Off => {}
                Plan::NotCovered(_) => {
                    // Before the search's first date: no windows (the query date is covered).
                    if stop_at.is_some_and(|s| d > s) {
                        stopped = true;
                        break;
                    }
                }
            }
            match d.tomorrow() {
                Ok(next) => d = next,
                Err(_) => break,
            }
        }
        merge_intervals(&mut out);
        (out, stopped)
    }

    /// The instant at which local `date` begins (its 00:00, or the transition ending a gap);
    /// for a date the zone skipped (Pacific/Apia's 2011-12-30), the start of the next date
    /// that exists: the first instant after the dates before it.
    fn day_start(&self, date: Date) -> Timestamp {
        let mut v = Vec::with_capacity(1);
        let mut d = date;
        // No zone has skipped more than one date; a few more are looked at all the same.
        for _ in 0..4 {
            let pieces = self.pieces(d, d);
            preimage(&pieces, d, 0, 1440, &mut v);
            if let Some(i) = v.first() {
                return i.start;
            }
            match d.tomorrow() {
                Ok(next) => d = next,
                Err(_) => break,
            }
        }
        Timestamp::MAX
    }

    /// The instants around local dates `first..=last` (48 hours either side, more than any
    /// offset), cut at every transition of the zone: on each piece the offset is constant.
    fn pieces(&self, first: Date, last: Date) -> Vec<Piece> {
        let utc = |d: Date, hours: i64| {
            Offset::UTC
                .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .ok()
                .and_then(|t| t.checked_add(SignedDuration::from_hours(hours)).ok())
        };
        let lo = utc(first, -48).unwrap_or(Timestamp::MIN);
        let hi = utc(last, 72).unwrap_or(Timestamp::MAX);
        let mut pieces = Vec::with_capacity(2);
        let mut start = lo;
        for tr in self.zone.following(lo) {
            let at = tr.timestamp();
            if at >= hi {
                break;
            }
            if at > start {
                pieces.push(Piece {
                    start,
                    end: at,
                    offset: self.zone.to_offset(start),
                });
                start = at;
            }
        }
        pieces.push(Piece {
            start,
            end: hi,
            offset: self.zone.to_offset(start),
        });
        pieces
    }
}

/// A stretch of instants with one offset.
#[derive(Debug, Clone, Copy)]
struct Piece {
    start: Timestamp,
    end: Timestamp,
    offset: Offset,
}

/// Appends the instants whose wall clock is within `[a, b)` minutes of `date`: on each piece
/// the offset is constant, so the preimage there is one interval (exact across gaps and
/// folds).
fn preimage(pieces: &[Piece], date: Date, a: u16, b: u16, out: &mut Vec<Interval>) {
    let (Some(start), Some(end)) = (civil_at(date, a), civil_at(date, b)) else {
        return;
    };
    // Past the ends of jiff's range a wall-clock time has no instant: it is clipped to the
    // range (as `is_open_at` sees the instants there), not the whole window dropped.
    let instant = |offset: Offset, civil: DateTime| {
        offset.to_timestamp(civil).unwrap_or(if civil.year() > 0 {
            Timestamp::MAX
        } else {
            Timestamp::MIN
        })
    };
    for p in pieces {
        let s = instant(p.offset, start).max(p.start);
        let e = instant(p.offset, end).min(p.end);
        if s < e {
            out.push(Interval { start: s, end: e });
        }
    }
}

/// `date` at `minutes` past midnight (1440: the next date's midnight; on 9999-12-31, which
/// has no next date, its last instant: the window was dropped while `is_open_at` said open).
fn civil_at(date: Date, minutes: u16) -> Option<DateTime> {
    if minutes >= 1440 {
        return Some(
            date.tomorrow()
                .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
                .unwrap_or(DateTime::MAX),
        );
    }
    let time = jiff::civil::Time::new((minutes / 60) as i8, (minutes % 60) as i8, 0, 0).ok()?;
    Some(date.to_datetime(time))
}

/// The problem of window `j` of day `i`, `t`, which holds no time (`09:00–09:00`,
/// `24:00–24:00`, `24:00–00:00`).
fn empty_window(i: usize, j: usize, t: &TimeRange) -> Problem {
    let why = if t.begin_time == t.end_time {
        "begin_time equals end_time"
    } else {
        "it starts at the end of the day and ends at its start"
    };
    Problem::new(
        format!("content[{i}].times[{j}]"),
        format!("an empty window ({}–{}): {why}", t.begin_time, t.end_time),
    )
}

/// Adds a minute range to weekday `d`'s windows (0 = Sunday).
fn push_window(week: &mut [Vec<(u16, u16)>; 7], d: usize, range: (u16, u16)) {
    if let Some(slot) = week.get_mut(d) {
        slot.push(range);
    }
}

fn day_before(d: Date) -> Date {
    d.yesterday().unwrap_or(d)
}

fn add_days(d: Date, n: i32) -> Date {
    d.checked_add(jiff::Span::new().days(n))
        .unwrap_or(Date::MAX)
}

/// Sorts and merges overlapping or touching minute ranges.
fn merge_minutes(ranges: &mut Vec<(u16, u16)>) {
    ranges.sort_unstable();
    let mut out: Vec<(u16, u16)> = Vec::with_capacity(ranges.len());
    for &(a, b) in ranges.iter() {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    *ranges = out;
}

/// Sorts and merges overlapping or touching intervals.
fn merge_intervals(intervals: &mut Vec<Interval>) {
    intervals.sort_unstable();
    let mut out: Vec<Interval> = Vec::with_capacity(intervals.len());
    for &i in intervals.iter() {
        match out.last_mut() {
            Some(last) if i.start <= last.end => last.end = last.end.max(i.end),
            _ => out.push(i),
        }
    }
    *intervals = out;
}
