//! Access tokens (short-lived HS256 JWTs carrying who the actor is) and opaque secrets
//! (refresh tokens, magic links, invitations) that are stored only as SHA-256 hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use kt_domain::identity::{OrgId, Role, TenantId, UserId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::AppError;

/// Access tokens live ten minutes; the refresh token renews them.
pub const ACCESS_TTL_SECS: i64 = 600;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: UserId,
    pub tid: TenantId,
    pub role: Role,
    /// Session the token was issued for (revoking it stops renewals).
    pub sid: String,
    #[serde(default)]
    pub orgs: Vec<OrgId>,
    /// The user's grants count at issue (see `User::grants`): a later change voids the token.
    #[serde(default)]
    pub grants: u32,
    pub iat: i64,
    pub exp: i64,
}

/// Signs access tokens with the current secret and checks them against it and, after a
/// rotation, the previous one (tokens issued before it stay valid for their ten minutes).
#[derive(Clone)]
pub struct TokenKeys {
    /// `None` in a process built without the secret (it neither issues nor checks tokens).
    encoding: Option<EncodingKey>,
    decoding: Vec<DecodingKey>,
    validation: Validation,
    /// Keys of the CSRF tokens bound to sessions (current first), derived from the secrets.
    csrf: Vec<[u8; 32]>,
}

fn csrf_key(secret: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"kt-portal csrf\0");
    h.update(secret);
    h.finalize().into()
}

fn csrf_mac(key: &[u8; 32], session_id: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(session_id.as_bytes());
    mac
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> Self {
        Self::rotated(secret, None)
    }

    /// Keys from the current secret and, when the secret was rotated, the previous one.
    pub fn rotated(current: &[u8], previous: Option<&[u8]>) -> Self {
        let mut decoding = vec![DecodingKey::from_secret(current)];
        decoding.extend(previous.map(DecodingKey::from_secret));
        let mut csrf = vec![csrf_key(current)];
        csrf.extend(previous.map(csrf_key));
        Self { encoding: Some(EncodingKey::from_secret(current)), decoding, validation: Self::validation(), csrf }
    }

    /// The CSRF token of session `session_id`: an HMAC of its id, so a token minted for one
    /// session (or made up) is worthless with another.
    pub fn csrf_token(&self, session_id: &str) -> Result<String, AppError> {
        let key = self
            .csrf
            .first()
            .ok_or_else(|| AppError::Unavailable("the token secret is not wired into this function".into()))?;
        Ok(URL_SAFE_NO_PAD.encode(csrf_mac(key, session_id).finalize().into_bytes()))
    }

    /// Whether `token` is session `session_id`'s CSRF token (under the current or previous secret).
    pub fn csrf_matches(&self, session_id: &str, token: &str) -> bool {
        let Ok(raw) = URL_SAFE_NO_PAD.decode(token) else { return false };
        self.csrf.iter().any(|key| csrf_mac(key, session_id).verify_slice(&raw).is_ok())
    }

    /// For a process that handles no tokens (the health check, the relay, the mail worker).
    pub fn absent() -> Self {
        Self { encoding: None, decoding: Vec::new(), validation: Self::validation(), csrf: Vec::new() }
    }

    fn validation() -> Validation {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation
    }

    pub fn issue(&self, claims: &AccessClaims) -> Result<String, AppError> {
        let key = self
            .encoding
            .as_ref()
            .ok_or_else(|| AppError::Unavailable("the token secret is not wired into this function".into()))?;
        encode(&Header::new(Algorithm::HS256), claims, key).map_err(|e| AppError::Internal(format!("jwt: {e}")))
    }

    /// The claims of a valid, unexpired token; anything else is `Unauthenticated`.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, AppError> {
        if self.decoding.is_empty() {
            return Err(AppError::Unavailable("the token secret is not wired into this function".into()));
        }
        self.decoding
            .iter()
            .find_map(|key| decode::<AccessClaims>(token, key, &self.validation).ok())
            .map(|d| d.claims)
            .ok_or(AppError::Unauthenticated)
    }
}

/// A fresh 256-bit secret, URL-safe.
pub fn new_secret() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Constant-time comparison of a presented secret with a stored hash.
pub fn secret_matches(secret: &str, stored_hash: &str) -> bool {
    hash_secret(secret).as_bytes().ct_eq(stored_hash.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn claims(exp: i64) -> AccessClaims {
        AccessClaims {
            sub: UserId::new(ulid::Ulid::new()),
            tid: TenantId::new(ulid::Ulid::new()),
            role: Role::Client,
            sid: "s1".into(),
            orgs: vec![OrgId::new(ulid::Ulid::new())],
            grants: 0,
            iat: 0,
            exp,
        }
    }

    fn now() -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp()
    }

    #[test]
    fn issued_tokens_verify_and_expired_or_foreign_ones_do_not() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let c = claims(now() + 60);
        assert_eq!(keys.verify(&keys.issue(&c).unwrap()).unwrap(), c);
        assert!(keys.verify(&keys.issue(&claims(now() - 60)).unwrap()).is_err(), "expired");
        let other = TokenKeys::new(b"another secret another secret 00");
        assert!(other.verify(&keys.issue(&c).unwrap()).is_err(), "signed by someone else");
    }

    #[test]
    fn csrf_tokens_are_bound_to_their_session_and_survive_a_rotation() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let token = keys.csrf_token("session-1").unwrap();
        assert!(keys.csrf_matches("session-1", &token));
        assert!(!keys.csrf_matches("session-2", &token), "another session's token");
        assert!(!keys.csrf_matches("session-1", "made-up"), "a made-up token");
        let rotated =
            TokenKeys::rotated(b"a new secret, a new secret, 0000", Some(b"0123456789abcdef0123456789abcdef"));
        assert!(rotated.csrf_matches("session-1", &token), "issued before the rotation");
        assert!(!TokenKeys::new(b"another secret another secret 00").csrf_matches("session-1", &token));
    }

    #[test]
    fn after_a_rotation_tokens_of_the_previous_secret_still_verify() {
        let old = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let issued_before = old.issue(&claims(now() + 60)).unwrap();
        let rotated =
            TokenKeys::rotated(b"another secret another secret 00", Some(b"0123456789abcdef0123456789abcdef"));
        assert!(rotated.verify(&issued_before).is_ok());
        let issued_after = rotated.issue(&claims(now() + 60)).unwrap();
        assert!(old.verify(&issued_after).is_err(), "new tokens are signed with the new secret");
        assert!(matches!(TokenKeys::absent().verify(&issued_after), Err(AppError::Unavailable(_))));
    }

    proptest! {
        #[test]
        fn tampered_tokens_never_verify(pos in 0usize..200, byte in any::<u8>()) {
            let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
            let token = keys.issue(&claims(now() + 60)).unwrap();
            let mut bytes = token.clone().into_bytes();
            let i = pos % bytes.len();
            prop_assume!(bytes[i] != byte);
            bytes[i] = byte;
            if let Ok(t) = String::from_utf8(bytes) {
                // Base64 padding bits can absorb a change without altering the decoded bytes.
                if let Ok(c) = keys.verify(&t) {
                    prop_assert_eq!(keys.issue(&c).unwrap(), token);
                }
            }
        }

        #[test]
        fn secrets_match_only_their_hash(a in "[a-zA-Z0-9_-]{43}", b in "[a-zA-Z0-9_-]{43}") {
            prop_assert!(secret_matches(&a, &hash_secret(&a)));
            prop_assert_eq!(secret_matches(&a, &hash_secret(&b)), a == b);
        }
    }
}
