//! The embedded adapter: one SQLite database in WAL mode. Writes serialise on one connection
//! (SQLite has one writer anyway) inside `BEGIN IMMEDIATE` transactions; reads use a small pool
//! of connections and never block on writers. Every call runs on tokio's blocking pool, off the
//! async worker threads.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use kt_domain::Clock;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params_from_iter, types::Value as Sql};
use serde_json::{Map, Value};

use crate::Store;
use crate::cursor::Position;
use crate::limits;
use crate::model::*;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS items (
    pk TEXT NOT NULL,
    sk TEXT NOT NULL,
    gsi1pk TEXT, gsi1sk TEXT,
    gsi2pk TEXT, gsi2sk TEXT,
    gsi3pk TEXT, gsi3sk TEXT,
    version INTEGER NOT NULL,
    expires_at INTEGER,
    attrs TEXT NOT NULL,
    PRIMARY KEY (pk, sk)
) WITHOUT ROWID;
-- Each index also holds version and expiry, so keys-only queries never touch the rows.
DROP INDEX IF EXISTS gsi1;
DROP INDEX IF EXISTS gsi2;
DROP INDEX IF EXISTS gsi3;
CREATE INDEX IF NOT EXISTS gsi1_keys ON items (gsi1pk, gsi1sk, pk, sk, version, expires_at) WHERE gsi1pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS gsi2_keys ON items (gsi2pk, gsi2sk, pk, sk, version, expires_at) WHERE gsi2pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS gsi3_keys ON items (gsi3pk, gsi3sk, pk, sk, version, expires_at) WHERE gsi3pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_expiry ON items (expires_at) WHERE expires_at IS NOT NULL;
";

const COLUMNS: &str = "pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, version, expires_at, attrs";

/// The columns of a keys-only query on `index` (the other indexes' keys read as absent).
fn key_columns(index: Index) -> String {
    let gsis: Vec<String> = Index::GSIS
        .iter()
        .map(|g| {
            let (pk, sk) = g.key_attrs();
            if *g == index { format!("{pk}, {sk}") } else { "NULL, NULL".to_owned() }
        })
        .collect();
    // A keys-only index holds neither version nor expiry (as on DynamoDB).
    let own = if index.keys_only() { "0, NULL" } else { "version, expires_at" };
    format!("pk, sk, {}, {own}, '{{}}'", gsis.join(", "))
}

#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    clock: Arc<dyn Clock>,
}

impl SqliteStore {
    /// Opens (creating when needed) the database at `path`.
    pub fn open(path: impl AsRef<Path>, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(unavailable)?;
        }
        let writer = open_connection(&path)?;
        writer.execute_batch(SCHEMA).map_err(unavailable)?;
        // Checkpoints (the only syncs in WAL + NORMAL) run on their own connection, off the
        // writer: an automatic one would run inside the commit that crosses the threshold and
        // hold every other write behind its sync.
        writer.execute_batch("PRAGMA wal_autocheckpoint = 0;").map_err(unavailable)?;
        let inner = Arc::new(Inner { path, writer: Mutex::new(writer), readers: Mutex::new(Vec::new()), clock });
        spawn_checkpointer(&inner)?;
        Ok(Self { inner })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, i64) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = self.inner.clone();
        blocking(move || {
            let conn = match lock(&inner.readers).pop() {
                Some(c) => c,
                None => open_connection(&inner.path)?,
            };
            let result = f(&conn, inner.clock.now_unix());
            lock(&inner.readers).push(conn);
            result
        })
        .await
    }

    async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>, i64) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = self.inner.clone();
        blocking(move || {
            let mut conn = lock(&inner.writer);
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(unavailable)?;
            // Dropping `tx` on error rolls back: all or nothing.
            let out = f(&tx, inner.clock.now_unix())?;
            tx.commit().map_err(unavailable)?;
            Ok(out)
        })
        .await
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn adapter(&self) -> &'static str {
        "sqlite"
    }

    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        limits::check_key(key)?;
        let key = key.clone();
        self.read(move |conn, now| {
            let sql = format!(
                "SELECT {COLUMNS} FROM items WHERE pk = ?1 AND sk = ?2 \
                 AND (expires_at IS NULL OR expires_at > ?3)"
            );
            conn.prepare_cached(&sql)
                .map_err(unavailable)?
                .query_row(rusqlite::params![key.pk, key.sk, now], row_to_item)
                .optional()
                .map_err(unavailable)?
                .transpose()
        })
        .await
    }

    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        limits::check_batch(keys)?;
        let keys = keys.to_vec();
        self.read(move |conn, now| {
            // One statement for the whole batch: (pk, sk) pairs in a VALUES list.
            let mut found = std::collections::HashMap::new();
            for chunk in keys.chunks(100) {
                let pairs = vec!["(?, ?)"; chunk.len()].join(", ");
                let sql = format!(
                    "SELECT {COLUMNS} FROM items WHERE (pk, sk) IN (VALUES {pairs}) \
                     AND (expires_at IS NULL OR expires_at > ?)"
                );
                let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(chunk.len() * 2 + 1);
                for k in chunk {
                    params.push(&k.pk);
                    params.push(&k.sk);
                }
                params.push(&now);
                let mut stmt = conn.prepare_cached(&sql).map_err(unavailable)?;
                let rows = stmt.query_map(params.as_slice(), row_to_item).map_err(unavailable)?;
                for row in rows {
                    let item = row.map_err(unavailable)??;
                    found.insert((item.key.pk.clone(), item.key.sk.clone()), item);
                }
            }
            Ok(keys.iter().map(|k| found.remove(&(k.pk.clone(), k.sk.clone()))).collect())
        })
        .await
    }

    async fn put(&self, item: Item, cond: Cond) -> Result<(), StoreError> {
        limits::check_item(&item)?;
        self.write(move |tx, now| {
            check_cond(tx, &item.key, cond, now, None)?;
            upsert(tx, &item)
        })
        .await
    }

    async fn delete(&self, key: &Key, cond: Cond) -> Result<(), StoreError> {
        limits::check_key(key)?;
        let key = key.clone();
        self.write(move |tx, now| {
            check_cond(tx, &key, cond, now, None)?;
            remove(tx, &key)
        })
        .await
    }

    async fn delete_many(&self, keys: &[Key]) -> Result<(), StoreError> {
        limits::check_batch(keys)?;
        let keys = keys.to_vec();
        self.write(move |tx, _| keys.iter().try_for_each(|key| remove(tx, key))).await
    }

    async fn query(&self, query: Query) -> Result<Page, StoreError> {
        limits::check_query(&query)?;
        let after = Position::decode(&query)?;
        self.read(move |conn, now| run_query(conn, &query, after.as_ref(), now)).await
    }

    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError> {
        limits::check_transaction(&ops)?;
        self.write(move |tx, now| {
            for (i, op) in ops.iter().enumerate() {
                match op {
                    TxOp::Put { item, cond } => {
                        check_cond(tx, &item.key, *cond, now, Some(i))?;
                        upsert(tx, item)?;
                    }
                    TxOp::Delete { key, cond } => {
                        check_cond(tx, key, *cond, now, Some(i))?;
                        remove(tx, key)?;
                    }
                    TxOp::Check { key, cond } => check_cond(tx, key, *cond, now, Some(i))?,
                    TxOp::Increment { key, field, by } => {
                        add(tx, key, field, *by)?;
                    }
                    TxOp::Add { key, fields } => {
                        for (field, by) in fields {
                            add(tx, key, field, *by)?;
                        }
                    }
                }
            }
            Ok(())
        })
        .await
    }

    async fn increment(&self, key: &Key, field: &str, by: i64) -> Result<i64, StoreError> {
        limits::check_key(key)?;
        limits::check_attr_name(field)?;
        let (key, field) = (key.clone(), field.to_owned());
        self.write(move |tx, _| add(tx, &key, &field, by)).await
    }

    async fn sweep_expired(&self) -> Result<u64, StoreError> {
        self.write(|tx, now| {
            let n = tx
                .execute("DELETE FROM items WHERE expires_at IS NOT NULL AND expires_at <= ?1", [now])
                .map_err(unavailable)?;
            Ok(n as u64)
        })
        .await
    }
}

/// How often the background connection checkpoints the WAL into the database.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Checkpoints the WAL from a connection of its own every [`CHECKPOINT_EVERY`], PASSIVE (it
/// never waits for readers or the writer), until the store is dropped.
fn spawn_checkpointer(inner: &Arc<Inner>) -> Result<(), StoreError> {
    let conn = open_connection(&inner.path)?;
    let alive = Arc::downgrade(inner);
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            loop {
                std::thread::sleep(CHECKPOINT_EVERY);
                if alive.strong_count() == 0 {
                    return;
                }
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "WAL checkpoint failed; the next one retries");
                }
            }
        })
        .map_err(unavailable)?;
    Ok(())
}

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(unavailable)?;
    // WAL + NORMAL: a committed write survives a killed process (not a power cut), and
    // readers never wait for the writer.
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;")
        .map_err(unavailable)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

async fn blocking<T, F>(f: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, StoreError> + Send + 'static,
{
    tokio::task::spawn_blocking(f).await.map_err(|e| StoreError::Unavailable(format!("sqlite task failed: {e}")))?
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock leaves SQLite consistent (the transaction rolled back).
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("sqlite: {e}"))
}

fn check_cond(tx: &Connection, key: &Key, cond: Cond, now: i64, op: Option<usize>) -> Result<(), StoreError> {
    if cond == Cond::None {
        return Ok(());
    }
    let current: Option<(i64, Option<i64>)> = tx
        .prepare_cached("SELECT version, expires_at FROM items WHERE pk = ?1 AND sk = ?2")
        .map_err(unavailable)?
        .query_row([&key.pk, &key.sk], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(unavailable)?;
    let visible = current.filter(|(_, exp)| exp.is_none_or(|t| t > now));
    let holds = match cond {
        Cond::None => true,
        Cond::NotExists => visible.is_none(),
        Cond::Exists => visible.is_some(),
        Cond::Version(v) => visible.is_some_and(|(cur, _)| cur as u64 == v),
    };
    if holds { Ok(()) } else { Err(StoreError::Conflict { op }) }
}

fn upsert(tx: &Connection, item: &Item) -> Result<(), StoreError> {
    let g = |slot: usize| item.gsi[slot].as_ref();
    let attrs = serde_json::to_string(&item.attrs).map_err(unavailable)?;
    tx.prepare_cached(&format!(
        "INSERT OR REPLACE INTO items ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    ))
    .map_err(unavailable)?
    .execute(rusqlite::params![
        item.key.pk,
        item.key.sk,
        g(0).map(|k| &k.pk),
        g(0).map(|k| &k.sk),
        g(1).map(|k| &k.pk),
        g(1).map(|k| &k.sk),
        g(2).map(|k| &k.pk),
        g(2).map(|k| &k.sk),
        item.version as i64,
        item.expires_at,
        attrs,
    ])
    .map_err(unavailable)?;
    Ok(())
}

fn remove(tx: &Connection, key: &Key) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM items WHERE pk = ?1 AND sk = ?2")
        .map_err(unavailable)?
        .execute([&key.pk, &key.sk])
        .map_err(unavailable)?;
    Ok(())
}

/// DynamoDB `ADD`: creates the item (version 0, no other attributes) or the attribute at 0.
fn add(tx: &Connection, key: &Key, field: &str, by: i64) -> Result<i64, StoreError> {
    let attrs: Option<String> = tx
        .prepare_cached("SELECT attrs FROM items WHERE pk = ?1 AND sk = ?2")
        .map_err(unavailable)?
        .query_row([&key.pk, &key.sk], |r| r.get(0))
        .optional()
        .map_err(unavailable)?;
    let new = match attrs {
        None => {
            let mut attrs = Map::new();
            attrs.insert(field.to_owned(), Value::from(by));
            upsert(tx, &Item::new(key.clone(), attrs).with_version(0))?;
            by
        }
        Some(raw) => {
            let mut attrs: Map<String, Value> = serde_json::from_str(&raw).map_err(corrupt(key))?;
            let current = match attrs.get(field) {
                None => 0,
                Some(v) => v.as_i64().ok_or_else(|| {
                    StoreError::Invalid(Violation::BadAttributeName(format!("{field} (not a number)")))
                })?,
            };
            let new = current + by;
            attrs.insert(field.to_owned(), Value::from(new));
            let raw = serde_json::to_string(&attrs).map_err(unavailable)?;
            tx.prepare_cached("UPDATE items SET attrs = ?3 WHERE pk = ?1 AND sk = ?2")
                .map_err(unavailable)?
                .execute(rusqlite::params![key.pk, key.sk, raw])
                .map_err(unavailable)?;
            new
        }
    };
    Ok(new)
}

fn corrupt(key: &Key) -> impl Fn(serde_json::Error) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{}/{}: {e}", key.pk, key.sk))
}

fn run_query(conn: &Connection, query: &Query, after: Option<&Position>, now: i64) -> Result<Page, StoreError> {
    let (ipk, isk) = query.index.key_attrs();
    let gsi = query.index != Index::Table;
    let mut sql_where = format!("{ipk} = ? AND (expires_at IS NULL OR expires_at > ?)");
    let mut args: Vec<Sql> = vec![Sql::Text(query.pk.clone()), Sql::Integer(now)];
    if let Some(cond) = &query.sk {
        let mut arg = |s: &String| args.push(Sql::Text(s.clone()));
        match cond {
            SkCond::Eq(v) => {
                sql_where += &format!(" AND {isk} = ?");
                arg(v)
            }
            SkCond::Lt(v) => {
                sql_where += &format!(" AND {isk} < ?");
                arg(v)
            }
            SkCond::Le(v) => {
                sql_where += &format!(" AND {isk} <= ?");
                arg(v)
            }
            SkCond::Gt(v) => {
                sql_where += &format!(" AND {isk} > ?");
                arg(v)
            }
            SkCond::Ge(v) => {
                sql_where += &format!(" AND {isk} >= ?");
                arg(v)
            }
            SkCond::Between(a, b) => {
                sql_where += &format!(" AND {isk} BETWEEN ? AND ?");
                arg(a);
                arg(b);
            }
            SkCond::BeginsWith(p) => {
                // A range on the index: [p, next string after every p-prefixed one).
                sql_where += &format!(" AND {isk} >= ?");
                arg(p);
                if let Some(upper) = prefix_upper_bound(p) {
                    sql_where += &format!(" AND {isk} < ?");
                    arg(&upper);
                }
            }
        }
    }
    let cmp = if query.order == Order::Asc { ">" } else { "<" };
    if let Some(pos) = after {
        if gsi {
            sql_where += &format!(" AND ({isk}, pk, sk) {cmp} (?, ?, ?)");
            args.push(Sql::Text(pos.index_sk().to_owned()));
            args.push(Sql::Text(pos.pk.clone()));
            args.push(Sql::Text(pos.sk.clone()));
        } else {
            sql_where += &format!(" AND sk {cmp} ?");
            args.push(Sql::Text(pos.sk.clone()));
        }
    }
    if query.count_only {
        let sql = format!("SELECT COUNT(*) FROM items WHERE {sql_where}");
        let count: i64 = conn
            .prepare_cached(&sql)
            .map_err(unavailable)?
            .query_row(params_from_iter(args), |r| r.get(0))
            .map_err(unavailable)?;
        return Ok(Page { items: vec![], next_cursor: None, count: count as u64 });
    }
    let dir = if query.order == Order::Asc { "ASC" } else { "DESC" };
    let order = if gsi { format!("{isk} {dir}, pk {dir}, sk {dir}") } else { format!("sk {dir}") };
    // Keys only: the table key, the queried index's key, version and expiry, which the
    // covering index holds: the rows (and their bodies) are never read.
    let columns =
        if query.keys_only || query.index.keys_only() { key_columns(query.index) } else { COLUMNS.to_owned() };
    let mut sql = format!("SELECT {columns} FROM items WHERE {sql_where} ORDER BY {order}");
    if let Some(limit) = query.limit {
        // One extra row tells whether another page exists.
        sql += &format!(" LIMIT {}", limit as u64 + 1);
    }
    let mut stmt = conn.prepare_cached(&sql).map_err(unavailable)?;
    let mut items = stmt
        .query_map(params_from_iter(args), row_to_item)
        .map_err(unavailable)?
        .map(|r| r.map_err(unavailable).and_then(|i| i))
        .collect::<Result<Vec<_>, _>>()?;
    let mut next_cursor = None;
    if let Some(limit) = query.limit
        && items.len() > limit as usize
    {
        items.truncate(limit as usize);
        next_cursor = items.last().map(|last| Position::after(query.index, last).encode());
    }
    Ok(Page { count: items.len() as u64, items, next_cursor })
}

fn row_to_item(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Item, StoreError>> {
    let key = Key::new(r.get::<_, String>(0)?, r.get::<_, String>(1)?);
    let mut gsi: [Option<IndexKey>; 3] = [None, None, None];
    for (slot, g) in gsi.iter_mut().enumerate() {
        let pk: Option<String> = r.get(2 + slot * 2)?;
        let sk: Option<String> = r.get(3 + slot * 2)?;
        if let (Some(pk), Some(sk)) = (pk, sk) {
            *g = Some(IndexKey { pk, sk });
        }
    }
    let version: i64 = r.get(8)?;
    let expires_at: Option<i64> = r.get(9)?;
    // Keys-only rows carry the literal `{}`: no parse for the thousands a queue walk reads.
    let raw = r.get_ref(10)?.as_str()?;
    let attrs = if raw == "{}" {
        Ok(Map::new())
    } else {
        serde_json::from_str::<Map<String, Value>>(raw).map_err(corrupt(&key))
    };
    Ok(attrs.map(|attrs| Item { key, gsi, version: version as u64, expires_at, attrs }))
}

/// The least string greater than every string starting with `prefix` (code-point order equals
/// UTF-8 byte order, which is how both DynamoDB and SQLite's BINARY collation compare).
fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let mut next = last as u32 + 1;
        if (0xD800..0xE000).contains(&next) {
            next = 0xE000;
        }
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::prefix_upper_bound;

    #[test]
    fn prefix_upper_bounds() {
        assert_eq!(prefix_upper_bound("ab").as_deref(), Some("ac"));
        assert_eq!(prefix_upper_bound(""), None);
        assert_eq!(prefix_upper_bound("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_upper_bound("\u{D7FF}").as_deref(), Some("\u{E000}"));
    }
}
