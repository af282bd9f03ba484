//! `Schedule::summary`: the windows as people read them, in Chinese or English.

use std::fmt::Write as _;

/// Monday first, Sunday last (as calendars in China and ISO 8601 show a week).
const ORDER: [usize; 7] = [1, 2, 3, 4, 5, 6, 0];
const ZH: [&str; 7] = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];
const EN: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

fn hhmm(out: &mut String, minutes: u16) {
    let _ = write!(out, "{:02}:{:02}", minutes / 60, minutes % 60);
}

/// `周一 08:00–20:00、20:30–22:00；周三 08:00–12:00；法定节假日不拨打` or
/// `Mon 08:00–20:00, 20:30–22:00; Wed 08:00–12:00; skips public holidays`; then, where they
/// change when it dials, the make-up day rule (`调休上班日按周一时间拨打` / `make-up workdays use
/// Mon's times`) and a zone other than Asia/Shanghai (`America/New_York 时间` / `America/New_York
/// time`: the times are that zone's wall clock, not Beijing's).
pub(super) fn describe(
    week: &[Vec<(u16, u16)>; 7],
    skip_holiday: bool,
    makeup_as: Option<usize>,
    zone: Option<&str>,
    lang: &str,
) -> String {
    let en = lang.trim().to_ascii_lowercase().starts_with("en");
    let (names, day_sep, range_sep) = if en {
        (EN, "; ", ", ")
    } else {
        (ZH, "；", "、")
    };
    let mut parts: Vec<String> = Vec::new();
    for i in ORDER {
        let Some(ranges) = week.get(i).filter(|r| !r.is_empty()) else {
            continue;
        };
        let mut part = String::new();
        part.push_str(names.get(i).copied().unwrap_or_default());
        part.push(' ');
        for (k, &(a, b)) in ranges.iter().enumerate() {
            if k > 0 {
                part.push_str(range_sep);
            }
            hhmm(&mut part, a);
            part.push('–');
            hhmm(&mut part, b);
        }
        parts.push(part);
    }
    if parts.is_empty() {
        parts.push(if en { "never dials" } else { "不拨打" }.to_owned());
    }
    parts.push(
        match (en, skip_holiday) {
            (true, true) => "skips public holidays",
            (true, false) => "dials on public holidays too",
            (false, true) => "法定节假日不拨打",
            (false, false) => "法定节假日照常拨打",
        }
        .to_owned(),
    );
    if let Some(day) = makeup_as
        .filter(|_| skip_holiday)
        .and_then(|w| names.get(w))
    {
        parts.push(if en {
            format!("make-up workdays use {day}'s times")
        } else {
            format!("调休上班日按{day}时间拨打")
        });
    }
    match zone {
        Some(z) if z == super::DEFAULT_ZONE => {}
        Some(z) => parts.push(if en {
            format!("{z} time")
        } else {
            format!("{z} 时间")
        }),
        None => parts.push(
            if en {
                "in the schedule's zone"
            } else {
                "按日程所设时区的时间"
            }
            .to_owned(),
        ),
    }
    parts.join(day_sep)
}
