//! What a result was computed from: the engine version and a SHA-256 of every input, so that a
//! report can be matched to its files years later and a rerun shown to be the same run.
//!
//! The hashes are of the bytes as they are on disk, before any decoding, so anyone can check
//! them with `sha256sum` (or `certutil -hashfile FILE SHA256` on Windows). The built-in
//! scenario and rules are hashed as the text compiled into the engine
//! (`triage defaults scenario | sha256sum`).

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::{self, Read};

/// The engine that computed a result: `triage` and its version.
pub fn engine() -> String {
    format!("triage {}", env!("CARGO_PKG_VERSION"))
}

/// The SHA-256 of `bytes`, in lower-case hex as `sha256sum` prints it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The size and hash of an input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fingerprint {
    pub bytes: u64,
    pub sha256: String,
}

/// A reader that hashes everything read through it.
pub struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Hashing<R> {
    pub fn new(inner: R) -> Hashing<R> {
        Hashing {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// The fingerprint of the bytes read so far.
    pub fn finish(self) -> Fingerprint {
        Fingerprint {
            bytes: self.bytes,
            sha256: hex(&self.hasher.finalize()),
        }
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Where a result comes from, written with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// `triage` and its version.
    pub engine: String,
    /// The inventory file's size and hash; `None` when the output did not ask for them (the
    /// streamed CSV listing, which has no place to carry them).
    pub inventory: Option<Fingerprint>,
    /// SHA-256 of the scenario file, or of the built-in scenario.
    pub scenario_sha256: String,
    /// The rule file, or "built-in".
    pub rules: String,
    /// SHA-256 of the rule file, or of the built-in rules.
    pub rules_sha256: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_as_sha256sum_does() {
        // `printf abc | sha256sum`
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(sha256_hex(b"abc"), abc);
        let mut reader = Hashing::new(&b"abc"[..]);
        let mut sink = Vec::new();
        reader.read_to_end(&mut sink).unwrap();
        assert_eq!(
            reader.finish(),
            Fingerprint {
                bytes: 3,
                sha256: abc.into()
            }
        );
    }
}
