//! The outbox and the account links, identically in both stores: concurrent senders never
//! take the same message, a lapsed lease or a due retry makes a message available again,
//! and a link stops working when it is used, replaced, expired or outdated by a password.

use std::collections::BTreeSet;

use super::*;
use portico::domain::account::Purpose;
use portico::store::{CompanionLink, EmailRedemption, Invitation, LinkIssue, NewMail, PasswordRedemption};

fn mail(n: usize) -> NewMail {
    NewMail {
        to: format!("m{n}@example.com"),
        subject: "s".into(),
        text: "t".into(),
        html: "<p>h</p>".into(),
        reply_to: None,
        sender_id: None,
    }
}

async fn concurrent_senders_never_take_the_same_message(backend: Backend) {
    let f = Arc::new(fixture(backend).await);
    let messages: Vec<NewMail> = (0..30).map(mail).collect();
    f.store.queue_mail(&messages, f.now).await.expect("queue");
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let f = Arc::clone(&f);
        tasks.spawn(async move {
            f.store.claim_mail(f.now, f.now + Duration::minutes(5), 10).await.expect("claim")
        });
    }
    let claimed: Vec<i64> = tasks.join_all().await.into_iter().flatten().map(|m| m.id).collect();
    let distinct: BTreeSet<i64> = claimed.iter().copied().collect();
    assert_eq!((claimed.len(), distinct.len()), (30, 30), "each message taken exactly once");
}

async fn a_lapsed_lease_or_a_due_retry_makes_a_message_available_again(backend: Backend) {
    let f = fixture(backend).await;
    f.store.queue_mail(&[mail(1)], f.now).await.expect("queue");
    let first = f.store.claim_mail(f.now, f.now + Duration::minutes(5), 10).await.expect("claim");
    assert_eq!((first.len(), first[0].attempts), (1, 1));
    assert!(
        f.store
            .claim_mail(f.now + Duration::minutes(1), f.now + Duration::minutes(6), 10)
            .await
            .expect("claim")
            .is_empty(),
        "leased"
    );
    let again = f
        .store
        .claim_mail(f.now + Duration::minutes(6), f.now + Duration::minutes(11), 10)
        .await
        .expect("claim");
    assert_eq!((again.len(), again[0].attempts), (1, 2), "the node that took it died: taken again");

    let retry = Some(f.now + Duration::minutes(30));
    f.store.mail_failed(again[0].id, f.now, retry, "SMTP: refused").await.expect("failed");
    assert!(
        f.store
            .claim_mail(f.now + Duration::minutes(20), f.now + Duration::minutes(25), 10)
            .await
            .expect("claim")
            .is_empty(),
        "not before its retry"
    );
    let outbox = f.store.outbox(None, 10).await.expect("outbox");
    assert_eq!(outbox[0].last_error.as_deref(), Some("SMTP: refused"));
    let retry = f
        .store
        .claim_mail(f.now + Duration::minutes(31), f.now + Duration::minutes(36), 10)
        .await
        .expect("claim");
    assert_eq!(retry.len(), 1);
    f.store.mail_sent(retry[0].id, f.now + Duration::minutes(31)).await.expect("sent");
    assert!(
        f.store
            .claim_mail(f.now + Duration::hours(2), f.now + Duration::hours(3), 10)
            .await
            .expect("claim")
            .is_empty(),
        "sent is done"
    );
    let key = email_key("m1@example.com");
    assert_eq!(
        f.store.outbox(Some(&key), 10).await.expect("outbox")[0].sent_at,
        Some(f.now + Duration::minutes(31))
    );
    assert!(f.store.outbox(Some("other@example.com"), 10).await.expect("outbox").is_empty());
}

fn issue(f: &Fixture, user_id: i64, purpose: Purpose, token: &str, companion: Option<&str>) -> LinkIssue {
    LinkIssue {
        user_id,
        purpose,
        token_hash: token::hash(token),
        now: f.now,
        expires_at: f.now + Duration::hours(1),
        new_email: Some("new@example.com".into()),
        old_email: Some("ann@example.com".into()),
        per_hour: 3,
        mail: vec![mail(9)],
        companion: companion.map(|t| CompanionLink {
            purpose: Purpose::EmailRevert,
            token_hash: token::hash(t),
            expires_at: f.now + Duration::days(7),
        }),
        inert: false,
    }
}

async fn links_end_when_used_replaced_expired_or_outdated_by_a_password(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let works = |t: &'static str, at: OffsetDateTime| {
        let store = f.store.clone();
        async move { store.link(&token::hash(t), at).await.expect("query").is_some() }
    };
    assert!(
        f.store
            .issue_link(&issue(&f, ann.user_id, Purpose::PasswordReset, "plk_one", None))
            .await
            .expect("issue")
    );
    assert!(works("plk_one", f.now).await);
    assert!(!works("plk_one", f.now + Duration::hours(1)).await, "expired");
    assert!(
        f.store
            .issue_link(&issue(&f, ann.user_id, Purpose::PasswordReset, "plk_two", None))
            .await
            .expect("issue")
    );
    assert!(!works("plk_one", f.now).await, "replaced");
    assert!(
        f.store
            .issue_link(&issue(&f, ann.user_id, Purpose::PasswordReset, "plk_three", None))
            .await
            .expect("issue")
    );
    assert!(
        !f.store
            .issue_link(&issue(&f, ann.user_id, Purpose::PasswordReset, "plk_four", None))
            .await
            .expect("issue"),
        "three an hour"
    );
    assert!(!works("plk_four", f.now).await, "nothing written past the limit");
    assert_eq!(
        f.store.outbox(Some(&email_key("m9@example.com")), 10).await.expect("outbox").len(),
        3,
        "one mail per link"
    );

    assert!(
        f.store
            .issue_link(&issue(&f, ann.user_id, Purpose::EmailChange, "plk_change", Some("plk_undo")))
            .await
            .expect("issue")
    );
    assert!(
        works("plk_change", f.now).await && works("plk_undo", f.now).await,
        "both links of a change work"
    );
    assert!(
        !works("plk_change", f.now + Duration::hours(2)).await
            && works("plk_undo", f.now + Duration::days(6)).await,
        "each link of a change keeps its own lifetime"
    );
    let redemption = PasswordRedemption {
        token_hash: token::hash("plk_three"),
        now: f.now,
        hash: "$argon2id$new".into(),
        lockout_key: "k".into(),
        audit: audit(AuditKind::PasswordReset, f.now, "ann@example.com"),
    };
    assert_eq!(f.store.redeem_password_link(&redemption).await.expect("redeem"), ann.user_id);
    assert!(matches!(f.store.redeem_password_link(&redemption).await, Err(StoreError::NotFound)), "used");
    assert!(!alive(&f, &ann.pair.access_hash(), f.now).await, "every session ended");
    assert!(!works("plk_change", f.now).await, "a password change voids the pending e-mail change");
    assert!(works("plk_undo", f.now).await, "but never the undo link");
}

/// A message given up after its last attempt is a dead letter: never taken again, still
/// listed, with when and why.
async fn a_given_up_message_is_never_taken_again(backend: Backend) {
    let f = fixture(backend).await;
    f.store.queue_mail(&[mail(1), mail(2)], f.now).await.expect("queue");
    let taken = f.store.claim_mail(f.now, f.now + Duration::minutes(5), 10).await.expect("claim");
    f.store.mail_failed(taken[0].id, f.now, None, "SMTP: 550 no such user").await.expect("give up");
    f.store.mail_failed(taken[1].id, f.now, Some(f.now), "SMTP: 451 later").await.expect("retry");
    let later = f.now + Duration::days(1);
    let again = f.store.claim_mail(later, later + Duration::minutes(5), 10).await.expect("claim");
    assert_eq!(again.iter().map(|m| m.id).collect::<Vec<_>>(), vec![taken[1].id], "only the retry");
    let listed = f.store.outbox(None, 10).await.expect("outbox");
    let dead = listed.iter().find(|m| m.id == taken[0].id).expect("still listed");
    assert_eq!(dead.given_up_at, Some(f.now));
    assert_eq!(dead.last_error.as_deref(), Some("SMTP: 550 no such user"));
    assert_eq!(listed.iter().find(|m| m.id == taken[1].id).expect("listed").given_up_at, None);
}

/// An inert e-mail change (to an address someone holds) counts toward the hourly limit
/// like a real one, never works, and its notice goes at most once an hour to the address,
/// whoever asks.
async fn an_inert_change_counts_like_a_real_one_and_notices_are_limited(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let bob = join(&f, "bob@example.com").await;
    let inert = |user_id: i64, token: &str| LinkIssue {
        inert: true,
        new_email: Some("Dave@Example.com".into()),
        mail: vec![NewMail { to: "dave@example.com".into(), ..mail(0) }],
        ..issue(&f, user_id, Purpose::EmailChange, token, None)
    };
    for token in ["plk_i1", "plk_i2", "plk_i3"] {
        assert!(f.store.issue_link(&inert(ann.user_id, token)).await.expect("issue"));
        assert!(f.store.link(&token::hash(token), f.now).await.expect("query").is_none(), "inert");
    }
    assert!(
        !f.store.issue_link(&inert(ann.user_id, "plk_i4")).await.expect("issue"),
        "the hourly limit counts inert links"
    );
    assert!(
        !f.store
            .issue_link(&issue(&f, ann.user_id, Purpose::EmailChange, "plk_real", None))
            .await
            .expect("issue"),
        "and a real one after them is refused alike"
    );
    assert!(f.store.issue_link(&inert(bob.user_id, "plk_b1")).await.expect("issue"));
    let notices = f.store.outbox(Some(&email_key("DAVE@example.com")), 10).await.expect("outbox");
    assert_eq!(notices.len(), 1, "one notice an hour to the address, whoever asks");
}

/// A later change never voids an earlier change's undo link; using a newer undo link
/// leaves the older ones working, using an older one ends the newer.
async fn undo_links_outlive_later_changes(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let works = |t: &'static str| {
        let store = f.store.clone();
        let now = f.now;
        async move { store.link(&token::hash(t), now).await.expect("query").is_some() }
    };
    let change = |token: &str, undo: &str, new: &str, old: &str| LinkIssue {
        new_email: Some(new.into()),
        old_email: Some(old.into()),
        ..issue(&f, ann.user_id, Purpose::EmailChange, token, Some(undo))
    };
    let first = change("plk_c1", "plk_u1", "b@new.example", "ann@example.com");
    assert!(f.store.issue_link(&first).await.expect("issue"));
    let redeem = |token: &str, kind| EmailRedemption {
        token_hash: token::hash(token),
        now: f.now,
        audit: audit(kind, f.now, "ann@example.com"),
    };
    f.store.change_email(&redeem("plk_c1", AuditKind::EmailChanged)).await.expect("confirmed");
    let second = change("plk_c2", "plk_u2", "c@new.example", "b@new.example");
    assert!(f.store.issue_link(&second).await.expect("issue"));
    assert!(works("plk_u1").await, "a later request leaves the earlier undo link");
    f.store.change_email(&redeem("plk_c2", AuditKind::EmailChanged)).await.expect("confirmed");
    f.store.revert_email(&redeem("plk_u2", AuditKind::EmailChangeReverted)).await.expect("undone");
    assert_eq!(f.store.user(ann.user_id).await.expect("user").email, "b@new.example");
    assert!(works("plk_u1").await, "undoing the later change leaves the earlier undo link");
    f.store.revert_email(&redeem("plk_u1", AuditKind::EmailChangeReverted)).await.expect("undone");
    assert_eq!(f.store.user(ann.user_id).await.expect("user").email, "ann@example.com");
    assert!(!works("plk_u1").await, "used");
}

/// The same person invited twice (two locations) has one live link: the newest.
async fn a_newer_invitation_voids_the_older(backend: Backend) {
    let f = fixture(backend).await;
    let other = f
        .store
        .add_location(&NewLocation {
            name: "Dock Road".into(),
            web_address: "dock-road".into(),
            country_id: 276,
            created_on: f.now,
        })
        .await
        .expect("location")
        .id;
    let invitation = |location_id: i64, token: &str| Invitation {
        member: NewMember { password_hash: "!invited".into(), ..member("twin@example.com", location_id) },
        token_hash: token::hash(token),
        expires_at: f.now + Duration::days(7),
        mail: NewMail { to: "twin@example.com".into(), ..mail(0) },
    };
    f.store.invite_members(&[invitation(f.location_id, "plk_first")], f.now).await.expect("invite");
    f.store.invite_members(&[invitation(other, "plk_second")], f.now).await.expect("invite");
    let (first, second) = (token::hash("plk_first"), token::hash("plk_second"));
    assert!(f.store.link(&first, f.now).await.expect("query").is_none(), "the older link is void");
    assert!(f.store.link(&second, f.now).await.expect("query").is_some(), "the newest works");
}

every_store!(
    a_given_up_message_is_never_taken_again,
    an_inert_change_counts_like_a_real_one_and_notices_are_limited,
    undo_links_outlive_later_changes,
    a_newer_invitation_voids_the_older,
    concurrent_senders_never_take_the_same_message,
    a_lapsed_lease_or_a_due_retry_makes_a_message_available_again,
    links_end_when_used_replaced_expired_or_outdated_by_a_password,
);
