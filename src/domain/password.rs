//! A location's password policy and the check of a new password against it. Each failed
//! rule is its own error, with a message a member understands.

use std::collections::HashSet;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

use super::error::{ErrorCode, FieldError};

/// The rules a new password must satisfy; each location has its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: u32,
    pub max_length: u32,
    pub reject_common: bool,
    /// Refuse passwords equal to or containing the e-mail's local part or the full name.
    pub reject_personal: bool,
    pub require_digit: bool,
    pub require_upper: bool,
    pub require_lower: bool,
    pub require_symbol: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 10,
            max_length: 128,
            reject_common: true,
            reject_personal: true,
            require_digit: false,
            require_upper: false,
            require_lower: false,
            require_symbol: false,
        }
    }
}

/// Who the password belongs to, for the personal-information rule.
#[derive(Debug, Clone, Copy)]
pub struct Owner<'a> {
    pub email: &'a str,
    pub full_name: &'a str,
}

/// The 10 000 most common passwords (SecLists), shipped in the binary.
static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../../assets/common-passwords.txt").lines().collect());

/// Names and e-mail parts shorter than this are not searched for inside a password.
const MIN_PERSONAL_CHARS: usize = 3;

/// Checks `candidate` against every rule; `current` is the password it replaces.
pub fn check(
    policy: &PasswordPolicy,
    candidate: &str,
    owner: Owner<'_>,
    current: Option<&str>,
    property: &str,
) -> Vec<FieldError> {
    let error = |code, message: String| FieldError::new(property, code, message);
    let normalized: String = candidate.nfc().collect();
    let length = normalized.chars().count();
    let mut errors = Vec::new();
    if length < policy.min_length as usize {
        errors.push(error(
            ErrorCode::PasswordTooShort,
            format!("must be at least {} characters long (it has {length})", policy.min_length),
        ));
    }
    if length > policy.max_length as usize {
        errors.push(error(
            ErrorCode::PasswordTooLong,
            format!("must be at most {} characters long", policy.max_length),
        ));
    }
    let lower = normalized.to_lowercase();
    if policy.reject_common && COMMON.contains(lower.as_str()) {
        errors.push(error(
            ErrorCode::PasswordTooCommon,
            "is one of the most commonly used passwords; choose something less guessable".into(),
        ));
    }
    if policy.reject_personal {
        errors.extend(personal_errors(&lower, owner, property));
    }
    if current.is_some_and(|c| c == candidate) {
        errors
            .push(error(ErrorCode::PasswordUnchanged, "must be different from the current password".into()));
    }
    let classes = [
        (
            policy.require_digit,
            char::is_numeric as fn(char) -> bool,
            ErrorCode::PasswordNeedsDigit,
            "a digit",
        ),
        (policy.require_upper, char::is_uppercase, ErrorCode::PasswordNeedsUpper, "an upper-case letter"),
        (policy.require_lower, char::is_lowercase, ErrorCode::PasswordNeedsLower, "a lower-case letter"),
        (policy.require_symbol, is_symbol, ErrorCode::PasswordNeedsSymbol, "a symbol (like ! # or %)"),
    ];
    for (required, test, code, what) in classes {
        if required && !normalized.chars().any(test) {
            errors.push(error(code, format!("must contain {what}")));
        }
    }
    errors
}

fn is_symbol(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace()
}

fn personal_errors(lower_candidate: &str, owner: Owner<'_>, property: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let local_part = owner.email.split('@').next().unwrap_or("").to_lowercase();
    if local_part.chars().count() >= MIN_PERSONAL_CHARS && lower_candidate.contains(&local_part) {
        errors.push(FieldError::new(
            property,
            ErrorCode::PasswordContainsEmail,
            "must not contain your e-mail address",
        ));
    }
    let name = owner.full_name.to_lowercase();
    let joined: String = name.split_whitespace().collect();
    let contains_name = [name.trim().to_string(), joined]
        .iter()
        .any(|n| n.chars().count() >= MIN_PERSONAL_CHARS && lower_candidate.contains(n.as_str()));
    if contains_name {
        errors.push(FieldError::new(property, ErrorCode::PasswordContainsName, "must not contain your name"));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: Owner<'static> = Owner { email: "jane.doe@example.com", full_name: "Jane Doe" };

    fn codes(policy: &PasswordPolicy, candidate: &str, current: Option<&str>) -> Vec<&'static str> {
        check(policy, candidate, OWNER, current, "NewPassword").iter().map(|e| e.code.as_str()).collect()
    }

    #[test]
    fn ships_ten_thousand_common_passwords() {
        assert_eq!(COMMON.len(), 10_000);
    }

    #[test]
    fn each_default_rule_has_its_code() {
        let policy = PasswordPolicy::default();
        assert!(codes(&policy, "violet kettle drum", None).is_empty());
        assert_eq!(codes(&policy, "qz7!vx", None), vec!["password_too_short"]);
        assert_eq!(codes(&policy, &"x".repeat(129), None), vec!["password_too_long"]);
        assert_eq!(codes(&policy, "QwertyUIOP", None), vec!["password_too_common"], "case-insensitive");
        assert_eq!(codes(&policy, "my jane.doe secret", None), vec!["password_contains_email"]);
        assert_eq!(codes(&policy, "xxjanedoexx", None), vec!["password_contains_name"]);
        assert_eq!(
            codes(&policy, "violet kettle drum", Some("violet kettle drum")),
            vec!["password_unchanged"]
        );
    }

    #[test]
    fn length_counts_characters() {
        let policy = PasswordPolicy::default();
        assert!(codes(&policy, "ééééééééé", None).contains(&"password_too_short"));
        assert!(!codes(&policy, "éééééééééé", None).contains(&"password_too_short"));
    }

    #[test]
    fn optional_character_classes() {
        let policy = PasswordPolicy {
            require_digit: true,
            require_upper: true,
            require_lower: true,
            require_symbol: true,
            ..PasswordPolicy::default()
        };
        assert_eq!(
            codes(&policy, "violetkettledrum", None),
            vec!["password_needs_digit", "password_needs_upper", "password_needs_symbol"]
        );
        assert!(codes(&policy, "Violet-kettle-drum-7", None).is_empty());
    }
}
