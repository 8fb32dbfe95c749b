//! Changing the password through the PATCH, under the location's policy; sessions after a
//! change; lockout; the audit log; and passwords never leaving the request.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Backend, PASSWORD, TestApp, captured_logs, error_codes};
use portico::service::operator::{self, PolicyChange};

const NEW_PASSWORD: &str = "violet kettle drum 42";

async fn each_policy_rule_refuses_with_its_code_and_a_strong_password_is_accepted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane.doe@example.com", None).await;
    let token = app.sign_in("jane.doe@example.com", PASSWORD).await;
    let (_, body) = app.change_password(&token, PASSWORD, "QwertyUIOP").await;
    assert_eq!(
        error_codes(&body),
        vec![
            ("NewPassword".into(), "password_too_common".into()),
            ("NewPassword".into(), "password_too_weak".into())
        ],
        "default policy"
    );

    let strict = PolicyChange {
        min_length: Some(12),
        require_digit: Some(true),
        require_upper: Some(true),
        require_symbol: Some(true),
        ..Default::default()
    };
    operator::set_policy(&app.state, "Main Street", strict).await.expect("policy");

    let cases = [
        ("Sh0rt!", "password_too_short"),
        ("unbelievable", "password_too_common"),
        ("X1!jane.doe-secret", "password_contains_email"),
        ("X1!Member jane.doe@example.com", "password_contains_email"),
        ("violet kettle drum!X", "password_needs_digit"),
        ("violet kettle drum 4x", "password_needs_upper"),
        ("Violet kettle drum 42", "password_needs_symbol"),
    ];
    for (candidate, code) in cases {
        let (status, body) = app.change_password(&token, PASSWORD, candidate).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{candidate}");
        let codes = error_codes(&body);
        assert!(codes.contains(&("NewPassword".into(), code.into())), "{candidate}: {codes:?}");
        assert!(!body.to_string().contains(candidate), "the candidate password is never echoed");
    }
    let (status, body) = app.change_password(&token, PASSWORD, PASSWORD).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error_codes(&body).contains(&("NewPassword".into(), "password_unchanged".into())), "{body}");

    let strong = "Violet-kettle-drum-42";
    let (status, body) = app.change_password(&token, PASSWORD, strong).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = app
        .token_request(&[
            ("grant_type", "password"),
            ("username", "jane.doe@example.com"),
            ("password", PASSWORD),
        ])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the old password no longer signs in");
    app.sign_in("jane.doe@example.com", strong).await;
}

async fn the_name_rule_uses_the_full_name(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jd@example.com").await;
    app.patch_ok(&token, &json!({"FullName": "Marguerite Okafor"})).await;
    let (_, body) = app.change_password(&token, PASSWORD, "i am marguerite okafor").await;
    assert!(error_codes(&body).contains(&("NewPassword".into(), "password_contains_name".into())), "{body}");
}

async fn a_bad_password_change_refuses_the_whole_request(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let (_, before) = app.profile_bytes(&token).await;

    let mismatch = json!({"NickName": "JD", "OldPassword": PASSWORD, "NewPassword": NEW_PASSWORD, "RepeatNewPassword": "something else"});
    let missing = json!({"NickName": "JD", "OldPassword": PASSWORD, "NewPassword": NEW_PASSWORD});
    let wrong = json!({"NickName": "JD", "OldPassword": "not my password", "NewPassword": NEW_PASSWORD, "RepeatNewPassword": NEW_PASSWORD});
    let alias_mismatch =
        json!({"CurrentPassword": PASSWORD, "NewPassword": NEW_PASSWORD, "ConfirmPassword": "x"});
    let expectations = [
        (mismatch, vec![("RepeatNewPassword", "password_mismatch")]),
        (missing, vec![("RepeatNewPassword", "password_required")]),
        (wrong, vec![("OldPassword", "wrong_current_password")]),
        (alias_mismatch, vec![("RepeatNewPassword", "password_mismatch")]),
    ];
    for (body, expected) in expectations {
        let (status, reply) = app.patch(&token, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let expected: Vec<(String, String)> =
            expected.into_iter().map(|(p, c)| (p.into(), c.into())).collect();
        assert_eq!(error_codes(&reply), expected, "{body}");
        assert!(reply["Errors"][0].get("AttemptedValue").is_none(), "passwords are never echoed: {reply}");
    }
    assert_eq!(app.profile_bytes(&token).await.1, before, "the NickName sent with them was not applied");
    app.sign_in("jane@example.com", PASSWORD).await;
}

async fn a_valid_change_applies_with_other_fields_in_one_request(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let body = json!({"NickName": "JD", "OldPassword": PASSWORD, "NewPassword": NEW_PASSWORD, "NewPasswordConfirm": NEW_PASSWORD});
    app.patch_ok(&token, &body).await;
    assert_eq!(app.profile(&token).await["NickName"], "JD");
    app.sign_in("jane@example.com", NEW_PASSWORD).await;
}

async fn a_change_ends_every_other_session_but_not_its_own(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let (_, other) = app
        .token_request(&[
            ("grant_type", "password"),
            ("username", "jane@example.com"),
            ("password", PASSWORD),
        ])
        .await;
    let other_access = other["access_token"].as_str().expect("access").to_string();
    let other_refresh = other["refresh_token"].as_str().expect("refresh").to_string();
    let changing = app.sign_in("jane@example.com", PASSWORD).await;

    let (status, body) = app.change_password(&changing, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.get(&other_access, "/login/me").await.0, StatusCode::UNAUTHORIZED);
    let (status, _) =
        app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &other_refresh)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the other session's refresh token died too");
    assert_eq!(app.get(&changing, "/login/me").await.0, StatusCode::OK);
}

async fn five_wrong_passwords_lock_the_account_until_the_window_ends(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let attempt = |password: &'static str| {
        app.client
            .post(app.url("/api/token"))
            .form(&[("grant_type", "password"), ("username", "jane@example.com"), ("password", password)])
            .send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("wrong guess").await.expect("POST").status(), StatusCode::BAD_REQUEST);
    }
    let sixth = attempt(PASSWORD).await.expect("POST");
    assert_eq!(sixth.status(), StatusCode::TOO_MANY_REQUESTS, "locked even with the right password");
    let retry_after: u64 = sixth.headers()["retry-after"].to_str().expect("header").parse().expect("seconds");
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let body: Value = sixth.json().await.expect("json");
    assert!(body["error"].is_string() && body["error_description"].is_string(), "RFC 6749 shape: {body}");

    app.clock.advance(time::Duration::minutes(14));
    assert_eq!(attempt(PASSWORD).await.expect("POST").status(), StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(time::Duration::minutes(1));
    assert_eq!(
        attempt(PASSWORD).await.expect("POST").status(),
        StatusCode::OK,
        "the lock ends with its window"
    );
}

async fn wrong_current_passwords_count_toward_the_lockout(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    for _ in 0..5 {
        let (status, _) = app.change_password(&token, "not it", NEW_PASSWORD).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    let response = app
        .client
        .patch(app.url("/api/public/coworker/profile"))
        .bearer_auth(&token)
        .json(
            &json!({"OldPassword": PASSWORD, "NewPassword": NEW_PASSWORD, "RepeatNewPassword": NEW_PASSWORD}),
        )
        .send()
        .await
        .expect("PATCH");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.expect("envelope");
    assert_eq!((body["Status"].clone(), body["WasSuccessful"].clone()), (json!(429), json!(false)));
    let (status, _) = app
        .token_request(&[
            ("grant_type", "password"),
            ("username", "jane@example.com"),
            ("password", PASSWORD),
        ])
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "sign-in is locked too");
    assert_eq!(app.get(&token, "/login/me").await.0, StatusCode::OK, "existing sessions keep working");
}

async fn unknown_accounts_lock_exactly_like_known_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let mut answers = Vec::new();
    for email in ["jane@example.com", "ghost@example.com"] {
        let mut statuses = Vec::new();
        for _ in 0..6 {
            let (status, body) = app
                .token_request(&[("grant_type", "password"), ("username", email), ("password", "guess")])
                .await;
            statuses.push((status, body));
        }
        answers.push(statuses);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0][5].0, StatusCode::TOO_MANY_REQUESTS);
}

async fn the_audit_log_records_security_events_without_passwords(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let _ = app
        .token_request(&[
            ("grant_type", "password"),
            ("username", "jane@example.com"),
            ("password", "wrong guess"),
        ])
        .await;
    let token = app.sign_in("jane@example.com", PASSWORD).await;
    let (status, _) = app.change_password(&token, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    app.client.post(app.url("/api/token/revoke")).bearer_auth(&token).send().await.expect("revoke");
    let events: Vec<String> = crate::common::audit_records(&app.state, "JANE@example.com")
        .await
        .into_iter()
        .map(|r| r.event)
        .collect();
    assert_eq!(events, vec!["sign_in_failed", "sign_in", "password_changed", "session_revoked"]);
    let records = crate::common::audit_records(&app.state, "jane@example.com").await;
    assert!(records.iter().all(|r| r.source.as_deref() == Some("127.0.0.1")), "{records:?}");
    let text = format!("{records:?}");
    assert!(!text.contains(PASSWORD) && !text.contains(NEW_PASSWORD) && !text.contains("wrong guess"));
}

async fn sessions_can_be_listed_and_ended_by_the_operator(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let first = app.sign_in("jane@example.com", PASSWORD).await;
    let second = app.sign_in("jane@example.com", PASSWORD).await;
    let sessions = operator::sessions(&app.state, "jane@example.com").await.expect("sessions");
    assert_eq!(sessions.len(), 2);
    assert_eq!(operator::revoke_sessions(&app.state, "jane@example.com").await.expect("revoke"), 2);
    for token in [first, second] {
        assert_eq!(app.get(&token, "/login/me").await.0, StatusCode::UNAUTHORIZED);
    }
    assert!(operator::sessions(&app.state, "jane@example.com").await.expect("sessions").is_empty());
}

async fn passwords_never_appear_in_logs_responses_or_the_database(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = "first-Secret-Phrase-91";
    let second = "second-Secret-Phrase-92";
    let wrong = "wrong-Secret-Phrase-93";
    let input = operator::MemberInput {
        email: "keeper@example.com".into(),
        password: Some(secrecy::SecretString::from(first)),
        full_name: "Secret Keeper".into(),
        location: None,
    };
    app.add_location("Main Street").await;
    operator::add_member(&app.state, input).await.expect("member");
    let mut responses = String::new();
    let (_, body) = app
        .token_request(&[("grant_type", "password"), ("username", "keeper@example.com"), ("password", wrong)])
        .await;
    responses.push_str(&body.to_string());
    let token = app.sign_in("keeper@example.com", first).await;
    let (_, body) = app.change_password(&token, wrong, second).await;
    responses.push_str(&body.to_string());
    let (_, body) = app
        .patch(&token, &json!({"OldPassword": first, "NewPassword": second, "RepeatNewPassword": wrong}))
        .await;
    responses.push_str(&body.to_string());
    let (status, body) = app.change_password(&token, first, second).await;
    assert_eq!(status, StatusCode::OK);
    responses.push_str(&body.to_string());

    let logs = captured_logs();
    assert!(logs.contains("request"), "the log capture works");
    let database = app.database_bytes().await;
    for secret in [first, second, wrong] {
        assert!(!responses.contains(secret), "{secret} in a response");
        assert!(!logs.contains(secret), "{secret} in the logs");
        assert!(!database.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret} in the database");
    }
}

async fn a_hash_with_older_parameters_is_upgraded_at_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let added = app.add_member("jane@example.com", None).await;
    let older = portico::auth::password::HashCost { memory_kib: 512, iterations: 1, parallelism: 1 };
    let old_hasher = portico::auth::password::PasswordHasher::new(older, 1, 1).expect("hasher");
    let permit = old_hasher.admit(&Default::default()).expect("place");
    let old_hash = permit.hash(&secrecy::SecretString::from(PASSWORD)).await.expect("hash");
    let current = app.state.store.password_hash(added.user_id).await.expect("hash");
    let planted = app.state.store.upgrade_password_hash(added.user_id, &current, &old_hash).await;
    assert!(planted.expect("plant an old hash"));

    app.sign_in("jane@example.com", PASSWORD).await;
    let stored = app.state.store.password_hash(added.user_id).await.expect("hash");
    assert!(stored.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{stored}");
    app.sign_in("jane@example.com", PASSWORD).await;
}

crate::every_store!(
    a_hash_with_older_parameters_is_upgraded_at_sign_in,
    each_policy_rule_refuses_with_its_code_and_a_strong_password_is_accepted,
    the_name_rule_uses_the_full_name,
    a_bad_password_change_refuses_the_whole_request,
    a_valid_change_applies_with_other_fields_in_one_request,
    a_change_ends_every_other_session_but_not_its_own,
    five_wrong_passwords_lock_the_account_until_the_window_ends,
    wrong_current_passwords_count_toward_the_lockout,
    unknown_accounts_lock_exactly_like_known_ones,
    the_audit_log_records_security_events_without_passwords,
    sessions_can_be_listed_and_ended_by_the_operator,
    passwords_never_appear_in_logs_responses_or_the_database,
);
