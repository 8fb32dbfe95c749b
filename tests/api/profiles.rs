//! Reading the session, the user and the profiles a person holds at several locations.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{Backend, PASSWORD, TestApp};

async fn switching_the_current_profile_changes_what_get_and_patch_touch(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first_location = app.add_location("Canal Street").await;
    let second_location = app.add_location("Harbour House").await;
    let first = app.add_member("jane@example.com", Some("Canal Street")).await;
    let second = app.add_member("jane@example.com", Some("Harbour House")).await;
    assert_eq!(first.user_id, second.user_id);
    assert!(!second.new_user);
    let token = app.sign_in("jane@example.com", PASSWORD).await;

    let (_, list) = app.get(&token, "/api/public/coworkers/profiles").await;
    let profiles = list["Profiles"].as_array().expect("profiles");
    assert_eq!(profiles.len(), 2);
    assert_eq!(list["DefaultBusiness"]["Id"], first_location);
    assert_eq!(profiles.iter().filter(|p| p["IsDefaultProfile"] == true).count(), 1);
    assert_eq!(app.profile(&token).await["Id"], first.profile_id);

    app.patch_ok(&token, &json!({"CompanyName": "First Co", "OnNewWallPost": false})).await;
    let response = app
        .client
        .put(app.url(&format!("/api/public/coworkers/profiles/current?coworkerId={}", second.profile_id)))
        .bearer_auth(&token)
        .send()
        .await
        .expect("PUT");
    assert_eq!(response.status(), StatusCode::OK);

    let current = app.profile(&token).await;
    assert_eq!(current["Id"], second.profile_id);
    assert_eq!(current["CompanyName"], "", "each location has its own profile");
    assert_eq!(current["OnNewWallPost"], false, "notification preferences belong to the user");
    app.patch_ok(&token, &json!({"CompanyName": "Second Co"})).await;

    let (_, me) = app.get(&token, "/login/me").await;
    assert_eq!(
        (me["CurrentProfileId"].clone(), me["Business"]["Id"].clone()),
        (json!(second.profile_id), json!(second_location))
    );
    let (_, list) = app.get(&token, "/api/public/coworkers/profiles").await;
    assert_eq!(list["DefaultBusiness"]["Name"], "Harbour House");

    let put_back = app
        .client
        .put(app.url(&format!("/api/public/coworkers/profiles/current?coworkerId={}", first.profile_id)))
        .bearer_auth(&token)
        .send()
        .await
        .expect("PUT");
    assert_eq!(put_back.status(), StatusCode::OK);
    assert_eq!(app.profile(&token).await["CompanyName"], "First Co");
}

async fn a_profile_of_someone_else_cannot_be_made_current(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let jane = app.member_token("jane@example.com").await;
    let bob = app.add_member("bob@example.com", None).await;
    let response = app
        .client
        .put(app.url(&format!("/api/public/coworkers/profiles/current?coworkerId={}", bob.profile_id)))
        .bearer_auth(&jane)
        .send()
        .await
        .expect("PUT");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["Status"], 404);
    assert_ne!(app.profile(&jane).await["Id"], bob.profile_id);

    for query in ["", "?coworkerId=abc"] {
        let response = app
            .client
            .put(app.url(&format!("/api/public/coworkers/profiles/current{query}")))
            .bearer_auth(&jane)
            .send()
            .await
            .expect("PUT");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["Errors"][0]["PropertyName"], "coworkerId");
    }
}

async fn the_session_and_the_user_read_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("Jane@Example.com").await;
    app.patch_ok(&token, &json!({"FullName": "Jane Doe", "SignUpToNewsletter": true})).await;

    let (status, me) = app.get(&token, "/login/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["User"]["FullName"], "Jane Doe", "FullName is the person's name on the user too");
    assert_eq!(me["User"]["Email"], "Jane@example.com", "the domain is lower-cased");
    assert_eq!(me["NotificationPreferences"]["SignUpToNewsletter"], true);
    assert!(me["ExpiresOn"].as_str().is_some_and(|s| s.ends_with('Z')));

    let (_, user) = app.get(&token, "/en/profile?_resource=User").await;
    assert_eq!(user["FullName"], "Jane Doe");
    assert_eq!(user["SignUpToNewsletter"], true);
    assert!(user.get("PasswordHash").is_none() && !user.to_string().contains("argon2"));

    let (_, both) = app.get(&token, "/en/profile").await;
    assert_eq!(both["Coworker"]["FullName"], "Jane Doe");
    assert_eq!(both["User"]["Id"], me["User"]["Id"]);

    let (status, body) = app.get(&token, "/en/profile?_resource=Invoices").await;
    assert_eq!(
        (status, body["Errors"][0]["PropertyName"].clone()),
        (StatusCode::BAD_REQUEST, json!("_resource"))
    );
}

async fn the_country_list_is_the_full_iso_set_and_public(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.client.get(app.url("/api/public/countries")).send().await.expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.expect("json");
    let countries = body["Countries"].as_array().expect("Countries");
    assert_eq!(countries.len(), 249);
    let germany = countries.iter().find(|c| c["TwoDigitsCode"] == "DE").expect("DE");
    assert_eq!(germany, &json!({"Id": 276, "Name": "Germany", "TwoDigitsCode": "DE", "Culture": "de-DE"}));
}

async fn health_and_readiness(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for path in ["/healthz", "/readyz"] {
        let response = app.client.get(app.url(path)).send().await.expect("GET");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
}

async fn every_answer_carries_a_request_id_and_the_security_headers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let generated = app.profile_response(&token).await;
    let id = generated.headers()["x-request-id"].to_str().expect("id").to_string();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    for (name, value) in
        [("cache-control", "no-store"), ("x-content-type-options", "nosniff"), ("x-frame-options", "DENY")]
    {
        assert_eq!(generated.headers()[name], value, "{name}");
    }
    let echoed =
        app.client.get(app.url("/nothing")).header("X-Request-Id", "trace-42").send().await.expect("GET");
    assert_eq!(echoed.headers()["x-request-id"], "trace-42");
    let spaced = app.client.get(app.url("/healthz")).header("X-Request-Id", "id with spaces").send().await;
    assert_eq!(spaced.expect("GET").headers()["x-request-id"], "id with spaces", "printable ASCII is kept");
    for unfit in ["tab\tseparated".to_string(), "x".repeat(129)] {
        let refused = app.client.get(app.url("/healthz")).header("X-Request-Id", &unfit).send().await;
        assert_ne!(refused.expect("GET").headers()["x-request-id"], unfit.as_str(), "replaced");
    }
}

crate::every_store!(
    switching_the_current_profile_changes_what_get_and_patch_touch,
    a_profile_of_someone_else_cannot_be_made_current,
    the_session_and_the_user_read_back,
    the_country_list_is_the_full_iso_set_and_public,
    health_and_readiness,
    every_answer_carries_a_request_id_and_the_security_headers,
);
