//! The `triage` binary: parse arguments, call the engine, map errors to exit codes.

mod cli;
mod progress;

use clap::Parser;
use cli::{Cli, Command, DefaultFile, ToolArgs};
use std::process::ExitCode;
use triage::consult;
use triage::export::ReportDyn;
use triage::portfolio::Portfolio;
use triage::scenario::Scenario;

/// jemalloc rather than the system allocator: a national inventory's selected processes are
/// allocated on one thread and freed on another by the hundred thousand, which it does with
/// less waiting (10M rows: 6-11 % less wall time in interleaved runs; see BENCHMARKS.md). Its
/// settings are built in through `.cargo/config.toml`.
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
            let config = match args.to_config() {
                Ok(config) => config,
                Err(e) => return exit::<()>(Err(e)),
            };
            let Some(pool) = pool(args.work.threads) else {
                return ExitCode::from(2);
            };
            let reading =
                progress::Reading::new(&args.input.inventories, args.work.quiet, "ranking");
            let bar = progress::RunBar(reading);
            let mut warn = |w: &str| bar.0.warn(w);
            let result = pool.install(|| triage::run(&config, &mut warn, &bar));
            bar.0.clear();
            match result {
                Ok(summary) => {
                    // A CSV listing carries no summary: the rows it leaves out are counted here.
                    if matches!(config.format, triage::export::Format::Csv(_)) && !args.work.quiet {
                        eprintln!("triage: {}", summary.account(config.listing));
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("triage: error: {e:#}");
                    ExitCode::from(e.exit_code())
                }
            }
        }
        Command::Compare(args) => tool(&args.tool, |portfolio| {
            let scenarios = match args.scenarios.len() {
                1 => vec![
                    Scenario::builtin(),
                    Scenario::read_path(&args.scenarios[0])?,
                ],
                _ => (args.scenarios.iter())
                    .map(|p| Scenario::read_path(p))
                    .collect::<triage::Result<_>>()?,
            };
            let report = consult::compare::compare(portfolio, &scenarios)?;
            Ok(Box::new(report))
        }),
        Command::Sweep(args) => {
            // Arguments are checked before a large inventory is read.
            let scenario = consult::scenario(args.scenario.as_deref());
            let ranges = scenario.and_then(|s| {
                let ranges = (args.vary.iter())
                    .map(|v| consult::sweep::Range::parse(v, &s))
                    .collect::<triage::Result<Vec<_>>>()?;
                Ok((s, ranges))
            });
            let (scenario, ranges) = match ranges {
                Ok(ready) => ready,
                Err(e) => return exit::<()>(Err(e)),
            };
            tool(&args.tool, |portfolio| {
                let report = consult::sweep::sweep(portfolio, &scenario, &ranges, args.steps)?;
                Ok(Box::new(report))
            })
        }
        Command::Simulate(args) => {
            let scenario = match Scenario::read_path(&args.scenario) {
                Ok(s) => s,
                Err(e) => return exit::<()>(Err(e)),
            };
            tool(&args.tool, |portfolio| {
                let report =
                    consult::simulate::simulate(portfolio, &scenario, args.draws, args.seed)?;
                Ok(Box::new(report))
            })
        }
        Command::Budget(args) => {
            let scenario = match consult::scenario(args.scenario.as_deref()) {
                Ok(s) => s,
                Err(e) => return exit::<()>(Err(e)),
            };
            let limits = consult::budget::Limits {
                budget_per_year: args.budget_per_year,
                max_starts_per_year: args.max_starts_per_year,
            };
            tool(&args.tool, |portfolio| {
                let report = consult::budget::plan(portfolio, &scenario, limits)?;
                Ok(Box::new(report))
            })
        }
        Command::Report(args) => {
            let config = match args.to_config() {
                Ok(config) => config,
                Err(e) => return exit::<()>(Err(e)),
            };
            let Some(pool) = pool(args.work.threads) else {
                return ExitCode::from(2);
            };
            let bar = progress::Reading::new(&args.input.inventories, args.work.quiet, "analysing");
            let result = pool.install(|| {
                let mut warn = |w: &str| bar.warn(w);
                triage::report(&config, &mut warn, &|n| bar.read(n))
            });
            bar.clear();
            exit(result)
        }
        Command::Gen(args) => {
            let result = triage::export::write_to(args.output.as_deref(), |out| {
                triage::generate::write_inventory(args.rows, args.seed, out)
            });
            exit(result)
        }
        Command::Defaults { which } => {
            let text = match which {
                DefaultFile::Scenario => triage::scenario::DEFAULT_TOML,
                DefaultFile::Rules => triage::classify::DEFAULT_TOML,
            };
            exit(triage::export::write_to(None, |out| {
                out.write_all(text.as_bytes())
            }))
        }
    }
}

/// The worker threads asked for (one per CPU by default); `None`, with the error on stderr,
/// when they cannot be started.
fn pool(threads: Option<u16>) -> Option<rayon::ThreadPool> {
    let threads = threads.map_or(0, usize::from);
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => Some(pool),
        Err(e) => {
            eprintln!("triage: error: cannot start {threads} threads: {e}");
            None
        }
    }
}

/// Runs a scenario tool: reads the inventory once (with a progress bar on a terminal), hands
/// it to `make`, and writes the report.
fn tool(
    args: &ToolArgs,
    make: impl FnOnce(&Portfolio) -> triage::Result<Box<dyn ReportDyn>> + Send,
) -> ExitCode {
    let Some(pool) = pool(args.work.threads) else {
        return ExitCode::from(2);
    };
    let format = match args.output_format() {
        Ok(format) => format,
        Err(e) => return exit::<()>(Err(e)),
    };
    let bar = progress::Reading::new(&args.input.inventories, args.work.quiet, "analysing");
    let result = pool.install(|| {
        let mut warn = |w: &str| bar.warn(w);
        let portfolio = consult::open(
            &args.input.inventories,
            args.input.sheet.as_deref(),
            args.input.rules.as_deref(),
            &mut warn,
            &|n| bar.read(n),
        );
        // The scenarios are evaluated under the spinner; it is gone before the output.
        let report = portfolio.and_then(|portfolio| make(&portfolio));
        bar.clear();
        let report = report?;
        let mut unmappable = 0;
        triage::export::write_to(args.out.output.as_deref(), |out| {
            unmappable = triage::export::render_report(report.as_ref(), format, out)?;
            Ok(())
        })?;
        if unmappable > 0 {
            warn(&triage::export::unmappable_warning(unmappable));
        }
        Ok(())
    });
    exit(result)
}

/// The exit status of a command, with its error on stderr.
fn exit<T>(result: triage::Result<T>) -> ExitCode {
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("triage: error: {e:#}");
            ExitCode::from(e.exit_code())
        }
    }
}
