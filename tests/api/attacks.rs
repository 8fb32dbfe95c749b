//! The guards, attacked as an attacker would: many requests at once, and counted.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use portico::auth::password::{HashGate, PasswordHasher};
use portico::service::Settings;
use portico::service::rate_limit::RateLimitSettings;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Backend, PASSWORD, TestApp, error_codes, remember_password, test_cost, test_settings};

const NEW_PASSWORD: &str = "violet kettle drum 42";

/// Sends `count` requests at once and returns their statuses.
async fn all_at_once<F, Fut>(count: usize, request: F) -> Vec<StatusCode>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = StatusCode> + Send + 'static,
{
    let tasks: Vec<_> = (0..count).map(|i| tokio::spawn(request(i))).collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("request"));
    }
    statuses
}

fn count(statuses: &[StatusCode], wanted: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == wanted).count()
}

fn sign_in_status(
    client: reqwest::Client,
    url: String,
    email: &str,
    password: &str,
) -> impl std::future::Future<Output = StatusCode> + Send + use<> {
    let (email, password) = (email.to_string(), password.to_string());
    async move {
        let form =
            [("grant_type", "password"), ("username", email.as_str()), ("password", password.as_str())];
        client.post(url).form(&form).send().await.expect("POST").status()
    }
}

async fn sixty_concurrent_wrong_sign_ins_get_five_checks_then_the_lock_holds(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let statuses = all_at_once(60, |i| {
        sign_in_status(
            app.client.clone(),
            app.url("/api/token"),
            "jane@example.com",
            &format!("wrong guess {i}"),
        )
    })
    .await;
    assert!(count(&statuses, StatusCode::BAD_REQUEST) <= 5, "{statuses:?}");
    assert_eq!(
        count(&statuses, StatusCode::BAD_REQUEST) + count(&statuses, StatusCode::TOO_MANY_REQUESTS),
        60
    );
    let right = || sign_in_status(app.client.clone(), app.url("/api/token"), "jane@example.com", PASSWORD);
    assert_eq!(right().await, StatusCode::TOO_MANY_REQUESTS, "the right password is refused during the lock");

    app.clock.advance(time::Duration::minutes(10));
    let during = all_at_once(20, |_| {
        sign_in_status(app.client.clone(), app.url("/api/token"), "jane@example.com", "wrong again 123")
    })
    .await;
    assert_eq!(count(&during, StatusCode::TOO_MANY_REQUESTS), 20, "failures during the lock never lift it");
    app.clock.advance(time::Duration::minutes(4));
    assert_eq!(right().await, StatusCode::TOO_MANY_REQUESTS, "nor shorten it");
    app.clock.advance(time::Duration::minutes(1));
    assert_eq!(right().await, StatusCode::OK, "the lock ends 15 minutes after it began");
    let audit = crate::common::audit_records(&app.state, "jane@example.com").await;
    let checked = audit.iter().filter(|r| r.event == "sign_in_failed" && r.detail.is_none()).count();
    assert!(checked <= 5, "at most five passwords were checked: {checked}");
}

/// The hourly clean-up deletes only counters whose window has passed: an attacker who
/// spreads guesses around it gains nothing.
async fn the_hourly_purge_keeps_the_counts_that_still_matter(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let wrong =
        || sign_in_status(app.client.clone(), app.url("/api/token"), "jane@example.com", "wrong guess 1");
    for _ in 0..4 {
        assert_eq!(wrong().await, StatusCode::BAD_REQUEST);
    }
    app.clock.advance(time::Duration::minutes(5));
    portico::service::ops::purge(&app.state).await.expect("purge");
    assert_eq!(wrong().await, StatusCode::BAD_REQUEST, "the fifth check");
    assert_eq!(wrong().await, StatusCode::TOO_MANY_REQUESTS, "the four before the purge still counted");
    app.clock.advance(time::Duration::minutes(30));
    portico::service::ops::purge(&app.state).await.expect("purge");
    let right = sign_in_status(app.client.clone(), app.url("/api/token"), "jane@example.com", PASSWORD);
    assert_eq!(right.await, StatusCode::OK, "an old window is forgotten");
}

async fn sixty_concurrent_wrong_current_passwords_get_five_checks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = Arc::new(app.member_token("jane@example.com").await);
    let statuses = all_at_once(60, |i| {
        let (client, url, token) = (app.client.clone(), app.url("/api/public/coworker/profile"), Arc::clone(&token));
        async move {
            let body =
                json!({"OldPassword": &format!("wrong guess {i}"), "NewPassword": NEW_PASSWORD, "RepeatNewPassword": NEW_PASSWORD});
            client.patch(url).bearer_auth(token.as_str()).json(&body).send().await.expect("PATCH").status()
        }
    })
    .await;
    assert!(count(&statuses, StatusCode::BAD_REQUEST) <= 5, "{statuses:?}");
    assert_eq!(
        count(&statuses, StatusCode::BAD_REQUEST) + count(&statuses, StatusCode::TOO_MANY_REQUESTS),
        60
    );
    let (status, _) = app.change_password(&token, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the right current password is refused during the lock"
    );
    let sign_in =
        sign_in_status(app.client.clone(), app.url("/api/token"), "jane@example.com", PASSWORD).await;
    assert_eq!(sign_in, StatusCode::TOO_MANY_REQUESTS, "one lock for both doors");
}

/// With a limit of 10 a minute, 100 sign-ins sent at once from one address: exactly 10
/// reach the password check.
async fn the_sign_in_rate_limit_holds_under_concurrency(backend: Backend) {
    let limits = RateLimitSettings {
        token_per_minute: NonZeroU32::new(10),
        password_change_per_minute: None,
        account_mail_per_minute: None,
        reset_per_address_hour: None,
    };
    let app = TestApp::spawn_with(backend, Settings { rate_limits: limits, ..test_settings() }).await;
    let statuses = all_at_once(100, |i| {
        sign_in_status(
            app.client.clone(),
            app.url("/api/token"),
            &format!("user{i}@example.com"),
            "some guess 123",
        )
    })
    .await;
    assert_eq!(count(&statuses, StatusCode::BAD_REQUEST), 10, "{statuses:?}");
    assert_eq!(count(&statuses, StatusCode::TOO_MANY_REQUESTS), 90);
    let response = app
        .client
        .post(app.url("/api/token"))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "prt_whatever")])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "the whole token endpoint is limited");
    let retry_after: u64 =
        response.headers()["retry-after"].to_str().expect("header").parse().expect("seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "slow_down", "RFC 6749 form: {body}");
}

/// Behind a trusted proxy, each forwarded address has its own limit; from anyone else the
/// header is ignored, so it cannot be used to dodge the limit.
async fn forwarded_addresses_count_only_behind_a_trusted_proxy(backend: Backend) {
    let limits = RateLimitSettings {
        token_per_minute: NonZeroU32::new(2),
        password_change_per_minute: None,
        account_mail_per_minute: None,
        reset_per_address_hour: None,
    };
    let forwarded = |app: &TestApp, address: String| {
        let (client, url) = (app.client.clone(), app.url("/api/token"));
        async move {
            let username = format!("{}@example.com", uuid::Uuid::new_v4().simple());
            let form =
                [("grant_type", "password"), ("username", username.as_str()), ("password", "some guess 123")];
            let request = client.post(url).header("X-Forwarded-For", address).form(&form);
            request.send().await.expect("POST").status()
        }
    };
    let trusting = Settings {
        rate_limits: limits,
        trusted_proxies: vec!["127.0.0.1".parse().expect("ip")],
        ..test_settings()
    };
    let app = TestApp::spawn_with(backend, trusting).await;
    let statuses = all_at_once(30, |i| forwarded(&app, format!("198.51.100.{}", i % 10))).await;
    assert_eq!(count(&statuses, StatusCode::BAD_REQUEST), 20, "two per forwarded address: {statuses:?}");

    let untrusting = Settings { rate_limits: limits, ..test_settings() };
    let app = TestApp::spawn_with(backend, untrusting).await;
    let statuses = all_at_once(30, |i| forwarded(&app, format!("198.51.100.{i}"))).await;
    assert_eq!(count(&statuses, StatusCode::BAD_REQUEST), 2, "one peer, one limit: {statuses:?}");
}

async fn the_password_change_rate_limit_holds_under_concurrency(backend: Backend) {
    let limits = RateLimitSettings {
        token_per_minute: None,
        password_change_per_minute: NonZeroU32::new(3),
        account_mail_per_minute: None,
        reset_per_address_hour: None,
    };
    let app = TestApp::spawn_with(backend, Settings { rate_limits: limits, ..test_settings() }).await;
    let token = Arc::new(app.member_token("jane@example.com").await);
    let statuses = all_at_once(30, |_| {
        let (client, url, token) =
            (app.client.clone(), app.url("/api/public/coworker/profile"), Arc::clone(&token));
        async move {
            let body = json!({"OldPassword": PASSWORD, "NewPassword": "short", "RepeatNewPassword": "short"});
            client.patch(url).bearer_auth(token.as_str()).json(&body).send().await.expect("PATCH").status()
        }
    })
    .await;
    assert_eq!(count(&statuses, StatusCode::BAD_REQUEST), 3, "{statuses:?}");
    assert_eq!(count(&statuses, StatusCode::TOO_MANY_REQUESTS), 27);
    app.patch_ok(&token, &json!({"NickName": "plain writes are never limited"})).await;
}

/// A full hashing queue answers at once: with every place taken, 40 more sign-ins get 503
/// with `Retry-After` without waiting, and no more than the queue's places are admitted.
async fn a_full_hashing_queue_answers_503_at_once(backend: Backend) {
    let gate = HashGate::new();
    let hasher = PasswordHasher::new(test_cost(), 1, 3).expect("hasher").with_gate(Arc::clone(&gate));
    let app = Arc::new(TestApp::spawn_hasher(backend, test_settings(), hasher).await);
    gate.open(1); // the member's password
    app.add_member("jane@example.com", None).await;
    let waiting: Vec<_> = (0..4)
        .map(|i| {
            let app = Arc::clone(&app);
            tokio::spawn(async move {
                sign_in_status(
                    app.client.clone(),
                    app.url("/api/token"),
                    &format!("x{i}@example.com"),
                    "guess 12345",
                )
                .await
            })
        })
        .collect();
    wait_for_arrivals(&gate, 5).await; // the member's password and four verifications
    let started = std::time::Instant::now();
    let refused = all_at_once(40, |i| {
        let (client, url) = (app.client.clone(), app.url("/api/token"));
        async move {
            let form =
                [("grant_type", "password"), ("username", "jane@example.com"), ("password", "guess 12345")];
            let response = client.post(url).form(&form).send().await.expect("POST");
            assert!(response.headers().contains_key("retry-after"), "request {i}");
            response.status()
        }
    })
    .await;
    assert!(started.elapsed() < Duration::from_secs(5), "answered at once: {:?}", started.elapsed());
    assert_eq!(count(&refused, StatusCode::SERVICE_UNAVAILABLE), 40);
    assert_eq!(gate.arrived(), 5, "no more work was queued");
    gate.open(100);
    for request in waiting {
        assert_eq!(request.await.expect("task"), StatusCode::BAD_REQUEST);
    }
    let audit = crate::common::audit_records(&app.state, "jane@example.com").await;
    assert!(audit.is_empty(), "refused requests never counted toward jane's lockout: {audit:?}");
}

/// A sign-in that verified the old password while a password change committed gets no
/// session: the hash it checked is no longer the stored one.
async fn a_sign_in_racing_a_password_change_gets_no_session(backend: Backend) {
    let gate = HashGate::new();
    let app = Arc::new(TestApp::spawn_gated(backend, Arc::clone(&gate)).await);
    gate.open(2); // the member's password, and the sign-in
    app.add_member("jane@example.com", None).await;
    let changer = app.sign_in("jane@example.com", PASSWORD).await;

    let change = {
        let app = Arc::clone(&app);
        tokio::spawn(async move { app.change_password(&changer, PASSWORD, NEW_PASSWORD).await })
    };
    for job in [3, 4] {
        wait_for_arrivals(&gate, job).await;
        gate.open(1); // the change's current password, then its policy
    }
    wait_for_arrivals(&gate, 5).await; // the change's new hash, held back
    let sign_in = {
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            sign_in_status(app.client.clone(), app.url("/api/token"), "jane@example.com", PASSWORD).await
        })
    };
    wait_for_arrivals(&gate, 6).await; // the sign-in's verification waits behind it
    gate.open(1);
    let (status, body) = change.await.expect("task");
    assert_eq!(status, StatusCode::OK, "{body}");
    gate.open(1);
    assert_eq!(sign_in.await.expect("task"), StatusCode::BAD_REQUEST, "the old password is no longer right");
    let sessions =
        portico::service::operator::sessions(&app.state, "jane@example.com").await.expect("sessions");
    assert_eq!(sessions.len(), 1, "only the changing session lives: {sessions:?}");
}

/// A hash upgrade computed from the old password is not written over a password set
/// meanwhile.
async fn a_hash_upgrade_never_overwrites_a_new_password(backend: Backend) {
    let gate = HashGate::new();
    let app = Arc::new(TestApp::spawn_gated(backend, Arc::clone(&gate)).await);
    gate.open(1);
    let added = app.add_member("jane@example.com", None).await;
    plant_old_parameter_hash(&app, added.user_id).await;
    let sign_in = {
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            sign_in_status(app.client.clone(), app.url("/api/token"), "jane@example.com", PASSWORD).await
        })
    };
    wait_for_arrivals(&gate, 2).await;
    gate.open(1); // the verification; then the upgrade's hash is held back
    wait_for_arrivals(&gate, 3).await;
    let operator = portico::service::AppState::new(
        app.state.store.clone(),
        PasswordHasher::new(test_cost(), 1, 1).expect("hasher"),
        app.clock.clone(),
        test_settings(),
    );
    let chosen = secrecy::SecretString::from(NEW_PASSWORD);
    portico::service::operator::set_password(&operator, "jane@example.com", &chosen).await.expect("set");
    let after_change = app.state.store.password_hash(added.user_id).await.expect("hash");
    gate.open(1);
    assert_eq!(sign_in.await.expect("task"), StatusCode::OK, "the sign-in itself came first");
    assert_eq!(app.state.store.password_hash(added.user_id).await.expect("hash"), after_change);
    gate.open(10);
    let old = sign_in_status(app.client.clone(), app.url("/api/token"), "jane@example.com", PASSWORD).await;
    assert_eq!(old, StatusCode::BAD_REQUEST);
    app.sign_in("jane@example.com", NEW_PASSWORD).await;
}

/// Two password changes from two sessions of one member, interleaved: the first to
/// commit ends the other session, and the other change (though authenticated while its
/// session was alive, and its current password verified) is not applied.
async fn a_patch_from_a_session_ended_meanwhile_is_not_applied(backend: Backend) {
    let gate = HashGate::new();
    let app = Arc::new(TestApp::spawn_gated(backend, Arc::clone(&gate)).await);
    gate.open(3); // the member's password and two sign-ins
    app.add_member("jane@example.com", None).await;
    let (first, second) =
        (app.sign_in("jane@example.com", PASSWORD).await, app.sign_in("jane@example.com", PASSWORD).await);
    let change = |token: String, nick: &'static str, new: &'static str| {
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            let body = json!({"NickName": nick, "OldPassword": PASSWORD, "NewPassword": new, "RepeatNewPassword": new});
            app.patch(&token, &body).await
        })
    };
    let winner = change(first, "winner", NEW_PASSWORD);
    wait_for_arrivals(&gate, 4).await;
    let loser = change(second, "loser", "late kettle drum 42");
    // One job at a time, each let through once the next has arrived: the two changes
    // alternate (verify, policy, hash), so both are verified before either commits.
    for job in 5..=9 {
        wait_for_arrivals(&gate, job).await;
        gate.open(1);
    }
    let (status, body) = winner.await.expect("task");
    assert_eq!(status, StatusCode::OK, "{body}");
    gate.open(1);
    let (status, body) = loser.await.expect("task");
    assert_eq!(status, StatusCode::UNAUTHORIZED, "its session was ended by the first change: {body}");
    gate.open(1);
    let token = app.sign_in("jane@example.com", NEW_PASSWORD).await;
    assert_eq!(app.profile(&token).await["NickName"], "winner", "nothing of the second change was applied");
}

/// Waits until `jobs` hashing jobs have arrived at the gate since the server started.
async fn wait_for_arrivals(gate: &HashGate, jobs: usize) {
    for _ in 0..2000 {
        if gate.arrived() >= jobs {
            return;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    panic!("{jobs} hashing jobs never arrived (arrived: {})", gate.arrived());
}

async fn plant_old_parameter_hash(app: &TestApp, user_id: i64) {
    let older = portico::auth::password::HashCost { memory_kib: 512, iterations: 1, parallelism: 1 };
    let old_hasher = PasswordHasher::new(older, 1, 1).expect("hasher");
    let permit = old_hasher.admit(&Default::default()).expect("place");
    let old_hash = permit.hash(&secrecy::SecretString::from(PASSWORD)).await.expect("hash");
    let current = app.state.store.password_hash(user_id).await.expect("hash");
    assert!(app.state.store.upgrade_password_hash(user_id, &current, &old_hash).await.expect("plant"));
}

/// R1 → R2 → R3; presenting R1 again ends the family: R3 and the access token die too.
async fn a_reused_refresh_token_ends_the_whole_family(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let (_, first) = app
        .token_request(&[
            ("grant_type", "password"),
            ("username", "jane@example.com"),
            ("password", PASSWORD),
        ])
        .await;
    let mut refresh = vec![first["refresh_token"].as_str().expect("refresh").to_string()];
    let mut access = String::new();
    for _ in 0..2 {
        let previous = refresh.last().expect("refresh").clone();
        let (status, next) =
            app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &previous)]).await;
        assert_eq!(status, StatusCode::OK, "{next}");
        refresh.push(next["refresh_token"].as_str().expect("refresh").to_string());
        access = next["access_token"].as_str().expect("access").to_string();
    }
    assert_eq!(app.get(&access, "/login/me").await.0, StatusCode::OK);
    let (status, reuse) =
        app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &refresh[0])]).await;
    assert_eq!((status, reuse["error"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_grant")));
    assert_eq!(
        app.get(&access, "/login/me").await.0,
        StatusCode::UNAUTHORIZED,
        "the thief's access token died"
    );
    let (status, _) =
        app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &refresh[2])]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "and the newest refresh token");
    let events: Vec<String> = crate::common::audit_records(&app.state, "jane@example.com")
        .await
        .into_iter()
        .map(|r| r.event)
        .collect();
    assert!(events.contains(&"refresh_token_reused".to_string()), "{events:?}");
}

async fn a_session_ends_at_its_absolute_lifetime_however_often_it_refreshes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let (_, first) = app
        .token_request(&[
            ("grant_type", "password"),
            ("username", "jane@example.com"),
            ("password", PASSWORD),
        ])
        .await;
    let mut refresh = first["refresh_token"].as_str().expect("refresh").to_string();
    let mut expires_in = Vec::new();
    for days in [10, 10, 10, 10, 10, 10, 10, 10, 9] {
        app.clock.advance(time::Duration::days(days));
        let (status, next) =
            app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
        assert_eq!(status, StatusCode::OK, "{next}");
        refresh = next["refresh_token"].as_str().expect("refresh").to_string();
        expires_in.push(next["expires_in"].as_u64().expect("expires_in"));
    }
    assert_eq!(expires_in[0], 7 * 24 * 3600);
    assert_eq!(expires_in[8], 24 * 3600, "on day 89 the new access token lives only to the session's end");
    app.clock.advance(time::Duration::days(1));
    let (status, _) =
        app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "rotation never extends a session");
}

/// RFC 7009: a refresh token alone (no bearer) ends its session; unknown tokens are fine.
async fn revocation_follows_rfc_7009(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let (_, issued) = app
        .token_request(&[
            ("grant_type", "password"),
            ("username", "jane@example.com"),
            ("password", PASSWORD),
        ])
        .await;
    let access = issued["access_token"].as_str().expect("access").to_string();
    let refresh = issued["refresh_token"].as_str().expect("refresh").to_string();
    let other = app.sign_in("jane@example.com", PASSWORD).await;
    let revoke =
        |form: Vec<(&'static str, String)>| app.client.post(app.url("/api/token/revoke")).form(&form).send();
    for unknown in ["prt_unknown", "pat_unknown", "anything at all"] {
        let response = revoke(vec![("token", unknown.to_string())]).await.expect("POST");
        assert_eq!(response.status(), StatusCode::OK, "{unknown}");
    }
    let response = revoke(vec![("token", refresh.clone()), ("token_type_hint", "refresh_token".into())])
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        app.get(&access, "/login/me").await.0,
        StatusCode::UNAUTHORIZED,
        "the session of the refresh token ended"
    );
    assert_eq!(app.get(&other, "/login/me").await.0, StatusCode::OK, "another session of the member lives");
    let response = revoke(vec![("token", other.clone()), ("token_type_hint", "refresh_token".into())])
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::OK, "a wrong hint does not matter");
    assert_eq!(app.get(&other, "/login/me").await.0, StatusCode::UNAUTHORIZED);
    let missing = revoke(vec![]).await.expect("POST");
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    assert_eq!(missing.json::<Value>().await.expect("json")["error"], "invalid_request");
}

/// A password change replaces the changing session's refresh token; the old one is retired.
async fn a_password_change_rotates_the_changing_sessions_refresh_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let (_, issued) = app
        .token_request(&[
            ("grant_type", "password"),
            ("username", "jane@example.com"),
            ("password", PASSWORD),
        ])
        .await;
    let access = issued["access_token"].as_str().expect("access").to_string();
    let old_refresh = issued["refresh_token"].as_str().expect("refresh").to_string();
    let (status, body) = app.change_password(&access, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let new_refresh = body["RefreshToken"].as_str().expect("a new refresh token").to_string();
    assert!(new_refresh.starts_with("prt_") && new_refresh != old_refresh);
    assert_eq!(app.get(&access, "/login/me").await.0, StatusCode::OK, "the changing session stays signed in");
    let (status, next) =
        app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &new_refresh)]).await;
    assert_eq!(status, StatusCode::OK, "{next}");
    let (status, _) =
        app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &old_refresh)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the old refresh token was retired with the old password");
}

async fn guessable_passwords_are_refused_and_a_passphrase_is_accepted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane.doe@example.com", None).await;
    let token = app.sign_in("jane.doe@example.com", PASSWORD).await;
    app.patch_ok(&token, &json!({"FullName": "Jane Doe"})).await;
    for guessable in [
        "password123",
        "qwerty123456",
        "aaaaaaaaaaaa",
        "Password1234!",
        "janedoe2024!",
        "JaneDoe1990",
        "jane.doe@1990",
    ] {
        let (status, body) = app.change_password(&token, PASSWORD, guessable).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{guessable}: {body}");
        let codes: Vec<String> = error_codes(&body).into_iter().map(|(_, code)| code).collect();
        let refused =
            ["password_too_weak", "password_too_common", "password_contains_name", "password_contains_email"];
        assert!(codes.iter().any(|c| refused.contains(&c.as_str())), "{guessable}: {codes:?}");
    }
    let (_, body) = app.change_password(&token, PASSWORD, "qwerty123456").await;
    let weak =
        body["Errors"].as_array().expect("errors").iter().find(|e| e["Code"] == "password_too_weak").cloned();
    let message = weak.expect("a strength error")["Message"].as_str().unwrap_or_default().to_string();
    assert!(message.contains("Add another word or two"), "tells the member what to do: {message}");
    let (status, body) = app.change_password(&token, PASSWORD, "mellow orbit canyon fig").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Secrets are never echoed, and an absurd property name costs nothing and comes back cut.
async fn secrets_and_huge_names_are_never_echoed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    remember_password("hunter2-secret-value");
    let body = json!({"Password": "hunter2-secret-value", "newPassword": "hunter2-secret-value", "AccessPin": "hunter2-secret-value", "ApiToken": "hunter2-secret-value"});
    let (status, reply) = app.patch(&token, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(reply["Errors"].as_array().expect("errors").len(), 4, "{reply}");
    assert!(
        reply["Errors"].as_array().expect("errors").iter().all(|e| e.get("AttemptedValue").is_none()),
        "{reply}"
    );

    let name = format!("Zz{}", "y".repeat(60_000));
    let started = std::time::Instant::now();
    let response = app
        .client
        .patch(app.url("/api/public/coworker/profile"))
        .bearer_auth(&token)
        .json(&json!({ name: "x" }))
        .send()
        .await
        .expect("PATCH");
    let elapsed = started.elapsed();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let text = response.text().await.expect("body");
    assert!(text.len() < 1_000, "the answer stays small: {} bytes", text.len());
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

async fn an_overlong_username_is_refused_before_any_work(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let username = format!("{}@example.com", "a".repeat(300));
    let (status, body) = app
        .token_request(&[("grant_type", "password"), ("username", &username), ("password", "some guess 1")])
        .await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_request")),
        "{body}"
    );
    assert!(crate::common::audit_records(&app.state, &username).await.is_empty(), "nothing recorded");
}

/// What someone typed as a user name (often their password) is stored only as a digest.
async fn unknown_user_names_are_stored_only_as_digests(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("jane@example.com", None).await;
    let typed = "my-Secret-Pass-typed-as-name";
    let (status, _) = app
        .token_request(&[("grant_type", "password"), ("username", typed), ("password", "whatever 123")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let database = app.database_bytes().await;
    assert!(!database.windows(typed.len()).any(|w| w == typed.as_bytes()), "the typed name is not stored");
    let events = crate::common::audit_records(&app.state, typed).await;
    assert_eq!(
        events.iter().map(|e| e.event.as_str()).collect::<Vec<_>>(),
        vec!["sign_in_failed"],
        "still found by it"
    );
}

/// One address written any way is one account: case, and composed or decomposed accents.
async fn an_address_signs_in_however_it_is_written(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_member("Jos\u{e9}@example.com", None).await;
    app.sign_in("jose\u{301}@EXAMPLE.com", PASSWORD).await;
    app.sign_in("JOS\u{c9}@example.com", PASSWORD).await;
}

crate::every_store!(
    sixty_concurrent_wrong_sign_ins_get_five_checks_then_the_lock_holds,
    the_hourly_purge_keeps_the_counts_that_still_matter,
    sixty_concurrent_wrong_current_passwords_get_five_checks,
    the_sign_in_rate_limit_holds_under_concurrency,
    forwarded_addresses_count_only_behind_a_trusted_proxy,
    the_password_change_rate_limit_holds_under_concurrency,
    a_full_hashing_queue_answers_503_at_once,
    a_sign_in_racing_a_password_change_gets_no_session,
    a_hash_upgrade_never_overwrites_a_new_password,
    a_patch_from_a_session_ended_meanwhile_is_not_applied,
    a_reused_refresh_token_ends_the_whole_family,
    a_session_ends_at_its_absolute_lifetime_however_often_it_refreshes,
    revocation_follows_rfc_7009,
    a_password_change_rotates_the_changing_sessions_refresh_token,
    guessable_passwords_are_refused_and_a_passphrase_is_accepted,
    secrets_and_huge_names_are_never_echoed,
    an_overlong_username_is_refused_before_any_work,
    unknown_user_names_are_stored_only_as_digests,
    an_address_signs_in_however_it_is_written,
);
