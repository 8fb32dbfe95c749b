//! Response shapes shared by several resources. The profile's properties are written from
//! the property catalogue, in its order, so a new property appears without touching a view.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::domain::catalogue::{Field, FieldValue, Owner, ReadOnly, Section, Values};
use crate::domain::custom::CustomField;
use crate::domain::directory;
use crate::domain::photo::{self, PhotoKind};
use crate::domain::profile::{Location, Profile, User};
use crate::service::directory::DirectoryEntry;

/// A JSON response serialised into a buffer sized for a profile, not grown from 128 bytes.
pub fn json<T: Serialize>(value: &T) -> Response {
    let mut body = Vec::with_capacity(2048);
    match serde_json::to_writer(&mut body, value) {
        Ok(()) => {
            ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
        }
        Err(error) => {
            tracing::error!(%error, "could not serialise a response");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub use crate::clock::rfc3339;

/// The editing representation of a profile (docs/API.md, "The editing representation"): the read-only `Id`,
/// `UniqueId`, `Email`, `CoworkerType`, every catalogue property (each derived one right
/// after its source: `CountryName`, `BillingCountryName`, `ProfileTagsList`), the Nexudus
/// record's derived properties ([`ReadOnly::record`]), `CreatedOn` and `UpdatedOn`.
pub struct ProfileView<'a>(pub &'a Profile, pub &'a str);

impl Serialize for ProfileView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let profile = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("Id", &profile.id)?;
        map.serialize_entry("UniqueId", &profile.unique_id)?;
        map.serialize_entry("Email", &profile.email)?;
        map.serialize_entry("CoworkerType", &profile.coworker_type)?;
        for field in Field::all() {
            map.serialize_entry(field.property(), &ValueView(profile.values.get(field)))?;
            match field {
                Field::CountryId => map.serialize_entry("CountryName", profile.country_name())?,
                Field::BillingCountryId => {
                    map.serialize_entry("BillingCountryName", profile.billing_country_name())?
                }
                Field::ProfileTags => map.serialize_entry("ProfileTagsList", &profile.tags_list())?,
                _ => {}
            }
        }
        for record in ReadOnly::record() {
            map.serialize_entry(record.property(), &record.value(profile))?;
        }
        for kind in [PhotoKind::Avatar, PhotoKind::Banner] {
            map.serialize_entry(photo_property(kind), &photo_url(self.1, &profile.unique_id, kind))?;
        }
        map.serialize_entry("CreatedOn", &rfc3339(profile.created_on))?;
        map.serialize_entry("UpdatedOn", &rfc3339(profile.updated_on))?;
        map.end()
    }
}

/// A public profile in the directory (docs/API.md, "Member directory"): `Id`, `UniqueId` and the
/// properties the catalogue marks public, each as the editing representation shows it,
/// except that tags appear only as `ProfileTagsList` and the bio also as sanitised
/// `ProfileSummaryHtml`. The list leaves out the social links; the card has them.
pub struct DirectoryEntryView<'a> {
    pub entry: &'a DirectoryEntry,
    pub with_social_links: bool,
    /// Where absolute addresses start (`AvatarUrl`).
    pub base: &'a str,
}

impl Serialize for DirectoryEntryView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let profile = &self.entry.profile;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("Id", &profile.id)?;
        map.serialize_entry("UniqueId", &profile.unique_id)?;
        for record in DIRECTORY_RECORD {
            map.serialize_entry(record.property(), &record.value(profile))?;
        }
        map.serialize_entry("AvatarUrl", &photo_url(self.base, &profile.unique_id, PhotoKind::Avatar))?;
        if self.with_social_links {
            map.serialize_entry("BannerUrl", &photo_url(self.base, &profile.unique_id, PhotoKind::Banner))?;
        }
        let fields: Vec<Field> = if self.with_social_links {
            directory::card_fields().collect()
        } else {
            directory::list_fields().collect()
        };
        for field in fields {
            match field {
                Field::ProfileTags => map.serialize_entry("ProfileTagsList", &profile.tags_list())?,
                Field::ProfileSummary => {
                    map.serialize_entry(field.property(), &ValueView(profile.values.get(field)))?;
                    map.serialize_entry("ProfileSummaryHtml", &self.entry.summary_html)?;
                }
                _ => map.serialize_entry(field.property(), &ValueView(profile.values.get(field)))?,
            }
        }
        for custom in &self.entry.custom {
            map.serialize_entry(custom.property(), &profile.values.text(custom.field()))?;
        }
        map.end()
    }
}

/// What the Nexudus directory records carry of the derived properties (never the staff-set
/// ones, which are private).
const DIRECTORY_RECORD: [ReadOnly; 3] =
    [ReadOnly::GuessedFirstName, ReadOnly::GuessedLastName, ReadOnly::InvoicingSpaceName];

/// `AvatarUrl` or `BannerUrl`, as Nexudus names them.
fn photo_property(kind: PhotoKind) -> &'static str {
    match kind {
        PhotoKind::Avatar => "AvatarUrl",
        PhotoKind::Banner => "BannerUrl",
    }
}

/// The absolute address of a profile's photo (its initials until it has one).
pub fn photo_url(base: &str, unique_id: &str, kind: PhotoKind) -> String {
    format!("{base}{}", photo::path(unique_id, kind))
}

/// One stored value as JSON: text, number, boolean, `YYYY-MM-DD`, or null.
struct ValueView<'a>(Option<&'a FieldValue>);

impl Serialize for ValueView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            None => serializer.serialize_none(),
            Some(FieldValue::Text(text)) => serializer.serialize_str(text),
            Some(FieldValue::Int(number)) => serializer.serialize_i64(*number),
            Some(FieldValue::Bool(flag)) => serializer.serialize_bool(*flag),
            Some(FieldValue::Date(date)) => serializer.collect_str(date),
        }
    }
}

/// Some of the user's own properties, by their property names: all of them
/// (`?_resource=User`) or one section's (`NotificationPreferences` in `/login/me`).
pub struct UserPropertiesView<'a> {
    values: &'a Values,
    section: Option<Section>,
}

impl<'a> UserPropertiesView<'a> {
    /// The user's notification preferences: the user-owned properties of that section.
    pub fn notifications(values: &'a Values) -> Self {
        UserPropertiesView { values, section: Some(Section::Notifications) }
    }
}

impl Serialize for UserPropertiesView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let shown = Field::all()
            .filter(|f| f.spec().owner == Owner::User)
            .filter(|f| self.section.is_none_or(|section| f.section() == section));
        for field in shown {
            map.serialize_entry(field.property(), &ValueView(self.values.get(field)))?;
        }
        map.end()
    }
}

/// `GET /en/profile?_resource=User`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserView<'a> {
    id: i64,
    email: &'a str,
    full_name: &'a str,
    #[serde(flatten)]
    properties: UserPropertiesView<'a>,
}

impl<'a> From<&'a User> for UserView<'a> {
    fn from(u: &'a User) -> Self {
        UserView {
            id: u.id,
            email: &u.email,
            full_name: &u.full_name,
            properties: UserPropertiesView { values: &u.values, section: None },
        }
    }
}

/// A location as the portal calls it: a business.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LocationView {
    id: i64,
    name: String,
    web_address: String,
    country_id: i64,
}

impl From<&Location> for LocationView {
    fn from(l: &Location) -> Self {
        LocationView {
            id: l.id,
            name: l.name.clone(),
            web_address: l.web_address.clone(),
            country_id: l.country_id,
        }
    }
}

/// One custom field of a location, as `/api/public/configuration` lists it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomFieldView {
    /// `Custom1` … `Custom30`: the property that holds the answer.
    pub property: &'static str,
    pub label: String,
    /// `text`, `long-text`, `number`, `yes-no`, `date` or `choice`.
    pub kind: &'static str,
    pub choices: Vec<String>,
    pub required: bool,
    pub member_editable: bool,
    pub in_directory: bool,
}

impl From<&CustomField> for CustomFieldView {
    fn from(field: &CustomField) -> Self {
        CustomFieldView {
            property: field.property(),
            label: field.label.clone(),
            kind: field.kind.as_str(),
            choices: field.choices.clone(),
            required: field.required,
            member_editable: field.member_editable,
            in_directory: field.in_directory,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_representation_has_every_catalogue_property_in_order() {
        let profile = Profile::example();
        let text =
            serde_json::to_string(&ProfileView(&profile, "https://members.example.com")).expect("json");
        let value: serde_json::Value = serde_json::from_str(&text).expect("parse");
        let keys: Vec<&str> = value.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 4 + Field::COUNT + 3 + ReadOnly::record().count() + 2 + 2);
        let avatar = format!("https://members.example.com/media/coworkers/{}/avatar", profile.unique_id);
        assert_eq!(value["AvatarUrl"], avatar.as_str());
        assert_eq!(value["IsContact"], !value["IsMember"].as_bool().expect("IsMember"));
        assert_eq!(
            (value["GuessedFirstName"].as_str(), value["GuessedLastName"].as_str()),
            (Some("Jane"), Some("Doe"))
        );
        assert_eq!(value["InvoicingSpaceName"], "Canal Street");
        assert_eq!(
            (value["HomeSpaceId"].clone(), value["InvoicingBusinessId"].clone()),
            (1.into(), 1.into())
        );
        let position = |key: &str| text.find(&format!("\"{key}\"")).expect(key);
        assert!(
            position("CountryId") < position("CountryName")
                && position("CountryName") < position("BillingName")
        );
        assert_eq!(value["DateOfBirth"], "1990-06-15");
        assert_eq!(value["ProfileTagsList"], serde_json::json!(["design", "ux"]));
        assert_eq!(value["LandLine"], serde_json::Value::Null);
        assert_eq!(value["SignUpToNewsletter"], false);
        assert_eq!(value["CountryName"], "United Kingdom");
    }
}
