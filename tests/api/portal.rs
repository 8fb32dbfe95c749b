//! The member portal's pages over HTTP: the session cookie, CSRF, saving sections, errors
//! next to their fields, hostile strings shown as text, and the sign-in form's lockout.
//! (The same pages in a real browser: tests/browser.)

use std::collections::HashMap;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, SET_COOKIE};
use scraper::{Html, Selector};
use serde_json::json;

use crate::common::{Backend, PASSWORD, TestApp};
use crate::every_store;

/// A browser without JavaScript: keeps its cookies, follows no redirect.
pub(crate) struct Browser {
    client: reqwest::Client,
    base: String,
    pub(crate) cookies: HashMap<String, String>,
    /// The `Accept-Language` it sends, if any.
    pub(crate) language: Option<&'static str>,
}

pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) html: String,
}

impl Page {
    pub(crate) fn value_of(&self, selector: &str) -> Option<String> {
        let document = Html::parse_document(&self.html);
        let selector = Selector::parse(selector).expect("selector");
        document.select(&selector).next().and_then(|e| e.value().attr("value").map(str::to_string))
    }

    pub(crate) fn text_of(&self, selector: &str) -> Option<String> {
        let document = Html::parse_document(&self.html);
        let selector = Selector::parse(selector).expect("selector");
        document.select(&selector).next().map(|e| e.text().collect())
    }

    pub(crate) fn count(&self, selector: &str) -> usize {
        Html::parse_document(&self.html).select(&Selector::parse(selector).expect("selector")).count()
    }

    pub(crate) fn location(&self) -> &str {
        self.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    pub(crate) fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect()
    }
}

impl Browser {
    pub(crate) fn new(app: &TestApp) -> Browser {
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Browser { client, base: app.url(""), cookies: HashMap::new(), language: None }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn keep(&mut self, response: reqwest::Response) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        for cookie in headers.get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()) {
            let pair = cookie.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        Page { status, headers, html: response.text().await.expect("body") }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("accept-language", self.language.unwrap_or_default())
            .send()
            .await
            .expect("GET");
        self.keep(response).await
    }

    pub(crate) async fn post(&mut self, path: &str, form: &[(&str, &str)], headers: &[(&str, &str)]) -> Page {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("accept-language", self.language.unwrap_or_default())
            .form(form);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("POST");
        self.keep(response).await
    }

    pub(crate) async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        let page = self.get("/signin").await;
        let csrf = page.value_of("input[name=_csrf]").expect("csrf");
        self.post("/signin", &[("_csrf", &csrf), ("Email", email), ("Password", password)], &[]).await
    }

    /// The profile page and the CSRF value and version its forms carry.
    pub(crate) async fn profile(&mut self) -> (Page, String, String) {
        let page = self.get("/profile").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        let csrf = page.value_of("input[name=_csrf]").expect("csrf");
        let version = page.value_of("input[name=_version]").expect("version");
        (page, csrf, version)
    }
}

pub(crate) async fn signed_in(app: &TestApp, email: &str) -> Browser {
    app.add_member(email, None).await;
    let mut browser = Browser::new(app);
    let page = browser.sign_in(email, PASSWORD).await;
    assert_eq!((page.status, page.location()), (StatusCode::SEE_OTHER, "/profile"), "{}", page.html);
    browser
}

async fn signing_in_sets_a_locked_down_cookie_and_signing_out_ends_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("ann@example.com", None).await;
    let mut browser = Browser::new(&app);
    assert_eq!(browser.get("/profile").await.location(), "/signin", "no cookie, no profile");
    let form = browser.get("/signin").await;
    let csrf_cookie =
        form.set_cookies().into_iter().find(|c| c.starts_with("portico_csrf=")).expect("csrf cookie");
    assert!(csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Strict"), "{csrf_cookie}");
    let wrong = browser.sign_in("ann@example.com", "not the password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.value_of("input[name=Email]").as_deref(), Some("ann@example.com"), "the e-mail is kept");
    let signed = browser.sign_in("ann@example.com", PASSWORD).await;
    let session =
        signed.set_cookies().into_iter().find(|c| c.starts_with("portico_session=")).expect("cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(attribute), "{attribute} in {session}");
    }
    assert!(!session.contains("Secure"), "plain http here: a Secure cookie would never come back");
    let token = browser.cookies["portico_session"].clone();
    assert_eq!(app.get(&token, "/en/profile").await.0, StatusCode::OK, "the cookie holds an API session");
    let (_, csrf, _) = browser.profile().await;
    let out = browser.post("/signout", &[("_csrf", &csrf)], &[]).await;
    assert_eq!(out.location(), "/signin");
    assert_eq!(app.get(&token, "/en/profile").await.0, StatusCode::UNAUTHORIZED, "ended on the server");
    browser.cookies.insert("portico_session".into(), token);
    assert_eq!(browser.get("/profile").await.location(), "/signin", "a replayed cookie is dead");
}

async fn a_secure_cookie_when_the_public_url_is_https(backend: Backend) {
    let mut settings = crate::common::test_settings();
    settings.public_url = Some(url::Url::parse("https://portal.example.com").expect("url"));
    let app = TestApp::spawn_with(backend, settings).await;
    app.add_member("ann@example.com", None).await;
    let signed = Browser::new(&app).sign_in("ann@example.com", PASSWORD).await;
    let session =
        signed.set_cookies().into_iter().find(|c| c.starts_with("portico_session=")).expect("cookie");
    assert!(session.contains("; Secure"), "{session}");
}

async fn a_cross_site_post_is_refused_and_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = signed_in(&app, "ann@example.com").await;
    let (_, csrf, version) = browser.profile().await;
    let attacks: [(&str, Vec<(&str, &str)>); 4] = [
        ("", vec![]),
        ("forged-token", vec![]),
        (csrf.as_str(), vec![("origin", "https://evil.example")]),
        (csrf.as_str(), vec![("sec-fetch-site", "cross-site")]),
    ];
    for (token, headers) in attacks {
        let form = [("_csrf", token), ("_version", version.as_str()), ("FullName", "Hacked Name")];
        let page = browser.post("/profile/personal", &form, &headers).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{token:?} {headers:?}");
    }
    let logs = crate::common::captured_logs();
    let forged =
        logs.lines().filter(|l| l.contains("portal form refused") && l.contains("repeated=false")).count();
    assert!(forged >= 2, "each refusal is logged with its reason, for the operator: {forged}");
    let token = browser.cookies["portico_session"].clone();
    assert_ne!(app.profile(&token).await["FullName"], "Hacked Name");
    let same_site = [("_csrf", csrf.as_str()), ("_version", version.as_str()), ("FullName", "Ann Real")];
    let host = app.url("").trim_start_matches("http://").trim_end_matches('/').to_string();
    let origin = format!("http://{host}");
    let page = browser
        .post("/profile/personal", &same_site, &[("origin", &origin), ("sec-fetch-site", "same-origin")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    assert_eq!(app.profile(&token).await["FullName"], "Ann Real");
}

async fn a_section_saves_only_what_changed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = signed_in(&app, "ann@example.com").await;
    let token = browser.cookies["portico_session"].clone();
    app.patch_ok(&token, &json!({"Position": "Designer", "CompanyName": "Acme"})).await;
    let (page, csrf, version) = browser.profile().await;
    // The form as the browser would send it: every field of the section, one of them edited.
    let document = Html::parse_document(&page.html);
    let inputs = Selector::parse(
        "form[action='/profile/professional'] input, form[action='/profile/professional'] textarea",
    )
    .expect("s");
    let mut form: Vec<(String, String)> = document
        .select(&inputs)
        .filter(|e| e.value().attr("type") != Some("checkbox"))
        .filter_map(|e| {
            Some((
                e.value().attr("name")?.to_string(),
                e.value().attr("value").unwrap_or(&e.text().collect::<String>()).to_string(),
            ))
        })
        .filter(|(name, _)| name != "_csrf" && name != "_version")
        .collect();
    for (name, value) in &mut form {
        if name == "Position" {
            *value = "Lead designer".into();
        }
    }
    form.push(("_csrf".into(), csrf));
    form.push(("_version".into(), version));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let saved = browser.post("/profile/professional", &pairs, &[]).await;
    assert_eq!(
        (saved.status, saved.location()),
        (StatusCode::SEE_OTHER, "/profile?saved=professional#professional")
    );
    let profile = app.profile(&token).await;
    assert_eq!(
        (profile["Position"].as_str(), profile["CompanyName"].as_str()),
        (Some("Lead designer"), Some("Acme"))
    );
    assert!(
        profile["Twitter"].is_null() && profile["ProfileSummary"].is_null(),
        "empty stays empty, not \"\""
    );
    let (status, history) = app.get(&token, "/en/profile/history").await;
    assert_eq!(status, StatusCode::OK);
    let last = history.to_string();
    assert!(last.contains("Lead designer") && !last.contains("\"Twitter\""), "only Position changed: {last}");
    assert!(browser.get("/profile?saved=professional").await.html.contains("Saved."));
}

async fn a_bad_email_is_shown_by_its_field_and_nothing_typed_is_lost(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = signed_in(&app, "ann@example.com").await;
    let (_, csrf, version) = browser.profile().await;
    let form = [
        ("_csrf", csrf.as_str()),
        ("_version", version.as_str()),
        ("BillingName", "Kept Name"),
        ("BillingEmail", "not-an-email"),
    ];
    let page = browser.post("/profile/billing", &form, &[]).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(page.count("#f-BillingEmail-error"), 1, "{}", page.html);
    assert_eq!(page.count("#f-BillingEmail[aria-invalid=true][aria-describedby=f-BillingEmail-error]"), 1);
    assert_eq!(page.count(".summary a[href='#f-BillingEmail']"), 1, "the summary links to the field");
    assert_eq!(page.value_of("#f-BillingEmail").as_deref(), Some("not-an-email"));
    assert_eq!(page.value_of("#f-BillingName").as_deref(), Some("Kept Name"));
    let token = browser.cookies["portico_session"].clone();
    assert_ne!(app.profile(&token).await["BillingName"], "Kept Name", "nothing of the section was saved");
}

async fn a_stale_form_is_refused_and_keeps_what_was_typed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = signed_in(&app, "ann@example.com").await;
    let (_, csrf, version) = browser.profile().await;
    let token = browser.cookies["portico_session"].clone();
    app.patch_ok(&token, &json!({"NickName": "Changed elsewhere"})).await;
    let form = [("_csrf", csrf.as_str()), ("_version", version.as_str()), ("NickName", "Typed here")];
    let page = browser.post("/profile/personal", &form, &[]).await;
    assert_eq!(page.status, StatusCode::PRECONDITION_FAILED);
    assert!(page.html.contains("changed elsewhere"), "{}", page.html);
    assert_eq!(page.value_of("#f-NickName").as_deref(), Some("Typed here"));
    assert_eq!(app.profile(&token).await["NickName"], "Changed elsewhere");
    for version in ["garbled", "", "\"999999-1-1\""] {
        let form = [("_csrf", csrf.as_str()), ("_version", version), ("NickName", "Typed here")];
        let page = browser.post("/profile/personal", &form, &[]).await;
        assert_eq!(
            page.status,
            StatusCode::PRECONDITION_FAILED,
            "a form without its version is never unchecked: {version:?}"
        );
        assert!(page.html.contains("changed elsewhere"), "{version:?}: told why");
        assert_eq!(page.value_of("#f-NickName").as_deref(), Some("Typed here"), "{version:?}: kept");
    }
    assert_eq!(app.profile(&token).await["NickName"], "Changed elsewhere");
}

async fn a_password_change_signs_out_other_devices(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = signed_in(&app, "ann@example.com").await;
    let other_device = app.sign_in("ann@example.com", PASSWORD).await;
    let (page, csrf, version) = browser.profile().await;
    assert!(page.html.contains("10 to 128 characters"), "the location's rules are shown");
    let new = "a much longer Passphrase 2026";
    let form = [
        ("_csrf", csrf.as_str()),
        ("_version", version.as_str()),
        ("OldPassword", PASSWORD),
        ("NewPassword", new),
        ("RepeatNewPassword", new),
    ];
    let changed = browser.post("/profile/credentials", &form, &[]).await;
    assert_eq!(changed.location(), "/profile?password_changed=1#credentials", "{}", changed.html);
    assert!(browser.get("/profile?password_changed=1").await.html.contains("other devices were signed out"));
    assert_eq!(app.get(&other_device, "/en/profile").await.0, StatusCode::UNAUTHORIZED);
    crate::common::remember_password(new);
}

async fn hostile_strings_are_shown_as_text(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = signed_in(&app, "ann@example.com").await;
    let token = browser.cookies["portico_session"].clone();
    let hostile = json!({"FullName": "<img src=x onerror=alert(1)>", "ProfileIsPublic": true,
        "Position": "<script>alert(2)</script>", "ProfileTags": "<svg onload=alert(3)>",
        "ProfileSummary": "Hi <script>alert(4)</script> <img src=x onerror=alert(5)> [x](javascript:alert(6))"});
    app.patch_ok(&token, &hostile).await;
    let id = app.profile(&token).await["Id"].as_i64().expect("id");
    for path in ["/profile".to_string(), "/directory".to_string(), format!("/directory/{id}")] {
        let page = browser.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(page.count("script:not([src='/portal/portal.js'])"), 0, "{path}: {}", page.html);
        assert_eq!(page.count("[onerror], [onload], svg"), 0, "{path}");
        let foreign_images = "img:not([src^='/profile/photo/']):not([src^='/media/coworkers/'])";
        assert_eq!(page.count(foreign_images), 0, "{path}: only the photos Portico serves");
        assert_eq!(page.count("a[href^='javascript']"), 0, "{path}");
        assert!(
            page.html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{path}: the name is shown as text"
        );
    }
}

async fn concurrent_wrong_passwords_on_the_sign_in_form_meet_the_lockout(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let mut browser = Browser::new(&app);
    let csrf = browser.get("/signin").await.value_of("input[name=_csrf]").expect("csrf");
    let cookie = browser.cookie_header();
    let attempts: Vec<_> = (0..30)
        .map(|i| {
            let (client, url, cookie, csrf) =
                (browser.client.clone(), app.url("/signin"), cookie.clone(), csrf.clone());
            tokio::spawn(async move {
                let guess = format!("wrong guess {i}");
                let form =
                    [("_csrf", csrf.as_str()), ("Email", "jane@example.com"), ("Password", guess.as_str())];
                client.post(url).header("cookie", cookie).form(&form).send().await.expect("POST").status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.expect("request"));
    }
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert!(checked <= 5, "at most five passwords checked: {statuses:?}");
    assert_eq!(checked + refused, 30, "{statuses:?}");
    let right = browser.sign_in("jane@example.com", PASSWORD).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "the right password waits for the lock too");
}

async fn the_bio_preview_is_sanitised_and_guarded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = signed_in(&app, "ann@example.com").await;
    let (_, csrf, _) = browser.profile().await;
    let bio = "**Hi** <script>alert(1)</script> [x](javascript:alert(2))";
    let refused = browser.post("/profile/preview", &[("ProfileSummary", bio)], &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "no CSRF value, no preview");
    let page = browser.post("/profile/preview", &[("_csrf", &csrf), ("ProfileSummary", bio)], &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("strong"), 1, "{}", page.html);
    assert_eq!(page.count("script, a[href^='javascript']"), 0, "{}", page.html);
    let long = "x".repeat(20_001);
    let too_long =
        browser.post("/profile/preview", &[("_csrf", &csrf), ("ProfileSummary", &long)], &[]).await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
}

async fn a_member_with_two_locations_switches_between_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_location("Main Street").await;
    app.add_location("Dock Road").await;
    app.add_member("ann@example.com", Some("Main Street")).await;
    app.add_member("ann@example.com", Some("Dock Road")).await;
    let mut browser = Browser::new(&app);
    assert_eq!(browser.sign_in("ann@example.com", PASSWORD).await.location(), "/profile");
    let intruder = app.add_member("bob@example.com", Some("Dock Road")).await;
    let (page, csrf, _) = browser.profile().await;
    assert_eq!(page.count("select#f-ProfileId option"), 2, "{}", page.html);
    let current = page.value_of("select#f-ProfileId option[selected]").expect("current");
    let other = {
        let document = Html::parse_document(&page.html);
        let options = Selector::parse("select#f-ProfileId option").expect("s");
        document
            .select(&options)
            .filter_map(|o| o.value().attr("value"))
            .find(|v| *v != current)
            .expect("other")
            .to_string()
    };
    let switched = browser.post("/profile/switch", &[("_csrf", &csrf), ("ProfileId", &other)], &[]).await;
    assert_eq!(switched.location(), "/profile");
    let (page, _, _) = browser.profile().await;
    assert_eq!(page.value_of("select#f-ProfileId option[selected]"), Some(other.clone()));
    let theirs = intruder.profile_id.to_string();
    let refused = browser.post("/profile/switch", &[("_csrf", &csrf), ("ProfileId", &theirs)], &[]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "another member's profile is not switched to");
    let forged = browser.post("/profile/switch", &[("ProfileId", &current)], &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.profile().await.0.value_of("select#f-ProfileId option[selected]"), Some(other));
}

async fn the_professional_section_drafts_a_summary_for_review(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = signed_in(&app, "ann@example.com").await;
    let token = browser.cookies["portico_session"].clone();
    app.patch_ok(
        &token,
        &json!({"Position": "Designer", "CompanyName": "Acme", "ProfileSummary": "Old bio"}),
    )
    .await;
    let before = app.profile(&token).await;
    let (page, csrf, version) = browser.profile().await;
    assert_eq!(page.count("#professional button[formaction='/profile/draft']"), 1, "{}", page.html);
    assert_eq!(page.count("#personal button[formaction='/profile/draft']"), 0, "only in its section");

    let typed = [
        ("_csrf", csrf.as_str()),
        ("_version", version.as_str()),
        ("Position", "Designer"),
        ("CompanyName", "Acme"),
        ("BusinessArea", "Typed, not saved"),
        ("ProfileSummary", "Old bio"),
    ];
    let drafted = browser.post("/profile/draft", &typed, &[]).await;
    assert_eq!(drafted.status, StatusCode::OK, "{}", drafted.html);
    let document = Html::parse_document(&drafted.html);
    let summary = document
        .select(&Selector::parse("#professional textarea[name=ProfileSummary]").expect("s"))
        .next()
        .expect("the summary field")
        .text()
        .collect::<String>();
    assert!(summary.contains("Designer") && summary.contains("Acme") && summary != "Old bio", "{summary}");
    assert_eq!(
        drafted.value_of("#professional input[name=BusinessArea]").as_deref(),
        Some("Typed, not saved"),
        "what was typed stays"
    );
    assert!(drafted.html.contains("written from: Position, Company"), "{}", drafted.html);
    assert_eq!(drafted.value_of("#professional input[name=_version]").as_deref(), Some(version.as_str()));
    assert_eq!(app.profile(&token).await, before, "nothing is saved by a draft");

    let typed_again =
        [("_csrf", csrf.as_str()), ("_version", version.as_str()), ("BusinessArea", "Still typed")];
    for _ in 0..9 {
        browser.post("/profile/draft", &typed_again, &[]).await;
    }
    let limited = browser.post("/profile/draft", &typed_again, &[]).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS, "the eleventh draft of the hour");
    assert!(limited.headers.contains_key("retry-after"));
    assert!(limited.html.contains("used your AI drafts"), "{}", limited.html);
    assert_eq!(
        limited.value_of("#professional input[name=BusinessArea]").as_deref(),
        Some("Still typed"),
        "nothing typed is lost"
    );

    let forged =
        browser.post("/profile/draft", &[("_csrf", "forged"), ("_version", version.as_str())], &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "a draft is a form like the others");

    let off = portico::domain::ai::AiSetting {
        provider: Some(portico::domain::ai::Provider::Off),
        ..Default::default()
    };
    portico::service::operator::set_ai(&app.state, "Main Street", off).await.expect("setting");
    let (page, csrf, version) = browser.profile().await;
    assert_eq!(page.count("button[formaction='/profile/draft']"), 0, "no button where AI is off");
    let refused = browser.post("/profile/draft", &[("_csrf", &csrf), ("_version", &version)], &[]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.html.contains("switched off"), "{}", refused.html);
}

async fn a_forgotten_password_is_reset_through_the_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("ann@example.com", None).await;
    let mut browser = Browser::new(&app);
    assert_eq!(
        browser.get("/signin").await.count("a[href='/forgot']"),
        1,
        "a way back in from the sign-in page"
    );
    let forgot = browser.get("/forgot").await;
    let csrf = forgot.value_of("input[name=_csrf]").expect("csrf");
    let sent = browser.post("/forgot", &[("_csrf", &csrf), ("Email", "ann@example.com")], &[]).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.html);
    assert!(sent.html.contains("Check your e-mail"));
    let key = portico::domain::fields::email_key("ann@example.com");
    let mut text = String::new();
    for _ in 0..100 {
        if let Some(mail) = app.state.store.outbox(Some(&key), 1).await.expect("outbox").pop() {
            text = mail.mail.text;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let at = text.find("/reset?token=").expect("a reset link") + "/reset?token=".len();
    let token: String =
        text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();

    let form = browser.get(&format!("/reset?token={token}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.text_of("#link-email").is_some_and(|t| t.contains("ann@example.com")),
        "the page says which address the password is for"
    );
    assert_eq!(form.headers["cache-control"], "no-store", "a page whose address holds a token is not cached");
    assert_eq!(form.value_of("input[name=Token]").as_deref(), Some(token.as_str()));
    let new = "quiet lantern harbour 2049";
    crate::common::remember_password(new);
    let mismatch = [
        ("_csrf", csrf.as_str()),
        ("Token", token.as_str()),
        ("NewPassword", new),
        ("RepeatNewPassword", "something else entirely"),
    ];
    let refused = browser.post("/reset", &mismatch, &[]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.count("#f-RepeatNewPassword-error"), 1, "the error by its field");
    let good = [
        ("_csrf", csrf.as_str()),
        ("Token", token.as_str()),
        ("NewPassword", new),
        ("RepeatNewPassword", new),
    ];
    let done = browser.post("/reset", &good, &[]).await;
    let to_sign_in = "/signin?password_set=1&email=ann%40example.com";
    assert_eq!(
        (done.status, done.location()),
        (StatusCode::SEE_OTHER, to_sign_in),
        "the address, never the link"
    );
    let sign_in = browser.get(to_sign_in).await;
    assert!(sign_in.html.contains("Your password is set"));
    assert_eq!(sign_in.value_of("#f-Email").as_deref(), Some("ann@example.com"), "the address filled in");
    let signed = browser.sign_in("ann@example.com", new).await;
    assert_eq!(signed.location(), "/profile");
    let stale = browser.post("/reset", &good, &[]).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN, "signing in made the earlier form's value worthless");
    let page = browser.get(&format!("/reset?token={token}")).await;
    let csrf = page.value_of("input[name=_csrf]").expect("csrf");
    let good = [
        ("_csrf", csrf.as_str()),
        ("Token", token.as_str()),
        ("NewPassword", new),
        ("RepeatNewPassword", new),
    ];
    let reused = browser.post("/reset", &good, &[]).await;
    assert!(
        reused.status == StatusCode::BAD_REQUEST && reused.html.contains("does not work any more"),
        "{}",
        reused.html
    );

    let undo = browser.get("/undo-email?token=plk_forged").await;
    assert_eq!(undo.status, StatusCode::OK, "opening a link changes nothing");
    let forged = browser.post("/undo-email", &[("_csrf", csrf.as_str()), ("Token", "plk_forged")], &[]).await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    let cross_site = browser.post("/reset", &good, &[("sec-fetch-site", "cross-site")]).await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN, "the link pages refuse forged posts too");
}

/// The first link to `page` in the newest mail to `address` (waits for the outbox).
async fn link_in_mail(app: &TestApp, address: &str, page: &str) -> Option<String> {
    let key = portico::domain::fields::email_key(address);
    let mail = app.state.store.outbox(Some(&key), 1).await.expect("outbox").pop()?;
    let text = mail.mail.text;
    let at = text.find(&format!("{page}?token="))? + page.len() + "?token=".len();
    Some(text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect())
}

async fn the_sign_in_email_is_changed_from_the_profile_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = signed_in(&app, "ann@example.com").await;
    let (page, csrf, _) = browser.profile().await;
    assert_eq!(page.count("form[action='/profile/email'] input[name=NewEmail]"), 1, "{}", page.html);
    assert!(page.html.contains("ann@example.com"), "the address in use is shown");
    let new = "ann@new.example";
    let form = |email, password| [("_csrf", csrf.as_str()), ("NewEmail", email), ("Password", password)];

    let wrong = browser.post("/profile/email", &form(new, "not my password at all"), &[]).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.html);
    assert_eq!(wrong.count("#f-Password-error"), 1, "the error by its field");
    let summary = wrong.text_of(".summary a[href='#f-Password']").unwrap_or_default();
    assert!(summary.starts_with("Current password: "), "the summary names the field by its label: {summary}");
    assert_eq!(wrong.value_of("input[name=NewEmail]").as_deref(), Some(new), "what was typed stays");
    assert_eq!(wrong.value_of("input[name=Password]"), None, "a password is never sent back");
    let bad = browser.post("/profile/email", &form("not an address", PASSWORD), &[]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.count("#f-NewEmail-error"), 1);
    assert!(bad.html.contains("No link was sent: please correct this"), "{}", bad.html);
    let summary = bad.text_of(".summary a[href='#f-NewEmail']").unwrap_or_default();
    assert!(summary.starts_with("New email: "), "the summary names the field by its label: {summary}");
    assert_eq!(link_in_mail(&app, new, "/confirm-email").await, None, "nothing sent for a refused form");

    let unforged = browser.post("/profile/email", &[("NewEmail", new), ("Password", PASSWORD)], &[]).await;
    assert_eq!(unforged.status, StatusCode::FORBIDDEN, "no CSRF value, no change");
    let sent = browser.post("/profile/email", &form(new, PASSWORD), &[]).await;
    assert_eq!((sent.status, sent.location()), (StatusCode::SEE_OTHER, "/profile?email_requested=1#email"));
    let shown = browser.get("/profile?email_requested=1").await;
    assert!(shown.html.contains("on its way"), "{}", shown.html);
    let token = link_in_mail(&app, new, "/confirm-email").await.expect("a confirmation link");
    assert!(link_in_mail(&app, "ann@example.com", "/undo-email").await.is_some(), "an undo link to the old");
    assert_eq!(browser.sign_in(new, PASSWORD).await.status, StatusCode::UNAUTHORIZED, "not before the link");

    let confirm = browser.get(&format!("/confirm-email?token={token}")).await;
    let csrf = confirm.value_of("input[name=_csrf]").expect("csrf");
    let done =
        browser.post("/confirm-email", &[("_csrf", csrf.as_str()), ("Token", token.as_str())], &[]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    let mut later = Browser::new(&app);
    let page = later.sign_in(new, PASSWORD).await;
    assert_eq!((page.status, page.location()), (StatusCode::SEE_OTHER, "/profile"), "{}", page.html);

    // Guesses sent through this form at once meet the account's lockout like any other.
    let (_, csrf, _) = later.profile().await;
    let cookie = later.cookie_header();
    let guesses: Vec<_> = (0..12)
        .map(|n| {
            let (client, url, cookie, csrf) =
                (later.client.clone(), app.url("/profile/email"), cookie.clone(), csrf.clone());
            tokio::spawn(async move {
                let guess = format!("guess number {n}");
                let form = [
                    ("_csrf", csrf.as_str()),
                    ("NewEmail", "ann@third.example"),
                    ("Password", guess.as_str()),
                ];
                let response =
                    client.post(url).header("cookie", cookie).form(&form).send().await.expect("POST");
                (response.status(), response.headers().get("retry-after").cloned())
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.expect("request"));
    }
    let checked = statuses.iter().filter(|(status, _)| *status == StatusCode::BAD_REQUEST).count();
    let locked: Vec<_> =
        statuses.iter().filter(|(status, _)| *status == StatusCode::TOO_MANY_REQUESTS).collect();
    assert!(checked <= 5, "at most five passwords checked: {statuses:?}");
    assert_eq!(checked + locked.len(), 12, "{statuses:?}");
    for (_, retry_after) in locked {
        let seconds: u64 =
            retry_after.as_ref().expect("Retry-After").to_str().expect("ascii").parse().expect("seconds");
        assert!(seconds >= 1, "{seconds}");
    }
}

/// The forms' CSRF value comes from the session, not from a cookie that may be gone: two
/// days after sign-in, with no CSRF cookie left, the member still saves and signs out.
async fn forms_work_for_the_whole_session_without_a_csrf_cookie(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = signed_in(&app, "ann@example.com").await;
    browser.cookies.retain(|name, _| name == "portico_session");
    app.clock.advance(time::Duration::days(2));
    let (_, csrf, version) = browser.profile().await;
    let form = [("_csrf", csrf.as_str()), ("_version", version.as_str()), ("NickName", "Two days on")];
    let saved = browser.post("/profile/personal", &form, &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let token = browser.cookies["portico_session"].clone();
    assert_eq!(app.profile(&token).await["NickName"], "Two days on");
    let out = browser.post("/signout", &[("_csrf", &csrf)], &[]).await;
    assert_eq!(out.location(), "/signin", "signing out works as long as the session");
    assert_eq!(app.get(&token, "/en/profile").await.0, StatusCode::UNAUTHORIZED);
}

/// Each sign-in gives the forms a new value: one session's value does nothing for another,
/// and a value the attacker chose (planted as a cookie) is worthless.
async fn the_csrf_value_belongs_to_the_session_and_changes_at_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut first = signed_in(&app, "ann@example.com").await;
    let (_, first_csrf, _) = first.profile().await;
    let mut second = Browser::new(&app);
    let before = second.get("/signin").await.value_of("input[name=_csrf]").expect("csrf");
    second.sign_in("ann@example.com", PASSWORD).await;
    let (_, second_csrf, version) = second.profile().await;
    assert_ne!(first_csrf, second_csrf);
    assert_ne!(before, second_csrf, "the value shown before sign-in is not the session's");
    for stale in [first_csrf.as_str(), before.as_str()] {
        let form = [("_csrf", stale), ("_version", version.as_str()), ("NickName", "Forged")];
        assert_eq!(second.post("/profile/personal", &form, &[]).await.status, StatusCode::FORBIDDEN);
    }
    let mut planted = Browser::new(&app);
    planted.cookies.insert("portico_csrf".into(), "attacker-chosen".into());
    let form = [("_csrf", "attacker-chosen"), ("Email", "ann@example.com"), ("Password", PASSWORD)];
    let page = planted.post("/signin", &form, &[]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "a planted cookie does not choose the value");
}

/// Under https the nonce cookie is `__Host-`: only this host, over https, may set it.
async fn the_csrf_cookie_is_host_only_under_https(backend: Backend) {
    let mut settings = crate::common::test_settings();
    settings.public_url = Some(url::Url::parse("https://portal.example.com").expect("url"));
    let app = TestApp::spawn_with(backend, settings).await;
    let page = Browser::new(&app).get("/signin").await;
    let cookie =
        page.set_cookies().into_iter().find(|c| c.starts_with("__Host-portico_csrf=")).expect("cookie");
    for attribute in ["; Secure", "; Path=/", "SameSite=Strict", "HttpOnly"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
}

fn png_bytes() -> Vec<u8> {
    let picture = image::RgbImage::from_pixel(300, 200, image::Rgb([30, 140, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).expect("png");
    out.into_inner()
}

impl Browser {
    async fn upload(&mut self, path: &str, csrf: Option<&str>, file: Vec<u8>) -> Page {
        let mut form = reqwest::multipart::Form::new();
        if let Some(csrf) = csrf {
            form = form.text("_csrf", csrf.to_string());
        }
        let part =
            reqwest::multipart::Part::bytes(file).file_name("me.png").mime_str("image/png").expect("mime");
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .multipart(form.part("photo", part))
            .send()
            .await
            .expect("POST");
        self.keep(response).await
    }
}

async fn photos_are_uploaded_from_the_profile_page_and_faces_fill_the_directory(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut ann = signed_in(&app, "ann@example.com").await;
    let (page, csrf, _) = ann.profile().await;
    assert_eq!(page.count("#photos form[enctype='multipart/form-data'] input[type=file][name=photo]"), 2);

    let before = ann.get("/profile/photo/avatar").await;
    assert_eq!(before.headers["content-type"], "image/svg+xml");
    let forged = ann.upload("/profile/photo/avatar", None, png_bytes()).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no CSRF value, no upload");
    assert_eq!(ann.get("/profile/photo/avatar").await.headers["content-type"], "image/svg+xml");

    let saved = ann.upload("/profile/photo/avatar", Some(&csrf), png_bytes()).await;
    assert_eq!((saved.status, saved.location()), (StatusCode::SEE_OTHER, "/profile?photo_saved=1#photos"));
    let own = ann.get("/profile/photo/avatar").await;
    assert_eq!(own.headers["content-type"], "image/jpeg", "its own photo while the profile is private");
    let refused = ann.upload("/profile/photo/banner", Some(&csrf), b"GIF89a\x01\x00".to_vec()).await;
    assert_eq!(refused.location(), "/profile?photo_refused=unsupported_image#photos");
    let page = ann.get(refused.location()).await;
    assert!(page.text_of("#photos [role=alert]").is_some_and(|t| t.contains("not a JPEG, PNG or WebP")));

    // Public, the face shows in the directory, for every member and at its public address.
    let token = app.sign_in("ann@example.com", PASSWORD).await;
    app.patch_ok(&token, &serde_json::json!({"ProfileIsPublic": true})).await;
    let mut bob = signed_in(&app, "bob@example.com").await;
    let directory = bob.get("/directory").await;
    let document = Html::parse_document(&directory.html);
    let selector = Selector::parse("article.member img.face").expect("selector");
    let face = document.select(&selector).next().and_then(|img| img.value().attr("src")).map(str::to_string);
    let face = face.expect("a face in the directory");
    assert!(face.starts_with("/media/coworkers/") && face.ends_with("/avatar"), "{face}");
    let served = app.client.get(app.url(&face)).send().await.expect("GET");
    assert_eq!(served.headers()["content-type"], "image/jpeg");

    let removed = ann.post("/profile/photo/avatar/remove", &[("_csrf", &csrf)], &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(ann.get("/profile/photo/avatar").await.headers["content-type"], "image/svg+xml");
}

/// The code of the current step of a two-step secret, on the server's clock.
fn current_code(app: &TestApp, secret: &[u8]) -> String {
    use portico::clock::Clock;
    portico::domain::two_factor::code_at(secret, app.clock.now().unix_timestamp() as u64)
}

fn next_step(app: &TestApp) {
    app.clock.advance(time::Duration::seconds(portico::domain::two_factor::STEP_SECONDS as i64));
}

/// Two-step sign-in without JavaScript: set up from the page (the secret in text beside the
/// QR code), then signing in asks for the code alone after the password; a wrong code is
/// shown on the code page and counted; a space that requires it leads there first.
async fn two_step_sign_in_works_without_javascript(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = signed_in(&app, "ann@example.com").await;
    let location = app.state.store.locations().await.expect("locations")[0].name.clone();
    let change =
        portico::service::operator::PolicyChange { require_two_step: Some(true), ..Default::default() };
    portico::service::operator::set_policy(&app.state, &location, change).await.expect("policy");
    for path in ["/profile", "/directory"] {
        let led = browser.get(path).await;
        assert_eq!((led.status, led.location()), (StatusCode::SEE_OTHER, "/profile/two-factor"), "{path}");
    }
    let page = browser.get("/profile/two-factor").await;
    let csrf = page.value_of("input[name=_csrf]").expect("csrf");
    let wrong = browser
        .post("/profile/two-factor/start", &[("_csrf", &csrf), ("Password", "nope nope nope")], &[])
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.text_of("#f-Password-error").is_some(), "the error by its field");
    let started =
        browser.post("/profile/two-factor/start", &[("_csrf", &csrf), ("Password", PASSWORD)], &[]).await;
    assert_eq!(started.location(), "/profile/two-factor");
    let setup = browser.get("/profile/two-factor").await;
    assert_eq!(setup.count(".qr svg"), 1, "the QR code, drawn inline");
    let secret_text = setup.text_of("#secret").expect("the secret in text");
    let secret = totp_rs::Secret::Encoded(secret_text.trim().to_string()).to_bytes().expect("base32");
    next_step(&app);
    let code = current_code(&app, &secret);
    let on = browser.post("/profile/two-factor/confirm", &[("_csrf", &csrf), ("Code", &code)], &[]).await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.html);
    assert_eq!(on.count("#recovery-codes li"), 10);
    assert_eq!(browser.get("/profile").await.status, StatusCode::OK, "set up: the portal opens");

    // Signing in again: the password, then the code alone.
    let mut again = Browser::new(&app);
    let step = again.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(step.status, StatusCode::OK);
    assert!(step.value_of("input[name=Password]").is_none(), "the password is not asked again");
    let pending = step.value_of("input[name=Pending]").expect("the proof of the password");
    let csrf = step.value_of("input[name=_csrf]").expect("csrf");
    let refused =
        again.post("/signin/code", &[("_csrf", &csrf), ("Pending", &pending), ("Code", "000000")], &[]).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.text_of("#problem").is_some_and(|t| t.contains("incorrect")));
    let forged = format!("{pending}x");
    next_step(&app);
    let code = current_code(&app, &secret);
    let bad_proof =
        again.post("/signin/code", &[("_csrf", &csrf), ("Pending", &forged), ("Code", &code)], &[]).await;
    assert_eq!(bad_proof.status, StatusCode::UNAUTHORIZED, "a changed proof is no proof");
    let done =
        again.post("/signin/code", &[("_csrf", &csrf), ("Pending", &pending), ("Code", &code)], &[]).await;
    assert_eq!((done.status, done.location()), (StatusCode::SEE_OTHER, "/profile"), "{}", done.html);
    assert_eq!(again.get("/profile").await.status, StatusCode::OK);
}

/// The staff pages, without JavaScript: an admin signs in with the code, finds a member,
/// edits a staff-only property, sees a refused value by its field, suspends, reads the audit
/// log and the outbox (without links), and erases only with the address typed again; a
/// member is refused, and so is a form from elsewhere.
async fn staff_pages_work_without_javascript(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut member = signed_in(&app, "ann@example.com").await;
    let location = app.state.store.locations().await.expect("locations")[0].name.clone();
    let (_, secret) = app.staff_member("olga@example.com", &location, "admin").await;
    let mut staff = Browser::new(&app);
    let step = staff.sign_in("olga@example.com", PASSWORD).await;
    let pending = step.value_of("input[name=Pending]").expect("the code is asked");
    let csrf = step.value_of("input[name=_csrf]").expect("csrf");
    app.next_totp_step();
    let code = app.totp_code(&secret, 0);
    let done =
        staff.post("/signin/code", &[("_csrf", &csrf), ("Pending", &pending), ("Code", &code)], &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);

    let list = staff.get("/staff?query=ann").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.html);
    assert_eq!(list.count("table.members tbody tr"), 1);
    let ann = app.state.store.login_record(&portico::domain::fields::email_key("ann@example.com")).await;
    let ann = ann.expect("query").expect("ann").default_profile_id;
    let path = format!("/staff/members/{ann}");
    let record = staff.get(&path).await;
    assert_eq!(record.status, StatusCode::OK);
    let csrf = record.value_of("input[name=_csrf]").expect("csrf");
    assert!(record.value_of("input[name=AccessPincode]").is_some(), "the staff-only properties are there");
    let saved =
        staff.post(&path, &[("_csrf", &csrf), ("AccessPincode", "9931"), ("CompanyName", "Acme")], &[]).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.html);
    assert_eq!(saved.value_of("input[name=AccessPincode]").as_deref(), Some("9931"));
    let refused =
        staff.post(&path, &[("_csrf", &csrf), ("ProfileWebsite", "javascript:alert(1)")], &[]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text_of("#f-ProfileWebsite-error").is_some(), "by its field");
    assert_eq!(
        refused.value_of("input[name=ProfileWebsite]").as_deref(),
        Some("javascript:alert(1)"),
        "kept"
    );
    let forged = staff.post(&path, &[("_csrf", "forged"), ("AccessPincode", "0000")], &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let suspended = staff.post(&format!("{path}/suspend"), &[("_csrf", &csrf)], &[]).await;
    assert_eq!(suspended.status, StatusCode::OK);
    assert!(suspended.text_of(".location").is_some_and(|t| t.contains("Suspended")));
    assert_eq!(member.get("/profile").await.status, StatusCode::SEE_OTHER, "the member's session ended");
    let export = staff.get(&format!("{path}/export")).await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.html.contains("\"AccessPincode\": \"9931\""), "the member's data as the API exports it");

    let audit = staff.get("/staff/audit?event=member_edited").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert_eq!(audit.count("table.audit tbody tr"), 1, "{}", audit.html);
    let outbox = staff.get("/staff/outbox").await;
    assert_eq!(outbox.status, StatusCode::OK);
    assert!(!outbox.html.contains("token="), "no link of a member's mail is shown");

    let wrong = staff
        .post(&format!("{path}/erase"), &[("_csrf", &csrf), ("confirm", "someone@example.com")], &[])
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(app.state.store.profile(ann).await.is_ok(), "nothing erased");
    let erased =
        staff.post(&format!("{path}/erase"), &[("_csrf", &csrf), ("confirm", "ANN@example.com")], &[]).await;
    assert_eq!(erased.status, StatusCode::SEE_OTHER);
    assert!(app.state.store.profile(ann).await.is_err(), "erased");

    let mut bob = signed_in(&app, "bob@example.com").await;
    assert_eq!(bob.get("/staff").await.status, StatusCode::FORBIDDEN, "a member is not staff");
}

/// Every page a member reaches, in each shipped language: `lang` set, the page's own words
/// in that language, and no message missing (the lookup records every miss).
async fn pages_speak_the_browsers_language_and_the_members_choice_wins(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("ann@example.com", None).await;
    let location = app.state.store.locations().await.expect("locations")[0].name.clone();
    let question = portico::service::custom_fields::NewCustomField {
        label: "Locker".into(),
        kind: "yes-no".into(),
        choices: Vec::new(),
        required: true,
        staff_only: false,
        in_directory: true,
    };
    portico::service::operator::define_custom_field(&app.state, &location, question).await.expect("defined");
    let pages = ["/profile", "/directory", "/profile/two-factor", "/directory/999999"];
    let words = [
        ("de-CH, de;q=0.9, en;q=0.5", "de", "Persönliche Angaben speichern", "Passwort ändern"),
        ("fr", "fr", "Enregistrer les informations personnelles", "Changer le mot de passe"),
        ("es-MX;q=0.8, pt;q=0.9", "es", "Guardar los datos personales", "Cambiar la contraseña"),
        ("", "en", "Save personal information", "Change password"),
    ];
    for (accept, code, personal, password) in words {
        let mut anonymous = Browser::new(&app);
        anonymous.language = Some(accept);
        for path in ["/signin", "/forgot", "/reset?token=plk_not_a_link", "/welcome?token=plk_not_a_link"] {
            let page = anonymous.get(path).await;
            assert!(page.html.contains(&format!("<html lang=\"{code}\">")), "{path} in {code}");
        }
        let mut browser = Browser::new(&app);
        browser.language = Some(accept);
        let signed = browser.sign_in("ann@example.com", PASSWORD).await;
        assert_eq!(signed.location(), "/profile");
        let (profile, _, _) = browser.profile().await;
        assert!(profile.html.contains(&format!("<html lang=\"{code}\">")), "{code}");
        assert!(
            profile.html.contains(personal) && profile.html.contains(password),
            "{code}: {}",
            profile.html
        );
        assert!(
            profile.count("nav.contents a[href='#credentials']") == 1,
            "the section list leads to each section"
        );
        assert_eq!(
            profile.count("section.card > details[open] > summary h2"),
            9,
            "{code}: every section folds"
        );
        for path in pages {
            let page = browser.get(path).await;
            assert!(
                page.html.contains(&format!("<html lang=\"{code}\">")),
                "{path} in {code}: {}",
                page.html
            );
        }
        let failed = browser.get("/directory/999999").await;
        assert_eq!(failed.status, StatusCode::NOT_FOUND);
        for way in ["/profile", "/directory", "/signin"] {
            assert_eq!(
                failed.count(&format!("main nav a[href='{way}']")),
                1,
                "the error page leads on: {way}"
            );
        }
    }
    let missing: Vec<String> = portico::i18n::misses();
    assert!(missing.is_empty(), "translations missing: {missing:?}");

    // The member's choice wins over the browser, for pages and mail; choosing none goes back.
    let mut browser = Browser::new(&app);
    browser.language = Some("de");
    browser.sign_in("ann@example.com", PASSWORD).await;
    let (_, csrf, _) = browser.profile().await;
    let saved = browser.post("/profile/language", &[("_csrf", &csrf), ("Language", "es")], &[]).await;
    assert_eq!(saved.location(), "/profile?language_saved=1#language");
    let (profile, _, _) = browser.profile().await;
    assert!(profile.html.contains("<html lang=\"es\">"), "the member's choice, not the browser's");
    assert_eq!(profile.value_of("#f-Language option[selected]").as_deref(), Some("es"));
    // A reset asked for from another browser, in English: the mail follows the member.
    let mut stranger = Browser::new(&app);
    let form = stranger.get("/forgot").await;
    let csrf_anonymous = form.value_of("input[name=_csrf]").expect("csrf");
    stranger.post("/forgot", &[("_csrf", &csrf_anonymous), ("Email", "ann@example.com")], &[]).await;
    let key = portico::domain::fields::email_key("ann@example.com");
    let mut subject = String::new();
    for _ in 0..100 {
        if let Some(mail) = app.state.store.outbox(Some(&key), 1).await.expect("outbox").pop() {
            subject = mail.mail.subject;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(subject, format!("{location}: restablece tu contraseña"), "the mail in the member's language");
    browser.post("/profile/language", &[("_csrf", &csrf), ("Language", "")], &[]).await;
    let (profile, _, _) = browser.profile().await;
    assert!(profile.html.contains("<html lang=\"de\">"), "no choice: the browser's again");
}

/// The lockout's wait is said in words in the member's language, never in seconds.
async fn waits_are_said_in_words(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("ann@example.com", None).await;
    let mut browser = Browser::new(&app);
    browser.language = Some("de");
    let mut last = None;
    for _ in 0..6 {
        last = Some(browser.sign_in("ann@example.com", "not the password at all").await);
    }
    let locked = last.expect("a page");
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "{}", locked.html);
    let problem = locked.text_of("#problem").expect("the reason");
    assert!(problem.contains("15 Minuten") && !problem.contains("Sekunden"), "{problem}");
}

every_store!(
    pages_speak_the_browsers_language_and_the_members_choice_wins,
    waits_are_said_in_words,
    staff_pages_work_without_javascript,
    two_step_sign_in_works_without_javascript,
    photos_are_uploaded_from_the_profile_page_and_faces_fill_the_directory,
    forms_work_for_the_whole_session_without_a_csrf_cookie,
    the_csrf_value_belongs_to_the_session_and_changes_at_sign_in,
    the_csrf_cookie_is_host_only_under_https,
    the_sign_in_email_is_changed_from_the_profile_page,
    a_forgotten_password_is_reset_through_the_pages,
    the_professional_section_drafts_a_summary_for_review,
    a_member_with_two_locations_switches_between_them,
    the_bio_preview_is_sanitised_and_guarded,
    signing_in_sets_a_locked_down_cookie_and_signing_out_ends_the_session,
    a_secure_cookie_when_the_public_url_is_https,
    a_cross_site_post_is_refused_and_changes_nothing,
    a_section_saves_only_what_changed,
    a_bad_email_is_shown_by_its_field_and_nothing_typed_is_lost,
    a_stale_form_is_refused_and_keeps_what_was_typed,
    a_password_change_signs_out_other_devices,
    hostile_strings_are_shown_as_text,
    concurrent_wrong_passwords_on_the_sign_in_form_meet_the_lockout,
);
