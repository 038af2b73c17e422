//! The client's answer to a sent quote. Accepting records who (the name typed and the person
//! signed in), when, from where (IP, user agent) and exactly what (the choice, the revision, the
//! total and the SHA-256 of the accepted text); the service request becomes approved; then the
//! quote turns into an invoice draft of the chosen items through the invoicing module (an id
//! derived from the quote's, so a retry finishes the job without doubling it). Declining records
//! the reason.

use kt_domain::invoice::draft::{DiscountDraft, LineDraft};
use kt_domain::invoice::draft::{Line, MAX_DESCRIPTION_CHARS, figures};
use kt_domain::invoice::totals::Discount;
use kt_domain::policy::Actor;
use kt_domain::quote::{Acceptance, Choice, Deposit, Planned, Quote, QuoteMover, QuoteStatus, accepted_text, may_move};
use kt_domain::service::Status as RequestStatus;
use kt_domain::tenancy::Tenant;
use kt_store::entity::Versioned;
use rust_decimal::Decimal;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{commit, event, get, request_ops, side};
use crate::invoices::drafts::{BilledRef, DraftInput};
use crate::{AppError, AppState};

/// Where the acceptance came from.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: String,
    pub user_agent: String,
}

/// Only the client organization's own people answer a quote: not the house's staff nor the
/// partner's staff, who see it but may not sign for the client.
fn client_quote(actor: &Actor, tenant: &Tenant, q: &Versioned<Quote>) -> Result<(), AppError> {
    let own = actor.role == kt_domain::identity::Role::Client && actor.orgs.contains(&q.value.org);
    if side(actor, tenant, &q.value) != Some(QuoteMover::Client) || !own {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// The SHA-256 (hex) of what `choice` accepts of `q`.
pub fn digest(q: &Quote, choice: &Choice) -> Result<String, AppError> {
    let text = accepted_text(q, choice).map_err(AppError::from_invalid)?;
    Ok(hex::encode(Sha256::digest(text.as_bytes())))
}

/// Accepts the quote as `name` with `choice`; answers it with its invoice.
pub async fn accept(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    name: &str,
    choice: Choice,
    origin: Origin,
) -> Result<Versioned<Quote>, AppError> {
    let current = get(app, actor, tenant, id).await?;
    client_quote(actor, tenant, &current)?;
    // Accepted already (a retry): finish what acceptance starts.
    if current.value.status == QuoteStatus::Accepted {
        return convert(app, tenant, current).await;
    }
    let mut q = current.value.clone();
    if !may_move(q.status, QuoteStatus::Accepted, QuoteMover::Client) {
        return Err(AppError::Conflict("only a sent quote is accepted".into()));
    }
    if q.expired(app.clock.now().date()) {
        return Err(AppError::Conflict(format!("this quote was valid until {}; ask for a new one", q.valid_until)));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 || name.contains(['\n', '\r']) {
        return Err(AppError::invalid("name", "type your full name (1 to 120 characters)"));
    }
    let totals = q.figures(&choice).map_err(AppError::from_invalid)?;
    let sha256 = digest(&q, &choice)?;
    q.acceptance = Some(Acceptance {
        name: name.to_owned(),
        user: actor.user.clone(),
        at: app.clock.now(),
        ip: origin.ip.chars().take(64).collect(),
        user_agent: origin.user_agent.chars().take(512).collect(),
        choice,
        revision: q.revision,
        total: totals.total,
        sha256,
    });
    q.status = QuoteStatus::Accepted;
    q.updated_at = app.clock.now();
    q.planned = Some(Planned {
        invoice: app.ids.ulid().to_string(),
        deposit_invoice: q.deposit.map(|_| app.ids.ulid().to_string()),
        project: app.ids.ulid().to_string(),
    });
    let extra = request_ops(app, &q, RequestStatus::Approved, None).await?;
    let e = event(app, &q, "quote.accepted", actor, json!({"total": totals.total.to_string()}));
    commit(app, &q, current.version + 1, Some(current.version), extra, vec![e]).await?;
    convert(app, tenant, Versioned { version: current.version + 1, value: q }).await
}

fn amount(d: Decimal) -> String {
    d.normalize().to_string()
}

fn discount_draft(d: Discount) -> DiscountDraft {
    match d {
        Discount::Percent(p) => DiscountDraft::Percent(amount(p)),
        Discount::Fixed(f) => DiscountDraft::Fixed(amount(f)),
    }
}

fn described(description: &str, suffix: &str) -> String {
    let room = MAX_DESCRIPTION_CHARS.saturating_sub(suffix.chars().count());
    format!("{}{suffix}", description.chars().take(room).collect::<String>())
}

fn input(q: &Quote, a: &Acceptance, lines: Vec<LineDraft>, discount: Option<Discount>) -> DraftInput {
    DraftInput {
        billed: Some(BilledRef::Org(q.org.clone())),
        currency: Some(q.currency.code().to_owned()),
        lines: Some(lines),
        discount: Some(discount.map(discount_draft)),
        notes: Some(format!("Quote “{}”, accepted by {} on {}.", q.title, a.name, a.at.date())),
        terms_text: None,
        tickets: None,
        time_entries: None,
    }
}

/// The one invoice of an accepted quote: exactly the chosen items, as written.
fn whole(q: &Quote, a: &Acceptance) -> Result<DraftInput, AppError> {
    let selected = q.selected(&a.choice).map_err(AppError::from_invalid)?;
    let lines = selected
        .into_iter()
        .map(|i| LineDraft {
            description: i.line.description.clone(),
            quantity: amount(i.line.quantity),
            unit_price: amount(i.line.unit_price),
            discount: i.line.discount.map(discount_draft),
            tax_rate_ids: i.line.tax_rate_ids.clone(),
        })
        .collect();
    Ok(input(q, a, lines, q.discount))
}

fn line(description: String, price: Decimal, rates: &[String]) -> Line {
    Line {
        description,
        quantity: Decimal::ONE,
        unit_price: price,
        discount: None,
        tax_rate_ids: rates.to_vec(),
        charge_key: None,
        basis: None,
    }
}

/// The deposit's and the balance's lines: each chosen item's amount after its discounts (its
/// own and its share of the quote's) split at the deposit's percent, one line each, with the
/// item's taxes. Tax is rounded per invoice, so the balance takes the cent or two by which the
/// two totals would miss the accepted one: its last line is moved until they meet.
pub(crate) fn split(q: &Quote, choice: &Choice, d: Deposit) -> Result<(Vec<Line>, Vec<Line>), AppError> {
    let totals = q.figures(choice).map_err(AppError::from_invalid)?;
    let selected = q.selected(choice).map_err(AppError::from_invalid)?;
    let suffix = format!(" (deposit {}%)", d.percent);
    let (mut deposit, mut balance) = (Vec::new(), Vec::new());
    for (i, t) in selected.iter().zip(&totals.lines) {
        let net = t.amount - t.discount;
        let part = d.part(q.currency, net);
        deposit.push(line(described(&i.line.description, &suffix), part, &i.line.tax_rate_ids));
        balance.push(line(described(&i.line.description, " (balance)"), net - part, &i.line.tax_rate_ids));
    }
    let sum = |lines: &[Line]| figures(q.currency, lines, None, &q.tax_rates).total;
    let target = totals.total - sum(&deposit);
    let step = q.currency.from_minor(1);
    if let Some(last) = balance.len().checked_sub(1) {
        let base = balance[last].unit_price;
        // The smallest move of the last line's price that makes the totals meet.
        let found = (0..=6i64)
            .flat_map(|k| [k, -k])
            .map(|k| base + (target - sum(&balance)) + step * Decimal::from(k))
            .find(|price| {
                let mut tried = balance.clone();
                tried[last].unit_price = *price;
                *price >= Decimal::ZERO && sum(&tried) == target
            });
        if let Some(price) = found {
            balance[last].unit_price = price;
        }
    }
    Ok((deposit, balance))
}

fn drafts(lines: Vec<Line>) -> Vec<LineDraft> {
    lines
        .into_iter()
        .map(|l| LineDraft {
            description: l.description,
            quantity: amount(l.quantity),
            unit_price: amount(l.unit_price),
            discount: None,
            tax_rate_ids: l.tax_rate_ids,
        })
        .collect()
}

/// Makes what the accepted quote bills (once) and records it on the quote: one invoice draft
/// for the issuer to send, or with a deposit, the deposit's invoice and the balance's (sent at
/// once, the balance with its monthly plan); then the project. Everything takes the ids planned
/// when the quote was accepted, and the tax rates as the quote had them.
///
/// The contract hook (PRD 4.3 step 6): the contracts module will make a quote that asks for a
/// contract stop here once accepted (its `quote.accepted` event starts the contract) and call
/// this conversion when the contract is signed; until then every accepted quote converts at once.
async fn convert(app: &AppState, tenant: &Tenant, accepted: Versioned<Quote>) -> Result<Versioned<Quote>, AppError> {
    let q = &accepted.value;
    if q.invoice.is_some() {
        return Ok(accepted);
    }
    let (Some(a), Some(plan)) = (&q.acceptance, &q.planned) else { return Ok(accepted) };
    let mut done = q.clone();
    let make = |id: String, input: DraftInput| async move {
        crate::invoices::drafts::create_for(app, tenant, &q.created_by, &id, input, &q.tax_rates).await
    };
    match (q.deposit, &plan.deposit_invoice) {
        (Some(d), Some(deposit_id)) => {
            let (deposit, rest) = split(q, &a.choice, d)?;
            make(deposit_id.clone(), input(q, a, drafts(deposit), None)).await?;
            make(plan.invoice.clone(), input(q, a, drafts(rest), None)).await?;
            crate::invoices::plans::send_made(app, tenant, deposit_id, None).await?;
            crate::invoices::plans::send_made(app, tenant, &plan.invoice, Some(d.instalments)).await?;
            done.deposit_invoice = Some(deposit_id.clone());
            done.invoice = Some(plan.invoice.clone());
        }
        _ => done.invoice = Some(make(plan.invoice.clone(), whole(q, a)?).await?),
    }
    let project = crate::projects::from_quote(app, &done, &plan.project).await?;
    done.project = Some(project.clone());
    done.updated_at = app.clock.now();
    // The request it answers is done: it became this project.
    let extra = request_ops(app, &done, RequestStatus::Converted, Some(&project)).await?;
    match commit(app, &done, accepted.version + 1, Some(accepted.version), extra, Vec::new()).await {
        Ok(()) => Ok(Versioned { version: accepted.version + 1, value: done }),
        // A concurrent retry recorded it first.
        Err(AppError::PreconditionFailed) => {
            Ok(kt_store::quotes::get(app.store.as_ref(), &tenant.id, &q.id).await?.ok_or(AppError::NotFound)?)
        }
        Err(e) => Err(e),
    }
}

/// Declines the quote, with an optional reason.
pub async fn decline(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    reason: Option<String>,
) -> Result<Versioned<Quote>, AppError> {
    let current = get(app, actor, tenant, id).await?;
    client_quote(actor, tenant, &current)?;
    let mut q = current.value.clone();
    if !may_move(q.status, QuoteStatus::Declined, QuoteMover::Client) {
        return Err(AppError::Conflict("only a sent quote is declined".into()));
    }
    let reason = reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > 2_000) {
        return Err(AppError::invalid("reason", "use at most 2,000 characters"));
    }
    q.status = QuoteStatus::Declined;
    q.decline_reason = reason;
    q.updated_at = app.clock.now();
    let extra = request_ops(app, &q, RequestStatus::Declined, None).await?;
    let e = event(app, &q, "quote.declined", actor, json!({}));
    commit(app, &q, current.version + 1, Some(current.version), extra, vec![e]).await?;
    Ok(Versioned { version: current.version + 1, value: q })
}
