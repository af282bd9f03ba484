//! Mirrors `dialtime::client`: a client builder (the core's `ClientBuilder`), and one
//! blocking client (one connection pool) per handle.

use std::ffi::c_char;

use dialtime::__private::{retries_from, timeout_from_whole_millis};
use dialtime::ClientBuilder;

use super::error::{dialtime_error, dialtime_status};
use super::ffi::{free_box, guard, handle, handle_mut, out_arg, str_arg, write_out};

/// The settings of a client, set one by one; every one has a default (the DIALTIME_TOKEN and
/// DIALTIME_BASE_URL environment variables, the core's timeouts and retries). Values are
/// checked when the client is built; a setting set again with a good value replaces a
/// refused one. Not thread-safe while being modified. Free with dialtime_client_builder_free.
pub struct dialtime_client_builder {
    builder: ClientBuilder,
    /// The values refused by setters, by setting, reported by build (so setters chain
    /// unchecked); a later good value of the same setting takes its refusal back.
    refused: Vec<(&'static str, dialtime::Error)>,
}

impl dialtime_client_builder {
    /// Applies a setting that cannot be refused.
    fn set(&mut self, apply: impl FnOnce(ClientBuilder) -> ClientBuilder) {
        self.builder = apply(std::mem::take(&mut self.builder));
    }

    /// Applies `value` to the builder, or keeps its refusal for build: the builder is left as
    /// it was (a refused value used to take every other setting with it, for good).
    fn set_checked<T>(
        &mut self,
        setting: &'static str,
        value: dialtime::Result<T>,
        apply: impl FnOnce(ClientBuilder, T) -> ClientBuilder,
    ) {
        self.refused.retain(|(s, _)| *s != setting);
        match value {
            Ok(v) => self.builder = apply(std::mem::take(&mut self.builder), v),
            Err(e) => self.refused.push((setting, e)),
        }
    }
}

/// Starts a builder with every setting at its default. On success `*out` is owned by the
/// caller (free with dialtime_client_builder_free).
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_builder_new(
    out: *mut *mut dialtime_client_builder,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let builder = super::log::configure(dialtime::__private::with_binding(
            dialtime::Client::builder(),
            "c",
        ));
        write_out(
            out,
            dialtime_client_builder {
                builder,
                refused: Vec::new(),
            },
        );
        Ok(())
    })
}

/// Where the API lives, e.g. "https://ai.api.longlonglong.cn" (copied). Default:
/// DIALTIME_BASE_URL, else the platform's public URL. Checked by build: http(s), no
/// credentials, no query.
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_builder_set_base_url(
    builder: *mut dialtime_client_builder,
    base_url: *const c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let b = unsafe { handle_mut("builder", builder) }?;
        let url = unsafe { str_arg("base_url", base_url) }?.to_owned();
        b.set(|c| c.base_url(url));
        Ok(())
    })
}

/// The bearer token (copied, never printed). Default: DIALTIME_TOKEN. Checked by build: not
/// empty, no whitespace or control characters.
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_builder_set_token(
    builder: *mut dialtime_client_builder,
    token: *const c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let b = unsafe { handle_mut("builder", builder) }?;
        let token = unsafe { str_arg("token", token) }?.to_owned();
        b.set(|c| c.token(token));
        Ok(())
    })
}

/// The longest one attempt may take, in milliseconds (> 0). Default 30000.
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_builder_set_timeout_ms(
    builder: *mut dialtime_client_builder,
    timeout_ms: i64,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let b = unsafe { handle_mut("builder", builder) }?;
        let timeout = timeout_from_whole_millis("timeout_ms", timeout_ms);
        b.set_checked("timeout_ms", timeout, ClientBuilder::timeout);
        Ok(())
    })
}

/// The longest establishing a connection may take, in milliseconds (> 0). Default 10000.
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_builder_set_connect_timeout_ms(
    builder: *mut dialtime_client_builder,
    connect_timeout_ms: i64,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let b = unsafe { handle_mut("builder", builder) }?;
        let timeout = timeout_from_whole_millis("connect_timeout_ms", connect_timeout_ms);
        b.set_checked(
            "connect_timeout_ms",
            timeout,
            ClientBuilder::connect_timeout,
        );
        Ok(())
    })
}

/// How often a call is retried after a failure that is safe to retry (0 = never). Default 2.
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_builder_set_max_retries(
    builder: *mut dialtime_client_builder,
    max_retries: i64,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let b = unsafe { handle_mut("builder", builder) }?;
        let retries = retries_from("max_retries", max_retries);
        b.set_checked("max_retries", retries, ClientBuilder::max_retries);
        Ok(())
    })
}

/// The longest a whole call may take (every attempt, backoff and Retry-After wait), in
/// milliseconds (> 0). Default: no deadline.
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_builder_set_deadline_ms(
    builder: *mut dialtime_client_builder,
    deadline_ms: i64,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let b = unsafe { handle_mut("builder", builder) }?;
        let deadline = timeout_from_whole_millis("deadline_ms", deadline_ms);
        b.set_checked("deadline_ms", deadline, ClientBuilder::deadline);
        Ok(())
    })
}

/// Trusts extra root certificates (PEM text, one or more; copied), e.g. an on-premises CA.
/// May be called more than once: at most 256 texts of 8 MiB in all. Checked by build (a
/// DIALTIME_STATUS_CONFIG error naming the limit).
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_builder_add_root_certificate_pem(
    builder: *mut dialtime_client_builder,
    pem: *const c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let b = unsafe { handle_mut("builder", builder) }?;
        let pem = unsafe { str_arg("pem", pem) }?.to_owned();
        b.set(|c| c.root_certificate_pem(pem));
        Ok(())
    })
}

/// Trusts only the certificates added with dialtime_client_builder_add_root_certificate_pem,
/// not the built-in roots. Default false.
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_builder_set_trust_only_root_certificates(
    builder: *mut dialtime_client_builder,
    only: bool,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let b = unsafe { handle_mut("builder", builder) }?;
        b.set(|c| c.trust_only_root_certificates(only));
        Ok(())
    })
}

/// Sends every request through this proxy ("http://host:port"; copied), loopback included.
/// Default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY from the environment (loopback
/// bypassed).
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_builder_set_proxy(
    builder: *mut dialtime_client_builder,
    proxy: *const c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let b = unsafe { handle_mut("builder", builder) }?;
        let proxy = unsafe { str_arg("proxy", proxy) }?.to_owned();
        b.set(|c| c.proxy(proxy));
        Ok(())
    })
}

/// Ignores HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY. Default false.
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_builder_set_ignore_env_proxy(
    builder: *mut dialtime_client_builder,
    ignore: bool,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let b = unsafe { handle_mut("builder", builder) }?;
        b.set(|c| c.ignore_env_proxy(ignore));
        Ok(())
    })
}

/// Sends this header with every request (copied; e.g. a tenant header). Checked by build:
/// a valid name and value, not one dialtime sets itself (Authorization, User-Agent, …).
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_builder_add_default_header(
    builder: *mut dialtime_client_builder,
    name: *const c_char,
    value: *const c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let b = unsafe { handle_mut("builder", builder) }?;
        let name = unsafe { str_arg("name", name) }?.to_owned();
        let value = unsafe { str_arg("value", value) }?.to_owned();
        b.set(|c| c.default_header(name, value));
        Ok(())
    })
}

/// Appended to the user agent: "dialtime/<version> (c) <suffix>" (copied; printable ASCII).
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_builder_set_user_agent_suffix(
    builder: *mut dialtime_client_builder,
    suffix: *const c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let b = unsafe { handle_mut("builder", builder) }?;
        let suffix = unsafe { str_arg("suffix", suffix) }?.to_owned();
        b.set(|c| c.user_agent_suffix(suffix));
        Ok(())
    })
}

/// Per-call overrides of a client's settings, passed by pointer as the `options` argument of
/// every call (NULL = the client's settings). A zeroed struct overrides nothing:
/// `dialtime_request_options o = {0}; o.deadline_ms = 3000;`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct dialtime_request_options {
    /// The longest one attempt may take, in milliseconds; 0 keeps the client's.
    pub timeout_ms: i64,
    /// The longest the whole call may take, in milliseconds; 0 keeps the client's.
    pub deadline_ms: i64,
    /// Whether `max_retries` overrides the client's (so that a zeroed struct keeps it).
    pub override_max_retries: bool,
    /// How often the call may be retried, when `override_max_retries`.
    pub max_retries: u32,
    /// When not NULL, a successful call leaves its answer (HTTP status, request id, headers,
    /// attempts) in this recorder (dialtime_response_recorder_last). Borrowed for the call.
    pub recorder: *const super::recorder::dialtime_response_recorder,
}

impl Default for dialtime_request_options {
    fn default() -> Self {
        dialtime_request_options {
            timeout_ms: 0,
            deadline_ms: 0,
            override_max_retries: false,
            max_retries: 0,
            recorder: std::ptr::null(),
        }
    }
}

/// The client for one call: `client` itself, or a copy (sharing its pool) with `options`.
pub(crate) unsafe fn per_call(
    client: *const dialtime_client,
    options: *const dialtime_request_options,
) -> super::ffi::FfiResult<dialtime::BlockingClient> {
    let client = unsafe { handle("client", client) }?;
    // SAFETY: NULL or a valid struct (header contract).
    let Some(o) = (unsafe { options.as_ref() }) else {
        return Ok(client.inner.clone());
    };
    let mut request = dialtime::RequestOptions::new();
    if o.timeout_ms != 0 {
        request = request.timeout(timeout_from_whole_millis(
            "options.timeout_ms",
            o.timeout_ms,
        )?);
    }
    if o.deadline_ms != 0 {
        request = request.deadline(timeout_from_whole_millis(
            "options.deadline_ms",
            o.deadline_ms,
        )?);
    }
    if o.override_max_retries {
        request = request.max_retries(retries_from(
            "options.max_retries",
            i64::from(o.max_retries),
        )?);
    }
    let copy = client.inner.as_async().with_options(&request)?;
    // SAFETY: NULL or a live recorder (header contract).
    Ok(dialtime::BlockingClient::from(
        match unsafe { o.recorder.as_ref() } {
            Some(rec) => copy.recording(&rec.inner),
            None => copy,
        },
    ))
}

/// A client. Thread-safe: one client may be used from many threads at once, and should be
/// (it holds the connection pool). Calls block the calling thread.
pub struct dialtime_client {
    pub(crate) inner: dialtime::BlockingClient,
}

/// Builds a client from `builder` (which stays usable, e.g. for a second client). Fails with
/// DIALTIME_STATUS_CONFIG when a setting is refused, no token is given or set, or the base
/// URL is not http(s). On success `*out` is owned by the caller (free with
/// dialtime_client_free).
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_builder_build(
    builder: *const dialtime_client_builder,
    out: *mut *mut dialtime_client,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let b = unsafe { handle("builder", builder) }?;
        if let Some((_, refused)) = b.refused.first() {
            return Err(refused.clone().into());
        }
        let inner = b.builder.clone().build_blocking()?;
        write_out(out, dialtime_client { inner });
        Ok(())
    })
}

/// Frees a builder. Accepts NULL.
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_builder_free(builder: *mut dialtime_client_builder) {
    unsafe { free_box(builder) }
}

/// A client with every setting at its default (DIALTIME_TOKEN, DIALTIME_BASE_URL). On success
/// `*out` is owned by the caller (free with dialtime_client_free).
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_new(
    out: *mut *mut dialtime_client,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let inner = super::log::configure(dialtime::__private::with_binding(
            dialtime::Client::builder(),
            "c",
        ))
        .build_blocking()?;
        write_out(out, dialtime_client { inner });
        Ok(())
    })
}

/// Frees a client (and its connection pool). Accepts NULL. No call on it may be running.
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_free(client: *mut dialtime_client) {
    unsafe { free_box(client) }
}

/// Removes `client`'s token from `err`, a DIALTIME_STATUS_VALIDATION error made with no client
/// at hand (dialtime_new_group_from_json, dialtime_group_update_from_json,
/// dialtime_new_group_validate, dialtime_validate_json): its problems quote what was given, so
/// a field given the token by mistake (sub_user_id) showed it. The C++ wrapper does this for
/// the payloads of create, update and ensure; the client's own functions do it themselves.
/// Other errors, and NULL for either argument, are left as they are. `err` stays the caller's
/// (free it with dialtime_error_free); strings borrowed from it before stay valid until then.
/// Not while another thread reads `err`.
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_scrub_error(
    client: *const dialtime_client,
    err: *mut dialtime_error,
) {
    if let (Some(client), Some(err)) = (unsafe { client.as_ref() }, unsafe { err.as_mut() }) {
        // Nothing here panics (text redaction); the boundary still holds if it ever did.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            err.scrub(client.inner.as_async().token());
        }));
    }
}

/// For the panic-boundary tests only (not in the header): panics behind the boundary, which
/// must return DIALTIME_STATUS_PANIC with an error, never unwind into C.
#[doc(hidden)]
#[no_mangle]
pub unsafe extern "C" fn dialtime__panic_for_tests(
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        #[allow(clippy::panic)]
        {
            panic!("dialtime: test panic at the C boundary")
        }
    })
}
