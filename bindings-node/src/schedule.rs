//! Mirrors `dialtime::schedule`: `Schedule` and `Calendar`. Instants in as `Date`s or ISO
//! strings with an offset (a string without one is refused, never guessed); `Date`s out.

use dialtime::schedule::{Calendar as CoreCalendar, DayStatus, Interval, MakeupPolicy};
use jiff::civil::Date;
use jiff::Timestamp;
use napi::bindgen_prelude::*;
use napi::JsDate;
use napi_derive::napi;

use crate::error::OrThrow;
use crate::memory::Reported;
use crate::options;
use crate::validate::payload_json;

use crate::options::type_error;

/// A `Date` (or an RFC 3339 string with an offset) as an instant.
fn instant(env: &Env, value: Unknown<'_>, name: &str) -> Result<Timestamp> {
    match value.get_type()? {
        ValueType::String => {
            let text: String = unsafe { value.cast() }?;
            dialtime::schedule::parse_instant(&text).map_err(|e| {
                type_error(
                    env,
                    &format!(
                        "{name} must be an instant: a Date, or an ISO 8601 string with an offset \
                     (\"2026-10-01T10:00:00+08:00\"), got {e}"
                    ),
                )
            })
        }
        ValueType::Object => {
            let obj: Object<'_> = unsafe { value.cast() }?;
            if !obj.is_date()? {
                return Err(type_error(
                    env,
                    &format!("{name} must be a Date or an ISO string"),
                ));
            }
            let date: JsDate<'_> = unsafe { value.cast() }?;
            let ms = date.value_of()?;
            if !ms.is_finite() {
                return Err(type_error(env, &format!("{name} is an invalid Date")));
            }
            Timestamp::from_millisecond(ms as i64)
                .map_err(|e| type_error(env, &format!("{name} is out of range: {e}")))
        }
        _ => Err(type_error(
            env,
            &format!("{name} must be a Date or an ISO string"),
        )),
    }
}

fn js_date<'env>(env: &'env Env, t: Timestamp) -> Result<JsDate<'env>> {
    env.create_date(t.as_millisecond() as f64)
}

fn interval<'env>(env: &'env Env, i: &Interval) -> Result<Object<'env>> {
    let mut obj = Object::new(env)?;
    obj.set("start", js_date(env, i.start)?)?;
    obj.set("end", js_date(env, i.end)?)?;
    Ok(obj)
}

/// A `"YYYY-MM-DD"` argument; anything else is a `TypeError` naming `date`.
fn civil_date(env: &Env, date: Unknown<'_>) -> Result<Date> {
    let text = options::string_arg(env, date, "date")?;
    dialtime::schedule::parse_date(&text)
        .map_err(|e| type_error(env, &format!("date must be \"YYYY-MM-DD\", got {e}")))
}

fn status_name(s: &DayStatus) -> &'static str {
    match s {
        DayStatus::Off { .. } => "off",
        DayStatus::MakeupWork { .. } => "makeup_work",
        _ => "normal",
    }
}

// One that loaded its own data holds a private copy (~23 KB from `china()`), which it reports
// to V8 as external memory: 300,000 of them made in a loop held 7.8 GB before, V8 collecting
// them for the size of their JavaScript objects only. The built-in data is shared.
/// A holiday calendar: `Calendar.china()` (the notices 2018–2026) or `Calendar.empty()`.
#[napi(custom_finalize)]
pub struct Calendar(CoreCalendar, Reported);

impl ObjectFinalize for Calendar {
    fn finalize(mut self, env: Env) -> Result<()> {
        self.1.set(&env, 0);
        Ok(())
    }
}

#[napi]
impl Calendar {
    #[napi(catch_unwind)]
    pub fn china() -> Self {
        Calendar(CoreCalendar::china(), Reported::default())
    }

    #[napi(catch_unwind)]
    pub fn empty() -> Self {
        Calendar(CoreCalendar::empty(), Reported::default())
    }

    /// Loads holiday-cn JSON text: a whole year (`{year, days}`, replacing that notice year)
    /// or a bare days list (overriding single dates).
    #[napi(catch_unwind, ts_args_type = "text: string")]
    pub fn load_holiday_cn(&mut self, env: Env, text: Unknown<'_>) -> Result<()> {
        let text = options::string_arg(&env, text, "text")?;
        self.0.load_holiday_cn(&text).or_throw(&env)?;
        // The data is this calendar's own now (copied if it was shared).
        self.1.set(&env, self.0.heap_bytes());
        Ok(())
    }

    /// Whether notice year `year` is loaded (a year no calendar can hold is not).
    #[napi(catch_unwind, ts_args_type = "year: number")]
    pub fn covers(&self, env: Env, year: Unknown<'_>) -> Result<bool> {
        // An integer, never truncated or wrapped (`2026.7` and `2 ** 32 + 2026` were 2026).
        let year = options::number_arg(&env, year, "year")?;
        let year = dialtime::__private::whole_number("year", year).or_throw(&env)?;
        Ok(i16::try_from(year).is_ok_and(|y| self.0.covers(y)))
    }

    /// The notice years loaded, ascending.
    #[napi(getter, catch_unwind)]
    pub fn years(&self) -> Vec<i32> {
        self.0.years().map(i32::from).collect()
    }

    /// `'normal'`, `'off'`, `'makeup_work'`, or null when the year is not covered.
    #[napi(
        catch_unwind,
        ts_args_type = "date: string",
        ts_return_type = "'normal' | 'off' | 'makeup_work' | null"
    )]
    pub fn status(&self, env: Env, date: Unknown<'_>) -> Result<Option<&'static str>> {
        Ok(self
            .0
            .status(civil_date(&env, date)?)
            .map(|s| status_name(&s)))
    }
}

/// `new Schedule(group, options)` options; every one has a default.
#[napi(object)]
#[derive(Default)]
pub struct ScheduleOptions {
    /// An IANA zone name. Default `Asia/Shanghai`.
    pub zone: Option<String>,
    /// The weekday (0 = Sunday) whose windows every make-up workday uses. Default: its own.
    pub makeup_as: Option<f64>,
    /// Treat uncovered years as holiday-free instead of failing. Default false.
    pub assume_no_holidays: Option<bool>,
}

const SCHEDULE_OPTIONS: [&str; 4] = ["zone", "calendar", "makeupAs", "assumeNoHolidays"];

/// A group's dialing schedule, evaluated offline.
#[napi]
pub struct Schedule(dialtime::schedule::Schedule);

#[napi]
impl Schedule {
    /// `group`: anything with the group's `content` and `skip_holiday` (a saved group, a
    /// payload). Throws `ValidationError` naming the field for bad content or zone.
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "group: { content: DaySchedule[]; skip_holiday: boolean }, options?: ScheduleOptions & { calendar?: Calendar } | undefined | null"
    )]
    pub fn new(env: Env, group: Unknown<'_>, options: Option<Unknown<'_>>) -> Result<Self> {
        let group = options::object_arg(&env, group, "group")?;
        let calendar = match options.as_ref() {
            Some(o) if o.get_type()? == ValueType::Object => {
                let obj: Object<'_> = unsafe { o.cast() }?;
                let c = obj.get_named_property::<Unknown<'_>>("calendar")?;
                match c.get_type()? {
                    ValueType::Undefined | ValueType::Null => None,
                    _ => {
                        // A ClassInstance checks the class; it takes no borrow that would
                        // outlive this call (the schedule takes its own share of the data at
                        // once: a later load into this Calendar copies, leaving it as it is).
                        let c = unsafe {
                            ClassInstance::<Calendar>::from_napi_value(env.raw(), c.raw())
                        }
                        .map_err(|_| type_error(&env, "calendar must be a Calendar"))?;
                        Some(c.0.clone())
                    }
                }
            }
            _ => None,
        };
        let o: ScheduleOptions =
            options::read(&env, options, &SCHEDULE_OPTIONS, "the Schedule options")?
                .unwrap_or_default();
        let built = (|| {
            let json = payload_json(&env, group)?;
            let mut b = dialtime::schedule::Schedule::builder_from_json(&json)?;
            if let Some(zone) = o.zone {
                b = b.zone(zone);
            }
            if let Some(c) = calendar {
                b = b.calendar(c);
            }
            if let Some(w) = o.makeup_as {
                let w = dialtime::__private::whole_number("makeupAs", w)?;
                let w = dialtime::__private::weekday_number("makeupAs", w)?;
                b = b.makeup(MakeupPolicy::AsWeekday(w));
            }
            b.assume_no_holidays(o.assume_no_holidays.unwrap_or(false))
                .build()
        })();
        built.map(Schedule).or_throw(&env)
    }

    /// Whether dialing is allowed at `at`.
    #[napi(catch_unwind, ts_args_type = "at: Date | string")]
    pub fn is_open_at(&self, env: Env, at: Unknown<'_>) -> Result<bool> {
        let t = instant(&env, at, "at")?;
        self.0.is_open_at(t).or_throw(&env)
    }

    /// The first open `{start, end}` whose end is after `at` (unclipped: `start <= at` means
    /// open now), or null within 370 days / the calendar's coverage.
    #[napi(
        catch_unwind,
        ts_args_type = "at: Date | string",
        ts_return_type = "{ start: Date; end: Date } | null"
    )]
    pub fn next_window<'env>(
        &self,
        env: &'env Env,
        at: Unknown<'_>,
    ) -> Result<Option<Object<'env>>> {
        let t = instant(env, at, "at")?;
        match self.0.next_window(t).or_throw(env)? {
            Some(i) => interval(env, &i).map(Some),
            None => Ok(None),
        }
    }

    /// The first instant at or after `at` when the dialer may call (`at` itself while a
    /// window is open), or null as for `nextWindow`.
    #[napi(
        catch_unwind,
        ts_args_type = "at: Date | string",
        ts_return_type = "Date | null"
    )]
    pub fn next_allowed_instant<'env>(
        &self,
        env: &'env Env,
        at: Unknown<'_>,
    ) -> Result<Option<JsDate<'env>>> {
        let t = instant(env, at, "at")?;
        match self.0.next_allowed_instant(t).or_throw(env)? {
            Some(when) => js_date(env, when).map(Some),
            None => Ok(None),
        }
    }

    /// The open `{start, end}` intervals within `[from, to)`, sorted, merged, clipped. A range
    /// longer than 3660 days, or one that could hold more than 100,000 windows, is a
    /// `ValidationError` (query it in parts).
    #[napi(
        catch_unwind,
        ts_args_type = "from: Date | string, to: Date | string",
        ts_return_type = "Array<{ start: Date; end: Date }>"
    )]
    pub fn windows<'env>(
        &self,
        env: &'env Env,
        from: Unknown<'_>,
        to: Unknown<'_>,
    ) -> Result<Vec<Object<'env>>> {
        let (a, b) = (instant(env, from, "from")?, instant(env, to, "to")?);
        self.0
            .windows(a, b)
            .or_throw(env)?
            .iter()
            .map(|i| interval(env, i))
            .collect()
    }

    /// The total open time within `[from, to)`, in milliseconds.
    #[napi(catch_unwind, ts_args_type = "from: Date | string, to: Date | string")]
    pub fn open_duration_ms(&self, env: Env, from: Unknown<'_>, to: Unknown<'_>) -> Result<f64> {
        let (a, b) = (instant(&env, from, "from")?, instant(&env, to, "to")?);
        let d = self.0.open_duration(a, b).or_throw(&env)?;
        // Whole seconds and the fraction apart: exact for whole milliseconds, where
        // `as_secs_f64() * 1000` gave 68638518019.99999 for 68638518020.
        Ok(d.as_secs() as f64 * 1000.0 + f64::from(d.subsec_nanos()) / 1e6)
    }

    /// Why local `date` (`"YYYY-MM-DD"`, in the schedule's zone) has the windows it has.
    #[napi(
        catch_unwind,
        ts_args_type = "date: string",
        ts_return_type = "ScheduleDay"
    )]
    pub fn day<'env>(&self, env: &'env Env, date: Unknown<'_>) -> Result<Object<'env>> {
        let day = self.0.day(civil_date(env, date)?);
        let mut obj = Object::new(env)?;
        obj.set("date", day.date.to_string())?;
        obj.set("weekday", u32::from(day.weekday.number()))?;
        obj.set(
            "status",
            day.status.as_ref().map_or("not_covered", status_name),
        )?;
        let festival = match &day.status {
            Some(DayStatus::Off { festival }) | Some(DayStatus::MakeupWork { festival, .. }) => {
                Some(festival.to_string())
            }
            _ => None,
        };
        obj.set("festival", festival)?;
        obj.set("holidaysApplied", day.holidays_applied)?;
        obj.set("windowsOf", day.windows_of.map(|w| u32::from(w.number())))?;
        let windows: Vec<crate::model::TimeRange> = day
            .windows
            .iter()
            .map(|w| crate::model::TimeRange {
                begin_time: w.begin_time.to_string(),
                end_time: w.end_time.to_string(),
            })
            .collect();
        obj.set("windows", windows)?;
        let intervals = day
            .intervals
            .iter()
            .map(|i| interval(env, i))
            .collect::<Result<Vec<_>>>()?;
        obj.set("intervals", intervals)?;
        Ok(obj)
    }

    /// `"zh"` (default) or `"en"`.
    #[napi(catch_unwind, ts_args_type = "lang?: string | undefined | null")]
    pub fn summary(&self, env: Env, lang: Option<Unknown<'_>>) -> Result<String> {
        let lang = match lang {
            Some(l) if !matches!(l.get_type()?, ValueType::Undefined | ValueType::Null) => {
                options::string_arg(&env, l, "lang")?
            }
            _ => "zh".to_owned(),
        };
        Ok(self.0.summary(&lang))
    }

    /// The IANA name of the zone.
    #[napi(getter, catch_unwind)]
    pub fn zone(&self) -> Option<String> {
        self.0.time_zone().iana_name().map(str::to_owned)
    }
}

/// What `Schedule.day` returns.
#[napi(object)]
#[allow(dead_code)]
pub struct ScheduleDay {
    /// `"YYYY-MM-DD"`.
    pub date: String,
    /// 0 = Sunday … 6 = Saturday.
    pub weekday: u32,
    #[napi(ts_type = "'normal' | 'off' | 'makeup_work' | 'not_covered'")]
    pub status: String,
    /// The holiday's or make-up day's name; `null` on other days (always present).
    #[napi(ts_type = "string | null")]
    pub festival: Option<String>,
    pub holidays_applied: bool,
    /// The weekday whose windows apply (a make-up workday's), or `null`.
    #[napi(ts_type = "number | null")]
    pub windows_of: Option<u32>,
    pub windows: Vec<crate::model::TimeRange>,
    #[napi(ts_type = "Array<{ start: Date; end: Date }>")]
    pub intervals: Vec<()>,
}
