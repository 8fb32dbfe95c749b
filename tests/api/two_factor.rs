//! Two-step sign-in (docs/API.md, "Two-step sign-in"): enrolment, the code at every password
//! sign-in, one use per code, one step of drift, recovery codes, turning it off, the
//! operator's reset, secrets sealed at rest, and wrong codes under the lockout, sent together.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Backend, PASSWORD, TestApp, error_codes};
use portico::clock::Clock;
use portico::domain::two_factor::{STEP_SECONDS, code_at};

/// The code of the step `offset` steps from the server's clock.
fn code(app: &TestApp, secret: &[u8], offset: i64) -> String {
    let now = app.clock.now().unix_timestamp() + offset * STEP_SECONDS as i64;
    code_at(secret, now as u64)
}

/// Moves the server's clock to the start of the next step, so the codes of one test do not
/// straddle a step.
fn next_step(app: &TestApp) {
    let now = app.clock.now().unix_timestamp() as u64;
    let wait = STEP_SECONDS - now % STEP_SECONDS;
    app.clock.advance(time::Duration::seconds(wait as i64));
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Value,
) -> (StatusCode, Value) {
    let response =
        app.client.request(method, app.url(path)).bearer_auth(token).json(&body).send().await.expect("send");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Enrols the member whose token this is; the secret's bytes and the recovery codes.
async fn enrol(app: &TestApp, token: &str) -> (Vec<u8>, Vec<String>) {
    let path = "/api/public/coworker/two-factor";
    let (status, started) =
        send(app, reqwest::Method::POST, path, token, json!({"Password": PASSWORD})).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let secret_text = started["Value"]["Secret"].as_str().expect("the secret").to_string();
    let secret = totp_rs::Secret::Encoded(secret_text).to_bytes().expect("base32");
    next_step(app);
    let confirm = json!({"Code": code(app, &secret, 0)});
    let (status, confirmed) =
        send(app, reqwest::Method::POST, &format!("{path}/confirm"), token, confirm).await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    let codes: Vec<String> = confirmed["Value"]["RecoveryCodes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("text").to_string())
        .collect();
    (secret, codes)
}

async fn password_grant(app: &TestApp, email: &str, totp: Option<&str>) -> (StatusCode, Value) {
    let mut form = vec![("grant_type", "password"), ("username", email), ("password", PASSWORD)];
    if let Some(totp) = totp {
        form.push(("totp", totp));
    }
    app.token_request(&form).await
}

async fn a_member_enrols_and_then_signs_in_with_a_code(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    let other_device = app.sign_in("ann@example.com", PASSWORD).await;
    let path = "/api/public/coworker/two-factor";

    let (status, body) =
        send(&app, reqwest::Method::POST, path, &token, json!({"Password": "wrong one"})).await;
    assert_eq!(
        (status, error_codes(&body)),
        (StatusCode::BAD_REQUEST, vec![("Password".into(), "wrong_current_password".into())])
    );
    let (status, started) =
        send(&app, reqwest::Method::POST, path, &token, json!({"Password": PASSWORD})).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let uri = started["Value"]["OtpAuthUri"].as_str().expect("uri");
    assert!(
        uri.starts_with("otpauth://totp/") && uri.contains("ann%40example.com") && uri.contains("issuer="),
        "{uri}"
    );
    let secret_text = started["Value"]["Secret"].as_str().expect("secret").to_string();
    let secret = totp_rs::Secret::Encoded(secret_text.clone()).to_bytes().expect("base32");
    let (_, status_now) = send(&app, reqwest::Method::GET, path, &token, Value::Null).await;
    assert_eq!(
        status_now["Value"],
        json!({"On": false, "WaitingForConfirmation": true, "RecoveryCodesLeft": 0})
    );
    assert_eq!(
        password_grant(&app, "ann@example.com", None).await.0,
        StatusCode::OK,
        "not on until confirmed"
    );

    next_step(&app);
    let wrong = json!({"Code": code(&app, &secret, 3)});
    let (status, body) = send(&app, reqwest::Method::POST, &format!("{path}/confirm"), &token, wrong).await;
    assert_eq!(
        (status, error_codes(&body)),
        (StatusCode::BAD_REQUEST, vec![("Code".into(), "invalid_code".into())])
    );
    let confirming = code(&app, &secret, 0);
    let (status, confirmed) =
        send(&app, reqwest::Method::POST, &format!("{path}/confirm"), &token, json!({"Code": confirming}))
            .await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    let recovery: Vec<String> = confirmed["Value"]["RecoveryCodes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("text").into())
        .collect();
    assert_eq!(recovery.len(), 10);
    assert_eq!(
        app.get(&other_device, "/login/me").await.0,
        StatusCode::UNAUTHORIZED,
        "every other session ended"
    );
    assert_eq!(app.get(&token, "/login/me").await.0, StatusCode::OK, "this one stays");

    // Neither the secret nor a recovery code is kept in the clear.
    let stored = String::from_utf8_lossy(&app.database_bytes().await).to_string();
    assert!(!stored.contains(&secret_text) && !stored.contains(&recovery[0]), "sealed and hashed at rest");

    // Sign-in: the password alone is not enough; the code used to confirm is used up.
    let (status, body) = password_grant(&app, "ann@example.com", None).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("two_factor_auth_check")));
    let (status, body) = password_grant(&app, "ann@example.com", Some(&confirming)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "a code is good once"
    );
    next_step(&app);
    let current = code(&app, &secret, 0);
    let (status, signed_in) = password_grant(&app, "ann@example.com", Some(&current)).await;
    assert_eq!(status, StatusCode::OK, "{signed_in}");
    assert!(signed_in["access_token"].is_string());
    assert_eq!(
        password_grant(&app, "ann@example.com", Some(&current)).await.0,
        StatusCode::BAD_REQUEST,
        "once"
    );
    // One step of drift ahead is accepted; an older step than the last used never is.
    let ahead = code(&app, &secret, 1);
    assert_eq!(
        password_grant(&app, "ann@example.com", Some(&ahead)).await.0,
        StatusCode::OK,
        "the phone runs fast"
    );
    next_step(&app);
    next_step(&app);
    let behind = code(&app, &secret, -1);
    assert_eq!(
        password_grant(&app, "ann@example.com", Some(&behind)).await.0,
        StatusCode::BAD_REQUEST,
        "used already"
    );
    let far = code(&app, &secret, -3);
    assert_eq!(
        password_grant(&app, "ann@example.com", Some(&far)).await.0,
        StatusCode::BAD_REQUEST,
        "too old"
    );

    // A recovery code works once, in place of a code, typed any way.
    let typed = recovery[0].to_uppercase().replace('-', " ");
    let (status, latest) = password_grant(&app, "ann@example.com", Some(&typed)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(password_grant(&app, "ann@example.com", Some(&recovery[0])).await.0, StatusCode::BAD_REQUEST);
    let (_, status_now) = send(&app, reqwest::Method::GET, path, &token, Value::Null).await;
    assert_eq!(status_now["Value"]["RecoveryCodesLeft"], 9);

    // The refresh grant works within the session (the latest of this client's: a sign-in
    // replaces the client's earlier refresh token); Basic credentials do not (no code travels
    // with them).
    let refresh = latest["refresh_token"].as_str().expect("refresh");
    let (status, _) = app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!(status, StatusCode::OK);
    let basic = format!("Basic {}", STANDARD.encode(format!("ann@example.com:{PASSWORD}")));
    let read = app.client.get(app.url("/login/me")).header("authorization", basic).send().await.expect("GET");
    assert_eq!(read.status(), StatusCode::UNAUTHORIZED);

    // The Nexudus token call takes the code as Totp.
    let sys = |totp: Option<String>| {
        let mut body = json!({"Email": "ann@example.com", "Password": PASSWORD});
        if let Some(totp) = totp {
            body["Totp"] = json!(totp);
        }
        app.client.post(app.url("/api/sys/users/token")).json(&body).send()
    };
    assert_eq!(sys(None).await.expect("POST").status(), StatusCode::BAD_REQUEST);
    next_step(&app);
    assert_eq!(sys(Some(code(&app, &secret, 0))).await.expect("POST").status(), StatusCode::OK);

    // Off: the password and a code; every other session ends; the password alone signs in again.
    next_step(&app);
    let off = json!({"Password": PASSWORD, "Code": "000000"});
    let (status, body) = send(&app, reqwest::Method::DELETE, path, &token, off).await;
    assert_eq!(
        (status, error_codes(&body)),
        (StatusCode::BAD_REQUEST, vec![("Code".into(), "invalid_code".into())])
    );
    let off = json!({"Password": PASSWORD, "Code": code(&app, &secret, 0)});
    assert_eq!(send(&app, reqwest::Method::DELETE, path, &token, off).await.0, StatusCode::OK);
    assert_eq!(password_grant(&app, "ann@example.com", None).await.0, StatusCode::OK);
    let audit = crate::common::audit_records(&app.state, "ann@example.com").await;
    let kinds: Vec<&str> = audit.iter().map(|r| r.event.as_str()).collect();
    for kind in ["two_factor_enrolment_started", "two_factor_enabled", "two_factor_disabled"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
}

async fn the_operator_resets_a_lost_phone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    enrol(&app, &token).await;
    assert_eq!(password_grant(&app, "ann@example.com", None).await.0, StatusCode::BAD_REQUEST);
    portico::service::two_factor::reset(&app.state, "ann@example.com").await.expect("reset");
    assert_eq!(app.get(&token, "/login/me").await.0, StatusCode::UNAUTHORIZED, "every session ended");
    assert_eq!(password_grant(&app, "ann@example.com", None).await.0, StatusCode::OK);
    assert!(portico::service::two_factor::reset(&app.state, "nobody@example.com").await.is_err());
}

/// Thirty guesses of the code at once, with the right password: the lockout admits five,
/// then the right code too is refused until the lock ends.
async fn wrong_codes_sent_together_meet_the_lockout(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    let (secret, _) = enrol(&app, &token).await;
    next_step(&app);
    let right = code(&app, &secret, 0);
    let guesses = (0..30).map(|n| {
        let guess = format!("{:06}", (right.parse::<u32>().expect("digits") + 1 + n) % 1_000_000);
        let (client, url) = (app.client.clone(), app.url("/api/token"));
        tokio::spawn(async move {
            let form = [
                ("grant_type", "password"),
                ("username", "ann@example.com"),
                ("password", PASSWORD),
                ("totp", &guess),
            ];
            client.post(url).form(&form).send().await.expect("POST").status()
        })
    });
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.expect("task"));
    }
    let checked = statuses.iter().filter(|s| **s == StatusCode::BAD_REQUEST).count();
    let locked = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(checked + locked, 30, "{statuses:?}");
    assert!(checked <= 5, "at most five codes were checked: {checked}");
    let (status, _) = password_grant(&app, "ann@example.com", Some(&right)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "locked, the right code too");
}

/// A location that requires two-step sign-in: the API refuses the password alone, naming
/// the need.
async fn a_location_that_requires_it_refuses_the_password_alone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    let location = app.state.store.locations().await.expect("locations")[0].name.clone();
    let change =
        portico::service::operator::PolicyChange { require_two_step: Some(true), ..Default::default() };
    let policy = portico::service::operator::set_policy(&app.state, &location, change).await.expect("policy");
    assert!(policy.to_string().contains("two-step sign-in required"));
    let (status, body) = password_grant(&app, "ann@example.com", None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("two_factor_setup_required")),
        "{body}"
    );
    let config: Value = app
        .client
        .get(app.url("/api/public/configuration"))
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    assert_eq!(config["PasswordPolicy"]["RequireTwoStepSignIn"], true);

    // Once set up, the API signs in with the code (the portal's part: tests/api/portal.rs).
    let (secret, _) = enrol(&app, &token).await;
    next_step(&app);
    assert_eq!(
        password_grant(&app, "ann@example.com", Some(&code(&app, &secret, 0))).await.0,
        StatusCode::OK
    );
}

crate::every_store!(
    a_member_enrols_and_then_signs_in_with_a_code,
    the_operator_resets_a_lost_phone,
    wrong_codes_sent_together_meet_the_lockout,
    a_location_that_requires_it_refuses_the_password_alone,
);
