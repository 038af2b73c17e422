//! Mail in for the tests: the corpus of `events/inbound-mail/corpus` with its placeholders
//! filled, delivered through the same entry the SMTP listener uses (raw kept, then accepted).

use bytes::Bytes;
use kt_app::inbound::{Envelope, receive};
use kt_domain::mail::inbound::{InboundMail, Verdict, Verdicts};
use kt_test_support::World;

/// A corpus message with `vars` (`("FROM", "dana@globex.test")`, ...) in place.
pub fn corpus(name: &str, vars: &[(&str, &str)]) -> Vec<u8> {
    let path = format!("{}/../../events/inbound-mail/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut text = String::from_utf8(std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).expect("utf8");
    for (k, v) in vars {
        text = text.replace(&format!("{{{{{k}}}}}"), v);
    }
    text.into_bytes()
}

/// Verdicts that all passed, as SES gives for a well-configured sender.
pub fn passed() -> Verdicts {
    Verdicts {
        spf: Verdict::Pass,
        dkim: Verdict::Pass,
        dmarc: Verdict::Pass,
        spam: Verdict::Pass,
        virus: Verdict::Pass,
    }
}

/// Delivers `raw` to `to`; what became of it (one record per tenant addressed).
pub async fn deliver(w: &World, raw: Vec<u8>, to: &str, verdicts: Verdicts) -> InboundMail {
    let envelope =
        Envelope { recipients: vec![to.to_owned()], mail_from: Some("sender@example.test".into()), verdicts };
    let mut out = receive(w.state(), Bytes::from(raw), envelope).await.expect("receive");
    assert_eq!(out.len(), 1, "one tenant addressed");
    out.remove(0)
}

/// A plain mail from `from` to `to`.
pub fn plain(from: &str, to: &str, subject: &str, body: &str, extra_headers: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{}@example.test>\r\n{extra_headers}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        ulid::Ulid::new()
    )
    .into_bytes()
}

pub const ACME_IN: &str = "acme@in.localhost";
