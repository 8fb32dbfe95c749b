//! The member's profile at one location, and the user-level settings shown with it.

use time::{Date, OffsetDateTime};

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

    /// A name (any case) or one of the Nexudus numeric codes 1–5.
    pub fn parse(text: &str) -> Option<Gender> {
        let text = text.trim();
        if let Ok(code) = text.parse::<i64>() {
            return Gender::from_code(code);
        }
        Gender::ALL.into_iter().find(|g| g.as_str().eq_ignore_ascii_case(text))
    }

    pub fn from_code(code: i64) -> Option<Gender> {
        let index = usize::try_from(code).ok()?.checked_sub(1)?;
        Gender::ALL.get(index).copied()
    }
}

/// The six e-mail notification switches, stored on the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NotificationPreferences {
    pub on_help_desk_msg: bool,
    pub on_new_wall_post: bool,
    pub on_new_blog_comment: bool,
    pub on_new_event_comment: bool,
    pub receive_community_digest: bool,
    pub sign_up_to_newsletter: bool,
}

/// Everything the profile editing page shows: the profile's own fields plus the user's
/// e-mail and notification preferences.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub id: i64,
    pub unique_id: String,
    pub user_id: i64,
    pub location_id: i64,
    pub email: String,
    pub coworker_type: i64,
    pub full_name: String,
    pub nick_name: Option<String>,
    pub gender: Gender,
    pub date_of_birth: Option<Date>,
    pub mobile_phone: Option<String>,
    pub land_line: Option<String>,
    pub address: String,
    pub post_code: String,
    pub city_name: String,
    pub state: String,
    pub country_id: i64,
    pub billing_name: String,
    pub billing_email: String,
    pub billing_address: Option<String>,
    pub billing_post_code: Option<String>,
    pub billing_city_name: Option<String>,
    pub billing_state: Option<String>,
    pub billing_country_id: i64,
    pub tax_id_number: String,
    pub position: Option<String>,
    pub company_name: String,
    pub business_area: Option<String>,
    pub profile_summary: Option<String>,
    pub profile_website: Option<String>,
    pub profile_is_public: bool,
    pub profile_tags: Option<String>,
    pub twitter: Option<String>,
    pub linkedin: Option<String>,
    pub github: Option<String>,
    pub instagram: Option<String>,
    pub facebook: Option<String>,
    pub skype: Option<String>,
    pub telegram: Option<String>,
    pub notifications: NotificationPreferences,
    pub created_on: OffsetDateTime,
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

impl Version {
    /// The HTTP entity tag of the editing representation.
    pub fn etag(self, profile_id: i64) -> String {
        format!("\"{profile_id}-{}-{}\"", self.profile, self.user)
    }
}

impl Profile {
    /// A filled-in profile, for tests and fuzzing.
    pub fn example() -> Profile {
        let at = time::macros::datetime!(2026-11-27 09:00 UTC);
        Profile {
            id: 1,
            unique_id: "0b5f2f0e-8f7c-4c7e-9a57-2f4f1c2d3e4a".into(),
            user_id: 1,
            location_id: 1,
            email: "jane@example.com".into(),
            coworker_type: 1,
            full_name: "Jane Doe".into(),
            nick_name: Some("JD".into()),
            gender: Gender::NotSet,
            date_of_birth: Some(time::macros::date!(1990 - 06 - 15)),
            mobile_phone: Some("+44 20 7946 0000".into()),
            land_line: None,
            address: "1 Canal Street".into(),
            post_code: "M1 3HE".into(),
            city_name: "Manchester".into(),
            state: String::new(),
            country_id: 826,
            billing_name: "Jane Doe".into(),
            billing_email: "jane@example.com".into(),
            billing_address: None,
            billing_post_code: None,
            billing_city_name: None,
            billing_state: None,
            billing_country_id: 826,
            tax_id_number: String::new(),
            position: Some("Designer".into()),
            company_name: "Acme".into(),
            business_area: None,
            profile_summary: Some("Hello".into()),
            profile_website: Some("https://acme.example.com/".into()),
            profile_is_public: true,
            profile_tags: Some("design,ux".into()),
            twitter: None,
            linkedin: None,
            github: Some("https://github.com/jane".into()),
            instagram: None,
            facebook: None,
            skype: None,
            telegram: None,
            notifications: NotificationPreferences::default(),
            created_on: at,
            updated_on: at,
            version: Version { profile: 1, user: 1 },
        }
    }

    pub fn tags_list(&self) -> Vec<&str> {
        self.profile_tags.as_deref().map(split_tags).unwrap_or_default()
    }

    pub fn country_name(&self) -> &'static str {
        country::name_of(self.country_id).unwrap_or("")
    }

    pub fn billing_country_name(&self) -> &'static str {
        country::name_of(self.billing_country_id).unwrap_or("")
    }

    pub fn etag(&self) -> String {
        self.version.etag(self.id)
    }
}

/// The login account behind one or more profiles.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub full_name: String,
    pub active: bool,
    pub notifications: NotificationPreferences,
}

/// A coworking space.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub id: i64,
    pub name: String,
    pub web_address: String,
    pub country_id: i64,
    pub policy: PasswordPolicy,
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
    fn gender_accepts_names_in_any_case_and_numeric_codes() {
        assert_eq!(Gender::parse("female"), Some(Gender::Female));
        assert_eq!(Gender::parse("RATHERNOTSAY"), Some(Gender::RatherNotSay));
        assert_eq!(Gender::parse("1"), Some(Gender::NotSet));
        assert_eq!(Gender::from_code(5), Some(Gender::RatherNotSay));
        assert_eq!(Gender::from_code(0), None);
        assert_eq!(Gender::from_code(6), None);
        assert_eq!(Gender::parse("robot"), None);
    }
}
