//! What a newcomer's first run of the README and docs/API.md found, one test each: every
//! item either fixed in the code or (where the code was right) in the docs.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Backend, TestApp, error_codes, test_settings};

fn codes(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut codes: Vec<(String, String)> =
        pairs.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect();
    codes.sort();
    codes
}

async fn refused_with(app: &TestApp, token: &str, body: Value) -> Vec<(String, String)> {
    let (status, answer) = app.patch(token, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body} was accepted: {answer}");
    error_codes(&answer)
}

async fn social_pages_that_are_not_profiles_are_refused_not_mangled(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let refused = refused_with(
        &app,
        &token,
        json!({"Instagram": "instagram.com/p/abc", "Telegram": "t.me/joinchat/xyzxyz", "Github": "github.com/jane/repo"}),
    )
    .await;
    assert_eq!(
        refused,
        codes(&[
            ("Github", "invalid_handle"),
            ("Instagram", "invalid_handle"),
            ("Telegram", "invalid_handle")
        ])
    );
    app.patch_ok(&token, &json!({"Linkedin": "uk.linkedin.com/pub/jane/1/2/3", "Instagram": "@jane.doe"}))
        .await;
    let profile = app.profile(&token).await;
    assert_eq!(profile["Linkedin"], "https://www.linkedin.com/pub/jane/1/2/3", "no segment lost");
    assert_eq!(profile["Instagram"], "https://www.instagram.com/jane.doe");
}

async fn types_are_strict_alike_for_codes_and_flags(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    assert_eq!(
        refused_with(&app, &token, json!({"Gender": "2"})).await,
        codes(&[("Gender", "invalid_choice")])
    );
    assert_eq!(
        refused_with(&app, &token, json!({"OnNewWallPost": "true"})).await,
        codes(&[("OnNewWallPost", "wrong_type")])
    );
    app.patch_ok(&token, &json!({"Gender": 2})).await;
    assert_eq!(app.profile(&token).await["Gender"], "Male");
    app.patch_ok(&token, &json!({"Gender": "female"})).await;
    assert_eq!(app.profile(&token).await["Gender"], "Female");
}

async fn field_rules_match_the_reference(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let long_phone = "1".repeat(51);
    assert_eq!(
        refused_with(&app, &token, json!({"MobilePhone": long_phone})).await,
        codes(&[("MobilePhone", "too_long")])
    );
    assert_eq!(
        refused_with(&app, &token, json!({"DateOfBirth": "+1990-05-04"})).await,
        codes(&[("DateOfBirth", "invalid_date")])
    );
    let hebrew = "שרה\u{200F} כהן";
    app.patch_ok(&token, &json!({"NickName": hebrew})).await;
    assert_eq!(app.profile(&token).await["NickName"], hebrew, "the right-to-left mark is kept");
    assert_eq!(
        refused_with(&app, &token, json!({"NickName": "evil\u{202E}gnp.exe"})).await,
        codes(&[("NickName", "control_characters")])
    );
}

async fn staff_names_password_and_customs_are_told_apart(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let refused = refused_with(&app, &token, json!({"Custom0": 1, "Custom31": 1, "Custom1": 1})).await;
    assert_eq!(
        refused,
        codes(&[("Custom0", "unknown_field"), ("Custom1", "not_writable"), ("Custom31", "unknown_field")])
    );
    let (_, answer) = app.patch(&token, &json!({"Password": "a new secret phrase"})).await;
    let message = answer["Errors"][0]["Message"].as_str().expect("message");
    assert!(message.contains("OldPassword") && message.contains("NewPassword"), "{message}");
    assert!(!message.contains("staff"), "{message}");
}

async fn bodies_the_api_cannot_take_get_the_right_status(backend: Backend) {
    let settings = portico::Settings { body_limit_bytes: 900, ..test_settings() };
    let app = TestApp::spawn_with(backend, settings).await;
    let token = app.member_token("jane@example.com").await;
    let gzip = app
        .client
        .patch(app.url("/api/public/coworker/profile"))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip")
        .body(vec![0x1f, 0x8b, 0x08, 0x00, 0x00])
        .send()
        .await
        .expect("PATCH");
    assert_eq!(gzip.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let big = json!({"ProfileSummary": "x".repeat(2000)});
    let (status, answer) = app.patch(&token, &big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer["Message"], "The body is larger than the limit of 900 bytes.");

    let no_form = app.client.post(app.url("/api/token")).send().await.expect("POST");
    let answer: Value = no_form.json().await.expect("json");
    assert_eq!(answer["error"], "unsupported_grant_type", "a missing grant_type, as Nexudus answers it");
    let in_url = app
        .client
        .post(app.url("/api/token?grant_type=password&username=jane@example.com&password=x"))
        .form(&[("grant_type", "password")])
        .send()
        .await
        .expect("POST");
    let answer: Value = in_url.json().await.expect("json");
    assert_eq!(answer["error"], "invalid_request", "credentials in the URL are refused");
}

crate::every_store!(
    social_pages_that_are_not_profiles_are_refused_not_mangled,
    types_are_strict_alike_for_codes_and_flags,
    field_rules_match_the_reference,
    staff_names_password_and_customs_are_told_apart,
    bodies_the_api_cannot_take_get_the_right_status,
);
