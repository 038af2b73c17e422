//! Pure rules of KT-Portal: newtypes, entities, state machines, money and the permission
//! matrix. Nothing here performs I/O or awaits; adapters and use cases build on it.

pub mod announcement;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod event;
pub mod forms;
pub mod identity;
pub mod invoice;
pub mod kb;
pub mod mail;
pub mod messaging;
pub mod money;
pub mod notification;
pub mod password;
pub mod policy;
pub mod presence;
pub mod project;
pub mod queue;
pub mod quote;
pub mod search;
pub mod service;
pub mod sla;
pub mod tenancy;
pub mod theme;
pub mod ticket;
pub mod workflow;

pub use clock::{Clock, ManualClock, SystemClock, timestamp};

/// A 64-bit FNV-1a hash: stable across builds and machines (queue numbers and the shards of
/// spread partitions derive from it, so it must never change).
pub fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// Which of `shards` partitions a key spread by `text` lives in.
pub fn shard_of(text: &str, shards: u64) -> u64 {
    stable_hash(text) % shards
}
pub use event::DomainEvent;
