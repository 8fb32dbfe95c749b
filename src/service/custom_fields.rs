//! Custom fields: the operator defines them per location; a PATCH (or the staff's CLI and
//! import) that sends `Custom1` … `Custom30` is checked against the definitions.

use super::error::{ServiceError, ServiceResult};
use crate::domain::FieldErrors;
use crate::domain::catalogue::Values;
use crate::domain::custom::{self, CustomField, CustomKind, SLOTS};
use crate::domain::patch::{Editor, ParsedPatch};
use crate::service::AppState;
use crate::store::StoreError;

pub async fn of_location(app: &AppState, location_id: i64) -> ServiceResult<Vec<CustomField>> {
    Ok(app.store.custom_fields(location_id).await?)
}

/// Checks the custom fields a body sent; reads the definitions only when there are some.
pub async fn resolve(
    app: &AppState,
    parsed: &mut ParsedPatch,
    location_id: i64,
    stored: &Values,
    editor: Editor,
) -> ServiceResult<FieldErrors> {
    if parsed.custom.is_empty() {
        return Ok(FieldErrors::default());
    }
    let definitions = of_location(app, location_id).await?;
    Ok(custom::resolve(parsed, &definitions, stored, editor))
}

/// A custom field as the operator describes it; the slot is the lowest free one.
#[derive(Debug, Clone)]
pub struct NewCustomField {
    pub label: String,
    pub kind: String,
    pub choices: Vec<String>,
    pub required: bool,
    pub staff_only: bool,
    pub in_directory: bool,
}

/// Defines a custom field at a location, in its lowest free slot. Definitions made at the
/// same time may pick the same slot: the store keeps one per slot (and one per label), and
/// the one refused looks again.
pub async fn define(app: &AppState, location_id: i64, new: NewCustomField) -> ServiceResult<CustomField> {
    let kind = CustomKind::from_name(&new.kind).ok_or_else(|| {
        ServiceError::Invalid(format!(
            "{:?} is not a kind of field; use one of {}",
            new.kind,
            CustomKind::names()
        ))
    })?;
    let mut field = CustomField {
        slot: 1,
        label: new.label.trim().to_string(),
        kind,
        choices: new.choices.iter().map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect(),
        required: new.required,
        member_editable: !new.staff_only,
        in_directory: new.in_directory,
    };
    field.check().map_err(ServiceError::Invalid)?;
    for _ in 0..=SLOTS {
        let defined = of_location(app, location_id).await?;
        if defined.iter().any(|d| d.label.to_lowercase() == field.label.to_lowercase()) {
            return Err(ServiceError::Invalid(format!(
                "the location already has a field labelled {:?}",
                field.label
            )));
        }
        let taken = |slot: &u8| defined.iter().any(|d| d.slot == *slot);
        field.slot = (1..=SLOTS as u8).find(|slot| !taken(slot)).ok_or_else(|| {
            ServiceError::Invalid(format!("the location has all {SLOTS} custom fields; remove one first"))
        })?;
        match app.store.define_custom_field(location_id, &field).await {
            Ok(()) => return Ok(field),
            Err(StoreError::Conflict(_)) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(ServiceError::Invalid("other fields were being defined at the same time; try again".into()))
}

/// Removes a custom field and every answer to it; how many answers went.
pub async fn remove(app: &AppState, location_id: i64, slot: u8) -> ServiceResult<usize> {
    app.store.remove_custom_field(location_id, slot).await.map_err(|error| match error {
        StoreError::NotFound => ServiceError::Invalid(format!("the location has no field Custom{slot}")),
        other => other.into(),
    })
}
