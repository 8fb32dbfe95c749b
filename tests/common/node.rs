//! Portico as separate processes: nodes started from the built binary, for tests that
//! kill them, run several, or take their database away.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use portico::auth::password::{HashCost, PasswordHasher};
use portico::clock::SystemClock;
use portico::service::operator::{self, MemberInput};
use portico::service::{AppState, Settings};
use portico::store;
use secrecy::SecretString;

pub const PASSWORD: &str = "correct horse battery staple";

/// One `portico serve` process.
pub struct Node {
    pub child: Child,
    pub base: String,
}

impl Node {
    pub fn start(database_url: &str) -> Node {
        Node::start_with(database_url, &[])
    }

    /// A node with further environment variables (`PORTICO_SMTP_URL`, …).
    pub fn start_with(database_url: &str, environment: &[(&str, &str)]) -> Node {
        let mut child = Command::new(env!("CARGO_BIN_EXE_portico"))
            .args(["serve", "--bind", "127.0.0.1:0", "--no-demo"])
            // A portico.toml a developer keeps in the working directory is not the test's.
            .env("PORTICO_CONFIG", "")
            .env("PORTICO_DATABASE_URL", database_url)
            .env("PORTICO_ARGON2_MEMORY_KIB", "1024")
            .env("PORTICO_ARGON2_ITERATIONS", "1")
            .env("PORTICO_LOG", "warn")
            // Every test client is 127.0.0.1: the per-address limits would count them as one.
            .env("PORTICO_TOKEN_RATE_LIMIT", "0")
            .env("PORTICO_PASSWORD_CHANGE_RATE_LIMIT", "0")
            .env("PORTICO_RESET_RATE_LIMIT", "0")
            .envs(environment.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn portico serve");
        let stdout = child.stdout.take().expect("stdout");
        let base = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| line.strip_prefix("Portico is serving on ").map(str::to_string))
            .expect("the node announces its address");
        Node { child, base }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// SIGKILL: no shutdown, no flushing, nothing.
    pub fn kill_hard(&mut self) {
        self.child.kill().expect("kill -9");
        let _ = self.child.wait();
    }

    /// Whether the process is still running (it has not crashed or panicked out).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Creates a location and `count` members (member0@example.com …) directly in the store.
pub async fn seed_members(database_url: &str, count: usize) -> Vec<String> {
    let store = store::connect(database_url, &Default::default()).await.expect("store");
    let cost = HashCost { memory_kib: 1024, iterations: 1, parallelism: 1 };
    let hasher = PasswordHasher::new(cost, 2, 64).expect("hasher");
    let state = AppState::new(store, hasher, Arc::new(SystemClock), Settings::default());
    operator::add_location(&state, "Main Street", "GB").await.expect("location");
    let mut emails = Vec::new();
    for i in 0..count {
        let email = format!("member{i}@example.com");
        let input = MemberInput {
            email: email.clone(),
            password: Some(SecretString::from(PASSWORD)),
            full_name: format!("Member {i}"),
            location: None,
        };
        operator::add_member(&state, input).await.expect("member");
        emails.push(email);
    }
    emails
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().timeout(std::time::Duration::from_secs(10)).build().expect("client")
}

pub async fn sign_in(client: &reqwest::Client, node: &Node, email: &str) -> String {
    let response = client
        .post(node.url("/api/token"))
        .form(&[("grant_type", "password"), ("username", email), ("password", PASSWORD)])
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    body["access_token"].as_str().expect("token").to_string()
}
