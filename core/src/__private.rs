//! Not part of the API: what only the bindings, the emulator, the fuzzers and the tests use.
//! It may change in any release; Rust users never need it.

use crate::client::config::ClientBuilder;

pub use crate::client::config::{
    redact_token, retries_from, retries_from_number, timeout_from_millis, timeout_from_secs,
    timeout_from_whole_millis,
};
pub use crate::client::response::{
    decode, excerpt, parse_retry_after, unsafe_to_print, RawResponse, Success, BODY_EXCERPT_BYTES,
    RETRY_AFTER_MAX,
};
/// A create / update payload's JSON text read without a `Value` tree when it is well-formed
/// and keeps every rule; `None` for any other, which the caller reads in full (for every
/// problem). What `new_group_from_json_str` tries first, for a binding whose fallback is not
/// parsing the text (Node walks a value too deep for it).
pub use crate::validate::fast::{new_group as quick_new_group, update as quick_update};
pub use crate::validate::host::{
    not_finite, not_json, not_unicode, page_number, threw, too_deep, too_many_items,
    too_many_values, too_much_text, weekday_number, whole_number, with_index, with_key,
    ValueBudget, MAX_ITEMS, MAX_NESTING, MAX_TEXT, MAX_VALUES,
};
pub use crate::validate::json::{read_new_group, read_update, UnknownFields};
pub use crate::validate::rules::quoted;

/// The one runtime dialtime creates, for callers that are not async (see `runtime.rs`).
pub mod runtime {
    pub use crate::runtime::{
        block_on, block_sigpipe_on_this_thread, handle, interruptible, spawn, EventLoop, Interrupt,
    };

    /// Which process in a chain of forks this is (0 in the one that loaded dialtime): what a
    /// binding made in another generation (a lock held by a thread the child does not have)
    /// must not be used.
    pub fn fork_generation() -> u64 {
        crate::runtime::fork::generation()
    }

    pub use crate::runtime::fork::PerFork;
}

/// How many times this process built the verifier of the system's root certificates that
/// every client trusting them shares (once as a rule; each failed or racing attempt counts).
pub fn system_roots_loaded() -> usize {
    crate::client::tls::system_roots_loaded()
}

/// Names the binding in the user agent: `dialtime/0.1.0 (python)`.
pub fn with_binding(builder: ClientBuilder, name: &str) -> ClientBuilder {
    builder.binding(name)
}

/// Names the options in messages as a binding whose options are camelCase spells them
/// (`userAgentSuffix must be printable ASCII`).
pub fn with_camel_case_options(mut builder: ClientBuilder) -> ClientBuilder {
    builder.camel_case_options = true;
    builder
}

pub use crate::client::config::camel_case;

/// The stderr logger `DIALTIME_LOG` (`debug`, `info`) asks for, when it is set.
pub fn env_logger() -> Option<std::sync::Arc<dyn crate::client::log::Logger>> {
    stderr_logger(crate::client::log::Level::from_env()?)
}

/// The stderr logger a `DIALTIME_LOG` value read by the host (a Node worker's `process.env`)
/// asks for.
pub fn env_logger_from(
    value: Option<&str>,
) -> Option<std::sync::Arc<dyn crate::client::log::Logger>> {
    stderr_logger(crate::client::log::Level::from_setting(value?)?)
}

fn stderr_logger(
    level: crate::client::log::Level,
) -> Option<std::sync::Arc<dyn crate::client::log::Logger>> {
    Some(std::sync::Arc::new(crate::client::log::StderrLogger {
        level,
    }))
}

/// The environment variables a client reads (token, base URL, logging), for a host whose
/// environment is its own view ([`with_environment`]).
pub const ENV_VARS: [&str; 3] = [
    crate::client::config::ENV_TOKEN,
    crate::client::config::ENV_BASE_URL,
    crate::client::log::ENV_LOG,
];

/// Reads unset `token` and `base_url` from `vars` (the host's view of [`ENV_VARS`]) instead
/// of the process's environment: a Node worker's `process.env` is its own copy, which the
/// process's environment does not follow.
pub fn with_environment(
    mut builder: ClientBuilder,
    vars: impl IntoIterator<Item = (String, String)>,
) -> ClientBuilder {
    builder.environment = Some(vars.into_iter().collect());
    builder
}

/// A [`crate::ResponseInfo`] from its parts, for a binding that unpickles one; `None` when
/// `method` is not one dialtime sends.
#[allow(clippy::too_many_arguments)]
pub fn response_info(
    method: &str,
    path: String,
    http_status: u16,
    request_id: Option<String>,
    headers: Vec<(String, String)>,
    attempts: u32,
    elapsed: std::time::Duration,
) -> Option<crate::ResponseInfo> {
    let method = ["GET", "POST", "PUT", "DELETE"]
        .into_iter()
        .find(|m| *m == method)?;
    Some(crate::ResponseInfo {
        method,
        path,
        http_status,
        request_id,
        headers,
        attempts,
        elapsed,
    })
}
