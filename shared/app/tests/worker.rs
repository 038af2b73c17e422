//! The worker runtime and the outbox on the local adapters, with a controllable clock so
//! retries and backoff run without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use aws_lambda_events::sqs::{SqsEvent, SqsMessage};
use kt_app::outbox::{self, Relay};
use kt_app::worker::{Consumer, Dispatcher, HandlerError, backoff};
use kt_domain::{Clock, DomainEvent, ManualClock};
use kt_platform::Queue;
use kt_platform::queue::{LocalQueue, MAX_RECEIVES};
use kt_store::{Cond, Item, Key, Query, SqliteStore, Store, TxOp};
use serde_json::json;

struct Probe {
    failures_left: AtomicU32,
    always_fail: AtomicBool,
    handled: AtomicU32,
    attempts: AtomicU32,
}

impl Probe {
    fn new(failures: u32) -> Arc<Self> {
        Arc::new(Self {
            failures_left: AtomicU32::new(failures),
            always_fail: AtomicBool::new(false),
            handled: AtomicU32::new(0),
            attempts: AtomicU32::new(0),
        })
    }
}

#[async_trait]
impl Consumer for Probe {
    fn name(&self) -> &'static str {
        "probe"
    }

    fn wants(&self, kind: &str) -> bool {
        kind.starts_with("test.")
    }

    async fn handle(&self, _event: &DomainEvent) -> Result<(), HandlerError> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        if self.always_fail.load(Ordering::SeqCst) {
            return Err(HandlerError("poison".into()));
        }
        if self.failures_left.load(Ordering::SeqCst) > 0 {
            self.failures_left.fetch_sub(1, Ordering::SeqCst);
            return Err(HandlerError("transient".into()));
        }
        self.handled.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

struct World {
    _dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    store: Arc<dyn Store>,
    queue: Arc<LocalQueue>,
}

fn world() -> World {
    let dir = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(ManualClock::starting_now());
    let store = Arc::new(SqliteStore::open(dir.path().join("p.db"), clock.clone()).expect("store"));
    let queue = Arc::new(LocalQueue::open(dir.path().join("q.db"), clock.clone(), MAX_RECEIVES).expect("queue"));
    World { _dir: dir, clock, store, queue }
}

fn event(kind: &str, clock: &dyn Clock) -> DomainEvent {
    DomainEvent::new(ulid::Ulid::new(), kind, Some("acme".into()), clock.now(), json!({"n": 1}))
}

fn dispatcher(w: &World, probe: &Arc<Probe>) -> Dispatcher {
    Dispatcher::new("events", w.store.clone(), w.clock.clone(), vec![probe.clone() as Arc<dyn Consumer>])
}

const NO_WAIT: Duration = Duration::ZERO;

#[tokio::test]
async fn a_consumer_that_fails_its_first_attempt_gets_the_event_again() {
    let w = world();
    let probe = Probe::new(1);
    let d = dispatcher(&w, &probe);
    let e = event("test.flaky", w.clock.as_ref());
    w.queue.send("events", &serde_json::to_string(&e).expect("json"), Duration::ZERO).await.expect("send");
    assert_eq!(d.poll_once(w.queue.as_ref(), NO_WAIT).await.expect("poll"), 1);
    assert_eq!(probe.handled.load(Ordering::SeqCst), 0);
    // Backing off: not redelivered until the backoff passes.
    assert_eq!(d.poll_once(w.queue.as_ref(), NO_WAIT).await.expect("poll"), 0);
    w.clock.advance(time::Duration::try_from(backoff(1)).expect("duration") + time::Duration::seconds(1));
    assert_eq!(d.poll_once(w.queue.as_ref(), NO_WAIT).await.expect("poll"), 1);
    assert_eq!((probe.attempts.load(Ordering::SeqCst), probe.handled.load(Ordering::SeqCst)), (2, 1));
    w.clock.advance(time::Duration::hours(1));
    assert_eq!(d.poll_once(w.queue.as_ref(), NO_WAIT).await.expect("poll"), 0, "acked after success");
}

#[tokio::test]
async fn a_poison_event_lands_in_the_dead_letter_queue_and_can_be_replayed() {
    let w = world();
    let probe = Probe::new(0);
    probe.always_fail.store(true, Ordering::SeqCst);
    let d = dispatcher(&w, &probe);
    let e = event("test.poison", w.clock.as_ref());
    w.queue.send("events", &serde_json::to_string(&e).expect("json"), Duration::ZERO).await.expect("send");
    for _ in 0..MAX_RECEIVES + 1 {
        d.poll_once(w.queue.as_ref(), NO_WAIT).await.expect("poll");
        w.clock.advance(time::Duration::minutes(10));
    }
    assert_eq!(probe.attempts.load(Ordering::SeqCst), MAX_RECEIVES);
    let dead = w.queue.dead_letters("events", 10).await.expect("dlq");
    assert_eq!(dead.len(), 1);
    assert_eq!(serde_json::from_str::<DomainEvent>(&dead[0].body).expect("event").id, e.id);
    // The bug is fixed; replay delivers it once more and it is handled.
    probe.always_fail.store(false, Ordering::SeqCst);
    assert_eq!(w.queue.replay_dead_letters("events", 10).await.expect("replay"), 1);
    assert_eq!(d.poll_once(w.queue.as_ref(), NO_WAIT).await.expect("poll"), 1);
    assert_eq!(probe.handled.load(Ordering::SeqCst), 1);
    assert!(w.queue.dead_letters("events", 10).await.expect("dlq").is_empty());
}

#[tokio::test]
async fn a_duplicate_delivery_is_processed_once() {
    let w = world();
    let probe = Probe::new(0);
    let d = dispatcher(&w, &probe);
    let body = serde_json::to_string(&event("test.dup", w.clock.as_ref())).expect("json");
    w.queue.send("events", &body, Duration::ZERO).await.expect("send");
    w.queue.send("events", &body, Duration::ZERO).await.expect("send again");
    assert_eq!(d.poll_once(w.queue.as_ref(), NO_WAIT).await.expect("poll"), 2);
    assert_eq!(probe.handled.load(Ordering::SeqCst), 1);
    // A redelivery days later is still recognised.
    w.clock.advance(time::Duration::days(2));
    w.queue.send("events", &body, Duration::ZERO).await.expect("send a third time");
    d.poll_once(w.queue.as_ref(), NO_WAIT).await.expect("poll");
    assert_eq!(probe.handled.load(Ordering::SeqCst), 1);
    // Events nobody wants are acknowledged without a handler.
    w.queue
        .send("events", &serde_json::to_string(&event("other.kind", w.clock.as_ref())).expect("json"), Duration::ZERO)
        .await
        .expect("send");
    d.poll_once(w.queue.as_ref(), NO_WAIT).await.expect("poll");
    w.clock.advance(time::Duration::hours(1));
    assert_eq!(d.poll_once(w.queue.as_ref(), NO_WAIT).await.expect("poll"), 0);
}

#[tokio::test]
async fn events_commit_with_the_change_and_the_relay_delivers_them() {
    let w = world();
    let change =
        TxOp::Put { item: Item::new(Key::new("T#acme#TICKET#1", "META"), Default::default()), cond: Cond::NotExists };
    let e = event("test.created", w.clock.as_ref());
    outbox::commit(w.store.as_ref(), vec![change.clone()], vec![("events", e.clone())]).await.expect("commit");
    // The same change again fails its condition: neither it nor its event is written.
    let e2 = event("test.created", w.clock.as_ref());
    assert!(outbox::commit(w.store.as_ref(), vec![change], vec![("events", e2)]).await.is_err());
    let relay = Relay::new(w.store.clone(), w.queue.clone());
    assert_eq!(relay.relay_pending(100).await.expect("relay"), 1);
    assert_eq!(relay.relay_pending(100).await.expect("relay"), 0, "relayed items are removed");
    for shard in 0..outbox::SHARDS {
        assert_eq!(w.store.query(Query::table(format!("OUTBOX#{shard}")).count()).await.expect("count").count, 0);
    }
    let got = w.queue.receive("events", 10, Duration::from_secs(30), NO_WAIT).await.expect("receive");
    assert_eq!(got.len(), 1);
    assert_eq!(serde_json::from_str::<DomainEvent>(&got[0].body).expect("event"), e);
}

#[tokio::test]
async fn lambda_batches_report_only_the_failed_messages() {
    let w = world();
    let probe = Probe::new(0);
    let d = dispatcher(&w, &probe);
    let record =
        |id: &str, body: String| SqsMessage { message_id: Some(id.into()), body: Some(body), ..Default::default() };
    let batch = SqsEvent {
        records: vec![
            record("m1", serde_json::to_string(&event("test.a", w.clock.as_ref())).expect("json")),
            record("m2", "not an event".into()),
            record("m3", serde_json::to_string(&event("test.b", w.clock.as_ref())).expect("json")),
        ],
    };
    let response = d.handle_sqs_batch(batch).await;
    let failed: Vec<&str> = response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
    assert_eq!(failed, vec!["m2"]);
    assert_eq!(probe.handled.load(Ordering::SeqCst), 2);
}

/// Enters its first handling and never leaves it (the process is killed there); handles the
/// event normally afterwards.
struct Stall {
    entered: AtomicU32,
    handled: AtomicU32,
}

#[async_trait]
impl Consumer for Stall {
    fn name(&self) -> &'static str {
        "stall"
    }

    fn wants(&self, kind: &str) -> bool {
        kind.starts_with("test.")
    }

    async fn handle(&self, _event: &DomainEvent) -> Result<(), HandlerError> {
        if self.entered.fetch_add(1, Ordering::SeqCst) == 0 {
            std::future::pending::<()>().await;
        }
        self.handled.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// Starts handling the one queued event, and kills the handling once the consumer is in it
/// (its claim written, the message neither acknowledged nor released).
async fn kill_mid_message(d: &Dispatcher, queue: Arc<dyn Queue>, stall: &Stall) {
    let handling = {
        let d = d.clone();
        tokio::spawn(async move { d.poll_once(queue.as_ref(), Duration::from_secs(2)).await })
    };
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while stall.entered.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(stall.entered.load(Ordering::SeqCst), 1, "the handling started");
    handling.abort();
    let _ = handling.await;
}

#[tokio::test]
async fn a_handling_killed_mid_message_is_done_after_restart_exactly_once_on_the_local_queue() {
    let w = world();
    let stall = Arc::new(Stall { entered: AtomicU32::new(0), handled: AtomicU32::new(0) });
    let d = Dispatcher::new("events", w.store.clone(), w.clock.clone(), vec![stall.clone() as Arc<dyn Consumer>])
        .with_timing(Duration::from_secs(30), Duration::from_secs(60));
    let body = serde_json::to_string(&event("test.killed", w.clock.as_ref())).expect("json");
    w.queue.send("events", &body, Duration::ZERO).await.expect("send");
    kill_mid_message(&d, w.queue.clone(), &stall).await;

    // Restarted: the message is invisible until its visibility timeout passes...
    assert_eq!(d.poll_once(w.queue.as_ref(), Duration::ZERO).await.expect("poll"), 0);
    w.clock.advance(time::Duration::seconds(61));
    // ...then the stale claim has expired (the lease is shorter) and the event is handled.
    assert_eq!(d.poll_once(w.queue.as_ref(), Duration::ZERO).await.expect("poll"), 1);
    assert_eq!(stall.handled.load(Ordering::SeqCst), 1);
    w.clock.advance(time::Duration::hours(1));
    assert_eq!(d.poll_once(w.queue.as_ref(), Duration::ZERO).await.expect("poll"), 0, "acknowledged once");
    assert_eq!(stall.handled.load(Ordering::SeqCst), 1, "exactly once");
    assert!(w.queue.dead_letters("events", 10).await.expect("dlq").is_empty(), "never dead-lettered");
}

#[tokio::test]
async fn a_handling_killed_mid_message_is_done_after_restart_exactly_once_on_sqs() {
    let endpoint = std::env::var("MOTO_ENDPOINT")
        .expect("MOTO_ENDPOINT is not set: run through scripts/test, which starts the moto server");
    let sdk = kt_platform::aws::emulator_config(&endpoint).await;
    let prefix = format!("kill-{}-", ulid::Ulid::new().to_string().to_lowercase());
    let sqs = kt_platform::queue::SqsQueue::new(&sdk, prefix);
    sqs.ensure_queues(MAX_RECEIVES).await.expect("queues");
    let queue: Arc<dyn Queue> = Arc::new(sqs);
    let dir = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(kt_domain::SystemClock);
    let store = Arc::new(SqliteStore::open(dir.path().join("p.db"), clock.clone()).expect("store"));
    let stall = Arc::new(Stall { entered: AtomicU32::new(0), handled: AtomicU32::new(0) });
    let d = Dispatcher::new("events", store, clock.clone(), vec![stall.clone() as Arc<dyn Consumer>])
        .with_timing(Duration::from_secs(1), Duration::from_secs(3));
    let body = serde_json::to_string(&event("test.killed", clock.as_ref())).expect("json");
    queue.send("events", &body, Duration::ZERO).await.expect("send");
    kill_mid_message(&d, queue.clone(), &stall).await;

    assert_eq!(d.poll_once(queue.as_ref(), Duration::ZERO).await.expect("poll"), 0, "still invisible");
    tokio::time::sleep(Duration::from_millis(3200)).await;
    assert_eq!(d.poll_once(queue.as_ref(), Duration::from_secs(3)).await.expect("poll"), 1);
    assert_eq!(stall.handled.load(Ordering::SeqCst), 1);
    tokio::time::sleep(Duration::from_millis(3200)).await;
    assert_eq!(d.poll_once(queue.as_ref(), Duration::from_secs(1)).await.expect("poll"), 0, "deleted once handled");
    assert_eq!(stall.handled.load(Ordering::SeqCst), 1, "exactly once");
}
