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
pub const QUEUES: [&str; 2] = ["events", "email"];

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
    pub id: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("unknown queue {0:?}")]
    UnknownQueue(String),
    #[error("message body is {0} bytes; the limit is 262144")]
    TooLarge(usize),
    #[error("queue unavailable: {0}")]
    Unavailable(String),
}

/// Largest message body SQS accepts.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

#[async_trait]
pub trait Queue: Send + Sync + 'static {
    /// Enqueues `body`, invisible for `delay` (at most 15 minutes, as on SQS). Returns its id.
    async fn send(&self, queue: &str, body: &str, delay: Duration) -> Result<String, QueueError>;

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

    /// Looks at up to `max` messages in the queue's dead-letter queue without removing them.
    async fn dead_letters(&self, queue: &str, max: u32) -> Result<Vec<DeadLetter>, QueueError>;

    /// Moves up to `max` dead letters back to the queue, with a fresh receive count.
    async fn replay_dead_letters(&self, queue: &str, max: u32) -> Result<u32, QueueError>;
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

pub(crate) fn check_queue(queue: &str) -> Result<(), QueueError> {
    if QUEUES.contains(&queue) { Ok(()) } else { Err(QueueError::UnknownQueue(queue.to_owned())) }
}
