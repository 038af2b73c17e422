//! Keeping the index in step with the store, driven by the outbox's events.
//!
//! The events worker's [`Forwarder`] passes every event that changes something searchable to
//! the `search` queue (the same event, so its id still deduplicates); the search indexer (one
//! per index: the local host's task, on AWS a function with one concurrent execution) runs
//! [`Indexer`], which reads the thing as it is now and puts or removes its documents. Handling
//! is idempotent and order-proof: whichever event of a document is handled last writes the
//! document's current state, so a late or repeated event can never roll it back. Changes to
//! organizations and people record a `search.touched` event in the transaction that makes them
//! ([`touch`]).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use kt_domain::DomainEvent;
use kt_domain::identity::{OrgId, TenantId, TicketId, UserId};
use kt_platform::search::Change;
use kt_store::TxOp;
use serde_json::json;

use super::{QUEUE, documents, records};
use crate::worker::{Consumer, HandlerError};
use crate::{AppError, AppState};

pub const TOUCHED: &str = "search.touched";

/// Whether events of `kind` change something searchable.
pub fn searchable(kind: &str) -> bool {
    kind.starts_with("ticket.")
        || kind.starts_with("kb.article")
        || kind.starts_with("invoice.")
        || kind.starts_with("quote.")
        || kind.starts_with("service_request.")
        || matches!(kind, "message.posted" | "message.edited" | "message.deleted")
        || kind == TOUCHED
}

/// The outbox operation telling the index that `id` changed (`kind`: `organization`, `user`,
/// or a record changed without an event of its own: `invoice`, `quote`, `project`).
pub fn touch(app: &AppState, tenant: &TenantId, kind: &str, id: &str) -> Result<TxOp, AppError> {
    let event = DomainEvent::new(
        app.ids.ulid(),
        TOUCHED,
        Some(tenant.to_string()),
        app.clock.now(),
        json!({"kind": kind, "id": id}),
    );
    crate::outbox::record(crate::tickets::EVENTS, event)
}

/// The events worker's step: searchable events go on to the search queue.
pub struct Forwarder {
    app: AppState,
}

impl Forwarder {
    pub fn shared(app: AppState) -> Arc<dyn Consumer> {
        Arc::new(Self { app })
    }
}

#[async_trait]
impl Consumer for Forwarder {
    fn name(&self) -> &'static str {
        "search-forward"
    }

    fn wants(&self, kind: &str) -> bool {
        searchable(kind)
    }

    /// Sending twice is absorbed by the indexer (its own claim, and idempotent handling).
    fn needs_claim(&self) -> bool {
        false
    }

    async fn handle(&self, event: &DomainEvent) -> Result<(), HandlerError> {
        let body = serde_json::to_string(event).map_err(|e| HandlerError(e.to_string()))?;
        self.app.queue.send(QUEUE, &body, Duration::ZERO).await.map_err(|e| HandlerError(e.to_string()))?;
        Ok(())
    }
}

/// The changes that bring the index up to date after `event`.
pub async fn changes_for(app: &AppState, event: &DomainEvent) -> Result<Vec<Change>, AppError> {
    let Some(tenant) = event.tenant.as_deref().and_then(|t| TenantId::try_from(t.to_owned()).ok()) else {
        return Ok(Vec::new());
    };
    let p = &event.payload;
    let text = |k: &str| p.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let mut out = Vec::new();
    if event.kind.starts_with("ticket.") {
        let tenant = crate::identity::tenancy::get(app, &tenant).await?;
        for key in ["ticket", "into"] {
            if let Some(id) = text(key).and_then(|s| TicketId::try_from(s).ok()) {
                out.extend(documents::ticket(app, &tenant, &id).await?);
            }
        }
    } else if event.kind.starts_with("kb.article") {
        let tenant = crate::identity::tenancy::get(app, &tenant).await?;
        if let Some(id) = text("article") {
            out.extend(documents::article(app, &tenant, &id).await?);
        }
    } else if let Some((kind, key)) = record_of(&event.kind) {
        let tenant = crate::identity::tenancy::get(app, &tenant).await?;
        if let Some(id) = text(key) {
            out.extend(record(app, &tenant, kind, &id).await?);
        }
    } else if event.kind.starts_with("message.") {
        if let (Some(c), Some(seq)) = (text("conversation"), p.get("seq").and_then(|v| v.as_u64())) {
            out.extend(documents::message(app, &tenant, &c, seq).await?);
        }
    } else if event.kind == TOUCHED {
        match (text("kind").as_deref(), text("id")) {
            (Some("organization"), Some(id)) => {
                if let Ok(id) = OrgId::try_from(id) {
                    out.extend(documents::organization(app, &tenant, &id).await?);
                }
            }
            (Some("user"), Some(id)) => {
                if let Ok(id) = UserId::try_from(id) {
                    out.extend(documents::person(app, &tenant, &id).await?);
                }
            }
            (Some(kind @ ("invoice" | "quote" | "project" | "request" | "form" | "submission")), Some(id)) => {
                let tenant = crate::identity::tenancy::get(app, &tenant).await?;
                out.extend(record(app, &tenant, kind, &id).await?);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The record kind an event of `kind` is about, and the payload key naming it.
fn record_of(kind: &str) -> Option<(&'static str, &'static str)> {
    [("invoice.", "invoice", "invoice"), ("quote.", "quote", "quote"), ("service_request.", "request", "request")]
        .into_iter()
        .find(|(prefix, _, _)| kind.starts_with(prefix))
        .map(|(_, record, key)| (record, key))
}

/// The documents of record `id` of `kind`, as it is now.
async fn record(
    app: &AppState,
    tenant: &kt_domain::tenancy::Tenant,
    kind: &str,
    id: &str,
) -> Result<Vec<Change>, AppError> {
    match kind {
        "invoice" => records::invoice(app, tenant, id).await,
        "quote" => records::quote(app, tenant, id).await,
        "project" => records::project(app, tenant, id).await,
        "request" => records::request(app, tenant, id).await,
        "form" => super::forms::form(app, tenant, id).await,
        "submission" => super::forms::submission(app, tenant, id).await,
        _ => Ok(Vec::new()),
    }
}

/// The search queue's consumer: each event's documents, as they are now, into the index, one
/// commit per batch.
pub struct Indexer {
    app: AppState,
    staged: tokio::sync::Mutex<Vec<Change>>,
}

impl Indexer {
    pub fn shared(app: AppState) -> Arc<dyn Consumer> {
        Arc::new(Self { app, staged: tokio::sync::Mutex::new(Vec::new()) })
    }
}

#[async_trait]
impl Consumer for Indexer {
    fn name(&self) -> &'static str {
        "search-index"
    }

    fn wants(&self, kind: &str) -> bool {
        searchable(kind)
    }

    /// Writing a document's current state again changes nothing.
    fn needs_claim(&self) -> bool {
        false
    }

    async fn handle(&self, event: &DomainEvent) -> Result<(), HandlerError> {
        let changes = changes_for(&self.app, event).await.map_err(|e| HandlerError(e.to_string()))?;
        self.staged.lock().await.extend(changes);
        Ok(())
    }

    async fn flush(&self) -> Result<(), HandlerError> {
        // Taken either way: a failed batch is delivered again and staged anew.
        let changes = std::mem::take(&mut *self.staged.lock().await);
        self.app.search.apply(&changes).await.map_err(|e| HandlerError(e.to_string()))
    }
}

/// The search queue's dispatcher.
pub fn dispatcher(app: &AppState) -> crate::worker::Dispatcher {
    crate::worker::Dispatcher::new(QUEUE, app.store.clone(), app.clock.clone(), vec![Indexer::shared(app.clone())])
}
