//! `triage simulate`.
