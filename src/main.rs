//! The `triage` binary: parse arguments, call the engine, map errors to exit codes.

mod cli;

use clap::Parser;
use cli::{Cli, Command, DefaultFile};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Run(args) => {
            let config = args.into_config();
            let mut warn = |w: &str| eprintln!("triage: warning: {w}");
            match triage::run(&config, &mut warn) {
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("triage: error: {e:#}");
                    ExitCode::from(e.exit_code())
                }
            }
        }
        Command::Defaults { which } => {
            let text = match which {
                DefaultFile::Scenario => triage::scenario::DEFAULT_TOML,
                DefaultFile::Rules => triage::classify::DEFAULT_TOML,
            };
            match triage::export::write_to(None, |out| out.write_all(text.as_bytes())) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("triage: error: {e:#}");
                    ExitCode::from(e.exit_code())
                }
            }
        }
    }
}
