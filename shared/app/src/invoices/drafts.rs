//! Drafts: written, edited and thrown away by the issuer; no number until sent.

use kt_domain::identity::{Invalid, OrgId, TenantId, TicketId, UserId};
use kt_domain::invoice::Status;
use kt_domain::invoice::draft::{self, DiscountDraft, LineDraft, MAX_TEXT_CHARS};
use kt_domain::invoice::entity::{Billed, Invoice};
use kt_domain::invoice::settings::BillingSettings;
use kt_domain::money::Currency;
use kt_domain::policy::Actor;
use kt_domain::tenancy::{Tenant, TenantKind};
use kt_store::entity::Versioned;
use kt_store::{Cond, TxOp, accounts, invoices, tenants, tickets};
use rust_decimal::Decimal;

use super::{Sheet, Side, commit, figures, issues, load_for_issuer};
use crate::idempotency::{Guard, Recorded};
use crate::{AppError, AppState};

pub const MAX_TICKETS: usize = 50;

/// Who a draft bills, as the issuer names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BilledRef {
    Org(OrgId),
    Partner(TenantId),
}

/// What a draft holds, as sent by the editor. `None` in an edit leaves the field as it is.
#[derive(Debug, Clone, Default)]
pub struct DraftInput {
    pub billed: Option<BilledRef>,
    /// An ISO 4217 code; the tenant's default currency when a new draft leaves it out.
    pub currency: Option<String>,
    pub lines: Option<Vec<LineDraft>>,
    /// `Some(None)` removes the invoice discount.
    pub discount: Option<Option<DiscountDraft>>,
    pub notes: Option<String>,
    pub terms_text: Option<String>,
    pub tickets: Option<Vec<TicketId>>,
    /// Billable time entries of those tickets it bills (`None` keeps those of tickets it still
    /// links).
    pub time_entries: Option<Vec<String>>,
}

fn text(field: &'static str, value: &str, errors: &mut Vec<Invalid>) -> String {
    let v = value.trim();
    if v.chars().count() > MAX_TEXT_CHARS {
        errors.push(Invalid::new(field, format!("use at most {MAX_TEXT_CHARS} characters")));
    }
    v.to_owned()
}

/// Applies `input` to `inv` (a new or existing draft): every broken rule at once.
pub(crate) async fn apply(
    app: &AppState,
    tenant: &Tenant,
    settings: &BillingSettings,
    inv: &mut Invoice,
    input: DraftInput,
    new: bool,
) -> Result<(), AppError> {
    let mut errors: Vec<Invalid> = Vec::new();
    if let Some(code) = &input.currency {
        match Currency::parse(code) {
            Ok(c) => inv.currency = c,
            Err(e) => errors.push(e),
        }
    }
    let lines = match &input.lines {
        Some(l) => Some(l.as_slice()),
        None if new => {
            errors.push(Invalid::new("lines", "add at least one line"));
            None
        }
        None => None,
    };
    let discount = match &input.discount {
        Some(d) => d.as_ref(),
        // Kept as it is: re-read against the (maybe new) currency with the lines.
        None => None,
    };
    if let Some(lines) = lines {
        match draft::check_lines(inv.currency, lines, discount, &settings.tax_rates) {
            Ok((lines, d)) => {
                inv.lines = lines;
                if input.discount.is_some() {
                    inv.discount = d;
                }
            }
            Err(es) => errors.extend(es),
        }
    } else if input.discount.is_some() || input.currency.is_some() {
        // A discount or currency alone: check it against the lines already there.
        let drafts: Vec<LineDraft> = inv
            .lines
            .iter()
            .map(|l| LineDraft {
                description: l.description.clone(),
                quantity: l.quantity.to_string(),
                unit_price: l.unit_price.to_string(),
                discount: l.discount.map(|d| match d {
                    kt_domain::invoice::totals::Discount::Percent(p) => DiscountDraft::Percent(p.to_string()),
                    kt_domain::invoice::totals::Discount::Fixed(a) => DiscountDraft::Fixed(a.to_string()),
                }),
                tax_rate_ids: l.tax_rate_ids.clone(),
            })
            .collect();
        match draft::check_lines(inv.currency, &drafts, discount, &settings.tax_rates) {
            Ok((lines, d)) => {
                inv.lines = lines;
                if input.discount.is_some() {
                    inv.discount = d;
                }
            }
            Err(es) => errors.extend(es),
        }
    }
    if let Some(n) = &input.notes {
        inv.notes = text("notes", n, &mut errors);
    }
    if let Some(t) = &input.terms_text {
        inv.terms_text = text("terms_text", t, &mut errors);
    }
    if let Some(ts) = &input.tickets {
        if ts.len() > MAX_TICKETS {
            errors.push(Invalid::new("ticket_ids", format!("link at most {MAX_TICKETS} tickets")));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::from_invalid(errors));
    }
    let store = app.store.as_ref();
    if let Some(b) = input.billed {
        inv.billed = match b {
            BilledRef::Org(org) => {
                if accounts::get_org(store, &tenant.id, &org).await?.is_none() {
                    return Err(AppError::invalid("billed.org_id", "is not an organization of this portal"));
                }
                Billed::Org { org }
            }
            BilledRef::Partner(p) => {
                let partner = tenants::get(store, &p).await?;
                let is_partner = partner.as_ref().is_some_and(|t| t.value.kind == TenantKind::Partner);
                if tenant.kind != TenantKind::House {
                    return Err(AppError::invalid("billed.partner_id", "only Kre8ivTech bills partners"));
                }
                if !is_partner {
                    return Err(AppError::invalid("billed.partner_id", "is not a partner"));
                }
                Billed::Partner { tenant: p }
            }
        };
    }
    if let Some(mut ts) = input.tickets {
        ts.sort();
        ts.dedup();
        for (i, t) in ts.iter().enumerate() {
            let ticket = tickets::get(store, &tenant.id, t).await?;
            let billable = match (&ticket, &inv.billed) {
                (Some(tk), Billed::Org { org }) => &tk.value.org == org,
                (Some(_), Billed::Partner { .. }) => false,
                (None, _) => false,
            };
            if !billable {
                return Err(AppError::invalid(
                    format!("ticket_ids[{i}]"),
                    "is not a ticket of the billed organization in this portal",
                ));
            }
        }
        inv.tickets = ts;
    }
    // The rates the lines name, as they are now.
    let mut rates = Vec::new();
    for id in inv.lines.iter().flat_map(|l| l.tax_rate_ids.iter()) {
        if let Some(r) = settings.rate(id)
            && !rates.iter().any(|x: &kt_domain::invoice::totals::TaxRate| &x.id == id)
        {
            rates.push(r.clone());
        }
    }
    inv.tax_rates = rates;
    inv.total = figures(inv).total;
    Ok(())
}

/// Starts a draft (the issuer's). With an idempotency key, a retry answers with the draft the
/// first attempt made.
pub async fn create(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    mut input: DraftInput,
    guard: Option<&Guard>,
) -> Result<(Sheet, bool), AppError> {
    if !issues(actor, tenant) {
        return Err(if actor.tenant == tenant.id || actor.role.is_house_staff() {
            AppError::Forbidden
        } else {
            AppError::NotFound
        });
    }
    if let Some(g) = guard
        && let Some(sheet) = made_before(app, actor, tenant, g).await?
    {
        return Ok((sheet, true));
    }
    let Some(_) = &input.billed else {
        return Err(AppError::invalid("billed", "name the organization (or partner) to bill"));
    };
    let (settings, _) = invoices::settings(app.store.as_ref(), &tenant.id).await?;
    let now = app.clock.now();
    let mut inv = blank(app.ids.ulid().to_string(), tenant, settings.currency, &actor.user, now);
    let time = input.time_entries.take();
    apply(app, tenant, &settings, &mut inv, input, true).await?;
    super::time::settle(app, actor, tenant, &mut inv, time).await?;
    let mut extra: Vec<TxOp> = match guard {
        Some(g) => vec![g.record(&format!("invoice:{}", inv.id), now.unix_timestamp())?],
        None => Vec::new(),
    };
    extra.extend(super::time::claim_ops(tenant, &[], &inv));
    match commit(app, tenant, None, inv.clone(), extra, None).await {
        Ok(version) => Ok((Sheet { figures: figures(&inv), invoice: inv, version, side: Side::Issuer }, false)),
        // A copy of this request committed first (the only condition that can fail).
        Err(AppError::PreconditionFailed) if guard.is_some() => {
            let g = guard.ok_or_else(|| AppError::Internal("guard".into()))?;
            made_before(app, actor, tenant, g).await?.map(|s| (s, true)).ok_or(AppError::PreconditionFailed)
        }
        Err(e) => Err(e),
    }
}

/// A new draft with nothing on it yet.
fn blank(id: String, tenant: &Tenant, currency: Currency, created_by: &UserId, now: time::OffsetDateTime) -> Invoice {
    Invoice {
        id,
        tenant: tenant.id.clone(),
        billed: Billed::Org { org: OrgId::new(ulid::Ulid::nil()) },
        status: Status::Draft,
        number: None,
        seq: None,
        currency,
        lines: Vec::new(),
        discount: None,
        tax_rates: Vec::new(),
        notes: String::new(),
        terms_text: String::new(),
        terms: None,
        issued_on: None,
        due_on: None,
        total: Decimal::ZERO,
        paid: Decimal::ZERO,
        viewed_at: None,
        tickets: Vec::new(),
        time_entries: Vec::new(),
        reminded: Vec::new(),
        credited: Decimal::ZERO,
        plan: None,
        recurring: None,
        void_reason: None,
        created_by: created_by.clone(),
        created_at: now,
        updated_at: now,
    }
}

/// Makes draft `id` as `created_by` for the portal itself (the invoice of an accepted quote):
/// no one's permission is asked, and making it again answers the first.
pub(crate) async fn create_for(
    app: &AppState,
    tenant: &Tenant,
    created_by: &UserId,
    id: &str,
    input: DraftInput,
    rates: &[kt_domain::invoice::totals::TaxRate],
) -> Result<String, AppError> {
    if invoices::get(app.store.as_ref(), &tenant.id, id).await?.is_some() {
        return Ok(id.to_owned());
    }
    let (mut settings, _) = invoices::settings(app.store.as_ref(), &tenant.id).await?;
    // The rates as the source document had them (a quote's, as accepted), even if changed or
    // removed since.
    for r in rates {
        match settings.tax_rates.iter_mut().find(|x| x.id == r.id) {
            Some(x) => *x = r.clone(),
            None => settings.tax_rates.push(r.clone()),
        }
    }
    let mut inv = blank(id.to_owned(), tenant, settings.currency, created_by, app.clock.now());
    apply(app, tenant, &settings, &mut inv, input, true).await?;
    match commit(app, tenant, None, inv, Vec::new(), None).await {
        Ok(_) | Err(AppError::PreconditionFailed) => Ok(id.to_owned()),
        Err(e) => Err(e),
    }
}

async fn made_before(app: &AppState, actor: &Actor, tenant: &Tenant, guard: &Guard) -> Result<Option<Sheet>, AppError> {
    match guard.recorded(app.store.as_ref()).await? {
        None => Ok(None),
        Some(Recorded::OtherBody) => Err(Guard::other_body()),
        Some(Recorded::Made(resource)) => {
            let id = resource
                .strip_prefix("invoice:")
                .ok_or_else(|| AppError::Internal(format!("idempotency record names {resource}")))?;
            Ok(Some(super::open(app, actor, tenant, id).await?))
        }
    }
}

/// Edits a draft under `if_match` (the version the editor read).
pub async fn edit(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    mut input: DraftInput,
    if_match: Option<u64>,
) -> Result<Sheet, AppError> {
    let current = issuer_draft(app, actor, tenant, id, if_match).await?;
    let (settings, _) = invoices::settings(app.store.as_ref(), &tenant.id).await?;
    let mut inv = current.value.clone();
    let time = input.time_entries.take();
    apply(app, tenant, &settings, &mut inv, input, false).await?;
    super::time::settle(app, actor, tenant, &mut inv, time).await?;
    let claims = super::time::claim_ops(tenant, &current.value.time_entries, &inv);
    let version = commit(app, tenant, Some(&current), inv.clone(), claims, None).await?;
    Ok(Sheet { figures: figures(&inv), invoice: inv, version, side: Side::Issuer })
}

/// Throws a draft away (it never had a number).
pub async fn discard(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    if_match: Option<u64>,
) -> Result<(), AppError> {
    let current = issuer_draft(app, actor, tenant, id, if_match).await?;
    let mut ops =
        vec![TxOp::Delete { key: invoices::key(&tenant.id, &current.value.id), cond: Cond::Version(current.version) }];
    ops.extend(super::time::release_ops(tenant, current.value.time_entries.iter()));
    let s = invoices::Standing::of(&current.value);
    // Undo what the draft counted.
    for op in invoices::stat_ops(&tenant.id, None, s) {
        if let TxOp::Increment { key, field, by } = op {
            ops.push(TxOp::Increment { key, field, by: -by });
        }
    }
    match app.store.transact(ops).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_conflict() => Err(AppError::PreconditionFailed),
        Err(e) => Err(e.into()),
    }
}

/// A draft the actor issues, at the version asked for.
async fn issuer_draft(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    if_match: Option<u64>,
) -> Result<Versioned<Invoice>, AppError> {
    let current = load_for_issuer(app, actor, tenant, id, None).await?;
    if current.value.status != Status::Draft {
        return Err(AppError::Conflict("a sent invoice changes only through payments, credit notes or void".into()));
    }
    if if_match.is_some_and(|v| v != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    Ok(current)
}
