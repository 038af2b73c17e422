//! Payment terms: when an invoice is due, what an early payment saves and what a late one
//! costs.
//!
//! **Which terms apply** (most specific first): the billed organization's own, else (for a
//! partner billed by Kre8ivTech) the partner's own, else the issuing tenant's default, else the
//! platform's (Net 30). [`resolve`] is that order.
//!
//! **Late fees** are computed by the sweep as of a day, from the balance then overdue, and added
//! as their own lines; each charge has a key (`fee:<n>` for the n-th fixed or percentage fee,
//! `interest:<yyyy-mm-dd>` for the interest up to a day) so the same charge is never added twice.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::identity::Invalid;
use crate::money::Currency;

/// When payment is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Due {
    /// Due the day it is sent.
    OnReceipt,
    /// Due `days` after it is sent (Net 15 / 30 / 45 / 60 or any other).
    Net { days: u16 },
}

/// "2/10 net 30": `percent` off when paid within `days` of sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlyDiscount {
    pub percent: Decimal,
    pub days: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeeAmount {
    /// Percent of the overdue balance.
    Percent { percent: Decimal },
    /// A fixed sum in the invoice's currency.
    Fixed { amount: Decimal },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateFee {
    pub amount: FeeAmount,
    /// Days after the due date before the first fee.
    pub grace_days: u16,
    /// Charged again every this many days while a balance is overdue; `None`: once.
    pub repeat_days: Option<u16>,
}

/// Interest on the overdue balance, by the day (simple interest, actual/365), as EU late-payment
/// rules define it for business debts: the reference rate plus a margin (8 points by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interest {
    /// Yearly percent.
    pub annual_percent: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    pub name: String,
    pub due: Due,
    #[serde(default)]
    pub early_discount: Option<EarlyDiscount>,
    #[serde(default)]
    pub late_fee: Option<LateFee>,
    #[serde(default)]
    pub interest: Option<Interest>,
}

impl Terms {
    pub fn net(days: u16) -> Self {
        Terms {
            name: format!("Net {days}"),
            due: Due::Net { days },
            early_discount: None,
            late_fee: None,
            interest: None,
        }
    }

    pub fn on_receipt() -> Self {
        Terms {
            name: "Due on receipt".into(),
            due: Due::OnReceipt,
            early_discount: None,
            late_fee: None,
            interest: None,
        }
    }

    /// The presets people pick from: Net 15, 30, 45, 60 and Due on receipt.
    pub fn presets() -> Vec<Terms> {
        vec![Terms::net(15), Terms::net(30), Terms::net(45), Terms::net(60), Terms::on_receipt()]
    }

    /// The platform's terms when nobody set any.
    pub fn platform_default() -> Self {
        Terms::net(30)
    }

    pub fn due_date(&self, sent: Date) -> Date {
        match self.due {
            Due::OnReceipt => sent,
            Due::Net { days } => sent + Duration::days(days.into()),
        }
    }

    /// The last day the early-payment discount holds, if there is one.
    pub fn discount_deadline(&self, sent: Date) -> Option<Date> {
        self.early_discount.map(|d| sent + Duration::days(d.days.into()))
    }

    /// Every rule broken, for the settings form.
    pub fn check(&self) -> Result<(), Vec<Invalid>> {
        let mut errors = Vec::new();
        if self.name.trim().is_empty() || self.name.chars().count() > 60 {
            errors.push(Invalid::new("name", "use 1 to 60 characters"));
        }
        if let Due::Net { days } = self.due
            && !(1..=365).contains(&days)
        {
            errors.push(Invalid::new("due.days", "use 1 to 365 days"));
        }
        let percent_ok = |p: Decimal| p > Decimal::ZERO && p <= Decimal::ONE_HUNDRED && p.scale() <= 3;
        if let Some(d) = self.early_discount {
            if !percent_ok(d.percent) || d.percent >= Decimal::from(50) {
                errors.push(Invalid::new("early_discount.percent", "use more than 0 and less than 50 percent"));
            }
            let limit = match self.due {
                Due::OnReceipt => 0,
                Due::Net { days } => days,
            };
            if d.days == 0 || d.days >= limit {
                errors.push(Invalid::new("early_discount.days", "use at least 1 day, fewer than the payment term"));
            }
        }
        if let Some(f) = self.late_fee {
            match f.amount {
                FeeAmount::Percent { percent } if !percent_ok(percent) => {
                    errors.push(Invalid::new("late_fee.amount.percent", "use more than 0 and at most 100 percent"))
                }
                FeeAmount::Fixed { amount } if amount <= Decimal::ZERO || amount >= crate::money::max_amount() => {
                    errors.push(Invalid::new("late_fee.amount.amount", "use an amount above 0"))
                }
                _ => {}
            }
            if f.grace_days > 365 {
                errors.push(Invalid::new("late_fee.grace_days", "use 0 to 365 days"));
            }
            if f.repeat_days.is_some_and(|d| !(1..=365).contains(&d)) {
                errors.push(Invalid::new("late_fee.repeat_days", "use 1 to 365 days, or leave it empty for once"));
            }
        }
        if let Some(i) = self.interest
            && !(i.annual_percent > Decimal::ZERO && i.annual_percent <= Decimal::from(50))
        {
            errors.push(Invalid::new("interest.annual_percent", "use more than 0 and at most 50 percent a year"));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// The terms that apply: the organization's, else the partner's, else the tenant's, else the
/// platform's.
pub fn resolve(org: Option<&Terms>, partner: Option<&Terms>, tenant: Option<&Terms>) -> Terms {
    org.or(partner).or(tenant).cloned().unwrap_or_else(Terms::platform_default)
}

/// One late charge to add to an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    /// Unique per invoice: adding a charge whose key is there already changes nothing.
    pub key: String,
    pub description: String,
    pub amount: Decimal,
    /// How it was computed, kept with the line.
    pub basis: String,
}

/// The late charges due as of `today` for an invoice due on `due` with `balance` overdue,
/// given the keys of the charges it has already (`charged`).
pub fn late_charges(
    terms: &Terms,
    currency: Currency,
    due: Date,
    today: Date,
    balance: Decimal,
    charged: &[String],
) -> Vec<Charge> {
    let mut out = Vec::new();
    if balance <= Decimal::ZERO || today <= due {
        return out;
    }
    let late_days = (today - due).whole_days();
    if let Some(fee) = terms.late_fee {
        let grace = i64::from(fee.grace_days);
        if late_days > grace {
            let count = match fee.repeat_days {
                None => 1,
                Some(every) => 1 + (late_days - grace - 1) / i64::from(every),
            };
            for n in 1..=count {
                let key = format!("fee:{n}");
                if charged.contains(&key) {
                    continue;
                }
                let (amount, basis) = match fee.amount {
                    FeeAmount::Fixed { amount } => (currency.round(amount), format!("fixed late fee {}", amount)),
                    FeeAmount::Percent { percent } => (
                        currency.round(balance * percent / Decimal::ONE_HUNDRED),
                        format!("{percent}% of the overdue balance {balance} {currency}"),
                    ),
                };
                out.push(Charge { key, description: format!("Late fee {n}"), amount, basis });
            }
        }
    }
    if let Some(i) = terms.interest {
        // Interest up to today, less what earlier charges already covered.
        let last = charged
            .iter()
            .filter_map(|k| k.strip_prefix("interest:"))
            .filter_map(|d| Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok())
            .max()
            .unwrap_or(due);
        let key = format!("interest:{today}");
        let days = (today - last).whole_days();
        if days > 0 && !charged.contains(&key) {
            let amount = currency
                .round(balance * i.annual_percent / Decimal::ONE_HUNDRED * Decimal::from(days) / Decimal::from(365));
            if amount > Decimal::ZERO {
                out.push(Charge {
                    key,
                    description: format!("Interest {last} to {today}"),
                    amount,
                    basis: format!("{} {currency} × {}% a year × {days}/365 days", balance, i.annual_percent),
                });
            }
        }
    }
    out
}

/// An early-payment discount earned by paying on `paid_on`, or zero.
pub fn early_discount(terms: &Terms, currency: Currency, sent: Date, paid_on: Date, total: Decimal) -> Decimal {
    match (terms.early_discount, terms.discount_deadline(sent)) {
        (Some(d), Some(deadline)) if paid_on <= deadline => currency.round(total * d.percent / Decimal::ONE_HUNDRED),
        _ => Decimal::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use time::macros::date;

    fn with_fees() -> Terms {
        Terms {
            late_fee: Some(LateFee {
                amount: FeeAmount::Fixed { amount: dec!(40) },
                grace_days: 5,
                repeat_days: Some(30),
            }),
            interest: Some(Interest { annual_percent: dec!(10.5) }),
            ..Terms::net(30)
        }
    }

    #[test]
    fn due_dates_and_the_order_terms_are_resolved_in() {
        assert_eq!(Terms::net(30).due_date(date!(2026 - 01 - 15)), date!(2026 - 02 - 14));
        assert_eq!(Terms::on_receipt().due_date(date!(2026 - 01 - 15)), date!(2026 - 01 - 15));
        let (org, partner, tenant) = (Terms::net(15), Terms::net(45), Terms::net(60));
        assert_eq!(resolve(Some(&org), Some(&partner), Some(&tenant)).name, "Net 15");
        assert_eq!(resolve(None, Some(&partner), Some(&tenant)).name, "Net 45");
        assert_eq!(resolve(None, None, Some(&tenant)).name, "Net 60");
        assert_eq!(resolve(None, None, None).name, "Net 30");
    }

    #[test]
    fn late_fees_after_the_grace_period_and_again_each_period_once() {
        let t = with_fees();
        let due = date!(2026 - 03 - 01);
        assert!(
            late_charges(&t, Currency::EUR, due, date!(2026 - 03 - 06), dec!(1000), &[])
                .iter()
                .all(|c| c.key.starts_with("interest"))
        );
        let first = late_charges(&t, Currency::EUR, due, date!(2026 - 03 - 07), dec!(1000), &[]);
        assert_eq!(first.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(), ["fee:1", "interest:2026-03-07"]);
        assert_eq!(first[1].amount, dec!(1.73), "1000 × 10.5% × 6/365");
        let keys: Vec<String> = first.iter().map(|c| c.key.clone()).collect();
        // The same day again: nothing more.
        assert!(late_charges(&t, Currency::EUR, due, date!(2026 - 03 - 07), dec!(1000), &keys).is_empty());
        // A month on: the second fee and the interest since the last charge.
        let later = late_charges(&t, Currency::EUR, due, date!(2026 - 04 - 06), dec!(1000), &keys);
        assert_eq!(later.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(), ["fee:2", "interest:2026-04-06"]);
        assert_eq!(later[1].amount, dec!(8.63), "30 days since the last charge");
        assert!(late_charges(&t, Currency::EUR, due, date!(2026 - 04 - 06), dec!(0), &[]).is_empty(), "nothing owed");
    }

    #[test]
    fn early_payment_discounts_hold_until_their_deadline() {
        let t = Terms { early_discount: Some(EarlyDiscount { percent: dec!(2), days: 10 }), ..Terms::net(30) };
        let sent = date!(2026 - 05 - 01);
        assert_eq!(early_discount(&t, Currency::EUR, sent, date!(2026 - 05 - 11), dec!(500)), dec!(10));
        assert_eq!(early_discount(&t, Currency::EUR, sent, date!(2026 - 05 - 12), dec!(500)), dec!(0));
    }

    #[test]
    fn terms_are_checked_field_by_field() {
        let bad = Terms {
            name: String::new(),
            due: Due::Net { days: 0 },
            early_discount: Some(EarlyDiscount { percent: dec!(60), days: 0 }),
            late_fee: Some(LateFee {
                amount: FeeAmount::Percent { percent: dec!(0) },
                grace_days: 400,
                repeat_days: Some(0),
            }),
            interest: Some(Interest { annual_percent: dec!(80) }),
        };
        let fields: Vec<String> = bad.check().expect_err("bad").iter().map(|e| e.field.to_string()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "due.days",
                "early_discount.percent",
                "early_discount.days",
                "late_fee.amount.percent",
                "late_fee.grace_days",
                "late_fee.repeat_days",
                "interest.annual_percent"
            ]
        );
        assert!(with_fees().check().is_ok());
    }
}
