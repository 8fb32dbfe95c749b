//! A flood of sign-ins whose clients hang up at once, at the production Argon2 cost:
//! abandoned requests never start their hash, the hashing queue stays bounded, profile
//! reads stay fast, a member's sign-in is answered promptly, and sign-in works again soon
//! after. Its own test binary, so no other test competes for the CPU meanwhile.

#[allow(dead_code)]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Backend, PASSWORD, TestApp, test_settings};
use portico::auth::password::{HashCost, PasswordHasher};
use portico::service::Settings;
use reqwest::StatusCode;
use tokio::io::AsyncWriteExt;

const FLOOD: usize = 3000;
/// The production queue: 32 requests per hashing thread may wait.
const QUEUE: usize = 32;

/// Profile reads during the flood stay under 100 ms in an optimised build (`cargo test
/// --release --test flood`: 21–37 ms here). An unoptimised build spends about ten times the
/// CPU on each of the 3 000 requests, so on two cores a read can wait a few hundred
/// milliseconds behind their parsing; what it must never do is wait behind their hashing,
/// which would take minutes.
const READ_BOUND: Duration =
    if cfg!(debug_assertions) { Duration::from_secs(1) } else { Duration::from_millis(100) };

async fn flood_of_abandoned_sign_ins(backend: Backend, settings: Settings) {
    let hasher = PasswordHasher::new(HashCost::default(), 1, QUEUE).expect("hasher");
    let app = Arc::new(TestApp::spawn_hasher(backend, settings, hasher).await);
    let reader = app.member_token("reader@example.com").await;
    app.add_member("jane@example.com", None).await;
    let hashes_before = app.state.hasher.jobs_run();

    let reading = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let reads = {
        let (app, reading) = (Arc::clone(&app), Arc::clone(&reading));
        tokio::spawn(async move {
            let mut slowest = Duration::ZERO;
            while reading.load(std::sync::atomic::Ordering::Relaxed) {
                let started = Instant::now();
                let (status, _) = app.profile_bytes(&reader).await;
                assert_eq!(status, StatusCode::OK);
                slowest = slowest.max(started.elapsed());
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            slowest
        })
    };

    let address = app.base.trim_start_matches("http://").to_string();
    let attacker = std::thread::spawn(move || attack(address));
    tokio::task::spawn_blocking(move || attacker.join().expect("attacker")).await.expect("join");

    let started = Instant::now();
    let response = app
        .client
        .post(app.url("/api/token"))
        .form(&[("grant_type", "password"), ("username", "jane@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .expect("sign in");
    let answered_in = started.elapsed();
    let status = response.status();
    assert!(answered_in <= Duration::from_secs(2), "a sign-in waited {answered_in:?} behind the flood");
    match status {
        StatusCode::OK => {}
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
            assert!(response.headers().contains_key("retry-after"), "{status} without Retry-After");
        }
        other => panic!("a sign-in after the flood got {other}"),
    }

    let recovered = Instant::now();
    loop {
        let response = app
            .client
            .post(app.url("/api/token"))
            .form(&[("grant_type", "password"), ("username", "jane@example.com"), ("password", PASSWORD)])
            .send()
            .await
            .expect("sign in");
        if response.status() == StatusCode::OK {
            break;
        }
        assert!(
            recovered.elapsed() < Duration::from_secs(60),
            "sign-in still refused a minute after the flood"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    reading.store(false, std::sync::atomic::Ordering::Relaxed);
    let slowest_read = reads.await.expect("reads");
    let hashed = app.state.hasher.jobs_run() - hashes_before;
    eprintln!(
        "{backend:?}: slowest profile read {slowest_read:?}; first sign-in {status} in {answered_in:?}; \
         sign-in again after {:?}; {hashed} hashes ran for {FLOOD} abandoned sign-ins",
        recovered.elapsed()
    );
    assert!(slowest_read < READ_BOUND, "a profile read took {slowest_read:?} during the flood");
    assert!(hashed <= (1 + QUEUE) as u64 + 2, "{hashed} hashes ran: more than the queue holds");
}

/// The attacker: its own thread and runtime, at the lowest priority, so the flood costs the
/// server what it costs the server, not also what it costs the client sending it.
fn attack(address: String) {
    #[cfg(target_os = "linux")]
    // SAFETY: lowers the calling thread's own scheduling priority; no memory is shared.
    unsafe {
        let thread_id = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, thread_id, 19);
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let senders: Vec<_> =
            (0..FLOOD).map(|i| tokio::spawn(send_and_hang_up(address.clone(), i))).collect();
        for sender in senders {
            sender.await.expect("sender");
        }
    });
}

/// Sends one whole sign-in request and closes the connection without reading the answer.
async fn send_and_hang_up(address: String, i: usize) {
    let Ok(mut stream) = tokio::net::TcpStream::connect(&address).await else { return };
    let body = format!("grant_type=password&username=flood{i}%40example.com&password=some+guess+{i}");
    let request = format!(
        "POST /api/token HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(request.as_bytes()).await;
}

/// With the production rate limits: the flood's address is limited, everyone else is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandoned_flood_with_rate_limits_sqlite() {
    flood_of_abandoned_sign_ins(Backend::Sqlite, Settings::default()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandoned_flood_with_rate_limits_postgres() {
    flood_of_abandoned_sign_ins(Backend::Postgres, Settings::default()).await;
}

/// Without rate limits, the bounded queue and the skipping of abandoned work hold alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandoned_flood_without_rate_limits_sqlite() {
    flood_of_abandoned_sign_ins(Backend::Sqlite, test_settings()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandoned_flood_without_rate_limits_postgres() {
    flood_of_abandoned_sign_ins(Backend::Postgres, test_settings()).await;
}
