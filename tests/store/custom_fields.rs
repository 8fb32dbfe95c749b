//! Custom-field definitions, identically on both backends: defined per location in slot
//! order, one per slot, removed with their answers at that location only.

use super::*;
use portico::domain::custom::{CustomField, CustomKind};
use portico::store::{NewLocation, StoreError};

fn definition(slot: u8, label: &str, kind: CustomKind) -> CustomField {
    CustomField {
        slot,
        label: label.into(),
        kind,
        choices: if kind == CustomKind::Choice { vec!["Tea".into(), "Coffee, black".into()] } else { vec![] },
        required: slot == 1,
        member_editable: slot != 2,
        in_directory: slot == 3,
    }
}

async fn definitions_are_kept_per_location_and_removal_clears_only_their_answers(backend: Backend) {
    let f = fixture(backend).await;
    let ann = join(&f, "ann@example.com").await;
    let other = NewLocation {
        name: "Dock Road".into(),
        web_address: "dock-road".into(),
        country_id: 826,
        created_on: f.now,
    };
    let dock = f.store.add_location(&other).await.expect("location").id;
    let bob = f.store.add_members(&[member("bob@example.com", dock)], f.now).await.expect("add")[0];

    let defined = [
        definition(3, "Diet", CustomKind::Choice),
        definition(1, "Emergency contact", CustomKind::Text),
        definition(2, "Locker", CustomKind::YesNo),
    ];
    for field in &defined {
        f.store.define_custom_field(f.location_id, field).await.expect("defined");
    }
    f.store.define_custom_field(dock, &definition(1, "Team", CustomKind::LongText)).await.expect("elsewhere");
    let stored = f.store.custom_fields(f.location_id).await.expect("fields");
    assert_eq!(stored.iter().map(|d| d.slot).collect::<Vec<_>>(), [1, 2, 3], "in slot order");
    assert_eq!(stored[2], defined[0], "every part round-trips, choices with commas too");
    assert_eq!((stored[0].clone(), stored[1].clone()), (defined[1].clone(), defined[2].clone()));
    assert_eq!(f.store.custom_fields(dock).await.expect("fields").len(), 1);
    let taken = f.store.define_custom_field(f.location_id, &definition(2, "Other", CustomKind::Date)).await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "one definition per slot: {taken:?}");

    // Answers at both locations; removing Custom1 at Canal Street clears only Ann's.
    let answered = patch(json!({"Custom1": "Bob Lee", "Custom3": "Tea"}));
    f.store.apply_profile_patch(&update(&f, &ann, &answered)).await.expect("answered");
    let bob_update = ProfileUpdate {
        session_id: None,
        profile_id: bob.profile_id,
        user_id: bob.user_id,
        patch: patch(json!({"Custom1": "Dock team"})),
        expected: None,
        password: None,
        return_profile: false,
        now: f.now,
        origin: Default::default(),
        summary_html: None,
    };
    f.store.apply_profile_patch(&bob_update).await.expect("answered elsewhere");
    let before = f.store.profile(ann.profile_id).await.expect("profile");

    assert_eq!(f.store.remove_custom_field(f.location_id, 1).await.expect("removed"), 1);
    let after = f.store.profile(ann.profile_id).await.expect("profile");
    assert_eq!(after.values.text(Field::Custom1), None, "its answer went with it");
    assert_eq!(after.values.text(Field::Custom3), Some("Tea"), "the others stay");
    assert_ne!(after.version, before.version, "the version moved");
    let bob_now = f.store.profile(bob.profile_id).await.expect("profile");
    assert_eq!(bob_now.values.text(Field::Custom1), Some("Dock team"), "another location's answer stays");
    assert_eq!(f.store.custom_fields(f.location_id).await.expect("fields").len(), 2);
    let again = f.store.remove_custom_field(f.location_id, 1).await;
    assert!(matches!(again, Err(StoreError::NotFound)), "{again:?}");
    assert!(matches!(f.store.remove_custom_field(f.location_id, 31).await, Err(StoreError::NotFound)));
    // Removing a field nobody answered moves no version.
    let unchanged = f.store.profile(ann.profile_id).await.expect("profile").version;
    assert_eq!(f.store.remove_custom_field(f.location_id, 2).await.expect("removed"), 0);
    assert_eq!(f.store.profile(ann.profile_id).await.expect("profile").version, unchanged);
}

every_store!(definitions_are_kept_per_location_and_removal_clears_only_their_answers);
