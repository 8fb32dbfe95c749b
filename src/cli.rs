//! Runs the command the operator chose.

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpListener;

use std::num::NonZeroU32;

use crate::ai::AiDefaults;
use crate::auth::key::ServerKey;
use crate::auth::password::{HashCost, PasswordHasher};
use crate::clock::SystemClock;
use crate::config::{
    Cli, Command, DEFAULT_METRICS_BIND, FieldCommand, KeyCommand, LocationCommand, MailCommand,
    MemberCommand, MetricsBind, ServeArgs, SqliteSynchronousArg, StaffCommand, UnknownFieldsArg,
};
use crate::domain::ai::AiSetting;
use crate::domain::patch::UnknownFields;
use crate::domain::profile::Location;
use crate::mail::{MailSettings, Mailer};
use crate::service::custom_fields::NewCustomField;
use crate::service::operator::{self, BrandChange, MemberInput, PolicyChange};
use crate::service::rate_limit::RateLimitSettings;
use crate::service::{AppState, Settings};
use crate::store::{self, ConnectOptions};

/// The error and its causes, each said once: a database error often repeats its own
/// message as its cause.
pub fn describe_error(error: &anyhow::Error) -> String {
    let mut said: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !said.iter().any(|earlier| earlier.contains(&text)) {
            said.push(text);
        }
    }
    said.join(": ")
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(file) = &cli.config {
        tracing::info!(file = %file.display(), "configuration file read");
    }
    match cli.command {
        None => serve(&cli.database_url, cli.serve).await,
        Some(Command::Serve(args)) => serve(&cli.database_url, args).await,
        Some(Command::Backup { file }) => {
            let database = sqlite_file(&cli.database_url, "backup")?;
            store::sqlite::backup::backup(&database, &file)?;
            let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            println!("Backed up {} to {} ({size} bytes), checked whole.", database.display(), file.display());
            Ok(())
        }
        Some(Command::Restore { file }) => {
            let database = sqlite_file(&cli.database_url, "restore")?;
            store::sqlite::backup::restore(&file, &database)?;
            println!(
                "Restored {} from {}. Start Portico again; migrations newer than the backup run at start.",
                database.display(),
                file.display()
            );
            Ok(())
        }
        Some(Command::Migrate) => {
            let before = store::applied_migrations(&cli.database_url).await;
            open(&cli.database_url, &cli.serve).await?;
            let after = store::applied_migrations(&cli.database_url).await;
            match after.saturating_sub(before) {
                0 => println!("The database schema was already up to date ({after} migrations)."),
                _ if before == 0 => println!("Created the database schema ({after} migrations)."),
                applied => println!("Applied {applied} new migration(s); the schema is up to date."),
            }
            Ok(())
        }
        Some(Command::Location(command)) => location(&cli.database_url, &cli.serve, command).await,
        Some(Command::Member(command)) => member(&cli.database_url, &cli.serve, command).await,
        Some(Command::Seed { location, members, seed, photos }) => {
            let app = open(&cli.database_url, &cli.serve).await?;
            let report = crate::service::seed::seed(&app, &location, members, seed).await?;
            let per_second = report.members as f64 / report.elapsed.as_secs_f64().max(1e-9);
            println!(
                "Seeded {} members at {} in {:.1} s ({per_second:.0} members/s).",
                report.members,
                report.location,
                report.elapsed.as_secs_f64(),
            );
            if photos {
                let given = crate::service::seed::add_photos(&app, &report.location, seed).await?;
                println!("Gave {given} of them a portrait.");
            }
            // The seeded addresses end alike (`seed::fake_member`): one of them, to sign in with.
            let seeded = format!("@s{seed}.seed.example");
            let first = operator::find_members(&app, Some(&seeded), Some(&report.location), 1).await?;
            if let Some(member) = first.first() {
                println!(
                    "Sign in as {} (or as any of them) with the password {}; \
                     `portico member list --location {:?}` lists them.",
                    member.email,
                    crate::service::seed::SEED_PASSWORD,
                    report.location
                );
            }
            Ok(())
        }
        Some(Command::Audit { email }) => audit(&cli.database_url, &cli.serve, &email).await,
        Some(Command::Staff(command)) => staff(&cli.database_url, &cli.serve, command).await,
        Some(Command::Mail(MailCommand::Outbox { to, limit })) => {
            let app = open_existing(&cli.database_url, &cli.serve).await?;
            print_outbox(&app, to.as_deref(), limit).await
        }
    }
}

/// Connects to the store (migrating it) and builds the state every command shares.
/// [`open`] for the subcommands that look after an existing deployment: a SQLite file that
/// does not exist is refused, naming where it was looked for, instead of being created
/// empty (where every answer would be plausible and wrong: "no such member").
pub async fn open_existing(database_url: &str, args: &ServeArgs) -> anyhow::Result<AppState> {
    if let Some(path) = store::sqlite::database_path(database_url)
        && !path.exists()
    {
        let absolute = std::env::current_dir().map(|dir| dir.join(&path)).unwrap_or(path);
        anyhow::bail!(
            "there is no Portico database at {} (database URL {}). Run this where the server's \
             database is, or with the server's configuration file (--config or PORTICO_CONFIG), or \
             set PORTICO_DATABASE_URL to its absolute path; `portico serve`, `portico migrate` and \
             `portico location add` create a new one",
            absolute.display(),
            store::redact(database_url)
        );
    }
    open(database_url, args).await
}

pub async fn open(database_url: &str, args: &ServeArgs) -> anyhow::Result<AppState> {
    let options = ConnectOptions {
        max_connections: args.db_max_connections,
        sqlite_synchronous_full: matches!(args.sqlite_synchronous, SqliteSynchronousArg::Full),
    };
    let store = store::connect(database_url, &options)
        .await
        .with_context(|| format!("opening the database at {}", store::redact(database_url)))?;
    let cost = HashCost {
        memory_kib: args.argon2_memory_kib,
        iterations: args.argon2_iterations,
        ..HashCost::default()
    };
    let concurrency = match args.hash_concurrency {
        0 => std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
        n => n,
    };
    if args.ai.timeout.is_zero() || args.ai.timeout >= args.request_timeout {
        anyhow::bail!(
            "--ai-timeout ({:?}) must be above zero and shorter than --request-timeout ({:?}), so a slow provider gets its own answer (504)",
            args.ai.timeout,
            args.request_timeout
        );
    }
    if args.header_read_timeout.is_zero() || args.idle_timeout <= args.request_timeout {
        anyhow::bail!(
            "--header-read-timeout ({:?}) must be above zero and --idle-timeout ({:?}) longer than --request-timeout ({:?}), so no request in progress is cut",
            args.header_read_timeout,
            args.idle_timeout,
            args.request_timeout
        );
    }
    let settings = Settings {
        access_token_ttl: args.access_token_ttl,
        refresh_token_ttl: args.refresh_token_ttl,
        session_lifetime: args.session_lifetime,
        rate_limits: RateLimitSettings {
            token_per_minute: NonZeroU32::new(args.token_rate_limit),
            password_change_per_minute: NonZeroU32::new(args.password_change_rate_limit),
            account_mail_per_minute: NonZeroU32::new(args.mail.reset_rate_limit),
            reset_per_address_hour: NonZeroU32::new(args.mail.resets_per_address),
        },
        trusted_proxies: args.trusted_proxies.clone(),
        unknown_fields: match args.unknown_fields {
            UnknownFieldsArg::Reject => UnknownFields::Reject,
            UnknownFieldsArg::Ignore => UnknownFields::Ignore,
        },
        body_limit_bytes: args.body_limit,
        request_timeout: args.request_timeout,
        header_read_timeout: args.header_read_timeout,
        idle_timeout: args.idle_timeout,
        history_retention: args.history_retention,
        cors_origins: args.cors_origins.clone(),
        directory_image_hosts: args
            .directory_image_hosts
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect(),
        public_url: args.public_url.clone(),
        metrics_with_api: args.metrics_bind == Some(MetricsBind::Api),
        ai: AiDefaults {
            provider: args.ai.provider,
            base_url: args.ai.base_url.clone(),
            model: args.ai.model.clone(),
            api_key: args.ai.api_key.clone(),
            timeout: args.ai.timeout,
            drafts_per_member_hour: args.ai.drafts_per_hour,
            drafts_per_location_day: args.ai.daily_cap,
            ..AiDefaults::default()
        },
        mail: MailSettings {
            smtp_url: args.mail.smtp_url.clone(),
            smtp_password: args.mail.smtp_password.clone(),
            from: args.mail.from.clone(),
            retry_base: args.mail.retry,
            poll: args.mail.poll,
        },
        invitation_lifetime: args.mail.invitation_lifetime,
        secret_key: Arc::new(secret_key(database_url, args)?),
        ..Settings::default()
    };
    let hasher = PasswordHasher::new(cost, concurrency, args.hash_queue.saturating_mul(concurrency))?;
    Ok(AppState::new(store, hasher, Arc::new(SystemClock), settings))
}

/// The database file of a SQLite URL; with PostgreSQL, why its own tools do this better.
fn sqlite_file(database_url: &str, what: &str) -> anyhow::Result<std::path::PathBuf> {
    store::sqlite::database_path(database_url).ok_or_else(|| {
        anyhow::anyhow!(
            "`portico {what}` is for SQLite deployments. With PostgreSQL, use pg_dump and pg_restore \
             (pg_dump --format=custom): they take a consistent snapshot while Portico serves, and your \
             PostgreSQL backups (base backups, WAL archiving) already cover Portico's database; see docs/OPERATIONS.md"
        )
    })
}

/// The key from `PORTICO_SECRET_KEY`, or from its file (made at first start).
fn secret_key(database_url: &str, args: &ServeArgs) -> anyhow::Result<ServerKey> {
    if let Some(text) = &args.secret_key {
        return ServerKey::from_text(text.expose_secret()).context("PORTICO_SECRET_KEY");
    }
    let path = match &args.secret_key_file {
        Some(path) => path.clone(),
        None => store::sqlite::database_path(database_url)
            .and_then(|db| db.parent().map(|dir| dir.join("portico.key")))
            .unwrap_or_else(|| std::path::PathBuf::from("portico.key")),
    };
    ServerKey::load_or_create(&path)
}

async fn serve(database_url: &str, args: ServeArgs) -> anyhow::Result<()> {
    let state = open(database_url, &args).await?;
    let listener = TcpListener::bind(args.bind).await.with_context(|| format!("binding {}", args.bind))?;
    let address = listener.local_addr()?;
    if !args.no_demo
        && let Some(demo) = operator::seed_demo(&state).await?
    {
        print_demo(&demo, address);
    }
    tokio::spawn(purge_periodically(state.clone()));
    tokio::spawn(refresh_stale_bios(state.clone()));
    match Mailer::new(&state.settings.mail)? {
        Some(mailer) => {
            tokio::spawn(crate::service::outbox::run(state.clone(), mailer));
        }
        None => println!(
            "No SMTP server (smtp_url, PORTICO_SMTP_URL): mail waits in the outbox; `portico mail outbox` shows it."
        ),
    }
    start_metrics(args.metrics_bind, address, &state).await?;
    tracing::info!(%address, database = %store::redact(database_url), "Portico is serving");
    println!("Portico is serving on http://{address}");
    crate::serve(listener, state.clone(), shutdown_signal()).await?;
    if let Err(error) = state.store.close().await {
        tracing::warn!(%error, "could not close the database cleanly");
    }
    tracing::info!("Portico stopped");
    Ok(())
}

/// `/metrics` where `--metrics-bind` says. Left unset, on 127.0.0.1:9464 if it is free: a
/// second node on the machine (or a test's) then serves without metrics and says so, rather
/// than refusing to start over something the operator did not ask for.
async fn start_metrics(
    bind: Option<MetricsBind>,
    api: std::net::SocketAddr,
    state: &AppState,
) -> anyhow::Result<()> {
    let listener = match bind {
        Some(MetricsBind::Off) => return Ok(()),
        Some(MetricsBind::Api) => {
            println!("Metrics with the API, on http://{api}/metrics");
            return Ok(());
        }
        Some(MetricsBind::Address(address)) => TcpListener::bind(address)
            .await
            .with_context(|| format!("binding {address} for /metrics (--metrics-bind)"))?,
        None => match TcpListener::bind(DEFAULT_METRICS_BIND).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, address = %DEFAULT_METRICS_BIND, "no /metrics: set --metrics-bind");
                println!(
                    "No metrics: {DEFAULT_METRICS_BIND} is taken ({error}); choose another with --metrics-bind."
                );
                return Ok(());
            }
        },
    };
    println!("Metrics on http://{}/metrics", listener.local_addr()?);
    tokio::spawn(crate::server::serve_metrics(listener, state.clone()));
    Ok(())
}

/// Bios stored before this version, or under other image hosts, get their HTML once.
async fn refresh_stale_bios(state: AppState) {
    match crate::service::bio::refresh_stale(&state).await {
        Ok(0) => {}
        Ok(count) => tracing::info!(count, "rendered the HTML of bios saved before"),
        Err(error) => tracing::warn!(%error, "could not render the bios saved before"),
    }
}

/// Expired sessions, stale lockout counters and history past its retention are deleted
/// hourly, and idle addresses are forgotten by the rate limits; nothing but the history's
/// retention depends on it (lookups check expiry themselves).
async fn purge_periodically(state: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        state.limits.forget_idle();
        if let Err(error) = crate::service::ops::purge(&state).await {
            tracing::warn!(%error, "could not purge expired sessions and old history");
        }
    }
}

/// Where the operator finds the message when no SMTP server sends it.
fn outbox_hint(app: &AppState, email: &str) -> String {
    if app.settings.mail.smtp_url.is_some() {
        " The e-mail is on its way.".into()
    } else {
        format!(
            " No SMTP server is configured (smtp_url in the configuration file, or PORTICO_SMTP_URL): \
             `portico mail outbox --to {email}` shows the e-mail and its link."
        )
    }
}

fn print_demo(demo: &operator::DemoAccount, address: std::net::SocketAddr) {
    println!("This database was empty, so it now holds a demo location ({}) and member.", demo.location);
    println!("The password is shown only this once. Sign in with:\n");
    println!(
        "  curl -s http://{address}/api/token -d grant_type=password -d username={} -d password={}\n",
        demo.email, demo.password
    );
}

/// `PORTICO_MEMBER_PASSWORD`, or asked for twice at the terminal without echo.
fn new_password_from_operator() -> anyhow::Result<SecretString> {
    if let Ok(password) = std::env::var("PORTICO_MEMBER_PASSWORD") {
        return Ok(SecretString::from(password));
    }
    let first = rpassword::prompt_password("New password: ").context("reading the password")?;
    let again = rpassword::prompt_password("The same again: ").context("reading the password")?;
    anyhow::ensure!(first == again, "the two passwords differ; nothing was changed");
    Ok(SecretString::from(first))
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

async fn location(database_url: &str, args: &ServeArgs, command: LocationCommand) -> anyhow::Result<()> {
    let state = match command {
        LocationCommand::Add { .. } => open(database_url, args).await?,
        _ => open_existing(database_url, args).await?,
    };
    match command {
        LocationCommand::List => {
            for location in operator::locations(&state).await? {
                println!("{}\t{}\t{}\t{}", location.id, location.name, location.web_address, location.policy);
            }
        }
        LocationCommand::Rename { name, new_name } => {
            let location = operator::rename_location(&state, &name, &new_name).await?;
            println!("Renamed {name} to {} (web address {} kept).", location.name, location.web_address);
        }
        LocationCommand::Set { name, display_name, accent, logo, remove_logo, contact, language } => {
            let logo = match logo {
                Some(path) => Some(
                    std::fs::read(&path)
                        .map_err(|e| anyhow::anyhow!("the logo {} could not be read: {e}", path.display()))?,
                ),
                None => None,
            };
            let change =
                BrandChange { display_name, accent, logo, remove_logo, contact_relay: contact, language };
            let location = operator::set_brand(&state, &name, change).await?;
            println!("{}", describe_brand(&location));
        }
        LocationCommand::Add { name, country } => {
            let location = operator::add_location(&state, &name, &country).await?;
            println!(
                "Created location {} (Id {}, web address {}).",
                location.name, location.id, location.web_address
            );
        }
        LocationCommand::Ai { name, provider, base_url, model, api_key_env, daily_cap } => {
            let setting = AiSetting { provider: Some(provider), base_url, model, api_key_env, daily_cap };
            let location = operator::set_ai(&state, &name, setting).await?;
            println!("AI drafts at {}: {}.", location.name, describe_ai(&location.ai));
        }
        LocationCommand::Policy { name, rules } => {
            let change = PolicyChange {
                min_length: rules.min_length,
                max_length: rules.max_length,
                reject_common: rules.reject_common,
                reject_personal: rules.reject_personal,
                require_digit: rules.require_digit,
                require_upper: rules.require_upper,
                require_lower: rules.require_lower,
                require_symbol: rules.require_symbol,
                min_score: rules.min_score,
                require_two_step: rules.require_two_step,
            };
            let policy = operator::set_policy(&state, &name, change).await?;
            println!("The password policy of {name} is now: {policy}.");
        }
        LocationCommand::Field { command } => custom_field(&state, command).await?,
    }
    Ok(())
}

async fn custom_field(state: &crate::service::AppState, command: FieldCommand) -> anyhow::Result<()> {
    match command {
        FieldCommand::Add { location, label, kind, choices, required, staff_only, in_directory } => {
            let new = NewCustomField { label, kind, choices, required, staff_only, in_directory };
            let field = operator::define_custom_field(state, &location, new).await?;
            println!("Added {} at {location}: {}.", field.property(), describe_field(&field));
        }
        FieldCommand::List { location } => {
            let fields = operator::custom_fields(state, &location).await?;
            if fields.is_empty() {
                println!("{location} has no custom fields; add one with `portico location field add`.");
            }
            for field in fields {
                println!("{}\t{}", field.property(), describe_field(&field));
            }
        }
        FieldCommand::Remove { location, slot } => {
            let cleared = operator::remove_custom_field(state, &location, slot).await?;
            println!("Removed Custom{slot} at {location} and {cleared} member answer(s) to it.");
        }
    }
    Ok(())
}

fn describe_field(field: &crate::domain::custom::CustomField) -> String {
    let mut parts = vec![format!("{:?}", field.label), field.kind.as_str().to_string()];
    if !field.choices.is_empty() {
        parts.push(format!("choices {}", field.choices.join(" | ")));
    }
    parts.push(if field.member_editable { "member-editable" } else { "staff-only" }.into());
    if field.required {
        parts.push("required".into());
    }
    if field.in_directory {
        parts.push("in the directory".into());
    }
    parts.join(", ")
}

fn describe_brand(location: &Location) -> String {
    let name = location.display_name.as_deref().unwrap_or(&location.name);
    let accent = location.accent.map_or_else(|| "the portal's own".to_string(), |accent| accent.hex());
    let logo = if location.logo_tag.is_some() {
        format!("served at {}", crate::domain::brand::logo_path(location.id))
    } else {
        "none".to_string()
    };
    let contact = if location.contact_relay { "on" } else { "off" };
    format!(
        "{}: shown as {name:?}; accent {accent}; logo {logo}; language {}; writing to members {contact}.",
        location.name,
        location.language.code()
    )
}

fn describe_ai(setting: &AiSetting) -> String {
    let provider = setting.provider.map_or("the default", |p| p.as_str());
    let mut parts = vec![format!("provider {provider}")];
    let named =
        [("base URL", &setting.base_url), ("model", &setting.model), ("key from", &setting.api_key_env)];
    for (label, value) in named {
        if let Some(value) = value {
            parts.push(format!("{label} {value}"));
        }
    }
    if let Some(cap) = setting.daily_cap {
        parts.push(format!("at most {cap} a day"));
    }
    parts.join(", ")
}

async fn print_outbox(app: &AppState, to: Option<&str>, limit: i64) -> anyhow::Result<()> {
    let key = to.map(crate::domain::fields::email_key);
    let messages = app.store.outbox(key.as_deref(), limit).await?;
    if messages.is_empty() {
        println!("The outbox is empty{}.", to.map(|t| format!(" for {t}")).unwrap_or_default());
    }
    for message in messages {
        let state = match message.sent_at {
            Some(at) => format!("sent {}", crate::clock::rfc3339(at)),
            None if message.attempts == 0 => "waiting".into(),
            None => format!(
                "waiting after {} attempt(s): {}",
                message.attempts,
                message.last_error.as_deref().unwrap_or("-")
            ),
        };
        println!(
            "--- #{} to {}  {}  ({state})",
            message.id,
            message.mail.to,
            crate::clock::rfc3339(message.created_at)
        );
        // The links as this process's public URL makes them, as a sender here would send them.
        let mail = crate::mail::compose::with_public_url(&message.mail, app.settings.public_base());
        println!("Subject: {}\n\n{}", mail.subject, mail.text.trim_end());
    }
    Ok(())
}

async fn staff(database_url: &str, args: &ServeArgs, command: StaffCommand) -> anyhow::Result<()> {
    use crate::service::staff as service;
    let state = open_existing(database_url, args).await?;
    match command {
        StaffCommand::Add { email, location, role, name } => {
            let invited = service::grant(&state, &email, &location, role, name.as_deref()).await?;
            if invited {
                println!("Invited {email} to choose a password (see `portico mail outbox`).");
            }
            println!(
                "{email} is {} at {location}. Staff sign in with two-step sign-in: the portal sets it up at \
                 their first sign-in.",
                role.as_str()
            );
        }
        StaffCommand::List => {
            let staff = service::staff(&state).await?;
            if staff.is_empty() {
                println!("No staff yet: `portico staff add EMAIL --location NAME --role admin`.");
            }
            for row in staff {
                println!("{}\t{}\t{}", row.location_name, row.email, row.role.as_str());
            }
        }
        StaffCommand::Remove { email, location } => {
            if service::revoke(&state, &email, &location).await? {
                println!("{email} is no longer staff at {location}.");
            } else {
                println!("{email} was not staff at {location}; nothing changed.");
            }
        }
        StaffCommand::Key(KeyCommand::Add { name, location, role }) => {
            let secret = service::add_key(&state, &name, &location, role).await?;
            println!(
                "Key {name} ({} at {location}). Give the integration this secret as the Basic password \
                 (any user name); it is shown only now:\n{secret}",
                role.as_str()
            );
        }
        StaffCommand::Key(KeyCommand::List) => {
            let locations = operator::locations(&state).await?;
            for key in service::keys(&state).await? {
                let place =
                    locations.iter().find(|l| l.id == key.location_id).map_or("?", |l| l.name.as_str());
                println!("{}\t{place}\t{}", key.name, key.role.as_str());
            }
        }
        StaffCommand::Key(KeyCommand::Remove { name }) => {
            if service::remove_key(&state, &name).await? {
                println!("Removed key {name}: it no longer works.");
            } else {
                println!("There is no key named {name}.");
            }
        }
    }
    Ok(())
}

async fn audit(database_url: &str, args: &ServeArgs, email: &str) -> anyhow::Result<()> {
    let state = open_existing(database_url, args).await?;
    let groups = operator::audit(&state, email).await?;
    if groups.is_empty() {
        println!("Nothing recorded for {email}.");
    }
    for group in groups {
        match &group.user {
            Some((id, now)) if group.current_holder => {
                println!("Member {id} ({now}), who holds {email} now:")
            }
            Some((id, now)) => println!("Member {id}, now {now}, who held {email} before:"),
            None => println!("Attempts with {email} while it belonged to no member:"),
        }
        for r in group.records {
            println!(
                "  {}  {:<22} from={} agent={}{}",
                crate::clock::rfc3339(r.at),
                r.event,
                r.source.as_deref().unwrap_or("-"),
                r.user_agent.as_deref().unwrap_or("-"),
                r.detail.map(|d| format!("  ({d})")).unwrap_or_default(),
            );
        }
    }
    Ok(())
}

fn print_member(member: &operator::MemberSummary) {
    use crate::domain::catalogue::Field;
    let user = &member.user;
    let status = match (user.active, member.invited) {
        (false, _) => "suspended",
        (true, true) => "invited (no password chosen yet)",
        (true, false) => "active",
    };
    println!("Member {}: {} <{}>, {status}", user.id, user.full_name, user.email);
    println!("  since {}", crate::clock::rfc3339(user.created_on));
    println!("  two-step sign-in {}", if member.two_step_on { "on" } else { "off" });
    if user.must_reset_password {
        println!("  must choose a new password at the next sign-in");
    }
    println!("  {} live session(s)", member.live_sessions);
    for profile in &member.profiles {
        let default = if user.default_profile_id == Some(profile.id) { ", default" } else { "" };
        let kind = if profile.values.flag(Field::IsMember) { "member" } else { "contact" };
        let directory = if profile.values.flag(Field::ProfileIsPublic) {
            "in the directory"
        } else {
            "not in the directory"
        };
        let active = if profile.active { "" } else { ", suspended" };
        println!(
            "  profile {} at {}{default}: {kind}{active}, {directory}",
            profile.id, profile.location_name
        );
        for (label, field) in [("company", Field::CompanyName), ("position", Field::Position)] {
            if let Some(value) = profile.values.text(field).filter(|v| !v.is_empty()) {
                println!("    {label}: {value}");
            }
        }
    }
}

fn describe_change(change: &crate::domain::history::PropertyChange) -> String {
    use crate::domain::history::PropertyChange;
    match change {
        PropertyChange::Value { property, old, new } => format!("{property}: {old} -> {new}"),
        PropertyChange::Secret { property } => format!("{property} changed"),
    }
}

async fn member(database_url: &str, args: &ServeArgs, command: MemberCommand) -> anyhow::Result<()> {
    let state = open_existing(database_url, args).await?;
    match command {
        MemberCommand::Add { email, password, name, location } => {
            let password = match password {
                Some(password) => Some(SecretString::from(password)),
                // Without a terminal (a script), a new member without one is refused instead.
                None if std::io::stdin().is_terminal() && !operator::is_member(&state, &email).await? => {
                    Some(new_password_from_operator()?)
                }
                None => None,
            };
            let input = MemberInput { email, password, full_name: name, location };
            let added = operator::add_member(&state, input).await?;
            if added.new_user {
                println!("Created member {} with profile {}.", added.user_id, added.profile_id);
            } else {
                println!("Added profile {} to existing member {}.", added.profile_id, added.user_id);
            }
        }
        MemberCommand::Password { email, require_reset: true } => {
            operator::require_new_password(&state, &email).await?;
            println!("{email} must choose a new password at their next sign-in.");
        }
        MemberCommand::Password { email, require_reset: false } => {
            let password = new_password_from_operator()?;
            let ended = operator::set_password(&state, &email, &password).await?;
            println!("Set a new password for {email} and ended {ended} session(s).");
        }
        MemberCommand::Invite { resend: Some(email), .. } => {
            crate::service::account::resend_invitation(&state, &email).await?;
            println!(
                "Sent {email} a new invitation; the older link no longer works.{}",
                outbox_hint(&state, &email)
            );
        }
        MemberCommand::Invite { email, name, location, resend: None } => {
            let email = email.unwrap_or_default();
            let input = MemberInput {
                email: email.clone(),
                password: None,
                full_name: name.unwrap_or_default(),
                location,
            };
            let added = operator::invite_member(&state, input).await?;
            println!(
                "Invited member {} (profile {}).{}",
                added.user_id,
                added.profile_id,
                outbox_hint(&state, &email)
            );
        }
        MemberCommand::Import { file, require_reset } => {
            let reader = std::fs::File::open(&file).with_context(|| format!("opening {}", file.display()))?;
            let added = operator::import_csv(&state, reader).await?;
            if require_reset {
                for member in added.iter().filter(|m| m.new_user) {
                    state.store.set_must_reset_password(member.user_id, true).await?;
                }
            }
            let profiles = if added.len() == 1 { "profile" } else { "profiles" };
            let reset =
                if require_reset { "; each new member chooses a new password at first sign-in" } else { "" };
            println!("Imported {} {profiles} from {}{reset}.", added.len(), file.display());
        }
        MemberCommand::Sessions { email } => {
            let sessions = operator::sessions(&state, &email).await?;
            println!("{} live session(s) for {email}.", sessions.len());
            for s in sessions {
                println!(
                    "session {}  profile {}  started {}  refreshed {}  refresh expires {}  from {}  agent {}",
                    s.id,
                    s.profile_id,
                    crate::clock::rfc3339(s.created_at),
                    s.refreshed_at.map_or("-".into(), crate::clock::rfc3339),
                    crate::clock::rfc3339(s.refresh_expires_at),
                    s.source.as_deref().unwrap_or("-"),
                    s.user_agent.as_deref().unwrap_or("-"),
                );
            }
        }
        MemberCommand::List { search, location, limit } => {
            let members =
                operator::find_members(&state, search.as_deref(), location.as_deref(), limit).await?;
            if members.is_empty() {
                println!("No member matches.");
            }
            for m in &members {
                let status = if !m.active {
                    "suspended"
                } else if m.is_member {
                    "member"
                } else {
                    "contact"
                };
                println!("{}\t{}\t{}\t{}\t{status}", m.email, m.full_name, m.location_name, m.company_name);
            }
        }
        MemberCommand::Suspend { email } => {
            operator::suspend(&state, &email).await?;
            println!(
                "Suspended {email}: every session ended, out of the directory; `portico member reactivate {email}` undoes it."
            );
        }
        MemberCommand::Reactivate { email } => {
            operator::reactivate(&state, &email).await?;
            println!(
                "Reactivated {email}: they may sign in again and their public profiles are back in the directory."
            );
        }
        MemberCommand::Erase { email, confirm } => {
            let typed = match confirm {
                Some(typed) => typed,
                None => {
                    print!("This erases {email} and everything of theirs for good. Type the e-mail again: ");
                    std::io::Write::flush(&mut std::io::stdout())?;
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line
                }
            };
            anyhow::ensure!(
                typed.trim().eq_ignore_ascii_case(email.trim()),
                "the e-mail typed does not match; nothing was erased"
            );
            operator::erase(&state, &email).await?;
            println!(
                "Erased {email}. The audit log keeps a tombstone of their events (kinds and times only)."
            );
        }
        MemberCommand::Export { email } => {
            let export = operator::export_member(&state, &email).await?;
            let base = state.settings.public_base();
            println!("{}", serde_json::to_string_pretty(&crate::http::export_json(&export, base))?);
        }
        MemberCommand::Show { email } => print_member(&operator::member_summary(&state, &email).await?),
        MemberCommand::TwoFactor { reset } => {
            crate::service::two_factor::reset(&state, &reset).await?;
            println!(
                "Two-step sign-in is off for {reset}, and every session of theirs ended; they sign in with their password and may turn it on again."
            );
        }
        MemberCommand::Set { email, properties, location } => {
            let profile = operator::set_properties(&state, &email, location.as_deref(), &properties).await?;
            let names: Vec<&str> = properties.iter().map(|(name, _)| name.as_str()).collect();
            println!("Set {} on profile {} of {email}.", names.join(", "), profile.id);
        }
        MemberCommand::History { email, limit } => {
            let history = crate::service::history::of_member(&state, &email, limit).await?;
            println!("{} change(s) by {email}; the newest {}:", history.total, history.entries.len());
            for entry in history.entries {
                let changes: Vec<String> = entry.changes.iter().map(describe_change).collect();
                println!(
                    "{}  profile {}  from {}  request {}  {}",
                    crate::clock::rfc3339(entry.at),
                    entry.profile_id,
                    entry.address.as_deref().unwrap_or("-"),
                    entry.request_id.as_deref().unwrap_or("-"),
                    changes.join("; "),
                );
            }
        }
        MemberCommand::Revoke { email } => {
            let ended = operator::revoke_sessions(&state, &email).await?;
            println!("Ended {ended} session(s) of {email}.");
        }
    }
    Ok(())
}
