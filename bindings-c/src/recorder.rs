//! What a successful call was answered with, on request: a recorder set in
//! `dialtime_request_options.recorder` receives each successful call's answer.

use std::ffi::{c_char, CString};

use super::error::{dialtime_error, dialtime_status};
use super::ffi::{c_string, free_box, guard, handle, out_arg, str_arg, write_out};

/// Receives the answer (HTTP status, request id, headers, attempts) of every successful call
/// made with it in `dialtime_request_options.recorder`; the last one is kept. Thread-safe.
pub struct dialtime_response_recorder {
    pub(crate) inner: dialtime::ResponseRecorder,
}

/// One successful call's answer (a copy: unaffected by later calls). Strings from its
/// accessors are borrowed: valid until dialtime_response_free.
pub struct dialtime_response {
    info: dialtime::ResponseInfo,
    request_id: Option<CString>,
    path: CString,
    headers: Vec<(CString, CString)>,
}

/// A new, empty recorder. On success `*out` is owned by the caller: free it with
/// dialtime_response_recorder_free (after the last call that uses it).
#[no_mangle]
pub unsafe extern "C" fn dialtime_response_recorder_new(
    out: *mut *mut dialtime_response_recorder,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        write_out(
            out,
            dialtime_response_recorder {
                inner: dialtime::ResponseRecorder::new(),
            },
        );
        Ok(())
    })
}

/// Frees a recorder. Accepts NULL.
#[no_mangle]
pub unsafe extern "C" fn dialtime_response_recorder_free(rec: *mut dialtime_response_recorder) {
    unsafe { free_box(rec) }
}

/// A copy of the last successful call's answer. On success `*out` is NULL when there was
/// none yet, else owned by the caller (free with dialtime_response_free).
#[no_mangle]
pub unsafe extern "C" fn dialtime_response_recorder_last(
    rec: *const dialtime_response_recorder,
    out: *mut *mut dialtime_response,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let rec = unsafe { handle("rec", rec) }?;
        match rec.inner.last() {
            None => unsafe { *out = std::ptr::null_mut() },
            Some(info) => write_out(
                out,
                dialtime_response {
                    request_id: info.request_id.as_deref().map(c_string),
                    path: c_string(info.path.as_str()),
                    headers: info
                        .headers
                        .iter()
                        .map(|(n, v)| (c_string(n.as_str()), c_string(v.as_str())))
                        .collect(),
                    info,
                },
            ),
        }
        Ok(())
    })
}

/// The HTTP status; 0 for NULL.
#[no_mangle]
pub extern "C" fn dialtime_response_http_status(r: *const dialtime_response) -> u16 {
    unsafe { r.as_ref() }.map_or(0, |r| r.info.http_status)
}

/// The request id (`x-request-id`, `x-trace-id`, …); NULL when the platform sent none, or for
/// NULL. Borrowed.
#[no_mangle]
pub extern "C" fn dialtime_response_request_id(r: *const dialtime_response) -> *const c_char {
    unsafe { r.as_ref() }
        .and_then(|r| r.request_id.as_ref())
        .map_or(std::ptr::null(), |s| s.as_ptr())
}

/// How many attempts the call took; 0 for NULL.
#[no_mangle]
pub extern "C" fn dialtime_response_attempts(r: *const dialtime_response) -> u32 {
    unsafe { r.as_ref() }.map_or(0, |r| r.info.attempts)
}

/// From the start of the call to the answer, waits included, in milliseconds; 0 for NULL.
#[no_mangle]
pub extern "C" fn dialtime_response_elapsed_ms(r: *const dialtime_response) -> u64 {
    unsafe { r.as_ref() }.map_or(0, |r| {
        u64::try_from(r.info.elapsed.as_millis()).unwrap_or(u64::MAX)
    })
}

/// The URL path called (ids included, never the query); "" for NULL. Borrowed.
#[no_mangle]
pub extern "C" fn dialtime_response_path(r: *const dialtime_response) -> *const c_char {
    unsafe { r.as_ref() }.map_or(c"".as_ptr(), |r| r.path.as_ptr())
}

/// How many headers the answer had; 0 for NULL.
#[no_mangle]
pub extern "C" fn dialtime_response_header_count(r: *const dialtime_response) -> usize {
    unsafe { r.as_ref() }.map_or(0, |r| r.headers.len())
}

/// Header `i`'s name (lower case); NULL when out of range or for NULL. Borrowed.
#[no_mangle]
pub extern "C" fn dialtime_response_header_name(
    r: *const dialtime_response,
    i: usize,
) -> *const c_char {
    unsafe { r.as_ref() }
        .and_then(|r| r.headers.get(i))
        .map_or(std::ptr::null(), |(n, _)| n.as_ptr())
}

/// Header `i`'s value; NULL when out of range or for NULL. Borrowed.
#[no_mangle]
pub extern "C" fn dialtime_response_header_value(
    r: *const dialtime_response,
    i: usize,
) -> *const c_char {
    unsafe { r.as_ref() }
        .and_then(|r| r.headers.get(i))
        .map_or(std::ptr::null(), |(_, v)| v.as_ptr())
}

/// The first value of header `name` (any case); NULL when absent, or when `r` or `name` is
/// NULL or `name` is not UTF-8. Borrowed.
#[no_mangle]
pub unsafe extern "C" fn dialtime_response_header(
    r: *const dialtime_response,
    name: *const c_char,
) -> *const c_char {
    let Some(r) = (unsafe { r.as_ref() }) else {
        return std::ptr::null();
    };
    let Ok(name) = (unsafe { str_arg("name", name) }) else {
        return std::ptr::null();
    };
    r.info
        .headers
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case(name))
        .and_then(|i| r.headers.get(i))
        .map_or(std::ptr::null(), |(_, v)| v.as_ptr())
}

/// Frees an answer. Accepts NULL.
#[no_mangle]
pub unsafe extern "C" fn dialtime_response_free(r: *mut dialtime_response) {
    unsafe { free_box(r) }
}
