//! An invoice's figures from its lines, by one rule (the web editor must compute the same).
//!
//! Per line, each step rounded by the currency's rounding rule ([`crate::money`]):
//! 1. `amount = quantity × unit_price`;
//! 2. the line's discount: a percentage of `amount`, or a fixed sum (never more than `amount`);
//! 3. the invoice's discount, shared over the lines in proportion to what is left of each
//!    (a percentage applies to every line; a fixed sum is split by largest remainder so the
//!    shares add up to it exactly, and never exceeds the subtotal);
//! 4. taxes on what is left (`net`): an exclusive rate adds `net × rate`; a compound rate
//!    applies to `net` plus the line's non-compound taxes; for inclusive rates the prices
//!    already contain the tax, which is taken out: `tax = net − net ÷ (1 + rates)`.
//!
//! The invoice's subtotal, discounts, each tax and total are sums of the lines' rounded
//! figures, so the lines always add up to the total, and no discount makes anything negative.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Currency;

/// A tax rate of a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRate {
    pub id: String,
    pub name: String,
    /// Percent, e.g. `19` or `7.5`.
    pub percent: Decimal,
    /// The prices already contain this tax.
    #[serde(default)]
    pub inclusive: bool,
    /// Applies to the net plus the line's other (non-compound) taxes.
    #[serde(default)]
    pub compound: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Discount {
    /// Percent of the amount, 0 to 100.
    Percent(Decimal),
    /// A sum in the invoice's currency, at most the amount it applies to.
    Fixed(Decimal),
}

/// What totals need of a line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineInput<'a> {
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub discount: Option<Discount>,
    pub taxes: Vec<&'a TaxRate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaxAmount {
    pub rate_id: String,
    pub name: String,
    pub percent: Decimal,
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineTotals {
    /// quantity × unit price.
    pub amount: Decimal,
    /// The line's own discount plus its share of the invoice's.
    pub discount: Decimal,
    /// What the taxes apply to (for inclusive rates: with the tax still in it).
    pub net: Decimal,
    pub taxes: Vec<TaxAmount>,
    /// What the line adds to the invoice's total.
    pub total: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub lines: Vec<LineTotals>,
    /// Sum of the lines' amounts.
    pub subtotal: Decimal,
    /// Every discount, lines' and the invoice's.
    pub discount: Decimal,
    /// Each rate's tax, summed over the lines, in the order rates first appear.
    pub taxes: Vec<TaxAmount>,
    pub total: Decimal,
}

fn clamp_percent(p: Decimal) -> Decimal {
    p.max(Decimal::ZERO).min(Decimal::ONE_HUNDRED)
}

/// Splits `whole` (already rounded) over `weights` (already rounded) in proportion, by largest
/// remainder, so the shares are rounded and add up to `whole` exactly. Computed in whole minor
/// units, so remainders compare exactly (ties go to the earlier line).
fn allocate(currency: Currency, whole: Decimal, weights: &[Decimal]) -> Vec<Decimal> {
    let minor = |d: Decimal| -> i128 { currency.to_minor(d).map_or(0, i128::from) };
    let ws: Vec<i128> = weights.iter().map(|w| minor(*w)).collect();
    let sum: i128 = ws.iter().sum();
    let whole_m = minor(whole);
    if sum == 0 || whole_m == 0 {
        return vec![Decimal::ZERO; weights.len()];
    }
    let mut shares: Vec<i128> = ws.iter().map(|w| whole_m * w / sum).collect();
    let remainders: Vec<i128> = ws.iter().map(|w| whole_m * w % sum).collect();
    let mut left = whole_m - shares.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]).then(a.cmp(&b)));
    for i in order.into_iter().cycle() {
        if left <= 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares.into_iter().map(|s| currency.from_minor(s as i64)).collect()
}

/// The figures of `lines` with the invoice's `discount`, in `currency`.
pub fn totals(currency: Currency, lines: &[LineInput<'_>], discount: Option<Discount>) -> Totals {
    let round = |d: Decimal| currency.round(d);
    let amounts: Vec<Decimal> = lines.iter().map(|l| round(l.quantity * l.unit_price)).collect();
    let own: Vec<Decimal> = lines
        .iter()
        .zip(&amounts)
        .map(|(l, &amount)| {
            let positive = amount.max(Decimal::ZERO);
            match l.discount {
                None => Decimal::ZERO,
                Some(Discount::Percent(p)) => round(positive * clamp_percent(p) / Decimal::ONE_HUNDRED),
                Some(Discount::Fixed(f)) => round(f.max(Decimal::ZERO)).min(positive),
            }
        })
        .collect();
    let after_own: Vec<Decimal> = amounts.iter().zip(&own).map(|(a, d)| a - d).collect();
    let base: Vec<Decimal> = after_own.iter().map(|a| (*a).max(Decimal::ZERO)).collect();
    let base_sum: Decimal = base.iter().copied().sum();
    let shares = match discount {
        None => vec![Decimal::ZERO; lines.len()],
        Some(Discount::Percent(p)) => {
            let p = clamp_percent(p);
            base.iter().map(|b| round(b * p / Decimal::ONE_HUNDRED)).collect()
        }
        Some(Discount::Fixed(f)) => allocate(currency, round(f.max(Decimal::ZERO)).min(base_sum), &base),
    };

    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let net = after_own[i] - shares[i];
        let mut taxes = Vec::new();
        let inclusive: Decimal =
            line.taxes.iter().filter(|r| r.inclusive).map(|r| r.percent / Decimal::ONE_HUNDRED).sum();
        // Inclusive taxes come out of the net; the rest is what exclusive taxes apply to.
        let ex_inclusive = if inclusive.is_zero() { net } else { round(net / (Decimal::ONE + inclusive)) };
        let mut inclusive_left = net - ex_inclusive;
        let inclusive_rates: Vec<&&TaxRate> = line.taxes.iter().filter(|r| r.inclusive).collect();
        for (k, r) in inclusive_rates.iter().enumerate() {
            let amount = if k + 1 == inclusive_rates.len() {
                inclusive_left
            } else {
                round(ex_inclusive * r.percent / Decimal::ONE_HUNDRED)
            };
            inclusive_left -= amount;
            taxes.push(tax_amount(r, amount));
        }
        let mut simple = Decimal::ZERO;
        for r in line.taxes.iter().filter(|r| !r.inclusive && !r.compound) {
            let amount = round(ex_inclusive * r.percent / Decimal::ONE_HUNDRED);
            simple += amount;
            taxes.push(tax_amount(r, amount));
        }
        for r in line.taxes.iter().filter(|r| !r.inclusive && r.compound) {
            let amount = round((ex_inclusive + simple) * r.percent / Decimal::ONE_HUNDRED);
            taxes.push(tax_amount(r, amount));
        }
        let exclusive_tax: Decimal = taxes
            .iter()
            .filter(|t| line.taxes.iter().any(|r| r.id == t.rate_id && !r.inclusive))
            .map(|t| t.amount)
            .sum();
        out.push(LineTotals {
            amount: amounts[i],
            discount: own[i] + shares[i],
            net,
            taxes,
            total: net + exclusive_tax,
        });
    }
    let mut taxes: Vec<TaxAmount> = Vec::new();
    for t in out.iter().flat_map(|l| &l.taxes) {
        match taxes.iter_mut().find(|x| x.rate_id == t.rate_id) {
            Some(x) => x.amount += t.amount,
            None => taxes.push(t.clone()),
        }
    }
    Totals {
        subtotal: out.iter().map(|l| l.amount).sum(),
        discount: out.iter().map(|l| l.discount).sum(),
        total: out.iter().map(|l| l.total).sum(),
        taxes,
        lines: out,
    }
}

fn tax_amount(r: &TaxRate, amount: Decimal) -> TaxAmount {
    TaxAmount { rate_id: r.id.clone(), name: r.name.clone(), percent: r.percent, amount }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn rate(id: &str, percent: Decimal, inclusive: bool, compound: bool) -> TaxRate {
        TaxRate { id: id.into(), name: id.to_uppercase(), percent, inclusive, compound }
    }

    fn line<'a>(q: Decimal, p: Decimal, d: Option<Discount>, taxes: Vec<&'a TaxRate>) -> LineInput<'a> {
        LineInput { quantity: q, unit_price: p, discount: d, taxes }
    }

    #[test]
    fn a_plain_invoice_with_vat() {
        let vat = rate("vat", dec!(19), false, false);
        let t = totals(
            Currency::EUR,
            &[line(dec!(3), dec!(19.99), None, vec![&vat]), line(dec!(1.5), dec!(80), None, vec![&vat])],
            None,
        );
        assert_eq!(t.subtotal, dec!(179.97));
        assert_eq!(t.taxes[0].amount, dec!(11.39) + dec!(22.80));
        assert_eq!(t.total, dec!(179.97) + dec!(34.19));
    }

    #[test]
    fn discounts_per_line_and_per_invoice() {
        let t = totals(
            Currency::EUR,
            &[
                line(dec!(1), dec!(100), Some(Discount::Percent(dec!(10))), vec![]),
                line(dec!(1), dec!(50), Some(Discount::Fixed(dec!(80))), vec![]),
                line(dec!(1), dec!(33.33), None, vec![]),
            ],
            Some(Discount::Fixed(dec!(10))),
        );
        // 90 + 0 + 33.33 left; 10 shared 7.30 / 0 / 2.70 (largest remainder).
        assert_eq!(t.lines[1].discount, dec!(50), "a fixed discount never exceeds its line");
        assert_eq!(t.discount, dec!(10) + dec!(50) + dec!(10));
        assert_eq!(t.total, dec!(113.33));
        assert_eq!(t.lines.iter().map(|l| l.total).sum::<Decimal>(), t.total);
    }

    #[test]
    fn inclusive_and_compound_rates() {
        let inc = rate("inc", dec!(20), true, false);
        let t = totals(Currency::EUR, &[line(dec!(1), dec!(120), None, vec![&inc])], None);
        assert_eq!((t.taxes[0].amount, t.total), (dec!(20), dec!(120)), "the tax is inside the price");
        // Quebec-style: GST 5% then QST 9.975% on net + GST.
        let gst = rate("gst", dec!(5), false, false);
        let qst = rate("qst", dec!(9.975), false, true);
        let t = totals(Currency::parse("CAD").expect("cad"), &[line(dec!(1), dec!(100), None, vec![&gst, &qst])], None);
        assert_eq!(t.taxes.iter().map(|x| x.amount).collect::<Vec<_>>(), [dec!(5), dec!(10.47)]);
        assert_eq!(t.total, dec!(115.47));
    }

    #[test]
    fn allocation_adds_up_exactly() {
        let shares = allocate(Currency::EUR, dec!(0.10), &[dec!(1), dec!(1), dec!(1)]);
        assert_eq!(shares.iter().copied().sum::<Decimal>(), dec!(0.10));
        assert_eq!(shares, [dec!(0.04), dec!(0.03), dec!(0.03)]);
    }

    fn amount() -> impl Strategy<Value = Decimal> {
        (0i64..10_000_000).prop_map(|c| Decimal::new(c, 2))
    }

    fn discount() -> impl Strategy<Value = Option<Discount>> {
        prop_oneof![
            Just(None),
            (0i64..=12_000).prop_map(|p| Some(Discount::Percent(Decimal::new(p, 2)))),
            amount().prop_map(|a| Some(Discount::Fixed(a))),
        ]
    }

    proptest! {
        #[test]
        fn lines_add_up_and_nothing_goes_negative(
            lines in proptest::collection::vec((1i64..100_000, amount(), discount(), 0usize..4), 1..12),
            invoice_discount in discount(),
        ) {
            let rates = [
                rate("a", dec!(19), false, false),
                rate("b", dec!(7), true, false),
                rate("c", dec!(9.975), false, true),
            ];
            let inputs: Vec<LineInput<'_>> = lines
                .iter()
                .map(|(q, p, d, k)| line(Decimal::new(*q, 3), *p, *d, rates.iter().take(*k % 4).collect()))
                .collect();
            let t = totals(Currency::EUR, &inputs, invoice_discount);
            prop_assert_eq!(t.lines.iter().map(|l| l.total).sum::<Decimal>(), t.total);
            prop_assert_eq!(t.lines.iter().map(|l| l.amount).sum::<Decimal>(), t.subtotal);
            prop_assert_eq!(t.lines.iter().map(|l| l.discount).sum::<Decimal>(), t.discount);
            for l in &t.lines {
                prop_assert!(l.net >= Decimal::ZERO && l.total >= Decimal::ZERO, "{:?}", l);
                prop_assert_eq!(l.net, l.amount - l.discount);
                prop_assert_eq!(l.total.scale() <= 2, true);
            }
            prop_assert!(t.total >= Decimal::ZERO);
            let taxes: Decimal = t.taxes.iter().map(|x| x.amount).sum();
            prop_assert_eq!(taxes, t.lines.iter().flat_map(|l| &l.taxes).map(|x| x.amount).sum::<Decimal>());
        }
    }
}
