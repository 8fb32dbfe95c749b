//! Portico as operators run it: several nodes on one PostgreSQL, and nodes killed with
//! SIGKILL in the middle of a write load, on both stores.

#[allow(dead_code)]
mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::node::{Node, client, seed_members, sign_in};
use common::{Backend, TestDatabase};
use portico::domain::catalogue::Field;
use portico::domain::fields::email_key;
use serde_json::{Value, json};

#[tokio::test]
async fn two_nodes_share_one_postgresql() {
    let database = TestDatabase::create(Backend::Postgres).await;
    seed_members(&database.url, 1).await;
    let (a, b) = (Node::start(&database.url), Node::start(&database.url));
    let http = client();

    let token = sign_in(&http, &a, "member0@example.com").await;
    let patched = http
        .patch(a.url("/api/public/coworker/profile"))
        .bearer_auth(&token)
        .json(&json!({"CompanyName": "Written through A"}))
        .send()
        .await
        .expect("PATCH");
    assert_eq!(patched.status(), 200);
    let read: Value = http
        .get(b.url("/en/profile?_resource=Coworker"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    assert_eq!(read["CompanyName"], "Written through A", "a session from A works on B and sees A's write");

    let revoked = http.post(a.url("/api/token/revoke")).bearer_auth(&token).send().await.expect("revoke");
    assert_eq!(revoked.status(), 200);
    let after = http.get(b.url("/login/me")).bearer_auth(&token).send().await.expect("GET");
    assert_eq!(after.status(), 401, "a revocation through A is enforced by B at once");

    let on_b = sign_in(&http, &b, "member0@example.com").await;
    let on_a = sign_in(&http, &a, "member0@example.com").await;
    let new = "violet kettle drum 42";
    let change = http
        .patch(a.url("/api/public/coworker/profile"))
        .bearer_auth(&on_a)
        .json(&json!({"OldPassword": common::node::PASSWORD, "NewPassword": new, "RepeatNewPassword": new}))
        .send()
        .await
        .expect("PATCH");
    assert_eq!(change.status(), 200);
    let other = http.get(b.url("/login/me")).bearer_auth(&on_b).send().await.expect("GET");
    assert_eq!(other.status(), 401, "a password change on A ends the other sessions on B");
    let own = http.get(b.url("/login/me")).bearer_auth(&on_a).send().await.expect("GET");
    assert_eq!(own.status(), 200);
}

/// The lockout holds across nodes: 60 wrong passwords sent at once, half through each
/// node, get at most five checks between them, and then the right one is refused on both.
#[tokio::test]
async fn two_nodes_check_at_most_five_passwords_between_them() {
    let database = TestDatabase::create(Backend::Postgres).await;
    seed_members(&database.url, 1).await;
    let nodes = Arc::new((Node::start(&database.url), Node::start(&database.url)));
    let http = client();
    let attempts: Vec<_> = (0..60)
        .map(|i| {
            let (nodes, http) = (Arc::clone(&nodes), http.clone());
            tokio::spawn(async move {
                let node = if i % 2 == 0 { &nodes.0 } else { &nodes.1 };
                let guess = format!("wrong guess {i}");
                let form =
                    [("grant_type", "password"), ("username", "member0@example.com"), ("password", &guess)];
                http.post(node.url("/api/token")).form(&form).send().await.expect("POST").status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.expect("task"));
    }
    let checked = statuses.iter().filter(|s| **s == 400).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(checked <= 5 && checked + refused == 60, "{statuses:?}");
    for node in [&nodes.0, &nodes.1] {
        let form = [
            ("grant_type", "password"),
            ("username", "member0@example.com"),
            ("password", common::node::PASSWORD),
        ];
        let right = http.post(node.url("/api/token")).form(&form).send().await.expect("POST");
        assert_eq!(right.status(), 429, "locked on every node");
    }
}

const WRITERS: usize = 8;

/// Each writer patches its own member in a loop; every property of a request carries the
/// same counter, on the profile row (four texts, and the name) and on the user row (the
/// name, and a preference that follows the counter's parity), so a member holding half a
/// request would show two counters or a preference out of step.
async fn write_until_stopped(
    http: reqwest::Client,
    url: String,
    token: String,
    stop: Arc<AtomicBool>,
) -> u64 {
    let mut acknowledged = 0;
    let mut next = 1u64;
    while !stop.load(Ordering::Relaxed) {
        let value = format!("n{next}");
        let body = json!({
            "NickName": value, "Position": value, "CityName": value, "BusinessArea": value,
            "FullName": format!("Writer {value}"), "OnNewWallPost": next.is_multiple_of(2),
        });
        match http.patch(&url).bearer_auth(&token).json(&body).send().await {
            Ok(response) if response.status() == 200 => acknowledged = next,
            Ok(_) => {}
            Err(_) => break,
        }
        next += 1;
    }
    acknowledged
}

async fn acknowledged_writes_survive_kill_minus_nine(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let emails = seed_members(&database.url, WRITERS).await;
    let mut node = Node::start(&database.url);
    let http = client();
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for email in &emails {
        let token = sign_in(&http, &node, email).await;
        let url = node.url("/api/public/coworker/profile");
        writers.push((
            email.clone(),
            tokio::spawn(write_until_stopped(http.clone(), url, token, Arc::clone(&stop))),
        ));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    node.kill_hard();
    stop.store(true, Ordering::Relaxed);
    let mut acknowledged = HashMap::new();
    for (email, writer) in writers {
        acknowledged.insert(email, writer.await.expect("writer"));
    }
    eprintln!("{backend:?}: writes acknowledged before the kill: {acknowledged:?}");
    assert!(acknowledged.values().all(|n| *n > 0), "the load ran: {acknowledged:?}");

    let restarted = Node::start(&database.url);
    let store = portico::store::connect(&database.url, &Default::default()).await.expect("store");
    for (email, last) in acknowledged {
        let record = store.login_record(&email_key(&email)).await.expect("query").expect("member");
        let profile = store.profile(record.default_profile_id).await.expect("profile");
        let user = store.user(record.user_id).await.expect("user");
        let text = |field| profile.values.text(field).unwrap_or_default().to_string();
        let city = text(Field::CityName);
        let texts = [Field::NickName, Field::Position, Field::BusinessArea].map(text);
        assert!(texts.iter().all(|v| *v == city), "{email} holds half a request: {texts:?} / {city}");
        let stored: u64 = city.trim_start_matches('n').parse().expect("a counter");
        assert!(stored >= last, "{email}: write {last} was acknowledged but the store holds {stored}");
        let name = format!("Writer {city}");
        assert_eq!(
            (profile.full_name(), user.full_name.as_str()),
            (name.as_str(), name.as_str()),
            "{email}: both rows"
        );
        assert_eq!(
            user.values.flag(Field::OnNewWallPost),
            stored.is_multiple_of(2),
            "{email}: the user row kept in step"
        );
    }
    let health = http.get(restarted.url("/readyz")).send().await.expect("GET");
    assert_eq!(health.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_acknowledged_writes_survive_kill_minus_nine() {
    acknowledged_writes_survive_kill_minus_nine(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_acknowledged_writes_survive_kill_minus_nine() {
    acknowledged_writes_survive_kill_minus_nine(Backend::Postgres).await;
}

/// Like [`write_until_stopped`], publishing each acknowledged counter as it comes.
async fn write_and_publish(
    http: reqwest::Client,
    url: String,
    token: String,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<std::sync::atomic::AtomicU64>,
) {
    let mut next = 1u64;
    while !stop.load(Ordering::Relaxed) {
        let value = format!("n{next}");
        let body = json!({"NickName": value, "CityName": value});
        match http.patch(&url).bearer_auth(&token).json(&body).send().await {
            Ok(response) if response.status() == 200 => acknowledged.store(next, Ordering::SeqCst),
            Ok(_) => {}
            Err(_) => break,
        }
        next += 1;
    }
}

fn portico(args: &[&str], database_url: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(args)
        .env("PORTICO_DATABASE_URL", database_url)
        .output()
        .expect("run portico")
}

/// The counter each member's profile holds, in the SQLite file at `path`.
fn counters_in(path: &std::path::Path) -> HashMap<String, u64> {
    let connection = rusqlite::Connection::open(path).expect("open");
    let verdict: String = connection.query_row("pragma integrity_check", [], |r| r.get(0)).expect("check");
    assert_eq!(verdict, "ok", "{}", path.display());
    let mut statement = connection
        .prepare("select u.email, p.city_name, p.nick_name from profiles p join users u on u.id = p.user_id")
        .expect("query");
    let rows = statement
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?))
        })
        .expect("rows");
    let mut counters = HashMap::new();
    for row in rows {
        let (email, city, nick) = row.expect("row");
        if let Some(nick) = nick {
            assert_eq!(nick, city, "{email}: half a request");
        }
        counters.insert(email, city.trim_start_matches('n').parse().unwrap_or(0));
    }
    counters
}

/// A backup taken while eight members PATCH as fast as they can holds every write
/// acknowledged before it began; a clean stop leaves the database file whole on its own;
/// a restore is refused while a node serves the file, and puts the backup in place after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_load_restores_every_acknowledged_write() {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let path = std::path::PathBuf::from(database.url.trim_start_matches("sqlite://"));
    let emails = seed_members(&database.url, WRITERS).await;
    let node = Node::start(&database.url);
    let http = client();
    let stop = Arc::new(AtomicBool::new(false));
    let mut counters = Vec::new();
    let mut writers = Vec::new();
    for email in &emails {
        let token = sign_in(&http, &node, email).await;
        let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let url = node.url("/api/public/coworker/profile");
        let task = write_and_publish(http.clone(), url, token, Arc::clone(&stop), Arc::clone(&counter));
        writers.push(tokio::spawn(task));
        counters.push((email.clone(), counter));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    let before: HashMap<String, u64> =
        counters.iter().map(|(email, c)| (email.clone(), c.load(Ordering::SeqCst))).collect();
    let backup = path.with_file_name("backup.db");
    let url = database.url.clone();
    let backup_arg = backup.to_str().expect("utf-8").to_string();
    let taken =
        tokio::task::spawn_blocking(move || portico(&["backup", &backup_arg], &url)).await.expect("backup");
    assert!(taken.status.success(), "{}", String::from_utf8_lossy(&taken.stderr));
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.expect("writer");
    }
    let last: HashMap<String, u64> =
        counters.iter().map(|(email, c)| (email.clone(), c.load(Ordering::SeqCst))).collect();
    assert!(before.values().all(|n| *n > 0), "the load ran before the backup: {before:?}");

    let in_backup = counters_in(&backup);
    for (email, acknowledged) in &before {
        assert!(
            in_backup[email] >= *acknowledged,
            "{email}: write {acknowledged} acknowledged before the backup, which holds {}",
            in_backup[email]
        );
    }

    // Restoring under a serving node is refused; a clean stop (SIGTERM) leaves the file whole alone.
    let refused = portico(&["restore", backup.to_str().expect("utf-8")], &database.url);
    assert!(!refused.status.success(), "refused while a node serves the file");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("in use"));
    let pid = node.child.id().to_string();
    std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill -TERM");
    let mut node = node;
    let stopped = node.child.wait().expect("the node stops");
    assert!(stopped.success(), "a clean stop: {stopped:?}");
    let alone = path.with_file_name("alone.db");
    std::fs::copy(&path, &alone).expect("copy the file alone, without its WAL");
    let in_file = counters_in(&alone);
    for (email, acknowledged) in &last {
        assert!(
            in_file[email] >= *acknowledged,
            "{email}: write {acknowledged} not in the database file alone"
        );
    }

    let restored = portico(&["restore", backup.to_str().expect("utf-8")], &database.url);
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
    assert_eq!(counters_in(&path), in_backup, "the backup is what the database holds now");
    let again = Node::start(&database.url);
    assert_eq!(http.get(again.url("/readyz")).send().await.expect("GET").status(), 200);
}
