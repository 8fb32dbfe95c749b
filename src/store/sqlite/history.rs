//! The change history, in SQLite.

use rusqlite::{Connection, params};
use time::OffsetDateTime;

use super::connection::{all_rows, time_text};
use crate::domain::history::HistoryPage;
use crate::store::shared::{self, HISTORY_COLUMNS};
use crate::store::{Paging, ProfileUpdate, StoreResult};

/// Records one applied PATCH's changes (already encoded).
pub fn insert(c: &Connection, update: &ProfileUpdate, changes: &str) -> StoreResult<()> {
    c.prepare_cached(
        "insert into profile_history (user_id, profile_id, session_id, changed_at, address, request_id, changes) \
         values (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        update.user_id,
        update.profile_id,
        update.session_id,
        time_text(update.now),
        update.origin.address,
        update.origin.request_id,
        changes
    ])?;
    Ok(())
}

pub fn page(c: &Connection, user_id: i64, paging: Paging) -> StoreResult<HistoryPage> {
    let total: i64 = c
        .prepare_cached("select count(*) from profile_history where user_id = ?1")?
        .query_row([user_id], |row| row.get(0))?;
    let sql = format!(
        "select {HISTORY_COLUMNS} from profile_history where user_id = ?1 \
         order by changed_at desc, id desc limit ?2 offset ?3"
    );
    let mut statement = c.prepare_cached(&sql)?;
    let limit = crate::store::shared::as_sql(paging.limit);
    let offset = crate::store::shared::as_sql(paging.offset);
    let entries =
        all_rows(statement.query(params![user_id, limit, offset])?, |row| shared::history_entry_from(row))?;
    Ok(HistoryPage { entries, total: u64::try_from(total).unwrap_or_default() })
}

pub fn purge(c: &Connection, before: OffsetDateTime) -> StoreResult<()> {
    c.execute("delete from profile_history where changed_at < ?1", [time_text(before)])?;
    Ok(())
}
