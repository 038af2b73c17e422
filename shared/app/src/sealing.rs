//! Sealing: authenticated encryption (ChaCha20-Poly1305, random nonce) of the few secrets the
//! portal must be able to read back, such as authenticator (TOTP) secrets. Each sealed value is
//! bound to its owner through the associated data, so a sealed secret copied onto another
//! account does not open.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use sha2::{Digest, Sha256};

use crate::AppError;

const VERSION: &str = "v1.";

/// Seals with the current data key; opens with it or, after a rotation, with the previous one,
/// so values sealed before the rotation keep opening (and are sealed anew on their next write).
#[derive(Clone)]
pub struct Sealer {
    /// Current key first. Empty in a process built without the data key.
    ciphers: Vec<ChaCha20Poly1305>,
    /// Keys for deterministic tags (HMAC-SHA256), derived apart from the sealing keys; current first.
    macs: Vec<[u8; 32]>,
}

fn mac_key(secret: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"kt-portal tag key v1\0");
    h.update(secret);
    h.finalize().into()
}

fn cipher(secret: &[u8]) -> ChaCha20Poly1305 {
    let mut h = Sha256::new();
    h.update(b"kt-portal sealing key v1\0");
    h.update(secret);
    let key: [u8; 32] = h.finalize().into();
    ChaCha20Poly1305::new(Key::from_slice(&key))
}

fn not_wired() -> AppError {
    AppError::Unavailable("the data key is not wired into this function".into())
}

impl Sealer {
    /// A sealer keyed by a hash of `secret` (the configured data key).
    pub fn new(secret: &[u8]) -> Self {
        Self::rotated(secret, None)
    }

    /// Seals with `current`; opens with `current`, then `previous`.
    pub fn rotated(current: &[u8], previous: Option<&[u8]>) -> Self {
        let mut ciphers = vec![cipher(current)];
        ciphers.extend(previous.map(cipher));
        let mut macs = vec![mac_key(current)];
        macs.extend(previous.map(mac_key));
        Self { ciphers, macs }
    }

    /// For a process that seals and opens nothing.
    pub fn absent() -> Self {
        Self { ciphers: Vec::new(), macs: Vec::new() }
    }

    /// A deterministic tag of `data` for `purpose` (HMAC-SHA256 under the current key): the
    /// same input always gives the same tag, so it can stand in an address.
    pub fn tag(&self, purpose: &str, data: &str) -> Result<Vec<u8>, AppError> {
        let key = self.macs.first().ok_or_else(not_wired)?;
        Ok(tag_with(key, purpose, data))
    }

    /// The tags `data` has under the current and the previous key (a tag minted before a
    /// rotation still matches).
    pub fn tags(&self, purpose: &str, data: &str) -> Vec<Vec<u8>> {
        self.macs.iter().map(|k| tag_with(k, purpose, data)).collect()
    }

    pub fn seal(&self, plain: &[u8], owner: &str) -> Result<String, AppError> {
        let nonce: [u8; 12] = rand::random();
        let sealed = self
            .ciphers
            .first()
            .ok_or_else(not_wired)?
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad: owner.as_bytes() })
            .map_err(|_| AppError::Internal("sealing failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{VERSION}{}", URL_SAFE_NO_PAD.encode(out)))
    }

    pub fn open(&self, sealed: &str, owner: &str) -> Result<Vec<u8>, AppError> {
        let corrupt = || AppError::Internal("a sealed secret does not open with this data key".into());
        let raw = sealed.strip_prefix(VERSION).ok_or_else(corrupt)?;
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| corrupt())?;
        if bytes.len() < 12 {
            return Err(corrupt());
        }
        let (nonce, msg) = bytes.split_at(12);
        if self.ciphers.is_empty() {
            return Err(not_wired());
        }
        self.ciphers
            .iter()
            .find_map(|c| c.decrypt(Nonce::from_slice(nonce), Payload { msg, aad: owner.as_bytes() }).ok())
            .ok_or_else(corrupt)
    }
}

fn tag_with(key: &[u8; 32], purpose: &str, data: &str) -> Vec<u8> {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(purpose.as_bytes());
    mac.update(b"\0");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tags_are_deterministic_per_key_and_purpose_and_survive_a_rotation() {
        let old = Sealer::new(b"old key");
        let t = old.tag("reply", "T#a#1042").unwrap();
        assert_eq!(t, old.tag("reply", "T#a#1042").unwrap());
        assert_ne!(t, old.tag("other", "T#a#1042").unwrap());
        assert_ne!(t, old.tag("reply", "T#a#1043").unwrap());
        let rotated = Sealer::rotated(b"new key", Some(b"old key"));
        assert_ne!(rotated.tag("reply", "T#a#1042").unwrap(), t);
        assert!(rotated.tags("reply", "T#a#1042").contains(&t));
        assert!(Sealer::absent().tag("reply", "x").is_err());
    }

    proptest! {
        #[test]
        fn sealed_values_open_only_for_their_owner_and_key(plain in proptest::collection::vec(any::<u8>(), 0..64)) {
            let sealer = Sealer::new(b"data key");
            let sealed = sealer.seal(&plain, "T#a#USER#b").unwrap();
            prop_assert_eq!(sealer.open(&sealed, "T#a#USER#b").unwrap(), plain.clone());
            prop_assert!(sealer.open(&sealed, "T#a#USER#c").is_err());
            prop_assert!(Sealer::new(b"other key").open(&sealed, "T#a#USER#b").is_err());
            prop_assert_ne!(sealer.seal(&plain, "T#a#USER#b").unwrap(), sealed, "fresh nonce each time");
        }
    }

    #[test]
    fn a_rotated_key_still_opens_what_the_old_one_sealed() {
        let old = Sealer::new(b"old data key");
        let sealed_before = old.seal(b"secret", "owner").unwrap();
        let rotated = Sealer::rotated(b"new data key", Some(b"old data key"));
        assert_eq!(rotated.open(&sealed_before, "owner").unwrap(), b"secret");
        let sealed_after = rotated.seal(b"secret", "owner").unwrap();
        assert!(old.open(&sealed_after, "owner").is_err(), "new values use the new key");
        assert_eq!(Sealer::new(b"new data key").open(&sealed_after, "owner").unwrap(), b"secret");
        assert!(matches!(Sealer::absent().seal(b"x", "owner"), Err(AppError::Unavailable(_))));
    }

    #[test]
    fn tampering_is_detected() {
        let sealer = Sealer::new(b"data key");
        let sealed = sealer.seal(b"JBSWY3DPEHPK3PXP", "owner").unwrap();
        let mut chars: Vec<char> = sealed.chars().collect();
        let last = chars.len() - 3;
        chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
        assert!(sealer.open(&chars.into_iter().collect::<String>(), "owner").is_err());
        assert!(sealer.open("v1.!!", "owner").is_err());
        assert!(sealer.open("plain", "owner").is_err());
    }
}
