//! Many clients writing one profile at once: no write to one field may undo another's.

use std::collections::HashMap;
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::common::{Backend, TestApp};
use tokio::io::AsyncWriteExt;

/// Properties stored exactly as sent (for the values used here).
const FIELDS: [&str; 20] = [
    "FullName",
    "NickName",
    "Address",
    "PostCode",
    "CityName",
    "State",
    "BillingName",
    "BillingAddress",
    "BillingPostCode",
    "BillingCityName",
    "BillingState",
    "TaxIDNumber",
    "Position",
    "CompanyName",
    "BusinessArea",
    "ProfileSummary",
    "Skype",
    "MobilePhone",
    "LandLine",
    "ProfileTags",
];
const CLIENTS: usize = 50;
const ROUNDS: usize = 4;

fn value_for(field: &str, client: usize, round: usize) -> String {
    match field {
        "MobilePhone" | "LandLine" => format!("{client:03}{round:03}"),
        _ => format!("client{client}round{round}"),
    }
}

/// 50 clients patch the same profile concurrently, each owning one property (clients that
/// share a property take turns, so "its last acknowledged write" is well defined). Every
/// property must end with the value of its last acknowledged write.
async fn fifty_concurrent_writers_lose_no_update(backend: Backend) {
    let app = Arc::new(TestApp::spawn(backend).await);
    let token = Arc::new(app.member_token("jane@example.com").await);
    let turns: Arc<HashMap<&str, Mutex<Option<String>>>> =
        Arc::new(FIELDS.iter().map(|f| (*f, Mutex::new(None))).collect());
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (app, token, turns) = (Arc::clone(&app), Arc::clone(&token), Arc::clone(&turns));
            tokio::spawn(async move {
                let field = FIELDS[client % FIELDS.len()];
                for round in 0..ROUNDS {
                    let mut last_acknowledged = turns[field].lock().await;
                    let value = value_for(field, client, round);
                    let (status, body) = app.patch(&token, &json!({ field: value })).await;
                    assert_eq!(status, StatusCode::OK, "{field}: {body}");
                    *last_acknowledged = Some(value);
                }
            })
        })
        .collect();
    for client in clients {
        client.await.expect("client");
    }
    let profile = app.profile(&token).await;
    for field in FIELDS {
        let expected = turns[field].lock().await.clone().expect("written");
        assert_eq!(profile[field], Value::String(expected), "{field}");
    }
}

/// Clients that send a whole PATCH and hang up before the answer: each request still runs
/// to its end (it is applied entirely) or not at all, never half, on the profile row and on
/// the user row alike; and at least some of them did reach the handler.
async fn abandoned_requests_apply_whole_or_not_at_all(backend: Backend) {
    let app = Arc::new(TestApp::spawn(backend).await);
    let token = app.member_token("jane@example.com").await;
    let session = portico::service::session::authenticate(&app.state, &token).await.expect("session");
    let start = app.state.store.profile(session.profile_id).await.expect("profile").version;
    let address = app.base.trim_start_matches("http://").to_string();
    let abandoned: Vec<_> = (0..200)
        .map(|i| {
            let (address, token) = (address.clone(), token.clone());
            tokio::spawn(async move {
                let value = format!("v{i}");
                let body = json!({
                    "NickName": value, "Position": value, "CityName": value,
                    "FullName": format!("Writer {value}"), "OnNewWallPost": i % 2 == 0,
                })
                .to_string();
                let Ok(mut stream) = tokio::net::TcpStream::connect(&address).await else { return };
                let request = format!(
                    "PATCH /api/public/coworker/profile HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
                     Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(request.as_bytes()).await;
                // Hang up at every point of the request's life: at once, or a little later.
                tokio::time::sleep(std::time::Duration::from_micros((i % 7) * 300)).await;
            })
        })
        .collect();
    for request in abandoned {
        request.await.expect("task");
    }
    let mut version = start;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let now = app.state.store.profile(session.profile_id).await.expect("profile").version;
        if now == version {
            break;
        }
        version = now;
    }
    let applied = version.profile - start.profile;
    eprintln!("{backend:?}: {applied} of 200 abandoned PATCHes were applied");
    assert!(applied > 0, "requests whose clients left still ran to their end");
    let profile = app.profile(&token).await;
    let value = profile["CityName"].as_str().expect("a value").to_string();
    assert_eq!((&profile["NickName"], &profile["Position"]), (&json!(value), &json!(value)), "{profile}");
    assert_eq!(profile["FullName"], format!("Writer {value}"));
    let counter: u64 = value.trim_start_matches('v').parse().expect("a counter");
    assert_eq!(
        profile["OnNewWallPost"],
        json!(counter.is_multiple_of(2)),
        "the user row is of the same request"
    );
    let user = app.state.store.user(session.user_id).await.expect("user");
    assert_eq!(user.full_name, format!("Writer {value}"));
    app.patch_ok(&token, &json!({"CompanyName": "still consistent"})).await;
}

crate::every_store!(fifty_concurrent_writers_lose_no_update, abandoned_requests_apply_whole_or_not_at_all);
