//! The change history in PostgreSQL: what each PATCH changed, read a page at a time and
//! purged past its retention. (A PATCH writes its entry in its own statement:
//! `profiles::write_patch`.)

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use crate::domain::history::HistoryPage;
use crate::store::shared::{self, HISTORY_COLUMNS};
use crate::store::{Paging, StoreResult};

pub async fn history_of(pool: &PgPool, user_id: i64, paging: Paging) -> StoreResult<HistoryPage> {
    let total: i64 = sqlx::query_scalar("select count(*) from profile_history where user_id = $1")
        .bind(user_id)
        .fetch_one(pool)
        .await?;
    let sql = format!(
        "select {HISTORY_COLUMNS} from profile_history where user_id = $1 \
         order by changed_at desc, id desc limit $2 offset $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .bind(shared::as_sql(paging.limit))
        .bind(shared::as_sql(paging.offset))
        .fetch_all(pool)
        .await?;
    let entries = rows.iter().map(shared::history_entry_from).collect::<StoreResult<_>>()?;
    Ok(HistoryPage { entries, total: u64::try_from(total).unwrap_or_default() })
}

pub async fn purge_history(c: &mut PgConnection, before: OffsetDateTime) -> StoreResult<()> {
    sqlx::query("delete from profile_history where changed_at < $1").bind(before).execute(c).await?;
    Ok(())
}
