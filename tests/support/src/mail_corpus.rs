//! The inbound-mail corpus (`events/inbound-mail/corpus`) as test cases, with what each must
//! become, run the same way through every transport: the local SMTP listener and the SES path
//! (S3 + SQS on moto). A transport only says how a message is delivered; the cases, their
//! order (a reply answers the ticket the first mail filed) and the checks are here.

use base64::Engine;
use kt_app::AppState;
use kt_domain::identity::TenantId;
use kt_domain::mail::inbound::{InboundMail, Reason, Status};
use kt_store::tickets;

/// What a case must become.
#[derive(Debug, Clone, Copy)]
pub enum Expect {
    /// A new ticket whose description holds each text, with these files.
    Filed { body: &'static [&'static str], files: &'static [&'static str] },
    /// A reply on the first case's ticket holding each text and none of `cut`.
    Replied { body: &'static [&'static str], cut: &'static [&'static str] },
    /// Kept and left alone.
    Ignored(Reason),
}

#[derive(Debug, Clone, Copy)]
pub struct Case {
    pub file: &'static str,
    pub expect: Expect,
}

pub const CASES: &[Case] = &[
    Case {
        file: "gmail.eml",
        expect: Expect::Filed { body: &["“Payment failed” for every card"], files: &["image.png"] },
    },
    Case {
        file: "apple-reply.eml",
        expect: Expect::Replied {
            body: &["That worked, thank you — the checkout is fine again."],
            cut: &["Please clear the cache"],
        },
    },
    Case {
        file: "outlook-winmail.eml",
        expect: Expect::Filed { body: &["Please find the signed order form attached.", "winmail.dat"], files: &[] },
    },
    Case {
        file: "forwarded-chain.eml",
        expect: Expect::Filed {
            body: &["Can you look into this?", "Forwarded message", "expires on 10 December 2026"],
            files: &[],
        },
    },
    Case { file: "latin1.eml", expect: Expect::Filed { body: &["Grüß Gott", "120 €", "prüfen"], files: &[] } },
    Case { file: "bounce.eml", expect: Expect::Ignored(Reason::Bounce) },
    Case { file: "auto-reply.eml", expect: Expect::Ignored(Reason::AutoReply) },
    Case { file: "malformed.eml", expect: Expect::Filed { body: &["This is not base64"], files: &["report.pdf"] } },
    Case {
        file: "large-attachment.head.eml",
        expect: Expect::Filed { body: &["full site backup"], files: &["backup.zip"] },
    },
];

/// Size of the generated attachment of `large-attachment.head.eml`.
pub const LARGE_BYTES: usize = 20 * 1024 * 1024;

/// The case's message from `from` to `to`, its subject made unique with `stamp`; `thread` is
/// the ticket id a reply answers.
pub fn message(case: &Case, from: &str, to: &str, portal_domain: &str, stamp: &str, thread: Option<&str>) -> Vec<u8> {
    let path = format!("{}/../../events/inbound-mail/corpus/{}", env!("CARGO_MANIFEST_DIR"), case.file);
    let mut text = String::from_utf8(std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).expect("utf8");
    let subject = format!("Corpus {} {stamp}", case.file.trim_end_matches(".eml"));
    let refs = thread.map(|t| format!("<ticket-{t}@{portal_domain}>")).unwrap_or_default();
    for (k, v) in [
        ("FROM", from),
        ("TO", to),
        ("SUBJECT_Q", subject.replace(' ', "_").as_str()),
        ("SUBJECT", subject.as_str()),
        ("IN_REPLY_TO", "CAFk=9xK2sP3qWm1t7b+YQ@mail.gmail.com"),
        ("REFERENCES", refs.as_str()),
    ] {
        text = text.replace(&format!("{{{{{k}}}}}"), v);
    }
    let mut raw = text.into_bytes();
    if case.file.starts_with("large-attachment") {
        let bytes: Vec<u8> = (0..LARGE_BYTES).map(|i| (i % 251) as u8).collect();
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        for line in b64.as_bytes().chunks(76) {
            raw.extend_from_slice(line);
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(b"--large-b--\r\n");
    }
    raw
}

/// Checks what `m` became against the case; the ticket it filed (for the reply that follows).
pub async fn check(
    app: &AppState,
    tenant: &TenantId,
    case: &Case,
    m: &InboundMail,
    thread: Option<&str>,
) -> Option<String> {
    let s = app.store.as_ref();
    // Nothing received is lost: the raw message is kept whatever became of it.
    assert!(app.blobs.head(&m.raw_key).await.expect("head").is_some(), "{}: raw message kept", case.file);
    match case.expect {
        Expect::Filed { body, files } => {
            assert_eq!(m.status, Status::Filed, "{}: {m:?}", case.file);
            let id = m.ticket.clone().expect("ticket");
            let t = tickets::get(s, tenant, &id).await.expect("read").expect("ticket").value;
            for b in body {
                assert!(t.description.contains(b), "{}: {b:?} not in {:?}", case.file, t.description);
            }
            assert!(t.subject.starts_with("Corpus ") || t.subject.contains("Corpus"), "{}: {}", case.file, t.subject);
            let found = tickets::attachments(s, tenant, &id).await.expect("attachments");
            let names: Vec<&str> = found.iter().map(|a| a.filename.as_str()).collect();
            assert_eq!(names, files.to_vec(), "{}", case.file);
            if case.file.starts_with("large-attachment") {
                let blob = app.blobs.head(&found[0].blob_key).await.expect("head").expect("stored");
                assert_eq!(blob.size as usize, LARGE_BYTES, "the 20 MB file is stored whole");
            }
            assert_eq!(t.mail.as_ref().map(|o| o.mail_id.as_str()), Some(m.id.as_str()));
            Some(id.to_string())
        }
        Expect::Replied { body, cut } => {
            assert_eq!(m.status, Status::Replied, "{}: {m:?}", case.file);
            assert_eq!(m.ticket.as_ref().map(|t| t.to_string()).as_deref(), thread, "{}", case.file);
            let id = m.ticket.clone().expect("ticket");
            let messages = tickets::messages(s, tenant, &id, 100, None).await.expect("messages").0;
            let reply = messages.iter().find(|x| Some(&x.id) == m.message.as_ref()).expect("the reply");
            for b in body {
                assert!(reply.body.contains(b), "{}: {b:?} not in {:?}", case.file, reply.body);
            }
            for c in cut {
                assert!(!reply.body.contains(c), "{}: {c:?} left in {:?}", case.file, reply.body);
            }
            None
        }
        Expect::Ignored(reason) => {
            assert_eq!((m.status, m.reason), (Status::Ignored, Some(reason)), "{}", case.file);
            assert!(m.ticket.is_none());
            None
        }
    }
}

/// The newest mail `tenant` received.
pub async fn newest(app: &AppState, tenant: &TenantId) -> InboundMail {
    let (items, _) = kt_store::inbound::page(app.store.as_ref(), tenant, None, 1, None).await.expect("received");
    items.into_iter().next().expect("a received mail")
}
