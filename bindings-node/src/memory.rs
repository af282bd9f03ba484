//! Native memory an object holds, reported to V8 as external memory: a hint for its
//! collector, which otherwise sees only the few bytes of the JavaScript objects and leaves
//! many of them (and what they hold natively) uncollected.

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Bytes an object reported (`adjust_external_memory`), taken back when it is finalized
/// (`set(env, 0)` in its `ObjectFinalize`). Best effort: a failed report changes nothing.
#[derive(Default)]
pub(crate) struct Reported(i64);

impl Reported {
    /// Reports `bytes` instead of what was reported before.
    pub(crate) fn set(&mut self, env: &Env, bytes: usize) {
        let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
        if env.adjust_external_memory(bytes - self.0).is_ok() {
            self.0 = bytes;
        }
    }
}

/// For the tests only: the external memory V8 counts for this process (what addons reported;
/// `process.memoryUsage().external` shows only array buffers).
#[doc(hidden)]
#[napi(js_name = "__externalMemoryForTests", skip_typescript)]
pub fn external_memory_for_tests(env: Env) -> Result<f64> {
    env.adjust_external_memory(0).map(|bytes| bytes as f64)
}
