//! Profiles and the PATCH, in PostgreSQL. The columns written come from the property
//! catalogue; values are always bound.

use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{PgConnection, PgPool, Postgres, Row};
use time::OffsetDateTime;

use super::accounts::{clear_failures, ensure_password_is, ensure_unlocked, record_audit};
use super::sessions::{end_other_sessions, replace_refresh, session_exists};
use crate::domain::catalogue::{Field, FieldValue, Kind, Owner};
use crate::domain::directory;
use crate::domain::history;
use crate::domain::markdown::RenderedBio;
use crate::domain::patch::ProfilePatch;
use crate::domain::profile::{Profile, ProfileSummary, Version};
use crate::store::shared;
use crate::store::{Applied, NewMember, ProfileUpdate, StoreError, StoreResult};

pub async fn profile(pool: &PgPool, profile_id: i64) -> StoreResult<Profile> {
    let sql = format!(
        "select {} from profiles p join users u on u.id = p.user_id where p.id = $1",
        shared::profile_columns()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(profile_id).fetch_one(pool).await?;
    shared::profile_from(&row)
}

pub async fn profiles(pool: &PgPool, profile_ids: &[i64]) -> StoreResult<Vec<Profile>> {
    let sql = format!(
        "select {} from profiles p join users u on u.id = p.user_id where p.id = any($1)",
        shared::profile_columns()
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(profile_ids).fetch_all(pool).await?;
    let found = rows.iter().map(shared::profile_from).collect::<StoreResult<Vec<_>>>()?;
    Ok(shared::in_order_of(profile_ids, found, |profile| profile.id))
}

async fn profile_in(c: &mut PgConnection, profile_id: i64) -> StoreResult<Profile> {
    let sql = format!(
        "select {} from profiles p join users u on u.id = p.user_id where p.id = $1",
        shared::profile_columns()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(profile_id).fetch_one(c).await?;
    shared::profile_from(&row)
}

pub async fn profiles_of_user(pool: &PgPool, user_id: i64) -> StoreResult<Vec<ProfileSummary>> {
    let rows = sqlx::query(
        "select p.id, p.full_name, p.company_name, p.active, p.coworker_type, l.id, l.name \
         from profiles p join locations l on l.id = p.location_id where p.user_id = $1 order by p.id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    rows.iter().map(shared::profile_summary_from).collect()
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
    let bio = member.summary_html.as_ref().map(Some);
    let statement = ProfileStatement::new(&member.fields, now, profile_id, user_id).with_bio(bio);
    if member.fields.touches_profile() {
        statement.query(&statement.profile_update()).execute(&mut *c).await?;
    }
    // The user's own properties an import sets (notification preferences, consent).
    if member.fields.iter().any(|(field, _)| field.spec().owner == Owner::User) {
        let user_only = ProfileStatement::user_owned(&member.fields, now, profile_id, user_id);
        user_only.query(&user_only.user_update()).execute(&mut *c).await?;
    }
    if directory::indexes_any(member.fields.iter().map(|(field, _)| field)) {
        super::directory::sync(c, profile_id).await?;
    }
    Ok(profile_id)
}

/// Applies one PATCH inside the caller's transaction: the session is alive (and locked
/// against revocation), the version and the password are what the request saw.
pub async fn apply(c: &mut PgConnection, update: &ProfileUpdate) -> StoreResult<Applied> {
    if let Some(session) = update.session_id
        && !session_exists(c, session).await?
    {
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
    let Some(version) = write_patch(&mut *c, update).await? else {
        return Err(StoreError::NotFound);
    };
    if directory::indexes_any(update.patch.iter().map(|(field, _)| field)) {
        super::directory::sync(c, update.profile_id).await?;
    }
    if let Some(password) = &update.password {
        sqlx::query("update users set password_hash = $1, must_reset_password = false where id = $2")
            .bind(&password.hash)
            .bind(update.user_id)
            .execute(&mut *c)
            .await?;
        end_other_sessions(c, update.user_id, password.keep_session).await?;
        replace_refresh(c, password.keep_session, &password.next_refresh).await?;
        clear_failures(c, &password.lockout_key).await?;
        record_audit(c, &password.audit).await?;
    }
    if update.return_profile {
        let profile = profile_in(c, update.profile_id).await?;
        return Ok(Applied { version: profile.version, profile: Some(profile) });
    }
    Ok(Applied { version, profile: None })
}

/// A plain PATCH (no precondition, no password, nothing read back) as one statement, which
/// is atomic on its own: this saves the BEGIN and COMMIT round trips of the transactional
/// path.
pub async fn apply_in_one_statement(pool: &PgPool, update: &ProfileUpdate) -> StoreResult<Applied> {
    if let Some(version) = write_patch(pool, update).await? {
        return Ok(Applied { version, profile: None });
    }
    let mut c = pool.acquire().await?;
    let alive = match update.session_id {
        Some(session) => session_exists(&mut c, session).await?,
        None => true,
    };
    Err(if alive { StoreError::NotFound } else { StoreError::SessionEnded })
}

/// The patch's updates and its history entry, in one statement of data-modifying CTEs:
/// `old` locks both rows (only while the session is alive and the profile is the user's)
/// and keeps the values the history compares with; the updates and the history insert run
/// only if `old` found the rows. `None` when it did not.
async fn write_patch<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    update: &ProfileUpdate,
) -> StoreResult<Option<Version>> {
    let bio = update.summary_html.as_ref().map(Option::as_ref);
    let statement =
        ProfileStatement::new(&update.patch, update.now, update.profile_id, update.user_id).with_bio(bio);
    let [session, address, request_id, secrets] = statement.extra_parameters();
    let (profile_parameter, user_parameter) = (statement.profile_parameter(), statement.user_parameter());
    // Only the rows the patch writes are locked: a lock is itself a write in PostgreSQL.
    let lock = match (update.patch.touches_profile(), update.patch.touches_user()) {
        (true, true) => " for update of p, u",
        (true, false) => " for update of p",
        (false, true) => " for update of u",
        (false, false) => "",
    };
    let old = format!(
        "select {} from profiles p join users u on u.id = p.user_id \
         where p.id = ${profile_parameter} and p.user_id = ${user_parameter} \
         and (${session}::bigint is null or exists (select 1 from sessions where id = ${session})){lock}",
        statement.old_columns()
    );
    let profile = if update.patch.touches_profile() {
        format!("{} and exists (select 1 from old) returning version", statement.profile_update())
    } else {
        format!("select version from profiles where id = ${profile_parameter} and exists (select 1 from old)")
    };
    let user = if update.patch.touches_user() {
        format!("{} and exists (select 1 from old) returning version", statement.user_update())
    } else {
        format!("select version from users where id = ${user_parameter} and exists (select 1 from old)")
    };
    let history = format!(
        "insert into profile_history (user_id, profile_id, session_id, changed_at, address, request_id, changes) \
         select ${user_parameter}, ${profile_parameter}, ${session}, ${}, ${address}, ${request_id}, d.changes \
         from (select jsonb_strip_nulls({}) || cast(${secrets} as jsonb) as changes from old) d \
         where d.changes <> '{{}}'::jsonb",
        statement.now_parameter(),
        statement.changed_object()
    );
    let sql = format!(
        "with old as ({old}), p as ({profile}), u as ({user}), h as ({history}) \
         select (select version from p), (select version from u)"
    );
    let secret_changes = if update.password.is_some() {
        format!(r#"{{"{}": "{}"}}"#, history::PASSWORD, history::SECRET_CHANGED)
    } else {
        "{}".to_string()
    };
    let row = statement
        .query(&sql)
        .bind(update.session_id)
        .bind(update.origin.address.clone())
        .bind(update.origin.request_id.clone())
        .bind(secret_changes)
        .fetch_one(executor)
        .await?;
    let (profile, user): (Option<i64>, Option<i64>) = (row.try_get(0)?, row.try_get(1)?);
    Ok(profile.zip(user).map(|(profile, user)| Version { profile, user }))
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
/// in order, then the time of change, the profile and the user, then the bio's HTML and its
/// render key when the patch sets the bio. A row's version and time of change move only if
/// one of its values differs from the stored one.
struct ProfileStatement<'a> {
    changes: Vec<(Field, Option<&'a FieldValue>)>,
    now: OffsetDateTime,
    profile_id: i64,
    user_id: i64,
    bio: Option<Option<&'a RenderedBio>>,
}

impl<'a> ProfileStatement<'a> {
    fn new(patch: &'a ProfilePatch, now: OffsetDateTime, profile_id: i64, user_id: i64) -> Self {
        ProfileStatement { changes: patch.iter().collect(), now, profile_id, user_id, bio: None }
    }

    /// The statement of the patch's user-owned properties only (the name a new profile
    /// copies to a new user stays as the user row has it).
    fn user_owned(patch: &'a ProfilePatch, now: OffsetDateTime, profile_id: i64, user_id: i64) -> Self {
        let changes = patch.iter().filter(|(field, _)| field.spec().owner == Owner::User).collect();
        ProfileStatement { changes, now, profile_id, user_id, bio: None }
    }

    /// Also writes the bio's HTML (`Some(None)` clears it).
    fn with_bio(self, bio: Option<Option<&'a RenderedBio>>) -> Self {
        let sets_bio = self.changes.iter().any(|(field, _)| *field == Field::ProfileSummary);
        ProfileStatement { bio: bio.filter(|_| sets_bio), ..self }
    }

    fn bio_parameters(&self) -> Option<(usize, usize)> {
        self.bio.map(|_| (self.changes.len() + 4, self.changes.len() + 5))
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

    /// The parameters after the user's: the session, the client's address, the request id
    /// and the secrets changed (a JSON object).
    fn extra_parameters(&self) -> [usize; 4] {
        let first = self.changes.len() + 4 + if self.bio.is_some() { 2 } else { 0 };
        [first, first + 1, first + 2, first + 3]
    }

    /// `p.column as old_1, …`: each patched field from the table of its owner.
    fn old_columns(&self) -> String {
        let mut columns = vec!["p.id".to_string()];
        columns.extend(self.changes.iter().enumerate().map(|(i, (field, _))| {
            let table = if field.on_profile() { "p" } else { "u" };
            format!("{table}.{} as old_{}", field.spec().column, i + 1)
        }));
        columns.join(", ")
    }

    /// `jsonb_build_object('Property', case when old_n is distinct from $n then [old, new] end, …)`,
    /// joined with `||` in groups: a function takes at most 100 arguments, and a whole record
    /// sent back holds more than 50 properties.
    fn changed_object(&self) -> String {
        const PAIRS_PER_CALL: usize = 40;
        let pairs = self.changed_pairs();
        if pairs.is_empty() {
            return "jsonb_build_object()".into();
        }
        let calls: Vec<String> = pairs
            .chunks(PAIRS_PER_CALL)
            .map(|chunk| format!("jsonb_build_object({})", chunk.join(", ")))
            .collect();
        calls.join(" || ")
    }

    /// `'Property', case when old_n is distinct from $n then [old, new] end` for each change.
    fn changed_pairs(&self) -> Vec<String> {
        let pairs: Vec<String> = self
            .changes
            .iter()
            .enumerate()
            .map(|(i, (field, _))| {
                let n = i + 1;
                format!(
                    "'{}', case when old.old_{n} is distinct from ${n} then jsonb_build_array(old.old_{n}, ${n}) end",
                    field.property()
                )
            })
            .collect();
        pairs
    }

    fn profile_update(&self) -> String {
        let bio = self
            .bio_parameters()
            .map(|(html, key)| format!(", profile_summary_html = ${html}, profile_summary_render = ${key}"))
            .unwrap_or_default();
        format!(
            "update profiles set {}{bio} where id = ${} and user_id = ${}",
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
        let query = query.bind(self.now).bind(self.profile_id).bind(self.user_id);
        match self.bio {
            Some(bio) => query.bind(bio.map(|b| b.html.clone())).bind(bio.map(|b| b.render_key.clone())),
            None => query,
        }
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
