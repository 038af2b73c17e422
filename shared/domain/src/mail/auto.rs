//! Mail no person wrote: auto-replies (out of office, other help desks' receipts), bounces
//! (delivery status notifications) and bulk mail. The portal never answers them, which is what
//! breaks mail loops (RFC 3834); auto-replies and bounces also never change a ticket.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Automation {
    /// A person wrote it (as far as the headers tell).
    Person,
    /// An automatic answer: `Auto-Submitted`, `X-Autoreply`, `Precedence: auto_reply`.
    AutoReply,
    /// A delivery report or a mail from a mailer daemon.
    Bounce,
    /// Bulk or list mail (`Precedence: bulk|list|junk`, `List-Id`): filed from people the
    /// portal knows, never answered.
    Bulk,
}

impl Automation {
    /// Whether the portal may send a mail in answer (a refusal, a receipt).
    pub fn may_answer(self) -> bool {
        self == Automation::Person
    }

    /// Whether it may change a ticket (file one, add a reply).
    pub fn may_change_tickets(self) -> bool {
        matches!(self, Automation::Person | Automation::Bulk)
    }
}

/// The mail as far as telling who wrote it goes.
pub struct Signals<'a> {
    /// Header names (any case) and their unfolded values.
    pub headers: &'a [(String, String)],
    /// The top-level content type, e.g. `multipart/report; report-type=delivery-status`.
    pub content_type: &'a str,
    /// The SMTP envelope sender (`MAIL FROM` / Return-Path); `Some("")` for the null sender.
    pub envelope_from: Option<&'a str>,
    /// The From address.
    pub from: Option<&'a str>,
}

/// The values of header `name` (any case), trimmed and lower-cased.
fn values<'a>(headers: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = String> + 'a {
    headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_ascii_lowercase())
}

/// Who wrote the mail.
pub fn classify(s: &Signals<'_>) -> Automation {
    let header = |name: &'static str| values(s.headers, name);
    let ct = s.content_type.to_ascii_lowercase();
    let from_local = s.from.and_then(|f| f.rsplit_once('@')).map(|(l, _)| l.to_ascii_lowercase()).unwrap_or_default();
    let null_sender = s.envelope_from.is_some_and(|e| e.trim().trim_matches(|c| c == '<' || c == '>').is_empty());
    if (ct.starts_with("multipart/report")
        && (ct.contains("delivery-status") || ct.contains("disposition-notification")))
        || null_sender
        || matches!(from_local.as_str(), "mailer-daemon" | "postmaster")
        || header("x-failed-recipients").next().is_some()
    {
        return Automation::Bounce;
    }
    if header("auto-submitted").any(|v| !v.starts_with("no"))
        || header("x-autoreply").any(|v| v != "no")
        || header("x-autorespond").next().is_some()
        || header("x-autoreply-from").next().is_some()
        || header("x-mail-autoreply").next().is_some()
        || header("precedence").any(|v| v == "auto_reply")
    {
        return Automation::AutoReply;
    }
    if header("precedence").any(|v| matches!(v.as_str(), "bulk" | "list" | "junk"))
        || header("list-id").next().is_some()
    {
        return Automation::Bulk;
    }
    Automation::Person
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(headers: &[(&str, &str)], ct: &str, envelope: Option<&str>, from: &str) -> Automation {
        let headers: Vec<(String, String)> = headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        classify(&Signals { headers: &headers, content_type: ct, envelope_from: envelope, from: Some(from) })
    }

    #[test]
    fn people_bounces_auto_replies_and_bulk() {
        assert_eq!(
            with(&[("Auto-Submitted", "no")], "text/plain", Some("dana@globex.test"), "dana@globex.test"),
            Automation::Person
        );
        assert_eq!(with(&[], "multipart/report; report-type=delivery-status", None, "x@y.test"), Automation::Bounce);
        assert_eq!(with(&[], "text/plain", Some("<>"), "dana@globex.test"), Automation::Bounce);
        assert_eq!(with(&[], "text/plain", None, "MAILER-DAEMON@mx.test"), Automation::Bounce);
        assert_eq!(with(&[("auto-submitted", "auto-replied")], "text/plain", None, "a@b.test"), Automation::AutoReply);
        assert_eq!(with(&[("X-Autoreply", "yes")], "text/plain", None, "a@b.test"), Automation::AutoReply);
        assert_eq!(with(&[("Precedence", "auto_reply")], "text/plain", None, "a@b.test"), Automation::AutoReply);
        assert_eq!(with(&[("Precedence", "bulk")], "text/plain", None, "a@b.test"), Automation::Bulk);
        assert_eq!(with(&[("List-Id", "<news.b.test>")], "text/plain", None, "a@b.test"), Automation::Bulk);
        assert!(!Automation::Bulk.may_answer() && Automation::Bulk.may_change_tickets());
        assert!(!Automation::AutoReply.may_change_tickets() && !Automation::Bounce.may_answer());
    }
}
