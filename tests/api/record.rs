//! The Nexudus customer record (contract §11): the derived read-only properties, the
//! staff-set ones (set by the operator, sent back unchanged by members), and the
//! Nexudus-only properties a PATCH tolerates and names in `Portico-Ignored`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Backend, TestApp, error_codes};
use portico::service::operator;

fn staff_set(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

async fn the_record_carries_what_clients_read(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    app.patch_ok(&token, &json!({"FullName": "Ann  Marie Lee"})).await;
    let location = app.state.store.locations().await.expect("locations")[0].clone();
    let profile = app.profile(&token).await;
    let read = |p: &str| profile[p].clone();
    assert_eq!(
        (read("IsMember"), read("IsContact"), read("Active")),
        (json!(true), json!(false), json!(true))
    );
    assert_eq!((read("HomeSpaceId"), read("InvoicingBusinessId")), (json!(location.id), json!(location.id)));
    assert_eq!(read("InvoicingSpaceName"), json!(location.name));
    assert_eq!((read("GuessedFirstName"), read("GuessedLastName")), (json!("Ann"), json!("Marie Lee")));
    assert_eq!(read("AccessPincode"), Value::Null);

    // A second location's profile names its own location.
    let other = app.add_location("Harbour Works").await;
    app.add_member("ann@example.com", Some("Harbour Works")).await;
    let (_, list) = app.get(&token, "/api/public/coworkers/profiles").await;
    assert!(list.to_string().contains("Harbour Works"), "{list}");
    let (_, users_me) = app.get(&token, "/en/user/me").await;
    assert_eq!(users_me["Businesses"].as_array().map(Vec::len), Some(2), "{users_me}");
    assert_ne!(other, location.id);
}

async fn the_staff_set_access_and_membership_and_members_only_send_them_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    let set = staff_set(&[("IsMember", "no"), ("AccessPincode", "4821")]);
    operator::set_properties(&app.state, "ann@example.com", None, &set).await.expect("staff set");
    let profile = app.profile(&token).await;
    assert_eq!((profile["IsMember"].clone(), profile["IsContact"].clone()), (json!(false), json!(true)));
    assert_eq!(profile["AccessPincode"], "4821");

    // GET → edit → PATCH of the whole record: the staff-set and derived values come back unchanged.
    let mut edited = profile.clone();
    edited["NickName"] = json!("Annie");
    app.patch_ok(&token, &edited).await;
    assert_eq!(app.profile(&token).await["NickName"], "Annie");

    let before = app.profile_bytes(&token).await.1;
    for (property, value, code) in [
        ("IsMember", json!(true), "not_writable"),
        ("AccessPincode", json!("0000"), "not_writable"),
        ("AccessPincode", Value::Null, "not_writable"),
        ("IsContact", json!(false), "read_only"),
        ("HomeSpaceId", json!(999), "read_only"),
        ("InvoicingSpaceName", json!("Elsewhere"), "read_only"),
        ("GuessedFirstName", json!("Bob"), "read_only"),
        ("Active", json!(false), "read_only"),
    ] {
        let (status, body) = app.patch(&token, &json!({ property: value, "NickName": "Sneaky" })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{property}");
        assert_eq!(error_codes(&body), vec![(property.to_string(), code.to_string())], "{property}");
        assert!(!body.to_string().contains("0000"), "a PIN sent is never echoed: {body}");
    }
    assert_eq!(app.profile_bytes(&token).await.1, before, "nothing refused was written");

    // The staff's change is in the member's history and export; a bad staff value is refused whole.
    let (_, history) = app.get(&token, "/en/profile/history").await;
    assert!(history.to_string().contains("AccessPincode"), "{history}");
    let (_, export) = app.get(&token, "/en/profile/export").await;
    assert!(export.to_string().contains("4821"));
    let bad = staff_set(&[("IsMember", "maybe"), ("AccessPincode", "1")]);
    let refused = operator::set_properties(&app.state, "ann@example.com", None, &bad).await;
    assert!(refused.is_err_and(|e| e.to_string().contains("IsMember")));
    assert_eq!(app.profile(&token).await["AccessPincode"], "4821");
    let unknown =
        operator::set_properties(&app.state, "ann@example.com", None, &staff_set(&[("Pin", "1")])).await;
    assert!(unknown.is_err());
}

async fn nexudus_only_properties_are_ignored_and_named_staff_ones_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    let body = json!({"NickName": "Annie", "UpdateSocialNetworks": true, "IsNew": false, "ProfileUrl": "x"});
    let response = app
        .client
        .patch(app.url("/api/public/coworker/profile"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .expect("patch");
    assert_eq!(response.status(), StatusCode::OK);
    let ignored = response.headers().get("portico-ignored").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mut ignored: Vec<&str> = ignored.split(", ").collect();
    ignored.sort_unstable();
    assert_eq!(ignored, ["IsNew", "ProfileUrl", "UpdateSocialNetworks"]);
    assert_eq!(app.profile(&token).await["NickName"], "Annie");
    assert!(app.profile_bytes(&token).await.1.find("UpdateSocialNetworks").is_none());

    let plain = app
        .client
        .patch(app.url("/api/public/coworker/profile"))
        .bearer_auth(&token)
        .json(&json!({"NickName": "A"}));
    assert!(plain.send().await.expect("patch").headers().get("portico-ignored").is_none());

    for (property, code) in
        [("TariffId", "not_writable"), ("CardNumber", "not_writable"), ("IsNeww", "unknown_field")]
    {
        let (status, body) = app.patch(&token, &json!({ property: 1, "IsNew": true })).await;
        assert_eq!(
            (status, error_codes(&body)),
            (StatusCode::BAD_REQUEST, vec![(property.into(), code.into())])
        );
    }
}

async fn a_portal_boots_from_the_business_and_the_configuration(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let none = app.client.get(app.url("/api/public/businesses/current")).send().await.expect("GET");
    assert_eq!(none.status(), StatusCode::NOT_FOUND, "no location yet");
    let first = app.add_location("Canal Street").await;
    let dock = app.add_location("Dock Road").await;
    let current = |host: &'static str| {
        let request = app.client.get(app.url("/api/public/businesses/current")).header("host", host);
        async move {
            let response = request.send().await.expect("GET");
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<Value>().await.expect("json")
        }
    };
    let named = current("dock-road.members.example.com").await;
    assert_eq!((named["Id"].as_i64(), named["Name"].as_str()), (Some(dock), Some("Dock Road")));
    assert_eq!((named["WebAddress"].as_str(), named["CountryId"].as_i64()), (Some("dock-road"), Some(826)));
    assert_eq!(current("members.example.com").await["Id"], first, "no such location: the first one");
    assert_eq!(current("127.0.0.1:8080").await["Id"], first);

    let response =
        app.client.get(app.url("/api/public/configuration")).header("host", "dock-road.example.com");
    let config: Value = response.send().await.expect("GET").json().await.expect("json");
    assert_eq!(config["Business"]["Id"], dock);
    assert_eq!(config["PasswordPolicy"]["MinLength"], 10);
    assert_eq!(config["PasswordPolicy"]["RejectCommon"], true);
    assert_eq!(config["Features"]["Directory"], true);
    assert_eq!(config["Features"]["TwoStepSignIn"], true);
    assert_eq!(config["PasswordPolicy"]["RequireTwoStepSignIn"], false);
    assert_eq!(config["CustomFields"], json!([]));
    assert!(config.to_string().len() < 2_000, "nothing but what a portal needs: {config}");
}

crate::every_store!(
    the_record_carries_what_clients_read,
    the_staff_set_access_and_membership_and_members_only_send_them_back,
    nexudus_only_properties_are_ignored_and_named_staff_ones_refused,
    a_portal_boots_from_the_business_and_the_configuration,
);
