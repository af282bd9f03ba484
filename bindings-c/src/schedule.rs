//! Mirrors `dialtime::schedule`: a schedule evaluated offline, and holiday calendars.
//! Instants are Unix seconds (`int64_t`, UTC); zones are IANA names.

use std::ffi::c_char;

use dialtime::schedule::{Calendar, DayStatus, Interval, MakeupPolicy, Schedule};
use dialtime::Weekday;
use jiff::Timestamp;

use super::error::{dialtime_error, dialtime_status};
use super::ffi::{
    free_box, guard, handle, handle_mut, invalid, opt_str_arg, out_arg, str_arg, write_out,
    write_string, FfiResult,
};

/// A holiday calendar. Not thread-safe while being loaded into; free with
/// dialtime_calendar_free.
pub struct dialtime_calendar {
    inner: Calendar,
}

/// A group's schedule. Immutable and thread-safe; free with dialtime_schedule_free.
pub struct dialtime_schedule {
    inner: Schedule,
}

/// Open intervals `[start, end)` in Unix seconds: see dialtime_schedule_windows. Free with
/// dialtime_intervals_free.
pub struct dialtime_intervals {
    list: Vec<Interval>,
}

/// How a schedule is built; a zeroed struct (or NULL) keeps every default.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct dialtime_schedule_options {
    /// An IANA zone name (copied); NULL: "Asia/Shanghai".
    pub zone: *const c_char,
    /// The holiday calendar (copied); NULL: the built-in China calendar.
    pub calendar: *const dialtime_calendar,
    /// Whether every make-up workday uses the windows of `makeup_as_weekday`.
    pub makeup_as_set: bool,
    /// The weekday (0 = Sunday … 6) whose windows make-up workdays use, when `makeup_as_set`.
    pub makeup_as_weekday: i32,
    /// Treat years the calendar does not cover as holiday-free instead of failing.
    pub assume_no_holidays: bool,
}

fn instant(name: &str, secs: i64) -> FfiResult<Timestamp> {
    Timestamp::from_second(secs).map_err(|e| invalid(format!("{name} is out of range: {e}")))
}

/// The built-in mainland China calendar (every State Council notice 2018–2026). On success
/// `*out` is owned by the caller (free with dialtime_calendar_free).
#[no_mangle]
pub unsafe extern "C" fn dialtime_calendar_china(
    out: *mut *mut dialtime_calendar,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        write_out(
            out,
            dialtime_calendar {
                inner: Calendar::china(),
            },
        );
        Ok(())
    })
}

/// A calendar with no data (every year uncovered). Ownership as dialtime_calendar_china.
#[no_mangle]
pub unsafe extern "C" fn dialtime_calendar_empty(
    out: *mut *mut dialtime_calendar,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        write_out(
            out,
            dialtime_calendar {
                inner: Calendar::empty(),
            },
        );
        Ok(())
    })
}

/// Loads holiday-cn JSON text into `calendar`: a whole year (`{"year", "days"}`, replacing
/// that notice year) or a bare days list (overriding single dates).
#[no_mangle]
pub unsafe extern "C" fn dialtime_calendar_load_holiday_cn(
    calendar: *mut dialtime_calendar,
    json: *const c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let c = unsafe { handle_mut("calendar", calendar) }?;
        let json = unsafe { str_arg("json", json) }?;
        c.inner.load_holiday_cn(json)?;
        Ok(())
    })
}

/// Whether notice year `year` is loaded; false for NULL.
#[no_mangle]
pub extern "C" fn dialtime_calendar_covers(calendar: *const dialtime_calendar, year: i32) -> bool {
    unsafe { calendar.as_ref() }
        .is_some_and(|c| i16::try_from(year).is_ok_and(|y| c.inner.covers(y)))
}

/// Frees a calendar. Accepts NULL.
#[no_mangle]
pub unsafe extern "C" fn dialtime_calendar_free(calendar: *mut dialtime_calendar) {
    unsafe { free_box(calendar) }
}

/// A schedule from a group's JSON (`{"content": [...], "skip_holiday": true}`; a saved
/// group's other keys are ignored), with `options` (NULL: the defaults). Validated:
/// DIALTIME_STATUS_VALIDATION names the field (`content[0].week`, `zone`, …). On success
/// `*out` is owned by the caller (free with dialtime_schedule_free).
#[no_mangle]
pub unsafe extern "C" fn dialtime_schedule_new_json(
    json: *const c_char,
    options: *const dialtime_schedule_options,
    out: *mut *mut dialtime_schedule,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let text = unsafe { str_arg("json", json) }?;
        let value = serde_json::from_str(text).map_err(|e| {
            dialtime::Error::Validation(vec![dialtime::Problem::new(
                "$",
                format!("must be valid JSON: {e}"),
            )])
        })?;
        let mut b = Schedule::builder_from_json(&value)?;
        // SAFETY: NULL or a valid struct (header contract).
        if let Some(o) = unsafe { options.as_ref() } {
            if let Some(zone) = unsafe { opt_str_arg("options.zone", o.zone) }? {
                b = b.zone(zone);
            }
            if let Some(c) = unsafe { o.calendar.as_ref() } {
                b = b.calendar(c.inner.clone());
            }
            if o.makeup_as_set {
                let w = dialtime::__private::weekday_number(
                    "makeup_as_weekday",
                    i64::from(o.makeup_as_weekday),
                )?;
                b = b.makeup(MakeupPolicy::AsWeekday(w));
            }
            b = b.assume_no_holidays(o.assume_no_holidays);
        }
        write_out(out, dialtime_schedule { inner: b.build()? });
        Ok(())
    })
}

/// Whether dialing is allowed at `at` (Unix seconds): `*out` true or false.
/// DIALTIME_STATUS_CALENDAR_NOT_COVERED when its year is not covered (see
/// dialtime_error_year).
#[no_mangle]
pub unsafe extern "C" fn dialtime_schedule_is_open_at(
    schedule: *const dialtime_schedule,
    at: i64,
    out: *mut bool,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let s = unsafe { handle("schedule", schedule) }?;
        // SAFETY: checked non-NULL here, written once.
        let out = unsafe { out.as_mut() }.ok_or_else(|| invalid("out must not be NULL".into()))?;
        *out = s.inner.is_open_at(instant("at", at)?)?;
        Ok(())
    })
}

/// The first open interval whose end is after `at`, unclipped (`*start <= at` means open
/// now): `*found` true and `*start`, `*end` written (Unix seconds); `*found` false when there
/// is none within 370 days or the calendar's coverage. DIALTIME_STATUS_CALENDAR_NOT_COVERED
/// when `at`'s own year is not covered.
#[no_mangle]
pub unsafe extern "C" fn dialtime_schedule_next_window(
    schedule: *const dialtime_schedule,
    at: i64,
    found: *mut bool,
    start: *mut i64,
    end: *mut i64,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let s = unsafe { handle("schedule", schedule) }?;
        let (Some(found), Some(start), Some(end)) = (
            unsafe { found.as_mut() },
            unsafe { start.as_mut() },
            unsafe { end.as_mut() },
        ) else {
            return Err(invalid("found, start and end must not be NULL".into()));
        };
        match s.inner.next_window(instant("at", at)?)? {
            Some(w) => {
                *found = true;
                *start = w.start.as_second();
                *end = w.end.as_second();
            }
            None => *found = false,
        }
        Ok(())
    })
}

/// The first instant at or after `at` when the dialer may call (`at` itself while a window is
/// open): `*found` true and `*out` written (Unix seconds, rounded down); `*found` false as for
/// dialtime_schedule_next_window.
#[no_mangle]
pub unsafe extern "C" fn dialtime_schedule_next_allowed_instant(
    schedule: *const dialtime_schedule,
    at: i64,
    found: *mut bool,
    out: *mut i64,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let s = unsafe { handle("schedule", schedule) }?;
        let (Some(found), Some(out)) = (unsafe { found.as_mut() }, unsafe { out.as_mut() }) else {
            return Err(invalid("found and out must not be NULL".into()));
        };
        match s.inner.next_allowed_instant(instant("at", at)?)? {
            Some(when) => {
                *found = true;
                *out = when.as_second();
            }
            None => *found = false,
        }
        Ok(())
    })
}

/// The open intervals within `[from, to)` (Unix seconds), sorted, merged, clipped. On success
/// `*out` is owned by the caller (free with dialtime_intervals_free).
/// DIALTIME_STATUS_CALENDAR_NOT_COVERED when a date inside is in a year the calendar does not
/// cover; DIALTIME_STATUS_VALIDATION for a range longer than 3660 days, or one that could
/// hold more than 100,000 intervals (query it in parts).
#[no_mangle]
pub unsafe extern "C" fn dialtime_schedule_windows(
    schedule: *const dialtime_schedule,
    from: i64,
    to: i64,
    out: *mut *mut dialtime_intervals,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let s = unsafe { handle("schedule", schedule) }?;
        let list = s
            .inner
            .windows(instant("from", from)?, instant("to", to)?)?;
        write_out(out, dialtime_intervals { list });
        Ok(())
    })
}

/// The total open seconds within `[from, to)`; fails as dialtime_schedule_windows does (a
/// range of any number of intervals is summed, up to 3660 days).
#[no_mangle]
pub unsafe extern "C" fn dialtime_schedule_open_seconds(
    schedule: *const dialtime_schedule,
    from: i64,
    to: i64,
    out: *mut i64,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let s = unsafe { handle("schedule", schedule) }?;
        let out = unsafe { out.as_mut() }.ok_or_else(|| invalid("out must not be NULL".into()))?;
        *out = s
            .inner
            .open_duration(instant("from", from)?, instant("to", to)?)?
            .as_secs();
        Ok(())
    })
}

/// Why local `date` ("YYYY-MM-DD", in the schedule's zone) has its windows, as JSON:
/// `{"date", "weekday", "status": "normal"|"off"|"makeup_work"|"not_covered", "festival",
/// "windows": [{"begin_time", "end_time"}], "intervals": [[start, end]]}` (Unix seconds).
/// On success `*out_json` is owned by the caller (free with dialtime_string_free).
#[no_mangle]
pub unsafe extern "C" fn dialtime_schedule_day_json(
    schedule: *const dialtime_schedule,
    date: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out_json", out_json)?;
        let s = unsafe { handle("schedule", schedule) }?;
        let text = unsafe { str_arg("date", date) }?;
        let date = dialtime::schedule::parse_date(text)
            .map_err(|e| invalid(format!("date must be \"YYYY-MM-DD\", got {e}")))?;
        let day = s.inner.day(date);
        let (status, festival) = match &day.status {
            None => ("not_covered", None),
            Some(DayStatus::Off { festival }) => ("off", Some(festival.to_string())),
            Some(DayStatus::MakeupWork { festival, .. }) => {
                ("makeup_work", Some(festival.to_string()))
            }
            Some(_) => ("normal", None),
        };
        let json = serde_json::json!({
            "date": day.date.to_string(),
            "weekday": day.weekday.number(),
            "status": status,
            "festival": festival,
            "holidays_applied": day.holidays_applied,
            "windows_of": day.windows_of.map(Weekday::number),
            "windows": day.windows,
            "intervals": day.intervals.iter().map(|i| [i.start.as_second(), i.end.as_second()]).collect::<Vec<_>>(),
        });
        write_string(out_json, json.to_string());
        Ok(())
    })
}

/// A description in `lang` ("zh", the default for NULL, or "en"). On success `*out` is owned
/// by the caller (free with dialtime_string_free).
#[no_mangle]
pub unsafe extern "C" fn dialtime_schedule_summary(
    schedule: *const dialtime_schedule,
    lang: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let s = unsafe { handle("schedule", schedule) }?;
        let lang = unsafe { opt_str_arg("lang", lang) }?.unwrap_or("zh");
        write_string(out, s.inner.summary(lang));
        Ok(())
    })
}

/// Frees a schedule. Accepts NULL.
#[no_mangle]
pub unsafe extern "C" fn dialtime_schedule_free(schedule: *mut dialtime_schedule) {
    unsafe { free_box(schedule) }
}

/// How many intervals; 0 for NULL.
#[no_mangle]
pub extern "C" fn dialtime_intervals_count(list: *const dialtime_intervals) -> usize {
    unsafe { list.as_ref() }.map_or(0, |l| l.list.len())
}

/// The start of interval `i` (Unix seconds); 0 when out of range.
#[no_mangle]
pub extern "C" fn dialtime_intervals_start(list: *const dialtime_intervals, i: usize) -> i64 {
    unsafe { list.as_ref() }
        .and_then(|l| l.list.get(i))
        .map_or(0, |w| w.start.as_second())
}

/// The end of interval `i` (Unix seconds, exclusive); 0 when out of range.
#[no_mangle]
pub extern "C" fn dialtime_intervals_end(list: *const dialtime_intervals, i: usize) -> i64 {
    unsafe { list.as_ref() }
        .and_then(|l| l.list.get(i))
        .map_or(0, |w| w.end.as_second())
}

/// Frees an interval list. Accepts NULL.
#[no_mangle]
pub unsafe extern "C" fn dialtime_intervals_free(list: *mut dialtime_intervals) {
    unsafe { free_box(list) }
}
