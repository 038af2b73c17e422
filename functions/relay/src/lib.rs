//! The outbox relay on AWS: the table's stream, filtered to new `OUTBOX#` items, invokes this
//! function; the batch's entries go to their queues ten to a SendMessageBatch and the outbox
//! items are deleted in batches. The first record that fails is reported by sequence number so
//! Lambda retries from there.

use aws_lambda_events::dynamodb::Event;
use aws_lambda_events::streams::DynamoDbEventResponse;
use kt_app::outbox::{OutboxEntry, PREFIX, Relay};
use kt_store::Key;
use serde::Deserialize;

/// The stream image of an outbox item.
#[derive(Deserialize)]
struct OutboxImage {
    pk: String,
    sk: String,
    #[serde(flatten)]
    entry: OutboxEntry,
}

pub async fn handle(relay: &Relay, event: Event) -> DynamoDbEventResponse {
    // Every outbox insert of the batch, with its sequence number; an unreadable image fails
    // at its place.
    let mut entries = Vec::new();
    let mut sequences = Vec::new();
    let mut first_failure: Option<usize> = None;
    for record in event.records {
        if record.event_name != "INSERT" {
            continue;
        }
        let sequence = record.change.sequence_number.clone().unwrap_or_default();
        match serde_dynamo::from_item::<_, OutboxImage>(record.change.new_image) {
            Ok(img) if img.pk.starts_with(PREFIX) => {
                entries.push((Key::new(img.pk, img.sk), img.entry));
                sequences.push(sequence);
            }
            Ok(_) => continue,
            Err(e) => {
                tracing::error!(error = %e, %sequence, "unreadable outbox image");
                first_failure.get_or_insert(entries.len());
                sequences.push(sequence);
                break;
            }
        }
    }
    let outcomes = relay.relay_all(&entries).await;
    if let Some((i, Err(error))) = outcomes.iter().enumerate().find(|(_, o)| o.is_err()) {
        tracing::error!(%error, sequence = %sequences[i], "outbox record not relayed");
        first_failure = Some(first_failure.map_or(i, |f| f.min(i)));
    }
    // Lambda retries from the first failure: later records are sent again, and consumers
    // deduplicate them.
    response(first_failure.map(|i| sequences[i].clone()))
}

/// Built through serde: the type's optional catch-all field depends on crate features.
fn response(failed: Option<String>) -> DynamoDbEventResponse {
    let failures: Vec<serde_json::Value> =
        failed.into_iter().map(|id| serde_json::json!({"itemIdentifier": id})).collect();
    serde_json::from_value(serde_json::json!({"batchItemFailures": failures}))
        .unwrap_or_else(|_| unreachable!("a literal response always deserialises"))
}
