//! The store conformance suite: every behaviour of the `Store` trait, asserted identically
//! against SQLite and PostgreSQL (each test on a database of its own).

mod brand;
#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;
mod custom_fields;
mod directory;
mod drafts;
mod mail;
mod nexudus;
mod photos;
mod staff;
mod two_factor;

use std::sync::Arc;

use common::{Backend, TestDatabase};
use portico::auth::token::TokenHash;
use portico::auth::token::{self, TokenPair};
use portico::domain::audit::{AuditEvent, AuditKind};
use portico::domain::catalogue::{Kind, Owner};
use portico::domain::fields::{email_digest, email_key};
use portico::domain::history::{HistoryPage, Origin, PropertyChange};
use portico::domain::lockout::{Admission, LockoutRule};
use portico::domain::patch::{
    self, Change, Editor, Field, FieldValue, ParseOptions, ProfilePatch, UnknownFields,
};
use portico::domain::profile::Version;
use portico::store::{
    self, AddedMember, DynStore, FailedAttempt, NewLocation, NewMember, NewSession, OperatorPassword, Paging,
    PasswordCheck, PasswordUpdate, ProfileUpdate, Purge, RefreshOutcome, Session, SessionTokens, StoreError,
    TokenOwner, VerifiedPassword,
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
    let now = portico::clock::whole_seconds(OffsetDateTime::now_utc());
    let location = NewLocation {
        name: "Canal Street".into(),
        web_address: "canal-street".into(),
        country_id: 276,
        created_on: now,
    };
    let location_id = store.add_location(&location).await.expect("location").id;
    Fixture { store, now, location_id, _database: database }
}

fn member(email: &str, location_id: i64) -> NewMember {
    NewMember {
        email: email.into(),
        email_key: email_key(email),
        password_hash: PLACEHOLDER_HASH.into(),
        full_name: format!("Member {email}"),
        location_id,
        fields: ProfilePatch::default(),
        summary_html: None,
    }
}

fn patch(body: Value) -> ProfilePatch {
    let options = ParseOptions {
        today: OffsetDateTime::now_utc().date(),
        unknown_fields: UnknownFields::Reject,
        editor: Editor::Staff,
    };
    let (mut parsed, errors) = patch::parse(body.as_object().expect("object"), options);
    assert!(errors.is_empty(), "{errors}");
    // The store holds a custom field's answer as text, whatever the location defines.
    for (field, value) in std::mem::take(&mut parsed.custom) {
        let change = value.as_str().map_or(Change::Null, |text| Change::Value(FieldValue::Text(text.into())));
        parsed.patch.set(field, change);
    }
    parsed.patch
}

/// A member with a live session, as every PATCH needs.
struct Member {
    user_id: i64,
    profile_id: i64,
    session_id: i64,
    added: AddedMember,
    pair: TokenPair,
}

/// Adds a member at the fixture's location and signs them in.
async fn join(f: &Fixture, email: &str) -> Member {
    let added = f.store.add_members(&[member(email, f.location_id)], f.now).await.expect("add")[0];
    let (pair, session) = sign_in_as(f, added, email).await;
    Member { user_id: added.user_id, profile_id: added.profile_id, session_id: session.id, added, pair }
}

fn update(f: &Fixture, member: &Member, patch: &ProfilePatch) -> ProfileUpdate {
    ProfileUpdate {
        session_id: Some(member.session_id),
        profile_id: member.profile_id,
        user_id: member.user_id,
        patch: patch.clone(),
        expected: None,
        password: None,
        return_profile: true,
        now: f.now,
        origin: Origin { address: Some("203.0.113.9".into()), request_id: Some("req-1".into()) },
        summary_html: None,
    }
}

/// The user's whole history, newest first.
async fn history(f: &Fixture, user_id: i64) -> HistoryPage {
    f.store.history_of(user_id, Paging { offset: 0, limit: 1000 }).await.expect("history")
}

fn purge_at(now: OffsetDateTime, history_before: OffsetDateTime) -> Purge {
    Purge { now, lockout_window_start: now - LockoutRule::default().window, history_before }
}

/// Whether an access token still opens a session at `at`.
async fn alive(f: &Fixture, access: &TokenHash, at: OffsetDateTime) -> bool {
    let session = f.store.session_by_access(access, at).await.expect("query");
    let with_profile = f.store.session_profile(access, at).await.expect("query");
    assert_eq!(session, with_profile.map(|(s, _)| s), "both reads agree");
    session.is_some()
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
        actor: None,
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

/// A session of its own client, as a device's sign-in is (and refreshed as that client).
fn new_session(added: AddedMember, tokens: SessionTokens, now: OffsetDateTime) -> NewSession {
    NewSession {
        user_id: added.user_id,
        profile_id: added.profile_id,
        tokens,
        created_at: now,
        expires_at: now + Duration::days(90),
        source: None,
        user_agent: None,
        client_id: TEST_CLIENT.into(),
    }
}

const PLACEHOLDER_HASH: &str = "$argon2id$placeholder";
/// The client every session of the fixtures belongs to.
const TEST_CLIENT: &str = "conformance-suite";

/// What a sign-in verified for `email`: the placeholder hash every fixture member has.
fn verified(email: &str) -> VerifiedPassword {
    VerifiedPassword { hash: PLACEHOLDER_HASH.into(), lockout_key: lockout_key(email) }
}

fn lockout_key(email: &str) -> String {
    email_digest(&email_key(email))
}

/// Signs ann@example.com in: a fresh token pair and the session stored for it.
async fn sign_in(f: &Fixture, added: AddedMember) -> (TokenPair, Session) {
    sign_in_as(f, added, "ann@example.com").await
}

async fn sign_in_as(f: &Fixture, added: AddedMember, email: &str) -> (TokenPair, Session) {
    let (pair, stored) = tokens(f.now);
    let session = f
        .store
        .create_session(
            &new_session(added, stored, f.now),
            &verified(email),
            &audit(AuditKind::SignIn, f.now, email),
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
    let again = NewLocation {
        name: "Canal Street".into(),
        web_address: "other".into(),
        country_id: 826,
        created_on: f.now,
    };
    assert!(matches!(f.store.add_location(&again).await, Err(StoreError::Conflict(_))));

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
    let added = join(&f, "ann@example.com").await;
    // Every nullable property of the catalogue, filled with a valid value.
    let nullable: Vec<Field> = Field::all().filter(|f| f.spec().nullable).collect();
    let full: serde_json::Map<String, Value> =
        nullable.iter().map(|f| (f.property().to_string(), f.spec().rule.example())).collect();
    let full = Value::Object(full);
    for field in nullable {
        let filled = patch(full.clone());
        f.store.apply_profile_patch(&update(&f, &added, &filled)).await.expect("fill");
        let mut clear = ProfilePatch::default();
        clear.set(field, Change::Null);
        let after = f
            .store
            .apply_profile_patch(&update(&f, &added, &clear))
            .await
            .expect("clear")
            .profile
            .expect("the profile, as asked");
        let view = portico_view(&after);
        for other in Field::all().filter(|o| o.spec().nullable) {
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

/// The nullable properties of a profile as property → JSON value, read from the domain type.
fn portico_view(p: &portico::domain::profile::Profile) -> Value {
    let mut view = serde_json::Map::new();
    for field in Field::all().filter(|f| f.spec().nullable) {
        let value = match p.values.get(field) {
            None => Value::Null,
            Some(FieldValue::Date(date)) => Value::String(date.to_string()),
            Some(FieldValue::Text(text)) => Value::String(text.clone()),
            Some(other) => Value::String(format!("{other:?}")),
        };
        view.insert(field.property().to_string(), value);
    }
    Value::Object(view)
}

async fn a_non_nullable_column_refuses_null_and_nothing_changes(backend: Backend) {
    let f = fixture(backend).await;
    let added = join(&f, "ann@example.com").await;
    let before = f.store.profile(added.profile_id).await.expect("profile");
    let mut bad = ProfilePatch::default();
    bad.set(Field::Position, Change::Value(FieldValue::Text("kept out".into())));
    bad.set(Field::CompanyName, Change::Null);
    let result = f.store.apply_profile_patch(&update(&f, &added, &bad)).await;
    assert!(result.is_err(), "the schema itself refuses NULL");
    assert_eq!(f.store.profile(added.profile_id).await.expect("profile"), before);
}

async fn email_keys_fold_unicode_case(backend: Backend) {
    let f = fixture(backend).await;
    let other_location = f
        .store
        .add_location(&NewLocation {
            name: "Harbour".into(),
            web_address: "harbour".into(),
            country_id: 826,
            created_on: f.now,
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
    let added = join(&f, "ann@example.com").await;
    let start = f.store.profile(added.profile_id).await.expect("profile");
    let first = patch(json!({"NickName": "one"}));
    let changed = f
        .store
        .apply_profile_patch(&ProfileUpdate { expected: Some(start.version), ..update(&f, &added, &first) })
        .await
        .expect("current version applies")
        .profile
        .expect("the profile, as asked");
    assert_eq!(changed.version, Version { profile: start.version.profile + 1, user: start.version.user });
    let second = patch(json!({"NickName": "two", "OnNewWallPost": false}));
    let stale = ProfileUpdate { expected: Some(start.version), ..update(&f, &added, &second) };
    assert!(matches!(f.store.apply_profile_patch(&stale).await, Err(StoreError::VersionMismatch)));
    assert_eq!(f.store.profile(added.profile_id).await.expect("profile"), changed);
}

async fn timestamps_round_trip_in_utc(backend: Backend) {
    let f = fixture(backend).await;
    let created = join(&f, "ann@example.com").await;
    let later = f.now + Duration::hours(5);
    let change = patch(json!({"NickName": "A"}));
    let profile = f
        .store
        .apply_profile_patch(&ProfileUpdate { now: later, ..update(&f, &created, &change) })
        .await
        .expect("patch")
        .profile
        .expect("the profile, as asked");
    assert_eq!((profile.created_on, profile.updated_on), (f.now, later));
    assert_eq!(profile.updated_on.offset(), time::UtcOffset::UTC);
    assert_eq!(profile.values.date(Field::DateOfBirth), None);
}

async fn sessions_expire_rotate_and_revoke(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let (pair, session) = (&ann.pair, ann.session_id);
    let found = f.store.session_profile(&pair.access_hash(), f.now).await.expect("query");
    assert_eq!(found.as_ref().map(|(s, _)| s.id), Some(session));
    assert!(!alive(&f, &pair.access_hash(), f.now + Duration::days(7)).await, "expired");

    let (next_pair, next) = tokens(f.now + Duration::days(1));
    let rotated = f
        .store
        .rotate_refresh(&pair.refresh_hash(), &next, f.now + Duration::days(1), Some(TEST_CLIENT))
        .await;
    assert!(matches!(rotated.expect("rotate"), RefreshOutcome::Rotated(ref s) if s.id == session));
    assert!(!alive(&f, &pair.access_hash(), f.now).await, "the old access token is gone");
    assert!(alive(&f, &next_pair.access_hash(), f.now).await);
    let unknown = f
        .store
        .rotate_refresh(&token::hash("prt_nothing"), &next, f.now, Some(TEST_CLIENT))
        .await
        .expect("unknown");
    assert_eq!(unknown, RefreshOutcome::Invalid);

    let bob = join(&f, "bob@example.com").await;
    f.store
        .end_session(bob.session_id, &audit(AuditKind::SessionRevoked, f.now, "bob@example.com"))
        .await
        .expect("revoke");
    assert!(!alive(&f, &bob.pair.access_hash(), f.now).await);
    assert!(alive(&f, &next_pair.access_hash(), f.now).await, "a bystander's session is untouched");
}

/// R1 → R2 → R3: presenting R1 (or R2) again ends the whole family, R3 included.
async fn a_retired_refresh_token_ends_its_whole_family(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let bystander = join(&f, "bob@example.com").await;
    let mut chain = vec![ann.pair.clone()];
    for day in 1..=2 {
        let at = f.now + Duration::days(day);
        let (pair, next) = tokens(at);
        let previous = chain.last().expect("a token").refresh_hash();
        let outcome = f.store.rotate_refresh(&previous, &next, at, Some(TEST_CLIENT)).await.expect("rotate");
        assert!(matches!(outcome, RefreshOutcome::Rotated(_)), "{outcome:?}");
        chain.push(pair);
    }
    for earlier in &chain[..2] {
        let owner = f.store.token_owner(&earlier.refresh_hash()).await.expect("query");
        assert_eq!(
            owner.map(|o| o.session_id),
            Some(ann.session_id),
            "a retired token still names its family"
        );
    }
    let (_, unused) = tokens(f.now);
    let reuse = f
        .store
        .rotate_refresh(&chain[0].refresh_hash(), &unused, f.now + Duration::days(3), Some(TEST_CLIENT))
        .await;
    assert_eq!(reuse.expect("reuse"), RefreshOutcome::Reused { user_id: ann.user_id });
    let latest = &chain[2];
    assert!(!alive(&f, &latest.access_hash(), f.now).await);
    let after = f
        .store
        .rotate_refresh(&latest.refresh_hash(), &unused, f.now + Duration::days(3), Some(TEST_CLIENT))
        .await;
    assert_eq!(after.expect("rotate"), RefreshOutcome::Invalid, "the thief's newest token died too");
    assert!(alive(&f, &bystander.pair.access_hash(), f.now).await, "another member's family is untouched");
}

/// Rotation never moves a session past its absolute end.
async fn rotation_never_extends_a_session_past_its_end(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let mut pair = ann.pair.clone();
    let mut last = None;
    for day in (10..=89).step_by(10).chain([89]) {
        let at = f.now + Duration::days(day);
        let (next_pair, next) = tokens(at);
        let rotated =
            f.store.rotate_refresh(&pair.refresh_hash(), &next, at, Some(TEST_CLIENT)).await.expect("rotate");
        let RefreshOutcome::Rotated(session) = rotated else { panic!("day {day}: {rotated:?}") };
        (pair, last) = (next_pair, Some(session));
    }
    let session = last.expect("rotated");
    assert_eq!(session.access_expires_at, f.now + Duration::days(90), "capped at the session's end");
    let after_end = f.now + Duration::days(90);
    assert!(!alive(&f, &pair.access_hash(), after_end).await);
    let (_, again) = tokens(after_end);
    let late = f
        .store
        .rotate_refresh(&pair.refresh_hash(), &again, after_end, Some(TEST_CLIENT))
        .await
        .expect("rotate");
    assert_eq!(late, RefreshOutcome::Invalid);
}

async fn a_password_change_keeps_only_the_changing_session(backend: Backend) {
    let f = fixture(backend).await;
    let added =
        f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    let bystander = join(&f, "bob@example.com").await;
    let mut sessions = Vec::new();
    for _ in 0..3 {
        let (pair, session) = sign_in(&f, added).await;
        sessions.push((pair, session));
    }
    let keep = sessions[1].1.id;
    let changing = Member {
        user_id: added.user_id,
        profile_id: added.profile_id,
        session_id: keep,
        added,
        pair: sessions[1].0.clone(),
    };
    let empty = ProfilePatch::default();
    let next_refresh = TokenPair::generate();
    let password = PasswordUpdate {
        hash: "$argon2id$new".into(),
        verified_hash: PLACEHOLDER_HASH.into(),
        lockout_key: lockout_key("ann@example.com"),
        keep_session: keep,
        next_refresh: next_refresh.refresh_hash(),
        audit: audit(AuditKind::PasswordChanged, f.now, "ann@example.com"),
    };
    let change = ProfileUpdate { password: Some(password), ..update(&f, &changing, &empty) };
    f.store.apply_profile_patch(&change).await.expect("change");
    assert_eq!(f.store.password_hash(added.user_id).await.expect("hash"), "$argon2id$new");
    for (pair, session) in &sessions {
        let alive = alive(&f, &pair.access_hash(), f.now).await;
        assert_eq!(alive, session.id == keep);
    }
    assert!(alive(&f, &bystander.pair.access_hash(), f.now).await, "another member's sessions are untouched");
    let (_, unused) = tokens(f.now);
    let old_refresh = f
        .store
        .rotate_refresh(&sessions[1].0.refresh_hash(), &unused, f.now, Some(TEST_CLIENT))
        .await
        .expect("old");
    assert_eq!(
        old_refresh,
        RefreshOutcome::Reused { user_id: added.user_id },
        "the old refresh token was retired"
    );
    assert_eq!(f.store.sessions_of_user(added.user_id, f.now).await.expect("list").len(), 0);
    let revoked = f
        .store
        .end_user_sessions(bystander.user_id, &audit(AuditKind::SessionsRevoked, f.now, "bob@example.com"))
        .await
        .expect("revoke");
    assert_eq!(revoked, 1);
}

/// What a password check decided is applied only if the hash it verified is still stored,
/// and only for a session that is still alive.
async fn checks_and_writes_agree_on_the_password(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let user_id = ann.user_id;
    assert!(
        !f.store
            .upgrade_password_hash(user_id, "$argon2id$not-stored", "$argon2id$up")
            .await
            .expect("upgrade")
    );
    assert!(f.store.upgrade_password_hash(user_id, PLACEHOLDER_HASH, "$argon2id$up").await.expect("upgrade"));
    assert_eq!(f.store.password_hash(user_id).await.expect("hash"), "$argon2id$up");

    let stale = try_sign_in(&f, &ann).await;
    assert!(matches!(stale, Err(StoreError::PasswordChanged)), "the verified hash is gone");
    assert_eq!(f.store.sessions_of_user(user_id, f.now).await.expect("list").len(), 1);

    let password = PasswordUpdate {
        hash: "$argon2id$new".into(),
        verified_hash: PLACEHOLDER_HASH.into(),
        lockout_key: lockout_key("ann@example.com"),
        keep_session: ann.session_id,
        next_refresh: TokenPair::generate().refresh_hash(),
        audit: audit(AuditKind::PasswordChanged, f.now, "ann@example.com"),
    };
    let nick = patch(json!({"NickName": "kept out"}));
    let change = ProfileUpdate { password: Some(password), ..update(&f, &ann, &nick) };
    assert!(matches!(f.store.apply_profile_patch(&change).await, Err(StoreError::PasswordChanged)));
    assert_eq!(f.store.password_hash(user_id).await.expect("hash"), "$argon2id$up");
    assert_eq!(
        f.store
            .profile(ann.profile_id)
            .await
            .expect("profile")
            .values
            .text(Field::NickName)
            .map(str::to_string),
        None,
        "nothing applied"
    );

    f.store
        .end_session(ann.session_id, &audit(AuditKind::SessionRevoked, f.now, "ann@example.com"))
        .await
        .expect("revoke");
    for return_profile in [false, true] {
        let ended = ProfileUpdate { return_profile, ..update(&f, &ann, &nick) };
        assert!(matches!(f.store.apply_profile_patch(&ended).await, Err(StoreError::SessionEnded)));
    }
    assert_eq!(
        f.store
            .profile(ann.profile_id)
            .await
            .expect("profile")
            .values
            .text(Field::NickName)
            .map(str::to_string),
        None
    );
}

/// A sign-in of ann@example.com with the placeholder hash as the verified one.
async fn try_sign_in(f: &Fixture, member: &Member) -> Result<Session, StoreError> {
    let (_, stored) = tokens(f.now);
    let session = new_session(member.added, stored, f.now);
    let event = audit(AuditKind::SignIn, f.now, "ann@example.com");
    f.store.create_session(&session, &verified("ann@example.com"), &event).await
}

fn check(_: &Fixture, email: &str, at: OffsetDateTime) -> PasswordCheck {
    PasswordCheck {
        lockout_key: lockout_key(email),
        rule: LockoutRule::default(),
        now: at,
        refused: audit(AuditKind::SignInFailed, at, email),
    }
}

fn failure(email: &str, attempt: u32, at: OffsetDateTime) -> FailedAttempt {
    FailedAttempt {
        lockout_key: lockout_key(email),
        rule: LockoutRule::default(),
        attempt,
        audit: audit(AuditKind::SignInFailed, at, email),
    }
}

async fn lockout_admits_five_checks_then_locks_and_clears_on_success(backend: Backend) {
    let f = fixture(backend).await;
    for expected in 1..=5 {
        let admitted =
            f.store.admit_password_check(&check(&f, "ghost@example.com", f.now)).await.expect("admit");
        assert_eq!(admitted, Admission::Allowed { attempt: expected });
        let locked = f.store.record_password_failure(&failure("ghost@example.com", expected, f.now)).await;
        assert_eq!(locked.expect("count").is_some(), expected == 5);
    }
    let until = f.now + Duration::minutes(15);
    let later = f.now + Duration::minutes(10);
    let refused = f.store.admit_password_check(&check(&f, "ghost@example.com", later)).await.expect("admit");
    assert_eq!(refused, Admission::Locked { until }, "refused attempts do not move the lock");
    let other = f.store.admit_password_check(&check(&f, "other@example.com", later)).await.expect("admit");
    assert_eq!(other, Admission::Allowed { attempt: 1 }, "counted per address");
    let after = f.store.admit_password_check(&check(&f, "ghost@example.com", until)).await.expect("admit");
    assert_eq!(after, Admission::Allowed { attempt: 1 }, "a fresh count once the lock ends");
    let events: Vec<String> =
        f.store.audit_of("ghost@example.com").await.expect("audit").into_iter().map(|r| r.event).collect();
    assert_eq!(events.iter().filter(|e| *e == "sign_in_failed").count(), 6, "five failures and one refusal");
    assert_eq!(events.iter().filter(|e| *e == "locked_out").count(), 1);

    let ann = f.store.add_members(&[member("ann@example.com", f.location_id)], f.now).await.expect("add")[0];
    for attempt in 1..=4 {
        f.store.admit_password_check(&check(&f, "ann@example.com", f.now)).await.expect("admit");
        f.store.record_password_failure(&failure("ann@example.com", attempt, f.now)).await.expect("count");
    }
    sign_in(&f, ann).await;
    let fresh = f.store.admit_password_check(&check(&f, "ann@example.com", f.now)).await.expect("admit");
    assert_eq!(fresh, Admission::Allowed { attempt: 1 }, "a successful sign-in clears the count");
}

async fn a_locked_account_gets_no_session_and_no_password_change(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    for attempt in 1..=5 {
        f.store.admit_password_check(&check(&f, "ann@example.com", f.now)).await.expect("admit");
        f.store.record_password_failure(&failure("ann@example.com", attempt, f.now)).await.expect("count");
    }
    let until = f.now + Duration::minutes(15);
    assert!(matches!(try_sign_in(&f, &ann).await, Err(StoreError::Locked(at)) if at == until));
    let password = PasswordUpdate {
        hash: "$argon2id$new".into(),
        verified_hash: PLACEHOLDER_HASH.into(),
        lockout_key: lockout_key("ann@example.com"),
        keep_session: ann.session_id,
        next_refresh: TokenPair::generate().refresh_hash(),
        audit: audit(AuditKind::PasswordChanged, f.now, "ann@example.com"),
    };
    let empty = ProfilePatch::default();
    let change = ProfileUpdate { password: Some(password), ..update(&f, &ann, &empty) };
    assert!(matches!(f.store.apply_profile_patch(&change).await, Err(StoreError::Locked(_))));
    assert_eq!(f.store.password_hash(ann.user_id).await.expect("hash"), PLACEHOLDER_HASH);
}

/// 60 checks of one account at once: exactly five are admitted, whichever store.
async fn concurrent_checks_are_admitted_at_most_five_times(backend: Backend) {
    let f = fixture(backend).await;
    let attempts: Vec<_> = (0..60)
        .map(|_| {
            let (store, check) = (Arc::clone(&f.store), check(&f, "ann@example.com", f.now));
            tokio::spawn(async move { store.admit_password_check(&check).await })
        })
        .collect();
    let mut admitted = 0;
    for attempt in attempts {
        if let Admission::Allowed { .. } = attempt.await.expect("task").expect("no error may surface") {
            admitted += 1;
        }
    }
    assert_eq!(admitted, 5);
}

async fn an_operator_password_ends_every_session_and_the_lockout(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let bystander = join(&f, "bob@example.com").await;
    for attempt in 1..=5 {
        f.store.admit_password_check(&check(&f, "ann@example.com", f.now)).await.expect("admit");
        f.store.record_password_failure(&failure("ann@example.com", attempt, f.now)).await.expect("count");
    }
    let change = OperatorPassword {
        user_id: ann.user_id,
        hash: "$argon2id$operator".into(),
        lockout_key: lockout_key("ann@example.com"),
        audit: audit(AuditKind::PasswordSetByOperator, f.now, "ann@example.com"),
    };
    assert_eq!(f.store.set_operator_password(&change).await.expect("set"), 1);
    assert_eq!(f.store.password_hash(ann.user_id).await.expect("hash"), "$argon2id$operator");
    assert!(!alive(&f, &ann.pair.access_hash(), f.now).await);
    assert!(alive(&f, &bystander.pair.access_hash(), f.now).await);
    let admitted = f.store.admit_password_check(&check(&f, "ann@example.com", f.now)).await.expect("admit");
    assert_eq!(admitted, Admission::Allowed { attempt: 1 });
    let missing = OperatorPassword { user_id: 9999, ..change };
    assert!(matches!(f.store.set_operator_password(&missing).await, Err(StoreError::NotFound)));
}

async fn tokens_name_their_session(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let owner = Some(TokenOwner { session_id: ann.session_id, user_id: ann.user_id });
    assert_eq!(f.store.token_owner(&ann.pair.access_hash()).await.expect("query"), owner);
    assert_eq!(f.store.token_owner(&ann.pair.refresh_hash()).await.expect("query"), owner);
    assert_eq!(f.store.token_owner(&token::hash("prt_nothing")).await.expect("query"), None);
}

async fn purging_removes_only_what_expired(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let first = update(&f, &ann, &patch(json!({"NickName": "first"})));
    f.store.apply_profile_patch(&first).await.expect("patch");
    let later = ProfileUpdate {
        now: f.now + Duration::days(2),
        ..update(&f, &ann, &patch(json!({"NickName": "later"})))
    };
    f.store.apply_profile_patch(&later).await.expect("patch");
    let purge = purge_at(f.now + Duration::days(14), f.now + Duration::days(1));
    f.store.purge_expired(&purge).await.expect("purge");
    assert_eq!(f.store.sessions_of_user(ann.user_id, f.now).await.expect("list").len(), 1);
    let left = history(&f, ann.user_id).await;
    assert_eq!(
        (left.total, left.entries[0].at),
        (1, f.now + Duration::days(2)),
        "only the later entry is left"
    );
    f.store.purge_expired(&purge_at(f.now + Duration::days(16), f.now)).await.expect("purge");
    assert_eq!(f.store.sessions_of_user(ann.user_id, f.now).await.expect("list").len(), 0);
    assert_eq!(history(&f, ann.user_id).await.total, 1);
}

async fn concurrent_patches_lose_nothing_and_count_every_version(backend: Backend) {
    let f = fixture(backend).await;
    let added = join(&f, "ann@example.com").await;
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
            let (now, session_id) = (f.now, added.session_id);
            tokio::spawn(async move {
                let change = patch(json!({ field: format!("v{i}") }));
                // Without a representation: PostgreSQL takes its one-statement path.
                let update = ProfileUpdate {
                    session_id: Some(session_id),
                    profile_id: added.profile_id,
                    user_id: added.user_id,
                    patch: change,
                    expected: None,
                    password: None,
                    return_profile: false,
                    now,
                    origin: Origin::default(),
                    summary_html: None,
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
    for (index, field) in fields.iter().enumerate() {
        let value = profile.values.text(Field::from_property(field).expect("a field")).expect("set");
        let written: usize = value.trim_start_matches('v').parse().expect("a written value");
        assert_eq!(written % fields.len(), index, "{field} holds a value written to it");
    }
    let entries = history(&f, added.user_id).await.entries;
    assert_eq!(entries.len(), 40, "every write recorded its change");
    let mut last_written = std::collections::HashMap::new();
    let mut ordered = entries.clone();
    ordered.sort_by_key(|e| e.id);
    for entry in &ordered {
        let [PropertyChange::Value { property, old, new }] = &entry.changes[..] else {
            panic!("one property per write: {entry:?}")
        };
        let previous = last_written.insert(property.clone(), new.clone());
        if let Some(previous) = previous {
            assert_eq!(old, &previous, "{property}: each entry starts where the one before ended");
        }
    }
}

async fn a_plain_patch_applies_like_a_transactional_one(backend: Backend) {
    let f = fixture(backend).await;
    let added = join(&f, "ann@example.com").await;
    let start = f.store.profile(added.profile_id).await.expect("profile");
    let change = patch(json!({"NickName": "fast", "FullName": "Ann Fast", "OnNewWallPost": false}));
    let plain = ProfileUpdate { return_profile: false, ..update(&f, &added, &change) };
    let applied = f.store.apply_profile_patch(&plain).await.expect("patch");
    assert_eq!(applied.profile, None);
    let stored = f.store.profile(added.profile_id).await.expect("profile");
    assert_eq!(applied.version, stored.version, "the version returned is the one stored");
    assert_eq!(stored.version, Version { profile: start.version.profile + 1, user: start.version.user + 1 });
    assert_eq!((stored.values.text(Field::NickName), stored.full_name()), (Some("fast"), "Ann Fast"));
    assert!(!stored.values.flag(Field::OnNewWallPost));
    assert_eq!(f.store.user(added.user_id).await.expect("user").full_name, "Ann Fast");

    let other = join(&f, "bob@example.com").await;
    let bob_before = f.store.profile(other.profile_id).await.expect("profile");
    let hijack = patch(json!({"NickName": "hijack", "FullName": "Not Ann", "OnNewWallPost": true}));
    for return_profile in [false, true] {
        let wrong_owner =
            ProfileUpdate { return_profile, profile_id: other.profile_id, ..update(&f, &added, &hijack) };
        assert!(matches!(f.store.apply_profile_patch(&wrong_owner).await, Err(StoreError::NotFound)));
    }
    let ann = f.store.profile(added.profile_id).await.expect("profile");
    assert_eq!(
        (ann.full_name(), ann.values.flag(Field::OnNewWallPost)),
        ("Ann Fast", false),
        "nothing half-applied"
    );
    assert_eq!(f.store.user(added.user_id).await.expect("user").full_name, "Ann Fast");
    assert_eq!(
        f.store.profile(other.profile_id).await.expect("profile"),
        bob_before,
        "nor on the other profile"
    );
}

/// A failure in a later statement of a PATCH (the new refresh token clashes with another
/// session's, after the profile, the user and the other sessions were already written)
/// leaves nothing behind.
async fn a_failure_in_a_later_statement_undoes_the_earlier_ones(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let (second, _) = sign_in(&f, ann.added).await;
    let bystander = join(&f, "bob@example.com").await;
    let before = f.store.profile(ann.profile_id).await.expect("profile");
    let password = PasswordUpdate {
        hash: "$argon2id$new".into(),
        verified_hash: PLACEHOLDER_HASH.into(),
        lockout_key: lockout_key("ann@example.com"),
        keep_session: ann.session_id,
        next_refresh: bystander.pair.refresh_hash(),
        audit: audit(AuditKind::PasswordChanged, f.now, "ann@example.com"),
    };
    let change = patch(json!({"NickName": "kept out", "FullName": "Ann Changed", "OnNewWallPost": false}));
    let update = ProfileUpdate { password: Some(password), ..update(&f, &ann, &change) };
    assert!(f.store.apply_profile_patch(&update).await.is_err(), "the clash fails the PATCH");
    assert_eq!(f.store.profile(ann.profile_id).await.expect("profile"), before, "no property changed");
    assert_eq!(f.store.password_hash(ann.user_id).await.expect("hash"), PLACEHOLDER_HASH, "nor the password");
    assert!(alive(&f, &second.access_hash(), f.now).await, "the other session was not ended");
    assert_eq!(f.store.user(ann.user_id).await.expect("user").full_name, "Member ann@example.com");
    let events = f.store.audit_of("ann@example.com").await.expect("audit");
    assert!(events.iter().all(|e| e.event != "password_changed"), "nor audited: {events:?}");
    assert_eq!(history(&f, ann.user_id).await.total, 0, "nor recorded in the history");
}

/// The history records what changed, with its origin, in both stores alike: values of every
/// kind, a password only as changed, and nothing for a PATCH that changed nothing.
async fn the_history_records_each_change_with_its_origin(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let change = patch(json!({"NickName": "Annie", "DateOfBirth": "1990-05-04", "CountryId": 826,
        "OnNewWallPost": false, "LandLine": "+44 20 7946 0001"}));
    f.store.apply_profile_patch(&update(&f, &ann, &change)).await.expect("patch");
    f.store.apply_profile_patch(&update(&f, &ann, &change)).await.expect("the same again");
    let password = PasswordUpdate {
        hash: "$argon2id$new".into(),
        verified_hash: PLACEHOLDER_HASH.into(),
        lockout_key: lockout_key("ann@example.com"),
        keep_session: ann.session_id,
        next_refresh: token::TokenPair::generate().refresh_hash(),
        audit: audit(AuditKind::PasswordChanged, f.now, "ann@example.com"),
    };
    let only_password = ProfileUpdate {
        password: Some(password),
        return_profile: false,
        ..update(&f, &ann, &ProfilePatch::default())
    };
    f.store.apply_profile_patch(&only_password).await.expect("password");
    let found = history(&f, ann.user_id).await;
    assert_eq!(found.total, 2, "the repeat changed nothing: {found:?}");
    let [newest, oldest] = &found.entries[..] else { panic!("two entries") };
    assert_eq!(newest.changes, [PropertyChange::Secret { property: "Password".into() }]);
    let value = |property: &str, old: Value, new: Value| PropertyChange::Value {
        property: property.into(),
        old,
        new,
    };
    assert_eq!(
        oldest.changes,
        [
            value("NickName", Value::Null, json!("Annie")),
            value("DateOfBirth", Value::Null, json!("1990-05-04")),
            value("LandLine", Value::Null, json!("+44 20 7946 0001")),
            value("CountryId", json!(276), json!(826)),
            value("OnNewWallPost", json!(true), json!(false)),
        ]
    );
    assert_eq!(
        (oldest.profile_id, oldest.session_id, oldest.at),
        (ann.profile_id, Some(ann.session_id), f.now)
    );
    assert_eq!(
        (oldest.address.as_deref(), oldest.request_id.as_deref()),
        (Some("203.0.113.9"), Some("req-1"))
    );
    let second_page = f.store.history_of(ann.user_id, Paging { offset: 1, limit: 5 }).await.expect("page");
    assert_eq!((second_page.total, second_page.entries.len(), second_page.entries[0].id), (2, 1, oldest.id));
}

/// A PATCH that sends back the values already stored moves neither the version nor the
/// time of change; one that changes a value moves both.
async fn a_patch_that_changes_nothing_moves_no_version(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let first = patch(json!({"NickName": "same", "OnNewWallPost": false, "FullName": "Ann"}));
    let later =
        |minutes| ProfileUpdate { now: f.now + Duration::minutes(minutes), ..update(&f, &ann, &first) };
    let written = f.store.apply_profile_patch(&later(1)).await.expect("patch").profile.expect("profile");
    for return_profile in [true, false] {
        let again =
            f.store.apply_profile_patch(&ProfileUpdate { return_profile, ..later(5) }).await.expect("patch");
        assert_eq!(again.version, written.version, "nothing changed, nothing moved");
    }
    let stored = f.store.profile(ann.profile_id).await.expect("profile");
    assert_eq!((stored.version, stored.updated_on), (written.version, f.now + Duration::minutes(1)));
    let user_only = patch(json!({"OnNewWallPost": true}));
    let moved = f
        .store
        .apply_profile_patch(&ProfileUpdate {
            now: f.now + Duration::minutes(9),
            ..update(&f, &ann, &user_only)
        })
        .await
        .expect("patch")
        .profile
        .expect("profile");
    assert_eq!(moved.version, Version { profile: written.version.profile, user: written.version.user + 1 });
    assert_eq!(moved.updated_on, f.now + Duration::minutes(9), "the user row's change shows in UpdatedOn");
}

/// A member with profiles at two locations: a change through one profile to what belongs
/// to the user moves the other profile's version and time of change too, because its
/// representation shows them.
async fn a_users_change_moves_every_profile_that_shows_it(backend: Backend) {
    let f = fixture(backend).await;
    let harbour = NewLocation {
        name: "Harbour".into(),
        web_address: "harbour".into(),
        country_id: 826,
        created_on: f.now,
    };
    let harbour = f.store.add_location(&harbour).await.expect("location");
    let ann = join(&f, "ann@example.com").await;
    let second = f.store.add_members(&[member("ann@example.com", harbour.id)], f.now).await.expect("add")[0];
    let before = f.store.profile(second.profile_id).await.expect("profile");
    let later = f.now + Duration::minutes(3);
    let change = patch(json!({"SignUpToNewsletter": true}));
    f.store
        .apply_profile_patch(&ProfileUpdate { now: later, ..update(&f, &ann, &change) })
        .await
        .expect("patch");
    let after = f.store.profile(second.profile_id).await.expect("profile");
    assert_eq!(after.version.profile, before.version.profile);
    assert_eq!(after.version.user, before.version.user + 1, "the other profile's tag moved");
    assert_eq!(after.updated_on, later, "and its UpdatedOn");
    assert!(after.values.flag(Field::SignUpToNewsletter));
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

/// Every catalogue property an import sets is what the new member has: profile-owned and
/// user-owned alike (opt-outs and consent are never reset to the defaults). Run with every
/// flag on and with every flag off, so no default can pass for the imported value.
async fn an_import_keeps_every_catalogue_property(backend: Backend) {
    let f = fixture(backend).await;
    for (email, flags) in [("on@example.com", true), ("off@example.com", false)] {
        let body: serde_json::Map<String, Value> = Field::all()
            .map(|field| {
                let rule = field.spec().rule;
                let value = if field.kind() == Kind::Bool { Value::from(flags) } else { rule.example() };
                (field.property().to_string(), value)
            })
            .collect();
        let fields = patch(Value::Object(body));
        let new = NewMember { fields: fields.clone(), ..member(email, f.location_id) };
        let added = f.store.add_members(&[new], f.now).await.expect("imported")[0];
        let stored = f.store.profile(added.profile_id).await.expect("profile");
        for (field, value) in fields.iter() {
            assert_eq!(stored.values.get(field), value, "{email}: {}", field.property());
        }
        let user = f.store.user(added.user_id).await.expect("user");
        for field in Field::all().filter(|f| f.spec().owner == Owner::User) {
            let sent = fields.iter().find(|(sent, _)| *sent == field).and_then(|(_, value)| value);
            assert_eq!(user.values.get(field), sent, "{email}: the user's {}", field.property());
        }
    }
}

every_store!(
    an_import_keeps_every_catalogue_property,
    missing_records_are_not_found,
    conflicts_name_what_clashed_and_write_nothing,
    null_clears_and_absent_keeps_every_nullable_column,
    a_non_nullable_column_refuses_null_and_nothing_changes,
    email_keys_fold_unicode_case,
    a_stale_version_is_refused_and_changes_nothing,
    timestamps_round_trip_in_utc,
    sessions_expire_rotate_and_revoke,
    a_retired_refresh_token_ends_its_whole_family,
    rotation_never_extends_a_session_past_its_end,
    a_password_change_keeps_only_the_changing_session,
    a_failure_in_a_later_statement_undoes_the_earlier_ones,
    a_patch_that_changes_nothing_moves_no_version,
    a_users_change_moves_every_profile_that_shows_it,
    checks_and_writes_agree_on_the_password,
    lockout_admits_five_checks_then_locks_and_clears_on_success,
    a_locked_account_gets_no_session_and_no_password_change,
    concurrent_checks_are_admitted_at_most_five_times,
    an_operator_password_ends_every_session_and_the_lockout,
    tokens_name_their_session,
    purging_removes_only_what_expired,
    concurrent_patches_lose_nothing_and_count_every_version,
    a_plain_patch_applies_like_a_transactional_one,
    a_token_reads_its_session_and_profile_together,
    the_history_records_each_change_with_its_origin,
);
