//! Property tests over HTTP: whatever a client sends to the PATCH, the answer is a 200 or
//! a clean 4xx in the envelope, never a 5xx.

use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{Backend, TestApp};

/// Property names clients send: known ones (with the password trio), and anything else.
fn property_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(vec![
            "FullName", "NickName", "Gender", "DateOfBirth", "MobilePhone", "CountryId", "BillingEmail",
            "ProfileWebsite", "ProfileTags", "ProfileSummary", "ProfileIsPublic", "Twitter", "Linkedin",
            "Telegram", "OnNewWallPost", "Id", "UpdatedOn", "ProfileTagsList", "Email", "OldPassword",
            "NewPassword", "RepeatNewPassword", "Credit", "Custom3",
        ]).prop_map(String::from),
        1 => ".{0,30}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,30}".prop_map(Value::String),
        "[a-z0-9.@/:+ -]{0,30}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(".{0,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A body as bytes: mostly JSON objects, sometimes any JSON, sometimes not JSON at all.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => proptest::collection::btree_map(property_name(), json_value(), 0..8)
            .prop_map(|m| serde_json::to_vec(&m).expect("json")),
        1 => json_value().prop_map(|v| serde_json::to_vec(&v).expect("json")),
        1 => proptest::collection::vec(any::<u8>(), 0..200),
    ]
}

async fn any_patch_body_gets_200_or_a_clean_4xx(backend: Backend) {
    let app = Arc::new(TestApp::spawn(backend).await);
    let token = app.member_token("jane@example.com").await;
    let handle = tokio::runtime::Handle::current();
    let cases = if backend == Backend::Sqlite { 300 } else { 150 };
    tokio::task::block_in_place(|| {
        let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
        let outcome = runner.run(&body(), |bytes| {
            let (status, reply) = handle.block_on(async {
                let response = app
                    .client
                    .patch(app.url("/api/public/coworker/profile"))
                    .bearer_auth(&token)
                    .header("Content-Type", "application/json")
                    .body(bytes.clone())
                    .send()
                    .await
                    .expect("PATCH");
                (response.status(), response.json::<Value>().await.unwrap_or(Value::Null))
            });
            prop_assert!(status.as_u16() < 500, "{status} for {}: {reply}", String::from_utf8_lossy(&bytes));
            prop_assert_eq!(
                reply["Status"].as_u64(),
                Some(u64::from(status.as_u16())),
                "the envelope: {}",
                reply
            );
            if status != StatusCode::OK {
                prop_assert!(reply["WasSuccessful"] == false && reply["Message"].is_string(), "{}", reply);
            }
            Ok(())
        });
        if let Err(failure) = outcome {
            panic!("{failure}");
        }
    });
}

crate::every_store!(any_patch_body_gets_200_or_a_clean_4xx);
