//! Moves a store written before the queue's count tree ([`kt_domain::queue`]) to it: waiting
//! tickets numbered by the old platform-wide counter (`QUEUE#COUNTER`, numbers below
//! [`LEGACY_LIMIT`]) get the number of the moment they entered, and are counted in the tree.
//! Each ticket moves in its own transaction, guarded by its version, so an interrupted run is
//! finished by the next one; the counter goes last. Run by the local host at start-up; a store
//! without the counter is left alone after one read.

use kt_domain::ticket::Priority;
use kt_store::{Cond, Key, StoreError, TxOp, entity::Versioned, tickets};

use crate::{AppError, AppState};

/// Old queue numbers were drawn from 1 up; new ones are at least 2^8 times the milliseconds
/// since 2026-01-01, far above this.
pub const LEGACY_LIMIT: u64 = 10_000_000_000;

fn legacy_counter() -> Key {
    Key::new("QUEUE#COUNTER", "QUEUE")
}

/// Renumbers every waiting ticket that still has an old queue number. Returns how many moved.
pub async fn upgrade(app: &AppState) -> Result<usize, AppError> {
    let store = app.store.as_ref();
    if store.get(&legacy_counter()).await?.is_none() {
        return Ok(0);
    }
    let mut moved = 0;
    for priority in Priority::ALL {
        // Read whole first (renumbered tickets move within the index being walked), then
        // moved in the old order; a number never below the previous one's keeps that order
        // where entry times tie.
        let mut waiting = Vec::new();
        let mut cursor = None;
        loop {
            let (page, next) = tickets::queue_page(store, priority, 100, cursor).await?;
            waiting.extend(page);
            cursor = next;
            if cursor.is_none() {
                break;
            }
        }
        waiting.sort_by_key(|t| t.value.queue.map_or(0, |s| s.number));
        let mut last = 0;
        for current in waiting {
            moved += usize::from(renumber(app, current, &mut last).await?);
        }
    }
    store.delete(&legacy_counter(), Cond::None).await?;
    tracing::info!(moved, "waiting tickets renumbered for the queue's count tree");
    Ok(moved)
}

async fn renumber(
    app: &AppState,
    current: Versioned<kt_domain::ticket::Ticket>,
    last: &mut u64,
) -> Result<bool, AppError> {
    let mut t = current.value;
    let Some(mut slot) = t.queue.filter(|s| s.number < LEGACY_LIMIT) else { return Ok(false) };
    slot.number = kt_domain::queue::number(slot.entered_at, t.id.as_str()).max(*last + 1);
    *last = slot.number;
    t.queue = Some(slot);
    let mut ops =
        vec![TxOp::Put { item: tickets::item(&t, current.version + 1)?, cond: Cond::Version(current.version) }];
    ops.extend(tickets::queue_ops(t.priority, slot.number, &t.id, 1));
    match app.store.transact(ops).await {
        Ok(()) => Ok(true),
        // Changed meanwhile: the change re-entered or left the queue itself.
        Err(StoreError::Conflict { .. }) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
