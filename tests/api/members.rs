//! The operator finds members (`portico member list`) and renames locations, on both stores.

use serde_json::json;

use crate::common::{Backend, TestApp};
use portico::service::operator;

async fn members_are_found_by_name_email_or_company(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ann = app.member_token("ann@example.com").await;
    let bob = app.member_token("bob@example.com").await;
    app.add_location("Dock Road").await;
    app.add_member("cara@example.com", Some("Dock Road")).await;
    app.patch_ok(&ann, &json!({"FullName": "Ann Lee", "CompanyName": "Lovelace & Co"})).await;
    app.patch_ok(&bob, &json!({"FullName": "Bob 100%_Real", "CompanyName": "Babbage Ltd"})).await;

    let emails = |rows: Vec<portico::store::MemberRow>| rows.into_iter().map(|r| r.email).collect::<Vec<_>>();
    let find = |search: Option<&'static str>, location: Option<&'static str>| {
        let state = app.state.clone();
        async move { operator::find_members(&state, search, location, 100).await.expect("found") }
    };
    assert_eq!(
        emails(find(None, None).await),
        ["ann@example.com", "bob@example.com", "cara@example.com"],
        "in name order"
    );
    assert_eq!(emails(find(Some("LOVELACE"), None).await), ["ann@example.com"], "by company, any case");
    assert_eq!(emails(find(Some("bob@"), None).await), ["bob@example.com"], "by e-mail");
    assert_eq!(emails(find(Some("100%_"), None).await), ["bob@example.com"], "% and _ are themselves");
    assert_eq!(emails(find(Some("%"), None).await), ["bob@example.com"], "not a wildcard");
    assert_eq!(emails(find(None, Some("Dock Road")).await), ["cara@example.com"], "one location");
    assert_eq!(operator::find_members(&app.state, None, None, 1).await.expect("found").len(), 1, "the limit");
    assert!(operator::find_members(&app.state, None, Some("Nowhere"), 10).await.is_err());

    operator::suspend(&app.state, "ann@example.com").await.expect("suspended");
    let ann_row = find(Some("ann lee"), None).await.remove(0);
    assert!(!ann_row.active && ann_row.is_member, "{ann_row:?}");

    let renamed =
        operator::rename_location(&app.state, "Dock Road", "Dock Road Works").await.expect("renamed");
    assert_eq!(
        (renamed.name.as_str(), renamed.web_address.as_str()),
        ("Dock Road Works", "dock-road"),
        "the address stays"
    );
    assert_eq!(find(Some("cara"), None).await[0].location_name, "Dock Road Works");
    let first = app.state.store.locations().await.expect("locations")[0].name.clone();
    assert!(
        operator::rename_location(&app.state, "Dock Road Works", &first).await.is_err(),
        "names stay unique"
    );
    assert!(operator::rename_location(&app.state, "Dock Road Works", " ").await.is_err());
}

crate::every_store!(members_are_found_by_name_email_or_company);
