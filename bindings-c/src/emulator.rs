//! The core emulator, in-process on 127.0.0.1, for tests in C and C++.

use std::ffi::{c_char, CString};

use ::dialtime_emulator::{Emulator, EmulatorBuilder, Fault, FaultId};

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

/// Starts an emulator with options given as JSON, every key optional: `{"port": 0, "token":
/// "…", "user_id": "…", "sub_users": ["…"], "groups": [ … save payloads … ],
/// "request_log_limit": 10000, "tls": false}`. An unknown key, a seed group that breaks a
/// rule (its problems at `groups[i]…`) or a port in use gives an error. `options_json` may
/// be NULL (all defaults). Ownership as dialtime_emulator_start.
#[no_mangle]
pub unsafe extern "C" fn dialtime_emulator_start_json(
    options_json: *const c_char,
    out: *mut *mut dialtime_emulator,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let builder = match options_json.is_null() {
            true => Emulator::builder(),
            false => {
                let text = unsafe { str_arg("options_json", options_json) }?;
                let json: serde_json::Value = serde_json::from_str(text)
                    .map_err(|e| invalid(format!("options_json is not JSON: {e}")))?;
                EmulatorBuilder::from_json(&json)?
            }
        };
        unsafe { start_with(builder, out) }
    })
}

unsafe fn start(
    tls: bool,
    out: *mut *mut dialtime_emulator,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || unsafe {
        start_with(Emulator::builder().tls(tls), out)
    })
}

unsafe fn start_with(
    builder: EmulatorBuilder,
    out: *mut *mut dialtime_emulator,
) -> Result<(), super::ffi::Failure> {
    out_arg("out", out)?;
    let inner = builder
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
/// emulator's README). An unknown field gives DIALTIME_STATUS_INVALID_ARGUMENT. When
/// `out_id` is not NULL it receives the fault's id, for dialtime_emulator_remove_fault.
#[no_mangle]
pub unsafe extern "C" fn dialtime_emulator_push_fault_json(
    emu: *const dialtime_emulator,
    json: *const c_char,
    out_id: *mut u64,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let emu = here(unsafe { handle("emu", emu) }?)?;
        let value: serde_json::Value = serde_json::from_str(unsafe { str_arg("json", json) }?)
            .map_err(|e| invalid(format!("json is not a fault: {e}")))?;
        // Checked as the HTTP control route and the other languages check it (a status of
        // 1000 or a header that cannot be sent was queued and ignored).
        let fault = Fault::from_json(value).map_err(|e| invalid(e.to_string()))?;
        let id = emu.inner.push_fault(fault);
        if let Some(out_id) = unsafe { out_id.as_mut() } {
            *out_id = id.get();
        }
        Ok(())
    })
}

/// Removes a queued fault before requests use it up (a test's faults end with the test):
/// true when it was still queued. NULL is ignored (false).
#[no_mangle]
pub extern "C" fn dialtime_emulator_remove_fault(emu: *const dialtime_emulator, id: u64) -> bool {
    unsafe { emu.as_ref() }.is_some_and(|e| e.inner.remove_fault(FaultId::from_u64(id)))
}

/// How many requests the queued faults would still apply to; 0 for NULL.
#[no_mangle]
pub extern "C" fn dialtime_emulator_pending_faults(emu: *const dialtime_emulator) -> u64 {
    unsafe { emu.as_ref() }.map_or(0, |e| e.inner.pending_faults())
}

/// Every API request received so far, oldest first, as a JSON array of
/// `{"method", "path", "query", "headers", "authorized", "body", "body_text", "time",
/// "request_id"}` (the token never appears: `authorization` is `"[present]"`). On success
/// `*out_json` is owned by the caller (free with dialtime_string_free).
#[no_mangle]
pub unsafe extern "C" fn dialtime_emulator_requests_json(
    emu: *const dialtime_emulator,
    out_json: *mut *mut c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out_json", out_json)?;
        let e = here(unsafe { handle("emu", emu) }?)?;
        let json =
            serde_json::to_string(&e.inner.requests()).map_err(|e| invalid(e.to_string()))?;
        super::ffi::write_string(out_json, json);
        Ok(())
    })
}

/// Empties the request log (the request count keeps counting). NULL is ignored.
#[no_mangle]
pub extern "C" fn dialtime_emulator_clear_requests(emu: *const dialtime_emulator) {
    if let Some(e) = unsafe { emu.as_ref() } {
        e.inner.clear_requests();
    }
}

/// Drops every queued fault. NULL is ignored.
#[no_mangle]
pub extern "C" fn dialtime_emulator_clear_faults(emu: *const dialtime_emulator) {
    if let Some(e) = unsafe { emu.as_ref() } {
        e.inner.clear_faults();
    }
}

/// The last API request the emulator received, as JSON (one item of
/// dialtime_emulator_requests_json; the token never appears). On success `*out_json` is owned by the caller (free with
/// dialtime_string_free); "null" before any request.
#[no_mangle]
pub unsafe extern "C" fn dialtime_emulator_last_request_json(
    emu: *const dialtime_emulator,
    out_json: *mut *mut c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out_json", out_json)?;
        let e = here(unsafe { handle("emu", emu) }?)?;
        let json = e
            .inner
            .last_request()
            .map_or(serde_json::Value::Null, |r| r.to_json())
            .to_string();
        super::ffi::write_string(out_json, json);
        Ok(())
    })
}

/// The emulator, unless this is a forked child's copy of its parent's (see
/// `Emulator::is_forked_copy`: its faults and log are the parent's, behind locks a thread of
/// the parent may have held at the fork).
fn here(emu: &dialtime_emulator) -> Result<&dialtime_emulator, super::ffi::Failure> {
    if emu.inner.is_forked_copy() {
        return Err(invalid(
            ::dialtime_emulator::Emulator::FORKED_COPY.to_owned(),
        ));
    }
    Ok(emu)
}

/// Stops the emulator (waiting for its thread) and frees it. Accepts NULL.
#[no_mangle]
pub unsafe extern "C" fn dialtime_emulator_free(emu: *mut dialtime_emulator) {
    unsafe { free_box(emu) }
}
