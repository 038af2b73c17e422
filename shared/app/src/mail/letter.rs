//! A letter: what a use case asks to send (the kind of mail, the recipient, the values of its
//! variables, its button), written into a mail only when it is sent, from the tenant's template
//! for that kind (else the default) in the tenant's branding. One layout for every mail: the
//! logo or name in the portal's colour, the subject as heading, the body, the button, what the
//! kind adds (rating links, a digest's list), and the footer the kind needs.

use std::collections::BTreeMap;

use kt_domain::identity::TenantId;
use kt_domain::mail::template::{self, Template, TemplateKind};
use kt_domain::tenancy::Tenant;
use kt_platform::{Mail, MailAddress};
use serde::{Deserialize, Serialize};

use crate::notifications::delivery::esc;

/// The button a mail leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub label: String,
    pub url: String,
}

/// One line of a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub title: String,
    pub body: String,
    pub url: String,
}

/// What a kind of mail adds after its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Extra {
    /// Rating links 1 to 5 for a resolved ticket's survey.
    Survey { url: String },
    /// A digest's notifications, grouped under their headings.
    Digest { groups: Vec<(String, Vec<Entry>)> },
}

/// A mail to write from a template when it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub kind: TemplateKind,
    /// The portal whose branding and templates it is written in.
    pub portal: TenantId,
    pub to: MailAddress,
    /// Values of the kind's own variables (the portal's name, the recipient's names and the
    /// button's address are added).
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    #[serde(default)]
    pub button: Option<Button>,
    #[serde(default)]
    pub extra: Option<Extra>,
    #[serde(default)]
    pub reply_to: Option<MailAddress>,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// What the Message-ID starts with (`ticket-<id>`).
    #[serde(default)]
    pub thread: Option<String>,
    /// Sent even to a stopped address: the mail that confirms it.
    #[serde(default)]
    pub confirming: bool,
}

impl Letter {
    pub fn new(kind: TemplateKind, portal: &Tenant, to: MailAddress) -> Self {
        Self {
            kind,
            portal: portal.id.clone(),
            to,
            values: BTreeMap::new(),
            button: None,
            extra: None,
            reply_to: None,
            headers: vec![],
            thread: None,
            confirming: false,
        }
    }

    pub fn value(mut self, name: &str, value: impl Into<String>) -> Self {
        self.values.insert(name.to_owned(), value.into());
        self
    }

    pub fn button(mut self, label: &str, url: impl Into<String>) -> Self {
        self.button = Some(Button { label: label.to_owned(), url: url.into() });
        self
    }
}

/// Where the portal is and what it sends from.
pub struct Sender<'a> {
    pub portal: &'a Tenant,
    /// The portal's address (`https://acme.example.com`).
    pub base_url: &'a str,
    /// The address mail is sent from (`Config::mail_from`).
    pub from: &'a str,
}

/// Every value the template may use: the letter's, and those every mail has.
pub fn values(letter: &Letter, portal: &Tenant) -> BTreeMap<String, String> {
    let mut v = letter.values.clone();
    let name = letter.to.name.clone().unwrap_or_default();
    v.insert("portal.name".into(), portal.branding.portal_name.clone());
    v.insert("recipient.first_name".into(), kt_domain::workflow::first_name(&name));
    v.insert("recipient.name".into(), name);
    v.insert("action.url".into(), letter.button.as_ref().map(|b| b.url.clone()).unwrap_or_default());
    v
}

/// Writes `letter` from `template` in the portal's branding.
pub fn write(s: &Sender<'_>, letter: &Letter, template: &Template) -> Mail {
    let b = &s.portal.branding;
    let filled = template::fill(template, &values(letter, s.portal));
    let (extra_html, extra_text) = letter.extra.as_ref().map(|e| extra(e, b.primary.as_str())).unwrap_or_default();
    let (button_html, button_text) = letter
        .button
        .as_ref()
        .map(|btn| {
            (
                format!(
                    "<p><a href=\"{url}\" style=\"display:inline-block;background:{primary};color:#ffffff;padding:10px 16px;border-radius:6px;text-decoration:none\">{label}</a></p>",
                    url = esc(&btn.url),
                    primary = b.primary.as_str(),
                    label = esc(&btn.label)
                ),
                format!("\n\n{}: {}", btn.label, btn.url),
            )
        })
        .unwrap_or_default();
    let (footer_html, footer_text) = footer(s, letter);
    let html = format!(
        "<!doctype html><html><body style=\"margin:0;padding:16px;font-family:system-ui,sans-serif;color:#0f172a;background:#ffffff\">\
         <div style=\"max-width:600px;margin:0 auto\">\
         <div style=\"border-top:4px solid {primary};padding:16px 0\">{logo}</div>\
         <h1 style=\"font-size:18px\">{subject}</h1>{body}{button_html}{extra_html}{footer_html}</div></body></html>",
        primary = b.primary.as_str(),
        logo = logo(s),
        subject = esc(&filled.subject),
        body = crate::markdown::render(&filled.markdown),
    );
    let mut headers = letter.headers.clone();
    if letter.kind.is_notification() {
        headers.extend(crate::notifications::delivery::notification_headers(s.base_url));
    }
    let reply_to =
        letter.reply_to.clone().or_else(|| b.support_email.as_ref().map(|e| MailAddress::new(None, e.as_str())));
    Mail {
        from: MailAddress::new(Some(b.sender_name()), s.from),
        to: vec![letter.to.clone()],
        reply_to,
        subject: filled.subject.clone(),
        text: format!("{}\n\n{}{button_text}\n{extra_text}{footer_text}", filled.subject, filled.text.trim_end()),
        html: Some(html),
        attachments: vec![],
        headers,
        thread: letter.thread.clone(),
        tags: vec![("tenant".into(), s.portal.id.to_string())],
    }
}

fn logo(s: &Sender<'_>) -> String {
    let b = &s.portal.branding;
    match &b.logo_key {
        Some(k) => format!(
            "<img src=\"{}\" alt=\"{}\" style=\"max-height:48px\">",
            esc(&format!("{}/api/v1/branding/logo?v={}", s.base_url, k.rsplit('-').next().unwrap_or_default())),
            esc(&b.portal_name)
        ),
        None => {
            format!("<strong style=\"font-size:20px;color:{}\">{}</strong>", b.primary.as_str(), esc(&b.portal_name))
        }
    }
}

fn footer(s: &Sender<'_>, letter: &Letter) -> (String, String) {
    let portal = &s.portal.branding.portal_name;
    let small = |t: &str| format!("<p style=\"font-size:12px;color:#475569\">{t}</p>");
    if letter.kind.is_notification() {
        let settings = format!("{}/settings", s.base_url);
        let text = format!(
            "You get this mail because of your notification settings in {portal}. Change them under Settings, Notifications: {settings}"
        );
        return (small(&esc(&text)), format!("\n{text}\n"));
    }
    match (&letter.button, letter.kind) {
        (
            Some(btn),
            TemplateKind::MagicLink
            | TemplateKind::PasswordReset
            | TemplateKind::Invitation
            | TemplateKind::AddressConfirm,
        ) => (small(&format!("Or paste this address into your browser: {}", esc(&btn.url))), String::new()),
        _ => (String::new(), String::new()),
    }
}

fn extra(e: &Extra, primary: &str) -> (String, String) {
    match e {
        // One link per rating: it opens the survey with that rating chosen, and sending the
        // form records it (a mail scanner following the links records nothing).
        Extra::Survey { url } => {
            let links: Vec<String> = (1..=5)
                .map(|r| {
                    format!(
                        "<a href=\"{}\" style=\"display:inline-block;padding:8px 12px;margin-right:4px;border:1px solid {primary};border-radius:6px;text-decoration:none;color:#0f172a\">{r}</a>",
                        esc(&format!("{url}?rating={r}"))
                    )
                })
                .collect();
            (
                format!(
                    "<p>How did we do? Rate this ticket from 1 (poor) to 5 (excellent):</p><p>{}</p>",
                    links.join("")
                ),
                format!("How did we do? Rate this ticket: {url}\n"),
            )
        }
        Extra::Digest { groups } => {
            let (mut html, mut text) = (String::new(), String::new());
            for (label, entries) in groups {
                html.push_str(&format!("<h2 style=\"font-size:15px\">{} ({})</h2><ul>", esc(label), entries.len()));
                text.push_str(&format!("\n{label} ({})\n", entries.len()));
                for h in entries {
                    html.push_str(&format!(
                        "<li><a href=\"{}\">{}</a><br><span style=\"color:#475569\">{}</span></li>",
                        esc(&h.url),
                        esc(&h.title),
                        esc(&h.body)
                    ));
                    text.push_str(&format!("- {}\n  {}\n  {}\n", h.title, h.body, h.url));
                }
                html.push_str("</ul>");
            }
            (html, text)
        }
    }
}
