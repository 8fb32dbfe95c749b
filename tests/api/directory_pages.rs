//! The directory's pages without JavaScript (docs/PORTAL.md): a grid of people whose tags
//! filter the directory, a search that stays in the address, a card whose addresses are
//! links only when the domain stored them as such, and the contact relay: a member writes
//! to another from the card, the message reaches them by mail (through a real SMTP server)
//! without either address shown to the other unless the writer agreed, text only, escaped;
//! never to a private or suspended member; at most five an hour per writer, also when 20
//! are sent at once.

use reqwest::StatusCode;
use serde_json::json;

use crate::account::{SmtpSink, app_sending_to, delivered};
use crate::common::{Backend, PASSWORD, TestApp, test_settings};
use crate::every_store;
use crate::portal::{Page, signed_in};
use portico::service::operator::{self, BrandChange};

/// A member made public with these properties; their profile id.
async fn public_member(app: &TestApp, email: &str, properties: serde_json::Value) -> i64 {
    app.add_member(email, None).await;
    let token = app.sign_in(email, PASSWORD).await;
    let mut body = properties;
    body["ProfileIsPublic"] = json!(true);
    app.patch_ok(&token, &body).await;
    app.profile(&token).await["Id"].as_i64().expect("id")
}

async fn contact_relay(app: &TestApp, on: bool) {
    let location = app.state.store.locations().await.expect("locations")[0].name.clone();
    let change = BrandChange { contact_relay: Some(on), ..BrandChange::default() };
    operator::set_brand(&app.state, &location, change).await.expect("relay");
}

fn hrefs(page: &Page, selector: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(&page.html);
    let selector = scraper::Selector::parse(selector).expect("selector");
    document.select(&selector).filter_map(|a| a.value().attr("href").map(str::to_string)).collect()
}

async fn the_directory_is_a_grid_of_people_whose_tags_filter_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut ann = signed_in(&app, "ann@example.com").await;
    let bob = public_member(
        &app,
        "bob@example.com",
        json!({"FullName": "Bob Marley", "Position": "Designer", "CompanyName": "Tuff Gong", "ProfileTags": "design, rust"}),
    )
    .await;
    public_member(&app, "carol@example.com", json!({"FullName": "Carol Shaw", "ProfileTags": "design"}))
        .await;
    app.add_member("dave@example.com", None).await;

    let page = ann.get("/directory").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("ul.cards > li > article.member"), 2, "the two public members: {}", page.html);
    assert_eq!(page.count("ul.cards img.face"), 2, "each with a face (a photo or initials)");
    assert_eq!(hrefs(&page, "ul.cards h2 a")[0], format!("/directory/{bob}"), "by name: Bob first");
    assert_eq!(page.text_of("ul.cards li:first-child .position").as_deref(), Some("Designer"));
    assert_eq!(page.text_of("ul.cards li:first-child .company").as_deref(), Some("Tuff Gong"));
    assert_eq!(
        hrefs(&page, "ul.cards li:first-child ul.tags a"),
        ["/directory?tag=design", "/directory?tag=rust"]
    );

    let tagged = ann.get("/directory?tag=rust").await;
    assert_eq!(tagged.count("ul.cards > li"), 1, "a tag's link lists those who have it");
    assert_eq!(tagged.text_of("ul.cards h2").as_deref(), Some("Bob Marley"));
    assert_eq!(tagged.value_of("#f-tag").as_deref(), Some("rust"), "the filter is shown in the form");

    // The search is a GET form: what was asked stays in the address and in the form.
    assert_eq!(page.count("form.search[method=get][action='/directory']"), 1);
    let found = ann.get("/directory?query=carol").await;
    assert_eq!(found.value_of("#f-query").as_deref(), Some("carol"));
    assert_eq!(found.text_of("ul.cards h2").as_deref(), Some("Carol Shaw"));
}

async fn a_card_links_only_addresses_the_domain_stored_as_such(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut ann = signed_in(&app, "ann@example.com").await;
    let bob = public_member(
        &app,
        "bob@example.com",
        json!({
            "FullName": "Bob <b>Bold</b>",
            "Position": "Designer",
            "ProfileWebsite": "https://bob.example/work",
            "Twitter": "@bobdesigns",
            "Skype": "bob.designs",
            "ProfileSummary": "I **draw** things. <script>window.x=1</script>",
            "ProfileTags": "design",
        }),
    )
    .await;
    let card = ann.get(&format!("/directory/{bob}")).await;
    assert_eq!(card.status, StatusCode::OK, "{}", card.html);
    assert_eq!(card.text_of("h1").as_deref(), Some("Bob <b>Bold</b>"), "a name is text");
    assert!(!card.html.contains("<b>Bold"), "never markup");
    let mut links = hrefs(&card, ".profile-card dd a");
    links.sort();
    assert_eq!(links, ["https://bob.example/work", "https://x.com/bobdesigns"]);
    assert_eq!(card.count(".profile-card dd a[rel='nofollow noopener ugc']"), 2);
    assert!(
        card.text_of(".profile-card dl").unwrap_or_default().contains("bob.designs"),
        "a Skype name as text"
    );
    assert_eq!(card.text_of(".bio strong").as_deref(), Some("draw"), "the bio's stored HTML");
    assert_eq!(card.count(".bio script"), 0);
    assert_eq!(hrefs(&card, ".profile-card ul.tags a"), ["/directory?tag=design"]);
    assert_eq!(card.count("#contact"), 0, "no contact form where the location has not turned it on");
}

async fn a_member_writes_to_another_and_neither_address_is_shown(backend: Backend) {
    let sink = SmtpSink::start();
    let app = app_sending_to(backend, &sink, test_settings()).await;
    let mut ann = signed_in(&app, "ann@example.com").await;
    let ann_token = app.sign_in("ann@example.com", PASSWORD).await;
    app.patch_ok(&ann_token, &json!({"FullName": "Ann Lee"})).await;
    let bob = public_member(&app, "bob@example.com", json!({"FullName": "Bob Marley"})).await;
    contact_relay(&app, true).await;

    let card = ann.get(&format!("/directory/{bob}")).await;
    assert!(!card.html.contains("bob@example.com"), "the recipient's address is not on the card");
    let csrf = card.value_of("#contact input[name=_csrf]").expect("the contact form");
    let hostile =
        "Hello Bob <script>window.__xss=1</script>\n<a href=\"https://evil.example\">win</a> & more";
    let sent =
        ann.post(&format!("/directory/{bob}/contact"), &[("_csrf", &csrf), ("Message", hostile)], &[]).await;
    assert_eq!(
        (sent.status, sent.location()),
        (StatusCode::SEE_OTHER, format!("/directory/{bob}?sent=1#contact").as_str())
    );
    let confirmed = ann.get(&format!("/directory/{bob}?sent=1")).await;
    assert_eq!(confirmed.text_of("#contact .saved").as_deref(), Some("Your message was sent."));

    let received = delivered(&app, &sink, 1).await;
    let message = &received[0];
    assert!(message.contains("X-Envelope-To: bob@example.com"), "{message}");
    assert!(message.contains("a message from Ann Lee"), "{message}");
    assert!(
        !message.contains("ann@example.com"),
        "no trace of the writer's address unless they agree: {message}"
    );
    assert!(!message.contains("Reply-To"), "{message}");
    let html = &message[message.find("Content-Type: text/html").expect("an HTML part")..];
    assert!(html.contains("&lt;script&gt;window.__xss=1&lt;/script&gt;"), "escaped in HTML: {html}");
    assert!(!html.contains("<script") && !html.contains("href=\"https://evil.example\""), "{html}");
    let text = &message[..message.find("Content-Type: text/html").expect("an HTML part")];
    assert!(
        text.contains("> Hello Bob <script>window.__xss=1</script>"),
        "the plain part quotes it as typed: {text}"
    );

    let shared = ann
        .post(
            &format!("/directory/{bob}/contact"),
            &[("_csrf", &csrf), ("Message", "Coffee?"), ("ShareAddress", "true")],
            &[],
        )
        .await;
    assert_eq!(shared.status, StatusCode::SEE_OTHER);
    let received = delivered(&app, &sink, 2).await;
    assert!(received[1].contains("Reply-To: ann@example.com"), "{}", received[1]);

    let records = crate::common::audit_records(&app.state, "ann@example.com").await;
    let relayed: Vec<_> = records.iter().filter(|r| r.event == "contact_relayed").collect();
    assert_eq!(relayed.len(), 2, "each message audited");
    assert!(
        relayed
            .iter()
            .all(|r| r.detail.as_deref().is_some_and(|d| d.starts_with(&format!("to profile {bob}"))))
    );
    assert!(
        relayed.iter().all(|r| !r.detail.as_deref().unwrap_or_default().contains("Coffee")),
        "never the words"
    );
}

async fn only_a_member_in_the_directory_can_be_written_to(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut ann = signed_in(&app, "ann@example.com").await;
    let ann_id = app.profile(&ann.cookies["portico_session"].clone()).await["Id"].as_i64().expect("id");
    let bob = public_member(&app, "bob@example.com", json!({"FullName": "Bob Marley"})).await;
    let carol = {
        app.add_member("carol@example.com", None).await;
        let token = app.sign_in("carol@example.com", PASSWORD).await;
        app.profile(&token).await["Id"].as_i64().expect("id")
    };
    let (page, csrf, _) = ann.profile().await;
    assert_eq!(page.status, StatusCode::OK);
    let write = |id: i64| format!("/directory/{id}/contact");

    let off = ann.post(&write(bob), &[("_csrf", &csrf), ("Message", "Hi")], &[]).await;
    assert_eq!(off.status, StatusCode::FORBIDDEN, "the relay is off");
    contact_relay(&app, true).await;
    assert_eq!(ann.get(&format!("/directory/{bob}")).await.count("#contact form"), 1);
    assert_eq!(ann.get(&format!("/directory/{ann_id}")).await.count("#contact"), 0, "not on one's own card");

    let empty = ann.post(&write(bob), &[("_csrf", &csrf), ("Message", "  ")], &[]).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.text_of("#f-Message-error").is_some_and(|e| !e.is_empty()), "the error by its field");
    assert_eq!(empty.count("#f-Message[aria-invalid=true]"), 1);
    let long = "x".repeat(portico::domain::contact::MAX_MESSAGE_CHARS + 1);
    let too_long = ann.post(&write(bob), &[("_csrf", &csrf), ("Message", &long)], &[]).await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
    assert_eq!(too_long.text_of("#f-Message").as_deref(), Some(long.as_str()), "what was typed is kept");

    let private = ann.post(&write(carol), &[("_csrf", &csrf), ("Message", "Hi")], &[]).await;
    assert_eq!(private.status, StatusCode::NOT_FOUND, "a private profile is not in the directory");
    operator::suspend(&app.state, "bob@example.com").await.expect("suspend");
    let suspended = ann.post(&write(bob), &[("_csrf", &csrf), ("Message", "Hi")], &[]).await;
    assert_eq!(suspended.status, StatusCode::NOT_FOUND, "a suspended member is not in the directory");
    let forged = ann.post(&write(bob), &[("_csrf", "forged"), ("Message", "Hi")], &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "the CSRF check");
    assert!(app.state.store.outbox(None, 10).await.expect("outbox").is_empty(), "nothing was relayed");
}

async fn twenty_messages_sent_at_once_relay_exactly_five(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut ann = signed_in(&app, "ann@example.com").await;
    let bob = public_member(&app, "bob@example.com", json!({"FullName": "Bob Marley"})).await;
    contact_relay(&app, true).await;
    let (_, csrf, _) = ann.profile().await;
    let cookie = format!("portico_session={}", ann.cookies["portico_session"]);
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut attack = tokio::task::JoinSet::new();
    for n in 0..20 {
        let request = client
            .post(app.url(&format!("/directory/{bob}/contact")))
            .header("cookie", &cookie)
            .form(&[("_csrf", csrf.as_str()), ("Message", &format!("message {n}"))]);
        attack.spawn(async move {
            let response = request.send().await.expect("post");
            (response.status(), response.headers().get("retry-after").is_some())
        });
    }
    let answers = attack.join_all().await;
    let relayed = answers.iter().filter(|(status, _)| *status == StatusCode::SEE_OTHER).count();
    let refused =
        answers.iter().filter(|(status, wait)| *status == StatusCode::TOO_MANY_REQUESTS && *wait).count();
    assert_eq!((relayed, refused), (5, 15), "{answers:?}");
    let bob_key = portico::domain::fields::email_key("bob@example.com");
    assert_eq!(app.state.store.outbox(Some(&bob_key), 100).await.expect("outbox").len(), 5);
    let refusal = ann
        .post(&format!("/directory/{bob}/contact"), &[("_csrf", &csrf), ("Message", "one more")], &[])
        .await;
    assert_eq!(refusal.status, StatusCode::TOO_MANY_REQUESTS);
    let said = refusal.text_of("#contact .summary").unwrap_or_default();
    assert!(said.contains("try again in"), "{said}");
    assert_eq!(refusal.text_of("#f-Message").as_deref(), Some("one more"), "what was typed is kept");
}

/// The card's form speaks the writer's language and the relayed mail the recipient's, both
/// in the location's brand.
async fn the_form_speaks_the_writers_language_and_the_mail_the_recipients(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut ann = signed_in(&app, "ann@example.com").await;
    ann.language = Some("de");
    let ann_token = app.sign_in("ann@example.com", PASSWORD).await;
    app.patch_ok(&ann_token, &json!({"FullName": "Ann Lee"})).await;
    let bob = public_member(&app, "bob@example.com", json!({"FullName": "Bob Marley"})).await;
    let mut bob_browser = crate::portal::Browser::new(&app);
    bob_browser.sign_in("bob@example.com", PASSWORD).await;
    let (_, bob_csrf, _) = bob_browser.profile().await;
    bob_browser.post("/profile/language", &[("_csrf", &bob_csrf), ("Language", "fr")], &[]).await;
    let location = app.state.store.locations().await.expect("locations")[0].name.clone();
    let change = BrandChange {
        display_name: Some("Canal Street Works".into()),
        contact_relay: Some(true),
        ..BrandChange::default()
    };
    operator::set_brand(&app.state, &location, change).await.expect("brand");

    let card = ann.get(&format!("/directory/{bob}")).await;
    assert!(card.html.contains("<html lang=\"de\">"), "{}", card.html);
    assert_eq!(card.text_of("header .brand").as_deref(), Some("Canal Street Works"));
    assert_eq!(card.text_of("#contact-title").as_deref(), Some("Bob Marley schreiben"));
    assert_eq!(card.text_of("label[for=f-Message]").as_deref(), Some("Nachricht"));
    let csrf = card.value_of("#contact input[name=_csrf]").expect("the contact form");
    let empty =
        ann.post(&format!("/directory/{bob}/contact"), &[("_csrf", &csrf), ("Message", "")], &[]).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.html.contains("<html lang=\"de\">"), "{}", empty.html);
    let sent = ann
        .post(&format!("/directory/{bob}/contact"), &[("_csrf", &csrf), ("Message", "Kaffee?")], &[])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    let confirmed = ann.get(&format!("/directory/{bob}?sent=1")).await;
    assert_eq!(confirmed.text_of("#contact .saved").as_deref(), Some("Ihre Nachricht wurde gesendet."));

    let key = portico::domain::fields::email_key("bob@example.com");
    let relayed = app.state.store.outbox(Some(&key), 1).await.expect("outbox").remove(0).mail;
    assert_eq!(relayed.subject, "Canal Street Works: un message de Ann Lee");
    assert!(relayed.html.contains("<html lang=\"fr\">"), "{}", relayed.html);
    assert!(
        relayed.text.contains("Ann Lee vous a écrit par l'annuaire des membres de Canal Street Works")
            && relayed.text.contains("> Kaffee?"),
        "{}",
        relayed.text
    );
    let missing: Vec<String> = portico::i18n::misses();
    assert!(missing.is_empty(), "translations missing: {missing:?}");
}

every_store!(
    the_directory_is_a_grid_of_people_whose_tags_filter_it,
    a_card_links_only_addresses_the_domain_stored_as_such,
    a_member_writes_to_another_and_neither_address_is_shown,
    only_a_member_in_the_directory_can_be_written_to,
    twenty_messages_sent_at_once_relay_exactly_five,
    the_form_speaks_the_writers_language_and_the_mail_the_recipients,
);
