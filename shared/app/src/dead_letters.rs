//! Dead letters: the messages a queue gave up on, with the reason each last failed, and their
//! replay. The queue keeps the message; the [`crate::worker::Dispatcher`] records why it
//! failed (one small item per failing message, written only on failure, expiring with the
//! dead-letter queue's retention), and this module joins the two for `portal dlq` and the
//! operations screen.

use std::collections::{BTreeSet, HashMap};

use kt_domain::DomainEvent;
use kt_domain::identity::{TenantId, UserId};
use kt_platform::queue::{DeadLetter, MAX_DEAD_LETTERS, QUEUES};
use kt_store::{Cond, Item, Key};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::identity::audit;
use crate::identity::sessions::ClientInfo;
use crate::{AppError, AppState, FieldError};

/// How long a failure is remembered: SQS's longest message retention (14 days).
const FAILURE_TTL_SECS: i64 = 14 * 24 * 3600;

/// Why a message failed, as last recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub queue: String,
    /// The consumer that failed; `None` when the body could not be read as an event.
    pub consumer: Option<String>,
    pub reason: String,
    /// Deliveries so far, when the queue said.
    pub attempts: Option<u32>,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    pub at: OffsetDateTime,
}

/// A dead message and what is known about it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadMessage {
    pub queue: String,
    pub message_id: String,
    /// The event, when the body is one.
    pub event: Option<DomainEvent>,
    pub body: String,
    pub reason: String,
    pub failure: Option<Failure>,
}

/// Where a message's failure is kept: by event id (stable across the queue's redrives and
/// replays), or by message id when the body is not an event. One partition per message: no
/// key is shared by tenants or messages.
fn failure_key(queue: &str, body: &str, message_id: &str) -> Key {
    let subject = match serde_json::from_str::<DomainEvent>(body) {
        Ok(e) => format!("event:{}", e.id),
        Err(_) => format!("message:{message_id}"),
    };
    Key::new(format!("FAILURE#{queue}#{subject}"), "last")
}

/// Records (overwriting) why the message failed. Best effort: a failure to record is logged and
/// the message is retried as it would be anyway.
pub async fn record_failure(
    app_store: &dyn kt_store::Store,
    now: OffsetDateTime,
    message_id: &str,
    body: &str,
    failure: &Failure,
) {
    let key = failure_key(&failure.queue, body, message_id);
    let item = match Item::from_entity(key, failure) {
        Ok(item) => item.with_expiry(now.unix_timestamp() + FAILURE_TTL_SECS),
        Err(e) => {
            tracing::warn!(error = %e, "could not encode a failure record");
            return;
        }
    };
    if let Err(e) = app_store.put(item, Cond::None).await {
        tracing::warn!(error = %e, message = message_id, "could not record why a message failed");
    }
}

/// Checks a queue name from a request or the command line.
pub fn check_queue(queue: &str, field: &'static str) -> Result<(), AppError> {
    if QUEUES.contains(&queue) {
        Ok(())
    } else {
        Err(AppError::Invalid(vec![FieldError::new(field, format!("one of: {}", QUEUES.join(", ")))]))
    }
}

/// The dead letters of `queue` (or of every queue), at most [`MAX_DEAD_LETTERS`] per queue,
/// with their recorded failures.
pub async fn list(app: &AppState, queue: Option<&str>) -> Result<Vec<DeadMessage>, AppError> {
    let queues: Vec<&str> = match queue {
        Some(q) => {
            check_queue(q, "queue")?;
            vec![q]
        }
        None => QUEUES.to_vec(),
    };
    let mut out = Vec::new();
    for q in queues {
        let dead = app.queue.dead_letters(q, MAX_DEAD_LETTERS).await?;
        let keys: Vec<Key> = dead.iter().map(|d| failure_key(q, &d.body, &d.id)).collect();
        // Two dead copies of one event share a record: read each key once.
        let distinct: Vec<Key> = keys.iter().cloned().collect::<BTreeSet<_>>().into_iter().collect();
        let mut failures = HashMap::new();
        for chunk in distinct.chunks(kt_store::limits::MAX_BATCH_GET) {
            for (key, item) in chunk.iter().zip(app.store.get_many(chunk).await?) {
                if let Some(f) = item.and_then(|i| i.to_entity::<Failure>().ok()) {
                    failures.insert(key.clone(), f);
                }
            }
        }
        for (d, key) in dead.into_iter().zip(keys) {
            out.push(dead_message(q, d, failures.get(&key).cloned()));
        }
    }
    Ok(out)
}

fn dead_message(queue: &str, d: DeadLetter, failure: Option<Failure>) -> DeadMessage {
    let event = serde_json::from_str::<DomainEvent>(&d.body);
    let reason = match (&failure, &event) {
        (Some(f), _) => match &f.consumer {
            Some(c) => format!("{c}: {}", f.reason),
            None => f.reason.clone(),
        },
        (None, Err(e)) => format!("the message is not an event: {e}"),
        (None, Ok(_)) => "no failure was recorded (it may have timed out or been killed mid-handling)".into(),
    };
    DeadMessage { queue: queue.to_owned(), message_id: d.id, event: event.ok(), body: d.body, reason, failure }
}

/// Who replays, for the audit log (the command line has no signed-in user and logs instead).
pub struct Operator<'a> {
    pub user: &'a UserId,
    pub tenant: &'a TenantId,
    pub client: &'a ClientInfo,
}

/// Moves dead letters back to their queue: the one with `message_id`, or all of them (up to
/// [`MAX_DEAD_LETTERS`]). Returns how many moved; `NotFound` when the one asked for is gone.
pub async fn replay(
    app: &AppState,
    by: Option<Operator<'_>>,
    queue: &str,
    message_id: Option<&str>,
) -> Result<u32, AppError> {
    check_queue(queue, "queue")?;
    let replayed = match message_id {
        Some(id) if app.queue.replay_dead_letter(queue, id).await? => 1,
        Some(_) => return Err(AppError::NotFound),
        None => app.queue.replay_dead_letters(queue, MAX_DEAD_LETTERS).await?,
    };
    tracing::info!(queue, message = message_id, count = replayed, "dead letters replayed");
    if let Some(op) = by {
        let target = match message_id {
            Some(id) => format!("{queue}/{id}"),
            None => format!("{queue} ({replayed} messages)"),
        };
        let entry = audit::entry(app, op.tenant, Some(op.user), "dead_letters.replayed", Some(target), op.client);
        audit::record(app, entry).await?;
    }
    Ok(replayed)
}
