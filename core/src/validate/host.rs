//! For bindings turning host-language objects (Python dicts, JavaScript values) and numbers
//! into what the core reads: the nesting limit, path building, the problems they report,
//! integer and page checks. Reached through `dialtime::__private`.

use std::fmt::Write as _;

use crate::error::{Error, Problem};

use super::rules::{page_message, week_message};
use crate::model::Weekday;

/// How deep a payload given as a host language's objects (Python dicts and lists, JavaScript
/// objects and arrays) may nest before a binding stops converting it. The deepest real
/// payload nests 4 levels (`content[i].times[j].begin_time`); a cyclic structure (a list that
/// contains itself) or a runaway one (100,000 nested lists) is refused here, as `json.dumps`
/// and `JSON.stringify` refuse it, instead of exhausting the stack.
pub const MAX_NESTING: usize = 32;

/// The problem a binding reports at `path` when a payload nests deeper than [`MAX_NESTING`].
pub fn too_deep(path: &str) -> Problem {
    Problem::new(
        path,
        format!("nests deeper than {MAX_NESTING} levels (is the structure cyclic?)"),
    )
}

/// How many items an array of a payload given as a host language's objects may have before a
/// binding stops converting it. A real payload has at most a few dozen (a day at most 1,440
/// one-minute windows); the limit is far above that, and there because a JavaScript array can
/// claim 2**32 - 1 items while holding none, each of which a conversion would visit, and
/// because a million real days took 14 s and 940 MB to convert and check, the caller's thread
/// blocked (only the first problems are reported anyway).
pub const MAX_ITEMS: usize = 10_000;

/// The problem a binding reports at `path` for an array longer than [`MAX_ITEMS`].
pub fn too_many_items(path: &str) -> Problem {
    Problem::new(path, format!("has more than {MAX_ITEMS} items"))
}

/// How many values (objects, arrays, strings, numbers, …) a payload given as a host language's
/// objects may hold in all before a binding stops converting it. A real payload holds at most
/// about 30,000 (seven days of 1,440 one-minute windows). The limit is there because one object
/// may appear many times in another: `Array(200).fill(day)` of a day with 10,000 windows costs
/// JavaScript a few KB and was two million values to convert (10 s with Node's thread blocked,
/// 1.2 GB), `{a: x, b: x}` nested 23 times eight million (68 s, 2 GB); every array within
/// [`MAX_ITEMS`] and every level within [`MAX_NESTING`].
pub const MAX_VALUES: usize = 100_000;

/// The problem a binding reports at `path`, where a payload's conversion reached its
/// [`MAX_VALUES`]th value.
pub fn too_many_values(path: &str) -> Problem {
    Problem::new(
        path,
        format!("takes the payload past {MAX_VALUES} values (is one object repeated in it?)"),
    )
}

/// How much text (the bytes of its strings and keys) a payload given as a host language's
/// objects may hold in all before a binding stops converting it. A real payload holds well
/// under 1 MiB (seven days of 1,440 windows: ~400 KB of keys and times). The limit is there
/// because one string may appear many times: `Array(9000).fill('x'.repeat(50000))` costs
/// JavaScript 50 KB and was 450 MB to stringify and convert (3.3 s with Node's thread
/// blocked, 1 GB), within [`MAX_VALUES`]. Node counts UTF-16 units, never more than the bytes.
pub const MAX_TEXT: usize = 4 << 20;

/// The problem a binding reports at `path`, where a payload's conversion went past
/// [`MAX_TEXT`] bytes of text.
pub fn too_much_text(path: &str) -> Problem {
    Problem::new(
        path,
        format!("takes the payload past {} MiB of text", MAX_TEXT >> 20),
    )
}

/// What a binding's conversion of one payload may still visit: [`ValueBudget::take`] once
/// per value, the first problem at [`MAX_VALUES`] values; [`ValueBudget::take_text`] per
/// string and key, the first problem past [`MAX_TEXT`] bytes.
#[derive(Debug)]
pub struct ValueBudget {
    left: usize,
    text_left: usize,
}

impl Default for ValueBudget {
    fn default() -> Self {
        ValueBudget {
            left: MAX_VALUES,
            text_left: MAX_TEXT,
        }
    }
}

impl ValueBudget {
    /// Counts one more value, at `path`; the problem when it is one too many.
    pub fn take(&mut self, path: &str) -> Result<(), Problem> {
        self.take_many(path, 1)
    }

    /// Counts `n` more values at `path` (a model object converted whole).
    pub fn take_many(&mut self, path: &str, n: usize) -> Result<(), Problem> {
        match self.left.checked_sub(n) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => Err(too_many_values(path)),
        }
    }

    /// Counts a string or key of `len` bytes at `path`; the problem when the payload's text
    /// goes past [`MAX_TEXT`].
    pub fn take_text(&mut self, path: &str, len: usize) -> Result<(), Problem> {
        match self.text_left.checked_sub(len) {
            Some(left) => {
                self.text_left = left;
                Ok(())
            }
            None => Err(too_much_text(path)),
        }
    }
}

/// The problem a binding reports at `path` for a number JSON cannot hold (NaN, ±infinity).
pub fn not_finite(path: &str, value: f64) -> Problem {
    Problem::new(path, format!("must be a finite number, got {value}"))
}

/// The problem a binding reports at `path` for a host value whose reading threw (a getter, a
/// Proxy trap); `thrown` is what it threw.
pub fn threw(path: &str, thrown: &str) -> Problem {
    Problem::new(
        path,
        format!("could not be read: reading it threw {thrown:?}"),
    )
}

/// The problem a binding reports at `path` for a value that is not JSON data; `what` names
/// what it got in the host language (`a function`, `datetime.date`, …).
pub fn not_json(path: &str, what: &str) -> Problem {
    Problem::new(
        path,
        format!("must be JSON data (a string, number, boolean, null, array or object), got {what}"),
    )
}

/// The problem a binding reports at `path` for text that is not valid Unicode (a lone
/// surrogate in a Python or JavaScript string).
pub fn not_unicode(path: &str) -> Problem {
    Problem::new(
        path,
        "must be valid Unicode text (it holds a lone surrogate)",
    )
}

/// A host's number as a message shows it: `1e300`, not its 301 digits.
pub(crate) fn shown(value: f64) -> String {
    if value.is_finite() && (value.abs() >= 1e16 || (value != 0.0 && value.abs() < 1e-6)) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

/// A number from a host language whose numbers are doubles (JavaScript), as an integer:
/// `0.5`, NaN, ±infinity and anything beyond ±(2^53 − 1) are a `Validation` problem at
/// `path` rather than silently truncated, wrapped or saturated.
pub fn whole_number(path: &str, value: f64) -> Result<i64, Error> {
    const SAFE: f64 = 9_007_199_254_740_991.0;
    if value.is_finite() && value.fract() == 0.0 && value.abs() <= SAFE {
        Ok(value as i64)
    } else {
        Err(Error::Validation(vec![Problem::new(
            path,
            format!(
                "must be an integer (a safe integer in JavaScript), got {}",
                shown(value)
            ),
        )]))
    }
}

/// A weekday given by its number as an argument (`makeupAs`, `makeup_as`,
/// `makeup_as_weekday`): 0 (Sunday) to 6 (Saturday), else a `Validation` problem at `path`
/// worded as a payload's `week` is.
pub fn weekday_number(path: &str, n: i64) -> Result<Weekday, Error> {
    Weekday::from_number(n)
        .ok_or_else(|| Error::Validation(vec![Problem::new(path, week_message(n))]))
}

/// A page number: 1 or more (and at most `u32::MAX`).
pub fn page_number(page: i64) -> Result<u32, Error> {
    match u32::try_from(page) {
        Ok(p) if p >= 1 => Ok(p),
        _ => Err(Error::Validation(vec![Problem::new(
            "page",
            page_message(page),
        )])),
    }
}

/// For bindings converting host objects: runs `f` with `path` extended by `.key` (just `key`
/// at the top, `$`), then restores `path`. Paths so built match the core's own.
pub fn with_key<R>(path: &mut String, key: &str, f: impl FnOnce(&mut String) -> R) -> R {
    let top = path == "$";
    let mark = path.len();
    if top {
        path.clear();
    } else {
        path.push('.');
    }
    path.push_str(key);
    let out = f(path);
    if top {
        path.clear();
        path.push('$');
    } else {
        path.truncate(mark);
    }
    out
}

/// Like [`with_key`], for item `i` of an array: `path[i]`.
pub fn with_index<R>(path: &mut String, i: usize, f: impl FnOnce(&mut String) -> R) -> R {
    let mark = path.len();
    let _ = write!(path, "[{i}]");
    let out = f(path);
    path.truncate(mark);
    out
}
