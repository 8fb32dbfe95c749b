//! Profile photos over HTTP: uploads as bytes and as base64, every refused input (too big,
//! a decompression bomb, cut short, the wrong type, a polyglot), metadata stripped, the
//! private-photo rule, entity tags, the initials picture, removal.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Backend, TestApp, error_codes};

fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = RgbImage::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Cursor::new(Vec::new());
    picture.write_to(&mut out, ImageFormat::Png).expect("png");
    out.into_inner()
}

/// A JPEG carrying an EXIF block with a GPS position and a comment, as phones write them.
fn jpeg_with_metadata() -> Vec<u8> {
    let picture = RgbImage::from_pixel(640, 480, Rgb([10, 120, 200]));
    let mut plain = Cursor::new(Vec::new());
    picture.write_to(&mut plain, ImageFormat::Jpeg).expect("jpeg");
    let plain = plain.into_inner();
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08\0\0GPSLatitude 51.5007N GPSLongitude 0.1246W".to_vec();
    exif.resize(exif.len() + 16, 0);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&u16::try_from(exif.len() + 2).expect("short").to_be_bytes());
    segment.extend_from_slice(&exif);
    let comment = b"\xFF\xFE\0\x16secret-comment-here!";
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&segment);
    out.extend_from_slice(comment);
    out.extend_from_slice(&plain[2..]);
    out
}

/// A PNG whose header claims 20 000 × 20 000 pixels in a few bytes of compressed zeros.
fn bomb() -> Vec<u8> {
    let mut header = png(1, 1);
    // The IHDR chunk's width and height follow the 8-byte signature and 8 bytes of chunk
    // header; its CRC (over the type and data, bytes 12..29) follows them.
    header[16..20].copy_from_slice(&20_000u32.to_be_bytes());
    header[20..24].copy_from_slice(&20_000u32.to_be_bytes());
    let crc = crc32(&header[12..29]);
    header[29..33].copy_from_slice(&crc.to_be_bytes());
    header
}

/// CRC-32 (IEEE), as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

async fn put(
    app: &TestApp,
    token: &str,
    kind: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let response = app
        .client
        .put(app.url(&format!("/api/public/coworker/profile/{kind}")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("PUT");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn fetch(app: &TestApp, url: &str, token: Option<&str>) -> reqwest::Response {
    let request = app.client.get(url);
    let request = match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    };
    request.send().await.expect("GET")
}

async fn a_photo_is_stored_cut_to_size_and_served_with_its_tag(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    app.patch_ok(&token, &json!({"ProfileIsPublic": true})).await;
    let profile = app.profile(&token).await;
    let avatar_url = profile["AvatarUrl"].as_str().expect("AvatarUrl").to_string();
    assert!(avatar_url.starts_with("http://") && avatar_url.ends_with("/avatar"), "{avatar_url}");

    let before = fetch(&app, &avatar_url, None).await;
    assert_eq!(before.headers()["content-type"], "image/svg+xml", "initials until a photo");
    assert!(
        before.headers()["content-security-policy"].to_str().expect("csp").contains("default-src 'none'")
    );

    let (status, body) = put(&app, &token, "avatar", "image/png", png(900, 500)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["Value"]["Url"], avatar_url.as_str());
    let served = fetch(&app, &avatar_url, None).await;
    assert_eq!(served.status(), StatusCode::OK);
    let headers = served.headers().clone();
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["cache-control"].to_str().expect("cache").contains("no-cache"));
    let tag = headers["etag"].to_str().expect("etag").to_string();
    assert!(tag.starts_with('"') && tag.len() > 10, "a strong tag: {tag}");
    let bytes = served.bytes().await.expect("bytes");
    let decoded = image::load_from_memory(&bytes).expect("a JPEG");
    assert_eq!((decoded.width(), decoded.height()), (400, 400));
    let again = app.client.get(&avatar_url).header("if-none-match", &tag).send().await.expect("GET");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // The banner, as base64 in JSON (a data: URL, as browsers make them).
    let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, png(300, 300));
    let body = serde_json::to_vec(&json!({"Base64Banner": format!("data:image/png;base64,{encoded}")}))
        .expect("json");
    let (status, answer) = put(&app, &token, "banner", "application/json", body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let banner = fetch(&app, profile["BannerUrl"].as_str().expect("BannerUrl"), None)
        .await
        .bytes()
        .await
        .expect("bytes");
    let decoded = image::load_from_memory(&banner).expect("a JPEG");
    assert_eq!((decoded.width(), decoded.height()), (1200, 300));

    // The directory's records and cards carry the face.
    let (_, list) = app.get(&token, "/api/public/coworkers/published").await;
    assert_eq!(list["Records"][0]["AvatarUrl"], avatar_url.as_str());

    let removed =
        app.client.delete(app.url("/api/public/coworker/profile/avatar")).bearer_auth(&token).send().await;
    assert_eq!(removed.expect("DELETE").status(), StatusCode::OK);
    assert_eq!(fetch(&app, &avatar_url, None).await.headers()["content-type"], "image/svg+xml");
}

async fn metadata_never_survives(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    let upload = jpeg_with_metadata();
    assert!(image::load_from_memory(&upload).is_ok(), "the test's own upload decodes");
    let (status, body) = put(&app, &token, "avatar", "image/jpeg", upload).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let url = app.profile(&token).await["AvatarUrl"].as_str().expect("url").to_string();
    let served = fetch(&app, &url, Some(&token)).await.bytes().await.expect("bytes");
    let text = String::from_utf8_lossy(&served);
    for trace in ["Exif", "GPS", "51.5007", "secret-comment"] {
        assert!(!text.contains(trace), "{trace} was served");
    }
    let stored = String::from_utf8_lossy(&app.database_bytes().await).into_owned();
    assert!(!stored.contains("GPSLatitude") && !stored.contains("secret-comment"), "nor stored");
}

async fn every_bad_upload_is_a_clean_400_naming_the_photo(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    let whole = png(64, 64);
    let mut polyglot = png(64, 64);
    polyglot.extend_from_slice(b"<html><script>alert(document.cookie)</script></html>");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("image/gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00".to_vec(), "unsupported_image"),
        (
            "image/svg+xml",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>".to_vec(),
            "unsupported_image",
        ),
        ("image/png", whole[..whole.len() / 2].to_vec(), "invalid_image"),
        ("image/png", bomb(), "image_too_large"),
        ("image/png", png(8_001, 2), "image_too_large"),
    ];
    for (content_type, body, code) in cases {
        let (status, answer) = put(&app, &token, "avatar", content_type, body).await;
        assert_eq!(
            (status, error_codes(&answer)),
            (StatusCode::BAD_REQUEST, vec![("Base64Avatar".into(), code.into())]),
            "{content_type} → {code}"
        );
    }
    // Refused from its Content-Length: the server answers 413 and may close the connection
    // before the client has written it all.
    let too_big = app
        .client
        .put(app.url("/api/public/coworker/profile/avatar"))
        .bearer_auth(&token)
        .header("content-type", "image/png")
        .body(vec![0; 15 * 1024 * 1024])
        .send()
        .await;
    match too_big {
        Ok(response) => assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE),
        Err(error) => assert!(error.is_request(), "{error}"),
    }
    let url = app.profile(&token).await["AvatarUrl"].as_str().expect("url").to_string();
    assert_eq!(
        fetch(&app, &url, Some(&token)).await.headers()["content-type"],
        "image/svg+xml",
        "none stored"
    );
    let (status, answer) =
        put(&app, &token, "banner", "application/json", br#"{"Base64Banner": "not base64!"}"#.to_vec()).await;
    assert_eq!(
        (status, error_codes(&answer)),
        (StatusCode::BAD_REQUEST, vec![("Base64Banner".into(), "invalid_image".into())])
    );
    let (status, _) = put(&app, &token, "portrait", "image/png", png(10, 10)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A polyglot is a picture to the decoder and nothing more once re-encoded.
    let (status, _) = put(&app, &token, "avatar", "image/png", polyglot).await;
    assert_eq!(status, StatusCode::OK);
    let served = fetch(&app, &url, Some(&token)).await;
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert!(!String::from_utf8_lossy(&served.bytes().await.expect("bytes")).contains("<script"));
}

/// Bombs sent together: every one refused, none stored, and the server answers on.
async fn concurrent_bombs_are_all_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    let url = app.profile(&token).await["AvatarUrl"].as_str().expect("url").to_string();
    let attacks = (0..8).map(|_| put(&app, &token, "avatar", "image/png", bomb()));
    let answers = futures_util::future::join_all(attacks).await;
    let refused = answers.iter().filter(|(status, _)| *status == StatusCode::BAD_REQUEST).count();
    let unavailable = answers.iter().filter(|(status, _)| *status == StatusCode::SERVICE_UNAVAILABLE).count();
    assert_eq!(refused + unavailable, 8, "{answers:?}");
    assert!(refused >= 2);
    assert_eq!(
        fetch(&app, &url, Some(&token)).await.headers()["content-type"],
        "image/svg+xml",
        "none stored"
    );
    assert_eq!(app.client.get(app.url("/healthz")).send().await.expect("GET").status(), StatusCode::OK);
}

async fn a_private_profiles_photo_is_its_members_alone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ann = app.member_token("ann@example.com").await;
    let bob = app.member_token("bob@example.com").await;
    let (status, _) = put(&app, &ann, "avatar", "image/png", png(50, 50)).await;
    assert_eq!(status, StatusCode::OK);
    let url = app.profile(&ann).await["AvatarUrl"].as_str().expect("url").to_string();
    assert_eq!(fetch(&app, &url, None).await.status(), StatusCode::NOT_FOUND, "private: not to anyone");
    assert_eq!(fetch(&app, &url, Some(&bob)).await.status(), StatusCode::NOT_FOUND, "nor another member");
    let own = fetch(&app, &url, Some(&ann)).await;
    assert_eq!(own.status(), StatusCode::OK);
    assert!(own.headers()["cache-control"].to_str().expect("cache").starts_with("private"));
    app.patch_ok(&ann, &json!({"ProfileIsPublic": true})).await;
    assert_eq!(fetch(&app, &url, None).await.status(), StatusCode::OK, "public: to anyone");
    assert_eq!(
        fetch(&app, &app.url("/media/coworkers/no-such-profile/avatar"), None).await.status(),
        StatusCode::NOT_FOUND
    );
    let forged = fetch(&app, &url, Some("not-a-token")).await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
}

/// Uploads whose bodies never finish hold their turns: a node reads at most two uploads at
/// once, and the next one waits, then is answered 503, instead of being read into memory.
async fn slow_uploads_hold_the_turns_and_the_next_waits_for_one(backend: Backend) {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    let address = app.base.trim_start_matches("http://").to_string();
    let mut held = Vec::new();
    for _ in 0..portico::service::state::PHOTO_TURNS {
        let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
        let head = format!(
            "PUT /api/public/coworker/profile/avatar HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: image/png\r\nContent-Length: 5000000\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.expect("write");
        stream.write_all(&png(8, 8)).await.expect("a first few bytes");
        held.push(stream);
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    let (status, body) = put(&app, &token, "avatar", "image/png", png(40, 40)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(started.elapsed() >= std::time::Duration::from_secs(4), "it waited for a turn first");
    drop(held);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let (status, body) = put(&app, &token, "avatar", "image/png", png(40, 40)).await;
    assert_eq!(status, StatusCode::OK, "the turns come back when those clients leave: {body}");
}

/// Oversized uploads without a `Content-Length` (chunked), sent together: the cap is
/// counted as the bytes arrive, so each is cut off (413, or 503 while both turns are taken),
/// none is stored, and the server answers on.
async fn concurrent_chunked_uploads_past_the_cap_are_all_cut_off(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    let url = app.profile(&token).await["AvatarUrl"].as_str().expect("url").to_string();
    let address = app.base.trim_start_matches("http://").to_string();
    let attack = |address: String, token: String| async move {
        let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
        let head = format!(
            "PUT /api/public/coworker/profile/avatar HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: image/png\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.expect("head");
        let chunk = vec![0u8; 64 * 1024];
        let mut sent = 0;
        // 16 MiB, past the body's cap (10 MiB of picture as base64 in JSON, about 13.3 MiB); the
        // server may stop reading (and close) before the end.
        while sent < 16 * 1024 * 1024 {
            let framed =
                [format!("{:x}\r\n", chunk.len()).into_bytes(), chunk.clone(), b"\r\n".to_vec()].concat();
            if stream.write_all(&framed).await.is_err() {
                break;
            }
            sent += chunk.len();
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
        let mut answer = Vec::new();
        let _ =
            tokio::time::timeout(std::time::Duration::from_secs(20), stream.read_to_end(&mut answer)).await;
        let status_line = String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_string();
        status_line.split(' ').nth(1).and_then(|code| code.parse::<u16>().ok())
    };
    let attacks = (0..4).map(|_| attack(address.clone(), token.clone()));
    let statuses = futures_util::future::join_all(attacks).await;
    let cut_off = statuses.iter().filter(|s| **s == Some(413)).count();
    let refused = statuses.iter().all(|s| matches!(s, Some(413) | Some(503) | None));
    assert!(refused && cut_off >= 1, "every one cut off or turned away: {statuses:?}");
    assert_eq!(
        fetch(&app, &url, Some(&token)).await.headers()["content-type"],
        "image/svg+xml",
        "none stored"
    );
    let (status, _) = put(&app, &token, "avatar", "image/png", png(40, 40)).await;
    assert_eq!(status, StatusCode::OK, "the turns came back");
}

crate::every_store!(
    concurrent_chunked_uploads_past_the_cap_are_all_cut_off,
    a_photo_is_stored_cut_to_size_and_served_with_its_tag,
    metadata_never_survives,
    every_bad_upload_is_a_clean_400_naming_the_photo,
    concurrent_bombs_are_all_refused,
    a_private_profiles_photo_is_its_members_alone,
    slow_uploads_hold_the_turns_and_the_next_waits_for_one,
);
