//! The account lifecycle by e-mail, through a real SMTP server (aiosmtpd, in a process of
//! its own on loopback): each flow is followed from the message received to the link used
//! and the sign-in after it. Invitations, forgotten passwords, the limits under concurrent
//! requests, and the outbox when SMTP is down or the node is killed.

use std::io::{BufRead, BufReader};
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use portico::mail::{MailSettings, Mailer};
use portico::service::operator::{self, MemberInput};
use portico::service::{Settings, outbox};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::common::node::Node;
use crate::common::{
    Backend, PASSWORD, TestApp, TestDatabase, error_codes, remember_password, test_settings,
};
use crate::every_store;

const RESET: &str = "/api/public/account/password-reset";
const CONFIRM: &str = "/api/public/account/password-reset/confirm";
const NEW_PASSWORD: &str = "lantern orchard velvet 2047";

/// aiosmtpd in a process of its own, writing each message it receives to a directory.
pub(crate) struct SmtpSink {
    directory: TempDir,
    port: u16,
    child: Option<Child>,
}

impl SmtpSink {
    pub(crate) fn start() -> SmtpSink {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("a free port")
            .local_addr()
            .expect("addr")
            .port();
        let mut sink = SmtpSink { directory: tempfile::tempdir().expect("dir"), port, child: None };
        sink.resume();
        sink
    }

    /// Starts (again) on the same port.
    fn resume(&mut self) {
        let python = std::env::var("PORTICO_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .arg(self.directory.path())
            .arg(self.port.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("{python} (with aiosmtpd; .ci/run installs it) is needed: {e}"));
        let stdout = child.stdout.take().expect("stdout");
        let ready =
            BufReader::new(stdout).lines().map_while(Result::ok).any(|line| line.starts_with("listening"));
        assert!(
            ready,
            "aiosmtpd did not start: is it installed for {python}? (PORTICO_TEST_PYTHON, .ci/run)"
        );
        self.child = Some(child);
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, in order, decoded enough to read links.
    pub(crate) fn received(&self) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.directory.path())
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        names.iter().map(|p| quoted_printable(&std::fs::read_to_string(p).expect("message"))).collect()
    }

    /// Waits until `count` messages have arrived (at most 20 s).
    async fn wait_for(&self, count: usize) -> Vec<String> {
        for _ in 0..200 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {count} messages, received {}", self.received().len());
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Enough quoted-printable decoding to read a link across soft line breaks.
pub(crate) fn quoted_printable(text: &str) -> String {
    text.replace("=\r\n", "").replace("=3D", "=")
}

/// The token of the first `page?token=` link in `message`.
fn link_token(message: &str, page: &str) -> String {
    let marker = format!("{page}?token=");
    let at = message.find(&marker).unwrap_or_else(|| panic!("no {page} link in {message}")) + marker.len();
    message[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect()
}

fn mail_settings(sink: &SmtpSink) -> MailSettings {
    MailSettings {
        smtp_url: Some(sink.url().into()),
        retry_base: Duration::from_secs(1),
        poll: Duration::from_millis(100),
        ..MailSettings::default()
    }
}

/// A server whose outbox goes to `sink`, sent when the test says (`delivered`), not by a
/// task of its own: what the sink holds after a round is then all that was sent.
pub(crate) async fn app_sending_to(backend: Backend, sink: &SmtpSink, settings: Settings) -> TestApp {
    TestApp::spawn_with(backend, Settings { mail: mail_settings(sink), ..settings }).await
}

/// Runs the sender (as `portico serve`'s task does, one round at a time) until the sink
/// holds `count` messages, and then once more: the sink writes a message before it answers,
/// so what it holds then is everything the outbox had to send. Mail queued by background
/// work (a reset's look-up) may come a little later: the rounds wait for it.
pub(crate) async fn delivered(app: &TestApp, sink: &SmtpSink, count: usize) -> Vec<String> {
    let mailer = Mailer::new(&app.state.settings.mail).expect("mailer").expect("SMTP configured");
    for _ in 0..200 {
        outbox::deliver_due(&app.state, &mailer).await.expect("a round");
        if sink.received().len() >= count {
            assert_eq!(outbox::deliver_due(&app.state, &mailer).await.expect("a round"), 0, "nothing more");
            return sink.received();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("expected {count} messages, received {}", sink.received().len());
}

async fn post(app: &TestApp, path: &str, body: &Value) -> (StatusCode, String) {
    let response = app.client.post(app.url(path)).json(body).send().await.expect("post");
    (response.status(), response.text().await.expect("body"))
}

async fn confirm(app: &TestApp, token: &str, new: &str, repeat: &str) -> (StatusCode, Value) {
    remember_password(new);
    let body = json!({"Token": token, "NewPassword": new, "RepeatNewPassword": repeat});
    let (status, text) = post(app, CONFIRM, &body).await;
    (status, serde_json::from_str(&text).expect("envelope"))
}

async fn outbox_to(app: &TestApp, email: &str) -> usize {
    let key = portico::domain::fields::email_key(email);
    app.state.store.outbox(Some(&key), 100).await.expect("outbox").len()
}

async fn a_forgotten_password_is_reset_from_the_mail_received(backend: Backend) {
    let sink = SmtpSink::start();
    let app = app_sending_to(backend, &sink, test_settings()).await;
    let old_session = app.member_token("ann@example.com").await;

    let known = post(&app, RESET, &json!({"Email": "ann@example.com"})).await;
    let unknown = post(&app, RESET, &json!({"Email": "nobody@example.com"})).await;
    assert_eq!(known.0, StatusCode::OK);
    assert_eq!(known, unknown, "byte-identical answers for a member and a stranger");

    let received = delivered(&app, &sink, 1).await;
    assert!(received[0].contains("X-Envelope-To: ann@example.com"), "{}", received[0]);
    assert!(received[0].contains("reset your password"));
    assert!(received[0].contains("Content-Type: text/html"), "a plain and an HTML part");
    assert_eq!(received.len(), 1, "nothing to the stranger");
    assert_eq!(outbox_to(&app, "nobody@example.com").await, 0);
    let token = link_token(&received[0], "/reset");

    let (status, answer) = confirm(&app, &token, NEW_PASSWORD, "lantern orchard velvet 2048").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_codes(&answer), [("RepeatNewPassword".to_string(), "password_mismatch".to_string())]);
    let (status, answer) = confirm(&app, &token, "password123", "password123").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the location's policy applies: {answer}");
    assert!(error_codes(&answer).iter().all(|(property, _)| property == "NewPassword"), "{answer}");

    let (status, answer) = confirm(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        app.get(&old_session, "/login/me").await.0,
        StatusCode::UNAUTHORIZED,
        "every old session ended"
    );
    app.sign_in("ann@example.com", NEW_PASSWORD).await;
    let (status, answer) =
        confirm(&app, &token, "another orchard velvet 77", "another orchard velvet 77").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a link works once");
    assert_eq!(error_codes(&answer), [("Token".to_string(), "invalid_link".to_string())]);
    let audit = crate::common::audit_records(&app.state, "ann@example.com").await;
    assert!(audit.iter().any(|r| r.event == "password_reset"), "audited");
}

async fn expired_superseded_and_outdated_links_are_refused(backend: Backend) {
    let sink = SmtpSink::start();
    let app = app_sending_to(backend, &sink, test_settings()).await;
    let session = app.member_token("ann@example.com").await;
    post(&app, RESET, &json!({"Email": "ann@example.com"})).await;
    let first = link_token(&delivered(&app, &sink, 1).await[0], "/reset");
    post(&app, RESET, &json!({"Email": "ANN@example.com"})).await;
    let second = link_token(&delivered(&app, &sink, 2).await[1], "/reset");
    assert_ne!(first, second);
    let (status, answer) = confirm(&app, &first, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(
        (status, error_codes(&answer)[0].1.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_link"),
        "superseded"
    );

    app.clock.advance(time::Duration::minutes(61));
    let (status, _) = confirm(&app, &second, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "expired after an hour");

    post(&app, RESET, &json!({"Email": "ann@example.com"})).await;
    let third = link_token(&delivered(&app, &sink, 3).await[2], "/reset");
    app.change_password(&session, PASSWORD, "a changed passphrase 4411").await;
    let (status, _) = confirm(&app, &third, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a password change since voids the link");
}

async fn concurrent_reset_requests_send_at_most_the_limit(backend: Backend) {
    let sink = SmtpSink::start();
    // The per-address limit off: the store's own limit per account is what is attacked.
    let app = app_sending_to(backend, &sink, test_settings()).await;
    app.add_member("ann@example.com", None).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let (client, url) = (app.client.clone(), app.url(RESET));
        tasks.spawn(async move {
            let response =
                client.post(url).json(&json!({"Email": "ann@example.com"})).send().await.expect("post");
            (response.status(), response.text().await.expect("body"))
        });
    }
    let answers = tasks.join_all().await;
    assert!(answers.iter().all(|a| *a == answers[0] && a.0 == StatusCode::OK), "all the same 200");
    let received = delivered(&app, &sink, 3).await;
    assert_eq!(received.len(), 3, "the account's hourly limit, however many arrive at once");
    assert_eq!(outbox_to(&app, "ann@example.com").await, 3);

    // Per typed address: the same 429 for a member's address and a stranger's.
    let limits = portico::service::rate_limit::RateLimitSettings {
        reset_per_address_hour: NonZeroU32::new(3),
        ..test_settings().rate_limits
    };
    let app = TestApp::spawn_with(backend, Settings { rate_limits: limits, ..test_settings() }).await;
    app.add_member("ann@example.com", None).await;
    let mut statuses = Vec::new();
    for email in ["ann@example.com", "nobody@example.com"] {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (client, url) = (app.client.clone(), app.url(RESET));
            tasks.spawn(async move {
                let response = client.post(url).json(&json!({"Email": email})).send().await.expect("post");
                (
                    response.status(),
                    response.headers().get("retry-after").is_some(),
                    response.text().await.expect("body"),
                )
            });
        }
        let mut answers = tasks.join_all().await;
        answers.sort_by_key(|(status, _, _)| status.as_u16());
        assert_eq!(answers.iter().filter(|(s, _, _)| *s == StatusCode::OK).count(), 3, "{email}");
        assert!(answers[3..].iter().all(|(s, r, _)| *s == StatusCode::TOO_MANY_REQUESTS && *r), "{email}");
        statuses.push(answers.into_iter().map(|(status, retry, _)| (status, retry)).collect::<Vec<_>>());
    }
    assert_eq!(statuses[0], statuses[1], "a member's address and a stranger's are limited alike");

    let limits = portico::service::rate_limit::RateLimitSettings {
        account_mail_per_minute: NonZeroU32::new(5),
        ..test_settings().rate_limits
    };
    let app = TestApp::spawn_with(backend, Settings { rate_limits: limits, ..test_settings() }).await;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..20 {
        let (client, url) = (app.client.clone(), app.url(RESET));
        tasks.spawn(async move {
            let body = json!({"Email": format!("someone{n}@example.com")});
            let response = client.post(url).json(&body).send().await.expect("post");
            (response.status(), response.headers().contains_key("retry-after"))
        });
    }
    let answers = tasks.join_all().await;
    let passed = answers.iter().filter(|(status, _)| *status == StatusCode::OK).count();
    assert_eq!(passed, 5, "one address's limit per minute");
    assert!(
        answers
            .iter()
            .filter(|(s, _)| *s != StatusCode::OK)
            .all(|(s, r)| *s == StatusCode::TOO_MANY_REQUESTS && *r)
    );
}

async fn an_invited_member_chooses_a_password_from_the_mail(backend: Backend) {
    let sink = SmtpSink::start();
    let app = app_sending_to(backend, &sink, test_settings()).await;
    app.add_location("Canal Street").await;
    let input = MemberInput {
        email: "new@example.com".into(),
        password: None,
        full_name: "Nia New".into(),
        location: Some("Canal Street".into()),
    };
    operator::invite_member(&app.state, input).await.expect("invited");
    let (status, _) = app
        .token_request(&[("grant_type", "password"), ("username", "new@example.com"), ("password", "")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no password until they choose one");
    let message = &delivered(&app, &sink, 1).await[0];
    assert!(
        message.contains("X-Envelope-To: new@example.com")
            && message.contains("Canal Street: your invitation")
    );
    assert!(message.contains("Hello Nia New"), "{message}");
    let first = link_token(message, "/welcome");

    portico::service::account::resend_invitation(&app.state, "new@example.com").await.expect("resent");
    let second = link_token(&delivered(&app, &sink, 2).await[1], "/welcome");
    assert_eq!(
        confirm(&app, &first, NEW_PASSWORD, NEW_PASSWORD).await.0,
        StatusCode::BAD_REQUEST,
        "replaced"
    );
    let (status, answer) = confirm(&app, &second, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let token = app.sign_in("new@example.com", NEW_PASSWORD).await;
    assert_eq!(app.profile(&token).await["FullName"], "Nia New");
    let audit = crate::common::audit_records(&app.state, "new@example.com").await;
    let events: Vec<&str> = audit.iter().map(|r| r.event.as_str()).collect();
    assert!(events.contains(&"invitation_accepted") && !events.contains(&"password_reset"), "{events:?}");
    let again = portico::service::account::resend_invitation(&app.state, "new@example.com").await;
    assert!(again.is_err(), "a member with a password is not invited again");
    let existing = MemberInput {
        email: "new@example.com".into(),
        password: None,
        full_name: "X".into(),
        location: None,
    };
    assert!(operator::invite_member(&app.state, existing).await.is_err(), "nor invited twice");

    let csv = "Email,FullName,Location,CompanyName\nab@example.com,Ab Able,Canal Street,Acme\ncd@example.com,Cd Cole,,\n";
    let added = operator::import_csv(&app.state, csv.as_bytes()).await.expect("import");
    assert_eq!(added.len(), 2);
    let received = delivered(&app, &sink, 4).await;
    for email in ["ab@example.com", "cd@example.com"] {
        assert!(
            received
                .iter()
                .any(|m| m.contains(&format!("X-Envelope-To: {email}")) && m.contains("/welcome?token=")),
            "{email}"
        );
    }
    let to_ab =
        received.iter().find(|m| m.contains("X-Envelope-To: ab@example.com")).expect("ab's invitation");
    let (status, answer) = confirm(&app, &link_token(to_ab, "/welcome"), NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "an imported member's link works: {answer}");
}

/// A message queued by a process that knows no public URL (the CLI, say) goes out with the
/// links of the node that sends it, in both parts.
async fn the_sender_puts_its_public_url_in_the_links(backend: Backend) {
    let sink = SmtpSink::start();
    let public_url = Some(url::Url::parse("https://members.example.com").expect("url"));
    let app = app_sending_to(backend, &sink, Settings { public_url, ..test_settings() }).await;
    app.add_location("Canal Street").await;
    let elsewhere = Settings { public_url: None, ..(*app.state.settings).clone() };
    let cli = portico::service::AppState { settings: std::sync::Arc::new(elsewhere), ..app.state.clone() };
    let input = MemberInput {
        email: "new@example.com".into(),
        password: None,
        full_name: "Nia New".into(),
        location: Some("Canal Street".into()),
    };
    operator::invite_member(&cli, input).await.expect("invited");
    let queued = app.state.store.outbox(None, 10).await.expect("outbox").remove(0);
    assert!(
        !queued.mail.text.contains("localhost:8080"),
        "no address decided when queued: {}",
        queued.mail.text
    );

    let message = &delivered(&app, &sink, 1).await[0];
    assert!(message.contains("\nhttps://members.example.com/welcome?token="), "the text part: {message}");
    assert!(
        message.contains("href=\"https://members.example.com/welcome?token="),
        "the HTML part: {message}"
    );
    assert!(!message.contains("localhost:8080") && !message.contains("portico-public-url"), "{message}");
    let (status, answer) = confirm(&app, &link_token(message, "/welcome"), NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "and the link works: {answer}");
}

async fn mail_waits_while_smtp_is_down_and_goes_when_it_is_back(backend: Backend) {
    let mut sink = SmtpSink::start();
    sink.stop();
    let app = app_sending_to(backend, &sink, test_settings()).await;
    let mailer = Mailer::new(&app.state.settings.mail).expect("mailer").expect("SMTP configured");
    let mail = portico::mail::compose::password_reset(
        portico::i18n::Language::English,
        "ann@example.com",
        &portico::domain::brand::Brand { name: "Main".into(), ..Default::default() },
        "https://x/reset?token=plk_a",
    );
    app.state.store.queue_mail(&[mail], app.state.clock.now()).await.expect("queued");
    assert_eq!(outbox::deliver_due(&app.state, &mailer).await.expect("a round"), 0, "SMTP is down");
    let waited = app.state.store.outbox(None, 10).await.expect("outbox").remove(0);
    assert!(waited.sent_at.is_none() && waited.attempts == 1 && waited.last_error.is_some(), "{waited:?}");
    outbox::deliver_due(&app.state, &mailer).await.expect("a round");
    let outbox = app.state.store.outbox(None, 10).await.expect("outbox");
    assert_eq!(outbox[0].attempts, 1, "no new attempt before the wait is over (the clock stands still)");
    sink.resume();
    app.clock.advance(time::Duration::seconds(5));
    let received = delivered(&app, &sink, 1).await;
    assert!(received[0].contains("/reset?token="));
    app.clock.advance(time::Duration::minutes(10));
    assert_eq!(outbox::deliver_due(&app.state, &mailer).await.expect("a round"), 0);
    assert_eq!(sink.received().len(), 1, "sent once");
    assert!(app.state.store.outbox(None, 10).await.expect("outbox")[0].sent_at.is_some());
}

/// Two senders at once (two nodes, or a round that overlaps the next): each message is
/// taken by one of them for its lease, so it goes once; each round says how many it sent.
async fn two_senders_at_once_send_each_message_once(backend: Backend) {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(backend, Settings { mail: mail_settings(&sink), ..test_settings() }).await;
    let mailer = Mailer::new(&app.state.settings.mail).expect("mailer").expect("SMTP configured");
    let mail: Vec<_> = (0..3)
        .map(|n| {
            portico::mail::compose::password_reset(
                portico::i18n::Language::English,
                &format!("m{n}@example.com"),
                &portico::domain::brand::Brand { name: "Main".into(), ..Default::default() },
                "https://x/reset",
            )
        })
        .collect();
    app.state.store.queue_mail(&mail, app.state.clock.now()).await.expect("queued");

    let (first, second) =
        tokio::join!(outbox::deliver_due(&app.state, &mailer), outbox::deliver_due(&app.state, &mailer));
    let sent = first.expect("first sender") + second.expect("second sender");
    assert_eq!(sent, 3, "each round counts what it sent");
    assert_eq!(sink.received().len(), 3, "no message twice");
    assert_eq!(outbox::deliver_due(&app.state, &mailer).await.expect("a third round"), 0, "nothing left");
}

async fn mail_committed_before_a_kill_is_sent_once_after_restart(backend: Backend) {
    let sink = SmtpSink::start();
    let database = TestDatabase::create(backend).await;
    let mut node = Node::start(&database.url);
    let client = crate::common::node::client();
    let store = portico::store::connect(&database.url, &Default::default()).await.expect("store");
    let state = portico::service::AppState::new(
        store,
        portico::auth::password::PasswordHasher::new(crate::common::test_cost(), 1, 8).expect("hasher"),
        std::sync::Arc::new(portico::clock::SystemClock),
        test_settings(),
    );
    operator::add_location(&state, "Main Street", "GB").await.expect("location");
    let input = MemberInput {
        email: "ann@example.com".into(),
        password: Some(PASSWORD.into()),
        full_name: "Ann".into(),
        location: None,
    };
    operator::add_member(&state, input).await.expect("member");
    let answer =
        client.post(node.url(RESET)).json(&json!({"Email": "ann@example.com"})).send().await.expect("post");
    assert_eq!(answer.status(), StatusCode::OK);
    for _ in 0..100 {
        if !state.store.outbox(None, 10).await.expect("outbox").is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        state.store.outbox(None, 10).await.expect("outbox").len(),
        1,
        "committed, not sent: no SMTP yet"
    );
    node.kill_hard();

    let _restarted =
        Node::start_with(&database.url, &[("PORTICO_SMTP_URL", &sink.url()), ("PORTICO_MAIL_POLL", "100ms")]);
    // The restarted node sends it with its own task: a process of its own, so the test can
    // only watch the sink (and the outbox, which says when the message was marked sent).
    let received = sink.wait_for(1).await;
    assert!(received[0].contains("X-Envelope-To: ann@example.com"));
    for _ in 0..100 {
        if state.store.outbox(None, 10).await.expect("outbox")[0].sent_at.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(state.store.outbox(None, 10).await.expect("outbox")[0].sent_at.is_some(), "marked sent");
    assert_eq!(sink.received().len(), 1, "once: marked sent, it is never taken again");
}

async fn post_as(app: &TestApp, token: &str, path: &str, body: &Value) -> (StatusCode, String) {
    let response = app.client.post(app.url(path)).bearer_auth(token).json(body).send().await.expect("post");
    (response.status(), response.text().await.expect("body"))
}

async fn an_email_change_waits_for_confirmation_and_can_be_undone(backend: Backend) {
    const CHANGE: &str = "/en/profile/email-change";
    let sink = SmtpSink::start();
    let app = app_sending_to(backend, &sink, test_settings()).await;
    let session = app.member_token("ann@example.com").await;
    app.add_member("bob@example.com", None).await;

    let (status, wrong) = post_as(
        &app,
        &session,
        CHANGE,
        &json!({"NewEmail": "ann@new.example", "Password": "not my password"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let wrong: Value = serde_json::from_str(&wrong).expect("envelope");
    assert_eq!(error_codes(&wrong), [("Password".to_string(), "wrong_current_password".to_string())]);
    let (status, same) =
        post_as(&app, &session, CHANGE, &json!({"NewEmail": "ANN@example.com", "Password": PASSWORD})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{same}");
    assert!(same.contains("email_unchanged"));

    let taken =
        post_as(&app, &session, CHANGE, &json!({"NewEmail": "bob@example.com", "Password": PASSWORD})).await;
    let free =
        post_as(&app, &session, CHANGE, &json!({"NewEmail": "ann@new.example", "Password": PASSWORD})).await;
    assert_eq!(free.0, StatusCode::OK, "{}", free.1);
    assert_eq!(taken, free, "the same answer whether or not the address is someone's");

    let received = delivered(&app, &sink, 3).await;
    let to = |email: &str| {
        received
            .iter()
            .find(|m| m.contains(&format!("X-Envelope-To: {email}")))
            .unwrap_or_else(|| panic!("no mail to {email}"))
            .clone()
    };
    let to_bob = to("bob@example.com");
    assert!(to_bob.contains("already in use") && !to_bob.contains("token="), "a notice, no link, no name");
    let confirm_token = link_token(&to("ann@new.example"), "/confirm-email");
    let notice = to("ann@example.com");
    assert!(notice.contains("ann@new.example"), "the old address is told where to");
    let undo_token = link_token(&notice, "/undo-email");

    assert_eq!(
        app.get(&session, "/login/me").await.1["User"]["Email"],
        "ann@example.com",
        "nothing changes before confirmation"
    );
    let (status, _) = app
        .token_request(&[("grant_type", "password"), ("username", "ann@new.example"), ("password", PASSWORD)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the new address does not sign in yet");

    let (status, body) =
        post(&app, "/api/public/account/email-change/confirm", &json!({"Token": confirm_token})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.get(&session, "/login/me").await.1["User"]["Email"], "ann@new.example");
    let later = app.sign_in("ann@new.example", PASSWORD).await;
    let (status, _) = app
        .token_request(&[("grant_type", "password"), ("username", "ann@example.com"), ("password", PASSWORD)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the old address no longer signs in");
    let again =
        post(&app, "/api/public/account/email-change/confirm", &json!({"Token": confirm_token})).await;
    assert!(again.0 == StatusCode::BAD_REQUEST && again.1.contains("invalid_link"), "once");

    let (status, body) =
        post(&app, "/api/public/account/email-change/revert", &json!({"Token": undo_token})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for token in [&session, &later] {
        assert_eq!(app.get(token, "/login/me").await.0, StatusCode::UNAUTHORIZED, "every session ended");
    }
    let back = app.sign_in("ann@example.com", PASSWORD).await;
    assert_eq!(
        app.get(&back, "/login/me").await.1["User"]["Email"],
        "ann@example.com",
        "the old address is back"
    );
    let audit = crate::common::audit_records(&app.state, "ann@example.com").await;
    for event in ["email_change_requested", "email_changed", "email_change_reverted"] {
        assert!(audit.iter().any(|r| r.event == event), "{event} audited");
    }
}

/// A refused recipient (550) is given up at once; one the server keeps deferring (451) is
/// tried `MAX_ATTEMPTS` times, then given up: the outbox never retries for ever, and the
/// dead letters stay listed with their reason.
async fn mail_that_cannot_be_delivered_is_given_up(backend: Backend) {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(backend, Settings { mail: mail_settings(&sink), ..test_settings() }).await;
    let mailer = Mailer::new(&app.state.settings.mail).expect("mailer").expect("SMTP configured");
    let mail: Vec<_> = ["refused@example.com", "busy@example.com", "fine@example.com"]
        .map(|to| {
            portico::mail::compose::password_reset(
                portico::i18n::Language::English,
                to,
                &portico::domain::brand::Brand { name: "Main".into(), ..Default::default() },
                "https://x/reset",
            )
        })
        .into();
    app.state.store.queue_mail(&mail, app.state.clock.now()).await.expect("queued");
    assert_eq!(outbox::deliver_due(&app.state, &mailer).await.expect("round"), 1, "one delivered");
    let state = |to: &str| {
        let store = app.state.store.clone();
        let key = portico::domain::fields::email_key(to);
        async move { store.outbox(Some(&key), 1).await.expect("outbox").remove(0) }
    };
    let refused = state("refused@example.com").await;
    assert_eq!(refused.attempts, 1);
    assert!(refused.given_up_at.is_some(), "a permanent refusal is not retried");
    assert!(refused.last_error.as_deref().is_some_and(|e| e.contains("550")), "{refused:?}");
    for attempt in 2..=outbox::MAX_ATTEMPTS {
        assert!(
            state("busy@example.com").await.given_up_at.is_none(),
            "still tried before attempt {attempt}"
        );
        app.clock.advance(time::Duration::hours(2));
        assert_eq!(outbox::deliver_due(&app.state, &mailer).await.expect("round"), 0);
    }
    let busy = state("busy@example.com").await;
    assert_eq!(busy.attempts, outbox::MAX_ATTEMPTS);
    assert!(busy.given_up_at.is_some(), "given up after its last attempt");
    app.clock.advance(time::Duration::hours(2));
    outbox::deliver_due(&app.state, &mailer).await.expect("round");
    assert_eq!(state("busy@example.com").await.attempts, outbox::MAX_ATTEMPTS, "never tried again");
}

every_store!(
    mail_that_cannot_be_delivered_is_given_up,
    an_email_change_waits_for_confirmation_and_can_be_undone,
    a_forgotten_password_is_reset_from_the_mail_received,
    expired_superseded_and_outdated_links_are_refused,
    concurrent_reset_requests_send_at_most_the_limit,
    an_invited_member_chooses_a_password_from_the_mail,
    the_sender_puts_its_public_url_in_the_links,
    mail_waits_while_smtp_is_down_and_goes_when_it_is_back,
    mail_committed_before_a_kill_is_sent_once_after_restart,
    two_senders_at_once_send_each_message_once,
);
