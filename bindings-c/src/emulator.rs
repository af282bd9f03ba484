//! The core emulator, in-process on 127.0.0.1, for tests in C and C++.

use std::ffi::{c_char, CString};

use ::dialtime_emulator::{Emulator, Fault};

use super::error::{dialtime_error, dialtime_status};
use super::ffi::{c_string, free_box, guard, handle, invalid, out_arg, str_arg, write_out};

/// A running emulator. Thread-safe. Strings from its accessors are borrowed: valid until
/// dialtime_emulator_free.
pub struct dialtime_emulator {
    inner: Emulator,
    base_url: CString,
    token: CString,
    user_id: CString,
    ca_pem: Option<CString>,
}

/// Starts an emulator on a free port of 127.0.0.1, with a random token and user id. On
/// success `*out` is owned by the caller: dialtime_emulator_free stops and frees it.
#[no_mangle]
pub unsafe extern "C" fn dialtime_emulator_start(
    out: *mut *mut dialtime_emulator,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    unsafe { start(false, out, err) }
}

/// Starts an emulator serving HTTPS, with a certificate issued by a test CA made for it
/// (dialtime_emulator_ca_pem): for exercising the root certificate options. Ownership as
/// dialtime_emulator_start.
#[no_mangle]
pub unsafe extern "C" fn dialtime_emulator_start_tls(
    out: *mut *mut dialtime_emulator,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    unsafe { start(true, out, err) }
}

unsafe fn start(
    tls: bool,
    out: *mut *mut dialtime_emulator,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let inner = Emulator::builder()
            .tls(tls)
            .start()
            .map_err(|e| invalid(format!("cannot start the emulator: {e}")))?;
        write_out(
            out,
            dialtime_emulator {
                base_url: c_string(inner.base_url()),
                token: c_string(inner.token()),
                user_id: c_string(inner.user_id()),
                ca_pem: inner.ca_pem().map(c_string),
                inner,
            },
        );
        Ok(())
    })
}

/// The test CA's certificate (PEM) of an emulator started with dialtime_emulator_start_tls;
/// NULL for a plain HTTP one or NULL. Borrowed.
#[no_mangle]
pub extern "C" fn dialtime_emulator_ca_pem(emu: *const dialtime_emulator) -> *const c_char {
    unsafe { emu.as_ref() }
        .and_then(|e| e.ca_pem.as_ref())
        .map_or(std::ptr::null(), |c| c.as_ptr())
}

/// "http://127.0.0.1:PORT". Borrowed; NULL for NULL.
#[no_mangle]
pub extern "C" fn dialtime_emulator_base_url(emu: *const dialtime_emulator) -> *const c_char {
    unsafe { emu.as_ref() }.map_or(std::ptr::null(), |e| e.base_url.as_ptr())
}

/// The token it accepts. Borrowed; NULL for NULL.
#[no_mangle]
pub extern "C" fn dialtime_emulator_token(emu: *const dialtime_emulator) -> *const c_char {
    unsafe { emu.as_ref() }.map_or(std::ptr::null(), |e| e.token.as_ptr())
}

/// The user id the token belongs to. Borrowed; NULL for NULL.
#[no_mangle]
pub extern "C" fn dialtime_emulator_user_id(emu: *const dialtime_emulator) -> *const c_char {
    unsafe { emu.as_ref() }.map_or(std::ptr::null(), |e| e.user_id.as_ptr())
}

/// API requests received so far (control routes are not counted); 0 for NULL.
#[no_mangle]
pub extern "C" fn dialtime_emulator_request_count(emu: *const dialtime_emulator) -> u64 {
    unsafe { emu.as_ref() }.map_or(0, |e| e.inner.request_count())
}

/// Queues a fault for the next API request(s), as JSON: `{"status":429,"retry_after":"1"}`,
/// `{"delay_ms":500}`, `{"status":200,"body":"not json"}`, `{"drop":true,"times":2}` (see the
/// emulator's README). An unknown field gives DIALTIME_STATUS_INVALID_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn dialtime_emulator_push_fault_json(
    emu: *const dialtime_emulator,
    json: *const c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let emu = unsafe { handle("emu", emu) }?;
        let fault: Fault = serde_json::from_str(unsafe { str_arg("json", json) }?)
            .map_err(|e| invalid(format!("json is not a fault: {e}")))?;
        emu.inner.push_fault(fault);
        Ok(())
    })
}

/// Drops every queued fault. NULL is ignored.
#[no_mangle]
pub extern "C" fn dialtime_emulator_clear_faults(emu: *const dialtime_emulator) {
    if let Some(e) = unsafe { emu.as_ref() } {
        e.inner.clear_faults();
    }
}

/// The last API request the emulator received, as JSON (`{"method", "path", "headers"}`; the
/// token never appears). On success `*out_json` is owned by the caller (free with
/// dialtime_string_free); "null" before any request.
#[no_mangle]
pub unsafe extern "C" fn dialtime_emulator_last_request_json(
    emu: *const dialtime_emulator,
    out_json: *mut *mut c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out_json", out_json)?;
        let e = unsafe { handle("emu", emu) }?;
        let json = e
            .inner
            .last_request()
            .unwrap_or(serde_json::Value::Null)
            .to_string();
        super::ffi::write_string(out_json, json);
        Ok(())
    })
}

/// Stops the emulator (waiting for its thread) and frees it. Accepts NULL.
#[no_mangle]
pub unsafe extern "C" fn dialtime_emulator_free(emu: *mut dialtime_emulator) {
    unsafe { free_box(emu) }
}
