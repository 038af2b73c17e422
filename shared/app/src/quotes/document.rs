//! The quote as a PDF in the issuing tenant's branding (the invoices' letterhead, logo, colour,
//! paper and formats): every item with how it is chosen, the totals of the choice shown (the
//! accepted one once accepted), validity, the deposit terms, notes, and for an accepted quote the
//! acceptance record: who typed what name, when, from where, and the SHA-256 of the accepted
//! text. Whoever may read the quote may download it.

use kt_documents::{Align, Block, Column, Row, Stamp, Table, TotalRow};
use kt_domain::invoice::entity::Billed;
use kt_domain::policy::Actor;
use kt_domain::quote::{ItemKind, QuoteStatus};
use kt_domain::tenancy::Tenant;
use rust_decimal::Decimal;

use crate::invoices::documents::{GREEN, GREY, Pdf, RED, Style, frame, recipient, render};
use crate::{AppError, AppState};

/// Quote `id` as a PDF.
pub async fn pdf(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<Pdf, AppError> {
    let q = super::get(app, actor, tenant, id).await?.value;
    let frame = frame(app, tenant).await?;
    let st = Style { settings: &frame.settings, currency: q.currency };
    let choice = q.acceptance.as_ref().map(|a| a.choice.clone()).unwrap_or_else(|| q.default_choice());
    let totals = q.figures(&choice).map_err(AppError::from_invalid)?;
    let chosen: Vec<String> =
        q.selected(&choice).map_err(AppError::from_invalid)?.iter().map(|i| i.id.clone()).collect();
    let rows = q
        .items
        .iter()
        .map(|i| {
            let how = match &i.kind {
                ItemKind::Required => "Included".to_owned(),
                ItemKind::Optional { .. } => "Optional".to_owned(),
                ItemKind::Package { group } => format!("{group}: one of"),
            };
            let mark = if chosen.contains(&i.id) { "✓ " } else { "" };
            Row {
                cells: vec![
                    format!("{mark}{}", i.line.description),
                    how,
                    st.settings.amount_style.decimal(i.line.quantity),
                    st.money(i.line.unit_price),
                    st.money(i.line.quantity * i.line.unit_price),
                ],
                note: None,
            }
        })
        .collect();
    let columns = vec![
        Column { title: "Item".into(), width: 4.8, align: Align::Left },
        Column { title: "Choice".into(), width: 1.8, align: Align::Left },
        Column { title: "Qty".into(), width: 0.9, align: Align::Right },
        Column { title: "Unit price".into(), width: 1.7, align: Align::Right },
        Column { title: "Amount".into(), width: 1.8, align: Align::Right },
    ];
    let mut blocks = vec![Block::Table(Table { caption: None, columns, rows })];
    let mut sums = vec![TotalRow { label: "Subtotal".into(), value: st.money(totals.subtotal), strong: false }];
    if totals.discount > Decimal::ZERO {
        sums.push(TotalRow { label: "Discount".into(), value: st.money(-totals.discount), strong: false });
    }
    for t in &totals.taxes {
        let label = format!("{} {}%", t.name, t.percent.normalize());
        sums.push(TotalRow { label, value: st.money(t.amount), strong: false });
    }
    let label = if q.acceptance.is_some() { "Total accepted" } else { "Total as chosen (✓)" };
    sums.push(TotalRow { label: label.into(), value: st.money(totals.total), strong: true });
    if let Some(d) = q.deposit {
        // What the deposit invoice of this choice comes to, made as acceptance makes it.
        let (lines, _) = super::acceptance::split(&q, &choice, d)?;
        let deposit = kt_domain::invoice::draft::figures(q.currency, &lines, None, &q.tax_rates).total;
        sums.push(TotalRow { label: format!("Deposit {}%", d.percent), value: st.money(deposit), strong: false });
    }
    blocks.push(Block::Totals(sums));
    if let Some(d) = q.deposit {
        let body = format!(
            "A deposit of {}% of every item is invoiced on acceptance; the balance follows in {} monthly instalment{}.",
            d.percent,
            d.instalments,
            if d.instalments == 1 { "" } else { "s" }
        );
        blocks.push(Block::Text { heading: "Payment".into(), body });
    }
    if !q.notes.trim().is_empty() {
        blocks.push(Block::Text { heading: "Notes".into(), body: q.notes.clone() });
    }
    if let Some(a) = &q.acceptance {
        let body = format!(
            "Accepted by {} (typed name) on {} UTC, from {} with {}.\nRevision {} for {}.\nSHA-256 of the accepted text: {}",
            a.name,
            kt_domain::timestamp(a.at),
            a.ip,
            a.user_agent,
            a.revision,
            st.money(a.total),
            a.sha256
        );
        blocks.push(Block::Text { heading: "Acceptance".into(), body });
    }
    let number = format!("Q-{}-R{}", &q.id[q.id.len().saturating_sub(8)..], q.revision);
    let mut doc = frame.document(app, "Quote", &number, blocks);
    doc.stamp = match q.status {
        QuoteStatus::Accepted => Some(Stamp { text: "ACCEPTED".into(), color: GREEN }),
        QuoteStatus::Declined => Some(Stamp { text: "DECLINED".into(), color: RED }),
        QuoteStatus::Withdrawn => Some(Stamp { text: "WITHDRAWN".into(), color: RED }),
        QuoteStatus::Draft => Some(Stamp { text: "DRAFT".into(), color: GREY }),
        QuoteStatus::Sent if q.expired(app.clock.now().date()) => Some(Stamp { text: "EXPIRED".into(), color: RED }),
        QuoteStatus::Sent => None,
    };
    let mut facts = vec![("Title".into(), q.title.clone())];
    if let Some(sent) = q.sent_at {
        facts.push(("Sent".into(), st.day(sent.date())));
    }
    facts.push(("Valid until".into(), st.day(q.valid_until)));
    facts.push(("Revision".into(), q.revision.to_string()));
    facts.push(("Currency".into(), q.currency.code().into()));
    doc.facts = facts;
    doc.recipient_label = "Prepared for".into();
    doc.recipient = recipient(app, &tenant.id, &Billed::Org { org: q.org.clone() }).await?;
    render(&doc, &number)
}
