//! Client configuration: explicit setting, then environment variable, then default.

use std::fmt;
use std::time::Duration;

use crate::error::{Error, Result};

/// The platform's public base URL.
pub const DEFAULT_BASE_URL: &str = "https://ai.api.longlonglong.cn";
/// Environment variable read for the base URL when none is set.
pub const ENV_BASE_URL: &str = "DIALTIME_BASE_URL";
/// Environment variable read for the token when none is set.
pub const ENV_TOKEN: &str = "DIALTIME_TOKEN";
/// The default `timeout`: the longest one attempt may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default `connect_timeout`.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default `max_retries`.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The default `deadline`: none (a call is bounded by its attempts' timeouts, its backoff and
/// Retry-After waits of at most [`MAX_RETRY_AFTER_WAIT`] each).
pub const DEFAULT_DEADLINE: Option<Duration> = None;
/// The longest `Retry-After` a call waits for; a 429 asking for longer is returned at once
/// (its `retry_after` carries the value).
pub const MAX_RETRY_AFTER_WAIT: Duration = Duration::from_secs(60);
/// Responses larger than this are refused (a `Decode` error), so a broken server cannot
/// exhaust memory.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// A timeout given by a binding as a number of seconds (Python's convention), checked:
/// finite and greater than zero. `field` names the argument in the error.
pub fn timeout_from_secs(field: &str, secs: f64) -> Result<Duration> {
    timeout_from(field, secs, 1.0, "seconds")
}

/// A timeout given by a binding as a number of milliseconds (Node's and C's convention).
pub fn timeout_from_millis(field: &str, millis: f64) -> Result<Duration> {
    timeout_from(field, millis, 1e-3, "milliseconds")
}

/// A timeout given as a whole number of milliseconds (C's `int64_t`), checked: greater than
/// zero. The message shows the number as given (through `f64` it lost its last digits).
pub fn timeout_from_whole_millis(field: &str, millis: i64) -> Result<Duration> {
    match u64::try_from(millis) {
        Ok(ms) if ms > 0 => Ok(Duration::from_millis(ms)),
        _ => Err(Error::config(format!(
            "{field} must be a positive number of milliseconds, got {millis}"
        ))),
    }
}

fn timeout_from(field: &str, value: f64, to_secs: f64, unit: &str) -> Result<Duration> {
    let shown = crate::validate::host::shown(value);
    if !(value.is_finite() && value > 0.0) {
        return Err(Error::config(format!(
            "{field} must be a positive number of {unit}, got {shown}"
        )));
    }
    match Duration::try_from_secs_f64(value * to_secs) {
        // Under a nanosecond rounds to zero, which the client refuses by its own name
        // ("timeout must be greater than zero"): named here as given.
        Ok(d) if d.is_zero() => Err(Error::config(format!(
            "{field} must be at least a nanosecond, got {shown} {unit}"
        ))),
        Ok(d) => Ok(d),
        Err(_) => Err(Error::config(format!(
            "{field} is too large: {shown} {unit}"
        ))),
    }
}

/// A checked base URL.
pub(crate) struct BaseUrl {
    /// Without a trailing slash.
    pub(crate) url: String,
    /// The host is this machine (`127.0.0.0/8`, `::1`, `localhost`): proxies are bypassed.
    pub(crate) loopback: bool,
}

/// A base URL as messages may show it: without user info, query or fragment. User info is
/// everything up to the last `@` before the query; a token in it may hold `/` (so the `@` is
/// looked for past the first `/`) or `?` and `#` (an `@` after the query's start could end
/// user info or belong to the query: then nothing past the scheme is shown).
pub(crate) fn shown_url(raw: &str) -> String {
    let raw = raw.trim();
    // A scheme only where what precedes `://` can be one (a `://` later in a query is not).
    let (scheme, rest) = match raw.find("://") {
        Some(i) if !raw[..i].contains(['/', '?', '#', '@', ':']) => raw.split_at(i + 3),
        _ => ("", raw),
    };
    let (head, tail) = rest.split_at(rest.find(['?', '#']).unwrap_or(rest.len()));
    match head.rfind('@') {
        Some(at) => format!("{scheme}***@{}", &head[at + 1..]),
        None if tail.contains('@') => format!("{scheme}***"),
        None => format!("{scheme}{head}"),
    }
}

/// The shortest token looked for in dialtime's own text (a URL, a message quoting a value): a
/// shorter one cannot be told from that text's own words.
const SHORTEST_SOUGHT: usize = 8;

/// `text`, one of dialtime's own messages quoting what it was given, without `token` in any
/// form a server may echo it in (as sent, JSON-escaped, percent-encoded, cut short); as it is
/// for a token under 8 bytes, which cannot be told from the text's own words. (What a server
/// sent is redacted whatever the token's length.)
pub fn redact_token(text: String, token: &str) -> String {
    if token.len() < SHORTEST_SOUGHT {
        return text;
    }
    super::response::redact(text, token)
}

/// Whether `text` holds `secret`, written as it is, percent-encoded in any part (`5%7Cab…`
/// for `5|ab…`) or split by tabs and line breaks (which URL parsers drop). Never for a secret
/// shorter than [`SHORTEST_SOUGHT`].
pub(crate) fn holds_secret(text: &str, secret: &str) -> bool {
    if secret.len() < SHORTEST_SOUGHT {
        return false;
    }
    let text: String = text
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    text.contains(secret)
        || percent_encoding::percent_decode_str(&text)
            .decode_utf8_lossy()
            .contains(secret)
}

/// `user_agent_suffix` → `userAgentSuffix`: an option's name in a binding whose options are
/// camelCase (napi-rs's names for Rust fields).
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `text` holds any [`SHORTEST_SOUGHT`] bytes in a row of `secret`: the secret
/// split anywhere (by a NUL, a space, a quote) keeps a piece that long on one side, which a
/// message quoting `text` would show. Linear in `text`'s length (a set of the secret's
/// pieces); never for a secret shorter than [`SHORTEST_SOUGHT`].
pub(crate) fn holds_a_piece_of(text: &str, secret: &str) -> bool {
    if secret.len() < SHORTEST_SOUGHT || text.len() < SHORTEST_SOUGHT {
        return false;
    }
    let pieces: std::collections::HashSet<&[u8]> =
        secret.as_bytes().windows(SHORTEST_SOUGHT).collect();
    text.as_bytes()
        .windows(SHORTEST_SOUGHT)
        .any(|w| pieces.contains(w))
}

/// A retry count given by a binding as a plain integer, checked: 0 or more, at most
/// [`MAX_RETRIES_LIMIT`]. `field` names the argument in the error.
pub fn retries_from(field: &str, n: i64) -> Result<u32> {
    match u32::try_from(n) {
        Ok(n) if n <= MAX_RETRIES_LIMIT => Ok(n),
        _ => Err(Error::config(format!(
            "{field} must be an integer from 0 to {MAX_RETRIES_LIMIT}, got {n}"
        ))),
    }
}

/// [`retries_from`] for a host whose numbers are floats (JavaScript): a fraction, NaN or an
/// infinity is the same configuration error as a count out of range (it was a validation
/// error for `1.5` and a configuration error for `-1`).
pub fn retries_from_number(field: &str, n: f64) -> Result<u32> {
    if n.is_finite() && n.fract() == 0.0 && (0.0..=f64::from(MAX_RETRIES_LIMIT)).contains(&n) {
        Ok(n as u32)
    } else {
        Err(Error::config(format!(
            "{field} must be an integer from 0 to {MAX_RETRIES_LIMIT}, got {}",
            crate::validate::host::shown(n)
        )))
    }
}

/// The most retries a client may be configured with (each one waits at least a backoff).
pub const MAX_RETRIES_LIMIT: u32 = 100;

/// The most default headers a client may be given (each one given counts, a name given twice
/// too): servers refuse requests with many more headers (hyper's default: 100 in all), and past
/// 24,000 the header map panicked.
pub const MAX_DEFAULT_HEADERS: usize = 64;

/// The rule on how many default headers a client may be given ([`MAX_DEFAULT_HEADERS`]),
/// for a binding to apply before it copies them (checked again by `build`). `field` names
/// the option in the error.
pub fn check_default_header_count(field: &str, given: usize) -> Result<()> {
    if given > MAX_DEFAULT_HEADERS {
        return Err(Error::config(format!(
            "{field} holds {given} headers, at most {MAX_DEFAULT_HEADERS} are allowed"
        )));
    }
    Ok(())
}

/// The most root-certificate texts a client may be given (each a PEM of one or more
/// certificates, a bundle counting once).
pub const MAX_ROOT_CERTIFICATES: usize = 256;

/// The most bytes the root-certificate texts may hold in all: 8 MiB (Mozilla's bundle of
/// about 150 CAs is 0.2 MB). A binding copying a thousand references to one 10 MB string
/// had 10 GB copied before any certificate was read.
pub const MAX_ROOT_CERTIFICATE_BYTES: usize = 8 << 20;

/// The rule on the root certificates given ([`MAX_ROOT_CERTIFICATES`] texts,
/// [`MAX_ROOT_CERTIFICATE_BYTES`] in all), for a binding to apply as it reads them, before it
/// copies them (checked again by `build`): `count` texts holding `bytes` so far. `field`
/// names the option in the error.
pub fn check_root_certificates(field: &str, count: usize, bytes: usize) -> Result<()> {
    if count > MAX_ROOT_CERTIFICATES {
        return Err(Error::config(format!(
            "{field} holds {count} PEM texts, at most {MAX_ROOT_CERTIFICATES} are \
             allowed (one text may hold many certificates)"
        )));
    }
    if bytes > MAX_ROOT_CERTIFICATE_BYTES {
        return Err(Error::config(format!(
            "{field} holds more than {MAX_ROOT_CERTIFICATE_BYTES} bytes of PEM \
             (8 MiB), at most that is allowed"
        )));
    }
    Ok(())
}

/// The API token. Opaque: never parsed, never printed (`Debug` shows `[redacted]`).
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Box<str>);

impl Token {
    /// Checks that the token can go into an `Authorization` header: not empty, no whitespace
    /// or control characters. The message never repeats the token.
    pub fn new(token: impl Into<String>) -> Result<Token> {
        let token: String = token.into();
        if token.is_empty() {
            return Err(Error::config("the token is empty"));
        }
        if let Some(pos) = token
            .chars()
            .position(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::config(format!(
                "the token contains whitespace or a control character (at character {}); \
                 pass it without spaces or line breaks",
                pos + 1
            )));
        }
        // Tokens are ASCII (an HTTP header's value should be); a U+FFFD here is text that was
        // not valid Unicode (a JavaScript string with a lone surrogate), sent as its bytes.
        if let Some(pos) = token.chars().position(|c| !c.is_ascii()) {
            return Err(Error::config(format!(
                "the token contains a character outside ASCII (at character {}); tokens are \
                 ASCII (U+FFFD: the text given was not valid Unicode)",
                pos + 1
            )));
        }
        Ok(Token(token.into_boxed_str()))
    }

    /// The secret itself. Only for building the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `error` without this token: a `Validation` error's problems and a `Config` error's
    /// message quote what was given, so an argument, payload field or option that is the
    /// token by mistake (`sub_user_id`, two arguments swapped, a header name) would show it
    /// ([`redact_token`]). Other errors are returned as they are: what the server sent is
    /// redacted where it is read. For the bindings, which read a
    /// payload before the call ([`crate::Client`]'s own checks do this themselves).
    #[doc(hidden)]
    pub fn scrub(&self, error: Error) -> Error {
        match error {
            Error::Validation(problems) => Error::Validation(
                problems
                    .into_iter()
                    .map(|p| {
                        crate::Problem::new(
                            redact_token(p.path, &self.0),
                            redact_token(p.message, &self.0),
                        )
                    })
                    .collect(),
            ),
            // Messages about the options quote what was given (a header name, a proxy, a
            // user agent suffix): one that is the token by mistake must not show it.
            Error::Config { message } => Error::Config {
                message: redact_token(message, &self.0),
            },
            other => other,
        }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Builds a [`crate::Client`] or [`crate::BlockingClient`]; everything is checked in
/// [`build`](Self::build). Unset `token` and `base_url` come from `DIALTIME_TOKEN` and
/// `DIALTIME_BASE_URL`.
///
/// Every option, with its name in each language, is in the README's "Configuration" table.
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder {
    pub(crate) base_url: Option<String>,
    pub(crate) token: Option<String>,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) deadline: Option<Duration>,
    pub(crate) max_retries: u32,
    pub(crate) binding: Option<String>,
    pub(crate) root_certificates: Vec<Vec<u8>>,
    pub(crate) trust_only_root_certificates: bool,
    pub(crate) proxy: Option<String>,
    pub(crate) ignore_env_proxy: bool,
    pub(crate) default_headers: Vec<(String, String)>,
    pub(crate) user_agent_suffix: Option<String>,
    pub(crate) logger: Option<std::sync::Arc<dyn super::log::Logger>>,
    /// Where unset `token` and `base_url` are read: the process's environment (`None`) or a
    /// host's own view of it (see `__private::with_environment`).
    pub(crate) environment: Option<std::sync::Arc<[(String, String)]>>,
    /// Whether messages name the options in camelCase (`userAgentSuffix`), as the binding
    /// spells them (see `__private::with_camel_case_options`).
    pub(crate) camel_case_options: bool,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            token: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            deadline: DEFAULT_DEADLINE,
            max_retries: DEFAULT_MAX_RETRIES,
            binding: None,
            root_certificates: Vec::new(),
            trust_only_root_certificates: false,
            proxy: None,
            ignore_env_proxy: false,
            default_headers: Vec::new(),
            user_agent_suffix: None,
            logger: None,
            environment: None,
            camel_case_options: false,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(shown_url))
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("deadline", &self.deadline)
            .field("max_retries", &self.max_retries)
            .field("binding", &self.binding)
            .field("root_certificates", &self.root_certificates.len())
            .field(
                "trust_only_root_certificates",
                &self.trust_only_root_certificates,
            )
            .field("proxy", &self.proxy.as_deref().map(shown_url))
            .field("ignore_env_proxy", &self.ignore_env_proxy)
            .field(
                "default_headers",
                &self
                    .distinct_default_headers()
                    .into_iter()
                    .map(|(name, _)| name.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("logger", &self.logger.is_some())
            // The names only: DIALTIME_TOKEN's value is the token.
            .field(
                "environment",
                &self
                    .environment
                    .as_ref()
                    .map(|vars| vars.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>()),
            )
            .finish()
    }
}

impl ClientBuilder {
    /// Every setting at its default (token and base URL from the environment when not set).
    pub fn new() -> Self {
        Self::default()
    }

    /// Where the API lives, e.g. an on-premises host (`https://host/prefix`); `/agent-api/…`
    /// is appended. Default: `DIALTIME_BASE_URL`, else [`DEFAULT_BASE_URL`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The bearer token. Default: `DIALTIME_TOKEN`.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The longest one attempt may take, connecting included (each retry gets as much again;
    /// bound the whole call with [`deadline`](Self::deadline)). Default 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest establishing a connection may take. Default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest a whole call may take: every attempt, backoff and Retry-After wait. An
    /// attempt gets at most what is left; a retry whose wait would end after the deadline is
    /// not started, and the error's [`CallInfo`](crate::error::CallInfo) says the deadline
    /// passed and how many attempts were made. Default: none.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// How often a call is retried after a failure that is safe to retry (connection refused,
    /// 429, and for reads, updates and deletes also timeouts and 502/503/504), with
    /// exponential backoff. A create is never retried once the request may have arrived.
    /// Default 2; 0 disables retries.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The binding's name, appended to the user agent (`dialtime/0.1.0 (python)`).
    pub(crate) fn binding(mut self, name: impl Into<String>) -> Self {
        self.binding = Some(name.into());
        self
    }

    /// Trusts an extra root certificate (PEM, one or more), for on-premises installations
    /// with a private CA. At most [`MAX_ROOT_CERTIFICATES`] texts of
    /// [`MAX_ROOT_CERTIFICATE_BYTES`] in all (a `Config` error at `build`).
    pub fn root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    /// Trusts only the certificates given with
    /// [`root_certificate_pem`](Self::root_certificate_pem), not the built-in roots (an
    /// on-premises install whose server must present its own CA's certificate). Default false.
    pub fn trust_only_root_certificates(mut self, only: bool) -> Self {
        self.trust_only_root_certificates = only;
        self
    }

    /// Sends every request through this proxy (`http://host:port` or `https://…`; another
    /// scheme is a `Config` error; credentials in the URL are used and never shown), whatever the
    /// environment says, loopback hosts included. Default: none; `HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY` and `NO_PROXY` are honoured unless [`ignore_env_proxy`](Self::ignore_env_proxy)
    /// (a loopback base URL never goes through an environment proxy).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Ignores `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`. Default false.
    pub fn ignore_env_proxy(mut self, ignore: bool) -> Self {
        self.ignore_env_proxy = ignore;
        self
    }

    /// Sends this header with every request (e.g. a tenant header an on-premises install
    /// needs). Checked by `build`: a valid header name and value, and not one dialtime sets
    /// itself (`Authorization`, `Content-Type`, `Accept`, `User-Agent`, `Host`,
    /// `Content-Length`), and at most [`MAX_DEFAULT_HEADERS`] given. A header given twice
    /// keeps the last value.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        // Kept in order given; `build` keeps the last of each name (a scan here for an
        // earlier one made adding n headers take n² steps: 0.9 s for 24,000).
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// The default headers to send: the last value given for each name (names compared
    /// without case), in the order of those last values.
    pub(crate) fn distinct_default_headers(&self) -> Vec<&(String, String)> {
        let mut seen = std::collections::HashSet::new();
        let mut kept: Vec<&(String, String)> = self
            .default_headers
            .iter()
            .rev()
            .filter(|(name, _)| seen.insert(name.to_ascii_lowercase()))
            .collect();
        kept.reverse();
        kept
    }

    /// Appended to the user agent: `dialtime/0.1.0 (python) <suffix>`. Checked by `build`:
    /// printable ASCII.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Receives one record per attempt (besides the `tracing` events of target `dialtime`,
    /// which go to the application's subscriber). Default: none.
    pub fn logger(mut self, logger: std::sync::Arc<dyn super::log::Logger>) -> Self {
        self.logger = Some(logger);
        self
    }

    /// Checks every setting and builds the async client (no runtime is started).
    pub fn build(self) -> Result<crate::Client> {
        crate::Client::from_builder(self)
    }

    /// Checks every setting and builds the blocking client.
    pub fn build_blocking(self) -> Result<crate::BlockingClient> {
        self.build().map(crate::BlockingClient::from)
    }

    /// An environment variable as this builder sees it (unset or not Unicode: `None`).
    fn env_var(&self, name: &str) -> Option<String> {
        match &self.environment {
            None => std::env::var(name).ok(),
            Some(vars) => vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()),
        }
    }

    pub(crate) fn resolved_token(&self) -> Result<Token> {
        match &self.token {
            Some(t) => Token::new(t.as_str()),
            None => match self.env_var(ENV_TOKEN) {
                Some(t) => Token::new(t),
                None => Err(Error::config(format!(
                    "no token: pass one to the client or set {ENV_TOKEN}"
                ))),
            },
        }
    }

    /// The base URL without a trailing slash, checked: http(s), a host, no query, fragment or
    /// credentials. Messages show the URL without its credentials and query, which may hold
    /// secrets. `token` is never shown: a URL holding it, in any spelling (`%7C` for `|`, …),
    /// is refused, and one refused for another reason is not shown.
    pub(crate) fn resolved_base_url(&self, token: &str) -> Result<BaseUrl> {
        let raw = match &self.base_url {
            Some(u) => u.clone(),
            None => self
                .env_var(ENV_BASE_URL)
                .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
        };
        let mut holds_token = holds_secret(&raw, token);
        let bad = |holds_token: bool, why: &str| match holds_token {
            true => Error::config(format!(
                "the base URL (not shown: it holds the token) {why}"
            )),
            false => Error::config(format!("base URL {:?} {why}", shown_url(&raw))),
        };
        let url = reqwest::Url::parse(raw.trim())
            .map_err(|e| bad(holds_token, &format!("is not a URL: {e}")))?;
        // The parser drops tabs and line breaks anywhere: a token split by one is whole now.
        holds_token |= holds_secret(url.as_str(), token);
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad(holds_token, "must start with http:// or https://"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad(holds_token, "has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad(
                holds_token,
                "must not contain credentials; pass the token separately",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad(holds_token, "must not have a query or fragment"));
        }
        let host = url.host_str().unwrap_or_default();
        let loopback = match host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
        {
            Ok(ip) => ip.is_loopback(),
            Err(_) => {
                let d = host.trim_end_matches('.').to_ascii_lowercase();
                d == "localhost" || d.ends_with(".localhost")
            }
        };
        // Messages, logs and the client's own `base_url` show the URL: a token in it (a path
        // segment of a gateway) would show in each.
        if holds_token {
            return Err(bad(
                true,
                "must not contain the token: pass it only as the token (the URL shows in \
                 messages and logs)",
            ));
        }
        Ok(BaseUrl {
            url: url.as_str().trim_end_matches('/').to_owned(),
            loopback,
        })
    }

    /// An option's name as the caller spells it: `user_agent_suffix`, or `userAgentSuffix`
    /// for a binding whose options are camelCase. (Node's `rootCertificatesPem` is not
    /// `root_certificates` camel-cased: Node applies that limit itself, by that name, before
    /// it builds.)
    pub(crate) fn option_name(&self, snake: &str) -> String {
        if self.camel_case_options {
            camel_case(snake)
        } else {
            snake.to_owned()
        }
    }

    /// `dialtime/<version> (<binding>)`, then the suffix when one is set.
    pub(crate) fn user_agent(&self) -> String {
        let version = env!("CARGO_PKG_VERSION");
        let binding = self.binding.as_deref().unwrap_or("rust");
        match &self.user_agent_suffix {
            Some(suffix) => format!("dialtime/{version} ({binding}) {suffix}"),
            None => format!("dialtime/{version} ({binding})"),
        }
    }
}

/// Per-call overrides of a client's `timeout`, `deadline` and `max_retries`: see
/// [`crate::Client::with_options`]. Unset fields keep the client's values.
///
/// ```
/// # use std::time::Duration;
/// let quick = dialtime::RequestOptions::new()
///     .timeout(Duration::from_secs(2))
///     .max_retries(0);
/// # let _ = quick;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[must_use]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
}

impl RequestOptions {
    /// No override: every setting is the client's.
    pub fn new() -> Self {
        Self::default()
    }

    /// The longest one attempt of this call may take (see [`ClientBuilder::timeout`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The longest this whole call may take (see [`ClientBuilder::deadline`]).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// How often this call may be retried (see [`ClientBuilder::max_retries`]).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }
}
