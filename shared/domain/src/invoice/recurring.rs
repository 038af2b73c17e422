//! Recurring invoices: a template (who is billed, lines, discount, notes) and a frequency from
//! a start day to an optional end day. Period `n` falls on the start day moved on `n` weeks,
//! months, quarters or years (always counted from the start, so the 31st stays the 31st where
//! a month has one). Each period's invoice has an id derived from the schedule and the period,
//! so a period is generated at most once however often, or however late, the sweep runs.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, OffsetDateTime};

use super::draft::Line;
use super::entity::Billed;
use super::totals::{Discount, TaxRate};
use crate::identity::{Invalid, TenantId, UserId};
use crate::money::Currency;

/// Missed periods a late sweep catches up at most (one invoice each).
pub const MAX_CATCH_UP: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Weekly,
    Monthly,
    Quarterly,
    Yearly,
}

impl Frequency {
    pub const ALL: [Frequency; 4] = [Frequency::Weekly, Frequency::Monthly, Frequency::Quarterly, Frequency::Yearly];

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Weekly => "weekly",
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::Yearly => "yearly",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The day of period `n` of a schedule starting on `start`.
    pub fn nth(self, start: Date, n: u32) -> Date {
        let months = match self {
            Frequency::Weekly => return start + Duration::weeks(i64::from(n)),
            Frequency::Monthly => n,
            Frequency::Quarterly => 3 * n,
            Frequency::Yearly => 12 * n,
        };
        let index = start.year() * 12 + i32::from(u8::from(start.month())) - 1 + months as i32;
        let (year, month) =
            (index.div_euclid(12), Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap_or(Month::January));
        let last = month.length(year);
        Date::from_calendar_date(year, month, start.day().min(last)).unwrap_or(start)
    }

    /// What one period's amount comes to per month (exact: weekly × 52 / 12).
    pub fn per_month(self, amount: Decimal) -> Decimal {
        match self {
            Frequency::Weekly => amount * Decimal::from(52) / Decimal::from(12),
            Frequency::Monthly => amount,
            Frequency::Quarterly => amount / Decimal::from(3),
            Frequency::Yearly => amount / Decimal::from(12),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurring {
    pub id: String,
    pub tenant: TenantId,
    pub billed: Billed,
    pub currency: Currency,
    pub lines: Vec<Line>,
    #[serde(default)]
    pub discount: Option<Discount>,
    #[serde(default)]
    pub tax_rates: Vec<TaxRate>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub terms_text: String,
    /// One period's total (the template's figures).
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    pub frequency: Frequency,
    pub start_on: Date,
    /// The last day a period may fall on.
    #[serde(default)]
    pub end_on: Option<Date>,
    /// The next period to generate (0: none generated yet).
    #[serde(default)]
    pub next: u32,
    /// Send each invoice as it is generated (else it waits as a draft).
    #[serde(default)]
    pub auto_send: bool,
    /// Charge the billed party's saved card for each invoice sent (with `auto_send`).
    #[serde(default)]
    pub auto_charge: bool,
    /// Paused schedules generate nothing (missed periods are skipped when resumed).
    pub active: bool,
    #[serde(default)]
    pub last_invoice: Option<String>,
    pub created_by: UserId,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub updated_at: OffsetDateTime,
}

impl Recurring {
    /// The day of the next period, unless the schedule has ended.
    pub fn next_on(&self) -> Option<Date> {
        let day = self.frequency.nth(self.start_on, self.next);
        if self.end_on.is_some_and(|end| day > end) { None } else { Some(day) }
    }

    /// The periods due by `today` (at most [`MAX_CATCH_UP`]), oldest first.
    pub fn due(&self, today: Date) -> Vec<(u32, Date)> {
        if !self.active {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut n = self.next;
        while out.len() < MAX_CATCH_UP {
            let day = self.frequency.nth(self.start_on, n);
            if day > today || self.end_on.is_some_and(|end| day > end) {
                break;
            }
            out.push((n, day));
            n += 1;
        }
        out
    }

    /// The first period on or after `today` (where a resumed schedule picks up).
    pub fn first_from(&self, today: Date) -> u32 {
        let mut n = self.next;
        while self.frequency.nth(self.start_on, n) < today && n < self.next + 10_000 {
            n += 1;
        }
        n
    }

    /// What it bills per month while active (monthly recurring revenue).
    pub fn monthly(&self) -> Decimal {
        if self.active && self.next_on().is_some() { self.frequency.per_month(self.total) } else { Decimal::ZERO }
    }

    /// What it bills per year while active (annual run rate), exact in the currency's units.
    pub fn yearly(&self) -> Decimal {
        if !self.active || self.next_on().is_none() {
            return Decimal::ZERO;
        }
        self.total
            * Decimal::from(match self.frequency {
                Frequency::Weekly => 52,
                Frequency::Monthly => 12,
                Frequency::Quarterly => 4,
                Frequency::Yearly => 1,
            })
    }
}

/// The id of the invoice period `n` of schedule `schedule` generates: a ULID with the
/// schedule's time and its random part moved by the period, the same on every attempt.
pub fn invoice_id(schedule: &str, n: u32) -> Option<String> {
    let u = ulid::Ulid::from_string(schedule).ok()?;
    let random = u.random() ^ ((u128::from(n) + 1) << 40);
    Some(ulid::Ulid::from_parts(u.timestamp_ms(), random).to_string())
}

/// Checks the schedule's days: an end, if any, not before the start; a start at most a year
/// back (the first periods are generated at once) and at most three years ahead.
pub fn check_days(start: Date, end: Option<Date>, today: Date) -> Result<(), Vec<Invalid>> {
    let mut errors = Vec::new();
    if (today - start).whole_days() > 366 {
        errors.push(Invalid::new("start_on", "is more than a year ago"));
    } else if (start - today).whole_days() > 3 * 366 {
        errors.push(Invalid::new("start_on", "is more than three years ahead"));
    }
    if end.is_some_and(|e| e < start) {
        errors.push(Invalid::new("end_on", "is before the start"));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use time::macros::date;

    #[test]
    fn periods_count_from_the_start() {
        let start = date!(2026 - 01 - 31);
        assert_eq!(Frequency::Monthly.nth(start, 1), date!(2026 - 02 - 28));
        assert_eq!(Frequency::Monthly.nth(start, 2), date!(2026 - 03 - 31), "the 31st comes back");
        assert_eq!(Frequency::Monthly.nth(start, 13), date!(2027 - 02 - 28));
        assert_eq!(Frequency::Quarterly.nth(start, 1), date!(2026 - 04 - 30));
        assert_eq!(Frequency::Yearly.nth(date!(2028 - 02 - 29), 1), date!(2029 - 02 - 28));
        assert_eq!(Frequency::Weekly.nth(start, 2), date!(2026 - 02 - 14));
        assert_eq!(Frequency::Monthly.nth(date!(2026 - 11 - 15), 2), date!(2027 - 01 - 15));
    }

    #[test]
    fn monthly_revenue() {
        assert_eq!(Frequency::Weekly.per_month(dec!(120)), dec!(520));
        assert_eq!(Frequency::Quarterly.per_month(dec!(300)), dec!(100));
        assert_eq!(Frequency::Yearly.per_month(dec!(1200)), dec!(100));
    }

    #[test]
    fn invoice_ids_are_stable_and_distinct() {
        let s = ulid::Ulid::new().to_string();
        let a = invoice_id(&s, 0).expect("id");
        assert_eq!(Some(a.clone()), invoice_id(&s, 0));
        assert_ne!(Some(a.clone()), invoice_id(&s, 1));
        assert_ne!(a, s);
        assert_eq!(a.len(), 26);
        assert!(invoice_id("not a ulid", 0).is_none());
    }
}
