//! Two-step sign-in's records, identically on both backends: an enrolment confirmed only
//! while it is the one waiting, each step and recovery code used once, off at once with the
//! sessions it ends.

use super::*;
use portico::store::TwoFactorOn;

fn event(kind: AuditKind, user_id: i64) -> AuditEvent {
    AuditEvent { user_id: Some(user_id), ..audit(kind, OffsetDateTime::now_utc(), "ann@example.com") }
}

async fn two_factor_is_confirmed_used_once_and_turned_off(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let (other, _) = sign_in(&f, ann.added).await;
    assert_eq!(f.store.two_factor(ann.user_id).await.expect("state"), Default::default());

    f.store.begin_two_factor(ann.user_id, "sealed-1").await.expect("begun");
    f.store.begin_two_factor(ann.user_id, "sealed-2").await.expect("begun again");
    let state = f.store.two_factor(ann.user_id).await.expect("state");
    assert_eq!((state.secret, state.pending.as_deref()), (None, Some("sealed-2")));
    let on = |pending: &str| TwoFactorOn {
        user_id: ann.user_id,
        pending: pending.into(),
        confirmed_step: 100,
        recovery_code_hashes: vec!["h1".into(), "h2".into()],
        keep_session: ann.session_id,
        audit: event(AuditKind::TwoFactorEnabled, ann.user_id),
    };
    assert!(!f.store.enable_two_factor(&on("sealed-1")).await.expect("stale"), "a replaced enrolment");
    assert!(f.store.enable_two_factor(&on("sealed-2")).await.expect("on"));
    let state = f.store.two_factor(ann.user_id).await.expect("state");
    assert_eq!(
        (state.secret.as_deref(), state.pending, state.recovery_codes_left),
        (Some("sealed-2"), None, 2)
    );
    assert!(!alive(&f, &other.access_hash(), f.now).await, "every other session ended");
    assert!(alive(&f, &ann.pair.access_hash(), f.now).await, "the confirming one stays");
    let record = f.store.login_record(&email_key("ann@example.com")).await.expect("q").expect("record");
    assert_eq!(record.totp_secret.as_deref(), Some("sealed-2"));

    assert!(!f.store.use_totp_step(ann.user_id, 100).await.expect("q"), "the confirming step is used");
    assert!(f.store.use_totp_step(ann.user_id, 101).await.expect("q"));
    assert!(!f.store.use_totp_step(ann.user_id, 101).await.expect("q"), "once");
    assert!(!f.store.use_totp_step(ann.user_id, 99).await.expect("q"), "never an older one");
    assert!(f.store.use_recovery_code(ann.user_id, "h1").await.expect("q"));
    assert!(!f.store.use_recovery_code(ann.user_id, "h1").await.expect("q"), "once");
    assert!(!f.store.use_recovery_code(ann.user_id, "h3").await.expect("q"));
    assert_eq!(f.store.two_factor(ann.user_id).await.expect("state").recovery_codes_left, 1);

    f.store
        .disable_two_factor(ann.user_id, None, &event(AuditKind::TwoFactorDisabled, ann.user_id))
        .await
        .expect("off");
    assert_eq!(f.store.two_factor(ann.user_id).await.expect("state"), Default::default());
    assert!(!f.store.use_totp_step(ann.user_id, 500).await.expect("q"), "no step is used while off");
    assert!(
        f.store.sessions_of_user(ann.user_id, f.now).await.expect("sessions").is_empty(),
        "every session ended"
    );
    assert!(matches!(f.store.two_factor(999_999).await, Err(portico::store::StoreError::NotFound)));
}

every_store!(two_factor_is_confirmed_used_once_and_turned_off);
