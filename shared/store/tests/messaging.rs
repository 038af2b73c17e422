//! Conversations in the single table: places taken once each under concurrency, history pages
//! from any place both ways, a pair's one direct conversation, members' conversations by recent
//! activity and their unread total. On SQLite always, and on DynamoDB (moto) under scripts/test.

use std::collections::BTreeSet;
use std::sync::Arc;

use kt_domain::SystemClock;
use kt_domain::identity::{TenantId, UserId};
use kt_domain::messaging::{Conversation, Kind, Membership, Message, direct_key};
use kt_store::messaging::{self as msg, From};
use kt_store::{Cond, SqliteStore, Store, StoreError};
use time::OffsetDateTime;
use time::macros::datetime;

fn message(conversation: &str, seq: u64, author: &UserId) -> Message {
    Message::new(conversation, seq, author.clone(), format!("message {seq}"), datetime!(2026-12-04 10:00 UTC))
}

fn standing(
    tenant: &TenantId,
    user: &UserId,
    conversation: &str,
    read: u64,
    last: u64,
    at: OffsetDateTime,
) -> Membership {
    Membership {
        tenant: tenant.clone(),
        user: user.clone(),
        conversation: conversation.to_owned(),
        last_read_seq: read,
        last_seq: last,
        last_message_at: Some(at),
        muted: false,
    }
}

async fn conversations(store: Arc<dyn Store>) {
    let tenant = TenantId::new(ulid::Ulid::new());
    let (a, b) = (UserId::new(ulid::Ulid::new()), UserId::new(ulid::Ulid::new()));
    let conv = ulid::Ulid::new().to_string();
    let c = Conversation {
        id: conv.clone(),
        tenant: tenant.clone(),
        kind: Kind::Direct,
        name: None,
        org: None,
        members: vec![a.clone(), b.clone()],
        created_by: a.clone(),
        created_at: datetime!(2026-12-04 09:00 UTC),
    };
    // One direct conversation per pair, whichever of the two starts it.
    let pair = direct_key(&a, &b);
    store
        .transact(vec![
            kt_store::TxOp::Put { item: msg::conversation_item(&c, 1).expect("item"), cond: Cond::NotExists },
            msg::direct_op(&tenant, &pair, &conv),
        ])
        .await
        .expect("start");
    let again = store.transact(vec![msg::direct_op(&tenant, &direct_key(&b, &a), "other")]).await;
    assert!(matches!(again, Err(StoreError::Conflict { .. })), "{again:?}");
    assert_eq!(msg::direct(store.as_ref(), &tenant, &pair).await.expect("read"), Some(conv.clone()));

    // 60 writers race for places: 1..=60, each once.
    let takes = (0..60).map(|_| {
        let (store, tenant, conv, a) = (store.clone(), tenant.clone(), conv.clone(), a.clone());
        tokio::spawn(async move {
            let seq = msg::next_seq(store.as_ref(), &tenant, &conv).await.expect("seq");
            let item = msg::message_item(&tenant, &message(&conv, seq, &a), 1).expect("item");
            store.put(item, Cond::NotExists).await.expect("written once");
            seq
        })
    });
    let seqs: BTreeSet<u64> = futures::future::join_all(takes).await.into_iter().map(|r| r.expect("join")).collect();
    assert_eq!(seqs, (1..=60).collect::<BTreeSet<_>>());
    assert_eq!(msg::current_seq(store.as_ref(), &tenant, &conv).await.expect("seq"), 60);

    // History from any place, either way.
    let (latest, more) = msg::history(store.as_ref(), &tenant, &conv, From::Latest, 10).await.expect("latest");
    assert_eq!(latest.iter().map(|m| m.value.seq).collect::<Vec<_>>(), (51..=60).rev().collect::<Vec<_>>());
    assert!(more);
    let (before, _) = msg::history(store.as_ref(), &tenant, &conv, From::Before(5), 10).await.expect("before");
    assert_eq!(before.iter().map(|m| m.value.seq).collect::<Vec<_>>(), [4, 3, 2, 1]);
    let (after, more) = msg::history(store.as_ref(), &tenant, &conv, From::After(55), 10).await.expect("after");
    assert_eq!(after.iter().map(|m| m.value.seq).collect::<Vec<_>>(), [56, 57, 58, 59, 60]);
    assert!(!more, "nothing after the newest");
    assert_eq!(
        msg::message(store.as_ref(), &tenant, &conv, 42).await.expect("get").expect("42").value.body,
        "message 42"
    );

    // A member's conversations by recent activity, and the unread total.
    let others: Vec<String> = (0..3).map(|_| ulid::Ulid::new().to_string()).collect();
    let rows = [
        standing(&tenant, &a, &conv, 50, 60, datetime!(2026-12-04 10:00 UTC)),
        standing(&tenant, &a, &others[0], 3, 3, datetime!(2026-12-04 12:00 UTC)),
        standing(&tenant, &a, &others[1], 0, 7, datetime!(2026-12-04 08:00 UTC)),
        standing(&tenant, &b, &others[2], 0, 99, datetime!(2026-12-04 13:00 UTC)),
    ];
    for m in &rows {
        store.put(msg::membership_item(m, 1).expect("item"), Cond::NotExists).await.expect("put");
    }
    let mine = msg::memberships(store.as_ref(), &tenant, &a).await.expect("memberships");
    assert_eq!(mine.iter().map(|m| m.value.unread()).sum::<u64>(), 10 + 7);
    let (inbox, _) = msg::inbox(store.as_ref(), &tenant, &a, 10, None).await.expect("inbox");
    let order: Vec<&str> = inbox.iter().map(|m| m.value.conversation.as_str()).collect();
    assert_eq!(order, [others[0].as_str(), conv.as_str(), others[1].as_str()], "most recent first, only a's");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_conversations_keep_places_pages_and_standings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path().join("portal.db"), Arc::new(SystemClock)).expect("open");
    conversations(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_conversations_keep_places_pages_and_standings() {
    let Ok(endpoint) = std::env::var("MOTO_ENDPOINT") else {
        panic!("MOTO_ENDPOINT is not set: run through scripts/test, which starts the moto server");
    };
    let creds = aws_sdk_dynamodb::config::Credentials::new("testing", "testing", None, None, "tests");
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(creds)
        .load()
        .await;
    let table = format!("messaging-{}", ulid::Ulid::new().to_string().to_lowercase());
    let store = kt_store::DynamoStore::new(aws_sdk_dynamodb::Client::new(&conf), table, Arc::new(SystemClock));
    store.ensure_table().await.expect("create table on moto");
    conversations(Arc::new(store)).await;
}
