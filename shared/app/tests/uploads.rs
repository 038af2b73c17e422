//! Attachment uploads that are never confirmed, with a hand-driven clock, on the local
//! adapters (SQLite, files) and on the AWS ones against moto (DynamoDB, S3): after an hour the
//! confirmation is refused, after two the minute sweep removes the record and whatever bytes
//! were sent, confirmed files and younger uploads stay, and a pending upload moved by a merge
//! is still found.

mod common;

use std::sync::Arc;

use common::actor;
use kt_app::AppError;
use kt_app::identity::sessions::ClientInfo;
use kt_app::identity::tenancy;
use kt_app::tickets::attachments::{self, ABANDONED_AFTER_SECS, CONFIRM_WITHIN_SECS};
use kt_app::tickets::{self, NewTicket, links};
use kt_app::wiring::{Backend, Settings, wire_with_clock};
use kt_domain::ManualClock;
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_domain::ticket::{Attachment, Category, Priority, Ticket};
use time::macros::datetime;

struct World {
    _dir: tempfile::TempDir,
    app: kt_app::AppState,
    clock: Arc<ManualClock>,
    acme: Tenant,
    dana: Actor,
    pat: Actor,
}

impl World {
    async fn file(&self, subject: &str) -> Ticket {
        let input = NewTicket {
            org: None,
            subject: subject.into(),
            description: "See the attached file".into(),
            priority: Priority::Medium,
            category: Category::TechnicalSupport,
            tags: vec![],
        };
        tickets::create(&self.app, &self.dana, &self.acme, input, &ClientInfo::default()).await.expect("file")
    }

    async fn start(&self, t: &Ticket, name: &str, size: u64) -> Attachment {
        attachments::start_upload(&self.app, &self.dana, &self.acme, &t.id, name, "application/pdf", size)
            .await
            .expect("start upload")
            .0
    }

    /// What the browser does with the upload URL: the bytes land in blob storage.
    async fn send_bytes(&self, a: &Attachment) {
        self.app.blobs.put(&a.blob_key, vec![7u8; a.size as usize].into(), &a.content_type).await.expect("bytes");
    }

    async fn stored(&self, a: &Attachment) -> bool {
        self.app.blobs.head(&a.blob_key).await.expect("head").is_some()
    }

    async fn used(&self, t: &Ticket) -> u64 {
        kt_store::tickets::storage(self.app.store.as_ref(), &self.acme.id, &t.org).await.expect("storage").0
    }

    fn advance_secs(&self, s: i64) {
        self.clock.advance(time::Duration::seconds(s));
    }
}

async fn world(backend: Backend) -> World {
    let dir = tempfile::tempdir().expect("tmp");
    let mut settings = Settings::local(dir.path());
    if backend == Backend::Aws {
        let endpoint = std::env::var("MOTO_ENDPOINT")
            .expect("MOTO_ENDPOINT is not set: run through scripts/test, which starts the moto server");
        let run = ulid::Ulid::new().to_string().to_lowercase();
        settings.backend = Backend::Aws;
        settings.aws_endpoint = Some(endpoint);
        settings.table = format!("uploads-{run}");
        settings.bucket = format!("uploads-{run}");
        settings.queue_prefix = format!("uploads-{run}-");
        settings.jwt_secret = Some("uploads-test-jwt-secret-0123456789abcdef".into());
        settings.data_key = Some("uploads-test-data-key-0123456789abcdef".into());
    }
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-02 09:00 UTC)));
    let app = wire_with_clock(&settings, clock.clone()).await.expect("wire").state;
    kt_app::seed::demo(&app).await.expect("seed");
    let acme = tenancy::resolve_host(&app, "acme.localhost").await.expect("acme");
    let dana = actor(&app, "acme.localhost", "dana@globex.test").await;
    let pat = actor(&app, "acme.localhost", "pat@acme-agency.test").await;
    World { _dir: dir, app, clock, acme, dana, pat }
}

#[tokio::test]
async fn uploads_never_confirmed_are_refused_then_swept_with_their_bytes_local() {
    never_confirmed(Backend::Local).await;
}

#[tokio::test]
async fn uploads_never_confirmed_are_refused_then_swept_with_their_bytes_aws() {
    never_confirmed(Backend::Aws).await;
}

async fn never_confirmed(backend: Backend) {
    let w = world(backend).await;
    let t = w.file("Invoice layout").await;
    let before = w.used(&t).await;

    // Sent but never confirmed; and one confirmed at once.
    let abandoned = w.start(&t, "draft.pdf", 40).await;
    w.send_bytes(&abandoned).await;
    let kept = w.start(&t, "final.pdf", 30).await;
    w.send_bytes(&kept).await;
    attachments::complete(&w.app, &w.dana, &w.acme, &t.id, &kept.id).await.expect("confirm");
    assert_eq!(w.used(&t).await, before + 30);

    // Past the confirmation window: refused, and nothing counts.
    w.advance_secs(CONFIRM_WITHIN_SECS + 1);
    let late = attachments::complete(&w.app, &w.dana, &w.acme, &t.id, &abandoned.id).await;
    assert!(matches!(late, Err(AppError::Conflict(_))), "{late:?}");
    assert_eq!(w.used(&t).await, before + 30);
    assert_eq!(attachments::sweep_abandoned(&w.app).await.expect("sweep"), 0, "not old enough to remove yet");
    assert!(w.stored(&abandoned).await);

    // Started later, nothing sent yet.
    let younger = w.start(&t, "notes.pdf", 10).await;

    w.advance_secs(ABANDONED_AFTER_SECS - CONFIRM_WITHIN_SECS);
    assert_eq!(attachments::sweep_abandoned(&w.app).await.expect("sweep"), 1);
    assert!(!w.stored(&abandoned).await, "the bytes of the abandoned upload are gone");
    let key = kt_store::tickets::attachment_key(&w.acme.id, &t.id, &abandoned.id);
    assert!(w.app.store.get(&key).await.expect("read").is_none(), "and so is its record");
    assert!(w.stored(&kept).await, "a confirmed file stays");
    let listed: Vec<String> = attachments::list(&w.app, &w.dana, &w.acme, &t.id)
        .await
        .expect("list")
        .into_iter()
        .map(|a| a.filename)
        .collect();
    assert_eq!(listed, ["final.pdf"]);
    assert_eq!(w.used(&t).await, before + 30, "the sweep changes no usage: pending uploads never counted");
    let younger_key = kt_store::tickets::attachment_key(&w.acme.id, &t.id, &younger.id);
    assert!(w.app.store.get(&younger_key).await.expect("read").is_some(), "a younger upload waits");

    // Again: nothing left of that age. Later the younger one goes too (no bytes to delete).
    assert_eq!(attachments::sweep_abandoned(&w.app).await.expect("sweep"), 0);
    w.advance_secs(CONFIRM_WITHIN_SECS + 1);
    assert_eq!(attachments::sweep_abandoned(&w.app).await.expect("sweep"), 1);
    assert!(w.app.store.get(&younger_key).await.expect("read").is_none());
}

#[tokio::test]
async fn a_pending_upload_moved_by_a_merge_is_still_swept() {
    let w = world(Backend::Local).await;
    let source = w.file("Logo broken").await;
    let target = w.file("Logo broken again").await;
    let pending = w.start(&source, "logo.pdf", 20).await;
    w.send_bytes(&pending).await;
    links::merge(&w.app, &w.pat, &w.acme, &source.id, target.id.as_str()).await.expect("merge");
    let moved = kt_store::tickets::attachment_key(&w.acme.id, &target.id, &pending.id);
    assert!(w.app.store.get(&moved).await.expect("read").is_some(), "the pending upload moved with the merge");

    w.advance_secs(ABANDONED_AFTER_SECS + 1);
    assert_eq!(attachments::sweep_abandoned(&w.app).await.expect("sweep"), 1);
    assert!(w.app.store.get(&moved).await.expect("read").is_none());
    assert!(!w.stored(&pending).await);
}
