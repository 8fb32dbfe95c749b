//! Field-level validation errors: the catalogue of stable codes and the collection that
//! gathers every problem of one request.

use serde_json::Value;

/// A stable, machine-readable reason. The string form is part of the public API
/// (see docs/API.md, "Error codes"); never rename a variant's string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Required,
    NotNullable,
    WrongType,
    TooLong,
    ControlCharacters,
    InvalidEmail,
    InvalidUrl,
    InvalidDate,
    DateOutOfRange,
    InvalidPhone,
    InvalidChoice,
    UnknownCountry,
    InvalidTaxId,
    InvalidHandle,
    TagTooLong,
    TooManyTags,
    UnknownField,
    DuplicateField,
    ReadOnly,
    NotWritable,
    PasswordMismatch,
    PasswordRequired,
    WrongCurrentPassword,
    PasswordTooShort,
    PasswordTooLong,
    PasswordTooCommon,
    PasswordContainsEmail,
    PasswordContainsName,
    PasswordUnchanged,
    PasswordNeedsDigit,
    PasswordNeedsUpper,
    PasswordNeedsLower,
    PasswordNeedsSymbol,
    MalformedJson,
    NotAnObject,
    EmptyBody,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            Required => "required",
            NotNullable => "not_nullable",
            WrongType => "wrong_type",
            TooLong => "too_long",
            ControlCharacters => "control_characters",
            InvalidEmail => "invalid_email",
            InvalidUrl => "invalid_url",
            InvalidDate => "invalid_date",
            DateOutOfRange => "date_out_of_range",
            InvalidPhone => "invalid_phone",
            InvalidChoice => "invalid_choice",
            UnknownCountry => "unknown_country",
            InvalidTaxId => "invalid_tax_id",
            InvalidHandle => "invalid_handle",
            TagTooLong => "tag_too_long",
            TooManyTags => "too_many_tags",
            UnknownField => "unknown_field",
            DuplicateField => "duplicate_field",
            ReadOnly => "read_only",
            NotWritable => "not_writable",
            PasswordMismatch => "password_mismatch",
            PasswordRequired => "password_required",
            WrongCurrentPassword => "wrong_current_password",
            PasswordTooShort => "password_too_short",
            PasswordTooLong => "password_too_long",
            PasswordTooCommon => "password_too_common",
            PasswordContainsEmail => "password_contains_email",
            PasswordContainsName => "password_contains_name",
            PasswordUnchanged => "password_unchanged",
            PasswordNeedsDigit => "password_needs_digit",
            PasswordNeedsUpper => "password_needs_upper",
            PasswordNeedsLower => "password_needs_lower",
            PasswordNeedsSymbol => "password_needs_symbol",
            MalformedJson => "malformed_json",
            NotAnObject => "not_an_object",
            EmptyBody => "empty_body",
        }
    }
}

/// One problem with one property of a request.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub property: String,
    pub code: ErrorCode,
    pub message: String,
    /// What the client sent; `None` for secrets, which are never echoed.
    pub attempted: Option<Value>,
}

impl FieldError {
    pub fn new(property: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        Self { property: property.into(), code, message: message.into(), attempted: None }
    }

    pub fn with_attempted(mut self, value: &Value) -> Self {
        self.attempted = Some(value.clone());
        self
    }
}

/// Every problem found in one request, in the order the properties were examined.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = FieldError>) {
        self.0.extend(other);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(value)` when nothing was collected, otherwise every collected error.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.0.is_empty() { Ok(value) } else { Err(self) }
    }
}

impl IntoIterator for FieldErrors {
    type Item = FieldError;
    type IntoIter = std::vec::IntoIter<FieldError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl From<FieldError> for FieldErrors {
    fn from(error: FieldError) -> Self {
        FieldErrors(vec![error])
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| format!("{}: {}", e.property, e.message)).collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}
