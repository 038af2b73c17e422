//! Whether an access token still stands: its session is live and its user active with the
//! grants the token was issued at. Read with one batch of two items (the session and the
//! user; one BatchGetItem on DynamoDB), kept per process for at most [`STANDING_TTL`], and
//! dropped at once when this process revokes a session or changes what a user may do. So a
//! sign-out, a revoked session, a disabled user, a role or membership change takes effect on
//! the next request here, and within [`STANDING_TTL`] on every other function instance.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use kt_domain::auth::Session;
use kt_domain::identity::{TenantId, UserId};
use kt_domain::tenancy::{User, UserStatus};
use kt_store::{Store, StoreError, accounts, sessions};
use time::OffsetDateTime;

/// How long a read standing is trusted without asking the store again.
pub const STANDING_TTL: Duration = Duration::from_secs(1);

/// Entries kept before the stale ones are swept out.
const SWEEP_AT: usize = 10_000;

/// What the store said about a token's session and user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The session's user and end, when the session exists.
    session: Option<(UserId, OffsetDateTime)>,
    /// The user's status and grants, when the user exists.
    user: Option<(UserStatus, u32)>,
}

impl Standing {
    /// Reads the session `sid` and the user `user` of `tenant` in one batch.
    pub async fn read(store: &dyn Store, tenant: &TenantId, sid: &str, user: &UserId) -> Result<Self, StoreError> {
        let items = store.get_many(&[sessions::key(tenant, sid), accounts::user_key(tenant, user)]).await?;
        let session = match items.first().and_then(Option::as_ref) {
            Some(item) => Some(item.to_entity::<Session>()?).map(|s| (s.user, s.ends_at)),
            None => None,
        };
        let user = match items.get(1).and_then(Option::as_ref) {
            Some(item) => Some(item.to_entity::<User>()?).map(|u| (u.status, u.grants)),
            None => None,
        };
        Ok(Self { session, user })
    }

    /// Whether a token of `user`, issued at `grants`, stands at `now`.
    pub fn admits(&self, user: &UserId, grants: u32, now: OffsetDateTime) -> bool {
        self.session.as_ref().is_some_and(|(owner, ends)| owner == user && *ends > now)
            && self.user.is_some_and(|(status, current)| status == UserStatus::Active && current == grants)
    }
}

/// Standings by session id, each with its user (to forget a user's at once) and when it was read.
#[derive(Default)]
pub struct StandingCache {
    entries: RwLock<HashMap<String, (UserId, Standing, Instant)>>,
}

impl StandingCache {
    pub fn get(&self, sid: &str) -> Option<Standing> {
        let map = self.entries.read().unwrap_or_else(|e| e.into_inner());
        map.get(sid).filter(|(_, _, at)| at.elapsed() < STANDING_TTL).map(|(_, s, _)| s.clone())
    }

    pub fn put(&self, sid: &str, user: &UserId, standing: Standing) {
        let mut map = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if map.len() >= SWEEP_AT {
            map.retain(|_, (_, _, at)| at.elapsed() < STANDING_TTL);
        }
        map.insert(sid.to_owned(), (user.clone(), standing, Instant::now()));
    }

    /// Forgets the session `sid` (call after revoking it).
    pub fn forget_session(&self, sid: &str) {
        self.entries.write().unwrap_or_else(|e| e.into_inner()).remove(sid);
    }

    /// Forgets every session of `user` (call after revoking them, or changing the user).
    pub fn forget_user(&self, user: &UserId) {
        self.entries.write().unwrap_or_else(|e| e.into_inner()).retain(|_, (u, _, _)| u != user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(grants: u32) -> Standing {
        Standing { session: None, user: Some((UserStatus::Active, grants)) }
    }

    #[test]
    fn a_standing_is_kept_for_at_most_the_ttl_and_forgotten_on_demand() {
        let cache = StandingCache::default();
        let (ann, bob) = (UserId::new(ulid::Ulid::new()), UserId::new(ulid::Ulid::new()));
        cache.put("s1", &ann, standing(1));
        cache.put("s2", &ann, standing(1));
        cache.put("s3", &bob, standing(2));
        assert_eq!(cache.get("s1"), Some(standing(1)));
        cache.forget_session("s1");
        assert_eq!(cache.get("s1"), None);
        cache.forget_user(&ann);
        assert_eq!((cache.get("s2"), cache.get("s3")), (None, Some(standing(2))), "only Ann's sessions");
        std::thread::sleep(STANDING_TTL + Duration::from_millis(50));
        assert_eq!(cache.get("s3"), None, "stale after the TTL");
    }

    #[test]
    fn admits_only_a_live_session_of_an_active_user_at_the_same_grants() {
        let now = OffsetDateTime::now_utc();
        let ann = UserId::new(ulid::Ulid::new());
        let live = |ends: OffsetDateTime, status, grants| Standing {
            session: Some((ann.clone(), ends)),
            user: Some((status, grants)),
        };
        let later = now + time::Duration::hours(1);
        assert!(live(later, UserStatus::Active, 3).admits(&ann, 3, now));
        assert!(!live(later, UserStatus::Active, 4).admits(&ann, 3, now), "grants changed");
        assert!(!live(later, UserStatus::Disabled, 3).admits(&ann, 3, now), "disabled");
        assert!(!live(now, UserStatus::Active, 3).admits(&ann, 3, now), "session over");
        assert!(!live(later, UserStatus::Active, 3).admits(&UserId::new(ulid::Ulid::new()), 3, now), "someone else's");
        assert!(!Standing { session: None, user: Some((UserStatus::Active, 3)) }.admits(&ann, 3, now), "revoked");
    }
}
