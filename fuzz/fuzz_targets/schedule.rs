#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| dialtime_fuzz::schedule(data));
