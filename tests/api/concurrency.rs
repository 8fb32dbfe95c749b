//! Many clients writing one profile at once: no write to one field may undo another's.

use std::collections::HashMap;
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::helpers::{Backend, TestApp};

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

crate::on_every_store!(fifty_concurrent_writers_lose_no_update);
