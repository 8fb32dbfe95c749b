//! The second security round, each finding replayed as the attack it was: a bio built to
//! stall the server, an undo link an intruder tries to void, a log that followed an
//! address, an e-mail change that told which addresses are registered, addresses no mailer
//! can send to, look-alike twins, and imports that dropped a password silently.

use std::sync::atomic::Ordering;

use portico::service::operator::{self, MemberInput};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Backend, PASSWORD, TestApp, error_codes};
use crate::every_store;

const CHANGE: &str = "/en/profile/email-change";

async fn post(app: &TestApp, token: Option<&str>, path: &str, body: &Value) -> (StatusCode, String) {
    let mut request = app.client.post(app.url(path)).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("post");
    (response.status(), response.text().await.expect("body"))
}

/// The token of the newest `page?token=` link mailed to `to` (the outbox, no SMTP needed).
async fn mailed_link(app: &TestApp, to: &str, page: &str) -> String {
    let key = portico::domain::fields::email_key(to);
    let outbox = app.state.store.outbox(Some(&key), 20).await.expect("outbox");
    let marker = format!("{page}?token=");
    let text = outbox
        .iter()
        .find(|m| m.mail.text.contains(&marker))
        .unwrap_or_else(|| panic!("no {page} link mailed to {to}"))
        .mail
        .text
        .clone();
    let at = text.find(&marker).expect("marker") + marker.len();
    text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect()
}

async fn change_email(app: &TestApp, session: &str, to: &str) -> (StatusCode, String) {
    post(app, Some(session), CHANGE, &json!({"NewEmail": to, "Password": PASSWORD})).await
}

async fn confirm_change(app: &TestApp, to: &str) {
    let token = mailed_link(app, to, "/confirm-email").await;
    let (status, body) =
        post(app, None, "/api/public/account/email-change/confirm", &json!({"Token": token})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn email_of(app: &TestApp, user_id: i64) -> String {
    app.state.store.user(user_id).await.expect("user").email
}

/// An intruder with the session and the password moves the address twice and even undoes
/// their own second move: the owner's undo link, mailed to the first address, still takes
/// the account back and ends every session.
async fn an_intruder_cannot_void_the_owners_undo_link(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ann = app.add_member("ann@example.com", None).await;
    let session = app.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(change_email(&app, &session, "first@intruder.example").await.0, StatusCode::OK);
    confirm_change(&app, "first@intruder.example").await;
    let owners_undo = mailed_link(&app, "ann@example.com", "/undo-email").await;
    assert_eq!(change_email(&app, &session, "second@intruder.example").await.0, StatusCode::OK);
    confirm_change(&app, "second@intruder.example").await;
    let (status, _) = app.change_password(&session, PASSWORD, "intruder orchard velvet 99").await;
    assert_eq!(status, StatusCode::OK);
    let intruders_undo = mailed_link(&app, "first@intruder.example", "/undo-email").await;
    let undo = |token: String| {
        let app = &app;
        async move { post(app, None, "/api/public/account/email-change/revert", &json!({"Token": token})).await }
    };
    assert_eq!(undo(intruders_undo).await.0, StatusCode::OK);
    assert_eq!(email_of(&app, ann.user_id).await, "first@intruder.example");
    let (status, body) = undo(owners_undo.clone()).await;
    assert_eq!(status, StatusCode::OK, "the owner's undo link survived everything: {body}");
    assert_eq!(email_of(&app, ann.user_id).await, "ann@example.com");
    assert_eq!(app.get(&session, "/login/me").await.0, StatusCode::UNAUTHORIZED, "every session ended");
    assert_eq!(undo(owners_undo).await.0, StatusCode::BAD_REQUEST, "once");
}

/// Bob leaves his address; the operator later gives it to Carol. Carol's export shows none
/// of Bob's sign-ins, failures or addresses; the operator's audit of the address names
/// each user apart.
async fn a_new_holder_of_an_address_sees_nothing_of_the_old_holders_log(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let bob = app.add_member("bob@example.com", None).await;
    let (status, _) = app
        .token_request(&[
            ("grant_type", "password"),
            ("username", "bob@example.com"),
            ("password", "wrong one"),
        ])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let session = app.sign_in("bob@example.com", PASSWORD).await;
    assert_eq!(change_email(&app, &session, "bob@elsewhere.example").await.0, StatusCode::OK);
    confirm_change(&app, "bob@elsewhere.example").await;

    let carol = app.add_member("bob@example.com", None).await;
    assert_ne!(carol.user_id, bob.user_id);
    let carols = app.sign_in("bob@example.com", PASSWORD).await;
    let (status, export) = app.get(&carols, "/en/profile/export").await;
    assert_eq!(status, StatusCode::OK);
    let events: Vec<&str> =
        export["AuditEvents"].as_array().expect("audit").iter().filter_map(|r| r["Event"].as_str()).collect();
    assert_eq!(events, vec!["sign_in"], "only Carol's own sign-in: {export}");
    assert!(!export.to_string().contains("elsewhere.example"));

    let groups = operator::audit(&app.state, "bob@example.com").await.expect("audit");
    assert_eq!(groups[0].user.as_ref().map(|(id, _)| *id), Some(carol.user_id));
    assert!(groups[0].current_holder);
    let bobs =
        groups.iter().find(|g| g.user.as_ref().is_some_and(|(id, _)| *id == bob.user_id)).expect("Bob's");
    assert!(!bobs.current_holder);
    assert_eq!(bobs.user.as_ref().map(|(_, now)| now.as_str()), Some("bob@elsewhere.example"));
    assert!(bobs.records.iter().any(|r| r.event == "sign_in_failed"), "{bobs:?}");
}

/// Past the hourly limit a registered address and a free one get the same 429; before it,
/// the same 200. The holder of an address is told of a request at most once an hour,
/// however many members ask at once.
async fn an_email_change_answers_alike_for_free_and_registered_addresses(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("dave@example.com", None).await;
    let ann = app.member_token("ann@example.com").await;
    for n in 0..3 {
        assert_eq!(change_email(&app, &ann, &format!("free{n}@new.example")).await.0, StatusCode::OK);
    }
    let free = change_email(&app, &ann, "free9@new.example").await;
    let registered = change_email(&app, &ann, "dave@example.com").await;
    assert_eq!(free.0, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(registered, free, "status and body alike past the limit");

    let mut askers = Vec::new();
    for n in 0..6 {
        askers.push(app.member_token(&format!("asker{n}@example.com")).await);
    }
    let answers = futures_util::future::join_all(
        askers.iter().map(|token| change_email(&app, token, "DAVE@example.com")),
    )
    .await;
    assert!(answers.iter().all(|(status, _)| *status == StatusCode::OK), "{answers:?}");
    let notices = app
        .state
        .store
        .outbox(Some(&portico::domain::fields::email_key("dave@example.com")), 50)
        .await
        .expect("outbox");
    assert_eq!(notices.len(), 1, "one notice an hour, however many ask at once");
    let free = change_email(&app, &askers[0], "someone-new@new.example").await;
    assert_eq!(free.0, StatusCode::OK);
}

/// Addresses a mailer would refuse (a quoted local part hiding another address) are
/// refused where they are typed; an address written in fullwidth letters is the same
/// account as its plain form.
async fn only_deliverable_addresses_and_no_look_alike_twins(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("strasse@example.com").await;
    let quoted = "\"victim@evil.example\"@example.com";
    let (status, body) = app.patch(&token, &json!({"BillingEmail": quoted})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_codes(&body), vec![("BillingEmail".into(), "invalid_email".into())]);
    let (status, body) = change_email(&app, &token, quoted).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("NewEmail") && body.contains("invalid_email"), "{body}");
    let twin = MemberInput {
        email: "\u{ff53}trasse@example.com".into(),
        password: Some(PASSWORD.into()),
        full_name: "Twin".into(),
        location: None,
    };
    let refused = operator::add_member(&app.state, twin).await.expect_err("a twin");
    assert!(refused.to_string().contains("already a member"), "{refused}");
    let same = app.sign_in("\u{ff53}TRASSE@example.com", PASSWORD).await;
    assert_eq!(app.get(&same, "/login/me").await.1["User"]["Email"], "strasse@example.com");
    let invalid = MemberInput {
        email: quoted.into(),
        password: Some(PASSWORD.into()),
        full_name: "Quoted".into(),
        location: None,
    };
    assert!(operator::add_member(&app.state, invalid).await.is_err());
}

/// A CSV that names one person at two locations: the password goes on the first line only
/// (a second one is refused by its line, not silently ignored); invited twins get one
/// working link, the newest.
async fn an_import_never_drops_a_second_password_silently(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_location("Main Street").await;
    app.add_location("Dock Road").await;
    let two_passwords = "Email,FullName,Password,Location\n\
        ann@example.com,Ann,first orchard velvet 1,Main Street\n\
        ann@example.com,Ann,second orchard velvet 2,Dock Road\n";
    crate::common::remember_password("first orchard velvet 1");
    crate::common::remember_password("second orchard velvet 2");
    let refused = operator::import_csv(&app.state, two_passwords.as_bytes()).await.expect_err("refused");
    let said = refused.to_string();
    assert!(said.contains("line 3") && said.contains("leave Password empty"), "{said}");
    assert!(
        app.state.store.login_record("ann@example.com").await.expect("query").is_none(),
        "nothing written"
    );

    let one_password = "Email,FullName,Password,Location\n\
        ann@example.com,Ann,first orchard velvet 1,Main Street\n\
        ann@example.com,Ann,,Dock Road\n";
    let added = operator::import_csv(&app.state, one_password.as_bytes()).await.expect("imported");
    assert_eq!(added.len(), 2);
    let token = app.sign_in("ann@example.com", "first orchard velvet 1").await;
    assert_eq!(app.get(&token, "/api/public/coworkers/profiles").await.0, StatusCode::OK);
    assert_eq!(app.state.store.profiles_of_user(added[0].user_id).await.expect("profiles").len(), 2);

    let invited =
        "Email,FullName,Location\ntwin@example.com,Twin,Main Street\ntwin@example.com,Twin,Dock Road\n";
    operator::import_csv(&app.state, invited.as_bytes()).await.expect("invited");
    let key = portico::domain::fields::email_key("twin@example.com");
    let mails = app.state.store.outbox(Some(&key), 10).await.expect("outbox");
    let links: Vec<String> = mails
        .iter()
        .map(|m| {
            let at = m.mail.text.find("/welcome?token=").expect("link") + "/welcome?token=".len();
            m.mail.text[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect()
        })
        .collect();
    let now = app.state.clock.now();
    let mut working = 0;
    for link in &links {
        let found = app.state.store.link(&portico::auth::token::hash(link), now).await.expect("query");
        working += usize::from(found.is_some());
    }
    assert_eq!((links.len(), working), (2, 1), "newest link wins");
}

/// A bio built to stall the server is refused by its field; the deepest bio allowed renders
/// within the limit; and reading the directory renders nothing: the HTML was stored when
/// the bio was saved.
async fn a_bio_is_rendered_once_when_saved_and_never_when_read(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    let reader = app.member_token("bob@example.com").await;
    for (bio, code) in [
        (format!("{}a", ">".repeat(19_999)), "nested_too_deep"),
        (format!("{}a", "> - ".repeat(4_999)), "nested_too_deep"),
        (
            format!("{}|\n{}|\n{}", "|a".repeat(10), "|-".repeat(10), "|x\n".repeat(6_000)),
            "renders_too_large",
        ),
    ] {
        let started = std::time::Instant::now();
        let (status, body) = app.patch(&token, &json!({"ProfileSummary": bio})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_codes(&body), vec![("ProfileSummary".into(), code.to_string())]);
        assert!(started.elapsed() < std::time::Duration::from_secs(3), "{:?}", started.elapsed());
    }
    let deepest = format!("{}deep {}", "> ".repeat(8), "word ".repeat(3_900));
    app.patch_ok(&token, &json!({"ProfileSummary": deepest, "ProfileIsPublic": true})).await;
    let renders = app.state.bio_renders.load(Ordering::Relaxed);
    let profile_id = app.profile(&token).await["Id"].as_i64().expect("id");
    for _ in 0..3 {
        let (status, page) = app.get(&reader, "/api/public/coworkers/published").await;
        assert_eq!(status, StatusCode::OK);
        let html = page["Records"][0]["ProfileSummaryHtml"].as_str().unwrap_or_default().to_string();
        assert_eq!(html.matches("<blockquote>").count(), 8, "the deepest bio allowed, whole");
        let (status, card) = app.get(&reader, &format!("/api/public/coworkers/published/{profile_id}")).await;
        assert_eq!(status, StatusCode::OK, "{card}");
        assert!(card.to_string().contains("<blockquote>"));
    }
    assert_eq!(app.state.bio_renders.load(Ordering::Relaxed), renders, "reads rendered nothing");
}

/// A bio stored before HTML was stored with it is rendered on read (off the async workers)
/// until the start-up pass has rendered and stored it; after that, reads render nothing.
async fn bios_saved_before_are_rendered_once_after_start(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    let reader = app.member_token("bob@example.com").await;
    app.patch_ok(&token, &json!({"ProfileSummary": "**Old** bio", "ProfileIsPublic": true})).await;
    let profile_id = app.profile(&token).await["Id"].as_i64().expect("id");
    let stale = portico::store::StaleBio { profile_id, markdown: "**Old** bio".into() };
    let old_key =
        portico::domain::markdown::RenderedBio { html: "<p>stale</p>".into(), render_key: "0:".into() };
    assert!(app.state.store.save_bio_html(&stale, &old_key).await.expect("save"));
    let before = app.state.bio_renders.load(Ordering::Relaxed);
    let (_, card) = app.get(&reader, &format!("/api/public/coworkers/published/{profile_id}")).await;
    assert!(card.to_string().contains("<strong>Old</strong>"), "rendered afresh, not the stale HTML: {card}");
    assert_eq!(app.state.bio_renders.load(Ordering::Relaxed), before + 1);
    assert_eq!(portico::service::bio::refresh_stale(&app.state).await.expect("refresh"), 1);
    let after = app.state.bio_renders.load(Ordering::Relaxed);
    let (_, card) = app.get(&reader, &format!("/api/public/coworkers/published/{profile_id}")).await;
    assert!(card.to_string().contains("<strong>Old</strong>"));
    assert_eq!(app.state.bio_renders.load(Ordering::Relaxed), after, "stored now: no render");
    assert_eq!(portico::service::bio::refresh_stale(&app.state).await.expect("refresh"), 0);
}

every_store!(
    an_intruder_cannot_void_the_owners_undo_link,
    a_new_holder_of_an_address_sees_nothing_of_the_old_holders_log,
    an_email_change_answers_alike_for_free_and_registered_addresses,
    only_deliverable_addresses_and_no_look_alike_twins,
    an_import_never_drops_a_second_password_silently,
    a_bio_is_rendered_once_when_saved_and_never_when_read,
    bios_saved_before_are_rendered_once_after_start,
);
