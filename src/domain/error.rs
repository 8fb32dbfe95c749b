//! Field-level validation errors: the catalogue of stable codes and the collection that
//! gathers every problem of one request.

use serde_json::Value;

/// A stable, machine-readable reason. The string form is part of the public API
/// (see docs/API.md, "Error codes"); never rename a variant's string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
pub enum ErrorCode {
    Required,
    NotNullable,
    WrongType,
    TooLong,
    ControlCharacters,
    InvalidEmail,
    InvalidUrl,
    InvalidDate,
    InvalidNumber,
    InvalidCode,
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
    PasswordTooWeak,
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
    AiUnavailable,
    NotEnoughToDraft,
    InvalidLink,
    EmailUnchanged,
    NestedTooDeep,
    RendersTooLarge,
    UnsupportedImage,
    InvalidImage,
    ImageTooLarge,
}

impl ErrorCode {
    pub fn all() -> impl Iterator<Item = ErrorCode> {
        <ErrorCode as strum::IntoEnumIterator>::iter()
    }

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
            InvalidNumber => "invalid_number",
            InvalidCode => "invalid_code",
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
            PasswordTooWeak => "password_too_weak",
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
            AiUnavailable => "ai_unavailable",
            NotEnoughToDraft => "not_enough_to_draft",
            InvalidLink => "invalid_link",
            EmailUnchanged => "email_unchanged",
            NestedTooDeep => "nested_too_deep",
            RendersTooLarge => "renders_too_large",
            UnsupportedImage => "unsupported_image",
            InvalidImage => "invalid_image",
            ImageTooLarge => "image_too_large",
        }
    }
}

/// One problem with one property of a request.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The property as sent, cut to [`MAX_PROPERTY_CHARS`]: a name is never echoed at length.
    pub property: String,
    pub code: ErrorCode,
    pub message: String,
    /// What the client sent; `None` for secrets, which are never echoed.
    pub attempted: Option<Value>,
}

/// Property names longer than this are cut wherever they are echoed (no known one is).
pub const MAX_PROPERTY_CHARS: usize = 64;

impl FieldError {
    pub fn new(property: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        let property = shown_property(property.into());
        Self { property, code, message: message.into(), attempted: None }
    }

    /// Records what was sent, unless the property's name says it may hold a secret.
    pub fn with_attempted(mut self, value: &Value) -> Self {
        if !is_secret_property(&self.property) {
            self.attempted = Some(value.clone());
        }
        self
    }
}

/// Whether a property may hold a secret by its name: any name containing `pass`, `secret`,
/// `token` or `pin`, in any case. Their values are never echoed back.
pub fn is_secret_property(name: &str) -> bool {
    let lower = name.to_lowercase();
    ["pass", "secret", "token", "pin"].iter().any(|word| lower.contains(word))
}

fn shown_property(name: String) -> String {
    if name.chars().count() <= MAX_PROPERTY_CHARS {
        return name;
    }
    name.chars().take(MAX_PROPERTY_CHARS).chain(std::iter::once('…')).collect()
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

    pub fn len(&self) -> usize {
        self.0.len()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_never_attempted_values() {
        for name in ["Password", "newPassword", "PASSCODE", "ApiSecret", "refresh_token", "AccessPincode"] {
            let error =
                FieldError::new(name, ErrorCode::UnknownField, "x").with_attempted(&Value::from("s3cr3t"));
            assert_eq!(error.attempted, None, "{name}");
        }
        let error = FieldError::new("NickName", ErrorCode::TooLong, "x").with_attempted(&Value::from("Dee"));
        assert_eq!(error.attempted, Some(Value::from("Dee")));
    }

    #[test]
    fn long_property_names_are_cut() {
        let error = FieldError::new("x".repeat(60_000), ErrorCode::UnknownField, "x");
        assert_eq!(error.property.chars().count(), MAX_PROPERTY_CHARS + 1);
        assert_eq!(FieldError::new("x".repeat(64), ErrorCode::UnknownField, "x").property, "x".repeat(64));
    }
}
