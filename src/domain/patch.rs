//! The typed form of a PATCH body. The raw JSON object is parsed once, property by
//! property, into a [`ProfilePatch`] whose fields are each absent, null or a value;
//! every problem is collected so the member sees all of them at once.

use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};
use time::Date;

use super::catalogue::{self, Credential, ReadOnly, Rule};
pub use super::catalogue::{Field, FieldValue};
use super::country;
use super::error::{ErrorCode, FieldError, FieldErrors, MAX_PROPERTY_CHARS};
use super::fields;
use super::profile::Gender;
use super::text::{self, Lines, Problem};

/// What a request says about one property.
#[derive(Debug, Clone, PartialEq)]
pub enum Change<T> {
    Absent,
    Null,
    Value(T),
}

/// Every property a request changes, already validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfilePatch {
    changes: BTreeMap<Field, Change<FieldValue>>,
}

impl ProfilePatch {
    pub fn get(&self, field: Field) -> &Change<FieldValue> {
        self.changes.get(&field).unwrap_or(&Change::Absent)
    }

    pub fn set(&mut self, field: Field, change: Change<FieldValue>) {
        if change == Change::Absent {
            self.changes.remove(&field);
        } else {
            self.changes.insert(field, change);
        }
    }

    /// The fields sent (null or a value), in a stable order.
    pub fn iter(&self) -> impl Iterator<Item = (Field, Option<&FieldValue>)> {
        self.changes.iter().filter_map(|(field, change)| match change {
            Change::Absent => None,
            Change::Null => Some((*field, None)),
            Change::Value(v) => Some((*field, Some(v))),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether the patch writes the user row.
    pub fn touches_user(&self) -> bool {
        self.changes.keys().any(|f| f.on_user())
    }

    /// Whether the patch writes the profile row.
    pub fn touches_profile(&self) -> bool {
        self.changes.keys().any(|f| f.on_profile())
    }
}

/// A password change: the three properties of docs/API.md, "Changing the password", present together.
#[derive(Debug, Clone)]
pub struct PasswordChange {
    pub current: SecretString,
    pub new: SecretString,
}

/// How to treat properties the API does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownFields {
    #[default]
    Reject,
    Ignore,
}

/// Who sends the body: a member may only send the staff-set properties back unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Editor {
    #[default]
    Member,
    Staff,
}

#[derive(Debug, Clone, Copy)]
pub struct ParseOptions {
    pub today: Date,
    pub unknown_fields: UnknownFields,
    pub editor: Editor,
}

/// The outcome of parsing a body: the changes, the read-only properties sent back (to be
/// compared with the stored profile) and an optional password change.
#[derive(Debug, Clone, Default)]
pub struct ParsedPatch {
    pub patch: ProfilePatch,
    pub echoes: Vec<(ReadOnly, Value)>,
    /// Staff-set properties a member sent (to be compared with the stored profile): the
    /// parsed change and what was sent.
    pub staff_set: Vec<(Field, Change<FieldValue>, Value)>,
    /// Custom fields sent (`Custom1` … `Custom30`), to be checked against the location's
    /// definitions ([`super::custom::resolve`]).
    pub custom: Vec<(Field, Value)>,
    /// Nexudus-only properties sent and ignored ([`catalogue::TOLERATED`]), in the order sent.
    pub ignored: Vec<String>,
    pub password: Option<PasswordChange>,
}

/// Parses a whole PATCH body. Every problem is collected; the valid part is returned too,
/// so later checks (read-only properties, the current password) can add theirs.
pub fn parse(body: &Map<String, Value>, options: ParseOptions) -> (ParsedPatch, FieldErrors) {
    let mut parsed = ParsedPatch::default();
    let mut errors = FieldErrors::default();
    let mut credentials = Credentials::default();
    for (name, value) in body {
        if let Some(field) = Field::from_property(name).filter(|f| f.custom_slot().is_some()) {
            parsed.custom.push((field, value.clone()));
        } else if let Some(field) = Field::from_property(name) {
            match parse_value(field, value, options.today) {
                Ok(change) if field.spec().staff_only && options.editor == Editor::Member => {
                    parsed.staff_set.push((field, change, value.clone()))
                }
                Ok(change) => parsed.patch.set(field, change),
                Err(p) => errors.push(FieldError::new(name, p.code, p.message).with_attempted(value)),
            }
        } else if let Some(slot) = Credential::from_property(name) {
            credentials.take(slot, name, value, &mut errors);
        } else if let Some(read_only) = ReadOnly::from_property(name) {
            parsed.echoes.push((read_only, value.clone()));
        } else if catalogue::TOLERATED.contains(&name.as_str()) {
            parsed.ignored.push(name.clone());
        } else if let Some(error) = refuse_property(name, value, options.unknown_fields) {
            errors.push(error);
        }
    }
    parsed.password = credentials.finish(&mut errors);
    (parsed, errors)
}

/// Parses one property's value according to its rule.
pub fn parse_value(field: Field, value: &Value, today: Date) -> Result<Change<FieldValue>, Problem> {
    let spec = field.spec();
    let (rule, nullable) = (spec.rule, spec.nullable);
    if value.is_null() {
        return if nullable {
            Ok(Change::Null)
        } else {
            Err(Problem::new(ErrorCode::NotNullable, "cannot be null"))
        };
    }
    match rule {
        Rule::Flag => value
            .as_bool()
            .map(|b| Change::Value(FieldValue::Bool(b)))
            .ok_or_else(|| Problem::new(ErrorCode::WrongType, "must be true or false")),
        Rule::Country => parse_country(value).map(|id| Change::Value(FieldValue::Int(id))),
        Rule::Gender => parse_gender(value).map(|g| Change::Value(FieldValue::Text(g.as_str().into()))),
        _ => {
            let raw = value.as_str().ok_or_else(|| Problem::new(ErrorCode::WrongType, "must be a string"))?;
            parse_text(field, raw, nullable, today)
        }
    }
}

fn parse_text(field: Field, raw: &str, nullable: bool, today: Date) -> Result<Change<FieldValue>, Problem> {
    let rule = field.spec().rule;
    let lines = match rule {
        Rule::Text { lines, .. } => lines,
        _ => Lines::Single,
    };
    let cleaned = text::clean(raw, lines)?;
    if cleaned.is_empty() {
        return match rule {
            _ if nullable => Ok(Change::Null),
            Rule::Text { required: true, .. } | Rule::Email => {
                Err(Problem::new(ErrorCode::Required, "cannot be empty"))
            }
            _ => Ok(Change::Value(FieldValue::Text(String::new()))),
        };
    }
    let value = match rule {
        Rule::Text { max, .. } => {
            text::check_length(&cleaned, max)?;
            FieldValue::Text(cleaned)
        }
        Rule::Email => FieldValue::Text(fields::email(&cleaned)?),
        Rule::Website => FieldValue::Text(fields::website(&cleaned)?),
        Rule::Phone => FieldValue::Text(fields::phone(&cleaned)?),
        Rule::BirthDate => FieldValue::Date(fields::birth_date(&cleaned, today)?),
        Rule::TaxId => FieldValue::Text(fields::tax_id(&cleaned)?),
        Rule::Social(network) => {
            text::check_length(&cleaned, catalogue::MAX_SOCIAL_CHARS)?;
            FieldValue::Text(network.canonical(&cleaned)?)
        }
        Rule::Tags => match fields::tags(&cleaned)? {
            Some(tags) => FieldValue::Text(fields::join_tags(&tags)),
            None => return Ok(Change::Null),
        },
        // Checked against the location's definition instead ([`super::custom::resolve`]).
        Rule::Custom => FieldValue::Text(cleaned),
        Rule::Flag | Rule::Country | Rule::Gender => {
            return Err(Problem::new(ErrorCode::WrongType, "has the wrong type"));
        }
    };
    Ok(Change::Value(value))
}

fn parse_country(value: &Value) -> Result<i64, Problem> {
    let id = value.as_i64().ok_or_else(|| {
        Problem::new(ErrorCode::WrongType, "must be a number: a country Id from GET /api/public/countries")
    })?;
    country::by_id(id).map(|c| c.id).ok_or_else(|| {
        Problem::new(
            ErrorCode::UnknownCountry,
            format!("{id} is not a country Id from GET /api/public/countries"),
        )
    })
}

fn parse_gender(value: &Value) -> Result<Gender, Problem> {
    let parsed = match value {
        // A name, or a code as a JSON number: like a boolean, a number is not taken as text.
        Value::String(s) => Gender::from_name(s),
        Value::Number(n) => n.as_i64().and_then(Gender::from_code),
        _ => return Err(Problem::new(ErrorCode::WrongType, "must be a string")),
    };
    parsed.ok_or_else(|| {
        Problem::new(ErrorCode::InvalidChoice, "must be one of NotSet, Male, Female, Other, RatherNotSay")
    })
}

fn refuse_property(name: &str, value: &Value, unknown: UnknownFields) -> Option<FieldError> {
    if name == "Password" {
        let message = "is not changed directly: send OldPassword, NewPassword and RepeatNewPassword";
        return Some(FieldError::new(name, ErrorCode::NotWritable, message).with_attempted(value));
    }
    if catalogue::STAFF_ONLY.contains(&name) {
        return Some(
            FieldError::new(name, ErrorCode::NotWritable, "can only be changed by the space's staff")
                .with_attempted(value),
        );
    }
    if unknown == UnknownFields::Ignore {
        return None;
    }
    let message = match suggest(name) {
        Some(known) => format!("is not a profile property; did you mean {known}?"),
        None => "is not a profile property".to_string(),
    };
    Some(FieldError::new(name, ErrorCode::UnknownField, message).with_attempted(value))
}

/// The closest known property name, for a helpful `unknown_field` message. Names longer
/// than any property get none: the edit distance costs time in the square of the length.
pub fn suggest(name: &str) -> Option<&'static str> {
    if name.chars().count() > MAX_PROPERTY_CHARS {
        return None;
    }
    let lower = name.to_lowercase();
    catalogue::writable_or_known_names()
        .map(|k| (strsim::levenshtein(&lower, &k.to_lowercase()), k))
        .filter(|(distance, k)| *distance <= (k.len() / 4).clamp(1, 3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k)
}

/// Collects the three password properties (under any alias); secrets are never echoed.
#[derive(Default)]
struct Credentials {
    current: Option<SecretString>,
    new: Option<SecretString>,
    repeat: Option<SecretString>,
    sent_any: bool,
}

impl Credentials {
    fn take(&mut self, slot: Credential, name: &str, value: &Value, errors: &mut FieldErrors) {
        self.sent_any = true;
        let Some(text) = value.as_str() else {
            let code = if value.is_null() { ErrorCode::NotNullable } else { ErrorCode::WrongType };
            errors.push(FieldError::new(name, code, "must be a string"));
            return;
        };
        let target = match slot {
            Credential::Current => &mut self.current,
            Credential::New => &mut self.new,
            Credential::Repeat => &mut self.repeat,
        };
        if target.is_some() {
            errors.push(FieldError::new(
                name,
                ErrorCode::DuplicateField,
                "was sent twice under different names",
            ));
        }
        *target = Some(SecretString::from(text));
    }

    fn finish(self, errors: &mut FieldErrors) -> Option<PasswordChange> {
        if !self.sent_any {
            return None;
        }
        let slots = [
            (Credential::Current, &self.current),
            (Credential::New, &self.new),
            (Credential::Repeat, &self.repeat),
        ];
        for (slot, value) in slots {
            if value.as_ref().is_none_or(|s| s.expose_secret().is_empty()) {
                errors.push(FieldError::new(
                    slot.property(),
                    ErrorCode::PasswordRequired,
                    "is required to change the password (send OldPassword, NewPassword and RepeatNewPassword together)",
                ));
            }
        }
        let (Some(current), Some(new), Some(repeat)) = (self.current, self.new, self.repeat) else {
            return None;
        };
        if new.expose_secret() != repeat.expose_secret() {
            errors.push(FieldError::new(
                Credential::Repeat.property(),
                ErrorCode::PasswordMismatch,
                "does not match NewPassword",
            ));
        }
        Some(PasswordChange { current, new })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    fn options() -> ParseOptions {
        ParseOptions {
            today: date!(2026 - 11 - 27),
            unknown_fields: UnknownFields::Reject,
            editor: Editor::Member,
        }
    }

    fn parse_json(value: Value) -> Result<ParsedPatch, FieldErrors> {
        let (parsed, errors) = parse(value.as_object().expect("object"), options());
        errors.into_result(parsed)
    }

    fn codes(errors: &FieldErrors) -> Vec<(String, &'static str)> {
        errors.iter().map(|e| (e.property.clone(), e.code.as_str())).collect()
    }

    #[test]
    fn gender_is_a_name_or_a_numeric_code() {
        let gender = |value: Value| parse_value(Field::Gender, &value, date!(2026 - 11 - 27));
        let text = |g: &str| Ok(Change::Value(FieldValue::Text(g.into())));
        assert_eq!(gender(json!("female")).map_err(|p| p.code), text("Female"));
        assert_eq!(gender(json!(2)).map_err(|p| p.code), text("Male"));
        assert_eq!(gender(json!("2")).map_err(|p| p.code), Err(ErrorCode::InvalidChoice));
        assert_eq!(gender(json!(true)).map_err(|p| p.code), Err(ErrorCode::WrongType));
    }

    #[test]
    fn every_field_round_trips_its_property_name() {
        for field in Field::all() {
            assert_eq!(Field::from_property(field.property()), Some(field));
        }
    }

    #[test]
    fn absent_null_and_value_are_distinct() {
        let parsed = parse_json(json!({"NickName": null, "Position": "CTO"})).expect("valid");
        assert_eq!(parsed.patch.get(Field::NickName), &Change::Null);
        assert_eq!(parsed.patch.get(Field::Position), &Change::Value(FieldValue::Text("CTO".into())));
        assert_eq!(parsed.patch.get(Field::FullName), &Change::Absent);
    }

    #[test]
    fn empty_string_clears_a_nullable_field_and_is_kept_on_a_plain_one() {
        let parsed = parse_json(json!({"NickName": "  ", "State": ""})).expect("valid");
        assert_eq!(parsed.patch.get(Field::NickName), &Change::Null);
        assert_eq!(parsed.patch.get(Field::State), &Change::Value(FieldValue::Text(String::new())));
    }

    #[test]
    fn collects_every_error() {
        let errors = parse_json(json!({
            "FullName": "", "CountryId": 9999, "BillingEmail": "nope", "Gender": null,
            "ProfileIsPublic": "yes", "Fullname": "x", "IsAdmin": true,
        }))
        .expect_err("invalid");
        let mut found = codes(&errors);
        found.sort();
        assert_eq!(
            found,
            vec![
                ("BillingEmail".to_string(), "invalid_email"),
                ("CountryId".to_string(), "unknown_country"),
                ("FullName".to_string(), "required"),
                ("Fullname".to_string(), "unknown_field"),
                ("Gender".to_string(), "not_nullable"),
                ("IsAdmin".to_string(), "not_writable"),
                ("ProfileIsPublic".to_string(), "wrong_type"),
            ]
        );
    }

    #[test]
    fn suggests_close_property_names() {
        assert_eq!(suggest("Fullname"), Some("FullName"));
        assert_eq!(suggest("BilingEmail"), Some("BillingEmail"));
        assert_eq!(suggest("Zebra"), None);
        assert_eq!(suggest(&"a".repeat(MAX_PROPERTY_CHARS + 1)), None);
    }

    #[test]
    fn a_huge_unknown_name_is_cut_and_secret_like_values_are_not_echoed() {
        let name = format!("Full{}", "x".repeat(60_000));
        let body = json!({ name.clone(): "v", "newPassword": "hunter2", "Password": "hunter3" });
        let errors = parse_json(body).expect_err("unknown");
        let long = errors.iter().find(|e| e.property.starts_with("Full")).expect("the long one");
        assert!(long.property.chars().count() <= MAX_PROPERTY_CHARS + 1 && !long.message.contains("xxxx"));
        for secret in ["newPassword", "Password"] {
            let error = errors.iter().find(|e| e.property == secret).expect(secret);
            assert_eq!(error.attempted, None, "{secret}");
        }
    }

    #[test]
    fn unknown_properties_can_be_ignored_but_staff_only_ones_never() {
        let relaxed = ParseOptions { unknown_fields: UnknownFields::Ignore, ..options() };
        let body = json!({"Whatever": 1, "FullName": "Jane"});
        assert!(parse(body.as_object().expect("object"), relaxed).1.is_empty());
        let body = json!({"Credit": 100});
        assert!(!parse(body.as_object().expect("object"), relaxed).1.is_empty());
    }

    #[test]
    fn gender_accepts_numeric_codes() {
        let parsed = parse_json(json!({"Gender": 3})).expect("valid");
        assert_eq!(parsed.patch.get(Field::Gender), &Change::Value(FieldValue::Text("Female".into())));
    }

    #[test]
    fn password_properties_come_together_and_must_match() {
        let errors = parse_json(json!({"NewPassword": "a long new secret"})).expect_err("incomplete");
        assert_eq!(
            codes(&errors),
            vec![
                ("OldPassword".into(), "password_required"),
                ("RepeatNewPassword".into(), "password_required")
            ]
        );
        let errors =
            parse_json(json!({"CurrentPassword": "old", "NewPassword": "a", "ConfirmPassword": "b"}))
                .expect_err("mismatch");
        assert_eq!(codes(&errors), vec![("RepeatNewPassword".into(), "password_mismatch")]);
        assert!(errors.iter().all(|e| e.attempted.is_none()), "secrets are never echoed");
        let ok = parse_json(json!({"OldPassword": "old", "NewPassword": "n", "RepeatNewPassword": "n"}))
            .expect("ok");
        assert_eq!(ok.password.map(|p| p.new.expose_secret().to_string()), Some("n".to_string()));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    /// Property names as clients send them: every known one and its aliases, near misses,
    /// and anything at all (long, empty, unicode, secret-looking).
    fn property_name() -> impl Strategy<Value = String> {
        let known: Vec<String> = catalogue::writable_or_known_names()
            .chain(Credential::all().flat_map(|c| c.names().iter().copied()))
            .chain(catalogue::STAFF_ONLY.iter().copied())
            .map(String::from)
            .collect();
        prop_oneof![
            4 => proptest::sample::select(known),
            1 => "[A-Za-z]{0,12}",
            1 => ".{0,80}",
            1 => "[a-z]{60,200}",
        ]
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,40}".prop_map(Value::String),
            "[0-9 +()./-]{0,60}".prop_map(Value::String),
            "(19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}(T[0-9:]{8}Z)?".prop_map(Value::String),
            "(https?://)?[a-z]{1,10}\\.[a-z]{2,4}(/[a-z@]{0,10})*".prop_map(Value::String),
            proptest::collection::vec("[\\PC\\n\\t\\u{202e}]{0,20}", 0..40)
                .prop_map(|v| Value::String(v.join(","))),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(".{0,8}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 600, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any object, any keys, any values: the parser never panics, and every problem it
        /// reports names its property (cut to size) and never echoes a secret.
        #[test]
        fn any_body_parses_into_changes_or_named_errors(
            body in proptest::collection::btree_map(property_name(), json_value(), 0..10),
        ) {
            let body: Map<String, Value> = body.into_iter().collect();
            let options = ParseOptions { today: date!(2026 - 11 - 27), unknown_fields: UnknownFields::Reject, editor: Editor::Member };
            let (parsed, errors) = parse(&body, options);
            for error in errors.iter() {
                prop_assert!(error.property.chars().count() <= MAX_PROPERTY_CHARS + 1);
                prop_assert!(!error.message.is_empty());
                if crate::domain::error::is_secret_property(&error.property) {
                    prop_assert!(error.attempted.is_none(), "{} echoed", error.property);
                }
            }
            for (field, _) in parsed.patch.iter() {
                prop_assert!(body.contains_key(field.property()), "only properties sent change");
            }
        }
    }
}
