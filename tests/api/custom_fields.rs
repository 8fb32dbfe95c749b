//! Custom fields (docs/API.md, "Custom fields"): the operator defines a location's own
//! questions; members answer them as `Custom1` … `Custom30`, checked like every property.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Backend, TestApp, error_codes};
use portico::service::custom_fields::NewCustomField;
use portico::service::operator;

fn field(label: &str, kind: &str) -> NewCustomField {
    NewCustomField {
        label: label.into(),
        kind: kind.into(),
        choices: Vec::new(),
        required: false,
        staff_only: false,
        in_directory: false,
    }
}

async fn location_name(app: &TestApp) -> String {
    app.state.store.locations().await.expect("locations")[0].name.clone()
}

/// The first location's questions: Custom1 … Custom6.
async fn define_the_questions(app: &TestApp) {
    let location = location_name(app).await;
    let fields = [
        NewCustomField { required: true, ..field("Emergency contact", "text") },
        field("Desk number", "number"),
        field("Parking", "yes-no"),
        field("Start date", "date"),
        NewCustomField {
            choices: vec!["Vegetarian".into(), " Vegan ".into(), "None".into()],
            in_directory: true,
            ..field("Diet", "choice")
        },
        NewCustomField { staff_only: true, ..field("Locker", "text") },
    ];
    for (slot, new) in fields.into_iter().enumerate() {
        let defined = operator::define_custom_field(&app.state, &location, new).await.expect("defined");
        assert_eq!(usize::from(defined.slot), slot + 1, "the lowest free slot");
    }
}

async fn members_answer_the_questions_their_location_asks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    define_the_questions(&app).await;

    let config: Value = app
        .client
        .get(app.url("/api/public/configuration"))
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    let fields = config["CustomFields"].as_array().expect("a list").clone();
    assert_eq!(fields.len(), 6, "{config}");
    assert_eq!(fields[0]["Property"], "Custom1");
    assert_eq!(
        (fields[0]["Label"].clone(), fields[0]["Required"].clone()),
        (json!("Emergency contact"), json!(true))
    );
    assert_eq!(fields[4]["Choices"], json!(["Vegetarian", "Vegan", "None"]));
    assert_eq!(
        (fields[5]["Kind"].clone(), fields[5]["MemberEditable"].clone()),
        (json!("text"), json!(false))
    );

    let answers = json!({
        "Custom1": "Bob Lee, +44 20 7946 0000", "Custom2": 12.50, "Custom3": "yes",
        "Custom4": "2027-01-31", "Custom5": "vegan",
    });
    app.patch_ok(&token, &answers).await;
    let profile = app.profile(&token).await;
    let read = |p: &str| profile[p].clone();
    assert_eq!(read("Custom1"), "Bob Lee, +44 20 7946 0000");
    assert_eq!((read("Custom2"), read("Custom3")), (json!("12.5"), json!("true")), "answers are strings");
    assert_eq!((read("Custom4"), read("Custom5")), (json!("2027-01-31"), json!("Vegan")));
    assert_eq!(
        (read("Custom6"), read("Custom30")),
        (Value::Null, Value::Null),
        "all thirty are in the record"
    );

    // The record sent back whole saves: the staff-set and undefined slots come back as they are.
    let mut edited = profile.clone();
    edited["Custom2"] = json!("14");
    app.patch_ok(&token, &edited).await;
    assert_eq!(app.profile(&token).await["Custom2"], "14");

    // Each bad answer is named; none of the valid ones beside it is written.
    let before = app.profile_bytes(&token).await.1;
    let (status, body) = app
        .patch(
            &token,
            &json!({
                "Custom1": "", "Custom2": "twelve", "Custom3": "perhaps", "Custom4": "31/01/2027",
                "Custom5": "Carnivore", "Custom6": "L-12", "Custom7": "hello", "NickName": "Annie",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        error_codes(&body),
        [
            ("Custom1", "required"),
            ("Custom2", "invalid_number"),
            ("Custom3", "wrong_type"),
            ("Custom4", "invalid_date"),
            ("Custom5", "invalid_choice"),
            ("Custom6", "not_writable"),
            ("Custom7", "not_writable"),
        ]
        .map(|(p, c)| (p.to_string(), c.to_string()))
    );
    assert_eq!(app.profile_bytes(&token).await.1, before, "nothing refused was written");

    // An optional answer clears; the staff set theirs with the CLI; both are in the history
    // and the export.
    app.patch_ok(&token, &json!({"Custom3": null, "Custom4": ""})).await;
    let profile = app.profile(&token).await;
    assert_eq!((profile["Custom3"].clone(), profile["Custom4"].clone()), (Value::Null, Value::Null));
    let locker = vec![("Custom6".to_string(), "L-12".to_string())];
    operator::set_properties(&app.state, "ann@example.com", None, &locker).await.expect("staff set");
    assert_eq!(app.profile(&token).await["Custom6"], "L-12");
    let (_, history) = app.get(&token, "/en/profile/history").await;
    assert!(history.to_string().contains("Custom6") && history.to_string().contains("Custom2"), "{history}");
    let (_, export) = app.get(&token, "/en/profile/export").await;
    assert!(export.to_string().contains("L-12") && export.to_string().contains("Bob Lee"));
    let undefined = vec![("Custom9".to_string(), "x".to_string())];
    let refused = operator::set_properties(&app.state, "ann@example.com", None, &undefined).await;
    assert!(refused.is_err_and(|e| e.to_string().contains("Custom9")));
}

async fn the_directory_card_shows_only_the_answers_meant_for_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ann = app.member_token("ann@example.com").await;
    let bob = app.member_token("bob@example.com").await;
    define_the_questions(&app).await;
    let answers = json!({"ProfileIsPublic": true, "Custom1": "Secret Contact", "Custom5": "Vegan"});
    app.patch_ok(&ann, &answers).await;
    let id = app.profile(&ann).await["Id"].clone();

    let (status, card) = app.get(&bob, &format!("/api/public/coworkers/published/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{card}");
    assert_eq!(card["Coworker"]["Custom5"], "Vegan", "shown in the directory: {card}");
    assert!(
        card["Coworker"].get("Custom1").is_none() && !card.to_string().contains("Secret Contact"),
        "{card}"
    );
    let (_, list) = app.get(&bob, "/api/public/coworkers/published").await;
    assert!(!list.to_string().contains("Secret Contact"), "{list}");
}

async fn removing_a_field_clears_its_answers_and_definitions_are_checked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("ann@example.com").await;
    define_the_questions(&app).await;
    app.patch_ok(&token, &json!({"Custom2": "7"})).await;
    let etag = app.profile_response(&token).await.headers().get("etag").cloned();

    let cleared =
        operator::remove_custom_field(&app.state, &location_name(&app).await, 2).await.expect("removed");
    assert_eq!(cleared, 1);
    let response = app.profile_response(&token).await;
    assert_ne!(response.headers().get("etag").cloned(), etag, "the version moved");
    let profile: Value = response.json().await.expect("json");
    assert_eq!(profile["Custom2"], Value::Null);
    let (status, body) = app.patch(&token, &json!({"Custom2": "7"})).await;
    assert_eq!(
        (status, error_codes(&body)),
        (StatusCode::BAD_REQUEST, vec![("Custom2".into(), "not_writable".into())])
    );
    assert!(
        operator::remove_custom_field(&app.state, &location_name(&app).await, 2).await.is_err(),
        "already gone"
    );

    let again =
        operator::define_custom_field(&app.state, &location_name(&app).await, field("Team", "text")).await;
    assert_eq!(again.expect("defined").slot, 2, "the freed slot is reused");
    for (new, why) in [
        (field("Team", "text"), "a label twice"),
        (field("Colour", "colour"), "an unknown kind"),
        (field("Diet again", "choice"), "a choice without choices"),
        (NewCustomField { choices: vec!["A".into()], ..field("Size", "number") }, "choices for a number"),
        (field(" ", "text"), "no label"),
    ] {
        let refused = operator::define_custom_field(&app.state, &location_name(&app).await, new).await;
        assert!(refused.is_err(), "{why}");
    }
    assert_eq!(
        app.state
            .store
            .custom_fields(app.state.store.locations().await.expect("l")[0].id)
            .await
            .expect("f")
            .len(),
        6
    );
}

/// Thirty slots, however many operators define fields at once: each slot used once, none past
/// 30, and every definition past the thirtieth refused with the reason.
async fn concurrent_definitions_never_exceed_thirty_or_share_a_slot(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.member_token("ann@example.com").await;
    let location = location_name(&app).await;
    let attempts = (0..45).map(|n| {
        let (state, location) = (app.state.clone(), location.clone());
        async move { operator::define_custom_field(&state, &location, field(&format!("Q{n}"), "text")).await }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let mut slots: Vec<u8> = answers.iter().filter_map(|a| a.as_ref().ok().map(|d| d.slot)).collect();
    let refusals: Vec<String> =
        answers.iter().filter_map(|a| a.as_ref().err().map(|e| e.to_string())).collect();
    assert_eq!(slots.len(), 30, "every slot is used: {refusals:?}");
    assert!(refusals.iter().all(|r| r.contains("all 30")), "the others are told why: {refusals:?}");
    slots.sort_unstable();
    slots.dedup();
    let location = app.state.store.locations().await.expect("l")[0].id;
    let stored = app.state.store.custom_fields(location).await.expect("fields");
    assert_eq!(stored.len(), slots.len(), "every acknowledged definition is stored, once");
    assert!(stored.iter().all(|f| (1..=30).contains(&f.slot)));
}

async fn an_import_answers_custom_fields_for_its_rows(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.member_token("ann@example.com").await;
    define_the_questions(&app).await;
    let csv = "Email,Password,FullName,Custom1,Custom6\n\
               cara@example.com,a long enough pass 1,Cara Diaz,Dan Diaz,L-3\n";
    operator::import_csv(&app.state, csv.as_bytes()).await.expect("imported");
    let token = app.sign_in("cara@example.com", "a long enough pass 1").await;
    let profile = app.profile(&token).await;
    assert_eq!((profile["Custom1"].clone(), profile["Custom6"].clone()), (json!("Dan Diaz"), json!("L-3")));

    let bad = "Email,Password,FullName,Custom2\ndee@example.com,a long enough pass 2,Dee,many\n";
    let refused = operator::import_csv(&app.state, bad.as_bytes()).await.expect_err("refused");
    assert!(refused.to_string().contains("Custom2"), "{refused}");
    drop(admin);
}

crate::every_store!(
    members_answer_the_questions_their_location_asks,
    the_directory_card_shows_only_the_answers_meant_for_it,
    removing_a_field_clears_its_answers_and_definitions_are_checked,
    concurrent_definitions_never_exceed_thirty_or_share_a_slot,
    an_import_answers_custom_fields_for_its_rows,
);
