//! The Node.js binding of the `dialtime` crate (napi-rs). Each module mirrors a core module and
//! only converts arguments; the error classes are JavaScript classes (in `index.js`), created from
//! `error.rs` only.

// No panic reaches a caller: nothing outside tests unwraps, expects, panics or indexes
// unchecked (a justified local `allow` says why when it must).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]
// napi registers the exports only outside `cfg(test)`.
#![cfg_attr(test, allow(dead_code))]

/// The addon's own allocations (the exchange, the decoded answer) use mimalloc: V8 and Node
/// keep theirs, and nothing allocated here is freed elsewhere.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod call;
mod client;
mod dial_time_groups;
mod emulator;
mod error;
mod event_loop;
mod js;
mod log;
mod memory;
mod model;
mod options;
mod recorder;
mod refs;
mod schedule;
mod validate;

/// The crate version, as sent in the user agent.
#[napi_derive::napi]
pub const VERSION: &str = dialtime::VERSION;
