//! Times of day and weekdays as the platform writes them.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A wall-clock time of day with minute precision, from `00:00` to `24:00` inclusive
/// (`24:00` is the end of the day and only meaningful as an `end_time`).
///
/// Parsed from `H:MM` or `HH:MM` (24-hour), always written as `HH:MM`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

/// Why a string is not a time of day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeParseError {
    /// Not of the form `H:MM` / `HH:MM`.
    Format,
    /// Well-formed but past `24:00` (hour above 24, minute above 59, or `24:MM` with MM > 0).
    Range,
}

impl fmt::Display for TimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeParseError::Format => f.write_str("must be a time HH:MM (24-hour, whole minutes)"),
            TimeParseError::Range => f.write_str("must be a time between 00:00 and 24:00"),
        }
    }
}

impl std::error::Error for TimeParseError {}

impl TimeOfDay {
    /// `00:00`.
    pub const MIDNIGHT: TimeOfDay = TimeOfDay(0);
    /// `24:00`, the end of the day.
    pub const END_OF_DAY: TimeOfDay = TimeOfDay(24 * 60);

    /// `hour` 0–24, `minute` 0–59; `24` only with minute `0`.
    pub const fn new(hour: u8, minute: u8) -> Option<TimeOfDay> {
        if minute > 59 || hour > 24 || (hour == 24 && minute > 0) {
            return None;
        }
        Some(TimeOfDay(hour as u16 * 60 + minute as u16))
    }

    /// Minutes since midnight, 0–1440.
    pub const fn from_minutes(minutes: u16) -> Option<TimeOfDay> {
        if minutes > 24 * 60 {
            None
        } else {
            Some(TimeOfDay(minutes))
        }
    }

    /// Minutes since midnight, 0–1440.
    pub const fn minutes(self) -> u16 {
        self.0
    }

    /// The hour, 0–24.
    pub const fn hour(self) -> u8 {
        (self.0 / 60) as u8
    }

    /// The minute, 0–59.
    pub const fn minute(self) -> u8 {
        (self.0 % 60) as u8
    }

    /// Parses `H:MM` or `HH:MM` (24-hour), or either with `:00` seconds (the form of a
    /// time-of-day type such as Python's `datetime.time` or a database `TIME`).
    pub fn parse(s: &str) -> Result<TimeOfDay, TimeParseError> {
        let hm = match s.strip_suffix(":00") {
            Some(hm) if s.len() >= 7 => hm,
            _ => s,
        };
        let b = hm.as_bytes();
        let (h, m) = match b {
            [h, b':', m1, m2] => (digits(&[*h])?, digits(&[*m1, *m2])?),
            [h1, h2, b':', m1, m2] => (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?),
            _ => return Err(TimeParseError::Format),
        };
        TimeOfDay::new(h, m).ok_or(TimeParseError::Range)
    }

    /// The same wall-clock time as a `jiff::civil::Time`; `None` for `24:00`, which a
    /// civil time cannot hold.
    pub fn to_civil(self) -> Option<jiff::civil::Time> {
        jiff::civil::Time::new(self.hour() as i8, self.minute() as i8, 0, 0).ok()
    }
}

fn digits(d: &[u8]) -> Result<u8, TimeParseError> {
    d.iter().try_fold(0u8, |acc, c| {
        if c.is_ascii_digit() {
            Ok(acc * 10 + (c - b'0'))
        } else {
            Err(TimeParseError::Format)
        }
    })
}

impl TimeOfDay {
    /// `HH:MM` as ASCII bytes (what `Display` writes), without the formatting machinery: a
    /// body's serialization and the bindings' objects make one per range of every group they
    /// read or write.
    pub const fn ascii(self) -> [u8; 5] {
        let mut buf = [b'0'; 5];
        buf[0] += self.hour() / 10;
        buf[1] += self.hour() % 10;
        buf[2] = b':';
        buf[3] += self.minute() / 10;
        buf[4] += self.minute() % 10;
        buf
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // All bytes are ASCII digits or ':'.
        f.pad(std::str::from_utf8(&self.ascii()).unwrap_or("00:00"))
    }
}

impl fmt::Debug for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for TimeOfDay {
    type Err = TimeParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TimeOfDay::parse(s)
    }
}

/// A whole minute of a civil time (seconds and fractions must be zero).
impl TryFrom<jiff::civil::Time> for TimeOfDay {
    type Error = TimeParseError;
    fn try_from(t: jiff::civil::Time) -> Result<Self, Self::Error> {
        if t.second() != 0 || t.subsec_nanosecond() != 0 {
            return Err(TimeParseError::Format);
        }
        TimeOfDay::new(t.hour() as u8, t.minute() as u8).ok_or(TimeParseError::Range)
    }
}

impl TryFrom<&str> for TimeOfDay {
    type Error = TimeParseError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        TimeOfDay::parse(s)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // All bytes are ASCII digits or ':'.
        s.serialize_str(std::str::from_utf8(&self.ascii()).unwrap_or("00:00"))
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = TimeOfDay;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a time of day \"HH:MM\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<TimeOfDay, E> {
                TimeOfDay::parse(s.trim()).map_err(|e| E::custom(format_args!("{e}, got {s:?}")))
            }
        }
        d.deserialize_str(V)
    }
}

/// A day of the week as the platform numbers it: 0 = Sunday, 1 = Monday … 6 = Saturday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Weekday {
    /// 0 on the wire.
    Sunday = 0,
    /// 1 on the wire.
    Monday = 1,
    /// 2 on the wire.
    Tuesday = 2,
    /// 3 on the wire.
    Wednesday = 3,
    /// 4 on the wire.
    Thursday = 4,
    /// 5 on the wire.
    Friday = 5,
    /// 6 on the wire.
    Saturday = 6,
}

impl Weekday {
    /// Sunday first, as the platform numbers them.
    pub const ALL: [Weekday; 7] = [
        Weekday::Sunday,
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
    ];

    /// The platform's number, 0 (Sunday) … 6 (Saturday).
    pub const fn number(self) -> u8 {
        self as u8
    }

    /// The weekday numbered `n` (0 = Sunday … 6 = Saturday), or `None`.
    pub fn from_number(n: i64) -> Option<Weekday> {
        usize::try_from(n)
            .ok()
            .and_then(|i| Weekday::ALL.get(i))
            .copied()
    }

    /// `"Monday"`, …
    pub const fn name(self) -> &'static str {
        match self {
            Weekday::Sunday => "Sunday",
            Weekday::Monday => "Monday",
            Weekday::Tuesday => "Tuesday",
            Weekday::Wednesday => "Wednesday",
            Weekday::Thursday => "Thursday",
            Weekday::Friday => "Friday",
            Weekday::Saturday => "Saturday",
        }
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<jiff::civil::Weekday> for Weekday {
    fn from(w: jiff::civil::Weekday) -> Self {
        match w {
            jiff::civil::Weekday::Sunday => Weekday::Sunday,
            jiff::civil::Weekday::Monday => Weekday::Monday,
            jiff::civil::Weekday::Tuesday => Weekday::Tuesday,
            jiff::civil::Weekday::Wednesday => Weekday::Wednesday,
            jiff::civil::Weekday::Thursday => Weekday::Thursday,
            jiff::civil::Weekday::Friday => Weekday::Friday,
            jiff::civil::Weekday::Saturday => Weekday::Saturday,
        }
    }
}

impl From<Weekday> for jiff::civil::Weekday {
    fn from(w: Weekday) -> Self {
        jiff::civil::Weekday::from_sunday_zero_offset(w.number() as i8)
            .unwrap_or(jiff::civil::Weekday::Sunday)
    }
}

impl TryFrom<i64> for Weekday {
    type Error = i64;
    fn try_from(n: i64) -> Result<Self, i64> {
        Weekday::from_number(n).ok_or(n)
    }
}

impl Serialize for Weekday {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.number())
    }
}

impl<'de> Deserialize<'de> for Weekday {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = super::lenient::int(d)?;
        Weekday::from_number(n).ok_or_else(|| {
            de::Error::custom(format_args!(
                "week must be 0 (Sunday) to 6 (Saturday), got {n}"
            ))
        })
    }
}
