//! The Store port: DynamoDB's single-table model as the persistence model, with exactly the
//! operations the design uses, so the embedded SQLite adapter can honour every one of them.
//!
//! * [`Store`] is the port; [`DynamoStore`] and [`SqliteStore`] are its adapters.
//! * [`limits`] enforces DynamoDB's limits before either adapter is reached, so the same bad
//!   input fails the same way locally and in production.
//! * [`table`] holds the one definition of the table (keys, GSIs, TTL, stream).

pub mod accounts;
pub mod announcements;
pub mod api_keys;
pub mod audit;
pub mod credit_notes;
pub mod cursor;
pub mod daily;
pub mod devices;
pub mod due;
pub mod dynamo;
pub mod entity;
pub mod forms;
pub mod heat;
pub mod held;
pub mod inbound;
pub mod invoices;
pub mod kb;
pub mod limits;
pub mod mail_out;
pub mod messaging;
mod model;
pub mod notifications;
pub mod payments;
pub mod projects;
pub mod quotes;
pub mod recurring;
pub mod search;
pub mod service;
pub mod sessions;
pub mod sla;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod table;
pub mod tenants;
pub mod tickets;
pub mod workflow;

pub use dynamo::DynamoStore;
pub use model::*;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

use async_trait::async_trait;

/// The persistence port. Every method is all-or-nothing; a failed condition is
/// [`StoreError::Conflict`], never a panic.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Short adapter name (`sqlite`, `dynamodb`) for logs and test names.
    fn adapter(&self) -> &'static str;

    /// Strongly consistent read of one item; expired items read as absent.
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError>;

    /// Strongly consistent read of up to [`limits::MAX_BATCH_GET`] distinct items in one round
    /// trip, answered in the order of `keys`.
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError>;

    /// Writes the whole item if `cond` holds.
    async fn put(&self, item: Item, cond: Cond) -> Result<(), StoreError>;

    /// Removes the item if `cond` holds. Deleting an absent item with `Cond::None` succeeds.
    async fn delete(&self, key: &Key, cond: Cond) -> Result<(), StoreError>;

    /// Removes up to [`limits::MAX_BATCH_GET`] distinct items unconditionally, in as few round
    /// trips as the adapter allows (not atomically: on error, some may be gone). Absent items
    /// are fine.
    async fn delete_many(&self, keys: &[Key]) -> Result<(), StoreError>;

    /// Reads one page of a partition of the table or of a GSI, in sort-key order.
    async fn query(&self, query: Query) -> Result<Page, StoreError>;

    /// Applies up to [`limits::MAX_TRANSACT_OPS`] operations atomically: all or none.
    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError>;

    /// Atomically adds `by` to the numeric attribute `field` (created at 0, and the item with
    /// it, when absent) and returns the new value.
    async fn increment(&self, key: &Key, field: &str, by: i64) -> Result<i64, StoreError>;

    /// Physically removes expired items. DynamoDB's TTL does this by itself (returns 0).
    async fn sweep_expired(&self) -> Result<u64, StoreError>;
}
