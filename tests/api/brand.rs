//! The space's brand (docs/PORTAL.md, "The space's brand"): every page shows the name, logo
//! and accent of the location it is for (the host's before sign-in, the member's after),
//! escaped; the logo is served from a stable address with its entity tag; mail carries the
//! brand; the configuration call tells a portal; and `portico location set` refuses an
//! unreadable accent or a file that is not an image, changing nothing.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{Backend, PASSWORD, TestApp};
use crate::every_store;
use crate::portal::{Browser, Page};
use portico::service::operator::{self, BrandChange, MemberInput};

fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, _| image::Rgb([122, 31, (x % 256) as u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).expect("png");
    out.into_inner()
}

/// "Canal Street" (made first) with a brand of its own, and "Dock Road" without one.
async fn two_locations(app: &TestApp) -> (i64, i64) {
    let canal = app.add_location("Canal Street").await;
    let dock = app.add_location("Dock Road").await;
    let change = BrandChange {
        display_name: Some("Canal Street Works".into()),
        accent: Some("#7A1F5C".into()),
        logo: Some(png(900, 300)),
        contact_relay: Some(true),
        ..BrandChange::default()
    };
    let location = operator::set_brand(&app.state, "Canal Street", change).await.expect("brand");
    assert_eq!(location.accent.map(|a| a.hex()).as_deref(), Some("#7a1f5c"));
    (canal, dock)
}

async fn page_with_host(app: &TestApp, path: &str, host: &str) -> Page {
    let response = app.client.get(app.url(path)).header("host", host).send().await.expect("GET");
    Page {
        status: response.status(),
        headers: response.headers().clone(),
        html: response.text().await.expect("body"),
    }
}

fn attribute(page: &Page, selector: &str, name: &str) -> Option<String> {
    let document = scraper::Html::parse_document(&page.html);
    let selector = scraper::Selector::parse(selector).expect("selector");
    document.select(&selector).next().and_then(|e| e.value().attr(name).map(str::to_string))
}

async fn every_page_shows_its_locations_brand(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (canal, dock) = two_locations(&app).await;
    let logo = format!("/media/locations/{canal}/logo");

    // Before sign-in: the location the host names, else the first one made.
    let mut browser = Browser::new(&app);
    let signin = browser.get("/signin").await;
    assert!(
        signin.text_of("title").unwrap_or_default().ends_with(" · Canal Street Works"),
        "{}",
        signin.html
    );
    assert_eq!(signin.text_of("header .brand").as_deref(), Some("Canal Street Works"));
    assert_eq!(attribute(&signin, "header .brand img", "src"), Some(logo.clone()));
    assert_eq!(attribute(&signin, "html", "style").as_deref(), Some("--accent: #7a1f5c"));
    let port = app.base.rsplit(':').next().expect("port").to_string();
    let docks = page_with_host(&app, "/signin", &format!("dock-road.localhost:{port}")).await;
    assert_eq!(docks.text_of("header .brand").as_deref(), Some("Dock Road"), "named by the host");
    assert_eq!(
        (attribute(&docks, "header .brand img", "src"), attribute(&docks, "html", "style")),
        (None, None)
    );

    // Signed in: the member's own location, whatever the host.
    app.add_member("ann@example.com", Some("Canal Street")).await;
    app.add_member("dave@example.com", Some("Dock Road")).await;
    let page = browser.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let profile = browser.get("/profile").await;
    assert_eq!(profile.text_of("header .brand").as_deref(), Some("Canal Street Works"));
    assert_eq!(attribute(&profile, "html", "style").as_deref(), Some("--accent: #7a1f5c"));
    let missing = browser.get("/directory/999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.text_of("header .brand").as_deref(), Some("Canal Street Works"), "error pages too");
    let mut dave = Browser::new(&app);
    dave.sign_in("dave@example.com", PASSWORD).await;
    let theirs = dave.get("/profile").await;
    assert_eq!(theirs.text_of("header .brand").as_deref(), Some("Dock Road"), "the member's location wins");
    assert_eq!(attribute(&theirs, "html", "style"), None);

    // The logo: a stable address, public, with its entity tag.
    let served = app.client.get(app.url(&logo)).send().await.expect("logo");
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    let tag = served.headers()["etag"].to_str().expect("etag").to_string();
    let jpeg = served.bytes().await.expect("bytes");
    let decoded = image::load_from_memory(&jpeg).expect("a JPEG");
    assert_eq!((decoded.width(), decoded.height()), (600, 200), "fitted, never cut");
    let again = app.client.get(app.url(&logo)).header("if-none-match", &tag).send().await.expect("logo");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    for path in [format!("/media/locations/{dock}/logo"), "/media/locations/canal/logo".into()] {
        assert_eq!(
            app.client.get(app.url(&path)).send().await.expect("logo").status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

async fn a_hostile_display_name_is_text(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_location("Canal Street").await;
    let hostile = "Canal <script>window.__xss=1</script> \"Works\"";
    let change = BrandChange { display_name: Some(hostile.into()), ..BrandChange::default() };
    operator::set_brand(&app.state, "Canal Street", change).await.expect("brand");
    let page = Browser::new(&app).get("/signin").await;
    assert_eq!(page.text_of("header .brand").as_deref(), Some(hostile));
    assert!(!page.html.contains("<script>window"), "{}", page.html);
    for unreadable in ["#f2a900", "#ffffff", "#0b5cad; background: url(x)", "red"] {
        let change = BrandChange { accent: Some(unreadable.into()), ..BrandChange::default() };
        let refused = operator::set_brand(&app.state, "Canal Street", change).await.expect_err(unreadable);
        assert_eq!(refused.status(), 400, "{unreadable}");
    }
    assert_eq!(Browser::new(&app).get("/signin").await.html.matches("--accent").count(), 0, "nothing stored");
}

async fn mail_and_the_configuration_carry_the_brand(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (canal, _) = two_locations(&app).await;
    let input = MemberInput {
        email: "bob@example.com".into(),
        password: None,
        full_name: "Bob Marley".into(),
        location: Some("Canal Street".into()),
    };
    operator::invite_member(&app.state, input).await.expect("invited");
    let key = portico::domain::fields::email_key("bob@example.com");
    let queued = app.state.store.outbox(Some(&key), 1).await.expect("outbox").remove(0).mail;
    assert_eq!(queued.subject, "Canal Street Works: your invitation");
    let sent = portico::mail::compose::with_public_url(&queued, "https://members.example.com");
    assert!(
        sent.html.contains(&format!("src=\"https://members.example.com/media/locations/{canal}/logo\"")),
        "{}",
        sent.html
    );
    assert!(sent.html.contains("background: #7a1f5c"), "{}", sent.html);
    assert!(sent.text.ends_with("Canal Street Works\n"), "{}", sent.text);

    let response = app.client.get(app.url("/api/public/configuration")).send().await.expect("configuration");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["Brand"]["DisplayName"], "Canal Street Works");
    assert_eq!(body["Brand"]["AccentColor"], "#7a1f5c");
    assert_eq!(body["Brand"]["LogoUrl"], app.url(&format!("/media/locations/{canal}/logo")));
    assert_eq!(body["Features"]["ContactMembers"], true);
}

/// The newest mail queued for `email` (the outbox is written after the page answers).
async fn last_subject(app: &TestApp, email: &str) -> String {
    let key = portico::domain::fields::email_key(email);
    for _ in 0..100 {
        if let Some(mail) = app.state.store.outbox(Some(&key), 1).await.expect("outbox").pop() {
            return mail.mail.subject;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no mail for {email}");
}

/// A location's default language speaks to whoever chose none and whose browser names none
/// Portico has: its pages before and after sign-in and its mail; the browser's language
/// comes before it and the member's choice before both; an unknown code changes nothing.
async fn a_locations_default_language_speaks_when_nobody_chose(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, _) = two_locations(&app).await;
    let german = BrandChange { language: Some("de".into()), ..BrandChange::default() };
    let set = operator::set_brand(&app.state, "Canal Street", german).await.expect("language");
    assert_eq!(set.language.code(), "de");
    assert_eq!(set.display_name.as_deref(), Some("Canal Street Works"), "the rest of the brand kept");

    let lang_of = |page: &Page| attribute(page, "html", "lang");
    let mut browser = Browser::new(&app);
    assert_eq!(lang_of(&browser.get("/signin").await).as_deref(), Some("de"), "no Accept-Language");
    let mut french = Browser::new(&app);
    french.language = Some("fr");
    assert_eq!(lang_of(&french.get("/signin").await).as_deref(), Some("fr"), "the browser's first");
    let mut klingon = Browser::new(&app);
    klingon.language = Some("tlh, *;q=0");
    assert_eq!(lang_of(&klingon.get("/signin").await).as_deref(), Some("de"), "a language not shipped");
    let port = app.base.rsplit(':').next().expect("port").to_string();
    let docks = page_with_host(&app, "/signin", &format!("dock-road.localhost:{port}")).await;
    assert_eq!(lang_of(&docks).as_deref(), Some("en"), "another location keeps English");

    app.add_member("ann@example.com", Some("Canal Street")).await;
    app.add_member("dave@example.com", Some("Dock Road")).await;
    browser.sign_in("ann@example.com", PASSWORD).await;
    let (profile, csrf, _) = browser.profile().await;
    assert_eq!(lang_of(&profile).as_deref(), Some("de"), "{}", profile.html);
    let mut dave = Browser::new(&app);
    dave.sign_in("dave@example.com", PASSWORD).await;
    assert_eq!(
        lang_of(&dave.get("/profile").await).as_deref(),
        Some("en"),
        "the member's location's default"
    );

    // Mail to a member who chose no language, asked for from a French browser: the location's.
    let forgot = french.get("/forgot").await;
    let anonymous = forgot.value_of("input[name=_csrf]").expect("csrf");
    french.post("/forgot", &[("_csrf", &anonymous), ("Email", "ann@example.com")], &[]).await;
    assert_eq!(last_subject(&app, "ann@example.com").await, "Canal Street Works: Passwort zurücksetzen");
    let input = MemberInput {
        email: "bob@example.com".into(),
        password: None,
        full_name: "Bob Marley".into(),
        location: Some("Canal Street".into()),
    };
    operator::invite_member(&app.state, input).await.expect("invited");
    assert_eq!(last_subject(&app, "bob@example.com").await, "Canal Street Works: Ihre Einladung");

    // The member's own choice comes before the location's.
    browser.post("/profile/language", &[("_csrf", &csrf), ("Language", "es")], &[]).await;
    let (profile, _, _) = browser.profile().await;
    assert_eq!(lang_of(&profile).as_deref(), Some("es"));

    // An unknown code is refused by name, with the codes Portico has; nothing is changed.
    let unknown = BrandChange {
        display_name: Some("Renamed".into()),
        language: Some("tlh".into()),
        ..BrandChange::default()
    };
    let refused = operator::set_brand(&app.state, "Canal Street", unknown).await.expect_err("tlh");
    assert_eq!(refused.status(), 400);
    let said = refused.message();
    assert!(said.contains("en, de, fr, es") && said.contains("\"tlh\""), "{said}");
    let kept = app.state.store.location(set.id).await.expect("location");
    assert_eq!((kept.display_name.as_deref(), kept.language.code()), (Some("Canal Street Works"), "de"));
}

every_store!(
    every_page_shows_its_locations_brand,
    a_hostile_display_name_is_text,
    mail_and_the_configuration_carry_the_brand,
    a_locations_default_language_speaks_when_nobody_chose,
);

/// `portico location set` on a database of its own (the CLI is one code path for both stores).
#[test]
fn portico_location_set_refuses_what_would_not_read_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("brand.db").display());
    let portico = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_portico"))
            .args(args)
            .env("PORTICO_DATABASE_URL", &url)
            .current_dir(dir.path())
            .output()
            .expect("run portico")
    };
    assert!(portico(&["location", "add", "Canal Street"]).status.success());
    let logo = dir.path().join("logo.png");
    std::fs::write(&logo, png(120, 40)).expect("logo");
    let not_an_image = dir.path().join("logo.svg");
    std::fs::write(&not_an_image, "<svg xmlns='http://www.w3.org/2000/svg'/>").expect("svg");

    let amber = portico(&[
        "location",
        "set",
        "Canal Street",
        "--display-name",
        "Canal Street Works",
        "--accent",
        "#f2a900",
    ]);
    assert!(!amber.status.success());
    let said = String::from_utf8_lossy(&amber.stderr);
    assert!(
        said.contains("#f2a900") && said.contains("4.5:1") && said.contains(":1,"),
        "names the measured ratio: {said}"
    );
    let svg = portico(&["location", "set", "Canal Street", "--logo", &not_an_image.display().to_string()]);
    assert!(!svg.status.success());
    assert!(String::from_utf8_lossy(&svg.stderr).contains("the logo must be a JPEG, PNG or WebP image"));

    let listed = |output: std::process::Output| String::from_utf8_lossy(&output.stdout).to_string();
    let set = portico(&[
        "location",
        "set",
        "Canal Street",
        "--display-name",
        "Canal Street Works",
        "--accent",
        "#7a1f5c",
        "--logo",
        &logo.display().to_string(),
        "--contact",
        "on",
    ]);
    assert!(set.status.success(), "{}", String::from_utf8_lossy(&set.stderr));
    let said = listed(set);
    assert!(
        said.contains("\"Canal Street Works\"")
            && said.contains("#7a1f5c")
            && said.contains("/media/locations/1/logo")
            && said.contains("writing to members on"),
        "{said}"
    );
    let partly = listed(portico(&["location", "set", "Canal Street", "--accent", "none", "--remove-logo"]));
    assert!(
        partly.contains("\"Canal Street Works\"")
            && partly.contains("accent the portal's own")
            && partly.contains("logo none")
            && partly.contains("writing to members on"),
        "options not given stay: {partly}"
    );
    let bad = portico(&["location", "set", "Canal Street", "--contact", "maybe"]);
    assert!(!bad.status.success(), "on or off only");
    let german = listed(portico(&["location", "set", "Canal Street", "--language", "de"]));
    assert!(german.contains("language de") && german.contains("writing to members on"), "{german}");
    let unknown = portico(&["location", "set", "Canal Street", "--language", "xx"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("en, de, fr, es"));
}
