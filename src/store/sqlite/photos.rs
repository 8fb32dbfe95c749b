//! Profile photos.

use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

use super::connection::time_text;
use crate::domain::photo::{Photo, PhotoKind};
use crate::store::StoreResult;
use crate::store::shared::{self, PHOTO_LOOKUP, PhotoRecord};

pub fn save(
    c: &Connection,
    profile_id: i64,
    kind: PhotoKind,
    photo: &Photo,
    now: OffsetDateTime,
) -> StoreResult<()> {
    c.prepare_cached(shared::SAVE_PHOTO)?.execute(params![
        profile_id,
        kind.as_str(),
        photo.jpeg,
        photo.etag,
        time_text(now)
    ])?;
    Ok(())
}

pub fn delete(c: &Connection, profile_id: i64, kind: PhotoKind) -> StoreResult<bool> {
    Ok(c.prepare_cached(shared::DELETE_PHOTO)?.execute(params![profile_id, kind.as_str()])? > 0)
}

pub fn lookup(c: &Connection, unique_id: &str, kind: PhotoKind) -> StoreResult<Option<PhotoRecord>> {
    let row = c
        .prepare_cached(PHOTO_LOOKUP)?
        .query_row(params![kind.as_str(), unique_id], |row| {
            let jpeg: Option<Vec<u8>> = row.get(4)?;
            let etag: Option<String> = row.get(5)?;
            Ok(PhotoRecord {
                profile_id: row.get(0)?,
                user_id: row.get(1)?,
                public: row.get(2)?,
                full_name: row.get::<_, Option<String>>(3)?.unwrap_or_default(),
                photo: jpeg.zip(etag).map(|(jpeg, etag)| Photo { jpeg, etag }),
            })
        })
        .optional()?;
    Ok(row)
}
