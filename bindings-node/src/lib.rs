//! The Node.js binding of the `dialtime` crate (napi-rs). Each module mirrors a core module and
//! only converts arguments; the error classes are JavaScript classes (`errors.js`), created from
//! `error.rs` only.

// napi registers the exports only outside `cfg(test)`.
#![cfg_attr(test, allow(dead_code))]

mod client;
mod dial_time_groups;
mod emulator;
mod error;
mod model;
mod validate;

/// The crate version, as sent in the user agent.
#[napi_derive::napi]
pub const VERSION: &str = dialtime::VERSION;
