//! `triage budget`.
