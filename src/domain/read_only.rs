//! Read-only properties of the editing representation. A portal may send them back with
//! a PATCH (GET → edit → PATCH); they are accepted when unchanged and refused otherwise.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::country;
use super::error::{ErrorCode, FieldError, FieldErrors};
use super::fields::split_tags;
use super::patch::{Change, Field, FieldValue, ParsedPatch, ProfilePatch};
use super::profile::Profile;

pub use super::catalogue::ReadOnly;

/// How each read-only property is checked.
trait Accepts {
    fn accepts(self, sent: &Value, profile: &Profile, patch: &ProfilePatch) -> bool;
    fn refusal(self) -> &'static str;
}

impl Accepts for ReadOnly {
    /// Whether `sent` matches the stored profile, or, for values derived from another
    /// property, what that property becomes with this patch.
    fn accepts(self, sent: &Value, profile: &Profile, patch: &ProfilePatch) -> bool {
        let stored_country = |field| profile.values.int(field).unwrap_or_default();
        match self {
            ReadOnly::Id => sent.as_i64() == Some(profile.id),
            ReadOnly::UniqueId => sent.as_str() == Some(profile.unique_id.as_str()),
            ReadOnly::Email => sent.as_str().is_some_and(|s| s.trim().eq_ignore_ascii_case(&profile.email)),
            ReadOnly::CoworkerType => sent.as_i64() == Some(profile.coworker_type),
            ReadOnly::CreatedOn => same_instant(sent, profile.created_on),
            ReadOnly::UpdatedOn => same_instant(sent, profile.updated_on),
            ReadOnly::CountryName => {
                country_name_matches(sent, stored_country(Field::CountryId), patch.get(Field::CountryId))
            }
            ReadOnly::BillingCountryName => country_name_matches(
                sent,
                stored_country(Field::BillingCountryId),
                patch.get(Field::BillingCountryId),
            ),
            ReadOnly::ProfileTagsList => tags_match(sent, profile, patch.get(Field::ProfileTags)),
            // Derived from the stored profile only: sent back, they must be what was read.
            record => record.value(profile).is_some_and(|value| &value == sent),
        }
    }

    fn refusal(self) -> &'static str {
        match self {
            ReadOnly::UpdatedOn => {
                "is set by the server and no longer matches: the profile changed since you read it; reload it"
            }
            ReadOnly::CountryName | ReadOnly::BillingCountryName => {
                "is read-only: change the country with its Id property"
            }
            ReadOnly::ProfileTagsList => "is read-only: change the tags with ProfileTags",
            _ => "is read-only and cannot be changed",
        }
    }
}

impl ReadOnly {
    /// The value of a property of [`ReadOnly::record`]; `None` for the others, which the
    /// representation writes beside their sources.
    pub fn value(self, profile: &Profile) -> Option<Value> {
        let value = match self {
            ReadOnly::IsContact => Value::Bool(!profile.values.flag(Field::IsMember)),
            ReadOnly::Active => Value::Bool(profile.active),
            ReadOnly::HomeSpaceId | ReadOnly::InvoicingBusinessId => Value::from(profile.location_id),
            ReadOnly::InvoicingSpaceName => Value::from(profile.location_name.as_str()),
            ReadOnly::GuessedFirstName => Value::from(profile.guessed_names().0),
            ReadOnly::GuessedLastName => Value::from(profile.guessed_names().1),
            _ => return None,
        };
        Some(value)
    }
}

/// Checks every read-only property sent back, and every staff-set one a member sent,
/// against the stored profile.
pub fn check(parsed: &ParsedPatch, profile: &Profile) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for (property, sent) in &parsed.echoes {
        if !property.accepts(sent, profile, &parsed.patch) {
            errors.push(
                FieldError::new(property.property(), ErrorCode::ReadOnly, property.refusal())
                    .with_attempted(sent),
            );
        }
    }
    for (field, change, sent) in &parsed.staff_set {
        let unchanged = match change {
            Change::Value(value) => profile.values.get(*field) == Some(value),
            Change::Null => profile.values.get(*field).is_none(),
            Change::Absent => true,
        };
        if !unchanged {
            let message = "can only be changed by the space's staff";
            errors.push(
                FieldError::new(field.property(), ErrorCode::NotWritable, message).with_attempted(sent),
            );
        }
    }
    errors
}

fn same_instant(sent: &Value, stored: OffsetDateTime) -> bool {
    sent.as_str().and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok()).is_some_and(|t| t == stored)
}

fn country_name_matches(sent: &Value, stored_id: i64, change: &Change<FieldValue>) -> bool {
    let Some(name) = sent.as_str() else { return false };
    let new_id = match change {
        Change::Value(FieldValue::Int(id)) => Some(*id),
        _ => None,
    };
    [Some(stored_id), new_id].into_iter().flatten().any(|id| country::name_of(id) == Some(name))
}

fn tags_match(sent: &Value, profile: &Profile, change: &Change<FieldValue>) -> bool {
    let Some(items) = sent.as_array() else { return false };
    let sent: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
    let Some(sent) = sent else { return false };
    let after_patch = match change {
        Change::Absent => None,
        Change::Null => Some(Vec::new()),
        Change::Value(FieldValue::Text(t)) => Some(split_tags(t)),
        Change::Value(_) => None,
    };
    [Some(profile.tags_list()), after_patch].into_iter().flatten().any(|tags| tags == sent)
}
