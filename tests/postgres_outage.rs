//! PostgreSQL goes away in the middle of a write load and comes back: the node answers
//! 503 with the envelope and `Retry-After` meanwhile, `/readyz` fails, nothing panics,
//! service resumes by itself, and no acknowledged write is lost.
//!
//! This stops the machine's PostgreSQL server, so it is its own test binary (cargo runs
//! test binaries one after another) and it restarts the server even when it fails.

#[allow(dead_code)]
mod common;

use std::collections::HashMap;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::node::{Node, client, seed_members, sign_in};
use common::{Backend, TestDatabase};
use portico::domain::catalogue::Field;
use portico::domain::fields::email_key;
use serde_json::{Value, json};

/// `pg_ctlcluster` for the machine's one cluster.
fn cluster(action: &str) -> bool {
    let version = std::fs::read_dir("/etc/postgresql")
        .ok()
        .and_then(|mut entries| entries.next())
        .and_then(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .expect("a PostgreSQL cluster under /etc/postgresql");
    Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", &version, "main", action])
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts PostgreSQL again when dropped, so a failing test never leaves it down.
struct RestartOnDrop;

impl Drop for RestartOnDrop {
    fn drop(&mut self) {
        if !cluster("status") {
            cluster("start");
        }
    }
}

#[derive(Default)]
struct Observed {
    statuses: HashMap<u16, usize>,
    unavailable_envelopes: usize,
    retry_after_missing: usize,
}

async fn write_until_stopped(
    http: reqwest::Client,
    url: String,
    token: String,
    stop: Arc<AtomicBool>,
    observed: Arc<Mutex<Observed>>,
) -> u64 {
    let (mut acknowledged, mut next) = (0, 1u64);
    while !stop.load(Ordering::Relaxed) {
        let body = json!({"NickName": format!("n{next}"), "CityName": format!("n{next}")});
        if let Ok(response) = http.patch(&url).bearer_auth(&token).json(&body).send().await {
            let status = response.status().as_u16();
            let has_retry_after = response.headers().contains_key("retry-after");
            let envelope: Value = response.json().await.unwrap_or(Value::Null);
            let mut seen = observed.lock().unwrap_or_else(|p| p.into_inner());
            *seen.statuses.entry(status).or_default() += 1;
            if status == 200 {
                acknowledged = next;
            }
            if status == 503 {
                if envelope["Status"] == 503 && envelope["WasSuccessful"] == false {
                    seen.unavailable_envelopes += 1;
                }
                if !has_retry_after {
                    seen.retry_after_missing += 1;
                }
            }
        }
        next += 1;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    acknowledged
}

async fn wait_for_ready(http: &reqwest::Client, node: &Node, ready: bool, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        let ok = http.get(node.url("/readyz")).send().await.is_ok_and(|r| r.status() == 200);
        if ok == ready {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_node_survives_a_postgresql_outage() {
    let _restart = RestartOnDrop;
    let database = TestDatabase::create(Backend::Postgres).await;
    let emails = seed_members(&database.url, 4).await;
    let mut node = Node::start(&database.url);
    let http = client();
    let stop = Arc::new(AtomicBool::new(false));
    let observed = Arc::new(Mutex::new(Observed::default()));
    let mut writers = Vec::new();
    for email in &emails {
        let token = sign_in(&http, &node, email).await;
        let url = node.url("/api/public/coworker/profile");
        let task = write_until_stopped(http.clone(), url, token, Arc::clone(&stop), Arc::clone(&observed));
        writers.push((email.clone(), tokio::spawn(task)));
    }

    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(cluster("stop"), "stopping PostgreSQL");
    assert!(
        wait_for_ready(&http, &node, false, Duration::from_secs(10)).await,
        "/readyz fails while it is down"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let during = observed.lock().unwrap_or_else(|p| p.into_inner()).statuses.get(&503).copied().unwrap_or(0);
    assert!(cluster("start"), "starting PostgreSQL");
    assert!(wait_for_ready(&http, &node, true, Duration::from_secs(30)).await, "the node recovers by itself");
    let before_recovery =
        observed.lock().unwrap_or_else(|p| p.into_inner()).statuses.get(&200).copied().unwrap_or(0);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    stop.store(true, Ordering::Relaxed);
    let mut acknowledged = HashMap::new();
    for (email, writer) in writers {
        acknowledged.insert(email, writer.await.expect("writer"));
    }

    let seen = std::mem::take(&mut *observed.lock().unwrap_or_else(|p| p.into_inner()));
    eprintln!("statuses: {:?}; acknowledged: {acknowledged:?}", seen.statuses);
    assert!(during > 0, "requests during the outage got 503");
    assert!(seen.statuses.keys().all(|s| *s == 200 || *s == 503), "only 200 and 503: {:?}", seen.statuses);
    assert_eq!(seen.unavailable_envelopes, seen.statuses[&503], "every 503 carries the envelope");
    assert_eq!(seen.retry_after_missing, 0, "every 503 carries Retry-After");
    assert!(seen.statuses[&200] > before_recovery, "full service after the outage");
    assert!(node.is_running(), "no panic, no exit");

    let store = portico::store::connect(&database.url, &Default::default()).await.expect("store");
    for (email, last) in acknowledged {
        let record = store.login_record(&email_key(&email)).await.expect("query").expect("member");
        let profile = store.profile(record.default_profile_id).await.expect("profile");
        let (nick, city) = (profile.values.text(Field::NickName), profile.values.text(Field::CityName));
        assert_eq!(nick, city, "{email}: half a request");
        let stored: u64 = city.unwrap_or_default().trim_start_matches('n').parse().expect("a counter");
        assert!(stored >= last, "{email}: write {last} was acknowledged but the store holds {stored}");
    }
}
