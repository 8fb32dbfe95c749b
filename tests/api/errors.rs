//! Bodies and requests a client can get wrong: each gets a clear envelope, never a 500.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{Backend, TestApp};

async fn send_raw(
    app: &TestApp,
    token: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let mut request = app.client.patch(app.url("/api/public/coworker/profile")).bearer_auth(token).body(body);
    if let Some(content_type) = content_type {
        request = request.header("Content-Type", content_type);
    }
    let response = request.send().await.expect("PATCH");
    let status = response.status();
    (status, response.json().await.expect("an envelope"))
}

async fn malformed_bodies_get_clear_errors(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let (_, before) = app.profile_bytes(&token).await;
    let json = Some("application/json");
    /// (Content-Type, body, expected status, expected error code)
    type Case<'a> = (Option<&'a str>, Vec<u8>, StatusCode, Option<&'a str>);
    let cases: Vec<Case> = vec![
        (json, b"{\"FullName\": ".to_vec(), StatusCode::BAD_REQUEST, Some("malformed_json")),
        (json, b"not json at all".to_vec(), StatusCode::BAD_REQUEST, Some("malformed_json")),
        (json, b"[{\"FullName\": \"Jane\"}]".to_vec(), StatusCode::BAD_REQUEST, Some("not_an_object")),
        (json, b"null".to_vec(), StatusCode::BAD_REQUEST, Some("not_an_object")),
        (json, b"".to_vec(), StatusCode::BAD_REQUEST, Some("empty_body")),
        (
            json,
            b"{\"NickName\": \"a\", \"NickName\": \"b\"}".to_vec(),
            StatusCode::BAD_REQUEST,
            Some("duplicate_field"),
        ),
        (Some("text/plain"), b"{\"NickName\": \"a\"}".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, None),
        (None, b"{\"NickName\": \"a\"}".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, None),
        (
            Some("application/x-www-form-urlencoded"),
            b"NickName=a".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
        ),
        (
            json,
            format!("{{\"ProfileSummary\": \"{}\"}}", "x".repeat(1024 * 1024)).into_bytes(),
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
        ),
    ];
    for (content_type, body, expected_status, expected_code) in cases {
        let shown = String::from_utf8_lossy(&body).chars().take(40).collect::<String>();
        let (status, envelope) = send_raw(&app, &token, content_type, body).await;
        assert_eq!(status, expected_status, "{content_type:?} {shown}");
        assert_eq!(envelope["Status"], status.as_u16(), "{shown}");
        assert_eq!(envelope["WasSuccessful"], false);
        assert!(envelope["Message"].as_str().is_some_and(|m| !m.is_empty()));
        if let Some(code) = expected_code {
            assert_eq!(envelope["Errors"][0]["Code"], code, "{shown}");
        }
    }
    assert_eq!(app.profile_bytes(&token).await.1, before);
    assert_eq!(app.get(&token, "/login/me").await.0, StatusCode::OK, "the server is still healthy");
}

async fn a_json_content_type_with_parameters_is_accepted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let (status, _) =
        send_raw(&app, &token, Some("application/json; charset=utf-8"), b"{\"NickName\": \"JD\"}".to_vec())
            .await;
    assert_eq!(status, StatusCode::OK);
}

async fn unknown_routes_and_methods_get_the_envelope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.client.get(app.url("/api/public/nothing-here")).send().await.expect("GET");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.json::<Value>().await.expect("json")["Status"], 404);
    let response = app.client.delete(app.url("/api/public/coworker/profile")).send().await.expect("DELETE");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.json::<Value>().await.expect("json")["Status"], 405);
}

async fn an_oversized_sign_in_form_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let big = "x".repeat(app.state.settings.body_limit_bytes + 1024);
    let response = app
        .client
        .post(app.url("/api/token"))
        .form(&[("grant_type", "password"), ("username", "a@b.c"), ("password", big.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// Nine thousand unknown properties (a body within the size limit): every one is refused,
/// but the answer stays small: 50 errors, a short message naming ten and counting the rest.
async fn a_body_of_thousands_of_bad_properties_gets_a_small_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let body: serde_json::Map<String, Value> =
        (0..9_000).map(|n| (format!("N{n}"), Value::from(n))).collect();
    let body = serde_json::to_vec(&body).expect("json");
    let response = app
        .client
        .patch(app.url("/api/public/coworker/profile"))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .expect("PATCH");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let bytes = response.bytes().await.expect("body");
    assert!(bytes.len() < 16 * 1024, "the answer is {} bytes", bytes.len());
    let envelope: Value = serde_json::from_slice(&bytes).expect("an envelope");
    assert_eq!(envelope["Errors"].as_array().map(Vec::len), Some(50));
    assert_eq!(envelope["Errors"][0]["Code"], "unknown_field");
    let message = envelope["Message"].as_str().expect("message");
    assert!(message.starts_with("9000 properties are not valid: N0, "), "{message}");
    assert!(message.contains(" and 8990 more."), "{message}");
    assert!(message.contains("the first 50 of 9000 problems"), "{message}");
    assert!(message.len() < 400, "{message}");
}

/// A few bad properties are all listed, by name, with nothing said about a cut.
async fn a_few_bad_properties_are_all_listed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let body: serde_json::Map<String, Value> =
        (0..50).map(|n| (format!("Nope{n:02}"), Value::from(n))).collect();
    let (status, envelope) = app.patch(&token, &Value::Object(body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(envelope["Errors"].as_array().map(Vec::len), Some(50));
    let message = envelope["Message"].as_str().expect("message");
    assert!(message.contains("and 40 more.") && !message.contains("problems"), "{message}");
}

crate::every_store!(
    a_body_of_thousands_of_bad_properties_gets_a_small_answer,
    a_few_bad_properties_are_all_listed,
    malformed_bodies_get_clear_errors,
    a_json_content_type_with_parameters_is_accepted,
    unknown_routes_and_methods_get_the_envelope,
    an_oversized_sign_in_form_is_refused,
);

#[tokio::test]
async fn the_api_describes_itself_and_its_reference_page_needs_no_internet() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let response = app.client.get(app.url("/openapi.json")).send().await.expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    let document: serde_json::Value = response.json().await.expect("json");
    assert_eq!(document["openapi"], "3.1.0");
    let patch = &document["paths"]["/api/public/coworker/profile"]["patch"];
    assert_eq!(
        patch["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ProfilePatch"
    );
    let page = app.client.get(app.url("/docs/")).send().await.expect("GET");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("swagger-ui") && !html.contains("https://"), "assets come from the binary");
    let script = app.client.get(app.url("/docs/swagger-ui-bundle.js")).send().await.expect("GET");
    assert_eq!(script.status(), StatusCode::OK);
    assert!(script.bytes().await.expect("bytes").len() > 100_000, "the bundle itself is served");
}
