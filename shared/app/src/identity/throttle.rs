//! Sign-in throttling per account and per IP with increasing delay: after a few free failures
//! every further failure doubles the wait (capped at 15 minutes) before the next attempt is
//! even checked. Counters are items with a one-hour TTL, so they work across Lambdas.

use kt_domain::Clock;
use kt_store::{Cond, Item, Key, Store};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::AppError;

/// Failures allowed on one account before delays start.
pub const FREE_FAILURES: u32 = 3;
/// Failures allowed from one IP (across accounts; offices share addresses) before delays start.
pub const FREE_IP_FAILURES: u32 = 20;
pub const MAX_DELAY_SECS: i64 = 900;
const WINDOW_SECS: i64 = 3600;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Counter {
    failures: u32,
    /// Unix time before which attempts are refused.
    locked_until: i64,
}

/// Wait after `failures` consecutive failures when `free` are allowed.
pub fn delay_after(failures: u32, free: u32) -> i64 {
    if failures < free { 0 } else { 2i64.saturating_pow(failures - free + 1).min(MAX_DELAY_SECS) }
}

pub struct Throttle<'a> {
    pub store: &'a dyn Store,
    pub clock: &'a dyn Clock,
}

fn ip_key(ip: &str) -> Key {
    Key::new(format!("THROTTLE#ip#{ip}"), "THROTTLE")
}

/// The counters an attempt touches, each with its free failures.
fn keys(scope: &str, account: &str, ip: Option<&str>) -> Vec<(Key, u32)> {
    // The account as typed is hashed: any length fits a key, and no address sits in one.
    let account = hex::encode(Sha256::digest(account.trim().to_lowercase().as_bytes()));
    let mut keys = vec![(Key::new(format!("{scope}#THROTTLE#acct#{account}"), "THROTTLE"), FREE_FAILURES)];
    if let Some(ip) = ip {
        keys.push((ip_key(ip), FREE_IP_FAILURES));
    }
    keys
}

impl Throttle<'_> {
    /// Refuses with `RateLimited` while the account or the IP is waiting out a delay.
    pub async fn check(&self, scope: &str, account: &str, ip: Option<&str>) -> Result<(), AppError> {
        self.check_keys(keys(scope, account, ip)).await
    }

    pub async fn failed(&self, scope: &str, account: &str, ip: Option<&str>) -> Result<(), AppError> {
        self.count_keys(keys(scope, account, ip)).await
    }

    /// Refuses with `RateLimited` while the address is waiting out a delay (the account is not
    /// consulted: for requests that must never let a stranger hold up someone's mail).
    pub async fn check_address(&self, ip: Option<&str>) -> Result<(), AppError> {
        self.check_keys(ip.map(|ip| (ip_key(ip), FREE_IP_FAILURES)).into_iter().collect()).await
    }

    /// Counts one attempt against the address only.
    pub async fn count_address(&self, ip: Option<&str>) -> Result<(), AppError> {
        self.count_keys(ip.map(|ip| (ip_key(ip), FREE_IP_FAILURES)).into_iter().collect()).await
    }

    /// The first of `counters` still locked, as `RateLimited` (one batch read).
    async fn check_keys(&self, counters: Vec<(Key, u32)>) -> Result<(), AppError> {
        if counters.is_empty() {
            return Ok(());
        }
        let now = self.clock.now_unix();
        let keys: Vec<Key> = counters.into_iter().map(|(k, _)| k).collect();
        for item in self.store.get_many(&keys).await?.into_iter().flatten() {
            if let Ok(c) = item.to_entity::<Counter>()
                && c.locked_until > now
            {
                return Err(AppError::RateLimited { retry_after_secs: (c.locked_until - now) as u64 });
            }
        }
        Ok(())
    }

    /// One more attempt on each of `counters`, locking those past their free attempts.
    async fn count_keys(&self, counters: Vec<(Key, u32)>) -> Result<(), AppError> {
        let now = self.clock.now_unix();
        for (key, free) in counters {
            // Read-modify-write: concurrent failures may undercount by one, never lock anyone out wrongly.
            let mut c: Counter = self.store.get(&key).await?.and_then(|i| i.to_entity().ok()).unwrap_or_default();
            c.failures += 1;
            c.locked_until = now + delay_after(c.failures, free);
            self.store.put(Item::from_entity(key, &c)?.with_expiry(now + WINDOW_SECS), Cond::None).await?;
        }
        Ok(())
    }

    /// A success clears the account's counter (not the IP's: one good password must not
    /// unlock guessing at others).
    pub async fn succeeded(&self, scope: &str, account: &str) -> Result<(), AppError> {
        for (key, _) in keys(scope, account, None) {
            self.store.delete(&key, Cond::None).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::delay_after;

    #[test]
    fn delays_grow_then_cap() {
        assert_eq!((0..3).map(|n| delay_after(n, 3)).collect::<Vec<_>>(), vec![0, 0, 0]);
        assert_eq!(delay_after(3, 3), 2);
        assert_eq!(delay_after(4, 3), 4);
        assert_eq!(delay_after(6, 3), 16);
        assert_eq!(delay_after(40, 3), 900);
        assert_eq!(delay_after(19, 20), 0);
    }
}
