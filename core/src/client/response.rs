//! Reading the platform's answers: the success envelope, the error shapes, and the mapping of
//! both onto [`Error`]. Pure functions of (status, headers, body), so they are tested on the
//! shared response vectors without a server.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::error::{ApiError, Error, Problem, ProblemList};
use crate::model::lenient;

/// How much of a body an error keeps.
pub const BODY_EXCERPT_BYTES: usize = 512;

/// One HTTP answer, already read (and capped).
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: u16,
    /// The parsed `retry-after-ms` or `Retry-After` header.
    pub retry_after: Option<Duration>,
    /// The response's headers (kept in an error answer).
    pub headers: reqwest::header::HeaderMap,
    /// The whole body (capped).
    pub body: bytes::Bytes,
}

/// A successful answer's `data` (decoded) and `meta` (raw, for paginated reads).
#[derive(Debug)]
pub struct Success<T> {
    /// The decoded `data`.
    pub data: T,
    /// The raw `meta`, for paginated reads.
    pub meta: Option<Box<RawValue>>,
}

/// The envelope, as far as it can be read.
struct Envelope<'a> {
    code: Option<i64>,
    status: Option<String>,
    /// A `code` or `status` given but unreadable (`"status": false`): a 2xx so answered is
    /// not taken for a success.
    odd_outcome: bool,
    message: Option<String>,
    data: Option<&'a RawValue>,
    meta: Option<&'a RawValue>,
    errors: Option<FieldErrors>,
}

/// The envelope's fields as they came, each read on its own by [`Envelope::read`].
#[derive(Deserialize)]
struct Fields<'a> {
    #[serde(default, borrow)]
    code: Option<&'a RawValue>,
    #[serde(default, borrow)]
    status: Option<&'a RawValue>,
    #[serde(default, borrow)]
    message: Option<&'a RawValue>,
    #[serde(default, borrow)]
    data: Option<&'a RawValue>,
    #[serde(default, borrow)]
    meta: Option<&'a RawValue>,
    #[serde(default, borrow)]
    errors: Option<&'a RawValue>,
}

impl<'a> Envelope<'a> {
    /// A JSON object read field by field: a field of an unexpected type (a `message` that is
    /// not text, a numeric `status`, a `code` of letters, `errors` nested past serde's depth
    /// limit) is left out, and the rest kept: the whole envelope failed on one of them, and
    /// an error answer lost its message and field errors (api.md leaves error answers
    /// undocumented). A `message` given as a list of texts is read as them joined.
    fn read(body: &'a [u8]) -> serde_json::Result<Self> {
        #[derive(Deserialize)]
        struct Code(#[serde(deserialize_with = "lenient::opt_int")] Option<i64>);
        #[derive(Deserialize)]
        struct Text(#[serde(deserialize_with = "lenient::opt_string")] Option<String>);
        fn field<T: DeserializeOwned>(raw: Option<&RawValue>) -> Option<T> {
            raw.and_then(|r| serde_json::from_str(r.get()).ok())
        }
        if !is_object(body) {
            return Err(serde::de::Error::custom("not a JSON object"));
        }
        let f = serde_json::from_slice::<Fields<'a>>(body)?;
        let message = field::<Text>(f.message).and_then(|Text(m)| m).or_else(|| {
            field::<Vec<Text>>(f.message).map(|list| {
                let texts: Vec<String> = list.into_iter().filter_map(|Text(m)| m).collect();
                texts.join("; ")
            })
        });
        let code = field::<Code>(f.code).map(|Code(c)| c);
        let status = field::<Option<String>>(f.status);
        let given = |raw: Option<&RawValue>| raw.is_some_and(|r| r.get() != "null");
        Ok(Envelope {
            odd_outcome: (code.is_none() && given(f.code)) || (status.is_none() && given(f.status)),
            code: code.flatten(),
            status: status.flatten(),
            message,
            data: f.data,
            meta: f.meta,
            errors: field::<FieldErrors>(f.errors),
        })
    }
}

/// Whether `body` is a JSON object, as an envelope must be: serde reads a struct from a list
/// too, field by position (`[200, "success", {…}]` was a success).
fn is_object(body: &[u8]) -> bool {
    body.trim_ascii_start().starts_with(b"{")
}

/// A success envelope read in one pass (see [`decode`]).
#[derive(Deserialize)]
struct Fast<'a, T> {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    code: Option<i64>,
    #[serde(default, borrow)]
    status: Option<std::borrow::Cow<'a, str>>,
    data: T,
    #[serde(default, borrow)]
    meta: Option<&'a RawValue>,
}

/// Laravel's `errors`: `{"field": ["message", …]}` (a single string per field is read too),
/// kept in the server's order, one [`Problem`] per message.
#[derive(Default)]
struct FieldErrors(Vec<Problem>);

impl<'de> Deserialize<'de> for FieldErrors {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = FieldErrors;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of field errors")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<FieldErrors, A::Error> {
                let mut out = ProblemList::default();
                while let Some((field, messages)) = map.next_entry::<String, Value>()? {
                    match messages {
                        Value::Array(list) => {
                            for m in list {
                                out.push(Problem::new(&field, text(m)));
                            }
                        }
                        other => out.push(Problem::new(&field, text(other))),
                    }
                }
                Ok(FieldErrors(out.into_vec()))
            }
            // Anything else (a list, a string) carries no field errors.
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<FieldErrors, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(FieldErrors::default())
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<FieldErrors, E> {
                Ok(FieldErrors::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// Interprets an answer whose `data` should be a `T` (`expected` names it for messages).
/// `secret` is removed from any body excerpt kept in an error.
pub fn decode<T: DeserializeOwned>(
    raw: &RawResponse,
    expected: &str,
    secret: &str,
) -> Result<Success<T>, Error> {
    let body = json_text(&raw.body);
    // The common case in one pass: a 2xx success envelope whose `data` is a `T`. Anything
    // else (an error envelope, a wrong shape, no `data`) takes the careful path below, which
    // says exactly what is wrong.
    if (200..300).contains(&raw.status) && is_object(body) {
        if let Ok(fast) = serde_json::from_slice::<Fast<'_, T>>(body) {
            let ok_code = fast.code.is_none_or(|c| c == 200);
            let ok_status = fast.status.as_deref().is_none_or(|s| s == "success");
            if ok_code && ok_status && (fast.code.is_some() || fast.status.is_some()) {
                return Ok(Success {
                    data: fast.data,
                    meta: fast.meta.map(RawValue::to_owned),
                });
            }
        }
    }
    let env = Envelope::read(body);
    if !(200..300).contains(&raw.status) {
        return Err(api_error(raw, env.ok(), raw.status, secret));
    }
    let env =
        env.map_err(|e| decode_error(raw, "a JSON envelope {code, status, data}", &e, secret))?;
    if env.odd_outcome {
        return Err(decode_error(
            raw,
            "a JSON envelope {code, status, data}",
            &"`code` is not an integer or `status` not a text",
            secret,
        ));
    }
    let ok_code = env.code.is_none_or(|c| c == 200);
    let ok_status = env.status.as_deref().is_none_or(|s| s == "success");
    if env.code.is_none() && env.status.is_none() {
        return Err(decode_error(
            raw,
            "a JSON envelope {code, status, data}",
            &"no `code` or `status`",
            secret,
        ));
    }
    if !(ok_code && ok_status) {
        let kind_status = env
            .code
            .and_then(|c| u16::try_from(c).ok())
            .filter(|c| (400..600).contains(c))
            .unwrap_or(0);
        return Err(api_error(raw, Some(env), kind_status, secret));
    }
    let data_json = env.data.map_or("null", RawValue::get);
    let data = serde_json::from_str::<T>(data_json)
        .map_err(|e| decode_error(raw, expected, &e, secret))?;
    Ok(Success {
        data,
        meta: env.meta.map(RawValue::to_owned),
    })
}

/// The answer to a removal (a delete), whose success the platform does not document: a 2xx
/// with an empty body, or with a JSON object that has neither `code` nor `status` nor
/// `errors` nor `"success": false` (`{"message": "删除成功"}`, Laravel's `204 No Content`), is
/// success, `data` read as `null`; anything else is read as [`decode`] reads it (an error
/// envelope inside a 2xx stays an error).
pub fn decode_removal<T: DeserializeOwned>(
    raw: &RawResponse,
    expected: &str,
    secret: &str,
) -> Result<Success<T>, Error> {
    if (200..300).contains(&raw.status) {
        let body = json_text(&raw.body).trim_ascii();
        let bare = body.is_empty()
            || (body.starts_with(b"{")
                && serde_json::from_slice::<Bare<'_>>(body).is_ok_and(|b| {
                    b.code.is_none()
                        && b.status.is_none()
                        && b.errors.is_none()
                        && b.success != Some(false)
                }));
        if bare {
            let data = serde_json::from_str::<T>("null")
                .map_err(|e| decode_error(raw, expected, &e, secret))?;
            return Ok(Success { data, meta: None });
        }
    }
    decode(raw, expected, secret)
}

/// What tells a bare 2xx answer to a removal from a refusal without the envelope.
#[derive(Deserialize)]
struct Bare<'a> {
    #[serde(default, borrow)]
    code: Option<&'a RawValue>,
    #[serde(default, borrow)]
    status: Option<&'a RawValue>,
    #[serde(default, borrow)]
    errors: Option<&'a RawValue>,
    #[serde(default)]
    success: Option<bool>,
}

/// A body without a UTF-8 byte order mark, which some servers (and PHP files saved with
/// one) put before the JSON: serde refuses it, the platform's other clients skip it.
fn json_text(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

/// The error for a refusal: non-2xx, or an error envelope inside a 2xx. `kind_status` picks
/// the kind (the HTTP status, or the envelope's code inside a 2xx; 0 for a generic API error).
fn api_error(
    raw: &RawResponse,
    env: Option<Envelope<'_>>,
    kind_status: u16,
    secret: &str,
) -> Error {
    let (code, message, errors) = match env {
        Some(e) => (e.code, e.message, e.errors.unwrap_or_default().0),
        None => (None, None, Vec::new()),
    };
    let message = message
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| reason(raw.status).to_owned());
    let error = Box::new(ApiError {
        http_status: raw.status,
        envelope_code: code,
        api_message: shown(redact(message, secret)),
        problems: errors
            .into_iter()
            .map(|p| {
                Problem::new(
                    shown(redact(p.path, secret)),
                    shown(redact(p.message, secret)),
                )
            })
            .collect(),
        body_excerpt: excerpt(&raw.body, secret),
        headers: header_list(&raw.headers, secret),
        retry_after: raw
            .retry_after
            .filter(|_| (500..=599).contains(&kind_status)),
        call: None,
    });
    match kind_status {
        401 | 403 => Error::Authentication(error),
        404 => Error::NotFound(error),
        429 => Error::RateLimited {
            error,
            retry_after: raw.retry_after,
        },
        500..=599 => Error::Server(error),
        _ => Error::Api(error),
    }
}

/// The most characters of the platform's own text (its `message`, a field error) an error
/// keeps: a 7 MB message made a 7 MB `str(e)` and log line.
pub const MAX_API_TEXT_CHARS: usize = 2_000;

/// Whether `c` is escaped where text from elsewhere is shown (errors, the command line's
/// lists): a control character, a line or paragraph separator, or a bidirectional override
/// or isolate, which can add lines to a log or reorder what a terminal shows.
pub fn unsafe_to_print(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// The platform's text as an error shows it: control characters and the bidirectional
/// overrides escaped (`\u{1b}`, `\n`: an answer could add lines to a log or drive the terminal
/// that prints the error), at most [`MAX_API_TEXT_CHARS`] characters.
pub(crate) fn shown(text: String) -> String {
    if text.len() <= MAX_API_TEXT_CHARS && !text.chars().any(unsafe_to_print) {
        return text;
    }
    let mut out = String::with_capacity(text.len().min(4 * MAX_API_TEXT_CHARS));
    for (n, c) in text.chars().enumerate() {
        if n == MAX_API_TEXT_CHARS {
            let more = text.chars().count() - n;
            out.push_str(&format!("… ({more} more characters)"));
            break;
        }
        if unsafe_to_print(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

fn text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

fn decode_error(
    raw: &RawResponse,
    expected: &str,
    detail: &dyn std::fmt::Display,
    secret: &str,
) -> Error {
    Error::Decode {
        http_status: raw.status,
        expected: expected.to_owned(),
        // serde quotes the value it could not read, whole: capped and escaped as the
        // platform's own text is (a 7 MB `content` string made a 7 MB message).
        detail: shown(redact(detail.to_string(), secret)),
        body_excerpt: excerpt(&raw.body, secret),
        call: None,
    }
}

/// The start of a body, cut on a character boundary, with the secret removed. The whole body
/// is redacted before it is cut, so a secret longer than the excerpt (or one straddling the
/// cut) never shows in part.
pub fn excerpt(body: &[u8], secret: &str) -> String {
    let text = redact(String::from_utf8_lossy(body).into_owned(), secret);
    if text.len() <= BODY_EXCERPT_BYTES {
        return text;
    }
    let mut cut = BODY_EXCERPT_BYTES;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut out = text[..cut].trim_end_matches('\u{FFFD}').to_owned();
    out.push('…');
    out
}

/// Removes every form of `secret` a server may echo: as sent; JSON-escaped (`/` as `\/`, as
/// PHP's `json_encode` writes it; `"` and `\\` escaped; non-ASCII as `\uXXXX`, either case);
/// percent-encoded (in a URL, a `Location`; either case of hex digits); cut short (its first
/// 16 bytes and as much of the rest as follows). The encoded forms are only looked for where
/// the text has a `\` or a `%`.
pub(crate) fn redact(text: String, secret: &str) -> String {
    if secret.is_empty() {
        return text;
    }
    let mut text = replace_ci(text, secret, false);
    if text.contains('\\') {
        // As Rust's `{:?}` quotes it (serde's messages): `"` and `\\` escaped, non-ASCII raw.
        let debug = format!("{secret:?}");
        if let Some(quoted) = debug.get(1..debug.len() - 1).filter(|q| *q != secret) {
            text = replace_ci(text, quoted, false);
        }
        for lower_hex in [true, false] {
            for slash in [false, true] {
                let escaped = json_escaped(secret, lower_hex, slash);
                if escaped != secret {
                    text = replace_ci(text, &escaped, false);
                }
            }
        }
    }
    if text.contains('%') {
        let encoded = percent_encoded(secret);
        if encoded != secret {
            text = replace_ci(text, &encoded, true);
        }
    }
    cut_short(text, secret)
}

/// The bytes of a secret that, followed by as much of the rest of it as the text holds, are
/// taken for the secret cut short.
const SECRET_HEAD: usize = 16;

/// `text` with the secret cut short removed: a message quoting at most so many characters of
/// a value ("must be a UUID, got \"sk-live-…\"") showed the head of a long token. Every match
/// of its first [`SECRET_HEAD`] bytes, with as much of the rest as follows, becomes
/// `[redacted]`; so does a shorter head of it (from [`SHORTEST_CUT_HEAD`] bytes) where the
/// text cuts a value short, right before a `…` (a value quoted from its 35th character on
/// showed the token's first 5).
fn cut_short(text: String, secret: &str) -> String {
    cut_before_ellipsis(head_removed(text, secret), secret)
}

/// The fewest bytes of a secret that, right before a `…`, are taken for the secret cut short:
/// fewer cannot be told from the text's own words. (Text ending in the token's first four
/// characters right before a `…`, such as `12|a…` for a token `12|ab…`, is redacted too.)
const SHORTEST_CUT_HEAD: usize = 4;

/// `text` with every head of `secret` that ends right before a `…` (or a `"…`: a value quoted
/// and then cut, as `rules::quoted` writes it) replaced by `[redacted]`. Heads of
/// [`SECRET_HEAD`] bytes and more are [`head_removed`]'s, so each `…` costs at most a few
/// comparisons of a few bytes, whatever the secret's length.
fn cut_before_ellipsis(text: String, secret: &str) -> String {
    if secret.len() <= SHORTEST_CUT_HEAD || !text.contains('…') {
        return text;
    }
    let longest = SECRET_HEAD.min(secret.len() - 1);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find('…') {
        let before = &rest[..at];
        let (value, quote) = match before.strip_suffix('"') {
            Some(value) => (value, "\""),
            None => (before, ""),
        };
        let head = (SHORTEST_CUT_HEAD..=longest)
            .rev()
            .filter(|&n| secret.is_char_boundary(n))
            .find(|&n| value.ends_with(&secret[..n]));
        match head {
            Some(n) => {
                out.push_str(&value[..value.len() - n]);
                out.push_str("[redacted]");
                out.push_str(quote);
            }
            None => out.push_str(before),
        }
        out.push('…');
        rest = &rest[at + '…'.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// `text` with every match of the secret's first [`SECRET_HEAD`] bytes, and as much of the
/// rest as follows, replaced by `[redacted]`.
fn head_removed(text: String, secret: &str) -> String {
    let mut head_len = SECRET_HEAD;
    while !secret.is_char_boundary(head_len.min(secret.len())) {
        head_len += 1;
    }
    if secret.len() <= head_len {
        return text;
    }
    let head = &secret[..head_len];
    if !text.contains(head) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find(head) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let same = tail
            .bytes()
            .zip(secret.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let mut end = same;
        while !tail.is_char_boundary(end) {
            end -= 1;
        }
        out.push_str("[redacted]");
        rest = &tail[end.max(head_len)..];
    }
    out.push_str(rest);
    out
}

/// `text` with every `form` replaced by `[redacted]`, ASCII letters compared without case
/// when `any_case` (percent-encoding's hex digits may be either).
fn replace_ci(text: String, form: &str, any_case: bool) -> String {
    if !any_case {
        return if text.contains(form) {
            text.replace(form, "[redacted]")
        } else {
            text
        };
    }
    let (hay, needle) = (text.to_ascii_lowercase(), form.to_ascii_lowercase());
    if !hay.contains(&needle) {
        return text;
    }
    // Lower-casing ASCII keeps every byte offset, so the matches in `hay` are `text`'s.
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (at, _) in hay.match_indices(&needle) {
        if at < from {
            continue;
        }
        out.push_str(text.get(from..at).unwrap_or_default());
        out.push_str("[redacted]");
        from = at + needle.len();
    }
    out.push_str(text.get(from..).unwrap_or_default());
    out
}

/// `secret` as a JSON string's content: `"` and `\` escaped, control and non-ASCII characters
/// as `\uXXXX` (UTF-16), `/` as `\/` when `slash`.
fn json_escaped(secret: &str, lower_hex: bool, slash: bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(secret.len() + 8);
    for c in secret.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if slash => out.push_str("\\/"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = if lower_hex {
                        write!(out, "\\u{unit:04x}")
                    } else {
                        write!(out, "\\u{unit:04X}")
                    };
                }
            }
        }
    }
    out
}

/// `secret` percent-encoded: every byte but RFC 3986's unreserved characters as `%XX`.
fn percent_encoded(secret: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(secret.len() * 3);
    for b in secret.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The longest `Retry-After` kept; a longer one is reported as this (and never waited for).
pub const RETRY_AFTER_MAX: Duration = Duration::from_secs(365 * 24 * 3600);

/// `Retry-After` in seconds (integer or decimal) or as an HTTP-date (the wait until then; a
/// date in the past is no wait), capped at [`RETRY_AFTER_MAX`]; anything else (negative,
/// NaN, text) is ignored. Never panics, whatever the server sends.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs).min(RETRY_AFTER_MAX));
    }
    if let Ok(secs) = v.parse::<f64>() {
        // NaN and negative mean nothing; beyond f64's range (1e400) is "very long".
        if secs.is_nan() || secs < 0.0 {
            return None;
        }
        return Some(
            Duration::try_from_secs_f64(secs).map_or(RETRY_AFTER_MAX, |d| d.min(RETRY_AFTER_MAX)),
        );
    }
    // HTTP's three date forms (IMF-fixdate, RFC 850, asctime), else RFC 2822's wider ones.
    let at = match httpdate::parse_http_date(v) {
        // Measured as a `SystemTime`: a date past jiff's last instant (9999-12-30T22:00Z)
        // was no wait at all, and the 429 retried at once.
        Ok(at) => {
            return Some(
                at.duration_since(std::time::SystemTime::now())
                    .map_or(Duration::ZERO, |d| d.min(RETRY_AFTER_MAX)),
            )
        }
        Err(_) => match jiff::fmt::rfc2822::DateTimeParser::new().parse_timestamp(v) {
            Ok(at) => at,
            // A date in year 9999 or later (`+0000`, five digits) is past what jiff holds:
            // the longest wait, not none.
            Err(_) if far_future_year(v) => return Some(RETRY_AFTER_MAX),
            Err(_) => return None,
        },
    };
    let wait = jiff::Timestamp::now().duration_until(at);
    Some(Duration::try_from(wait).map_or(Duration::ZERO, |d| d.min(RETRY_AFTER_MAX)))
}

/// Whether a date that did not parse names a year from 9999 on (a word of four or more
/// digits, the year of every date form Retry-After may take).
fn far_future_year(v: &str) -> bool {
    v.split(|c: char| c.is_whitespace() || c == ',' || c == '-')
        .any(|w| {
            w.len() >= 4
                && w.bytes().all(|b| b.is_ascii_digit())
                && w.parse::<u64>().map_or(true, |year| year >= 9999)
        })
}

/// The wait a response asks for: `retry-after-ms` (milliseconds, as OpenAI's and some
/// gateways' servers send), else `Retry-After` (see [`parse_retry_after`]).
pub(crate) fn retry_after_of(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let ms = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|ms| ms.is_finite() && *ms >= 0.0);
    if let Some(ms) = ms {
        return Some(
            Duration::try_from_secs_f64(ms / 1000.0)
                .map_or(RETRY_AFTER_MAX, |d| d.min(RETRY_AFTER_MAX)),
        );
    }
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
}

/// Header names that carry a request id, in the order they are looked for.
const REQUEST_ID_HEADERS: [&str; 6] = [
    "x-request-id",
    "x-trace-id",
    "x-b3-traceid",
    "request-id",
    "x-amzn-requestid",
    "traceparent",
];

/// The response's request id, when it has one (see [`REQUEST_ID_HEADERS`]).
/// The headers as (lower-case name, value) pairs, the token redacted should one echo it.
pub(crate) fn header_list(
    headers: &reqwest::header::HeaderMap,
    secret: &str,
) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), redact(value, secret))
        })
        .collect()
}

pub(crate) fn request_id_of(headers: &reqwest::header::HeaderMap, secret: &str) -> Option<String> {
    REQUEST_ID_HEADERS.iter().find_map(|name| {
        let v = headers.get(*name)?.to_str().ok()?.trim();
        // Redacted before it is cut: a server echoing the token there (it was printed in
        // logs and error messages) must not leave a piece of it either.
        (!v.is_empty()).then(|| redact(v.to_owned(), secret).chars().take(200).collect())
    })
}

fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("error")
}

#[cfg(test)]
mod tests {
    use super::{parse_retry_after, redact, shown, MAX_API_TEXT_CHARS};
    use std::time::Duration;

    #[test]
    fn the_platforms_text_is_escaped_and_capped_as_an_error_shows_it() {
        assert_eq!(shown("参数错误".to_owned()), "参数错误");
        assert_eq!(
            shown("a\u{1b}[31mred\nfake line\u{202e}x\u{0}".to_owned()),
            "a\\u{1b}[31mred\\u{a}fake line\\u{202e}x\\u{0}"
        );
        let long = shown("字".repeat(3_000_000));
        assert!(
            long.starts_with(&"字".repeat(MAX_API_TEXT_CHARS)),
            "kept the start"
        );
        assert!(
            long.ends_with("… (2998000 more characters)"),
            "{}",
            &long[long.len() - 40..]
        );
    }

    #[test]
    fn retry_after_is_read_in_each_of_https_three_date_forms() {
        // RFC 9110 §5.6.7: a recipient reads IMF-fixdate, RFC 850 and asctime. A date two
        // days ahead, in each form (the wait is checked to the day, not timed).
        let at = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48);
        let t = at.to_zoned_datetime(jiff::tz::TimeZone::UTC);
        for form in [
            t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string(),
            t.strftime("%A, %d-%b-%y %H:%M:%S GMT").to_string(),
            t.strftime("%a %b %e %H:%M:%S %Y").to_string(),
        ] {
            let wait = parse_retry_after(&form).unwrap_or_else(|| panic!("{form:?} not read"));
            assert!(
                wait > Duration::from_secs(47 * 3600) && wait <= Duration::from_secs(48 * 3600),
                "{form:?}: {wait:?}"
            );
        }
        // A date in the past is no wait; text is nothing.
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
        // The last date HTTP can write is still a date, not nothing, in every form.
        for far in [
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Fri, 31 Dec 9999 23:59:59 +0000",
            "Thu, 31 Dec 9999 23:00:00 -0100",
            "Sat, 01 Jan 10000 00:00:00 +0000",
        ] {
            assert_eq!(
                parse_retry_after(far),
                Some(super::RETRY_AFTER_MAX),
                "{far}"
            );
        }
        assert_eq!(parse_retry_after("Mon, 99 Foo 1234 nonsense"), None);
    }

    #[test]
    fn every_form_a_server_may_echo_the_token_in_is_redacted() {
        let token = "12|Ab/c\"d\\é~";
        for echoed in [
            // As sent; JSON-escaped (PHP: `\/`, `\u00e9`; serde: `\"`, `\\`); either hex case.
            "12|Ab/c\"d\\é~".to_owned(),
            r#"12|Ab\/c\"d\\\u00e9~"#.to_owned(),
            r#"12|Ab/c\"d\\\u00E9~"#.to_owned(),
            // Percent-encoded, in a Location or a redirect page; either hex case.
            "12%7CAb%2Fc%22d%5C%C3%A9~".to_owned(),
            "12%7cAb%2fc%22d%5c%c3%a9~".to_owned(),
        ] {
            let text = format!("before {echoed} after");
            assert_eq!(redact(text, token), "before [redacted] after", "{echoed}");
        }
        // As Rust's Debug quotes it (serde's messages): escapes, non-ASCII raw.
        let quoted = format!("invalid value: string {token:?}, expected");
        assert_eq!(
            redact(quoted, token),
            "invalid value: string \"[redacted]\", expected"
        );
        // Cut short where a message cuts a value ("…"), from its first 4 bytes on.
        let long = "sk-live-0123456789abcdef";
        for shown in 4..long.len() {
            let text = format!("got \"{}{}…\"", "x".repeat(40 - shown), &long[..shown]);
            assert_eq!(
                redact(text, long),
                format!("got \"{}[redacted]…\"", "x".repeat(40 - shown)),
                "{shown}"
            );
        }
        assert_eq!(redact("got \"xsk-…\"".to_owned(), long), "got \"xsk-…\"");
        // As `rules::quoted` cuts a value: the quote closed, then the `…`.
        assert_eq!(
            redact(format!("got \"{}{}\"…", "x".repeat(30), &long[..10]), long),
            format!("got \"{}[redacted]\"…", "x".repeat(30))
        );
        assert_eq!(
            redact("sk-live… and sk-live".to_owned(), long),
            "[redacted]… and sk-live"
        );
        // Text without the token, or with only a piece of it, is left alone.
        let other = "12%7CAb and \\u00e9 and 12|Ab/c".to_owned();
        assert_eq!(redact(other.clone(), token), other);
        assert_eq!(redact("x".to_owned(), ""), "x");
    }
}
