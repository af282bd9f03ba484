//! Dates and instants read from text, the same way by every binding and the command line.

use jiff::civil::Date;
use jiff::fmt::temporal::{Pieces, PiecesOffset};
use jiff::Timestamp;

/// A local date written exactly `YYYY-MM-DD` (`"2026-10-01"`). Other ISO 8601 forms jiff
/// reads ("20261001", "+002026-10-01", a date with a time after it) are refused: a time
/// given where a date is asked for is a mistake, not something to drop. The error shows the
/// text (quoted, cut after 40 characters) and the reason, for the caller to name its field.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(refused(text, "not of the form YYYY-MM-DD"));
    }
    text.parse::<Date>().map_err(|e| refused(text, e))
}

/// The error for `text`: the text quoted and cut after 40 characters (a 20 MB argument made a
/// 20 MB message), then why, cut likewise (jiff's reasons may quote the text again).
fn refused(text: &str, why: impl std::fmt::Display) -> String {
    let why = crate::validate::rules::cut(why.to_string(), 200);
    format!("{}: {why}", crate::validate::rules::quoted(text, 40))
}

/// An instant written in RFC 3339 / ISO 8601 with an offset (`"2026-10-01T10:00:00+08:00"`,
/// `"2026-10-01T02:00:00Z"`), optionally followed by a time zone annotation
/// (`"[Asia/Shanghai]"`). A civil time without an offset is refused (never guessed), as is an
/// offset of 24 hours or more, which RFC 3339 does not allow (jiff alone reads ±25:59:59), and
/// an annotation naming a zone that is unknown or has another offset at that instant
/// (`"…T10:00:00+08:00[America/New_York]"` is a mistake, not an instant: Temporal refuses it
/// too).
pub fn parse_instant(text: &str) -> Result<Timestamp, String> {
    let t = text.parse::<Timestamp>().map_err(|e| refused(text, e))?;
    let pieces = Pieces::parse(text).map_err(|e| refused(text, e))?;
    if pieces.time_zone_annotation().is_some() {
        text.parse::<jiff::ZonedDateTime>()
            .map_err(|e| refused(text, e))?;
    }
    if let Some(PiecesOffset::Numeric(n)) = pieces.offset() {
        if n.offset().seconds().abs() >= 24 * 3600 {
            return Err(refused(
                text,
                format_args!("the offset {} is not within ±23:59", n.offset()),
            ));
        }
    }
    Ok(t)
}
