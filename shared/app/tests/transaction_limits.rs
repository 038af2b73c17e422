//! DynamoDB's limits for a transaction (100 operations, 4 MB) hold by construction on the
//! paths that build the largest ones: a merge moving a conversation of the largest messages,
//! a change touching everything at once including both priorities' position trees, and a bulk
//! change of the most tickets a request may name. A store wrapper records every transaction
//! the app commits; the SQLite adapter refuses one over either limit, as DynamoDB would.

mod common;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use common::actor;
use kt_app::identity::tenancy;
use kt_app::tickets::bulk::{self, BulkChange, MAX_BULK};
use kt_app::tickets::{self, Change, NewTicket, conversation, links};
use kt_app::wiring::{Settings, wire};
use kt_app::{AppState, seed};
use kt_domain::identity::{Role, UserId};
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_domain::ticket::{Category, MAX_BODY_CHARS, Priority, Status, Ticket};
use kt_store::limits::{self, MAX_TRANSACT_BYTES, MAX_TRANSACT_OPS};
use kt_store::{Cond, Item, Key, Page, Query, Store, StoreError, TxOp, accounts};

/// The operation count and bytes of each transaction committed through it.
struct Recording {
    inner: Arc<dyn Store>,
    seen: Mutex<Vec<(usize, usize)>>,
}

impl Recording {
    fn take(&self) -> Vec<(usize, usize)> {
        std::mem::take(&mut *self.seen.lock().expect("lock"))
    }
}

#[async_trait]
impl Store for Recording {
    fn adapter(&self) -> &'static str {
        self.inner.adapter()
    }
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.inner.get(key).await
    }
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        self.inner.get_many(keys).await
    }
    async fn put(&self, item: Item, cond: Cond) -> Result<(), StoreError> {
        self.inner.put(item, cond).await
    }
    async fn delete(&self, key: &Key, cond: Cond) -> Result<(), StoreError> {
        self.inner.delete(key, cond).await
    }
    async fn delete_many(&self, keys: &[Key]) -> Result<(), StoreError> {
        self.inner.delete_many(keys).await
    }
    async fn query(&self, query: Query) -> Result<Page, StoreError> {
        self.inner.query(query).await
    }
    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError> {
        let figures = (ops.len(), ops.iter().map(limits::op_size).sum());
        let outcome = self.inner.transact(ops).await;
        if outcome.is_ok() {
            self.seen.lock().expect("lock").push(figures);
        }
        outcome
    }
    async fn increment(&self, key: &Key, field: &str, by: i64) -> Result<i64, StoreError> {
        self.inner.increment(key, field, by).await
    }
    async fn sweep_expired(&self) -> Result<u64, StoreError> {
        self.inner.sweep_expired().await
    }
}

struct World {
    _dir: tempfile::TempDir,
    app: AppState,
    recording: Arc<Recording>,
    acme: Tenant,
    pat: Actor,
    dana: Actor,
}

async fn world() -> World {
    let dir = tempfile::tempdir().expect("tmp");
    let mut app = wire(&Settings::local(dir.path())).await.expect("wire").state;
    seed::demo(&app).await.expect("seed");
    let recording = Arc::new(Recording { inner: app.store.clone(), seen: Mutex::default() });
    app.store = recording.clone();
    let acme = tenancy::resolve_host(&app, "acme.localhost").await.expect("acme");
    World {
        pat: actor(&app, "acme.localhost", "pat@acme-agency.test").await,
        dana: actor(&app, "acme.localhost", "dana@globex.test").await,
        _dir: dir,
        app,
        recording,
        acme,
    }
}

async fn file(w: &World, subject: &str, description: String) -> Ticket {
    let input = NewTicket {
        org: None,
        subject: subject.into(),
        description,
        priority: Priority::Low,
        category: Category::TechnicalSupport,
        tags: vec![],
    };
    tickets::create(&w.app, &w.dana, &w.acme, input, &Default::default()).await.expect(subject)
}

/// The largest of the recorded transactions, as (operations, bytes), after checking each.
fn largest(seen: &[(usize, usize)]) -> (usize, usize) {
    assert!(!seen.is_empty(), "transactions were recorded");
    for &(ops, bytes) in seen {
        assert!(ops <= MAX_TRANSACT_OPS && bytes <= MAX_TRANSACT_BYTES, "{ops} operations, {bytes} bytes");
    }
    (seen.iter().map(|s| s.0).max().unwrap_or(0), seen.iter().map(|s| s.1).max().unwrap_or(0))
}

/// The largest body a message may have, in bytes: every character three bytes of UTF-8, so
/// its Markdown and its HTML make an item of about 300 KB.
fn largest_body(i: usize) -> String {
    let mut body = format!("Reply {i}: ");
    body.extend(std::iter::repeat_n('€', MAX_BODY_CHARS - body.chars().count()));
    body
}

#[tokio::test]
async fn a_merge_moves_the_largest_messages_in_transactions_under_four_megabytes() {
    let w = world().await;
    let source = file(&w, "Large logs", largest_body(0)).await;
    let into = file(&w, "Same logs", "The same.".into()).await;
    let replies = 30;
    for i in 1..=replies {
        let input = conversation::NewMessage { body: largest_body(i), internal: false, status: None };
        conversation::reply(&w.app, &w.dana, &w.acme, &source.id, input).await.expect("reply");
    }
    w.recording.take();

    links::merge(&w.app, &w.pat, &w.acme, &source.id, into.id.as_str()).await.expect("merge");
    let seen = w.recording.take();
    let (_, bytes) = largest(&seen);
    let total: usize = seen.iter().map(|s| s.1).sum();
    assert!(total > 2 * MAX_TRANSACT_BYTES, "more than two transactions' worth moved: {total} bytes");
    assert!(bytes > MAX_TRANSACT_BYTES * 3 / 4, "each move filled its transaction: at most {bytes} bytes");

    let (moved, _) = conversation::messages(&w.app, &w.pat, &w.acme, &into.id, 100, None).await.expect("messages");
    assert_eq!(moved.len(), replies + 1, "the description and every reply reached the target");
    assert!(moved.iter().skip(1).all(|m| m.body.chars().count() == MAX_BODY_CHARS), "moved whole");
    let (left, _) = conversation::messages(&w.app, &w.pat, &w.acme, &source.id, 100, None).await.expect("messages");
    assert!(left.is_empty(), "nothing stays behind");
}

#[tokio::test]
async fn a_change_of_everything_at_once_stays_within_a_hundred_operations() {
    let w = world().await;
    let t = file(&w, "Everything changes", "At once.".into()).await;
    let number = t.queue.expect("waiting").number;
    let staff: Vec<UserId> = accounts::list_users(w.app.store.as_ref(), &w.acme.id, 100, None)
        .await
        .expect("users")
        .0
        .into_iter()
        .filter(|u| matches!(u.role, Role::Partner | Role::PartnerStaff))
        .map(|u| u.id)
        .collect();
    assert!(staff.len() >= 2, "the demo has partner staff on Acme");
    w.recording.take();

    // Leaves one priority's tree and enters the other's, with every other field changed too.
    let change = Change {
        subject: Some("Everything changed".into()),
        status: Some(Status::InProgress),
        priority: Some(Priority::Critical),
        category: Some(Category::Billing),
        assignee: Some(Some(staff[0].clone())),
        tags: Some((0..10).map(|i| format!("tag{i}")).collect()),
        watchers: Some(staff.clone()),
    };
    tickets::change(&w.app, &w.pat, &w.acme, &t.id, change, None).await.expect("change");
    let (ops, _) = largest(&w.recording.take());
    // Every queue number's tree path is one counter per level: any ticket writes as many.
    assert_eq!(kt_domain::queue::update_path(number, 0).len(), kt_domain::queue::LEVELS as usize);
    assert!(ops <= MAX_TRANSACT_OPS, "{ops} operations");
}

#[tokio::test]
async fn a_bulk_change_of_the_most_tickets_commits_each_within_the_limits() {
    let w = world().await;
    let mut ids = Vec::new();
    for i in 0..MAX_BULK {
        ids.push(file(&w, &format!("Bulk {i}"), "Many at once.".into()).await.id.to_string());
    }
    w.recording.take();
    let change = BulkChange { status: Some(Status::InProgress), priority: Some(Priority::Critical), assignee: None };
    let results = bulk::apply(&w.app, &w.pat, &w.acme, &ids, change).await.expect("bulk");
    assert_eq!(results.iter().filter(|r| r.outcome.is_ok()).count(), MAX_BULK, "every ticket changed");
    let seen = w.recording.take();
    assert_eq!(seen.len(), MAX_BULK, "one transaction per ticket");
    let (ops, bytes) = largest(&seen);
    assert!(ops <= MAX_TRANSACT_OPS && bytes < MAX_TRANSACT_BYTES);
}
