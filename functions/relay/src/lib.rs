//! The outbox relay on AWS: the table's stream, filtered to new `OUTBOX#` items, invokes this
//! function; each entry goes to its queue and the outbox item is deleted. Records that fail are
//! reported by sequence number so Lambda retries from there (and only there).

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
    let mut failed: Option<String> = None;
    for record in event.records {
        if record.event_name != "INSERT" {
            continue;
        }
        let image: Result<OutboxImage, _> = serde_dynamo::from_item(record.change.new_image);
        let outcome = match image {
            Ok(img) if img.pk.starts_with(PREFIX) => {
                relay.relay(&Key::new(img.pk, img.sk), &img.entry).await.map_err(|e| e.to_string())
            }
            Ok(_) => continue,
            Err(e) => Err(format!("unreadable outbox image: {e}")),
        };
        if let Err(error) = outcome {
            tracing::error!(%error, sequence = ?record.change.sequence_number, "outbox record not relayed");
            failed = Some(record.change.sequence_number.clone().unwrap_or_default());
            // Lambda retries from the first failure; later records would be relayed twice.
            break;
        }
    }
    response(failed)
}

/// Built through serde: the type's optional catch-all field depends on crate features.
fn response(failed: Option<String>) -> DynamoDbEventResponse {
    let failures: Vec<serde_json::Value> =
        failed.into_iter().map(|id| serde_json::json!({"itemIdentifier": id})).collect();
    serde_json::from_value(serde_json::json!({"batchItemFailures": failures}))
        .unwrap_or_else(|_| unreachable!("a literal response always deserialises"))
}
