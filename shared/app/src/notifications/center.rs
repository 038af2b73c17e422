//! One's own notifications: the list, the unread count and read marks.

use kt_domain::notification::Kind;
use kt_domain::policy::Actor;
use kt_store::notifications::{self as store, Notification, TTL_SECS};
use kt_store::{Cond, TxOp};

use super::push_unread;
use crate::{AppError, AppState};

/// One page of the actor's notifications, newest first.
pub async fn list(
    app: &AppState,
    actor: &Actor,
    kind: Option<Kind>,
    unread_only: bool,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Notification>, Option<String>), AppError> {
    let (mut items, next) = store::list(app.store.as_ref(), &actor.tenant, &actor.user, kind, limit, cursor).await?;
    if unread_only {
        items.retain(|n| n.read_at.is_none());
    }
    Ok((items, next))
}

pub async fn unread_count(app: &AppState, actor: &Actor) -> Result<u64, AppError> {
    Ok(store::unread(app.store.as_ref(), &actor.tenant, &actor.user).await?)
}

/// The outcome of marking one notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marked {
    Done,
    /// Already in that state.
    Unchanged,
    NotFound,
}

/// Marks each of `ids` read (or unread); per-id results, then the unread count.
pub async fn mark(app: &AppState, actor: &Actor, ids: &[String], read: bool) -> Result<(Vec<Marked>, u64), AppError> {
    if ids.is_empty() || ids.len() > 100 {
        return Err(AppError::invalid("ids", "name 1 to 100 notifications"));
    }
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        results.push(mark_one(app, actor, id, read).await?);
    }
    push_unread(app, &actor.tenant, &actor.user).await?;
    Ok((results, unread_count(app, actor).await?))
}

async fn mark_one(app: &AppState, actor: &Actor, id: &str, read: bool) -> Result<Marked, AppError> {
    for _ in 0..3 {
        let Some((mut n, item)) = store::get(app.store.as_ref(), &actor.tenant, &actor.user, id).await? else {
            return Ok(Marked::NotFound);
        };
        if n.read_at.is_some() == read {
            return Ok(Marked::Unchanged);
        }
        n.read_at = read.then(|| app.clock.now());
        let expires = item.expires_at.unwrap_or(app.clock.now_unix() + TTL_SECS);
        let ops = vec![
            TxOp::Put {
                item: store::item(&actor.tenant, &actor.user, &n, item.version + 1, expires)?,
                cond: Cond::Version(item.version),
            },
            TxOp::Increment {
                key: store::unread_key(&actor.tenant, &actor.user),
                field: "n".into(),
                by: if read { -1 } else { 1 },
            },
        ];
        match app.store.transact(ops).await {
            Ok(()) => return Ok(Marked::Done),
            Err(e) if e.is_conflict() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict("the notification kept changing; try again".into()))
}

/// Marks every unread notification read (up to 1,000 at a time); returns how many changed.
pub async fn mark_all_read(app: &AppState, actor: &Actor) -> Result<usize, AppError> {
    let mut changed = 0;
    let mut cursor = None;
    let mut seen = 0;
    loop {
        let (items, next) = store::list(app.store.as_ref(), &actor.tenant, &actor.user, None, 100, cursor).await?;
        seen += items.len();
        for n in items.iter().filter(|n| n.read_at.is_none()) {
            if mark_one(app, actor, &n.id, true).await? == Marked::Done {
                changed += 1;
            }
        }
        cursor = next;
        if cursor.is_none() || seen >= 1000 {
            break;
        }
    }
    push_unread(app, &actor.tenant, &actor.user).await?;
    Ok(changed)
}
