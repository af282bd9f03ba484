//! Mirrors `dialtime::client`: one blocking client (one connection pool) per handle.

use std::ffi::c_char;

use dialtime::client::config::timeout_from_millis;

use crate::error::{dialtime_error, dialtime_status};
use crate::ffi::{free_box, guard, opt_str_arg, out_arg, write_out};

/// Options of dialtime_client_new. NULL strings and 0 durations take the defaults: the
/// DIALTIME_BASE_URL / DIALTIME_TOKEN environment variables, 30 s, 10 s. An empty string is
/// not "unset": it is refused (DIALTIME_STATUS_CONFIG), as is a negative duration.
#[repr(C)]
pub struct dialtime_client_options {
    /// e.g. "https://ai.api.longlonglong.cn"; borrowed for the call only.
    pub base_url: *const c_char,
    /// The bearer token; borrowed for the call only, never printed.
    pub token: *const c_char,
    /// Per attempt, in milliseconds.
    pub timeout_ms: i64,
    pub connect_timeout_ms: i64,
    /// true: never retry. false (the default): retry a refused connection or a 429 up to 2
    /// times, with backoff (a create is never repeated once it may have reached the server).
    pub no_retries: bool,
}

/// A client. Thread-safe: one client may be used from many threads at once, and should be
/// (it holds the connection pool). Calls block the calling thread.
pub struct dialtime_client {
    pub(crate) inner: dialtime::BlockingClient,
}

/// Creates a client; `opts` may be NULL (all defaults). On success `*out` receives a client
/// the caller owns (free with dialtime_client_free). Fails with DIALTIME_STATUS_CONFIG when no
/// token is given or set, or the base URL is not http(s).
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_new(
    opts: *const dialtime_client_options,
    out: *mut *mut dialtime_client,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let mut builder = dialtime::Client::builder().binding("c");
        // SAFETY: NULL or a readable options struct (header contract).
        if let Some(o) = unsafe { opts.as_ref() } {
            if let Some(url) = unsafe { opt_str_arg("opts->base_url", o.base_url) }? {
                builder = builder.base_url(url);
            }
            if let Some(token) = unsafe { opt_str_arg("opts->token", o.token) }? {
                builder = builder.token(token);
            }
            if o.no_retries {
                builder = builder.max_retries(0);
            }
            if o.timeout_ms != 0 {
                builder = builder.timeout(timeout_from_millis("timeout_ms", o.timeout_ms as f64)?);
            }
            if o.connect_timeout_ms != 0 {
                builder = builder.connect_timeout(timeout_from_millis(
                    "connect_timeout_ms",
                    o.connect_timeout_ms as f64,
                )?);
            }
        }
        let inner = builder.build_blocking()?;
        write_out(out, dialtime_client { inner });
        Ok(())
    })
}

/// Frees a client (and its connection pool). Accepts NULL. No call on it may be running.
#[no_mangle]
pub unsafe extern "C" fn dialtime_client_free(client: *mut dialtime_client) {
    unsafe { free_box(client) }
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
