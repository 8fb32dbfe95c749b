//! Bearer and refresh tokens: 256 random bits, shown to the client once, stored only as
//! a SHA-256 digest. A prefix makes a leaked token recognisable in logs and scanners.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

pub const ACCESS_PREFIX: &str = "pat_";
pub const REFRESH_PREFIX: &str = "prt_";

/// The stored form of a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHash(pub Vec<u8>);

pub fn generate(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::random();
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

pub fn hash(token: &str) -> TokenHash {
    TokenHash(Sha256::digest(token.as_bytes()).to_vec())
}

/// A freshly minted access and refresh token pair, with their digests.
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access: String,
    pub refresh: String,
}

impl TokenPair {
    pub fn generate() -> Self {
        TokenPair { access: generate(ACCESS_PREFIX), refresh: generate(REFRESH_PREFIX) }
    }

    pub fn access_hash(&self) -> TokenHash {
        hash(&self.access)
    }

    pub fn refresh_hash(&self) -> TokenHash {
        hash(&self.refresh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hash_to_32_bytes() {
        let a = generate(ACCESS_PREFIX);
        let b = generate(ACCESS_PREFIX);
        assert_ne!(a, b);
        assert!(a.starts_with(ACCESS_PREFIX));
        assert_eq!(a.len(), ACCESS_PREFIX.len() + 43);
        assert_eq!(hash(&a).0.len(), 32);
        assert_eq!(hash(&a), hash(&a));
    }
}
