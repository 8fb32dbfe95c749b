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
