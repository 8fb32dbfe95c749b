//! A location's AI setting and the counts behind the draft limits, in SQLite. `admit` runs
//! on the writer, so two requests never both take the last draft of a window.

use rusqlite::{Connection, params};
use time::OffsetDateTime;

use super::connection::time_text;
use crate::domain::ai::{AiSetting, DraftAdmission, LOCATION_WINDOW, MEMBER_WINDOW};
use crate::store::shared::ColumnSource;
use crate::store::{DraftRequest, StoreError, StoreResult};

pub fn set_location_ai(c: &Connection, location_id: i64, setting: &AiSetting) -> StoreResult<()> {
    let changed = c.execute(
        "update locations set ai_provider = ?1, ai_base_url = ?2, ai_model = ?3, ai_api_key_env = ?4, \
         ai_daily_cap = ?5 where id = ?6",
        params![
            setting.provider.map(|p| p.as_str()),
            setting.base_url,
            setting.model,
            setting.api_key_env,
            setting.daily_cap,
            location_id
        ],
    )?;
    if changed == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub fn admit(c: &Connection, request: &DraftRequest) -> StoreResult<DraftAdmission> {
    let member = "select drafted_at from ai_drafts where user_id = ?1 and drafted_at > ?2 \
                  order by drafted_at desc limit 1 offset ?3";
    if let Some(oldest) =
        oldest_blocking_draft(c, member, request.user_id, request.now - MEMBER_WINDOW, request.per_member)?
    {
        return Ok(DraftAdmission::MemberLimit { until: oldest + MEMBER_WINDOW });
    }
    let location = "select drafted_at from ai_drafts where location_id = ?1 and drafted_at > ?2 \
                    order by drafted_at desc limit 1 offset ?3";
    let since = request.now - LOCATION_WINDOW;
    if let Some(oldest) =
        oldest_blocking_draft(c, location, request.location_id, since, request.per_location)?
    {
        return Ok(DraftAdmission::LocationCap { until: oldest + LOCATION_WINDOW });
    }
    c.execute(
        "insert into ai_drafts (user_id, location_id, drafted_at) values (?1, ?2, ?3)",
        params![request.user_id, request.location_id, time_text(request.now)],
    )?;
    Ok(DraftAdmission::Granted)
}

/// When the window already holds `limit` drafts: the time of the `limit`-th newest, whose
/// leaving the window makes room for one more (a limit is at least 1).
fn oldest_blocking_draft(
    c: &Connection,
    sql: &str,
    key: i64,
    since: OffsetDateTime,
    limit: u32,
) -> StoreResult<Option<OffsetDateTime>> {
    let offset = limit.max(1) - 1;
    let mut statement = c.prepare_cached(sql)?;
    let mut rows = statement.query(params![key, time_text(since), offset])?;
    rows.next()?.map(|row| row.time(0)).transpose()
}

pub fn purge(c: &Connection, now: OffsetDateTime) -> StoreResult<()> {
    c.execute("delete from ai_drafts where drafted_at <= ?1", [time_text(now - LOCATION_WINDOW)])?;
    Ok(())
}
