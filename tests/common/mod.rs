//! The test harness shared by every test binary: a fresh database per test (a SQLite file,
//! or a PostgreSQL database of its own), a real Portico server on a random loopback port,
//! typed helpers for the calls tests make, the log capture and the search for leaked
//! secrets, `every_store!`, and (`node`) Portico as a separate process.

pub mod node;

use std::sync::Arc;

use portico::auth::password::{HashCost, HashGate, PasswordHasher};
use portico::clock::{Clock as _, ManualClock};
use portico::domain::fields::email_key;
use portico::service::operator::{self, MemberInput};
use portico::service::rate_limit::RateLimitSettings;
use portico::service::{AppState, Settings};
use portico::store::{self, AddedMember, ConnectOptions};
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::Value;
use tempfile::TempDir;
use time::OffsetDateTime;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const PASSWORD: &str = "correct horse battery staple";

/// Which store a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests create their databases on (`.ci/run` makes sure it runs).
pub fn postgres_admin_url() -> String {
    std::env::var("PORTICO_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A database of its own for one test; dropped (with its connections) when this is.
pub struct TestDatabase {
    pub url: String,
    postgres_name: Option<String>,
    _dir: TempDir,
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> TestDatabase {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => {
                let url = format!("sqlite://{}", dir.path().join("portico.db").display());
                TestDatabase { url, postgres_name: None, _dir: dir }
            }
            Backend::Postgres => {
                let name = format!("portico_test_{}", uuid::Uuid::new_v4().simple());
                admin_execute(&format!("create database {name}")).await;
                let mut url = url::Url::parse(&postgres_admin_url()).expect("PORTICO_TEST_PG_URL");
                url.set_path(&name);
                TestDatabase { url: url.to_string(), postgres_name: Some(name), _dir: dir }
            }
        }
    }
}

async fn admin_execute(statement: &str) {
    use sqlx::Connection;
    let admin_url = postgres_admin_url();
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
        panic!("PostgreSQL at {admin_url} is needed for these tests (see DEVELOPERS.md): {e}")
    });
    sqlx::query(sqlx::AssertSqlSafe(statement.to_string())).execute(&mut admin).await.expect(statement);
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else { return };
        let statement = format!("drop database if exists {name} with (force)");
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(admin_execute(&statement));
        });
        let _ = dropped.join();
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub database_url: String,
    pub backend: Backend,
    _shutdown: oneshot::Sender<()>,
    _database: TestDatabase,
}

/// Cheap hashing keeps the suite fast; the cost itself is tested in the unit tests.
pub fn test_cost() -> HashCost {
    HashCost { memory_kib: 1024, iterations: 1, parallelism: 1 }
}

/// The production settings without the per-address rate limits: every test client shares
/// 127.0.0.1, so the tests of those limits turn them on themselves.
pub fn test_settings() -> Settings {
    Settings {
        rate_limits: RateLimitSettings {
            token_per_minute: None,
            password_change_per_minute: None,
            account_mail_per_minute: None,
            reset_per_address_hour: None,
        },
        ..Settings::default()
    }
}

/// Every password the suite has sent: none may ever appear in a log line or an answer.
/// Tokens are recognised by their shape instead (see `tokens_in`).
static PASSWORDS: std::sync::Mutex<std::collections::BTreeSet<String>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// Remembers a password to search for; shorter ones than any policy allows ("nope") would
/// match ordinary text.
pub fn remember_password(password: &str) {
    if password.chars().count() >= 10 {
        PASSWORDS.lock().unwrap_or_else(|p| p.into_inner()).insert(password.to_string());
    }
}

fn passwords() -> Vec<String> {
    PASSWORDS.lock().unwrap_or_else(|p| p.into_inner()).iter().cloned().collect()
}

/// Access, refresh and e-mail link tokens (`pat_…`, `prt_…`, `plk_…`, 43 characters of
/// base64url) inside `text`.
pub fn tokens_in(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for prefix in ["pat_", "prt_", "plk_"] {
        for (at, _) in text.match_indices(prefix) {
            let tail = &text[at + prefix.len()..];
            let length =
                tail.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_').count();
            if length >= 43 {
                found.push(&text[at..at + prefix.len() + length]);
            }
        }
    }
    found
}

/// Panics if an answer carries a password the suite sent, or any token.
pub fn assert_no_secret_in(answer: &str) {
    for password in passwords() {
        assert!(!answer.contains(&password), "an answer contains a password that was sent: {answer}");
    }
    assert!(tokens_in(answer).is_empty(), "an answer contains a token: {answer}");
}

/// How far the logs have been searched: each check reads only what was logged since (a
/// password is remembered before it is sent, so it cannot be logged before it is known).
static LOGS_CHECKED: std::sync::Mutex<usize> = std::sync::Mutex::new(0);

/// Panics if the server's logs hold a password the suite sent, or anything shaped like a token.
pub fn assert_no_secret_in_logs() {
    let logs = captured_logs();
    let mut checked = LOGS_CHECKED.lock().unwrap_or_else(|p| p.into_inner());
    let from = logs.floor_char_boundary(checked.saturating_sub(200));
    let fresh = &logs[from..];
    for password in passwords() {
        assert!(!fresh.contains(&password), "a password reached the logs");
    }
    let leaks: Vec<&str> = fresh.lines().filter(|line| !tokens_in(line).is_empty()).collect();
    assert!(leaks.is_empty(), "a token reached the logs: {leaks:?}");
    *checked = logs.len();
}

/// Everything the servers of this test binary logged, at debug level and above.
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
}

static LOGS: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

struct LogSink;

impl std::io::Write for LogSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The HTML parsers log every tag they read at debug level: the tests' own reading
        // of pages (scraper) would put the tokens those pages carry in the log.
        let _ = tracing_subscriber::fmt()
            .with_env_filter("debug,hyper=info,reqwest=info,html5ever=info,selectors=info")
            .with_writer(|| LogSink)
            .with_ansi(false)
            .try_init();
    });
}

impl Drop for TestApp {
    /// The logs of every test so far must be free of every secret sent so far.
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert_no_secret_in_logs();
        }
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, test_settings()).await
    }

    pub async fn spawn_with(backend: Backend, settings: Settings) -> TestApp {
        TestApp::spawn_hashing(backend, settings, test_cost(), 2).await
    }

    /// A server whose password hashing has the given cost and concurrency.
    pub async fn spawn_hashing(
        backend: Backend,
        settings: Settings,
        cost: HashCost,
        concurrency: usize,
    ) -> TestApp {
        let hasher = PasswordHasher::new(cost, concurrency, 64).expect("hasher");
        TestApp::spawn_hasher(backend, settings, hasher).await
    }

    /// A server whose hashing jobs each wait at `gate` until the test lets them through.
    pub async fn spawn_gated(backend: Backend, gate: Arc<HashGate>) -> TestApp {
        let hasher = PasswordHasher::new(test_cost(), 2, 64).expect("hasher").with_gate(gate);
        TestApp::spawn_hasher(backend, test_settings(), hasher).await
    }

    pub async fn spawn_hasher(backend: Backend, settings: Settings, hasher: PasswordHasher) -> TestApp {
        capture_logs();
        let database = TestDatabase::create(backend).await;
        let database_url = database.url.clone();
        let store = store::connect(&database_url, &ConnectOptions::default()).await.expect("store");
        let clock = Arc::new(ManualClock::new(OffsetDateTime::now_utc()));
        let state = AppState::new(store, hasher, clock.clone(), settings);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(portico::serve(listener, state.clone(), async move {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::builder().no_proxy().build().expect("client");
        TestApp {
            base,
            client,
            state,
            clock,
            database_url,
            backend,
            _shutdown: shutdown,
            _database: database,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn add_location(&self, name: &str) -> i64 {
        operator::add_location(&self.state, name, "GB").await.expect("location").id
    }

    /// Adds a member (creating a first location if there is none yet).
    pub async fn add_member(&self, email: &str, location: Option<&str>) -> AddedMember {
        if self.state.store.locations().await.expect("locations").is_empty() {
            self.add_location("Main Street").await;
        }
        let known = self.state.store.login_record(&email_key(email)).await.expect("query").is_some();
        let input = MemberInput {
            email: email.into(),
            password: (!known).then(|| SecretString::from(PASSWORD)),
            full_name: format!("Member {email}"),
            location: location.map(str::to_string),
        };
        operator::add_member(&self.state, input).await.expect("member")
    }

    /// The two-step code of the step `offset` steps from the server's clock.
    pub fn totp_code(&self, secret: &[u8], offset: i64) -> String {
        let step = portico::domain::two_factor::STEP_SECONDS as i64;
        let now = self.clock.now().unix_timestamp() + offset * step;
        portico::domain::two_factor::code_at(secret, now as u64)
    }

    /// Moves the server's clock to the start of the next step, so that a code is new and the
    /// codes of one test do not straddle a step.
    pub fn next_totp_step(&self) {
        let step = portico::domain::two_factor::STEP_SECONDS as i64;
        let now = self.clock.now().unix_timestamp();
        self.clock.advance(time::Duration::seconds(step - now % step));
    }

    /// Turns two-step sign-in on for the session's user through the API; the secret.
    pub async fn enrol_two_factor(&self, token: &str) -> Vec<u8> {
        let path = self.url("/api/public/coworker/two-factor");
        let started: Value = self
            .client
            .post(&path)
            .bearer_auth(token)
            .json(&serde_json::json!({"Password": PASSWORD}))
            .send()
            .await
            .expect("POST")
            .json()
            .await
            .expect("json");
        let secret = started["Value"]["Secret"].as_str().expect("the secret").to_string();
        let secret = totp_rs::Secret::Encoded(secret).to_bytes().expect("base32");
        self.next_totp_step();
        let confirm = serde_json::json!({"Code": self.totp_code(&secret, 0)});
        let confirmed = self
            .client
            .post(format!("{path}/confirm"))
            .bearer_auth(token)
            .json(&confirm)
            .send()
            .await
            .expect("POST");
        assert_eq!(confirmed.status(), StatusCode::OK);
        secret
    }

    /// A staff member with two-step sign-in on, signed in: adds them as a member at
    /// `location`, enrols them, grants the role, and signs in with a new code.
    pub async fn staff_token(&self, email: &str, location: &str, role: &str) -> String {
        self.staff_member(email, location, role).await.0
    }

    /// [`staff_token`](Self::staff_token), and the secret of their two-step sign-in.
    pub async fn staff_member(&self, email: &str, location: &str, role: &str) -> (String, Vec<u8>) {
        self.add_member(email, Some(location)).await;
        let member = self.sign_in(email, PASSWORD).await;
        let secret = self.enrol_two_factor(&member).await;
        let role = portico::domain::staff::Role::parse(role).expect("a role");
        portico::service::staff::grant(&self.state, email, location, role, None).await.expect("granted");
        self.next_totp_step();
        let code = self.totp_code(&secret, 0);
        let (status, body) = self
            .token_request(&[
                ("grant_type", "password"),
                ("username", email),
                ("password", PASSWORD),
                ("totp", &code),
            ])
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (body["access_token"].as_str().expect("a token").to_string(), secret)
    }

    /// Adds a member and signs them in, returning the access token.
    pub async fn member_token(&self, email: &str) -> String {
        self.add_member(email, None).await;
        self.sign_in(email, PASSWORD).await
    }

    pub async fn token_request(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        for (name, value) in form {
            if *name == "password" {
                remember_password(value);
            }
        }
        let response =
            self.client.post(self.url("/api/token")).form(form).send().await.expect("token request");
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let mut shown = body.clone();
        for issued in ["access_token", "refresh_token"] {
            shown.as_object_mut().map(|o| o.remove(issued));
        }
        assert_no_secret_in(&shown.to_string());
        (status, body)
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let (status, body) = self
            .token_request(&[("grant_type", "password"), ("username", email), ("password", password)])
            .await;
        assert_eq!(status, StatusCode::OK, "sign-in failed: {body}");
        body["access_token"].as_str().expect("access_token").to_string()
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let response = self.client.get(self.url(path)).bearer_auth(token).send().await.expect("GET");
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_no_secret_in(&body.to_string());
        (status, body)
    }

    /// The raw answer to reading the editing representation, headers and all.
    pub async fn profile_response(&self, token: &str) -> reqwest::Response {
        self.client
            .get(self.url("/en/profile?_resource=Coworker"))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET profile")
    }

    /// The editing representation, exactly as the server sent it.
    pub async fn profile_bytes(&self, token: &str) -> (StatusCode, String) {
        let response = self.profile_response(token).await;
        (response.status(), response.text().await.expect("body"))
    }

    pub async fn profile(&self, token: &str) -> Value {
        let (status, body) = self.get(token, "/en/profile?_resource=Coworker").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub async fn patch(&self, token: &str, body: &Value) -> (StatusCode, Value) {
        for (name, value) in body.as_object().into_iter().flatten() {
            if name.to_lowercase().contains("password") {
                remember_password(value.as_str().unwrap_or_default());
            }
        }
        let response = self
            .client
            .patch(self.url("/api/public/coworker/profile"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("PATCH");
        let status = response.status();
        let reply: Value = response.json().await.unwrap_or(Value::Null);
        let mut shown = reply.clone();
        shown.as_object_mut().map(|o| o.remove("RefreshToken"));
        assert_no_secret_in(&shown.to_string());
        (status, reply)
    }

    pub async fn change_password(&self, token: &str, old: &str, new: &str) -> (StatusCode, Value) {
        self.patch(
            token,
            &serde_json::json!({"OldPassword": old, "NewPassword": new, "RepeatNewPassword": new}),
        )
        .await
    }

    /// Everything the database holds, to search for what must never be stored: the raw
    /// files of SQLite, every row of every table of PostgreSQL.
    pub async fn database_bytes(&self) -> Vec<u8> {
        match self.backend {
            Backend::Sqlite => {
                let path = self.database_url.trim_start_matches("sqlite://").to_string();
                let mut bytes = Vec::new();
                for suffix in ["", "-wal", "-shm"] {
                    if let Ok(mut content) = std::fs::read(format!("{path}{suffix}")) {
                        bytes.append(&mut content);
                    }
                }
                bytes
            }
            Backend::Postgres => postgres_dump(&self.database_url).await.into_bytes(),
        }
    }

    /// PATCHes and asserts success.
    pub async fn patch_ok(&self, token: &str, body: &Value) {
        let (status, reply) = self.patch(token, body).await;
        assert_eq!(status, StatusCode::OK, "PATCH {body} failed: {reply}");
        assert_eq!(reply["WasSuccessful"], true);
    }
}

/// The `(PropertyName, Code)` pairs of a 400 envelope, sorted.
pub fn error_codes(body: &Value) -> Vec<(String, String)> {
    let mut codes: Vec<(String, String)> = body["Errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    (e["PropertyName"].as_str().unwrap_or("").into(), e["Code"].as_str().unwrap_or("").into())
                })
                .collect()
        })
        .unwrap_or_default();
    codes.sort();
    codes
}

/// Stamps out, for each listed case (`async fn case(backend: Backend)`), one test per store:
/// `sqlite::case` and `postgres::case`, on a multi-threaded runtime like the server's.
#[macro_export]
macro_rules! every_store {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case($crate::common::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case($crate::common::Backend::Postgres).await;
                }
            )*
        }
    };
}

async fn postgres_dump(url: &str) -> String {
    use sqlx::Connection;
    let mut connection = sqlx::PgConnection::connect(url).await.expect("connect");
    let tables: Vec<String> =
        sqlx::query_scalar("select tablename::text from pg_tables where schemaname = 'public'")
            .fetch_all(&mut connection)
            .await
            .expect("tables");
    let mut dump = String::new();
    for table in tables {
        let statement = format!("select coalesce(string_agg(t::text, E'\\n'), '') from \"{table}\" t");
        let rows: String = sqlx::query_scalar(sqlx::AssertSqlSafe(statement))
            .fetch_one(&mut connection)
            .await
            .expect("rows");
        dump.push_str(&rows);
    }
    dump
}

/// Everything the audit log holds about an address, whoever's it was, oldest group first.
pub async fn audit_records(
    state: &portico::AppState,
    email: &str,
) -> Vec<portico::domain::audit::AuditRecord> {
    let groups = portico::service::operator::audit(state, email).await.expect("audit");
    let mut records: Vec<_> = groups.into_iter().flat_map(|group| group.records).collect();
    records.sort_by_key(|record| record.at);
    records
}
