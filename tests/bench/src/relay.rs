//! The outbox relay's throughput: entries written as commits write them (spread over the
//! outbox's shards), then relayed to their queue until none is left, each relay call reading
//! every shard at once and sending in batches of 10 (deleting what was sent in batches too).

use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use kt_app::outbox::{self, Relay, SHARDS};
use kt_app::wiring::{Backend, wire};
use kt_domain::DomainEvent;
use kt_store::TxOp;
use serde_json::json;

use crate::{app_err, bench_settings};

/// Entries a relay call reads per shard (what the local host's poller uses).
const PER_SHARD: u32 = 100;

pub async fn run(backend: Backend, entries: usize) -> anyhow::Result<()> {
    let (settings, dir, label) = bench_settings(backend)?;
    let app = wire(&settings).await.map_err(app_err)?.state;

    let now = app.clock.now();
    let mut ops: Vec<TxOp> = Vec::new();
    for i in 0..entries {
        let payload =
            json!({ "ticket": ulid::Ulid::new().to_string(), "number": 1000 + i, "subject": "Printer on fire" });
        let event = DomainEvent::new(ulid::Ulid::new(), "ticket.created", Some("bench".into()), now, payload);
        ops.push(outbox::record("events", event).map_err(app_err)?);
        if ops.len() == 25 || i + 1 == entries {
            app.store.transact(std::mem::take(&mut ops)).await?;
        }
    }

    let relay = Relay::new(app.store.clone(), app.queue.clone());
    let mut calls = Histogram::<u64>::new(3)?;
    let mut relayed = 0;
    let start = Instant::now();
    loop {
        let t = Instant::now();
        let n = relay.relay_pending(PER_SHARD).await.map_err(app_err)?;
        if n == 0 {
            break;
        }
        calls.record(t.elapsed().as_micros().max(1) as u64)?;
        relayed += n;
    }
    let elapsed = start.elapsed().max(Duration::from_micros(1));
    anyhow::ensure!(relayed == entries, "relayed {relayed} of {entries}");

    println!("\nOutbox relay on {label}: {entries} entries over {SHARDS} shards, {PER_SHARD} per shard per call");
    println!("{:<34} {:>10}", "entries relayed per second", format!("{:.0}", relayed as f64 / elapsed.as_secs_f64()));
    println!("{:<34} {:>10}", "relay calls", calls.len());
    for (name, q) in [("call p50 ms", 0.5), ("call p95 ms", 0.95)] {
        println!("{:<34} {:>10.1}", name, calls.value_at_quantile(q) as f64 / 1000.0);
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
