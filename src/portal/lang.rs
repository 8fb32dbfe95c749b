//! Which language a page speaks, and the words of an error in it. A signed-in member's
//! saved choice wins (`SignedIn::lang`); otherwise the browser's `Accept-Language`; else
//! the default of the location whose brand the page shows (docs/PORTAL.md, "Languages").

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use crate::ai::AiError;
use crate::domain::{ErrorCode, FieldError};
use crate::i18n::{self, Language};
use crate::service::error::DraftLimit;
use crate::service::{ServiceError, session};
use crate::tr;
use crate::web::SharedState;

/// The language of a page shown before sign-in: the browser's, else the location's.
pub struct Lang(pub Language);

impl FromRequestParts<SharedState> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &SharedState) -> Result<Self, Self::Rejection> {
        Ok(Lang(of_request(&parts.headers)))
    }
}

/// The browser's language, else the default of the location the page is branded for.
pub fn of_request(headers: &HeaderMap) -> Language {
    of_browser(headers).unwrap_or_else(|| super::brand::shown().language)
}

/// The language `Accept-Language` prefers among those shipped.
pub fn of_browser(headers: &HeaderMap) -> Option<Language> {
    let accept = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    Language::negotiate(accept)
}

/// The words `portal.js` writes (its buttons and notes), as JSON for the page's
/// `data-words`: the script stays one file for every language.
pub fn script_words(lang: Language) -> String {
    let words = serde_json::json!({
        "preview": tr!(lang, "script-preview"),
        "strength": tr!(lang, "script-strength"),
        "weak": tr!(lang, "script-strength-weak"),
        "fair": tr!(lang, "script-strength-fair"),
        "good": tr!(lang, "script-strength-good"),
        "strong": tr!(lang, "script-strength-strong"),
        "tags": tr!(lang, "script-tags"),
        "addTag": tr!(lang, "script-add-tag"),
        "addTagHint": tr!(lang, "script-add-tag-hint"),
        "removeTag": tr!(lang, "script-remove-tag"),
        "findCountry": tr!(lang, "script-find-country"),
        "findCountryFor": tr!(lang, "script-find-country-for"),
        "conflict": tr!(lang, "script-conflict"),
        "reload": tr!(lang, "profile-conflict-reload"),
    });
    words.to_string()
}

/// What a member is told of an error, in their language (the API's `Message`s stay
/// English; their words are `ServiceError::message`).
pub fn error_text(lang: Language, error: &ServiceError) -> String {
    match error {
        ServiceError::Validation(errors) => {
            let names: Vec<&str> = errors.iter().map(|e| e.property.as_str()).take(10).collect();
            tr!(lang, "error-validation", names = names.join(", "))
        }
        ServiceError::InvalidGrant(why) | ServiceError::InvalidRequest(why) => match *why {
            session::WRONG_CODE => tr!(lang, "error-wrong-code"),
            session::SECOND_STEP_EXPIRED => tr!(lang, "error-second-step-expired"),
            session::WRONG_CREDENTIALS => tr!(lang, "error-wrong-credentials"),
            _ => tr!(lang, "error-link-or-token"),
        },
        ServiceError::InvalidParameter { parameter, .. } => {
            tr!(lang, "error-invalid-parameter", name = *parameter)
        }
        ServiceError::TwoFactorSetupRequired => tr!(lang, "error-two-step-setup-required"),
        ServiceError::TwoFactorRequired { .. } => tr!(lang, "error-two-step-required"),
        ServiceError::MustResetPassword(_) => tr!(lang, "error-must-reset-password"),
        ServiceError::Unauthenticated => tr!(lang, "error-unauthenticated"),
        ServiceError::Forbidden(_) => tr!(lang, "error-forbidden"),
        ServiceError::NotFound(_) => tr!(lang, "error-not-found"),
        ServiceError::Conflict(_) => tr!(lang, "error-conflict"),
        ServiceError::PreconditionFailed => tr!(lang, "error-precondition-failed"),
        ServiceError::Locked { retry_after } => {
            tr!(lang, "error-locked", wait = i18n::wait(lang, *retry_after))
        }
        ServiceError::RateLimited { retry_after } => {
            tr!(lang, "error-rate-limited", wait = i18n::wait(lang, *retry_after))
        }
        ServiceError::DraftsUsedUp { limit: DraftLimit::Member, retry_after } => {
            tr!(lang, "error-drafts-member", wait = i18n::wait(lang, *retry_after))
        }
        ServiceError::DraftsUsedUp { limit: DraftLimit::Location, retry_after } => {
            tr!(lang, "error-drafts-location", wait = i18n::wait(lang, *retry_after))
        }
        ServiceError::TooManyLinks { .. } => tr!(lang, "error-too-many-links"),
        ServiceError::TooManyMessages { retry_after } => {
            tr!(lang, "error-too-many-messages", wait = i18n::wait(lang, *retry_after))
        }
        ServiceError::Ai(AiError::Provider(_)) => tr!(lang, "error-ai-failed"),
        ServiceError::Ai(AiError::Timeout) => tr!(lang, "error-ai-timeout"),
        ServiceError::Unavailable { .. } => tr!(lang, "error-unavailable"),
        ServiceError::Busy(_) => tr!(lang, "error-busy"),
        // What an operator's command would say: the detail is the service's, in English.
        ServiceError::Invalid(_) | ServiceError::Import(_) => {
            tr!(lang, "error-invalid", detail = error.message())
        }
        ServiceError::Internal(_) => tr!(lang, "error-internal"),
    }
}

/// A field's error in the member's language. English keeps the rule's own words, which
/// name the limits (`$detail`); the other languages say what the code means.
pub fn field_error(lang: Language, error: &FieldError) -> String {
    let detail = error.message.as_str();
    use ErrorCode::*;
    match error.code {
        Required => tr!(lang, "field-error-required", detail = detail),
        NotNullable => tr!(lang, "field-error-not-nullable", detail = detail),
        WrongType => tr!(lang, "field-error-wrong-type", detail = detail),
        TooLong => tr!(lang, "field-error-too-long", detail = detail),
        ControlCharacters => tr!(lang, "field-error-control-characters", detail = detail),
        InvalidEmail => tr!(lang, "field-error-invalid-email", detail = detail),
        InvalidUrl => tr!(lang, "field-error-invalid-url", detail = detail),
        InvalidDate => tr!(lang, "field-error-invalid-date", detail = detail),
        InvalidNumber => tr!(lang, "field-error-invalid-number", detail = detail),
        InvalidCode => tr!(lang, "field-error-invalid-code", detail = detail),
        DateOutOfRange => tr!(lang, "field-error-date-out-of-range", detail = detail),
        InvalidPhone => tr!(lang, "field-error-invalid-phone", detail = detail),
        InvalidChoice => tr!(lang, "field-error-invalid-choice", detail = detail),
        UnknownCountry => tr!(lang, "field-error-unknown-country", detail = detail),
        InvalidTaxId => tr!(lang, "field-error-invalid-tax-id", detail = detail),
        InvalidHandle => tr!(lang, "field-error-invalid-handle", detail = detail),
        TagTooLong => tr!(lang, "field-error-tag-too-long", detail = detail),
        TooManyTags => tr!(lang, "field-error-too-many-tags", detail = detail),
        ReadOnly | NotWritable => tr!(lang, "field-error-not-writable", detail = detail),
        PasswordMismatch => tr!(lang, "field-error-password-mismatch", detail = detail),
        PasswordRequired => tr!(lang, "field-error-password-required", detail = detail),
        WrongCurrentPassword => tr!(lang, "field-error-wrong-current-password", detail = detail),
        PasswordTooShort => tr!(lang, "field-error-password-too-short", detail = detail),
        PasswordTooLong => tr!(lang, "field-error-password-too-long", detail = detail),
        PasswordTooCommon => tr!(lang, "field-error-password-too-common", detail = detail),
        PasswordTooWeak => tr!(lang, "field-error-password-too-weak", detail = detail),
        PasswordContainsEmail => tr!(lang, "field-error-password-contains-email", detail = detail),
        PasswordContainsName => tr!(lang, "field-error-password-contains-name", detail = detail),
        PasswordUnchanged => tr!(lang, "field-error-password-unchanged", detail = detail),
        PasswordNeedsDigit | PasswordNeedsUpper | PasswordNeedsLower | PasswordNeedsSymbol => {
            tr!(lang, "field-error-password-needs", detail = detail)
        }
        AiUnavailable => tr!(lang, "field-error-ai-unavailable", detail = detail),
        NotEnoughToDraft => tr!(lang, "field-error-not-enough-to-draft", detail = detail),
        InvalidLink => tr!(lang, "field-error-invalid-link", detail = detail),
        EmailUnchanged => tr!(lang, "field-error-email-unchanged", detail = detail),
        NestedTooDeep | RendersTooLarge => tr!(lang, "field-error-bio-too-complex", detail = detail),
        UnsupportedImage => tr!(lang, "field-error-unsupported-image", detail = detail),
        InvalidImage => tr!(lang, "field-error-invalid-image", detail = detail),
        ImageTooLarge => tr!(lang, "field-error-image-too-large", detail = detail),
        // What a form never sends (it is the API's): the rule's words.
        UnknownField | DuplicateField | MalformedJson | NotAnObject | EmptyBody => {
            tr!(lang, "field-error-other", detail = detail)
        }
    }
}
