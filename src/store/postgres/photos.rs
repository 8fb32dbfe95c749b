//! Profile photos.

use sqlx::{PgPool, Row};
use time::OffsetDateTime;

use crate::domain::photo::{Photo, PhotoKind};
use crate::store::StoreResult;
use crate::store::shared::{self, PHOTO_LOOKUP, PhotoRecord};

pub async fn save(
    pool: &PgPool,
    profile_id: i64,
    kind: PhotoKind,
    photo: &Photo,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(shared::SAVE_PHOTO)
        .bind(profile_id)
        .bind(kind.as_str())
        .bind(&photo.jpeg)
        .bind(&photo.etag)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn delete(pool: &PgPool, profile_id: i64, kind: PhotoKind) -> StoreResult<bool> {
    let done = sqlx::query(shared::DELETE_PHOTO).bind(profile_id).bind(kind.as_str()).execute(pool).await?;
    Ok(done.rows_affected() > 0)
}

pub async fn lookup(pool: &PgPool, unique_id: &str, kind: PhotoKind) -> StoreResult<Option<PhotoRecord>> {
    let Some(row) =
        sqlx::query(PHOTO_LOOKUP).bind(kind.as_str()).bind(unique_id).fetch_optional(pool).await?
    else {
        return Ok(None);
    };
    let jpeg: Option<Vec<u8>> = row.try_get(4)?;
    let etag: Option<String> = row.try_get(5)?;
    Ok(Some(PhotoRecord {
        profile_id: row.try_get(0)?,
        user_id: row.try_get(1)?,
        public: row.try_get(2)?,
        full_name: row.try_get::<Option<String>, _>(3)?.unwrap_or_default(),
        photo: jpeg.zip(etag).map(|(jpeg, etag)| Photo { jpeg, etag }),
    }))
}
