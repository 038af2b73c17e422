//! What the invoices API answers with: amounts as strings, dates as `YYYY-MM-DD`.

use kt_app::AppState;
use kt_app::invoices::Sheet;
use kt_domain::identity::{OrgId, TenantId};
use kt_domain::invoice::entity::{Billed, Invoice};
use kt_domain::invoice::ledger::{Entry, EntryKind};
use kt_domain::invoice::terms;
use kt_domain::invoice::totals::{Discount, TaxAmount, TaxRate};
use kt_domain::money::{Currency, format_amount};
use kt_http::ApiError;
use kt_store::{Key, accounts, tenants};
use serde::Serialize;
use std::collections::HashMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use crate::terms_body::TermsBody;

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BilledView {
    /// `org` (a client organization of the issuing tenant) or `partner` (a partner tenant,
    /// billed by Kre8ivTech).
    #[schema(example = "org")]
    pub kind: String,
    pub id: String,
    /// Absent when the party no longer exists.
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DiscountView {
    /// `percent` or `fixed`.
    #[schema(example = "percent")]
    pub kind: String,
    #[schema(example = "10")]
    pub value: String,
}

pub fn discount_view(d: &Discount) -> DiscountView {
    match d {
        Discount::Percent(p) => DiscountView { kind: "percent".into(), value: p.normalize().to_string() },
        Discount::Fixed(a) => DiscountView { kind: "fixed".into(), value: a.to_string() },
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaxAmountView {
    pub rate_id: String,
    pub name: String,
    #[schema(example = "19")]
    pub percent: String,
    #[schema(example = "38.00")]
    pub amount: String,
}

fn tax_view(c: Currency, t: &TaxAmount) -> TaxAmountView {
    TaxAmountView {
        rate_id: t.rate_id.clone(),
        name: t.name.clone(),
        percent: t.percent.normalize().to_string(),
        amount: format_amount(c, t.amount),
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaxRateView {
    pub id: String,
    pub name: String,
    #[schema(example = "19")]
    pub percent: String,
    pub inclusive: bool,
    pub compound: bool,
}

pub fn rate_view(r: &TaxRate) -> TaxRateView {
    TaxRateView {
        id: r.id.clone(),
        name: r.name.clone(),
        percent: r.percent.normalize().to_string(),
        inclusive: r.inclusive,
        compound: r.compound,
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LineView {
    pub description: String,
    #[schema(example = "2.5")]
    pub quantity: String,
    #[schema(example = "80.00")]
    pub unit_price: String,
    pub discount: Option<DiscountView>,
    pub tax_rate_ids: Vec<String>,
    /// Set on late-fee and interest lines the portal added (`fee:1`, `interest:2026-03-07`).
    pub charge_key: Option<String>,
    /// How such a charge was computed.
    pub basis: Option<String>,
    /// quantity × unit price.
    pub amount: String,
    /// The line's discount plus its share of the invoice's.
    pub discount_amount: String,
    pub taxes: Vec<TaxAmountView>,
    pub total: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EarlyDiscountView {
    #[schema(example = "2")]
    pub percent: String,
    /// The last day (`YYYY-MM-DD`) a payment earns it.
    pub deadline: String,
    /// What it saves on the total.
    pub amount: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvoiceView {
    pub id: String,
    /// Taken when sent (`INV-2026-0042`); drafts have none.
    pub number: Option<String>,
    #[schema(schema_with = kt_http::input::words::invoice_status)]
    pub status: String,
    pub billed: BilledView,
    /// ISO 4217.
    #[schema(example = "EUR")]
    pub currency: String,
    /// Digits after the decimal point in this currency.
    pub minor_units: u32,
    pub lines: Vec<LineView>,
    pub discount: Option<DiscountView>,
    pub subtotal: String,
    /// Every discount, the lines' and the invoice's.
    pub discount_total: String,
    pub taxes: Vec<TaxAmountView>,
    pub total: String,
    /// Payments less refunds, plus credits applied.
    pub paid: String,
    pub balance: String,
    /// The tax rates its lines name, as they were when it was last edited.
    pub tax_rates: Vec<TaxRateView>,
    pub notes: String,
    pub terms_text: String,
    /// The payment terms it was sent under.
    pub terms: Option<TermsBody>,
    pub early_discount: Option<EarlyDiscountView>,
    pub issued_on: Option<String>,
    pub due_on: Option<String>,
    pub past_due: bool,
    pub viewed_at: Option<String>,
    pub ticket_ids: Vec<String>,
    /// The time entries it bills (its issuers only: time is internal).
    pub time_entries: Vec<TimeLinkView>,
    pub void_reason: Option<String>,
    /// What credit notes have credited against it.
    pub credited: String,
    /// Its balance split into instalments, if it is paid by plan.
    pub plan: Option<Vec<InstalmentView>>,
    /// The recurring schedule (and its period) that generated it.
    pub recurring: Option<RecurringRefView>,
    /// Whether the caller issues it (may edit, send, record payments, void) or is billed by it.
    #[schema(example = "issuer")]
    pub side: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InstalmentView {
    pub due_on: String,
    pub amount: String,
    /// `paid`, `late` (its day passed unpaid), `due` (today) or `upcoming`.
    #[schema(example = "upcoming")]
    pub status: String,
    pub reminded: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecurringRefView {
    pub schedule_id: String,
    /// 0 for the first period.
    pub period: u32,
    pub period_on: String,
}

/// The lines of `inv` with their figures.
pub fn line_views(inv: &Invoice, f: &kt_domain::invoice::totals::Totals) -> Vec<LineView> {
    let c = inv.currency;
    inv.lines
        .iter()
        .zip(f.lines.iter())
        .map(|(l, t)| LineView {
            description: l.description.clone(),
            quantity: l.quantity.normalize().to_string(),
            unit_price: format_amount(c, l.unit_price),
            discount: l.discount.as_ref().map(discount_view),
            tax_rate_ids: l.tax_rate_ids.clone(),
            charge_key: l.charge_key.clone(),
            basis: l.basis.clone(),
            amount: format_amount(c, t.amount),
            discount_amount: format_amount(c, t.discount),
            taxes: t.taxes.iter().map(|x| tax_view(c, x)).collect(),
            total: format_amount(c, t.total),
        })
        .collect()
}

fn day(d: Option<time::Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimeLinkView {
    pub ticket_id: String,
    pub entry_id: String,
    pub minutes: u32,
    pub work_date: String,
}

pub fn invoice_view(sheet: &Sheet, billed: BilledView, today: time::Date) -> InvoiceView {
    let inv = &sheet.invoice;
    let f = &sheet.figures;
    let c = inv.currency;
    let lines = line_views(inv, f);
    let early_discount = match (&inv.terms, inv.issued_on) {
        (Some(t), Some(sent)) => {
            t.early_discount.zip(t.discount_deadline(sent)).map(|(d, deadline)| EarlyDiscountView {
                percent: d.percent.normalize().to_string(),
                deadline: deadline.to_string(),
                amount: format_amount(c, terms::early_discount(t, c, sent, sent, inv.total)),
            })
        }
        _ => None,
    };
    InvoiceView {
        id: inv.id.clone(),
        number: inv.number.clone(),
        status: inv.status.as_str().into(),
        billed,
        currency: inv.currency.code().into(),
        minor_units: inv.currency.minor_units(),
        lines,
        discount: inv.discount.as_ref().map(discount_view),
        subtotal: format_amount(c, f.subtotal),
        discount_total: format_amount(c, f.discount),
        taxes: f.taxes.iter().map(|x| tax_view(c, x)).collect(),
        total: format_amount(inv.currency, inv.total),
        paid: format_amount(inv.currency, inv.paid),
        balance: format_amount(inv.currency, inv.balance()),
        tax_rates: inv.tax_rates.iter().map(rate_view).collect(),
        notes: inv.notes.clone(),
        terms_text: inv.terms_text.clone(),
        terms: inv.terms.as_ref().map(TermsBody::from_terms),
        early_discount,
        issued_on: day(inv.issued_on),
        due_on: day(inv.due_on),
        past_due: inv.past_due(today),
        viewed_at: inv.viewed_at.map(rfc3339),
        ticket_ids: inv.tickets.iter().map(|t| t.to_string()).collect(),
        time_entries: if sheet.side == kt_app::invoices::Side::Issuer {
            inv.time_entries
                .iter()
                .map(|l| TimeLinkView {
                    ticket_id: l.ticket.to_string(),
                    entry_id: l.entry.clone(),
                    minutes: l.minutes,
                    work_date: l.work_date.to_string(),
                })
                .collect()
        } else {
            Vec::new()
        },
        void_reason: inv.void_reason.clone(),
        credited: format_amount(c, inv.credited),
        plan: inv.plan.as_ref().map(|p| {
            p.instalments
                .iter()
                .zip(p.standings(inv.paid, today))
                .map(|(x, s)| InstalmentView {
                    due_on: x.due_on.to_string(),
                    amount: format_amount(c, x.amount),
                    status: s.as_str().into(),
                    reminded: x.reminded,
                })
                .collect()
        }),
        recurring: inv.recurring.as_ref().map(|r| RecurringRefView {
            schedule_id: r.schedule.clone(),
            period: r.period,
            period_on: r.period_on.to_string(),
        }),
        side: match sheet.side {
            kt_app::invoices::Side::Issuer => "issuer".into(),
            kt_app::invoices::Side::Billed => "billed".into(),
        },
        created_at: rfc3339(inv.created_at),
        updated_at: rfc3339(inv.updated_at),
        version: sheet.version,
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvoiceSummaryView {
    pub id: String,
    pub number: Option<String>,
    #[schema(schema_with = kt_http::input::words::invoice_status)]
    pub status: String,
    pub billed: BilledView,
    pub currency: String,
    pub total: String,
    pub paid: String,
    pub balance: String,
    pub issued_on: Option<String>,
    pub due_on: Option<String>,
    pub past_due: bool,
    pub created_at: String,
}

pub fn summary_view(inv: &Invoice, billed: BilledView, today: time::Date) -> InvoiceSummaryView {
    InvoiceSummaryView {
        id: inv.id.clone(),
        number: inv.number.clone(),
        status: inv.status.as_str().into(),
        billed,
        currency: inv.currency.code().into(),
        total: format_amount(inv.currency, inv.total),
        paid: format_amount(inv.currency, inv.paid),
        balance: format_amount(inv.currency, inv.balance()),
        issued_on: day(inv.issued_on),
        due_on: day(inv.due_on),
        past_due: inv.past_due(today),
        created_at: rfc3339(inv.created_at),
    }
}

/// The names of the billed parties of `invoices` (one batch read per kind).
pub async fn billed_views(app: &AppState, tenant: &TenantId, parties: &[&Billed]) -> Result<Vec<BilledView>, ApiError> {
    let mut orgs: Vec<OrgId> = Vec::new();
    let mut partners: Vec<TenantId> = Vec::new();
    for billed in parties {
        match billed {
            Billed::Org { org } if !orgs.contains(org) => orgs.push(org.clone()),
            Billed::Partner { tenant } if !partners.contains(tenant) => partners.push(tenant.clone()),
            _ => {}
        }
    }
    let store = app.store.as_ref();
    let mut names: HashMap<String, String> = HashMap::new();
    let keys: Vec<Key> =
        orgs.iter().map(|o| accounts::org_key(tenant, o)).chain(partners.iter().map(tenants::key)).collect();
    for chunk in keys.chunks(kt_store::limits::MAX_BATCH_GET) {
        for item in store.get_many(chunk).await.map_err(kt_app::AppError::from)?.into_iter().flatten() {
            if let (Some(id), Some(name)) = (item.attrs.get("id"), item.attrs.get("name")) {
                names.insert(id.as_str().unwrap_or_default().to_owned(), name.as_str().unwrap_or_default().to_owned());
            }
        }
    }
    Ok(parties
        .iter()
        .map(|billed| match billed {
            Billed::Org { org } => {
                BilledView { kind: "org".into(), id: org.to_string(), name: names.get(org.as_str()).cloned() }
            }
            Billed::Partner { tenant } => {
                BilledView { kind: "partner".into(), id: tenant.to_string(), name: names.get(tenant.as_str()).cloned() }
            }
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntryView {
    pub id: String,
    /// `payment`, `refund`, `credit` or `early_discount`.
    #[schema(example = "payment")]
    pub kind: String,
    /// How a payment was paid.
    #[schema(schema_with = kt_http::input::words::maybe_payment_method)]
    pub method: Option<String>,
    /// Positive: settles the invoice; refunds are negative.
    #[schema(example = "250.00")]
    pub amount: String,
    /// The day the money arrived or left (`YYYY-MM-DD`).
    pub on: String,
    pub reference: String,
    /// Who recorded it; absent when the payment provider did.
    pub recorded_by: Option<String>,
    pub at: String,
}

pub fn entry_view(c: Currency, e: &Entry) -> EntryView {
    let (kind, method) = match &e.kind {
        EntryKind::Payment { method } => ("payment", Some(method.as_str().to_owned())),
        EntryKind::Refund { .. } => ("refund", None),
        EntryKind::Credit { .. } => ("credit", None),
        EntryKind::EarlyDiscount => ("early_discount", None),
    };
    EntryView {
        id: e.id.clone(),
        kind: kind.into(),
        method,
        amount: format_amount(c, e.amount),
        on: e.on.to_string(),
        reference: e.reference.clone(),
        recorded_by: e.recorded_by.as_ref().map(|u| u.to_string()),
        at: rfc3339(e.at),
    }
}
