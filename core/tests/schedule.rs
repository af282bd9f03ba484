//! The schedule evaluator: the shared vectors (tests/vectors/schedule.json), property tests
//! tying the queries together across gap and fold dates, and hostile inputs.

use dialtime::schedule::{Calendar, DayStatus, Interval, MakeupPolicy, Schedule};
use dialtime::{DaySchedule, ErrorKind, TimeRange, Weekday};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/schedule.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ts(v: &Value) -> Timestamp {
    v.as_str().unwrap().parse().unwrap()
}

/// A case's content: `days_content` as the wire has it, or `content` (weekday numbers)
/// sharing `times`.
fn content(case: &Value) -> Vec<DaySchedule> {
    if let Some(days) = case.get("days_content") {
        return serde_json::from_value(days.clone()).unwrap();
    }
    let times: Vec<TimeRange> = case["times"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| TimeRange::parse(t[0].as_str().unwrap(), t[1].as_str().unwrap()).unwrap())
        .collect();
    case["content"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| DaySchedule::from_number(w.as_i64().unwrap(), times.clone()).unwrap())
        .collect()
}

fn schedule(case: &Value) -> Schedule {
    let mut b = Schedule::builder(&content(case), case["skip_holiday"].as_bool().unwrap())
        .zone(case["zone"].as_str().unwrap());
    if let Some(days) = case.get("days_content") {
        // The bindings build from JSON (`builder_from_json`): it reads a group as the
        // platform holds it, as the response decoder does, to the same windows.
        let json = serde_json::json!({"content": days, "skip_holiday": case["skip_holiday"]});
        let from_json = Schedule::builder_from_json(&json)
            .unwrap_or_else(|e| panic!("{}: {e}", case["name"]))
            .build()
            .unwrap();
        let decoded = Schedule::builder(&content(case), false).build().unwrap();
        assert_eq!(from_json.content(), decoded.content(), "{}", case["name"]);
    }
    if let Some(w) = case.get("makeup_as_weekday").and_then(Value::as_i64) {
        b = b.makeup(MakeupPolicy::AsWeekday(Weekday::from_number(w).unwrap()));
    }
    if case.get("assume_no_holidays").and_then(Value::as_bool) == Some(true) {
        b = b.assume_no_holidays(true);
    }
    b.build().unwrap()
}

fn expect_error<T: std::fmt::Debug>(got: dialtime::Result<T>, want: &Value, label: &str) {
    let err = got.expect_err(label);
    assert_eq!(
        err.kind().as_str(),
        want["error"].as_str().unwrap(),
        "{label}"
    );
    let year = want["year"].as_i64().unwrap();
    assert!(
        err.to_string().contains(&year.to_string()),
        "{label}: {err}"
    );
}

#[test]
fn the_shared_vectors() {
    let v = vectors();
    for case in v["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let s = schedule(case);
        for q in case["open"].as_array().unwrap_or(&Vec::new()) {
            let label = format!("{name}: open at {}", q["at"]);
            let got = s.is_open_at(ts(&q["at"]));
            if q.get("error").is_some() {
                expect_error(got, q, &label);
            } else {
                assert_eq!(got.unwrap(), q["open"].as_bool().unwrap(), "{label}");
            }
        }
        for q in case["next"].as_array().unwrap_or(&Vec::new()) {
            let label = format!("{name}: next after {}", q["at"]);
            let got = s.next_window(ts(&q["at"]));
            if q.get("error").is_some() {
                expect_error(got, q, &label);
                continue;
            }
            let want = match &q["window"] {
                Value::Null => None,
                w => Some(Interval {
                    start: ts(&w[0]),
                    end: ts(&w[1]),
                }),
            };
            assert_eq!(got.unwrap(), want, "{label}");
        }
        for q in case["windows"].as_array().unwrap_or(&Vec::new()) {
            let label = format!("{name}: windows {} – {}", q["from"], q["to"]);
            let (from, to) = (ts(&q["from"]), ts(&q["to"]));
            let want: Vec<Interval> = q["intervals"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| Interval {
                    start: ts(&w[0]),
                    end: ts(&w[1]),
                })
                .collect();
            assert_eq!(s.windows(from, to).unwrap(), want, "{label}");
            assert_eq!(
                s.open_duration(from, to).unwrap(),
                SignedDuration::from_secs(q["open_seconds"].as_i64().unwrap()),
                "{label}"
            );
        }
        for q in case["days"].as_array().unwrap_or(&Vec::new()) {
            let date: jiff::civil::Date = q["date"].as_str().unwrap().parse().unwrap();
            let day = s.day(date);
            let label = format!("{name}: day {date}");
            let (status, festival) = match &day.status {
                None => ("not_covered", None),
                Some(DayStatus::Normal) => ("normal", None),
                Some(DayStatus::Off { festival }) => ("off", Some(festival.to_string())),
                Some(DayStatus::MakeupWork { festival, .. }) => {
                    ("makeup_work", Some(festival.to_string()))
                }
                Some(other) => panic!("{label}: {other:?}"),
            };
            assert_eq!(status, q["status"].as_str().unwrap(), "{label}");
            assert_eq!(
                festival.as_deref(),
                q.get("festival").and_then(Value::as_str),
                "{label}"
            );
            let windows: Vec<(String, String)> = day
                .windows
                .iter()
                .map(|w| (w.begin_time.to_string(), w.end_time.to_string()))
                .collect();
            let want: Vec<(String, String)> = q["windows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| {
                    (
                        w[0].as_str().unwrap().to_owned(),
                        w[1].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            assert_eq!(windows, want, "{label}");
            if let Some(w) = q.get("windows_of").and_then(Value::as_i64) {
                assert_eq!(
                    day.windows_of.map(|d| i64::from(d.number())),
                    Some(w),
                    "{label}"
                );
            }
        }
        if let Some(summary) = case.get("summary") {
            assert_eq!(s.summary("zh"), summary["zh"].as_str().unwrap(), "{name}");
            assert_eq!(s.summary("en"), summary["en"].as_str().unwrap(), "{name}");
        }
    }
}

#[test]
fn a_group_gives_its_schedule_and_bad_zones_are_named() {
    let group = dialtime::NewDialTimeGroup::builder("x")
        .window(Weekday::Monday, "09:00", "10:00")
        .skip_holiday(true)
        .build()
        .unwrap();
    let s = group.schedule().build().unwrap();
    assert!(s.skip_holiday());
    assert_eq!(s.time_zone().iana_name(), Some("Asia/Shanghai"));
    let err = group.schedule().zone("Mars/Olympus").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.problems()[0].path, "zone");
    assert!(err.to_string().contains("Mars/Olympus"));

    let json = serde_json::json!({"id": 7, "content": [{"week": 1, "times": [{"begin_time": "09:00", "end_time": "10:00"}]}], "skip_holiday": false});
    let s = Schedule::builder_from_json(&json).unwrap().build().unwrap();
    assert!(s
        .is_open_at("2026-11-30T01:30:00Z".parse::<Timestamp>().unwrap())
        .unwrap());
    // Only what cannot be a window is refused: the shapes, the time formats, an empty one.
    let empty = serde_json::json!({"content": [{"week": 1, "times": [{"begin_time": "09:00", "end_time": "09:00"}]}], "skip_holiday": false});
    let err = Schedule::builder_from_json(&empty)
        .unwrap()
        .build()
        .unwrap_err();
    assert_eq!(err.problems()[0].path, "content[0].times[0]", "{err}");
    let bad = serde_json::json!({"content": [{"week": 1, "times": [{"begin_time": "9h", "end_time": 5}]}], "skip_holiday": false});
    let paths: Vec<String> = Schedule::builder_from_json(&bad)
        .unwrap_err()
        .problems()
        .iter()
        .map(|p| p.path.clone())
        .collect();
    assert_eq!(
        paths,
        [
            "content[0].times[0].begin_time",
            "content[0].times[0].end_time"
        ]
    );
    let bad = serde_json::json!({"content": [{"week": 9, "times": []}]});
    let err = Schedule::builder_from_json(&bad).unwrap_err();
    let paths: Vec<&str> = err.problems().iter().map(|p| p.path.as_str()).collect();
    assert!(
        paths.contains(&"content[0].week") && paths.contains(&"skip_holiday"),
        "{paths:?}"
    );
}

#[test]
fn a_loaded_year_replaces_the_built_in_one_and_days_override_dates() {
    let mut calendar = Calendar::china();
    // A made-up amendment of 2026: only New Year's Day off, 01-04 no longer a make-up day.
    calendar
        .load_holiday_cn(r#"{"year": 2026, "papers": [], "days": [{"name": "元旦", "date": "2026-01-01", "isOffDay": true}]}"#)
        .unwrap();
    assert_eq!(
        calendar.status("2026-01-04".parse().unwrap()),
        Some(DayStatus::Normal)
    );
    assert_eq!(
        calendar.status("2026-10-01".parse().unwrap()),
        Some(DayStatus::Normal)
    );
    // A bare days list overrides single dates, with asWeekday for a make-up day.
    calendar
        .load_holiday_cn(
            r#"[{"name": "调休", "date": "2026-10-10", "isOffDay": false, "asWeekday": "fri"}]"#,
        )
        .unwrap();
    let s = Schedule::builder(
        &[DaySchedule::new(
            Weekday::Friday,
            vec![TimeRange::parse("09:00", "18:00").unwrap()],
        )],
        true,
    )
    .calendar(calendar)
    .build()
    .unwrap();
    assert!(s
        .is_open_at("2026-10-10T02:00:00Z".parse::<Timestamp>().unwrap())
        .unwrap());

    let mut c = Calendar::empty();
    let err = c
        .load_holiday_cn(
            r#"{"year": 2027, "days": [{"name": "x", "date": "2027-13-01", "isOffDay": true}]}"#,
        )
        .unwrap_err();
    assert_eq!(err.problems()[0].path, "days[0].date");
    assert!(c.load_holiday_cn("not json").is_err());
    assert!(!c.covers(2027));
}

/// `to_holiday_cn` gives documents that rebuild the calendar exactly: the built-in one, and
/// one with a replaced year, a covered year without entries and overrides with `asWeekday`.
#[test]
fn a_calendar_rebuilt_from_its_holiday_cn_documents_is_equal() {
    let rebuilt = |c: &Calendar| {
        let mut copy = Calendar::empty();
        for doc in c.to_holiday_cn() {
            copy.load_holiday_cn(&doc).unwrap();
        }
        copy
    };
    let china = Calendar::china();
    assert_eq!(rebuilt(&china), china);
    assert_eq!(china.to_holiday_cn().len(), china.years().count());

    let mut c = Calendar::china();
    c.load_holiday_cn(r#"{"year": 2026, "papers": [], "days": [{"name": "元旦", "date": "2026-01-01", "isOffDay": true}]}"#)
        .unwrap();
    c.load_holiday_cn(r#"{"year": 2031, "papers": [], "days": []}"#)
        .unwrap();
    c.load_holiday_cn(
        r#"[{"name": "调休", "date": "2026-10-10", "isOffDay": false, "asWeekday": "fri"},
            {"name": "停电", "date": "2026-01-01", "isOffDay": true}]"#,
    )
    .unwrap();
    let copy = rebuilt(&c);
    assert_eq!(copy, c);
    assert_ne!(copy, china);
    assert!(copy.covers(2031));
    assert_eq!(
        copy.status("2026-10-10".parse().unwrap()),
        Some(DayStatus::MakeupWork {
            festival: "调休".into(),
            as_weekday: Some(Weekday::Friday)
        })
    );
    assert!(Calendar::empty().to_holiday_cn().is_empty());
}

/// A file of holiday-cn: read like the text; a missing file or one past the size limit is
/// refused naming it (`/dev/zero` was read until memory ran out).
#[test]
fn a_calendar_file_is_read_within_a_limit() {
    let dir = std::env::temp_dir().join(format!("dialtime-calendar-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let year = dir.join("2027.json");
    std::fs::write(
        &year,
        r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#,
    )
    .unwrap();
    let mut c = Calendar::empty();
    c.load_holiday_cn_file(&year).unwrap();
    assert!(c.covers(2027));

    let missing = dir.join("missing.json");
    let err = c.load_holiday_cn_file(&missing).unwrap_err();
    assert!(err.to_string().contains("cannot read"), "{err}");
    assert!(err.to_string().contains("missing.json"), "{err}");
    // A path of 100 KB is cut in the message, not repeated whole.
    let err = c
        .load_holiday_cn_file("x".repeat(100_000))
        .unwrap_err()
        .to_string();
    assert!(
        err.len() < 600 && err.contains("xxxx…"),
        "{} bytes",
        err.len()
    );

    let err = c.load_holiday_cn_file("/dev/zero").unwrap_err();
    assert!(err.to_string().contains("larger than 8 MiB"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A schedule of random windows in New York or Berlin, skipping nothing.
fn arb_schedule() -> impl Strategy<Value = Schedule> {
    let range = (0u16..1440, 1u16..=240).prop_map(|(a, len)| (a, (a + len).min(1440)));
    (
        proptest::collection::vec((0i64..7, proptest::collection::vec(range, 0..3)), 0..7),
        prop_oneof![
            Just("America/New_York"),
            Just("Europe/Berlin"),
            Just("Asia/Shanghai")
        ],
    )
        .prop_map(|(days, zone)| {
            let content: Vec<DaySchedule> = days
                .into_iter()
                .map(|(w, ranges)| {
                    let times = ranges
                        .into_iter()
                        .map(|(a, b)| TimeRange {
                            begin_time: dialtime::TimeOfDay::from_minutes(a).unwrap(),
                            end_time: dialtime::TimeOfDay::from_minutes(b).unwrap(),
                        })
                        .collect::<Vec<_>>();
                    DaySchedule::from_number(w, times).unwrap()
                })
                .collect();
            Schedule::builder(&content, false)
                .zone(zone)
                .build()
                .unwrap()
        })
}

/// Instants around the 2026 transitions of New York and Berlin (and anywhere in 2026).
fn arb_instant() -> impl Strategy<Value = Timestamp> {
    let around = |center: &str| {
        let c: Timestamp = center.parse().unwrap();
        (-3 * 86_400i64..3 * 86_400).prop_map(move |s| c + SignedDuration::from_secs(s))
    };
    prop_oneof![
        around("2026-03-08T07:00:00Z"),
        around("2026-11-01T06:00:00Z"),
        around("2026-03-29T01:00:00Z"),
        around("2026-10-25T01:00:00Z"),
        (1_767_225_600i64..1_798_761_600).prop_map(|s| Timestamp::from_second(s).unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn next_window_is_open_and_nothing_before_it_is(s in arb_schedule(), t in arb_instant()) {
        if let Some(w) = s.next_window(t).unwrap() {
            prop_assert!(w.end > t);
            prop_assert!(s.is_open_at(w.start.max(t)).unwrap());
            // Nothing between t and the start is open (checked at the window's edges and
            // a minute before it).
            if w.start > t {
                let before = w.start - SignedDuration::from_nanos(1);
                prop_assert!(!s.is_open_at(before).unwrap());
                prop_assert!(s.windows(t, w.start).unwrap().is_empty());
            }
            prop_assert!(!s.is_open_at(w.end).unwrap());
        }
    }

    /// What `content()` gives back builds a schedule that answers as the first one does (how
    /// the Python binding pickles a Schedule).
    #[test]
    fn a_schedule_rebuilt_from_its_content_answers_the_same(
        s in arb_schedule(), a in arb_instant(), len in 0i64..4 * 86_400,
    ) {
        let zone = s.time_zone().iana_name().unwrap().to_owned();
        let again = Schedule::builder(&s.content(), s.skip_holiday()).zone(zone).build().unwrap();
        prop_assert_eq!(again.content(), s.content());
        let b = a + SignedDuration::from_secs(len);
        prop_assert_eq!(again.windows(a, b).unwrap(), s.windows(a, b).unwrap());
        prop_assert_eq!(again.next_window(a).unwrap(), s.next_window(a).unwrap());
    }

    #[test]
    fn windows_add_up_to_open_duration_and_agree_with_is_open_at(
        s in arb_schedule(), a in arb_instant(), len in 0i64..4 * 86_400, probe in 0.0f64..1.0,
    ) {
        let b = a + SignedDuration::from_secs(len);
        let windows = s.windows(a, b).unwrap();
        let total = windows.iter().fold(SignedDuration::ZERO, |t, w| t + w.duration());
        prop_assert_eq!(total, s.open_duration(a, b).unwrap());
        for pair in windows.windows(2) {
            prop_assert!(pair[0].end < pair[1].start, "sorted and merged: {:?}", pair);
        }
        let p = a + SignedDuration::from_secs((len as f64 * probe) as i64);
        if p < b {
            let inside = windows.iter().any(|w| w.contains(p));
            prop_assert_eq!(inside, s.is_open_at(p).unwrap(), "at {}", p);
        }
    }
}

#[test]
fn a_whole_covered_year_ends_at_the_next_midnight_without_touching_it() {
    let s = Schedule::builder(
        &[DaySchedule::new(
            Weekday::Monday,
            vec![TimeRange::parse("09:00", "18:00").unwrap()],
        )],
        true,
    )
    .build()
    .unwrap();
    let from: Timestamp = "2026-01-01T00:00:00+08:00".parse().unwrap();
    let to: Timestamp = "2027-01-01T00:00:00+08:00".parse().unwrap();
    // 52 Mondays in 2026, five of them off: 02-16, 02-23 (春节), 04-06 (清明节),
    // 05-04 (劳动节), 10-05 (国庆节).
    assert_eq!(s.windows(from, to).unwrap().len(), 47);
    assert_eq!(
        s.windows(from, to + SignedDuration::from_secs(1))
            .unwrap_err()
            .kind(),
        ErrorKind::CalendarNotCovered
    );
}

#[test]
fn nothing_panics_at_the_limits() {
    let s = Schedule::builder(
        &[DaySchedule::new(
            Weekday::Monday,
            vec![TimeRange::parse("00:00", "24:00").unwrap()],
        )],
        false,
    )
    .zone("America/New_York")
    .build()
    .unwrap();
    for t in [Timestamp::MIN, Timestamp::MAX, Timestamp::UNIX_EPOCH] {
        let _ = s.is_open_at(t);
        let _ = s.next_window(t);
        let _ = s.windows(
            t.saturating_sub(SignedDuration::from_hours(100)).unwrap(),
            t,
        );
        let _ = s.windows(
            t,
            t.saturating_add(SignedDuration::from_hours(100)).unwrap(),
        );
    }
    // A range longer than ten years is refused, naming the limit (not a hang).
    let err = s.windows(Timestamp::MIN, Timestamp::MAX).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert!(err.to_string().contains("3660 days"), "{err}");
    assert_eq!(
        err.problems()[0].path,
        "$",
        "no binding's argument is called `to`"
    );
    let year: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    assert_eq!(
        s.windows(year, year + SignedDuration::from_hours(24 * 365))
            .unwrap()
            .len(),
        52
    );
    let _ = s.day(jiff::civil::Date::MIN);
    let _ = s.day(jiff::civil::Date::MAX);
    let skipping = Schedule::builder(&[], true).build().unwrap();
    assert_eq!(
        skipping.is_open_at(Timestamp::MAX).unwrap_err().kind(),
        ErrorKind::CalendarNotCovered
    );
    let empty = Schedule::builder(&[], false).build().unwrap();
    assert_eq!(empty.next_window(Timestamp::UNIX_EPOCH).unwrap(), None);
    assert_eq!(
        empty.summary("en"),
        "never dials; dials on public holidays too"
    );
}

/// Dates and instants from text: the one reader every binding and the command line use.
#[test]
fn dates_are_exactly_yyyy_mm_dd_and_instants_carry_an_offset_within_a_day() {
    use dialtime::schedule::{parse_date, parse_instant};
    assert_eq!(parse_date("2026-10-01").unwrap().to_string(), "2026-10-01");
    for bad in [
        "20261001",
        "+002026-10-01",
        "2026-10-01T10:00",
        "2026-10-01 ",
        "2026-1-01",
        "2026-02-30",
        "",
    ] {
        assert!(parse_date(bad).is_err(), "{bad:?} was read as a date");
    }
    assert_eq!(
        parse_instant("2026-10-01T10:00:00+08:00")
            .unwrap()
            .to_string(),
        "2026-10-01T02:00:00Z"
    );
    assert_eq!(
        parse_instant("2026-10-01T10:00:00+08:00[Asia/Shanghai]")
            .unwrap()
            .to_string(),
        "2026-10-01T02:00:00Z"
    );
    assert_eq!(
        parse_instant("2026-10-01T02:00:00Z").unwrap().to_string(),
        "2026-10-01T02:00:00Z"
    );
    // Z says nothing of the local offset: any zone may follow it.
    assert_eq!(
        parse_instant("2026-10-01T02:00:00Z[America/New_York]")
            .unwrap()
            .to_string(),
        "2026-10-01T02:00:00Z"
    );
    // An annotation contradicting the offset, or naming no zone, was silently ignored.
    let conflict = parse_instant("2026-10-01T10:00:00+08:00[America/New_York]").unwrap_err();
    assert!(conflict.contains("America/New_York"), "{conflict}");
    assert!(parse_instant("2026-10-01T10:00:00+08:00[Asia/Nowhere]").is_err());
    assert!(parse_instant("2026-10-01T10:00:00-23:59").is_ok());
    let far = parse_instant("2026-10-01T10:00:00+25:00").unwrap_err();
    assert!(far.contains("±23:59"), "{far}");
    assert!(parse_instant("2026-10-01T10:00:00+24:00").is_err());
    assert!(
        parse_instant("2026-10-01T10:00:00").is_err(),
        "a civil time was given an offset"
    );
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn saved(content: &str) -> dialtime::DialTimeGroup {
    serde_json::from_str(&format!(
        r#"{{"id":1,"name":"g","user_id":"u","content":{content},"is_default":false,"skip_holiday":false,"created_at":"2026-01-01 00:00:00","updated_at":"2026-01-01 00:00:00"}}"#
    ))
    .unwrap()
}

/// schedule.md T3: a window the server stored across midnight is read as its two parts (it was
/// dropped); an empty one is an error naming it (it was dropped too).
#[test]
fn a_saved_window_across_midnight_is_read_as_its_two_parts() {
    let group = saved(r#"[{"week":5,"times":[{"begin_time":"22:00","end_time":"02:00"}]}]"#);
    let s = group.schedule().build().unwrap();
    assert!(s.is_open_at(at("2026-12-04T23:00+08:00")).unwrap()); // Friday night
    assert!(s.is_open_at(at("2026-12-05T01:00+08:00")).unwrap()); // Saturday's part
    assert!(!s.is_open_at(at("2026-12-05T02:00+08:00")).unwrap());
    assert!(!s.is_open_at(at("2026-12-04T21:59+08:00")).unwrap());
    let to_midnight = saved(r#"[{"week":5,"times":[{"begin_time":"22:00","end_time":"00:00"}]}]"#);
    let s = to_midnight.schedule().build().unwrap();
    assert!(s.is_open_at(at("2026-12-04T23:59+08:00")).unwrap());
    assert!(!s.is_open_at(at("2026-12-05T00:00+08:00")).unwrap());

    let empty = saved(r#"[{"week":1,"times":[{"begin_time":"08:00","end_time":"08:00"}]}]"#);
    let err = empty.schedule().build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.problems()[0].path, "content[0].times[0]");
}

/// schedule.md Q2: `next_window` is unclipped: an interval open since Friday 18:00, asked on
/// Sunday, starts on Friday (it started on Saturday: only the day before was looked at), as
/// `windows` says.
#[test]
fn next_window_gives_the_whole_interval_however_long_it_has_been_open() {
    let content = [
        DaySchedule::new(
            Weekday::Friday,
            vec![TimeRange::parse("18:00", "24:00").unwrap()],
        ),
        DaySchedule::new(
            Weekday::Saturday,
            vec![TimeRange::parse("00:00", "24:00").unwrap()],
        ),
        DaySchedule::new(
            Weekday::Sunday,
            vec![TimeRange::parse("00:00", "24:00").unwrap()],
        ),
    ];
    let s = Schedule::builder(&content, false).build().unwrap();
    let found = s
        .next_window(at("2026-12-06T10:00+08:00"))
        .unwrap()
        .unwrap();
    assert_eq!(found.start, at("2026-12-04T18:00+08:00"));
    assert_eq!(found.end, at("2026-12-07T00:00+08:00"));
    let listed = s
        .windows(at("2026-12-04T00:00+08:00"), at("2026-12-08T00:00+08:00"))
        .unwrap();
    assert_eq!(listed, [found]);
    // Open every minute: the start is as far back as the search looks, never a panic.
    let always: Vec<DaySchedule> = Weekday::ALL
        .into_iter()
        .map(|w| DaySchedule::new(w, vec![TimeRange::parse("00:00", "24:00").unwrap()]))
        .collect();
    let s = Schedule::builder(&always, false).build().unwrap();
    let found = s
        .next_window(at("2026-12-06T10:00+08:00"))
        .unwrap()
        .unwrap();
    assert!(found.start < at("2025-12-06T10:00+08:00"), "{found:?}");
}

/// schedule.md §5.1: holiday-cn lists 2020-02-03 (a Monday) as a working day, "a no-op on a
/// weekday": Monday's windows, whatever the make-up policy (it took Friday's).
#[test]
fn a_work_entry_on_a_weekday_keeps_that_weekdays_windows() {
    let mut calendar = Calendar::china();
    calendar
        .load_holiday_cn(r#"[{"name": "延长春节", "date": "2020-02-03", "isOffDay": false}]"#)
        .unwrap();
    let content = [
        DaySchedule::new(
            Weekday::Monday,
            vec![TimeRange::parse("09:00", "18:00").unwrap()],
        ),
        DaySchedule::new(
            Weekday::Friday,
            vec![TimeRange::parse("13:00", "17:00").unwrap()],
        ),
    ];
    let s = Schedule::builder(&content, true)
        .calendar(calendar)
        .makeup(MakeupPolicy::AsWeekday(Weekday::Friday))
        .build()
        .unwrap();
    assert!(s.is_open_at(at("2020-02-03T10:00+08:00")).unwrap());
    // A make-up Sunday still takes the policy's weekday (2020-01-19, before the Spring Festival).
    assert!(s.is_open_at(at("2020-01-19T14:00+08:00")).unwrap());
    assert!(!s.is_open_at(at("2020-01-19T10:00+08:00")).unwrap());
}

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn window(w: Weekday, a: u16, b: u16) -> DaySchedule {
    DaySchedule::new(
        w,
        vec![TimeRange::new(
            dialtime::TimeOfDay::from_minutes(a).unwrap(),
            dialtime::TimeOfDay::from_minutes(b).unwrap(),
        )],
    )
}

/// A date the zone skipped (Apia jumped from 2011-12-29 to 12-31) does not end an interval:
/// Thursday 20:00–24:00 (UTC−10) and Saturday 00:00–02:00 (UTC+14) touch across it (T4).
/// `next_window` took the missing date's start as "never" and cut the interval at 10:00Z.
#[test]
fn an_interval_runs_across_a_date_the_zone_skipped() {
    let mut calendar = Calendar::empty();
    calendar
        .load_holiday_cn(
            r#"{"year": 2011, "days": [{"name": "x", "date": "2011-12-22", "isOffDay": true},
                                      {"name": "x", "date": "2011-12-24", "isOffDay": true}]}"#,
        )
        .unwrap();
    let s = Schedule::builder(
        &[
            window(Weekday::Thursday, 1200, 1440),
            window(Weekday::Saturday, 0, 120),
        ],
        true,
    )
    .zone("Pacific/Apia")
    .calendar(calendar)
    .build()
    .unwrap();
    let whole = Interval {
        start: t("2011-12-30T06:00:00Z"),
        end: t("2011-12-30T12:00:00Z"),
    };
    for asked in [
        "2011-12-22T20:00:00Z",
        "2011-12-23T20:00:00Z",
        "2011-12-30T07:00:00Z",
    ] {
        assert_eq!(s.next_window(t(asked)).unwrap(), Some(whole), "{asked}");
    }
    assert_eq!(
        s.windows(t("2011-12-29T00:00:00Z"), t("2011-12-31T00:00:00Z"))
            .unwrap(),
        vec![whole]
    );
}

/// At the ends of jiff's range a window is clipped to what exists, as `is_open_at` sees it:
/// `next_window` said "none" while the instant asked about was open.
#[test]
fn windows_at_the_ends_of_time_are_clipped_not_dropped() {
    let every_day: Vec<DaySchedule> = Weekday::ALL.iter().map(|&w| window(w, 0, 1440)).collect();
    for (zone, at) in [
        ("Etc/GMT+12", Timestamp::MAX - SignedDuration::from_hours(1)),
        ("UTC", Timestamp::MIN + SignedDuration::from_hours(1)),
        ("Etc/GMT-14", Timestamp::MIN + SignedDuration::from_hours(1)),
    ] {
        let s = Schedule::builder(&every_day, false)
            .zone(zone)
            .build()
            .unwrap();
        assert!(s.is_open_at(at).unwrap(), "{zone} {at}");
        let w = s.next_window(at).unwrap().expect(zone);
        assert!(w.start <= at && at < w.end, "{zone}: {w:?} for {at}");
        assert_eq!(s.next_allowed_instant(at).unwrap(), Some(at));
        let open = s.windows(
            at,
            at + SignedDuration::from_secs(60).min(Timestamp::MAX.duration_since(at)),
        );
        assert!(!open.unwrap().is_empty(), "{zone}");
    }
}

/// A window the server saved starting at `24:00` is the next day's part only (T3): it left
/// an empty `24:00–24:00` window on its own day. `24:00–00:00` and `24:00–24:00` are empty,
/// and refused.
#[test]
fn a_saved_window_from_24_00_belongs_to_the_next_day() {
    let s = Schedule::builder(&[window(Weekday::Friday, 1440, 120)], false)
        .build()
        .unwrap();
    assert_eq!(s.content(), vec![window(Weekday::Saturday, 0, 120)]);
    assert!(s.day("2026-12-04".parse().unwrap()).windows.is_empty());
    assert_eq!(
        s.summary("en"),
        "Sat 00:00–02:00; dials on public holidays too"
    );
    let err = Schedule::builder(&[window(Weekday::Friday, 1440, 0)], false)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.problems()[0].path, "content[0].times[0]");
    assert!(err.to_string().contains("24:00–00:00"), "{err}");
    // `24:00–24:00` is empty too (it opened the whole next day).
    let err = Schedule::builder(&[window(Weekday::Friday, 1440, 1440)], false)
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("begin_time equals end_time"),
        "{err}"
    );
}

/// `next_window` looks 370 days ahead (Q2), not 371: a Monday 370 days after the date asked
/// about is found, one 371 days after is not.
#[test]
fn the_search_looks_370_days_ahead() {
    let mut off = Vec::new();
    let mut d: jiff::civil::Date = "2030-01-07".parse().unwrap();
    while d < "2031-01-06".parse().unwrap() {
        off.push(format!(
            r#"{{"name": "x", "date": "{d}", "isOffDay": true}}"#
        ));
        d = d.checked_add(jiff::Span::new().days(7)).unwrap();
    }
    let mut calendar = Calendar::empty();
    for year in [2029, 2031] {
        calendar
            .load_holiday_cn(&format!(r#"{{"year": {year}, "days": []}}"#))
            .unwrap();
    }
    calendar
        .load_holiday_cn(&format!(r#"{{"year": 2030, "days": [{}]}}"#, off.join(",")))
        .unwrap();
    let s = Schedule::builder(&[window(Weekday::Monday, 540, 600)], true)
        .calendar(calendar)
        .build()
        .unwrap();
    // Monday 2029-12-31 after its window: the next open Monday, 2031-01-06, is 371 days on.
    assert_eq!(s.next_window(t("2029-12-31T04:00:00Z")).unwrap(), None);
    // Tuesday 2030-01-01: 370 days on.
    assert_eq!(
        s.next_window(t("2030-01-01T04:00:00Z")).unwrap(),
        Some(Interval {
            start: t("2031-01-06T01:00:00Z"),
            end: t("2031-01-06T02:00:00Z"),
        })
    );
}

/// The summary says what changes when the schedule dials: the make-up rule (with
/// skip_holiday) and a zone other than Asia/Shanghai (its times are not Beijing's).
#[test]
fn the_summary_names_the_make_up_rule_and_a_foreign_zone() {
    let content = [window(Weekday::Monday, 540, 1080)];
    let s = Schedule::builder(&content, true)
        .makeup(MakeupPolicy::AsWeekday(Weekday::Monday))
        .zone("America/New_York")
        .build()
        .unwrap();
    assert_eq!(
        s.summary("en"),
        "Mon 09:00–18:00; skips public holidays; make-up workdays use Mon's times; America/New_York time"
    );
    assert_eq!(
        s.summary("zh"),
        "周一 09:00–18:00；法定节假日不拨打；调休上班日按周一时间拨打；America/New_York 时间"
    );
    // Neither is said where it changes nothing: holidays not skipped, the platform's zone.
    let plain = Schedule::builder(&content, false)
        .makeup(MakeupPolicy::AsWeekday(Weekday::Monday))
        .zone("Asia/Shanghai")
        .build()
        .unwrap();
    assert_eq!(
        plain.summary("en"),
        "Mon 09:00–18:00; dials on public holidays too"
    );
}

#[test]
fn zone_names_that_are_not_iana_zones_are_refused() {
    // `localtime` is the host's own zone (a schedule would answer differently on every
    // machine); `Etc/Unknown` is jiff's UTC by another name.
    for zone in [
        "localtime",
        "posixrules",
        "Factory",
        "Etc/Unknown",
        "LOCALTIME",
    ] {
        let err = dialtime::schedule::Schedule::builder_from_json(
            &serde_json::json!({"content": [], "skip_holiday": false}),
        )
        .unwrap()
        .zone(zone)
        .build()
        .unwrap_err();
        assert!(
            matches!(&err, dialtime::Error::Validation(p) if p[0].path == "zone"),
            "{zone}: {err}"
        );
    }
}

#[test]
fn a_huge_date_or_instant_is_quoted_cut_short() {
    use dialtime::schedule::{parse_date, parse_instant};
    let big = "9".repeat(1_000_000);
    for e in [
        parse_date(&big).unwrap_err(),
        parse_instant(&big).unwrap_err(),
    ] {
        assert!(e.len() < 400, "{} bytes", e.len());
        assert!(e.starts_with("\"9999"), "{e}");
    }
    let e = parse_date("2026-02-30").unwrap_err();
    assert!(e.starts_with("\"2026-02-30\": "), "{e}");
}

#[test]
fn windows_refuses_a_range_that_could_hold_too_many() {
    use dialtime::schedule::{Schedule, MAX_WINDOWS};
    // 720 one-minute windows a day (the platform's rules allow them): ten years made 2.6
    // million intervals.
    let times: Vec<_> = (0..720)
        .map(|i| serde_json::json!({"begin_time": format!("{:02}:{:02}", i * 2 / 60, i * 2 % 60), "end_time": format!("{:02}:{:02}", (i * 2 + 1) / 60, (i * 2 + 1) % 60)}))
        .collect();
    let content: Vec<_> = (0..7)
        .map(|w| serde_json::json!({"week": w, "times": times}))
        .collect();
    let s = Schedule::builder_from_json(
        &serde_json::json!({"content": content, "skip_holiday": false}),
    )
    .unwrap()
    .build()
    .unwrap();
    let from: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let err = s
        .windows(from, from + jiff::SignedDuration::from_hours(24 * 3000))
        .unwrap_err();
    assert!(
        matches!(&err, dialtime::Error::Validation(p) if p[0].path == "$" && p[0].message.contains("100000")),
        "{err}"
    );
    // What fits is answered: 100 days of them.
    let got = s
        .windows(from, from + jiff::SignedDuration::from_hours(24 * 100))
        .unwrap();
    assert_eq!(got.len(), 720 * 100);
    assert!(got.len() <= MAX_WINDOWS);
}

#[test]
fn a_million_empty_windows_make_a_bounded_error() {
    // Each was a problem: 1,000,000 of them made an 84 MB message in 7 s.
    let times: Vec<_> = (0..1000)
        .map(|_| serde_json::json!({"begin_time": "09:00", "end_time": "09:00"}))
        .collect();
    let content: Vec<_> = (0..1000)
        .map(|i| serde_json::json!({"week": i % 7, "times": times}))
        .collect();
    let err = dialtime::schedule::Schedule::builder_from_json(
        &serde_json::json!({"content": content, "skip_holiday": false}),
    )
    .and_then(|b| b.build())
    .unwrap_err();
    let dialtime::Error::Validation(p) = &err else {
        panic!("{err}")
    };
    assert_eq!(p.len(), dialtime::error::MAX_PROBLEMS + 1);
    assert!(
        p[dialtime::error::MAX_PROBLEMS]
            .message
            .contains("999900 more"),
        "{}",
        p[dialtime::error::MAX_PROBLEMS].message
    );
}

#[test]
fn the_last_date_keeps_its_windows() {
    // 9999-12-31 has no next date: its 24:00 had no instant and the window was dropped, while
    // is_open_at said open.
    let content: Vec<_> = (0..7)
        .map(|w| serde_json::json!({"week": w, "times": [{"begin_time": "00:00", "end_time": "24:00"}]}))
        .collect();
    let s = dialtime::schedule::Schedule::builder_from_json(
        &serde_json::json!({"content": content, "skip_holiday": false}),
    )
    .unwrap()
    .zone("Pacific/Kiritimati")
    .build()
    .unwrap();
    let t: jiff::Timestamp = "9999-12-30T15:00:00Z".parse().unwrap();
    assert!(s.is_open_at(t).unwrap());
    let windows = s.windows(t, jiff::Timestamp::MAX).unwrap();
    assert_eq!(windows.len(), 1, "{windows:?}");
    assert_eq!(
        (windows[0].start, windows[0].end),
        (t, jiff::Timestamp::MAX)
    );
    assert!(s.open_duration(t, jiff::Timestamp::MAX).unwrap() > jiff::SignedDuration::ZERO);
    assert!(!s.day(jiff::civil::date(9999, 12, 31)).intervals.is_empty());
    assert!(s.next_window(t).unwrap().is_some());
}
