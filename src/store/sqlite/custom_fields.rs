//! The locations' custom-field definitions.

use rusqlite::{Connection, params};

use super::connection::all_rows;
use crate::domain::custom::CustomField;
use crate::store::shared::{self, CUSTOM_FIELDS, DEFINE_CUSTOM_FIELD, REMOVE_CUSTOM_FIELD};
use crate::store::{StoreError, StoreResult};

pub fn of_location(c: &Connection, location_id: i64) -> StoreResult<Vec<CustomField>> {
    let mut statement = c.prepare_cached(CUSTOM_FIELDS)?;
    all_rows(statement.query([location_id])?, |row| shared::custom_field_from(row))
}

pub fn define(c: &Connection, location_id: i64, field: &CustomField) -> StoreResult<()> {
    c.prepare_cached(DEFINE_CUSTOM_FIELD)?.execute(params![
        location_id,
        field.slot,
        field.label,
        field.kind.as_str(),
        field.choices.join("\n"),
        field.required,
        field.member_editable,
        field.in_directory,
    ])?;
    Ok(())
}

/// Removes a definition and its answers (the writer's savepoint makes the two one change).
pub fn remove(c: &Connection, location_id: i64, slot: u8) -> StoreResult<usize> {
    let field = crate::domain::catalogue::Field::custom(slot).ok_or(StoreError::NotFound)?;
    if c.execute(REMOVE_CUSTOM_FIELD, params![location_id, slot])? == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(c.execute(&shared::clear_custom_answers_sql(field), [location_id])?)
}
