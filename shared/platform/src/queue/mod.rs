//! Queue: at-least-once delivery with visibility timeouts, redelivery, and a dead-letter queue
//! after N receives that can be inspected and replayed. Queues are named logically
//! (`events`, `email`); each adapter maps the name to its own resource.

#[cfg(feature = "local")]
mod local;
mod sqs;

use std::time::Duration;

use async_trait::async_trait;

#[cfg(feature = "local")]
pub use local::LocalQueue;
pub use sqs::SqsQueue;

/// The queues the product uses. Each has a dead-letter queue.
/// (Reminders and other future work are due items swept on a schedule, not queue messages.)
pub const QUEUES: [&str; 3] = ["events", "email", "search"];

/// How many receives a message gets before it moves to the dead-letter queue.
pub const MAX_RECEIVES: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub id: String,
    /// Handle for `ack` / `retry_after`; valid for this delivery only.
    pub receipt: String,
    pub body: String,
    /// 1 on first delivery.
    pub receive_count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// The message id; the same id the consumer saw (SQS keeps it when it moves a message to
    /// the dead-letter queue).
    pub id: String,
    pub body: String,
}

/// Largest number of messages one [`Queue::send_batch`] call sends (SQS's SendMessageBatch).
pub const MAX_BATCH: usize = 10;
/// Most dead letters [`Queue::dead_letters`] lists and [`Queue::replay_dead_letters`] moves at once.
pub const MAX_DEAD_LETTERS: u32 = 100;

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("unknown queue {0:?}")]
    UnknownQueue(String),
    #[error("message (or batch) is {0} bytes; the limit is 262144")]
    TooLarge(usize),
    #[error("a batch holds 1 to 10 messages, not {0}")]
    BatchSize(usize),
    #[error("queue unavailable: {0}")]
    Unavailable(String),
}

/// Largest message body SQS accepts.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

#[async_trait]
pub trait Queue: Send + Sync + 'static {
    /// Enqueues `body`, invisible for at least `delay` (at most 15 minutes, as on SQS, which counts
    /// whole seconds: a part of one rounds up). Returns its id.
    async fn send(&self, queue: &str, body: &str, delay: Duration) -> Result<String, QueueError>;

    /// Enqueues up to [`MAX_BATCH`] bodies in one call. The outer error means nothing was sent;
    /// otherwise each body has its own outcome, in order (a batch can partly fail).
    async fn send_batch(&self, queue: &str, bodies: &[String]) -> Result<Vec<Result<String, QueueError>>, QueueError>;

    /// Up to `max` (1..=10) visible messages, hidden from other receivers for `visibility`.
    /// Waits up to `wait` for the first one to arrive.
    async fn receive(
        &self,
        queue: &str,
        max: u32,
        visibility: Duration,
        wait: Duration,
    ) -> Result<Vec<Received>, QueueError>;

    /// Deletes a received message: it was handled.
    async fn ack(&self, queue: &str, receipt: &str) -> Result<(), QueueError>;

    /// Makes a received message visible again after `delay` (backoff before redelivery).
    async fn retry_after(&self, queue: &str, receipt: &str, delay: Duration) -> Result<(), QueueError>;

    /// Looks at up to `max` (at most [`MAX_DEAD_LETTERS`]) messages in the queue's dead-letter
    /// queue without removing them, each once.
    async fn dead_letters(&self, queue: &str, max: u32) -> Result<Vec<DeadLetter>, QueueError>;

    /// Moves up to `max` dead letters back to the queue, with a fresh receive count.
    async fn replay_dead_letters(&self, queue: &str, max: u32) -> Result<u32, QueueError>;

    /// Moves the dead letter `id` back to the queue; false when it is not (or no longer) there.
    async fn replay_dead_letter(&self, queue: &str, id: &str) -> Result<bool, QueueError>;
}

pub(crate) fn check_send(queue: &str, body: &str) -> Result<(), QueueError> {
    if !QUEUES.contains(&queue) {
        return Err(QueueError::UnknownQueue(queue.to_owned()));
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(QueueError::TooLarge(body.len()));
    }
    Ok(())
}

pub(crate) fn check_batch(queue: &str, bodies: &[String]) -> Result<(), QueueError> {
    check_queue(queue)?;
    if bodies.is_empty() || bodies.len() > MAX_BATCH {
        return Err(QueueError::BatchSize(bodies.len()));
    }
    let total: usize = bodies.iter().map(String::len).sum();
    if total > MAX_BODY_BYTES {
        return Err(QueueError::TooLarge(total));
    }
    Ok(())
}

pub(crate) fn check_queue(queue: &str) -> Result<(), QueueError> {
    if QUEUES.contains(&queue) { Ok(()) } else { Err(QueueError::UnknownQueue(queue.to_owned())) }
}
