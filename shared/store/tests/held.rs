//! Held notifications in the single table: held until their release, found by the sweep's due
//! index (sharded by person), released exactly once, and refused once their release went out;
//! the decision log newest first. On SQLite always, and on DynamoDB (moto) under scripts/test.

mod common;

use std::sync::Arc;

use kt_domain::identity::{TenantId, UserId};
use kt_domain::notification::Kind;
use kt_domain::notification::preferences::{Channel, Decision, Delivery, Hold, Setting, Source};
use kt_store::Store;
use kt_store::held::{self, Held, Logged};
use time::OffsetDateTime;
use time::macros::datetime;

fn held(id: &str, at: OffsetDateTime) -> Held {
    Held {
        id: id.into(),
        kind: Kind::TicketReply,
        title: format!("Reply {id}"),
        body: "On it.".into(),
        link: "/tickets/x/y".into(),
        channels: vec![Channel::Email],
        hold: Hold::Digest(Delivery::Daily),
        created_at: at,
    }
}

async fn releases(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let tenant = TenantId::new(ulid::Ulid::new());
    let (a, b) = (UserId::new(ulid::Ulid::new()), UserId::new(ulid::Ulid::new()));
    let release = datetime!(2026-12-09 08:00 UTC);
    let later = datetime!(2026-12-10 08:00 UTC);
    // Start the sweep's cursor before the first release (as a sweep an hour earlier would).
    held::set_cursor(s, release.unix_timestamp() - 3600).await.expect("cursor");
    for (user, id, at) in [(&a, "n1", release), (&a, "n2", release), (&b, "n3", release), (&a, "n4", later)] {
        let ops = held::hold_ops(&tenant, user, at, &held(id, datetime!(2026-12-08 10:00 UTC))).expect("ops");
        s.transact(ops).await.expect("held");
    }
    // The same notification twice is refused (once-only holds).
    let again = held::hold_ops(&tenant, &a, release, &held("n1", datetime!(2026-12-08 10:00 UTC))).unwrap();
    assert!(s.transact(again).await.unwrap_err().is_conflict());

    // Before the release: nothing due. At it: one entry per person, not per notification.
    let (due, _) = held::due(s, release - time::Duration::seconds(1)).await.expect("due");
    assert!(due.iter().all(|r| r.tenant != tenant), "{due:?}");
    let (due, hour) = held::due(s, release).await.expect("due");
    let mine: Vec<_> = due.iter().filter(|r| r.tenant == tenant).collect();
    assert_eq!(mine.len(), 2, "{mine:?}");
    let ra = mine.iter().find(|r| r.user == a).expect("a's release");
    let items = held::at_release(s, &tenant, &a, release).await.expect("items");
    assert_eq!(items.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["n1", "n2"], "only this release's");

    // Released once: the second attempt conflicts on the sent marker.
    s.transact(held::released_ops(ra)).await.expect("released");
    assert!(s.transact(held::released_ops(ra)).await.unwrap_err().is_conflict());
    // A hold for a release already sent is refused: the caller delivers at once instead.
    let late = held::hold_ops(&tenant, &a, release, &held("n5", datetime!(2026-12-09 07:59 UTC))).unwrap();
    assert!(s.transact(late).await.unwrap_err().is_conflict());
    held::set_cursor(s, hour).await.expect("cursor");
    let (due, _) = held::due(s, release + time::Duration::minutes(1)).await.expect("due");
    assert_eq!(due.iter().filter(|r| r.tenant == tenant).count(), 1, "a's entry is gone, b's remains");
    let (due, _) = held::due(s, later).await.expect("due");
    assert!(due.iter().any(|r| r.tenant == tenant && r.user == a && r.at == later));

    // The decision log, newest first, paged.
    let decision = Decision {
        kind: Kind::TicketReply,
        source: Source::Platform,
        setting: Setting::platform_default(Kind::TicketReply),
        channels: vec![],
    };
    for (i, at) in [datetime!(2026-12-08 10:00 UTC), datetime!(2026-12-08 11:00 UTC), datetime!(2026-12-08 12:00 UTC)]
        .into_iter()
        .enumerate()
    {
        let entry = Logged {
            id: format!("d{i}"),
            title: format!("t{i}"),
            link: "/".into(),
            created_at: at,
            decision: decision.clone(),
        };
        s.transact(vec![held::log_op(&tenant, &a, &entry).unwrap()]).await.expect("logged");
    }
    let (page, next) = held::log(s, &tenant, &a, 2, None).await.expect("log");
    assert_eq!(page.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["d2", "d1"]);
    let (rest, _) = held::log(s, &tenant, &a, 2, next).await.expect("log");
    assert_eq!(rest.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["d0"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_holds_release_once() {
    let (store, _dir) = common::sqlite();
    releases(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_holds_release_once() {
    releases(common::dynamodb("held").await).await;
}
