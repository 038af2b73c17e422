//! The portal's own mail and what comes back: a ticket's notification is answered to its reply
//! address and carries a Message-ID naming the ticket, so an answer threads however the mail
//! program quotes; notification mail says it is automatic and where to unsubscribe; two
//! portals refusing each other's mail stop after one answer; a message over the size limit is
//! refused with an answer that says so.

mod common;

use common::mail::{ACME_IN, deliver, passed, plain};
use common::*;
use kt_domain::mail::inbound::{MAX_MESSAGE_BYTES, Reason, Status};
use serde_json::json;

fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.lines()
        .find(|l| {
            l.len() > name.len() && l[..name.len()].eq_ignore_ascii_case(name) && l[name.len()..].starts_with(':')
        })
        .map(|l| l[name.len() + 1..].trim())
}

#[tokio::test]
async fn answers_to_the_portals_mail_thread_by_reply_address_or_message_id() {
    let w = world().await;
    let p = people(&w).await;
    let t = w.file(&p.dana, "Invoice PDF is blank", "medium").await;
    let id = t["id"].as_str().unwrap().to_owned();
    let r = w.post(&format!("{}/messages", w.ticket(&id)), &p.staff, json!({"body": "Which invoice number?"})).await;
    assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.body);
    w.settle().await;
    let mails = w.mails_to("dana@globex.test").await;
    let reply_mail = mails.iter().rev().find(|m| m.contains("New reply on")).expect("the reply's notification");
    // Automatic, unsubscribable, answered to the ticket's reply address.
    assert_eq!(header(reply_mail, "Auto-Submitted"), Some("auto-generated"));
    assert!(header(reply_mail, "List-Unsubscribe").is_some_and(|v| v.contains("/settings")), "{reply_mail}");
    let reply_to = header(reply_mail, "Reply-To").expect("Reply-To");
    let address = reply_to.rsplit('<').next().unwrap().trim_end_matches('>').to_owned();
    assert!(address.starts_with("acme+") && address.ends_with("@in.localhost"), "{address}");
    let message_id = header(reply_mail, "Message-ID").expect("Message-ID").to_owned();
    assert!(message_id.starts_with(&format!("<ticket-{id}.")), "{message_id}");

    // An answer to the reply address threads, whatever its headers say.
    let answer = plain("dana@globex.test", &address, "Re: something else", "INV-2026-0042.", "");
    let m = deliver(&w, answer, &address, passed()).await;
    assert_eq!((m.status, m.ticket.as_ref().map(|t| t.to_string())), (Status::Replied, Some(id.clone())));
    // One sent to the tenant's address with only In-Reply-To (as Outlook answers) threads too.
    let outlook = plain(
        "dana@globex.test",
        ACME_IN,
        "AW: no number here",
        "Attached now.",
        &format!("In-Reply-To: {message_id}\r\n"),
    );
    let m = deliver(&w, outlook, ACME_IN, passed()).await;
    assert_eq!((m.status, m.ticket.as_ref().map(|t| t.to_string())), (Status::Replied, Some(id)));
}

/// Delivers every mail `from`'s outbox holds for `watched` (not delivered before) into `to`'s
/// inbound address, as a forwarding mail system would.
async fn ferry(from: &World, to: &World, watched: &str, done: &mut usize) -> usize {
    from.settle().await;
    let mails = from.mails_to(watched).await;
    let fresh = mails.len() - *done;
    for raw in &mails[*done..] {
        let m = deliver(to, raw.clone().into_bytes(), ACME_IN, passed()).await;
        assert!(m.status != Status::Failed, "{m:?}");
    }
    *done = mails.len();
    fresh
}

#[tokio::test]
async fn two_portals_refusing_each_other_stop_after_one_answer() {
    let (a, b) = (world().await, world().await);
    for w in [&a, &b] {
        let p = people(w).await;
        let base = format!("/api/v1/tenants/{}/mail/inbound", w.acme_id);
        let etag = w.get(&base, &p.pat).await.etag.unwrap();
        let set =
            w.send("PUT", &base, &p.pat, Some(json!({"unknown_senders": "refuse"})), &[("if-match", &etag)]).await;
        assert_eq!(set.status, axum::http::StatusCode::OK);
    }
    // B's inbound address writes to A (a forwarding rule, or a forged sender).
    let first = deliver(&a, plain("acme@in.localhost", ACME_IN, "Hello", "Hi", ""), ACME_IN, passed()).await;
    assert_eq!((first.status, first.reason), (Status::Refused, Some(Reason::UnknownSender)));
    // A answers B's address; B would answer A's sender address, which forwards to A's inbound
    // address. Route both ways for a few rounds, as two mail systems would.
    let (mut a_sent, mut b_sent) = (0, 0);
    let mut exchanged = 0;
    for _ in 0..4 {
        exchanged += ferry(&a, &b, "acme@in.localhost", &mut a_sent).await;
        exchanged += ferry(&b, &a, "no-reply@localhost", &mut b_sent).await;
    }
    assert_eq!(exchanged, 1, "one answer, never an answer to an answer");
    let (received, _) = kt_store::inbound::page(
        b.state().store.as_ref(),
        &kt_domain::identity::TenantId::try_from(b.acme_id.clone()).unwrap(),
        None,
        10,
        None,
    )
    .await
    .unwrap();
    assert_eq!((received[0].status, received[0].reason), (Status::Ignored, Some(Reason::AutoReply)));
}

#[tokio::test]
async fn a_message_over_the_limit_is_refused_with_an_answer_that_says_so() {
    let w = world().await;
    let mut raw = plain("dana@globex.test", ACME_IN, "Huge", "See attached.", "");
    raw.extend(std::iter::repeat_n(b'x', MAX_MESSAGE_BYTES));
    let m = deliver(&w, raw, ACME_IN, passed()).await;
    assert_eq!((m.status, m.reason), (Status::Refused, Some(Reason::TooLarge)));
    w.settle().await;
    let answers = w.mails_to("dana@globex.test").await;
    assert!(answers.iter().any(|a| a.contains("30 MB") && a.contains("Auto-Submitted: auto-replied")), "{answers:?}");
}
