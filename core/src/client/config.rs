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

fn timeout_from(field: &str, value: f64, to_secs: f64, unit: &str) -> Result<Duration> {
    if !(value.is_finite() && value > 0.0) {
        return Err(Error::config(format!(
            "{field} must be a positive number of {unit}, got {value}"
        )));
    }
    Duration::try_from_secs_f64(value * to_secs)
        .map_err(|_| Error::config(format!("{field} is too large: {value} {unit}")))
}

/// A checked base URL.
pub(crate) struct BaseUrl {
    /// Without a trailing slash.
    pub(crate) url: String,
    /// The host is this machine (`127.0.0.0/8`, `::1`, `localhost`): proxies are bypassed.
    pub(crate) loopback: bool,
}

/// A base URL as messages may show it: without user info, query or fragment.
fn shown_url(raw: &str) -> String {
    let raw = raw.trim();
    let end = raw.find(['?', '#']).unwrap_or(raw.len());
    let raw = &raw[..end];
    let (scheme, rest) = match raw.find("://") {
        Some(i) => raw.split_at(i + 3),
        None => ("", raw),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rfind('@') {
        Some(at) => format!("{scheme}***@{}{path}", &authority[at + 1..]),
        None => format!("{scheme}{rest}"),
    }
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

/// The most retries a client may be configured with (each one waits at least a backoff).
pub const MAX_RETRIES_LIMIT: u32 = 100;

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
        Ok(Token(token.into_boxed_str()))
    }

    /// The secret itself. Only for building the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
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
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder {
    pub(crate) base_url: Option<String>,
    pub(crate) token: Option<String>,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) binding: Option<String>,
    pub(crate) root_certificates: Vec<Vec<u8>>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            token: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            binding: None,
            root_certificates: Vec::new(),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("binding", &self.binding)
            .field("root_certificates", &self.root_certificates.len())
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

    /// The longest a whole call may take, connection and retries' single attempts included
    /// (each attempt gets this much). Default 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest establishing a connection may take. Default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
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
    /// with a private CA.
    pub fn root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
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

    pub(crate) fn resolved_token(&self) -> Result<Token> {
        match &self.token {
            Some(t) => Token::new(t.as_str()),
            None => match std::env::var(ENV_TOKEN) {
                Ok(t) => Token::new(t),
                Err(_) => Err(Error::config(format!(
                    "no token: pass one to the client or set {ENV_TOKEN}"
                ))),
            },
        }
    }

    /// The base URL without a trailing slash, checked: http(s), a host, no query, fragment or
    /// credentials. Messages show the URL without its credentials and query, which may hold
    /// secrets.
    pub(crate) fn resolved_base_url(&self) -> Result<BaseUrl> {
        let raw = match &self.base_url {
            Some(u) => u.clone(),
            None => std::env::var(ENV_BASE_URL).unwrap_or_else(|_| DEFAULT_BASE_URL.to_owned()),
        };
        let bad = |why: &str| Error::config(format!("base URL {:?} {why}", shown_url(&raw)));
        let url =
            reqwest::Url::parse(raw.trim()).map_err(|e| bad(&format!("is not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("must start with http:// or https://"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad(
                "must not contain credentials; pass the token separately",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("must not have a query or fragment"));
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
        Ok(BaseUrl {
            url: url.as_str().trim_end_matches('/').to_owned(),
            loopback,
        })
    }

    pub(crate) fn user_agent(&self) -> String {
        let version = env!("CARGO_PKG_VERSION");
        match &self.binding {
            Some(b) => format!("dialtime/{version} ({b})"),
            None => format!("dialtime/{version} (rust)"),
        }
    }
}
