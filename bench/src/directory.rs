//! The directory at scale: search and tag-filter latency, measured in-process through
//! Portico's own service function, with the same generated members at two sizes on both
//! stores; and how fast `portico seed` writes into SQLite.
//!
//! The large databases are loaded straight into the tables (one transaction in SQLite,
//! batched `unnest` inserts in PostgreSQL) from the members `portico seed` would make:
//! seeding a million members through the import path would take most of an hour.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use portico::auth::password::{HashCost, PasswordHasher};
use portico::clock::SystemClock;
use portico::domain::catalogue::{Field, FieldValue};
use portico::domain::directory::{self, DirectoryParams};
use portico::domain::fields::split_tags;
use portico::domain::patch::Change;
use portico::domain::profile::Profile;
use portico::service::{AppState, Settings, operator, seed};
use portico::store::{self, NewMember};
use rand::Rng;

use crate::seed::BenchDatabase;

/// Latencies of one kind of directory request at one size on one store.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Latency {
    pub store: String,
    pub members: usize,
    pub kind: String,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DirectoryResults {
    pub latencies: Vec<Latency>,
    pub seed_members_per_second: f64,
    pub seed_rows_per_second: f64,
    pub seed_members: usize,
}

const REQUESTS: usize = 300;

pub async fn run(
    stores: &[String],
    sizes: &[usize],
    postgres_admin: &str,
    work: &Path,
    seed_members: usize,
) -> anyhow::Result<DirectoryResults> {
    let mut results = DirectoryResults::default();
    // First, on a quiet disk: the large loads below leave PostgreSQL flushing for minutes.
    eprintln!("bench: directory: portico seed of {seed_members} members into SQLite");
    let (members_per_second, rows_per_second) = seed_rate(work, seed_members).await?;
    results.seed_members_per_second = members_per_second;
    results.seed_rows_per_second = rows_per_second;
    results.seed_members = seed_members;
    for store_name in stores {
        for &size in sizes {
            eprintln!("bench: directory: {store_name} with {size} members");
            let database =
                BenchDatabase::create(store_name, work, postgres_admin, &format!("dir{size}")).await?;
            let (app, viewer) = load(&database.url, size).await?;
            for kind in ["search", "tag filter"] {
                let timings = measure(&app, &viewer, kind).await?;
                results.latencies.push(latency(database.label, size, kind, timings));
            }
            drop(app);
            // Kept on request, to look at the plans of a loaded directory afterwards.
            if std::env::var_os("BENCH_KEEP_DATABASE").is_none() {
                database.drop_database().await?;
            }
        }
    }
    Ok(results)
}

async fn state(url: &str) -> anyhow::Result<AppState> {
    let store = store::connect(url, &Default::default()).await?;
    let hasher =
        PasswordHasher::new(HashCost { memory_kib: 1024, iterations: 1, ..HashCost::default() }, 1, 1)?;
    Ok(AppState::new(store, hasher, Arc::new(SystemClock), Settings::default()))
}

/// Creates the schema and a location through Portico, loads `size` generated members and
/// returns the state with a viewer at the location.
async fn load(url: &str, size: usize) -> anyhow::Result<(AppState, Profile)> {
    let app = state(url).await?;
    let location = operator::add_location(&app, "Directory Space", "GB").await?;
    let today = time::OffsetDateTime::now_utc().date();
    let mut rng = seed::generator(1);
    let mut members: Vec<NewMember> = (0..size)
        .map(|index| seed::fake_member(&mut rng, location.id, "x", 1, index, today))
        .collect::<Result<_, _>>()?;
    // Bios are stored with their HTML, as Portico saves them; rendered on every core.
    let per_thread = members.len().div_ceil(std::thread::available_parallelism().map_or(1, |n| n.get()));
    std::thread::scope(|scope| {
        let workers: Vec<_> = members
            .chunks_mut(per_thread.max(1))
            .map(|chunk| {
                let app = &app;
                scope.spawn(move || {
                    for member in chunk {
                        member.summary_html = seed::rendered_bio(app, member)?;
                    }
                    Ok::<(), portico::service::ServiceError>(())
                })
            })
            .collect();
        workers.into_iter().try_for_each(|worker| worker.join().expect("a render thread"))
    })?;
    drop(app);
    if url.starts_with("sqlite:") {
        load_sqlite(url.trim_start_matches("sqlite://"), &members)?;
    } else {
        load_postgres(url, &members).await?;
    }
    let app = state(url).await?;
    let first = app
        .store
        .list_directory(location.id, None, portico::domain::directory::DirectoryOrder::Name, 0, 1)
        .await?
        .profile_ids;
    let viewer = app.store.profile(*first.first().context("no public member")?).await?;
    Ok((app, viewer))
}

fn text(member: &NewMember, field: Field) -> Option<String> {
    match member.fields.get(field) {
        Change::Value(FieldValue::Text(text)) => Some(text.clone()),
        _ => None,
    }
}

fn public(member: &NewMember) -> bool {
    matches!(member.fields.get(Field::ProfileIsPublic), Change::Value(FieldValue::Bool(true)))
}

/// The directory_words rows of a chunk of members, as columns.
#[derive(Default)]
struct WordRows {
    words: Vec<String>,
    profile_ids: Vec<i64>,
    weights: Vec<i16>,
    names: Vec<String>,
}

impl WordRows {
    fn add(&mut self, member: &NewMember, profile_id: i64, name_key: &str) {
        let texts: HashMap<Field, String> =
            directory::SEARCHED.iter().filter_map(|&field| Some((field, text(member, field)?))).collect();
        let weights = directory::word_weights(|field| match field {
            Field::FullName => Some(member.full_name.as_str()),
            _ => texts.get(&field).map(String::as_str),
        });
        for (word, weight) in weights {
            self.words.push(word);
            self.profile_ids.push(profile_id);
            self.weights.push(i16::try_from(weight).unwrap_or(i16::MAX));
            self.names.push(name_key.to_string());
        }
    }
}

/// The directory_index rows of a member: the whole directory (tag '') and one per tag.
fn index_rows(member: &NewMember) -> Vec<String> {
    let mut tags = vec![String::new()];
    if let Some(stored) = text(member, Field::ProfileTags) {
        tags.extend(split_tags(&stored).into_iter().map(directory::tag_key));
    }
    tags
}

fn load_sqlite(path: &str, members: &[NewMember]) -> anyhow::Result<()> {
    let mut c = rusqlite::Connection::open(path)?;
    c.pragma_update(None, "cache_size", -256 * 1024)?;
    let tx = c.transaction()?;
    let now = "2026-11-27T00:00:00Z";
    {
        let mut user = tx.prepare(
            "insert into users (email, email_key, password_hash, full_name, created_on, updated_on) \
             values (?1, ?2, 'x', ?3, ?4, ?4) returning id",
        )?;
        let mut profile = tx.prepare(
            "insert into profiles (unique_id, user_id, location_id, full_name, country_id, billing_name, \
             billing_email, billing_country_id, position, company_name, business_area, profile_summary, \
             profile_website, profile_tags, profile_is_public, created_on, updated_on, profile_summary_html, \
             profile_summary_render) \
             values (?1, ?2, ?3, ?4, 826, ?4, ?5, 826, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14, ?15) returning id",
        )?;
        let mut index = tx.prepare(
            "insert or ignore into directory_index (location_id, tag, name_key, profile_id) values (?1, ?2, ?3, ?4)",
        )?;
        for (i, m) in members.iter().enumerate() {
            let user_id: i64 =
                user.query_row(rusqlite::params![m.email, m.email_key, m.full_name, now], |r| r.get(0))?;
            let profile_id: i64 = profile.query_row(
                rusqlite::params![
                    format!("bench-{i}"),
                    user_id,
                    m.location_id,
                    m.full_name,
                    m.email,
                    text(m, Field::Position),
                    text(m, Field::CompanyName).unwrap_or_default(),
                    text(m, Field::BusinessArea),
                    text(m, Field::ProfileSummary),
                    text(m, Field::ProfileWebsite),
                    text(m, Field::ProfileTags),
                    public(m),
                    now,
                    m.summary_html.as_ref().map(|b| b.html.clone()),
                    m.summary_html.as_ref().map(|b| b.render_key.clone()),
                ],
                |r| r.get(0),
            )?;
            if public(m) {
                let name_key = directory::name_key(&m.full_name);
                for tag in index_rows(m) {
                    index.execute(rusqlite::params![m.location_id, tag, name_key, profile_id])?;
                }
            }
        }
    }
    tx.execute(
        "insert into directory_search (rowid, full_name, company_name, position, business_area, profile_tags, \
         profile_summary) select id, full_name, company_name, position, business_area, profile_tags, \
         profile_summary from profiles where profile_is_public",
        [],
    )?;
    tx.commit()?;
    c.execute_batch("analyze")?;
    Ok(())
}

async fn load_postgres(url: &str, members: &[NewMember]) -> anyhow::Result<()> {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(url).await?;
    // Built once after the load: far faster than maintaining them row by row.
    sqlx::raw_sql("alter table directory_words drop constraint directory_words_pkey; drop index directory_words_of_profile")
        .execute(&mut c)
        .await?;
    for (chunk_number, chunk) in members.chunks(10_000).enumerate() {
        let column = |f: &dyn Fn(&NewMember) -> Option<String>| chunk.iter().map(f).collect::<Vec<_>>();
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "insert into users (email, email_key, password_hash, full_name, created_on, updated_on) \
             select e, k, 'x', n, now(), now() from unnest($1::text[], $2::text[], $3::text[]) as t(e, k, n) \
             returning id, email_key",
        )
        .bind(column(&|m| Some(m.email.clone())))
        .bind(column(&|m| Some(m.email_key.clone())))
        .bind(column(&|m| Some(m.full_name.clone())))
        .fetch_all(&mut c)
        .await?;
        let user_ids: HashMap<String, i64> = rows.into_iter().map(|(id, key)| (key, id)).collect();
        let ids: Vec<i64> = chunk.iter().map(|m| user_ids[&m.email_key]).collect();
        let unique: Vec<String> = (0..chunk.len()).map(|i| format!("bench-{chunk_number}-{i}")).collect();
        let publics: Vec<bool> = chunk.iter().map(public).collect();
        let profiles: Vec<(i64, i64)> = sqlx::query_as(
            "insert into profiles (unique_id, user_id, location_id, full_name, country_id, billing_name, \
             billing_email, billing_country_id, position, company_name, business_area, profile_summary, \
             profile_website, profile_tags, profile_is_public, created_on, updated_on, profile_summary_html, \
             profile_summary_render) \
             select u, i, $3, n, 826, n, e, 826, p, c, b, s, w, t, v, now(), now(), h, r from unnest($1::text[], \
             $2::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], \
             $11::text[], $12::bool[], $13::text[], $14::text[]) as x(u, i, n, e, p, c, b, s, w, t, v, h, r) \
             returning id, user_id",
        )
        .bind(&unique)
        .bind(&ids)
        .bind(chunk[0].location_id)
        .bind(column(&|m| Some(m.full_name.clone())))
        .bind(column(&|m| Some(m.email.clone())))
        .bind(column(&|m| text(m, Field::Position)))
        .bind(column(&|m| Some(text(m, Field::CompanyName).unwrap_or_default())))
        .bind(column(&|m| text(m, Field::BusinessArea)))
        .bind(column(&|m| text(m, Field::ProfileSummary)))
        .bind(column(&|m| text(m, Field::ProfileWebsite)))
        .bind(column(&|m| text(m, Field::ProfileTags)))
        .bind(&publics)
        .bind(column(&|m| m.summary_html.as_ref().map(|b| b.html.clone())))
        .bind(column(&|m| m.summary_html.as_ref().map(|b| b.render_key.clone())))
        .fetch_all(&mut c)
        .await?;
        let profile_of: HashMap<i64, i64> = profiles.into_iter().map(|(id, user)| (user, id)).collect();
        let (mut tags, mut names, mut profile_ids) = (Vec::new(), Vec::new(), Vec::new());
        let mut words = WordRows::default();
        for (m, user_id) in chunk.iter().zip(&ids) {
            if public(m) {
                let name_key = directory::name_key(&m.full_name);
                for tag in index_rows(m) {
                    tags.push(tag);
                    names.push(name_key.clone());
                    profile_ids.push(profile_of[user_id]);
                }
                words.add(m, profile_of[user_id], &name_key);
            }
        }
        sqlx::query(
            "insert into directory_words (location_id, word, profile_id, weight, name_key) \
             select $1, w, p, g, n from unnest($2::text[], $3::int8[], $4::int2[], $5::text[]) as x(w, p, g, n)",
        )
        .bind(chunk[0].location_id)
        .bind(&words.words)
        .bind(&words.profile_ids)
        .bind(&words.weights)
        .bind(&words.names)
        .execute(&mut c)
        .await?;
        sqlx::query(
            "insert into directory_index (location_id, tag, name_key, profile_id) \
             select $1, t, n, p from unnest($2::text[], $3::text[], $4::bigint[]) as x(t, n, p) on conflict do nothing",
        )
        .bind(chunk[0].location_id)
        .bind(&tags)
        .bind(&names)
        .bind(&profile_ids)
        .execute(&mut c)
        .await?;
    }
    sqlx::raw_sql(
        "alter table directory_words add primary key (location_id, word, profile_id) include (weight, name_key); \
         create index directory_words_of_profile on directory_words (profile_id)",
    )
    .execute(&mut c)
    .await?;
    sqlx::query("vacuum analyze").execute(&mut c).await?;
    Ok(())
}

/// What members search for: a last name, a whole name, a company word, a tag's word, in
/// turn; and tag filters, common tags more often (as the seed picks them).
async fn measure(app: &AppState, viewer: &Profile, kind: &str) -> anyhow::Result<Vec<Duration>> {
    let mut rng = seed::generator(99);
    let today = time::OffsetDateTime::now_utc().date();
    let mut timings = Vec::with_capacity(REQUESTS);
    for round in 0..REQUESTS {
        let sample = seed::fake_member(&mut rng, viewer.location_id, "x", 99, round, today)?;
        let query = match round % 4 {
            0 => sample.full_name.rsplit(' ').next().unwrap_or_default().to_string(),
            1 => sample.full_name.clone(),
            2 => text(&sample, Field::CompanyName)
                .unwrap_or_default()
                .split(' ')
                .next()
                .unwrap_or_default()
                .into(),
            _ => seed::TAGS[rng.random_range(0..seed::TAGS.len())].to_string(),
        };
        let tag = seed::tags(&mut rng)[0].to_string();
        let params = match kind {
            "search" => DirectoryParams { query: Some(&query), ..DirectoryParams::default() },
            _ => DirectoryParams { tag: Some(&tag), ..DirectoryParams::default() },
        };
        let started = Instant::now();
        let page = portico::service::directory::search(app, viewer, &params).await?;
        timings.push(started.elapsed());
        std::hint::black_box(page);
    }
    Ok(timings)
}

fn latency(store: &'static str, members: usize, kind: &'static str, mut timings: Vec<Duration>) -> Latency {
    timings.sort_unstable();
    let at =
        |q: f64| timings[((timings.len() as f64 * q) as usize).min(timings.len() - 1)].as_secs_f64() * 1e3;
    Latency {
        store: store.into(),
        members,
        kind: kind.into(),
        p50_ms: at(0.5),
        p95_ms: at(0.95),
        max_ms: at(1.0),
    }
}

/// `portico seed`'s own path (validation, the import's statements, directory entries),
/// into a fresh SQLite file: members per second and rows written per second.
async fn seed_rate(work: &Path, members: usize) -> anyhow::Result<(f64, f64)> {
    let path = work.join("seed-rate.db");
    let url = format!("sqlite://{}", path.display());
    let app = state(&url).await?;
    let report = seed::seed(&app, "Seed Space", members, 1).await?;
    drop(app);
    let c = rusqlite::Connection::open(&path)?;
    let mut rows = 0i64;
    for table in ["users", "profiles", "directory_index"] {
        rows += c.query_row(&format!("select count(*) from {table}"), [], |r| r.get::<_, i64>(0))?;
    }
    rows +=
        c.query_row("select count(*) from profiles where profile_is_public", [], |r| r.get::<_, i64>(0))?;
    let seconds = report.elapsed.as_secs_f64().max(1e-9);
    Ok((report.members as f64 / seconds, rows as f64 / seconds))
}
