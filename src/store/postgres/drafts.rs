//! A location's AI setting and the counts behind the draft limits, in PostgreSQL. `admit`
//! locks the member's and then the location's row (in that order, always) before it counts,
//! so concurrent requests on any node take turns and never both take the last draft.

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use crate::domain::ai::{AiSetting, DraftAdmission, LOCATION_WINDOW, MEMBER_WINDOW};
use crate::store::{DraftRequest, StoreError, StoreResult};

pub async fn set_location_ai(pool: &PgPool, location_id: i64, setting: &AiSetting) -> StoreResult<()> {
    let done = sqlx::query(
        "update locations set ai_provider = $1, ai_base_url = $2, ai_model = $3, ai_api_key_env = $4, \
         ai_daily_cap = $5 where id = $6",
    )
    .bind(setting.provider.map(|p| p.as_str()))
    .bind(&setting.base_url)
    .bind(&setting.model)
    .bind(&setting.api_key_env)
    .bind(setting.daily_cap.map(i64::from))
    .bind(location_id)
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Runs in the caller's transaction; the row locks hold until it ends.
pub async fn admit(c: &mut PgConnection, request: &DraftRequest) -> StoreResult<DraftAdmission> {
    // `for no key update`: profiles and sessions referencing these rows are not blocked.
    sqlx::query("select 1 from users where id = $1 for no key update")
        .bind(request.user_id)
        .fetch_optional(&mut *c)
        .await?;
    sqlx::query("select 1 from locations where id = $1 for no key update")
        .bind(request.location_id)
        .fetch_optional(&mut *c)
        .await?;
    let member = "select drafted_at from ai_drafts where user_id = $1 and drafted_at > $2 \
                  order by drafted_at desc limit 1 offset $3";
    let since = request.now - MEMBER_WINDOW;
    if let Some(oldest) = oldest_blocking_draft(c, member, request.user_id, since, request.per_member).await?
    {
        return Ok(DraftAdmission::MemberLimit { until: oldest + MEMBER_WINDOW });
    }
    let location = "select drafted_at from ai_drafts where location_id = $1 and drafted_at > $2 \
                    order by drafted_at desc limit 1 offset $3";
    let since = request.now - LOCATION_WINDOW;
    if let Some(oldest) =
        oldest_blocking_draft(c, location, request.location_id, since, request.per_location).await?
    {
        return Ok(DraftAdmission::LocationCap { until: oldest + LOCATION_WINDOW });
    }
    sqlx::query("insert into ai_drafts (user_id, location_id, drafted_at) values ($1, $2, $3)")
        .bind(request.user_id)
        .bind(request.location_id)
        .bind(request.now)
        .execute(&mut *c)
        .await?;
    Ok(DraftAdmission::Granted)
}

/// When the window already holds `limit` drafts: the time of the `limit`-th newest, whose
/// leaving the window makes room for one more (a limit is at least 1).
async fn oldest_blocking_draft(
    c: &mut PgConnection,
    sql: &'static str,
    key: i64,
    since: OffsetDateTime,
    limit: u32,
) -> StoreResult<Option<OffsetDateTime>> {
    let offset = limit.max(1) - 1;
    Ok(sqlx::query_scalar(sql).bind(key).bind(since).bind(i64::from(offset)).fetch_optional(c).await?)
}

pub async fn purge(c: &mut PgConnection, now: OffsetDateTime) -> StoreResult<()> {
    sqlx::query("delete from ai_drafts where drafted_at <= $1")
        .bind(now - LOCATION_WINDOW)
        .execute(c)
        .await?;
    Ok(())
}
