//! The fuzz harnesses: each takes arbitrary bytes, feeds them to one entry point that reads
//! outside data, and checks the properties that must hold whatever the input (no panic is
//! checked by libFuzzer itself).

use dialtime::__private::{decode, excerpt, parse_retry_after, RawResponse};
use dialtime::{DialTimeGroup, ErrorKind};

/// The C ABI, compiled from its sources into the fuzzer (so it is instrumented too).
#[path = "../../bindings-c/src/lib.rs"]
#[allow(dead_code, unused_imports, unreachable_pub)]
pub mod c_abi;

const SECRET: &str = "fuzz-secret-token";

/// `[status hi, status lo, retry-after bytes…, 0xFF, body…]`: the response decoder on every
/// status, header and body.
pub fn response(data: &[u8]) {
    let (status, rest) = match data {
        [hi, lo, rest @ ..] => (u16::from_be_bytes([*hi, *lo]) % 1000, rest),
        _ => return,
    };
    let (header, body) = match rest.iter().position(|b| *b == 0xFF) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&[][..], rest),
    };
    let retry_after = parse_retry_after(&String::from_utf8_lossy(header));
    let raw = RawResponse {
        status,
        retry_after,
        headers: Default::default(),
        body: bytes::Bytes::copy_from_slice(body),
    };
    for outcome in [
        decode::<DialTimeGroup>(&raw, "a group", SECRET).map(drop),
        decode::<Vec<DialTimeGroup>>(&raw, "groups", SECRET).map(drop),
        decode::<serde::de::IgnoredAny>(&raw, "anything", SECRET).map(drop),
    ] {
        if let Err(e) = outcome {
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains(SECRET), "the secret leaked: {shown}");
            if (200..300).contains(&status) && e.kind() == ErrorKind::Validation {
                panic!("a response is never a validation error: {e}");
            }
        }
    }
    assert!(excerpt(body, SECRET).len() <= dialtime::__private::BODY_EXCERPT_BYTES + 3);
}

/// JSON text as a caller writes a create or update payload: all problems, never a panic.
pub fn payload(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for result in [
        dialtime::validate::new_group_from_json_str(text).map(drop),
        dialtime::validate::update_from_json_str(text).map(drop),
    ] {
        if let Err(e) = result {
            assert_eq!(e.kind(), ErrorKind::Validation);
            assert!(!e.problems().is_empty());
            assert!(e.problems().len() <= dialtime::error::MAX_PROBLEMS + 1);
        }
    }
    // The text entry points (which read a well-formed payload without a `Value` tree) agree
    // with the reading of the same JSON as a `Value`: same payload, or same problems.
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        let problems = |e: dialtime::Error| e.problems().to_vec();
        assert_eq!(
            dialtime::validate::new_group_from_json_str(text).map_err(problems),
            dialtime::validate::new_group_from_json(&value).map_err(problems)
        );
        assert_eq!(
            dialtime::validate::update_from_json_str(text).map_err(problems),
            dialtime::validate::update_from_json(&value).map_err(problems)
        );
    }
    // Accepted groups write canonical JSON that reads back to the same group.
    if let Ok(group) = dialtime::validate::new_group_from_json_str(text) {
        let wire = serde_json::to_string(&group).expect("a group always encodes");
        let again =
            dialtime::validate::new_group_from_json_str(&wire).expect("canonical JSON reads back");
        assert_eq!(again.content, group.content);
    }
}

/// `[zone choice, flags, instant text, 0xFF, content JSON, 0xFF, holiday-cn JSON]`: the
/// schedule reader and every query on what reads, the text readers of instants and dates,
/// and the holiday-cn loader. Properties: the queries agree with each other (an instant is
/// open exactly when the next window holds it), windows are sorted and clipped to the range.
pub fn schedule(data: &[u8]) {
    use dialtime::schedule::{parse_date, parse_instant, Calendar, Schedule};
    const ZONES: [&str; 8] = [
        "Asia/Shanghai",
        "America/New_York",
        "Australia/Lord_Howe",
        "Pacific/Chatham",
        "Europe/London",
        "Pacific/Apia",
        "UTC",
        "Nowhere/Zone",
    ];
    let (zone, flags, rest) = match data {
        [z, f, rest @ ..] => (ZONES[usize::from(*z) % ZONES.len()], *f, rest),
        _ => return,
    };
    let mut parts = rest.splitn(3, |b| *b == 0xFF);
    let instant = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let content = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let holidays = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let _ = parse_date(&instant);
    let at = parse_instant(&instant).unwrap_or_else(|_| "2026-09-30T23:30:00Z".parse().unwrap());
    let mut calendar = Calendar::china();
    if !holidays.is_empty() {
        let _ = calendar.load_holiday_cn(&holidays);
    }
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&content) else {
        return;
    };
    let Ok(builder) = Schedule::builder_from_json(&json) else {
        return;
    };
    let Ok(schedule) = builder
        .zone(zone)
        .calendar(calendar)
        .assume_no_holidays(flags & 1 == 1)
        .build()
    else {
        return;
    };
    let _ = schedule.summary(if flags & 2 == 2 { "zh" } else { "en" });
    let _ = schedule.day(schedule.zoned(at).date());
    let open = schedule.is_open_at(at);
    let next = schedule.next_window(at);
    // At the last instants jiff holds, a window's end is clamped to them (nothing ends after).
    let representable = jiff::Timestamp::MAX
        .checked_sub(jiff::SignedDuration::from_hours(72))
        .is_ok_and(|edge| at < edge);
    if let (true, Ok(open), Ok(next)) = (representable, &open, &next) {
        let held = next.as_ref().is_some_and(|w| w.start <= at && at < w.end);
        assert_eq!(
            *open, held,
            "is_open_at and next_window disagree at {at}: {next:?}"
        );
    }
    let to = at
        .checked_add(jiff::SignedDuration::from_hours(24 * i64::from(flags >> 2)))
        .unwrap_or(at);
    if let Ok(windows) = schedule.windows(at, to) {
        for pair in windows.windows(2) {
            assert!(
                pair[0].end < pair[1].start,
                "windows overlap or touch: {pair:?}"
            );
        }
        for w in &windows {
            assert!(
                at <= w.start && w.start < w.end && w.end <= to,
                "{w:?} outside [{at}, {to})"
            );
        }
    }
}

/// The Retry-After parser on any text.
pub fn retry_after(data: &[u8]) {
    if let Some(d) = parse_retry_after(&String::from_utf8_lossy(data)) {
        assert!(d <= dialtime::__private::RETRY_AFTER_MAX);
    }
}

/// The C JSON entry points: a C string of arbitrary bytes (cut at the first NUL).
pub fn c_json(data: &[u8]) {
    use std::ffi::CString;
    let end = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let Ok(text) = CString::new(&data[..end]) else {
        return;
    };
    // SAFETY: a valid NUL-terminated string; every handle made here is freed here.
    unsafe {
        let mut err = std::ptr::null_mut();
        c_abi::dialtime_validate_json(text.as_ptr(), &mut err);
        c_abi::dialtime_error_free(err);

        let mut group = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        if c_abi::dialtime_new_group_from_json(text.as_ptr(), &mut group, &mut err)
            == c_abi::dialtime_status::Ok
        {
            let mut verr = std::ptr::null_mut();
            let status = c_abi::dialtime_new_group_validate(group, &mut verr);
            assert_eq!(
                status,
                c_abi::dialtime_status::Ok,
                "a group read from JSON is valid"
            );
            c_abi::dialtime_error_free(verr);
        } else {
            let n = c_abi::dialtime_error_problem_count(err);
            for i in 0..=n {
                let _ = c_abi::dialtime_error_problem_path(err, i);
            }
        }
        c_abi::dialtime_new_group_free(group);
        c_abi::dialtime_error_free(err);
    }
}
