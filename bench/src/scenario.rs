//! The benchmark run: ceilings first, then every scenario on every store, then the
//! report. Every Portico figure is divided by a ceiling measured minutes earlier on the
//! same machine.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::RunArgs;
use crate::ceilings;
use crate::load::{Load, Measurement};
use crate::machine::{self, MachineInfo};
use crate::seed::{self, BenchDatabase, PASSWORD, Population};
use crate::server::{self, Server};

/// Database connections of a Portico node (`PORTICO_DB_MAX_CONNECTIONS`, default 8); the
/// PostgreSQL ceiling runs with as many.
pub const PORTICO_POOL: usize = 8;

/// The scenarios, in the order they run (password changes last: they end other sessions).
pub const SCENARIOS: [&str; 8] = [
    "get_profile",
    "get_profile_basic",
    "get_avatar",
    "patch_spread",
    "patch_hot",
    "mix",
    "sign_in",
    "password_change",
];

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    pub scenario: String,
    pub connections: usize,
    pub measurement: Measurement,
    pub ceiling: String,
    pub ceiling_throughput: f64,
}

impl Row {
    pub fn ratio(&self) -> f64 {
        if self.ceiling_throughput > 0.0 {
            self.measurement.throughput / self.ceiling_throughput
        } else {
            0.0
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoreResults {
    pub store: String,
    pub rows: Vec<Row>,
    /// Measured in turn with the PATCH scenarios (medians).
    pub update_ceilings: Vec<(usize, f64)>,
    pub hot_update_ceilings: Vec<(usize, f64)>,
    /// Measured once, before Portico starts.
    pub select_ceilings: Vec<(usize, f64)>,
    /// SQLite only: the same UPDATEs in transactions of the size Portico's writer formed
    /// during the PATCH run at that many connections: (connections, tx-grouped UPDATEs/s,
    /// mean commands per group).
    #[serde(default)]
    pub grouped_update_ceilings: Vec<(usize, f64, f64)>,
    pub idle_rss_mib: f64,
    pub get_p99_alone_us: u64,
    pub get_p99_with_password_changes_us: u64,
    pub get_throughput_with_password_changes: f64,
    /// GET p99 alone and while the PATCH load of the most connections runs beside it
    /// (medians of three), and the GET's rate beside it.
    #[serde(default)]
    pub get_p99_quiet_us: u64,
    #[serde(default)]
    pub get_p99_with_patches_us: u64,
    #[serde(default)]
    pub patch_connections_beside: usize,
    /// `/healthz` alone, and while four clients page a directory whose members all have the
    /// heaviest bio allowed (medians of three).
    #[serde(default)]
    pub healthz_quiet: Measurement,
    #[serde(default)]
    pub healthz_with_directory_readers: Measurement,
    /// The directory readers on their own, once (their throughput and errors).
    #[serde(default)]
    pub directory_readers: Measurement,
    pub startup_ms: Vec<f64>,
    pub startup_members: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    pub machine: MachineInfo,
    pub duration_s: f64,
    pub members: usize,
    pub http_get_ceilings: Vec<(usize, Measurement)>,
    pub http_patch_ceilings: Vec<(usize, Measurement)>,
    pub argon2_per_second: f64,
    pub stores: Vec<StoreResults>,
    pub directory: crate::directory::DirectoryResults,
}

pub async fn run_all(args: RunArgs) -> anyhow::Result<()> {
    let args = if args.smoke {
        RunArgs {
            // Three seconds, not one: on a busy CI machine a debug build once finished no
            // Argon2-bound request (sign-in, password change) inside a one-second window.
            duration: Duration::from_secs(3),
            connections: vec![4],
            // Enough members that no password-changing member has two changes in flight.
            members: 150,
            startup_members: 1000,
            ..args
        }
    } else {
        args
    };
    let work = std::env::temp_dir().join(format!("portico-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let bench = std::env::current_exe()?;
    let lua = lua_dir()?;
    eprintln!("bench: measuring the HTTP ceiling");
    let http = Server::start(&bench, &["ceiling-http"], &[])?;
    let mut results = Results {
        machine: machine::describe(),
        duration_s: args.duration.as_secs_f64(),
        members: args.members,
        http_get_ceilings: Vec::new(),
        http_patch_ceilings: Vec::new(),
        argon2_per_second: 0.0,
        stores: Vec::new(),
        directory: Default::default(),
    };
    let tokens = work.join("ceiling-tokens.txt");
    std::fs::write(&tokens, "ceiling-token")?;
    for &connections in &args.connections {
        let env = vec![("BENCH_TOKENS", tokens.display().to_string())];
        let get = Load {
            lua_dir: &lua,
            scenario: "get_profile",
            target: http.host_port(),
            connections,
            duration: args.duration,
            env: env.clone(),
        };
        results.http_get_ceilings.push((connections, get.run(Some(http.pid()))?));
        let patch = Load { scenario: "patch_spread", ..get };
        results.http_patch_ceilings.push((connections, patch.run(Some(http.pid()))?));
    }
    eprintln!("bench: measuring the Argon2id ceiling");
    results.argon2_per_second =
        ceilings::argon2(hash_threads(), args.duration.min(Duration::from_secs(3))).await?;

    for store in &args.stores {
        results.stores.push(run_store(&args, store, &work, &lua, &bench, &results, &http).await?);
    }
    let (sizes, seed_members) =
        if args.smoke { (vec![1000], 2000) } else { (args.directory_sizes.clone(), 50_000) };
    results.directory =
        crate::directory::run(&args.stores, &sizes, &args.postgres, &work, seed_members).await?;
    let _ = std::fs::remove_dir_all(&work);
    check_every_scenario_worked(&results)?;
    if args.smoke {
        eprintln!("bench: smoke run passed: every scenario and ceiling ran without errors");
        return Ok(());
    }
    crate::report::write(&results, &args.out)?;
    eprintln!("bench: wrote {}", args.out.join("BENCHMARKS.md").display());
    Ok(())
}

/// Portico's default: half the cores hash passwords.
fn hash_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
}

fn lua_dir() -> anyhow::Result<PathBuf> {
    let from_manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("lua");
    if from_manifest.is_dir() {
        Ok(from_manifest)
    } else {
        anyhow::bail!("the wrk scripts are missing: {}", from_manifest.display())
    }
}

async fn run_store(
    args: &RunArgs,
    store: &str,
    work: &Path,
    lua: &Path,
    bench: &Path,
    results: &Results,
    http: &Server,
) -> anyhow::Result<StoreResults> {
    let database = BenchDatabase::create(store, work, &args.postgres, "load").await?;
    let changers = password_changers(args.duration);
    eprintln!("bench: {}: seeding {} + {changers} members", database.label, args.members);
    let population = seed::populate(&database.url, args.members, changers, work).await?;
    seed::settle(&database.url).await?;

    let store_ceiling = |mode: &str, connections: usize, members: usize| -> anyhow::Result<f64> {
        let ceiling = match store {
            "sqlite" => {
                let path = seed::sqlite_file(&database.url).context("a SQLite URL")?;
                // One connection in a plain loop: no thread hops (the connections of the
                // scenario do not apply to the store alone).
                ceilings::sqlite(bench, path, mode, connections, 1, args.duration, members)?
            }
            // The same connection settings as Portico: no more connections than its pool has.
            _ => ceilings::postgres(
                &database.url,
                mode,
                connections.min(PORTICO_POOL),
                args.duration,
                members,
            )?,
        };
        Ok(ceiling.throughput)
    };
    eprintln!("bench: {}: measuring the store's SELECT ceiling", database.label);
    let mut select_ceilings = Vec::new();
    for &connections in &args.connections {
        select_ceilings.push((connections, store_ceiling("select", connections, args.members)?));
    }

    seed::settle(&database.url).await?;
    let portico = Server::portico(&args.portico, &database.url)?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_rss_mib = machine::rss_kib(portico.pid()).0 as f64 / 1024.0;
    let (mut update_ceilings, mut hot_update_ceilings) = (Vec::new(), Vec::new());
    let mut get_ceilings = Vec::new();
    let mut grouped_update_ceilings = Vec::new();
    let mut rows = Vec::new();
    let mut password_runs = 0;
    for scenario in SCENARIOS {
        for &connections in &args.connections {
            eprintln!("bench: {}: {scenario} at {connections} connections", database.label);
            let tokens = if scenario == "password_change" {
                password_runs += 1;
                population.password_slice(password_runs)?
            } else {
                population.tokens_file.clone()
            };
            let load =
                scenario_load(lua, scenario, &portico, connections, args.duration, &population, &tokens);
            let ours = || load.run(Some(portico.pid()));
            let at =
                |list: &[(usize, f64)]| list.iter().find(|(c, _)| *c == connections).map_or(0.0, |(_, v)| *v);
            let (measurement, ceiling, ceiling_throughput) = match scenario {
                "get_profile" => {
                    let ceiling_load = Load {
                        target: http.host_port(),
                        ..scenario_load(
                            lua,
                            scenario,
                            &portico,
                            connections,
                            args.duration,
                            &population,
                            &tokens,
                        )
                    };
                    let (m, c) = paired(ours, || Ok(ceiling_load.run(Some(http.pid()))?.throughput))?;
                    get_ceilings.push((connections, c));
                    (m, "minimal axum GET", c)
                }
                "get_profile_basic" => {
                    // Each credential is hashed once; the warm-up pays for it.
                    let warm = Load { duration: Duration::from_secs(2), env: load.env.clone(), ..load };
                    warm.run(Some(portico.pid()))?;
                    let bearer = rows
                        .iter()
                        .find(|r: &&Row| r.scenario == "get_profile" && r.connections == connections)
                        .map_or(0.0, |r| r.measurement.throughput);
                    (ours()?, "Portico's bearer GET at as many connections", bearer)
                }
                "get_avatar" => {
                    let bearer = rows
                        .iter()
                        .find(|r: &&Row| r.scenario == "get_profile" && r.connections == connections)
                        .map_or(0.0, |r| r.measurement.throughput);
                    (ours()?, "Portico's bearer GET of the profile at as many connections", bearer)
                }
                "patch_spread" => {
                    let groups_before = server::write_groups(&portico).await?;
                    let (m, c) = paired(ours, || store_ceiling("update", connections, args.members))?;
                    update_ceilings.push((connections, c));
                    if store == "sqlite" {
                        let groups = server::write_groups(&portico).await?.since(&groups_before);
                        let path = seed::sqlite_file(&database.url).context("a SQLite URL")?;
                        let size = groups.mean_size().round().max(1.0) as usize;
                        let grouped = ceilings::sqlite(
                            bench,
                            path,
                            "update-batched",
                            1,
                            size,
                            args.duration,
                            args.members,
                        )?;
                        grouped_update_ceilings.push((connections, grouped.throughput, groups.mean_size()));
                    }
                    (m, "raw store UPDATE, one per transaction", c)
                }
                "patch_hot" => {
                    let (m, c) = paired(ours, || store_ceiling("update", connections, 1))?;
                    hot_update_ceilings.push((connections, c));
                    (m, "raw store UPDATE of one row", c)
                }
                "mix" => {
                    // A read is bound by whichever is slower alone: the HTTP stack (minimal
                    // axum) or the store's SELECT (pgbench's on PostgreSQL).
                    let read = at(&get_ceilings).min(at(&select_ceilings));
                    let update = at(&update_ceilings);
                    let ceiling =
                        if read > 0.0 && update > 0.0 { 1.0 / (0.9 / read + 0.1 / update) } else { 0.0 };
                    (
                        ours()?,
                        "90% of the read (the lesser of minimal axum and the store's SELECT) and 10% of the UPDATE ceiling",
                        ceiling,
                    )
                }
                "sign_in" => (ours()?, "Argon2id verifications", results.argon2_per_second),
                _ => (ours()?, "Argon2id, a verification and a hash", results.argon2_per_second / 2.0),
            };
            rows.push(Row {
                scenario: scenario.into(),
                connections,
                measurement,
                ceiling: ceiling.into(),
                ceiling_throughput,
            });
        }
    }

    eprintln!("bench: {}: reads while 20 clients change passwords", database.label);
    let read_connections = args.connections[0];
    let tokens = &population.tokens_file;
    let reads =
        scenario_load(lua, "get_profile", &portico, read_connections, args.duration, &population, tokens);
    // Alone and beside the password changes in turn, three times; the median of each.
    let (mut alone, mut beside) = (Vec::new(), Vec::new());
    for round in 0..PAIRED_ROUNDS {
        alone.push(reads.run(Some(portico.pid()))?);
        let changer_tokens = population.password_slice(BESIDE_SLICES + round)?;
        let changers_duration = args.duration + Duration::from_secs(1);
        let mut changers = scenario_load(
            lua,
            "password_change",
            &portico,
            20,
            changers_duration,
            &population,
            &changer_tokens,
        )
        .spawn()?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        beside.push(reads.run(Some(portico.pid()))?);
        let _ = changers.wait();
    }
    let median = |runs: &mut Vec<Measurement>| {
        runs.sort_by_key(|m| m.wrk.p99_us);
        runs.swap_remove(runs.len() / 2)
    };
    let (alone, beside) = (median(&mut alone), median(&mut beside));

    let writers = args.connections.iter().copied().max().unwrap_or(64);
    eprintln!("bench: {}: reads while {writers} connections PATCH", database.label);
    let (mut quiet_reads, mut busy_reads) = (Vec::new(), Vec::new());
    for _ in 0..PAIRED_ROUNDS {
        quiet_reads.push(reads.run(Some(portico.pid()))?);
        let patches = Load {
            scenario: "patch_spread",
            connections: writers,
            duration: args.duration + Duration::from_secs(1),
            env: reads.env.clone(),
            ..reads
        };
        let mut background = patches.spawn()?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        busy_reads.push(reads.run(Some(portico.pid()))?);
        let _ = background.wait();
    }
    let (quiet_reads, busy_reads) = (median(&mut quiet_reads), median(&mut busy_reads));

    eprintln!("bench: {}: /healthz while 4 readers page a directory of the heaviest bios", database.label);
    publish_heavy_bios(&portico, &population.tokens_file, HEAVY_BIOS).await?;
    let healthz = Load { scenario: "healthz", connections: 1, env: reads.env.clone(), ..reads };
    let readers = Load {
        scenario: "directory",
        connections: 4,
        duration: args.duration + Duration::from_secs(1),
        env: reads.env.clone(),
        ..reads
    };
    let (mut quiet, mut busy) = (Vec::new(), Vec::new());
    for _ in 0..PAIRED_ROUNDS {
        quiet.push(healthz.run(Some(portico.pid()))?);
        let mut background = readers.spawn()?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        busy.push(healthz.run(Some(portico.pid()))?);
        let _ = background.wait();
    }
    let directory_check = readers.run(Some(portico.pid()))?;
    let (quiet, busy) = (median(&mut quiet), median(&mut busy));
    drop(portico);

    eprintln!("bench: {}: start-up with {} members", database.label, args.startup_members);
    let startup_database = BenchDatabase::create(store, work, &args.postgres, "startup").await?;
    seed::bulk_members(&startup_database.url, args.startup_members).await?;
    let mut startup_ms = Vec::new();
    for _ in 0..5 {
        startup_ms
            .push(server::time_to_ready(&args.portico, &startup_database.url).await?.as_secs_f64() * 1e3);
    }
    startup_database.drop_database().await?;
    database.drop_database().await?;
    Ok(StoreResults {
        store: database.label.into(),
        rows,
        update_ceilings,
        hot_update_ceilings,
        select_ceilings,
        grouped_update_ceilings,
        idle_rss_mib,
        get_p99_alone_us: alone.wrk.p99_us,
        get_p99_with_password_changes_us: beside.wrk.p99_us,
        get_throughput_with_password_changes: beside.throughput,
        get_p99_quiet_us: quiet_reads.wrk.p99_us,
        get_p99_with_patches_us: busy_reads.wrk.p99_us,
        patch_connections_beside: writers,
        healthz_quiet: quiet,
        healthz_with_directory_readers: busy,
        directory_readers: directory_check,
        startup_ms,
        startup_members: args.startup_members,
    })
}

/// Members given the heaviest bio: a full directory page.
const HEAVY_BIOS: usize = 25;

/// The heaviest bio Portico accepts: quotes nested as deep as allowed, then a table of
/// empty cells whose HTML comes as close to the size limit as it may.
fn heaviest_bio() -> String {
    let bio = |rows: usize| {
        format!(
            "{}deep\n\n{}|\n{}|\n{}",
            "> ".repeat(8),
            "|a".repeat(10),
            "|-".repeat(10),
            "|x\n".repeat(rows)
        )
    };
    let mut rows = 4_000;
    while rows > 0 && portico::domain::markdown::render_bio(&bio(rows), &[]).is_err() {
        rows -= 50;
    }
    bio(rows)
}

/// Makes the first `count` members public with the heaviest bio, through the PATCH.
async fn publish_heavy_bios(portico: &Server, tokens_file: &Path, count: usize) -> anyhow::Result<()> {
    let tokens = std::fs::read_to_string(tokens_file)?;
    let client = reqwest::Client::builder().no_proxy().build()?;
    let body = serde_json::json!({ "ProfileSummary": heaviest_bio(), "ProfileIsPublic": true });
    for token in tokens.lines().filter(|l| !l.is_empty()).take(count) {
        let answer = client
            .patch(format!("http://{}/api/public/coworker/profile", portico.host_port()))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await?;
        anyhow::ensure!(answer.status().is_success(), "saving a heavy bio: {}", answer.status());
    }
    Ok(())
}

/// Members whose passwords are changed: enough that no run reaches the same member twice.
/// A member's password alternates between two values, which the load script can only track
/// while each member has at most one change in flight; at most 50 changes a second (Argon2
/// allows about 25 here) over a run never wrap around a group.
fn password_changers(duration: Duration) -> usize {
    let per_run = (50.0 * duration.as_secs_f64()).ceil() as usize;
    per_run.max(100) * seed::PASSWORD_SLICES
}

/// How many times a read and its HTTP ceiling (or its run beside password changes) are
/// measured in turn.
const PAIRED_ROUNDS: usize = 3;

/// The password-changing members' groups used beside reads start after those of the
/// password scenarios (see `Population::password_slice`).
const BESIDE_SLICES: usize = 3;

/// Measures Portico (`ours`) and its ceiling (`theirs`) alternately, so both see the same
/// machine, and keeps the median run of each (on these shared machines a single run can be
/// off by 15%, and a disk's flush rate by more).
fn paired(
    mut ours: impl FnMut() -> anyhow::Result<Measurement>,
    mut theirs: impl FnMut() -> anyhow::Result<f64>,
) -> anyhow::Result<(Measurement, f64)> {
    let (mut measured, mut ceilings) = (Vec::new(), Vec::new());
    for _ in 0..PAIRED_ROUNDS {
        ceilings.push(theirs()?);
        measured.push(ours()?);
    }
    ceilings.sort_by(f64::total_cmp);
    measured.sort_by(|a, b| a.throughput.total_cmp(&b.throughput));
    let middle = PAIRED_ROUNDS / 2;
    Ok((measured.swap_remove(middle), ceilings[middle]))
}

fn scenario_load<'a>(
    lua: &'a Path,
    scenario: &'a str,
    server: &'a Server,
    connections: usize,
    duration: Duration,
    population: &Population,
    tokens: &Path,
) -> Load<'a> {
    Load {
        lua_dir: lua,
        scenario,
        target: server.host_port(),
        connections,
        duration,
        env: vec![
            ("BENCH_TOKENS", tokens.display().to_string()),
            ("BENCH_EMAILS", population.emails_file.display().to_string()),
            ("BENCH_PASSWORD", PASSWORD.to_string()),
            ("BENCH_BASIC", population.basic_file.display().to_string()),
            ("BENCH_AVATARS", population.avatars_file.display().to_string()),
        ],
    }
}

fn check_every_scenario_worked(results: &Results) -> anyhow::Result<()> {
    let mut problems = Vec::new();
    for (c, m) in results.http_get_ceilings.iter().chain(&results.http_patch_ceilings) {
        if m.wrk.requests == 0 || m.wrk.errors() > 0 {
            problems.push(format!(
                "HTTP ceiling at {c}: {} requests, {} errors",
                m.wrk.requests,
                m.wrk.errors()
            ));
        }
    }
    for store in &results.stores {
        for (what, m) in [
            ("/healthz alone", &store.healthz_quiet),
            ("/healthz beside directory readers", &store.healthz_with_directory_readers),
            ("directory readers", &store.directory_readers),
        ] {
            if m.wrk.requests == 0 || m.wrk.errors() > 0 {
                problems.push(format!(
                    "{} {what}: {} requests, {} errors",
                    store.store,
                    m.wrk.requests,
                    m.wrk.errors()
                ));
            }
        }
        for row in &store.rows {
            let m = &row.measurement;
            if m.wrk.requests == 0 || m.wrk.errors() > 0 {
                problems.push(format!(
                    "{} {} at {}: {} requests, {} errors ({:?})",
                    store.store,
                    row.scenario,
                    row.connections,
                    m.wrk.requests,
                    m.wrk.errors(),
                    m.wrk
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(anyhow::anyhow!("some scenarios failed:\n{}", problems.join("\n"))).context("bench")
    }
}
