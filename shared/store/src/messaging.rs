//! Conversations, their messages and their members' standing.
//!
//! * `T#<t>#CONV#<id>` / `CONV`: the conversation (kind, name, members); `SEQ` in
//!   the same partition: its message counter, taken with an atomic increment before a message
//!   is written (a message lost between the two leaves a gap in the places, never two
//!   messages in one).
//! * `T#<t>#CONV#<id>#MSG` / `<seq, 12 digits>`: its messages by place. History pages are key
//!   ranges from any place, either way, so a conversation of 100,000 messages pages as fast as
//!   one of 10. One partition per conversation, written at the pace people write (DynamoDB
//!   takes 1,000 writes a second per partition; a busy channel of 500 people stays far below);
//!   the members' standings are written by the events worker, one partition per member, so a
//!   message to a large channel spreads its fan-out writes over the members' partitions.
//! * `T#<t>#USER#<u>#CONVS` / `<conversation>`: a member's standing (read up to, last message);
//!   gsi1 `T#<t>#USER#<u>#INBOX` / `<last activity>#<conversation>` lists a person's
//!   conversations by recent activity. The unread total is one query of the member's partition.
//! * `T#<t>#DM#<a>#<b>` / `DM`: the direct conversation of two people (ids in order), written
//!   with it under `NotExists` so two people never get two.
//! * `CONV#<id>` / `HOME`: the tenant a conversation belongs to, for live subscriptions that
//!   name only the conversation (`conversation:<id>`).
//! * `T#<t>#CONV#<id>` / `FILE#<file>`: a file sent (or being sent) with a message; the due
//!   index [`FILE_SWEEP`] (`FILEDUE#<hour>#<shard>`, sharded by file) names when the sweep
//!   looks at it again (an upload never confirmed, a file never sent, a deleted message's file).
//! * `T#<t>#STORAGE` / `STORAGE`: the tenant's shared storage (`used`, `limit`), for files that
//!   belong to no client organization (an organization's is `T#<t>#ORG#<org>#STORAGE`).

use kt_domain::identity::{TenantId, UserId};
use kt_domain::messaging::{Conversation, File, Holder, Membership, Message};

use crate::due::DueIndex;
use crate::entity::{self, Versioned};
use crate::{Cond, Index, IndexKey, Item, Key, Query, SkCond, Store, StoreError, TxOp};

pub fn conversation_key(tenant: &TenantId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#CONV#{id}"), "CONV")
}

fn seq_key(tenant: &TenantId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#CONV#{id}"), "SEQ")
}

fn messages_partition(tenant: &TenantId, conversation: &str) -> String {
    format!("T#{tenant}#CONV#{conversation}#MSG")
}

fn place(seq: u64) -> String {
    format!("{seq:012}")
}

pub fn message_key(tenant: &TenantId, conversation: &str, seq: u64) -> Key {
    Key::new(messages_partition(tenant, conversation), place(seq))
}

fn memberships_partition(tenant: &TenantId, user: &UserId) -> String {
    format!("T#{tenant}#USER#{user}#CONVS")
}

fn inbox_partition(tenant: &TenantId, user: &UserId) -> String {
    format!("T#{tenant}#USER#{user}#INBOX")
}

pub fn membership_key(tenant: &TenantId, user: &UserId, conversation: &str) -> Key {
    Key::new(memberships_partition(tenant, user), conversation)
}

pub fn direct_key(tenant: &TenantId, pair: &str) -> Key {
    Key::new(format!("T#{tenant}#DM#{pair}"), "DM")
}

pub fn conversation_item(c: &Conversation, version: u64) -> Result<Item, StoreError> {
    entity::item(conversation_key(&c.tenant, &c.id), c, version)
}

pub fn message_item(tenant: &TenantId, m: &Message, version: u64) -> Result<Item, StoreError> {
    entity::item(message_key(tenant, &m.conversation, m.seq), m, version)
}

pub fn membership_item(m: &Membership, version: u64) -> Result<Item, StoreError> {
    let activity = m.last_message_at.map(kt_domain::clock::timestamp).unwrap_or_default();
    Ok(entity::item(membership_key(&m.tenant, &m.user, &m.conversation), m, version)?.with_index(
        Index::Gsi1,
        IndexKey::new(inbox_partition(&m.tenant, &m.user), format!("{activity}#{}", m.conversation)),
    ))
}

fn home_key(id: &str) -> Key {
    Key::new(format!("CONV#{id}"), "HOME")
}

/// Written with a new conversation: where to find it from its id alone.
pub fn home_op(c: &Conversation) -> TxOp {
    TxOp::Put { item: entity::pointer_item(home_key(&c.id), "tenant", c.tenant.as_str()), cond: Cond::NotExists }
}

/// The tenant conversation `id` belongs to.
pub async fn home(store: &dyn Store, id: &str) -> Result<Option<TenantId>, StoreError> {
    Ok(store.get(&home_key(id)).await?.and_then(|i| {
        i.attrs.get("tenant").and_then(|v| v.as_str()).and_then(|t| TenantId::try_from(t.to_owned()).ok())
    }))
}

/// The pointer that keeps two people to one direct conversation (`pair`:
/// [`kt_domain::messaging::direct_key`]).
pub fn direct_op(tenant: &TenantId, pair: &str, conversation: &str) -> TxOp {
    TxOp::Put {
        item: entity::pointer_item(direct_key(tenant, pair), "conversation", conversation),
        cond: Cond::NotExists,
    }
}

/// The direct conversation of a pair, if they have one.
pub async fn direct(store: &dyn Store, tenant: &TenantId, pair: &str) -> Result<Option<String>, StoreError> {
    Ok(store
        .get(&direct_key(tenant, pair))
        .await?
        .and_then(|i| i.attrs.get("conversation").and_then(|v| v.as_str()).map(str::to_owned)))
}

pub async fn conversation(
    store: &dyn Store,
    tenant: &TenantId,
    id: &str,
) -> Result<Option<Versioned<Conversation>>, StoreError> {
    entity::get(store, &conversation_key(tenant, id)).await
}

/// Takes the next place in conversation `id`.
pub async fn next_seq(store: &dyn Store, tenant: &TenantId, id: &str) -> Result<u64, StoreError> {
    let n = store.increment(&seq_key(tenant, id), "n", 1).await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The last place taken in conversation `id` (0: no message yet).
pub async fn current_seq(store: &dyn Store, tenant: &TenantId, id: &str) -> Result<u64, StoreError> {
    Ok(store.get(&seq_key(tenant, id)).await?.and_then(|i| i.attrs.get("n").and_then(|v| v.as_u64())).unwrap_or(0))
}

pub async fn message(
    store: &dyn Store,
    tenant: &TenantId,
    conversation: &str,
    seq: u64,
) -> Result<Option<Versioned<Message>>, StoreError> {
    entity::get(store, &message_key(tenant, conversation, seq)).await
}

/// Where a history page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum From {
    /// The newest messages.
    Latest,
    /// Messages before this place, newest first.
    Before(u64),
    /// Messages after this place, oldest first.
    After(u64),
}

/// Up to `limit` messages of a conversation from `from`, and whether more may follow that way
/// (`false`: the page reached the end; DynamoDB may say `true` for a page that ends exactly there).
pub async fn history(
    store: &dyn Store,
    tenant: &TenantId,
    conversation: &str,
    from: From,
    limit: u32,
) -> Result<(Vec<Versioned<Message>>, bool), StoreError> {
    let q = Query::partition(Index::Table, messages_partition(tenant, conversation));
    let q = match from {
        From::Latest => q.desc(),
        From::Before(seq) => q.sk(SkCond::Lt(place(seq))).desc(),
        From::After(seq) => q.sk(SkCond::Gt(place(seq))),
    };
    let page = store.query(q.limit(limit)).await?;
    let more = page.next_cursor.is_some();
    let items = page.items.into_iter().map(|i| Ok(Versioned { version: i.version, value: i.to_entity()? }));
    Ok((items.collect::<Result<_, StoreError>>()?, more))
}

pub async fn membership(
    store: &dyn Store,
    tenant: &TenantId,
    user: &UserId,
    conversation: &str,
) -> Result<Option<Versioned<Membership>>, StoreError> {
    entity::get(store, &membership_key(tenant, user, conversation)).await
}

/// Every conversation `user` is in (one query of the member's partition).
pub async fn memberships(
    store: &dyn Store,
    tenant: &TenantId,
    user: &UserId,
) -> Result<Vec<Versioned<Membership>>, StoreError> {
    let page = store.query(Query::partition(Index::Table, memberships_partition(tenant, user))).await?;
    page.items.into_iter().map(|i| Ok(Versioned { version: i.version, value: i.to_entity()? })).collect()
}

/// `(unread, muted)` of each of `user`'s conversations, read straight from the items' numbers
/// (the unread total reads every membership of a person: no entity is decoded for it).
pub async fn unread_counts(
    store: &dyn Store,
    tenant: &TenantId,
    user: &UserId,
) -> Result<Vec<(u64, bool)>, StoreError> {
    let page = store.query(Query::partition(Index::Table, memberships_partition(tenant, user))).await?;
    Ok(page
        .items
        .iter()
        .map(|i| {
            let n = |k: &str| i.attrs.get(k).and_then(serde_json::Value::as_u64).unwrap_or(0);
            let muted = i.attrs.get("muted").and_then(serde_json::Value::as_bool).unwrap_or(false);
            (n("last_seq").saturating_sub(n("last_read_seq")), muted)
        })
        .collect())
}

/// One page of `user`'s conversations, the most recently active first.
pub async fn inbox(
    store: &dyn Store,
    tenant: &TenantId,
    user: &UserId,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<Membership>>, Option<String>), StoreError> {
    let page = store
        .query(Query::partition(Index::Gsi1, inbox_partition(tenant, user)).desc().limit(limit).after(cursor))
        .await?;
    let items = page.items.into_iter().map(|i| Ok(Versioned { version: i.version, value: i.to_entity()? }));
    Ok((items.collect::<Result<_, StoreError>>()?, page.next_cursor))
}

pub fn file_key(tenant: &TenantId, conversation: &str, file: &str) -> Key {
    Key::new(format!("T#{tenant}#CONV#{conversation}"), format!("FILE#{file}"))
}

pub fn file_item(tenant: &TenantId, f: &File, version: u64) -> Result<Item, StoreError> {
    entity::item(file_key(tenant, &f.conversation, &f.id), f, version)
}

pub async fn file(
    store: &dyn Store,
    tenant: &TenantId,
    conversation: &str,
    id: &str,
) -> Result<Option<Versioned<File>>, StoreError> {
    entity::get(store, &file_key(tenant, conversation, id)).await
}

/// When the sweep looks at a conversation's file again (rest: `<tenant>#<conversation>#<file>`).
pub const FILE_SWEEP: DueIndex = DueIndex { prefix: "FILEDUE", shards: 8, legacy_bucket: false };

/// The sweep's entry for file `f` at `at`.
pub fn file_due_key(tenant: &TenantId, f: &File, at: time::OffsetDateTime) -> Key {
    FILE_SWEEP.key(at, &f.id, &format!("{tenant}#{}#{}", f.conversation, f.id))
}

/// The storage record of a holder.
pub fn storage_key(tenant: &TenantId, holder: &Holder) -> Key {
    match holder {
        Holder::Org(org) => crate::tickets::storage_key(tenant, org),
        Holder::Tenant => Key::new(format!("T#{tenant}#STORAGE"), "STORAGE"),
    }
}

/// Bytes a holder's files take, and the quota an admin set (`None`: the default).
pub async fn storage(store: &dyn Store, tenant: &TenantId, holder: &Holder) -> Result<(u64, Option<u64>), StoreError> {
    let Some(item) = store.get(&storage_key(tenant, holder)).await? else { return Ok((0, None)) };
    let used = item.attrs.get("used").and_then(serde_json::Value::as_u64).unwrap_or(0);
    let limit = item.attrs.get("limit").and_then(serde_json::Value::as_u64);
    Ok((used, limit))
}
