//! The staff's API (docs/API.md, "Staff"): staff see and change only their locations'
//! members, each role only what it may; members and strangers get nothing; integrations use
//! a key; every action lands in the location's audit log with who did it. The scoping is
//! attacked concurrently: nothing gets through.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Backend, PASSWORD, TestApp};
use portico::domain::staff::Role;
use portico::service::staff;

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    auth: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = app.client.request(method, app.url(path)).header("authorization", auth);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("send");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Two locations with members; Dana is the desk at Canal Street.
struct Space {
    app: TestApp,
    desk: String,
    canal: i64,
    dock: i64,
}

async fn space(backend: Backend) -> Space {
    let app = TestApp::spawn(backend).await;
    let canal = app.add_location("Canal Street").await;
    let dock = app.add_location("Dock Road").await;
    for (email, name, company) in [
        ("ann@example.com", "Ann Lee", "Acme"),
        ("bob@example.com", "Bob Stone", "Bricks Ltd"),
        ("carol@example.com", "Carol Ames", "Acme"),
    ] {
        app.add_member(email, Some("Canal Street")).await;
        let token = app.sign_in(email, PASSWORD).await;
        app.patch_ok(&token, &json!({"FullName": name, "CompanyName": company})).await;
    }
    app.add_member("dave@example.com", Some("Dock Road")).await;
    let desk = app.staff_token("dana@example.com", "Canal Street", "desk").await;
    Space { app, desk, canal, dock }
}

async fn profile_id(app: &TestApp, email: &str) -> i64 {
    let key = portico::domain::fields::email_key(email);
    let record = app.state.store.login_record(&key).await.expect("query").expect("a member");
    record.default_profile_id
}

fn names(list: &Value) -> Vec<String> {
    list["Records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["FullName"].as_str().unwrap_or("").to_string())
        .collect()
}

async fn staff_find_and_page_through_their_own_location(backend: Backend) {
    let Space { app, desk, canal, dock } = space(backend).await;
    let auth = bearer(&desk);
    let (status, all) = call(&app, Method::GET, "/api/spaces/coworkers", &auth, None).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["TotalItems"], 4, "Canal Street's three members and Dana herself: {all}");
    assert!(!all.to_string().contains("dave@example.com"), "nobody of Dock Road");
    assert_eq!(all["Records"][0]["Email"], "ann@example.com", "by name");

    let (_, acme) =
        call(&app, Method::GET, "/api/spaces/coworkers?Coworker_CompanyName=acme", &auth, None).await;
    assert_eq!(names(&acme), vec!["Ann Lee", "Carol Ames"]);
    let (_, bob) = call(&app, Method::GET, "/api/spaces/coworkers?Coworker_Email=BOB%40", &auth, None).await;
    assert_eq!(names(&bob), vec!["Bob Stone"]);
    let (_, by_name) =
        call(&app, Method::GET, "/api/spaces/coworkers?Coworker_FullName=ames", &auth, None).await;
    assert_eq!(names(&by_name), vec!["Carol Ames"]);

    let page = |n: u32| format!("/api/spaces/coworkers?size=3&page={n}&orderBy=Email&dir=Descending");
    let (_, first) = call(&app, Method::GET, &page(1), &auth, None).await;
    let (_, second) = call(&app, Method::GET, &page(2), &auth, None).await;
    assert_eq!((first["TotalPages"].as_i64(), first["HasNextPage"].as_bool()), (Some(2), Some(true)));
    assert_eq!((second["FirstItem"].as_i64(), second["LastItem"].as_i64()), (Some(4), Some(4)));
    assert_eq!(second["HasNextPage"], false);
    assert_eq!(first["Records"][0]["Email"], "dana@example.com", "e-mail, descending");
    assert_eq!(second["Records"][0]["Email"], "ann@example.com");
    assert_eq!(first["CurrentOrderField"], "Email");

    let elsewhere = format!("/api/spaces/coworkers?Coworker_InvoicingBusinessId={dock}");
    assert_eq!(call(&app, Method::GET, &elsewhere, &auth, None).await.1["TotalItems"], 0);
    let here = format!("/api/spaces/coworkers?Coworker_InvoicingBusinessId={canal}&Coworker_IsMember=true");
    assert_eq!(call(&app, Method::GET, &here, &auth, None).await.1["TotalItems"], 4);
    let (status, body) = call(&app, Method::GET, "/api/spaces/coworkers?orderBy=Password", &auth, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["Errors"][0]["PropertyName"], "orderBy");
    let (status, _) = call(&app, Method::GET, "/api/spaces/coworkers?size=101", &auth, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "at most 100 a page");
}

async fn members_and_strangers_get_nothing(backend: Backend) {
    let Space { app, canal: _, dock: _, desk: _ } = space(backend).await;
    let ann = app.sign_in("ann@example.com", PASSWORD).await;
    let bob = profile_id(&app, "bob@example.com").await;
    for (method, path) in [
        (Method::GET, "/api/spaces/coworkers".to_string()),
        (Method::GET, format!("/api/spaces/coworkers/{bob}")),
        (Method::PUT, format!("/api/spaces/coworkers/{bob}")),
        (Method::POST, format!("/api/spaces/coworkers/{bob}/suspend")),
        (Method::GET, "/api/spaces/audit".to_string()),
    ] {
        let body = (method == Method::PUT).then(|| json!({"CompanyName": "Hacked"}));
        let (status, answer) = call(&app, method.clone(), &path, &bearer(&ann), body.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a member: {method} {path}: {answer}");
        let (status, _) = call(&app, method.clone(), &path, "Bearer pat_nothing", body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a stranger: {method} {path}");
        let guess = format!("Basic {}", STANDARD.encode("door:psk_guessed"));
        assert_eq!(call(&app, method.clone(), &path, &guess, body).await.0, StatusCode::UNAUTHORIZED);
    }
    // A role given to someone signed in without two-step sign-in does not reach that session.
    staff::grant(&app.state, "ann@example.com", "Canal Street", Role::Admin, None).await.expect("granted");
    let (status, _) = call(&app, Method::GET, "/api/spaces/coworkers", &bearer(&ann), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .token_request(&[("grant_type", "password"), ("username", "ann@example.com"), ("password", PASSWORD)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "staff must set two-step sign-in up: {body}");
    assert_eq!(body["error"], "two_factor_setup_required");
    let bob_profile = app.state.store.profile(bob).await.expect("bob");
    assert_eq!(bob_profile.values.text(portico::domain::catalogue::Field::CompanyName), Some("Bricks Ltd"));
}

async fn the_desk_edits_staff_only_properties_by_the_catalogues_rules(backend: Backend) {
    let Space { app, desk, .. } = space(backend).await;
    let auth = bearer(&desk);
    let ann = profile_id(&app, "ann@example.com").await;
    let path = format!("/api/spaces/coworkers/{ann}");
    let change = json!({"IsMember": false, "AccessPincode": "4821", "CompanyName": "Acme Labs"});
    let (status, body) = call(&app, Method::PUT, &path, &auth, Some(change)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["Value"]["IsMember"].as_bool(), body["Value"]["IsContact"].as_bool()),
        (Some(false), Some(true))
    );
    let own = app.profile(&app.sign_in("ann@example.com", PASSWORD).await).await;
    assert_eq!(
        (own["AccessPincode"].as_str(), own["CompanyName"].as_str()),
        (Some("4821"), Some("Acme Labs"))
    );

    let bad =
        json!({"CompanyName": "Fine", "ProfileWebsite": "javascript:alert(1)", "DateOfBirth": "tomorrow"});
    let (status, body) = call(&app, Method::PUT, &path, &auth, Some(bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let named: Vec<&str> = body["Errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["PropertyName"].as_str())
        .collect();
    assert!(named.contains(&"ProfileWebsite") && named.contains(&"DateOfBirth"), "{body}");
    let (_, now) = call(&app, Method::GET, &path, &auth, None).await;
    assert_eq!(now["CompanyName"], "Acme Labs", "nothing of a refused change is applied");

    // The record sent back whole, as Nexudus clients do, changes only what differs.
    let mut whole = now.clone();
    whole["Position"] = json!("Founder");
    let (status, body) = call(&app, Method::PUT, &path, &auth, Some(whole)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["Value"]["Position"], "Founder");
    let (status, _) = call(&app, Method::PUT, &path, &auth, Some(json!({"Active": false}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "suspension is its own action, not a property");

    let admin = app.staff_token("olga@example.com", "Canal Street", "admin").await;
    let (status, log) =
        call(&app, Method::GET, "/api/spaces/audit?event=member_edited", &bearer(&admin), None).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let dana = app.state.store.login_record(&portico::domain::fields::email_key("dana@example.com")).await;
    let dana = dana.expect("query").expect("dana").user_id;
    let edits = log["Value"].as_array().expect("events");
    assert_eq!(edits.len(), 2, "{log}");
    assert!(edits.iter().all(|e| e["ActorUserId"] == dana && e["Event"] == "member_edited"));
    let (status, _) = call(&app, Method::GET, "/api/spaces/audit", &auth, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the desk does not read the audit log");
}

async fn the_desk_suspends_and_only_admins_erase_or_export(backend: Backend) {
    let Space { app, desk, .. } = space(backend).await;
    let auth = bearer(&desk);
    let bob = profile_id(&app, "bob@example.com").await;
    let (status, body) =
        call(&app, Method::POST, &format!("/api/spaces/coworkers/{bob}/suspend"), &auth, None).await;
    assert_eq!((status, body["Value"]["Active"].as_bool()), (StatusCode::OK, Some(false)), "{body}");
    let (status, _) = app
        .token_request(&[("grant_type", "password"), ("username", "bob@example.com"), ("password", PASSWORD)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a suspended member cannot sign in");
    let (_, inactive) =
        call(&app, Method::GET, "/api/spaces/coworkers?Coworker_Active=false", &auth, None).await;
    assert_eq!(names(&inactive), vec!["Bob Stone"]);
    let reactivate = format!("/api/spaces/coworkers/{bob}/reactivate");
    assert_eq!(call(&app, Method::POST, &reactivate, &auth, None).await.0, StatusCode::OK);
    app.sign_in("bob@example.com", PASSWORD).await;

    let record = format!("/api/spaces/coworkers/{bob}");
    assert_eq!(call(&app, Method::DELETE, &record, &auth, None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        call(&app, Method::GET, &format!("{record}/export"), &auth, None).await.0,
        StatusCode::FORBIDDEN
    );
    let admin = bearer(&app.staff_token("olga@example.com", "Canal Street", "admin").await);
    let olga = profile_id(&app, "olga@example.com").await;
    for action in ["suspend", "require-new-password"] {
        let path = format!("/api/spaces/coworkers/{olga}/{action}");
        let (status, _) = call(&app, Method::POST, &path, &auth, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the desk does not {action} an admin");
    }
    let (status, export) = call(&app, Method::GET, &format!("{record}/export"), &admin, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(export.to_string().contains("bob@example.com"));

    // Ann also belongs to Dock Road, where Olga is nobody: erasing her is not Olga's call.
    app.add_member("ann@example.com", Some("Dock Road")).await;
    let ann = profile_id(&app, "ann@example.com").await;
    let (status, _) = call(&app, Method::DELETE, &format!("/api/spaces/coworkers/{ann}"), &admin, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(&app, Method::DELETE, &record, &admin, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(call(&app, Method::GET, &record, &admin, None).await.0, StatusCode::NOT_FOUND, "erased");
    let (status, _) = app
        .token_request(&[("grant_type", "password"), ("username", "bob@example.com"), ("password", PASSWORD)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, log) = call(&app, Method::GET, "/api/spaces/audit", &admin, None).await;
    let events: Vec<&str> =
        log["Value"].as_array().expect("events").iter().filter_map(|e| e["Event"].as_str()).collect();
    for expected in ["member_suspended", "member_reactivated", "member_exported", "member_erased"] {
        assert!(events.contains(&expected), "{expected} in {events:?}");
    }
    assert!(!log.to_string().contains("bob@example.com"), "the erased member's address is gone from the log");
}

async fn staff_add_and_invite_members(backend: Backend) {
    let Space { app, desk, dock, .. } = space(backend).await;
    let auth = bearer(&desk);
    let new = json!({"Email": "erin@example.com", "FullName": "Erin Park", "CompanyName": "Parks", "IsMember": true});
    let (status, body) = call(&app, Method::POST, "/api/spaces/coworkers", &auth, Some(new)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["Value"]["CompanyName"].as_str(), body["Value"]["Email"].as_str()),
        (Some("Parks"), Some("erin@example.com"))
    );
    let key = portico::domain::fields::email_key("erin@example.com");
    let outbox = app.state.store.outbox(Some(&key), 5).await.expect("outbox");
    assert!(outbox.iter().any(|m| m.mail.text.contains("/welcome?token=")), "invited");
    let id = body["Value"]["Id"].as_i64().expect("id");
    let (status, _) =
        call(&app, Method::POST, &format!("/api/spaces/coworkers/{id}/invitation"), &auth, None).await;
    assert_eq!(status, StatusCode::OK, "a new invitation");

    let bad = json!({"Email": "fay@example.com", "FullName": "Fay", "ProfileWebsite": "ftp://x"});
    let (status, body) = call(&app, Method::POST, "/api/spaces/coworkers", &auth, Some(bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["Errors"][0]["PropertyName"], "ProfileWebsite");
    let fay = app.state.store.login_record(&portico::domain::fields::email_key("fay@example.com")).await;
    assert!(fay.expect("query").is_none(), "nothing is created from a refused body");
    let elsewhere = json!({"Email": "gus@example.com", "FullName": "Gus", "InvoicingBusinessId": dock});
    let (status, _) = call(&app, Method::POST, "/api/spaces/coworkers", &auth, Some(elsewhere)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not at another location");
}

async fn an_integration_key_reads_its_location_only(backend: Backend) {
    let Space { app, .. } = space(backend).await;
    let secret = staff::add_key(&app.state, "door-sync", "Canal Street", Role::Desk).await.expect("key");
    assert!(secret.starts_with("psk_"));
    let auth = format!("Basic {}", STANDARD.encode(format!("door-sync:{secret}")));
    let (status, list) = call(&app, Method::GET, "/api/spaces/coworkers?size=100", &auth, None).await;
    assert_eq!((status, list["TotalItems"].as_i64()), (StatusCode::OK, Some(4)), "{list}");
    let dave = profile_id(&app, "dave@example.com").await;
    let (status, _) = call(&app, Method::GET, &format!("/api/spaces/coworkers/{dave}"), &auth, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "Dock Road's member does not exist for it");
    let ann = profile_id(&app, "ann@example.com").await;
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("/api/spaces/coworkers/{ann}"),
        &auth,
        Some(json!({"AccessPincode": "1111"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "a desk key edits");
    assert!(staff::remove_key(&app.state, "door-sync").await.expect("removed"));
    assert_eq!(
        call(&app, Method::GET, "/api/spaces/coworkers", &auth, None).await.0,
        StatusCode::UNAUTHORIZED
    );
}

/// A desk user of one location sends writes and reads at another's members, all at once:
/// not one gets through, and nothing changes.
async fn another_locations_members_are_out_of_reach_under_concurrent_attack(backend: Backend) {
    let Space { app, desk, .. } = space(backend).await;
    let dave = profile_id(&app, "dave@example.com").await;
    let before = app.state.store.profile(dave).await.expect("dave");
    let attacks = (0..24).map(|n| {
        let (app, auth) = (&app, bearer(&desk));
        async move {
            let path = format!("/api/spaces/coworkers/{dave}");
            let (method, path, body) = match n % 6 {
                0 => (Method::PUT, path, Some(json!({"AccessPincode": format!("{n:04}")}))),
                1 => (Method::GET, path, None),
                2 => (Method::POST, format!("{path}/suspend"), None),
                3 => (Method::DELETE, path, None),
                4 => (Method::GET, format!("{path}/export"), None),
                _ => (Method::POST, format!("{path}/require-new-password"), None),
            };
            call(app, method, &path, &auth, body).await.0
        }
    });
    let statuses = futures_util::future::join_all(attacks).await;
    let through = statuses.iter().filter(|s| s.is_success()).count();
    assert_eq!(through, 0, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == StatusCode::NOT_FOUND || *s == StatusCode::FORBIDDEN),
        "{statuses:?}"
    );
    let after = app.state.store.profile(dave).await.expect("dave");
    assert_eq!(before, after, "not a byte of Dave's record changed");
    let dave_user = app.state.store.user(after.user_id).await.expect("user");
    assert!(dave_user.active && !dave_user.must_reset_password);
}

crate::every_store!(
    staff_find_and_page_through_their_own_location,
    members_and_strangers_get_nothing,
    the_desk_edits_staff_only_properties_by_the_catalogues_rules,
    the_desk_suspends_and_only_admins_erase_or_export,
    staff_add_and_invite_members,
    an_integration_key_reads_its_location_only,
    another_locations_members_are_out_of_reach_under_concurrent_attack,
);
