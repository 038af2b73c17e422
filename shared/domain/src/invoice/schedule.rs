//! What the invoice sweep does to a sent invoice on a day, and when it should look again:
//! reminders around the due date (each once), Overdue the day after the due date, late fees
//! and interest by the terms (each charge once, by its key). The sweep looks at an invoice
//! only on the days this module names, so its work grows with invoices that need something,
//! not with every open invoice every day.

use rust_decimal::Decimal;
use time::{Date, Duration};

use super::draft::Line;
use super::entity::Invoice;
use super::plan::Standing;
use super::terms::{Charge, late_charges};

/// Interest is charged at most this often (days), and on the days fees fall due.
pub const INTEREST_EVERY_DAYS: i64 = 30;

/// What is due on an invoice on a day.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Actions {
    /// Reminder offsets now done (the latest one is the one sent; older ones missed meanwhile
    /// are not sent late).
    pub reminders: Vec<i16>,
    /// The offset of the reminder to send.
    pub remind: Option<i16>,
    /// The payment-plan instalment to remind of (its index); earlier unreminded ones are
    /// marked with it.
    pub instalment: Option<usize>,
    /// It becomes Overdue.
    pub overdue: bool,
    pub charges: Vec<Charge>,
}

impl Actions {
    pub fn is_empty(&self) -> bool {
        self.reminders.is_empty() && self.instalment.is_none() && !self.overdue && self.charges.is_empty()
    }
}

fn charged(inv: &Invoice) -> Vec<String> {
    inv.lines.iter().filter_map(|l| l.charge_key.clone()).collect()
}

/// What is due on `inv` on `today` with the tenant's reminder offsets.
pub fn due_actions(inv: &Invoice, reminders: &[i16], today: Date) -> Actions {
    let mut a = Actions::default();
    let (Some(due), Some(issued)) = (inv.due_on, inv.issued_on) else { return a };
    if !inv.status.is_open() || inv.balance() <= Decimal::ZERO {
        return a;
    }
    let mut pending: Vec<i16> = reminders
        .iter()
        .copied()
        .filter(|d| !inv.reminded.contains(d))
        .filter(|d| {
            let day = due + Duration::days((*d).into());
            day > issued && day <= today
        })
        .collect();
    pending.sort();
    a.remind = pending.last().copied();
    a.reminders = pending;
    if let Some(plan) = &inv.plan {
        let standings = plan.standings(inv.paid, today);
        a.instalment = plan
            .instalments
            .iter()
            .enumerate()
            .filter(|(i, x)| !x.reminded && x.due_on <= today && standings[*i] != Standing::Paid)
            .map(|(i, _)| i)
            .last();
    }
    a.overdue = inv.past_due(today) && inv.status != super::Status::Overdue;
    if let Some(terms) = &inv.terms {
        let mut charges = late_charges(terms, inv.currency, due, today, inv.balance(), &charged(inv));
        // Interest only every INTEREST_EVERY_DAYS, or along with a fee.
        let fee_now = charges.iter().any(|c| c.key.starts_with("fee:"));
        let last_interest = last_interest_day(inv).unwrap_or(due);
        if !fee_now && (today - last_interest).whole_days() < INTEREST_EVERY_DAYS {
            charges.retain(|c| !c.key.starts_with("interest:"));
        }
        a.charges = charges;
    }
    a
}

fn last_interest_day(inv: &Invoice) -> Option<Date> {
    inv.lines
        .iter()
        .filter_map(|l| l.charge_key.as_deref()?.strip_prefix("interest:"))
        .filter_map(|d| Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok())
        .max()
}

/// Applies `actions` to `inv`: reminders marked, charges added as lines.
pub fn apply(inv: &mut Invoice, actions: &Actions) {
    inv.reminded.extend(actions.reminders.iter().copied());
    if let (Some(upto), Some(plan)) = (actions.instalment, inv.plan.as_mut()) {
        for x in plan.instalments.iter_mut().take(upto + 1) {
            x.reminded = true;
        }
    }
    for c in &actions.charges {
        inv.lines.push(Line {
            description: c.description.clone(),
            quantity: Decimal::ONE,
            unit_price: c.amount,
            discount: None,
            tax_rate_ids: Vec::new(),
            charge_key: Some(c.key.clone()),
            basis: Some(c.basis.clone()),
        });
    }
}

/// The next day after `today` the sweep should look at `inv`, if any.
pub fn next_look(inv: &Invoice, reminders: &[i16], today: Date) -> Option<Date> {
    let (Some(due), Some(issued)) = (inv.due_on, inv.issued_on) else { return None };
    if !inv.status.is_open() {
        return None;
    }
    let mut days: Vec<Date> = reminders
        .iter()
        .filter(|d| !inv.reminded.contains(d))
        .map(|d| due + Duration::days((*d).into()))
        .filter(|day| *day > issued)
        .collect();
    if inv.status != super::Status::Overdue {
        days.push(due + Duration::days(1));
    }
    if let Some(plan) = &inv.plan {
        for (x, s) in plan.instalments.iter().zip(plan.standings(inv.paid, today)) {
            if s != Standing::Paid {
                if !x.reminded {
                    days.push(x.due_on);
                }
                days.push(x.due_on + Duration::days(1));
            }
        }
    }
    if let Some(terms) = &inv.terms {
        if let Some(fee) = terms.late_fee {
            let fees = charged(inv).iter().filter(|k| k.starts_with("fee:")).count() as i64;
            let first = due + Duration::days(i64::from(fee.grace_days) + 1);
            match (fees, fee.repeat_days) {
                (0, _) => days.push(first),
                (n, Some(every)) => days.push(first + Duration::days(n * i64::from(every))),
                (_, None) => {}
            }
        }
        if terms.interest.is_some() {
            let last = last_interest_day(inv).unwrap_or(due);
            days.push(last + Duration::days(INTEREST_EVERY_DAYS));
        }
    }
    days.into_iter().filter(|d| *d > today).min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{OrgId, TenantId, UserId};
    use crate::invoice::Status;
    use crate::invoice::entity::Billed;
    use crate::invoice::terms::{FeeAmount, Interest, LateFee, Terms};
    use crate::money::Currency;
    use rust_decimal_macros::dec;
    use time::macros::{date, datetime};

    fn invoice(terms: Terms) -> Invoice {
        let at = datetime!(2026-03-01 09:00 UTC);
        Invoice {
            id: "01JD00000000000000000000IV".into(),
            tenant: TenantId::new(ulid::Ulid::new()),
            billed: Billed::Org { org: OrgId::new(ulid::Ulid::new()) },
            status: Status::Sent,
            number: Some("INV-2026-0001".into()),
            seq: Some(1),
            currency: Currency::EUR,
            lines: vec![Line {
                description: "Work".into(),
                quantity: dec!(1),
                unit_price: dec!(1000),
                discount: None,
                tax_rate_ids: vec![],
                charge_key: None,
                basis: None,
            }],
            discount: None,
            tax_rates: vec![],
            notes: String::new(),
            terms_text: String::new(),
            terms: Some(terms),
            issued_on: Some(date!(2026 - 03 - 01)),
            due_on: Some(date!(2026 - 03 - 31)),
            total: dec!(1000),
            paid: dec!(0),
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
    fn reminders_then_overdue_then_fees_each_once() {
        let mut terms = Terms::net(30);
        terms.late_fee =
            Some(LateFee { amount: FeeAmount::Fixed { amount: dec!(40) }, grace_days: 7, repeat_days: Some(30) });
        let mut inv = invoice(terms);
        let reminders = [-3, 1, 7];
        let today = date!(2026 - 03 - 01);
        assert_eq!(next_look(&inv, &reminders, today), Some(date!(2026 - 03 - 28)), "three days before");
        let a = due_actions(&inv, &reminders, date!(2026 - 03 - 28));
        assert_eq!((a.remind, a.overdue, a.charges.len()), (Some(-3), false, 0));
        apply(&mut inv, &a);
        assert!(due_actions(&inv, &reminders, date!(2026 - 03 - 28)).is_empty(), "once");
        assert_eq!(next_look(&inv, &reminders, date!(2026 - 03 - 28)), Some(date!(2026 - 04 - 01)));
        let a = due_actions(&inv, &reminders, date!(2026 - 04 - 01));
        assert_eq!((a.remind, a.overdue), (Some(1), true));
        apply(&mut inv, &a);
        inv.status = Status::Overdue;
        assert_eq!(next_look(&inv, &reminders, date!(2026 - 04 - 01)), Some(date!(2026 - 04 - 07)));
        // The sweep ran late: the week reminder and the first fee together, once.
        let a = due_actions(&inv, &reminders, date!(2026 - 04 - 09));
        assert_eq!((a.remind, a.charges.iter().map(|c| c.key.as_str()).collect::<Vec<_>>()), (Some(7), vec!["fee:1"]));
        apply(&mut inv, &a);
        assert!(due_actions(&inv, &reminders, date!(2026 - 04 - 09)).is_empty());
        assert_eq!(next_look(&inv, &reminders, date!(2026 - 04 - 09)), Some(date!(2026 - 05 - 08)), "the second fee");
        inv.status = Status::Paid;
        assert_eq!(next_look(&inv, &reminders, date!(2026 - 04 - 09)), None, "nothing once paid");
    }

    #[test]
    fn interest_every_thirty_days() {
        let mut terms = Terms::net(30);
        terms.interest = Some(Interest { annual_percent: dec!(10.5) });
        let mut inv = invoice(terms);
        inv.status = Status::Overdue;
        inv.reminded = vec![-3, 1, 7];
        assert_eq!(next_look(&inv, &[-3, 1, 7], date!(2026 - 04 - 01)), Some(date!(2026 - 04 - 30)));
        assert!(due_actions(&inv, &[], date!(2026 - 04 - 15)).charges.is_empty(), "not before thirty days");
        let a = due_actions(&inv, &[], date!(2026 - 04 - 30));
        assert_eq!(a.charges.len(), 1);
        // 1000 × 10.5 % × 30/365 = 8.630… -> 8.63
        assert_eq!(a.charges[0].amount, dec!(8.63));
        apply(&mut inv, &a);
        assert_eq!(next_look(&inv, &[], date!(2026 - 04 - 30)), Some(date!(2026 - 05 - 30)));
    }

    #[test]
    fn instalments_are_reminded_on_their_day_and_late_the_day_after() {
        use crate::invoice::plan::{Instalment, Plan};
        let mut inv = invoice(Terms::net(30));
        inv.plan = Some(Plan {
            base: dec!(0),
            instalments: vec![
                Instalment { due_on: date!(2026 - 03 - 10), amount: dec!(500), reminded: false },
                Instalment { due_on: date!(2026 - 04 - 10), amount: dec!(500), reminded: false },
            ],
        });
        inv.due_on = Some(date!(2026 - 04 - 10));
        let today = date!(2026 - 03 - 01);
        assert_eq!(next_look(&inv, &[], today), Some(date!(2026 - 03 - 10)));
        let a = due_actions(&inv, &[], date!(2026 - 03 - 10));
        assert_eq!((a.instalment, a.overdue), (Some(0), false));
        apply(&mut inv, &a);
        assert!(due_actions(&inv, &[], date!(2026 - 03 - 10)).is_empty(), "once");
        assert_eq!(next_look(&inv, &[], date!(2026 - 03 - 10)), Some(date!(2026 - 03 - 11)));
        let a = due_actions(&inv, &[], date!(2026 - 03 - 11));
        assert!(a.overdue, "the first instalment's day passed unpaid");
        // Paid in time instead: not overdue, next look on the second instalment.
        inv.paid = dec!(500);
        assert!(!due_actions(&inv, &[], date!(2026 - 03 - 11)).overdue);
        assert_eq!(next_look(&inv, &[], date!(2026 - 03 - 11)), Some(date!(2026 - 04 - 10)));
    }
}
