//! Replays the sample stream event through the relay on the local adapters.

use std::time::Duration;

use kt_app::outbox::Relay;
use kt_app::wiring::{Settings, wire};
use kt_domain::DomainEvent;
use kt_store::{Cond, Item, Key};

#[tokio::test]
async fn outbox_inserts_reach_their_queue_and_broken_ones_are_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = wire(&Settings::local(dir.path())).await.expect("wire").state;
    let key = Key::new("OUTBOX#1", "01KB0000000000000000000001");
    state.store.put(Item::new(key.clone(), Default::default()), Cond::None).await.expect("seed outbox item");

    let raw =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../events/relay/stream.json")).expect("event");
    let event: aws_lambda_events::dynamodb::Event = serde_json::from_str(&raw).expect("stream event parses");
    let relay = Relay::new(state.store.clone(), state.queue.clone());
    let response = kt_fn_relay::handle(&relay, event).await;

    let failed: Vec<Option<String>> = response.batch_item_failures.iter().map(|f| f.item_identifier.clone()).collect();
    assert_eq!(failed, vec![Some("222".to_owned())]);
    let got = state.queue.receive("email", 10, Duration::from_secs(30), Duration::ZERO).await.expect("receive");
    assert_eq!(got.len(), 1);
    let delivered: DomainEvent = serde_json::from_str(&got[0].body).expect("event");
    assert_eq!((delivered.kind.as_str(), delivered.payload["subject"].as_str()), ("mail.requested", Some("Welcome")));
    assert_eq!(state.store.get(&key).await.expect("get"), None, "relayed outbox item deleted");
}
