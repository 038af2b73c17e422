//! Credit notes: documents with their own numbers that take back part (or all) of what an
//! invoice bills. A note is issued against one sent invoice for at most what that invoice
//! bills and has not been credited yet; what it credits is applied to that invoice's balance
//! at once, and whatever the balance could not take (the invoice was paid already) stays with
//! the billed party as credit, applied later to another of its open invoices in the same
//! currency.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::entity::{Billed, Invoice};
use crate::identity::{Invalid, TenantId, UserId};
use crate::money::Currency;

/// A tenant's credit-note numbers look like this unless its settings say otherwise.
pub const DEFAULT_FORMAT: &str = "CN-{YYYY}-{SEQ:4}";

/// Where part of a note went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub invoice: String,
    #[serde(default)]
    pub invoice_number: Option<String>,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNote {
    pub id: String,
    /// The issuing tenant (the invoice's).
    pub tenant: TenantId,
    /// The invoice it credits.
    pub invoice: String,
    #[serde(default)]
    pub invoice_number: Option<String>,
    pub billed: Billed,
    pub number: String,
    pub seq: u64,
    pub currency: Currency,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub reason: String,
    pub issued_on: Date,
    #[serde(default)]
    pub applied: Vec<Application>,
    pub created_by: UserId,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub created_at: OffsetDateTime,
}

impl CreditNote {
    /// What is left to apply.
    pub fn remaining(&self) -> Decimal {
        (self.amount - self.applied.iter().map(|a| a.amount).sum::<Decimal>()).max(Decimal::ZERO)
    }
}

/// Checks a new note of `amount` against the invoice it credits (which has had `credited`
/// credited already): a sent, not void invoice; more than 0, at most what is left to credit;
/// a reason of 1 to 500 characters.
pub fn check_new(inv: &Invoice, credited: Decimal, amount: Decimal, reason: &str) -> Result<(), Vec<Invalid>> {
    let mut errors = Vec::new();
    let left = (inv.total - credited).max(Decimal::ZERO);
    if amount <= Decimal::ZERO {
        errors.push(Invalid::new("amount", "a credit note credits more than 0"));
    } else if amount > left {
        errors.push(Invalid::new("amount", format!("is more than the {left} left to credit on this invoice")));
    }
    let n = reason.trim().chars().count();
    if n == 0 || n > 500 {
        errors.push(Invalid::new("reason", "say why, in 1 to 500 characters"));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// How much of `note` applying to `inv` may take: `asked` (default: as much as fits), at most
/// the note's remainder and the invoice's balance; the same party and currency, an open
/// invoice.
pub fn check_apply(note: &CreditNote, inv: &Invoice, asked: Option<Decimal>) -> Result<Decimal, Vec<Invalid>> {
    let mut errors = Vec::new();
    if inv.billed != note.billed {
        errors.push(Invalid::new("invoice_id", "bills another party than this credit note's"));
    } else if inv.currency != note.currency {
        errors.push(Invalid::new(
            "invoice_id",
            format!("is in {}, the credit note in {}", inv.currency.code(), note.currency.code()),
        ));
    } else if !inv.status.is_open() || inv.balance() <= Decimal::ZERO {
        errors.push(Invalid::new("invoice_id", "has no balance to apply credit to"));
    }
    let most = note.remaining().min(inv.balance());
    let amount = asked.unwrap_or(most);
    if errors.is_empty() {
        if amount <= Decimal::ZERO {
            errors.push(Invalid::new("amount", "apply more than 0"));
        } else if amount > note.remaining() {
            errors.push(Invalid::new(
                "amount",
                format!("is more than the {} left on this credit note", note.remaining()),
            ));
        } else if amount > inv.balance() {
            errors.push(Invalid::new("amount", format!("is more than the invoice's balance of {}", inv.balance())));
        }
    }
    if errors.is_empty() { Ok(amount) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{OrgId, UserId};
    use crate::invoice::Status;
    use crate::invoice::terms::Terms;
    use rust_decimal_macros::dec;
    use time::macros::{date, datetime};

    fn invoice(total: Decimal, paid: Decimal, status: Status, billed: Billed) -> Invoice {
        let at = datetime!(2026-03-01 09:00 UTC);
        Invoice {
            id: ulid::Ulid::new().to_string(),
            tenant: TenantId::new(ulid::Ulid::new()),
            billed,
            status,
            number: Some("INV-1".into()),
            seq: Some(1),
            currency: Currency::EUR,
            lines: vec![],
            discount: None,
            tax_rates: vec![],
            notes: String::new(),
            terms_text: String::new(),
            terms: Some(Terms::net(30)),
            issued_on: Some(date!(2026 - 03 - 01)),
            due_on: Some(date!(2026 - 03 - 31)),
            total,
            paid,
            viewed_at: None,
            tickets: vec![],
            time_entries: vec![],
            reminded: vec![],
            credited: Decimal::ZERO,
            plan: None,
            recurring: None,
            void_reason: None,
            created_by: UserId::new(ulid::Ulid::new()),
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn notes_credit_at_most_what_is_left_and_apply_to_the_same_party() {
        let org = Billed::Org { org: OrgId::new(ulid::Ulid::new()) };
        let paid = invoice(dec!(100), dec!(100), Status::Paid, org.clone());
        assert!(check_new(&paid, dec!(0), dec!(100), "refund of the hosting").is_ok());
        let fields: Vec<String> =
            check_new(&paid, dec!(60), dec!(50), " ").expect_err("bad").iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, ["amount", "reason"]);
        let note = CreditNote {
            id: "n".into(),
            tenant: paid.tenant.clone(),
            invoice: paid.id.clone(),
            invoice_number: None,
            billed: org.clone(),
            number: "CN-1".into(),
            seq: 1,
            currency: Currency::EUR,
            amount: dec!(40),
            reason: "r".into(),
            issued_on: date!(2026 - 03 - 02),
            applied: vec![],
            created_by: paid.created_by.clone(),
            created_at: paid.created_at,
        };
        let open = invoice(dec!(30), dec!(0), Status::Sent, org);
        assert_eq!(check_apply(&note, &open, None), Ok(dec!(30)), "as much as fits");
        assert!(check_apply(&note, &open, Some(dec!(31))).is_err());
        let other = invoice(dec!(30), dec!(0), Status::Sent, Billed::Org { org: OrgId::new(ulid::Ulid::new()) });
        assert_eq!(check_apply(&note, &other, None).expect_err("other party")[0].field, "invoice_id");
        assert_eq!(check_apply(&note, &paid, None).expect_err("no balance")[0].field, "invoice_id");
    }
}
