//! A tenant's billing settings: how its invoice numbers look, the currency it bills in by
//! default, its tax rates, its default payment terms and when reminders go out.

use serde::{Deserialize, Serialize};

use super::NumberFormat;
use super::print::{AmountStyle, DateFormat, Paper};
use super::terms::Terms;
use super::totals::TaxRate;
use crate::identity::Invalid;
use crate::money::Currency;

pub const MAX_TAX_RATES: usize = 30;
pub const MAX_REMINDERS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingSettings {
    #[serde(default)]
    pub number_format: NumberFormat,
    /// How credit-note numbers look (their own gap-free sequence).
    #[serde(default = "default_credit_format")]
    pub credit_note_format: NumberFormat,
    #[serde(default = "default_currency")]
    pub currency: Currency,
    #[serde(default)]
    pub tax_rates: Vec<TaxRate>,
    /// The tenant's default terms; `None`: the platform's (Net 30).
    #[serde(default)]
    pub terms: Option<Terms>,
    /// Days relative to the due date a reminder goes out (`-3`: three days before, `7`: a
    /// week after), each once per invoice.
    #[serde(default = "default_reminders")]
    pub reminders: Vec<i16>,
    /// Printed under every invoice unless the invoice has its own.
    #[serde(default)]
    pub footer: String,
    /// The issuer's postal address as printed on its documents (lines).
    #[serde(default)]
    pub address: String,
    /// The issuer's tax or VAT number, printed on its documents.
    #[serde(default)]
    pub tax_id: String,
    #[serde(default)]
    pub date_format: DateFormat,
    #[serde(default)]
    pub amount_style: AmountStyle,
    #[serde(default)]
    pub paper: Paper,
}

pub const MAX_ADDRESS_CHARS: usize = 400;
pub const MAX_ADDRESS_LINES: usize = 6;

fn default_credit_format() -> NumberFormat {
    NumberFormat::parse(super::credit::DEFAULT_FORMAT).unwrap_or_default()
}

fn default_currency() -> Currency {
    Currency::USD
}

fn default_reminders() -> Vec<i16> {
    vec![-3, 1, 7, 14]
}

impl Default for BillingSettings {
    fn default() -> Self {
        Self {
            number_format: NumberFormat::default(),
            credit_note_format: default_credit_format(),
            currency: default_currency(),
            tax_rates: Vec::new(),
            terms: None,
            reminders: default_reminders(),
            footer: String::new(),
            address: String::new(),
            tax_id: String::new(),
            date_format: DateFormat::default(),
            amount_style: AmountStyle::default(),
            paper: Paper::default(),
        }
    }
}

impl BillingSettings {
    pub fn rate(&self, id: &str) -> Option<&TaxRate> {
        self.tax_rates.iter().find(|r| r.id == id)
    }

    /// Every rule broken.
    pub fn check(&self) -> Result<(), Vec<Invalid>> {
        let mut errors = Vec::new();
        if self.tax_rates.len() > MAX_TAX_RATES {
            errors.push(Invalid::new("tax_rates", format!("use at most {MAX_TAX_RATES} tax rates")));
        }
        if self.reminders.len() > MAX_REMINDERS {
            errors.push(Invalid::new("reminders", format!("use at most {MAX_REMINDERS} reminders")));
        }
        for (i, d) in self.reminders.iter().enumerate() {
            if !(-60..=180).contains(d) {
                errors.push(Invalid::new(format!("reminders[{i}]"), "use a day from -60 to 180 around the due date"));
            } else if self.reminders[..i].contains(d) {
                errors.push(Invalid::new(format!("reminders[{i}]"), "is listed twice"));
            }
        }
        if self.footer.chars().count() > 1000 {
            errors.push(Invalid::new("footer", "use at most 1000 characters"));
        }
        if self.address.chars().count() > MAX_ADDRESS_CHARS || self.address.lines().count() > MAX_ADDRESS_LINES {
            errors.push(Invalid::new(
                "address",
                format!("use at most {MAX_ADDRESS_LINES} lines and {MAX_ADDRESS_CHARS} characters"),
            ));
        }
        if self.tax_id.chars().count() > 40 || self.tax_id.contains(char::is_control) {
            errors.push(Invalid::new("tax_id", "use at most 40 characters on one line"));
        }
        if let Some(t) = &self.terms
            && let Err(es) = t.check()
        {
            errors.extend(es.into_iter().map(|e| Invalid::new(format!("terms.{}", e.field), e.message)));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_checks() {
        let s = BillingSettings::default();
        assert!(s.check().is_ok());
        assert_eq!(s.number_format.as_str(), "INV-{YYYY}-{SEQ:4}");
        let mut bad = s.clone();
        bad.reminders = vec![-3, 500, -3];
        bad.address = "1\n2\n3\n4\n5\n6\n7".into();
        bad.tax_id = "DE\n123".into();
        let fields: Vec<String> = bad.check().expect_err("bad").iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, ["reminders[1]", "reminders[2]", "address", "tax_id"]);
        let old: BillingSettings = serde_json::from_str("{}").expect("old items read with defaults");
        assert_eq!(old, s);
    }
}
