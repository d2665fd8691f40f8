//! `triage sweep`.
