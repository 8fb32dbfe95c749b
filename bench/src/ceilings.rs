//! The ceilings every Portico figure is divided by, measured in the same run:
//! the HTTP stack alone, the store alone (same statements, same connection settings), and
//! Argon2id alone.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::{Deserialize, Serialize};

/// The minimal server: the same routes, the same bodies parsed, no auth and no store.
pub async fn serve_http(bind: &str) -> anyhow::Result<()> {
    let profile = Bytes::from(sample_profile_json());
    let router = Router::new()
        .route(
            "/en/profile",
            get(move || {
                let body = profile.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body) }
            }),
        )
        .route("/api/public/coworker/profile", axum::routing::patch(parse_and_confirm));
    let listener = tokio::net::TcpListener::bind(bind).await?;
    println!("ceiling serving on http://{}", listener.local_addr()?);
    axum::serve(listener, router).await?;
    Ok(())
}

async fn parse_and_confirm(body: Bytes) -> impl IntoResponse {
    match serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&body) {
        Ok(_) => (
            axum::http::StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"WasSuccessful":true,"Value":null,"Status":200,"Message":null,"Errors":null}"#,
        ),
        Err(_) => (axum::http::StatusCode::BAD_REQUEST, [(header::CONTENT_TYPE, "application/json")], "{}"),
    }
}

/// A profile representation as Portico answers it (a bench member's, taken from
/// `GET /en/profile` of this version: 96 properties, about 2 KB; take it again when the
/// representation grows).
fn sample_profile_json() -> String {
    r#"{"Id":1,"UniqueId":"afafc9d6-4282-4f45-a2d4-b4972d488230","Email":"load0@bench.example","CoworkerType":1,"FullName":"Bench Member load 0","Salutation":null,"NickName":null,"Gender":"NotSet","DateOfBirth":null,"MobilePhone":null,"LandLine":null,"Address":"","PostCode":"","CityName":"","State":"","CountryId":826,"CountryName":"United Kingdom","BillingName":"Bench Member load 0","BillingEmail":"load0@bench.example","BillingAddress":null,"BillingPostCode":null,"BillingCityName":null,"BillingState":null,"BillingCountryId":826,"BillingCountryName":"United Kingdom","TaxIDNumber":"","Position":null,"CompanyName":"","BusinessArea":null,"ProfileSummary":null,"ProfileWebsite":null,"ProfileIsPublic":false,"ProfileTags":null,"ProfileTagsList":[],"Twitter":null,"Linkedin":null,"Github":null,"Instagram":null,"Facebook":null,"Skype":null,"Telegram":null,"Google":null,"Pinterest":null,"Flickr":null,"Vimeo":null,"Tumblr":null,"Blogger":null,"OnHelpDeskMsg":true,"OnNewWallPost":true,"OnNewBlogComment":true,"OnNewEventComment":true,"ReceiveCommunityDigest":true,"SignUpToNewsletter":false,"IsMember":true,"AccessPincode":null,"Custom1":null,"Custom2":null,"Custom3":null,"Custom4":null,"Custom5":null,"Custom6":null,"Custom7":null,"Custom8":null,"Custom9":null,"Custom10":null,"Custom11":null,"Custom12":null,"Custom13":null,"Custom14":null,"Custom15":null,"Custom16":null,"Custom17":null,"Custom18":null,"Custom19":null,"Custom20":null,"Custom21":null,"Custom22":null,"Custom23":null,"Custom24":null,"Custom25":null,"Custom26":null,"Custom27":null,"Custom28":null,"Custom29":null,"Custom30":null,"IsContact":false,"Active":true,"HomeSpaceId":1,"InvoicingBusinessId":1,"InvoicingSpaceName":"Bench Space","GuessedFirstName":"Bench","GuessedLastName":"Member load 0","AvatarUrl":"http://127.0.0.1:18080/media/coworkers/afafc9d6-4282-4f45-a2d4-b4972d488230/avatar","BannerUrl":"http://127.0.0.1:18080/media/coworkers/afafc9d6-4282-4f45-a2d4-b4972d488230/banner","CreatedOn":"2026-12-07T01:54:16Z","UpdatedOn":"2026-12-07T01:54:16Z"}"#.to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SqliteMode {
    /// One UPDATE per transaction, on one connection, in a plain loop: no thread hops.
    Update,
    /// The same UPDATEs, `--batch` of them per transaction: what group commit can reach.
    UpdateBatched,
    /// The profile SELECT, on one read connection per thread.
    Select,
}

/// What a store ceiling reports.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StoreCeiling {
    pub ops: u64,
    pub seconds: f64,
    pub throughput: f64,
    pub p99_us: u64,
}

const RAW_UPDATE: &str = "update profiles set nick_name = ?1, city_name = ?2, post_code = ?3, \
    mobile_phone = ?4, state = ?5, version = version + 1, updated_on = ?6 where id = ?7";
const RAW_SELECT: &str = "select p.*, u.email, u.on_help_desk_msg, u.on_new_wall_post, u.on_new_blog_comment, \
    u.on_new_event_comment, u.receive_community_digest, u.sign_up_to_newsletter, u.version \
    from profiles p join users u on u.id = p.user_id where p.id = ?1";

/// Raw SQLite with Portico's settings (WAL, synchronous FULL, `BEGIN IMMEDIATE`) through
/// rusqlite, the driver Portico uses: the store's own speed, without Portico around it.
pub fn sqlite_load(
    path: &str,
    mode: SqliteMode,
    connections: usize,
    batch: usize,
    duration: Duration,
    members: i64,
) -> anyhow::Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let threads = if mode == SqliteMode::Select { connections.max(1) } else { 1 };
    let workers: Vec<_> = (0..threads)
        .map(|worker| {
            let (path, stop) = (path.to_string(), Arc::clone(&stop));
            std::thread::spawn(move || -> anyhow::Result<Vec<u64>> {
                let connection = rusqlite::Connection::open(&path)?;
                connection.busy_timeout(Duration::from_secs(5))?;
                connection.pragma_update(None, "journal_mode", "wal")?;
                connection.pragma_update(None, "synchronous", "full")?;
                let mut latencies = Vec::new();
                let mut n = worker as i64;
                while !stop.load(Ordering::Relaxed) {
                    let began = Instant::now();
                    let per_transaction = if mode == SqliteMode::UpdateBatched { batch.max(1) } else { 1 };
                    if mode == SqliteMode::Select {
                        n += threads as i64;
                        let mut statement = connection.prepare_cached(RAW_SELECT)?;
                        statement.query_row([n % members + 1], |_| Ok(()))?;
                    } else {
                        connection.execute_batch("begin immediate")?;
                        for _ in 0..per_transaction {
                            n += 1;
                            let now = time::OffsetDateTime::now_utc()
                                .replace_nanosecond(0)?
                                .format(&time::format_description::well_known::Rfc3339)?;
                            connection.prepare_cached(RAW_UPDATE)?.execute(rusqlite::params![
                                format!("nick {n}"),
                                format!("City {}", n % 977),
                                format!("PC{:05}", n % 99991),
                                "+44 20 0000 0000",
                                "Region",
                                now,
                                n % members + 1
                            ])?;
                        }
                        connection.execute_batch("commit")?;
                    }
                    let micros = began.elapsed().as_micros() as u64;
                    latencies.extend(std::iter::repeat_n(micros, per_transaction));
                }
                Ok(latencies)
            })
        })
        .collect();
    std::thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.join().map_err(|_| anyhow::anyhow!("a ceiling thread panicked"))??);
    }
    let seconds = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let ceiling = StoreCeiling {
        ops: all.len() as u64,
        seconds,
        throughput: all.len() as f64 / seconds,
        p99_us: all.get(all.len() * 99 / 100).copied().unwrap_or(0),
    };
    println!("CEILINGJSON {}", serde_json::to_string(&ceiling)?);
    Ok(())
}

/// Runs the SQLite ceiling as a separate process, like the server it is compared with.
pub fn sqlite(
    bench: &Path,
    path: &str,
    mode: &str,
    connections: usize,
    batch: usize,
    duration: Duration,
    members: usize,
) -> anyhow::Result<StoreCeiling> {
    let output = Command::new(bench)
        .args(["ceiling-sqlite", "--path", path, "--mode", mode, "--connections", &connections.to_string()])
        .args(["--batch", &batch.to_string()])
        .args(["--duration", &duration.as_secs_f64().to_string(), "--members", &members.to_string()])
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("CEILINGJSON "))
        .with_context(|| format!("the SQLite ceiling failed: {}", String::from_utf8_lossy(&output.stderr)))?;
    Ok(serde_json::from_str(line)?)
}

/// pgbench with a custom script: the same statement, one transaction each, prepared.
pub fn postgres(
    url: &str,
    mode: &str,
    connections: usize,
    duration: Duration,
    members: usize,
) -> anyhow::Result<StoreCeiling> {
    let script = match mode {
        "update" => {
            "\\set id random(1, :members)\nBEGIN;\nUPDATE profiles SET nick_name = 'nick ' || :id, city_name = 'City', post_code = 'PC00001', mobile_phone = '+44 20 0000 0000', state = 'Region', version = version + 1, updated_on = now() WHERE id = :id;\nEND;\n"
        }
        _ => {
            "\\set id random(1, :members)\nSELECT p.*, u.email, u.version FROM profiles p JOIN users u ON u.id = p.user_id WHERE p.id = :id;\n"
        }
    };
    let path = std::env::temp_dir().join(format!("portico-pgbench-{}-{mode}.sql", std::process::id()));
    std::fs::write(&path, script)?;
    let seconds = duration.as_secs().max(1);
    let output = Command::new("pgbench")
        .args(["-n", "-M", "prepared", "-j", "1", "-c", &connections.to_string(), "-T", &seconds.to_string()])
        .args(["-D", &format!("members={members}"), "-f"])
        .arg(&path)
        .arg(url)
        .output()
        .context("running pgbench")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let value_after = |prefix: &str| {
        stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok())
    };
    let tps = value_after("tps = ").with_context(|| {
        format!("pgbench printed no tps: {stdout}{}", String::from_utf8_lossy(&output.stderr))
    })?;
    let transactions = value_after("number of transactions actually processed: ").unwrap_or(0.0);
    Ok(StoreCeiling { ops: transactions as u64, seconds: seconds as f64, throughput: tps, p99_us: 0 })
}

/// Argon2id verifications per second at Portico's cost on the threads it hashes with.
pub async fn argon2(threads: usize, duration: Duration) -> anyhow::Result<f64> {
    use portico::auth::password::{HashCost, PasswordHasher};
    let hasher = PasswordHasher::new(HashCost::default(), threads, threads)?;
    let secret = secrecy::SecretString::from("bench-Password-2026");
    let stored = hasher.admit(&Default::default())?.hash(&secret).await?;
    let started = Instant::now();
    let mut done = 0u64;
    while started.elapsed() < duration {
        let batch: Vec<_> = (0..threads)
            .map(|_| {
                let (hasher, secret, stored) = (hasher.clone(), secret.clone(), stored.clone());
                tokio::spawn(async move {
                    hasher.admit(&Default::default())?.verify(&secret, Some(&stored)).await
                })
            })
            .collect();
        for verification in batch {
            verification.await??;
            done += 1;
        }
    }
    Ok(done as f64 / started.elapsed().as_secs_f64())
}
