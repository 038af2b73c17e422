//! The templates every mail the portal sends is written from: a subject and a Markdown body with
//! the canned-response variable syntax (`{{ recipient.first_name }}`), one per kind of mail, a
//! default for each that a tenant may replace and reset. Values are filled in as text: in the
//! HTML part they are escaped so that a ticket's subject can never become a link or markup.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::identity::Invalid;
use crate::notification::Kind as NotificationKind;
use crate::workflow::{Piece, pieces};

pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 10_000;

/// A kind of mail: one per notification kind, and the mails that are not notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TemplateKind {
    Notification(NotificationKind),
    MagicLink,
    PasswordReset,
    Invitation,
    Digest,
    MailRefused,
    AddressConfirm,
}

impl TemplateKind {
    /// Every kind, in the order the editor lists them.
    pub fn all() -> Vec<TemplateKind> {
        let mut out = vec![
            TemplateKind::Invitation,
            TemplateKind::MagicLink,
            TemplateKind::PasswordReset,
            TemplateKind::AddressConfirm,
        ];
        out.extend(NotificationKind::ALL.into_iter().map(TemplateKind::Notification));
        out.extend([TemplateKind::Digest, TemplateKind::MailRefused]);
        out
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TemplateKind::Notification(k) => k.as_str(),
            TemplateKind::MagicLink => "magic_link",
            TemplateKind::PasswordReset => "password_reset",
            TemplateKind::Invitation => "invitation",
            TemplateKind::Digest => "digest",
            TemplateKind::MailRefused => "mail_refused",
            TemplateKind::AddressConfirm => "address_confirm",
        }
    }

    pub fn parse(raw: &str) -> Option<TemplateKind> {
        TemplateKind::all().into_iter().find(|k| k.as_str() == raw.trim())
    }

    /// What the mail is, for the editor's list.
    pub fn label(self) -> &'static str {
        match self {
            TemplateKind::Notification(k) => match k {
                NotificationKind::TicketReceived => "Ticket received (to the requester)",
                NotificationKind::TicketNew => "New ticket (to those who work it)",
                NotificationKind::TicketReply => "Reply on a ticket",
                NotificationKind::TicketNote => "Internal note on a ticket",
                NotificationKind::TicketStatus => "Ticket status changed",
                NotificationKind::TicketAssigned => "Ticket assigned",
                NotificationKind::SlaAlert => "Service-level alert",
                NotificationKind::QueueNearFront => "Near the front of the queue",
                NotificationKind::InvoiceIssued => "Invoice sent or voided",
                NotificationKind::InvoiceReminder => "Invoice reminder",
                NotificationKind::InvoicePayment => "Payment or refund receipt",
                NotificationKind::InvoiceActivity => "Invoice activity (to its issuer)",
                NotificationKind::Mention => "Mention",
                NotificationKind::Message => "New message",
                NotificationKind::Announcement => "Announcement",
                NotificationKind::ServiceRequestNew => "New service request",
                NotificationKind::ServiceRequestUpdate => "Service request update",
            },
            TemplateKind::MagicLink => "Sign-in link",
            TemplateKind::PasswordReset => "Password reset",
            TemplateKind::Invitation => "Invitation",
            TemplateKind::Digest => "Digest of held notifications",
            TemplateKind::MailRefused => "Answer to a refused mail",
            TemplateKind::AddressConfirm => "Confirm an address mail had stopped to",
        }
    }

    /// Whether this is notification mail, which carries `List-Unsubscribe` and the settings
    /// footer.
    pub fn is_notification(self) -> bool {
        matches!(self, TemplateKind::Notification(_) | TemplateKind::Digest)
    }

    /// The variables this kind's template may use, with what each holds.
    pub fn variables(self) -> Vec<(&'static str, &'static str)> {
        let mut out = vec![
            ("portal.name", "the portal's name, e.g. Acme Support"),
            ("recipient.name", "the recipient's full name"),
            ("recipient.first_name", "the recipient's first name"),
            ("action.url", "the address the mail's button opens"),
        ];
        match self {
            TemplateKind::Notification(_) => out.extend([
                ("notification.title", "what happened, e.g. ACME-1001: new reply"),
                ("notification.body", "the notification's text, e.g. the reply's first lines"),
                ("ticket.number", "the ticket's number when the mail is about one, e.g. ACME-1001"),
            ]),
            TemplateKind::MagicLink
            | TemplateKind::PasswordReset
            | TemplateKind::Invitation
            | TemplateKind::AddressConfirm => {
                out.push(("link.expires", "how long the link works, e.g. 15 minutes"));
            }
            TemplateKind::Digest => out.extend([
                ("digest.title", "the digest's heading, e.g. Your daily digest: 4 notifications"),
                ("digest.count", "how many notifications it lists"),
            ]),
            TemplateKind::MailRefused => out.extend([
                ("refusal.reason", "why the mail was not filed and what to do instead"),
                ("mail.subject", "the subject of the mail that was refused"),
            ]),
        }
        out
    }

    /// The template a tenant starts with.
    pub fn default_template(self) -> Template {
        let (subject, body) = match self {
            TemplateKind::Notification(_) => {
                ("{{notification.title}}", "Hello {{recipient.first_name}},\n\n{{notification.body}}")
            }
            TemplateKind::MagicLink => (
                "Your sign-in link for {{portal.name}}",
                "Hello {{recipient.first_name}},\n\nUse this link to sign in. It works once, for {{link.expires}}.",
            ),
            TemplateKind::PasswordReset => (
                "Reset your {{portal.name}} password",
                "Hello {{recipient.first_name}},\n\nUse this link to choose a new password. It works once, for \
                 {{link.expires}}. If you did not ask for it, ignore this mail.",
            ),
            TemplateKind::Invitation => (
                "You are invited to {{portal.name}}",
                "Hello {{recipient.first_name}},\n\nYou have been invited to {{portal.name}}. Use this link within \
                 {{link.expires}} to set your password.",
            ),
            TemplateKind::AddressConfirm => (
                "Confirm your address for {{portal.name}}",
                "Hello {{recipient.first_name}},\n\nMail to this address came back, so {{portal.name}} stopped \
                 sending to it. Use this link within {{link.expires}} to confirm that it works again.",
            ),
            TemplateKind::Digest => (
                "{{digest.title}}",
                "Hello {{recipient.first_name}},\n\nHere is what happened while your notifications were held.",
            ),
            TemplateKind::MailRefused => ("Re: {{mail.subject}}", "Hello,\n\n{{refusal.reason}}\n\n{{portal.name}}"),
        };
        Template { subject: subject.to_owned(), body: body.to_owned() }
    }

    /// Values for every variable, to preview a template with.
    pub fn sample_values(self) -> BTreeMap<String, String> {
        let samples = [
            ("portal.name", "Acme Support"),
            ("recipient.name", "Dana Scully"),
            ("recipient.first_name", "Dana"),
            ("action.url", "https://support.example.com/tickets/01J0EXAMPLE"),
            ("notification.title", "ACME-1001: new reply from Avery"),
            ("notification.body", "We have deployed the fix; could you check that the form sends again?"),
            ("ticket.number", "ACME-1001"),
            ("link.expires", "15 minutes"),
            ("digest.title", "Your daily digest: 4 notifications"),
            ("digest.count", "4"),
            ("refusal.reason", "Acme Support takes requests by mail only from the people it knows."),
            ("mail.subject", "Website down"),
        ];
        let wanted = self.variables();
        samples
            .into_iter()
            .filter(|(k, _)| wanted.iter().any(|(w, _)| w == k))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }
}

impl Serialize for TemplateKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TemplateKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        TemplateKind::parse(&raw).ok_or_else(|| serde::de::Error::custom(format!("{raw:?} is not a kind of mail")))
    }
}

/// A subject and a Markdown body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub subject: String,
    pub body: String,
}

/// Checks a template for `kind`: the subject one line of 1 to 200 characters, the body 1 to
/// 10,000, every `{{ }}` closed and naming one of the kind's variables. Returns it cleaned.
pub fn check(kind: TemplateKind, subject: &str, body: &str) -> Result<Template, Vec<Invalid>> {
    let mut errors = Vec::new();
    let subject = subject.trim();
    if subject.is_empty() || subject.chars().count() > MAX_SUBJECT_CHARS || subject.chars().any(char::is_control) {
        errors.push(Invalid::new("subject", format!("use 1 to {MAX_SUBJECT_CHARS} characters on one line")));
    } else if let Err(e) = known_variables(kind, subject) {
        errors.push(Invalid::new("subject", e));
    }
    let body = body.trim_end();
    if body.trim().is_empty() {
        errors.push(Invalid::new("body", "is required"));
    } else if body.chars().count() > MAX_BODY_CHARS {
        errors.push(Invalid::new("body", format!("use at most {MAX_BODY_CHARS} characters")));
    } else if let Err(e) = known_variables(kind, body) {
        errors.push(Invalid::new("body", e));
    }
    if errors.is_empty() { Ok(Template { subject: subject.to_owned(), body: body.to_owned() }) } else { Err(errors) }
}

fn known_variables(kind: TemplateKind, text: &str) -> Result<(), String> {
    let allowed = kind.variables();
    for p in pieces(text)? {
        if let Piece::Var(v) = p
            && !allowed.iter().any(|(k, _)| *k == v)
        {
            let names: Vec<&str> = allowed.iter().map(|(k, _)| *k).collect();
            return Err(format!("{{{{{v}}}}} is not a variable of this mail; use {}", names.join(", ")));
        }
    }
    Ok(())
}

/// A template filled in: the subject (one line), the body as Markdown whose values are escaped
/// (for the HTML part) and as plain text (for the text part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    pub subject: String,
    pub markdown: String,
    pub text: String,
}

/// Fills `t` with `values`; a variable without a value becomes empty text.
pub fn fill(t: &Template, values: &BTreeMap<String, String>) -> Filled {
    let subject: String = fill_with(&t.subject, values, |v| v.to_owned())
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_SUBJECT_CHARS * 2)
        .collect();
    Filled {
        subject,
        markdown: fill_with(&t.body, values, escape_markdown),
        text: fill_with(&t.body, values, |v| v.to_owned()),
    }
}

fn fill_with(text: &str, values: &BTreeMap<String, String>, f: impl Fn(&str) -> String) -> String {
    let Ok(ps) = pieces(text) else { return text.to_owned() };
    let mut out = String::with_capacity(text.len());
    for p in ps {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Var(v) => out.push_str(&values.get(v).map(|s| f(s)).unwrap_or_default()),
        }
    }
    out
}

/// Escapes every ASCII punctuation character, so a value is read as the text it is: a subject
/// such as `[win](https://x)` or `<b>` stays text, in a link's address as much as in prose.
pub fn escape_markdown(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn every_kind_parses_back_and_its_default_checks() {
        let all = TemplateKind::all();
        assert_eq!(all.len(), 23);
        for k in all {
            assert_eq!(TemplateKind::parse(k.as_str()), Some(k));
            let d = k.default_template();
            assert_eq!(check(k, &d.subject, &d.body), Ok(d.clone()), "{k:?}");
            let filled = fill(&d, &k.sample_values());
            assert!(!filled.subject.is_empty() && !filled.subject.contains("{{"), "{k:?}");
            assert!(!filled.text.contains("{{"), "{k:?}");
        }
        assert_eq!(TemplateKind::parse("nope"), None);
    }

    #[test]
    fn unknown_variables_and_open_braces_name_their_field() {
        let k = TemplateKind::MagicLink;
        let e = check(k, "Hi {{ticket.number}}", "{{link.expires").unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].field, "subject");
        assert!(e[0].message.contains("{{ticket.number}} is not a variable"), "{}", e[0].message);
        assert_eq!(e[1].field, "body");
        let e = check(k, "", " ").unwrap_err();
        assert_eq!(e.iter().map(|i| i.field.as_ref()).collect::<Vec<_>>(), ["subject", "body"]);
        let e = check(k, "two\nlines", "ok").unwrap_err();
        assert_eq!(e[0].field, "subject");
        assert!(check(k, &"x".repeat(201), "ok").is_err());
        assert!(check(k, "ok", &"x".repeat(10_001)).is_err());
        assert!(check(TemplateKind::Notification(NotificationKind::TicketReply), "{{ ticket.number }}", "b").is_ok());
    }

    #[test]
    fn values_fill_as_text_never_as_markup() {
        let t = Template { subject: "{{notification.title}}\r\nBcc: x".into(), body: "Hi {{recipient.name}}".into() };
        let f =
            fill(&t, &values(&[("notification.title", "New\nline"), ("recipient.name", "[win](https://evil) <b>")]));
        assert_eq!(f.subject, "New line Bcc: x");
        assert_eq!(f.text, "Hi [win](https://evil) <b>");
        assert_eq!(f.markdown, "Hi \\[win\\]\\(https\\:\\/\\/evil\\) \\<b\\>");
        let missing = fill(&t, &BTreeMap::new());
        assert_eq!(missing.text, "Hi ");
    }
}
