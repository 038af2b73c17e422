//! What invoice events tell whom. The billed party (a client organization's members, or a
//! partner's partner-role users) hears of invoices sent to it, reminders, late fees and its
//! payments (its receipts); the issuer (a partner's partner-role users, or Kre8ivTech's super
//! admins, and whoever drafted it) hears of payments, first views and overdue invoices. Nobody
//! hears of their own action.

use kt_domain::DomainEvent;
use kt_domain::identity::{Role, TenantId, UserId};
use kt_domain::invoice::entity::{Billed, Invoice};
use kt_domain::money::format_amount;
use kt_domain::notification::Kind;
use kt_domain::tenancy::{TenantKind, UserStatus};
use kt_store::{accounts, invoices};
use serde_json::Value;

use super::delivery::{About, Text, notify};
use crate::identity::tenancy;
use crate::{AppError, AppState};

/// The billed party's people, in their own tenant.
async fn billed_people(app: &AppState, inv: &Invoice) -> Result<(TenantId, Vec<UserId>), AppError> {
    let store = app.store.as_ref();
    Ok(match &inv.billed {
        Billed::Org { org } => (inv.tenant.clone(), accounts::members_of(store, &inv.tenant, org).await?),
        Billed::Partner { tenant } => {
            let people = accounts::staff(store, tenant).await?;
            let partners = people.into_iter().filter(|u| u.role == Role::Partner && u.status == UserStatus::Active);
            (tenant.clone(), partners.map(|u| u.id).collect())
        }
    })
}

/// The issuer's people: a partner's partner-role users, or Kre8ivTech's super admins; and
/// whoever drafted the invoice.
async fn issuer_people(app: &AppState, inv: &Invoice, kind: TenantKind) -> Result<Vec<UserId>, AppError> {
    let wanted = if kind == TenantKind::House { Role::SuperAdmin } else { Role::Partner };
    let people = accounts::staff(app.store.as_ref(), &inv.tenant).await?;
    let mut out: Vec<UserId> =
        people.into_iter().filter(|u| u.role == wanted && u.status == UserStatus::Active).map(|u| u.id).collect();
    if !out.contains(&inv.created_by) {
        out.push(inv.created_by.clone());
    }
    Ok(out)
}

pub(super) async fn handle(app: &AppState, event: &DomainEvent) -> Result<(), AppError> {
    let p = &event.payload;
    let (Some(tenant_id), Some(id)) = (
        event.tenant.as_deref().and_then(|t| TenantId::try_from(t.to_owned()).ok()),
        p.get("invoice").and_then(Value::as_str),
    ) else {
        return Ok(());
    };
    let Some(inv) = invoices::get(app.store.as_ref(), &tenant_id, id).await?.map(|v| v.value) else {
        return Ok(());
    };
    let issuer = tenancy::get(app, &tenant_id).await?;
    let actor = p.get("actor").and_then(Value::as_str).map(str::to_owned);
    let number = inv.number.clone().unwrap_or_else(|| "An invoice".into());
    let money = |field: &str| {
        p.get(field).and_then(Value::as_str).and_then(|a| a.parse().ok()).map(|a| format_amount(inv.currency, a))
    };
    let total = format!("{} {}", format_amount(inv.currency, inv.total), inv.currency.code());
    let balance = format!("{} {}", money("balance").unwrap_or_default(), inv.currency.code());
    let due = inv.due_on.map(|d| d.to_string()).unwrap_or_default();
    let billed_name = match &inv.billed {
        Billed::Org { org } => accounts::get_org(app.store.as_ref(), &inv.tenant, org).await?.map(|o| o.value.name),
        Billed::Partner { tenant } => kt_store::tenants::get(app.store.as_ref(), tenant).await?.map(|t| t.value.name),
    }
    .unwrap_or_else(|| "The client".into());
    let text = |title: String, body: String| Text { title, body, survey: None };
    // (to the billed party, to the issuer)
    let (billed, issuing): (Option<(Kind, Text)>, Option<(Kind, Text)>) = match event.kind.as_str() {
        "invoice.sent" => (
            Some((
                Kind::InvoiceIssued,
                text(format!("Invoice {number} from {}", issuer.name), format!("{total}, due {due}.")),
            )),
            None,
        ),
        "invoice.voided" => (
            Some((
                Kind::InvoiceIssued,
                text(format!("Invoice {number} was voided"), "Nothing is owed on it any more.".into()),
            )),
            None,
        ),
        "invoice.viewed" => (
            None,
            Some((
                Kind::InvoiceActivity,
                text(format!("{billed_name} opened {number}"), format!("{total}, due {due}.")),
            )),
        ),
        "invoice.payment" | "invoice.paid" => {
            let paid = event.kind == "invoice.paid";
            let receipt = if paid {
                format!("{number} is paid in full. Thank you!")
            } else {
                format!("Thank you: {balance} is still open on {number}.")
            };
            (
                Some((Kind::InvoicePayment, text(format!("Payment received for {number}"), receipt))),
                Some((
                    Kind::InvoicePayment,
                    text(
                        format!(
                            "{billed_name} paid {}",
                            if paid { format!("{number} in full") } else { format!("part of {number}") }
                        ),
                        format!("Open balance: {balance}."),
                    ),
                )),
            )
        }
        "invoice.refunded" => (
            Some((Kind::InvoicePayment, text(format!("Refund on {number}"), format!("Open balance: {balance}.")))),
            None,
        ),
        "invoice.overdue" => (
            Some((
                Kind::InvoiceReminder,
                text(
                    format!("{number} is overdue"),
                    format!("{balance} was due on {due}. Please pay it at your earliest convenience."),
                ),
            )),
            Some((
                Kind::InvoiceActivity,
                text(format!("{number} to {billed_name} is overdue"), format!("{balance} open since {due}.")),
            )),
        ),
        "invoice.reminder" => {
            let title = match p.get("days").and_then(Value::as_i64) {
                Some(d) if d < 0 => format!("{number} is due on {due}"),
                Some(0) => format!("{number} is due today"),
                _ => format!("Reminder: {number} was due on {due}"),
            };
            (Some((Kind::InvoiceReminder, text(title, format!("{balance} is open.")))), None)
        }
        "invoice.credited" => {
            let note = p.get("credit_note").and_then(Value::as_str).unwrap_or("A credit note");
            let applied = money("applied").unwrap_or_default();
            (
                Some((
                    Kind::InvoicePayment,
                    text(
                        format!("Credit note {note} on {number}"),
                        format!("{applied} {} credited. Open balance: {balance}.", inv.currency.code()),
                    ),
                )),
                None,
            )
        }
        "invoice.plan_set" => {
            let plan = inv.plan.as_ref();
            let n = plan.map_or(0, |p| p.instalments.len());
            let first = plan
                .and_then(|p| p.instalments.first())
                .map(|x| format!("{} {} on {}", format_amount(inv.currency, x.amount), inv.currency.code(), x.due_on));
            (
                Some((
                    Kind::InvoiceIssued,
                    text(
                        format!("{number} is now paid in {n} instalments"),
                        format!("The first: {}.", first.unwrap_or_default()),
                    ),
                )),
                None,
            )
        }
        "invoice.instalment_due" => {
            let amount = money("amount").unwrap_or_default();
            let which = p.get("instalment").and_then(Value::as_u64).unwrap_or(1);
            let of = p.get("of").and_then(Value::as_u64).unwrap_or(1);
            (
                Some((
                    Kind::InvoiceReminder,
                    text(
                        format!("Instalment {which} of {of} on {number} is due"),
                        format!("{amount} {} is due today. Open balance: {balance}.", inv.currency.code()),
                    ),
                )),
                None,
            )
        }
        "invoice.generated" => (
            None,
            Some((
                Kind::InvoiceActivity,
                text(
                    format!("A recurring invoice to {billed_name} is ready to send"),
                    format!("{total}: a draft from its schedule, waiting for review."),
                ),
            )),
        ),
        "invoice.charge_failed" => {
            let why = p.get("reason").and_then(Value::as_str).unwrap_or("the card was not charged");
            (
                Some((
                    Kind::InvoiceReminder,
                    text(
                        format!("We could not charge your saved card for {number}"),
                        format!("{why} {balance} is open: please pay it from the invoice."),
                    ),
                )),
                Some((
                    Kind::InvoiceActivity,
                    text(format!("The automatic charge of {number} failed"), format!("{billed_name}: {why}")),
                )),
            )
        }
        "invoice.late_fee" => (
            Some((
                Kind::InvoiceReminder,
                text(format!("A late charge was added to {number}"), format!("Open balance: {balance}.")),
            )),
            None,
        ),
        _ => (None, None),
    };
    let about = About::Invoice { tenant: inv.tenant.clone(), id: inv.id.clone() };
    let event_id = event.id.to_string();
    if let Some((kind, t)) = billed {
        let (home, people) = billed_people(app, &inv).await?;
        let home = tenancy::get(app, &home).await?;
        for user in people.iter().filter(|u| Some(u.to_string()) != actor) {
            let t = Text { title: t.title.clone(), body: t.body.clone(), survey: None };
            notify(app, &home, user, kind, &event_id, &about, t, vec![]).await?;
        }
    }
    if let Some((kind, t)) = issuing {
        for user in issuer_people(app, &inv, issuer.kind).await?.iter().filter(|u| Some(u.to_string()) != actor) {
            let t = Text { title: t.title.clone(), body: t.body.clone(), survey: None };
            notify(app, &issuer, user, kind, &event_id, &about, t, vec![]).await?;
        }
    }
    Ok(())
}
