//! What readers do with an article: read it (a view; a signed-in person's first read also counts
//! a unique reader, proven by a reader item written in the same transaction) and say whether it
//! helped (one answer per person, changed at will; the counters follow the change exactly).
//! The managers read the figures and the comments.

use kt_domain::kb::{Feedback, Reader};
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_store::entity::{self, Versioned};
use kt_store::kb as store;
use kt_store::{Cond, Item, TxOp};

use super::{get, manager};
use crate::{AppError, AppState};

/// Counts a view of article `id` by `reader`.
pub async fn viewed(app: &AppState, reader: Reader<'_>, tenant: &Tenant, id: &str) -> Result<(), AppError> {
    let a = get(app, reader, tenant, id).await?;
    let stat = store::stat_key(&tenant.id, &a.value.id);
    if let Reader::Person(actor) = reader {
        let first = TxOp::Put {
            item: Item::new(store::reader_key(&tenant.id, id, actor.user.as_str()), serde_json::Map::new()),
            cond: Cond::NotExists,
        };
        let both = TxOp::Add { key: stat.clone(), fields: vec![("views".into(), 1), ("readers".into(), 1)] };
        match app.store.transact(vec![first, both]).await {
            Ok(()) => return Ok(()),
            // Read before: a view only.
            Err(e) if e.is_conflict() => {}
            Err(e) => return Err(e.into()),
        }
    }
    // A plain counter update: no transaction to conflict with other readers'.
    app.store.increment(&stat, "views", 1).await?;
    Ok(())
}

/// Records `actor`'s answer on article `id` (replacing an earlier one).
pub async fn feedback(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    helpful: bool,
    comment: &str,
) -> Result<Feedback, AppError> {
    get(app, Reader::Person(actor), tenant, id).await?;
    let comment = comment.trim();
    if comment.chars().count() > 2_000 {
        return Err(AppError::invalid("comment", "use at most 2,000 characters"));
    }
    let key = kt_store::Key::new(format!("T#{}#KB#{id}#FEEDBACK", tenant.id), actor.user.to_string());
    let before: Option<Versioned<Feedback>> = entity::get(app.store.as_ref(), &key).await?;
    let f = Feedback {
        id: actor.user.to_string(),
        article: id.to_owned(),
        helpful,
        comment: comment.to_owned(),
        by: Some(actor.user.clone()),
        at: app.clock.now(),
    };
    let name = |h: bool| if h { "helpful" } else { "not_helpful" };
    let mut fields = vec![(name(helpful).to_owned(), 1)];
    if let Some(b) = &before {
        fields.retain(|_| b.value.helpful != helpful);
        if b.value.helpful != helpful {
            fields.push((name(b.value.helpful).to_owned(), -1));
        }
    }
    let cond = before.as_ref().map_or(Cond::NotExists, |b| Cond::Version(b.version));
    let version = before.as_ref().map_or(1, |b| b.version + 1);
    let mut ops = vec![TxOp::Put { item: entity::item(key, &f, version)?, cond }];
    if !fields.is_empty() {
        ops.push(TxOp::Add { key: store::stat_key(&tenant.id, id), fields });
    }
    app.store.transact(ops).await.map_err(|e| if e.is_conflict() { AppError::PreconditionFailed } else { e.into() })?;
    Ok(f)
}

/// An article's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    pub views: i64,
    pub readers: i64,
    pub helpful: i64,
    pub not_helpful: i64,
}

/// The figures and a page of the feedback of article `id` (its managers).
pub async fn figures(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Figures, Vec<Feedback>, Option<String>), AppError> {
    get(app, Reader::Person(actor), tenant, id).await?;
    if !manager(actor, tenant) {
        return Err(AppError::Forbidden);
    }
    let [views, readers, helpful, not_helpful] = store::stats(app.store.as_ref(), &tenant.id, id).await?;
    let (items, next) = store::feedback(app.store.as_ref(), &tenant.id, id, limit, cursor).await?;
    Ok((Figures { views, readers, helpful, not_helpful }, items, next))
}
