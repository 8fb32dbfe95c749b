//! Every property of the editing representation (docs/API.md, "Properties and rules"): set and read back, null where it clears and where
//! it is refused, and each rule with a bad value. A refused request changes nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Backend, TestApp, error_codes};

struct Case {
    property: &'static str,
    sent: Value,
    stored: Value,
    nullable: bool,
    bad: Vec<(Value, &'static str)>,
}

fn case(
    property: &'static str,
    sent: Value,
    stored: Value,
    nullable: bool,
    bad: Vec<(Value, &'static str)>,
) -> Case {
    Case { property, sent, stored, nullable, bad }
}

fn long(n: usize) -> Value {
    Value::String("x".repeat(n))
}

fn cases() -> Vec<Case> {
    let future = format!("{}-01-01", time::OffsetDateTime::now_utc().year() + 1);
    let many_tags: Vec<String> = (0..31).map(|i| format!("tag{i}")).collect();
    vec![
        // 3.1 Personal information
        case(
            "FullName",
            json!("  Jane Q. Doe  "),
            json!("Jane Q. Doe"),
            false,
            vec![
                (json!(""), "required"),
                (long(201), "too_long"),
                (json!(42), "wrong_type"),
                (json!("Jane\u{0007}"), "control_characters"),
                (json!("Jane\nDoe"), "control_characters"),
            ],
        ),
        case(
            "Salutation",
            json!(" Dr "),
            json!("Dr"),
            true,
            vec![(long(51), "too_long"), (json!(1), "wrong_type"), (json!("Dr\nMs"), "control_characters")],
        ),
        case(
            "NickName",
            json!("JD"),
            json!("JD"),
            true,
            vec![(long(101), "too_long"), (json!(true), "wrong_type")],
        ),
        case(
            "Gender",
            json!("female"),
            json!("Female"),
            false,
            vec![(json!("robot"), "invalid_choice"), (json!(9), "invalid_choice"), (json!([]), "wrong_type")],
        ),
        case(
            "DateOfBirth",
            json!("1990-06-15"),
            json!("1990-06-15"),
            true,
            vec![
                (json!("15/06/1990"), "invalid_date"),
                (json!("1990-02-30"), "invalid_date"),
                (json!(future), "date_out_of_range"),
                (json!("1899-12-31"), "date_out_of_range"),
                (json!(19900615), "wrong_type"),
            ],
        ),
        case(
            "MobilePhone",
            json!("+44 20 7946 0000"),
            json!("+44 20 7946 0000"),
            true,
            vec![(json!("12"), "invalid_phone"), (json!("call me"), "invalid_phone"), (long(51), "too_long")],
        ),
        case(
            "LandLine",
            json!("(020) 7946-0000 ext. 12"),
            json!("(020) 7946-0000 ext. 12"),
            true,
            vec![(json!("555-CALL"), "invalid_phone")],
        ),
        case(
            "Address",
            json!("1 Main Street\nFlat 2"),
            json!("1 Main Street\nFlat 2"),
            false,
            vec![(long(501), "too_long"), (json!("a\u{0000}b"), "control_characters")],
        ),
        case(
            "PostCode",
            json!("SW1A 1AA"),
            json!("SW1A 1AA"),
            false,
            vec![(long(31), "too_long"), (json!("SW1A\n1AA"), "control_characters")],
        ),
        case("CityName", json!("London"), json!("London"), false, vec![(long(101), "too_long")]),
        case("State", json!("Greater London"), json!("Greater London"), false, vec![(long(101), "too_long")]),
        case(
            "CountryId",
            json!(276),
            json!(276),
            false,
            vec![(json!(9999), "unknown_country"), (json!("276"), "wrong_type"), (json!(2.5), "wrong_type")],
        ),
        // 3.2 Billing information
        case("BillingName", json!("Acme Ltd"), json!("Acme Ltd"), false, vec![(long(201), "too_long")]),
        case(
            "BillingEmail",
            json!("Billing@Acme.COM"),
            json!("Billing@acme.com"),
            false,
            vec![
                (json!("nope"), "invalid_email"),
                (json!("a@b"), "invalid_email"),
                (json!("Jane <j@acme.com>"), "invalid_email"),
                (json!(""), "required"),
            ],
        ),
        case(
            "BillingAddress",
            json!("2 High Street"),
            json!("2 High Street"),
            true,
            vec![(long(501), "too_long")],
        ),
        case("BillingPostCode", json!("EC1A 1BB"), json!("EC1A 1BB"), true, vec![(long(31), "too_long")]),
        case("BillingCityName", json!("Leeds"), json!("Leeds"), true, vec![(long(101), "too_long")]),
        case("BillingState", json!("Yorkshire"), json!("Yorkshire"), true, vec![(long(101), "too_long")]),
        case("BillingCountryId", json!(250), json!(250), false, vec![(json!(0), "unknown_country")]),
        case(
            "TaxIDNumber",
            json!("GB123 456-78"),
            json!("GB123 456-78"),
            false,
            vec![(json!("GB<1>"), "invalid_tax_id"), (long(51), "too_long")],
        ),
        // 3.3 Professional profile
        case("Position", json!("CTO"), json!("CTO"), true, vec![(long(201), "too_long")]),
        case("CompanyName", json!("Acme"), json!("Acme"), false, vec![(long(201), "too_long")]),
        case("BusinessArea", json!("Design"), json!("Design"), true, vec![(long(201), "too_long")]),
        case(
            "ProfileSummary",
            json!("# Hello\n\n<script>alert(1)</script> **bold**"),
            json!("# Hello\n\n<script>alert(1)</script> **bold**"),
            true,
            vec![(long(20_001), "too_long"), (json!("bell\u{0007}"), "control_characters")],
        ),
        case(
            "ProfileWebsite",
            json!("acme.example.com"),
            json!("https://acme.example.com/"),
            true,
            vec![
                (json!("javascript:alert(1)"), "invalid_url"),
                (json!("ftp://acme.example.com"), "invalid_url"),
                (json!("https://user:pw@acme.example.com"), "invalid_url"),
            ],
        ),
        case(
            "ProfileIsPublic",
            json!(true),
            json!(true),
            false,
            vec![(json!("yes"), "wrong_type"), (json!(1), "wrong_type")],
        ),
        case(
            "ProfileTags",
            json!("rust, design,Rust ,"),
            json!("rust, design"),
            true,
            vec![(json!(many_tags.join(",")), "too_many_tags"), (long(51), "tag_too_long")],
        ),
        // 3.4 Social media
        case(
            "Twitter",
            json!("@jane"),
            json!("https://x.com/jane"),
            true,
            vec![(json!("https://evil.example/jane"), "invalid_handle")],
        ),
        case(
            "Linkedin",
            json!("linkedin.com/in/jane-doe"),
            json!("https://www.linkedin.com/in/jane-doe"),
            true,
            vec![(json!("jane"), "invalid_handle")],
        ),
        case(
            "Github",
            json!("jane-doe"),
            json!("https://github.com/jane-doe"),
            true,
            vec![(json!("-jane"), "invalid_handle")],
        ),
        case(
            "Instagram",
            json!("@jane.doe"),
            json!("https://www.instagram.com/jane.doe"),
            true,
            vec![(json!("jane doe"), "invalid_handle")],
        ),
        case(
            "Facebook",
            json!("facebook.com/jane.doe"),
            json!("https://www.facebook.com/jane.doe"),
            true,
            vec![(json!("jane"), "invalid_handle")],
        ),
        case("Skype", json!("jane.doe"), json!("jane.doe"), true, vec![(json!("1jane"), "invalid_handle")]),
        case(
            "Telegram",
            json!("@jane_doe"),
            json!("https://t.me/jane_doe"),
            true,
            vec![(json!("abc"), "invalid_handle")],
        ),
        // §11: the older networks Nexudus records still carry
        case(
            "Google",
            json!("google.com/maps/contrib/1234567890"),
            json!("https://google.com/maps/contrib/1234567890"),
            true,
            vec![(json!("https://google.com/"), "invalid_handle")],
        ),
        case(
            "Pinterest",
            json!("pinterest.com/janedoe/"),
            json!("https://www.pinterest.com/janedoe"),
            true,
            vec![(json!("https://evil.example/janedoe"), "invalid_handle")],
        ),
        case(
            "Flickr",
            json!("flickr.com/photos/12345678@N00"),
            json!("https://www.flickr.com/people/12345678@N00"),
            true,
            vec![(json!("jane doe"), "invalid_handle")],
        ),
        case(
            "Vimeo",
            json!("janedoe"),
            json!("https://vimeo.com/janedoe"),
            true,
            vec![(json!("vimeo.com/123456789"), "invalid_handle")],
        ),
        case(
            "Tumblr",
            json!("JaneDoe.tumblr.com"),
            json!("https://www.tumblr.com/janedoe"),
            true,
            vec![(json!("janedoe.tumblr.com/post/1"), "invalid_handle")],
        ),
        case(
            "Blogger",
            json!("janedoe.blogspot.com"),
            json!("https://janedoe.blogspot.com"),
            true,
            vec![(json!("javascript:alert(1)"), "invalid_handle")],
        ),
        // 3.5 Notification preferences
        case("OnHelpDeskMsg", json!(false), json!(false), false, vec![(json!("no"), "wrong_type")]),
        case("OnNewWallPost", json!(false), json!(false), false, vec![(json!(0), "wrong_type")]),
        case("OnNewBlogComment", json!(false), json!(false), false, vec![(json!("false"), "wrong_type")]),
        case("OnNewEventComment", json!(false), json!(false), false, vec![(json!([]), "wrong_type")]),
        case("ReceiveCommunityDigest", json!(false), json!(false), false, vec![(json!({}), "wrong_type")]),
        case("SignUpToNewsletter", json!(true), json!(true), false, vec![(json!("true"), "wrong_type")]),
    ]
}

async fn every_property_sets_reads_back_clears_and_refuses(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    for case in cases() {
        let property = case.property;
        app.patch_ok(&token, &json!({ property: case.sent })).await;
        assert_eq!(app.profile(&token).await[property], case.stored, "{property} read back");

        let before = app.profile_bytes(&token).await.1;
        for (bad, code) in &case.bad {
            let (status, body) = app.patch(&token, &json!({ property: bad })).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{property} = {bad}");
            assert_eq!(
                error_codes(&body),
                vec![(property.to_string(), code.to_string())],
                "{property} = {bad}"
            );
            assert_eq!(body["Status"], 400);
            assert_eq!(body["WasSuccessful"], false);
        }
        assert_eq!(
            app.profile_bytes(&token).await.1,
            before,
            "{property}: a refused value changed the profile"
        );

        let (status, body) = app.patch(&token, &json!({ property: null })).await;
        if case.nullable {
            assert_eq!(status, StatusCode::OK, "{property} = null: {body}");
            assert_eq!(app.profile(&token).await[property], Value::Null, "{property} cleared");
        } else {
            assert_eq!(
                error_codes(&body),
                vec![(property.to_string(), "not_nullable".to_string())],
                "{property} = null"
            );
            assert_eq!(app.profile_bytes(&token).await.1, before, "{property}: null changed the profile");
        }
    }
}

async fn an_empty_string_clears_a_nullable_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    app.patch_ok(&token, &json!({"NickName": "JD", "ProfileTags": "a,b"})).await;
    app.patch_ok(&token, &json!({"NickName": "  ", "ProfileTags": ""})).await;
    let profile = app.profile(&token).await;
    assert_eq!(profile["NickName"], Value::Null);
    assert_eq!(profile["ProfileTags"], Value::Null);
    assert_eq!(profile["ProfileTagsList"], json!([]));
}

async fn derived_read_only_values_follow_their_source(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    app.patch_ok(&token, &json!({"CountryId": 276, "BillingCountryId": 250, "ProfileTags": "Rust, UX"}))
        .await;
    let profile = app.profile(&token).await;
    assert_eq!(profile["CountryName"], "Germany");
    assert_eq!(profile["BillingCountryName"], "France");
    assert_eq!(profile["ProfileTagsList"], json!(["Rust", "UX"]));
}

async fn text_is_normalized_to_nfc(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    app.patch_ok(&token, &json!({"FullName": "Jose\u{0301} Garci\u{0301}a"})).await;
    assert_eq!(app.profile(&token).await["FullName"], "Jos\u{e9} Garc\u{ed}a");
}

async fn a_new_profile_starts_with_the_contract_defaults(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.member_token("jane@example.com").await;
    let profile = app.profile(&token).await;
    assert_eq!(profile["Gender"], "NotSet");
    assert_eq!(profile["CountryId"], 826, "the location's country");
    assert_eq!(profile["BillingCountryId"], 826);
    assert_eq!(profile["BillingEmail"], "jane@example.com");
    assert_eq!(profile["BillingName"], profile["FullName"]);
    assert_eq!(profile["ProfileIsPublic"], false);
    assert_eq!(profile["Address"], "");
    assert_eq!(profile["TaxIDNumber"], "");
}

crate::every_store!(
    every_property_sets_reads_back_clears_and_refuses,
    an_empty_string_clears_a_nullable_field,
    derived_read_only_values_follow_their_source,
    text_is_normalized_to_nfc,
    a_new_profile_starts_with_the_contract_defaults,
);
