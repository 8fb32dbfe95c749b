//! The account lifecycle's rules (docs/API.md, "Account lifecycle by e-mail"): what each single-use link is for,
//! how long it lives, and when a change of password voids it.

use sha2::{Digest, Sha256};
use time::Duration;

/// What a link sent by e-mail lets its holder do, once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Set the first password of an invited member.
    Invitation,
    /// Set a new password in place of a forgotten one.
    PasswordReset,
    /// Make the new address the sign-in address.
    EmailChange,
    /// Put the old address back, from the notice sent to it.
    EmailRevert,
    /// Sign in without the password, once: a link mailed on request (`sendOtp`).
    SignIn,
    /// Sign in once, within minutes: a token the API hands out (`completePasswordReset`,
    /// `token/refresh`), exchanged for a session or followed by a browser.
    OneTime,
}

impl Purpose {
    pub const ALL: [Purpose; 6] = [
        Purpose::Invitation,
        Purpose::PasswordReset,
        Purpose::EmailChange,
        Purpose::EmailRevert,
        Purpose::SignIn,
        Purpose::OneTime,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::PasswordReset => "password_reset",
            Purpose::EmailChange => "email_change",
            Purpose::EmailRevert => "email_revert",
            Purpose::SignIn => "sign_in",
            Purpose::OneTime => "one_time",
        }
    }

    pub fn from_name(name: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// The portal page the link opens.
    pub fn page(self) -> &'static str {
        match self {
            Purpose::Invitation => "/welcome",
            Purpose::PasswordReset => "/reset",
            Purpose::EmailChange => "/confirm-email",
            Purpose::EmailRevert => "/undo-email",
            Purpose::SignIn => "/signin/link",
            Purpose::OneTime => "/en/user/login",
        }
    }

    /// Whether a change of password since the link was made voids it. Not the undo link of
    /// an e-mail change: whoever changed the address may have changed the password too,
    /// and the undo must still work.
    pub fn voided_by_password_change(self) -> bool {
        self != Purpose::EmailRevert
    }

    /// Whether the link signs its user in (a session instead of the password).
    pub fn signs_in(self) -> bool {
        matches!(self, Purpose::SignIn | Purpose::OneTime)
    }

    /// Whether redeeming the link sets a password (the same endpoint takes both).
    pub fn sets_password(self) -> bool {
        matches!(self, Purpose::Invitation | Purpose::PasswordReset)
    }
}

/// The password hash of an invited member who has not chosen a password: no hash at all,
/// so no password matches it (`auth::password` checks a dummy instead, taking as long).
pub const NO_PASSWORD_YET: &str = "!invited";

/// How long an invitation works unless the operator says otherwise.
pub const INVITATION_LIFETIME: Duration = Duration::days(7);
/// How long a password-reset link works.
pub const RESET_LIFETIME: Duration = Duration::hours(1);
/// How long a link confirming a new e-mail address works.
pub const EMAIL_CHANGE_LIFETIME: Duration = Duration::hours(24);
/// How long the old address can undo a change of e-mail address.
pub const EMAIL_REVERT_LIFETIME: Duration = Duration::days(7);
/// How long a mailed sign-in link works.
pub const SIGN_IN_LINK_LIFETIME: Duration = Duration::minutes(15);
/// How long a one-time sign-in token handed to a client works (`completePasswordReset`,
/// `token/refresh`): long enough to follow a redirect.
pub const ONE_TIME_TOKEN_LIFETIME: Duration = Duration::minutes(5);
/// Links of one kind one account may be sent in an hour (resets, e-mail changes).
pub const LINKS_PER_HOUR: u32 = 3;

/// A digest of the password hash a link was made under: when the password changes, the tag
/// no longer matches and the link is void. The hash is itself a secret, so only a digest
/// of it is stored with the link.
pub fn credential_tag(password_hash: &str) -> String {
    let digest = Sha256::digest(password_hash.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_purpose_has_one_name_and_page() {
        for purpose in Purpose::ALL {
            assert_eq!(Purpose::from_name(purpose.as_str()), Some(purpose));
        }
        assert_eq!(Purpose::from_name("reset"), None);
        let pages: std::collections::BTreeSet<&str> = Purpose::ALL.iter().map(|p| p.page()).collect();
        assert_eq!(pages.len(), 6);
        assert!(
            Purpose::SignIn.signs_in() && Purpose::OneTime.signs_in() && !Purpose::PasswordReset.signs_in()
        );
        assert!(Purpose::Invitation.sets_password() && Purpose::PasswordReset.sets_password());
        assert!(!Purpose::EmailChange.sets_password() && !Purpose::EmailRevert.sets_password());
        assert!(
            Purpose::PasswordReset.voided_by_password_change()
                && Purpose::EmailChange.voided_by_password_change()
        );
        assert!(!Purpose::EmailRevert.voided_by_password_change());
    }

    #[test]
    fn a_new_password_hash_changes_the_tag() {
        let tag = credential_tag("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA");
        assert_eq!(tag.len(), 64);
        assert_eq!(tag, credential_tag("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"));
        assert_ne!(tag, credential_tag("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$b3RoZXI"));
    }
}
