//! Secrets attached to people (kept apart from the `User` entity so ordinary reads never
//! carry them) and sign-in sessions.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::identity::{PhoneNumber, Role, TenantId, UserId};

/// How a person proves who they are. Every secret is stored hashed (argon2id PHC strings for
/// passwords, SHA-256 for high-entropy tokens).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Credentials {
    #[serde(default)]
    pub password_hash: Option<String>,
    /// A confirmed authenticator app (RFC 6238).
    #[serde(default)]
    pub totp: Option<TotpFactor>,
    /// Codes by SMS to a verified phone.
    #[serde(default)]
    pub sms: Option<SmsFactor>,
    /// SHA-256 hashes of the recovery codes not used yet.
    #[serde(default)]
    pub recovery_hashes: Vec<String>,
    /// A second factor being set up, waiting for its first code.
    #[serde(default)]
    pub pending: Option<PendingFactor>,
}

/// The ways to pass the second step of sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecondFactor {
    Totp,
    Sms,
    RecoveryCode,
}

impl SecondFactor {
    /// Every SecondFactor, in the order the API lists them.
    pub const ALL: [SecondFactor; 3] = [SecondFactor::Totp, SecondFactor::Sms, SecondFactor::RecoveryCode];

    pub fn as_str(self) -> &'static str {
        match self {
            SecondFactor::Totp => "totp",
            SecondFactor::Sms => "sms",
            SecondFactor::RecoveryCode => "recovery_code",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpFactor {
    /// The shared secret, sealed (encrypted and authenticated) with the data key.
    pub sealed_secret: String,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub confirmed_at: OffsetDateTime,
    /// The newest 30-second step a code was accepted for: a code works once.
    #[serde(default)]
    pub last_step: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsFactor {
    pub phone: PhoneNumber,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub verified_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PendingFactor {
    Totp {
        sealed_secret: String,
        #[serde(with = "crate::clock::rfc3339_ms")]
        started_at: OffsetDateTime,
    },
    Sms {
        phone: PhoneNumber,
        code: OneTimeCode,
    },
}

/// A short code sent by SMS: stored hashed, valid for a few minutes and a few tries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimeCode {
    pub hash: String,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub sent_at: OffsetDateTime,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub expires_at: OffsetDateTime,
    #[serde(default)]
    pub attempts: u32,
}

/// Wrong guesses one code survives before it is void.
pub const CODE_ATTEMPTS: u32 = 5;
/// How long an SMS code is valid.
pub const SMS_CODE_MINUTES: i64 = 5;
/// How soon another SMS may be sent for the same purpose.
pub const SMS_RESEND_SECS: i64 = 30;
/// How many recovery codes a set has.
pub const RECOVERY_CODES: usize = 10;

impl OneTimeCode {
    pub fn usable(&self, now: OffsetDateTime) -> bool {
        now < self.expires_at && self.attempts < CODE_ATTEMPTS
    }

    pub fn may_resend(&self, now: OffsetDateTime) -> bool {
        now - self.sent_at >= time::Duration::seconds(SMS_RESEND_SECS)
    }
}

impl Credentials {
    /// The second factors this person has set up, in the order the UI offers them.
    pub fn second_factors(&self) -> Vec<SecondFactor> {
        let mut out = Vec::new();
        if self.totp.is_some() {
            out.push(SecondFactor::Totp);
        }
        if self.sms.is_some() {
            out.push(SecondFactor::Sms);
        }
        if !out.is_empty() && !self.recovery_hashes.is_empty() {
            out.push(SecondFactor::RecoveryCode);
        }
        out
    }

    pub fn has_second_factor(&self) -> bool {
        self.totp.is_some() || self.sms.is_some()
    }
}

/// A signed-in device: a family of rotating refresh tokens. Only the current token's hash is
/// valid; presenting an earlier one means it was stolen and replayed, and ends the family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: String,
    pub tenant: TenantId,
    pub user: UserId,
    pub role: Role,
    pub refresh_hash: String,
    /// Hashes of the tokens this family already rotated away from.
    #[serde(default)]
    pub retired_hashes: Vec<String>,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub last_used_at: OffsetDateTime,
    /// Absolute end of the session, whatever the activity.
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub ends_at: OffsetDateTime,
    #[serde(default)]
    pub user_agent: Option<String>,
    #[serde(default)]
    pub ip: Option<String>,
}

/// How many retired token hashes a session remembers for reuse detection.
pub const RETIRED_HASHES_KEPT: usize = 20;

impl Session {
    /// Moves to a new refresh token, remembering the old one.
    pub fn rotate(&mut self, new_hash: String, now: OffsetDateTime) {
        let old = std::mem::replace(&mut self.refresh_hash, new_hash);
        self.retired_hashes.push(old);
        if self.retired_hashes.len() > RETIRED_HASHES_KEPT {
            self.retired_hashes.remove(0);
        }
        self.last_used_at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_factors_offered() {
        let now = time::macros::datetime!(2026-01-01 00:00 UTC);
        let mut c = Credentials::default();
        assert!(c.second_factors().is_empty());
        // Recovery codes alone are not a factor: they back one up.
        c.recovery_hashes = vec!["h".into()];
        assert!(c.second_factors().is_empty() && !c.has_second_factor());
        c.sms = Some(SmsFactor { phone: PhoneNumber::parse("+15551234567").unwrap(), verified_at: now });
        assert_eq!(c.second_factors(), vec![SecondFactor::Sms, SecondFactor::RecoveryCode]);
        c.totp = Some(TotpFactor { sealed_secret: "s".into(), confirmed_at: now, last_step: 0 });
        assert_eq!(c.second_factors(), vec![SecondFactor::Totp, SecondFactor::Sms, SecondFactor::RecoveryCode]);
    }

    #[test]
    fn codes_expire_and_run_out_of_tries() {
        let now = time::macros::datetime!(2026-01-01 00:00 UTC);
        let mut code =
            OneTimeCode { hash: "h".into(), sent_at: now, expires_at: now + time::Duration::minutes(5), attempts: 0 };
        assert!(code.usable(now) && !code.may_resend(now + time::Duration::seconds(29)));
        assert!(code.may_resend(now + time::Duration::seconds(30)));
        assert!(!code.usable(now + time::Duration::minutes(5)));
        code.attempts = CODE_ATTEMPTS;
        assert!(!code.usable(now));
    }

    #[test]
    fn rotation_keeps_a_bounded_history() {
        let now = time::macros::datetime!(2026-01-01 00:00 UTC);
        let mut s = Session {
            id: "s".into(),
            tenant: TenantId::new(ulid::Ulid::new()),
            user: UserId::new(ulid::Ulid::new()),
            role: Role::Client,
            refresh_hash: "h0".into(),
            retired_hashes: vec![],
            created_at: now,
            last_used_at: now,
            ends_at: now,
            user_agent: None,
            ip: None,
        };
        for i in 1..=30 {
            s.rotate(format!("h{i}"), now);
        }
        assert_eq!(s.refresh_hash, "h30");
        assert_eq!(s.retired_hashes.len(), RETIRED_HASHES_KEPT);
        assert_eq!(s.retired_hashes.last().map(String::as_str), Some("h29"));
        assert!(!s.retired_hashes.contains(&"h0".to_owned()));
    }
}

/// The three kinds of API key of PRD 3.2's API rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyKind {
    /// Everything the owner may do (for staff: only the scopes granted to the key).
    Full,
    /// Everything the owner may do, within the owner's own tenant.
    TenantScoped,
    /// Reads only (GET), within the owner's own tenant.
    ReadOnly,
}

impl ApiKeyKind {
    /// Every ApiKeyKind, in the order the API lists them.
    pub const ALL: [ApiKeyKind; 3] = [ApiKeyKind::Full, ApiKeyKind::TenantScoped, ApiKeyKind::ReadOnly];

    /// The matrix row that decides who may hold such a key.
    pub fn permission(self) -> crate::policy::Permission {
        match self {
            ApiKeyKind::Full => crate::policy::Permission::FullApi,
            ApiKeyKind::TenantScoped => crate::policy::Permission::TenantScopedApi,
            ApiKeyKind::ReadOnly => crate::policy::Permission::ReadOnlyApi,
        }
    }
}

/// An API key; the secret is stored only as a SHA-256 hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub tenant: TenantId,
    pub owner: UserId,
    pub name: String,
    pub kind: ApiKeyKind,
    /// For staff full keys: the permissions granted.
    #[serde(default)]
    pub scopes: Vec<crate::policy::Permission>,
    /// The visible start of the key, to recognise it in lists.
    pub prefix: String,
    pub hash: String,
    /// Requests allowed per minute.
    pub rate_per_minute: u32,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "crate::clock::rfc3339_ms::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(default, with = "crate::clock::rfc3339_ms::option")]
    pub ends_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub revoked: bool,
}
