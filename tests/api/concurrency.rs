//! Many clients writing one profile at once: no write to one field may undo another's.

use std::collections::HashMap;
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::common::{Backend, TestApp};

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

/// Clients that hang up in the middle of their PATCH never leave half a request behind,
/// and never leave a connection in a broken transaction for the next request.
async fn abandoned_requests_apply_whole_or_not_at_all(backend: Backend) {
    let app = Arc::new(TestApp::spawn(backend).await);
    let token = Arc::new(app.member_token("jane@example.com").await);
    let abandoned: Vec<_> = (0..300)
        .map(|i| {
            // Give-up times from 0.1 to 6 ms land at every point of the request's life.
            let patience = std::time::Duration::from_micros(100 + (i as u64 * 20));
            let client = reqwest::Client::builder().no_proxy().timeout(patience).build().expect("client");
            let (url, token) = (app.url("/api/public/coworker/profile"), Arc::clone(&token));
            tokio::spawn(async move {
                let value = format!("v{i}");
                let body = json!({"NickName": value, "Position": value, "CityName": value, "OnNewWallPost": i % 2 == 0});
                let _ = client.patch(url).bearer_auth(token.as_str()).json(&body).send().await;
            })
        })
        .collect();
    for request in abandoned {
        request.await.expect("task");
    }
    app.patch_ok(&token, &json!({"CompanyName": "still consistent"})).await;
    let profile = app.profile(&token).await;
    assert_eq!(profile["CompanyName"], "still consistent");
    if profile["NickName"].is_string() {
        assert_eq!(profile["NickName"], profile["Position"], "{profile}");
        assert_eq!(profile["NickName"], profile["CityName"], "{profile}");
    }
    let logs = crate::common::captured_logs();
    assert!(
        !logs.contains("transaction in progress"),
        "a connection was reused in a broken transaction state"
    );
}

crate::every_store!(fifty_concurrent_writers_lose_no_update, abandoned_requests_apply_whole_or_not_at_all);
