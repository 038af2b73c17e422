//! Pure rules of KT-Portal: newtypes, entities, state machines, money and the permission
//! matrix. Nothing here performs I/O or awaits; adapters and use cases build on it.

pub mod audit;
pub mod auth;
pub mod clock;
pub mod event;
pub mod identity;
pub mod notification;
pub mod password;
pub mod policy;
pub mod queue;
pub mod sla;
pub mod tenancy;
pub mod theme;
pub mod ticket;
pub mod workflow;

pub use clock::{Clock, ManualClock, SystemClock, timestamp};
pub use event::DomainEvent;
