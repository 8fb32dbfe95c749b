//! Command line and environment: every flag has a `PORTICO_…` variable, and the defaults
//! make `cargo run --release` serve a demo on 127.0.0.1:8080 from `portico.db`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use secrecy::SecretString;

use crate::domain::ai::{AiSetting, Provider};

#[derive(Debug, Parser)]
#[command(
    name = "portico",
    version,
    about = "Member profiles for coworking spaces",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// sqlite://FILE (created if missing) or postgres://USER@HOST/DB.
    #[arg(
        long,
        env = "PORTICO_DATABASE_URL",
        default_value = "sqlite://portico.db",
        global = true,
        hide_env_values = true
    )]
    pub database_url: String,

    /// Log filter, in tracing's EnvFilter syntax.
    #[arg(long, env = "PORTICO_LOG", default_value = "info", global = true)]
    pub log: String,

    #[arg(long, env = "PORTICO_LOG_FORMAT", value_enum, default_value = "compact", global = true)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// With no command, Portico serves.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Compact,
    Json,
}

// The command line is parsed once at start; boxing the serve flags would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default).
    Serve(ServeArgs),
    /// Create or update the database schema, then exit.
    Migrate,
    /// Add locations (coworking spaces) and set their password policy.
    #[command(subcommand)]
    Location(LocationCommand),
    /// Add, import and look after members: sessions, passwords, history.
    #[command(subcommand)]
    Member(MemberCommand),
    /// Add realistic fake members to a location (created if missing), for trying Portico
    /// out, tests and benchmarks. The same --seed gives the same members.
    Seed {
        #[arg(long)]
        location: String,
        #[arg(long)]
        members: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Show the security log of an e-mail address: sign-ins, failures, lockouts,
    /// password changes and revocations.
    Audit { email: String },
    /// Look at the outgoing mail (with no SMTP server configured, it waits here).
    #[command(subcommand)]
    Mail(MailCommand),
    /// The space's staff (admin or front desk, per location) and integrations' keys to the
    /// staff API (docs/OPERATIONS.md, "Staff").
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Copy the SQLite database to FILE, consistently, while the server keeps serving
    /// (docs/OPERATIONS.md). With PostgreSQL, use pg_dump.
    Backup { file: std::path::PathBuf },
    /// Replace the SQLite database with a backup; every Portico process serving it must be
    /// stopped first (docs/OPERATIONS.md).
    Restore { file: std::path::PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Make someone staff at a location (a new address is invited first). Staff must turn
    /// on two-step sign-in before they can sign in.
    Add {
        email: String,
        #[arg(long)]
        location: String,
        /// admin (everything) or desk (find, edit, add, invite, suspend; no erasure or export).
        #[arg(long, value_parser = parse_role)]
        role: crate::domain::staff::Role,
        /// The name for a new address's invitation.
        #[arg(long)]
        name: Option<String>,
    },
    /// List the staff and their roles.
    List,
    /// Take someone's role at a location away.
    Remove {
        email: String,
        #[arg(long)]
        location: String,
    },
    /// Keys for integrations (door access, CRM): sent as the Basic password to /api/spaces/*.
    #[command(subcommand)]
    Key(KeyCommand),
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create a key; the secret is printed once.
    Add {
        /// A name for the integration, e.g. door-sync.
        name: String,
        #[arg(long)]
        location: String,
        #[arg(long, value_parser = parse_role, default_value = "desk")]
        role: crate::domain::staff::Role,
    },
    List,
    Remove {
        name: String,
    },
}

fn parse_role(text: &str) -> Result<crate::domain::staff::Role, String> {
    crate::domain::staff::Role::parse(text).ok_or_else(|| "must be admin or desk".to_string())
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Print the outbox, newest first, links included.
    Outbox {
        /// Only the messages to this address.
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum LocationCommand {
    /// List the locations.
    List,
    /// Rename a location (its web address stays, so members' addresses keep working).
    Rename { name: String, new_name: String },
    /// Create a location (a coworking space).
    Add {
        name: String,
        /// The ISO 3166-1 alpha-2 code new profiles get as their country.
        #[arg(long, default_value = "GB")]
        country: String,
    },
    /// Choose who writes a location's AI profile summaries. Replaces the location's setting:
    /// options not given fall back to the PORTICO_AI_* defaults. The key is read from the
    /// named environment variable, never stored.
    Ai {
        name: String,
        /// off, builtin (the offline template writer) or openai (any OpenAI-compatible endpoint).
        #[arg(long, value_parser = parse_provider)]
        provider: Provider,
        /// The endpoint's base URL, e.g. http://127.0.0.1:11434/v1 for a local Ollama.
        #[arg(long)]
        base_url: Option<String>,
        #[arg(long)]
        model: Option<String>,
        /// The name of the environment variable that holds this location's key (never the key).
        #[arg(long)]
        api_key_env: Option<String>,
        /// Drafts the location may make in any 24 hours (a rolling window).
        #[arg(long)]
        daily_cap: Option<u32>,
    },
    /// Change a location's password policy; rules not given stay as they are.
    Policy {
        name: String,
        #[command(flatten)]
        rules: PolicyArgs,
    },
    /// The location's custom fields: questions of its own members answer on their profile
    /// (`Custom1` … `Custom30` in the API).
    Field {
        #[command(subcommand)]
        command: FieldCommand,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum FieldCommand {
    /// Add a custom field, in the location's lowest free slot.
    Add {
        /// The location's name.
        location: String,
        /// The question as members see it, e.g. "Emergency contact".
        label: String,
        /// text, long-text, number, yes-no, date or choice.
        #[arg(long, default_value = "text")]
        kind: String,
        /// The answers a choice takes, comma-separated: --choices "Tea, Coffee, Neither".
        #[arg(long, value_delimiter = ',')]
        choices: Vec<String>,
        /// Once answered, it cannot be cleared.
        #[arg(long)]
        required: bool,
        /// Only the staff set it (CLI, CSV import); the member sees it read-only.
        #[arg(long)]
        staff_only: bool,
        /// Shown on the member's directory card when their profile is public.
        #[arg(long)]
        in_directory: bool,
    },
    /// List the location's custom fields.
    List { location: String },
    /// Remove a custom field and every member's answer to it.
    Remove {
        location: String,
        /// The field's slot: 7 for Custom7.
        slot: u8,
    },
}

/// The rules of a password policy, each optional: only those given change.
#[derive(Debug, Clone, Args)]
pub struct PolicyArgs {
    /// The fewest characters a password may have.
    #[arg(long)]
    pub min_length: Option<u32>,
    /// The most characters a password may have.
    #[arg(long)]
    pub max_length: Option<u32>,
    /// Refuse the 10 000 most common passwords.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    pub reject_common: Option<bool>,
    /// Refuse passwords containing the e-mail's local part or the full name.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    pub reject_personal: Option<bool>,
    /// Require a digit.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    pub require_digit: Option<bool>,
    /// Require an upper-case letter.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    pub require_upper: Option<bool>,
    /// Require a lower-case letter.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    pub require_lower: Option<bool>,
    /// Require a symbol.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    pub require_symbol: Option<bool>,
    /// The lowest password strength accepted: a zxcvbn score from 0 (off) to 4 (default 3).
    #[arg(long)]
    pub min_score: Option<u8>,
    /// Require two-step sign-in of the location's members: the API refuses password sign-ins
    /// without it (two_factor_setup_required); the portal leads them to set it up.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    pub require_two_step: Option<bool>,
}

#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// List members: name, e-mail, location, company and whether they are suspended.
    List {
        /// Words to find in the name, the e-mail or the company.
        #[arg(long)]
        search: Option<String>,
        /// Only this location's members.
        #[arg(long)]
        location: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Suspend a member: no sign-in of any kind, every session ends, their profiles leave
    /// the directory. Audited; `reactivate` restores them.
    Suspend { email: String },
    /// Undo a suspension.
    Reactivate { email: String },
    /// Erase a member for good (GDPR Art. 17): profiles, photos, sessions, links, history and
    /// mail to them; the audit log keeps only a tombstone. Asks for the e-mail to be typed again.
    Erase {
        email: String,
        /// The e-mail again, to confirm (or answer the prompt).
        #[arg(long)]
        confirm: Option<String>,
    },
    /// Print everything Portico holds of a member as JSON (GDPR Art. 15 and 20).
    Export { email: String },
    /// Turn a member's two-step sign-in off (they lost their phone and their recovery codes);
    /// every session of theirs ends. Audited.
    TwoFactor {
        /// The member's e-mail.
        #[arg(long, value_name = "EMAIL")]
        reset: String,
    },
    /// Create a member (with a password), or add a profile at another location to an
    /// existing one (without).
    Add {
        #[arg(long)]
        email: String,
        /// Prefer PORTICO_MEMBER_PASSWORD: a flag shows in the process list.
        #[arg(long, env = "PORTICO_MEMBER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        #[arg(long)]
        name: String,
        /// Location name; defaults to the first location.
        #[arg(long)]
        location: Option<String>,
    },
    /// Invite a member: they get an e-mail with a link to choose their password (valid
    /// PORTICO_INVITATION_LIFETIME, 7 days); until then they cannot sign in.
    Invite {
        #[arg(long, required_unless_present = "resend")]
        email: Option<String>,
        #[arg(long, required_unless_present = "resend")]
        name: Option<String>,
        /// Location name; defaults to the first location.
        #[arg(long)]
        location: Option<String>,
        /// Send an invited member a new link instead (the older one stops working).
        #[arg(long, conflicts_with_all = ["email", "name", "location"])]
        resend: Option<String>,
    },
    /// Import members from a CSV file whose header row holds the API's property names;
    /// without a Password column every row is invited by e-mail.
    Import {
        file: PathBuf,
        /// Every imported member must choose a new password at their first sign-in.
        #[arg(long)]
        require_reset: bool,
    },
    /// List a member's live sessions.
    Sessions { email: String },
    /// End every session of a member (they must sign in again).
    Revoke { email: String },
    /// Set a member's password (from PORTICO_MEMBER_PASSWORD, or asked for), end every
    /// session and clear the lockout: for a member who forgot theirs. With --require-reset,
    /// set none: the member must choose a new one at their next sign-in.
    Password {
        email: String,
        /// Require a new password at the next sign-in instead (the current one keeps working
        /// only to reach the reset).
        #[arg(long)]
        require_reset: bool,
    },
    /// Set properties of a member's profile as the space's staff, e.g.
    /// `portico member set ann@example.com IsMember=false AccessPincode=4821` (an empty value
    /// clears): any profile property, the staff-set ones included, checked like a PATCH.
    Set {
        email: String,
        /// `Property=value` pairs, named as the API names them.
        #[arg(required = true, value_parser = property_assignment)]
        properties: Vec<(String, String)>,
        /// Location name; defaults to the member's first profile.
        #[arg(long)]
        location: Option<String>,
    },
    /// Show what a member changed in their profiles, newest first.
    History {
        email: String,
        /// How many entries to show.
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
}

fn property_assignment(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(name, value)| (name.trim().to_string(), value.to_string()))
        .ok_or_else(|| format!("{text:?} is not Property=value"))
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[arg(long, env = "PORTICO_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    #[arg(long, env = "PORTICO_ACCESS_TOKEN_TTL", default_value = "7d", value_parser = humantime::parse_duration)]
    pub access_token_ttl: Duration,

    #[arg(long, env = "PORTICO_REFRESH_TOKEN_TTL", default_value = "15d", value_parser = humantime::parse_duration)]
    pub refresh_token_ttl: Duration,

    /// A session's absolute lifetime: refreshing never extends a session past it.
    #[arg(long, env = "PORTICO_SESSION_LIFETIME", default_value = "90d", value_parser = humantime::parse_duration)]
    pub session_lifetime: Duration,

    /// What to do with PATCH properties the API does not know.
    #[arg(long, env = "PORTICO_UNKNOWN_FIELDS", value_enum, default_value = "reject")]
    pub unknown_fields: UnknownFieldsArg,

    /// Largest accepted request body, in bytes; by default room for the largest valid profile
    /// (computed from the property catalogue), so every profile read can be sent back.
    #[arg(long, env = "PORTICO_BODY_LIMIT", default_value_t = crate::service::state::default_body_limit())]
    pub body_limit: usize,

    #[arg(long, env = "PORTICO_REQUEST_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub request_timeout: Duration,

    /// How long a client may take to send a request's headers, counted from when Portico is
    /// ready for the request: also how long a keep-alive connection may stay idle.
    #[arg(long, env = "PORTICO_HEADER_READ_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub header_read_timeout: Duration,

    /// A connection on which no byte moved either way for this long is closed (HTTP/2
    /// included). Must be longer than --request-timeout.
    #[arg(long, env = "PORTICO_IDLE_TIMEOUT", default_value = "60s", value_parser = humantime::parse_duration)]
    pub idle_timeout: Duration,

    /// PostgreSQL connections in the pool (SQLite always opens four readers and one writer).
    #[arg(long, env = "PORTICO_DB_MAX_CONNECTIONS", default_value_t = 8)]
    pub db_max_connections: u32,

    /// SQLite only: `full` survives power loss, `normal` only a process crash.
    #[arg(long, env = "PORTICO_SQLITE_SYNCHRONOUS", value_enum, default_value = "full")]
    pub sqlite_synchronous: SqliteSynchronousArg,

    /// Argon2id memory cost in KiB (OWASP: 19456).
    #[arg(long, env = "PORTICO_ARGON2_MEMORY_KIB", default_value_t = 19 * 1024)]
    pub argon2_memory_kib: u32,

    #[arg(long, env = "PORTICO_ARGON2_ITERATIONS", default_value_t = 2)]
    pub argon2_iterations: u32,

    /// How many password hashes may run at once; 0 means half the CPU cores.
    #[arg(long, env = "PORTICO_HASH_CONCURRENCY", default_value_t = 0)]
    pub hash_concurrency: usize,

    /// How many more requests with password work may wait for a hashing thread (per thread);
    /// beyond that they are answered 503 at once.
    #[arg(long, env = "PORTICO_HASH_QUEUE", default_value_t = 32)]
    pub hash_queue: usize,

    /// Requests to /api/token per minute from one client address (0: no limit).
    #[arg(long, env = "PORTICO_TOKEN_RATE_LIMIT", default_value_t = 60)]
    pub token_rate_limit: u32,

    /// Password-changing PATCHes per minute from one client address (0: no limit).
    #[arg(long, env = "PORTICO_PASSWORD_CHANGE_RATE_LIMIT", default_value_t = 10)]
    pub password_change_rate_limit: u32,

    /// Reverse proxies (IP addresses, comma-separated) whose X-Forwarded-For header names
    /// the client; from any other peer the header is ignored.
    #[arg(long = "trusted-proxy", env = "PORTICO_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// How long the change history of a profile is kept; older entries are deleted hourly.
    #[arg(long, env = "PORTICO_HISTORY_RETENTION", default_value = "400d", value_parser = humantime::parse_duration)]
    pub history_retention: Duration,

    /// Browser origins allowed to call the API from another site (CORS), comma-separated,
    /// e.g. https://portal.example.com. None by default.
    #[arg(long = "cors-origin", env = "PORTICO_CORS_ORIGINS", value_delimiter = ',', value_parser = parse_origin)]
    pub cors_origins: Vec<String>,

    /// The address members reach Portico at (behind your proxy); with https:// every answer
    /// carries Strict-Transport-Security.
    #[arg(long, env = "PORTICO_PUBLIC_URL")]
    pub public_url: Option<url::Url>,

    /// Serve /metrics on this address instead of with the API, e.g. 127.0.0.1:9090, so
    /// it is not public.
    #[arg(long, env = "PORTICO_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,

    /// Hosts whose https images a member's bio may show in the directory, comma-separated
    /// (e.g. your own CDN). None by default: a bio cannot make readers fetch from elsewhere.
    #[arg(long = "directory-image-host", env = "PORTICO_DIRECTORY_IMAGE_HOSTS", value_delimiter = ',')]
    pub directory_image_hosts: Vec<String>,

    #[command(flatten)]
    pub ai: AiArgs,

    #[command(flatten)]
    pub mail: MailArgs,

    /// The file holding the server's secret key (base64 of 32 bytes), created when missing.
    /// By default `portico.key` beside the SQLite database, or in the working directory
    /// with PostgreSQL. Every node of a deployment needs the same key.
    #[arg(long, env = "PORTICO_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,

    /// The server's secret key itself (base64 of 32 bytes), in place of the key file.
    #[arg(long, env = "PORTICO_SECRET_KEY", hide_env_values = true, value_parser = parse_secret)]
    pub secret_key: Option<SecretString>,

    /// Do not create the demo location and member on an empty database.
    #[arg(long, env = "PORTICO_NO_DEMO")]
    pub no_demo: bool,
}

/// How mail leaves (docs/API.md, "Account lifecycle by e-mail"). Without an SMTP URL mail stays in the outbox,
/// where `portico mail outbox` shows it.
#[derive(Debug, Clone, Args)]
pub struct MailArgs {
    /// smtp://host:25, smtp://user:password@host:587?tls=required or smtps://host:465.
    #[arg(long = "smtp-url", env = "PORTICO_SMTP_URL", hide_env_values = true, value_parser = parse_secret)]
    pub smtp_url: Option<SecretString>,

    /// The SMTP password, when it is not in the URL.
    #[arg(long = "smtp-password", env = "PORTICO_SMTP_PASSWORD", hide_env_values = true, value_parser = parse_secret)]
    pub smtp_password: Option<SecretString>,

    /// The sender of every message, e.g. "Canal Street <members@example.com>".
    #[arg(long = "mail-from", env = "PORTICO_MAIL_FROM", default_value = "Portico <portico@localhost>")]
    pub from: String,

    /// The first retry of a message that could not be sent waits this long; each next one
    /// twice as long, up to an hour.
    #[arg(long = "mail-retry", env = "PORTICO_MAIL_RETRY", default_value = "30s", value_parser = humantime::parse_duration)]
    pub retry: Duration,

    /// How often the sender looks for mail to send.
    #[arg(long = "mail-poll", env = "PORTICO_MAIL_POLL", default_value = "2s", value_parser = humantime::parse_duration)]
    pub poll: Duration,

    /// How long an invitation link works.
    #[arg(long = "invitation-lifetime", env = "PORTICO_INVITATION_LIFETIME", default_value = "7d", value_parser = humantime::parse_duration)]
    pub invitation_lifetime: Duration,

    /// Password-reset requests per minute from one client address (0: no limit).
    #[arg(long = "reset-rate-limit", env = "PORTICO_RESET_RATE_LIMIT", default_value_t = 5)]
    pub reset_rate_limit: u32,

    /// Password-reset requests per hour for one e-mail address, whoever's it is (0: no
    /// limit). Each node counts its own; the store also sends at most 3 links an hour.
    #[arg(long = "resets-per-address", env = "PORTICO_RESETS_PER_ADDRESS", default_value_t = 3)]
    pub resets_per_address: u32,
}

/// The AI writer's defaults, for locations without a setting of their own (`portico
/// location ai`), and its limits.
#[derive(Debug, Clone, Args)]
pub struct AiArgs {
    /// off, builtin (the offline template writer) or openai.
    #[arg(long = "ai-provider", env = "PORTICO_AI_PROVIDER", default_value = "builtin", value_parser = parse_provider)]
    pub provider: Provider,

    /// An OpenAI-compatible endpoint's base URL.
    #[arg(long = "ai-base-url", env = "PORTICO_AI_BASE_URL", default_value = "https://api.openai.com/v1", value_parser = parse_base_url)]
    pub base_url: String,

    #[arg(long = "ai-model", env = "PORTICO_AI_MODEL", default_value = "gpt-4o-mini")]
    pub model: String,

    /// The endpoint's key. Prefer the environment variable: arguments are visible to other
    /// users of the machine.
    #[arg(long = "ai-api-key", env = "PORTICO_AI_API_KEY", hide_env_values = true, value_parser = parse_secret)]
    pub api_key: Option<SecretString>,

    /// How long a draft may take, a retry included; past it the member gets a 504. Must be
    /// shorter than the request timeout.
    #[arg(long = "ai-timeout", env = "PORTICO_AI_TIMEOUT", default_value = "20s", value_parser = humantime::parse_duration)]
    pub timeout: Duration,

    /// Drafts one member may make in an hour.
    #[arg(long = "ai-drafts-per-hour", env = "PORTICO_AI_DRAFTS_PER_HOUR", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub drafts_per_hour: u32,

    /// Drafts one location may make in any 24 hours, unless it has its own cap.
    #[arg(long = "ai-daily-cap", env = "PORTICO_AI_DAILY_CAP", default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
    pub daily_cap: u32,
}

/// Kept secret from the moment it is read, so no `Debug` of the arguments shows it.
fn parse_secret(text: &str) -> Result<SecretString, String> {
    Ok(SecretString::from(text))
}

fn parse_provider(text: &str) -> Result<Provider, String> {
    Provider::from_name(text).ok_or_else(|| format!("{text:?} is not one of off, builtin, openai"))
}

fn parse_base_url(text: &str) -> Result<String, String> {
    let setting = AiSetting { base_url: Some(text.trim().to_string()), ..AiSetting::default() };
    setting.check().map(|()| text.trim().to_string())
}

/// An origin as browsers send it: scheme, host and port only.
fn parse_origin(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text.trim()).map_err(|e| format!("{text:?} is not an origin: {e}"))?;
    let origin = url.origin();
    if !origin.is_tuple() || !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{text:?} is not an http(s) origin"));
    }
    Ok(origin.ascii_serialization())
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum UnknownFieldsArg {
    Reject,
    Ignore,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SqliteSynchronousArg {
    Full,
    Normal,
}
