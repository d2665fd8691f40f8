//! Fuzz target: see `../checks.rs`, which `cargo test` also runs on the kept corpus.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::inventory(data));
