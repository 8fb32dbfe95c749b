//! A location's password policy and the check of a new password against it. Each failed
//! rule is its own error, with a message a member understands.
//!
//! Strength is estimated with zxcvbn (the member's e-mail, names and the location's name
//! count as known words); a shipped list of common and breached passwords catches what the
//! estimator lets through. The check costs up to tens of milliseconds of CPU for long
//! inputs, so the service runs it off the async workers.

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
    /// The lowest zxcvbn score (0–4) accepted; 0 turns the estimate off.
    pub min_score: u8,
    /// Members must sign in with two-step sign-in (docs/API.md, "Two-step sign-in").
    pub require_two_step: bool,
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
            min_score: DEFAULT_MIN_SCORE,
            require_two_step: false,
        }
    }
}

impl std::fmt::Display for PasswordPolicy {
    /// The policy in words, as an operator reads it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut rules = vec![format!("{} to {} characters", self.min_length, self.max_length)];
        rules.push(match self.min_score {
            0 => "no strength estimate".into(),
            score => format!("strength at least {score} of {MAX_SCORE}"),
        });
        let switches = [
            (self.reject_common, "common passwords refused"),
            (self.reject_personal, "the e-mail and name refused"),
            (self.require_digit, "a digit required"),
            (self.require_upper, "an upper-case letter required"),
            (self.require_lower, "a lower-case letter required"),
            (self.require_symbol, "a symbol required"),
            (self.require_two_step, "two-step sign-in required"),
        ];
        rules.extend(switches.iter().filter(|(on, _)| *on).map(|(_, rule)| rule.to_string()));
        f.write_str(&rules.join("; "))
    }
}

pub const DEFAULT_MIN_SCORE: u8 = 3;
pub const MAX_SCORE: u8 = 4;

/// Who the password belongs to and where: words an attacker who knows the member would
/// try first.
#[derive(Debug, Clone, Copy)]
pub struct Owner<'a> {
    pub email: &'a str,
    pub full_name: &'a str,
    pub location: &'a str,
}

impl Owner<'_> {
    /// The e-mail, its parts, the name, its words and the location's name, as zxcvbn's
    /// known words.
    fn known_words(&self) -> Vec<String> {
        let (local, domain) = self.email.split_once('@').unwrap_or((self.email, ""));
        let mut words = vec![self.email.to_string(), local.to_string(), domain.to_string()];
        for phrase in [local, self.full_name, self.location] {
            let parts: Vec<&str> =
                phrase.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
            words.push(phrase.to_string());
            words.push(parts.concat());
            words.extend(parts.iter().map(|w| w.to_string()));
        }
        words.retain(|w| w.chars().count() >= MIN_PERSONAL_CHARS);
        words
    }
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
    if policy.reject_common && is_common(&lower) {
        errors.push(error(
            ErrorCode::PasswordTooCommon,
            "is one of the most commonly used passwords (perhaps with digits or symbols added); \
             choose something less guessable, such as a few unrelated words"
                .into(),
        ));
    }
    if policy.min_score > 0 {
        errors.extend(strength_error(policy.min_score, &normalized, owner, property));
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

/// On the list as it is, or once the digits and symbols added around a listed word are
/// taken away (`password123!` is `password`).
fn is_common(lower: &str) -> bool {
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    COMMON.contains(lower) || (core.chars().count() >= MIN_PERSONAL_CHARS && COMMON.contains(core))
}

fn strength_error(min_score: u8, password: &str, owner: Owner<'_>, property: &str) -> Option<FieldError> {
    let known = owner.known_words();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &known);
    let score = u8::from(estimate.score());
    if score >= min_score {
        return None;
    }
    let mut advice: Vec<String> = Vec::new();
    if let Some(feedback) = estimate.feedback() {
        advice.extend(feedback.warning().map(|w| w.to_string()));
        advice.extend(feedback.suggestions().iter().map(|s| s.to_string()));
    }
    if advice.is_empty() {
        advice.push("Add another word or two. Uncommon words are better.".into());
    }
    let message = format!(
        "is too easy to guess (strength {score} of {MAX_SCORE}; at least {min_score} is needed). {}",
        advice.join(" ")
    );
    Some(FieldError::new(property, ErrorCode::PasswordTooWeak, message))
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

    const OWNER: Owner<'static> =
        Owner { email: "jane.doe@example.com", full_name: "Jane Doe", location: "Canal Street" };

    fn codes(policy: &PasswordPolicy, candidate: &str, current: Option<&str>) -> Vec<&'static str> {
        check(policy, candidate, OWNER, current, "NewPassword").iter().map(|e| e.code.as_str()).collect()
    }

    #[test]
    fn a_policy_reads_as_words() {
        let policy = PasswordPolicy { min_length: 14, require_digit: true, ..PasswordPolicy::default() };
        assert_eq!(
            policy.to_string(),
            "14 to 128 characters; strength at least 3 of 4; common passwords refused; \
             the e-mail and name refused; a digit required"
        );
    }

    #[test]
    fn ships_ten_thousand_common_passwords() {
        assert_eq!(COMMON.len(), 10_000);
    }

    /// The rules other than the strength estimate, to test each on its own.
    fn without_estimate() -> PasswordPolicy {
        PasswordPolicy { min_score: 0, ..PasswordPolicy::default() }
    }

    #[test]
    fn guessable_passwords_are_too_weak_and_passphrases_pass() {
        let policy =
            PasswordPolicy { reject_common: false, reject_personal: false, ..PasswordPolicy::default() };
        for guessable in [
            "qwerty123456",
            "aaaaaaaaaaaa",
            "Password1234!",
            "janedoe2024!",
            "JaneDoe1990",
            "canalstreet2026",
        ] {
            assert_eq!(codes(&policy, guessable, None), vec!["password_too_weak"], "{guessable}");
        }
        for passphrase in ["mellow orbit canyon fig", "correct horse battery staple", "Violet-kettle-drum-42"]
        {
            assert!(codes(&policy, passphrase, None).is_empty(), "{passphrase}");
        }
        let message = &check(&policy, "qwerty123456", OWNER, None, "NewPassword")[0].message;
        assert!(
            message.contains("strength 1 of 4") && message.contains("Add another word or two"),
            "{message}"
        );
    }

    #[test]
    fn the_minimum_score_is_the_policys() {
        let lenient = PasswordPolicy { min_score: 1, reject_common: false, ..without_estimate() };
        assert!(codes(&lenient, "qwerty123456", None).is_empty());
        let default = PasswordPolicy { reject_common: false, ..PasswordPolicy::default() };
        assert_eq!(codes(&default, "qwerty123456", None), vec!["password_too_weak"]);
        let strict = PasswordPolicy { min_score: 4, ..without_estimate() };
        assert_eq!(codes(&strict, "janeexample1!", None), vec!["password_too_weak"]);
    }

    #[test]
    fn common_passwords_with_digits_or_symbols_added_are_common() {
        let policy = without_estimate();
        for common in ["password123", "Password123!", "sunshine2024", "!!monkey!!99"] {
            assert_eq!(codes(&policy, common, None), vec!["password_too_common"], "{common}");
        }
        assert!(codes(&policy, "monkey business plan", None).is_empty());
    }

    #[test]
    fn each_default_rule_has_its_code() {
        let policy = without_estimate();
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
        let policy = without_estimate();
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
            ..without_estimate()
        };
        assert_eq!(
            codes(&policy, "violetkettledrum", None),
            vec!["password_needs_digit", "password_needs_upper", "password_needs_symbol"]
        );
        assert!(codes(&policy, "Violet-kettle-drum-7", None).is_empty());
    }
}
