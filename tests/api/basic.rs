//! `Authorization: Basic`, attacked and counted: the lockout, the rate limit and the
//! hashing pool hold for credentials sent with each request exactly as for `/api/token`;
//! a remembered credential costs no hash, and stops working the moment its password
//! changes or its account locks.

use std::num::NonZeroU32;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use portico::service::Settings;
use portico::service::rate_limit::RateLimitSettings;
use reqwest::StatusCode;

use crate::common::{Backend, PASSWORD, TestApp, remember_password, test_settings};

fn basic(email: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{email}:{password}")))
}

fn read_with(app: &TestApp, authorization: String) -> impl Future<Output = StatusCode> + Send + use<> {
    let (client, url) = (app.client.clone(), app.url("/en/profile?_resource=Coworker"));
    async move { client.get(url).header("authorization", authorization).send().await.expect("GET").status() }
}

async fn all_at_once<Fut: Future<Output = StatusCode> + Send + 'static>(
    requests: Vec<Fut>,
) -> Vec<StatusCode> {
    let tasks: Vec<_> = requests.into_iter().map(tokio::spawn).collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("request"));
    }
    statuses
}

fn count(statuses: &[StatusCode], wanted: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == wanted).count()
}

/// Sixty wrong passwords at once, sent as Basic credentials: at most five are checked,
/// the rest meet the lock (429), and the right password is then refused too.
async fn sixty_concurrent_wrong_basic_credentials_meet_the_lockout(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let guesses = (0..60)
        .map(|i| {
            let guess = format!("wrong basic guess {i}");
            remember_password(&guess);
            read_with(&app, basic("jane@example.com", &guess))
        })
        .collect();
    let statuses = all_at_once(guesses).await;
    assert!(count(&statuses, StatusCode::UNAUTHORIZED) <= 5, "{statuses:?}");
    assert_eq!(
        count(&statuses, StatusCode::UNAUTHORIZED) + count(&statuses, StatusCode::TOO_MANY_REQUESTS),
        60
    );
    let right = read_with(&app, basic("jane@example.com", PASSWORD)).await;
    assert_eq!(right, StatusCode::TOO_MANY_REQUESTS, "the right password waits for the lock to end");
    let audit = crate::common::audit_records(&app.state, "jane@example.com").await;
    let checked = audit.iter().filter(|r| r.event == "sign_in_failed" && r.detail.is_none()).count();
    assert!(checked <= 5, "at most five passwords were checked: {checked}");
}

/// With the token endpoint's rate limit on, Basic sign-ins from one address count toward it
/// alike: of thirty at once, at most the limit get past it.
async fn basic_sign_ins_share_the_token_endpoints_rate_limit(backend: Backend) {
    let limits = RateLimitSettings { token_per_minute: NonZeroU32::new(5), ..test_settings().rate_limits };
    let app = TestApp::spawn_with(backend, Settings { rate_limits: limits, ..test_settings() }).await;
    for n in 0..30 {
        app.add_member(&format!("m{n}@example.com"), None).await;
    }
    let requests = (0..30).map(|n| read_with(&app, basic(&format!("m{n}@example.com"), PASSWORD))).collect();
    let statuses = all_at_once(requests).await;
    assert!(count(&statuses, StatusCode::OK) <= 5, "{statuses:?}");
    assert_eq!(count(&statuses, StatusCode::OK) + count(&statuses, StatusCode::TOO_MANY_REQUESTS), 30);
}

/// A thousand reads with the right credentials, fifty at a time, cost a handful of hashes:
/// the verified credential is remembered (by its MAC, never the password).
async fn a_thousand_basic_reads_cost_a_handful_of_hashes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let hashes_before = app.state.hasher.jobs_run();
    for _ in 0..20 {
        let reads = (0..50).map(|_| read_with(&app, basic("jane@example.com", PASSWORD))).collect();
        let statuses = all_at_once(reads).await;
        assert_eq!(count(&statuses, StatusCode::OK), 50, "{statuses:?}");
    }
    let hashed = app.state.hasher.jobs_run() - hashes_before;
    assert!(hashed <= 3, "{hashed} hashes for 1000 reads");
    let sign_ins = crate::common::audit_records(&app.state, "jane@example.com").await;
    assert!(
        sign_ins.iter().filter(|r| r.event == "sign_in").count() <= 3,
        "each Basic sign-in is audited, once"
    );
}

/// A remembered credential stops at once when the password changes or the account locks:
/// the old password gets 401 at the next call, without waiting for the memory to lapse.
async fn a_remembered_credential_ends_with_a_password_change_or_a_lock(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    assert_eq!(read_with(&app, basic("jane@example.com", PASSWORD)).await, StatusCode::OK);
    let token = app.sign_in("jane@example.com", PASSWORD).await;
    let new = "basic lantern orchard 77";
    let (status, _) = app.change_password(&token, PASSWORD, new).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        read_with(&app, basic("jane@example.com", PASSWORD)).await,
        StatusCode::UNAUTHORIZED,
        "old password"
    );
    assert_eq!(read_with(&app, basic("jane@example.com", new)).await, StatusCode::OK, "new password");

    remember_password("wrong token guess");
    for _ in 0..5 {
        app.token_request(&[
            ("grant_type", "password"),
            ("username", "jane@example.com"),
            ("password", "wrong token guess"),
        ])
        .await;
    }
    assert_eq!(
        read_with(&app, basic("jane@example.com", new)).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the lock ended the remembered credential's session"
    );
}

crate::every_store!(
    sixty_concurrent_wrong_basic_credentials_meet_the_lockout,
    basic_sign_ins_share_the_token_endpoints_rate_limit,
    a_thousand_basic_reads_cost_a_handful_of_hashes,
    a_remembered_credential_ends_with_a_password_change_or_a_lock,
);
