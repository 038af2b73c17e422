//! Invoices (PRD 4.4): the lifecycle, numbering formats and the money rules ([`totals`]).

pub mod credit;
pub mod draft;
pub mod entity;
pub mod ledger;
pub mod plan;
pub mod print;
pub mod recurring;
pub mod schedule;
pub mod settings;
pub mod terms;
pub mod totals;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::identity::Invalid;

/// Where an invoice stands. A sent invoice changes only through payments, credit notes,
/// refunds, the overdue sweep, or void.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Sent,
    /// The billed client has opened it.
    Viewed,
    /// Paid in part.
    Partial,
    Paid,
    /// Past its due date with a balance.
    Overdue,
    Void,
}

impl Status {
    pub const ALL: [Status; 7] =
        [Status::Draft, Status::Sent, Status::Viewed, Status::Partial, Status::Paid, Status::Overdue, Status::Void];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Sent => "sent",
            Status::Viewed => "viewed",
            Status::Partial => "partial",
            Status::Paid => "paid",
            Status::Overdue => "overdue",
            Status::Void => "void",
        }
    }

    /// Sent and not settled: it has a balance the client owes.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Sent | Status::Viewed | Status::Partial | Status::Overdue)
    }
}

/// What happens to an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Send,
    /// The billed client opened it.
    View,
    /// Money came in or went back (a payment, a refund, a credit note), leaving `paid` of
    /// `total` settled; `past_due` whether its due date has passed.
    Settled {
        paid: Decimal,
        total: Decimal,
        past_due: bool,
        viewed: bool,
    },
    /// The sweep found it past due.
    PastDue,
    /// Cancelled; only while nothing has been paid.
    Void {
        paid: Decimal,
    },
}

/// Why an event does not apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub &'static str);

impl Status {
    /// The status after `event`, or why it cannot happen.
    pub fn after(self, event: Event) -> Result<Status, Refused> {
        use Status::*;
        match (self, event) {
            (Draft, Event::Send) => Ok(Sent),
            (_, Event::Send) => Err(Refused("only a draft is sent; this invoice was sent already")),
            (Draft, _) => Err(Refused("a draft is sent before anything else happens to it")),
            (Void, _) => Err(Refused("a void invoice does not change")),
            (Sent, Event::View) => Ok(Viewed),
            (s, Event::View) => Ok(s),
            (_, Event::Settled { paid, total, past_due, viewed }) => Ok(if paid >= total {
                Paid
            } else if past_due {
                Overdue
            } else if paid > Decimal::ZERO {
                Partial
            } else if viewed {
                Viewed
            } else {
                Sent
            }),
            (Sent | Viewed | Partial, Event::PastDue) => Ok(Overdue),
            (s, Event::PastDue) => Ok(s),
            (_, Event::Void { paid }) if paid > Decimal::ZERO => {
                Err(Refused("refund or credit what was paid before voiding the invoice"))
            }
            (Paid, Event::Void { .. }) => Err(Refused("a paid invoice is not voided; issue a credit note")),
            (_, Event::Void { .. }) => Ok(Void),
        }
    }
}

/// A tenant's invoice number format: text with `{YYYY}`, `{YY}`, `{MM}` and one `{SEQ}` or
/// `{SEQ:n}` (the sequence, zero-padded to n digits), e.g. `INV-{YYYY}-{SEQ:4}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NumberFormat(String);

impl NumberFormat {
    pub const DEFAULT: &'static str = "INV-{YYYY}-{SEQ:4}";

    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let t = text.trim();
        let bad = |m: &str| Err(Invalid::new("number_format", m.to_owned()));
        if t.is_empty() || t.chars().count() > 40 {
            return bad("use 1 to 40 characters");
        }
        let mut seqs = 0;
        let mut rest = t;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else { return bad("close every { with }") };
            let token = &rest[open + 1..open + close];
            match token {
                "YYYY" | "YY" | "MM" => {}
                "SEQ" => seqs += 1,
                _ => match token.strip_prefix("SEQ:").and_then(|n| n.parse::<u8>().ok()) {
                    Some(1..=10) => seqs += 1,
                    _ => return bad("use {YYYY}, {YY}, {MM} and {SEQ} or {SEQ:n} with n from 1 to 10"),
                },
            }
            rest = &rest[open + close + 1..];
        }
        if rest.contains('}') {
            return bad("open every } with {");
        }
        if seqs != 1 {
            return bad("include the sequence once: {SEQ} or {SEQ:4}");
        }
        if !t.chars().all(|c| c.is_ascii_alphanumeric() || "-_/.#{}:".contains(c)) {
            return bad("use letters, digits and - _ / . # only");
        }
        Ok(Self(t.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number of the `seq`th invoice sent in `year`-`month`.
    pub fn render(&self, year: i32, month: u8, seq: u64) -> String {
        let mut out = String::new();
        let mut rest = self.0.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..].find('}').map(|c| open + c).unwrap_or(rest.len() - 1);
            let token = &rest[open + 1..close];
            match token {
                "YYYY" => out.push_str(&format!("{year:04}")),
                "YY" => out.push_str(&format!("{:02}", year.rem_euclid(100))),
                "MM" => out.push_str(&format!("{month:02}")),
                "SEQ" => out.push_str(&seq.to_string()),
                t => {
                    let width = t.strip_prefix("SEQ:").and_then(|n| n.parse::<usize>().ok()).unwrap_or(1);
                    out.push_str(&format!("{seq:0width$}"));
                }
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out
    }
}

impl Default for NumberFormat {
    fn default() -> Self {
        Self(Self::DEFAULT.to_owned())
    }
}

impl TryFrom<String> for NumberFormat {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        NumberFormat::parse(&s).map_err(|e| e.message)
    }
}

impl From<NumberFormat> for String {
    fn from(f: NumberFormat) -> String {
        f.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn settled(paid: Decimal, past_due: bool) -> Event {
        Event::Settled { paid, total: dec!(100), past_due, viewed: true }
    }

    #[test]
    fn the_lifecycle() {
        use Status::*;
        let sent = Draft.after(Event::Send).expect("send");
        assert_eq!(sent, Sent);
        assert_eq!(sent.after(Event::View), Ok(Viewed));
        assert_eq!(Viewed.after(settled(dec!(40), false)), Ok(Partial));
        assert_eq!(Partial.after(Event::PastDue), Ok(Overdue));
        assert_eq!(Overdue.after(settled(dec!(60), true)), Ok(Overdue), "still owing after the due date");
        assert_eq!(Overdue.after(settled(dec!(100), true)), Ok(Paid));
        // A refund reopens what it takes back.
        assert_eq!(Paid.after(settled(dec!(30), false)), Ok(Partial));
        assert_eq!(Paid.after(settled(dec!(0), false)), Ok(Viewed));
        assert_eq!(Paid.after(Event::PastDue), Ok(Paid), "a paid invoice is never overdue");
        assert_eq!(Overdue.after(Event::View), Ok(Overdue), "viewing does not clear overdue");
    }

    #[test]
    fn what_cannot_happen() {
        use Status::*;
        assert!(Sent.after(Event::Send).is_err());
        assert!(Draft.after(Event::View).is_err());
        assert!(Draft.after(settled(dec!(1), false)).is_err());
        assert!(Void.after(settled(dec!(1), false)).is_err());
        assert!(Partial.after(Event::Void { paid: dec!(10) }).is_err(), "money first goes back");
        assert!(Paid.after(Event::Void { paid: dec!(0) }).is_err());
        assert_eq!(Overdue.after(Event::Void { paid: dec!(0) }), Ok(Void));
    }

    #[test]
    fn number_formats() {
        let f = NumberFormat::parse("INV-{YYYY}-{SEQ:4}").expect("format");
        assert_eq!(f.render(2026, 3, 42), "INV-2026-0042");
        assert_eq!(f.render(2026, 3, 12345), "INV-2026-12345");
        assert_eq!(NumberFormat::parse("{YY}{MM}/{SEQ}").expect("f").render(2026, 3, 7), "2603/7");
        for bad in ["INV-{YYYY}", "{SEQ}{SEQ}", "{SEQ:0}", "{SEQ:11}", "{DAY}-{SEQ}", "{SEQ", "SEQ}", "a b {SEQ}", ""] {
            assert!(NumberFormat::parse(bad).is_err(), "{bad}");
        }
    }
}
