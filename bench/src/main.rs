//! `bench`: measures Portico against ceilings taken in the same run on the same machine,
//! on SQLite and on PostgreSQL, and writes docs/BENCHMARKS.md with charts.
//!
//! `bench/run` builds everything and calls `bench run`; the other subcommands are the
//! ceiling programs the harness starts as separate processes.

mod ceilings;
mod directory;
mod load;
mod machine;
mod report;
mod scenario;
mod seed;
mod server;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

/// The allocator Portico uses, so the ceilings (Argon2 above all) are measured alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every scenario and ceiling and write the report.
    Run(RunArgs),
    /// Only the directory's latencies and the seed rate, printed (the full run includes them).
    Directory {
        #[arg(long, value_delimiter = ',', default_value = "10000,1000000")]
        sizes: Vec<usize>,
        #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
        stores: Vec<String>,
        #[arg(long, env = "PORTICO_BENCH_PG_URL", default_value = "postgres://postgres@127.0.0.1:5432/test")]
        postgres: String,
        #[arg(long, default_value_t = 50_000)]
        seed_members: usize,
    },
    /// Seeds a database as a run does and writes the members' tokens and emails into `dir`,
    /// for profiling one scenario by hand (see bench/analysis.md).
    Populate {
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 1000)]
        members: usize,
        #[arg(long)]
        dir: PathBuf,
    },
    /// Writes the report again from a run's `results.json` (after editing bench/analysis.md).
    Report {
        #[arg(long, default_value = "docs/bench/results.json")]
        results: PathBuf,
        #[arg(long, default_value = "docs")]
        out: PathBuf,
    },
    /// The HTTP ceiling: a minimal axum server that parses the same bodies and answers 200.
    CeilingHttp {
        #[arg(long, default_value = "127.0.0.1:0")]
        bind: String,
    },
    /// The SQLite ceiling: raw transactions with Portico's connection settings.
    CeilingSqlite {
        /// The database file.
        #[arg(long)]
        path: String,
        #[arg(long)]
        mode: ceilings::SqliteMode,
        #[arg(long)]
        connections: usize,
        /// UPDATEs per transaction (`update-batched`).
        #[arg(long, default_value_t = 1)]
        batch: usize,
        #[arg(long, value_parser = humantime_secs)]
        duration: Duration,
        #[arg(long)]
        members: i64,
    },
}

#[derive(clap::Args, Clone)]
pub struct RunArgs {
    /// The release `portico` binary to measure.
    #[arg(long)]
    pub portico: PathBuf,
    /// How long each measurement runs.
    #[arg(long, default_value = "4", value_parser = humantime_secs)]
    pub duration: Duration,
    #[arg(long, value_delimiter = ',', default_value = "16,64")]
    pub connections: Vec<usize>,
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    pub stores: Vec<String>,
    /// Members the load is spread over (and as many more for password changes).
    #[arg(long, default_value_t = 1000)]
    pub members: usize,
    /// Members at one location for the directory's search and tag-filter latencies.
    #[arg(long, value_delimiter = ',', default_value = "10000,1000000")]
    pub directory_sizes: Vec<usize>,
    /// Members in the database whose start-up time is measured.
    #[arg(long, default_value_t = 100_000)]
    pub startup_members: usize,
    /// PostgreSQL server to create the benchmark databases on.
    #[arg(long, env = "PORTICO_BENCH_PG_URL", default_value = "postgres://postgres@127.0.0.1:5432/test")]
    pub postgres: String,
    /// A quick run that only checks every scenario works; writes no report.
    #[arg(long)]
    pub smoke: bool,
    /// Where the report and charts go.
    #[arg(long, default_value = "docs")]
    pub out: PathBuf,
}

fn humantime_secs(text: &str) -> Result<Duration, String> {
    text.trim_end_matches('s').parse::<f64>().map(Duration::from_secs_f64).map_err(|e| e.to_string())
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => {
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            runtime.block_on(scenario::run_all(args))
        }
        Command::Directory { sizes, stores, postgres, seed_members } => {
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            let work = std::env::temp_dir().join(format!("portico-bench-dir-{}", std::process::id()));
            std::fs::create_dir_all(&work)?;
            let results =
                runtime.block_on(directory::run(&stores, &sizes, &postgres, &work, seed_members))?;
            let _ = std::fs::remove_dir_all(&work);
            println!("{}", serde_json::to_string_pretty(&results)?);
            Ok(())
        }
        Command::Populate { database_url, members, dir } => {
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            std::fs::create_dir_all(&dir)?;
            let population = runtime.block_on(seed::populate(&database_url, members, 0, &dir))?;
            println!("{}", population.tokens_file.display());
            Ok(())
        }
        Command::Report { results, out } => {
            let results: scenario::Results = serde_json::from_str(&std::fs::read_to_string(&results)?)?;
            report::write(&results, &out)
        }
        Command::CeilingHttp { bind } => {
            let runtime =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
            runtime.block_on(ceilings::serve_http(&bind))
        }
        Command::CeilingSqlite { path, mode, connections, batch, duration, members } => {
            ceilings::sqlite_load(&path, mode, connections, batch, duration, members)
        }
    }
}
