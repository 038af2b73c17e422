//! `Idempotency-Key`s committed with what they guard. A create given a [`Guard`] writes the
//! key's record (the request body's fingerprint and the resource made) in the same transaction
//! as the resource, so there is no moment when one exists without the other: a retry after a
//! crash at any point either finds the record and answers with that resource, or finds nothing
//! (nothing was committed) and runs once. Two copies racing both run up to the commit; the
//! record's `NotExists` condition lets one commit and the other answers with its resource.
//! Failures are not remembered: the client may fix the cause and retry with the same key.

use kt_store::{Cond, Item, Key, Store, StoreError, TxOp};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::AppError;

/// How long a key is remembered.
pub const TTL_SECS: i64 = 24 * 3600;

/// A client's key for one create, bound to the request body it came with.
#[derive(Debug, Clone)]
pub struct Guard {
    key: Key,
    fingerprint: String,
}

/// What a key already stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// The resource the first request with this key and body made.
    Made(String),
    /// The key was used with another request body.
    OtherBody,
}

impl Guard {
    /// The guard of `key` within `scope`, which starts with the tenant partition and names the
    /// user and the kind of resource (`T#<tenant>#USER#<id>#TICKETS`), so keys never collide
    /// across tenants, users or routes.
    pub fn new(scope: &str, key: &str, body: &[u8]) -> Self {
        Self {
            key: Key::new(format!("{scope}#IDEM#{}", hex::encode(Sha256::digest(key.as_bytes()))), "IDEM"),
            fingerprint: hex::encode(Sha256::digest(body)),
        }
    }

    /// The operation recording, with the resource's own writes, that `resource` answers the key.
    pub fn record(&self, resource: &str, now_unix: i64) -> Result<TxOp, AppError> {
        let attrs = json!({ "fingerprint": self.fingerprint, "resource": resource });
        let item = Item::new(self.key.clone(), attrs.as_object().cloned().unwrap_or_default())
            .with_expiry(now_unix + TTL_SECS);
        Ok(TxOp::Put { item, cond: Cond::NotExists })
    }

    /// What the key stands for already, if anything.
    pub async fn recorded(&self, store: &dyn Store) -> Result<Option<Recorded>, StoreError> {
        let Some(item) = store.get(&self.key).await? else { return Ok(None) };
        if item.attrs.get("fingerprint").and_then(|v| v.as_str()) != Some(self.fingerprint.as_str()) {
            return Ok(Some(Recorded::OtherBody));
        }
        Ok(item.attrs.get("resource").and_then(|v| v.as_str()).map(|r| Recorded::Made(r.to_owned())))
    }

    /// The error for a key reused with another body.
    pub fn other_body() -> AppError {
        AppError::invalid("Idempotency-Key", "was used with a different request body")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_scoped_and_bound_to_the_body() {
        let a = Guard::new("T#1#USER#2#TICKETS", "k1", b"{}");
        let b = Guard::new("T#1#USER#3#TICKETS", "k1", b"{}");
        assert_ne!(a.key, b.key, "another user's same key is another key");
        assert_eq!(a.key, Guard::new("T#1#USER#2#TICKETS", "k1", b"{\"x\":1}").key);
        assert_ne!(a.fingerprint, Guard::new("T#1#USER#2#TICKETS", "k1", b"{\"x\":1}").fingerprint);
        let TxOp::Put { item, cond: Cond::NotExists } = a.record("ticket:01J", 100).expect("op") else {
            panic!("a conditional put")
        };
        assert_eq!(item.expires_at, Some(100 + TTL_SECS));
    }
}
