//! Between a profile section's HTML form and the PATCH body the API takes: each input is
//! named by its property, and only what changed is sent.

use std::collections::HashMap;

use maud::{Markup, html};
use serde_json::{Map, Value};

use crate::domain::FieldError;
use crate::domain::catalogue::{Field, FieldValue, Kind, Rule, Section};
use crate::domain::country;
use crate::domain::custom::{self, CustomField, CustomKind};
use crate::domain::profile::Profile;
use crate::domain::text::Lines;
use crate::i18n::{self, Language};
use crate::tr;

/// The fields of a form post, the last value of each name winning (a checkbox follows the
/// hidden `false` that stands for it when unticked).
pub type Posted = HashMap<String, String>;

pub fn posted(pairs: Vec<(String, String)>) -> Posted {
    pairs.into_iter().collect()
}

pub fn fields(section: Section) -> impl Iterator<Item = Field> {
    Field::all().filter(move |field| field.section() == section)
}

/// What a stored value looks like in an input.
pub fn shown(value: Option<&FieldValue>) -> String {
    match value {
        None => String::new(),
        Some(FieldValue::Text(text)) => text.clone(),
        Some(FieldValue::Int(number)) => number.to_string(),
        Some(FieldValue::Bool(flag)) => flag.to_string(),
        Some(FieldValue::Date(date)) => date.to_string(),
    }
}

/// The PATCH body of a section's post: the properties whose input differs from the stored
/// value, as the API would take them.
pub fn changes(section: Section, profile: &Profile, posted: &Posted) -> Map<String, Value> {
    let mut body = Map::new();
    for field in fields(section) {
        let Some(text) = posted.get(field.property()).map(String::as_str) else { continue };
        let unchanged = match field.kind() {
            Kind::Bool => (text == "true") == profile.values.flag(field),
            _ => text.trim() == shown(profile.values.get(field)).trim(),
        };
        if !unchanged {
            body.insert(field.property().to_string(), json_value(field, text));
        }
    }
    body
}

fn json_value(field: Field, text: &str) -> Value {
    match field.kind() {
        Kind::Bool => Value::Bool(text == "true"),
        _ if text.trim().is_empty() && field.spec().nullable => Value::Null,
        Kind::Int => text.trim().parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(text)),
        _ => Value::from(text),
    }
}

/// A property's label in the member's language: the message `field-` and the property in
/// lower case with dashes (`field-billing-post-code`). A social network's is its own name;
/// a custom field's slot is never shown (the location's label is).
pub fn label(lang: Language, field: Field) -> String {
    match field.spec().rule {
        Rule::Social(_) | Rule::Custom => words_of(field.property()),
        _ => i18n::message(lang, &label_id(field), &[]),
    }
}

fn label_id(field: Field) -> String {
    let mut id = String::from("field");
    for (index, c) in field.property().chars().enumerate() {
        let previous_upper =
            index > 0 && field.property().chars().nth(index - 1).is_some_and(char::is_uppercase);
        if c.is_uppercase() && !previous_upper {
            id.push('-');
        }
        id.extend(c.to_lowercase());
    }
    id
}

fn words_of(property: &str) -> String {
    let mut label = String::new();
    for (index, c) in property.chars().enumerate() {
        if index > 0 && c.is_uppercase() {
            label.push(' ');
            label.extend(c.to_lowercase());
        } else {
            label.push(c);
        }
    }
    label
}

/// The input of one property, its label and, after a failed save, its error: the value
/// shown is what the member typed, so nothing is lost.
pub fn input(lang: Language, field: Field, value: &str, error: Option<&FieldError>) -> Markup {
    let name = field.property();
    let id = format!("f-{name}");
    let error_id = format!("{id}-error");
    let described = error.map(|_| error_id.clone());
    let invalid = error.map(|_| "true");
    html! {
        div.field.has-error[error.is_some()] {
            @if field.kind() == Kind::Bool {
                input type="hidden" name=(name) value="false";
                label.check for=(id) {
                    input type="checkbox" id=(id) name=(name) value="true" checked[value == "true"]
                        aria-describedby=[described.as_deref()] aria-invalid=[invalid];
                    " " (label(lang, field))
                }
                @if let Some(error) = error {
                    p.error id=(error_id) { (super::lang::field_error(lang, error)) }
                }
            } @else {
                label for=(id) { (label(lang, field)) }
                @if let Some(error) = error {
                    p.error id=(error_id) { (super::lang::field_error(lang, error)) }
                }
                (control(lang, field, &id, value, described.as_deref(), invalid))
            }
        }
    }
}

/// The input of one of the location's custom fields, labelled as the location defined it.
pub fn custom_input(
    lang: Language,
    definition: &CustomField,
    value: &str,
    error: Option<&FieldError>,
) -> Markup {
    let name = definition.property();
    let id = format!("f-{name}");
    let error_id = format!("{id}-error");
    let described = error.map(|_| error_id.clone());
    let (described, invalid) = (described.as_deref(), error.map(|_| "true"));
    let blank = if definition.required { tr!(lang, "form-choose") } else { "—".to_string() };
    let (yes, no) = (tr!(lang, "form-yes"), tr!(lang, "form-no"));
    html! {
        div.field.has-error[error.is_some()] {
            label for=(id) {
                (definition.label)
                @if definition.required { " " span.hint { (tr!(lang, "form-required")) } }
            }
            @if let Some(error) = error {
                p.error id=(error_id) { (super::lang::field_error(lang, error)) }
            }
            @match definition.kind {
                CustomKind::Text => {
                    input type="text" id=(id) name=(name) value=(value) maxlength=(custom::MAX_TEXT_CHARS)
                        aria-describedby=[described] aria-invalid=[invalid];
                }
                CustomKind::LongText => {
                    textarea id=(id) name=(name) rows="4" maxlength=(custom::MAX_LONG_TEXT_CHARS)
                        aria-describedby=[described] aria-invalid=[invalid] { (value) }
                }
                CustomKind::Number => {
                    input type="text" inputmode="decimal" id=(id) name=(name) value=(value)
                        aria-describedby=[described] aria-invalid=[invalid];
                }
                CustomKind::Date => {
                    input type="date" id=(id) name=(name) value=(value)
                        aria-describedby=[described] aria-invalid=[invalid];
                }
                CustomKind::YesNo => {
                    select id=(id) name=(name) aria-describedby=[described] aria-invalid=[invalid] {
                        @for (option, text) in [("", &blank), ("true", &yes), ("false", &no)] {
                            option value=(option) selected[option == value] { (text) }
                        }
                    }
                }
                CustomKind::Choice => {
                    select id=(id) name=(name) aria-describedby=[described] aria-invalid=[invalid] {
                        option value="" selected[value.is_empty()] { (&blank) }
                        @for choice in &definition.choices {
                            option value=(choice) selected[choice == value] { (choice) }
                        }
                    }
                }
            }
        }
    }
}

/// A custom answer as shown where the member cannot change it.
pub fn custom_answer(lang: Language, definition: &CustomField, value: Option<&str>) -> String {
    match (definition.kind, value) {
        (_, None) => "—".into(),
        (CustomKind::YesNo, Some("true")) => tr!(lang, "form-yes"),
        (CustomKind::YesNo, Some("false")) => tr!(lang, "form-no"),
        (_, Some(value)) => value.to_string(),
    }
}

fn control(
    lang: Language,
    field: Field,
    id: &str,
    value: &str,
    described: Option<&str>,
    invalid: Option<&str>,
) -> Markup {
    let name = field.property();
    let max = field.max_chars();
    match field.spec().rule {
        Rule::Text { lines: Lines::Multi, .. } => html! {
            textarea id=(id) name=(name) rows="8" maxlength=(max) aria-describedby=[described] aria-invalid=[invalid] { (value) }
        },
        Rule::Country => html! {
            select id=(id) name=(name) aria-describedby=[described] aria-invalid=[invalid] {
                option value="" { "—" }
                @for (country, name) in country::all_in(lang.code()) {
                    @let id_text = country.to_string();
                    option value=(id_text) selected[id_text == value] { (name) }
                }
            }
        },
        Rule::Gender => html! {
            select id=(id) name=(name) aria-describedby=[described] aria-invalid=[invalid] {
                @for (option, text) in [("NotSet", "—".to_string()), ("Male", tr!(lang, "form-gender-male")), ("Female", tr!(lang, "form-gender-female")), ("Other", tr!(lang, "form-gender-other")), ("RatherNotSay", tr!(lang, "form-gender-rather-not-say"))] {
                    option value=(option) selected[option == value] { (text) }
                }
            }
        },
        rule => {
            let kind = match rule {
                Rule::Email => "email",
                Rule::Website => "url",
                Rule::Phone => "tel",
                Rule::BirthDate => "date",
                _ => "text",
            };
            let autocomplete = match field {
                Field::FullName => Some("name"),
                Field::BillingEmail => Some("email"),
                Field::MobilePhone => Some("tel"),
                Field::PostCode | Field::BillingPostCode => Some("postal-code"),
                _ => None,
            };
            html! {
                input type=(kind) id=(id) name=(name) value=(value) maxlength=(max)
                    autocomplete=[autocomplete] aria-describedby=[described] aria-invalid=[invalid];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::Version;

    fn profile_with(values: &[(Field, FieldValue)]) -> Profile {
        let mut stored = crate::domain::catalogue::Values::empty();
        for (field, value) in values {
            stored.set(*field, Some(value.clone()));
        }
        Profile {
            id: 1,
            unique_id: "u".into(),
            user_id: 1,
            location_id: 1,
            location_name: "Canal Street".into(),
            email: "ann@example.com".into(),
            coworker_type: 0,
            active: true,
            values: stored,
            created_on: time::OffsetDateTime::UNIX_EPOCH,
            updated_on: time::OffsetDateTime::UNIX_EPOCH,
            version: Version { profile: 1, user: 1 },
        }
    }

    fn post(pairs: &[(&str, &str)]) -> Posted {
        posted(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn only_the_inputs_that_differ_from_the_stored_values_are_sent() {
        let profile = profile_with(&[
            (Field::Position, FieldValue::Text("Designer".into())),
            (Field::ProfileIsPublic, FieldValue::Bool(true)),
        ]);
        let form = post(&[
            ("Position", "Designer"),
            ("CompanyName", "Acme"),
            ("BusinessArea", ""),
            ("ProfileIsPublic", "false"),
            ("ProfileIsPublic", "true"),
            ("FullName", "Not in this section"),
        ]);
        let body = changes(Section::Professional, &profile, &form);
        assert_eq!(Value::Object(body), serde_json::json!({"CompanyName": "Acme"}));
        let unticked = changes(Section::Professional, &profile, &post(&[("ProfileIsPublic", "false")]));
        assert_eq!(Value::Object(unticked), serde_json::json!({"ProfileIsPublic": false}));
    }

    #[test]
    fn an_emptied_input_clears_and_numbers_go_as_numbers() {
        let profile = profile_with(&[(Field::NickName, FieldValue::Text("Ann".into()))]);
        let body = changes(Section::Personal, &profile, &post(&[("NickName", " "), ("CountryId", "250")]));
        assert_eq!(Value::Object(body), serde_json::json!({"NickName": null, "CountryId": 250}));
        let wrong = changes(Section::Personal, &profile, &post(&[("CountryId", "France")]));
        assert_eq!(wrong["CountryId"], "France", "left for the PATCH to refuse, by name");
    }

    #[test]
    fn a_box_never_ticked_and_left_unticked_is_no_change() {
        let profile = profile_with(&[]);
        let body = changes(Section::Notifications, &profile, &post(&[("OnNewWallPost", "false")]));
        assert!(body.is_empty(), "{body:?}");
    }

    #[test]
    fn only_an_emptied_nullable_property_is_cleared_with_null() {
        let profile = profile_with(&[(Field::FullName, FieldValue::Text("Ann".into()))]);
        let body = changes(Section::Personal, &profile, &post(&[("FullName", ""), ("NickName", "Annie")]));
        assert_eq!(Value::Object(body), serde_json::json!({"FullName": "", "NickName": "Annie"}));
    }

    #[test]
    fn properties_with_unreadable_names_get_labels_of_their_own() {
        let labels: Vec<String> = [
            Field::BillingCountryId,
            Field::TaxIdNumber,
            Field::ProfileIsPublic,
            Field::ProfileSummary,
            Field::ProfileTags,
            Field::ProfileWebsite,
            Field::OnHelpDeskMsg,
            Field::OnNewWallPost,
            Field::OnNewBlogComment,
            Field::OnNewEventComment,
            Field::ReceiveCommunityDigest,
            Field::SignUpToNewsletter,
        ]
        .into_iter()
        .map(|field| label(Language::English, field))
        .collect();
        assert_eq!(
            labels,
            [
                "Billing country",
                "Tax ID number",
                "Show me in the member directory",
                "About me (Markdown)",
                "Tags (comma-separated)",
                "Website",
                "Replies to my help-desk messages",
                "New posts on the community wall",
                "Comments on blog posts",
                "Comments on events",
                "The community digest",
                "The newsletter",
            ]
        );
        let all: std::collections::HashSet<String> =
            Field::all().map(|field| label(Language::English, field)).collect();
        assert_eq!(all.len(), Field::COUNT, "no two properties share a label");
    }

    #[test]
    fn each_rule_gets_the_control_a_phone_keyboard_and_autofill_understand() {
        let html = |field: Field| input(Language::English, field, "", None).into_string();
        assert!(
            html(Field::MobilePhone).contains(r#"type="tel""#)
                && html(Field::MobilePhone).contains(r#"autocomplete="tel""#)
        );
        assert!(html(Field::DateOfBirth).contains(r#"type="date""#));
        assert!(html(Field::ProfileWebsite).contains(r#"type="url""#));
        assert!(
            html(Field::BillingEmail).contains(r#"type="email""#)
                && html(Field::BillingEmail).contains(r#"autocomplete="email""#)
        );
        assert!(
            html(Field::FullName).contains(r#"autocomplete="name""#)
                && html(Field::FullName).contains(r#"type="text""#)
        );
        assert!(html(Field::PostCode).contains(r#"autocomplete="postal-code""#));
        assert!(html(Field::ProfileSummary).contains("<textarea"));
        assert!(
            html(Field::CountryId).contains("<select") && html(Field::CountryId).contains(">France</option>")
        );
        assert!(html(Field::Gender).contains(r#"<option value="RatherNotSay">"#));
        let ticked = input(Language::English, Field::SignUpToNewsletter, "true", None).into_string();
        assert!(
            ticked.contains(r#"type="hidden" name="SignUpToNewsletter" value="false""#)
                && ticked.contains("checked")
        );
        let error = FieldError::new(
            "BillingEmail",
            crate::domain::ErrorCode::InvalidEmail,
            "is not an e-mail address",
        );
        let shown = input(Language::English, Field::BillingEmail, "x<y", Some(&error)).into_string();
        assert!(shown.contains(r#"aria-invalid="true""#) && shown.contains(r#"id="f-BillingEmail-error""#));
        assert!(shown.contains("x&lt;y"), "what was typed is shown as text: {shown}");
    }

    #[test]
    fn every_label_is_in_every_language() {
        for field in Field::all().filter(|f| !matches!(f.spec().rule, Rule::Social(_) | Rule::Custom)) {
            for lang in Language::all() {
                assert!(i18n::has_message(lang, &label_id(field)), "{}: {}", lang.code(), label_id(field));
            }
        }
        assert_eq!(label_id(Field::TaxIdNumber), "field-tax-idnumber");
        assert_eq!(label_id(Field::OnHelpDeskMsg), "field-on-help-desk-msg");
    }

    #[test]
    fn labels_read_as_words() {
        assert_eq!(label(Language::English, Field::BillingPostCode), "Billing post code");
        assert_eq!(label(Language::English, Field::CountryId), "Country");
        assert_eq!(label(Language::German, Field::CountryId), "Land");
        assert_eq!(label(Language::English, Field::Linkedin), "Linkedin", "a network's own name");
        assert_eq!(shown(Some(&FieldValue::Int(826))), "826");
        assert_eq!(shown(None), "");
    }
}
