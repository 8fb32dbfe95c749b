//! A functional check that password hashing runs off the async workers: while 20
//! password changes at the production Argon2 cost queue up, profile reads still answer
//! promptly. (The latency figures themselves belong to the benchmark, `bench/run`.)
//! This is its own test binary so no other test competes for the CPU meanwhile.

#[allow(dead_code)]
mod common;

use std::time::{Duration, Instant};

use common::{Backend, PASSWORD, TestApp};
use portico::auth::password::HashCost;
use reqwest::StatusCode;

const CHANGES: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_reads_stay_fast_while_passwords_are_hashed() {
    let app = TestApp::spawn_hashing(Backend::Sqlite, common::test_settings(), HashCost::default(), 1).await;
    let reader = app.member_token("reader@example.com").await;
    let mut tokens = Vec::new();
    for i in 0..CHANGES {
        tokens.push(app.member_token(&format!("member{i}@example.com")).await);
    }

    let changes: Vec<_> = tokens
        .into_iter()
        .map(|token| {
            let client = app.client.clone();
            let url = app.url("/api/public/coworker/profile");
            tokio::spawn(async move {
                let new = "violet kettle drum 42";
                let body = serde_json::json!({"OldPassword": PASSWORD, "NewPassword": new, "RepeatNewPassword": new});
                client.patch(url).bearer_auth(token).json(&body).send().await.map(|r| r.status())
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut latencies = Vec::new();
    while !changes.iter().all(|c| c.is_finished()) {
        let started = Instant::now();
        let (status, _) = app.profile_bytes(&reader).await;
        latencies.push(started.elapsed());
        assert_eq!(status, StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for change in changes {
        assert_eq!(change.await.expect("task").expect("PATCH"), StatusCode::OK);
    }
    latencies.sort();
    let slowest = latencies.last().copied().unwrap_or_default();
    eprintln!(
        "{} reads during the changes; median {:?}, slowest {:?}",
        latencies.len(),
        latencies[latencies.len() / 2],
        slowest
    );
    assert!(
        latencies.len() >= 10,
        "the changes finished too fast to measure anything ({} reads)",
        latencies.len()
    );
    assert!(
        slowest <= Duration::from_millis(50),
        "a profile read took {slowest:?} while passwords were hashed"
    );
}
