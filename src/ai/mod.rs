//! The writers of AI profile summaries (docs/API.md, "AI profile summary"): `builtin`, a template writer
//! inside Portico, and `openai`, a client for OpenAI-compatible endpoints. `Drafter` picks
//! a location's writer from its setting and the operator's defaults, and bounds the time.

pub mod answer;
pub mod builtin;
pub mod openai;

use std::time::Duration;

use secrecy::SecretString;

use crate::domain::ai::{AiSetting, Draft, Facts, Provider};

/// The operator's defaults (`PORTICO_AI_*`), for every part a location does not set.
#[derive(Debug, Clone)]
pub struct AiDefaults {
    pub provider: Provider,
    pub base_url: String,
    pub model: String,
    pub api_key: Option<SecretString>,
    /// How long a draft may take, both attempts included.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Drafts one member may make in an hour.
    pub drafts_per_member_hour: u32,
    /// Drafts one location may make in a day, unless it sets its own cap.
    pub drafts_per_location_day: u32,
}

impl Default for AiDefaults {
    fn default() -> Self {
        AiDefaults {
            provider: Provider::Builtin,
            base_url: "https://api.openai.com/v1".into(),
            model: "gpt-4o-mini".into(),
            api_key: None,
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(5),
            drafts_per_member_hour: 10,
            drafts_per_location_day: 500,
        }
    }
}

/// Why no draft came back.
#[derive(Debug, thiserror::Error)]
pub enum AiError {
    /// The provider failed or answered something unusable (the reason is for the log).
    #[error("AI provider error: {0}")]
    Provider(String),
    #[error("the AI provider did not answer in time")]
    Timeout,
}

impl AiError {
    fn from_transport(error: reqwest::Error) -> AiError {
        if error.is_timeout() {
            AiError::Timeout
        } else {
            // Without the URL's path or the request: only what kind of failure it was.
            let kind = if error.is_connect() { "could not connect" } else { "the connection failed" };
            AiError::Provider(format!("{kind}: {}", error.without_url()))
        }
    }
}

/// Who writes a location's drafts.
#[derive(Debug, Clone)]
pub enum Writer {
    Builtin,
    OpenAi(openai::Endpoint),
}

pub struct Drafter {
    defaults: AiDefaults,
    http: reqwest::Client,
}

impl Drafter {
    /// Fails only when no HTTP client can be built (no TLS backend).
    pub fn new(defaults: AiDefaults) -> Result<Drafter, AiError> {
        // No redirects: a provider (or whoever answers for it) cannot send the member's
        // profile and the key on to another address.
        let http = reqwest::Client::builder()
            .connect_timeout(defaults.connect_timeout)
            .timeout(defaults.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("portico/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AiError::Provider(format!("no HTTP client: {e}")))?;
        Ok(Drafter { defaults, http })
    }

    /// Whether the location drafts at all.
    pub fn is_on(&self, setting: &AiSetting) -> bool {
        setting.provider.unwrap_or(self.defaults.provider) != Provider::Off
    }

    /// The location's writer, or `None` when drafts are off there. An OpenAI writer whose
    /// key variable is named but not set is an error: the operator meant to give a key.
    pub fn writer_for(&self, setting: &AiSetting) -> Result<Option<Writer>, AiError> {
        let provider = setting.provider.unwrap_or(self.defaults.provider);
        Ok(match provider {
            Provider::Off => None,
            Provider::Builtin => Some(Writer::Builtin),
            Provider::OpenAi => Some(Writer::OpenAi(self.endpoint(setting)?)),
        })
    }

    fn endpoint(&self, setting: &AiSetting) -> Result<openai::Endpoint, AiError> {
        let base_url = setting.base_url.as_deref().unwrap_or(&self.defaults.base_url);
        let key = match &setting.api_key_env {
            Some(variable) => Some(std::env::var(variable).map(SecretString::from).map_err(|_| {
                AiError::Provider(format!("the key variable {variable} is not set in Portico's environment"))
            })?),
            None => self.defaults.api_key.clone(),
        };
        Ok(openai::Endpoint {
            url: format!("{}/chat/completions", base_url.trim_end_matches('/')),
            model: setting.model.clone().unwrap_or_else(|| self.defaults.model.clone()),
            key,
        })
    }

    pub fn per_member_hour(&self) -> u32 {
        self.defaults.drafts_per_member_hour
    }

    pub fn per_location_day(&self, setting: &AiSetting) -> u32 {
        setting.daily_cap.unwrap_or(self.defaults.drafts_per_location_day)
    }

    /// A draft from `facts`, which must be enough (`Facts::is_enough`), within the timeout.
    pub async fn draft(&self, writer: &Writer, facts: &Facts) -> Result<Draft, AiError> {
        match writer {
            Writer::Builtin => Ok(builtin::write(facts, rand::random_range(0..builtin::VARIANTS))),
            Writer::OpenAi(endpoint) => {
                let deadline = tokio::time::Instant::now() + self.defaults.timeout;
                tokio::time::timeout_at(deadline, openai::draft(&self.http, endpoint, facts, deadline))
                    .await
                    .unwrap_or(Err(AiError::Timeout))
            }
        }
    }
}
