//! Fresh databases for the benchmark, filled through Portico's own store: members with
//! a real Argon2id hash of one known password, and a signed-in session each.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use portico::auth::password::{HashCost, PasswordHasher};
use portico::auth::token::TokenPair;
use portico::clock::SystemClock;
use portico::domain::audit::{AuditEvent, AuditKind};
use portico::domain::fields::email_key;
use portico::domain::patch::ProfilePatch;
use portico::domain::photo::{self, PhotoKind};
use portico::service::operator;
use portico::service::{AppState, Settings};
use portico::store::{self, NewMember, NewSession, SessionTokens, VerifiedPassword};
use secrecy::SecretString;
use sqlx::Connection;

pub const PASSWORD: &str = "bench-Password-2026";

/// A database created for one store's measurements, dropped afterwards (PostgreSQL).
pub struct BenchDatabase {
    pub url: String,
    pub label: &'static str,
    admin_url: Option<String>,
    name: String,
}

impl BenchDatabase {
    pub async fn create(store: &str, dir: &Path, postgres_admin: &str, suffix: &str) -> anyhow::Result<Self> {
        match store {
            "sqlite" => {
                let path = dir.join(format!("bench-{suffix}.db"));
                Ok(BenchDatabase {
                    url: format!("sqlite://{}", path.display()),
                    label: "SQLite",
                    admin_url: None,
                    name: String::new(),
                })
            }
            "postgres" => {
                let name = format!("portico_bench_{suffix}_{}", std::process::id());
                admin(postgres_admin, &format!("drop database if exists {name} with (force)")).await?;
                admin(postgres_admin, &format!("create database {name}")).await?;
                let url = url_with_database(postgres_admin, &name)?;
                Ok(BenchDatabase { url, label: "PostgreSQL", admin_url: Some(postgres_admin.into()), name })
            }
            other => anyhow::bail!("unknown store {other} (sqlite or postgres)"),
        }
    }

    pub async fn drop_database(&self) -> anyhow::Result<()> {
        if let Some(admin_url) = &self.admin_url {
            admin(admin_url, &format!("drop database if exists {} with (force)", self.name)).await?;
        }
        Ok(())
    }
}

fn url_with_database(admin_url: &str, name: &str) -> anyhow::Result<String> {
    let (base, _) = admin_url.rsplit_once('/').context("a postgres:// URL with a database")?;
    Ok(format!("{base}/{name}"))
}

async fn admin(admin_url: &str, statement: &str) -> anyhow::Result<()> {
    let mut connection =
        sqlx::PgConnection::connect(admin_url).await.with_context(|| format!("connecting to {admin_url}"))?;
    sqlx::query(sqlx::AssertSqlSafe(statement.to_string())).execute(&mut connection).await?;
    Ok(())
}

/// The seeded population and where its credentials were written for the load scripts.
pub struct Population {
    /// Access tokens of the members the reads and writes are spread over.
    pub tokens_file: PathBuf,
    /// Access tokens of a separate group whose passwords the password scenarios change.
    pub password_tokens: Vec<String>,
    pub emails_file: PathBuf,
    /// `Authorization: Basic` values of a few members (the Basic GET scenario).
    pub basic_file: PathBuf,
    /// `token path` of members with an avatar (the avatar GET scenario).
    pub avatars_file: PathBuf,
    dir: PathBuf,
}

/// Members whose credentials the Basic GET sends: each is hashed once per node, then
/// remembered.
pub const BASIC_MEMBERS: usize = 32;

/// `members` share the reads and writes; `changers` (split into `PASSWORD_SLICES` groups)
/// have their passwords changed.
pub async fn populate(
    database_url: &str,
    members: usize,
    changers: usize,
    dir: &Path,
) -> anyhow::Result<Population> {
    let store = store::connect(database_url, &Default::default()).await?;
    let hasher = PasswordHasher::new(HashCost::default(), 1, 1)?;
    let state = AppState::new(store, hasher, Arc::new(SystemClock), Settings::default());
    let location = operator::add_location(&state, "Bench Space", "GB").await?;
    let permit = state.hasher.admit(&Default::default())?;
    let password_hash = permit.hash(&SecretString::from(PASSWORD)).await?;
    let now = state.clock.now();
    let new_member = |group: &str, i: usize| {
        let email = format!("{group}{i}@bench.example");
        NewMember {
            email_key: email_key(&email),
            email,
            password_hash: password_hash.clone(),
            full_name: format!("Bench Member {group} {i}"),
            location_id: location.id,
            fields: ProfilePatch::default(),
            summary_html: None,
        }
    };
    let load: Vec<NewMember> = (0..members).map(|i| new_member("load", i)).collect();
    let changers: Vec<NewMember> = (0..changers).map(|i| new_member("pw", i)).collect();
    let load_added = state.store.add_members(&load, now).await?;
    let changers_added = state.store.add_members(&changers, now).await?;

    let tokens = sign_in_directly(&state, &load, &load_added).await?;
    let password_tokens = sign_in_directly(&state, &changers, &changers_added).await?;
    let tokens_file = dir.join("tokens.txt");
    let emails_file = dir.join("emails.txt");
    std::fs::write(&tokens_file, tokens.join("\n"))?;
    std::fs::write(&emails_file, load.iter().map(|m| m.email.clone()).collect::<Vec<_>>().join("\n"))?;
    let basic_file = dir.join("basic.txt");
    let basic: Vec<String> = load
        .iter()
        .take(BASIC_MEMBERS)
        .map(|m| {
            use base64::Engine;
            let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{}:{PASSWORD}", m.email));
            format!("Basic {encoded}")
        })
        .collect();
    std::fs::write(&basic_file, basic.join("\n"))?;
    let avatars_file = dir.join("avatars.txt");
    let avatars = with_avatars(&state, &load_added, &tokens).await?;
    std::fs::write(&avatars_file, avatars.join("\n"))?;
    Ok(Population {
        tokens_file,
        password_tokens,
        emails_file,
        basic_file,
        avatars_file,
        dir: dir.to_path_buf(),
    })
}

/// Members whose avatar the avatar GET reads .
pub const AVATAR_MEMBERS: usize = 64;

/// Gives the first members a photo (one upload, processed as the API does) and answers
/// `token path` lines.
async fn with_avatars(
    state: &AppState,
    added: &[store::AddedMember],
    tokens: &[String],
) -> anyhow::Result<Vec<String>> {
    let picture =
        image::RgbImage::from_fn(1200, 900, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 120]));
    let mut upload = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut upload, image::ImageFormat::Png)?;
    let photo =
        photo::process(upload.get_ref(), PhotoKind::Avatar).map_err(|e| anyhow::anyhow!(e.message))?;
    let mut lines = Vec::new();
    for (ids, token) in added.iter().zip(tokens).take(AVATAR_MEMBERS) {
        state.store.save_photo(ids.profile_id, PhotoKind::Avatar, &photo, state.clock.now()).await?;
        let unique_id = state.store.profile(ids.profile_id).await?.unique_id;
        lines.push(format!("{token} {}", photo::path(&unique_id, PhotoKind::Avatar)));
    }
    Ok(lines)
}

/// Opens a session per member through the store, as a sign-in would after checking the
/// password (done once per member here instead of a thousand Argon2 verifications).
async fn sign_in_directly(
    state: &AppState,
    members: &[NewMember],
    added: &[store::AddedMember],
) -> anyhow::Result<Vec<String>> {
    let now = state.clock.now();
    let mut tokens = Vec::with_capacity(members.len());
    for (member, ids) in members.iter().zip(added) {
        let pair = TokenPair::generate();
        let session = NewSession {
            user_id: ids.user_id,
            profile_id: ids.profile_id,
            tokens: SessionTokens {
                access_hash: pair.access_hash(),
                refresh_hash: pair.refresh_hash(),
                access_expires_at: now + time::Duration::days(7),
                refresh_expires_at: now + time::Duration::days(15),
            },
            created_at: now,
            expires_at: now + time::Duration::days(90),
            source: Some("bench".into()),
            user_agent: None,
            client_id: member.email_key.clone(),
        };
        let verified = VerifiedPassword {
            hash: member.password_hash.clone(),
            lockout_key: portico::domain::fields::email_digest(&member.email_key),
        };
        let audit = AuditEvent {
            at: now,
            kind: AuditKind::SignIn,
            user_id: Some(ids.user_id),
            email_key: Some(member.email_key.clone()),
            source: Some("bench".into()),
            user_agent: None,
            detail: None,
            actor: None,
        };
        state.store.create_session(&session, &verified, &audit).await?;
        tokens.push(pair.access);
    }
    Ok(tokens)
}

/// How many separate groups the password-changing members are split into.
pub const PASSWORD_SLICES: usize = 6;

impl Population {
    /// The tokens of one group of password-changing members. Each password run gets a group
    /// of its own: changes still in flight when a run ends (the server finishes them) cannot
    /// affect the next run, which starts from the known password.
    pub fn password_slice(&self, slice: usize) -> anyhow::Result<PathBuf> {
        let size = (self.password_tokens.len() / PASSWORD_SLICES).max(1);
        let start = (slice % PASSWORD_SLICES) * size;
        let end = (start + size).min(self.password_tokens.len());
        let path = self.dir.join(format!("password-tokens-{slice}.txt"));
        std::fs::write(&path, self.password_tokens[start..end].join("\n"))?;
        Ok(path)
    }
}

/// Leaves the store in the same state before each measurement: SQLite's write-ahead log
/// checkpointed into the database, PostgreSQL checkpointed with fresh statistics.
pub async fn settle(database_url: &str) -> anyhow::Result<()> {
    if let Some(path) = sqlite_file(database_url) {
        let connection = rusqlite::Connection::open(path)?;
        // RESTART, not TRUNCATE: the log keeps its size, so later commits do not pay for
        // growing the file and every measurement starts alike.
        connection.query_row("pragma wal_checkpoint(restart)", [], |_| Ok(()))?;
    } else {
        let mut connection = sqlx::PgConnection::connect(database_url).await?;
        sqlx::query("checkpoint").execute(&mut connection).await?;
        sqlx::query("vacuum analyze").execute(&mut connection).await?;
    }
    Ok(())
}

/// Fills a database with `count` members straight in SQL, for the start-up measurement.
pub async fn bulk_members(database_url: &str, count: usize) -> anyhow::Result<()> {
    let store = store::connect(database_url, &Default::default()).await?;
    drop(store);
    let count = count as i64;
    if let Some(path) = sqlite_file(database_url) {
        let connection = rusqlite::Connection::open(path)?;
        for statement in SQLITE_BULK {
            connection.execute(statement, [count])?;
        }
    } else {
        let mut connection = sqlx::PgConnection::connect(database_url).await?;
        for statement in POSTGRES_BULK {
            sqlx::query(*statement).bind(count).execute(&mut connection).await?;
        }
    }
    Ok(())
}

/// The file of a `sqlite://PATH` URL.
pub fn sqlite_file(database_url: &str) -> Option<&str> {
    database_url.strip_prefix("sqlite://")
}

const SQLITE_BULK: &[&str] = &[
    "insert into locations (name, web_address, country_id, created_on) select 'Startup', 'startup', 826, '2026-01-01T00:00:00Z' where ?1 > 0",
    "with recursive n(i) as (select 1 union all select i + 1 from n where i < ?1) \
     insert into users (email, email_key, password_hash, full_name, created_on, updated_on) \
     select 'm' || i || '@startup.example', 'm' || i || '@startup.example', 'x', 'Member ' || i, \
     '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' from n",
    "insert into profiles (unique_id, user_id, location_id, full_name, country_id, billing_name, billing_email, \
     billing_country_id, created_on, updated_on) \
     select 'startup-' || u.id, u.id, l.id, u.full_name, 826, u.full_name, u.email, 826, u.created_on, u.created_on \
     from users u, locations l where l.name = 'Startup' and ?1 > 0",
    "update users set default_profile_id = (select p.id from profiles p where p.user_id = users.id) where ?1 > 0",
];

const POSTGRES_BULK: &[&str] = &[
    "insert into locations (name, web_address, country_id, created_on) select 'Startup', 'startup', 826, now() where $1 > 0",
    "insert into users (email, email_key, password_hash, full_name, created_on, updated_on) \
     select 'm' || i || '@startup.example', 'm' || i || '@startup.example', 'x', 'Member ' || i, now(), now() \
     from generate_series(1, $1) as i",
    "insert into profiles (unique_id, user_id, location_id, full_name, country_id, billing_name, billing_email, \
     billing_country_id, created_on, updated_on) \
     select 'startup-' || u.id, u.id, l.id, u.full_name, 826, u.full_name, u.email, 826, u.created_on, u.created_on \
     from users u, locations l where l.name = 'Startup' and $1 > 0",
    "update users u set default_profile_id = p.id from profiles p where p.user_id = u.id and $1 > 0",
];
