//! Two-step sign-in: time-based one-time codes (RFC 6238: HMAC-SHA-1, six digits, 30-second
//! steps, as every authenticator app takes them) and single-use recovery codes.

use totp_rs::{Algorithm, TOTP};

pub const STEP_SECONDS: u64 = 30;
pub const DIGITS: usize = 6;
/// Steps of clock drift accepted either way.
pub const DRIFT_STEPS: u64 = 1;
/// 160 bits, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;
pub const RECOVERY_CODES: usize = 10;

/// A new random secret.
pub fn new_secret() -> Vec<u8> {
    let bytes: [u8; SECRET_BYTES] = rand::random();
    bytes.to_vec()
}

fn totp(secret: &[u8], issuer: &str, account: &str) -> Option<TOTP> {
    // The otpauth label may not hold a colon: it separates the issuer from the account.
    let issuer = issuer.replace(':', " ");
    let account = account.replace(':', " ");
    TOTP::new(Algorithm::SHA1, DIGITS, 1, STEP_SECONDS, secret.to_vec(), Some(issuer), account).ok()
}

/// The secret as an authenticator app takes it typed in: base32, no padding.
pub fn secret_text(secret: &[u8]) -> String {
    totp_rs::Secret::Raw(secret.to_vec()).to_encoded().to_string()
}

/// The `otpauth://totp/…` address an app reads from the QR code.
pub fn otpauth_uri(secret: &[u8], issuer: &str, account: &str) -> Option<String> {
    totp(secret, issuer, account).map(|t| t.get_url())
}

/// The code of the step that holds `unix_seconds`.
pub fn code_at(secret: &[u8], unix_seconds: u64) -> String {
    totp(secret, "x", "x").map(|t| t.generate(unix_seconds)).unwrap_or_default()
}

/// The step a code belongs to, within the drift either way of `now`; `None` when it is not
/// a code of this secret now. Compared in constant time.
pub fn matching_step(secret: &[u8], code: &str, unix_seconds: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = unix_seconds / STEP_SECONDS;
    let mut found = None;
    for step in now.saturating_sub(DRIFT_STEPS)..=now + DRIFT_STEPS {
        let expected = code_at(secret, step * STEP_SECONDS);
        if bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), code.as_bytes())) {
            found = Some(step);
        }
    }
    found
}

/// Whether what was typed has the shape of a one-time code (six digits) rather than a
/// recovery code.
pub fn is_one_time_code(typed: &str) -> bool {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Ten new recovery codes, `xxxxx-xxxxx` of lower-case base32 (50 bits each).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let bytes: [u8; 8] = rand::random();
            let text = totp_rs::Secret::Raw(bytes.to_vec()).to_encoded().to_string().to_lowercase();
            format!("{}-{}", &text[..5], &text[5..10])
        })
        .collect()
}

/// A recovery code as typed, in the form it was made in: case, spaces and dashes ignored.
pub fn normalize_recovery_code(typed: &str) -> String {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B's SHA-1 secret and times (its eight-digit codes end in these six).
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_are_rfc_6238s() {
        assert_eq!(code_at(RFC_SECRET, 59), "287082");
        assert_eq!(code_at(RFC_SECRET, 1_111_111_109), "081804");
        assert_eq!(code_at(RFC_SECRET, 1_234_567_890), "005924");
        assert_eq!(code_at(RFC_SECRET, 2_000_000_000), "279037");
    }

    #[test]
    fn a_code_matches_its_step_and_one_either_way() {
        let now = 1_700_000_000;
        let step = now / STEP_SECONDS;
        for (offset, expected) in [(0, Some(step)), (-1, Some(step - 1)), (1, Some(step + 1))] {
            let at = (step as i64 + offset) as u64 * STEP_SECONDS;
            assert_eq!(matching_step(RFC_SECRET, &code_at(RFC_SECRET, at), now), expected, "{offset}");
        }
        for far in [step - 2, step + 2] {
            assert_eq!(matching_step(RFC_SECRET, &code_at(RFC_SECRET, far * STEP_SECONDS), now), None);
        }
        let spaced = code_at(RFC_SECRET, now);
        assert_eq!(matching_step(RFC_SECRET, &format!("{} {}", &spaced[..3], &spaced[3..]), now), Some(step));
        for bad in ["", "12345", "1234567", "abcdef"] {
            assert_eq!(matching_step(RFC_SECRET, bad, now), None, "{bad}");
        }
        assert_eq!(matching_step(b"another secret 12345", &code_at(RFC_SECRET, now), now), None);
    }

    #[test]
    fn the_app_gets_the_secret_and_the_address() {
        let uri = otpauth_uri(RFC_SECRET, "Canal: Street", "ann@example.com").expect("uri");
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
        assert!(uri.contains(&format!("secret={}", secret_text(RFC_SECRET))), "{uri}");
        assert!(uri.contains("issuer=Canal"), "{uri}");
        assert_eq!(secret_text(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(new_secret().len(), SECRET_BYTES);
        assert_ne!(new_secret(), new_secret());
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_read_back_however_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut distinct = codes.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), 11);
            assert!(!is_one_time_code(code));
            assert_eq!(
                normalize_recovery_code(&code.to_uppercase().replace('-', " ")),
                code.replace('-', "")
            );
        }
        assert!(is_one_time_code("123 456") && !is_one_time_code("12345a"));
    }
}
