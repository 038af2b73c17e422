//! How a tenant's documents (invoice, receipt and credit-note PDFs) write dates and amounts,
//! and on which paper: chosen in the billing settings, applied by [`DateFormat::format`] and
//! [`AmountStyle::format`].
//!
//! Amounts are written from the exact decimal already rounded to the currency's minor units
//! (the rounding rule of [`crate::money`]); formatting only groups digits and places the
//! currency's symbol, so what a document shows is digit for digit what the API returns.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::money::{Currency, format_amount};

/// How dates are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DateFormat {
    /// `2026-12-04` (ISO 8601).
    #[default]
    #[serde(rename = "yyyy-mm-dd")]
    Iso,
    /// `04/12/2026`.
    #[serde(rename = "dd/mm/yyyy")]
    DayMonthYear,
    /// `12/04/2026`.
    #[serde(rename = "mm/dd/yyyy")]
    MonthDayYear,
    /// `04.12.2026`.
    #[serde(rename = "dd.mm.yyyy")]
    Dotted,
    /// `4 December 2026`.
    #[serde(rename = "d mmmm yyyy")]
    Long,
    /// `December 4, 2026`.
    #[serde(rename = "mmmm d, yyyy")]
    LongUs,
}

impl DateFormat {
    /// Every DateFormat, in the order the API lists them.
    pub const ALL: [DateFormat; 6] = [
        DateFormat::Iso,
        DateFormat::DayMonthYear,
        DateFormat::MonthDayYear,
        DateFormat::Dotted,
        DateFormat::Long,
        DateFormat::LongUs,
    ];

    pub fn format(self, d: Date) -> String {
        let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
        match self {
            DateFormat::Iso => format!("{y:04}-{m:02}-{day:02}"),
            DateFormat::DayMonthYear => format!("{day:02}/{m:02}/{y:04}"),
            DateFormat::MonthDayYear => format!("{m:02}/{day:02}/{y:04}"),
            DateFormat::Dotted => format!("{day:02}.{m:02}.{y:04}"),
            DateFormat::Long => format!("{day} {} {y}", d.month()),
            DateFormat::LongUs => format!("{} {day}, {y}", d.month()),
        }
    }
}

/// How amounts are written: digit grouping, decimal mark, and where the currency goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AmountStyle {
    /// `€1,234.56` (symbol first; English-speaking countries).
    #[default]
    #[serde(rename = "1,234.56")]
    CommaDot,
    /// `1.234,56 €` (symbol after; Germany, Spain, Italy, the Netherlands...).
    #[serde(rename = "1.234,56")]
    DotComma,
    /// `1 234,56 €` (thin space groups; France, Poland, the Nordics...).
    #[serde(rename = "1 234,56")]
    SpaceComma,
    /// `CHF 1'234.56` (Switzerland, Liechtenstein).
    #[serde(rename = "1'234.56")]
    ApostropheDot,
}

impl AmountStyle {
    /// Every AmountStyle, in the order the API lists them.
    pub const ALL: [AmountStyle; 4] =
        [AmountStyle::CommaDot, AmountStyle::DotComma, AmountStyle::SpaceComma, AmountStyle::ApostropheDot];

    fn marks(self) -> (&'static str, char) {
        match self {
            AmountStyle::CommaDot => (",", '.'),
            AmountStyle::DotComma => (".", ','),
            // U+202F NARROW NO-BREAK SPACE: a group never wraps onto two lines.
            AmountStyle::SpaceComma => ("\u{202f}", ','),
            AmountStyle::ApostropheDot => ("'", '.'),
        }
    }

    /// The number alone, grouped (`1.234,56`), with every minor digit.
    pub fn number(self, currency: Currency, amount: Decimal) -> String {
        let plain = format_amount(currency, amount);
        let (negative, digits) = match plain.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, plain.as_str()),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let (group, decimal) = self.marks();
        let mut out = String::with_capacity(plain.len() + int.len() / 3 * group.len() + 1);
        if negative {
            out.push('-');
        }
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push_str(group);
            }
            out.push(c);
        }
        if !frac.is_empty() {
            out.push(decimal);
            out.push_str(frac);
        }
        out
    }

    /// A plain decimal such as a quantity (`1,5`), without trailing zeros or grouping.
    pub fn decimal(self, d: Decimal) -> String {
        let text = d.normalize().to_string();
        match self.marks().1 {
            '.' => text,
            mark => text.replace('.', &mark.to_string()),
        }
    }

    /// The amount with its currency (`€1,234.56`, `1.234,56 €`, `CHF 1'234.56`).
    pub fn format(self, currency: Currency, amount: Decimal) -> String {
        let number = self.number(currency, amount);
        let symbol = symbol(currency);
        match self {
            AmountStyle::CommaDot if symbol.chars().count() == 1 => match number.strip_prefix('-') {
                Some(n) => format!("-{symbol}{n}"),
                None => format!("{symbol}{number}"),
            },
            AmountStyle::CommaDot | AmountStyle::ApostropheDot => format!("{symbol}\u{a0}{number}"),
            AmountStyle::DotComma | AmountStyle::SpaceComma => format!("{number}\u{a0}{symbol}"),
        }
    }
}

/// The sign people read for a currency; its ISO code where the sign is shared or unknown
/// (`$` alone would not say which dollar for CAD or AUD).
pub fn symbol(currency: Currency) -> &'static str {
    match currency.code() {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        "INR" => "₹",
        "KRW" => "₩",
        "ILS" => "₪",
        "UAH" => "₴",
        "VND" => "₫",
        "PHP" => "₱",
        "TRY" => "₺",
        "PLN" => "zł",
        "CHF" => "CHF",
        "AED" => "AED",
        "AUD" => "AUD",
        "BGN" => "BGN",
        "BHD" => "BHD",
        "BRL" => "R$",
        "CAD" => "CAD",
        "CLP" => "CLP",
        "CNY" => "CNY",
        "CZK" => "Kč",
        "DKK" => "DKK",
        "HKD" => "HKD",
        "HUF" => "Ft",
        "IDR" => "Rp",
        "ISK" => "ISK",
        "JOD" => "JOD",
        "KWD" => "KWD",
        "MXN" => "MXN",
        "MYR" => "RM",
        "NOK" => "NOK",
        "NZD" => "NZD",
        "OMR" => "OMR",
        "RON" => "lei",
        "SAR" => "SAR",
        "SEK" => "SEK",
        "SGD" => "SGD",
        "THB" => "฿",
        "TND" => "TND",
        "TWD" => "NT$",
        "ZAR" => "R",
        _ => "¤",
    }
}

/// The paper documents are laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Paper {
    /// 210 x 297 mm.
    #[default]
    A4,
    /// 8.5 x 11 in.
    Letter,
}

impl Paper {
    /// Every Paper, in the order the API lists them.
    pub const ALL: [Paper; 2] = [Paper::A4, Paper::Letter];

    /// Width and height in PostScript points (1/72 in).
    pub fn points(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;
    use time::macros::date;

    #[test]
    fn dates_in_every_format() {
        let d = date!(2026 - 03 - 07);
        let out: Vec<String> = DateFormat::ALL.iter().map(|f| f.format(d)).collect();
        assert_eq!(out, ["2026-03-07", "07/03/2026", "03/07/2026", "07.03.2026", "7 March 2026", "March 7, 2026"]);
        assert_eq!(serde_json::to_string(&DateFormat::LongUs).expect("json"), "\"mmmm d, yyyy\"");
    }

    #[test]
    fn amounts_in_every_style() {
        let eur = Currency::EUR;
        let out: Vec<String> = AmountStyle::ALL.iter().map(|s| s.format(eur, dec!(1234567.5))).collect();
        assert_eq!(
            out,
            ["€1,234,567.50", "1.234.567,50\u{a0}€", "1\u{202f}234\u{202f}567,50\u{a0}€", "€\u{a0}1'234'567.50"]
        );
        assert_eq!(AmountStyle::CommaDot.format(Currency::USD, dec!(-12.3)), "-$12.30");
        assert_eq!(AmountStyle::CommaDot.format(Currency::parse("CAD").expect("CAD"), dec!(5)), "CAD\u{a0}5.00");
        let jpy = Currency::parse("JPY").expect("JPY");
        assert_eq!(AmountStyle::DotComma.format(jpy, dec!(1200)), "1.200\u{a0}¥");
        let kwd = Currency::parse("KWD").expect("KWD");
        assert_eq!(AmountStyle::CommaDot.number(kwd, dec!(999.1)), "999.100");
        assert_eq!(AmountStyle::DotComma.decimal(dec!(1.50)), "1,5");
        assert_eq!(AmountStyle::CommaDot.decimal(dec!(2.0)), "2");
    }

    proptest! {
        /// Formatting only groups and marks: stripping them gives the API's amount back.
        #[test]
        fn formatting_keeps_every_digit(minor in -99_999_999_999i64..99_999_999_999i64, style in 0usize..4) {
            let eur = Currency::EUR;
            let amount = eur.from_minor(minor);
            let style = AmountStyle::ALL[style];
            let (group, decimal) = style.marks();
            let text = style.number(eur, amount).replace(group, "").replace(decimal, ".");
            prop_assert_eq!(text, format_amount(eur, amount));
        }
    }
}
