//! Staff roles, keys, the member list and the location's audit log, identically on both
//! backends: a role per user and location (given again, replaced), the list's filters,
//! scope, order and pages, and the audit log's filters.

use super::*;
use portico::domain::audit::AuditActor;
use portico::domain::staff::{Grant, MemberOrder, Role};
use portico::store::{AuditQuery, MemberQuery, NewLocation, NewStaffKey, StoreError};

fn event(
    f: &Fixture,
    kind: AuditKind,
    user_id: i64,
    actor: Option<i64>,
    location_id: Option<i64>,
) -> AuditEvent {
    AuditEvent {
        user_id: Some(user_id),
        actor: actor.map(|id| AuditActor { user_id: Some(id), key_name: None, location_id }),
        ..audit(kind, f.now, "someone@example.com")
    }
}

async fn roles_are_one_per_location_and_scope_the_member_list(backend: Backend) {
    let f = fixture(backend).await;
    let dock = f
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
    let ann = join(&f, "ann@example.com").await;
    let bob = join(&f, "bob@example.com").await;
    let dave = f.store.add_members(&[member("dave@example.com", dock)], f.now).await.expect("add")[0];
    f.store
        .apply_profile_patch(&update(&f, &bob, &patch(json!({"CompanyName": "100% Bricks_Ltd"}))))
        .await
        .expect("company");

    let granted = event(&f, AuditKind::StaffGranted, ann.user_id, None, None);
    let desk = Grant { location_id: f.location_id, role: Role::Desk };
    f.store.grant_staff(ann.user_id, desk, &granted).await.expect("granted");
    f.store.grant_staff(ann.user_id, Grant { role: Role::Admin, ..desk }, &granted).await.expect("again");
    assert_eq!(
        f.store.staff_grants(ann.user_id).await.expect("grants"),
        vec![Grant { role: Role::Admin, ..desk }]
    );
    let listed = f.store.staff().await.expect("staff");
    assert_eq!((listed.len(), listed[0].email.as_str(), listed[0].role), (1, "ann@example.com", Role::Admin));

    let query = |q: MemberQuery| {
        let store = f.store.clone();
        async move { store.find_members(&q).await.expect("found") }
    };
    let base = MemberQuery { limit: 10, ..Default::default() };
    let scoped = query(MemberQuery { staff_user_id: Some(ann.user_id), ..base.clone() }).await;
    assert_eq!(scoped.total, 2, "Canal Street only");
    assert!(scoped.rows.iter().all(|r| r.user_id != dave.user_id));
    assert_eq!(query(base.clone()).await.total, 3);
    let company = query(MemberQuery { company: Some("100%".into()), ..base.clone() }).await;
    assert_eq!(company.rows.iter().map(|r| r.user_id).collect::<Vec<_>>(), vec![bob.user_id], "% as typed");
    assert_eq!(
        query(MemberQuery { company: Some("r_c".into()), ..base.clone() }).await.total,
        0,
        "_ as typed"
    );
    assert_eq!(query(MemberQuery { email: Some("dave@".into()), ..base.clone() }).await.total, 1);
    assert_eq!(query(MemberQuery { location_id: Some(dock), ..base.clone() }).await.total, 1);
    let descending = MemberQuery { order: MemberOrder::Email, descending: true, limit: 2, ..base.clone() };
    let first = query(descending.clone()).await;
    let second = query(MemberQuery { offset: 2, ..descending }).await;
    let emails =
        |page: &portico::store::MemberPage| page.rows.iter().map(|r| r.email.clone()).collect::<Vec<_>>();
    assert_eq!(emails(&first), vec!["dave@example.com", "bob@example.com"]);
    assert_eq!(
        (emails(&second), second.total),
        (vec!["ann@example.com".to_string()], 3),
        "the total on every page"
    );
    // A page's profiles in one read, in the page's order; an id that is gone is left out.
    let ids: Vec<i64> = first.rows.iter().map(|r| r.profile_id).chain([999_999]).collect();
    let profiles = f.store.profiles(&ids).await.expect("profiles");
    assert_eq!(profiles.len(), 2);
    for (profile, id) in profiles.iter().zip(&ids) {
        assert_eq!(profile, &f.store.profile(*id).await.expect("profile"), "the same as read alone");
    }
    assert!(f.store.profiles(&[]).await.expect("none").is_empty());

    f.store
        .set_user_active(bob.user_id, false, &event(&f, AuditKind::MemberSuspended, bob.user_id, None, None))
        .await
        .expect("off");
    assert_eq!(query(MemberQuery { active: Some(false), ..base.clone() }).await.total, 1);
    assert_eq!(
        query(MemberQuery { active: Some(true), is_member: Some(true), ..base.clone() }).await.total,
        2
    );

    let revoked = event(&f, AuditKind::StaffRevoked, ann.user_id, None, None);
    assert!(f.store.revoke_staff(ann.user_id, f.location_id, &revoked).await.expect("revoked"));
    assert!(!f.store.revoke_staff(ann.user_id, f.location_id, &revoked).await.expect("nothing"));
    assert!(f.store.staff_grants(ann.user_id).await.expect("grants").is_empty());
    assert_eq!(
        query(MemberQuery { staff_user_id: Some(ann.user_id), ..base }).await.total,
        0,
        "no role, nobody"
    );
}

async fn keys_are_found_by_their_hash_and_names_are_unique(backend: Backend) {
    let f = fixture(backend).await;
    let key = |name: &str, hash: &str| NewStaffKey {
        name: name.into(),
        secret_hash: hash.into(),
        location_id: f.location_id,
        role: Role::Desk,
        created_at: f.now,
        audit: audit(AuditKind::StaffKeyCreated, f.now, "x@example.com"),
    };
    let id = f.store.add_staff_key(&key("door-sync", "aa11")).await.expect("added");
    let found = f.store.staff_key("aa11").await.expect("query").expect("found");
    assert_eq!((found.id, found.name.as_str(), found.role), (id, "door-sync", Role::Desk));
    assert!(f.store.staff_key("aa12").await.expect("query").is_none());
    assert!(matches!(f.store.add_staff_key(&key("door-sync", "bb22")).await, Err(StoreError::Conflict(_))));
    let removed = audit(AuditKind::StaffKeyRemoved, f.now, "x@example.com");
    assert!(f.store.remove_staff_key("door-sync", &removed).await.expect("removed"));
    assert!(f.store.staff_key("aa11").await.expect("query").is_none());
    assert!(f.store.staff_keys().await.expect("keys").is_empty());
}

async fn the_location_audit_log_filters_by_kind_person_and_time(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let olga = join(&f, "olga@example.com").await;
    let dock_road = NewLocation {
        name: "Dock Road".into(),
        web_address: "dock-road".into(),
        country_id: 826,
        created_on: f.now,
    };
    let dock = f.store.add_location(&dock_road).await.expect("location").id;
    let dave = f.store.add_members(&[member("dave@example.com", dock)], f.now).await.expect("add")[0];
    let later = f.now + time::Duration::hours(1);
    f.store.record_audit(&event(&f, AuditKind::SignIn, ann.user_id, None, None)).await.expect("one");
    let edited = AuditEvent {
        at: later,
        ..event(&f, AuditKind::MemberEdited, ann.user_id, Some(olga.user_id), Some(f.location_id))
    };
    f.store.record_audit(&edited).await.expect("two");
    f.store.record_audit(&event(&f, AuditKind::SignIn, dave.user_id, None, None)).await.expect("elsewhere");

    let query = AuditQuery {
        location_id: f.location_id,
        event: None,
        user_id: None,
        since: None,
        until: None,
        limit: 50,
    };
    let all = f.store.audit_of_location(&query).await.expect("log");
    assert_eq!(
        all.iter().map(|r| r.event.as_str()).collect::<Vec<_>>(),
        vec!["member_edited", "sign_in"],
        "newest first, no Dock Road"
    );
    let actor = all[0].actor.clone().expect("an actor");
    assert_eq!((actor.user_id, actor.location_id), (Some(olga.user_id), Some(f.location_id)));
    let by_olga = AuditQuery { user_id: Some(olga.user_id), ..query.clone() };
    assert_eq!(f.store.audit_of_location(&by_olga).await.expect("log").len(), 1, "what Olga did");
    let kind = AuditQuery { event: Some("sign_in".into()), ..query.clone() };
    assert_eq!(f.store.audit_of_location(&kind).await.expect("log").len(), 1);
    let since = AuditQuery { since: Some(later), ..query.clone() };
    assert_eq!(f.store.audit_of_location(&since).await.expect("log")[0].event, "member_edited");
    let until = AuditQuery { until: Some(later), ..query.clone() };
    assert_eq!(f.store.audit_of_location(&until).await.expect("log")[0].event, "sign_in", "before, not at");
    let one = AuditQuery { limit: 1, ..query };
    assert_eq!(f.store.audit_of_location(&one).await.expect("log").len(), 1);
}

every_store!(
    roles_are_one_per_location_and_scope_the_member_list,
    keys_are_found_by_their_hash_and_names_are_unique,
    the_location_audit_log_filters_by_kind_person_and_time,
);
