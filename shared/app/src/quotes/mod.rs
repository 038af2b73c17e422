//! Quotes: written by those who issue the tenant's invoices (super admins and house staff for
//! Kre8ivTech's clients, a partner for theirs), for a client organization and often a service
//! request; sent (the request becomes quoted), revised (a new revision, the sent one kept),
//! withdrawn; accepted or declined by the client's side ([`acceptance`]). One commit path:
//! [`commit`].

pub mod acceptance;
pub mod automatic;
pub mod document;
pub mod reminders;

use kt_domain::DomainEvent;
use kt_domain::identity::OrgId;
use kt_domain::invoice::draft::{DiscountDraft, LineDraft, check_lines};
use kt_domain::policy::{Actor, Resource, visible};
use kt_domain::quote::{Deposit, ItemKind, Quote, QuoteItem, QuoteMover, QuoteStatus, Revision, check_quote, may_move};
use kt_domain::service::{Mover, Status as RequestStatus};
use kt_domain::tenancy::Tenant;
use kt_store::entity::Versioned;
use kt_store::{Cond, TxOp, invoices, quotes as store};
use serde_json::{Value, json};
use time::Date;

use crate::idempotency::{Guard, Recorded};
use crate::invoices::issues;
use crate::{AppError, AppState, outbox};

/// One item as the issuer writes it.
#[derive(Debug, Clone)]
pub struct ItemInput {
    pub line: LineDraft,
    pub kind: ItemKind,
}

/// What the issuer writes.
#[derive(Debug, Clone)]
pub struct QuoteInput {
    pub org: OrgId,
    pub request: Option<String>,
    pub title: String,
    pub currency: Option<String>,
    pub items: Vec<ItemInput>,
    pub discount: Option<DiscountDraft>,
    pub notes: String,
    pub valid_until: Date,
    /// A deposit's percent and the balance's monthly instalments.
    pub deposit: Option<(String, u8)>,
}

/// Whose side `actor` is on for `q`.
pub fn side(actor: &Actor, tenant: &Tenant, q: &Quote) -> Option<QuoteMover> {
    if issues(actor, tenant) {
        Some(QuoteMover::Issuer)
    } else if q.status != QuoteStatus::Draft
        && visible(actor, &Resource { tenant: &q.tenant, org: Some(&q.org), owner: None })
    {
        Some(QuoteMover::Client)
    } else {
        None
    }
}

fn event(app: &AppState, q: &Quote, kind: &str, actor: &Actor, extra: Value) -> DomainEvent {
    let mut payload = json!({"quote": q.id, "actor": actor.user.to_string()});
    if let (Some(p), Value::Object(more)) = (payload.as_object_mut(), extra) {
        p.extend(more);
    }
    DomainEvent::new(app.ids.ulid(), kind, Some(q.tenant.to_string()), app.clock.now(), payload)
}

/// Writes `q` at `version` over `previous` (none: new), with `extra` operations and `events`,
/// in one transaction; 412 when it changed meanwhile.
pub(crate) async fn commit(
    app: &AppState,
    q: &Quote,
    version: u64,
    previous: Option<u64>,
    extra: Vec<TxOp>,
    events: Vec<DomainEvent>,
) -> Result<(), AppError> {
    let mut ops =
        vec![TxOp::Put { item: store::item(q, version)?, cond: previous.map_or(Cond::NotExists, Cond::Version) }];
    ops.extend(extra);
    if events.is_empty() {
        // Unannounced changes (a withdrawal, a revision) still reach the search index.
        ops.push(crate::search::indexing::touch(app, &q.tenant, "quote", &q.id)?);
    }
    for e in events {
        ops.push(outbox::record(crate::tickets::EVENTS, e)?);
    }
    app.store.transact(ops).await.map_err(|e| if e.is_conflict() { AppError::PreconditionFailed } else { e.into() })?;
    app.outbox_wake.notify_one();
    Ok(())
}

/// The quote, when the actor may see it.
pub async fn get(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<Versioned<Quote>, AppError> {
    let q = store::get(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    if side(actor, tenant, &q.value).is_some() { Ok(q) } else { Err(AppError::NotFound) }
}

/// A page of the tenant's quotes the actor may see: the issuer all (or one organization's), the
/// client side their organization's (drafts left out).
pub async fn list(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    org: Option<OrgId>,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<Quote>>, Option<String>), AppError> {
    crate::identity::tenancy::in_reach(actor, tenant)?;
    let issuer = issues(actor, tenant);
    let org = match org {
        Some(o) if issuer || visible(actor, &Resource { tenant: &tenant.id, org: Some(&o), owner: None }) => Some(o),
        Some(_) => return Err(AppError::NotFound),
        None if issuer => None,
        None => Some(actor.orgs.first().cloned().ok_or(AppError::NotFound)?),
    };
    let (items, next) = store::list(app.store.as_ref(), &tenant.id, org.as_ref(), limit, cursor).await?;
    Ok((items.into_iter().filter(|q| side(actor, tenant, &q.value).is_some()).collect(), next))
}

/// Reads `input` into `q` (a new or a draft quote): every broken rule at once.
async fn apply(app: &AppState, tenant: &Tenant, q: &mut Quote, input: QuoteInput) -> Result<(), AppError> {
    let (settings, _) = invoices::settings(app.store.as_ref(), &tenant.id).await?;
    let currency = match &input.currency {
        Some(c) => kt_domain::money::Currency::parse(c).map_err(|e| AppError::from_invalid(vec![e]))?,
        None => settings.currency,
    };
    let today = app.clock.now().date();
    let kinds: Vec<ItemKind> = input.items.iter().map(|i| i.kind.clone()).collect();
    let mut errors = Vec::new();
    let title = check_quote(&input.title, input.valid_until, today, &kinds).map_err(|e| errors.extend(e)).ok();
    let drafts: Vec<LineDraft> = input.items.iter().map(|i| i.line.clone()).collect();
    let rates = settings.tax_rates.clone();
    let lines = check_lines(currency, &drafts, input.discount.as_ref(), &rates)
        .map_err(|e| {
            errors.extend(
                e.into_iter()
                    .map(|x| kt_domain::identity::Invalid::new(x.field.replacen("lines", "items", 1), x.message)),
            )
        })
        .ok();
    kt_store::accounts::get_org(app.store.as_ref(), &tenant.id, &input.org)
        .await?
        .ok_or_else(|| AppError::invalid("org_id", "is no organization of this portal"))?;
    if let Some(r) = &input.request {
        let plausible = r.len() == 26 && r.chars().all(|c| c.is_ascii_alphanumeric());
        let found = if plausible { kt_store::service::request(app.store.as_ref(), &tenant.id, r).await? } else { None };
        if !found.is_some_and(|f| f.value.org == input.org && !f.value.status.is_final()) {
            return Err(AppError::invalid("request_id", "is no open service request of this organization"));
        }
    }
    let deposit = match &input.deposit {
        Some((percent, n)) => Deposit::check(percent, *n).map(Some).map_err(|e| errors.extend(e)).ok(),
        None => Some(None),
    };
    let (Some(title), Some((lines, discount)), Some(deposit)) = (title, lines, deposit) else {
        return Err(AppError::from_invalid(errors));
    };
    q.org = input.org;
    q.request = input.request;
    q.title = title;
    q.currency = currency;
    q.items = lines
        .into_iter()
        .zip(input.items)
        .enumerate()
        .map(|(n, (line, i))| QuoteItem { id: format!("i{}", n + 1), line, kind: i.kind })
        .collect();
    q.discount = discount;
    let mut used = Vec::new();
    for id in q.items.iter().flat_map(|i| i.line.tax_rate_ids.iter()) {
        if let Some(r) = rates.iter().find(|r| &r.id == id)
            && !used.iter().any(|x: &kt_domain::invoice::totals::TaxRate| &x.id == id)
        {
            used.push(r.clone());
        }
    }
    q.tax_rates = used;
    q.notes = input.notes.trim().to_owned();
    q.valid_until = input.valid_until;
    q.deposit = deposit;
    Ok(())
}

/// Starts a draft quote. A retry with the same guard answers the first (`true`).
pub async fn create(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    input: QuoteInput,
    guard: Option<&Guard>,
) -> Result<(Versioned<Quote>, bool), AppError> {
    crate::identity::tenancy::in_reach(actor, tenant)?;
    if !issues(actor, tenant) {
        return Err(if visible(actor, &Resource { tenant: &tenant.id, org: None, owner: None }) {
            AppError::Forbidden
        } else {
            AppError::NotFound
        });
    }
    if let Some(g) = guard {
        match g.recorded(app.store.as_ref()).await? {
            None => {}
            Some(Recorded::OtherBody) => return Err(Guard::other_body()),
            Some(Recorded::Made(resource)) => {
                let id = resource.strip_prefix("quote:").unwrap_or(&resource);
                let q = store::get(app.store.as_ref(), &tenant.id, id).await?;
                return Ok((q.ok_or_else(|| AppError::Internal("a recorded quote is missing".into()))?, true));
            }
        }
    }
    let now = app.clock.now();
    let (settings, _) = invoices::settings(app.store.as_ref(), &tenant.id).await?;
    let mut q = Quote {
        id: app.ids.ulid().to_string(),
        tenant: tenant.id.clone(),
        org: input.org.clone(),
        request: None,
        title: String::new(),
        currency: settings.currency,
        items: Vec::new(),
        discount: None,
        tax_rates: Vec::new(),
        notes: String::new(),
        valid_until: input.valid_until,
        status: QuoteStatus::Draft,
        revision: 1,
        history: Vec::new(),
        acceptance: None,
        decline_reason: None,
        invoice: None,
        deposit: None,
        deposit_invoice: None,
        planned: None,
        project: None,
        reminded: Vec::new(),
        created_by: actor.user.clone(),
        created_at: now,
        updated_at: now,
        sent_at: None,
    };
    apply(app, tenant, &mut q, input).await?;
    let extra = match guard {
        Some(g) => vec![g.record(&format!("quote:{}", q.id), now.unix_timestamp())?],
        None => Vec::new(),
    };
    commit(app, &q, 1, None, extra, Vec::new()).await?;
    Ok((Versioned { version: 1, value: q }, false))
}

/// Changes a draft (the issuer's), under `expected`.
pub async fn edit(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    input: QuoteInput,
    expected: Option<u64>,
) -> Result<Versioned<Quote>, AppError> {
    let current = issuer_quote(app, actor, tenant, id, expected).await?;
    if current.value.status != QuoteStatus::Draft {
        return Err(AppError::Conflict("only a draft changes: revise a sent quote first".into()));
    }
    let mut q = current.value.clone();
    apply(app, tenant, &mut q, input).await?;
    q.updated_at = app.clock.now();
    commit(app, &q, current.version + 1, Some(current.version), Vec::new(), Vec::new()).await?;
    Ok(Versioned { version: current.version + 1, value: q })
}

async fn issuer_quote(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    expected: Option<u64>,
) -> Result<Versioned<Quote>, AppError> {
    let current = get(app, actor, tenant, id).await?;
    if side(actor, tenant, &current.value) != Some(QuoteMover::Issuer) {
        return Err(AppError::Forbidden);
    }
    if expected.is_some_and(|e| e != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    Ok(current)
}

/// The operations that move the quote's service request by the portal's hand (if it has one
/// and the move is allowed from where it is).
pub(crate) async fn request_ops(
    app: &AppState,
    q: &Quote,
    to: RequestStatus,
    project: Option<&str>,
) -> Result<Vec<TxOp>, AppError> {
    let Some(rid) = &q.request else { return Ok(Vec::new()) };
    let Some(current) = kt_store::service::request(app.store.as_ref(), &q.tenant, rid).await? else {
        return Ok(Vec::new());
    };
    let mut r = current.value.clone();
    if r.status == to || !kt_domain::service::may_move(r.status, to, Mover::System) {
        return Ok(Vec::new());
    }
    let from = r.status;
    r.status = to;
    r.quote = Some(q.id.clone());
    if let Some(p) = project {
        r.project = Some(p.to_owned());
    }
    r.updated_at = app.clock.now();
    let log = kt_domain::service::Activity {
        id: app.ids.ulid().to_string(),
        actor: None,
        what: kt_domain::service::Happening::Status { from, to, note: Some(format!("Quote: {}", q.title)) },
        at: r.updated_at,
    };
    let e = DomainEvent::new(
        app.ids.ulid(),
        "service_request.status",
        Some(r.tenant.to_string()),
        r.updated_at,
        json!({"request": r.id, "from": from.as_str(), "to": to.as_str()}),
    );
    Ok(vec![
        TxOp::Put {
            item: kt_store::service::request_item(&r, current.version + 1)?,
            cond: Cond::Version(current.version),
        },
        kt_store::service::activity_op(&r.tenant, &r.id, &log)?,
        outbox::record(crate::tickets::EVENTS, e)?,
    ])
}

/// Sends a draft to the client (its service request becomes quoted).
pub async fn send(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    expected: Option<u64>,
) -> Result<Versioned<Quote>, AppError> {
    let current = issuer_quote(app, actor, tenant, id, expected).await?;
    let mut q = current.value.clone();
    if !may_move(q.status, QuoteStatus::Sent, QuoteMover::Issuer) {
        return Err(AppError::Conflict("only a draft is sent".into()));
    }
    if q.expired(app.clock.now().date()) {
        return Err(AppError::invalid("valid_until", "has passed: give the quote a new validity first"));
    }
    q.status = QuoteStatus::Sent;
    q.sent_at = Some(app.clock.now());
    q.updated_at = app.clock.now();
    q.reminded.clear();
    let mut extra = request_ops(app, &q, RequestStatus::Quoted, None).await?;
    extra.extend(reminders::schedule(&q, app.clock.now()));
    let e = event(app, &q, "quote.sent", actor, json!({"revision": q.revision}));
    commit(app, &q, current.version + 1, Some(current.version), extra, vec![e]).await?;
    Ok(Versioned { version: current.version + 1, value: q })
}

/// Opens a new revision of a sent quote (the sent one kept in its history) as a draft.
pub async fn revise(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    expected: Option<u64>,
) -> Result<Versioned<Quote>, AppError> {
    let current = issuer_quote(app, actor, tenant, id, expected).await?;
    let mut q = current.value.clone();
    if q.status != QuoteStatus::Sent {
        return Err(AppError::Conflict("only a sent quote is revised".into()));
    }
    q.history.push(Revision {
        revision: q.revision,
        items: q.items.clone(),
        valid_until: q.valid_until,
        sent_at: q.sent_at.unwrap_or(q.updated_at),
    });
    q.revision += 1;
    q.status = QuoteStatus::Draft;
    q.updated_at = app.clock.now();
    let extra = request_ops(app, &q, RequestStatus::InReview, None).await?;
    commit(app, &q, current.version + 1, Some(current.version), extra, Vec::new()).await?;
    Ok(Versioned { version: current.version + 1, value: q })
}

/// Takes a draft or sent quote back.
pub async fn withdraw(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    expected: Option<u64>,
) -> Result<Versioned<Quote>, AppError> {
    let current = issuer_quote(app, actor, tenant, id, expected).await?;
    let mut q = current.value.clone();
    if !may_move(q.status, QuoteStatus::Withdrawn, QuoteMover::Issuer) {
        return Err(AppError::Conflict("an accepted or declined quote stays as it is".into()));
    }
    let was_sent = q.status == QuoteStatus::Sent;
    q.status = QuoteStatus::Withdrawn;
    q.updated_at = app.clock.now();
    let extra = if was_sent { request_ops(app, &q, RequestStatus::InReview, None).await? } else { Vec::new() };
    commit(app, &q, current.version + 1, Some(current.version), extra, Vec::new()).await?;
    Ok(Versioned { version: current.version + 1, value: q })
}
