//! A location's brand (display name, accent, contact relay) and its logo, in SQLite.

use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

use super::connection::time_text;
use crate::domain::photo::Photo;
use crate::store::shared::{DELETE_LOCATION_LOGO, LOCATION_LOGO, SAVE_LOCATION_LOGO, SET_LOCATION_BRAND};
use crate::store::{LocationBrand, StoreError, StoreResult};

pub fn set(c: &Connection, location_id: i64, brand: &LocationBrand) -> StoreResult<()> {
    let accent = brand.accent.map(|accent| accent.hex());
    let changed = c.prepare_cached(SET_LOCATION_BRAND)?.execute(params![
        brand.display_name,
        accent,
        brand.contact_relay,
        brand.language.code(),
        location_id
    ])?;
    if changed == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub fn save_logo(c: &Connection, location_id: i64, logo: &Photo, now: OffsetDateTime) -> StoreResult<()> {
    c.prepare_cached(SAVE_LOCATION_LOGO)?.execute(params![
        location_id,
        logo.jpeg,
        logo.etag,
        time_text(now)
    ])?;
    Ok(())
}

pub fn delete_logo(c: &Connection, location_id: i64) -> StoreResult<bool> {
    Ok(c.prepare_cached(DELETE_LOCATION_LOGO)?.execute([location_id])? > 0)
}

pub fn logo(c: &Connection, location_id: i64) -> StoreResult<Option<Photo>> {
    let found = c
        .prepare_cached(LOCATION_LOGO)?
        .query_row([location_id], |row| Ok(Photo { jpeg: row.get(0)?, etag: row.get(1)? }))
        .optional()?;
    Ok(found)
}
