//! The directory's conformance: what both stores list and find, and that every write keeps
//! it current in its own transaction.

use super::*;
use portico::domain::directory::{self, DirectoryOrder, RESULT_WINDOW, SearchCandidate};
use portico::domain::markdown::RenderedBio;
use portico::store::StaleBio;

/// A member at `location_id` with the given professional profile, signed in.
async fn public_member(f: &Fixture, email: &str, location_id: i64, body: Value) -> Member {
    let added = f.store.add_members(&[member(email, location_id)], f.now).await.expect("add")[0];
    let (pair, session) = sign_in_as(f, added, email).await;
    let member =
        Member { user_id: added.user_id, profile_id: added.profile_id, session_id: session.id, added, pair };
    let mut body = body;
    body.as_object_mut().expect("object").entry("ProfileIsPublic").or_insert(json!(true));
    f.store.apply_profile_patch(&update(f, &member, &patch(body))).await.expect("patch");
    member
}

async fn listed(f: &Fixture, location_id: i64, tag: Option<&str>) -> Vec<i64> {
    f.store.list_directory(location_id, tag, DirectoryOrder::Name, 0, 100).await.expect("list").profile_ids
}

async fn found(f: &Fixture, location_id: i64, query: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = f
        .store
        .search_directory(location_id, &directory::words(query), None)
        .await
        .expect("search")
        .into_iter()
        .map(|c| c.profile_id)
        .collect();
    ids.sort_unstable();
    ids
}

async fn other_location(f: &Fixture) -> i64 {
    let location = NewLocation {
        name: "Dock Road".into(),
        web_address: "dock-road".into(),
        country_id: 826,
        created_on: f.now,
    };
    f.store.add_location(&location).await.expect("location").id
}

async fn only_public_profiles_of_the_location_are_listed_in_name_order(backend: Backend) {
    let f = fixture(backend).await;
    let elsewhere = other_location(&f).await;
    let zoe = public_member(&f, "zoe@example.com", f.location_id, json!({"FullName": "zoë Zimmer"})).await;
    let ada = public_member(&f, "ada@example.com", f.location_id, json!({"FullName": "Ada Lovelace"})).await;
    let bob = public_member(&f, "bob@example.com", f.location_id, json!({"FullName": "Bob Byron"})).await;
    let hidden = public_member(
        &f,
        "hid@example.com",
        f.location_id,
        json!({"FullName": "Aaron Hidden", "ProfileIsPublic": false}),
    )
    .await;
    let far = public_member(&f, "far@example.com", elsewhere, json!({"FullName": "Abe Far"})).await;
    assert_eq!(listed(&f, f.location_id, None).await, vec![ada.profile_id, bob.profile_id, zoe.profile_id]);
    assert_eq!(listed(&f, elsewhere, None).await, vec![far.profile_id]);
    let page = f.store.list_directory(f.location_id, None, DirectoryOrder::Name, 1, 1).await.expect("page");
    assert_eq!((page.profile_ids, page.total), (vec![bob.profile_id], 3));
    let newest =
        f.store.list_directory(f.location_id, None, DirectoryOrder::Newest, 0, 2).await.expect("newest");
    assert_eq!((newest.profile_ids, newest.total), (vec![bob.profile_id, ada.profile_id], 3), "newest first");

    let profiles =
        f.store.directory_profiles(f.location_id, &[hidden.profile_id, far.profile_id, ada.profile_id]).await;
    let ids: Vec<i64> = profiles.expect("profiles").iter().map(|p| p.profile.id).collect();
    assert_eq!(ids, vec![ada.profile_id], "neither private nor elsewhere");

    f.store
        .apply_profile_patch(&update(&f, &ada, &patch(json!({"FullName": "Zed Lovelace"}))))
        .await
        .expect("rename");
    assert_eq!(listed(&f, f.location_id, None).await, vec![bob.profile_id, ada.profile_id, zoe.profile_id]);
    f.store
        .apply_profile_patch(&update(&f, &bob, &patch(json!({"ProfileIsPublic": false}))))
        .await
        .expect("hide");
    assert_eq!(listed(&f, f.location_id, None).await, vec![ada.profile_id, zoe.profile_id]);
    assert!(found(&f, f.location_id, "Byron").await.is_empty(), "hidden from search at once");
}

async fn tags_filter_exactly_and_follow_every_change(backend: Backend) {
    let f = fixture(backend).await;
    let ann =
        public_member(&f, "ann@example.com", f.location_id, json!({"ProfileTags": "UX Design, Rust"})).await;
    let bea = public_member(&f, "bea@example.com", f.location_id, json!({"ProfileTags": "design"})).await;
    public_member(
        &f,
        "cy@example.com",
        f.location_id,
        json!({"ProfileTags": "ux design", "ProfileIsPublic": false}),
    )
    .await;
    assert_eq!(listed(&f, f.location_id, Some(&directory::tag_key("ux DESIGN"))).await, vec![ann.profile_id]);
    assert_eq!(
        listed(&f, f.location_id, Some("design")).await,
        vec![bea.profile_id],
        "a tag is matched whole"
    );
    f.store
        .apply_profile_patch(&update(&f, &ann, &patch(json!({"ProfileTags": "Design"}))))
        .await
        .expect("retag");
    assert!(listed(&f, f.location_id, Some("ux design")).await.is_empty());
    let mut design = listed(&f, f.location_id, Some("design")).await;
    design.sort_unstable();
    assert_eq!(design, vec![ann.profile_id, bea.profile_id]);
    f.store
        .apply_profile_patch(&update(&f, &bea, &patch(json!({"ProfileTags": null}))))
        .await
        .expect("untag");
    assert_eq!(listed(&f, f.location_id, Some("design")).await, vec![ann.profile_id]);
    let tagged = f.store.search_directory(f.location_id, &directory::words("member"), Some("design")).await;
    assert_eq!(
        tagged.expect("search").iter().map(|c| c.profile_id).collect::<Vec<_>>(),
        vec![ann.profile_id]
    );
}

async fn search_finds_every_searched_property_and_sees_a_patch_at_once(backend: Backend) {
    let f = fixture(backend).await;
    let elsewhere = other_location(&f).await;
    let body = json!({"FullName": "Grace Hopper", "CompanyName": "Cobolworks", "Position": "Admiral",
        "BusinessArea": "Compilers", "ProfileTags": "navy, mathematics", "ProfileSummary": "Found the first *moth*."});
    let grace = public_member(&f, "grace@example.com", f.location_id, body.clone()).await;
    public_member(
        &f,
        "private@example.com",
        f.location_id,
        json!({"FullName": "Grace Private", "ProfileIsPublic": false}),
    )
    .await;
    public_member(&f, "far@example.com", elsewhere, json!({"FullName": "Grace Far"})).await;
    for query in
        ["hopper", "COBOLWORKS", "admiral", "compilers", "navy", "moth", "grace hopper", "Hopper, Grace"]
    {
        assert_eq!(found(&f, f.location_id, query).await, vec![grace.profile_id], "{query}");
    }
    assert!(found(&f, f.location_id, "grace lovelace").await.is_empty(), "every word must match");
    assert!(found(&f, f.location_id, "hop").await.is_empty(), "whole words only");
    f.store
        .apply_profile_patch(&update(&f, &grace, &patch(json!({"CompanyName": "Univac"}))))
        .await
        .expect("patch");
    assert!(found(&f, f.location_id, "cobolworks").await.is_empty(), "the old value is gone");
    assert_eq!(found(&f, f.location_id, "univac").await, vec![grace.profile_id]);
    let ranked = |query: &'static str| {
        let store = f.store.clone();
        async move { store.search_directory(f.location_id, &directory::words(query), None).await.expect(query) }
    };
    let grace_found = SearchCandidate {
        profile_id: grace.profile_id,
        name_key: "grace hopper".into(),
        relevance: 10 + 4 + 4 + 3 + 5,
    };
    assert_eq!(ranked("grace univac admiral compilers mathematics").await, vec![grace_found]);
    assert_eq!(ranked("moth").await[0].relevance, 0, "the bio adds nothing");
    assert_eq!(ranked("hopper hopper").await[0].relevance, 20, "each word of the query counts");
}

async fn a_failed_patch_leaves_the_directory_as_it_was(backend: Backend) {
    let f = fixture(backend).await;
    let ann = public_member(
        &f,
        "ann@example.com",
        f.location_id,
        json!({"FullName": "Ann Old", "ProfileTags": "old"}),
    )
    .await;
    let bystander = join(&f, "bob@example.com").await;
    let password = PasswordUpdate {
        hash: "$argon2id$new".into(),
        verified_hash: PLACEHOLDER_HASH.into(),
        lockout_key: lockout_key("ann@example.com"),
        keep_session: ann.session_id,
        // A refresh token that is already someone's: the last statement fails.
        next_refresh: bystander.pair.refresh_hash(),
        audit: audit(AuditKind::PasswordChanged, f.now, "ann@example.com"),
    };
    let change = patch(json!({"FullName": "Ann New", "ProfileTags": "new", "ProfileIsPublic": false}));
    let failing = ProfileUpdate { password: Some(password), ..update(&f, &ann, &change) };
    assert!(f.store.apply_profile_patch(&failing).await.is_err());
    assert_eq!(listed(&f, f.location_id, Some("old")).await, vec![ann.profile_id]);
    assert!(listed(&f, f.location_id, Some("new")).await.is_empty());
    assert_eq!(found(&f, f.location_id, "old").await, vec![ann.profile_id]);
    assert!(found(&f, f.location_id, "new").await.is_empty());
}

async fn counts_and_candidates_stop_at_the_result_window(backend: Backend) {
    let f = fixture(backend).await;
    let window = usize::try_from(RESULT_WINDOW).expect("window");
    let mut members: Vec<NewMember> = (0..=window)
        .map(|i| {
            let email = format!("m{i}@example.com");
            let mut new = member(&email, f.location_id);
            new.fields =
                patch(json!({"ProfileIsPublic": true, "ProfileTags": "common", "Position": "Common"}));
            new
        })
        .collect();
    members.truncate(window + 1);
    f.store.add_members(&members, f.now).await.expect("add");
    let page = f
        .store
        .list_directory(f.location_id, Some("common"), DirectoryOrder::Name, 0, 10)
        .await
        .expect("list");
    assert_eq!((page.profile_ids.len(), page.total), (10, RESULT_WINDOW));
    let all = f.store.list_directory(f.location_id, None, DirectoryOrder::Name, 0, 10).await.expect("list");
    assert_eq!(all.total, RESULT_WINDOW);
    let candidates = f.store.search_directory(f.location_id, &directory::words("common"), None).await;
    assert_eq!(candidates.expect("search").len(), window);
}

async fn a_bio_of_one_endless_word_is_stored_and_the_rest_found(backend: Backend) {
    let f = fixture(backend).await;
    let endless = "x".repeat(19_000);
    let body = json!({"FullName": "Wendy Long", "ProfileSummary": format!("{endless} findable")});
    let wendy = public_member(&f, "wendy@example.com", f.location_id, body).await;
    assert_eq!(found(&f, f.location_id, "findable").await, vec![wendy.profile_id]);
    assert!(found(&f, f.location_id, &"x".repeat(100)).await.is_empty());
}

/// A database migrated while it held public profiles gets their search words at the next
/// start, once, from the same code that cuts a search's words.
#[tokio::test]
async fn postgres_upgraded_with_members_finds_them_after_the_next_start() {
    let f = fixture(Backend::Postgres).await;
    let body = json!({"FullName": "Ursula Upgrade", "ProfileTags": "Légacy"});
    let ursula = public_member(&f, "ursula@example.com", f.location_id, body).await;
    let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&f._database.url).await.expect("connect");
    sqlx::raw_sql(
        "delete from directory_words; insert into store_upgrades (step) values ('directory_words')",
    )
    .execute(&mut c)
    .await
    .expect("as before the upgrade");
    assert!(found(&f, f.location_id, "ursula").await.is_empty());
    let restarted = store::connect(&f._database.url, &Default::default()).await.expect("restart");
    let words = directory::words("légacy ursula");
    let candidates = restarted.search_directory(f.location_id, &words, None).await.expect("search");
    assert_eq!(
        candidates.iter().map(|c| (c.profile_id, c.relevance)).collect::<Vec<_>>(),
        [(ursula.profile_id, 15)]
    );
    let again = store::connect(&f._database.url, &Default::default()).await.expect("second restart");
    let twice = again.search_directory(f.location_id, &words, None).await.expect("search");
    assert_eq!(twice.len(), 1, "the step ran once");
}

fn rendered(html: &str) -> RenderedBio {
    RenderedBio { html: html.into(), render_key: "1:".into() }
}

/// The bio's HTML is stored with the bio (by a PATCH or a new member), read with the
/// directory's profiles, cleared with the bio; bios with no HTML or HTML of another key are
/// found for rendering, and HTML is stored only while the bio is the one rendered.
async fn the_bio_html_is_stored_with_the_bio(backend: Backend) {
    let f = fixture(backend).await;
    let ann = public_member(&f, "ann@example.com", f.location_id, json!({"FullName": "Ann"})).await;
    let bio = patch(json!({"ProfileSummary": "**Hi**"}));
    let with_html = ProfileUpdate {
        summary_html: Some(Some(rendered("<p><strong>Hi</strong></p>"))),
        ..update(&f, &ann, &bio)
    };
    f.store.apply_profile_patch(&with_html).await.expect("patch");
    let read = f.store.directory_profiles(f.location_id, &[ann.profile_id]).await.expect("read");
    assert_eq!(read[0].summary_html, Some(rendered("<p><strong>Hi</strong></p>")));
    assert!(f.store.stale_bios("1:", 0, 10).await.expect("stale").is_empty());
    let stale = f.store.stale_bios("2:cdn.example", 0, 10).await.expect("stale");
    assert_eq!(stale, vec![StaleBio { profile_id: ann.profile_id, markdown: "**Hi**".into() }]);

    let mut bob = member("bob@example.com", f.location_id);
    bob.fields = patch(json!({"ProfileSummary": "_Bob_", "ProfileIsPublic": true}));
    bob.summary_html = Some(rendered("<p><em>Bob</em></p>"));
    let bob = f.store.add_members(&[bob], f.now).await.expect("add")[0];
    let read = f.store.directory_profiles(f.location_id, &[bob.profile_id]).await.expect("read");
    assert_eq!(read[0].summary_html, Some(rendered("<p><em>Bob</em></p>")), "a new member's bio HTML");

    let without = update(&f, &ann, &patch(json!({"ProfileSummary": "plain now"})));
    f.store.apply_profile_patch(&ProfileUpdate { summary_html: None, ..without }).await.expect("patch");
    let stale = f.store.stale_bios("1:", 0, 10).await.expect("stale");
    assert!(stale.iter().all(|b| b.profile_id == ann.profile_id && b.markdown == "plain now"), "{stale:?}");
    let old = StaleBio { profile_id: ann.profile_id, markdown: "**Hi**".into() };
    assert!(
        !f.store.save_bio_html(&old, &rendered("<p>old</p>")).await.expect("save"),
        "the bio changed meanwhile"
    );
    let current = StaleBio { profile_id: ann.profile_id, markdown: "plain now".into() };
    assert!(f.store.save_bio_html(&current, &rendered("<p>plain now</p>")).await.expect("save"));
    assert!(f.store.stale_bios("1:", 0, 10).await.expect("stale").is_empty());
    assert_eq!(
        f.store.stale_bios("1:", ann.profile_id.max(bob.profile_id), 10).await.expect("stale"),
        vec![]
    );

    let cleared = ProfileUpdate {
        summary_html: Some(None),
        ..update(&f, &ann, &patch(json!({"ProfileSummary": null})))
    };
    f.store.apply_profile_patch(&cleared).await.expect("patch");
    let read = f.store.directory_profiles(f.location_id, &[ann.profile_id]).await.expect("read");
    assert_eq!(read[0].summary_html, None);
}

/// A user's audit log is theirs whatever address they had, and never another's.
async fn the_audit_log_belongs_to_the_user(backend: Backend) {
    let f = fixture(backend).await;
    let bob = join(&f, "bob@example.com").await;
    let event = |user_id: Option<i64>, kind| AuditEvent { user_id, ..audit(kind, f.now, "bob@example.com") };
    f.store.record_audit(&event(Some(bob.user_id), AuditKind::SignIn)).await.expect("audit");
    f.store.record_audit(&event(None, AuditKind::SignInFailed)).await.expect("audit");
    let carol = join(&f, "carol@example.com").await;
    f.store.record_audit(&event(Some(carol.user_id), AuditKind::SignIn)).await.expect("audit");
    let bobs = f.store.audit_of_user(bob.user_id).await.expect("audit");
    assert_eq!(
        bobs.iter().map(|r| (r.event.as_str(), r.user_id)).collect::<Vec<_>>(),
        vec![("sign_in", Some(bob.user_id))]
    );
    let carols = f.store.audit_of_user(carol.user_id).await.expect("audit");
    assert_eq!(carols.len(), 1);
    assert_eq!(carols[0].user_id, Some(carol.user_id));
    let by_address = f.store.audit_of(&email_key("bob@example.com")).await.expect("audit");
    let users: std::collections::BTreeSet<Option<i64>> = by_address.iter().map(|r| r.user_id).collect();
    assert_eq!(
        users,
        [None, Some(bob.user_id), Some(carol.user_id)].into(),
        "the address's log names every user it was recorded for"
    );
}

every_store!(
    the_bio_html_is_stored_with_the_bio,
    the_audit_log_belongs_to_the_user,
    a_bio_of_one_endless_word_is_stored_and_the_rest_found,
    only_public_profiles_of_the_location_are_listed_in_name_order,
    tags_filter_exactly_and_follow_every_change,
    search_finds_every_searched_property_and_sees_a_patch_at_once,
    a_failed_patch_leaves_the_directory_as_it_was,
    counts_and_candidates_stop_at_the_result_window,
);
