//! A location's brand (display name, accent, contact relay) and its logo, in PostgreSQL.

use sqlx::{PgPool, Row};
use time::OffsetDateTime;

use crate::domain::photo::Photo;
use crate::store::shared::{DELETE_LOCATION_LOGO, LOCATION_LOGO, SAVE_LOCATION_LOGO, SET_LOCATION_BRAND};
use crate::store::{LocationBrand, StoreError, StoreResult};

pub async fn set(pool: &PgPool, location_id: i64, brand: &LocationBrand) -> StoreResult<()> {
    let done = sqlx::query(SET_LOCATION_BRAND)
        .bind(&brand.display_name)
        .bind(brand.accent.map(|accent| accent.hex()))
        .bind(brand.contact_relay)
        .bind(brand.language.code())
        .bind(location_id)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub async fn save_logo(
    pool: &PgPool,
    location_id: i64,
    logo: &Photo,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(SAVE_LOCATION_LOGO)
        .bind(location_id)
        .bind(&logo.jpeg)
        .bind(&logo.etag)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn delete_logo(pool: &PgPool, location_id: i64) -> StoreResult<bool> {
    let done = sqlx::query(DELETE_LOCATION_LOGO).bind(location_id).execute(pool).await?;
    Ok(done.rows_affected() > 0)
}

pub async fn logo(pool: &PgPool, location_id: i64) -> StoreResult<Option<Photo>> {
    let Some(row) = sqlx::query(LOCATION_LOGO).bind(location_id).fetch_optional(pool).await? else {
        return Ok(None);
    };
    Ok(Some(Photo { jpeg: row.try_get(0)?, etag: row.try_get(1)? }))
}
