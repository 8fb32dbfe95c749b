//! The change history: what each applied PATCH changed, property by property.
//!
//! An entry's changes are stored as one JSON object, the same in both stores:
//! `{"FullName": ["old", "new"], "Password": "changed"}`. A property's pair holds its values
//! as the representation shows them; a secret is only ever `"changed"`.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::catalogue::{Field, FieldValue, Values};
use super::patch::ProfilePatch;

/// How a secret's change is recorded: that it happened, never the value.
pub const SECRET_CHANGED: &str = "changed";

/// The property a password change is recorded under.
pub const PASSWORD: &str = "Password";

/// One field the patch gives a value different from the stored one.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: Field,
    pub old: Option<FieldValue>,
    pub new: Option<FieldValue>,
}

/// The fields of `patch` whose value differs from `stored`, in catalogue order.
pub fn diff(stored: &Values, patch: &ProfilePatch) -> Vec<FieldChange> {
    patch
        .iter()
        .filter(|(field, new)| stored.get(*field) != *new)
        .map(|(field, new)| FieldChange { field, old: stored.get(field).cloned(), new: new.cloned() })
        .collect()
}

/// `stored` with the patch applied.
pub fn apply(stored: &Values, patch: &ProfilePatch) -> Values {
    let mut values = stored.clone();
    for (field, new) in patch.iter() {
        values.set(field, new.cloned());
    }
    values
}

/// The stored JSON form of one entry's changes; `None` when nothing changed.
pub fn encode(changes: &[FieldChange], password_changed: bool) -> Option<String> {
    let mut object = Map::new();
    for change in changes {
        let pair = json!([json_value(change.old.as_ref()), json_value(change.new.as_ref())]);
        object.insert(change.field.property().to_string(), pair);
    }
    if password_changed {
        object.insert(PASSWORD.to_string(), Value::from(SECRET_CHANGED));
    }
    (!object.is_empty()).then(|| Value::Object(object).to_string())
}

/// A value as the representation shows it: text, number, boolean, `YYYY-MM-DD` or null.
pub fn json_value(value: Option<&FieldValue>) -> Value {
    match value {
        None => Value::Null,
        Some(FieldValue::Text(text)) => Value::from(text.as_str()),
        Some(FieldValue::Int(number)) => Value::from(*number),
        Some(FieldValue::Bool(flag)) => Value::from(*flag),
        Some(FieldValue::Date(date)) => Value::from(date.to_string()),
    }
}

/// One property of an entry, as read back.
#[derive(Debug, Clone, PartialEq)]
pub enum PropertyChange {
    Value {
        property: String,
        old: Value,
        new: Value,
    },
    /// A secret: only that it changed.
    Secret {
        property: String,
    },
}

impl PropertyChange {
    pub fn property(&self) -> &str {
        match self {
            PropertyChange::Value { property, .. } | PropertyChange::Secret { property } => property,
        }
    }
}

/// The stored changes of an entry, in catalogue order, secrets last. Anything that is not
/// a pair is treated as a secret: a malformed entry never shows a value it should not.
pub fn decode(stored: &str) -> Vec<PropertyChange> {
    let Ok(Value::Object(object)) = serde_json::from_str::<Value>(stored) else {
        return Vec::new();
    };
    let mut changes: Vec<PropertyChange> = object
        .into_iter()
        .map(|(property, value)| match value {
            Value::Array(mut pair) if pair.len() == 2 => {
                let new = pair.pop().unwrap_or_default();
                let old = pair.pop().unwrap_or_default();
                PropertyChange::Value { property, old, new }
            }
            _ => PropertyChange::Secret { property },
        })
        .collect();
    changes.sort_by_key(|change| Field::from_property(change.property()).map_or(usize::MAX, Field::index));
    changes
}

/// One applied PATCH.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub id: i64,
    pub at: OffsetDateTime,
    pub profile_id: i64,
    pub session_id: Option<i64>,
    pub address: Option<String>,
    pub request_id: Option<String>,
    pub changes: Vec<PropertyChange>,
}

/// Where a change came from, recorded with it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Origin {
    pub address: Option<String>,
    pub request_id: Option<String>,
}

/// Which part of a list to read: `limit` entries after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub offset: u64,
    pub limit: u64,
}

/// One page of a member's history, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::patch::Change;
    use crate::domain::profile::Profile;

    fn patch(changes: &[(Field, Change<FieldValue>)]) -> ProfilePatch {
        let mut patch = ProfilePatch::default();
        for (field, change) in changes {
            patch.set(*field, change.clone());
        }
        patch
    }

    #[test]
    fn only_values_that_differ_are_changes() {
        let stored = Profile::example().values;
        let text = |s: &str| Change::Value(FieldValue::Text(s.into()));
        let sent = patch(&[
            (Field::FullName, text("Jane Doe")),
            (Field::NickName, text("Dee")),
            (Field::LandLine, Change::Null),
            (Field::Address, Change::Null),
        ]);
        let changes = diff(&stored, &sent);
        let fields: Vec<Field> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, [Field::NickName, Field::Address], "FullName and LandLine are as stored");
        assert_eq!(changes[0].old, Some(FieldValue::Text("JD".into())));
        assert_eq!(changes[1].new, None);
        let applied = apply(&stored, &sent);
        assert_eq!(applied.text(Field::NickName), Some("Dee"));
        assert_eq!(applied.get(Field::Address), None);
        assert_eq!(applied.text(Field::CityName), stored.text(Field::CityName));
    }

    #[test]
    fn entries_round_trip_and_secrets_stay_secret() {
        let changes = [
            FieldChange {
                field: Field::DateOfBirth,
                old: None,
                new: Some(FieldValue::Date(time::macros::date!(1990 - 05 - 04))),
            },
            FieldChange { field: Field::FullName, old: Some(FieldValue::Text("A".into())), new: None },
            FieldChange { field: Field::CountryId, old: Some(FieldValue::Int(826)), new: None },
            FieldChange { field: Field::SignUpToNewsletter, old: None, new: Some(FieldValue::Bool(true)) },
        ];
        let stored = encode(&changes, true).expect("something changed");
        let decoded = decode(&stored);
        let names: Vec<&str> = decoded.iter().map(PropertyChange::property).collect();
        assert_eq!(names, ["FullName", "DateOfBirth", "CountryId", "SignUpToNewsletter", "Password"]);
        assert_eq!(
            decoded[1],
            PropertyChange::Value {
                property: "DateOfBirth".into(),
                old: Value::Null,
                new: json!("1990-05-04")
            }
        );
        assert_eq!(
            decoded[2],
            PropertyChange::Value { property: "CountryId".into(), old: json!(826), new: Value::Null }
        );
        assert_eq!(decoded[4], PropertyChange::Secret { property: "Password".into() });
        assert_eq!(encode(&[], false), None);
        assert_eq!(decode("not json"), []);
        assert_eq!(
            decode(r#"{"Password": ["a", "b", "c"]}"#),
            [PropertyChange::Secret { property: "Password".into() }]
        );
    }
}
