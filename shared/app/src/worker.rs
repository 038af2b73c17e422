//! The runtime every queue consumer runs in. A message is one [`DomainEvent`]; each interested
//! [`Consumer`] handles it at most once thanks to a dedup claim per (consumer, event id):
//!
//! * a claim item is created with a lease before handling (a concurrent duplicate sees it and
//!   backs off), marked done with a 7-day TTL after success, and removed after a failure. The
//!   handling is cut off when the lease ends, and the lease ends before the message can be
//!   received again (its visibility timeout is longer), so a handler that was killed or timed
//!   out leaves a claim that has expired by the redelivery, which then handles the event;
//! * a failed message is retried with exponential backoff and, after
//!   [`kt_platform::queue::MAX_RECEIVES`] receives, lands in the dead-letter queue for
//!   inspection and replay;
//! * on Lambda, [`Dispatcher::handle_sqs_batch`] reports partial batch failures so one poison
//!   message never blocks the rest.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use kt_domain::{Clock, DomainEvent};
use kt_platform::Queue;
use kt_store::{Cond, Item, Key, Store};
use serde_json::json;

use crate::dead_letters::{self, Failure};

/// How long a claim protects an in-flight handling from a concurrent duplicate, and how long a
/// handling may take, unless the dispatcher is given its function's timeout.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);
/// How long a message received by [`Dispatcher::poll_once`] stays invisible: longer than any
/// lease, so a redelivery never meets a live claim.
pub const LOCAL_VISIBILITY: Duration = Duration::from_secs(60);
/// How long a handled event id is remembered.
const DEDUP_TTL_SECS: i64 = 7 * 24 * 3600;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HandlerError(pub String);

#[async_trait]
pub trait Consumer: Send + Sync + 'static {
    /// Stable name; part of the dedup key.
    fn name(&self) -> &'static str;
    /// Whether this consumer handles events of `kind`.
    fn wants(&self, kind: &str) -> bool;
    /// Whether handling must be claimed once per event (the default). A consumer whose handling
    /// is idempotent by itself (repeating it changes nothing) skips the claim's two writes.
    fn needs_claim(&self) -> bool {
        true
    }
    async fn handle(&self, event: &DomainEvent) -> Result<(), HandlerError>;
    /// Ends a batch: a consumer that gathers its work across a batch's events (the search
    /// indexer commits once per batch) finishes it here, before any message is acknowledged;
    /// an error retries the whole batch. Such a consumer must not need a claim.
    async fn flush(&self) -> Result<(), HandlerError> {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every interested consumer has handled the event (now or before).
    Done,
    /// Something failed or is still in flight elsewhere; deliver again later.
    Retry,
}

/// Why one consumer did not finish an event.
enum Failed {
    /// Another delivery holds the claim: not a failure of this message.
    InFlight,
    Error(String),
}

#[derive(Clone)]
pub struct Dispatcher {
    queue_name: &'static str,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    consumers: Vec<Arc<dyn Consumer>>,
    lease: Duration,
    visibility: Duration,
}

/// Backoff before the next delivery after `receive_count` failed receives: 2, 4, 8 ... s,
/// capped at 5 minutes.
pub fn backoff(receive_count: u32) -> Duration {
    Duration::from_secs(2u64.saturating_pow(receive_count.clamp(1, 16)).min(300))
}

impl Dispatcher {
    pub fn new(
        queue_name: &'static str,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        consumers: Vec<Arc<dyn Consumer>>,
    ) -> Self {
        Self { queue_name, store, clock, consumers, lease: DEFAULT_LEASE, visibility: LOCAL_VISIBILITY }
    }

    /// The claim lease and handling time limit (on Lambda: the function's timeout) and the
    /// visibility timeout of local receives; the visibility must be longer than the lease.
    pub fn with_timing(mut self, lease: Duration, visibility: Duration) -> Self {
        assert!(visibility > lease, "a message must stay invisible longer than its claim lasts");
        self.lease = lease;
        self.visibility = visibility;
        self
    }

    pub fn queue_name(&self) -> &'static str {
        self.queue_name
    }

    /// Handles one message: `message_id` and `attempt` (its receive count, when known) are the
    /// queue's. Unreadable bodies are retried (and so dead-lettered). Why a message failed is
    /// recorded for [`crate::dead_letters`].
    pub async fn process(&self, message_id: &str, body: &str, attempt: Option<u32>) -> Outcome {
        let event: DomainEvent = match serde_json::from_str(body) {
            Ok(e) => e,
            Err(e) => {
                tracing::error!(queue = self.queue_name, message = message_id, error = %e, "message is not an event");
                self.record(message_id, body, attempt, None, format!("the message is not an event: {e}")).await;
                return Outcome::Retry;
            }
        };
        let mut outcome = Outcome::Done;
        for consumer in self.consumers.iter().filter(|c| c.wants(&event.kind)) {
            match self.process_one(consumer.as_ref(), &event).await {
                Ok(()) => {}
                Err(Failed::InFlight) => outcome = Outcome::Retry,
                Err(Failed::Error(reason)) => {
                    self.record(message_id, body, attempt, Some(consumer.name()), reason).await;
                    outcome = Outcome::Retry;
                }
            }
        }
        outcome
    }

    async fn record(&self, message_id: &str, body: &str, attempt: Option<u32>, consumer: Option<&str>, reason: String) {
        let failure = Failure {
            queue: self.queue_name.to_owned(),
            consumer: consumer.map(str::to_owned),
            reason,
            attempts: attempt,
            at: self.clock.now(),
        };
        dead_letters::record_failure(self.store.as_ref(), self.clock.now(), message_id, body, &failure).await;
    }

    async fn process_one(&self, consumer: &dyn Consumer, event: &DomainEvent) -> Result<(), Failed> {
        if !consumer.needs_claim() {
            return consumer.handle(event).await.map_err(|e| {
                tracing::warn!(consumer = consumer.name(), event = %event.id, kind = %event.kind, error = %e, "consumer failed; will retry");
                Failed::Error(e.0)
            });
        }
        let key = Key::new(format!("DEDUP#{}#{}", consumer.name(), event.id), "claim");
        let now = self.clock.now_unix();
        let lease_secs = self.lease.as_secs().max(1) as i64;
        let claim = Item::new(key.clone(), json!({"state": "processing"}).as_object().cloned().unwrap_or_default())
            .with_expiry(now + lease_secs);
        match self.store.put(claim, Cond::NotExists).await {
            Ok(()) => {}
            Err(e) if e.is_conflict() => {
                let done =
                    matches!(self.store.get(&key).await, Ok(Some(i)) if i.attrs.get("state") == Some(&json!("done")));
                if done {
                    tracing::debug!(consumer = consumer.name(), event = %event.id, "duplicate delivery skipped");
                    return Ok(());
                }
                return Err(Failed::InFlight);
            }
            Err(e) => {
                tracing::warn!(consumer = consumer.name(), error = %e, "could not claim event");
                return Err(Failed::Error(format!("could not claim the event: {e}")));
            }
        }
        let handled = match tokio::time::timeout(self.lease, consumer.handle(event)).await {
            Ok(result) => result,
            Err(_) => Err(HandlerError(format!("not handled within its {} s lease", lease_secs))),
        };
        match handled {
            Ok(()) => {
                let done = Item::new(key, json!({"state": "done"}).as_object().cloned().unwrap_or_default())
                    .with_expiry(self.clock.now_unix() + DEDUP_TTL_SECS);
                if let Err(e) = self.store.put(done, Cond::None).await {
                    // The work is done; at worst a redelivery after the lease repeats it.
                    tracing::warn!(consumer = consumer.name(), error = %e, "could not mark event done");
                }
                Ok(())
            }
            Err(e) => {
                tracing::warn!(consumer = consumer.name(), event = %event.id, kind = %event.kind, error = %e, "consumer failed; will retry");
                let _ = self.store.delete(&key, Cond::None).await;
                Err(Failed::Error(e.0))
            }
        }
    }

    /// Handles a batch of `(message id, body, attempt)`, one message at a time (pushes
    /// computed by concurrent handlings, a notification count, could reach a socket out of
    /// order), then ends the batch for every consumer ([`Consumer::flush`]); a failed end
    /// retries every message of the batch.
    pub async fn process_batch(&self, messages: &[(String, String, Option<u32>)]) -> Vec<Outcome> {
        let mut outcomes = Vec::with_capacity(messages.len());
        for (id, body, attempt) in messages {
            outcomes.push(self.process(id, body, *attempt).await);
        }
        for consumer in &self.consumers {
            if let Err(e) = consumer.flush().await {
                tracing::warn!(consumer = consumer.name(), error = %e, "batch not finished; will retry");
                for (id, body, attempt) in messages {
                    self.record(id, body, *attempt, Some(consumer.name()), e.0.clone()).await;
                }
                outcomes.iter_mut().for_each(|o| *o = Outcome::Retry);
            }
        }
        outcomes
    }

    /// Receives and handles one batch from the queue (the local host's loop body).
    /// Returns how many messages were received.
    pub async fn poll_once(&self, queue: &dyn Queue, wait: Duration) -> Result<usize, kt_platform::QueueError> {
        let batch = queue.receive(self.queue_name, 10, self.visibility, wait).await?;
        let messages: Vec<_> = batch.iter().map(|m| (m.id.clone(), m.body.clone(), Some(m.receive_count))).collect();
        for (msg, outcome) in batch.iter().zip(self.process_batch(&messages).await) {
            match outcome {
                Outcome::Done => queue.ack(self.queue_name, &msg.receipt).await?,
                Outcome::Retry => queue.retry_after(self.queue_name, &msg.receipt, backoff(msg.receive_count)).await?,
            }
        }
        Ok(batch.len())
    }

    /// The Lambda entry point for an SQS event source with `ReportBatchItemFailures`.
    pub async fn handle_sqs_batch(&self, event: SqsEvent) -> SqsBatchResponse {
        let messages: Vec<_> = event
            .records
            .into_iter()
            .map(|r| {
                let attempt = r.attributes.get("ApproximateReceiveCount").and_then(|c| c.parse().ok());
                (r.message_id.unwrap_or_default(), r.body.unwrap_or_default(), attempt)
            })
            .collect();
        let outcomes = self.process_batch(&messages).await;
        let mut response = SqsBatchResponse::default();
        for ((id, _, _), outcome) in messages.into_iter().zip(outcomes) {
            if outcome == Outcome::Retry {
                response.batch_item_failures.push(BatchItemFailure { item_identifier: id });
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use std::time::Duration;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1), Duration::from_secs(2));
        assert_eq!(backoff(3), Duration::from_secs(8));
        assert_eq!(backoff(30), Duration::from_secs(300));
    }
}
