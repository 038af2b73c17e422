//! Mail in, end to end on the local adapters: a known client's mail files a ticket in their
//! organization; replies thread by the reply address, the thread headers and the subject's
//! number, keep only what is new and move a Pending Client ticket back into the queue; staff
//! answer by mail in public or, with `#internal`, as a note; unknown senders are held for
//! review (accepted as a new client, or discarded) or refused with a branded answer; DMARC
//! failures of known senders are held; bounces and auto-replies are kept and never answered;
//! a sender past the hourly limit is held; every delivery acts once; a failure waits in the
//! dead-letter list until retried; a mail whose process stopped is acted on by the sweep.

mod common;

use axum::http::StatusCode;
use common::mail::{ACME_IN, corpus, deliver, passed, plain};
use common::*;
use kt_domain::mail::inbound::{Reason, SENDER_HOURLY_LIMIT, Status, Verdict, Verdicts};
use serde_json::json;

fn mail_base(w: &World) -> String {
    format!("/api/v1/tenants/{}/mail", w.acme_id)
}

#[tokio::test]
async fn a_known_clients_mail_files_a_ticket_with_its_files_and_verdicts() {
    let w = world().await;
    let p = people(&w).await;
    let raw = corpus("gmail.eml", &[("FROM", "dana@globex.test"), ("TO", ACME_IN), ("SUBJECT", "Checkout fails")]);
    let m = deliver(&w, raw.clone(), ACME_IN, passed()).await;
    assert_eq!(m.status, Status::Filed, "{m:?}");
    let id = m.ticket.clone().expect("ticket").to_string();
    assert!(m.ticket_ref.as_deref().is_some_and(|r| r.starts_with("ACME-")));

    let t = w.get(&w.ticket(&id), &p.dana).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    assert_eq!(t.body["subject"], json!("Checkout fails"));
    assert_eq!(t.body["org_id"], json!(w.globex_id));
    assert!(t.body["description"].as_str().unwrap().contains("“Payment failed” for every card"), "{}", t.body);
    assert_eq!(t.body["via_mail"]["mail_id"], json!(m.id));
    assert_eq!(t.body["via_mail"]["verdicts"]["dmarc"], json!("pass"));
    // The inline screenshot is a file of the ticket, counted in the organization's storage.
    let files = w.get(&format!("{}/attachments", w.ticket(&id)), &p.dana).await;
    assert_eq!(files.body["items"].as_array().map(Vec::len), Some(1), "{}", files.body);
    assert_eq!(files.body["items"][0]["filename"], json!("image.png"));
    // The whole original stays downloadable, byte for byte.
    let rawlink = w.get(&format!("{}/received/{}/raw", mail_base(&w), m.id), &p.dana).await;
    assert_eq!(rawlink.status, StatusCode::OK, "{}", rawlink.body);
    let (bytes, _) = w.download(rawlink.body["url"].as_str().unwrap()).await;
    assert_eq!(bytes, raw);
    // A client of another organization sees neither the ticket nor the mail.
    assert_eq!(w.get(&w.ticket(&id), &p.olga).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.get(&format!("{}/received/{}/raw", mail_base(&w), m.id), &p.olga).await.status, StatusCode::NOT_FOUND);

    // The same delivery again (SES or SQS retrying) acts once.
    let again = kt_app::inbound::accept(
        w.state(),
        &m.raw_key,
        ulid::Ulid::from_string(&m.id).unwrap(),
        &raw,
        &kt_app::inbound::Envelope { recipients: vec![ACME_IN.into()], mail_from: None, verdicts: passed() },
    )
    .await
    .expect("accept");
    assert_eq!(again[0].ticket, m.ticket);
    let mine = w.get(&format!("{}?limit=100", w.tickets()), &p.dana).await;
    let filed =
        mine.body["items"].as_array().unwrap().iter().filter(|t| t["subject"] == json!("Checkout fails")).count();
    assert_eq!(filed, 1);
}

#[tokio::test]
async fn replies_thread_keep_what_is_new_and_staff_answer_in_public_or_as_notes() {
    let w = world().await;
    let p = people(&w).await;
    let t = w.file(&p.dana, "Shop is slow", "high").await;
    let id = t["id"].as_str().unwrap().to_owned();
    let number: u64 = t["number"].as_str().unwrap().trim_start_matches("ACME-").parse().unwrap();
    // Staff answer in the portal: the ticket now waits for the client.
    let answered =
        w.post(&format!("{}/messages", w.ticket(&id)), &p.staff, json!({"body": "Please clear the cache."})).await;
    assert_eq!(answered.status, StatusCode::CREATED, "{}", answered.body);
    assert_eq!(w.get(&w.ticket(&id), &p.dana).await.body["status"], json!("pending_client"));

    // Apple Mail answers the thread id the portal's mail carried.
    let thread = format!("ticket-{id}@localhost");
    let raw = corpus(
        "apple-reply.eml",
        &[
            ("FROM", "dana@globex.test"),
            ("TO", ACME_IN),
            ("SUBJECT", "Shop is slow"),
            ("IN_REPLY_TO", "x@mail.test"),
            ("REFERENCES", &format!("<{thread}>")),
        ],
    );
    let m = deliver(&w, raw, ACME_IN, passed()).await;
    assert_eq!(m.status, Status::Replied, "{m:?}");
    assert_eq!(m.ticket.as_ref().map(|t| t.to_string()), Some(id.clone()));
    let messages = w.get(&format!("{}/messages", w.ticket(&id)), &p.dana).await;
    let last = messages.body["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["body"],
        json!("That worked, thank you — the checkout is fine again.\n\nDana"),
        "quoted history cut"
    );
    assert_eq!(last["via_mail"]["mail_id"], json!(m.id));
    // The client's answer put the ticket back in the queue.
    assert_eq!(w.get(&w.ticket(&id), &p.dana).await.body["status"], json!("open"));

    // Staff answer by mail to the ticket's reply address: a public reply; `#internal` makes a note.
    let tenant = kt_app::identity::tenancy::resolve_host(w.state(), "acme.localhost").await.unwrap();
    let reply_to = kt_app::inbound::reply_address(w.state(), &tenant, number).expect("reply address");
    assert!(reply_to.starts_with(&format!("acme+{number}-")), "{reply_to}");
    let public = deliver(
        &w,
        plain("staff@kre8ivtech.test", &reply_to, "Re: slow", "Cache cleared on our side.", ""),
        &reply_to,
        passed(),
    )
    .await;
    assert_eq!((public.status, public.internal), (Status::Replied, false), "{public:?}");
    let note = plain("staff@kre8ivtech.test", &reply_to, "Re: slow", "#internal\nThe CDN was purged twice today.", "");
    let note = deliver(&w, note, &reply_to, passed()).await;
    assert_eq!((note.status, note.internal), (Status::Replied, true), "{note:?}");
    let seen = w.get(&format!("{}/messages", w.ticket(&id)), &p.dana).await;
    let bodies: Vec<&str> =
        seen.body["items"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert!(bodies.contains(&"Cache cleared on our side."));
    assert!(!bodies.iter().any(|b| b.contains("CDN")), "the client never reads the note");
    let staff_view = w.get(&format!("{}/messages", w.ticket(&id)), &p.staff).await;
    assert!(
        staff_view.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["body"] == json!("The CDN was purged twice today.") && m["internal"] == json!(true))
    );
    // The client may not read the note's raw mail either, nor the original of staff's public
    // answer (it may quote what the kept reply cut); their own mail's original they may.
    for other in [&note.id, &public.id] {
        let raw = w.get(&format!("{}/received/{}/raw", mail_base(&w), other), &p.dana).await;
        assert_eq!(raw.status, StatusCode::NOT_FOUND);
        let raw = w.get(&format!("{}/received/{}/raw", mail_base(&w), other), &p.staff).await;
        assert_eq!(raw.status, StatusCode::OK, "{}", raw.body);
    }
    let own = w.get(&format!("{}/received/{}/raw", mail_base(&w), m.id), &p.dana).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);

    // A forged tag is no reply address: the mail is new mail (staff file none: held).
    let forged = format!("acme+{number}-aaaaaaaaaa@in.localhost");
    assert_ne!(forged, reply_to);
    let f = deliver(&w, plain("staff@kre8ivtech.test", &forged, "hello", "Hi", ""), &forged, passed()).await;
    assert_eq!((f.status, f.reason), (Status::Held, Some(Reason::NoOrganization)), "{f:?}");

    // The ticket's number in the subject threads too.
    let by_subject =
        plain("dana@globex.test", ACME_IN, &format!("Re: [ACME-{number}] Shop is slow"), "Still slow at night.", "");
    let s = deliver(&w, by_subject, ACME_IN, passed()).await;
    assert_eq!(s.status, Status::Replied, "{s:?}");
}

#[tokio::test]
async fn unknown_senders_are_held_for_review_or_refused_with_a_branded_answer() {
    let w = world().await;
    let p = people(&w).await;
    let held = deliver(
        &w,
        plain("newbie@prospect.test", ACME_IN, "Quote for a new site", "We need a shop.", ""),
        ACME_IN,
        passed(),
    )
    .await;
    assert_eq!((held.status, held.reason), (Status::Held, Some(Reason::UnknownSender)));
    let list = w.get(&format!("{}/received?list=held", mail_base(&w)), &p.pat).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.body["items"][0]["id"], json!(held.id));
    assert_eq!(list.body["items"][0]["reason_code"], json!("unknown_sender"));
    // Clients and other tenants' people see no list.
    assert_eq!(w.get(&format!("{}/received?list=held", mail_base(&w)), &p.dana).await.status, StatusCode::NOT_FOUND);
    let houses = format!("/api/v1/tenants/{}/mail/received/{}", w.house_id, held.id);
    assert_eq!(w.get(&houses, &p.staff).await.status, StatusCode::NOT_FOUND);

    // Accepting needs an organization for the new client, then files as them.
    let accept = format!("{}/received/{}/accept", mail_base(&w), held.id);
    let missing = w.post(&accept, &p.pat, json!({})).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(missing.fields(), vec!["org_id"]);
    let unknown_field = w.post(&accept, &p.pat, json!({"org": w.globex_id})).await;
    assert_eq!(unknown_field.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = w.post(&accept, &p.pat, json!({"org_id": w.globex_id})).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["status"], json!("filed"));
    let ticket = w.get(&w.ticket(done.body["ticket_id"].as_str().unwrap()), &p.pat).await;
    assert_eq!(ticket.body["org_id"], json!(w.globex_id));
    w.settle().await;
    assert!(!w.mails_to("newbie@prospect.test").await.is_empty(), "the new client is invited");
    assert_eq!(w.post(&accept, &p.pat, json!({"org_id": w.globex_id})).await.status, StatusCode::CONFLICT);

    // Discarding leaves it in the log only.
    let spam = deliver(&w, plain("someone@else.test", ACME_IN, "Cheap pills", "Buy", ""), ACME_IN, passed()).await;
    let gone = w.post(&format!("{}/received/{}/discard", mail_base(&w), spam.id), &p.sam, json!({})).await;
    assert_eq!(gone.body["status"], json!("discarded"), "{}", gone.body);
    let left = w.get(&format!("{}/received?list=held", mail_base(&w)), &p.pat).await;
    assert!(left.body["items"].as_array().unwrap().is_empty(), "{}", left.body);

    // Under the refuse policy the sender gets the tenant's branded answer, marked automatic.
    let settings = w.get(&format!("{}/inbound", mail_base(&w)), &p.pat).await;
    assert_eq!(settings.body["address"], json!("acme@in.localhost"));
    assert_eq!(settings.body["unknown_senders"], json!("hold"));
    let etag = settings.etag.clone().unwrap();
    let bad = w
        .send(
            "PUT",
            &format!("{}/inbound", mail_base(&w)),
            &p.pat,
            Some(json!({"unknown_senders": "bounce"})),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(bad.fields(), vec!["unknown_senders"]);
    let set = w
        .send(
            "PUT",
            &format!("{}/inbound", mail_base(&w)),
            &p.pat,
            Some(json!({"unknown_senders": "refuse", "forwarded_from": ["support@acme-agency.test"]})),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let stale = w
        .send(
            "PUT",
            &format!("{}/inbound", mail_base(&w)),
            &p.pat,
            Some(json!({"unknown_senders": "hold"})),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let refused = deliver(&w, plain("stranger@far.test", ACME_IN, "Hello", "Anyone?", ""), ACME_IN, passed()).await;
    assert_eq!((refused.status, refused.reason), (Status::Refused, Some(Reason::UnknownSender)));
    w.settle().await;
    let answers = w.mails_to("stranger@far.test").await;
    assert_eq!(answers.len(), 1);
    assert!(answers[0].contains("Auto-Submitted: auto-replied"), "{}", answers[0]);
    assert!(answers[0].contains("Acme"), "in the tenant's brand");
}

#[tokio::test]
async fn machines_are_never_answered_and_doubtful_or_busy_senders_are_held() {
    let w = world().await;
    let p = people(&w).await;
    let set = w.get(&format!("{}/inbound", mail_base(&w)), &p.pat).await;
    let etag = set.etag.unwrap();
    w.send(
        "PUT",
        &format!("{}/inbound", mail_base(&w)),
        &p.pat,
        Some(json!({"unknown_senders": "refuse"})),
        &[("if-match", &etag)],
    )
    .await;
    let bounce = deliver(&w, corpus("bounce.eml", &[("TO", ACME_IN)]), ACME_IN, passed()).await;
    assert_eq!((bounce.status, bounce.reason), (Status::Ignored, Some(Reason::Bounce)));
    let ooo = corpus("auto-reply.eml", &[("FROM", "dana@globex.test"), ("TO", ACME_IN), ("SUBJECT", "Your ticket")]);
    let ooo = deliver(&w, ooo, ACME_IN, passed()).await;
    assert_eq!((ooo.status, ooo.reason), (Status::Ignored, Some(Reason::AutoReply)));
    w.settle().await;
    assert!(w.mails_to("MAILER-DAEMON@mx.globex.test").await.is_empty());

    // A known sender whose domain's DMARC failed is held, not trusted.
    let spoofed = Verdicts { dmarc: Verdict::Fail, ..passed() };
    let held = deliver(
        &w,
        plain("dana@globex.test", ACME_IN, "Change our bank details", "New IBAN ...", ""),
        ACME_IN,
        spoofed,
    )
    .await;
    assert_eq!((held.status, held.reason), (Status::Held, Some(Reason::DmarcFailed)));
    let list = w.get(&format!("{}/received?list=held", mail_base(&w)), &p.pat).await;
    assert_eq!(list.body["items"][0]["verdicts"]["dmarc"], json!("fail"));

    // Past the hourly limit a sender's mail is held (nothing lost, nothing filed).
    for i in 0..SENDER_HOURLY_LIMIT {
        let m =
            deliver(&w, plain("olga@initech.test", ACME_IN, &format!("Note {i}"), "x", ""), ACME_IN, passed()).await;
        assert_eq!(m.status, Status::Filed);
    }
    let over = deliver(&w, plain("olga@initech.test", ACME_IN, "One more", "x", ""), ACME_IN, passed()).await;
    assert_eq!((over.status, over.reason), (Status::Held, Some(Reason::RateLimited)));
    // The next hour counts anew.
    w.clock.advance(time::Duration::hours(1));
    let later = deliver(&w, plain("olga@initech.test", ACME_IN, "Next hour", "x", ""), ACME_IN, passed()).await;
    assert_eq!(later.status, Status::Filed);
    let bad_list = w.get(&format!("{}/received?list=spam", mail_base(&w)), &p.pat).await;
    assert_eq!(bad_list.fields(), vec!["list"]);
    let bad_query = w.get(&format!("{}/received?colour=red", mail_base(&w)), &p.pat).await;
    assert_eq!((bad_query.status, bad_query.fields()), (StatusCode::BAD_REQUEST, vec!["colour".to_owned()]));
}

#[tokio::test]
async fn a_failure_waits_in_the_dead_letters_until_retried_and_the_sweep_finishes_stopped_work() {
    let w = world().await;
    let p = people(&w).await;
    // Globex goes missing underneath (a broken store): filing fails, the mail is not lost.
    let s = w.state().store.as_ref();
    let tenant = kt_domain::identity::TenantId::try_from(w.acme_id.clone()).unwrap();
    let org = kt_domain::identity::OrgId::try_from(w.globex_id.clone()).unwrap();
    let key = kt_store::accounts::org_key(&tenant, &org);
    let saved = s.get(&key).await.unwrap().expect("org");
    s.delete(&key, kt_store::Cond::None).await.unwrap();
    let m = deliver(&w, plain("dana@globex.test", ACME_IN, "Lost?", "Never.", ""), ACME_IN, passed()).await;
    assert_eq!(m.status, Status::Failed, "{m:?}");
    let dead = w.get(&format!("{}/received?list=failed", mail_base(&w)), &p.pat).await;
    assert_eq!(dead.body["items"][0]["id"], json!(m.id));
    assert!(dead.body["items"][0]["error"].as_str().is_some_and(|e| !e.is_empty()));
    s.put(saved, kt_store::Cond::None).await.unwrap();
    let retried = w.post(&format!("{}/received/{}/retry", mail_base(&w), m.id), &p.pat, json!({})).await;
    assert_eq!(retried.body["status"], json!("filed"), "{}", retried.body);
    let dead = w.get(&format!("{}/received?list=failed", mail_base(&w)), &p.pat).await;
    assert!(dead.body["items"].as_array().unwrap().is_empty());
    assert_eq!(
        w.post(&format!("{}/received/{}/retry", mail_base(&w), m.id), &p.pat, json!({})).await.status,
        StatusCode::CONFLICT
    );

    // A mail kept and recorded whose process stopped before acting: the sweep acts, once.
    let mut stopped = m.clone();
    stopped.id = ulid::Ulid::new().to_string();
    stopped.status = Status::Received;
    stopped.ticket = None;
    stopped.ticket_ref = None;
    stopped.attempts = 0;
    stopped.error = None;
    let raw = plain("dana@globex.test", ACME_IN, "Stopped midway", "Pick me up.", "");
    stopped.raw_key = format!("mail/inbound/{}.eml", stopped.id.to_lowercase());
    w.state().blobs.put(&stopped.raw_key, bytes::Bytes::from(raw), "message/rfc822").await.unwrap();
    let mut ops = kt_store::inbound::write_ops(&stopped, 1, None).unwrap();
    let due = stopped.received_at + time::Duration::seconds(kt_app::inbound::SWEEP_AFTER_SECS);
    ops.push(kt_store::due::DueIndex::put(kt_store::inbound::due_key(&stopped, due)));
    s.transact(ops).await.unwrap();
    assert_eq!(kt_app::inbound::sweep(w.state()).await.unwrap(), 0, "not due yet");
    w.clock.advance(time::Duration::minutes(11));
    assert_eq!(kt_app::inbound::sweep(w.state()).await.unwrap(), 1);
    assert_eq!(kt_app::inbound::sweep(w.state()).await.unwrap(), 0, "once");
    let now = w.get(&format!("{}/received/{}", mail_base(&w), stopped.id), &p.pat).await;
    assert_eq!(now.body["status"], json!("filed"), "{}", now.body);
}
