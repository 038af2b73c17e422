//! A raw message read with `mail-parser` (multipart, every charset through encoding_rs,
//! quoted-printable and base64, nested messages) into what the portal acts on. Parsing never
//! fails: a message too broken to read gives what could be read, and the raw bytes stay kept.

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};

/// One file a mail carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Shown inside the HTML body (`Content-Disposition: inline` with a `Content-ID`).
    pub inline: bool,
}

/// What the portal reads of a mail.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub from: Option<(Option<String>, String)>,
    pub subject: String,
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// The text: the plain part, else the HTML converted to text.
    pub text: String,
    /// Every header, unfolded (for telling machines from people).
    pub headers: Vec<(String, String)>,
    /// The top-level content type with its parameters (`multipart/report; report-type=...`).
    pub content_type: String,
    pub parts: Vec<Part>,
    /// Outlook's `winmail.dat` (TNEF) is among the parts: its files cannot be read here.
    pub winmail: bool,
    /// The parser read no header at all (not a mail).
    pub malformed: bool,
}

/// Most characters of text kept from one mail (a ticket's body limit is checked later).
const MAX_TEXT_CHARS: usize = 200_000;

pub fn parse(raw: &[u8]) -> Parsed {
    let Some(m) = MessageParser::default().parse(raw) else {
        return Parsed {
            malformed: true,
            text: String::from_utf8_lossy(raw).chars().take(MAX_TEXT_CHARS).collect(),
            ..Default::default()
        };
    };
    let from = m.from().and_then(first_address);
    let ids = |v: &HeaderValue<'_>| -> Vec<String> {
        match v {
            HeaderValue::Text(t) => vec![t.to_string()],
            HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
            _ => vec![],
        }
    };
    let content_type = m
        .root_part()
        .content_type()
        .map(|ct| {
            let mut s = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or(""));
            for a in ct.attributes().unwrap_or_default() {
                s.push_str(&format!("; {}={}", a.name, a.value));
            }
            s.to_ascii_lowercase()
        })
        .unwrap_or_else(|| "text/plain".into());
    let mut parts = Vec::new();
    let mut winmail = false;
    for p in m.attachments() {
        let ct = p
            .content_type()
            .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("octet-stream")).to_ascii_lowercase())
            .unwrap_or_else(|| "application/octet-stream".into());
        let filename = p.attachment_name().map(str::to_owned).unwrap_or_else(|| {
            if p.is_message() { "message.eml".into() } else { format!("attachment{}", parts.len() + 1) }
        });
        if ct == "application/ms-tnef" || filename.eq_ignore_ascii_case("winmail.dat") {
            winmail = true;
        }
        let inline = p.content_disposition().is_some_and(|d| d.ctype().eq_ignore_ascii_case("inline"))
            && p.content_id().is_some();
        let bytes = if p.is_message() { p.raw_body_bytes(raw).to_vec() } else { p.contents().to_vec() };
        parts.push(Part { filename, content_type: ct, bytes, inline });
    }
    let text = m.body_text(0).map(|t| t.chars().take(MAX_TEXT_CHARS).collect::<String>()).unwrap_or_default();
    Parsed {
        from,
        subject: m.subject().unwrap_or_default().trim().to_owned(),
        message_id: m.message_id().map(str::to_owned),
        in_reply_to: ids(m.in_reply_to()),
        references: ids(m.references()),
        text: text.replace("\r\n", "\n"),
        headers: m.headers_raw().map(|(n, v)| (n.to_owned(), unfold(v))).collect(),
        content_type,
        parts,
        winmail,
        malformed: m.headers().is_empty(),
    }
}

fn first_address(a: &Address<'_>) -> Option<(Option<String>, String)> {
    let first = a.first()?;
    let email = first.address()?.trim().to_owned();
    let name = first.name().map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    Some((name, email))
}

fn unfold(v: &str) -> String {
    v.split(['\r', '\n']).map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

trait RawBody {
    fn raw_body_bytes<'r>(&self, raw: &'r [u8]) -> &'r [u8];
}

impl RawBody for mail_parser::MessagePart<'_> {
    /// The bytes of a nested message as they came (kept whole as an `.eml`).
    fn raw_body_bytes<'r>(&self, raw: &'r [u8]) -> &'r [u8] {
        let (start, end) = (self.raw_body_offset() as usize, self.raw_end_offset() as usize);
        raw.get(start..end.min(raw.len())).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_multipart_mail_with_an_attachment_and_a_latin1_subject() {
        let raw = b"From: =?ISO-8859-1?Q?J=F6rg_M=FCller?= <joerg@globex.test>\r\n\
To: acme@in.portal.test\r\n\
Subject: =?ISO-8859-1?Q?Gr=FC=DFe?=\r\n\
Message-ID: <abc@globex.test>\r\n\
In-Reply-To: <ticket-01JD9Z8Q6W3K2M4N5P6R7S8T9V@portal.test>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\
\r\n\
--b1\r\n\
Content-Type: text/plain; charset=iso-8859-1\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Sch=F6ne Gr=FC=DFe\r\n\
--b1\r\n\
Content-Type: application/pdf; name=\"brief.pdf\"\r\n\
Content-Disposition: attachment; filename=\"brief.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
JVBERi0xLjQK\r\n\
--b1--\r\n";
        let p = parse(raw);
        assert_eq!(p.from, Some((Some("Jörg Müller".into()), "joerg@globex.test".into())));
        assert_eq!(p.subject, "Grüße");
        assert_eq!(p.text.trim(), "Schöne Grüße");
        assert_eq!(p.message_id.as_deref(), Some("abc@globex.test"));
        assert_eq!(p.in_reply_to.len(), 1);
        assert_eq!(p.parts.len(), 1);
        assert_eq!(p.parts[0].filename, "brief.pdf");
        assert_eq!(p.parts[0].bytes, b"%PDF-1.4\n");
        assert!(p.content_type.starts_with("multipart/mixed"));
        assert!(!p.malformed && !p.winmail);
    }

    #[test]
    fn never_panics_on_garbage() {
        for raw in [&b""[..], b"\xff\xfe\x00garbage", b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x"] {
            let _ = parse(raw);
        }
    }
}
