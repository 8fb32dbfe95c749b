//! The member's profile at one location, and the user-level settings shown with it.

use time::OffsetDateTime;

use super::ai::AiSetting;
use super::brand::Accent;
use super::catalogue::{Field, FieldValue, Kind, Values};
use super::country;
use super::fields::split_tags;
use super::password::PasswordPolicy;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    NotSet,
    Male,
    Female,
    Other,
    RatherNotSay,
}

impl Gender {
    pub const ALL: [Gender; 5] =
        [Gender::NotSet, Gender::Male, Gender::Female, Gender::Other, Gender::RatherNotSay];

    pub fn as_str(self) -> &'static str {
        match self {
            Gender::NotSet => "NotSet",
            Gender::Male => "Male",
            Gender::Female => "Female",
            Gender::Other => "Other",
            Gender::RatherNotSay => "RatherNotSay",
        }
    }

    /// A name, in any case.
    pub fn from_name(text: &str) -> Option<Gender> {
        let text = text.trim();
        Gender::ALL.into_iter().find(|g| g.as_str().eq_ignore_ascii_case(text))
    }

    pub fn from_code(code: i64) -> Option<Gender> {
        let index = usize::try_from(code).ok()?.checked_sub(1)?;
        Gender::ALL.get(index).copied()
    }
}

/// Everything the profile editing page shows: the profile's own fields, the user's e-mail
/// and the user's properties (`values` holds every [`Field`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub id: i64,
    pub unique_id: String,
    pub user_id: i64,
    pub location_id: i64,
    /// The name of the location (Nexudus: `InvoicingSpaceName`).
    pub location_name: String,
    pub email: String,
    pub coworker_type: i64,
    /// Whether both the profile and its user are active (not suspended).
    pub active: bool,
    pub values: Values,
    pub created_on: OffsetDateTime,
    /// The later of the profile's and the user's last change: the representation shows both.
    pub updated_on: OffsetDateTime,
    pub version: Version,
}

/// Optimistic-concurrency state of what a profile page shows: the profile row and the
/// user row each count their changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub profile: i64,
    pub user: i64,
}

impl Profile {
    /// A filled-in profile, for tests and fuzzing.
    pub fn example() -> Profile {
        let at = time::macros::datetime!(2026-11-27 09:00 UTC);
        let mut values = Values::empty();
        let texts = [
            (Field::FullName, "Jane Doe"),
            (Field::NickName, "JD"),
            (Field::Gender, "NotSet"),
            (Field::MobilePhone, "+44 20 7946 0000"),
            (Field::Address, "1 Canal Street"),
            (Field::PostCode, "M1 3HE"),
            (Field::CityName, "Manchester"),
            (Field::State, ""),
            (Field::BillingName, "Jane Doe"),
            (Field::BillingEmail, "jane@example.com"),
            (Field::TaxIdNumber, ""),
            (Field::Position, "Designer"),
            (Field::CompanyName, "Acme"),
            (Field::ProfileSummary, "Hello"),
            (Field::ProfileWebsite, "https://acme.example.com/"),
            (Field::ProfileTags, "design, ux"),
            (Field::Github, "https://github.com/jane"),
        ];
        for (field, text) in texts {
            values.set(field, Some(FieldValue::Text(text.into())));
        }
        values.set(Field::DateOfBirth, Some(FieldValue::Date(time::macros::date!(1990 - 06 - 15))));
        values.set(Field::CountryId, Some(FieldValue::Int(826)));
        values.set(Field::BillingCountryId, Some(FieldValue::Int(826)));
        for flag in Field::all().filter(|f| f.kind() == Kind::Bool) {
            values.set(flag, Some(FieldValue::Bool(flag != Field::SignUpToNewsletter)));
        }
        Profile {
            id: 1,
            unique_id: "0b5f2f0e-8f7c-4c7e-9a57-2f4f1c2d3e4a".into(),
            user_id: 1,
            location_id: 1,
            location_name: "Canal Street".into(),
            email: "jane@example.com".into(),
            coworker_type: 1,
            active: true,
            values,
            created_on: at,
            updated_on: at,
            version: Version { profile: 1, user: 1 },
        }
    }

    pub fn full_name(&self) -> &str {
        self.values.text(Field::FullName).unwrap_or_default()
    }

    /// The first word of the full name and the rest, as Nexudus guesses a first and a last
    /// name for its `GuessedFirstName` and `GuessedLastName`.
    pub fn guessed_names(&self) -> (&str, &str) {
        let name = self.full_name().trim();
        match name.split_once(char::is_whitespace) {
            Some((first, rest)) => (first, rest.trim_start()),
            None => (name, ""),
        }
    }

    pub fn tags_list(&self) -> Vec<&str> {
        self.values.text(Field::ProfileTags).map(split_tags).unwrap_or_default()
    }

    pub fn country_name(&self) -> &'static str {
        self.values.int(Field::CountryId).and_then(country::name_of).unwrap_or("")
    }

    pub fn billing_country_name(&self) -> &'static str {
        self.values.int(Field::BillingCountryId).and_then(country::name_of).unwrap_or("")
    }
}

/// The login account behind one or more profiles. `values` holds its own properties (the
/// notification preferences); the others are empty.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: i64,
    pub unique_id: String,
    pub email: String,
    pub full_name: String,
    pub active: bool,
    pub must_reset_password: bool,
    pub default_profile_id: Option<i64>,
    pub created_on: OffsetDateTime,
    pub updated_on: OffsetDateTime,
    pub values: Values,
    /// The language the member chose for their pages and mail; none: their browser's.
    pub language: Option<crate::domain::language::Language>,
}

/// A coworking space.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub id: i64,
    pub name: String,
    pub web_address: String,
    pub country_id: i64,
    pub policy: PasswordPolicy,
    /// The location's own AI setting (docs/API.md, "AI profile summary").
    pub ai: AiSetting,
    /// The name its pages and mail show instead of `name` (docs/PORTAL.md, "The space's brand").
    pub display_name: Option<String>,
    pub accent: Option<Accent>,
    /// The entity tag of its logo, when it has one (the logo itself is read only to serve it).
    pub logo_tag: Option<String>,
    /// Members may write to each other through the directory's contact action.
    pub contact_relay: bool,
    /// What its pages and mail speak to someone who chose no language and whose browser
    /// names none Portico has.
    pub language: crate::domain::language::Language,
}

/// One line of the profile switcher.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileSummary {
    pub id: i64,
    pub full_name: String,
    pub company_name: String,
    pub active: bool,
    pub coworker_type: i64,
    pub location_id: i64,
    pub location_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guessed_names_split_at_the_first_space() {
        let mut profile = Profile::example();
        let named = |profile: &mut Profile, name: &str| {
            profile.values.set(Field::FullName, Some(FieldValue::Text(name.into())));
            let (first, last) = profile.guessed_names();
            (first.to_string(), last.to_string())
        };
        assert_eq!(named(&mut profile, "Jane Doe"), ("Jane".into(), "Doe".into()));
        assert_eq!(named(&mut profile, "Mary Ann van  Dyke"), ("Mary".into(), "Ann van  Dyke".into()));
        assert_eq!(named(&mut profile, "Prince"), ("Prince".into(), String::new()));
        assert_eq!(named(&mut profile, " Jo\tMarch "), ("Jo".into(), "March".into()));
    }

    #[test]
    fn gender_accepts_names_in_any_case_and_numeric_codes() {
        assert_eq!(Gender::from_name("female"), Some(Gender::Female));
        assert_eq!(Gender::from_name("RATHERNOTSAY"), Some(Gender::RatherNotSay));
        assert_eq!(Gender::from_name("1"), None, "a code is a number, not text");
        assert_eq!(Gender::from_code(5), Some(Gender::RatherNotSay));
        assert_eq!(Gender::from_code(0), None);
        assert_eq!(Gender::from_code(6), None);
        assert_eq!(Gender::from_name("robot"), None);
    }
}
