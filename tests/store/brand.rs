//! A location's brand and logo, and the directory's contact relay, identically on both
//! backends: the brand kept and cleared, the logo replaced and removed; messages relayed
//! only to members still in the directory of a location with the relay on, each sender's
//! hourly and daily windows (also against 20 concurrent messages), the mail and the audit
//! written with each, the purge, and erasure taking the sender's messages along.

use super::*;
use portico::domain::brand::Accent;
use portico::domain::contact::ContactAdmission;
use portico::domain::language::Language;
use portico::domain::photo::Photo;
use portico::store::{ContactRelay, Erasure, LocationBrand, NewMail};

fn logo(bytes: &[u8]) -> Photo {
    Photo { jpeg: bytes.to_vec(), etag: Photo::digest_tag(bytes) }
}

async fn a_location_keeps_its_brand_and_its_logo(backend: Backend) {
    let f = fixture(backend).await;
    let plain = f.store.location(f.location_id).await.expect("location");
    assert_eq!(
        (plain.display_name, plain.accent, plain.logo_tag, plain.contact_relay, plain.language),
        (None, None, None, false, Language::English),
        "a new location has no brand of its own"
    );
    let brand = LocationBrand {
        display_name: Some("Canal Street Works".into()),
        accent: Some(Accent::parse("#7a1f5c").expect("readable")),
        contact_relay: true,
        language: Language::German,
    };
    f.store.set_location_brand(f.location_id, &brand).await.expect("set");
    let branded = f.store.location(f.location_id).await.expect("location");
    assert_eq!(
        (
            branded.display_name.as_deref(),
            branded.accent.map(|a| a.hex()),
            branded.contact_relay,
            branded.language
        ),
        (Some("Canal Street Works"), Some("#7a1f5c".to_string()), true, Language::German)
    );
    assert_eq!(f.store.locations().await.expect("locations")[0], branded, "the list reads the same");

    assert_eq!(f.store.location_logo(f.location_id).await.expect("logo"), None);
    let first = logo(b"first jpeg");
    f.store.save_location_logo(f.location_id, &first, f.now).await.expect("save");
    assert_eq!(f.store.location_logo(f.location_id).await.expect("logo"), Some(first.clone()));
    assert_eq!(f.store.location(f.location_id).await.expect("location").logo_tag, Some(first.etag.clone()));
    let second = logo(b"second jpeg");
    f.store.save_location_logo(f.location_id, &second, f.now).await.expect("replace");
    assert_eq!(f.store.location_logo(f.location_id).await.expect("logo"), Some(second.clone()));
    assert_eq!(f.store.location(f.location_id).await.expect("location").logo_tag, Some(second.etag));
    assert!(f.store.delete_location_logo(f.location_id).await.expect("delete"));
    assert!(!f.store.delete_location_logo(f.location_id).await.expect("again"), "nothing left to delete");
    assert_eq!(f.store.location(f.location_id).await.expect("location").logo_tag, None);

    f.store.set_location_brand(f.location_id, &LocationBrand::default()).await.expect("cleared");
    let cleared = f.store.location(f.location_id).await.expect("location");
    assert_eq!(
        (cleared.display_name, cleared.accent, cleared.contact_relay, cleared.language),
        (None, None, false, Language::English)
    );
    assert!(matches!(f.store.set_location_brand(999_999, &brand).await, Err(StoreError::NotFound)));
}

/// Two members at the fixture's location: `ann` writes, `bob` (public) is written to; the
/// location's relay is on.
async fn pen_pals(f: &Fixture) -> (Member, Member) {
    let ann = join(f, "ann@example.com").await;
    let bob = join(f, "bob@example.com").await;
    f.store
        .apply_profile_patch(&update(f, &bob, &patch(json!({"ProfileIsPublic": true}))))
        .await
        .expect("public");
    let on = LocationBrand { contact_relay: true, ..LocationBrand::default() };
    f.store.set_location_brand(f.location_id, &on).await.expect("relay on");
    (ann, bob)
}

fn relay(
    f: &Fixture,
    sender: &Member,
    recipient: &Member,
    at: OffsetDateTime,
    per_hour: u32,
    per_day: u32,
) -> ContactRelay {
    ContactRelay {
        sender_id: sender.user_id,
        recipient_profile_id: recipient.profile_id,
        location_id: f.location_id,
        now: at,
        per_hour,
        per_day,
        mail: NewMail {
            to: "bob@example.com".into(),
            subject: "Canal Street: a message from Ann".into(),
            text: "hello".into(),
            html: "<p>hello</p>".into(),
            reply_to: Some("ann@example.com".into()),
            sender_id: Some(sender.user_id),
        },
        audit: AuditEvent {
            user_id: Some(sender.user_id),
            detail: Some(format!("to profile {}", recipient.profile_id)),
            ..audit(AuditKind::ContactRelayed, at, "ann@example.com")
        },
    }
}

async fn relayed_count(f: &Fixture, user_id: i64) -> usize {
    let records = f.store.audit_of_user(user_id).await.expect("audit");
    records.iter().filter(|r| r.event == "contact_relayed").count()
}

async fn a_relayed_message_is_queued_and_audited_with_its_reply_to(backend: Backend) {
    let f = fixture(backend).await;
    let (ann, bob) = pen_pals(&f).await;
    let admitted = f.store.relay_contact_message(&relay(&f, &ann, &bob, f.now, 5, 20)).await.expect("relay");
    assert_eq!(admitted, ContactAdmission::Relayed);
    let outbox = f.store.outbox(Some(&email_key("bob@example.com")), 10).await.expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(
        (outbox[0].mail.reply_to.as_deref(), outbox[0].mail.sender_id),
        (Some("ann@example.com"), Some(ann.user_id)),
        "the reply address and the writer are kept with the message"
    );
    let claimed = f.store.claim_mail(f.now, f.now + Duration::minutes(5), 10).await.expect("claim");
    assert_eq!(claimed[0].mail.reply_to.as_deref(), Some("ann@example.com"), "the sender reads them too");
    assert_eq!(relayed_count(&f, ann.user_id).await, 1);
}

async fn only_members_in_the_directory_of_a_location_with_the_relay_on_are_contactable(backend: Backend) {
    let f = fixture(backend).await;
    let (ann, bob) = pen_pals(&f).await;
    let carol = join(&f, "carol@example.com").await;
    let attempt = |recipient: &Member| relay(&f, &ann, recipient, f.now, 100, 100);
    assert_eq!(
        f.store.relay_contact_message(&attempt(&carol)).await.expect("relay"),
        ContactAdmission::NotContactable,
        "a private profile"
    );
    let off = LocationBrand { contact_relay: false, ..LocationBrand::default() };
    f.store.set_location_brand(f.location_id, &off).await.expect("off");
    assert_eq!(
        f.store.relay_contact_message(&attempt(&bob)).await.expect("relay"),
        ContactAdmission::NotContactable,
        "the location turned the relay off"
    );
    let on = LocationBrand { contact_relay: true, ..LocationBrand::default() };
    f.store.set_location_brand(f.location_id, &on).await.expect("on");
    let suspended = audit(AuditKind::MemberSuspended, f.now, "bob@example.com");
    f.store.set_user_active(bob.user_id, false, &suspended).await.expect("suspend");
    assert_eq!(
        f.store.relay_contact_message(&attempt(&bob)).await.expect("relay"),
        ContactAdmission::NotContactable,
        "a suspended member"
    );
    let elsewhere = f
        .store
        .add_location(&NewLocation {
            name: "Dock Road".into(),
            web_address: "dock-road".into(),
            country_id: 826,
            created_on: f.now,
        })
        .await
        .expect("location")
        .id;
    let reactivated = audit(AuditKind::MemberReactivated, f.now, "bob@example.com");
    f.store.set_user_active(bob.user_id, true, &reactivated).await.expect("reactivate");
    let wrong_place = ContactRelay { location_id: elsewhere, ..attempt(&bob) };
    assert_eq!(
        f.store.relay_contact_message(&wrong_place).await.expect("relay"),
        ContactAdmission::NotContactable,
        "a profile at another location"
    );
    assert_eq!(
        f.store.relay_contact_message(&attempt(&bob)).await.expect("relay"),
        ContactAdmission::Relayed
    );
    assert_eq!(f.store.outbox(None, 10).await.expect("outbox").len(), 1, "only the relayed one was queued");
    assert_eq!(relayed_count(&f, ann.user_id).await, 1);
}

async fn each_sender_has_an_hourly_and_a_daily_window(backend: Backend) {
    let f = fixture(backend).await;
    let (ann, bob) = pen_pals(&f).await;
    let dave = join(&f, "dave@example.com").await;
    let t0 = f.now;
    for minute in [0, 10, 20] {
        let at = t0 + Duration::minutes(minute);
        let admitted = f.store.relay_contact_message(&relay(&f, &ann, &bob, at, 3, 5)).await.expect("relay");
        assert_eq!(admitted, ContactAdmission::Relayed);
    }
    let at = t0 + Duration::minutes(30);
    assert_eq!(
        f.store.relay_contact_message(&relay(&f, &ann, &bob, at, 3, 5)).await.expect("relay"),
        ContactAdmission::HourLimit { until: t0 + Duration::hours(1) },
        "free again when the oldest of the three leaves the hour"
    );
    assert_eq!(
        f.store.relay_contact_message(&relay(&f, &dave, &bob, at, 3, 5)).await.expect("relay"),
        ContactAdmission::Relayed,
        "another sender has windows of their own"
    );
    for hours in [2, 3] {
        let at = t0 + Duration::hours(hours);
        let admitted = f.store.relay_contact_message(&relay(&f, &ann, &bob, at, 3, 5)).await.expect("relay");
        assert_eq!(admitted, ContactAdmission::Relayed);
    }
    let at = t0 + Duration::hours(4);
    assert_eq!(
        f.store.relay_contact_message(&relay(&f, &ann, &bob, at, 3, 5)).await.expect("relay"),
        ContactAdmission::DayLimit { until: t0 + Duration::days(1) },
        "five in the day: the oldest must leave the day first"
    );
    let next_day = t0 + Duration::days(1) + Duration::seconds(1);
    assert_eq!(
        f.store.relay_contact_message(&relay(&f, &ann, &bob, next_day, 3, 5)).await.expect("relay"),
        ContactAdmission::Relayed
    );
    assert_eq!(relayed_count(&f, ann.user_id).await, 6, "only what was relayed is audited");
}

/// `attempts` messages of one sender at once, under the limits given: what each got.
async fn all_at_once(
    f: &Arc<Fixture>,
    attempts: usize,
    per_hour: u32,
    per_day: u32,
) -> (Member, Vec<ContactAdmission>) {
    let (ann, bob) = pen_pals(f).await;
    let (sender, bob) = (Arc::new(ann), Arc::new(bob));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..attempts {
        let (f, sender, bob) = (Arc::clone(f), Arc::clone(&sender), Arc::clone(&bob));
        tasks.spawn(async move {
            f.store
                .relay_contact_message(&relay(&f, &sender, &bob, f.now, per_hour, per_day))
                .await
                .expect("relay")
        });
    }
    let answers = tasks.join_all().await;
    (Arc::into_inner(sender).expect("the only holder"), answers)
}

async fn twenty_concurrent_messages_relay_exactly_the_hourly_limit(backend: Backend) {
    let f = Arc::new(fixture(backend).await);
    let (ann, answers) = all_at_once(&f, 20, 5, 20).await;
    let relayed = answers.iter().filter(|a| **a == ContactAdmission::Relayed).count();
    let refused = answers.iter().filter(|a| matches!(a, ContactAdmission::HourLimit { .. })).count();
    assert_eq!((relayed, refused), (5, 15), "{answers:?}");
    assert_eq!(f.store.outbox(None, 100).await.expect("outbox").len(), 5, "only the relayed were queued");
    assert_eq!(relayed_count(&f, ann.user_id).await, 5);
}

async fn thirty_concurrent_messages_relay_exactly_the_daily_limit(backend: Backend) {
    let f = Arc::new(fixture(backend).await);
    let (ann, answers) = all_at_once(&f, 30, 100, 20).await;
    let relayed = answers.iter().filter(|a| **a == ContactAdmission::Relayed).count();
    let refused = answers.iter().filter(|a| matches!(a, ContactAdmission::DayLimit { .. })).count();
    assert_eq!((relayed, refused), (20, 10), "{answers:?}");
    assert_eq!(f.store.outbox(None, 100).await.expect("outbox").len(), 20);
    assert_eq!(relayed_count(&f, ann.user_id).await, 20);
}

async fn purging_forgets_counts_older_than_a_day(backend: Backend) {
    let f = fixture(backend).await;
    let (ann, bob) = pen_pals(&f).await;
    f.store.relay_contact_message(&relay(&f, &ann, &bob, f.now, 1, 1)).await.expect("relay");
    let later = f.now + Duration::minutes(30);
    f.store
        .purge_expired(&purge_at(f.now + Duration::hours(23), f.now - Duration::days(400)))
        .await
        .expect("purge");
    assert!(
        matches!(
            f.store.relay_contact_message(&relay(&f, &ann, &bob, later, 1, 1)).await.expect("relay"),
            ContactAdmission::HourLimit { .. }
        ),
        "still counted after an early purge"
    );
    f.store
        .purge_expired(&purge_at(f.now + Duration::days(1), f.now - Duration::days(400)))
        .await
        .expect("purge");
    assert_eq!(
        f.store.relay_contact_message(&relay(&f, &ann, &bob, later, 1, 1)).await.expect("relay"),
        ContactAdmission::Relayed,
        "the purge removed the day-old count"
    );
}

async fn erasing_a_sender_takes_their_queued_messages(backend: Backend) {
    let f = fixture(backend).await;
    let (ann, bob) = pen_pals(&f).await;
    f.store.relay_contact_message(&relay(&f, &ann, &bob, f.now, 5, 20)).await.expect("relay");
    let other = NewMail {
        to: "bob@example.com".into(),
        reply_to: None,
        sender_id: None,
        ..relay(&f, &ann, &bob, f.now, 5, 20).mail
    };
    f.store.queue_mail(&[other], f.now).await.expect("queue");
    let erasure = Erasure {
        user_id: ann.user_id,
        email_key: email_key("ann@example.com"),
        lockout_key: lockout_key("ann@example.com"),
        audit: audit(AuditKind::MemberErased, f.now, "ann@example.com"),
    };
    f.store.erase_user(&erasure).await.expect("erase");
    let left = f.store.outbox(None, 10).await.expect("outbox");
    assert_eq!(left.len(), 1, "the message Ann wrote went with her; the other stays");
    assert_eq!(left[0].mail.sender_id, None);
    assert!(left.iter().all(|m| m.mail.reply_to.is_none()), "her address is nowhere in the outbox");
}

every_store!(
    a_location_keeps_its_brand_and_its_logo,
    a_relayed_message_is_queued_and_audited_with_its_reply_to,
    only_members_in_the_directory_of_a_location_with_the_relay_on_are_contactable,
    each_sender_has_an_hourly_and_a_daily_window,
    twenty_concurrent_messages_relay_exactly_the_hourly_limit,
    thirty_concurrent_messages_relay_exactly_the_daily_limit,
    purging_forgets_counts_older_than_a_day,
    erasing_a_sender_takes_their_queued_messages,
);
