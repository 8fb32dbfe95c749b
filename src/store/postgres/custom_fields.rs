//! The locations' custom-field definitions.

use sqlx::PgPool;

use crate::domain::custom::CustomField;
use crate::store::shared::{self, CUSTOM_FIELDS, DEFINE_CUSTOM_FIELD, REMOVE_CUSTOM_FIELD};
use crate::store::{StoreError, StoreResult};

pub async fn of_location(pool: &PgPool, location_id: i64) -> StoreResult<Vec<CustomField>> {
    let rows = sqlx::query(CUSTOM_FIELDS).bind(location_id).fetch_all(pool).await?;
    rows.iter().map(shared::custom_field_from).collect()
}

pub async fn define(pool: &PgPool, location_id: i64, field: &CustomField) -> StoreResult<()> {
    sqlx::query(DEFINE_CUSTOM_FIELD)
        .bind(location_id)
        .bind(i64::from(field.slot))
        .bind(&field.label)
        .bind(field.kind.as_str())
        .bind(field.choices.join("\n"))
        .bind(field.required)
        .bind(field.member_editable)
        .bind(field.in_directory)
        .execute(pool)
        .await?;
    Ok(())
}

/// Removes a definition and its answers, in one transaction.
pub async fn remove(pool: &PgPool, location_id: i64, slot: u8) -> StoreResult<usize> {
    let field = crate::domain::catalogue::Field::custom(slot).ok_or(StoreError::NotFound)?;
    let mut transaction = pool.begin().await?;
    let removed = sqlx::query(REMOVE_CUSTOM_FIELD)
        .bind(location_id)
        .bind(i64::from(slot))
        .execute(&mut *transaction)
        .await?;
    if removed.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    let sql = shared::clear_custom_answers_sql(field);
    let cleared = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(location_id).execute(&mut *transaction).await?;
    transaction.commit().await?;
    Ok(usize::try_from(cleared.rows_affected()).unwrap_or(usize::MAX))
}
