//! Helpers shared by the integration tests that talk to the emulator.
#![allow(dead_code)]

use dialtime::BlockingClient;
use dialtime_emulator::Emulator;

/// A sub-account id used by the scoping tests.
pub const SUB: &str = "0d1b7c2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";

/// A blocking client for `emu` that never retries (so request counts are exact).
pub fn client(emu: &Emulator) -> BlockingClient {
    BlockingClient::builder()
        .base_url(emu.base_url())
        .token(emu.token())
        .max_retries(0)
        .build_blocking()
        .unwrap()
}
