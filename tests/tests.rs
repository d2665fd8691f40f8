//! Integration tests: the real `triage` binary on real files, one test binary for the suite.

mod bad_inventory;
mod bad_scenario;
mod cli;
mod corpus;
mod excel;
mod formats;
mod fuzz_replay;
mod invariants;
mod joint;
mod kagoshima;
mod report;
mod reproducible;
mod scale;
mod scenarios;
mod util;
