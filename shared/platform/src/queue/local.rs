//! The local queue: a SQLite table with SQS's semantics (visibility timeout, receive counts,
//! dead-lettering after `max_receives`, delay). A `Notify` wakes long-polling receivers.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use kt_domain::Clock;
use rusqlite::{Connection, TransactionBehavior, params};
use tokio::sync::Notify;
use ulid::Ulid;

use super::*;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    queue TEXT NOT NULL,
    body TEXT NOT NULL,
    visible_at INTEGER NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    receipt TEXT,
    dead INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS messages_due ON messages (queue, dead, visible_at);
CREATE INDEX IF NOT EXISTS messages_receipt ON messages (receipt);
";

#[derive(Clone)]
pub struct LocalQueue {
    conn: Arc<Mutex<Connection>>,
    clock: Arc<dyn Clock>,
    max_receives: u32,
    arrived: Arc<Notify>,
}

fn unavailable(e: impl std::fmt::Display) -> QueueError {
    QueueError::Unavailable(format!("sqlite queue: {e}"))
}

impl LocalQueue {
    pub fn open(path: impl AsRef<Path>, clock: Arc<dyn Clock>, max_receives: u32) -> Result<Self, QueueError> {
        if let Some(dir) = path.as_ref().parent() {
            std::fs::create_dir_all(dir).map_err(unavailable)?;
        }
        let conn = Connection::open(path).map_err(unavailable)?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;")
            .map_err(unavailable)?;
        conn.execute_batch(SCHEMA).map_err(unavailable)?;
        Ok(Self { conn: Arc::new(Mutex::new(conn)), clock, max_receives, arrived: Arc::new(Notify::new()) })
    }

    fn now_ms(&self) -> i64 {
        (self.clock.now().unix_timestamp_nanos() / 1_000_000) as i64
    }

    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, QueueError> + Send + 'static,
    ) -> Result<T, QueueError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(unavailable)?
    }

    async fn receive_now(&self, queue: &str, max: u32, visibility: Duration) -> Result<Vec<Received>, QueueError> {
        let (queue, now, max_receives) = (queue.to_owned(), self.now_ms(), self.max_receives);
        let hide_until = now + visibility.as_millis() as i64;
        self.with(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(unavailable)?;
            // Received too often without an ack: dead-letter it (as SQS's redrive does).
            tx.execute(
                "UPDATE messages SET dead = 1, receipt = NULL \
                 WHERE queue = ?1 AND dead = 0 AND visible_at <= ?2 AND receive_count >= ?3",
                params![queue, now, max_receives as i64],
            )
            .map_err(unavailable)?;
            let mut out = Vec::new();
            {
                let mut due = tx
                    .prepare_cached(
                        "SELECT id, body, receive_count FROM messages \
                         WHERE queue = ?1 AND dead = 0 AND visible_at <= ?2 ORDER BY visible_at, id LIMIT ?3",
                    )
                    .map_err(unavailable)?;
                let rows = due
                    .query_map(params![queue, now, max.clamp(1, 10) as i64], |r| {
                        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
                    })
                    .map_err(unavailable)?
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(unavailable)?;
                for (id, body, count) in rows {
                    let receipt = Ulid::new().to_string();
                    tx.execute(
                        "UPDATE messages SET receive_count = receive_count + 1, receipt = ?2, visible_at = ?3 WHERE id = ?1",
                        params![id, receipt, hide_until],
                    )
                    .map_err(unavailable)?;
                    out.push(Received { id, receipt, body, receive_count: count as u32 + 1 });
                }
            }
            tx.commit().map_err(unavailable)?;
            Ok(out)
        })
        .await
    }
}

#[async_trait]
impl Queue for LocalQueue {
    async fn send(&self, queue: &str, body: &str, delay: Duration) -> Result<String, QueueError> {
        check_send(queue, body)?;
        let id = Ulid::new().to_string();
        let visible_at = self.now_ms() + delay.min(Duration::from_secs(900)).as_millis() as i64;
        let (q, b, i) = (queue.to_owned(), body.to_owned(), id.clone());
        self.with(move |conn| {
            conn.execute(
                "INSERT INTO messages (id, queue, body, visible_at) VALUES (?1, ?2, ?3, ?4)",
                params![i, q, b, visible_at],
            )
            .map_err(unavailable)?;
            Ok(())
        })
        .await?;
        self.arrived.notify_waiters();
        Ok(id)
    }

    async fn send_batch(&self, queue: &str, bodies: &[String]) -> Result<Vec<Result<String, QueueError>>, QueueError> {
        check_batch(queue, bodies)?;
        let now = self.now_ms();
        let rows: Vec<(String, String)> = bodies.iter().map(|b| (Ulid::new().to_string(), b.clone())).collect();
        let (q, ids) = (queue.to_owned(), rows.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>());
        self.with(move |conn| {
            let tx = conn.transaction().map_err(unavailable)?;
            for (id, body) in &rows {
                tx.execute(
                    "INSERT INTO messages (id, queue, body, visible_at) VALUES (?1, ?2, ?3, ?4)",
                    params![id, q, body, now],
                )
                .map_err(unavailable)?;
            }
            tx.commit().map_err(unavailable)
        })
        .await?;
        self.arrived.notify_waiters();
        Ok(ids.into_iter().map(Ok).collect())
    }

    async fn receive(
        &self,
        queue: &str,
        max: u32,
        visibility: Duration,
        wait: Duration,
    ) -> Result<Vec<Received>, QueueError> {
        check_queue(queue)?;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let arrived = self.arrived.notified();
            let got = self.receive_now(queue, max, visibility).await?;
            if !got.is_empty() || tokio::time::Instant::now() >= deadline {
                return Ok(got);
            }
            // Wake on a send, or re-check periodically for delayed and timed-out messages.
            let nap = (deadline - tokio::time::Instant::now()).min(Duration::from_millis(50));
            let _ = tokio::time::timeout(nap, arrived).await;
        }
    }

    async fn ack(&self, queue: &str, receipt: &str) -> Result<(), QueueError> {
        check_queue(queue)?;
        let r = receipt.to_owned();
        self.with(move |conn| {
            conn.execute("DELETE FROM messages WHERE receipt = ?1 AND dead = 0", [r]).map_err(unavailable)?;
            Ok(())
        })
        .await
    }

    async fn retry_after(&self, queue: &str, receipt: &str, delay: Duration) -> Result<(), QueueError> {
        check_queue(queue)?;
        let (r, at) = (receipt.to_owned(), self.now_ms() + delay.as_millis() as i64);
        self.with(move |conn| {
            conn.execute("UPDATE messages SET visible_at = ?2 WHERE receipt = ?1 AND dead = 0", params![r, at])
                .map_err(unavailable)?;
            Ok(())
        })
        .await?;
        self.arrived.notify_waiters();
        Ok(())
    }

    async fn dead_letters(&self, queue: &str, max: u32) -> Result<Vec<DeadLetter>, QueueError> {
        check_queue(queue)?;
        let q = queue.to_owned();
        self.with(move |conn| {
            let mut stmt = conn
                .prepare_cached("SELECT id, body FROM messages WHERE queue = ?1 AND dead = 1 ORDER BY id LIMIT ?2")
                .map_err(unavailable)?;
            let rows = stmt
                .query_map(params![q, max.min(MAX_DEAD_LETTERS) as i64], |r| {
                    Ok(DeadLetter { id: r.get(0)?, body: r.get(1)? })
                })
                .map_err(unavailable)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
        })
        .await
    }

    async fn replay_dead_letters(&self, queue: &str, max: u32) -> Result<u32, QueueError> {
        check_queue(queue)?;
        let (q, now) = (queue.to_owned(), self.now_ms());
        let n = self
            .with(move |conn| {
                let n = conn
                    .execute(
                        "UPDATE messages SET dead = 0, receive_count = 0, receipt = NULL, visible_at = ?2 \
                         WHERE id IN (SELECT id FROM messages WHERE queue = ?1 AND dead = 1 ORDER BY id LIMIT ?3)",
                        params![q, now, max.min(MAX_DEAD_LETTERS) as i64],
                    )
                    .map_err(unavailable)?;
                Ok(n as u32)
            })
            .await?;
        self.arrived.notify_waiters();
        Ok(n)
    }

    async fn replay_dead_letter(&self, queue: &str, id: &str) -> Result<bool, QueueError> {
        check_queue(queue)?;
        let (q, id, now) = (queue.to_owned(), id.to_owned(), self.now_ms());
        let n = self
            .with(move |conn| {
                conn.execute(
                    "UPDATE messages SET dead = 0, receive_count = 0, receipt = NULL, visible_at = ?3 \
                     WHERE id = ?2 AND queue = ?1 AND dead = 1",
                    params![q, id, now],
                )
                .map_err(unavailable)
            })
            .await?;
        self.arrived.notify_waiters();
        Ok(n == 1)
    }
}
