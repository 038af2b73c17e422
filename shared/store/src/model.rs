//! The vocabulary of the Store port: keys, items, conditions, queries, pages, transactions.

use serde_json::{Map, Value};

/// Primary key of an item: partition key and sort key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self { pk: pk.into(), sk: sk.into() }
    }
}

/// The key of an item in one of the generic GSIs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexKey {
    pub pk: String,
    pub sk: String,
}

impl IndexKey {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self { pk: pk.into(), sk: sk.into() }
    }
}

/// Where a query reads: the table itself or one of the generic GSIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Index {
    Table,
    Gsi1,
    Gsi2,
    Gsi3,
}

impl Index {
    pub const GSIS: [Index; 3] = [Index::Gsi1, Index::Gsi2, Index::Gsi3];

    /// The index name as declared in the table (`None` for the table itself).
    pub fn name(self) -> Option<&'static str> {
        match self {
            Index::Table => None,
            Index::Gsi1 => Some("gsi1"),
            Index::Gsi2 => Some("gsi2"),
            Index::Gsi3 => Some("gsi3"),
        }
    }

    /// Whether the index holds only keys (the table's and its own; DynamoDB's `KEYS_ONLY`): a
    /// write to an item in it touches the index only when that key changes, and a query of it
    /// answers keys, whatever it asks. gsi3 (the work queue) is one: its readers rank by key or
    /// read the few items they show by their table key.
    pub fn keys_only(self) -> bool {
        matches!(self, Index::Gsi3)
    }

    /// Attribute names of the index's partition and sort key.
    pub fn key_attrs(self) -> (&'static str, &'static str) {
        match self {
            Index::Table => ("pk", "sk"),
            Index::Gsi1 => ("gsi1pk", "gsi1sk"),
            Index::Gsi2 => ("gsi2pk", "gsi2sk"),
            Index::Gsi3 => ("gsi3pk", "gsi3sk"),
        }
    }

    pub(crate) fn slot(self) -> Option<usize> {
        match self {
            Index::Table => None,
            Index::Gsi1 => Some(0),
            Index::Gsi2 => Some(1),
            Index::Gsi3 => Some(2),
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Index> {
        match name {
            "table" => Some(Index::Table),
            "gsi1" => Some(Index::Gsi1),
            "gsi2" => Some(Index::Gsi2),
            "gsi3" => Some(Index::Gsi3),
            _ => None,
        }
    }
}

/// Attribute names the store owns; entity attributes may not use them.
pub const RESERVED_ATTRS: [&str; 10] =
    ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk", "version", "expires_at"];

/// One stored item: its keys, optimistic-concurrency version, optional expiry, and the entity's
/// attributes (a JSON object, stored as top-level attributes on DynamoDB).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub key: Key,
    /// Keys in gsi1..gsi3; `None` leaves the item out of that (sparse) index.
    pub gsi: [Option<IndexKey>; 3],
    /// Starts at 1 on create; writers bump it and put with `Cond::Version(previous)`.
    pub version: u64,
    /// Unix seconds after which the item is invisible to every read and swept.
    pub expires_at: Option<i64>,
    pub attrs: Map<String, Value>,
}

impl Item {
    pub fn new(key: Key, attrs: Map<String, Value>) -> Self {
        Self { key, gsi: [None, None, None], version: 1, expires_at: None, attrs }
    }

    /// Builds an item from anything that serialises to a JSON object.
    pub fn from_entity<T: serde::Serialize>(key: Key, entity: &T) -> Result<Self, StoreError> {
        match serde_json::to_value(entity) {
            Ok(Value::Object(attrs)) => Ok(Self::new(key, attrs)),
            Ok(_) => Err(StoreError::Invalid(Violation::NotAnObject)),
            Err(e) => Err(StoreError::Invalid(Violation::Serialization(e.to_string()))),
        }
    }

    /// Reads the attributes back as an entity.
    pub fn to_entity<T: serde::de::DeserializeOwned>(&self) -> Result<T, StoreError> {
        serde_json::from_value(Value::Object(self.attrs.clone()))
            .map_err(|e| StoreError::Corrupt(format!("{}/{}: {e}", self.key.pk, self.key.sk)))
    }

    pub fn with_index(mut self, index: Index, key: IndexKey) -> Self {
        if let Some(slot) = index.slot() {
            self.gsi[slot] = Some(key);
        }
        self
    }

    pub fn with_version(mut self, version: u64) -> Self {
        self.version = version;
        self
    }

    pub fn with_expiry(mut self, expires_at: i64) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// This item's key in `index` (the primary key for [`Index::Table`]).
    pub fn index_key(&self, index: Index) -> Option<IndexKey> {
        match index.slot() {
            None => Some(IndexKey::new(self.key.pk.clone(), self.key.sk.clone())),
            Some(slot) => self.gsi[slot].clone(),
        }
    }

    pub fn is_expired(&self, now_unix: i64) -> bool {
        self.expires_at.is_some_and(|t| t <= now_unix)
    }
}

/// Condition on the stored item for a write. Expired items count as absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cond {
    None,
    NotExists,
    Exists,
    Version(u64),
}

/// Sort-key condition of a query: every one DynamoDB's key conditions support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkCond {
    Eq(String),
    BeginsWith(String),
    /// Inclusive on both ends.
    Between(String, String),
    Lt(String),
    Le(String),
    Gt(String),
    Ge(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    Asc,
    Desc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub index: Index,
    pub pk: String,
    pub sk: Option<SkCond>,
    pub order: Order,
    /// Page size; `None` reads the whole partition.
    pub limit: Option<u32>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Only count matching items (no items returned, no limit applied).
    pub count_only: bool,
    /// Return only the table key, the queried index's key, version and expiry, with empty
    /// attributes (and no other index's key): for walks that need an order, not the bodies.
    pub keys_only: bool,
}

impl Query {
    pub fn partition(index: Index, pk: impl Into<String>) -> Self {
        Self {
            index,
            pk: pk.into(),
            sk: None,
            order: Order::Asc,
            limit: None,
            cursor: None,
            count_only: false,
            keys_only: false,
        }
    }

    pub fn table(pk: impl Into<String>) -> Self {
        Self::partition(Index::Table, pk)
    }

    pub fn sk(mut self, cond: SkCond) -> Self {
        self.sk = Some(cond);
        self
    }

    pub fn desc(mut self) -> Self {
        self.order = Order::Desc;
        self
    }

    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    pub fn after(mut self, cursor: Option<String>) -> Self {
        self.cursor = cursor;
        self
    }

    pub fn count(mut self) -> Self {
        self.count_only = true;
        self
    }

    pub fn keys_only(mut self) -> Self {
        self.keys_only = true;
        self
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub items: Vec<Item>,
    /// Present when more items may follow.
    pub next_cursor: Option<String>,
    /// Items returned, or counted with `count_only`.
    pub count: u64,
}

/// One operation of a transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum TxOp {
    Put {
        item: Item,
        cond: Cond,
    },
    Delete {
        key: Key,
        cond: Cond,
    },
    Check {
        key: Key,
        cond: Cond,
    },
    Increment {
        key: Key,
        field: String,
        by: i64,
    },
    /// Adds to several counters of one item at once (one write; at most
    /// [`crate::limits::MAX_ADD_FIELDS`] distinct fields).
    Add {
        key: Key,
        fields: Vec<(String, i64)>,
    },
}

impl TxOp {
    pub fn key(&self) -> &Key {
        match self {
            TxOp::Put { item, .. } => &item.key,
            TxOp::Delete { key, .. }
            | TxOp::Check { key, .. }
            | TxOp::Increment { key, .. }
            | TxOp::Add { key, .. } => key,
        }
    }
}

/// Input that breaks one of DynamoDB's rules; rejected identically by both adapters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    #[error("item is {size} bytes; the limit is {limit}")]
    ItemTooLarge { size: usize, limit: usize },
    #[error("{attr} is {len} bytes; the limit is {limit}")]
    KeyTooLong { attr: &'static str, len: usize, limit: usize },
    #[error("{attr} must not be empty")]
    EmptyKey { attr: &'static str },
    #[error("a transaction holds 1 to {limit} operations, not {count}")]
    TransactionSize { count: usize, limit: usize },
    #[error("a transaction writes {size} bytes; the limit is {limit}")]
    TransactionTooLarge { size: usize, limit: usize },
    #[error("a batch holds at most {limit} keys, not {count}")]
    BatchSize { count: usize, limit: usize },
    #[error("a batch names {pk}/{sk} more than once")]
    DuplicateBatchKey { pk: String, sk: String },
    #[error("one write adds to 1 to {limit} distinct counters, not {count}")]
    TooManyCounters { count: usize, limit: usize },
    #[error("a transaction touches {pk}/{sk} more than once")]
    DuplicateTransactionItem { pk: String, sk: String },
    #[error("attribute name {0:?} is reserved by the store")]
    ReservedAttribute(String),
    #[error("attribute name {0:?} is not valid")]
    BadAttributeName(String),
    #[error("the cursor does not belong to this query")]
    BadCursor,
    #[error("a query limit must be at least 1")]
    ZeroLimit,
    #[error("entity does not serialise to a JSON object")]
    NotAnObject,
    #[error("entity does not serialise: {0}")]
    Serialization(String),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A condition did not hold. In a transaction, `op` is the index of the failing operation.
    #[error("condition failed{}", .op.map(|i| format!(" (operation {i})")).unwrap_or_default())]
    Conflict { op: Option<usize> },
    #[error("invalid store input: {0}")]
    Invalid(#[from] Violation),
    /// Stored data that no longer reads as expected.
    #[error("corrupt item: {0}")]
    Corrupt(String),
    /// The backend failed (network, throttling after retries, disk).
    #[error("store unavailable: {0}")]
    Unavailable(String),
}

impl StoreError {
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}
