//! Payment plans: a sent invoice's balance split into instalments, each due on its own day.
//! The plan's days are the invoice's calendar: the sweep reminds of each instalment on its
//! day, and an invoice is overdue once an instalment's day has passed without what was due by
//! then being settled.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::identity::Invalid;
use crate::money::Currency;

pub const MAX_INSTALMENTS: usize = 36;
/// How far ahead the last instalment may fall (days).
pub const MAX_SPAN_DAYS: i64 = 3 * 366;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    pub due_on: Date,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// Its reminder went out.
    #[serde(default)]
    pub reminded: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// What the invoice had settled when the plan was made; the instalments split the rest.
    #[serde(with = "rust_decimal::serde::str")]
    pub base: Decimal,
    pub instalments: Vec<Instalment>,
}

/// Where an instalment stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Paid,
    /// Its day has passed without it being settled.
    Late,
    Due,
    Upcoming,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Paid => "paid",
            Standing::Late => "late",
            Standing::Due => "due",
            Standing::Upcoming => "upcoming",
        }
    }
}

impl Plan {
    /// What should be settled by the end of `day - 1`: the base and every instalment due
    /// before `day`.
    pub fn owed_before(&self, day: Date) -> Decimal {
        self.base + self.instalments.iter().filter(|i| i.due_on < day).map(|i| i.amount).sum::<Decimal>()
    }

    /// Whether an instalment's day has passed unpaid by `today`, with `paid` settled.
    pub fn behind(&self, paid: Decimal, today: Date) -> bool {
        paid < self.owed_before(today)
    }

    /// Each instalment's standing with `paid` settled, on `today`.
    pub fn standings(&self, paid: Decimal, today: Date) -> Vec<Standing> {
        let mut upto = self.base;
        self.instalments
            .iter()
            .map(|i| {
                upto += i.amount;
                if paid >= upto {
                    Standing::Paid
                } else if i.due_on < today {
                    Standing::Late
                } else if i.due_on == today {
                    Standing::Due
                } else {
                    Standing::Upcoming
                }
            })
            .collect()
    }

    pub fn last_day(&self) -> Option<Date> {
        self.instalments.last().map(|i| i.due_on)
    }
}

/// Checks instalments proposed for an invoice with `balance` owed: 2 to 36 of them, each more
/// than 0 in whole minor units, days strictly ascending from today up to three years out, and
/// together exactly the balance.
pub fn check(currency: Currency, balance: Decimal, today: Date, items: &[(Date, Decimal)]) -> Result<(), Vec<Invalid>> {
    let mut errors = Vec::new();
    if items.len() < 2 || items.len() > MAX_INSTALMENTS {
        errors.push(Invalid::new("instalments", format!("split the balance into 2 to {MAX_INSTALMENTS} instalments")));
        return Err(errors);
    }
    let mut sum = Decimal::ZERO;
    for (i, (day, amount)) in items.iter().enumerate() {
        if *amount <= Decimal::ZERO {
            errors.push(Invalid::new(format!("instalments[{i}].amount"), "is more than 0"));
        } else if currency.round(*amount) != *amount {
            errors.push(Invalid::new(
                format!("instalments[{i}].amount"),
                format!("use at most {} decimals", currency.minor_units()),
            ));
        }
        if *day < today {
            errors.push(Invalid::new(format!("instalments[{i}].due_on"), "is in the past"));
        } else if (*day - today).whole_days() > MAX_SPAN_DAYS {
            errors.push(Invalid::new(format!("instalments[{i}].due_on"), "is more than three years ahead"));
        } else if i > 0 && *day <= items[i - 1].0 {
            errors.push(Invalid::new(format!("instalments[{i}].due_on"), "falls after the instalment before it"));
        }
        sum += *amount;
    }
    if errors.is_empty() && sum != balance {
        errors.push(Invalid::new("instalments", format!("add up to {sum}; the balance is {balance}")));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use time::macros::date;

    #[test]
    fn standings_follow_what_is_paid() {
        let plan = Plan {
            base: dec!(10),
            instalments: vec![
                Instalment { due_on: date!(2026 - 01 - 10), amount: dec!(30), reminded: false },
                Instalment { due_on: date!(2026 - 02 - 10), amount: dec!(30), reminded: false },
                Instalment { due_on: date!(2026 - 03 - 10), amount: dec!(30), reminded: false },
            ],
        };
        let s = plan.standings(dec!(40), date!(2026 - 02 - 10));
        assert_eq!(s, [Standing::Paid, Standing::Due, Standing::Upcoming]);
        assert!(!plan.behind(dec!(40), date!(2026 - 02 - 10)), "due today is not late");
        assert!(plan.behind(dec!(40), date!(2026 - 02 - 11)));
        assert_eq!(plan.standings(dec!(39), date!(2026 - 02 - 11))[0], Standing::Late);
        assert_eq!(plan.owed_before(date!(2026 - 03 - 11)), dec!(100));
    }

    #[test]
    fn checks() {
        let today = date!(2026 - 01 - 01);
        let ok = [(date!(2026 - 01 - 01), dec!(50)), (date!(2026 - 02 - 01), dec!(50.50))];
        assert!(check(Currency::USD, dec!(100.50), today, &ok).is_ok());
        let errors = check(Currency::USD, dec!(100), today, &ok).expect_err("sum");
        assert_eq!(errors[0].field, "instalments");
        let bad = [(date!(2025 - 12 - 31), dec!(50.001)), (date!(2025 - 12 - 30), dec!(0))];
        let fields: Vec<String> =
            check(Currency::USD, dec!(50), today, &bad).expect_err("bad").iter().map(|e| e.field.to_string()).collect();
        assert_eq!(
            fields,
            ["instalments[0].amount", "instalments[0].due_on", "instalments[1].amount", "instalments[1].due_on"]
        );
        assert!(check(Currency::USD, dec!(50), today, &ok[..1]).is_err(), "one instalment is no plan");
    }
}
