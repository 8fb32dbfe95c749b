//! Validate-only PATCHes, strict query strings, the change history and the data export.

use portico::store::Paging;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Backend, PASSWORD, TestApp, error_codes, tokens_in};

const PATCH_PATH: &str = "/api/public/coworker/profile";

/// What a PATCH with `query` answers: status, headers and body.
async fn patch_with(
    app: &TestApp,
    token: &str,
    query: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut request =
        app.client.patch(app.url(&format!("{PATCH_PATH}{query}"))).bearer_auth(token).json(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("PATCH");
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.json().await.unwrap_or(Value::Null))
}

/// Everything a PATCH could change, read back: the profile, the history and the sessions.
async fn everything(app: &TestApp, token: &str) -> (Value, Value, Vec<portico::store::SessionSummary>) {
    let profile = app.profile(token).await;
    let (_, history) = app.get(token, "/en/profile/history").await;
    let user_id = profile_user(app, token).await;
    let sessions = app.state.store.sessions_of_user(user_id, app.state.clock.now()).await.expect("sessions");
    (profile, history, sessions)
}

async fn profile_user(app: &TestApp, token: &str) -> i64 {
    let (_, me) = app.get(token, "/login/me").await;
    me["UserId"].as_i64().or_else(|| me["User"]["Id"].as_i64()).expect("the user's id")
}

async fn a_dry_run_writes_nothing_and_answers_as_the_real_patch(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let body =
        json!({"NickName": "Dee", "DateOfBirth": "1990-05-04", "CountryId": 276, "OnNewWallPost": false});
    // Later than the profile's creation, so the time of change the dry run predicts shows.
    app.clock.advance(time::Duration::minutes(3));
    let before = everything(&app, &token).await;
    let prefer = [("Prefer", "return=representation")];

    let (status, headers, dry) = patch_with(&app, &token, "?dryRun=true", &prefer, &body).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(headers.get("portico-dry-run").map(|v| v.to_str().ok()), Some(Some("true")));
    assert!(headers.get("etag").is_none(), "a dry run makes no new version");
    assert_eq!(everything(&app, &token).await, before, "nothing written");

    let (status, headers, real) = patch_with(&app, &token, "?dryRun=false", &prefer, &body).await;
    assert_eq!(status, StatusCode::OK, "{real}");
    assert!(headers.get("etag").is_some());
    assert_eq!(dry, real, "the dry run answered what the real PATCH then did");
    assert_ne!(real["Value"]["UpdatedOn"], before.0["UpdatedOn"], "including the new time of change");
    let unchanged = json!({"NickName": "Dee"});
    let (_, _, dry) = patch_with(&app, &token, "?dryRun=true", &prefer, &unchanged).await;
    assert_eq!(
        dry["Value"]["UpdatedOn"], real["Value"]["UpdatedOn"],
        "a patch that changes nothing moves nothing"
    );
    assert_eq!(real["Value"]["CountryName"], "Germany");

    // Problems are found the same way, and a stale If-Match too.
    let bad = json!({"BillingEmail": "not-an-email", "Fullname": "x", "Id": 1});
    let (dry_status, _, dry_errors) = patch_with(&app, &token, "?dryRun=true", &[], &bad).await;
    let (real_status, _, real_errors) = patch_with(&app, &token, "", &[], &bad).await;
    assert_eq!((dry_status, &dry_errors), (real_status, &real_errors));
    assert_eq!(dry_status, StatusCode::BAD_REQUEST);
    let stale = [("If-Match", "\"0-0-0\"")];
    let (dry_status, _, _) =
        patch_with(&app, &token, "?dryRun=true", &stale, &json!({"NickName": "X"})).await;
    assert_eq!(dry_status, StatusCode::PRECONDITION_FAILED);
    let tag = app.profile_response(&token).await.headers()["etag"].to_str().expect("etag").to_string();
    let fresh = [("If-Match", tag.as_str())];
    let (dry_status, _, _) =
        patch_with(&app, &token, "?dryRun=true", &fresh, &json!({"NickName": "X"})).await;
    assert_eq!(dry_status, StatusCode::OK);
    assert_eq!(app.profile(&token).await["NickName"], "Dee");
}

async fn a_dry_run_password_change_checks_everything_and_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let new = "violet kettle drum 42";
    crate::common::remember_password(new);
    let change = json!({"OldPassword": PASSWORD, "NewPassword": new, "RepeatNewPassword": new});
    let other_session = app.sign_in("jane@example.com", PASSWORD).await;
    let before = everything(&app, &token).await;

    let jobs_before = app.state.hasher.jobs_run();
    let (status, _, answer) = patch_with(&app, &token, "?dryRun=true", &[], &change).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let jobs = app.state.hasher.jobs_run() - jobs_before;
    assert_eq!(jobs, 2, "the current password verified and the new one's strength estimated; nothing hashed");
    assert!(answer.get("RefreshToken").is_none_or(Value::is_null), "no token for a dry run");
    assert_eq!(everything(&app, &token).await, before);
    app.profile(&other_session).await;
    app.sign_in("jane@example.com", PASSWORD).await;

    let wrong = json!({"OldPassword": "not it at all", "NewPassword": new, "RepeatNewPassword": new});
    crate::common::remember_password("not it at all");
    let (status, _, answer) = patch_with(&app, &token, "?dryRun=true", &[], &wrong).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_codes(&answer), [("OldPassword".to_string(), "wrong_current_password".to_string())]);
    let weak =
        json!({"OldPassword": PASSWORD, "NewPassword": "password123", "RepeatNewPassword": "password123"});
    let (status, _, answer) = patch_with(&app, &token, "?dryRun=true", &[], &weak).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let jobs_before = app.state.hasher.jobs_run();
    let (status, _) = app.patch(&token, &weak).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(app.state.hasher.jobs_run() - jobs_before, 2, "a refused new password is never hashed");
    assert!(error_codes(&answer).iter().all(|(property, _)| property == "NewPassword"), "{answer}");
}

async fn an_unknown_query_parameter_on_a_write_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let before = app.profile(&token).await;
    for query in ["?dryrun=true", "?validateOnly=1", "?dryRun=yes", "?dryRun=true&dryRun=true"] {
        let (status, _, answer) = patch_with(&app, &token, query, &[], &json!({"NickName": "Dee"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {answer}");
        assert_eq!(answer["Errors"][0]["Code"], "invalid_parameter", "{query}");
    }
    assert_eq!(app.profile(&token).await, before, "none of them wrote");
    let response = app
        .client
        .put(app.url("/api/public/coworkers/profiles/current?coworkerId=1&force=true"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("PUT");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let answer: Value = response.json().await.expect("json");
    assert_eq!(answer["Errors"][0]["PropertyName"], "force");
}

async fn the_history_shows_exactly_what_changed_and_never_a_secret(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let first = json!({"NickName": "Dee", "LandLine": "+44 20 7946 0001", "DateOfBirth": "1990-05-04",
        "CountryId": 276, "OnNewWallPost": false, "FullName": "Jane Doe"});
    let response = app
        .client
        .patch(app.url(PATCH_PATH))
        .bearer_auth(&token)
        .header("X-Request-Id", "req-history-1")
        .json(&first)
        .send()
        .await
        .expect("PATCH");
    assert_eq!(response.status(), StatusCode::OK);
    app.patch_ok(&token, &first).await; // the same values again: nothing changed, no entry
    let new = "violet kettle drum 42";
    let (status, answer) = app.change_password(&token, PASSWORD, new).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    app.patch_ok(&token, &json!({"LandLine": null})).await;

    let (status, history) = app.get(&token, "/en/profile/history").await;
    assert_eq!(status, StatusCode::OK, "{history}");
    assert_eq!(history["TotalItems"], 3, "{history}");
    let records = history["Records"].as_array().expect("records");
    let changes = |i: usize| records[i]["Changes"].as_array().expect("changes").clone();
    assert_eq!(
        changes(0),
        [
            json!({"PropertyName": "LandLine", "OldValue": "+44 20 7946 0001", "NewValue": null, "Changed": true})
        ]
    );
    assert_eq!(changes(1), [json!({"PropertyName": "Password", "Changed": true})]);
    let oldest = changes(2);
    let names: Vec<&str> = oldest.iter().map(|c| c["PropertyName"].as_str().expect("name")).collect();
    assert_eq!(names, ["FullName", "NickName", "DateOfBirth", "LandLine", "CountryId", "OnNewWallPost"]);
    assert_eq!(oldest[0]["OldValue"], "Member jane@example.com");
    assert_eq!(
        (oldest[2]["OldValue"].clone(), oldest[2]["NewValue"].clone()),
        (Value::Null, json!("1990-05-04"))
    );
    assert_eq!((oldest[4]["OldValue"].clone(), oldest[4]["NewValue"].clone()), (json!(826), json!(276)));
    assert_eq!((oldest[5]["OldValue"].clone(), oldest[5]["NewValue"].clone()), (json!(true), json!(false)));
    assert_eq!(records[2]["RequestId"], "req-history-1");
    assert_eq!(records[2]["Address"], "127.0.0.1");
    let text = history.to_string();
    assert!(!text.contains(PASSWORD) && !text.contains(new), "no password in the history");

    let (_, page) = app.get(&token, "/en/profile/history?page=2&size=2").await;
    assert_eq!((page["Records"].as_array().map(Vec::len), page["TotalPages"].clone()), (Some(1), json!(2)));
    assert_eq!((page["HasPreviousPage"].clone(), page["HasNextPage"].clone()), (json!(true), json!(false)));
    assert_eq!(page["Records"][0]["RequestId"], "req-history-1");
    let (_, first) = app.get(&token, "/en/profile/history?page=1&size=2").await;
    assert_eq!(first["Records"].as_array().map(Vec::len), Some(2));
    assert_eq!((first["HasPreviousPage"].clone(), first["HasNextPage"].clone()), (json!(false), json!(true)));
    for bad in ["page=0", "size=0", "size=101", "page=x", "sort=asc"] {
        let (status, _) = app.get(&token, &format!("/en/profile/history?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

async fn history_older_than_the_retention_is_purged(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    app.patch_ok(&token, &json!({"NickName": "Old"})).await;
    let retention = i64::try_from(app.state.settings.history_retention.as_secs()).expect("seconds");
    app.clock.advance(time::Duration::seconds(retention - 3600));
    let token = app.sign_in("jane@example.com", PASSWORD).await;
    app.patch_ok(&token, &json!({"NickName": "New"})).await;
    app.clock.advance(time::Duration::seconds(7200));
    portico::service::ops::purge(&app.state).await.expect("purge");
    let user_id = profile_user(&app, &token).await;
    let left = app.state.store.history_of(user_id, Paging { offset: 0, limit: 10 }).await.expect("history");
    assert_eq!(left.total, 1, "only the entry within the retention is left");
    assert!(
        matches!(&left.entries[0].changes[..], [portico::domain::history::PropertyChange::Value { new, .. }] if new == "New")
    );
}

async fn a_member_never_sees_another_members_history_or_export(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let jane = app.member_token("jane@example.com").await;
    let bob = app.member_token("bob@example.com").await;
    app.patch_ok(&jane, &json!({"CompanyName": "Jane Secret Co"})).await;
    app.patch_ok(&bob, &json!({"CompanyName": "Bob Co"})).await;
    let (_, history) = app.get(&bob, "/en/profile/history").await;
    assert_eq!(history["TotalItems"], 1);
    assert!(!history.to_string().contains("Jane Secret Co"));
    let (_, export) = app.get(&bob, "/en/profile/export").await;
    let text = export.to_string();
    assert!(!text.contains("Jane Secret Co") && !text.contains("jane@example.com"), "{text}");
    assert_eq!(export["User"]["Email"], "bob@example.com");
}

async fn the_export_holds_everything_and_no_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_location("Canal Street").await;
    app.add_location("Harbour House").await;
    app.add_member("jane@example.com", Some("Canal Street")).await;
    app.add_member("jane@example.com", Some("Harbour House")).await;
    let token = app.sign_in("jane@example.com", PASSWORD).await;
    app.patch_ok(&token, &json!({"ProfileSummary": "Designer"})).await;
    let response =
        app.client.get(app.url("/en/profile/export")).bearer_auth(&token).send().await.expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()["content-disposition"].to_str().expect("header").to_string();
    assert!(disposition.starts_with("attachment; filename=\"portico-export-"), "{disposition}");
    let text = response.text().await.expect("body");
    let export: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(export["User"]["Email"], "jane@example.com");
    assert_eq!(export["Profiles"].as_array().map(Vec::len), Some(2));
    assert_eq!(export["Profiles"][0]["ProfileSummary"], "Designer");
    assert_eq!(export["Sessions"].as_array().map(Vec::len), Some(1));
    assert_eq!(export["History"].as_array().map(Vec::len), Some(1));
    assert!(export["AuditEvents"].as_array().expect("events").iter().any(|e| e["Event"] == "sign_in"));
    assert!(tokens_in(&text).is_empty() && !text.contains(&token), "no token in the export");
    assert!(!text.to_lowercase().contains("hash") && !text.contains(PASSWORD));
    let (status, _) = app.get("not-a-token", "/en/profile/export").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

crate::every_store!(
    a_dry_run_writes_nothing_and_answers_as_the_real_patch,
    a_dry_run_password_change_checks_everything_and_changes_nothing,
    an_unknown_query_parameter_on_a_write_is_refused,
    the_history_shows_exactly_what_changed_and_never_a_secret,
    history_older_than_the_retention_is_purged,
    a_member_never_sees_another_members_history_or_export,
    the_export_holds_everything_and_no_token,
);
