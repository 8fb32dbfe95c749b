//! The server's secret key: 256 random bits every node of a deployment shares, from
//! `PORTICO_SECRET_KEY` or a key file (created at first start beside the SQLite database).
//! Values a client must not be able to make for itself are MACs under it (the portal's
//! CSRF values); each use names its purpose, so a MAC made for one use is worthless for
//! another.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const KEY_BYTES: usize = 32;

#[derive(Clone)]
pub struct ServerKey([u8; KEY_BYTES]);

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(***)")
    }
}

impl ServerKey {
    /// A new random key (tests, and a node that was given none).
    pub fn random() -> ServerKey {
        ServerKey(rand::random())
    }

    /// A key written as base64 of 32 bytes (what `openssl rand -base64 32` prints).
    pub fn from_text(text: &str) -> anyhow::Result<ServerKey> {
        let bytes = STANDARD.decode(text.trim()).map_err(|_| {
            anyhow::anyhow!("the secret key is not base64 (make one with `openssl rand -base64 32`)")
        })?;
        let key: [u8; KEY_BYTES] = bytes.try_into().map_err(|bytes: Vec<u8>| {
            anyhow::anyhow!(
                "the secret key must be 32 bytes, not {} (`openssl rand -base64 32`)",
                bytes.len()
            )
        })?;
        Ok(ServerKey(key))
    }

    /// The key in `path`, or a new one written there (readable by its owner only) when the
    /// file does not exist yet. Two processes starting at once end with the same key.
    pub fn load_or_create(path: &Path) -> anyhow::Result<ServerKey> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(path) {
            Ok(mut file) => {
                let key = ServerKey::random();
                file.write_all(format!("{}\n", STANDARD.encode(key.0)).as_bytes())?;
                file.sync_all()?;
                tracing::info!(path = %path.display(), "created the server's secret key");
                Ok(key)
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = std::fs::read_to_string(path)?;
                ServerKey::from_text(&text)
                    .map_err(|problem| anyhow::anyhow!("{problem}: in the key file {}", path.display()))
            }
            Err(error) => Err(anyhow::anyhow!("creating the key file {}: {error}", path.display())),
        }
    }

    /// HMAC-SHA-256 of `data` for `purpose`.
    pub fn mac(&self, purpose: &str, data: &[u8]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// [`ServerKey::mac`] as URL-safe text.
    pub fn mac_text(&self, purpose: &str, data: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(purpose, data))
    }

    /// `plaintext` encrypted for `purpose` (XChaCha20-Poly1305 under a key derived from this
    /// one), as text: a random nonce, then the ciphertext and its tag.
    pub fn encrypt(&self, purpose: &str, plaintext: &[u8]) -> String {
        let cipher = XChaCha20Poly1305::new(&self.mac(&format!("encrypt:{purpose}"), b"").into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = cipher.encrypt(&nonce, plaintext).expect("encrypting in memory cannot fail");
        URL_SAFE_NO_PAD.encode([&nonce[..], &sealed].concat())
    }

    /// What [`ServerKey::encrypt`] sealed for `purpose`; `None` when it was sealed under another
    /// key or purpose, or changed since.
    pub fn decrypt(&self, purpose: &str, sealed: &str) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed.trim()).ok()?;
        if bytes.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let cipher = XChaCha20Poly1305::new(&self.mac(&format!("encrypt:{purpose}"), b"").into());
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().ok()?;
        cipher.decrypt(&XNonce::from(nonce), ciphertext).ok()
    }
}

const NONCE_BYTES: usize = 24;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mac_depends_on_the_key_the_purpose_and_the_data() {
        let key = ServerKey::from_text(&STANDARD.encode([7u8; 32])).expect("key");
        let mac = key.mac("csrf", b"session");
        assert_eq!(mac, key.mac("csrf", b"session"));
        assert_ne!(mac, key.mac("csrf", b"sessioN"));
        assert_ne!(mac, key.mac("basic", b"session"));
        assert_ne!(mac, key.mac("csrf\0s", b"ession"), "the purpose is separated from the data");
        assert_ne!(mac, ServerKey::random().mac("csrf", b"session"));
        assert_eq!(key.mac_text("csrf", b"session").len(), 43);
    }

    #[test]
    fn what_is_encrypted_opens_only_with_its_key_and_purpose() {
        let key = ServerKey::random();
        let sealed = key.encrypt("totp", b"the secret");
        assert_eq!(key.decrypt("totp", &sealed), Some(b"the secret".to_vec()));
        assert_ne!(sealed, key.encrypt("totp", b"the secret"), "a fresh nonce each time");
        assert!(!sealed.contains("the secret"));
        assert_eq!(key.decrypt("csrf", &sealed), None, "another purpose");
        assert_eq!(ServerKey::random().decrypt("totp", &sealed), None, "another key");
        let mut tampered = sealed.into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(key.decrypt("totp", &String::from_utf8(tampered).expect("text")), None, "changed");
        assert_eq!(key.decrypt("totp", "short"), None);
    }

    #[test]
    fn a_key_is_32_bytes_of_base64() {
        assert!(ServerKey::from_text(&STANDARD.encode([1u8; 32])).is_ok());
        assert!(ServerKey::from_text(&STANDARD.encode([1u8; 16])).is_err());
        assert!(ServerKey::from_text("not base64!").is_err());
        assert_eq!(format!("{:?}", ServerKey::random()), "ServerKey(***)");
    }

    #[test]
    fn the_key_file_is_made_once_and_read_after() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("portico.key");
        let made = ServerKey::load_or_create(&path).expect("made");
        let read = ServerKey::load_or_create(&path).expect("read");
        assert_eq!(made.mac("x", b"y"), read.mac("x", b"y"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "short").expect("write");
        assert!(ServerKey::load_or_create(&path).is_err(), "a damaged key file stops the start");
        let nowhere = dir.path().join("missing").join("portico.key");
        let refused = ServerKey::load_or_create(&nowhere).expect_err("no folder to make it in");
        assert!(refused.to_string().starts_with("creating the key file"), "{refused}");
    }
}
