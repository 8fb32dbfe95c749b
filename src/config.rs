//! Command line, environment and configuration file: every serve flag has a `PORTICO_…`
//! variable and a key in `portico.toml`, and the defaults make `cargo run --release` serve a
//! demo on 127.0.0.1:8080 from `portico.db`.
//!
//! One order for every command, the server and the CLI alike: a flag, then its variable,
//! then the file, then the built-in default (`Cli::load`).

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Arg, ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

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
    /// The configuration file (TOML): its keys are the serve flags' long names with `_` for
    /// `-` (database_url, public_url, smtp_url, …). By default ./portico.toml, if it exists;
    /// PORTICO_CONFIG= (empty) reads none. A flag or a variable overrides the file.
    // PORTICO_CONFIG is read by `Cli::load` before clap, so that an empty one means no file.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

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
        /// Give the seeded members a portrait each (at most 1 000, through the photo pipeline).
        #[arg(long)]
        photos: bool,
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

fn parse_on_off(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err("must be on or off".to_string()),
    }
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
    /// Set a location's brand (the name, logo and accent colour of its pages, staff pages and
    /// mail), its default language and whether members may write to each other from the
    /// directory. Options not
    /// given stay as they are (docs/OPERATIONS.md, "The space's brand").
    Set {
        name: String,
        /// The name pages and mail show, e.g. "Canal Street Works"; '' for the location's name.
        #[arg(long)]
        display_name: Option<String>,
        /// Links and buttons, as #rrggbb; refused unless readable on the page (contrast at least
        /// 4.5:1); '' or none for the portal's own blue.
        #[arg(long)]
        accent: Option<String>,
        /// A JPEG, PNG or WebP file: written again as a JPEG at most 600 × 200 pixels.
        #[arg(long, conflicts_with = "remove_logo")]
        logo: Option<std::path::PathBuf>,
        /// Remove the logo.
        #[arg(long)]
        remove_logo: bool,
        /// on: a "Write to …" form on members' directory cards, relayed by mail; off: none.
        #[arg(long, value_parser = parse_on_off)]
        contact: Option<bool>,
        /// The language pages and mail speak to someone who chose none and whose browser
        /// names none Portico has: en, de, fr or es (English until set).
        #[arg(long)]
        language: Option<String>,
    },
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
    /// Show a member: their user, every profile (location and key properties), whether they
    /// are suspended, their two-step sign-in and how many sessions they have.
    Show { email: String },
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
        /// Prefer PORTICO_MEMBER_PASSWORD: a flag shows in the process list. With neither, a
        /// new member's password is asked for at the terminal (twice, never shown).
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

    /// Where /metrics is served: an address of its own (by default 127.0.0.1:9464, which
    /// only this machine reaches), `api` to serve it with the API on --bind (public unless
    /// your proxy hides it), or `off`. Left unset, a taken 127.0.0.1:9464 is warned about
    /// and Portico serves without metrics; an address given must be free.
    #[arg(long, env = "PORTICO_METRICS_BIND", value_name = "ADDRESS|api|off", value_parser = parse_metrics_bind)]
    pub metrics_bind: Option<MetricsBind>,

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

/// Where `/metrics` is served (`--metrics-bind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricsBind {
    /// On a listener of its own.
    Address(SocketAddr),
    /// With the API, on its listener: whoever reaches the API reads the metrics.
    Api,
    Off,
}

/// Where `/metrics` is served when `--metrics-bind` is not given: the loopback interface,
/// so the metrics are not public unless the operator says so.
pub const DEFAULT_METRICS_BIND: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 9464);

fn parse_metrics_bind(text: &str) -> Result<MetricsBind, String> {
    match text.trim() {
        "api" => Ok(MetricsBind::Api),
        "off" => Ok(MetricsBind::Off),
        address => address
            .parse()
            .map(MetricsBind::Address)
            .map_err(|_| format!("{text:?} is not an address (such as 127.0.0.1:9464), `api` or `off`")),
    }
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

/// The file read when neither `--config` nor `PORTICO_CONFIG` names one, if it exists in
/// the working directory: where `sqlite://portico.db` and `portico.key` are by default too,
/// so a CLI run beside the server's files sees the server's settings.
pub const DEFAULT_CONFIG_FILE: &str = "portico.toml";

/// Why the command line and the configuration file could not be read.
#[derive(Debug)]
pub enum LoadError {
    /// The command line (or a variable): clap's message, `--help` and `--version` included.
    Arguments(clap::Error),
    /// The configuration file, named in the message.
    File(String),
}

impl LoadError {
    /// Prints the message and ends the process as clap does (2 for a usage error).
    pub fn exit(self) -> ! {
        match self {
            LoadError::Arguments(error) => error.exit(),
            LoadError::File(message) => {
                eprintln!("portico: {message}");
                std::process::exit(2)
            }
        }
    }
}

impl Cli {
    /// Reads `args` (the program's name first) over the environment over the configuration
    /// file over the built-in defaults. `config_variable` is `PORTICO_CONFIG`'s value.
    ///
    /// Each key of the file becomes its flag's default before clap parses. That keeps clap
    /// the one place where precedence is decided, with its own rule (a flag, else its
    /// variable, else the default) and its own checks, for the server and every subcommand
    /// alike; setting the variables for unset keys instead would need `unsafe` `set_var`
    /// and would hand the file's secrets to every child process's environment.
    pub fn load(args: Vec<OsString>, config_variable: Option<OsString>) -> Result<Cli, LoadError> {
        let (file, args) = config_path(args, config_variable);
        let mut command = Cli::command();
        if let Some(path) = &file {
            command = with_file(command, path).map_err(LoadError::File)?;
        }
        let matches = command.try_get_matches_from(args).map_err(LoadError::Arguments)?;
        let mut cli = Cli::from_arg_matches(&matches).map_err(LoadError::Arguments)?;
        cli.config = file;
        Ok(cli)
    }
}

/// `--config FILE` (or `--config=FILE`) wherever it is on the command line, else
/// `PORTICO_CONFIG`, else `./portico.toml` when it exists; an empty name means no file.
/// Looked for before clap parses, because the file changes what clap's defaults are; and
/// taken off the command line, which is returned without it: clap refuses any flag before a
/// subcommand (`args_conflicts_with_subcommands`, so serve flags are not mistaken for a
/// subcommand's), and `portico --config FILE member …` is how the option reads best.
fn config_path(args: Vec<OsString>, config_variable: Option<OsString>) -> (Option<PathBuf>, Vec<OsString>) {
    let mut named = None;
    let mut kept = Vec::with_capacity(args.len());
    let mut rest = args.into_iter();
    kept.extend(rest.next());
    while let Some(arg) = rest.next() {
        if arg == "--" {
            kept.push(arg);
            break;
        }
        if named.is_none() && arg == "--config" {
            // Without a value, clap says one is needed.
            match rest.next() {
                Some(path) => named = Some(path),
                None => kept.push(arg),
            }
            continue;
        }
        if let Some(path) = arg.to_str().and_then(|a| a.strip_prefix("--config="))
            && named.is_none()
        {
            named = Some(OsString::from(path));
            continue;
        }
        kept.push(arg);
    }
    kept.extend(rest);
    let path = match named.or(config_variable) {
        Some(path) if path.is_empty() => None,
        Some(path) => Some(PathBuf::from(path)),
        None => Path::new(DEFAULT_CONFIG_FILE).is_file().then(|| PathBuf::from(DEFAULT_CONFIG_FILE)),
    };
    (path, kept)
}

/// `command` with each key of the file at `path` as its flag's default (in `serve` too).
fn with_file(mut command: clap::Command, path: &Path) -> Result<clap::Command, String> {
    let file = path.display();
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading the configuration file {file}: {e}"))?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        // The message and the place only: the parser's excerpt of the line could show a
        // secret written on it.
        let before =
            |end: usize| text.as_bytes()[..end.min(text.len())].iter().filter(|b| **b == b'\n').count();
        let line = e.span().map_or(1, |span| before(span.start) + 1);
        format!("{file}, line {line}: {}", e.message().trim_end())
    })?;
    for (key, value) in &table {
        let arg = key_arg(&command, key).ok_or_else(|| unknown_key(&command, &file, key))?;
        let id = arg.get_id().clone();
        let secret = arg.is_hide_env_values_set();
        let values = file_values(value).map_err(|why| format!("{file}: {key} {why}"))?;
        if values.len() != 1 && !matches!(arg.get_action(), ArgAction::Append) {
            return Err(format!("{file}: {key} takes one value, not a list"));
        }
        // `--help` shows a file's value as the default, but never a secret's.
        let from_file = |arg: Arg| {
            let arg = arg.default_values(values.clone());
            if secret { arg.hide_default_value(true) } else { arg }
        };
        // The value checked now, by the flag's own parser, so that a mistake names the file
        // (and so that the variable overriding a key does not hide the key's mistake).
        let alone = clap::Command::new("portico").no_binary_name(true).arg(from_file(arg.clone()).env(None));
        alone.try_get_matches_from(Vec::<OsString>::new()).map_err(|error| {
            if secret {
                format!("{file}: {key} is not valid")
            } else {
                format!("{file}: {key}: {}", clap_reason(&error))
            }
        })?;
        command = command.mut_arg(&id, from_file);
        if let Some(serve) = command.find_subcommand("serve")
            && serve.get_arguments().any(|a| a.get_id() == &id)
        {
            command = command.mut_subcommand("serve", |serve| serve.mut_arg(&id, from_file));
        }
    }
    Ok(command)
}

/// The flag a key of the file stands for: its long name with `_` for `-`.
fn key_arg<'a>(command: &'a clap::Command, key: &str) -> Option<&'a Arg> {
    let long = key.replace('_', "-");
    command.get_arguments().filter(|arg| is_key(arg)).find(|arg| arg.get_long() == Some(long.as_str()))
}

fn is_key(arg: &Arg) -> bool {
    arg.get_long().is_some_and(|long| !matches!(long, "config" | "help" | "version"))
}

fn unknown_key(command: &clap::Command, file: &std::path::Display<'_>, key: &str) -> String {
    let keys = command.get_arguments().filter(|arg| is_key(arg)).filter_map(|arg| arg.get_long());
    let closest = keys
        .map(|long| long.replace('-', "_"))
        .map(|known| (strsim::jaro_winkler(key, &known), known))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let hint = closest.map(|(_, known)| format!(" (did you mean {known}?)")).unwrap_or_default();
    format!(
        "{file}: unknown key {key:?}{hint}: the keys are the serve flags' long names with _ for - \
         (`portico serve --help` lists them), at the top level of the file"
    )
}

/// A value of the file as the text clap reads, one per element of a list.
fn file_values(value: &toml::Value) -> Result<Vec<String>, &'static str> {
    match value {
        toml::Value::Array(items) => items.iter().map(file_scalar).collect(),
        other => file_scalar(other).map(|text| vec![text]),
    }
}

fn file_scalar(value: &toml::Value) -> Result<String, &'static str> {
    match value {
        toml::Value::String(text) => Ok(text.clone()),
        toml::Value::Integer(number) => Ok(number.to_string()),
        toml::Value::Float(number) => Ok(number.to_string()),
        toml::Value::Boolean(flag) => Ok(flag.to_string()),
        toml::Value::Datetime(_) => Err("is a date; write it as a string"),
        toml::Value::Array(_) | toml::Value::Table(_) => {
            Err("takes a value or a list of values, not a table or a list of lists")
        }
    }
}

/// Why clap refused a value, without its "error:" and its advice to try `--help`.
fn clap_reason(error: &clap::Error) -> String {
    let text = error.to_string();
    let text = text.trim_start_matches("error: ");
    text.split("\n\n").next().unwrap_or(text).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_with(file: &str, args: &[&str]) -> Result<Cli, LoadError> {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("portico.toml");
        std::fs::write(&path, file).expect("write");
        let mut all: Vec<OsString> = vec!["portico".into(), "--config".into(), path.clone().into()];
        all.extend(args.iter().map(OsString::from));
        Cli::load(all, None)
    }

    fn file_error(result: Result<Cli, LoadError>) -> String {
        match result {
            Err(LoadError::File(message)) => message,
            Err(LoadError::Arguments(error)) => panic!("a command-line error: {error}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn a_flag_beats_the_file_which_beats_the_default() {
        let file = "database_url = \"sqlite:///srv/portico/portico.db\"\npublic_url = \"https://members.example.com\"\n\
                    trusted_proxy = [\"10.0.0.1\", \"10.0.0.2\"]\nno_demo = true\nmail_from = \"Canal <m@example.com>\"\n";
        let cli = load_with(file, &["member", "list"]).expect("loaded");
        assert_eq!(cli.database_url, "sqlite:///srv/portico/portico.db", "a global flag's key");
        let public = cli.serve.public_url.as_ref().map(url::Url::as_str);
        assert_eq!(public, Some("https://members.example.com/"), "the subcommands see the serve keys");
        assert_eq!(cli.serve.trusted_proxies.len(), 2, "a list");
        assert!(cli.serve.no_demo);
        assert_eq!(cli.serve.mail.from, "Canal <m@example.com>", "a flag named apart from its field");
        assert_eq!(cli.serve.bind.to_string(), "127.0.0.1:8080", "no key: the default");

        let cli = load_with(file, &["serve", "--public-url", "https://other.example.com"]).expect("loaded");
        let Some(Command::Serve(serve)) = cli.command else { panic!("serve") };
        assert_eq!(serve.public_url.map(String::from).as_deref(), Some("https://other.example.com/"));
        assert!(serve.no_demo, "`serve` reads the file too");
        assert_eq!(cli.database_url, "sqlite:///srv/portico/portico.db");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused_naming_the_key_and_the_file() {
        let message = file_error(load_with("smtp_host = \"mail.example.com\"\n", &[]));
        assert!(message.contains("portico.toml") && message.contains("\"smtp_host\""), "{message}");
        assert!(message.contains("did you mean smtp_url?"), "{message}");
        let message = file_error(load_with("[smtp]\nurl = \"smtp://x\"\n", &[]));
        assert!(message.contains("unknown key \"smtp\""), "{message}");
        let message = file_error(load_with("config = \"other.toml\"\n", &[]));
        assert!(message.contains("unknown key \"config\""), "{message}");
        let message = file_error(load_with("bind = \"everywhere\"\n", &[]));
        assert!(message.contains("portico.toml: bind: invalid value 'everywhere'"), "{message}");
        let message = file_error(load_with("metrics_bind = \"public\"\n", &[]));
        assert!(message.contains("not an address"), "{message}");
        let message = file_error(load_with("bind = [\"127.0.0.1:1\", \"127.0.0.1:2\"]\n", &[]));
        assert!(message.contains("bind takes one value"), "{message}");
    }

    #[test]
    fn secrets_in_the_file_are_never_echoed() {
        let message = file_error(load_with("secret_key = \"hunter2-not-closed\n", &[]));
        assert!(message.contains("line 1") && !message.contains("hunter2"), "{message}");
        let message = file_error(load_with("\n\nsmtp_password = [\"hunter2\", \"again\"]\n", &[]));
        assert!(!message.contains("hunter2"), "{message}");
        let file = "secret_key = \"hunter2hunter2\"\nsmtp_url = \"smtp://u:hunter2@mail\"\n";
        let help = match load_with(file, &["serve", "--help"]) {
            Err(LoadError::Arguments(help)) => help.to_string(),
            _ => panic!("help"),
        };
        assert!(help.contains("--secret-key") && !help.contains("hunter2"), "{help}");
        let cli = load_with(file, &[]).expect("loaded");
        assert!(!format!("{cli:?}").contains("hunter2"));
    }

    #[test]
    fn the_config_path_comes_from_the_flag_then_the_variable() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        let path =
            |list: &[&str], variable: Option<&str>| config_path(args(list), variable.map(OsString::from)).0;
        let (_, rest) = config_path(args(&["portico", "--config", "a.toml", "member", "list"]), None);
        assert_eq!(rest, args(&["portico", "member", "list"]), "taken off the command line");
        let after_dashes = ["portico", "member", "set", "a@example.com", "--", "--config", "x"];
        assert_eq!(config_path(args(&after_dashes), None).1, args(&after_dashes), "not after --");
        assert_eq!(
            path(&["portico", "member", "list", "--config", "a.toml"], Some("b.toml")),
            Some("a.toml".into())
        );
        assert_eq!(path(&["portico", "--config=a.toml"], None), Some("a.toml".into()));
        assert_eq!(path(&["portico", "serve"], Some("b.toml")), Some("b.toml".into()));
        assert_eq!(path(&["portico", "serve"], Some("")), None, "empty: no file");
        assert_eq!(path(&["portico", "--", "--config", "a.toml"], Some("b.toml")), Some("b.toml".into()));
    }

    #[test]
    fn metrics_bind_takes_an_address_api_or_off() {
        assert_eq!(parse_metrics_bind("api"), Ok(MetricsBind::Api));
        assert_eq!(parse_metrics_bind("off"), Ok(MetricsBind::Off));
        assert_eq!(
            parse_metrics_bind("0.0.0.0:9464"),
            Ok(MetricsBind::Address("0.0.0.0:9464".parse().expect("address")))
        );
        assert!(parse_metrics_bind("public").is_err());
    }
}
