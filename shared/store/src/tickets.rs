//! Tickets and the work queue.
//!
//! * `T#<t>#TICKET#<id>` / `TICKET`: the ticket; gsi1 `T#<t>#TICKETS` / id (the tenant's
//!   tickets, newest last), gsi2 `T#<t>#ORG#<org>#TICKETS` / id (an organization's), gsi3
//!   `QUEUE#<priority>` / queue number (zero-padded) while it waits: the queue itself, across
//!   tenants, in order.
//! * `T#<t>#TICKETNO#<n>` / `TICKETNO`: number -> id, unique per tenant.
//! * `T#<t>#COUNTERS` / `TICKETS`: the tenant's ticket-number counter.
//! * `QUEUE#COUNTER` / `QUEUE`: the queue-number dispenser shared by every priority.
//! * `QUEUE#<priority>#FW#<node>` / `FW`: one Fenwick-tree node (attribute `n`), each in its
//!   own partition so no partition takes every queue write.

use kt_domain::identity::{TenantId, TicketId};
use kt_domain::ticket::{FIRST_TICKET_NUMBER, Priority, Ticket, fenwick};

use crate::entity::{self, Versioned, pointer, pointer_item};
use crate::{Index, IndexKey, Item, Key, Store, StoreError, TxOp};

/// The attribute a Fenwick node counts in.
pub const NODE_FIELD: &str = "n";

pub fn key(tenant: &TenantId, id: &TicketId) -> Key {
    Key::new(format!("T#{tenant}#TICKET#{id}"), "TICKET")
}

pub fn number_key(tenant: &TenantId, number: u64) -> Key {
    Key::new(format!("T#{tenant}#TICKETNO#{number}"), "TICKETNO")
}

pub fn node_key(priority: Priority, node: u64) -> Key {
    Key::new(format!("QUEUE#{}#FW#{node}", priority.as_str()), "FW")
}

/// The gsi3 sort key of a queue number: fixed width, so text order is number order.
pub fn queue_sort_key(number: u64) -> String {
    format!("{number:010}")
}

pub fn queue_partition(priority: Priority) -> String {
    format!("QUEUE#{}", priority.as_str())
}

pub fn item(t: &Ticket, version: u64) -> Result<Item, StoreError> {
    let mut item = entity::item(key(&t.tenant, &t.id), t, version)?
        .with_index(Index::Gsi1, IndexKey::new(format!("T#{}#TICKETS", t.tenant), t.id.as_str()))
        .with_index(Index::Gsi2, IndexKey::new(format!("T#{}#ORG#{}#TICKETS", t.tenant, t.org), t.id.as_str()));
    if let Some(slot) = t.queue.filter(|_| t.status.waits_for_staff()) {
        item = item.with_index(Index::Gsi3, IndexKey::new(queue_partition(t.priority), queue_sort_key(slot.number)));
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

/// Draws the next queue number (shared by every priority).
pub async fn next_queue_number(store: &dyn Store) -> Result<u64, StoreError> {
    let n = store.increment(&Key::new("QUEUE#COUNTER", "QUEUE"), "n", 1).await?;
    Ok(n as u64)
}

/// Operations adding `delta` (±1) for queue number `number` to `priority`'s tree.
pub fn queue_ops(priority: Priority, number: u64, delta: i64) -> Vec<TxOp> {
    fenwick::update_nodes(number)
        .into_iter()
        .map(|node| TxOp::Increment { key: node_key(priority, node), field: NODE_FIELD.into(), by: delta })
        .collect()
}

/// Where a waiting ticket stands: `(position, length)` of its priority's queue, from at most
/// [`fenwick::DEPTH`] + 1 node items read in one batch.
pub async fn position(store: &dyn Store, priority: Priority, number: u64) -> Result<(u64, u64), StoreError> {
    let mut nodes = fenwick::prefix_nodes(number.saturating_sub(1));
    nodes.push(fenwick::ROOT);
    let keys: Vec<Key> = nodes.iter().map(|n| node_key(priority, *n)).collect();
    let items = store.get_many(&keys).await?;
    let count =
        |i: &Option<Item>| i.as_ref().and_then(|i| i.attrs.get(NODE_FIELD)).and_then(|v| v.as_i64()).unwrap_or(0);
    let (ahead, root) = items.split_at(items.len() - 1);
    let ahead: i64 = ahead.iter().map(count).sum();
    let length = count(&root[0]);
    // A moment between two writes can show a count off by one; never below 1 or past the end.
    let position = (ahead.max(0) as u64 + 1).min(length.max(1) as u64);
    Ok((position, length.max(0) as u64))
}

/// The length of `priority`'s queue (one item read).
pub async fn length(store: &dyn Store, priority: Priority) -> Result<u64, StoreError> {
    let item = store.get(&node_key(priority, fenwick::ROOT)).await?;
    Ok(item.and_then(|i| i.attrs.get(NODE_FIELD).and_then(|v| v.as_i64())).unwrap_or(0).max(0) as u64)
}
