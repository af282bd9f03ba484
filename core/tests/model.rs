//! The typed model: times, weekdays, the builder, and the wording of problems.

use dialtime::{ErrorKind, NewDialTimeGroup, TimeOfDay, TimeParseError, TimeRange, Weekday};

#[test]
fn times_parse_padded_or_not_and_print_padded() {
    for (input, minutes) in [
        ("0:00", 0),
        ("9:05", 545),
        ("09:05", 545),
        ("23:59", 1439),
        ("24:00", 1440),
    ] {
        let t = TimeOfDay::parse(input).unwrap();
        assert_eq!(t.minutes(), minutes, "{input}");
        assert_eq!(t.to_string().len(), 5, "{input}");
        assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{t}\""));
    }
    for bad in [
        "", "9", "900", "9:0", "09:000", "-1:00", " 9:00", "9:00 ", "a9:00", "09-00", "１:00",
    ] {
        assert_eq!(
            TimeOfDay::parse(bad),
            Err(TimeParseError::Format),
            "{bad:?}"
        );
    }
    for bad in ["24:01", "25:00", "99:99", "12:60"] {
        assert_eq!(TimeOfDay::parse(bad), Err(TimeParseError::Range), "{bad:?}");
    }
    // Whole-minute seconds (a time-of-day type's form, a database TIME) are read as HH:MM;
    // other seconds are not minute precision.
    assert_eq!(TimeOfDay::parse("08:30:00").unwrap().to_string(), "08:30");
    assert_eq!(TimeOfDay::parse("8:30:00").unwrap().to_string(), "08:30");
    assert_eq!(TimeOfDay::parse("08:30:15"), Err(TimeParseError::Format));
    // jiff's civil time: whole minutes convert, 24:00 has no civil time.
    let t = jiff::civil::time(9, 5, 0, 0);
    assert_eq!(TimeOfDay::try_from(t).unwrap().to_string(), "09:05");
    assert!(TimeOfDay::try_from(jiff::civil::time(9, 5, 1, 0)).is_err());
    assert_eq!(TimeOfDay::parse("09:05").unwrap().to_civil(), Some(t));
    assert_eq!(TimeOfDay::END_OF_DAY.to_civil(), None);
    assert_eq!(TimeOfDay::new(24, 1), None);
    assert_eq!(TimeOfDay::from_minutes(1441), None);
}

#[test]
fn weekdays_round_trip_the_platforms_numbers() {
    for (n, day) in Weekday::ALL.iter().enumerate() {
        assert_eq!(usize::from(day.number()), n);
        assert_eq!(serde_json::to_string(day).unwrap(), n.to_string());
        assert_eq!(
            serde_json::from_str::<Weekday>(&n.to_string()).unwrap(),
            *day
        );
        assert_eq!(Weekday::from(jiff::civil::Weekday::from(*day)), *day);
    }
    assert_eq!(Weekday::from(jiff::civil::Weekday::Sunday), Weekday::Sunday);
    assert_eq!(Weekday::from_number(7), None);
    assert_eq!(Weekday::from_number(-1), None);
    assert_eq!(
        serde_json::from_str::<Weekday>("\"3\"").unwrap(),
        Weekday::Wednesday
    );
    assert!(serde_json::from_str::<Weekday>("7").is_err());
}

#[test]
fn builder_groups_windows_by_day_in_first_mention_order() {
    let g = NewDialTimeGroup::builder("g")
        .window(Weekday::Wednesday, "13:00", "18:00")
        .windows([Weekday::Monday, Weekday::Wednesday], "9:00", "12:00")
        .is_default(true)
        .sub_user_id("dc53e7e7-3a68-40ae-adfe-63fc00e401d3")
        .build()
        .unwrap();
    assert_eq!(
        g.content.iter().map(|d| d.week).collect::<Vec<_>>(),
        [Weekday::Wednesday, Weekday::Monday]
    );
    assert_eq!(g.content[0].times.len(), 2);
    assert!(g.is_default && !g.skip_holiday);
    let wire = serde_json::to_value(&g).unwrap();
    assert_eq!(wire["content"][0]["times"][1]["begin_time"], "09:00");
    assert_eq!(wire["sub_user_id"], "dc53e7e7-3a68-40ae-adfe-63fc00e401d3");
}

#[test]
fn a_builder_from_a_checked_group_adds_to_it_and_checks_the_whole() {
    use dialtime::{DialTimeGroupUpdate, DialTimeGroupUpdateBuilder, NewDialTimeGroupBuilder};
    let group = NewDialTimeGroup::builder("g")
        .window(Weekday::Monday, "8:00", "12:00")
        .window(Weekday::Friday, "13:00", "24:00")
        .skip_holiday(true)
        .build()
        .unwrap();
    // As it was: the same group.
    assert_eq!(
        NewDialTimeGroupBuilder::from(group.clone())
            .build()
            .unwrap(),
        group
    );
    // Added to: a range on one of its days goes after that day's ranges, a new day last.
    let more = NewDialTimeGroupBuilder::from(group.clone())
        .window(Weekday::Monday, "14:00", "15:00")
        .window(Weekday::Sunday, "09:00", "10:00")
        .build()
        .unwrap();
    let times = |g: &NewDialTimeGroup| {
        g.content
            .iter()
            .map(|d| {
                let ranges = d
                    .times
                    .iter()
                    .map(|t| format!("{}–{}", t.begin_time, t.end_time));
                (d.week.number(), ranges.collect())
            })
            .collect::<Vec<(u8, Vec<String>)>>()
    };
    let s = |v: &[&str]| v.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        times(&more),
        [
            (1, s(&["08:00–12:00", "14:00–15:00"])),
            (5, s(&["13:00–24:00"])),
            (0, s(&["09:00–10:00"]))
        ]
    );
    // A range overlapping one of the group's: the overlap is reported with its paths in the
    // whole group (the later-starting range, the group's own).
    let err = NewDialTimeGroupBuilder::from(group)
        .window(Weekday::Friday, "12:00", "14:00")
        .build()
        .unwrap_err();
    let paths: Vec<_> = err.problems().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["content[1].times[0]"]);
    assert!(err.problems()[0]
        .message
        .contains("content[1].times[1] 12:00–14:00"));
    // An update's builder the same.
    let update = DialTimeGroupUpdate::builder("u")
        .window(Weekday::Tuesday, "10:00", "11:00")
        .build()
        .unwrap();
    assert_eq!(
        DialTimeGroupUpdateBuilder::from(update.clone())
            .build()
            .unwrap(),
        update
    );
}

#[test]
fn builder_reports_every_problem_with_the_path_it_would_have() {
    let err = NewDialTimeGroup::builder("")
        .window(Weekday::Monday, "08:00", "12:00")
        .window(Weekday::Friday, "25:00", "12:00")
        .window(Weekday::Monday, "11:00", "13:00")
        .window(Weekday::Friday, "18:00", "17:00")
        .sub_user_id("nope")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    let paths: Vec<_> = err.problems().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "name",
            "content[0].times[1]",
            "content[1].times[0].begin_time",
            "content[1].times[1].end_time",
            "sub_user_id"
        ]
    );
}

#[test]
fn messages_name_the_rule_and_the_offending_value() {
    let err = NewDialTimeGroup::builder("长".repeat(300))
        .window(Weekday::Monday, "8am", "24:30")
        .window(Weekday::Tuesday, "22:00", "02:00")
        .window(Weekday::Thursday, "09:00", "12:00")
        .window(Weekday::Thursday, "10:00", "11:00")
        .build()
        .unwrap_err();
    let text: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
    let expect = [
        ("name: must be at most 255 characters", "got 300"),
        (
            "content[0].times[0].begin_time: must be a time H:MM or HH:MM",
            "\"8am\"",
        ),
        (
            "content[0].times[0].end_time: must be between 00:01 and 24:00",
            "\"24:30\"",
        ),
        (
            "content[1].times[0].end_time: must be later than begin_time 22:00",
            "split it over two days",
        ),
        (
            "content[2].times[1]: must not overlap",
            "content[2].times[0] 09:00–12:00",
        ),
    ];
    assert_eq!(text.len(), expect.len(), "{text:#?}");
    for (t, (start, detail)) in text.iter().zip(expect) {
        assert!(t.starts_with(start) && t.contains(detail), "{t}");
    }
    assert!(err
        .to_string()
        .starts_with("invalid request (5 problems): name: "));
}

#[test]
fn time_range_parse_names_the_field() {
    let err = TimeRange::parse("9:00", "x").unwrap_err();
    assert_eq!(err.problems()[0].path, "end_time");
    assert_eq!(
        TimeRange::parse("9:00", "10:00")
            .unwrap()
            .begin_time
            .to_string(),
        "09:00"
    );
}

#[test]
fn json_text_that_is_not_json_is_a_problem_at_the_root() {
    let err = dialtime::validate::new_group_from_json_str("{\"name\": ").unwrap_err();
    assert_eq!(err.problems()[0].path, "$");
    assert!(err.problems()[0].message.starts_with("must be valid JSON"));
}

#[test]
fn a_day_from_a_raw_week_number_names_the_field() {
    let day = dialtime::DaySchedule::from_number(6, vec![]).unwrap();
    assert_eq!(day.week, Weekday::Saturday);
    for bad in [-1, 7, i64::MAX] {
        let err = dialtime::DaySchedule::from_number(bad, vec![]).unwrap_err();
        assert_eq!(err.problems()[0].path, "week");
        assert!(err.problems()[0].message.contains(&bad.to_string()));
    }
}

#[test]
fn binding_timeouts_must_be_positive_and_finite() {
    use dialtime::__private::{timeout_from_millis, timeout_from_secs};
    use std::time::Duration;
    assert_eq!(
        timeout_from_secs("timeout", 1.5).unwrap(),
        Duration::from_millis(1500)
    );
    assert_eq!(
        timeout_from_millis("timeoutMs", 250.0).unwrap(),
        Duration::from_millis(250)
    );
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e30] {
        let err = timeout_from_secs("connect_timeout", bad).unwrap_err();
        assert_eq!(err.kind(), dialtime::ErrorKind::Config);
        assert!(err.to_string().contains("connect_timeout"), "{err}");
    }
}

/// Windows on 200,000 different (invalid) day numbers, as a C caller can add them one by one:
/// every day is reported once, in the order first mentioned, and a day mentioned again keeps
/// its place (the grouping searched every day so far for each window: minutes here).
#[test]
fn windows_on_many_day_numbers_are_grouped_once_each() {
    let mut b = NewDialTimeGroup::builder("many days");
    for i in 0..200_000i64 {
        b = b.window_number(1000 + i, "09:00", "10:00");
    }
    b = b.window_number(1000, "11:00", "12:00");
    let err = b.build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    // A problem per day (the first 100 listed, the rest counted): the repeated day has none
    // of its own.
    let problems = err.problems();
    assert_eq!(problems[0].path, "content[0].week");
    assert_eq!(problems[99].path, "content[99].week");
    let rest = problems.last().unwrap();
    assert_eq!(rest.path, "$");
    assert!(
        rest.message.starts_with("and 199900 more problems"),
        "{}",
        rest.message
    );
    // Weekdays and other numbers mixed: each day once, in the order first mentioned.
    let err = NewDialTimeGroup::builder("mixed")
        .window_number(3, "09:00", "10:00")
        .window_number(-1, "09:00", "10:00")
        .window_number(7, "09:00", "10:00")
        .window_number(3, "09:30", "11:00")
        .window_number(-1, "10:00", "11:00")
        .window_number(0, "09:00", "10:00")
        .build()
        .unwrap_err();
    let paths: Vec<_> = err.problems().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        ["content[0].times[1]", "content[1].week", "content[2].week"]
    );
}

/// A weekday given by number as a binding's argument (`makeupAs`, `makeup_as`,
/// `makeup_as_weekday`) follows the payload's `week` rule and wording, at the argument's name.
#[test]
fn weekday_numbers_of_arguments_follow_the_week_rule() {
    use dialtime::__private::weekday_number;
    for n in 0..=6 {
        assert_eq!(weekday_number("makeupAs", n).unwrap().number() as i64, n);
    }
    for n in [-1, 7, i64::MIN, i64::MAX] {
        let err = weekday_number("makeup_as", n).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation);
        let problems = err.problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "makeup_as");
        assert_eq!(
            problems[0].message,
            format!("must be an integer from 0 (Sunday) to 6 (Saturday), got {n}")
        );
    }
}

/// A binding's conversion of one payload visits at most `MAX_VALUES` values: the next one is a
/// problem at its path.
#[test]
fn a_value_budget_allows_max_values_and_names_the_next() {
    use dialtime::__private::{ValueBudget, MAX_VALUES};
    let mut budget = ValueBudget::default();
    for _ in 0..MAX_VALUES - 10 {
        budget.take("content").unwrap();
    }
    budget.take_many("content[0]", 10).unwrap();
    let problem = budget.take("content[1].week").unwrap_err();
    assert_eq!(problem.path, "content[1].week");
    assert!(
        problem.message.contains("past 100000 values"),
        "{}",
        problem.message
    );
    // A model object counted whole is refused the same way.
    let mut budget = ValueBudget::default();
    assert!(budget.take_many("content[0]", MAX_VALUES + 1).is_err());
    assert!(budget.take_many("content[0]", MAX_VALUES).is_ok());
}

/// And at most `MAX_TEXT` bytes of strings and keys: one string repeated many times stops at
/// the string that goes past it, named by its path; the other budget is not spent by it.
#[test]
fn a_value_budget_allows_max_text_and_names_the_string_past_it() {
    use dialtime::__private::{ValueBudget, MAX_TEXT};
    let mut budget = ValueBudget::default();
    for _ in 0..MAX_TEXT / 1024 {
        budget.take_text("remark", 1024).unwrap();
    }
    let problem = budget.take_text("content[3].week", 1).unwrap_err();
    assert_eq!(problem.path, "content[3].week");
    assert_eq!(problem.message, "takes the payload past 4 MiB of text");
    budget.take("content[4]").unwrap();
    let mut budget = ValueBudget::default();
    assert!(budget.take_text("name", MAX_TEXT + 1).is_err());
    assert!(budget.take_text("name", MAX_TEXT).is_ok());
}
