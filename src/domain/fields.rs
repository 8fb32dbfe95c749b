//! Parsers for the typed values inside profile properties. Each takes text that
//! [`super::text::clean`] has already normalised and returns the canonical stored form.

use email_address::{EmailAddress, Options};
use time::{Date, OffsetDateTime, PrimitiveDateTime, macros::format_description};
use unicode_normalization::UnicodeNormalization;
use url::{Host, Url};

use super::error::ErrorCode;
use super::text::Problem;

pub use super::catalogue::{
    MAX_EMAIL_CHARS, MAX_PHONE_CHARS, MAX_TAG_CHARS, MAX_TAGS, MAX_TAX_ID_CHARS, MAX_URL_CHARS,
};

/// A deliverable-looking address: no display name, no IP literal, a dotted domain.
/// Unicode is normalised (NFC); the domain is lower-cased; the local part is kept as written.
pub fn email(text: &str) -> Result<String, Problem> {
    let invalid = || Problem::new(ErrorCode::InvalidEmail, "is not a valid email address");
    let text: String = text.trim().nfc().collect();
    let text = text.as_str();
    if text.chars().count() > MAX_EMAIL_CHARS {
        return Err(invalid());
    }
    let options = Options {
        minimum_sub_domains: 2,
        allow_domain_literal: false,
        allow_display_text: false,
        ..Options::default()
    };
    let parsed = EmailAddress::parse_with_options(text, options).map_err(|_| invalid())?;
    if !deliverable_local_part(parsed.local_part()) {
        return Err(Problem::new(
            ErrorCode::InvalidEmail,
            "is not an address mail can be sent to: use letters, digits and . _ + - before the @",
        ));
    }
    Ok(format!("{}@{}", parsed.local_part(), parsed.domain().to_lowercase()))
}

/// A local part written as dot-separated atoms (RFC 5322), as every mail server takes it:
/// no quoted strings (`"a@b"@example.com`), comments or escapes, which pass the grammar
/// but which mailers and servers refuse or read differently.
fn deliverable_local_part(local: &str) -> bool {
    const ATOM_SYMBOLS: &str = "!#$%&'*+-/=?^_`{|}~";
    let atom_char = |c: char| {
        c.is_ascii_alphanumeric()
            || ATOM_SYMBOLS.contains(c)
            || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
    };
    !local.is_empty() && local.split('.').all(|atom| !atom.is_empty() && atom.chars().all(atom_char))
}

/// The sign-in key of an e-mail address: trimmed, compatibility-normalised (NFKC) and
/// Unicode case-folded, so every way of writing one address (any case, composed or
/// decomposed accents, fullwidth or ligature forms) is one account, and look-alike twins
/// cannot be made. Every path that looks up or stores an account goes through this function.
pub fn email_key(email: &str) -> String {
    let compatible: String = email.trim().nfkc().collect();
    caseless::default_case_fold_str(&compatible).nfkc().collect()
}

/// The keys accounts were stored under before, newest first: NFC and case-folded (before
/// compatibility forms were folded), and plain lower case (before case folding). They
/// differ from [`email_key`] only for a few characters, such as `ß` or `ｓ`.
pub fn legacy_email_keys(email: &str) -> [String; 2] {
    let composed: String = email.trim().nfc().collect();
    let folded: String = caseless::default_case_fold_str(&composed).nfc().collect();
    [folded, composed.to_lowercase()]
}

/// A one-way digest of an e-mail key, for records about addresses that belong to no
/// member (the lockout counters, the audit log): what someone typed as a user name,
/// often a password, is never stored in clear.
pub fn email_digest(email_key: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(email_key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// An `http`/`https` address with a dotted host name and no credentials; a bare
/// domain gets `https://`.
pub fn website(text: &str) -> Result<String, Problem> {
    if text.chars().count() > MAX_URL_CHARS {
        return Err(Problem::new(ErrorCode::TooLong, format!("must be at most {MAX_URL_CHARS} characters")));
    }
    let url = web_url(text)
        .ok_or_else(|| Problem::new(ErrorCode::InvalidUrl, "is not a valid http or https address"))?;
    Ok(url.to_string())
}

fn web_url(text: &str) -> Option<Url> {
    if text.is_empty() || text.chars().any(char::is_whitespace) {
        return None;
    }
    let candidate = if text.contains("://") { text.to_string() } else { format!("https://{text}") };
    let url = Url::parse(&candidate).ok()?;
    let dotted_domain = matches!(url.host(), Some(Host::Domain(d)) if d.contains('.') && !d.ends_with('.'));
    let web_scheme = matches!(url.scheme(), "http" | "https");
    let no_credentials = url.username().is_empty() && url.password().is_none();
    (dotted_domain && web_scheme && no_credentials).then_some(url)
}

/// Digits, spaces and `+ ( ) - . /`, an optional extension (`ext. 12`, `x12`, `#12`),
/// at least three digits.
pub fn phone(text: &str) -> Result<String, Problem> {
    if text.chars().count() > MAX_PHONE_CHARS {
        return Err(Problem::new(
            ErrorCode::TooLong,
            format!("must be at most {MAX_PHONE_CHARS} characters"),
        ));
    }
    let invalid = || {
        Problem::new(
            ErrorCode::InvalidPhone,
            "is not a phone number: use digits, spaces and + ( ) - . /, with at least 3 digits",
        )
    };
    let number = without_extension(text);
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '+' | '(' | ')' | '-' | '.' | '/');
    let plus_only_first = number.char_indices().all(|(i, c)| c != '+' || i == 0);
    let digits = number.chars().filter(char::is_ascii_digit).count();
    if number.chars().all(allowed) && plus_only_first && digits >= 3 {
        Ok(text.to_string())
    } else {
        Err(invalid())
    }
}

fn without_extension(text: &str) -> &str {
    let digits_start = text.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits_start == text.len() {
        return text;
    }
    let before = text[..digits_start].trim_end();
    let lower = before.to_ascii_lowercase();
    for marker in ["extension", "ext.", "ext", "x", "#"] {
        if lower.ends_with(marker) {
            return before[..before.len() - marker.len()].trim_end();
        }
    }
    text
}

/// An ISO 8601 date; a date-time is accepted and only its date kept. Between 1900-01-01
/// and `today`.
pub fn birth_date(text: &str, today: Date) -> Result<Date, Problem> {
    let date = parse_date(text)
        .ok_or_else(|| Problem::new(ErrorCode::InvalidDate, "is not a date: use the form 1990-06-15"))?;
    let earliest = Date::from_calendar_date(1900, time::Month::January, 1)
        .map_err(|_| Problem::new(ErrorCode::InvalidDate, "is not a date"))?;
    if date < earliest || date > today {
        return Err(Problem::new(
            ErrorCode::DateOutOfRange,
            format!("must be between 1900-01-01 and {today}"),
        ));
    }
    Ok(date)
}

fn parse_date(text: &str) -> Option<Date> {
    // The year starts with four digits, no sign: `+1990-05-04` is not a date a form sends
    // (a longer year the parser refuses itself).
    let bytes = text.as_bytes();
    if bytes.len() < 10 || !bytes[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let date_only = format_description!("[year]-[month]-[day]");
    let local_date_time = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    Date::parse(text, date_only)
        .ok()
        .or_else(|| {
            OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok().map(|t| t.date())
        })
        .or_else(|| {
            PrimitiveDateTime::parse(text.split('.').next().unwrap_or(text), local_date_time)
                .ok()
                .map(|t| t.date())
        })
}

/// Letters, digits, spaces and `- . /`, at most 50 characters.
pub fn tax_id(text: &str) -> Result<String, Problem> {
    if text.chars().count() > MAX_TAX_ID_CHARS {
        return Err(Problem::new(
            ErrorCode::TooLong,
            format!("must be at most {MAX_TAX_ID_CHARS} characters"),
        ));
    }
    if text.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '/')) {
        Ok(text.to_string())
    } else {
        Err(Problem::new(ErrorCode::InvalidTaxId, "may contain only letters, digits, spaces and - . /"))
    }
}

/// Comma-separated tags: each trimmed, empty ones skipped, 1–50 characters, duplicates
/// (ignoring case) dropped keeping the first, at most 30. `None` when no tag remains.
pub fn tags(text: &str) -> Result<Option<Vec<String>>, Problem> {
    let mut kept: Vec<String> = Vec::new();
    for tag in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if tag.chars().count() > MAX_TAG_CHARS {
            return Err(Problem::new(
                ErrorCode::TagTooLong,
                format!(
                    "each tag must be at most {MAX_TAG_CHARS} characters (\"{}…\" is longer)",
                    tag.chars().take(20).collect::<String>()
                ),
            ));
        }
        let lower = tag.to_lowercase();
        if !kept.iter().any(|k| k.to_lowercase() == lower) {
            kept.push(tag.to_string());
        }
    }
    if kept.len() > MAX_TAGS {
        return Err(Problem::new(
            ErrorCode::TooManyTags,
            format!("at most {MAX_TAGS} different tags are allowed (got {})", kept.len()),
        ));
    }
    Ok((!kept.is_empty()).then_some(kept))
}

/// The stored form of a tag list.
pub fn join_tags(tags: &[String]) -> String {
    tags.join(", ")
}

/// The read form of a stored tag list.
pub fn split_tags(stored: &str) -> Vec<&str> {
    stored.split(',').map(str::trim).filter(|t| !t.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn email_accepts_plain_addresses_and_lowercases_the_domain() {
        assert_eq!(email("Jane.Doe@Example.COM").as_deref(), Ok("Jane.Doe@example.com"));
        for bad in [
            "jane",
            "jane@",
            "@example.com",
            "jane@localhost",
            "Jane <jane@example.com>",
            "jane@[127.0.0.1]",
            "a b@example.com",
        ] {
            assert!(email(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn one_address_written_any_way_has_one_key() {
        let composed = "Jos\u{e9}@Example.com";
        let decomposed = "JOSE\u{301}@example.COM ";
        assert_eq!(email_key(composed), email_key(decomposed));
        assert_eq!(email_key(composed), "jos\u{e9}@example.com");
        assert_eq!(email_key("STRASSE@x.de"), email_key("stra\u{df}e@x.de"), "case folding, not lower case");
        assert_eq!(legacy_email_keys("Stra\u{df}e@X.de")[1], "stra\u{df}e@x.de");
        assert_eq!(legacy_email_keys("\u{ff53}trasse@x.de")[0], "\u{ff53}trasse@x.de");
        assert_eq!(email(decomposed).as_deref(), Ok("JOS\u{c9}@example.com"), "stored composed");
    }

    #[test]
    fn compatibility_forms_are_one_key() {
        assert_eq!(email_key("\u{ff53}trasse@example.com"), email_key("strasse@example.com"), "fullwidth s");
        assert_eq!(email_key("\u{fb01}ona@example.com"), email_key("fiona@example.com"), "the fi ligature");
        assert_eq!(email_key("ANN@EXAMPLE.COM"), "ann@example.com");
        assert_ne!(email_key("ann@example.com"), email_key("anne@example.com"));
    }

    #[test]
    fn only_addresses_a_mailer_can_send_to_are_taken() {
        for bad in [
            "\"victim@evil.example\"@example.com",
            "\"jane doe\"@example.com",
            "jane(comment)@example.com",
            "jane..doe@example.com",
            ".jane@example.com",
        ] {
            assert!(email(bad).is_err(), "{bad} should be refused");
        }
        for good in
            ["jane.doe+tag@example.com", "o'brien@example.ie", "j\u{fc}rgen@example.de", "x_y-z@a.b.co"]
        {
            assert!(email(good).is_ok(), "{good} should be taken");
        }
    }

    #[test]
    fn digests_hide_the_address() {
        let digest = email_digest("my secret password");
        assert!(digest.starts_with("sha256:") && digest.len() == 7 + 64);
        assert!(!digest.contains("secret"));
        assert_eq!(digest, email_digest("my secret password"));
    }

    #[test]
    fn website_adds_https_to_a_bare_domain_and_refuses_other_schemes() {
        assert_eq!(website("example.com").as_deref(), Ok("https://example.com/"));
        assert_eq!(website("http://example.com/a?b=1").as_deref(), Ok("http://example.com/a?b=1"));
        for bad in [
            "javascript:alert(1)",
            "ftp://example.com",
            "https://user:pw@example.com",
            "localhost",
            "exa mple.com",
            "data:text/html,x",
            "mailto:a@b.com",
        ] {
            assert!(website(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn phone_accepts_common_formats_and_extensions() {
        for good in [
            "+44 20 7946 0000",
            "(555) 123-4567",
            "020/123.456",
            "+1 555 123 4567 ext. 89",
            "555-1234 x12",
            "123",
        ] {
            assert!(phone(good).is_ok(), "{good} should be accepted");
        }
        for bad in ["12", "call me", "12+34", "+44 20 ☎", "555-1234 ext"] {
            assert!(phone(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn a_date_has_a_four_digit_year_and_no_sign() {
        assert_eq!(parse_date("1990-05-04"), Some(date!(1990 - 05 - 04)));
        for bad in ["+1990-05-04", "+199-05-04", "-199-05-04", "01990-05-04", "199", "", "1990/05/04"] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn birth_date_accepts_dates_and_date_times_within_range() {
        let today = date!(2026 - 11 - 27);
        assert_eq!(birth_date("1990-06-15", today), Ok(date!(1990 - 06 - 15)));
        assert_eq!(birth_date("1990-06-15T23:30:00Z", today), Ok(date!(1990 - 06 - 15)));
        assert_eq!(birth_date("1990-06-15T10:00:00", today), Ok(date!(1990 - 06 - 15)));
        assert_eq!(birth_date("2026-11-28", today).map_err(|p| p.code), Err(ErrorCode::DateOutOfRange));
        assert_eq!(birth_date("1899-12-31", today).map_err(|p| p.code), Err(ErrorCode::DateOutOfRange));
        assert_eq!(birth_date("15/06/1990", today).map_err(|p| p.code), Err(ErrorCode::InvalidDate));
        assert_eq!(birth_date("1990-02-30", today).map_err(|p| p.code), Err(ErrorCode::InvalidDate));
    }

    #[test]
    fn tags_are_trimmed_deduplicated_and_limited() {
        assert_eq!(
            tags(" design, UX ,ux,, Rust ").ok().flatten(),
            Some(vec!["design".into(), "UX".into(), "Rust".into()])
        );
        assert_eq!(tags(" , ").ok().flatten(), None);
        let too_many: Vec<String> = (0..31).map(|i| format!("t{i}")).collect();
        assert_eq!(tags(&too_many.join(",")).map_err(|p| p.code), Err(ErrorCode::TooManyTags));
        assert_eq!(tags(&"x".repeat(51)).map_err(|p| p.code), Err(ErrorCode::TagTooLong));
    }

    #[test]
    fn tax_id_allows_only_its_characters() {
        assert!(tax_id("GB 123.456/78-9").is_ok());
        assert_eq!(tax_id("GB<123>").map_err(|p| p.code), Err(ErrorCode::InvalidTaxId));
    }
}
