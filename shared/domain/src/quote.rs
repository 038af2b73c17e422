//! Quotes (PRD 4.3 "Quote Features"): line items with the invoicing module's money rules, some
//! required, some optional for the client to tick, some alternatives of a package (choose one);
//! a validity period; revisions when the issuer changes a sent quote; and the client's digital
//! acceptance of one choice, recorded with the words it accepted (their SHA-256 is taken by the
//! app). The allowed moves live here.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::identity::{Invalid, OrgId, TenantId, UserId};
use crate::invoice::draft::{Line, figures};
use crate::invoice::totals::{Discount, TaxRate, Totals};
use crate::money::Currency;

pub const MAX_ITEMS: usize = 100;
pub const MAX_TITLE: usize = 200;
/// Longest validity a quote may be given.
pub const MAX_VALID_DAYS: i64 = 365;

/// How an item is chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemKind {
    /// Always part of the quote.
    Required,
    /// The client ticks it or not (`default`: ticked to begin with).
    Optional {
        #[serde(default)]
        default: bool,
    },
    /// One of the alternatives of `group`: the client chooses exactly one per group.
    Package { group: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteItem {
    /// Stable within a revision (`i1`, `i2`, ...): what a choice names.
    pub id: String,
    pub line: Line,
    pub kind: ItemKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteStatus {
    Draft,
    Sent,
    Accepted,
    Declined,
    /// Taken back by the issuer.
    Withdrawn,
}

/// How an accepted quote is billed when it asks a deposit: an invoice of `percent` of every
/// chosen item, sent at once, and one of the rest, sent with a plan of `instalments` monthly
/// instalments (one: no plan, the balance is due by its terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deposit {
    #[serde(with = "rust_decimal::serde::str")]
    pub percent: Decimal,
    pub instalments: u8,
}

impl Deposit {
    pub const MAX_INSTALMENTS: u8 = 12;

    /// Checks the figures: 1 to 90 percent (two places at most), 1 to 12 instalments.
    pub fn check(percent: &str, instalments: u8) -> Result<Deposit, Vec<Invalid>> {
        let mut errors = Vec::new();
        let p = percent
            .trim()
            .parse::<Decimal>()
            .ok()
            .filter(|p| *p >= Decimal::ONE && *p <= Decimal::from(90) && p.normalize().scale() <= 2);
        if p.is_none() {
            errors.push(Invalid::new("deposit.percent", "use 1 to 90, with two decimals at most"));
        }
        if instalments == 0 || instalments > Self::MAX_INSTALMENTS {
            errors.push(Invalid::new("deposit.instalments", "use 1 to 12 instalments"));
        }
        match p {
            Some(percent) if errors.is_empty() => Ok(Deposit { percent: percent.normalize(), instalments }),
            _ => Err(errors),
        }
    }

    /// The deposit's part of `amount` (rounded in `currency`); the balance is the rest.
    pub fn part(&self, currency: Currency, amount: Decimal) -> Decimal {
        currency.round(amount * self.percent / Decimal::ONE_HUNDRED)
    }
}

/// The ids of what an acceptance makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planned {
    pub invoice: String,
    #[serde(default)]
    pub deposit_invoice: Option<String>,
    pub project: String,
}

/// What the client chose: the optional items ticked and one item per package group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    #[serde(default)]
    pub optional: Vec<String>,
    #[serde(default)]
    pub packages: BTreeMap<String, String>,
}

/// The record of an acceptance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    /// The name the client typed.
    pub name: String,
    pub user: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub ip: String,
    pub user_agent: String,
    pub choice: Choice,
    /// The revision accepted.
    pub revision: u32,
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    /// SHA-256 (hex) of [`accepted_text`]: what was accepted, word for word.
    pub sha256: String,
}

/// A revision as it was sent (kept when the issuer revises it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub revision: u32,
    pub items: Vec<QuoteItem>,
    pub valid_until: Date,
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub id: String,
    pub tenant: TenantId,
    /// The client organization it is for.
    pub org: OrgId,
    /// The service request it answers.
    #[serde(default)]
    pub request: Option<String>,
    pub title: String,
    pub currency: Currency,
    pub items: Vec<QuoteItem>,
    #[serde(default)]
    pub discount: Option<Discount>,
    /// The rates the items name, as they were when written.
    #[serde(default)]
    pub tax_rates: Vec<TaxRate>,
    #[serde(default)]
    pub notes: String,
    pub valid_until: Date,
    pub status: QuoteStatus,
    /// 1 for the first; each revision of a sent quote adds one.
    pub revision: u32,
    #[serde(default)]
    pub history: Vec<Revision>,
    #[serde(default)]
    pub acceptance: Option<Acceptance>,
    #[serde(default)]
    pub decline_reason: Option<String>,
    /// Billed as a deposit now and the balance in instalments (none: one invoice).
    #[serde(default)]
    pub deposit: Option<Deposit>,
    /// What acceptance made: the invoice (with a deposit, the balance's), the deposit's invoice
    /// and the project.
    #[serde(default)]
    pub invoice: Option<String>,
    #[serde(default)]
    pub deposit_invoice: Option<String>,
    /// The ids what acceptance makes will take, chosen when it is accepted (so a retry makes the
    /// same things, and two quotes never share one).
    #[serde(default)]
    pub planned: Option<Planned>,
    #[serde(default)]
    pub project: Option<String>,
    /// Reminders of the coming expiry already sent (days before).
    #[serde(default)]
    pub reminded: Vec<i64>,
    pub created_by: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
}

impl Quote {
    /// Past its validity on `today` (the last valid day included).
    pub fn expired(&self, today: Date) -> bool {
        today > self.valid_until
    }

    /// The choice the client sees first: optional items ticked by default, each package's first.
    pub fn default_choice(&self) -> Choice {
        let mut c = Choice::default();
        for i in &self.items {
            match &i.kind {
                ItemKind::Optional { default: true } => c.optional.push(i.id.clone()),
                ItemKind::Package { group } => {
                    c.packages.entry(group.clone()).or_insert_with(|| i.id.clone());
                }
                _ => {}
            }
        }
        c
    }

    /// The items `choice` selects: every required item, the optional ones ticked, one per
    /// package group. Every fault is named (`choice.optional[0]`, `choice.packages.<group>`).
    pub fn selected(&self, choice: &Choice) -> Result<Vec<&QuoteItem>, Vec<Invalid>> {
        let mut errors = Vec::new();
        for (n, id) in choice.optional.iter().enumerate() {
            let ok = self.items.iter().any(|i| &i.id == id && matches!(i.kind, ItemKind::Optional { .. }));
            if !ok || choice.optional[..n].contains(id) {
                errors.push(Invalid::new(format!("choice.optional[{n}]"), "is not an optional item of this quote"));
            }
        }
        for group in self.groups() {
            match choice.packages.get(&group) {
                Some(id)
                    if self
                        .items
                        .iter()
                        .any(|i| &i.id == id && i.kind == ItemKind::Package { group: group.clone() }) => {}
                Some(_) => errors
                    .push(Invalid::new(format!("choice.packages.{group}"), "is not an alternative of this package")),
                None => errors.push(Invalid::new(format!("choice.packages.{group}"), "choose one of this package")),
            }
        }
        for g in choice.packages.keys() {
            if !self.groups().contains(g) {
                errors.push(Invalid::new(format!("choice.packages.{g}"), "is no package of this quote"));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(self
            .items
            .iter()
            .filter(|i| match &i.kind {
                ItemKind::Required => true,
                ItemKind::Optional { .. } => choice.optional.contains(&i.id),
                ItemKind::Package { group } => choice.packages.get(group) == Some(&i.id),
            })
            .collect())
    }

    /// The package groups, in the order they first appear.
    pub fn groups(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for i in &self.items {
            if let ItemKind::Package { group } = &i.kind
                && !out.contains(group)
            {
                out.push(group.clone());
            }
        }
        out
    }

    /// The figures of `choice` (with the invoicing module's rounding).
    pub fn figures(&self, choice: &Choice) -> Result<Totals, Vec<Invalid>> {
        let lines: Vec<Line> = self.selected(choice)?.into_iter().map(|i| i.line.clone()).collect();
        Ok(figures(self.currency, &lines, self.discount, &self.tax_rates))
    }
}

/// Checks a quote's head and its items' kinds (the lines are checked by the invoicing rules).
pub fn check_quote(title: &str, valid_until: Date, today: Date, kinds: &[ItemKind]) -> Result<String, Vec<Invalid>> {
    let mut errors = Vec::new();
    let title = title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE || title.contains(['\n', '\r']) {
        errors.push(Invalid::new("title", "use 1 to 200 characters on one line"));
    }
    if valid_until < today || (valid_until - today).whole_days() > MAX_VALID_DAYS {
        errors.push(Invalid::new("valid_until", "use a day from today to a year ahead"));
    }
    if kinds.is_empty() || kinds.len() > MAX_ITEMS {
        errors.push(Invalid::new("items", format!("use 1 to {MAX_ITEMS} items")));
    }
    let mut groups: BTreeMap<&str, usize> = BTreeMap::new();
    for (n, k) in kinds.iter().enumerate() {
        if let ItemKind::Package { group } = k {
            if group.trim().is_empty() || group.chars().count() > 60 {
                errors.push(Invalid::new(format!("items[{n}].group"), "name the package in 1 to 60 characters"));
            }
            *groups.entry(group.as_str()).or_default() += 1;
        }
    }
    for (g, count) in groups {
        if count < 2 {
            errors.push(Invalid::new("items", format!("package “{g}” needs at least two alternatives")));
        }
    }
    if errors.is_empty() { Ok(title.to_owned()) } else { Err(errors) }
}

/// Who moves a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteMover {
    Issuer,
    Client,
}

/// Whether `by` may move a quote from `from` to `to`.
pub fn may_move(from: QuoteStatus, to: QuoteStatus, by: QuoteMover) -> bool {
    use QuoteStatus::*;
    matches!(
        (from, to, by),
        (Draft, Sent, QuoteMover::Issuer)
            | (Draft | Sent, Withdrawn, QuoteMover::Issuer)
            | (Sent, Accepted | Declined, QuoteMover::Client)
    )
}

/// What an acceptance accepts, word for word: the quote, its revision, every selected item with
/// its amounts, the totals, the validity and the notes. Its SHA-256 is kept with the acceptance,
/// and the PDF of the accepted quote prints it.
pub fn accepted_text(q: &Quote, choice: &Choice) -> Result<String, Vec<Invalid>> {
    let totals = q.figures(choice)?;
    let mut out = format!(
        "Quote {}\nRevision {}\nTitle {}\nCurrency {}\nValid until {}\n",
        q.id,
        q.revision,
        q.title,
        q.currency.code(),
        q.valid_until
    );
    for (i, line) in q.selected(choice)?.into_iter().zip(totals.lines.iter()) {
        out.push_str(&format!(
            "Item {} | {} | {} x {} = {}\n",
            i.id, i.line.description, i.line.quantity, i.line.unit_price, line.amount
        ));
    }
    out.push_str(&format!("Subtotal {}\nDiscount {}\n", totals.subtotal, totals.discount));
    for t in &totals.taxes {
        out.push_str(&format!("Tax {} {}\n", t.name, t.amount));
    }
    out.push_str(&format!("Total {}\nNotes {}\n", totals.total, q.notes));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use time::macros::{date, datetime};

    fn line(description: &str, price: Decimal) -> Line {
        Line {
            description: description.into(),
            quantity: dec!(1),
            unit_price: price,
            discount: None,
            tax_rate_ids: Vec::new(),
            charge_key: None,
            basis: None,
        }
    }

    fn quote() -> Quote {
        let item = |id: &str, d: &str, p: Decimal, kind: ItemKind| QuoteItem { id: id.into(), line: line(d, p), kind };
        Quote {
            id: "q1".into(),
            tenant: TenantId::new(ulid::Ulid::new()),
            org: OrgId::new(ulid::Ulid::new()),
            request: None,
            title: "Website".into(),
            currency: Currency::parse("EUR").expect("EUR"),
            items: vec![
                item("i1", "Design", dec!(1000), ItemKind::Required),
                item("i2", "Hosting, a year", dec!(120), ItemKind::Optional { default: true }),
                item("i3", "Basic SEO", dec!(300), ItemKind::Package { group: "SEO".into() }),
                item("i4", "Full SEO", dec!(900), ItemKind::Package { group: "SEO".into() }),
            ],
            discount: None,
            tax_rates: Vec::new(),
            notes: String::new(),
            valid_until: date!(2026 - 12 - 31),
            status: QuoteStatus::Sent,
            revision: 1,
            history: Vec::new(),
            acceptance: None,
            decline_reason: None,
            invoice: None,
            deposit: None,
            deposit_invoice: None,
            planned: None,
            project: None,
            reminded: Vec::new(),
            created_by: UserId::new(ulid::Ulid::new()),
            created_at: datetime!(2026-12-01 10:00 UTC),
            updated_at: datetime!(2026-12-01 10:00 UTC),
            sent_at: None,
        }
    }

    #[test]
    fn a_choice_selects_required_ticked_and_one_per_package() {
        let q = quote();
        let c = q.default_choice();
        assert_eq!(c.optional, ["i2"]);
        assert_eq!(c.packages.get("SEO").map(String::as_str), Some("i3"));
        assert_eq!(q.figures(&c).expect("figures").total, dec!(1420));
        let full = Choice { optional: vec![], packages: [("SEO".to_owned(), "i4".to_owned())].into() };
        assert_eq!(q.figures(&full).expect("figures").total, dec!(1900));
    }

    #[test]
    fn a_bad_choice_names_each_fault() {
        let q = quote();
        let bad = Choice { optional: vec!["i1".into()], packages: [("Nope".to_owned(), "i3".to_owned())].into() };
        let fields: Vec<String> =
            q.selected(&bad).expect_err("bad").into_iter().map(|e| e.field.into_owned()).collect();
        assert_eq!(fields, ["choice.optional[0]", "choice.packages.SEO", "choice.packages.Nope"]);
    }

    #[test]
    fn the_accepted_text_changes_with_what_was_chosen() {
        let q = quote();
        let a = accepted_text(&q, &q.default_choice()).expect("text");
        assert!(a.contains("Item i3 | Basic SEO | 1 x 300 = 300"), "{a}");
        assert!(a.contains("Total 1420"), "{a}");
        let full = Choice { optional: vec![], packages: [("SEO".to_owned(), "i4".to_owned())].into() };
        assert_ne!(a, accepted_text(&q, &full).expect("text"));
    }

    #[test]
    fn a_deposit_is_a_bounded_share() {
        let d = Deposit::check("30", 3).expect("deposit");
        let eur = Currency::parse("EUR").expect("EUR");
        assert_eq!(d.part(eur, dec!(1000.01)), dec!(300.00));
        assert_eq!(d.part(eur, dec!(0.05)), dec!(0.02));
        let fields = |p: &str, n: u8| -> Vec<String> {
            Deposit::check(p, n).expect_err("bad").into_iter().map(|e| e.field.into_owned()).collect()
        };
        assert_eq!(fields("95", 3), ["deposit.percent"]);
        assert_eq!(fields("12.345", 0), ["deposit.percent", "deposit.instalments"]);
        assert_eq!(fields("x", 13), ["deposit.percent", "deposit.instalments"]);
    }

    #[test]
    fn moves_and_validity() {
        assert!(may_move(QuoteStatus::Sent, QuoteStatus::Accepted, QuoteMover::Client));
        assert!(!may_move(QuoteStatus::Draft, QuoteStatus::Accepted, QuoteMover::Client));
        assert!(!may_move(QuoteStatus::Sent, QuoteStatus::Accepted, QuoteMover::Issuer));
        assert!(!may_move(QuoteStatus::Accepted, QuoteStatus::Withdrawn, QuoteMover::Issuer));
        let q = quote();
        assert!(!q.expired(date!(2026 - 12 - 31)));
        assert!(q.expired(date!(2027 - 01 - 01)));
        let kinds = [ItemKind::Required, ItemKind::Package { group: "SEO".into() }];
        let errs =
            check_quote("Site", date!(2026 - 12 - 10), date!(2026 - 12 - 05), &kinds).expect_err("one alternative");
        assert_eq!(errs[0].field, "items");
        assert!(check_quote("Site", date!(2026 - 12 - 01), date!(2026 - 12 - 05), &[ItemKind::Required]).is_err());
    }
}
