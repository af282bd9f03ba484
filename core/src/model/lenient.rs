//! Tolerant readers for what the platform may send: numbers as numeric strings, booleans as
//! 0/1, timestamps with or without a zone. Writers stay canonical; these are only for reading.

use std::fmt;

use jiff::civil::DateTime;
use jiff::ZonedDateTime;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serializer};

/// The platform's zone, Asia/Shanghai: timestamps without an offset are China local time.
///
/// Read from the copy of the time zone database built into dialtime (the same on every
/// machine, and no scan of `/usr/share/zoneinfo`, which the system database does on its
/// first lookup: about a millisecond at every process start).
pub fn platform_zone() -> jiff::tz::TimeZone {
    static ZONE: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();
    ZONE.get_or_init(|| {
        jiff::tz::TimeZoneDatabase::bundled()
            .get("Asia/Shanghai")
            .or_else(|_| jiff::tz::TimeZone::get("Asia/Shanghai"))
            .unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
    })
    .clone()
}

/// An integer, or a string holding one (`"15"`).
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = i64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(|_| E::custom(format_args!("integer {v} is too large")))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
            if v.fract() == 0.0 && v.abs() < 9.0e15 {
                Ok(v as i64)
            } else {
                Err(E::invalid_type(de::Unexpected::Float(v), &self))
            }
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<i64, E> {
            s.trim()
                .parse()
                .map_err(|_| E::invalid_value(de::Unexpected::Str(s), &self))
        }
    }
    d.deserialize_any(V)
}

/// A saved group's id: an [`int`] above 0 (a group with id 0 or -3 could not be updated or
/// deleted: the API's paths take positive ids).
/// The largest id read: 2^53 − 1, the largest every binding holds exactly (a JavaScript
/// number rounded 9007199254740993 to another group's id, silently).
pub const MAX_ID: i64 = (1 << 53) - 1;

pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let id = int(d)?;
    if id <= 0 {
        return Err(de::Error::custom(format_args!(
            "id must be a positive integer, got {id}"
        )));
    }
    if id > MAX_ID {
        return Err(de::Error::custom(format_args!(
            "id must be at most {MAX_ID} (2^53 - 1, the largest id every binding holds \
             exactly, JavaScript's numbers included), got {id}"
        )));
    }
    Ok(id)
}

pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    struct W(#[serde(deserialize_with = "int")] i64);
    Ok(Option::<W>::deserialize(d)?.map(|W(v)| v))
}

/// A boolean, or `0`/`1`, `"0"`/`"1"`, `"true"`/`"false"` (Laravel returns tinyint columns).
pub fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
            match v {
                0 => Ok(false),
                1 => Ok(true),
                _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
            }
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
            match v {
                0 => Ok(false),
                1 => Ok(true),
                _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
            }
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<bool, E> {
            match s.trim() {
                "1" | "true" => Ok(true),
                "0" | "false" => Ok(false),
                _ => Err(E::invalid_value(de::Unexpected::Str(s), &self)),
            }
        }
    }
    d.deserialize_any(V)
}

/// A boolean that may be missing or `null` (read as `false`).
pub fn bool_or_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    struct W(#[serde(deserialize_with = "bool")] bool);
    Ok(Option::<W>::deserialize(d)?.is_some_and(|W(v)| v))
}

/// A list that may be missing or `null` (read as empty).
pub fn list_or_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A string that may be `null`; a number is read as its decimal text.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<String, E> {
                Ok(s.to_owned())
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<String, E> {
                Ok(s)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
                Ok(v.to_string())
            }
        }
        d.deserialize_any(V)
    }
    #[derive(Deserialize)]
    struct W(#[serde(deserialize_with = "text")] String);
    Ok(Option::<W>::deserialize(d)?.map(|W(v)| v))
}

/// A timestamp as the platform writes it, `"YYYY-MM-DD HH:MM:SS"` in China local time; also
/// ISO 8601 with `T`, fractional seconds, or an offset/zone. Always returned in the platform's
/// zone (Asia/Shanghai), so it carries its offset.
pub fn parse_datetime(s: &str) -> Option<ZonedDateTime> {
    let s = s.trim();
    // The platform's timestamps are whole seconds: a fraction (ISO forms) is dropped, so a
    // group read, written back (its wire form has none) and read again is equal to itself.
    let has_zone = s.ends_with('Z')
        || s.ends_with('z')
        || s.as_bytes()
            .get(19..)
            .is_some_and(|tail| tail.contains(&b'+') || tail.contains(&b'-'));
    if has_zone {
        let ts: jiff::Timestamp = s.parse().ok()?;
        let ts = jiff::Timestamp::from_second(
            ts.as_second()
                .checked_sub(i64::from(ts.subsec_nanosecond() < 0))?,
        )
        .ok()?;
        return Some(ts.to_zoned_datetime(platform_zone()));
    }
    let civil = s.parse::<DateTime>().ok()?;
    let civil = civil.with().subsec_nanosecond(0).build().ok()?;
    platform_zone()
        .to_ambiguous_zoned_datetime(civil)
        .compatible()
        .ok()
}

/// Reads a timestamp that may be missing (see [`parse_datetime`]): `null`, `""`, MySQL's zero
/// date in any form (`0000-00-00`, with a time, fractions or a zone after it) and any time
/// before year 1 (PHP writes the zero date as `-0001-11-30 00:00:00`, Carbon's JSON as
/// `-000001-11-30T00:00:00.000000Z`) are none: no record was saved then. Any other text
/// that is not a timestamp is an error.
pub fn opt_datetime<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ZonedDateTime>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<ZonedDateTime>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(
                "a timestamp \"YYYY-MM-DD HH:MM:SS\" of a date and time that exist, or null",
            )
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_str(self)
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            let t = s.trim();
            // A negative year (`-0001-11-30`, which jiff reads only with six digits) is
            // before year 1 whatever follows.
            let negative_year = t.strip_prefix('-').is_some_and(|rest| {
                rest.split('-').next().is_some_and(|y| {
                    (4..=6).contains(&y.len()) && y.bytes().all(|b| b.is_ascii_digit())
                })
            });
            if t.is_empty() || t.starts_with("0000-00-00") || negative_year {
                return Ok(None);
            }
            match parse_datetime(s) {
                Some(at) if at.year() < 1 => Ok(None),
                Some(at) => Ok(Some(at)),
                None => Err(E::invalid_value(de::Unexpected::Str(s), &self)),
            }
        }
    }
    d.deserialize_option(V)
}

/// Writes an optional timestamp: [`write_datetime`]'s form, or `null`.
pub fn write_opt_datetime<S: Serializer>(
    t: &Option<ZonedDateTime>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => write_datetime(t, s),
        None => s.serialize_none(),
    }
}

/// Writes `"YYYY-MM-DD HH:MM:SS"` in China local time, the platform's form.
pub fn write_datetime<S: Serializer>(t: &ZonedDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&wire_timestamp(t))
}

/// A timestamp in the platform's wire form: `"YYYY-MM-DD HH:MM:SS"`, China local time.
pub fn wire_timestamp(t: &ZonedDateTime) -> String {
    let mut out = String::with_capacity(19);
    write_civil(&mut out, &t.with_time_zone(platform_zone()), ' ');
    out
}

/// A timestamp as ISO 8601 with its offset, `"2026-12-01T14:54:23+08:00"`: what bindings
/// whose time type loses the zone (JavaScript's `Date`, C's Unix seconds) show beside it.
pub fn iso_timestamp(t: &ZonedDateTime) -> String {
    let t = t.with_time_zone(platform_zone());
    let mut out = String::with_capacity(25);
    write_civil(&mut out, &t, 'T');
    let offset = t.offset().seconds();
    out.push(if offset < 0 { '-' } else { '+' });
    let offset = offset.unsigned_abs();
    push_digits(&mut out, offset / 3600, 2);
    out.push(':');
    push_digits(&mut out, offset / 60 % 60, 2);
    if offset % 60 != 0 {
        // Local mean time before 1901 (+08:05:43), as `%:z` writes it.
        out.push(':');
        push_digits(&mut out, offset % 60, 2);
    }
    out
}

/// `YYYY-MM-DD?HH:MM:SS` of the zoned time's civil clock, written digit by digit: on every
/// response of every binding, where `strftime`'s format interpreter showed in profiles.
fn write_civil(out: &mut String, t: &ZonedDateTime, separator: char) {
    let year = i32::from(t.year());
    if year < 0 {
        out.push('-');
    }
    push_digits(out, year.unsigned_abs(), 4);
    for (sep, n) in [
        ('-', t.month()),
        ('-', t.day()),
        (separator, t.hour()),
        (':', t.minute()),
        (':', t.second()),
    ] {
        out.push(sep);
        push_digits(out, n.unsigned_abs().into(), 2);
    }
}

/// `n` in decimal, left-padded with zeros to `width` digits.
fn push_digits(out: &mut String, n: u32, width: u32) {
    let n = u64::from(n);
    let mut unit = 10u64.pow(width.saturating_sub(1));
    while n / unit >= 10 {
        unit *= 10;
    }
    while unit > 0 {
        out.push(char::from(b'0' + (n / unit % 10) as u8));
        unit /= 10;
    }
}

/// Writes a name without leading and trailing whitespace: the platform trims input strings
/// (Laravel's `TrimStrings`), so sending the trimmed form keeps `ensure` exact.
pub fn write_trimmed<S: Serializer>(name: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(name.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The digit-by-digit writers agree with jiff's `strftime` across eras, offsets (China
    /// kept daylight saving time 1986–1991) and zones converted on the way.
    #[test]
    fn timestamp_writers_match_strftime() {
        let zone = platform_zone();
        let mut seconds: i64 = -2_208_988_800; // 1900-01-01
        while seconds < 4_102_444_800 {
            let t = jiff::Timestamp::from_second(seconds)
                .unwrap()
                .to_zoned_datetime(zone.clone());
            assert_eq!(
                wire_timestamp(&t),
                t.strftime("%Y-%m-%d %H:%M:%S").to_string()
            );
            assert_eq!(
                iso_timestamp(&t),
                t.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
            );
            seconds += 7_777_777; // about 90 days, never aligned to a boundary
        }
        let utc = jiff::Timestamp::from_second(1_700_000_000)
            .unwrap()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC);
        assert_eq!(iso_timestamp(&utc), "2023-11-15T06:13:20+08:00");
        assert_eq!(wire_timestamp(&utc), "2023-11-15 06:13:20");
        let dst = parse_datetime("1988-07-01 12:00:00").unwrap();
        assert_eq!(iso_timestamp(&dst), "1988-07-01T12:00:00+09:00");
    }
}
