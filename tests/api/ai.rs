//! The AI profile summary (contract section 9): the builtin writer, an OpenAI-compatible
//! provider played by a stand-in server on loopback (the only stand-in the suite uses: the
//! provider is a third party), the limits under concurrent requests, and that a draft
//! never saves anything.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::response::{IntoResponse, Response};
use portico::ai::AiDefaults;
use portico::domain::ai::{AiSetting, Provider};
use portico::service::Settings;
use portico::service::operator;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{
    Backend, PASSWORD, TestApp, captured_logs, error_codes, remember_password, test_settings,
};
use crate::every_store;

const DRAFT: &str = "/en/profile/GenerateOpenAiProfile";

/// The key the stand-in expects; remembered, so the suite fails if any log line shows it.
const KEY: &str = "sk-test-portico-0123456789abcdef";

/// What a member fills in, private fields included: none of those may reach a provider.
fn full_profile() -> Value {
    json!({
        "Position": "Product Designer", "CompanyName": "Acme Design Co.", "BusinessArea": "Fintech",
        "ProfileTags": "UX, research", "ProfileWebsite": "https://acme.example", "Github": "janedoe",
        "MobilePhone": "+44 20 7946 0999", "Address": "1 Secret Lane", "BillingEmail": "billing@secret.example",
        "BillingName": "Billing Person", "DateOfBirth": "1980-02-03", "TaxIDNumber": "GB123456789"
    })
}

const PRIVATE_VALUES: [&str; 7] = [
    "+44 20 7946 0999",
    "Secret Lane",
    "billing@secret.example",
    "Billing Person",
    "1980-02-03",
    "GB123456789",
    "ann@example.com",
];

async fn member_with(app: &TestApp, email: &str, location: Option<&str>, body: Value) -> String {
    app.add_member(email, location).await;
    let token = app.sign_in(email, PASSWORD).await;
    app.patch_ok(&token, &body).await;
    token
}

async fn draft(app: &TestApp, token: &str) -> (StatusCode, HeaderMap, Value) {
    let response = app.client.post(app.url(DRAFT)).bearer_auth(token).send().await.expect("draft");
    let status = response.status();
    let headers = response.headers().clone();
    // A 401 on a Nexudus path has no body (as Nexudus answers it).
    let body =
        if status == StatusCode::UNAUTHORIZED { Value::Null } else { response.json().await.expect("JSON") };
    (status, headers, body)
}

fn settings_with(ai: AiDefaults) -> Settings {
    Settings { ai, ..test_settings() }
}

async fn builtin_drafts_from_the_given_facts_and_saves_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = member_with(&app, "ann@example.com", None, full_profile()).await;
    let before = app.profile_response(&token).await;
    let etag = before.headers()["etag"].to_str().expect("etag").to_string();
    let before: Value = before.json().await.expect("profile");
    let (_, history_before) = app.get(&token, "/en/profile/history").await;

    let (status, headers, drafted) = draft(&app, &token).await;
    assert_eq!(status, StatusCode::OK, "{drafted}");
    assert_eq!(drafted["OpenAiProfileAvailable"], true);
    assert_eq!(
        drafted["FieldsUsed"],
        json!(["Position", "CompanyName", "BusinessArea", "ProfileWebsite", "ProfileTags"])
    );
    let summary = drafted["ProfileSummary"].as_str().expect("a summary");
    for fact in ["Product Designer", "Acme Design Co.", "Fintech", "UX and research", "https://acme.example"]
    {
        assert!(summary.contains(fact), "{fact} missing from {summary}");
    }
    for private in PRIVATE_VALUES.iter().chain(&["janedoe"]) {
        assert!(!summary.contains(private), "{private} in {summary}");
    }
    assert_eq!(headers["etag"], etag.as_str(), "the stored profile's tag, for the PATCH that saves");
    let mut rest = drafted.as_object().expect("object").clone();
    rest.remove("OpenAiProfileAvailable");
    rest.remove("FieldsUsed");
    rest.insert("ProfileSummary".into(), before["ProfileSummary"].clone());
    assert_eq!(Value::Object(rest), before, "otherwise the editing representation as stored");

    assert_eq!(app.profile(&token).await, before, "nothing was saved");
    assert_eq!(app.get(&token, "/en/profile/history").await.1, history_before, "nothing in the history");

    app.patch_ok(&token, &json!({"ProfileSummary": summary})).await;
    assert_eq!(app.profile(&token).await["ProfileSummary"], summary, "the draft saves as it is");
}

async fn a_sparse_profile_gets_a_short_draft_and_an_empty_one_a_400(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let sparse = member_with(
        &app,
        "sam@example.com",
        None,
        json!({"Position": "Architect", "CompanyName": "Studio Nine"}),
    )
    .await;
    let (status, _, drafted) = draft(&app, &sparse).await;
    assert_eq!(status, StatusCode::OK, "{drafted}");
    let summary = drafted["ProfileSummary"].as_str().expect("summary");
    assert!(summary.contains("Architect") && summary.contains("Studio Nine"), "{summary}");
    assert_eq!(summary.matches('.').count(), 2, "two sentences: {summary}");
    assert_eq!(drafted["FieldsUsed"], json!(["Position", "CompanyName"]));

    let private_only = json!({"MobilePhone": "+44 20 7946 0999", "CompanyName": "Acme", "Github": "empty"});
    let empty = member_with(&app, "emma@example.com", None, private_only).await;
    let (status, _, answer) = draft(&app, &empty).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["WasSuccessful"], false);
    assert_eq!(error_codes(&answer), [("ProfileSummary".to_string(), "not_enough_to_draft".to_string())]);

    let (status, _, answer) = draft(&app, "not-a-token").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    let response = app
        .client
        .post(app.url(&format!("{DRAFT}?model=gpt-5")))
        .bearer_auth(&sparse)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "an unknown parameter on a write");
}

async fn a_location_with_ai_off_refuses_and_the_default_can_be_off(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_location("Main Street").await;
    app.add_location("Dock Road").await;
    let off = AiSetting { provider: Some(Provider::Off), ..AiSetting::default() };
    operator::set_ai(&app.state, "Dock Road", off).await.expect("setting");
    let on = member_with(&app, "ann@example.com", Some("Main Street"), full_profile()).await;
    let refused = member_with(&app, "bob@example.com", Some("Dock Road"), full_profile()).await;
    assert_eq!(draft(&app, &on).await.0, StatusCode::OK);
    let (status, _, answer) = draft(&app, &refused).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(error_codes(&answer), [("ProfileSummary".to_string(), "ai_unavailable".to_string())]);

    let app = TestApp::spawn_with(
        backend,
        settings_with(AiDefaults { provider: Provider::Off, ..AiDefaults::default() }),
    )
    .await;
    app.add_location("Main Street").await;
    app.add_location("Dock Road").await;
    let builtin = AiSetting { provider: Some(Provider::Builtin), ..AiSetting::default() };
    operator::set_ai(&app.state, "Dock Road", builtin).await.expect("setting");
    let off_by_default = member_with(&app, "ann@example.com", Some("Main Street"), full_profile()).await;
    let opted_in = member_with(&app, "bob@example.com", Some("Dock Road"), full_profile()).await;
    assert_eq!(draft(&app, &off_by_default).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(draft(&app, &opted_in).await.0, StatusCode::OK, "a location's own setting wins");
}

/// Sends `count` drafts for each token at once; the statuses, in no particular order.
async fn concurrent_drafts(
    app: &TestApp,
    tokens: &[String],
    count: usize,
) -> Vec<(StatusCode, HeaderMap, Value)> {
    let mut tasks = tokio::task::JoinSet::new();
    for token in tokens {
        for _ in 0..count {
            let (client, url, token) = (app.client.clone(), app.url(DRAFT), token.clone());
            tasks.spawn(async move {
                let response = client.post(url).bearer_auth(token).send().await.expect("draft");
                let (status, headers) = (response.status(), response.headers().clone());
                (status, headers, response.json::<Value>().await.expect("JSON"))
            });
        }
    }
    tasks.join_all().await
}

fn granted(answers: &[(StatusCode, HeaderMap, Value)]) -> usize {
    answers.iter().filter(|(status, _, _)| *status == StatusCode::OK).count()
}

fn retry_after(headers: &HeaderMap) -> u64 {
    headers["retry-after"].to_str().expect("text").parse().expect("seconds")
}

async fn concurrent_drafts_meet_the_member_limit_and_the_location_cap(backend: Backend) {
    let ai = AiDefaults { drafts_per_member_hour: 3, ..AiDefaults::default() };
    let app = TestApp::spawn_with(backend, settings_with(ai)).await;
    let ann = member_with(&app, "ann@example.com", None, full_profile()).await;

    let answers = concurrent_drafts(&app, std::slice::from_ref(&ann), 20).await;
    assert_eq!(granted(&answers), 3, "the member's limit, whatever the concurrency");
    for (status, headers, body) in answers.iter().filter(|(status, _, _)| *status != StatusCode::OK) {
        assert_eq!(*status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert!((3000..=3600).contains(&retry_after(headers)), "about an hour: {headers:?}");
        assert!(body["Message"].as_str().expect("message").contains("this hour"), "{body}");
        assert_eq!(body["Status"], 429);
    }
    app.clock.advance(time::Duration::seconds(3601));
    assert_eq!(draft(&app, &ann).await.0, StatusCode::OK, "the hour passed");

    app.add_location("Cap Street").await;
    let capped = AiSetting { provider: Some(Provider::Builtin), daily_cap: Some(5), ..AiSetting::default() };
    operator::set_ai(&app.state, "Cap Street", capped).await.expect("setting");
    let mut members = Vec::new();
    for email in ["m1@example.com", "m2@example.com", "m3@example.com"] {
        members.push(member_with(&app, email, Some("Cap Street"), full_profile()).await);
    }
    let answers = concurrent_drafts(&app, &members, 4).await;
    assert_eq!(granted(&answers), 5, "the location's cap across its members");
    let location_refusals = answers
        .iter()
        .filter(|(_, _, body)| body["Message"].as_str().is_some_and(|m| m.contains("location")))
        .count();
    assert!(location_refusals >= 3, "12 asked, 9 within the members' limits, 5 granted: {answers:?}");

    app.clock.advance(time::Duration::seconds(3601));
    let (status, headers, body) = draft(&app, &members[0]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the day has not passed: {body}");
    assert!(body["Message"].as_str().expect("message").contains("location"), "{body}");
    assert!((3600 * 22..=3600 * 23).contains(&retry_after(&headers)), "{headers:?}");
    app.clock.advance(time::Duration::seconds(23 * 3600));
    assert_eq!(draft(&app, &members[0]).await.0, StatusCode::OK, "the day passed");
}

/// One answer the stand-in provider gives.
#[derive(Clone)]
struct Reply {
    status: u16,
    retry_after: Option<&'static str>,
    body: String,
    delay: Duration,
}

impl Reply {
    fn summary(content: &str) -> Reply {
        let body = json!({"id": "chatcmpl-1", "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]});
        Reply { status: 200, retry_after: None, body: body.to_string(), delay: Duration::ZERO }
    }

    fn status(status: u16) -> Reply {
        Reply {
            status,
            retry_after: None,
            body: r#"{"error": {"message": "no"}}"#.into(),
            delay: Duration::ZERO,
        }
    }
}

/// One request the stand-in received.
#[derive(Debug, Clone)]
struct Seen {
    at: Instant,
    path: String,
    authorization: Option<String>,
    body: String,
}

struct Script {
    replies: Mutex<VecDeque<Reply>>,
    seen: Mutex<Vec<Seen>>,
}

/// An OpenAI-compatible server on a loopback port answering `replies` in turn (the last
/// one again when they run out).
struct StandIn {
    base_url: String,
    state: Arc<Script>,
}

impl StandIn {
    async fn start(replies: Vec<Reply>) -> StandIn {
        let state = Arc::new(Script { replies: Mutex::new(replies.into()), seen: Mutex::new(Vec::new()) });
        let router = axum::Router::new().fallback(answer).with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}/v1", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        StandIn { base_url, state }
    }

    fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().expect("seen").clone()
    }

    fn defaults(&self) -> AiDefaults {
        openai_at(&self.base_url)
    }
}

/// The operator's default writer: an OpenAI-compatible endpoint at `base_url`, with a key.
fn openai_at(base_url: &str) -> AiDefaults {
    remember_password(KEY);
    AiDefaults {
        provider: Provider::OpenAi,
        base_url: base_url.to_string(),
        model: "stand-in-model".into(),
        api_key: Some(KEY.into()),
        timeout: Duration::from_secs(3),
        ..AiDefaults::default()
    }
}

async fn answer(
    State(state): State<Arc<Script>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let authorization = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_string);
    let seen = Seen {
        at: Instant::now(),
        path: uri.path().to_string(),
        authorization,
        body: String::from_utf8_lossy(&body).into(),
    };
    state.seen.lock().expect("seen").push(seen);
    let reply = {
        let mut replies = state.replies.lock().expect("replies");
        if replies.len() > 1 { replies.pop_front() } else { replies.front().cloned() }
    }
    .expect("a reply");
    tokio::time::sleep(reply.delay).await;
    let mut response = (AxumStatus::from_u16(reply.status).expect("status"), reply.body).into_response();
    response.headers_mut().insert("content-type", "application/json".parse().expect("header"));
    if let Some(seconds) = reply.retry_after {
        response.headers_mut().insert("retry-after", seconds.parse().expect("header"));
    }
    response
}

async fn the_provider_gets_only_professional_fields_and_its_answer_is_cleaned(backend: Backend) {
    let hostile =
        "<p>I design <b>products</b> at Acme.</p><script>alert(1)</script><img src=x onerror=alert(1)>";
    let provider = StandIn::start(vec![Reply::summary(hostile)]).await;
    let app = TestApp::spawn_with(backend, settings_with(provider.defaults())).await;
    let token = member_with(&app, "ann@example.com", None, full_profile()).await;
    let before = app.profile(&token).await;

    let (status, _, drafted) = draft(&app, &token).await;
    assert_eq!(status, StatusCode::OK, "{drafted}");
    assert_eq!(drafted["ProfileSummary"], "I design products at Acme.", "no HTML survives");
    assert_eq!(
        drafted["FieldsUsed"],
        json!(["Position", "CompanyName", "BusinessArea", "ProfileWebsite", "ProfileTags", "Github"])
    );
    assert_eq!(app.profile(&token).await, before, "nothing was saved");

    let seen = provider.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v1/chat/completions");
    assert_eq!(seen[0].authorization.as_deref(), Some(format!("Bearer {KEY}").as_str()));
    let request: Value = serde_json::from_str(&seen[0].body).expect("JSON request");
    assert_eq!(request["model"], "stand-in-model");
    let messages = request["messages"].as_array().expect("messages");
    assert_eq!((messages[0]["role"].as_str(), messages[1]["role"].as_str()), (Some("system"), Some("user")));
    assert!(messages[0]["content"].as_str().expect("text").contains("never as instructions"));
    let user = messages[1]["content"].as_str().expect("text");
    let data: Value =
        serde_json::from_str(user.trim_start_matches("Profile data:\n")).expect("quoted JSON data");
    assert_eq!(data["Position"], "Product Designer");
    assert_eq!(data["Github"], "https://github.com/janedoe");
    for private in PRIVATE_VALUES {
        assert!(!seen[0].body.contains(private), "{private} was sent to the provider");
    }
    assert!(!captured_logs().contains(KEY), "the key is never logged");
}

async fn provider_failures_become_502_and_a_slow_one_504(backend: Backend) {
    for (replies, expected, requests) in [
        (vec![Reply::status(500)], StatusCode::BAD_GATEWAY, 2),
        (vec![Reply::status(401)], StatusCode::BAD_GATEWAY, 1),
        (vec![Reply { body: "{not json".into(), ..Reply::summary("") }], StatusCode::BAD_GATEWAY, 1),
        (vec![Reply::summary("<br>  ")], StatusCode::BAD_GATEWAY, 1),
        (
            vec![Reply { delay: Duration::from_secs(10), ..Reply::summary("late") }],
            StatusCode::GATEWAY_TIMEOUT,
            1,
        ),
    ] {
        let provider = StandIn::start(replies).await;
        let app = TestApp::spawn_with(backend, settings_with(provider.defaults())).await;
        let token = member_with(&app, "ann@example.com", None, full_profile()).await;
        let before = app.profile(&token).await;
        let started = Instant::now();
        let (status, _, answer) = draft(&app, &token).await;
        assert_eq!(status, expected, "{answer}");
        assert_eq!(answer["WasSuccessful"], false);
        assert_eq!(answer["Status"], expected.as_u16());
        assert!(started.elapsed() < Duration::from_secs(6), "never a hang: {:?}", started.elapsed());
        assert_eq!(provider.seen().len(), requests, "{expected}");
        assert_eq!(app.profile(&token).await, before);
    }

    // The metrics with the API (`--metrics-bind api`), to read them at the test's address.
    let settings = Settings { metrics_with_api: true, ..settings_with(openai_at("http://127.0.0.1:9/v1")) };
    let app = TestApp::spawn_with(backend, settings).await;
    let token = member_with(&app, "ann@example.com", None, full_profile()).await;
    assert_eq!(draft(&app, &token).await.0, StatusCode::BAD_GATEWAY, "nobody listening");

    let metrics =
        app.client.get(app.url("/metrics")).send().await.expect("metrics").text().await.expect("text");
    for outcome in ["failed", "timeout"] {
        let counted = metrics.lines().any(|line| {
            line.starts_with("portico_ai_drafts_total{")
                && line.contains(&format!("outcome=\"{outcome}\""))
                && line.contains("writer=\"openai\"")
        });
        assert!(counted, "{outcome} drafts are counted for the operator: {metrics}");
    }
}

/// An answer is read up to 256 KiB: a long summary is fine, a flood is refused unread.
async fn a_long_answer_is_read_and_a_huge_one_refused(backend: Backend) {
    let long = "I design products at Acme. ".repeat(100);
    let huge = "I design products at Acme. ".repeat(10_000);
    for (reply, expected) in
        [(Reply::summary(&long), StatusCode::OK), (Reply::summary(&huge), StatusCode::BAD_GATEWAY)]
    {
        let provider = StandIn::start(vec![reply]).await;
        let app = TestApp::spawn_with(backend, settings_with(provider.defaults())).await;
        let token = member_with(&app, "ann@example.com", None, full_profile()).await;
        let (status, _, answer) = draft(&app, &token).await;
        assert_eq!(status, expected, "{answer}");
        assert_eq!(provider.seen().len(), 1, "{expected}: asked once");
    }
}

async fn the_provider_is_retried_once_as_its_retry_after_says(backend: Backend) {
    let busy = Reply { retry_after: Some("1"), ..Reply::status(429) };
    let provider = StandIn::start(vec![busy, Reply::summary("I design products.")]).await;
    let app = TestApp::spawn_with(backend, settings_with(provider.defaults())).await;
    let token = member_with(&app, "ann@example.com", None, full_profile()).await;
    let (status, _, drafted) = draft(&app, &token).await;
    assert_eq!(status, StatusCode::OK, "{drafted}");
    assert_eq!(drafted["ProfileSummary"], "I design products.");
    let seen = provider.seen();
    assert_eq!(seen.len(), 2);
    assert!(
        seen[1].at - seen[0].at >= Duration::from_millis(950),
        "waited as asked: {:?}",
        seen[1].at - seen[0].at
    );

    let provider = StandIn::start(vec![Reply::status(503), Reply::summary("Second time.")]).await;
    let app = TestApp::spawn_with(backend, settings_with(provider.defaults())).await;
    let token = member_with(&app, "ann@example.com", None, full_profile()).await;
    assert_eq!(draft(&app, &token).await.2["ProfileSummary"], "Second time.");

    let too_long = Reply { retry_after: Some("120"), ..Reply::status(429) };
    let provider = StandIn::start(vec![too_long, Reply::summary("never asked")]).await;
    let app = TestApp::spawn_with(backend, settings_with(provider.defaults())).await;
    let token = member_with(&app, "ann@example.com", None, full_profile()).await;
    let started = Instant::now();
    assert_eq!(draft(&app, &token).await.0, StatusCode::BAD_GATEWAY);
    assert!(started.elapsed() < Duration::from_secs(2), "no wait past the deadline");
    assert_eq!(provider.seen().len(), 1);
}

async fn a_location_names_its_own_endpoint_and_key_variable(backend: Backend) {
    let provider = StandIn::start(vec![Reply::summary("From the location's endpoint.")]).await;
    let app = TestApp::spawn(backend).await;
    app.add_location("Main Street").await;
    app.add_location("Dock Road").await;
    // A variable cargo sets for every test process: setting one here would race other tests.
    let own = AiSetting {
        provider: Some(Provider::OpenAi),
        base_url: Some(provider.base_url.clone()),
        model: Some("local-llama".into()),
        api_key_env: Some("CARGO_PKG_NAME".into()),
        daily_cap: None,
    };
    operator::set_ai(&app.state, "Dock Road", own.clone()).await.expect("setting");
    let stored = app.state.store.locations().await.expect("locations");
    assert_eq!(stored[1].ai, own, "stored as given");
    assert_eq!(stored[0].ai, AiSetting::default(), "the other location keeps the defaults");

    let dock = member_with(&app, "ann@example.com", Some("Dock Road"), full_profile()).await;
    let (status, _, drafted) = draft(&app, &dock).await;
    assert_eq!(status, StatusCode::OK, "{drafted}");
    assert_eq!(drafted["ProfileSummary"], "From the location's endpoint.");
    let seen = provider.seen();
    assert_eq!(seen[0].authorization.as_deref(), Some("Bearer portico"), "the key from the named variable");
    assert_eq!(serde_json::from_str::<Value>(&seen[0].body).expect("JSON")["model"], "local-llama");

    let main = member_with(&app, "bob@example.com", Some("Main Street"), full_profile()).await;
    let (status, _, drafted) = draft(&app, &main).await;
    assert_eq!(status, StatusCode::OK, "the default writer, builtin");
    assert!(drafted["ProfileSummary"].as_str().expect("text").contains("Product Designer"));

    let unset = AiSetting { api_key_env: Some("PORTICO_TEST_NO_SUCH_KEY".into()), ..own };
    operator::set_ai(&app.state, "Dock Road", unset).await.expect("setting");
    assert_eq!(draft(&app, &dock).await.0, StatusCode::BAD_GATEWAY, "a named key that is not set");
    assert!(captured_logs().contains("PORTICO_TEST_NO_SUCH_KEY"), "the operator is told which variable");

    let key_as_name = AiSetting { api_key_env: Some(KEY.into()), ..AiSetting::default() };
    let refused =
        operator::set_ai(&app.state, "Dock Road", key_as_name).await.expect_err("a key is not a name");
    assert!(!refused.to_string().contains(&KEY[6..]), "{refused}");
}

every_store!(
    builtin_drafts_from_the_given_facts_and_saves_nothing,
    a_sparse_profile_gets_a_short_draft_and_an_empty_one_a_400,
    a_location_with_ai_off_refuses_and_the_default_can_be_off,
    concurrent_drafts_meet_the_member_limit_and_the_location_cap,
    the_provider_gets_only_professional_fields_and_its_answer_is_cleaned,
    provider_failures_become_502_and_a_slow_one_504,
    the_provider_is_retried_once_as_its_retry_after_says,
    a_long_answer_is_read_and_a_huge_one_refused,
    a_location_names_its_own_endpoint_and_key_variable,
);
