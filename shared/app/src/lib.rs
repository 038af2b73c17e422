//! Use cases per capability, the [`AppState`] bundle of ports, the transactional [`outbox`]
//! and the [`worker`] runtime every queue consumer runs in.

pub mod announcements;
pub mod dead_letters;
pub mod error;
pub mod export;
pub mod forms;
pub mod idempotency;
pub mod identity;
pub mod inbound;
pub mod invoices;
pub mod kb;
pub mod mail;
pub mod markdown;
pub mod messaging;
pub mod notifications;
pub mod outbox;
pub mod projects;
pub mod quotes;
pub mod sealing;
pub mod search;
pub mod seed;
pub mod service;
pub mod state;
pub mod tickets;
pub mod uploads;
pub mod wiring;
pub mod worker;

pub use error::{AppError, FieldError, Refusal, permit};
pub use state::{AppState, Config};
