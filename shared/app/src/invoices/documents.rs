//! The invoice, receipt and credit-note PDFs (PRD 4.4): laid out by `kt_documents` in the
//! issuing tenant's branding (logo, brand colour, name) with the address, tax id, date and
//! amount formats and paper of its billing settings. Whoever may read the invoice (or note)
//! may download it; the billed party's download counts as opening the invoice.
//!
//! The figures are the invoice's own, formatted from the exact amounts the API returns: a
//! document never computes a total the server did not.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use kt_documents::{Align, Block, Column, Document, Image, Rgb, Row, Stamp, Table, Timestamp, TotalRow};
use kt_domain::identity::TenantId;
use kt_domain::invoice::Status;
use kt_domain::invoice::entity::{Billed, Invoice};
use kt_domain::invoice::ledger::{Entry, EntryKind};
use kt_domain::invoice::settings::BillingSettings;
use kt_domain::money::Currency;
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_store::{accounts, invoices, tenants};
use rust_decimal::Decimal;
use time::Date;

use super::{credits, figures, open};
use crate::{AppError, AppState};

/// A document to download.
#[derive(Debug, Clone)]
pub struct Pdf {
    /// `INV-2026-0042.pdf`.
    pub filename: String,
    pub bytes: Vec<u8>,
}

pub(crate) const GREEN: Rgb = Rgb(0x15, 0x80, 0x3d);
pub(crate) const RED: Rgb = Rgb(0xb9, 0x1c, 0x1c);
pub(crate) const GREY: Rgb = Rgb(0x4b, 0x55, 0x63);

/// How the tenant writes dates and amounts.
pub(crate) struct Style<'a> {
    pub(crate) settings: &'a BillingSettings,
    pub(crate) currency: Currency,
}

impl Style<'_> {
    pub(crate) fn money(&self, amount: Decimal) -> String {
        self.settings.amount_style.format(self.currency, amount)
    }

    pub(crate) fn day(&self, d: Date) -> String {
        self.settings.date_format.format(d)
    }
}

/// Logos decoded once per process, by blob key (a new upload gets a new key).
fn logo_cache() -> &'static Mutex<HashMap<String, Arc<Image>>> {
    static CACHE: std::sync::OnceLock<Mutex<HashMap<String, Arc<Image>>>> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The tenant's logo, when it has one that can be printed (a broken one is left out).
async fn logo(app: &AppState, tenant: &Tenant) -> Option<Arc<Image>> {
    let key = tenant.branding.logo_key.as_deref()?;
    if let Some(hit) = logo_cache().lock().ok()?.get(key) {
        return Some(hit.clone());
    }
    let blob = match app.blobs.get(key).await {
        Ok(Some(b)) => b,
        Ok(None) => return None,
        Err(e) => {
            tracing::warn!(error = %e, "logo unavailable for a document");
            return None;
        }
    };
    let image = match Image::decode(&blob.bytes) {
        Ok(i) => Arc::new(i),
        Err(e) => {
            tracing::warn!(error = %e, "logo left off a document");
            return None;
        }
    };
    let mut cache = logo_cache().lock().ok()?;
    if cache.len() >= 64 {
        cache.clear();
    }
    cache.insert(key.to_owned(), image.clone());
    Some(image)
}

/// The issuer's letterhead lines: name, address, tax id, contact.
fn letterhead(tenant: &Tenant, s: &BillingSettings) -> Vec<String> {
    let mut lines = vec![tenant.name.clone()];
    lines.extend(s.address.lines().map(str::to_owned).filter(|l| !l.trim().is_empty()));
    if !s.tax_id.is_empty() {
        lines.push(format!("Tax ID {}", s.tax_id));
    }
    let b = &tenant.branding;
    let contact: Vec<String> =
        b.support_email.iter().map(ToString::to_string).chain(b.support_phone.iter().cloned()).collect();
    if !contact.is_empty() {
        lines.push(contact.join(" · "));
    }
    lines
}

/// The billed party's lines: its name and, for a partner, the address and tax id of its own
/// billing settings.
pub(crate) async fn recipient(app: &AppState, tenant: &TenantId, billed: &Billed) -> Result<Vec<String>, AppError> {
    let store = app.store.as_ref();
    match billed {
        Billed::Org { org } => {
            let name = accounts::get_org(store, tenant, org).await?.map(|o| o.value.name);
            Ok(vec![name.unwrap_or_else(|| "Client".into())])
        }
        Billed::Partner { tenant: partner } => {
            let name = tenants::get(store, partner).await?.map(|t| t.value.name);
            let (s, _) = invoices::settings(store, partner).await?;
            let mut lines = vec![name.unwrap_or_else(|| "Partner".into())];
            lines.extend(s.address.lines().map(str::to_owned).filter(|l| !l.trim().is_empty()));
            if !s.tax_id.is_empty() {
                lines.push(format!("Tax ID {}", s.tax_id));
            }
            Ok(lines)
        }
    }
}

fn filename(stem: &str) -> String {
    let clean: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '-' }).collect();
    format!("{clean}.pdf")
}

fn timestamp(app: &AppState) -> Timestamp {
    let now = app.clock.now();
    Timestamp {
        year: u16::try_from(now.year()).unwrap_or(2000),
        month: now.month().into(),
        day: now.day(),
        hour: now.hour(),
        minute: now.minute(),
        second: now.second(),
    }
}

/// Everything documents of one tenant share.
pub(crate) struct Frame {
    pub(crate) settings: BillingSettings,
    logo: Option<Arc<Image>>,
    issuer: Vec<String>,
    accent: Rgb,
    footer: String,
}

pub(crate) async fn frame(app: &AppState, tenant: &Tenant) -> Result<Frame, AppError> {
    let (settings, _) = invoices::settings(app.store.as_ref(), &tenant.id).await?;
    let issuer = letterhead(tenant, &settings);
    let footer = issuer.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" · ");
    Ok(Frame {
        logo: logo(app, tenant).await,
        accent: Rgb::hex(tenant.branding.primary.as_str()).unwrap_or(Rgb(0x1d, 0x4e, 0xd8)),
        issuer,
        footer,
        settings,
    })
}

impl Frame {
    pub(crate) fn document<'a>(
        &'a self,
        app: &AppState,
        title: &str,
        number: &str,
        blocks: Vec<Block>,
    ) -> Document<'a> {
        Document {
            size: self.settings.paper.points(),
            title: title.into(),
            number: number.into(),
            stamp: None,
            issuer: self.issuer.clone(),
            logo: self.logo.as_deref(),
            accent: self.accent,
            facts: Vec::new(),
            recipient_label: "Bill to".into(),
            recipient: Vec::new(),
            blocks,
            footer: self.footer.clone(),
            author: self.issuer.first().cloned().unwrap_or_default(),
            created: Some(timestamp(app)),
        }
    }
}

pub(crate) fn render(doc: &Document<'_>, stem: &str) -> Result<Pdf, AppError> {
    let bytes = kt_documents::render(doc).map_err(|e| AppError::Internal(format!("document: {e}")))?;
    Ok(Pdf { filename: filename(stem), bytes })
}

fn method_name(e: &Entry) -> String {
    match &e.kind {
        EntryKind::Payment { method } => method.label().into(),
        EntryKind::Refund { .. } => "Refund".into(),
        EntryKind::Credit { .. } => "Credit note".into(),
        EntryKind::EarlyDiscount => "Early-payment discount".into(),
    }
}

/// What the ledger settled, by kind: payments net of refunds, credit notes, early discounts.
fn settled(entries: &[Entry]) -> (Decimal, Decimal, Decimal) {
    let mut out = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for e in entries {
        match e.kind {
            EntryKind::Payment { .. } | EntryKind::Refund { .. } => out.0 += e.amount,
            EntryKind::Credit { .. } => out.1 += e.amount,
            EntryKind::EarlyDiscount => out.2 += e.amount,
        }
    }
    out
}

fn invoice_blocks(inv: &Invoice, entries: &[Entry], st: &Style<'_>, today: Date) -> Vec<Block> {
    let fig = figures(inv);
    let rows = inv
        .lines
        .iter()
        .zip(&fig.lines)
        .map(|(line, t)| {
            let taxes: Vec<String> = t.taxes.iter().map(|x| format!("{} {}%", x.name, x.percent.normalize())).collect();
            let mut note: Vec<String> = Vec::new();
            if t.discount > Decimal::ZERO {
                note.push(format!("Discount {}", st.money(t.discount)));
            }
            if let Some(b) = &line.basis {
                note.push(b.clone());
            }
            Row {
                cells: vec![
                    line.description.clone(),
                    st.settings.amount_style.decimal(line.quantity),
                    st.money(line.unit_price),
                    taxes.join(", "),
                    st.money(t.amount),
                ],
                note: (!note.is_empty()).then(|| note.join(" · ")),
            }
        })
        .collect();
    let columns = vec![
        Column { title: "Description".into(), width: 5.2, align: Align::Left },
        Column { title: "Qty".into(), width: 0.9, align: Align::Right },
        Column { title: "Unit price".into(), width: 1.7, align: Align::Right },
        Column { title: "Tax".into(), width: 1.4, align: Align::Right },
        Column { title: "Amount".into(), width: 1.8, align: Align::Right },
    ];
    let mut blocks = vec![Block::Table(Table { caption: None, columns, rows })];

    let mut totals = vec![TotalRow { label: "Subtotal".into(), value: st.money(fig.subtotal), strong: false }];
    if fig.discount > Decimal::ZERO {
        totals.push(TotalRow { label: "Discount".into(), value: st.money(-fig.discount), strong: false });
    }
    for t in &fig.taxes {
        totals.push(TotalRow {
            label: format!("{} {}%", t.name, t.percent.normalize()),
            value: st.money(t.amount),
            strong: false,
        });
    }
    totals.push(TotalRow { label: "Total".into(), value: st.money(fig.total), strong: true });
    let (paid, credited, discounted) = settled(entries);
    if paid != Decimal::ZERO {
        totals.push(TotalRow { label: "Paid".into(), value: st.money(-paid), strong: false });
    }
    if credited > Decimal::ZERO {
        totals.push(TotalRow { label: "Credited".into(), value: st.money(-credited), strong: false });
    }
    if discounted > Decimal::ZERO {
        totals.push(TotalRow { label: "Early-payment discount".into(), value: st.money(-discounted), strong: false });
    }
    if inv.status != Status::Draft && inv.status != Status::Void {
        totals.push(TotalRow { label: "Balance due".into(), value: st.money(inv.balance()), strong: true });
    }
    blocks.push(Block::Totals(totals));

    if let Some(plan) = &inv.plan {
        let standings = plan.standings(inv.paid, today);
        let rows = plan
            .instalments
            .iter()
            .zip(standings)
            .enumerate()
            .map(|(i, (x, s))| Row {
                cells: vec![format!("{}", i + 1), st.day(x.due_on), st.money(x.amount), s.as_str().to_owned()],
                note: None,
            })
            .collect();
        blocks.push(Block::Table(Table {
            caption: Some("Payment plan".into()),
            columns: vec![
                Column { title: "Instalment".into(), width: 1.2, align: Align::Left },
                Column { title: "Due".into(), width: 2.0, align: Align::Left },
                Column { title: "Amount".into(), width: 2.0, align: Align::Right },
                Column { title: "Standing".into(), width: 1.6, align: Align::Right },
            ],
            rows,
        }));
    }
    if !entries.is_empty() {
        let rows = entries
            .iter()
            .map(|e| Row {
                cells: vec![st.day(e.on), method_name(e), e.reference.clone(), st.money(e.amount)],
                note: None,
            })
            .collect();
        blocks.push(Block::Table(Table {
            caption: Some("Payments".into()),
            columns: vec![
                Column { title: "Date".into(), width: 1.6, align: Align::Left },
                Column { title: "Payment".into(), width: 2.2, align: Align::Left },
                Column { title: "Reference".into(), width: 3.0, align: Align::Left },
                Column { title: "Amount".into(), width: 1.8, align: Align::Right },
            ],
            rows,
        }));
    }
    if !inv.notes.trim().is_empty() {
        blocks.push(Block::Text { heading: "Notes".into(), body: inv.notes.clone() });
    }
    if !inv.terms_text.trim().is_empty() {
        blocks.push(Block::Text { heading: "Terms".into(), body: inv.terms_text.clone() });
    }
    blocks
}

/// Invoice `id` as a PDF.
pub async fn invoice(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<Pdf, AppError> {
    let sheet = open(app, actor, tenant, id).await?;
    let inv = &sheet.invoice;
    let entries = invoices::entries(app.store.as_ref(), &tenant.id, &inv.id).await?;
    let frame = frame(app, tenant).await?;
    let st = Style { settings: &frame.settings, currency: inv.currency };
    let today = app.clock.now().date();
    let number = inv.number.clone().unwrap_or_else(|| "Draft".into());
    let mut doc = frame.document(app, "Invoice", &number, invoice_blocks(inv, &entries, &st, today));
    doc.stamp = match inv.status {
        Status::Paid => Some(Stamp { text: "PAID".into(), color: GREEN }),
        Status::Void => Some(Stamp { text: "VOID".into(), color: RED }),
        Status::Draft => Some(Stamp { text: "DRAFT".into(), color: GREY }),
        _ if inv.past_due(today) => Some(Stamp { text: "OVERDUE".into(), color: RED }),
        _ => None,
    };
    let mut facts = Vec::new();
    if let Some(d) = inv.issued_on {
        facts.push(("Issued".into(), st.day(d)));
    }
    if let Some(d) = inv.due_on {
        facts.push(("Due".into(), st.day(d)));
    }
    if let Some(t) = &inv.terms {
        facts.push(("Terms".into(), t.name.clone()));
        if let (Some(early), Some(issued)) = (t.early_discount, inv.issued_on)
            && let Some(deadline) = t.discount_deadline(issued)
        {
            facts.push(("Pay by".into(), format!("{} for {}% off", st.day(deadline), early.percent.normalize())));
        }
    }
    facts.push(("Currency".into(), inv.currency.code().into()));
    doc.facts = facts;
    doc.recipient = recipient(app, &tenant.id, &inv.billed).await?;
    render(&doc, inv.number.as_deref().unwrap_or(&format!("draft-{}", inv.id)))
}

/// The receipt of payment `entry` of invoice `id`.
pub async fn receipt(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str, entry: &str) -> Result<Pdf, AppError> {
    let sheet = open(app, actor, tenant, id).await?;
    let inv = &sheet.invoice;
    let entries = invoices::entries(app.store.as_ref(), &tenant.id, &inv.id).await?;
    let payments: Vec<&Entry> = entries.iter().filter(|e| matches!(e.kind, EntryKind::Payment { .. })).collect();
    let (n, paid) = payments.iter().enumerate().find(|(_, e)| e.id == entry).ok_or(AppError::NotFound)?;
    let frame = frame(app, tenant).await?;
    let st = Style { settings: &frame.settings, currency: inv.currency };
    let invoice_number = inv.number.clone().unwrap_or_default();
    let number = format!("{invoice_number}-R{}", n + 1);
    // What had been settled up to and with this payment (the ledger is oldest first).
    let upto = entries.iter().position(|e| e.id == paid.id).map_or(0, |i| i + 1);
    let (net, credited, discounted) = settled(&entries[..upto]);
    let blocks = vec![
        Block::Table(Table {
            caption: None,
            columns: vec![
                Column { title: "Description".into(), width: 6.0, align: Align::Left },
                Column { title: "Amount".into(), width: 2.0, align: Align::Right },
            ],
            rows: vec![Row {
                cells: vec![format!("Payment for invoice {invoice_number}"), st.money(paid.amount)],
                note: None,
            }],
        }),
        Block::Totals(vec![
            TotalRow { label: "Amount received".into(), value: st.money(paid.amount), strong: true },
            TotalRow { label: "Invoice total".into(), value: st.money(inv.total), strong: false },
            TotalRow { label: "Settled to date".into(), value: st.money(net + credited + discounted), strong: false },
            TotalRow {
                label: "Balance remaining".into(),
                value: st.money((inv.total - net - credited - discounted).max(Decimal::ZERO)),
                strong: true,
            },
        ]),
    ];
    let mut doc = frame.document(app, "Receipt", &number, blocks);
    doc.stamp = Some(Stamp { text: "PAID".into(), color: GREEN });
    let mut facts = vec![("Date paid".into(), st.day(paid.on)), ("Method".into(), method_name(paid))];
    if !paid.reference.is_empty() {
        facts.push(("Reference".into(), paid.reference.clone()));
    }
    facts.push(("Invoice".into(), invoice_number));
    doc.facts = facts;
    doc.recipient_label = "Received from".into();
    doc.recipient = recipient(app, &tenant.id, &inv.billed).await?;
    render(&doc, &number)
}

/// Credit note `id` as a PDF.
pub async fn credit_note(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<Pdf, AppError> {
    let note = credits::get(app, actor, tenant, id).await?.note;
    let frame = frame(app, tenant).await?;
    let st = Style { settings: &frame.settings, currency: note.currency };
    let invoice_number = note.invoice_number.clone().unwrap_or_default();
    let mut totals = vec![TotalRow { label: "Credit".into(), value: st.money(note.amount), strong: true }];
    for a in &note.applied {
        let to = a.invoice_number.clone().unwrap_or_else(|| "an invoice".into());
        totals.push(TotalRow { label: format!("Applied to {to}"), value: st.money(-a.amount), strong: false });
    }
    totals.push(TotalRow { label: "Remaining credit".into(), value: st.money(note.remaining()), strong: true });
    let blocks = vec![
        Block::Table(Table {
            caption: None,
            columns: vec![
                Column { title: "Reason".into(), width: 6.0, align: Align::Left },
                Column { title: "Amount".into(), width: 2.0, align: Align::Right },
            ],
            rows: vec![Row { cells: vec![note.reason.clone(), st.money(note.amount)], note: None }],
        }),
        Block::Totals(totals),
    ];
    let mut doc = frame.document(app, "Credit note", &note.number, blocks);
    doc.facts = vec![
        ("Issued".into(), st.day(note.issued_on)),
        ("Credits invoice".into(), invoice_number),
        ("Currency".into(), note.currency.code().into()),
    ];
    doc.recipient_label = "Credit to".into();
    doc.recipient = recipient(app, &tenant.id, &note.billed).await?;
    render(&doc, &note.number)
}
