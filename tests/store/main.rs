//! The store conformance suite: every behaviour of the `Store` trait, asserted identically
//! against SQLite and PostgreSQL (each test on a database of its own).

#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;

use std::sync::Arc;

use helpers::{Backend, TestDatabase};
use portico::auth::token::{self, TokenPair};
use portico::domain::audit::{AuditEvent, AuditKind};
use portico::domain::fields::email_key;
use portico::domain::lockout::LockoutRule;
use portico::domain::patch::{self, Change, Field, FieldValue, ParseOptions, ProfilePatch, UnknownFields};
use portico::domain::profile::Version;
use portico::store::{
    self, AddedMember, DynStore, FailedAttempt, NewLocation, NewMember, NewSession, ProfileUpdate,
    RefreshOutcome, Session, SessionTokens, StoreError,
};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

struct Fixture {
    store: DynStore,
    now: OffsetDateTime,
    location_id: i64,
    _database: TestDatabase,
}

async fn fixture(backend: Backend) -> Fixture {
    let database = TestDatabase::create(backend).await;
    let store = store::connect(&database.url, &Default::default()).await.expect("store");
    let location =
        NewLocation { name: "Canal Street".into(), web_address: "canal-street".into(), country_id: 276 };
    let location_id = store.create_location(&location).await.expect("location").id;
    let now = portico::clock::whole_seconds(OffsetDateTime::now_utc());
    Fixture { store, now, location_id, _database: database }
}

fn member(email: &str, location_id: i64) -> NewMember {
    NewMember {
        email: email.into(),
        email_key: email_key(email),
        password_hash: "$argon2id$placeholder".into(),
        full_name: format!("Member {email}"),
        location_id,
        fields: ProfilePatch::default(),
    }
}

fn patch(body: Value) -> ProfilePatch {
    let options =
        ParseOptions { today: OffsetDateTime::now_utc().date(), unknown_fields: UnknownFields::Reject };
    let (parsed, errors) = patch::parse(body.as_object().expect("object"), options);
    assert!(errors.is_empty(), "{errors}");
    parsed.patch
}

fn update<'a>(f: &Fixture, profile_id: i64, user_id: i64, patch: &'a ProfilePatch) -> ProfileUpdate<'a> {
    ProfileUpdate {
        profile_id,
        user_id,
        patch,
        expected: None,
        password: None,
        representation: true,
        now: f.now,
    }
}

fn audit(kind: AuditKind, at: OffsetDateTime, email: &str) -> AuditEvent {
    AuditEvent {
        at,
        kind,
        user_id: None,
        email_key: Some(email_key(email)),
        source: Some("192.0.2.7".into()),
        user_agent: Some("conformance".into()),
        detail: None,
    }
}

fn tokens(now: OffsetDateTime) -> (TokenPair, SessionTokens) {
    let pair = TokenPair::generate();
    let stored = SessionTokens {
        access_hash: pair.access_hash(),
        refresh_hash: pair.refresh_hash(),
        access_expires_at: now + Duration::days(7),
        refresh_expires_at: now + Duration::days(15),
    };
    (pair, stored)
}

fn new_session(added: AddedMember, tokens: SessionTokens, now: OffsetDateTime) -> NewSession {
    NewSession {
        user_id: added.user_id,
        profile_id: added.profile_id,
        tokens,
        created_at: now,
        source: None,
        user_agent: None,
    }
}

/// Signs ann@example.com in: a fresh token pair and the session stored for it.
async fn sign_in(f: &Fixture, added: AddedMember) -> (TokenPair, Session) {
    let (pair, stored) = tokens(f.now);
    let session = f
        .store
        .create_session(
            &new_session(added, stored, f.now),
            "ann@example.com",
            &audit(AuditKind::SignIn, f.now, "ann@example.com"),
        )
        .await
        .expect("session");
    (pair, session)
}

async fn missing_records_are_not_found(backend: Backend) {
    let f = fixture(backend).await;
    assert!(matches!(f.store.profile(9999).await, Err(StoreError::NotFound)));
    assert!(matches!(f.store.location(9999).await, Err(StoreError::NotFound)));
    assert!(matches!(f.store.user(9999).await, Err(StoreError::NotFound)));
    assert!(f.store.login_record("nobody@example.com").await.expect("query").is_none());
}

async fn conflicts_name_what_clashed_and_write_nothing(backend: Backend) {
    let f = fixture(backend).await;
    let again = NewLocation { name: "Canal Street".into(), web_address: "other".into(), country_id: 826 };
    assert!(matches!(f.store.create_location(&again).await, Err(StoreError::Conflict(_))));

    let batch = [member("ann@example.com", f.location_id), member("ann@example.com", f.location_id)];
    let error = f.store.add_members(&batch, f.now).await.expect_err("the same profile twice");
    assert!(
        matches!(&error, StoreError::Conflict(message) if message.contains("ann@example.com")),
        "{error:?}"
    );
    assert!(!f.store.has_users().await.expect("query"), "all or nothing");
}

async fn null_clears_and_absent_keeps_every_nullable_column(backend: Backend) {
    let f = fixture(backend).await;
    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    let full = json!({
        "NickName": "A", "DateOfBirth": "1990-06-15", "MobilePhone": "+44 1234", "LandLine": "020 1234",
        "BillingAddress": "1 Road", "BillingPostCode": "E1", "BillingCityName": "London", "BillingState": "LDN",
        "Position": "CTO", "BusinessArea": "Design", "ProfileSummary": "Hi", "ProfileWebsite": "acme.example.com",
        "ProfileTags": "a, b", "Twitter": "@ann", "Linkedin": "linkedin.com/in/ann", "Github": "ann",
        "Instagram": "ann", "Facebook": "facebook.com/ann", "Skype": "ann.lee", "Telegram": "ann_lee",
    });
    let nullable: Vec<Field> = Field::ALL.into_iter().filter(|f| f.is_nullable()).collect();
    assert_eq!(
        nullable.len(),
        full.as_object().expect("object").len(),
        "the fixture covers every nullable property"
    );
    for field in nullable {
        let filled = patch(full.clone());
        f.store
            .apply_profile_patch(&update(&f, added.profile_id, added.user_id, &filled))
            .await
            .expect("fill");
        let mut clear = ProfilePatch::default();
        clear.set(field, Change::Null);
        let after = f
            .store
            .apply_profile_patch(&update(&f, added.profile_id, added.user_id, &clear))
            .await
            .expect("clear")
            .profile
            .expect("the profile, as asked");
        let view = portico_view(&after);
        for other in Field::ALL.into_iter().filter(|o| o.is_nullable()) {
            let is_null = view[other.property()].is_null();
            assert_eq!(
                is_null,
                other == field,
                "clearing {} left {} {}",
                field.property(),
                other.property(),
                if is_null { "cleared" } else { "set" }
            );
        }
    }
}

/// The nullable columns of a profile as property → JSON value, read from the domain type.
fn portico_view(p: &portico::domain::profile::Profile) -> Value {
    json!({
        "NickName": p.nick_name, "DateOfBirth": p.date_of_birth.map(|d| d.to_string()), "MobilePhone": p.mobile_phone,
        "LandLine": p.land_line, "BillingAddress": p.billing_address, "BillingPostCode": p.billing_post_code,
        "BillingCityName": p.billing_city_name, "BillingState": p.billing_state, "Position": p.position,
        "BusinessArea": p.business_area, "ProfileSummary": p.profile_summary, "ProfileWebsite": p.profile_website,
        "ProfileTags": p.profile_tags, "Twitter": p.twitter, "Linkedin": p.linkedin, "Github": p.github,
        "Instagram": p.instagram, "Facebook": p.facebook, "Skype": p.skype, "Telegram": p.telegram,
    })
}

async fn a_non_nullable_column_refuses_null_and_nothing_changes(backend: Backend) {
    let f = fixture(backend).await;
    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    let before = f.store.profile(added.profile_id).await.expect("profile");
    let mut bad = ProfilePatch::default();
    bad.set(Field::Position, Change::Value(FieldValue::Text("kept out".into())));
    bad.set(Field::CompanyName, Change::Null);
    let result = f.store.apply_profile_patch(&update(&f, added.profile_id, added.user_id, &bad)).await;
    assert!(result.is_err(), "the schema itself refuses NULL");
    assert_eq!(f.store.profile(added.profile_id).await.expect("profile"), before);
}

async fn email_keys_fold_unicode_case(backend: Backend) {
    let f = fixture(backend).await;
    let other_location = f
        .store
        .create_location(&NewLocation {
            name: "Harbour".into(),
            web_address: "harbour".into(),
            country_id: 826,
        })
        .await
        .expect("location");
    let first =
        f.store.add_members(&[member("Élodie@Example.com", f.location_id)], f.now).await.expect("add")[0];
    let second =
        f.store.add_members(&[member("ÉLODIE@EXAMPLE.COM", other_location.id)], f.now).await.expect("add")[0];
    assert_eq!(first.user_id, second.user_id);
    assert!(!second.new_user);
    let record = f.store.login_record(&email_key("élodie@example.com")).await.expect("query").expect("found");
    assert_eq!(record.user_id, first.user_id);
    assert_eq!(record.default_profile_id, first.profile_id);
    assert_eq!(
        f.store.user(first.user_id).await.expect("user").email,
        "Élodie@Example.com",
        "kept as written"
    );
}

async fn a_stale_version_is_refused_and_changes_nothing(backend: Backend) {
    let f = fixture(backend).await;
    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    let start = f.store.profile(added.profile_id).await.expect("profile");
    let first = patch(json!({"NickName": "one"}));
    let changed = f
        .store
        .apply_profile_patch(&ProfileUpdate {
            expected: Some(start.version),
            ..update(&f, added.profile_id, added.user_id, &first)
        })
        .await
        .expect("current version applies")
        .profile
        .expect("the profile, as asked");
    assert_eq!(changed.version, Version { profile: start.version.profile + 1, user: start.version.user });
    let second = patch(json!({"NickName": "two", "OnNewWallPost": false}));
    let stale = ProfileUpdate {
        expected: Some(start.version),
        ..update(&f, added.profile_id, added.user_id, &second)
    };
    assert!(matches!(f.store.apply_profile_patch(&stale).await, Err(StoreError::VersionMismatch)));
    assert_eq!(f.store.profile(added.profile_id).await.expect("profile"), changed);
}

async fn timestamps_round_trip_in_utc(backend: Backend) {
    let f = fixture(backend).await;
    let created =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    let later = f.now + Duration::hours(5);
    let change = patch(json!({"NickName": "A"}));
    let profile = f
        .store
        .apply_profile_patch(&ProfileUpdate {
            now: later,
            ..update(&f, created.profile_id, created.user_id, &change)
        })
        .await
        .expect("patch")
        .profile
        .expect("the profile, as asked");
    assert_eq!((profile.created_on, profile.updated_on), (f.now, later));
    assert_eq!(profile.updated_on.offset(), time::UtcOffset::UTC);
    assert_eq!(profile.date_of_birth, None);
}

async fn sessions_expire_rotate_and_revoke(backend: Backend) {
    let f = fixture(backend).await;
    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    let (pair, stored) = tokens(f.now);
    let new = new_session(added, stored, f.now);
    let session = f
        .store
        .create_session(&new, "ann@example.com", &audit(AuditKind::SignIn, f.now, "ann@example.com"))
        .await
        .expect("session");
    let found = f.store.session_by_access(&pair.access_hash(), f.now).await.expect("query");
    assert_eq!(found.as_ref().map(|s| s.id), Some(session.id));
    assert!(
        f.store
            .session_by_access(&pair.access_hash(), f.now + Duration::days(7))
            .await
            .expect("query")
            .is_none(),
        "expired"
    );

    let (next_pair, next) = tokens(f.now + Duration::days(1));
    let rotated =
        f.store.rotate_refresh(&pair.refresh_hash(), &next, f.now + Duration::days(1)).await.expect("rotate");
    assert!(matches!(rotated, RefreshOutcome::Rotated(ref s) if s.id == session.id));
    assert!(
        f.store.session_by_access(&pair.access_hash(), f.now).await.expect("query").is_none(),
        "old access gone"
    );
    assert!(f.store.session_by_access(&next_pair.access_hash(), f.now).await.expect("query").is_some());
    let (_, unused) = tokens(f.now);
    let reused = f
        .store
        .rotate_refresh(&pair.refresh_hash(), &unused, f.now + Duration::days(2))
        .await
        .expect("reuse");
    assert_eq!(reused, RefreshOutcome::Reused { user_id: added.user_id });
    assert!(
        f.store.session_by_access(&next_pair.access_hash(), f.now).await.expect("query").is_none(),
        "reuse ended it"
    );
    let unknown = f.store.rotate_refresh(&token::hash("prt_nothing"), &unused, f.now).await.expect("unknown");
    assert_eq!(unknown, RefreshOutcome::Invalid);

    let (pair, stored) = tokens(f.now);
    let new = NewSession { tokens: stored, ..new };
    let session = f
        .store
        .create_session(&new, "ann@example.com", &audit(AuditKind::SignIn, f.now, "ann@example.com"))
        .await
        .expect("session");
    f.store
        .revoke_session(session.id, &audit(AuditKind::SessionRevoked, f.now, "ann@example.com"))
        .await
        .expect("revoke");
    assert!(f.store.session_by_access(&pair.access_hash(), f.now).await.expect("query").is_none());
}

async fn a_password_change_keeps_only_the_changing_session(backend: Backend) {
    let f = fixture(backend).await;
    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    let mut sessions = Vec::new();
    for _ in 0..3 {
        let (pair, session) = sign_in(&f, added).await;
        sessions.push((pair, session));
    }
    let keep = sessions[1].1.id;
    let empty = ProfilePatch::default();
    let password = portico::store::PasswordUpdate {
        hash: "$argon2id$new".into(),
        keep_session: keep,
        audit: audit(AuditKind::PasswordChanged, f.now, "ann@example.com"),
    };
    let change =
        ProfileUpdate { password: Some(password), ..update(&f, added.profile_id, added.user_id, &empty) };
    f.store.apply_profile_patch(&change).await.expect("change");
    assert_eq!(f.store.password_hash(added.user_id).await.expect("hash"), "$argon2id$new");
    for (pair, session) in &sessions {
        let alive = f.store.session_by_access(&pair.access_hash(), f.now).await.expect("query").is_some();
        assert_eq!(alive, session.id == keep);
    }
    assert_eq!(f.store.sessions_of_user(added.user_id, f.now).await.expect("list").len(), 1);
    assert_eq!(
        f.store
            .revoke_user_sessions(added.user_id, &audit(AuditKind::SessionsRevoked, f.now, "ann@example.com"))
            .await
            .expect("revoke"),
        1
    );
}

async fn lockout_counts_per_email_and_clears_on_success(backend: Backend) {
    let f = fixture(backend).await;
    let rule = LockoutRule::default();
    let attempt = |at| FailedAttempt {
        email_key: "ghost@example.com".into(),
        rule,
        audit: audit(AuditKind::SignInFailed, at, "ghost@example.com"),
    };
    for i in 0..4 {
        assert_eq!(
            f.store.record_password_failure(&attempt(f.now + Duration::seconds(i))).await.expect("count"),
            None
        );
    }
    let until = f.store.record_password_failure(&attempt(f.now + Duration::seconds(4))).await.expect("count");
    assert_eq!(until, Some(f.now + Duration::seconds(4) + Duration::minutes(15)));
    assert_eq!(
        f.store.password_lock("ghost@example.com", f.now + Duration::minutes(10)).await.expect("lock"),
        until
    );
    assert_eq!(
        f.store.password_lock("ghost@example.com", f.now + Duration::minutes(20)).await.expect("lock"),
        None
    );
    assert_eq!(f.store.password_lock("other@example.com", f.now).await.expect("lock"), None);
    let events: Vec<String> =
        f.store.audit_of("ghost@example.com").await.expect("audit").into_iter().map(|r| r.event).collect();
    assert_eq!(events.iter().filter(|e| *e == "sign_in_failed").count(), 5);
    assert_eq!(events.iter().filter(|e| *e == "locked_out").count(), 1);

    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    for _ in 0..4 {
        let attempt = FailedAttempt {
            email_key: "ann@example.com".into(),
            rule,
            audit: audit(AuditKind::SignInFailed, f.now, "ann@example.com"),
        };
        f.store.record_password_failure(&attempt).await.expect("count");
    }
    sign_in(&f, added).await;
    let attempt = FailedAttempt {
        email_key: "ann@example.com".into(),
        rule,
        audit: audit(AuditKind::SignInFailed, f.now, "ann@example.com"),
    };
    assert_eq!(f.store.record_password_failure(&attempt).await.expect("count"), None, "the count restarted");
}

async fn purging_removes_only_what_expired(backend: Backend) {
    let f = fixture(backend).await;
    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    sign_in(&f, added).await;
    f.store.purge_expired(f.now + Duration::days(14), &LockoutRule::default()).await.expect("purge");
    assert_eq!(f.store.sessions_of_user(added.user_id, f.now).await.expect("list").len(), 1);
    f.store.purge_expired(f.now + Duration::days(16), &LockoutRule::default()).await.expect("purge");
    assert_eq!(f.store.sessions_of_user(added.user_id, f.now).await.expect("list").len(), 0);
}

async fn concurrent_patches_lose_nothing_and_count_every_version(backend: Backend) {
    let f = fixture(backend).await;
    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    let start = f.store.profile(added.profile_id).await.expect("profile").version.profile;
    let store: DynStore = Arc::clone(&f.store);
    let fields = [
        "NickName",
        "Position",
        "BusinessArea",
        "CityName",
        "State",
        "PostCode",
        "CompanyName",
        "BillingName",
    ];
    let writers: Vec<_> = (0..40)
        .map(|i| {
            let store = Arc::clone(&store);
            let field = fields[i % fields.len()];
            let now = f.now;
            tokio::spawn(async move {
                let change = patch(json!({ field: format!("v{i}") }));
                // Without a representation: PostgreSQL takes its one-statement path.
                let update = ProfileUpdate {
                    profile_id: added.profile_id,
                    user_id: added.user_id,
                    patch: &change,
                    expected: None,
                    password: None,
                    representation: false,
                    now,
                };
                store.apply_profile_patch(&update).await.map(|applied| applied.version.profile)
            })
        })
        .collect();
    let mut versions = Vec::new();
    for writer in writers {
        versions.push(writer.await.expect("task").expect("no busy error may surface"));
    }
    versions.sort_unstable();
    assert_eq!(versions, ((start + 1)..=(start + 40)).collect::<Vec<_>>(), "every write got its own version");
    let profile = f.store.profile(added.profile_id).await.expect("profile");
    let view = serde_json::json!({"NickName": profile.nick_name, "Position": profile.position, "BusinessArea": profile.business_area, "CityName": profile.city_name, "State": profile.state, "PostCode": profile.post_code, "CompanyName": profile.company_name, "BillingName": profile.billing_name});
    for (index, field) in fields.iter().enumerate() {
        let value = view[field].as_str().expect("set");
        let written: usize = value.trim_start_matches('v').parse().expect("a written value");
        assert_eq!(written % fields.len(), index, "{field} holds a value written to it");
    }
}

async fn a_plain_patch_applies_like_a_transactional_one(backend: Backend) {
    let f = fixture(backend).await;
    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    let start = f.store.profile(added.profile_id).await.expect("profile");
    let change = patch(json!({"NickName": "fast", "FullName": "Ann Fast", "OnNewWallPost": false}));
    let plain =
        ProfileUpdate { representation: false, ..update(&f, added.profile_id, added.user_id, &change) };
    let applied = f.store.apply_profile_patch(&plain).await.expect("patch");
    assert_eq!(applied.profile, None);
    let stored = f.store.profile(added.profile_id).await.expect("profile");
    assert_eq!(applied.version, stored.version, "the version returned is the one stored");
    assert_eq!(stored.version, Version { profile: start.version.profile + 1, user: start.version.user + 1 });
    assert_eq!((stored.nick_name.as_deref(), stored.full_name.as_str()), (Some("fast"), "Ann Fast"));
    assert!(!stored.notifications.on_new_wall_post);
    assert_eq!(f.store.user(added.user_id).await.expect("user").full_name, "Ann Fast");

    let other =
        f.store.add_members(&[member("bob@example.com", f.location_id)], f.now).await.expect("add")[0];
    let wrong_owner =
        ProfileUpdate { representation: false, ..update(&f, other.profile_id, added.user_id, &change) };
    assert!(matches!(f.store.apply_profile_patch(&wrong_owner).await, Err(StoreError::NotFound)));
    assert_eq!(
        f.store.user(added.user_id).await.expect("user").full_name,
        "Ann Fast",
        "nothing half-applied"
    );
}

async fn a_token_reads_its_session_and_profile_together(backend: Backend) {
    let f = fixture(backend).await;
    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    let (pair, session) = sign_in(&f, added).await;
    let (found, profile) =
        f.store.session_profile(&pair.access_hash(), f.now).await.expect("query").expect("a live session");
    assert_eq!(found, session);
    assert_eq!(profile, f.store.profile(added.profile_id).await.expect("profile"));
    let later = f.now + Duration::days(7);
    assert!(f.store.session_profile(&pair.access_hash(), later).await.expect("query").is_none(), "expired");
    assert!(f.store.session_profile(&token::hash("pat_forged"), f.now).await.expect("query").is_none());
}

macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $case() { super::$case(super::Backend::Sqlite).await; })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $case() { super::$case(super::Backend::Postgres).await; })*
        }
    };
}

conformance!(
    missing_records_are_not_found,
    conflicts_name_what_clashed_and_write_nothing,
    null_clears_and_absent_keeps_every_nullable_column,
    a_non_nullable_column_refuses_null_and_nothing_changes,
    email_keys_fold_unicode_case,
    a_stale_version_is_refused_and_changes_nothing,
    timestamps_round_trip_in_utc,
    sessions_expire_rotate_and_revoke,
    a_password_change_keeps_only_the_changing_session,
    lockout_counts_per_email_and_clears_on_success,
    purging_removes_only_what_expired,
    concurrent_patches_lose_nothing_and_count_every_version,
    a_plain_patch_applies_like_a_transactional_one,
    a_token_reads_its_session_and_profile_together,
);
