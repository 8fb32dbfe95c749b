//! The compatibility suite: each public Nexudus client Portico must serve unchanged,
//! replayed as it calls, with its own headers and body encoding, asserting what that client
//! reads (docs/API.md, "Nexudus clients"). Every case runs on SQLite and on PostgreSQL.
//! Add a case whenever a client's call is learned.

#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};

use common::{Backend, PASSWORD, TestApp, remember_password};

fn basic(email: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{email}:{password}")))
}

/// The token of the newest `page?token=` link mailed to `to` (read from the outbox).
async fn mailed_token(app: &TestApp, to: &str, page: &str) -> String {
    let key = portico::domain::fields::email_key(to);
    let marker = format!("{page}?token=");
    for _ in 0..100 {
        let outbox = app.state.store.outbox(Some(&key), 20).await.expect("outbox");
        if let Some(mail) = outbox.iter().find(|m| m.mail.text.contains(&marker)) {
            let at = mail.mail.text.find(&marker).expect("marker") + marker.len();
            let tail = &mail.mail.text[at..];
            return tail
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
        }
        // The mail of a reset or a sign-in link is made after the answer.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no {page} link mailed to {to}");
}

/// A Playwright API test suite: signs in with the password grant, then before every spec
/// reads `GET /en/user/me` for the user and their businesses.
async fn playwright_api_suite_reads_the_user_at_the_top_level(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_location("Canal Street").await;
    app.add_member("ann@example.com", Some("Canal Street")).await;
    app.add_location("Dock Road").await;
    app.add_member("ann@example.com", Some("Dock Road")).await;
    let token = app.sign_in("ann@example.com", PASSWORD).await;
    let response = app
        .client
        .get(app.url("/en/user/me"))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .header("Accept", "application/json")
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.expect("json");
    assert!(me["Id"].as_i64().is_some_and(|id| id > 0), "{me}");
    assert_eq!(me["FullName"], "Member ann@example.com");
    assert_eq!(me["Email"], "ann@example.com");
    assert_eq!(me["UniqueId"].as_str().map(str::len), Some(36));
    let locations = app.state.store.locations().await.expect("locations");
    let id_of = |name: &str| locations.iter().find(|l| l.name == name).map(|l| l.id).expect(name);
    assert_eq!(me["DefaultBusinessId"], id_of("Canal Street"));
    assert_eq!(me["DefaultBusinessName"], "Canal Street");
    assert_eq!(me["Businesses"], json!([id_of("Canal Street"), id_of("Dock Road")]));
    assert_eq!(
        (me["Active"].clone(), me["IsAdmin"].clone(), me["MustResetPassword"].clone()),
        (json!(true), json!(false), json!(false))
    );
    assert_eq!(me["OnNewWallPost"], true);
    assert!(me["CreatedOn"].as_str().is_some() && me["UpdatedOn"].as_str().is_some());
    assert!(me.get("User").is_none() && me.get("Business").is_none(), "at the top level, not nested");
}

/// Wi-Fi hotspot firmware: never calls /api/token; sends the member's credentials with
/// every request, or trades them for a token at `/api/sys/users/token` first.
async fn hotspot_firmware_signs_in_with_credentials(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("guest@example.com", None).await;
    let me = app
        .client
        .get(app.url("/en/user/me"))
        .header(AUTHORIZATION, basic("guest@example.com", PASSWORD))
        .send()
        .await
        .expect("GET");
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(me.json::<Value>().await.expect("json")["Email"], "guest@example.com");
    let profile = app
        .client
        .get(app.url("/en/profile?_resource=Coworker"))
        .header(AUTHORIZATION, basic("guest@example.com", PASSWORD))
        .send()
        .await
        .expect("GET");
    assert_eq!(profile.status(), StatusCode::OK);

    let issued = app
        .client
        .post(app.url("/api/sys/users/token"))
        .json(&json!({"Email": "guest@example.com", "Password": PASSWORD, "validityInMinutes": 60}))
        .send()
        .await
        .expect("POST");
    assert_eq!(issued.status(), StatusCode::OK);
    let envelope: Value = issued.json().await.expect("json");
    assert_eq!(envelope["WasSuccessful"], true);
    let token = envelope["Value"].as_str().expect("the token in Value").to_string();
    let (status, me) = app.get(&token, "/en/user/me").await;
    assert_eq!((status, me["Email"].clone()), (StatusCode::OK, json!("guest@example.com")));
    let session = portico::service::session::authenticate(&app.state, &token).await.expect("session");
    let lifetime = session.access_expires_at - app.state.clock.now();
    assert!(lifetime <= time::Duration::minutes(60), "validityInMinutes: {lifetime}");

    let wrong = app
        .client
        .post(app.url("/api/sys/users/token"))
        .json(&json!({"Email": "guest@example.com", "Password": "not the password", "validityInMinutes": 60}))
        .send()
        .await
        .expect("POST");
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert_eq!(wrong.json::<Value>().await.expect("json")["WasSuccessful"], false);
}

/// PHP member sites send Basic credentials and take any JSON answer for a successful
/// sign-in: a wrong password must get a 401 with an empty body on the `/en/` paths.
async fn php_member_site_gets_an_empty_401(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("ann@example.com", None).await;
    remember_password("wrong password php");
    for authorization in
        [basic("ann@example.com", "wrong password php"), basic("nobody@example.com", "wrong password php")]
    {
        let answer = app
            .client
            .get(app.url("/en/profile?_resource=Coworker"))
            .header(AUTHORIZATION, authorization)
            .send()
            .await
            .expect("GET");
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
        assert!(answer.headers().contains_key("www-authenticate"));
        let body = answer.bytes().await.expect("body");
        assert!(body.is_empty(), "json_decode must fail: {}", String::from_utf8_lossy(&body));
    }
    let api = app.client.get(app.url("/api/public/coworkers/profiles")).send().await.expect("GET");
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(api.json::<Value>().await.expect("the /api/ paths keep the envelope")["Status"], 401);
    let right = app
        .client
        .get(app.url("/en/profile?_resource=Coworker"))
        .header(AUTHORIZATION, basic("ann@example.com", PASSWORD))
        .send()
        .await
        .expect("GET");
    assert_eq!(right.json::<Value>().await.expect("json")["Email"], "ann@example.com");
}

/// A TypeScript client that sends the base64 credentials with no scheme word.
async fn a_scheme_less_credential_is_read_as_basic(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("ann@example.com", None).await;
    let bare = STANDARD.encode(format!("ann@example.com:{PASSWORD}"));
    let answer =
        app.client.get(app.url("/en/user/me")).header(AUTHORIZATION, bare).send().await.expect("GET");
    assert_eq!(answer.status(), StatusCode::OK);
    let garbage = app
        .client
        .get(app.url("/en/user/me"))
        .header(AUTHORIZATION, "not-base64!")
        .send()
        .await
        .expect("GET");
    assert_eq!(garbage.status(), StatusCode::UNAUTHORIZED);
}

async fn token_for(app: &TestApp, client_id: Option<&str>) -> Value {
    let mut request = app.client.post(app.url("/api/token")).form(&[
        ("grant_type", "password"),
        ("username", "ann@example.com"),
        ("password", PASSWORD),
    ]);
    if let Some(client_id) = client_id {
        request = request.header("client_id", client_id);
    }
    request.send().await.expect("POST").json().await.expect("json")
}

async fn refreshed(app: &TestApp, refresh: &str, client_id: Option<&str>) -> StatusCode {
    let mut request = app
        .client
        .post(app.url("/api/token"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("grant_type=refresh_token&refresh_token={refresh}"));
    if let Some(client_id) = client_id {
        request = request.header("client_id", client_id);
    }
    request.send().await.expect("POST").status()
}

/// A command-line tool and its hooks sign one member in as two clients: neither ends the
/// other's session; signing the CLI in again ends the CLI's earlier refresh token; the
/// refresh must name the client it was issued to.
async fn a_cli_and_its_hooks_keep_their_own_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("ann@example.com", None).await;
    let cli = token_for(&app, Some("nexudus-cli")).await;
    let hooks = token_for(&app, Some("nexudus-cli-hooks")).await;
    let cli_again = token_for(&app, Some("nexudus-cli")).await;
    let refresh = |v: &Value| v["refresh_token"].as_str().expect("refresh").to_string();
    let access = cli["access_token"].as_str().expect("access");
    assert_eq!(app.get(access, "/en/user/me").await.0, StatusCode::OK, "its access token lives on");
    assert_eq!(refreshed(&app, &refresh(&hooks), Some("nexudus-cli-hooks")).await, StatusCode::OK);
    assert_eq!(refreshed(&app, &refresh(&cli), Some("nexudus-cli")).await, StatusCode::BAD_REQUEST, "ended");
    assert_eq!(
        refreshed(&app, &refresh(&cli_again), Some("nexudus-cli-hooks")).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(refreshed(&app, &refresh(&cli_again), Some("nexudus-cli")).await, StatusCode::OK);
    let plain = token_for(&app, None).await;
    assert_eq!(
        refreshed(&app, &refresh(&plain), Some("ANN@example.com")).await,
        StatusCode::OK,
        "the e-mail"
    );
}

/// A booking helper tests its token with `/en/user/me` and signs in again on a 401.
async fn a_booking_helper_tests_its_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("ann@example.com", None).await;
    let token = app.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(app.get(&token, "/en/user/me").await.0, StatusCode::OK);
    app.client.post(app.url("/api/token/revoke")).bearer_auth(&token).send().await.expect("revoke");
    let stale = app.client.get(app.url("/en/user/me")).bearer_auth(&token).send().await.expect("GET");
    assert_eq!(stale.status(), StatusCode::UNAUTHORIZED);
    assert!(stale.bytes().await.expect("body").is_empty());
    let fresh = app.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(app.get(&fresh, "/en/user/me").await.0, StatusCode::OK);
}

/// A portal's reset: `startPasswordReset` (camelCase), the mailed link's token to
/// `completePasswordReset`, its one-time token through the exchange (`token`, not
/// `access_token`), once.
async fn a_portal_resets_the_password_the_nexudus_way(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("ann@example.com", None).await;
    let started = app
        .client
        .post(app.url("/api/sys/users/startPasswordReset"))
        .json(&json!({"email": "ann@example.com", "businessId": 1}))
        .send()
        .await
        .expect("POST");
    let stranger = app
        .client
        .post(app.url("/api/sys/users/startPasswordReset"))
        .json(&json!({"email": "nobody@example.com", "businessId": 1}))
        .send()
        .await
        .expect("POST");
    assert_eq!(started.status(), StatusCode::OK);
    assert_eq!(started.text().await.expect("body"), stranger.text().await.expect("body"), "alike");
    let link = mailed_token(&app, "ann@example.com", "/reset").await;
    let weak = app
        .client
        .post(app.url("/api/sys/users/completePasswordReset"))
        .json(&json!({"Token": link, "Password": "password123", "BusinessId": 1}))
        .send()
        .await
        .expect("POST");
    assert_eq!(weak.status(), StatusCode::BAD_REQUEST);
    let weak: Value = weak.json().await.expect("json");
    assert!(
        weak["Errors"].as_array().expect("errors").iter().all(|e| e["PropertyName"] == "Password"),
        "{weak}"
    );
    let new = "harbour lantern violet 2051";
    remember_password(new);
    let done = app
        .client
        .post(app.url("/api/sys/users/completePasswordReset"))
        .json(&json!({"Token": link, "Password": new, "BusinessId": 1}))
        .send()
        .await
        .expect("POST");
    assert_eq!(done.status(), StatusCode::OK);
    let one_time = done.json::<Value>().await.expect("json")["Value"].as_str().expect("Value").to_string();
    let exchange = format!("/api/sys/users/exchange?token={one_time}&validForInMinutes=1440");
    let pair: Value =
        app.client.post(app.url(&exchange)).send().await.expect("POST").json().await.expect("json");
    assert_eq!(pair["token_type"], "bearer");
    assert!(pair.get("access_token").is_none());
    let token = pair["token"].as_str().expect("token");
    assert_eq!(app.get(token, "/en/user/me").await.0, StatusCode::OK);
    let again = app.client.get(app.url(&exchange)).send().await.expect("GET");
    assert_eq!(again.status(), StatusCode::BAD_REQUEST, "once");
    app.sign_in("ann@example.com", new).await;
}

/// A sign-in link by mail (`sendOtp`): the same answer for any address; the mailed
/// link's token exchanges for a session.
async fn a_magic_link_signs_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("ann@example.com", None).await;
    let known = app
        .client
        .get(app.url("/api/sys/users/sendOtp?email=ann@example.com&businessId=1"))
        .send()
        .await
        .expect("GET");
    let unknown = app
        .client
        .get(app.url("/api/sys/users/sendOtp?email=nobody@example.com&businessId=1"))
        .send()
        .await
        .expect("GET");
    assert_eq!(known.status(), StatusCode::OK);
    assert_eq!(known.text().await.expect("body"), unknown.text().await.expect("body"));
    let link = mailed_token(&app, "ann@example.com", "/signin/link").await;
    let pair: Value = app
        .client
        .get(app.url(&format!("/api/sys/users/exchange?token={link}&validForInMinutes=60")))
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    assert_eq!(app.get(pair["token"].as_str().expect("token"), "/en/user/me").await.0, StatusCode::OK);
}

/// A member site opens the portal signed in: `token/refresh` (POST or GET) hands a one-time
/// token for `/en/user/login?t=…&redirectUrl=…`, which only ever sends the browser to a
/// path on the same site.
async fn a_member_site_opens_the_portal_signed_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    let browser = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for (method, redirect, expected) in [
        ("POST", "/directory", "/directory"),
        ("GET", "https://evil.example/steal", "/profile"),
        ("POST", "//evil.example/x", "/profile"),
        ("GET", "/\\evil.example", "/profile"),
    ] {
        let request = if method == "POST" {
            app.client.post(app.url("/api/sys/users/token/refresh"))
        } else {
            app.client.get(app.url("/api/sys/users/token/refresh"))
        };
        let answer: Value =
            request.bearer_auth(&token).send().await.expect("refresh").json().await.expect("json");
        let one_time = answer["Value"].as_str().expect("Value").to_string();
        let mut url = url::Url::parse(&app.url("/en/user/login")).expect("url");
        url.query_pairs_mut().append_pair("t", &one_time).append_pair("redirectUrl", redirect);
        let opened = browser.get(url.as_str()).send().await.expect("GET");
        assert_eq!(opened.status(), StatusCode::SEE_OTHER, "{redirect}");
        assert_eq!(opened.headers()["location"], expected, "{redirect}");
        assert!(
            opened
                .headers()
                .get_all("set-cookie")
                .iter()
                .any(|c| c.to_str().is_ok_and(|c| c.starts_with("portico_session=")))
        );
        let replayed = browser.get(url.as_str()).send().await.expect("GET");
        assert_eq!(replayed.status(), StatusCode::BAD_REQUEST, "a one-time token works once");
    }
}

/// Clients branch on the token endpoint's error codes: a JSON body, or no grant type, is
/// `unsupported_grant_type`, as Nexudus documents it.
async fn the_token_endpoint_answers_in_nexudus_codes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("ann@example.com", None).await;
    let json_body = app
        .client
        .post(app.url("/api/token"))
        .json(&json!({"grant_type": "password", "username": "ann@example.com", "password": PASSWORD}))
        .send()
        .await
        .expect("POST");
    assert_eq!(json_body.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_body.json::<Value>().await.expect("json")["error"], "unsupported_grant_type");
    let (status, body) = app.token_request(&[("username", "ann@example.com"), ("password", PASSWORD)]).await;
    assert_eq!((status, body["error"].clone()), (StatusCode::BAD_REQUEST, json!("unsupported_grant_type")));
}

/// An operator requires a new password: the next sign-in answers `must_reset_password` with
/// a reset token in `error_description`; choosing the password through it lets the member in.
async fn a_required_reset_answers_must_reset_password(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("ann@example.com", None).await;
    portico::service::operator::require_new_password(&app.state, "ann@example.com").await.expect("require");
    let answer = app
        .client
        .post(app.url("/api/token"))
        .form(&[("grant_type", "password"), ("username", "ann@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .expect("POST");
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let answer: Value = answer.json().await.expect("json");
    assert_eq!(answer["error"], "must_reset_password");
    let reset = answer["error_description"].as_str().expect("the reset token").to_string();
    let new = "orchard violet kettle 2052";
    remember_password(new);
    let set = app
        .client
        .post(app.url("/api/public/account/password-reset/confirm"))
        .json(&json!({"Token": reset, "NewPassword": new, "RepeatNewPassword": new}))
        .send()
        .await
        .expect("POST");
    assert_eq!(set.status(), StatusCode::OK);
    let token = app.sign_in("ann@example.com", new).await;
    let (_, me) = app.get(&token, "/en/user/me").await;
    assert_eq!(me["MustResetPassword"], false);
    let wrong = app
        .token_request(&[("grant_type", "password"), ("username", "ann@example.com"), ("password", PASSWORD)])
        .await;
    assert_eq!(wrong.1["error"], "invalid_grant", "the old password no longer works");
}

/// Two hotspot integrations read the Coworker record with Basic credentials and gate Wi-Fi
/// on `IsMember`: a contact (the staff set `IsMember=false`) must read `false`.
async fn a_hotspot_gates_wifi_on_is_member(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("member@example.com", None).await;
    app.add_member("contact@example.com", None).await;
    let contact = [("IsMember".to_string(), "false".to_string())];
    portico::service::operator::set_properties(&app.state, "contact@example.com", None, &contact)
        .await
        .expect("set");
    for (email, member) in [("member@example.com", true), ("contact@example.com", false)] {
        let record: Value = app
            .client
            .get(app.url("/en/profile?_resource=Coworker"))
            .header(AUTHORIZATION, basic(email, PASSWORD))
            .header("Accept", "application/json")
            .send()
            .await
            .expect("GET")
            .json()
            .await
            .expect("json");
        assert_eq!(
            (record["IsMember"].as_bool(), record["IsContact"].as_bool()),
            (Some(member), Some(!member))
        );
        assert_eq!(record["Active"], true);
    }
}

/// A command-line tool caches the member's business from `HomeSpaceId` and
/// `InvoicingBusinessId` (it ended up with 0 before), asking only for those with `_shape`.
async fn a_cli_caches_the_business_from_the_record(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let location = app.add_location("Canal Street").await;
    app.add_member("ann@example.com", Some("Canal Street")).await;
    let token = token_for(&app, Some("nexudus-cli")).await;
    let access = token["access_token"].as_str().expect("access");
    let (status, record) = app
        .get(
            access,
            "/en/profile?_resource=Coworker&_shape=Id,FullName,HomeSpaceId,InvoicingBusinessId&_depth=1",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let keys: Vec<&str> = record.as_object().expect("object").keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 4, "{record}");
    assert_eq!(
        (record["HomeSpaceId"].as_i64(), record["InvoicingBusinessId"].as_i64()),
        (Some(location), Some(location))
    );
    let (_, countries) =
        app.get(access, "/api/public/countries?_shape=Countries.Name,Countries.TwoDigitsCode").await;
    let text = countries.to_string();
    assert!(text.contains("\"TwoDigitsCode\"") || text.contains("\"Name\""), "{text}");
    assert!(!text.contains("\"Id\""), "only the shaped paths: {text}");
}

/// PHP member sites show the access PIN and the older social links of the record.
async fn a_php_member_site_reads_the_pin_and_the_older_links(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("ann@example.com", None).await;
    let pin = [("AccessPincode".to_string(), "4821".to_string())];
    portico::service::operator::set_properties(&app.state, "ann@example.com", None, &pin).await.expect("set");
    let token = app.sign_in("ann@example.com", PASSWORD).await;
    app.patch_ok(&token, &json!({"Flickr": "flickr.com/photos/annlee", "Blogger": "annlee.blogspot.com"}))
        .await;
    let record: Value = app
        .client
        .get(app.url("/en/profile?_resource=Coworker"))
        .header(AUTHORIZATION, basic("ann@example.com", PASSWORD))
        .header(CONTENT_TYPE, "application/json")
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    assert_eq!(record["AccessPincode"], "4821");
    assert_eq!(record["Flickr"], "https://www.flickr.com/people/annlee");
    assert_eq!(record["Blogger"], "https://annlee.blogspot.com");
    for older in ["Google", "Pinterest", "Vimeo", "Tumblr"] {
        assert_eq!(record[older], Value::Null, "{older} is there, empty");
    }
}

/// Server-rendered Nexudus themes save the profile form with the legacy write, nested as
/// the theme's model is, and look for `SuccessMessage` in the answer.
async fn a_theme_saves_with_the_legacy_write(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("ann@example.com", None).await;
    let token = app.sign_in("ann@example.com", PASSWORD).await;
    let mut coworker = app.profile(&token).await;
    coworker["CompanyName"] = json!("Lee & Co");
    coworker["Twitter"] = json!("@not_this");
    coworker["IsNew"] = json!(false);
    coworker["AvatarUrl"] = json!("https://example.com/a.png");
    let body = json!({
        "CreateUser": false,
        "Coworker": coworker,
        "User": {"FullName": coworker["FullName"], "OnNewWallPost": false},
        "Country": {"Id": 276},
        "BillingCountry": {"Id": 250},
        "UpdateSocialNetworks": false,
        "UpdateBillingDetails": true,
        "base64avatar": "",
        "base64banner": null,
        "recaptcha": "token"
    });
    let response = app
        .client
        .post(app.url("/en/profile?_resource="))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .header(CONTENT_TYPE, "application/json; charset=UTF-8")
        .json(&body)
        .send()
        .await
        .expect("POST");
    let status = response.status();
    let ignored = response.headers().get("portico-ignored").and_then(|v| v.to_str().ok()).map(str::to_string);
    let answer: Value = response.json().await.expect("json");
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(ignored.is_some_and(|names| names.contains("Coworker.Twitter")));
    assert_eq!(answer["SuccessMessage"], "Saved!");
    assert_eq!(answer["WasSuccessful"], true);
    assert_eq!(answer["Value"]["CompanyName"], "Lee & Co");
    let stored = app.profile(&token).await;
    assert_eq!((stored["CountryId"].clone(), stored["BillingCountryId"].clone()), (json!(276), json!(250)));
    assert_eq!(stored["Twitter"], Value::Null, "UpdateSocialNetworks: false leaves the links alone");
    assert_eq!(stored["OnNewWallPost"], false);

    // The same rules and errors as the PATCH, and nothing applied when one fails.
    let bad = json!({"Coworker": {"CompanyName": "Half", "BillingEmail": "not an address"}, "Country": {"Id": 9999}});
    let response = app
        .client
        .post(app.url("/en/profile"))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .json(&bad)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let refused: Value = response.json().await.expect("json");
    let mut named: Vec<&str> = refused["Errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["PropertyName"].as_str())
        .collect();
    named.sort_unstable();
    assert_eq!(named, ["BillingEmail", "CountryId"]);
    assert_eq!(app.profile(&token).await["CompanyName"], "Lee & Co");
    let photo = json!({"Coworker": {"NickName": "A"}, "base64avatar": "iVBORw0KGgo="});
    let response =
        app.client.post(app.url("/en/profile")).bearer_auth(&token).json(&photo).send().await.expect("POST");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "a photo is refused, not dropped");
}

/// Turns two-step sign-in on for the member of `token` through the API; the secret.
async fn two_step_on(app: &TestApp, token: &str) -> Vec<u8> {
    let path = app.url("/api/public/coworker/two-factor");
    let started: Value = app
        .client
        .post(&path)
        .bearer_auth(token)
        .json(&json!({"Password": PASSWORD}))
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("json");
    let secret = totp_rs::Secret::Encoded(started["Value"]["Secret"].as_str().expect("secret").into())
        .to_bytes()
        .expect("base32");
    let code = current_code(app, &secret, 0);
    let confirm = app.client.post(format!("{path}/confirm")).bearer_auth(token).json(&json!({"Code": code}));
    assert_eq!(confirm.send().await.expect("POST").status(), StatusCode::OK);
    next_step(app);
    secret
}

fn current_code(app: &TestApp, secret: &[u8], steps_ahead: u64) -> String {
    use portico::clock::Clock;
    use portico::domain::two_factor::{STEP_SECONDS, code_at};
    code_at(secret, app.clock.now().unix_timestamp() as u64 + steps_ahead * STEP_SECONDS)
}

fn next_step(app: &TestApp) {
    app.clock.advance(time::Duration::seconds(portico::domain::two_factor::STEP_SECONDS as i64));
}

/// A Nexudus portal signs in with the password grant; on `two_factor_auth_check` it asks the
/// member for the code and sends the same form again with `totp`.
async fn a_portal_asks_for_the_code_and_sends_the_form_again(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    let secret = two_step_on(&app, &token).await;
    let form = [("grant_type", "password"), ("username", "ann@example.com"), ("password", PASSWORD)];
    let first = app.client.post(app.url("/api/token")).form(&form).send().await.expect("POST");
    assert_eq!(first.status(), StatusCode::BAD_REQUEST);
    let first: Value = first.json().await.expect("json");
    assert_eq!(first["error"], "two_factor_auth_check", "{first}");
    let code = current_code(&app, &secret, 0);
    let again = [form.as_slice(), &[("totp", code.as_str())]].concat();
    let second = app.client.post(app.url("/api/token")).form(&again).send().await.expect("POST");
    assert_eq!(second.status(), StatusCode::OK);
    let pair: Value = second.json().await.expect("json");
    assert_eq!(app.get(pair["access_token"].as_str().expect("token"), "/en/user/me").await.0, StatusCode::OK);
}

/// A sign-in link by mail stands in for the password only: with two-step sign-in on, the
/// exchange asks for `totp` too, and the link stays good until it comes.
async fn a_magic_link_asks_for_the_code_too(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    let secret = two_step_on(&app, &token).await;
    let otp = app.client.get(app.url("/api/sys/users/sendOtp?email=ann@example.com&businessId=1"));
    assert_eq!(otp.send().await.expect("GET").status(), StatusCode::OK);
    let link = mailed_token(&app, "ann@example.com", "/signin/link").await;
    let exchange = |totp: Option<String>| {
        let extra = totp.map(|code| format!("&totp={code}")).unwrap_or_default();
        app.client.get(app.url(&format!("/api/sys/users/exchange?token={link}{extra}"))).send()
    };
    assert_eq!(exchange(None).await.expect("GET").status(), StatusCode::BAD_REQUEST);
    assert_eq!(exchange(Some("000000".into())).await.expect("GET").status(), StatusCode::BAD_REQUEST);
    let pair: Value =
        exchange(Some(current_code(&app, &secret, 0))).await.expect("GET").json().await.expect("json");
    assert_eq!(app.get(pair["token"].as_str().expect("token"), "/en/user/me").await.0, StatusCode::OK);
}

/// A door-access sync (the pattern of the Nexudus-built ones): with a staff key as Basic
/// credentials it pages through the active members of its location, `size` at a time, until
/// `HasNextPage` is false, reading each one's `AccessPincode`, `FullName`, `Email` and
/// `Active`; then it looks one member up by e-mail.
async fn a_door_sync_pages_through_active_members(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_location("Canal Street").await;
    app.add_location("Dock Road").await;
    for n in 0..7 {
        app.add_member(&format!("m{n}@example.com"), Some("Canal Street")).await;
    }
    app.add_member("elsewhere@example.com", Some("Dock Road")).await;
    app.add_member("gone@example.com", Some("Canal Street")).await;
    portico::service::operator::suspend(&app.state, "gone@example.com").await.expect("suspended");
    portico::service::operator::set_properties(
        &app.state,
        "m3@example.com",
        None,
        &[("AccessPincode".to_string(), "7319".to_string())],
    )
    .await
    .expect("pin");
    let role = portico::domain::staff::Role::Desk;
    let secret =
        portico::service::staff::add_key(&app.state, "door-sync", "Canal Street", role).await.expect("key");
    let auth = basic("door-sync", &secret);
    let (mut page, mut seen, mut pins) = (1, Vec::new(), Vec::new());
    loop {
        let url = app.url(&format!(
            "/api/spaces/coworkers?Coworker_Active=true&page={page}&size=3&orderBy=Id&dir=Ascending"
        ));
        let response = app
            .client
            .get(url)
            .header(AUTHORIZATION, &auth)
            .header("Accept", "application/json")
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), StatusCode::OK);
        let list: Value = response.json().await.expect("json");
        assert_eq!((list["TotalItems"].as_i64(), list["PageSize"].as_i64()), (Some(7), Some(3)));
        for record in list["Records"].as_array().expect("records") {
            assert_eq!(record["Active"], true);
            assert!(record["FullName"].is_string() && record["Id"].is_i64());
            seen.push(record["Email"].as_str().expect("email").to_string());
            pins.push(record["AccessPincode"].clone());
        }
        if list["HasNextPage"] != true {
            break;
        }
        page += 1;
    }
    assert_eq!(page, 3);
    let expected: Vec<String> = (0..7).map(|n| format!("m{n}@example.com")).collect();
    assert_eq!(seen, expected, "every active member of the location once, in order");
    assert_eq!(pins.iter().filter(|p| p.as_str() == Some("7319")).count(), 1);
    let one = app
        .client
        .get(app.url("/api/spaces/coworkers?Coworker_Email=m5%40example.com"))
        .header(AUTHORIZATION, &auth)
        .send()
        .await
        .expect("GET");
    let one: Value = one.json().await.expect("json");
    assert_eq!(
        (one["TotalItems"].as_i64(), one["Records"][0]["Email"].as_str()),
        (Some(1), Some("m5@example.com"))
    );
}

every_store!(
    a_door_sync_pages_through_active_members,
    a_portal_asks_for_the_code_and_sends_the_form_again,
    a_magic_link_asks_for_the_code_too,
    a_theme_saves_with_the_legacy_write,
    a_hotspot_gates_wifi_on_is_member,
    a_cli_caches_the_business_from_the_record,
    a_php_member_site_reads_the_pin_and_the_older_links,
    playwright_api_suite_reads_the_user_at_the_top_level,
    hotspot_firmware_signs_in_with_credentials,
    php_member_site_gets_an_empty_401,
    a_scheme_less_credential_is_read_as_basic,
    a_cli_and_its_hooks_keep_their_own_sessions,
    a_booking_helper_tests_its_token,
    a_portal_resets_the_password_the_nexudus_way,
    a_magic_link_signs_in,
    a_member_site_opens_the_portal_signed_in,
    the_token_endpoint_answers_in_nexudus_codes,
    a_required_reset_answers_must_reset_password,
);
