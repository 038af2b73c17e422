//! Tickets and the work queue.
//!
//! * `T#<t>#TICKET#<id>` / `TICKET`: the ticket; gsi1 `T#<t>#TICKETS` / id (the tenant's
//!   tickets, newest last), gsi2 `T#<t>#ORG#<org>#TICKETS` / id (an organization's), gsi3
//!   `QUEUE#<priority>` / `<queue number, zero-padded>#<org>#<category>#<a|u>` while it waits:
//!   the queue itself, across tenants, in order. gsi3 holds keys only ([`Index::keys_only`]):
//!   a reply to a waiting ticket does not copy it there; what the assignment walk matches rules
//!   on (tenant in the table key, organization, category, assigned or not) is in the keys, and
//!   listings read the tickets they show by their table keys ([`queue_page`]).
//! * `T#<t>#TICKETNO#<n>` / `TICKETNO`: number -> id, unique per tenant.
//! * `T#<t>#COUNTERS` / `TICKETS`: the tenant's ticket-number counter.
//! * `QUEUE#<priority>#CT#<level>#<index>#<copy>` / `CT`: one copy of one node of the
//!   priority's count tree ([`kt_domain::queue`]), its 64 counters in attributes `c0`..`c63`;
//!   each in its own partition, the busy upper nodes in [`queue::SHARDS`] copies.
//! * `TICKETREF#<id>` / `TICKETREF`: id -> tenant, for paths that name only the ticket
//!   (WebSocket topics, jump by id).
//! * `T#<t>#TICKET#<id>` / `MSG#<ulid>`: replies and internal notes, in order; `ACT#<ulid>`:
//!   the activity log; `TIME#<ulid>`: time entries; `ATT#<ulid>`: attachments. One partition
//!   per ticket, so a ticket's page is one query. An attachment not confirmed yet also has
//!   gsi1 `UPLOADS#PENDING#<shard>` / `<started, unix s, zero-padded>#<t>#<ticket>#<id>`:
//!   pending uploads, oldest first, spread over [`UPLOAD_SHARDS`] partitions by ticket, for the
//!   sweep that removes those never confirmed (it reads them all, and the unsharded
//!   `UPLOADS#PENDING` of stores from before).
//! * `T#<t>#ORG#<org>#STORAGE` / `STORAGE`: an organization's attachment bytes (`used`,
//!   incremented with each confirmed upload) and its quota when an admin set one (`limit`).
//! * `T#<t>#TSTATS` / `<scope>#<counter>` (attribute `n`): aggregate counts per tenant
//!   (`all`) and per organization (`org:<id>`), by status and priority, kept in the same
//!   transaction as the change.
//! * `RESPHIST#<priority>#<shard>` / `S#<ulid>`: first-response waits (30-day TTL), spread
//!   over [`HISTORY_SHARDS`] partitions by reply; `RESPHIST#<priority>` / `SUMMARY`: their
//!   summary, read with a position. The summary is one item per priority, written once per
//!   first response (at most the rate of filings: well under a partition's limits at any load
//!   the heat report drives) and read by every position read, eventually consistent.

use kt_domain::identity::{OrgId, TenantId, TicketId};
use kt_domain::queue;
use kt_domain::ticket::{Attachment, FIRST_TICKET_NUMBER, Message, Priority, Status, Ticket, TimeEntry, estimate};

use crate::entity::{self, Versioned, pointer, pointer_item};
use crate::{Cond, Index, IndexKey, Item, Key, Page, Query, SkCond, Store, StoreError, TxOp};

/// The attribute a counter item counts in.
pub const NODE_FIELD: &str = "n";

pub fn key(tenant: &TenantId, id: &TicketId) -> Key {
    Key::new(format!("T#{tenant}#TICKET#{id}"), "TICKET")
}

pub fn number_key(tenant: &TenantId, number: u64) -> Key {
    Key::new(format!("T#{tenant}#TICKETNO#{number}"), "TICKETNO")
}

pub fn node_key(priority: Priority, node: queue::Node) -> Key {
    Key::new(format!("QUEUE#{}#CT#{}#{}#{}", priority.as_str(), node.level, node.index, node.shard), "CT")
}

fn counter_field(child: u8) -> String {
    format!("c{child}")
}

/// The gsi3 sort key of a queue number: fixed width, so text order is number order.
pub fn queue_sort_key(number: u64) -> String {
    format!("{number:015}")
}

pub fn queue_partition(priority: Priority) -> String {
    format!("QUEUE#{}", priority.as_str())
}

pub fn item(t: &Ticket, version: u64) -> Result<Item, StoreError> {
    let mut item = entity::item(key(&t.tenant, &t.id), t, version)?
        .with_index(Index::Gsi1, IndexKey::new(format!("T#{}#TICKETS", t.tenant), t.id.as_str()))
        .with_index(Index::Gsi2, IndexKey::new(format!("T#{}#ORG#{}#TICKETS", t.tenant, t.org), t.id.as_str()));
    if let Some(slot) = t.queue.filter(|_| t.status.waits_for_staff()) {
        let assigned = if t.assignee.is_some() { "a" } else { "u" };
        let sk = format!("{}#{}#{}#{assigned}", queue_sort_key(slot.number), t.org, t.category.as_str());
        item = item.with_index(Index::Gsi3, IndexKey::new(queue_partition(t.priority), sk));
    }
    Ok(item)
}

pub fn number_item(t: &Ticket) -> Item {
    pointer_item(number_key(&t.tenant, t.number), "ticket", t.id.as_str())
}

pub async fn get(store: &dyn Store, tenant: &TenantId, id: &TicketId) -> Result<Option<Versioned<Ticket>>, StoreError> {
    entity::get(store, &key(tenant, id)).await
}

pub async fn id_by_number(store: &dyn Store, tenant: &TenantId, number: u64) -> Result<Option<TicketId>, StoreError> {
    Ok(pointer(store, &number_key(tenant, number), "ticket").await?.and_then(|s| TicketId::try_from(s).ok()))
}

/// Draws the tenant's next ticket number (1001, 1002, ...). Numbers are never reused; a
/// creation that fails after drawing leaves a gap.
pub async fn next_number(store: &dyn Store, tenant: &TenantId) -> Result<u64, StoreError> {
    let n = store.increment(&Key::new(format!("T#{tenant}#COUNTERS"), "TICKETS"), "n", 1).await?;
    Ok(FIRST_TICKET_NUMBER + n as u64 - 1)
}

/// Operations adding `delta` (±1) for ticket `id`'s queue number `number` to `priority`'s
/// count tree: one counter per level.
pub fn queue_ops(priority: Priority, number: u64, id: &TicketId, delta: i64) -> Vec<TxOp> {
    queue::update_path(number, queue::shard_of(id.as_str()))
        .into_iter()
        .map(|(node, child)| TxOp::Increment { key: node_key(priority, node), field: counter_field(child), by: delta })
        .collect()
}

/// The 64 counters of a count-tree node (absent: all 0).
fn counters(item: Option<&Item>) -> [i64; queue::RADIX as usize] {
    let mut out = [0; queue::RADIX as usize];
    for (name, value) in item.iter().flat_map(|i| i.attrs.iter()) {
        let slot = name.strip_prefix('c').and_then(|n| n.parse::<usize>().ok()).filter(|n| *n < out.len());
        if let (Some(slot), Some(n)) = (slot, value.as_i64()) {
            out[slot] = n;
        }
    }
    out
}

fn prefix_keys(priority: Priority, number: u64) -> Vec<Key> {
    queue::prefix_reads(number).into_iter().map(|(node, _)| node_key(priority, node)).collect()
}

/// Where a waiting ticket stands: `(position, length)` of its priority's queue, from
/// [`queue::READ_ITEMS`] node items read in one batch, whatever the queue's length.
pub async fn position(store: &dyn Store, priority: Priority, number: u64) -> Result<(u64, u64), StoreError> {
    let items = store.get_many(&prefix_keys(priority, number)).await?;
    Ok(queue::position_from(number, |i| counters(items[i].as_ref())))
}

/// The length of `priority`'s queue (the copies of the top node, read in one batch).
pub async fn length(store: &dyn Store, priority: Priority) -> Result<u64, StoreError> {
    let keys: Vec<Key> = queue::root_copies().map(|n| node_key(priority, n)).collect();
    let items = store.get_many(&keys).await?;
    let total: i64 = items.iter().map(|i| counters(i.as_ref()).iter().sum::<i64>()).sum();
    Ok(total.max(0) as u64)
}

pub fn ref_key(id: &TicketId) -> Key {
    Key::new(format!("TICKETREF#{id}"), "TICKETREF")
}

pub fn ref_item(t: &Ticket) -> Item {
    pointer_item(ref_key(&t.id), "tenant", t.tenant.as_str())
}

/// The tenant a ticket id belongs to.
pub async fn tenant_of(store: &dyn Store, id: &TicketId) -> Result<Option<TenantId>, StoreError> {
    Ok(pointer(store, &ref_key(id), "tenant").await?.and_then(|s| TenantId::try_from(s).ok()))
}

fn partition(tenant: &TenantId, id: &TicketId) -> String {
    format!("T#{tenant}#TICKET#{id}")
}

pub fn message_item(tenant: &TenantId, m: &Message) -> Result<Item, StoreError> {
    Item::from_entity(Key::new(partition(tenant, &m.ticket), format!("MSG#{}", m.id)), m)
}

pub fn attachment_key(tenant: &TenantId, id: &TicketId, attachment: &str) -> Key {
    Key::new(partition(tenant, id), format!("ATT#{attachment}"))
}

const PENDING_UPLOADS: &str = "UPLOADS#PENDING";
/// Partitions pending uploads are spread over.
pub const UPLOAD_SHARDS: u64 = 8;

fn upload_shard(ticket: &TicketId) -> u64 {
    kt_domain::shard_of(ticket.as_str(), UPLOAD_SHARDS)
}

fn pending_sort_key(started_unix: i64) -> String {
    format!("{:020}", started_unix.max(0))
}

/// The attachment's item; while it waits for its confirmation it is listed among the pending
/// uploads (the confirmed item, written whole, leaves that list).
pub fn attachment_item(tenant: &TenantId, a: &Attachment) -> Result<Item, StoreError> {
    let item = Item::from_entity(attachment_key(tenant, &a.ticket, &a.id), a)?;
    if a.ready {
        return Ok(item);
    }
    let sk = format!("{}#{tenant}#{}#{}", pending_sort_key(a.created_at.unix_timestamp()), a.ticket, a.id);
    let partition = format!("{PENDING_UPLOADS}#{}", upload_shard(&a.ticket));
    Ok(item.with_index(Index::Gsi1, IndexKey::new(partition, sk)))
}

/// Up to `limit` pending uploads started before `before_unix`, oldest first, with the
/// tenant each belongs to.
pub async fn pending_uploads_before(
    store: &dyn Store,
    before_unix: i64,
    limit: u32,
) -> Result<Vec<(TenantId, Versioned<Attachment>)>, StoreError> {
    let partitions = (0..UPLOAD_SHARDS).map(|s| format!("{PENDING_UPLOADS}#{s}")).chain([PENDING_UPLOADS.to_owned()]);
    let reads = partitions.map(|pk| {
        store.query(Query::partition(Index::Gsi1, pk).sk(SkCond::Lt(pending_sort_key(before_unix))).limit(limit))
    });
    let mut items: Vec<Item> = futures::future::try_join_all(reads).await?.into_iter().flat_map(|p| p.items).collect();
    // Oldest first across the partitions, at most `limit`.
    items.sort_by(|a, b| a.index_key(Index::Gsi1).map(|k| k.sk).cmp(&b.index_key(Index::Gsi1).map(|k| k.sk)));
    items.truncate(limit as usize);
    let mut out = Vec::new();
    for item in items {
        let tenant = item
            .index_key(Index::Gsi1)
            .and_then(|k| k.sk.split('#').nth(1).map(str::to_owned))
            .and_then(|t| TenantId::try_from(t).ok());
        // An unreadable record is left for a person to look at, not allowed to stop the sweep.
        let (Some(tenant), Ok(value)) = (tenant, item.to_entity::<Attachment>()) else {
            tracing::warn!(pk = %item.key.pk, sk = %item.key.sk, "a pending upload's record cannot be read");
            continue;
        };
        out.push((tenant, Versioned { version: item.version, value }));
    }
    Ok(out)
}

/// Every item of a ticket's partition whose sort key starts with `prefix`, oldest first.
async fn all_of_kind<T: serde::de::DeserializeOwned>(
    store: &dyn Store,
    tenant: &TenantId,
    id: &TicketId,
    prefix: &str,
) -> Result<Vec<T>, StoreError> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let q = Query::table(partition(tenant, id)).sk(SkCond::BeginsWith(prefix.into())).limit(500).after(cursor);
        let page = store.query(q).await?;
        for item in &page.items {
            out.push(item.to_entity()?);
        }
        cursor = page.next_cursor;
        if cursor.is_none() {
            return Ok(out);
        }
    }
}

/// Every attachment of a ticket (pending uploads included), oldest first.
pub async fn attachments(store: &dyn Store, tenant: &TenantId, id: &TicketId) -> Result<Vec<Attachment>, StoreError> {
    all_of_kind(store, tenant, id, "ATT#").await
}

pub fn storage_key(tenant: &TenantId, org: &OrgId) -> Key {
    Key::new(format!("T#{tenant}#ORG#{org}#STORAGE"), "STORAGE")
}

/// Bytes an organization's attachments take, and the quota an admin set (`None`: the default).
pub async fn storage(store: &dyn Store, tenant: &TenantId, org: &OrgId) -> Result<(u64, Option<u64>), StoreError> {
    crate::messaging::storage(store, tenant, &kt_domain::messaging::Holder::Org(org.clone())).await
}

pub fn time_entry_key(tenant: &TenantId, id: &TicketId, entry: &str) -> Key {
    Key::new(partition(tenant, id), format!("TIME#{entry}"))
}

pub fn time_entry_item(tenant: &TenantId, e: &TimeEntry) -> Result<Item, StoreError> {
    Item::from_entity(time_entry_key(tenant, &e.ticket, &e.id), e)
}

/// Every time entry of a ticket, oldest first.
pub async fn time_entries(store: &dyn Store, tenant: &TenantId, id: &TicketId) -> Result<Vec<TimeEntry>, StoreError> {
    all_of_kind(store, tenant, id, "TIME#").await
}

/// `T#<t>#TICKET#<id>` / `TIMEBILL#<entry>`: the invoice that bills time entry `entry` (its
/// claim: an entry is billed once), beside the entry.
pub fn time_bill_key(tenant: &TenantId, id: &TicketId, entry: &str) -> Key {
    Key::new(partition(tenant, id), format!("TIMEBILL#{entry}"))
}

/// Which invoice bills each billed time entry of a ticket: (entry, invoice).
pub async fn time_bills(
    store: &dyn Store,
    tenant: &TenantId,
    id: &TicketId,
) -> Result<Vec<(String, String)>, StoreError> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let q = Query::table(partition(tenant, id)).sk(SkCond::BeginsWith("TIMEBILL#".into())).limit(500).after(cursor);
        let page = store.query(q).await?;
        for item in &page.items {
            let entry = item.key.sk.trim_start_matches("TIMEBILL#").to_owned();
            if let Some(inv) = item.attrs.get("invoice").and_then(|v| v.as_str()) {
                out.push((entry, inv.to_owned()));
            }
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(out),
        }
    }
}

pub fn activity_key(tenant: &TenantId, id: &TicketId, entry: &str) -> Key {
    Key::new(partition(tenant, id), format!("ACT#{entry}"))
}

/// One page of a ticket's replies and notes, oldest first.
pub async fn messages(
    store: &dyn Store,
    tenant: &TenantId,
    id: &TicketId,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Message>, Option<String>), StoreError> {
    let q = Query::table(partition(tenant, id)).sk(SkCond::BeginsWith("MSG#".into())).limit(limit).after(cursor);
    let page = store.query(q).await?;
    let items = page.items.iter().map(Item::to_entity).collect::<Result<_, _>>()?;
    Ok((items, page.next_cursor))
}

/// One page of a ticket's activity entries (as stored JSON), oldest first.
pub async fn activity(
    store: &dyn Store,
    tenant: &TenantId,
    id: &TicketId,
    limit: u32,
    cursor: Option<String>,
) -> Result<Page, StoreError> {
    store
        .query(Query::table(partition(tenant, id)).sk(SkCond::BeginsWith("ACT#".into())).limit(limit).after(cursor))
        .await
}

/// Which list a ticket listing reads: the tenant's, or one organization's.
pub fn list_query(tenant: &TenantId, org: Option<&OrgId>) -> Query {
    match org {
        Some(o) => Query::partition(Index::Gsi2, format!("T#{tenant}#ORG#{o}#TICKETS")),
        None => Query::partition(Index::Gsi1, format!("T#{tenant}#TICKETS")),
    }
}

/// The waiting tickets of `priority`'s queue, across tenants, first in first (keys only).
pub fn queue_query(priority: Priority) -> Query {
    Query::partition(Index::Gsi3, queue_partition(priority))
}

/// A waiting ticket as the queue's index knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub key: Key,
    pub number: u64,
    pub tenant: TenantId,
    pub ticket: TicketId,
    pub org: OrgId,
    pub category: String,
    pub assigned: bool,
}

fn queue_entry(item: &Item) -> Option<QueueEntry> {
    let ik = item.index_key(Index::Gsi3)?;
    let mut parts = ik.sk.split('#');
    let number = parts.next()?.parse().ok()?;
    let org = OrgId::try_from(parts.next()?.to_owned()).ok()?;
    let category = parts.next()?.to_owned();
    let assigned = parts.next()? == "a";
    let rest = item.key.pk.strip_prefix("T#")?;
    let (tenant, ticket) = rest.split_once("#TICKET#")?;
    Some(QueueEntry {
        key: item.key.clone(),
        number,
        tenant: TenantId::try_from(tenant.to_owned()).ok()?,
        ticket: TicketId::try_from(ticket.to_owned()).ok()?,
        org,
        category,
        assigned,
    })
}

/// One page of `priority`'s queue as keys, first in first.
pub async fn queue_entries(
    store: &dyn Store,
    priority: Priority,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<QueueEntry>, Option<String>), StoreError> {
    let page = store.query(queue_query(priority).limit(limit).after(cursor)).await?;
    Ok((page.items.iter().filter_map(queue_entry).collect(), page.next_cursor))
}

/// The tickets of `entries`, read by their table keys in one batch per 100, in order (one that
/// vanished meanwhile is left out).
pub async fn tickets_of(store: &dyn Store, entries: &[QueueEntry]) -> Result<Vec<Versioned<Ticket>>, StoreError> {
    let mut out = Vec::with_capacity(entries.len());
    for chunk in entries.chunks(crate::limits::MAX_BATCH_GET) {
        let keys: Vec<Key> = chunk.iter().map(|e| e.key.clone()).collect();
        for item in store.get_many(&keys).await?.into_iter().flatten() {
            out.push(Versioned { version: item.version, value: item.to_entity()? });
        }
    }
    Ok(out)
}

/// One page of `priority`'s queue, the tickets themselves, first in first.
pub async fn queue_page(
    store: &dyn Store,
    priority: Priority,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<Ticket>>, Option<String>), StoreError> {
    let (entries, next) = queue_entries(store, priority, limit, cursor).await?;
    Ok((tickets_of(store, &entries).await?, next))
}

/// Aggregate counters: the scope (`all` or `org:<id>`) and the counter name.
pub fn stat_key(tenant: &TenantId, scope: &str, counter: &str) -> Key {
    Key::new(format!("T#{tenant}#TSTATS"), format!("{scope}#{counter}"))
}

pub fn status_counter(s: Status) -> String {
    format!("status:{}", s.as_str())
}

pub fn priority_counter(p: Priority) -> String {
    format!("priority:{}", p.as_str())
}

/// Counter operations for a ticket appearing (`delta` 1) or disappearing (-1) with `status`
/// and `priority`, in the tenant's and its organization's counts.
pub fn stat_ops(t: &Ticket, status: Status, priority: Priority, delta: i64) -> Vec<TxOp> {
    let org_scope = format!("org:{}", t.org);
    let mut ops = Vec::with_capacity(4);
    for scope in ["all", org_scope.as_str()] {
        for counter in [status_counter(status), priority_counter(priority)] {
            ops.push(TxOp::Increment {
                key: stat_key(&t.tenant, scope, &counter),
                field: NODE_FIELD.into(),
                by: delta,
            });
        }
    }
    ops
}

/// Counter operations for a change of status and/or priority.
pub fn stat_change_ops(t: &Ticket, from: (Status, Priority), to: (Status, Priority)) -> Vec<TxOp> {
    let org_scope = format!("org:{}", t.org);
    let mut ops = Vec::new();
    for scope in ["all", org_scope.as_str()] {
        if from.0 != to.0 {
            for (s, by) in [(from.0, -1), (to.0, 1)] {
                ops.push(TxOp::Increment {
                    key: stat_key(&t.tenant, scope, &status_counter(s)),
                    field: NODE_FIELD.into(),
                    by,
                });
            }
        }
        if from.1 != to.1 {
            for (p, by) in [(from.1, -1), (to.1, 1)] {
                ops.push(TxOp::Increment {
                    key: stat_key(&t.tenant, scope, &priority_counter(p)),
                    field: NODE_FIELD.into(),
                    by,
                });
            }
        }
    }
    ops
}

/// Every counter of one scope (`all` or `org:<id>`): counter name -> count.
pub async fn stats(
    store: &dyn Store,
    tenant: &TenantId,
    scope: &str,
) -> Result<std::collections::BTreeMap<String, i64>, StoreError> {
    let q = Query::table(format!("T#{tenant}#TSTATS")).sk(SkCond::BeginsWith(format!("{scope}#")));
    let page = store.query(q).await?;
    Ok(page
        .items
        .iter()
        .filter_map(|i| {
            let name = i.key.sk.split_once('#')?.1.to_owned();
            Some((name, i.attrs.get(NODE_FIELD)?.as_i64()?))
        })
        .collect())
}

pub fn summary_key(priority: Priority) -> Key {
    Key::new(format!("RESPHIST#{}", priority.as_str()), "SUMMARY")
}

/// Partitions first-response waits are spread over (every tenant's first responses write them).
pub const HISTORY_SHARDS: u64 = 8;

fn history_partition(priority: Priority, shard: u64) -> String {
    format!("RESPHIST#{}#{shard}", priority.as_str())
}

/// Records one first-response wait (kept for the estimate window).
pub fn history_op(priority: Priority, id: &str, sample: estimate::Sample, expires_at: i64) -> Result<TxOp, StoreError> {
    let key = Key::new(history_partition(priority, kt_domain::shard_of(id, HISTORY_SHARDS)), format!("S#{id}"));
    Ok(TxOp::Put { item: Item::from_entity(key, &sample)?.with_expiry(expires_at), cond: Cond::NotExists })
}

/// The most recent waits of `priority`, newest first, [`estimate::MAX_SAMPLES`] in all. Each
/// shard holds about an eighth of the newest; reading twice that from each (and the newest of
/// the unsharded partition of stores from before) misses one of them with odds of about four
/// in a million (and then takes the next older instead), at twice the items of one read.
pub async fn history(store: &dyn Store, priority: Priority) -> Result<Vec<estimate::Sample>, StoreError> {
    let per_shard = (2 * estimate::MAX_SAMPLES as u64).div_ceil(HISTORY_SHARDS) as u32;
    let partitions = (0..HISTORY_SHARDS)
        .map(|s| (history_partition(priority, s), per_shard))
        .chain([(format!("RESPHIST#{}", priority.as_str()), estimate::MAX_SAMPLES as u32)]);
    let reads = partitions
        .map(|(pk, limit)| store.query(Query::table(pk).sk(SkCond::BeginsWith("S#".into())).desc().limit(limit)));
    let mut items: Vec<Item> = futures::future::try_join_all(reads).await?.into_iter().flat_map(|p| p.items).collect();
    // Reply ids are ULIDs: newest first across the partitions.
    items.sort_by(|a, b| b.key.sk.cmp(&a.key.sk));
    items.truncate(estimate::MAX_SAMPLES);
    items.iter().map(Item::to_entity).collect()
}

pub fn summary_item(priority: Priority, summary: &estimate::Summary) -> Result<Item, StoreError> {
    Item::from_entity(summary_key(priority), summary)
}

/// Where a waiting ticket stands and the history summary of its priority, in one batch read
/// of [`queue::READ_ITEMS`] + 1 items: `(position, length, summary)`.
pub async fn position_with_summary(
    store: &dyn Store,
    priority: Priority,
    number: u64,
) -> Result<(u64, u64, Option<estimate::Summary>), StoreError> {
    let mut keys = prefix_keys(priority, number);
    keys.push(summary_key(priority));
    let mut items = store.get_many(&keys).await?;
    let summary = items.pop().flatten().and_then(|i| i.to_entity::<estimate::Summary>().ok());
    let (position, length) = queue::position_from(number, |i| counters(items[i].as_ref()));
    Ok((position, length, summary))
}

/// The queue number of an entry of a queue's index (a [`queue_query`] item).
pub fn queue_number_of(item: &Item) -> Option<u64> {
    item.index_key(Index::Gsi3)?.sk.split('#').next()?.parse().ok()
}
