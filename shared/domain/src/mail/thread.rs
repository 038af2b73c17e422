//! Which ticket a reply answers, by what the mail itself says: the ticket ids in
//! `In-Reply-To` / `References` (the portal's mails carry `<ticket-<id>@<portal domain>>`), then
//! a ticket number of the tenant's in the subject (`[ACME-1042]`). The reply address's token
//! comes first and is read by [`super::address`].

use std::sync::LazyLock;

use regex::Regex;

use crate::identity::TicketId;

static THREAD_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<ticket-([0-9a-z]{26})(?:\.[0-9a-z]+)?@([^>\s]+)>").expect("thread id pattern"));
static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b([a-z][a-z0-9]{1,7})-(\d{1,12})\b").expect("ticket number pattern"));

/// The tickets named by the thread headers' ids in one of `domains` (the portal's, and its
/// sender's), newest reference first (`In-Reply-To` before `References`, and `References` from
/// its end). The portal's mails carry `<ticket-<id>@<portal domain>>` in their thread headers
/// and Message-IDs `<ticket-<id>.<unique>@<sender domain>>`.
pub fn tickets_in_headers(in_reply_to: &[String], references: &[String], domains: &[&str]) -> Vec<TicketId> {
    let mut out: Vec<TicketId> = Vec::new();
    let ids = in_reply_to.iter().chain(references.iter().rev());
    for raw in ids {
        let bracketed = if raw.trim_start().starts_with('<') { raw.clone() } else { format!("<{}>", raw.trim()) };
        for c in THREAD_ID.captures_iter(&bracketed) {
            if !domains.iter().any(|d| c[2].eq_ignore_ascii_case(d)) {
                continue;
            }
            if let Ok(id) = TicketId::try_from(c[1].to_ascii_uppercase())
                && !out.contains(&id)
            {
                out.push(id);
            }
        }
    }
    out
}

/// The number of a ticket with `prefix` that the subject names (`Re: [ACME-1042] Login`).
pub fn number_in_subject(subject: &str, prefix: &str) -> Option<u64> {
    NUMBER
        .captures_iter(subject)
        .find(|c| c[1].eq_ignore_ascii_case(prefix))
        .and_then(|c| c[2].parse::<u64>().ok())
        .filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_headers_name_tickets_of_this_portal_only() {
        let id = "01JD9Z8Q6W3K2M4N5P6R7S8T9V";
        let refs = vec![
            format!("<ticket-{}@portal.test>", id.to_lowercase()),
            "<CAF=abc@mail.gmail.com>".to_owned(),
            "<ticket-01JD9Z8Q6W3K2M4N5P6R7S8T9W@evil.test>".to_owned(),
        ];
        assert_eq!(tickets_in_headers(&[], &refs, &["portal.test"]), vec![TicketId::try_from(id.to_owned()).unwrap()]);
        assert_eq!(tickets_in_headers(&[format!("ticket-{id}@portal.test")], &[], &["portal.test"]).len(), 1);
        assert!(tickets_in_headers(&[], &["<x@y>".to_owned()], &["portal.test"]).is_empty());
        // The Message-ID of a portal mail (Outlook keeps only In-Reply-To).
        let mid = format!("<ticket-{id}.01jdb0000000000000000000aa@mail.portal.test>");
        assert_eq!(tickets_in_headers(&[mid], &[], &["portal.test", "mail.portal.test"]).len(), 1);
    }

    #[test]
    fn subjects_name_the_tenants_numbers() {
        assert_eq!(number_in_subject("Re: [ACME-1042] Login fails", "ACME"), Some(1042));
        assert_eq!(number_in_subject("AW: acme-7 again", "ACME"), Some(7));
        assert_eq!(number_in_subject("Re: [KT-1042] Login", "ACME"), None);
        assert_eq!(number_in_subject("Order ACME-0", "ACME"), None);
        assert_eq!(number_in_subject("no number", "ACME"), None);
    }
}
