//! Credentials sent with every request (`Authorization: Basic`), as Wi-Fi hotspot firmware
//! and PHP member sites send them. A credential is verified by the password sign-in itself
//! (its rate limit, lockout, hashing pool and audit), which starts a short session of the
//! client `basic`; the node then remembers, for a few minutes, the header's MAC under the
//! server's key (never the password) and that session's token. A client that sends the
//! same header on every call therefore costs one hash every few minutes, not one per call;
//! and since every call still reads the session, a password change, a suspension or a
//! lockout (each ends the session in the store) takes effect at once, on every node.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use secrecy::SecretString;

use super::session::{self, ClientInfo};
use super::{AppState, ServiceError, ServiceResult};
use crate::domain::profile::Profile;
use crate::domain::session::Session;

/// How long a verified credential is remembered: shorter than its session lives
/// (`session::BASIC_SESSION_LIFETIME`), so a remembered one always finds its session.
pub const REMEMBERED_FOR: Duration = Duration::from_secs(300);
/// Credentials remembered at once, at most; past it the oldest are forgotten.
const MAX_REMEMBERED: usize = 10_000;

/// A credential as the request carried it.
pub struct BasicCredentials {
    /// The `Authorization` value as sent: what is remembered (by its MAC).
    pub header: String,
    pub email: String,
    pub password: SecretString,
}

/// The credentials this node verified lately, by MAC, with their session's access token;
/// and, per credential being verified, a turn, so that a burst of calls with one new
/// credential hashes it once.
#[derive(Default)]
pub struct RememberedCredentials {
    verified: Mutex<HashMap<[u8; 32], (String, Instant)>>,
    turns: Mutex<HashMap<[u8; 32], Arc<tokio::sync::Mutex<()>>>>,
}

impl RememberedCredentials {
    fn token_of(&self, mac: &[u8; 32]) -> Option<String> {
        let verified = self.verified.lock().unwrap_or_else(|p| p.into_inner());
        verified.get(mac).filter(|(_, at)| at.elapsed() < REMEMBERED_FOR).map(|(token, _)| token.clone())
    }

    fn remember(&self, mac: [u8; 32], token: String) {
        let mut verified = self.verified.lock().unwrap_or_else(|p| p.into_inner());
        if verified.len() >= MAX_REMEMBERED {
            verified.retain(|_, (_, at)| at.elapsed() < REMEMBERED_FOR);
            if verified.len() >= MAX_REMEMBERED {
                verified.clear();
            }
        }
        verified.insert(mac, (token, Instant::now()));
    }

    fn forget(&self, mac: &[u8; 32]) {
        self.verified.lock().unwrap_or_else(|p| p.into_inner()).remove(mac);
    }

    fn turn(&self, mac: [u8; 32]) -> Arc<tokio::sync::Mutex<()>> {
        let mut turns = self.turns.lock().unwrap_or_else(|p| p.into_inner());
        if turns.len() >= MAX_REMEMBERED {
            turns.retain(|_, turn| Arc::strong_count(turn) > 1);
        }
        Arc::clone(turns.entry(mac).or_default())
    }
}

/// The session (and its current profile) of a Basic credential: the remembered one while
/// it lives, else a password sign-in. A wrong credential is `Unauthenticated`.
pub async fn authenticate(
    app: &AppState,
    credentials: &BasicCredentials,
    client: &ClientInfo,
) -> ServiceResult<(Session, Profile)> {
    let mac = app.settings.secret_key.mac("basic-credential", credentials.header.as_bytes());
    let remembered = &app.basic_credentials;
    if let Some(found) = remembered_session(app, &mac).await? {
        return Ok(found);
    }
    let turn = remembered.turn(mac);
    let _turn = turn.lock().await;
    // Another call with this credential may have verified it while this one waited.
    if let Some(found) = remembered_session(app, &mac).await? {
        return Ok(found);
    }
    let signed_in = session::basic_sign_in(app, &credentials.email, &credentials.password, client.clone())
        .await
        .map_err(|error| match error {
            ServiceError::InvalidGrant(_) | ServiceError::InvalidRequest(_) => ServiceError::Unauthenticated,
            other => other,
        })?;
    let found = session::authenticate_with_profile(app, &signed_in.access_token).await?;
    remembered.remember(mac, signed_in.access_token);
    Ok(found)
}

async fn remembered_session(app: &AppState, mac: &[u8; 32]) -> ServiceResult<Option<(Session, Profile)>> {
    let Some(token) = app.basic_credentials.token_of(mac) else { return Ok(None) };
    match session::authenticate_with_profile(app, &token).await {
        Ok(found) => Ok(Some(found)),
        // Its session ended (a password change, a lockout, a suspension): verify again.
        Err(ServiceError::Unauthenticated) => {
            app.basic_credentials.forget(mac);
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credential_is_remembered_for_minutes_and_forgotten_on_request() {
        let remembered = RememberedCredentials::default();
        let mac = [7u8; 32];
        assert_eq!(remembered.token_of(&mac), None);
        remembered.remember(mac, "pat_x".into());
        assert_eq!(remembered.token_of(&mac).as_deref(), Some("pat_x"));
        assert_eq!(remembered.token_of(&[8u8; 32]), None);
        remembered.forget(&mac);
        assert_eq!(remembered.token_of(&mac), None);
    }

    #[test]
    fn the_memory_is_bounded() {
        let remembered = RememberedCredentials::default();
        for n in 0..=MAX_REMEMBERED {
            let mut mac = [0u8; 32];
            mac[..8].copy_from_slice(&(n as u64).to_le_bytes());
            remembered.remember(mac, format!("pat_{n}"));
        }
        let held = remembered.verified.lock().expect("lock").len();
        assert!(held <= MAX_REMEMBERED, "{held}");
    }

    #[test]
    fn one_turn_per_credential() {
        let remembered = RememberedCredentials::default();
        let (a, b) = (remembered.turn([1u8; 32]), remembered.turn([1u8; 32]));
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &remembered.turn([2u8; 32])));
    }
}
