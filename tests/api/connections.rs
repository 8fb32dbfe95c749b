//! Connection deadlines, attacked as a slow client would: connections that send nothing,
//! headers sent a line at a time, keep-alive connections left idle. Each attack is sent on
//! many connections at once, and the test counts how many the server still holds.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{Backend, TestApp, test_settings};

const HEADER_READ: Duration = Duration::from_millis(800);
const IDLE: Duration = Duration::from_secs(3);

async fn app_with_deadlines(backend: Backend) -> TestApp {
    let settings = portico::Settings {
        header_read_timeout: HEADER_READ,
        idle_timeout: IDLE,
        request_timeout: Duration::from_secs(2),
        ..test_settings()
    };
    TestApp::spawn_with(backend, settings).await
}

fn address(app: &TestApp) -> String {
    app.base.trim_start_matches("http://").to_string()
}

/// Reads until the server closes the connection (or `limit` passes); returns what it sent
/// and when it closed, if it did.
async fn until_closed(stream: &mut TcpStream, limit: Duration) -> (Vec<u8>, Option<Duration>) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let left = limit.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (received, Some(started.elapsed())),
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
            Err(_) => return (received, None),
        }
    }
}

/// Fifty connections that never send a byte are all closed soon after the header-read
/// timeout; meanwhile a real request is answered at once.
async fn silent_connections_are_closed(backend: Backend) {
    let app = app_with_deadlines(backend).await;
    let token = app.member_token("jane@example.com").await;
    let address = address(&app);
    let silent: Vec<_> = (0..50)
        .map(|_| {
            let address = address.clone();
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(address).await.expect("connect");
                until_closed(&mut stream, HEADER_READ * 5).await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    assert_eq!(app.get(&token, "/login/me").await.0, StatusCode::OK);
    assert!(started.elapsed() < HEADER_READ, "a real request waits for no silent one");
    let mut still_open = 0;
    for connection in silent {
        let (received, closed) = connection.await.expect("task");
        assert!(received.is_empty() || String::from_utf8_lossy(&received).starts_with("HTTP/1.1 408"));
        match closed {
            Some(after) => assert!(after >= HEADER_READ.mul_f32(0.9), "closed after {after:?}"),
            None => still_open += 1,
        }
    }
    assert_eq!(still_open, 0, "connections still held after five header-read timeouts");
}

/// Thirty clients each send a request's headers one line every 300 ms (a slowloris): each
/// connection is closed once the header-read timeout passes, and no request is answered.
async fn headers_sent_a_line_at_a_time_are_cut(backend: Backend) {
    let app = app_with_deadlines(backend).await;
    let address = address(&app);
    let slow: Vec<_> = (0..30)
        .map(|n| {
            let address = address.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                let mut stream = TcpStream::connect(address).await.expect("connect");
                let lines = ["GET /healthz HTTP/1.1\r\n".to_string(), "Host: localhost\r\n".into()]
                    .into_iter()
                    .chain((0..40).map(|i| format!("X-Slow-{n}-{i}: a\r\n")));
                for line in lines {
                    if stream.write_all(line.as_bytes()).await.is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    if started.elapsed() > HEADER_READ * 6 {
                        break;
                    }
                }
                let (received, closed) = until_closed(&mut stream, Duration::from_millis(500)).await;
                (String::from_utf8_lossy(&received).to_string(), closed.map(|_| started.elapsed()))
            })
        })
        .collect();
    let mut answered = 0;
    let mut held = 0;
    for connection in slow {
        let (received, closed) = connection.await.expect("task");
        if received.contains(" 200 ") {
            answered += 1;
        }
        match closed {
            Some(after) if after < HEADER_READ * 4 => {}
            _ => held += 1,
        }
    }
    assert_eq!(answered, 0, "a request whose headers never finished was answered");
    assert_eq!(held, 0, "slow-header connections held past four header-read timeouts");
}

/// After an answer, a keep-alive connection that sends nothing more is closed too; one
/// that goes on sending requests in time is served for as long as it likes.
async fn idle_keep_alive_connections_are_closed(backend: Backend) {
    let app = app_with_deadlines(backend).await;
    let mut stream = TcpStream::connect(address(&app)).await.expect("connect");
    for _ in 0..4 {
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").await.expect("write");
        let mut buffer = [0u8; 4096];
        let n = stream.read(&mut buffer).await.expect("read");
        assert!(String::from_utf8_lossy(&buffer[..n]).starts_with("HTTP/1.1 200"));
        tokio::time::sleep(HEADER_READ / 2).await;
    }
    let (_, closed) = until_closed(&mut stream, HEADER_READ * 5).await;
    let after = closed.expect("the idle keep-alive connection is closed");
    assert!(after >= HEADER_READ / 3, "closed after {after:?}");
}

/// An HTTP/2 connection (prior knowledge) that opens and then says nothing more has no
/// request whose headers could time out: the idle timeout closes it, and no sooner.
async fn an_idle_http2_connection_is_closed_at_the_idle_timeout(backend: Backend) {
    let app = app_with_deadlines(backend).await;
    let mut connections = Vec::new();
    for _ in 0..20 {
        let mut stream = TcpStream::connect(address(&app)).await.expect("connect");
        // The client preface and an empty SETTINGS frame.
        stream.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0").await.expect("write");
        connections.push(tokio::spawn(async move { until_closed(&mut stream, IDLE * 3).await }));
    }
    let mut held = 0;
    for connection in connections {
        let (received, closed) = connection.await.expect("task");
        assert!(!received.is_empty(), "the server answered the preface with its settings");
        match closed {
            Some(after) => {
                assert!(after >= IDLE.mul_f32(0.9), "closed after {after:?}, before the idle timeout")
            }
            None => held += 1,
        }
    }
    assert_eq!(held, 0, "idle HTTP/2 connections held past three idle timeouts");
}

crate::every_store!(
    an_idle_http2_connection_is_closed_at_the_idle_timeout,
    silent_connections_are_closed,
    headers_sent_a_line_at_a_time_are_cut,
    idle_keep_alive_connections_are_closed,
);
