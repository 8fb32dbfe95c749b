//! The operator's side of a member's life (docs/OPERATIONS.md, "Members"): suspension, which
//! stops every way of signing in and takes the member out of the directory until they are
//! reactivated, and erasure, which leaves nothing of them but a tombstone in the audit log.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{Backend, PASSWORD, TestApp, audit_records};
use portico::domain::fields::email_key;
use portico::service::operator;

async fn a_suspended_member_signs_in_no_way_and_leaves_the_directory(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ann = app.member_token("ann@example.com").await;
    let bob = app.member_token("bob@example.com").await;
    app.patch_ok(&ann, &json!({"ProfileIsPublic": true, "FullName": "Ann Lee"})).await;
    let profile = app.profile(&ann).await;
    let (id, avatar) = (profile["Id"].clone(), profile["AvatarUrl"].as_str().expect("url").to_string());
    let listed = |body: serde_json::Value| body.to_string().contains("Ann Lee");
    assert!(listed(app.get(&bob, "/api/public/coworkers/published").await.1));
    // A sign-in link asked for before the suspension.
    let otp = app.client.get(app.url("/api/sys/users/sendOtp?email=ann@example.com&businessId=1"));
    assert_eq!(otp.send().await.expect("GET").status(), StatusCode::OK);

    operator::suspend(&app.state, "ann@example.com").await.expect("suspended");
    assert_eq!(app.get(&ann, "/login/me").await.0, StatusCode::UNAUTHORIZED, "every session ended");
    let (status, body) = app
        .token_request(&[("grant_type", "password"), ("username", "ann@example.com"), ("password", PASSWORD)])
        .await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    let basic = format!("Basic {}", STANDARD.encode(format!("ann@example.com:{PASSWORD}")));
    let read = app.client.get(app.url("/login/me")).header("authorization", basic).send().await.expect("GET");
    assert_eq!(read.status(), StatusCode::UNAUTHORIZED);
    let link = mailed_link(&app, "ann@example.com").await;
    let exchange = app.client.get(app.url(&format!("/api/sys/users/exchange?token={link}"))).send().await;
    assert_eq!(
        exchange.expect("GET").status(),
        StatusCode::BAD_REQUEST,
        "no link signs a suspended member in"
    );
    assert!(!listed(app.get(&bob, "/api/public/coworkers/published").await.1), "out of the directory");
    assert!(!listed(app.get(&bob, "/api/public/coworkers/published?query=Ann").await.1), "out of the search");
    assert_eq!(
        app.get(&bob, &format!("/api/public/coworkers/published/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    let photo = app.client.get(&avatar).bearer_auth(&bob).send().await.expect("GET");
    assert_eq!(photo.status(), StatusCode::NOT_FOUND, "nor is their photo shown");

    operator::reactivate(&app.state, "ann@example.com").await.expect("reactivated");
    let again = app.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(app.get(&again, "/login/me").await.0, StatusCode::OK);
    assert!(listed(app.get(&bob, "/api/public/coworkers/published").await.1), "back in the directory");
    let kinds: Vec<String> =
        audit_records(&app.state, "ann@example.com").await.into_iter().map(|r| r.event).collect();
    assert!(kinds.iter().any(|k| k == "member_suspended") && kinds.iter().any(|k| k == "member_reactivated"));
    assert!(operator::suspend(&app.state, "nobody@example.com").await.is_err());
}

async fn mailed_link(app: &TestApp, to: &str) -> String {
    let key = email_key(to);
    for _ in 0..100 {
        let outbox = app.state.store.outbox(Some(&key), 20).await.expect("outbox");
        if let Some(mail) = outbox.iter().find(|m| m.mail.text.contains("/signin/link?token=")) {
            let at = mail.mail.text.find("token=").expect("token") + "token=".len();
            return mail.mail.text[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no sign-in link mailed to {to}");
}

async fn erasure_leaves_nothing_but_a_tombstone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ann = app.member_token("ann@example.com").await;
    let bob = app.member_token("bob@example.com").await;
    app.patch_ok(&ann, &json!({"ProfileIsPublic": true, "FullName": "Ann Lee", "NickName": "Annie"})).await;
    let reset = app
        .client
        .post(app.url("/api/public/account/password-reset"))
        .json(&json!({"Email": "ann@example.com"}));
    assert_eq!(reset.send().await.expect("POST").status(), StatusCode::OK);
    // The reset's mail is made after the answer: wait for it, so the erasure has mail to delete.
    let key = email_key("ann@example.com");
    for _ in 0..100 {
        if !app.state.store.outbox(Some(&key), 5).await.expect("outbox").is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!app.state.store.outbox(Some(&key), 5).await.expect("outbox").is_empty(), "the reset was mailed");
    let exported = operator::export_member(&app.state, "ann@example.com").await.expect("export");
    assert_eq!(exported.profiles.len(), 1);
    assert!(!exported.history.is_empty() && !exported.audit.is_empty());
    let record = app.state.store.login_record(&email_key("ann@example.com")).await.expect("q").expect("ann");

    operator::erase(&app.state, "ann@example.com").await.expect("erased");
    assert!(app.state.store.login_record(&email_key("ann@example.com")).await.expect("q").is_none());
    assert!(app.state.store.user(record.user_id).await.is_err());
    assert!(app.state.store.profile(record.default_profile_id).await.is_err(), "profiles gone");
    assert_eq!(app.get(&ann, "/login/me").await.0, StatusCode::UNAUTHORIZED, "sessions gone");
    assert!(
        app.state.store.outbox(Some(&email_key("ann@example.com")), 50).await.expect("outbox").is_empty(),
        "mail to them gone"
    );
    let (_, directory) = app.get(&bob, "/api/public/coworkers/published?query=Ann").await;
    assert!(!directory.to_string().contains("Ann Lee"), "out of the directory and its search");
    assert!(audit_records(&app.state, "ann@example.com").await.is_empty(), "no event names them any more");
    let database = String::from_utf8_lossy(&app.database_bytes().await).to_string();
    if backend == Backend::Postgres {
        // Every live row of every table: nothing names the member (SQLite's raw file may
        // keep freed pages until they are reused; its rows are checked above).
        assert!(!database.contains("ann@example.com") && !database.contains("Annie"), "nothing names them");
        assert!(database.contains(&format!("erased: user {}", record.user_id)), "the tombstone");
    }
    assert!(operator::erase(&app.state, "ann@example.com").await.is_err(), "once");
    assert_eq!(app.get(&bob, "/login/me").await.0, StatusCode::OK, "nobody else is touched");
}

crate::every_store!(
    a_suspended_member_signs_in_no_way_and_leaves_the_directory,
    erasure_leaves_nothing_but_a_tombstone,
);
