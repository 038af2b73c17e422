//! Audit entries: who did what to what, from where, and when (PRD 4.12). Kept 30 days.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::identity::{TenantId, UserId};

pub const RETENTION_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    pub tenant: TenantId,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub at: OffsetDateTime,
    /// The acting user; `None` for the system or an unknown caller (failed sign-in).
    #[serde(default)]
    pub actor: Option<UserId>,
    /// Dotted name: `auth.sign_in`, `auth.sign_in_failed`, `session.revoked`, `user.created`, ...
    pub action: String,
    /// What was acted on (a user id, a session id, an email for failed sign-ins).
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub user_agent: Option<String>,
}
