//! What Nexudus clients need of the store, identically on both backends: one refresh token
//! per client, sign-in links used once, the new-password requirement, the user's own
//! identity, and a lockout that ends the sessions of credentials sent with each request.

use super::*;
use portico::domain::account::Purpose;
use portico::store::{BASIC_CLIENT, LinkIssue, LinkSignIn};

async fn session_of(f: &Fixture, added: AddedMember, client: &str) -> TokenPair {
    let (pair, stored) = tokens(f.now);
    let session = NewSession { client_id: client.into(), ..new_session(added, stored, f.now) };
    f.store
        .create_session(
            &session,
            &verified("ann@example.com"),
            &audit(AuditKind::SignIn, f.now, "ann@example.com"),
        )
        .await
        .expect("session");
    pair
}

async fn refresh(f: &Fixture, pair: &TokenPair, client: Option<&str>) -> RefreshOutcome {
    let (_, next) = tokens(f.now);
    f.store.rotate_refresh(&pair.refresh_hash(), &next, f.now, client).await.expect("rotate")
}

/// A new sign-in of a client ends that client's earlier refresh token (its access token
/// lives on); another client's sessions are untouched; the refresh must name the client it
/// was issued to, or none when that client is the e-mail.
async fn one_refresh_token_per_client(backend: Backend) {
    let f = fixture(backend).await;
    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    let cli_first = session_of(&f, added, "nexudus-cli").await;
    let hooks = session_of(&f, added, "nexudus-cli-hooks").await;
    let cli_second = session_of(&f, added, "nexudus-cli").await;
    assert!(alive(&f, &cli_first.access_hash(), f.now).await, "its access token lives on");
    assert_eq!(
        refresh(&f, &cli_first, Some("nexudus-cli")).await,
        RefreshOutcome::Invalid,
        "ended by the newer"
    );
    assert!(alive(&f, &hooks.access_hash(), f.now).await, "another client's session lives");
    assert!(matches!(refresh(&f, &hooks, Some("nexudus-cli-hooks")).await, RefreshOutcome::Rotated(_)));
    assert_eq!(
        refresh(&f, &cli_second, Some("someone-else")).await,
        RefreshOutcome::Invalid,
        "another client's"
    );
    assert_eq!(
        refresh(&f, &cli_second, None).await,
        RefreshOutcome::Invalid,
        "none is the e-mail, not this client"
    );
    assert!(matches!(refresh(&f, &cli_second, Some("nexudus-cli")).await, RefreshOutcome::Rotated(_)));

    let by_email = session_of(&f, added, "ann@example.com").await;
    assert!(
        matches!(refresh(&f, &by_email, None).await, RefreshOutcome::Rotated(_)),
        "no client id: the e-mail"
    );
    let again = session_of(&f, added, "ann@example.com").await;
    assert!(matches!(refresh(&f, &again, Some("ANN@example.com")).await, RefreshOutcome::Rotated(_)));
}

/// The access token of a session whose refresh a newer sign-in ended still works until it
/// expires, and the session is listed until then.
async fn an_ended_refresh_leaves_the_access_token(backend: Backend) {
    let f = fixture(backend).await;
    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    let first = session_of(&f, added, "portal").await;
    session_of(&f, added, "portal").await;
    assert!(alive(&f, &first.access_hash(), f.now).await);
    assert_eq!(f.store.sessions_of_user(added.user_id, f.now).await.expect("list").len(), 2);
}

fn sign_in_link(f: &Fixture, user_id: i64, token: &str, purpose: Purpose) -> LinkIssue {
    LinkIssue {
        user_id,
        purpose,
        token_hash: token::hash(token),
        now: f.now,
        expires_at: f.now + Duration::minutes(15),
        new_email: None,
        old_email: None,
        per_hour: 3,
        mail: Vec::new(),
        companion: None,
        inert: false,
    }
}

fn link_sign_in(token: &str, at: OffsetDateTime) -> (TokenPair, LinkSignIn) {
    let (pair, stored) = tokens(at);
    let sign_in = LinkSignIn {
        token_hash: token::hash(token),
        now: at,
        tokens: stored,
        expires_at: at + Duration::days(90),
        source: None,
        user_agent: None,
        client_id: None,
        audit: AuditEvent { email_key: None, ..audit(AuditKind::SignIn, at, "ann@example.com") },
    };
    (pair, sign_in)
}

/// A sign-in link (or one-time token) starts a session once, while it lives; a link of
/// another purpose never does.
async fn a_sign_in_link_signs_in_once(backend: Backend) {
    let f = fixture(backend).await;
    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    for (token, purpose) in [("plk_mail", Purpose::SignIn), ("plk_once", Purpose::OneTime)] {
        assert!(f.store.issue_link(&sign_in_link(&f, added.user_id, token, purpose)).await.expect("issue"));
        let (pair, sign_in) = link_sign_in(token, f.now);
        let session = f.store.sign_in_with_link(&sign_in).await.expect("sign in").expect("a session");
        assert_eq!((session.user_id, session.profile_id), (added.user_id, added.profile_id));
        assert!(alive(&f, &pair.access_hash(), f.now).await);
        let (_, again) = link_sign_in(token, f.now);
        assert!(f.store.sign_in_with_link(&again).await.expect("again").is_none(), "once");
    }
    assert!(
        f.store
            .issue_link(&sign_in_link(&f, added.user_id, "plk_late", Purpose::SignIn))
            .await
            .expect("issue")
    );
    let (_, late) = link_sign_in("plk_late", f.now + Duration::minutes(16));
    assert!(f.store.sign_in_with_link(&late).await.expect("late").is_none(), "expired");
    let reset = sign_in_link(&f, added.user_id, "plk_reset", Purpose::PasswordReset);
    assert!(f.store.issue_link(&reset).await.expect("issue"));
    let (_, wrong) = link_sign_in("plk_reset", f.now);
    assert!(
        f.store.sign_in_with_link(&wrong).await.expect("reset").is_none(),
        "a reset link signs nobody in"
    );
    let events = f.store.audit_of_user(added.user_id).await.expect("audit");
    assert_eq!(
        events.iter().filter(|e| e.event == "sign_in").count(),
        2,
        "each sign-in audited for the user"
    );
}

/// The new-password requirement is the user's, read at sign-in, cleared by a new password.
async fn a_new_password_can_be_required(backend: Backend) {
    let f = fixture(backend).await;
    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    let record = |f: &Fixture| {
        let store = f.store.clone();
        async move { store.login_record(&email_key("ann@example.com")).await.expect("record").expect("ann") }
    };
    assert!(!record(&f).await.must_reset_password);
    f.store.set_must_reset_password(added.user_id, true).await.expect("required");
    assert!(record(&f).await.must_reset_password);
    assert!(f.store.user(added.user_id).await.expect("user").must_reset_password);
    let change = OperatorPassword {
        user_id: added.user_id,
        hash: "$argon2id$chosen".into(),
        lockout_key: lockout_key("ann@example.com"),
        audit: audit(AuditKind::PasswordReset, f.now, "ann@example.com"),
    };
    f.store.set_operator_password(&change).await.expect("set");
    assert!(!record(&f).await.must_reset_password, "a new password clears it");
    assert!(matches!(f.store.set_must_reset_password(9999, true).await, Err(StoreError::NotFound)));
}

/// Each user has its own unique id and times.
async fn a_user_has_its_own_identity(backend: Backend) {
    let f = fixture(backend).await;
    let added = f
        .store
        .add_members(
            &[member("ann@example.com", f.location_id), member("bob@example.com", f.location_id)],
            f.now,
        )
        .await
        .expect("add");
    let (ann, bob) = (
        f.store.user(added[0].user_id).await.expect("ann"),
        f.store.user(added[1].user_id).await.expect("bob"),
    );
    assert_eq!(ann.unique_id.len(), 36);
    assert_ne!(ann.unique_id, bob.unique_id);
    assert_eq!((ann.created_on, ann.default_profile_id), (f.now, Some(added[0].profile_id)));
}

/// A lockout ends the sessions of credentials sent with each request, and only those.
async fn a_lockout_ends_the_sessions_of_basic_credentials(backend: Backend) {
    let f = fixture(backend).await;
    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    let basic = session_of(&f, added, BASIC_CLIENT).await;
    let app = session_of(&f, added, "ann@example.com").await;
    let rule = portico::domain::lockout::LockoutRule::default();
    for _ in 0..rule.max_failures {
        let check = check(&f, "ann@example.com", f.now);
        let Admission::Allowed { attempt: counted } =
            f.store.admit_password_check(&check).await.expect("admit")
        else {
            break;
        };
        let failure = FailedAttempt {
            lockout_key: lockout_key("ann@example.com"),
            rule,
            attempt: counted,
            audit: AuditEvent {
                user_id: Some(added.user_id),
                ..audit(AuditKind::SignInFailed, f.now, "ann@example.com")
            },
        };
        f.store.record_password_failure(&failure).await.expect("failure");
    }
    assert!(!alive(&f, &basic.access_hash(), f.now).await, "the Basic session ended with the lock");
    assert!(alive(&f, &app.access_hash(), f.now).await, "other sessions stay");
}

every_store!(
    one_refresh_token_per_client,
    an_ended_refresh_leaves_the_access_token,
    a_sign_in_link_signs_in_once,
    a_new_password_can_be_required,
    a_user_has_its_own_identity,
    a_lockout_ends_the_sessions_of_basic_credentials,
);
