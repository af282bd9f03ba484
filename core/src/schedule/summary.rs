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
/// `Mon 08:00–20:00, 20:30–22:00; Wed 08:00–12:00; skips public holidays`.
pub(super) fn describe(week: &[Vec<(u16, u16)>; 7], skip_holiday: bool, lang: &str) -> String {
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
    parts.join(day_sep)
}
