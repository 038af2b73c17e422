//! The money an invoice has received or given back: payments (from Stripe or recorded by
//! hand), refunds and credit notes applied, in one ledger per invoice. `paid` on the invoice is
//! always the sum of its entries' signed amounts.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::identity::{Invalid, UserId};

/// How money was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Card,
    /// US bank account (ACH debit).
    Ach,
    BankTransfer,
    Cheque,
    Paypal,
    Cash,
    Other,
}

impl Method {
    pub const ALL: [Method; 7] =
        [Method::Card, Method::Ach, Method::BankTransfer, Method::Cheque, Method::Paypal, Method::Cash, Method::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Card => "card",
            Method::Ach => "ach",
            Method::BankTransfer => "bank_transfer",
            Method::Cheque => "cheque",
            Method::Paypal => "paypal",
            Method::Cash => "cash",
            Method::Other => "other",
        }
    }

    /// How documents name it.
    pub fn label(self) -> &'static str {
        match self {
            Method::Card => "Card",
            Method::Ach => "ACH bank debit",
            Method::BankTransfer => "Bank transfer",
            Method::Cheque => "Cheque",
            Method::Paypal => "PayPal",
            Method::Cash => "Cash",
            Method::Other => "Other",
        }
    }

    /// Methods staff may record by hand (cards and ACH come from the payment provider).
    pub fn recordable(self) -> bool {
        !matches!(self, Method::Card)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryKind {
    Payment {
        method: Method,
    },
    /// Money given back for an earlier payment.
    Refund {
        payment: String,
    },
    /// A credit note applied to the balance.
    Credit {
        note: String,
    },
    /// The early-payment discount honoured with a payment in time.
    EarlyDiscount,
}

/// One line of an invoice's ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub kind: EntryKind,
    /// Positive: settles the invoice (payments, credits, discounts); refunds are negative.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// The day the money arrived (or left).
    pub on: Date,
    /// The payer's reference, a cheque number, or the provider's id (`pi_...`, `re_...`).
    #[serde(default)]
    pub reference: String,
    /// Who recorded it; `None`: the payment provider.
    #[serde(default)]
    pub recorded_by: Option<UserId>,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub at: OffsetDateTime,
}

/// Checks a payment recorded by hand: an amount above 0 up to the balance, a day not in the
/// future and at most a year back, a short reference.
pub fn check_manual(
    amount: Decimal,
    balance: Decimal,
    method: Method,
    on: Date,
    today: Date,
    reference: &str,
) -> Result<(), Vec<Invalid>> {
    let mut errors = Vec::new();
    if amount <= Decimal::ZERO {
        errors.push(Invalid::new("amount", "a payment is more than 0"));
    } else if amount > balance {
        errors.push(Invalid::new("amount", format!("is more than the balance of {balance}")));
    }
    if !method.recordable() {
        errors.push(Invalid::new("method", "card payments arrive through the payment provider"));
    }
    if on > today {
        errors.push(Invalid::new("received_on", "is in the future"));
    } else if (today - on).whole_days() > 366 {
        errors.push(Invalid::new("received_on", "is more than a year ago"));
    }
    if reference.chars().count() > 120 {
        errors.push(Invalid::new("reference", "use at most 120 characters"));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use time::macros::date;

    #[test]
    fn manual_payments() {
        let today = date!(2026 - 03 - 10);
        assert!(check_manual(dec!(50), dec!(100), Method::BankTransfer, today, today, "ref 1").is_ok());
        let errors = check_manual(dec!(150), dec!(100), Method::Card, date!(2026 - 03 - 11), today, "")
            .expect_err("three problems");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["amount", "method", "received_on"]);
        assert!(check_manual(dec!(0), dec!(100), Method::Cash, today, today, "").is_err());
        assert!(check_manual(dec!(1), dec!(100), Method::Cash, date!(2025 - 01 - 01), today, "").is_err());
    }
}
