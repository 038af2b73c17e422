//! Money: exact decimal amounts in one ISO 4217 currency, never floats (amounts travel as
//! strings in JSON, `"1234.50"`).
//!
//! **The rounding rule.** Every amount the portal stores or shows is rounded to its currency's
//! minor units, half away from zero (commercial rounding: 0.005 EUR is 0.01, -0.005 is -0.01),
//! at the step that produces it, and never again: an invoice's figures are sums of amounts
//! already rounded, so the lines always add up to the total shown.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::identity::Invalid;

/// ISO 4217 currencies the portal bills in, with their minor units.
#[rustfmt::skip]
const CURRENCIES: &[(&str, u32)] = &[
    ("AED", 2), ("AUD", 2), ("BGN", 2), ("BHD", 3), ("BRL", 2), ("CAD", 2), ("CHF", 2), ("CLP", 0),
    ("CNY", 2), ("CZK", 2), ("DKK", 2), ("EUR", 2), ("GBP", 2), ("HKD", 2), ("HUF", 2), ("IDR", 2),
    ("ILS", 2), ("INR", 2), ("ISK", 0), ("JOD", 3), ("JPY", 0), ("KRW", 0), ("KWD", 3), ("MXN", 2),
    ("MYR", 2), ("NOK", 2), ("NZD", 2), ("OMR", 3), ("PHP", 2), ("PLN", 2), ("RON", 2), ("SAR", 2),
    ("SEK", 2), ("SGD", 2), ("THB", 2), ("TND", 3), ("TRY", 2), ("TWD", 2), ("UAH", 2), ("USD", 2),
    ("VND", 0), ("ZAR", 2),
];

/// A currency the portal bills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency {
    code: [u8; 3],
    minor_units: u32,
}

impl Currency {
    pub const EUR: Currency = Currency { code: *b"EUR", minor_units: 2 };
    pub const USD: Currency = Currency { code: *b"USD", minor_units: 2 };

    /// A code such as `EUR` or `usd`.
    pub fn parse(code: &str) -> Result<Self, Invalid> {
        let upper = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == upper)
            .map(|(c, minor_units)| {
                let b = c.as_bytes();
                Currency { code: [b[0], b[1], b[2]], minor_units: *minor_units }
            })
            .ok_or_else(|| Invalid::new("currency", "use an ISO 4217 code the portal bills in, such as EUR or USD"))
    }

    pub fn code(&self) -> &str {
        // Built only from the ASCII table above.
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// Digits after the decimal point (2 for EUR, 0 for JPY, 3 for KWD).
    pub fn minor_units(&self) -> u32 {
        self.minor_units
    }

    /// `amount` rounded by the rounding rule.
    pub fn round(&self, amount: Decimal) -> Decimal {
        amount.round_dp_with_strategy(self.minor_units, RoundingStrategy::MidpointAwayFromZero)
    }

    /// `amount` as a count of minor units (cents), for payment providers. `None` past i64.
    pub fn to_minor(&self, amount: Decimal) -> Option<i64> {
        let scaled = self.round(amount) * Decimal::from(10i64.pow(self.minor_units));
        i64::try_from(scaled.trunc()).ok()
    }

    pub fn from_minor(&self, minor: i64) -> Decimal {
        Decimal::new(minor, self.minor_units)
    }

    /// An amount as people write it (`"1234.5"`, `"-3"`): plain digits with at most the
    /// currency's minor units after the point, no exponent, no grouping, within ±10^12.
    pub fn parse_amount(
        &self,
        field: impl Into<std::borrow::Cow<'static, str>>,
        text: &str,
    ) -> Result<Decimal, Invalid> {
        let field = field.into();
        let t = text.trim();
        let digits = t.strip_prefix('-').unwrap_or(t);
        let (int, frac, point) = match digits.split_once('.') {
            Some((i, f)) => (i, f, true),
            None => (digits, "", false),
        };
        let well_formed = !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
            && (!point || !frac.is_empty());
        if !well_formed {
            return Err(Invalid::new(field, "write an amount such as 1234.50"));
        }
        if frac.len() > self.minor_units as usize {
            let unit = match self.minor_units {
                0 => "no decimals".to_owned(),
                1 => "at most 1 decimal".to_owned(),
                n => format!("at most {n} decimals"),
            };
            return Err(Invalid::new(field, format!("{} amounts have {unit}", self.code())));
        }
        let value = Decimal::from_str(t).map_err(|_| Invalid::new(field.clone(), "write an amount such as 1234.50"))?;
        if value.abs() >= max_amount() {
            return Err(Invalid::new(field, "use an amount under 1,000,000,000,000"));
        }
        Ok(value)
    }
}

/// The largest amount (exclusive) anything is billed for.
pub fn max_amount() -> Decimal {
    Decimal::from(1_000_000_000_000i64)
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Currency::parse(&s).map_err(|e| e.message)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_owned()
    }
}

/// An amount written with exactly the currency's minor units (`"12.50"`, `"1200"` for JPY).
pub fn format_amount(currency: Currency, amount: Decimal) -> String {
    let mut rounded = currency.round(amount);
    rounded.rescale(currency.minor_units());
    rounded.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_away_from_zero_at_the_minor_units() {
        let eur = Currency::EUR;
        assert_eq!(eur.round(dec!(0.005)), dec!(0.01));
        assert_eq!(eur.round(dec!(-0.005)), dec!(-0.01));
        assert_eq!(eur.round(dec!(2.675)), dec!(2.68));
        assert_eq!(eur.round(dec!(2.6749)), dec!(2.67));
        let jpy = Currency::parse("jpy").expect("JPY");
        assert_eq!(jpy.round(dec!(100.5)), dec!(101));
        let kwd = Currency::parse("KWD").expect("KWD");
        assert_eq!(kwd.round(dec!(1.0005)), dec!(1.001));
    }

    #[test]
    fn amounts_are_read_strictly() {
        let eur = Currency::EUR;
        assert_eq!(eur.parse_amount("amount", "1234.5"), Ok(dec!(1234.5)));
        assert_eq!(eur.parse_amount("amount", "-3"), Ok(dec!(-3)));
        for bad in ["", "1,234.50", "1e3", "12.", ".5", "12.345", "abc", "--1", "1 000", "NaN", "1000000000000"] {
            let e = eur.parse_amount("lines[0].unit_price", bad).expect_err(bad);
            assert_eq!(e.field, "lines[0].unit_price", "{bad}");
        }
        let jpy = Currency::parse("JPY").expect("JPY");
        assert_eq!(jpy.parse_amount("x", "1.5").expect_err("decimals").message, "JPY amounts have no decimals");
        assert!(Currency::parse("XYZ").is_err());
    }

    #[test]
    fn minor_units_round_trip_and_formatting_shows_every_digit() {
        let eur = Currency::EUR;
        assert_eq!(eur.to_minor(dec!(12.5)), Some(1250));
        assert_eq!(eur.from_minor(1250), dec!(12.50));
        assert_eq!(format_amount(eur, dec!(12.5)), "12.50");
        assert_eq!(format_amount(Currency::parse("JPY").expect("JPY"), dec!(1200)), "1200");
        assert_eq!(serde_json::to_string(&eur).expect("json"), "\"EUR\"");
        assert!(serde_json::from_str::<Currency>("\"ABC\"").is_err());
    }

    proptest! {
        #[test]
        fn formatted_amounts_read_back_exactly(minor in -99_999_999_999i64..99_999_999_999i64, units in 0u32..=3) {
            let c = [("JPY", 0), ("EUR", 2), ("KWD", 3)].iter().find(|(_, u)| *u == units).map(|(c, _)| *c).unwrap_or("EUR");
            let c = Currency::parse(c).expect("currency");
            let amount = c.from_minor(minor / 1000);
            let text = format_amount(c, amount);
            prop_assert_eq!(c.parse_amount("amount", &text).expect("reads back"), amount);
            prop_assert_eq!(c.to_minor(amount), Some(minor / 1000));
        }
    }
}
