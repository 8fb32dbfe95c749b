//! Profiles and the PATCH, in PostgreSQL. The columns written come from the property
//! catalogue; values are always bound.

use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{PgConnection, PgPool, Postgres, Row};
use time::OffsetDateTime;

use super::accounts::{clear_failures, ensure_password_is, ensure_unlocked, insert_audit};
use super::sessions::{end_other_sessions, replace_refresh, session_exists};
use crate::domain::catalogue::{Field, FieldValue, Kind};
use crate::domain::patch::ProfilePatch;
use crate::domain::profile::{Profile, ProfileSummary, Version};
use crate::store::columns;
use crate::store::{Applied, NewMember, ProfileUpdate, StoreError, StoreResult};

pub async fn profile(pool: &PgPool, profile_id: i64) -> StoreResult<Profile> {
    let sql = format!(
        "select {} from profiles p join users u on u.id = p.user_id where p.id = $1",
        columns::profile_columns()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(profile_id).fetch_one(pool).await?;
    columns::profile_from(&row)
}

async fn profile_in(c: &mut PgConnection, profile_id: i64) -> StoreResult<Profile> {
    let sql = format!(
        "select {} from profiles p join users u on u.id = p.user_id where p.id = $1",
        columns::profile_columns()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(profile_id).fetch_one(c).await?;
    columns::profile_from(&row)
}

pub async fn profiles_of_user(pool: &PgPool, user_id: i64) -> StoreResult<Vec<ProfileSummary>> {
    let rows = sqlx::query(
        "select p.id, p.full_name, p.company_name, p.active, p.coworker_type, l.id, l.name \
         from profiles p join locations l on l.id = p.location_id where p.user_id = $1 order by p.id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    rows.iter().map(columns::profile_summary_from).collect()
}

/// A new profile takes its countries from the location and its billing details from the
/// user; then the member's further properties (a CSV import) apply.
pub async fn insert(
    c: &mut PgConnection,
    user_id: i64,
    member: &NewMember,
    now: OffsetDateTime,
) -> StoreResult<i64> {
    let profile_id: Option<i64> = sqlx::query_scalar(
        "insert into profiles (unique_id, user_id, location_id, full_name, country_id, billing_name, \
         billing_email, billing_country_id, created_on, updated_on) \
         select $1, $2, l.id, $3, l.country_id, $3, $4, l.country_id, $5, $5 from locations l where l.id = $6 \
         returning id",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(user_id)
    .bind(&member.full_name)
    .bind(&member.email)
    .bind(now)
    .bind(member.location_id)
    .fetch_optional(&mut *c)
    .await?;
    let profile_id = profile_id.ok_or(StoreError::NotFound)?;
    if member.fields.touches_profile() {
        let statement = ProfileStatement::new(&member.fields, now, profile_id, user_id);
        statement.query(&statement.profile_update()).execute(c).await?;
    }
    Ok(profile_id)
}

/// Applies one PATCH inside the caller's transaction: the session is alive (and locked
/// against revocation), the version and the password are what the request saw.
pub async fn apply(c: &mut PgConnection, update: &ProfileUpdate) -> StoreResult<Applied> {
    if !session_exists(c, update.session_id).await? {
        return Err(StoreError::SessionEnded);
    }
    if let Some(expected) = update.expected
        && versions_for_update(c, update.profile_id, update.user_id).await? != expected
    {
        return Err(StoreError::VersionMismatch);
    }
    if let Some(password) = &update.password {
        ensure_unlocked(c, &password.lockout_key, update.now).await?;
        ensure_password_is(c, update.user_id, &password.verified_hash).await?;
    }
    let statement = ProfileStatement::new(&update.patch, update.now, update.profile_id, update.user_id);
    if update.patch.touches_profile() {
        let done = statement.query(&statement.profile_update()).execute(&mut *c).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
    }
    if update.patch.touches_user() {
        statement.query(&statement.user_update()).execute(&mut *c).await?;
    }
    if let Some(password) = &update.password {
        sqlx::query("update users set password_hash = $1 where id = $2")
            .bind(&password.hash)
            .bind(update.user_id)
            .execute(&mut *c)
            .await?;
        end_other_sessions(c, update.user_id, password.keep_session).await?;
        replace_refresh(c, password.keep_session, &password.next_refresh).await?;
        clear_failures(c, &password.lockout_key).await?;
        insert_audit(c, &password.audit).await?;
    }
    if update.return_profile {
        let profile = profile_in(c, update.profile_id).await?;
        return Ok(Applied { version: profile.version, profile: Some(profile) });
    }
    Ok(Applied { version: versions_for_update(c, update.profile_id, update.user_id).await?, profile: None })
}

/// A plain PATCH (no precondition, no password, nothing read back) as one statement: the
/// profile and user updates in data-modifying CTEs, each only if the session is alive and
/// the profile the user's. One statement is atomic on its own, so this saves the BEGIN and
/// COMMIT round trips of the transactional path.
pub async fn apply_in_one_statement(pool: &PgPool, update: &ProfileUpdate) -> StoreResult<Applied> {
    let statement = ProfileStatement::new(&update.patch, update.now, update.profile_id, update.user_id);
    let session = statement.next_parameter();
    // The statement's snapshot decides: a session ended before it began does not write (the
    // transactional path locks the session instead, as its several statements need).
    let owned = format!(
        "id = ${} and user_id = ${} and exists (select 1 from sessions where id = ${session})",
        statement.profile_parameter(),
        statement.user_parameter()
    );
    let profile = if update.patch.touches_profile() {
        format!(
            "{} and exists (select 1 from sessions where id = ${session}) returning version",
            statement.profile_update()
        )
    } else {
        format!("select version from profiles where {owned}")
    };
    let user = if update.patch.touches_user() {
        format!("{} and exists (select 1 from p) returning version", statement.user_update())
    } else {
        format!(
            "select version from users where id = ${} and exists (select 1 from p)",
            statement.user_parameter()
        )
    };
    let sql = format!(
        "with p as ({profile}), u as ({user}) select (select version from p), (select version from u)"
    );
    let row = statement.query(&sql).bind(update.session_id).fetch_one(pool).await?;
    let (profile, user): (Option<i64>, Option<i64>) = (row.try_get(0)?, row.try_get(1)?);
    match (profile, user) {
        (Some(profile), Some(user)) => Ok(Applied { version: Version { profile, user }, profile: None }),
        _ => {
            let mut c = pool.acquire().await?;
            let alive = session_exists(&mut c, update.session_id).await?;
            Err(if alive { StoreError::NotFound } else { StoreError::SessionEnded })
        }
    }
}

/// The versions of a profile and its user, locked; `NotFound` unless the profile is the
/// user's.
async fn versions_for_update(c: &mut PgConnection, profile_id: i64, user_id: i64) -> StoreResult<Version> {
    let versions: Option<(i64, i64)> = sqlx::query_as(
        "select p.version, u.version from profiles p join users u on u.id = p.user_id \
         where p.id = $1 and u.id = $2 for update",
    )
    .bind(profile_id)
    .bind(user_id)
    .fetch_optional(c)
    .await?;
    versions.map(|(profile, user)| Version { profile, user }).ok_or(StoreError::NotFound)
}

/// The updates of one patch, with their parameters numbered once: `$1…$n` the patch's values
/// in order, then the time of change, the profile and the user. A row's version and time of
/// change move only if one of its values differs from the stored one.
struct ProfileStatement<'a> {
    changes: Vec<(Field, Option<&'a FieldValue>)>,
    now: OffsetDateTime,
    profile_id: i64,
    user_id: i64,
}

impl<'a> ProfileStatement<'a> {
    fn new(patch: &'a ProfilePatch, now: OffsetDateTime, profile_id: i64, user_id: i64) -> Self {
        ProfileStatement { changes: patch.iter().collect(), now, profile_id, user_id }
    }

    fn now_parameter(&self) -> usize {
        self.changes.len() + 1
    }

    fn profile_parameter(&self) -> usize {
        self.changes.len() + 2
    }

    fn user_parameter(&self) -> usize {
        self.changes.len() + 3
    }

    fn next_parameter(&self) -> usize {
        self.changes.len() + 4
    }

    fn profile_update(&self) -> String {
        format!(
            "update profiles set {} where id = ${} and user_id = ${}",
            self.assignments(Field::on_profile),
            self.profile_parameter(),
            self.user_parameter()
        )
    }

    fn user_update(&self) -> String {
        format!("update users set {} where id = ${}", self.assignments(Field::on_user), self.user_parameter())
    }

    /// `column = $n, …, version = …, updated_on = …` for the fields `belongs` picks.
    fn assignments(&self, belongs: fn(Field) -> bool) -> String {
        let mine: Vec<(usize, Field)> = self
            .changes
            .iter()
            .enumerate()
            .filter(|(_, (f, _))| belongs(*f))
            .map(|(i, (f, _))| (i + 1, *f))
            .collect();
        let sets: Vec<String> = mine.iter().map(|(n, f)| format!("{} = ${n}", f.spec().column)).collect();
        let differs: Vec<String> =
            mine.iter().map(|(n, f)| format!("{} is distinct from ${n}", f.spec().column)).collect();
        let changed = format!("({})", differs.join(" or "));
        format!(
            "{}, version = version + case when {changed} then 1 else 0 end, \
             updated_on = case when {changed} then ${} else updated_on end",
            sets.join(", "),
            self.now_parameter()
        )
    }

    /// The statement with every parameter bound but those after the user's.
    fn query<'q>(&self, sql: &'q str) -> Query<'q, Postgres, PgArguments> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (field, value) in &self.changes {
            query = bind_value(query, field.kind(), *value);
        }
        query.bind(self.now).bind(self.profile_id).bind(self.user_id)
    }
}

fn bind_value<'q>(
    query: Query<'q, Postgres, PgArguments>,
    kind: Kind,
    value: Option<&FieldValue>,
) -> Query<'q, Postgres, PgArguments> {
    match value {
        Some(FieldValue::Text(text)) => query.bind(text.clone()),
        Some(FieldValue::Int(number)) => query.bind(*number),
        Some(FieldValue::Bool(flag)) => query.bind(*flag),
        Some(FieldValue::Date(date)) => query.bind(*date),
        None if kind == Kind::Date => query.bind(None::<time::Date>),
        None if kind == Kind::Int => query.bind(None::<i64>),
        None if kind == Kind::Bool => query.bind(None::<bool>),
        None => query.bind(None::<String>),
    }
}
