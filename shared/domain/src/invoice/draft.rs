//! What an invoice holds and the rules its input must keep: who is billed, the lines, the
//! discount and the currency. Amounts arrive as strings and are read exactly
//! ([`crate::money::Currency::parse_amount`]); every broken rule is reported at once, with the
//! path of the field (`lines[2].quantity`).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::totals::{Discount, LineInput, TaxRate, Totals, totals};
use crate::identity::Invalid;
use crate::money::Currency;

pub const MAX_LINES: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 500;
pub const MAX_TEXT_CHARS: usize = 4000;
pub const MAX_TAXES_PER_LINE: usize = 3;

/// One line as the client sent it: amounts as strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDraft {
    pub description: String,
    /// Decimal, up to 4 places, more than 0.
    pub quantity: String,
    pub unit_price: String,
    #[serde(default)]
    pub discount: Option<DiscountDraft>,
    #[serde(default)]
    pub tax_rate_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum DiscountDraft {
    Percent(String),
    Fixed(String),
}

/// A line as stored: exact amounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub description: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
    #[serde(default)]
    pub discount: Option<Discount>,
    #[serde(default)]
    pub tax_rate_ids: Vec<String>,
    /// Set on late-fee and interest lines added by the sweep (`fee:1`, `interest:2026-03-07`).
    #[serde(default)]
    pub charge_key: Option<String>,
    /// How a late charge was computed (`2% of the overdue balance 500.00 EUR`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
}

fn text(field: String, value: &str, max: usize, required: bool, errors: &mut Vec<Invalid>) -> String {
    let v = value.trim();
    if (required && v.is_empty()) || v.chars().count() > max {
        let what =
            if required { format!("use 1 to {max} characters") } else { format!("use at most {max} characters") };
        errors.push(Invalid::new(field, what));
    }
    v.to_owned()
}

fn percent(field: String, value: &str, errors: &mut Vec<Invalid>) -> Decimal {
    match value.trim().parse::<Decimal>() {
        Ok(p) if p >= Decimal::ZERO && p <= Decimal::ONE_HUNDRED && p.scale() <= 3 && !value.contains(['e', 'E']) => p,
        _ => {
            errors.push(Invalid::new(field, "use a percentage from 0 to 100"));
            Decimal::ZERO
        }
    }
}

fn discount(field: &str, d: &DiscountDraft, currency: Currency, errors: &mut Vec<Invalid>) -> Discount {
    match d {
        DiscountDraft::Percent(p) => Discount::Percent(percent(format!("{field}.value"), p, errors)),
        DiscountDraft::Fixed(a) => match currency.parse_amount(format!("{field}.value"), a) {
            Ok(v) if v >= Decimal::ZERO => Discount::Fixed(v),
            Ok(_) => {
                errors.push(Invalid::new(format!("{field}.value"), "a discount is 0 or more"));
                Discount::Fixed(Decimal::ZERO)
            }
            Err(e) => {
                errors.push(e);
                Discount::Fixed(Decimal::ZERO)
            }
        },
    }
}

/// Reads the lines and the invoice discount against the tenant's tax `rates`: every broken rule
/// at once.
pub fn check_lines(
    currency: Currency,
    drafts: &[LineDraft],
    invoice_discount: Option<&DiscountDraft>,
    rates: &[TaxRate],
) -> Result<(Vec<Line>, Option<Discount>), Vec<Invalid>> {
    let mut errors = Vec::new();
    if drafts.is_empty() || drafts.len() > MAX_LINES {
        errors.push(Invalid::new("lines", format!("use 1 to {MAX_LINES} lines")));
    }
    let mut lines = Vec::with_capacity(drafts.len());
    for (i, d) in drafts.iter().enumerate() {
        let at = |f: &str| format!("lines[{i}].{f}");
        let description = text(at("description"), &d.description, MAX_DESCRIPTION_CHARS, true, &mut errors);
        let quantity = match d.quantity.trim().parse::<Decimal>() {
            Ok(q)
                if q > Decimal::ZERO
                    && q < Decimal::from(1_000_000)
                    && q.scale() <= 4
                    && !d.quantity.contains(['e', 'E']) =>
            {
                q
            }
            _ => {
                errors.push(Invalid::new(
                    at("quantity"),
                    "use a quantity above 0 and under 1,000,000, with at most 4 decimals",
                ));
                Decimal::ONE
            }
        };
        let unit_price = match currency.parse_amount(at("unit_price"), &d.unit_price) {
            Ok(p) if p >= Decimal::ZERO => p,
            Ok(_) => {
                errors.push(Invalid::new(at("unit_price"), "a price is 0 or more (credit notes give money back)"));
                Decimal::ZERO
            }
            Err(e) => {
                errors.push(e);
                Decimal::ZERO
            }
        };
        let discount = d.discount.as_ref().map(|x| discount(&at("discount"), x, currency, &mut errors));
        if d.tax_rate_ids.len() > MAX_TAXES_PER_LINE {
            errors.push(Invalid::new(at("tax_rate_ids"), format!("use at most {MAX_TAXES_PER_LINE} tax rates")));
        }
        for (k, id) in d.tax_rate_ids.iter().enumerate() {
            if !rates.iter().any(|r| &r.id == id) {
                errors.push(Invalid::new(
                    format!("lines[{i}].tax_rate_ids[{k}]"),
                    "is not one of this tenant's tax rates",
                ));
            } else if d.tax_rate_ids[..k].contains(id) {
                errors.push(Invalid::new(format!("lines[{i}].tax_rate_ids[{k}]"), "is listed twice"));
            }
        }
        lines.push(Line {
            description,
            quantity,
            unit_price,
            discount,
            tax_rate_ids: d.tax_rate_ids.clone(),
            charge_key: None,
            basis: None,
        });
    }
    let invoice_discount = invoice_discount.map(|d| discount("discount", d, currency, &mut errors));
    if errors.is_empty() { Ok((lines, invoice_discount)) } else { Err(errors) }
}

/// The figures of stored lines.
pub fn figures(currency: Currency, lines: &[Line], discount: Option<Discount>, rates: &[TaxRate]) -> Totals {
    let inputs: Vec<LineInput<'_>> = lines
        .iter()
        .map(|l| LineInput {
            quantity: l.quantity,
            unit_price: l.unit_price,
            discount: l.discount,
            taxes: l.tax_rate_ids.iter().filter_map(|id| rates.iter().find(|r| &r.id == id)).collect(),
        })
        .collect();
    totals(currency, &inputs, discount)
}

/// Checks a tenant's tax rate as entered.
pub fn check_tax_rate(name: &str, percent_text: &str) -> Result<(String, Decimal), Vec<Invalid>> {
    let mut errors = Vec::new();
    let name = text("name".into(), name, 60, true, &mut errors);
    let p = percent("percent".into(), percent_text, &mut errors);
    if errors.is_empty() { Ok((name, p)) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn vat() -> TaxRate {
        TaxRate { id: "vat".into(), name: "VAT".into(), percent: dec!(19), inclusive: false, compound: false }
    }

    fn draft(description: &str, quantity: &str, price: &str) -> LineDraft {
        LineDraft {
            description: description.into(),
            quantity: quantity.into(),
            unit_price: price.into(),
            discount: None,
            tax_rate_ids: vec!["vat".into()],
        }
    }

    #[test]
    fn good_lines_read_exactly_and_add_up() {
        let (lines, discount) = check_lines(
            Currency::EUR,
            &[draft("Design", "2.5", "80.00"), draft("Hosting", "1", "19.99")],
            None,
            &[vat()],
        )
        .expect("valid");
        assert_eq!(lines[0].quantity, dec!(2.5));
        let t = figures(Currency::EUR, &lines, discount, &[vat()]);
        assert_eq!(t.subtotal, dec!(219.99));
        assert_eq!(t.total, dec!(219.99) + dec!(38.00) + dec!(3.80));
        let json = serde_json::to_value(&lines[1]).expect("json");
        assert_eq!(json["unit_price"], "19.99", "amounts travel as strings");
    }

    #[test]
    fn every_broken_rule_is_named_with_its_path() {
        let mut bad = draft("", "0", "12.345");
        bad.tax_rate_ids = vec!["vat".into(), "gst".into(), "vat".into()];
        bad.discount = Some(DiscountDraft::Percent("120".into()));
        let errors = check_lines(
            Currency::EUR,
            &[draft("Fine", "1", "10"), bad],
            Some(&DiscountDraft::Fixed("-5".into())),
            &[vat()],
        )
        .expect_err("invalid");
        let fields: Vec<String> = errors.iter().map(|e| e.field.to_string()).collect();
        assert_eq!(
            fields,
            [
                "lines[1].description",
                "lines[1].quantity",
                "lines[1].unit_price",
                "lines[1].discount.value",
                "lines[1].tax_rate_ids[1]",
                "lines[1].tax_rate_ids[2]",
                "discount.value",
            ]
        );
        assert!(check_lines(Currency::EUR, &[], None, &[]).is_err(), "at least one line");
        assert!(check_lines(Currency::EUR, &[draft("x", "1e3", "1")], None, &[vat()]).is_err(), "no exponents");
    }

    proptest::proptest! {
        /// Amounts typed as text come back from JSON exactly as read: what the API takes is what
        /// it stores and answers, whatever the digits.
        #[test]
        fn amounts_round_trip_through_json_exactly(
            quantity in 1i64..10_000_000, q_places in 1u32..5,
            price in 0i64..1_000_000_000, discount in 0i64..10_000,
        ) {
            let q = Decimal::new(quantity, q_places);
            let p = Decimal::new(price, 2);
            let mut d = draft("Work", &q.to_string(), &p.to_string());
            d.discount = Some(DiscountDraft::Fixed(Decimal::new(discount.min(price), 2).to_string()));
            let (lines, _) = check_lines(Currency::EUR, &[d], None, &[vat()]).expect("valid");
            let json = serde_json::to_string(&lines).expect("json");
            let back: Vec<Line> = serde_json::from_str(&json).expect("read back");
            proptest::prop_assert_eq!(&back, &lines);
            proptest::prop_assert_eq!(back[0].quantity, q);
            proptest::prop_assert_eq!(back[0].unit_price, p);
            let value: serde_json::Value = serde_json::from_str(&json).expect("value");
            proptest::prop_assert!(value[0]["unit_price"].is_string() && value[0]["quantity"].is_string());
        }
    }
}
