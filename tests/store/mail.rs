//! The outbox and the account links, identically in both stores: concurrent senders never
//! take the same message, a lapsed lease or a due retry makes a message available again,
//! and a link stops working when it is used, replaced, expired or outdated by a password.

use std::collections::BTreeSet;

use super::*;
use portico::domain::account::Purpose;
use portico::store::{CompanionToken, NewMail, PasswordRedemption, TokenIssue};

fn mail(n: usize) -> NewMail {
    NewMail {
        to: format!("m{n}@example.com"),
        subject: "s".into(),
        text: "t".into(),
        html: "<p>h</p>".into(),
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

    f.store.mail_failed(again[0].id, f.now + Duration::minutes(30), "SMTP: refused").await.expect("failed");
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

fn issue(f: &Fixture, user_id: i64, purpose: Purpose, token: &str, companion: Option<&str>) -> TokenIssue {
    TokenIssue {
        user_id,
        purpose,
        token_hash: token::hash(token),
        now: f.now,
        expires_at: f.now + Duration::hours(1),
        new_email: Some("new@example.com".into()),
        old_email: Some("ann@example.com".into()),
        per_hour: 3,
        mail: vec![mail(9)],
        companion: companion.map(|t| CompanionToken {
            purpose: Purpose::EmailRevert,
            token_hash: token::hash(t),
            expires_at: f.now + Duration::days(7),
        }),
    }
}

async fn links_end_when_used_replaced_expired_or_outdated_by_a_password(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let works = |t: &'static str, at: OffsetDateTime| {
        let store = f.store.clone();
        async move { store.account_token(&token::hash(t), at).await.expect("query").is_some() }
    };
    assert!(
        f.store
            .issue_account_token(&issue(&f, ann.user_id, Purpose::PasswordReset, "plk_one", None))
            .await
            .expect("issue")
    );
    assert!(works("plk_one", f.now).await);
    assert!(!works("plk_one", f.now + Duration::hours(1)).await, "expired");
    assert!(
        f.store
            .issue_account_token(&issue(&f, ann.user_id, Purpose::PasswordReset, "plk_two", None))
            .await
            .expect("issue")
    );
    assert!(!works("plk_one", f.now).await, "replaced");
    assert!(
        f.store
            .issue_account_token(&issue(&f, ann.user_id, Purpose::PasswordReset, "plk_three", None))
            .await
            .expect("issue")
    );
    assert!(
        !f.store
            .issue_account_token(&issue(&f, ann.user_id, Purpose::PasswordReset, "plk_four", None))
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
            .issue_account_token(&issue(
                &f,
                ann.user_id,
                Purpose::EmailChange,
                "plk_change",
                Some("plk_undo")
            ))
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
    assert_eq!(f.store.redeem_password_token(&redemption).await.expect("redeem"), ann.user_id);
    assert!(matches!(f.store.redeem_password_token(&redemption).await, Err(StoreError::NotFound)), "used");
    assert!(!alive(&f, &ann.pair.access_hash(), f.now).await, "every session ended");
    assert!(!works("plk_change", f.now).await, "a password change voids the pending e-mail change");
    assert!(works("plk_undo", f.now).await, "but never the undo link");
}

every_store!(
    concurrent_senders_never_take_the_same_message,
    a_lapsed_lease_or_a_due_retry_makes_a_message_available_again,
    links_end_when_used_replaced_expired_or_outdated_by_a_password,
);
