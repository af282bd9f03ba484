//! `dialtime show`: a picture of when a group dials — one row per date, the hours across,
//! open time shaded, announced off-days and make-up workdays marked with their festival — as
//! text (colour on a terminal), SVG or HTML.

use std::fmt::Write as _;

use dialtime::schedule::{Day, DayStatus, Schedule};
use jiff::civil::Date;

/// Half-hour cells across a day.
const CELLS: usize = 48;

/// One row of the picture.
pub struct Row {
    pub day: Day,
    /// Open minutes of the day, as local `[begin, end)` minute ranges.
    pub open: Vec<(u16, u16)>,
}

/// The rows for `days` dates from `from`.
pub fn rows(schedule: &Schedule, from: Date, days: u16) -> Vec<Row> {
    let mut out = Vec::new();
    let mut d = from;
    for _ in 0..days {
        let day = schedule.day(d);
        let open = day
            .windows
            .iter()
            .map(|w| (w.begin_time.minutes(), w.end_time.minutes()))
            .collect();
        out.push(Row { day, open });
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    out
}

fn weekday(row: &Row) -> &'static str {
    row.day.weekday.name().get(..3).unwrap_or("")
}

/// `国庆节 off-day`, `国庆节 make-up workday`, `not covered by the calendar`, or nothing.
fn mark(row: &Row) -> Option<String> {
    match &row.day.status {
        Some(DayStatus::Off { festival }) => Some(format!("{festival} off-day")),
        Some(DayStatus::MakeupWork { festival, .. }) => Some(format!("{festival} make-up workday")),
        None => Some("not covered by the calendar".to_owned()),
        Some(_) => None,
    }
}

/// The picture as text: `█` open half-hours, `·` closed; ANSI colours when `colour`.
pub fn text(title: &str, rows: &[Row], colour: bool) -> String {
    let (green, red, dim, reset) = if colour {
        ("\x1b[32m", "\x1b[31m", "\x1b[2m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let mut out = format!("{title}\n");
    out.push_str("               ");
    for h in (0..24).step_by(2) {
        let _ = write!(out, "{h:<4}");
    }
    out.push('\n');
    for row in rows {
        let _ = write!(out, "{} {} ", row.day.date, weekday(row));
        for cell in 0..CELLS {
            let (a, b) = ((cell * 30) as u16, (cell * 30 + 30) as u16);
            let open = row.open.iter().any(|&(s, e)| s < b && a < e);
            if open {
                let _ = write!(out, "{green}█{reset}");
            } else {
                let _ = write!(out, "{dim}·{reset}");
            }
        }
        if let Some(m) = mark(row) {
            let _ = write!(out, " {red}{m}{reset}");
        }
        out.push('\n');
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The picture as SVG: one row per date, the open windows as rectangles, marks as text.
pub fn svg(title: &str, rows: &[Row]) -> String {
    let (left, hour, row_h, top) = (130.0, 30.0, 24.0, 44.0);
    let width = left + 24.0 * hour + 260.0;
    let height = top + rows.len() as f64 * row_h + 10.0;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n<title>{}</title>\n",
        escape(title)
    );
    let _ = writeln!(
        out,
        "<text x=\"4\" y=\"16\" font-size=\"14\">{}</text>",
        escape(title)
    );
    for h in 0..=24 {
        let x = left + f64::from(h) * hour;
        let _ = writeln!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#ddd\"/>",
            top - 6.0,
            height - 10.0
        );
        if h % 2 == 0 && h < 24 {
            let _ = writeln!(out, "<text x=\"{x}\" y=\"{}\">{h:02}</text>", top - 10.0);
        }
    }
    for (i, row) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let class = match &row.day.status {
            Some(DayStatus::Off { .. }) => "off",
            Some(DayStatus::MakeupWork { .. }) => "makeup",
            _ => "normal",
        };
        if class != "normal" {
            let fill = if class == "off" { "#fde2e2" } else { "#e2ecfd" };
            let _ = writeln!(
                out,
                "<rect class=\"{class}\" data-date=\"{}\" x=\"{left}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"/>",
                row.day.date,
                24.0 * hour,
                row_h - 2.0
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"4\" y=\"{}\">{} {}</text>",
            y + 16.0,
            row.day.date,
            weekday(row)
        );
        for &(a, b) in &row.open {
            let x = left + f64::from(a) / 60.0 * hour;
            let w = f64::from(b - a) / 60.0 * hour;
            let _ = writeln!(
                out,
                "<rect class=\"open\" data-date=\"{}\" x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"#3a9d5d\"/>",
                row.day.date,
                y + 3.0,
                row_h - 8.0
            );
        }
        if let Some(m) = mark(row) {
            let _ = writeln!(
                out,
                "<text class=\"mark\" x=\"{}\" y=\"{}\" fill=\"#b00020\">{}</text>",
                left + 24.0 * hour + 8.0,
                y + 16.0,
                escape(&m)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

/// The SVG in a page of its own.
pub fn html(title: &str, rows: &[Row]) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh\">\n<head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n{}</body>\n</html>\n",
        escape(title),
        svg(title, rows)
    )
}
