//! SQS queues `<prefix><name>` with dead-letter queues `<prefix><name>-dlq` attached through a
//! redrive policy (declared in `template.yaml`; `ensure_queues` creates them on emulators).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sqs::types::{
    ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry, MessageSystemAttributeName,
    QueueAttributeName, SendMessageBatchRequestEntry,
};

use super::*;

pub struct SqsQueue {
    client: Client,
    /// Names queues that have no known URL (`<prefix><name>`); `None` in a function, which
    /// knows every URL it may use.
    prefix: Option<String>,
    urls: Mutex<HashMap<String, String>>,
}

fn sdk<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static>(e: SdkError<E>) -> QueueError {
    QueueError::Unavailable(format!("sqs: {}", aws_sdk_sqs::error::DisplayErrorContext(&e)))
}

impl SqsQueue {
    pub fn new(config: &aws_config::SdkConfig, prefix: impl Into<String>) -> Self {
        Self { client: Client::new(config), prefix: Some(prefix.into()), urls: Mutex::new(HashMap::new()) }
    }

    /// Queues known by URL only (as `template.yaml` gives them to a function): no lookup by
    /// name, so no `sqs:GetQueueUrl` permission; any other queue is unknown.
    pub fn with_urls(config: &aws_config::SdkConfig, urls: HashMap<String, String>) -> Self {
        Self { client: Client::new(config), prefix: None, urls: Mutex::new(urls) }
    }

    fn prefix(&self) -> &str {
        self.prefix.as_deref().unwrap_or_default()
    }

    /// Creates every queue and its DLQ with a redrive policy of `max_receives`.
    pub async fn ensure_queues(&self, max_receives: u32) -> Result<(), QueueError> {
        for name in QUEUES {
            let dlq = self
                .client
                .create_queue()
                .queue_name(format!("{}{name}-dlq", self.prefix()))
                .send()
                .await
                .map_err(sdk)?;
            let dlq_url = dlq.queue_url.unwrap_or_default();
            let attrs = self
                .client
                .get_queue_attributes()
                .queue_url(&dlq_url)
                .attribute_names(QueueAttributeName::QueueArn)
                .send()
                .await
                .map_err(sdk)?;
            let arn = attrs.attributes.and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned()).unwrap_or_default();
            let policy = serde_json::json!({"deadLetterTargetArn": arn, "maxReceiveCount": max_receives.to_string()});
            self.client
                .create_queue()
                .queue_name(format!("{}{name}", self.prefix()))
                .attributes(QueueAttributeName::RedrivePolicy, policy.to_string())
                .send()
                .await
                .map_err(sdk)?;
        }
        Ok(())
    }

    async fn url(&self, name: &str) -> Result<String, QueueError> {
        if let Some(url) = self.urls.lock().unwrap_or_else(|e| e.into_inner()).get(name) {
            return Ok(url.clone());
        }
        let Some(prefix) = &self.prefix else { return Err(QueueError::UnknownQueue(name.to_owned())) };
        let out = self.client.get_queue_url().queue_name(format!("{prefix}{name}")).send().await.map_err(sdk)?;
        let url = out.queue_url.ok_or_else(|| QueueError::UnknownQueue(name.to_owned()))?;
        self.urls.lock().unwrap_or_else(|e| e.into_inner()).insert(name.to_owned(), url.clone());
        Ok(url)
    }

    async fn dlq_url(&self, queue: &str) -> Result<String, QueueError> {
        self.url(&format!("{queue}-dlq")).await
    }
}

fn receive_count(m: &aws_sdk_sqs::types::Message) -> u32 {
    m.attributes()
        .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
        .and_then(|c| c.parse().ok())
        .unwrap_or(1)
}

#[async_trait]
impl Queue for SqsQueue {
    async fn send(&self, queue: &str, body: &str, delay: Duration) -> Result<String, QueueError> {
        check_send(queue, body)?;
        let out = self
            .client
            .send_message()
            .queue_url(self.url(queue).await?)
            .message_body(body)
            .delay_seconds(whole_seconds_up(delay).min(900) as i32)
            .send()
            .await
            .map_err(sdk)?;
        Ok(out.message_id.unwrap_or_default())
    }

    async fn send_batch(&self, queue: &str, bodies: &[String]) -> Result<Vec<Result<String, QueueError>>, QueueError> {
        check_batch(queue, bodies)?;
        self.send_batch_to(&self.url(queue).await?, bodies).await
    }

    async fn receive(
        &self,
        queue: &str,
        max: u32,
        visibility: Duration,
        wait: Duration,
    ) -> Result<Vec<Received>, QueueError> {
        check_queue(queue)?;
        let out = self
            .client
            .receive_message()
            .queue_url(self.url(queue).await?)
            .max_number_of_messages(max.clamp(1, 10) as i32)
            .visibility_timeout(visibility.as_secs() as i32)
            .wait_time_seconds(wait.as_secs().min(20) as i32)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .map_err(sdk)?;
        Ok(out
            .messages
            .unwrap_or_default()
            .into_iter()
            .map(|m| Received {
                receive_count: receive_count(&m),
                id: m.message_id.unwrap_or_default(),
                receipt: m.receipt_handle.unwrap_or_default(),
                body: m.body.unwrap_or_default(),
            })
            .collect())
    }

    async fn ack(&self, queue: &str, receipt: &str) -> Result<(), QueueError> {
        check_queue(queue)?;
        self.client
            .delete_message()
            .queue_url(self.url(queue).await?)
            .receipt_handle(receipt)
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }

    async fn retry_after(&self, queue: &str, receipt: &str, delay: Duration) -> Result<(), QueueError> {
        check_queue(queue)?;
        self.client
            .change_message_visibility()
            .queue_url(self.url(queue).await?)
            .receipt_handle(receipt)
            .visibility_timeout(delay.as_secs().min(43_200) as i32)
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }

    async fn dead_letters(&self, queue: &str, max: u32) -> Result<Vec<DeadLetter>, QueueError> {
        check_queue(queue)?;
        let dlq = self.dlq_url(queue).await?;
        let held = self.hold_dead(&dlq, max.min(MAX_DEAD_LETTERS), None).await?;
        self.release(&dlq, held.iter().map(|m| m.receipt.clone()).collect()).await?;
        Ok(held.into_iter().map(|m| DeadLetter { id: m.id, body: m.body }).collect())
    }

    async fn replay_dead_letters(&self, queue: &str, max: u32) -> Result<u32, QueueError> {
        check_queue(queue)?;
        let (dlq, target) = (self.dlq_url(queue).await?, self.url(queue).await?);
        let held = self.hold_dead(&dlq, max.min(MAX_DEAD_LETTERS), None).await?;
        let mut moved = 0;
        for chunk in held.chunks(MAX_BATCH) {
            // Send first, then delete: a crash in between duplicates, never loses.
            let bodies: Vec<String> = chunk.iter().map(|m| m.body.clone()).collect();
            let sent = self.send_batch_to(&target, &bodies).await?;
            let (done, failed): (Vec<_>, Vec<_>) = chunk.iter().zip(sent).partition(|(_, r)| r.is_ok());
            self.delete_batch(&dlq, done.iter().map(|(m, _)| m.receipt.clone()).collect()).await?;
            self.release(&dlq, failed.iter().map(|(m, _)| m.receipt.clone()).collect()).await?;
            moved += done.len() as u32;
        }
        Ok(moved)
    }

    async fn replay_dead_letter(&self, queue: &str, id: &str) -> Result<bool, QueueError> {
        check_queue(queue)?;
        let (dlq, target) = (self.dlq_url(queue).await?, self.url(queue).await?);
        let held = self.hold_dead(&dlq, MAX_DEAD_LETTERS, Some(id)).await?;
        let (found, others): (Vec<_>, Vec<_>) = held.into_iter().partition(|m| m.id == id);
        self.release(&dlq, others.into_iter().map(|m| m.receipt).collect()).await?;
        let Some(m) = found.into_iter().next() else { return Ok(false) };
        self.client.send_message().queue_url(&target).message_body(&m.body).send().await.map_err(sdk)?;
        self.delete_batch(&dlq, vec![m.receipt]).await?;
        Ok(true)
    }
}

/// How long a dead letter being listed or replayed stays hidden from another lister; it is
/// released (made visible again) as soon as the call is done.
const HOLD: i32 = 30;

impl SqsQueue {
    /// Receives up to `max` distinct messages of a dead-letter queue, hiding each for [`HOLD`]
    /// so the next receive returns others; stops early when `until` is among them.
    async fn hold_dead(&self, dlq: &str, max: u32, until: Option<&str>) -> Result<Vec<Received>, QueueError> {
        let mut held: Vec<Received> = Vec::new();
        while (held.len() as u32) < max {
            let out = self
                .client
                .receive_message()
                .queue_url(dlq)
                .max_number_of_messages((max - held.len() as u32).min(10) as i32)
                .visibility_timeout(HOLD)
                .send()
                .await
                .map_err(sdk)?;
            let messages = out.messages.unwrap_or_default();
            if messages.is_empty() {
                break;
            }
            for m in messages {
                let id = m.message_id.unwrap_or_default();
                if held.iter().any(|h| h.id == id) {
                    continue;
                }
                held.push(Received {
                    id,
                    receipt: m.receipt_handle.unwrap_or_default(),
                    body: m.body.unwrap_or_default(),
                    receive_count: 0,
                });
            }
            if until.is_some_and(|id| held.iter().any(|h| h.id == id)) {
                break;
            }
        }
        Ok(held)
    }

    /// Makes held messages visible again at once.
    async fn release(&self, url: &str, receipts: Vec<String>) -> Result<(), QueueError> {
        for chunk in receipts.chunks(MAX_BATCH) {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    ChangeMessageVisibilityBatchRequestEntry::builder()
                        .id(i.to_string())
                        .receipt_handle(r)
                        .visibility_timeout(0)
                        .build()
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| QueueError::Unavailable(format!("sqs: {e}")))?;
            self.client
                .change_message_visibility_batch()
                .queue_url(url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(sdk)?;
        }
        Ok(())
    }

    async fn delete_batch(&self, url: &str, receipts: Vec<String>) -> Result<(), QueueError> {
        for chunk in receipts.chunks(MAX_BATCH) {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(i, r)| DeleteMessageBatchRequestEntry::builder().id(i.to_string()).receipt_handle(r).build())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| QueueError::Unavailable(format!("sqs: {e}")))?;
            let out = self
                .client
                .delete_message_batch()
                .queue_url(url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(sdk)?;
            if let Some(f) = out.failed.first() {
                return Err(QueueError::Unavailable(format!(
                    "sqs: delete failed: {} {}",
                    f.code,
                    f.message.as_deref().unwrap_or("")
                )));
            }
        }
        Ok(())
    }

    async fn send_batch_to(&self, url: &str, bodies: &[String]) -> Result<Vec<Result<String, QueueError>>, QueueError> {
        let entries = bodies
            .iter()
            .enumerate()
            .map(|(i, b)| SendMessageBatchRequestEntry::builder().id(i.to_string()).message_body(b).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| QueueError::Unavailable(format!("sqs: {e}")))?;
        let out =
            self.client.send_message_batch().queue_url(url).set_entries(Some(entries)).send().await.map_err(sdk)?;
        let mut results: Vec<Result<String, QueueError>> =
            bodies.iter().map(|_| Err(QueueError::Unavailable("sqs: no answer for this entry".into()))).collect();
        for ok in out.successful {
            if let Some(slot) = ok.id.parse::<usize>().ok().and_then(|i| results.get_mut(i)) {
                *slot = Ok(ok.message_id);
            }
        }
        for failed in out.failed {
            if let Some(slot) = failed.id.parse::<usize>().ok().and_then(|i| results.get_mut(i)) {
                let why = format!("sqs: {} {}", failed.code, failed.message.unwrap_or_default());
                *slot = Err(QueueError::Unavailable(why));
            }
        }
        Ok(results)
    }
}

/// SQS delays count whole seconds: a delay is never cut short, so a part of a second counts as
/// one.
fn whole_seconds_up(delay: Duration) -> u64 {
    delay.as_secs() + u64::from(delay.subsec_nanos() > 0)
}

#[cfg(test)]
mod delay_tests {
    use super::*;

    #[test]
    fn delays_round_up_to_whole_seconds() {
        assert_eq!(whole_seconds_up(Duration::ZERO), 0);
        assert_eq!(whole_seconds_up(Duration::from_millis(400)), 1);
        assert_eq!(whole_seconds_up(Duration::from_millis(2000)), 2);
        assert_eq!(whole_seconds_up(Duration::from_millis(2001)), 3);
    }
}
