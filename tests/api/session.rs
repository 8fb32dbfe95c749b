//! Sign-in, refresh, sign-out, expiry, and one member's token never reaching another.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Backend, PASSWORD, TestApp};

async fn sign_in_answers_like_rfc_6749(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let response = app
        .client
        .post(app.url("/api/token"))
        .form(&[("grant_type", "password"), ("username", "JANE@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 7 * 24 * 3600);
    let access = body["access_token"].as_str().expect("access_token");
    let refresh = body["refresh_token"].as_str().expect("refresh_token");
    assert!(access.len() >= 43 && refresh.len() >= 43 && access != refresh);
}

async fn unknown_email_and_wrong_password_get_the_same_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let wrong = app
        .token_request(&[("grant_type", "password"), ("username", "jane@example.com"), ("password", "nope")])
        .await;
    let unknown = app
        .token_request(&[("grant_type", "password"), ("username", "ghost@example.com"), ("password", "nope")])
        .await;
    assert_eq!(wrong.0, StatusCode::BAD_REQUEST);
    assert_eq!(wrong, unknown);
    assert_eq!(wrong.1["error"], "invalid_grant");
}

async fn the_token_endpoint_refuses_json_and_bad_grants(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let json_body = app
        .client
        .post(app.url("/api/token"))
        .json(&json!({"grant_type": "password", "username": "a@b.c", "password": "x"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(json_body.status(), StatusCode::BAD_REQUEST);
    let answer = json_body.json::<Value>().await.expect("json");
    assert_eq!(
        answer["error"], "unsupported_grant_type",
        "a body that is not a form: Nexudus's code, which its clients branch on"
    );
    let (status, body) = app.token_request(&[("grant_type", "client_credentials")]).await;
    assert_eq!((status, body["error"].clone()), (StatusCode::BAD_REQUEST, json!("unsupported_grant_type")));
    let (status, body) = app.token_request(&[("grant_type", "password"), ("username", "a@b.c")]).await;
    assert_eq!((status, body["error"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_request")));
}

async fn refresh_rotates_both_tokens_and_a_reused_refresh_token_ends_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let (_, first) = app
        .token_request(&[
            ("grant_type", "password"),
            ("username", "jane@example.com"),
            ("password", PASSWORD),
        ])
        .await;
    let old_refresh = first["refresh_token"].as_str().expect("refresh").to_string();
    let old_access = first["access_token"].as_str().expect("access").to_string();

    let (status, second) =
        app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &old_refresh)]).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let new_access = second["access_token"].as_str().expect("access").to_string();
    assert_ne!(new_access, old_access);
    assert_eq!(
        app.get(&old_access, "/login/me").await.0,
        StatusCode::UNAUTHORIZED,
        "the old access token died"
    );
    assert_eq!(app.get(&new_access, "/login/me").await.0, StatusCode::OK);

    let (status, reuse) =
        app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &old_refresh)]).await;
    assert_eq!((status, reuse["error"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_grant")));
    assert_eq!(
        app.get(&new_access, "/login/me").await.0,
        StatusCode::UNAUTHORIZED,
        "reuse ends the whole session"
    );
}

async fn revoked_and_expired_tokens_get_401_with_a_challenge(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let revoked = app.sign_in("jane@example.com", PASSWORD).await;
    let expiring = app.sign_in("jane@example.com", PASSWORD).await;

    let response =
        app.client.post(app.url("/api/token/revoke")).bearer_auth(&revoked).send().await.expect("POST");
    assert_eq!(response.status(), StatusCode::OK);
    let response = app.client.get(app.url("/login/me")).bearer_auth(&revoked).send().await.expect("GET");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers()["www-authenticate"].to_str().expect("header").starts_with("Bearer"));
    let body: Value = response.json().await.expect("json");
    assert_eq!((body["Status"].clone(), body["WasSuccessful"].clone()), (json!(401), json!(false)));

    assert_eq!(app.get(&expiring, "/login/me").await.0, StatusCode::OK);
    app.clock.advance(time::Duration::days(7) + time::Duration::seconds(1));
    assert_eq!(app.get(&expiring, "/login/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.patch(&expiring, &json!({"NickName": "late"})).await.0, StatusCode::UNAUTHORIZED);
}

async fn missing_or_malformed_credentials_get_401(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.member_token("jane@example.com").await;
    let no_header = app.client.get(app.url("/en/profile?_resource=Coworker")).send().await.expect("GET");
    assert_eq!(no_header.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(no_header.headers()["www-authenticate"], r#"Bearer realm="portico""#);
    for header in ["Bearer", "Bearer ", "Basic amFuZTpwdw==", "Bearer pat_forged"] {
        let response =
            app.client.get(app.url("/login/me")).header("Authorization", header).send().await.expect("GET");
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{header}");
    }
}

async fn a_token_only_reaches_its_own_member(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let jane = app.member_token("jane@example.com").await;
    let bob = app.member_token("bob@example.com").await;
    let (_, bob_before) = app.profile_bytes(&bob).await;

    let jane_profile = app.profile(&jane).await;
    assert_eq!(jane_profile["Email"], "jane@example.com");
    app.patch_ok(&jane, &json!({"CompanyName": "Jane Co"})).await;
    let (status, _) =
        app.patch(&jane, &json!({"Id": app.profile(&bob).await["Id"], "CompanyName": "Hijack"})).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "an Id of another profile is a read-only violation, not a target"
    );

    assert_eq!(app.profile_bytes(&bob).await.1, bob_before);
    let (_, me) = app.get(&jane, "/login/me").await;
    assert_eq!(me["User"]["Email"], "jane@example.com");
}

crate::every_store!(
    sign_in_answers_like_rfc_6749,
    unknown_email_and_wrong_password_get_the_same_answer,
    the_token_endpoint_refuses_json_and_bad_grants,
    refresh_rotates_both_tokens_and_a_reused_refresh_token_ends_the_session,
    revoked_and_expired_tokens_get_401_with_a_challenge,
    missing_or_malformed_credentials_get_401,
    a_token_only_reaches_its_own_member,
);
