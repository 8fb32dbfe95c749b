//! The PATCH as a whole: errors reported together, atomic apply, unknown, staff-only and
//! read-only properties, ETag preconditions and `Prefer: return=representation`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Backend, TestApp, error_codes};

async fn several_bad_fields_are_all_reported_and_nothing_changes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let (_, before) = app.profile_bytes(&token).await;
    let (status, body) = app
        .patch(
            &token,
            &json!({
                "NickName": "valid on its own",
                "FullName": "",
                "BillingEmail": "not-an-email",
                "CountryId": 12345,
                "ProfileWebsite": "javascript:alert(1)",
                "DateOfBirth": "yesterday",
                "OnHelpDeskMsg": "maybe",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        error_codes(&body),
        vec![
            ("BillingEmail".into(), "invalid_email".into()),
            ("CountryId".into(), "unknown_country".into()),
            ("DateOfBirth".into(), "invalid_date".into()),
            ("FullName".into(), "required".into()),
            ("OnHelpDeskMsg".into(), "wrong_type".into()),
            ("ProfileWebsite".into(), "invalid_url".into()),
        ]
    );
    assert!(body["Message"].as_str().unwrap_or("").contains("6 properties"), "{body}");
    let first = &body["Errors"][0];
    assert_eq!(first["AttemptedValue"], "not-an-email");
    assert!(first["Message"].as_str().is_some_and(|m| !m.is_empty()));
    let (_, after) = app.profile_bytes(&token).await;
    assert_eq!(before, after, "the stored profile must be byte-for-byte unchanged");
}

async fn unknown_property_is_refused_with_a_suggestion(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let (status, body) = app.patch(&token, &json!({"Fullname": "Jane", "NickName": "JD"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_codes(&body), vec![("Fullname".into(), "unknown_field".into())]);
    assert!(body["Errors"][0]["Message"].as_str().unwrap_or("").contains("FullName"), "{body}");
    assert_eq!(app.profile(&token).await["NickName"], Value::Null, "the valid part is not applied either");
}

async fn unknown_properties_can_be_ignored_by_the_operator(backend: Backend) {
    let settings = portico::Settings {
        unknown_fields: portico::domain::patch::UnknownFields::Ignore,
        ..Default::default()
    };
    let app = TestApp::spawn_with(backend, settings).await;
    let token = app.member_token("jane@example.com").await;
    app.patch_ok(&token, &json!({"SomethingNew": 1, "NickName": "JD"})).await;
    assert_eq!(app.profile(&token).await["NickName"], "JD");
    let (status, body) = app.patch(&token, &json!({"IsAdmin": true})).await;
    assert_eq!(
        (status, error_codes(&body)),
        (StatusCode::BAD_REQUEST, vec![("IsAdmin".into(), "not_writable".into())])
    );
}

async fn staff_only_properties_are_refused_and_not_written(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let (_, before) = app.profile_bytes(&token).await;
    for (property, value) in [
        ("AccessPincode", json!("1234")),
        ("IsMember", json!(false)),
        ("TariffId", json!(3)),
        ("Credit", json!(1000)),
        ("IsAdmin", json!(true)),
        ("Custom7", json!("x")),
    ] {
        let (status, body) = app.patch(&token, &json!({ property: value, "CompanyName": "Sneaky" })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(error_codes(&body), vec![(property.into(), "not_writable".into())]);
    }
    let (_, after) = app.profile_bytes(&token).await;
    assert_eq!(before, after);
    assert!(!after.contains("\"IsAdmin\"") && !after.contains("Credit"));
}

async fn read_only_properties_round_trip_unchanged_and_refuse_changes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let mut edited = app.profile(&token).await;
    edited["CompanyName"] = json!("Acme");
    edited["CountryId"] = json!(276);
    app.patch_ok(&token, &edited).await;
    let stored = app.profile(&token).await;
    assert_eq!(
        (stored["CompanyName"].clone(), stored["CountryName"].clone()),
        (json!("Acme"), json!("Germany"))
    );

    for (property, value) in [
        ("Id", json!(999)),
        ("Email", json!("other@example.com")),
        ("UniqueId", json!("x")),
        ("CreatedOn", json!("2000-01-01T00:00:00Z")),
        ("CountryName", json!("France")),
    ] {
        let (status, body) = app.patch(&token, &json!({ property: value })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(error_codes(&body), vec![(property.into(), "read_only".into())]);
    }
    assert_eq!(app.profile(&token).await, stored);
}

async fn a_stale_updated_on_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let old = app.profile(&token).await;
    app.clock.advance(time::Duration::seconds(5));
    app.patch_ok(&token, &json!({"NickName": "first"})).await;
    let (status, body) =
        app.patch(&token, &json!({"NickName": "second", "UpdatedOn": old["UpdatedOn"]})).await;
    assert_eq!(
        (status, error_codes(&body)),
        (StatusCode::BAD_REQUEST, vec![("UpdatedOn".into(), "read_only".into())])
    );
    assert_eq!(app.profile(&token).await["NickName"], "first");
}

async fn if_match_guards_against_lost_updates(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let response = app.profile_response(&token).await;
    let etag = response.headers()["etag"].to_str().expect("etag").to_string();

    let send = |tag: String, body: Value| {
        app.client
            .patch(app.url("/api/public/coworker/profile"))
            .bearer_auth(&token)
            .header("If-Match", tag)
            .json(&body)
            .send()
    };
    let first = send(etag.clone(), json!({"NickName": "first"})).await.expect("PATCH");
    assert_eq!(first.status(), StatusCode::OK);
    let new_etag = first.headers()["etag"].to_str().expect("etag").to_string();
    assert_ne!(new_etag, etag);

    let stale = send(etag.clone(), json!({"NickName": "stale"})).await.expect("PATCH");
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let body: Value = stale.json().await.expect("json");
    assert_eq!((body["Status"].clone(), body["WasSuccessful"].clone()), (json!(412), json!(false)));
    assert_eq!(app.profile(&token).await["NickName"], "first");

    let garbage = send("\"nonsense\"".into(), json!({"NickName": "x"})).await.expect("PATCH");
    assert_eq!(garbage.status(), StatusCode::PRECONDITION_FAILED);
    let fresh = send(new_etag, json!({"NickName": "fresh"})).await.expect("PATCH");
    assert_eq!(fresh.status(), StatusCode::OK);
    let any = send("*".into(), json!({"NickName": "any"})).await.expect("PATCH");
    assert_eq!(any.status(), StatusCode::OK);
}

async fn prefer_return_representation_returns_the_updated_profile(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let response = app
        .client
        .patch(app.url("/api/public/coworker/profile"))
        .bearer_auth(&token)
        .header("Prefer", "return=representation")
        .json(&json!({"Position": "Designer"}))
        .send()
        .await
        .expect("PATCH");
    assert_eq!(response.headers()["preference-applied"], "return=representation");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["Value"]["Position"], "Designer");
    assert_eq!(body["Value"], app.profile(&token).await);

    let (_, plain) = app.patch(&token, &json!({"Position": "CTO"})).await;
    assert_eq!(
        plain,
        json!({"WasSuccessful": true, "Value": null, "Status": 200, "Message": null, "Errors": null})
    );
}

async fn an_empty_patch_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let (_, before) = app.profile_bytes(&token).await;
    app.clock.advance(time::Duration::seconds(5));
    app.patch_ok(&token, &json!({})).await;
    assert_eq!(app.profile_bytes(&token).await.1, before);
}

/// An answered write is in the database as another program sees it: read back by a
/// separate process (Python's sqlite3, or psql), not through Portico's own connections.
async fn an_acknowledged_write_is_in_the_database_file(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    app.patch_ok(&token, &json!({"CompanyName": "Durable Ltd"})).await;
    let profile_id = app.profile(&token).await["Id"].as_i64().expect("Id");
    let query = format!("select company_name from profiles where id = {profile_id}");
    let output = match backend {
        Backend::Sqlite => {
            let path = app.database_url.trim_start_matches("sqlite://");
            let script =
                format!("import sqlite3; print(sqlite3.connect('{path}').execute('{query}').fetchone()[0])");
            std::process::Command::new("python3").args(["-c", &script]).output()
        }
        Backend::Postgres => {
            std::process::Command::new("psql").args([&app.database_url, "-tAc", &query]).output()
        }
    }
    .expect("another program");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "Durable Ltd");
}

/// The largest valid profile (every text at its longest, in four-byte characters) reads back
/// and is accepted when sent back whole: the default body limit leaves room for it.
async fn the_largest_representation_can_be_sent_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let emoji = |n: usize| "\u{1F600}".repeat(n);
    let largest = json!({
        "ProfileSummary": emoji(20_000), "Address": emoji(500), "BillingAddress": emoji(500),
        "FullName": emoji(200), "BillingName": emoji(200), "Position": emoji(200), "CompanyName": emoji(200),
        "BusinessArea": emoji(200), "NickName": emoji(100), "CityName": emoji(100), "State": emoji(100),
    });
    app.patch_ok(&token, &largest).await;
    let (_, body) = app.profile_bytes(&token).await;
    assert!(body.len() > 90_000, "{} bytes", body.len());
    let response = app
        .client
        .patch(app.url("/api/public/coworker/profile"))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .expect("PATCH");
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap_or_default());
}

/// A PATCH whose values are those already stored moves neither the ETag nor UpdatedOn.
async fn a_patch_of_the_stored_values_moves_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    app.patch_ok(&token, &json!({"NickName": "Dee", "OnNewWallPost": false})).await;
    let (_, before) = app.profile_bytes(&token).await;
    let tag = app.profile_response(&token).await.headers()["etag"].clone();
    app.clock.advance(time::Duration::minutes(5));
    app.patch_ok(&token, &json!({"NickName": "Dee", "OnNewWallPost": false})).await;
    assert_eq!(app.profile_bytes(&token).await.1, before);
    assert_eq!(app.profile_response(&token).await.headers()["etag"], tag);
}

crate::every_store!(
    the_largest_representation_can_be_sent_back,
    a_patch_of_the_stored_values_moves_nothing,
    several_bad_fields_are_all_reported_and_nothing_changes,
    unknown_property_is_refused_with_a_suggestion,
    unknown_properties_can_be_ignored_by_the_operator,
    staff_only_properties_are_refused_and_not_written,
    read_only_properties_round_trip_unchanged_and_refuse_changes,
    a_stale_updated_on_is_refused,
    if_match_guards_against_lost_updates,
    prefer_return_representation_returns_the_updated_profile,
    an_empty_patch_changes_nothing,
    an_acknowledged_write_is_in_the_database_file,
);
