//! The AI draft limits and a location's AI setting, identically in both stores: the windows,
//! the time a refused draft may be retried, concurrent requests, and the purge.

use super::*;
use portico::domain::ai::{AiSetting, DraftAdmission, Provider};
use portico::store::DraftRequest;

fn request(
    f: &Fixture,
    user_id: i64,
    now: OffsetDateTime,
    per_member: u32,
    per_location: u32,
) -> DraftRequest {
    DraftRequest { user_id, location_id: f.location_id, now, per_member, per_location }
}

async fn a_location_keeps_its_ai_setting(backend: Backend) {
    let f = fixture(backend).await;
    assert_eq!(f.store.location(f.location_id).await.expect("location").ai, AiSetting::default());
    let setting = AiSetting {
        provider: Some(Provider::OpenAi),
        base_url: Some("http://127.0.0.1:11434/v1".into()),
        model: Some("llama3.1:8b".into()),
        api_key_env: Some("OLLAMA_KEY".into()),
        daily_cap: Some(40),
    };
    f.store.set_location_ai(f.location_id, &setting).await.expect("set");
    assert_eq!(f.store.location(f.location_id).await.expect("location").ai, setting);
    assert_eq!(f.store.locations().await.expect("locations")[0].ai, setting);
    let plain = AiSetting { provider: Some(Provider::Off), ..AiSetting::default() };
    f.store.set_location_ai(f.location_id, &plain).await.expect("set");
    assert_eq!(f.store.location(f.location_id).await.expect("location").ai, plain, "unset parts are cleared");
    assert!(matches!(f.store.set_location_ai(999_999, &plain).await, Err(StoreError::NotFound)));
}

async fn the_member_limit_counts_the_last_hour(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let bob = join(&f, "bob@example.com").await;
    let t0 = f.now;
    for minute in [0, 10, 20] {
        let at = t0 + Duration::minutes(minute);
        assert_eq!(
            f.store.admit_draft(&request(&f, ann.user_id, at, 3, 100)).await.expect("admit"),
            DraftAdmission::Granted
        );
    }
    let at = t0 + Duration::minutes(30);
    assert_eq!(
        f.store.admit_draft(&request(&f, ann.user_id, at, 3, 100)).await.expect("admit"),
        DraftAdmission::MemberLimit { until: t0 + Duration::hours(1) },
        "free again when the oldest of the three leaves the hour"
    );
    assert_eq!(
        f.store.admit_draft(&request(&f, bob.user_id, at, 3, 100)).await.expect("admit"),
        DraftAdmission::Granted,
        "another member"
    );
    let lowered = f.store.admit_draft(&request(&f, ann.user_id, at, 2, 100)).await.expect("admit");
    assert_eq!(
        lowered,
        DraftAdmission::MemberLimit { until: t0 + Duration::minutes(70) },
        "a lowered limit waits for the newest two"
    );
    let later = t0 + Duration::minutes(60) + Duration::seconds(1);
    assert_eq!(
        f.store.admit_draft(&request(&f, ann.user_id, later, 3, 100)).await.expect("admit"),
        DraftAdmission::Granted
    );
}

async fn the_location_cap_counts_the_last_day_across_members(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let bob = join(&f, "bob@example.com").await;
    let t0 = f.now;
    assert_eq!(
        f.store.admit_draft(&request(&f, ann.user_id, t0, 10, 2)).await.expect("admit"),
        DraftAdmission::Granted
    );
    let t1 = t0 + Duration::hours(5);
    assert_eq!(
        f.store.admit_draft(&request(&f, bob.user_id, t1, 10, 2)).await.expect("admit"),
        DraftAdmission::Granted
    );
    let t2 = t0 + Duration::minutes(330);
    assert_eq!(
        f.store.admit_draft(&request(&f, bob.user_id, t2, 10, 2)).await.expect("admit"),
        DraftAdmission::LocationCap { until: t0 + Duration::days(1) }
    );
    let member_first = f.store.admit_draft(&request(&f, bob.user_id, t2, 1, 2)).await.expect("admit");
    assert!(
        matches!(member_first, DraftAdmission::MemberLimit { .. }),
        "the member's limit is checked first"
    );
    let next_day = t0 + Duration::days(1) + Duration::seconds(1);
    assert_eq!(
        f.store.admit_draft(&request(&f, bob.user_id, next_day, 10, 2)).await.expect("admit"),
        DraftAdmission::Granted
    );
}

async fn concurrent_drafts_are_admitted_exactly_up_to_the_limit(backend: Backend) {
    let f = Arc::new(fixture(backend).await);
    let ann = join(&f, "ann@example.com").await;
    let bob = join(&f, "bob@example.com").await;
    let mut tasks = tokio::task::JoinSet::new();
    for user_id in [ann.user_id, bob.user_id].repeat(20) {
        let f = Arc::clone(&f);
        tasks.spawn(
            async move { f.store.admit_draft(&request(&f, user_id, f.now, 4, 7)).await.expect("admit") },
        );
    }
    let answers = tasks.join_all().await;
    let granted = answers.iter().filter(|a| **a == DraftAdmission::Granted).count();
    assert_eq!(granted, 7, "the location's cap, never more: {answers:?}");
    let member_refusals = answers.iter().filter(|a| matches!(a, DraftAdmission::MemberLimit { .. })).count();
    let location_refusals =
        answers.iter().filter(|a| matches!(a, DraftAdmission::LocationCap { .. })).count();
    assert_eq!(granted + member_refusals + location_refusals, 40);
}

async fn purging_forgets_drafts_older_than_a_day(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    f.store.admit_draft(&request(&f, ann.user_id, f.now, 1, 1)).await.expect("admit");
    let purge = |now| Purge { now, lockout_window_start: now, history_before: now - Duration::days(400) };
    f.store.purge_expired(&purge(f.now + Duration::hours(23))).await.expect("purge");
    let refused = f
        .store
        .admit_draft(&request(&f, ann.user_id, f.now + Duration::hours(2), 1, 1))
        .await
        .expect("admit");
    assert!(matches!(refused, DraftAdmission::LocationCap { .. }), "still counted after an early purge");
    f.store.purge_expired(&purge(f.now + Duration::days(1))).await.expect("purge");
    let again = f
        .store
        .admit_draft(&request(&f, ann.user_id, f.now + Duration::hours(2), 1, 1))
        .await
        .expect("admit");
    assert_eq!(again, DraftAdmission::Granted, "the purge removed the day-old draft");
}

every_store!(
    a_location_keeps_its_ai_setting,
    the_member_limit_counts_the_last_hour,
    the_location_cap_counts_the_last_day_across_members,
    concurrent_drafts_are_admitted_exactly_up_to_the_limit,
    purging_forgets_drafts_older_than_a_day,
);
