//! What operators see and set: metrics, the access log, CORS and the transport headers.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::common::{Backend, PASSWORD, TestApp, captured_logs, test_settings};

/// The samples of `/metrics`, parsed as Prometheus text format.
async fn scrape(app: &TestApp, url: &str) -> prometheus_parse::Scrape {
    let response = app.client.get(url).send().await.expect("GET /metrics");
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.expect("text");
    let lines = text.lines().map(|line| Ok(line.to_string()));
    prometheus_parse::Scrape::parse(lines).expect("Prometheus text format")
}

/// The value of the first sample called `name` whose labels include `labels`.
fn sample(scrape: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == name)
        .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match s.value {
            prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Gauge(v) => v,
            prometheus_parse::Value::Untyped(v) => v,
            prometheus_parse::Value::Histogram(ref buckets) => buckets.last().map_or(0.0, |b| b.count),
            prometheus_parse::Value::Summary(_) => f64::NAN,
        })
        .next()
        .unwrap_or(0.0)
}

async fn metrics_parse_and_move_with_requests(backend: Backend) {
    let settings = portico::Settings { metrics_with_api: true, ..test_settings() };
    let app = TestApp::spawn_with(backend, settings).await;
    let token = app.member_token("jane@example.com").await;
    let reads = [("method", "GET"), ("route", "/en/profile"), ("status", "200")];
    let before = scrape(&app, &app.url("/metrics")).await;
    for _ in 0..3 {
        app.profile(&token).await;
    }
    app.patch_ok(&token, &serde_json::json!({"NickName": "Dee"})).await;
    for _ in 0..6 {
        app.token_request(&[
            ("grant_type", "password"),
            ("username", "jane@example.com"),
            ("password", "wrong one!"),
        ])
        .await;
    }
    let after = scrape(&app, &app.url("/metrics")).await;
    let moved =
        |name: &str, labels: &[(&str, &str)]| sample(&after, name, labels) - sample(&before, name, labels);
    assert!(moved("portico_http_requests_total", &reads) >= 3.0, "three reads counted");
    assert!(moved("portico_http_request_duration_seconds", &reads[..2]) >= 3.0, "and timed");
    assert!(moved("portico_lockouts_total", &[]) >= 1.0, "the lockout counted");
    assert!(moved("portico_hash_wait_seconds", &[]) >= 5.0, "every admitted password check's wait measured");
    assert!(sample(&after, "portico_store_connections_open", &[]) >= 1.0);
    assert!(
        after.samples.iter().any(|s| s.metric == "portico_hash_queue_requests"),
        "the hashing queue's depth is shown"
    );
    if backend == Backend::Sqlite {
        assert!(moved("portico_sqlite_write_group_commands", &[]) >= 1.0, "the writer's groups measured");
    }
    let text = format!("{:?}", after.samples);
    assert!(!text.contains("jane@example.com") && !text.contains(&token), "no personal data in labels");
}

/// By default the metrics are not with the API: the public port answers 404, and their own
/// listener (127.0.0.1:9464 unless `--metrics-bind` says otherwise) serves them.
#[tokio::test]
async fn metrics_are_not_public_by_default() {
    let app = TestApp::spawn_with(Backend::Sqlite, test_settings()).await;
    let public = app.client.get(app.url("/metrics")).send().await.expect("GET");
    assert_eq!(public.status(), StatusCode::NOT_FOUND, "not with the API");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(portico::server::serve_metrics(listener, app.state.clone()));
    let scraped = scrape(&app, &format!("http://{address}/metrics")).await;
    assert!(scraped.samples.iter().any(|s| s.metric == "portico_store_connections_open"));
}

async fn the_access_log_names_the_route_never_the_query_or_a_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let response = app
        .client
        .get(app.url("/en/profile?_resource=Coworker&note=private-note-7781"))
        .bearer_auth(&token)
        .header("X-Request-Id", "access-log-check 42")
        .send()
        .await
        .expect("GET");
    assert_eq!(
        response.headers()["x-request-id"],
        "access-log-check 42",
        "printable ASCII with a space is kept"
    );
    let logs = captured_logs();
    let line = logs.lines().find(|l| l.contains("access-log-check 42") && l.contains("status=200"));
    let line = line.expect("one access-log line for the request");
    assert!(line.contains("/en/profile") && line.contains("elapsed_ms"), "{line}");
    assert!(!logs.contains("private-note-7781"), "the query string is never logged");
    let sign_in = app.sign_in("jane@example.com", PASSWORD).await;
    assert!(!captured_logs().contains(&sign_in));
}

fn cors_settings() -> portico::Settings {
    portico::Settings { cors_origins: vec!["https://portal.example.com".into()], ..test_settings() }
}

async fn preflight(app: &TestApp, origin: &str) -> (StatusCode, HeaderMap) {
    let response = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/public/coworker/profile"))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "PATCH")
        .header("Access-Control-Request-Headers", "authorization, content-type, if-match")
        .send()
        .await
        .expect("OPTIONS");
    (response.status(), response.headers().clone())
}

#[tokio::test]
async fn only_listed_origins_may_call_from_a_browser() {
    let app = TestApp::spawn_with(Backend::Sqlite, cors_settings()).await;
    let (status, headers) = preflight(&app, "https://portal.example.com").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["access-control-allow-origin"], "https://portal.example.com");
    let methods = headers["access-control-allow-methods"].to_str().expect("methods").to_string();
    assert!(methods.contains("PATCH"), "{methods}");
    let (_, headers) = preflight(&app, "https://evil.example.net").await;
    assert!(headers.get("access-control-allow-origin").is_none(), "an unlisted origin gets no grant");
    let token = app.member_token("jane@example.com").await;
    let read = app
        .client
        .get(app.url("/en/profile?_resource=Coworker"))
        .bearer_auth(&token)
        .header("Origin", "https://portal.example.com")
        .send()
        .await
        .expect("GET");
    assert_eq!(read.headers()["access-control-allow-origin"], "https://portal.example.com");
    let exposed = read.headers()["access-control-expose-headers"].to_str().expect("exposed").to_lowercase();
    assert!(exposed.contains("etag"), "a portal can read the ETag: {exposed}");

    let closed = TestApp::spawn(Backend::Sqlite).await;
    let (_, headers) = preflight(&closed, "https://portal.example.com").await;
    assert!(headers.get("access-control-allow-origin").is_none(), "no origin is allowed by default");
}

#[tokio::test]
async fn https_deployments_get_strict_transport_and_pages_a_content_policy() {
    let public_url = Some(url::Url::parse("https://members.example.com").expect("url"));
    let app = TestApp::spawn_with(Backend::Sqlite, portico::Settings { public_url, ..test_settings() }).await;
    let health = app.client.get(app.url("/healthz")).send().await.expect("GET");
    assert!(health.headers()["strict-transport-security"].to_str().expect("hsts").starts_with("max-age="));
    assert!(
        health.headers()["content-security-policy"].to_str().expect("csp").starts_with("default-src 'none'")
    );
    let page = app.client.get(app.url("/docs/")).send().await.expect("GET");
    let policy = page.headers()["content-security-policy"].to_str().expect("csp").to_string();
    assert!(
        policy.contains("default-src 'self'") && !policy.contains("script-src 'unsafe-inline'"),
        "{policy}"
    );

    let plain = TestApp::spawn(Backend::Sqlite).await;
    let health = plain.client.get(plain.url("/healthz")).send().await.expect("GET");
    assert!(health.headers().get("strict-transport-security").is_none(), "not without https");
}

crate::every_store!(
    metrics_parse_and_move_with_requests,
    the_access_log_names_the_route_never_the_query_or_a_token
);
