//! What every use case may use: the store, the hasher, the clock, the settings fixed at
//! start-up and the per-process limits.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use crate::ai::{AiDefaults, Drafter};
use crate::auth::key::ServerKey;
use crate::auth::password::PasswordHasher;
use crate::clock::Clock;
use crate::domain::lockout::LockoutRule;
use crate::domain::patch::UnknownFields;
use crate::mail::MailSettings;
use crate::service::basic::RememberedCredentials;
use crate::service::rate_limit::{RateLimitSettings, RateLimits};
use crate::store::DynStore;

/// Settings the request handlers need, fixed at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// A session's absolute lifetime: refreshing never extends a session past it.
    pub session_lifetime: Duration,
    pub unknown_fields: UnknownFields,
    /// The largest request body accepted; by default room for the largest valid
    /// representation (`catalogue::largest_representation_bytes`), so a profile read can
    /// always be sent back.
    pub body_limit_bytes: usize,
    pub request_timeout: Duration,
    /// How long a client may take to send a request's headers, counted from when the
    /// server is ready for the request: also how long a keep-alive connection may idle.
    pub header_read_timeout: Duration,
    /// A connection on which nothing moved either way for this long is closed; longer
    /// than `request_timeout`, so no request in progress is cut by it.
    pub idle_timeout: Duration,
    pub lockout: LockoutRule,
    pub rate_limits: RateLimitSettings,
    /// Peers whose `X-Forwarded-For` names the client (a reverse proxy in front of Portico).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How many requests may use the store for password work at once: the rest of the
    /// database connections stay free for everything else.
    pub password_store_turns: usize,
    /// How long change-history entries are kept.
    pub history_retention: Duration,
    /// Browser origins (`https://portal.example.com`) allowed to call the API (CORS).
    pub cors_origins: Vec<String>,
    /// The address members reach Portico at; `https://…` turns on Strict-Transport-Security.
    /// The links in mail this node sends (or the CLI shows) start with it (`public_base`).
    pub public_url: Option<url::Url>,
    /// `/metrics` is served with the API, on its listener (`--metrics-bind api`); by
    /// default it is not, so whoever reaches the API does not read the metrics.
    pub metrics_with_api: bool,
    /// Hosts whose `https` images a directory bio may show; none by default, so a bio
    /// cannot make a reader's browser fetch from anywhere.
    pub directory_image_hosts: Vec<String>,
    /// The AI writer's defaults and limits (docs/API.md, "AI profile summary").
    pub ai: AiDefaults,
    /// How mail leaves (docs/API.md, "Account lifecycle by e-mail").
    pub mail: MailSettings,
    /// How long an invitation link works.
    pub invitation_lifetime: Duration,
    /// The secret every node shares (`auth::key`).
    pub secret_key: Arc<ServerKey>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            access_token_ttl: Duration::from_secs(7 * 24 * 3600),
            refresh_token_ttl: Duration::from_secs(15 * 24 * 3600),
            session_lifetime: Duration::from_secs(90 * 24 * 3600),
            unknown_fields: UnknownFields::Reject,
            body_limit_bytes: default_body_limit(),
            request_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            lockout: LockoutRule::default(),
            rate_limits: RateLimitSettings::default(),
            trusted_proxies: Vec::new(),
            password_store_turns: 2,
            history_retention: Duration::from_secs(400 * 24 * 3600),
            cors_origins: Vec::new(),
            public_url: None,
            metrics_with_api: false,
            directory_image_hosts: Vec::new(),
            ai: AiDefaults::default(),
            mail: MailSettings::default(),
            invitation_lifetime: Duration::from_secs(7 * 24 * 3600),
            secret_key: Arc::new(ServerKey::random()),
        }
    }
}

/// Everything a request may use; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: DynStore,
    pub hasher: PasswordHasher,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    pub limits: Arc<RateLimits>,
    /// Turns at the store for password work (see `service::session`).
    pub password_turns: Arc<tokio::sync::Semaphore>,
    /// Writes AI profile summaries with each location's writer.
    pub drafter: Arc<Drafter>,
    /// How many bios this process rendered (`service::bio`): reads must render none.
    pub bio_renders: Arc<AtomicU64>,
    /// The Basic credentials this node verified lately (`service::basic`).
    pub basic_credentials: Arc<RememberedCredentials>,
    /// Turns at decoding an uploaded photo (`service::photo`): a decoded picture may take
    /// hundreds of MiB, so only a few at once.
    pub photo_turns: Arc<tokio::sync::Semaphore>,
}

/// Photos decoded at once on one node.
pub const PHOTO_TURNS: usize = 2;

impl AppState {
    pub fn new(store: DynStore, hasher: PasswordHasher, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        let limits = Arc::new(RateLimits::new(settings.rate_limits));
        let password_turns = Arc::new(tokio::sync::Semaphore::new(settings.password_store_turns.max(1)));
        let drafter = Arc::new(Drafter::new(settings.ai.clone()).expect("an HTTP client for the AI writer"));
        AppState {
            store,
            hasher,
            clock,
            settings: Arc::new(settings),
            limits,
            password_turns,
            drafter,
            bio_renders: Arc::new(AtomicU64::new(0)),
            basic_credentials: Arc::new(RememberedCredentials::default()),
            photo_turns: Arc::new(tokio::sync::Semaphore::new(PHOTO_TURNS)),
        }
    }
}

impl Settings {
    /// The address of a portal page with a link's token, for a message to queue:
    /// `{public URL}/reset?token=…` with the public URL left as a placeholder. The process that
    /// queues a message (a CLI run, a node reached under another name) may not know where
    /// members reach Portico; the one that sends it puts its own in
    /// (`mail::compose::with_public_url`).
    pub fn link(&self, page: &str, token: &str) -> String {
        format!("{}{page}?token={token}", crate::mail::compose::PUBLIC_URL)
    }

    /// Where members reach Portico, without a trailing `/`: `--public-url`, or
    /// `http://localhost:8080` (the default bind's) when none is set.
    pub fn public_base(&self) -> &str {
        self.public_url.as_ref().map_or("http://localhost:8080", |url| url.as_str()).trim_end_matches('/')
    }
}

/// Room for the largest valid representation, rounded up to the next 16 KiB.
pub fn default_body_limit() -> usize {
    crate::domain::catalogue::largest_representation_bytes().div_ceil(16 * 1024) * 16 * 1024
}
