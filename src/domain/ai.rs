//! The AI profile summary's rules (docs/API.md, "AI profile summary"): which writer a location uses, what a
//! draft may be written from, and when a profile has too little to write from.

use std::fmt;

use time::{Duration, OffsetDateTime};

use super::catalogue::Field;
use super::profile::Profile;

/// Who writes a location's drafts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// No drafts: the portal hides the button and the API answers 400.
    Off,
    /// The template writer inside Portico (`ai::builtin`): no network, no third party.
    Builtin,
    /// Any OpenAI-compatible chat-completions endpoint.
    OpenAi,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Off, Provider::Builtin, Provider::OpenAi];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Off => "off",
            Provider::Builtin => "builtin",
            Provider::OpenAi => "openai",
        }
    }

    pub fn from_name(name: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A location's own AI setting. Each part left `None` falls back to the operator's default
/// (`PORTICO_AI_*`), so one key and endpoint can serve every location.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AiSetting {
    pub provider: Option<Provider>,
    pub base_url: Option<String>,
    pub model: Option<String>,
    /// The name of the environment variable holding the key; the key itself is never stored.
    pub api_key_env: Option<String>,
    /// Drafts the whole location may make in 24 hours.
    pub daily_cap: Option<u32>,
}

impl AiSetting {
    /// Checks what an operator asked for, before it is stored; the message says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        if let Some(base_url) = &self.base_url {
            check_base_url(base_url)?;
        }
        if let Some(name) = &self.api_key_env
            && !is_variable_name(name)
        {
            return Err(format!(
                "--api-key-env takes the name of an environment variable (like OPENAI_API_KEY), not the key: {:?} is not one",
                shorten(name)
            ));
        }
        if self.daily_cap == Some(0) {
            return Err("--daily-cap must be at least 1 (to stop drafts, use --provider off)".into());
        }
        if self.model.as_deref().is_some_and(|m| m.trim().is_empty() || m.chars().count() > 200) {
            return Err("--model must be 1 to 200 characters".into());
        }
        Ok(())
    }
}

fn check_base_url(text: &str) -> Result<(), String> {
    let url = url::Url::parse(text).map_err(|e| format!("--base-url is not a URL ({e})"))?;
    match url.scheme() {
        "https" => {}
        "http" if is_near(&url) => {}
        "http" => {
            return Err(
                "--base-url must be https (the key and members' profiles would cross the network in \
                        clear); http is allowed only for localhost and private addresses"
                    .into(),
            );
        }
        _ => return Err("--base-url must be an http or https URL".into()),
    }
    // A key in the URL would end up stored in the database and printed by the CLI.
    if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
        return Err(
            "--base-url may not carry a user, password or query: pass the key with --api-key-env".into()
        );
    }
    Ok(())
}

/// A writer on this machine or the local network (an Ollama next to Portico).
fn is_near(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_private() || ip.is_link_local(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.is_unique_local(),
        None => false,
    }
}

/// `OPENAI_API_KEY`, `ollama_key`: letters, digits and `_`, not starting with a digit. An
/// actual key (`sk-…`) has a `-` and is refused, so it cannot be stored by mistake.
fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 100
}

/// Enough of a refused value to recognise it, never all of it (it may be a key).
fn shorten(text: &str) -> String {
    let shown: String = text.chars().take(4).collect();
    format!("{shown}…")
}

/// The properties a draft may be written from: the professional profile and the social
/// links, never a private property (phones, address, billing, date of birth, email).
pub fn draftable_fields() -> impl Iterator<Item = Field> {
    Field::all().filter(|f| f.spec().ai_source)
}

/// What the member does: a draft needs at least one of these.
const WHAT_THEY_DO: [Field; 3] = [Field::Position, Field::BusinessArea, Field::ProfileTags];

/// The facts a summary can be built on.
const CORE_FACTS: [Field; 5] =
    [Field::Position, Field::CompanyName, Field::BusinessArea, Field::ProfileTags, Field::ProfileWebsite];

/// The member's own words for the draftable properties that are filled in, in catalogue
/// order. They are data: a writer quotes them, never follows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    entries: Vec<(Field, String)>,
}

impl Facts {
    pub fn of(profile: &Profile) -> Facts {
        let entries = draftable_fields()
            .filter_map(|field| {
                let text = profile.values.text(field)?.trim();
                (!text.is_empty()).then(|| (field, text.to_string()))
            })
            .collect();
        Facts { entries }
    }

    pub fn get(&self, field: Field) -> Option<&str> {
        self.entries.iter().find(|(f, _)| *f == field).map(|(_, text)| text.as_str())
    }

    pub fn entries(&self) -> &[(Field, String)] {
        &self.entries
    }

    /// Enough to write two honest sentences: what the member does (a position, a business
    /// area or tags) and one more fact of the five a summary is built on.
    pub fn is_enough(&self) -> bool {
        let known = |fields: &[Field]| fields.iter().filter(|f| self.get(**f).is_some()).count();
        known(&WHAT_THEY_DO) >= 1 && known(&CORE_FACTS) >= 2
    }

    /// The tags, as the member listed them.
    pub fn tags(&self) -> Vec<&str> {
        self.get(Field::ProfileTags)
            .map(|tags| tags.split(',').map(str::trim).filter(|t| !t.is_empty()).collect())
            .unwrap_or_default()
    }
}

/// The member's limit counts the drafts of the last hour; the location's cap those of the
/// last day.
pub const MEMBER_WINDOW: Duration = Duration::hours(1);
pub const LOCATION_WINDOW: Duration = Duration::days(1);

/// Whether a draft may be made now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftAdmission {
    Granted,
    /// The member made their hourly number of drafts; the next one is possible at `until`.
    MemberLimit {
        until: OffsetDateTime,
    },
    /// The location used its daily cap; the next draft is possible at `until`.
    LocationCap {
        until: OffsetDateTime,
    },
}

/// A drafted summary and the properties it was written from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub text: String,
    pub fields_used: Vec<Field>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalogue::{FieldValue, Kind, Section};

    fn profile_with(texts: &[(Field, &str)]) -> Profile {
        let mut profile = Profile::example();
        for field in draftable_fields() {
            profile.values.set(field, None);
        }
        for (field, text) in texts {
            profile.values.set(*field, Some(FieldValue::Text((*text).into())));
        }
        profile
    }

    #[test]
    fn facts_hold_only_filled_professional_and_social_properties() {
        let facts = Facts::of(&Profile::example());
        let fields: Vec<Field> = facts.entries().iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                Field::Position,
                Field::CompanyName,
                Field::ProfileSummary,
                Field::ProfileWebsite,
                Field::ProfileTags,
                Field::Github
            ]
        );
        assert!(draftable_fields().all(|f| f.section() == Section::Professional && f.kind() != Kind::Bool));
        for private in [Field::MobilePhone, Field::Address, Field::BillingEmail, Field::DateOfBirth] {
            assert!(!draftable_fields().any(|f| f == private), "{private:?}");
        }
        assert!(!draftable_fields().any(|f| f == Field::ProfileIsPublic));
        assert_eq!(facts.tags(), ["design", "ux"]);
    }

    #[test]
    fn blank_values_are_not_facts() {
        let facts = Facts::of(&profile_with(&[(Field::Position, "  "), (Field::CompanyName, "Acme")]));
        assert_eq!(facts.get(Field::Position), None);
        assert_eq!(facts.get(Field::CompanyName), Some("Acme"));
    }

    #[test]
    fn a_draft_needs_what_the_member_does_and_one_more_fact() {
        let enough = |texts: &[(Field, &str)]| Facts::of(&profile_with(texts)).is_enough();
        assert!(!enough(&[]));
        assert!(!enough(&[(Field::Position, "Designer")]), "one fact");
        assert!(!enough(&[(Field::CompanyName, "Acme"), (Field::ProfileWebsite, "https://a.example")]));
        assert!(!enough(&[(Field::Position, "Designer"), (Field::Github, "https://github.com/a")]));
        assert!(enough(&[(Field::Position, "Designer"), (Field::CompanyName, "Acme")]));
        assert!(enough(&[(Field::BusinessArea, "Law"), (Field::ProfileWebsite, "https://a.example")]));
        assert!(enough(&[(Field::ProfileTags, "ux"), (Field::CompanyName, "Acme")]));
        assert!(enough(&[(Field::Position, "Designer"), (Field::BusinessArea, "Design")]));
    }

    #[test]
    fn providers_have_one_name_each() {
        for provider in Provider::ALL {
            assert_eq!(Provider::from_name(provider.as_str()), Some(provider));
            assert_eq!(Provider::from_name(&provider.as_str().to_uppercase()), Some(provider));
        }
        assert_eq!(Provider::from_name("gpt"), None);
        assert_eq!(Provider::OpenAi.to_string(), "openai");
    }

    #[test]
    fn a_setting_that_would_store_a_secret_is_refused() {
        let with = |setting: AiSetting| setting.check();
        assert!(with(AiSetting::default()).is_ok());
        let key =
            with(AiSetting { api_key_env: Some("sk-proj-abcdef123456".into()), ..AiSetting::default() })
                .expect_err("a key is not a variable name");
        assert!(!key.contains("abcdef123456"), "the key is not echoed: {key}");
        assert!(key.contains("\"sk-p…\""), "only enough to recognise it: {key}");
        assert!(
            with(AiSetting { api_key_env: Some("OPENAI_API_KEY".into()), ..AiSetting::default() }).is_ok()
        );
        assert!(with(AiSetting { api_key_env: Some("1KEY".into()), ..AiSetting::default() }).is_err());
        assert!(with(AiSetting { api_key_env: Some(String::new()), ..AiSetting::default() }).is_err());
        for bad in
            ["ftp://a.example/v1", "not a url", "https://user:pw@a.example/v1", "https://a.example/v1?key=1"]
        {
            assert!(with(AiSetting { base_url: Some(bad.into()), ..AiSetting::default() }).is_err(), "{bad}");
        }
        for near in [
            "http://127.0.0.1:11434/v1",
            "http://localhost:8000/v1",
            "http://10.0.0.5:11434/v1",
            "http://[::1]:8000/v1",
        ] {
            assert!(
                with(AiSetting { base_url: Some(near.into()), ..AiSetting::default() }).is_ok(),
                "{near}"
            );
        }
        for far in ["http://ai.example/v1", "http://203.0.113.9/v1"] {
            let refused = with(AiSetting { base_url: Some(far.into()), ..AiSetting::default() });
            assert!(refused.expect_err(far).contains("in clear"), "{far}: the reason is the plain http");
        }
        assert!(
            with(AiSetting { base_url: Some("https://ai.example/v1".into()), ..AiSetting::default() })
                .is_ok()
        );
        assert!(with(AiSetting { model: Some(" ".into()), ..AiSetting::default() }).is_err());
        assert!(with(AiSetting { model: Some("llama3.1:8b".into()), ..AiSetting::default() }).is_ok());
        assert!(with(AiSetting { model: Some("m".repeat(200)), ..AiSetting::default() }).is_ok());
        assert!(with(AiSetting { model: Some("m".repeat(201)), ..AiSetting::default() }).is_err());
        for secret_bearing in
            ["https://user@ai.example/v1", "https://:pw@ai.example/v1", "https://ai.example/v1?k=1"]
        {
            let refused = with(AiSetting { base_url: Some(secret_bearing.into()), ..AiSetting::default() });
            assert!(refused.is_err(), "{secret_bearing}");
        }
    }
}
