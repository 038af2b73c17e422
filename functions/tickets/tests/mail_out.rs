//! Mail out, end to end on the local adapters: a partner's templates are checked, previewed,
//! used for the mail actually sent, and reset; values fill in as text, never as markup; a
//! bounce or complaint reported by SES stops mail to the address until an admin (after a
//! bounce) or the owner (through a confirmation link) starts it again; the Message-IDs of a
//! ticket's mail are recorded, and an answer naming one threads.

mod common;

use axum::http::StatusCode;
use common::mail::{ACME_IN, deliver, passed, plain};
use common::*;
use kt_domain::mail::inbound::Status;
use serde_json::json;

fn mail_base(w: &World) -> String {
    format!("/api/v1/tenants/{}/mail", w.acme_id)
}

/// Refused as the policy answers those without the permission (hidden or forbidden).
fn refused(s: StatusCode) -> bool {
    s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND
}

/// Nobody signed in, on Acme's portal.
fn stranger() -> Browser {
    Browser { cookie: String::new(), csrf: String::new(), host: ACME }
}

fn parsed(raw: &str) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default().parse(raw.as_bytes()).expect("a mail")
}

async fn ask_magic_link(w: &World, email: &str) {
    let r = w.post("/api/v1/auth/magic-link", &stranger(), json!({"email": email})).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    w.settle().await;
}

#[tokio::test]
async fn a_partners_templates_are_checked_previewed_sent_and_reset() {
    let w = world().await;
    let p = people(&w).await;
    let base = format!("{}/templates", mail_base(&w));
    let all = w.get(&base, &p.pat).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let items = all.body["items"].as_array().unwrap();
    assert_eq!(items.len(), kt_domain::mail::template::TemplateKind::all().len());
    assert!(items.iter().all(|t| t["customized"] == json!(false)));
    // Partner staff and clients do not edit the brand's mail.
    assert!(refused(w.get(&base, &p.sam).await.status));
    assert!(refused(w.get(&base, &p.dana).await.status));
    assert_eq!(w.get(&format!("{base}/no_such_kind"), &p.pat).await.status, StatusCode::NOT_FOUND);

    let one = format!("{base}/magic_link");
    let current = w.get(&one, &p.pat).await;
    let etag = current.etag.clone().expect("etag");
    // An unknown variable names its field and changes nothing; so does an unknown field.
    let bad = json!({"subject": "Sign in", "body": "Your ticket {{ticket.number}}"});
    let r = w.send("PUT", &one, &p.pat, Some(bad), &[("if-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.fields(), ["body"]);
    let r = w.send("PUT", &one, &p.pat, Some(json!({"subject": "x", "body": "y", "html": "z"})), &[]).await;
    assert!(r.status.is_client_error(), "{}", r.body);
    assert_eq!(w.get(&one, &p.pat).await.body["customized"], json!(false));

    let mine = json!({"subject": "Sign in to {{portal.name}} now", "body": "Hi {{recipient.first_name}}! It works for {{link.expires}}.\n\n**Thanks**"});
    let preview = w.post(&format!("{one}/preview"), &p.pat, mine.clone()).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let subject = preview.body["subject"].as_str().unwrap().to_owned();
    assert!(subject.starts_with("Sign in to ") && subject.ends_with(" now") && !subject.contains("{{"), "{subject}");
    assert!(preview.body["html"].as_str().unwrap().contains("<strong>Thanks</strong>"), "{}", preview.body);
    assert!(preview.body["text"].as_str().unwrap().contains("Hi Dana! It works for 15 minutes."), "{}", preview.body);
    // A value in a link's address stays the address (escaped for Markdown, read back as is).
    let linked = json!({"subject": "s", "body": "[Open the link]({{action.url}})"});
    let linked = w.post(&format!("{one}/preview"), &p.pat, linked).await;
    assert!(linked.body["html"].as_str().unwrap().contains("/auth/magic?token=example\""), "{}", linked.body);
    let wrong = w.post(&format!("{one}/preview"), &p.pat, json!({"subject": "{{nope}}", "body": "b"})).await;
    assert_eq!((wrong.status, wrong.fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["subject".to_owned()]));

    let saved = w.send("PUT", &one, &p.pat, Some(mine.clone()), &[("if-match", &etag)]).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.body["customized"], json!(true));
    // Someone else's edit since the read is not overwritten.
    let stale = w.send("PUT", &one, &p.pat, Some(mine), &[("if-match", &etag)]).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "{}", stale.body);

    // The mail that goes out is written from it, in the tenant's branding.
    ask_magic_link(&w, "dana@globex.test").await;
    let sent = w.mails_to("dana@globex.test").await;
    let m = parsed(sent.first().expect("a link mail"));
    assert_eq!(m.subject(), Some(subject.as_str()));
    assert!(m.body_text(0).unwrap().contains("Hi Dana! It works for 15 minutes."), "{:?}", m.body_text(0));
    assert!(m.body_html(0).unwrap().contains("/auth/magic?token="), "the button leads to the link");
    // Partner staff's link mail is written from the same tenant template; the house's is not.
    let house = w.get(&format!("/api/v1/tenants/{}/mail/templates/magic_link", w.house_id), &p.avery).await;
    assert_eq!(house.body["customized"], json!(false));

    let reset = w.send("DELETE", &one, &p.pat, None, &[("if-match", saved.etag.as_deref().unwrap())]).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    assert_eq!(reset.body["customized"], json!(false));
    w.clock.advance(time::Duration::seconds(61));
    ask_magic_link(&w, "dana@globex.test").await;
    let sent = w.mails_to("dana@globex.test").await;
    assert!(parsed(sent.first().unwrap()).subject().unwrap().starts_with("Your sign-in link for "));
}

#[tokio::test]
async fn values_fill_in_as_text_never_as_markup() {
    let w = world().await;
    let p = people(&w).await;
    let before = w.mails_to("dana@globex.test").await.len();
    w.file(&p.dana, "[Claim your prize](https://evil.test) <img src=x onerror=alert(1)>", "high").await;
    w.settle().await;
    let sent = w.mails_to("dana@globex.test").await;
    assert!(sent.len() > before, "dana hears her ticket was received");
    let html = parsed(sent.first().unwrap()).body_html(0).unwrap().into_owned();
    assert!(html.contains("[Claim your prize](https://evil.test)"), "the subject reads as written: {html}");
    assert!(!html.contains("href=\"https://evil.test"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
}

fn report(kind: &str, email: &str, tenant: &str) -> serde_json::Value {
    match kind {
        "bounce" => json!({
            "notificationType": "Bounce",
            "bounce": {"bounceType": "Permanent", "bounceSubType": "General", "bouncedRecipients": [
                {"emailAddress": email, "status": "5.1.1", "diagnosticCode": "smtp; 550 5.1.1 user unknown"}]},
            "mail": {"messageId": "0100018c-ses", "tags": {"tenant": [tenant]}},
        }),
        _ => json!({
            "eventType": "Complaint",
            "complaint": {"complaintFeedbackType": "abuse", "complainedRecipients": [{"emailAddress": email}]},
            "mail": {"messageId": "0100018c-ses", "tags": {"tenant": [tenant]}},
        }),
    }
}

#[tokio::test]
async fn a_bounce_stops_mail_until_its_owner_confirms_the_address() {
    let w = world().await;
    let p = people(&w).await;
    let t = w.file(&p.dana, "Invoices page is blank", "high").await;
    let id = t["id"].as_str().unwrap().to_owned();
    w.settle().await;
    let app = w.state();
    // A transient bounce stops nothing; a permanent one does, once however often it is told.
    let transient = json!({"eventType": "Bounce", "bounce": {"bounceType": "Transient", "bouncedRecipients": [{"emailAddress": "dana@globex.test"}]}, "mail": {}});
    kt_app::mail::stops::record(app, &transient).await.expect("record");
    assert_eq!(w.get(&format!("{}/stopped", mail_base(&w)), &p.pat).await.body["items"], json!([]));
    for _ in 0..2 {
        kt_app::mail::stops::record(app, &report("bounce", "Dana@Globex.test", &w.acme_id)).await.expect("record");
    }
    let listed = w.get(&format!("{}/stopped", mail_base(&w)), &p.pat).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1, "{}", listed.body);
    assert_eq!(listed.body["items"][0]["email"], json!("dana@globex.test"));
    assert_eq!(listed.body["items"][0]["detail"], json!("smtp; 550 5.1.1 user unknown"));
    assert_eq!(listed.body["items"][0]["can_start_again"], json!(true));
    assert!(refused(w.get(&format!("{}/stopped", mail_base(&w)), &p.dana).await.status));

    // Mail to her stops; the agent still hears of her replies.
    let before = w.mails_to("dana@globex.test").await.len();
    let r = w.post(&format!("{}/messages", w.ticket(&id)), &p.staff, json!({"body": "Which browser?"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    w.settle().await;
    assert_eq!(w.mails_to("dana@globex.test").await.len(), before, "no mail to a stopped address");

    // She sees why in her settings and asks for a confirmation link: the one mail that goes.
    let mine = w.get("/api/v1/auth/mail-address", &p.dana).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert_eq!(mine.body["stopped"]["reason"], json!("bounce"));
    let asked = w.post("/api/v1/auth/mail-address/confirm", &p.dana, json!({})).await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.body);
    w.settle().await;
    let sent = w.mails_to("dana@globex.test").await;
    assert_eq!(sent.len(), before + 1);
    let confirm = parsed(sent.first().unwrap());
    assert!(confirm.subject().unwrap().starts_with("Confirm your address for "), "{:?}", confirm.subject());
    let text = confirm.body_text(0).unwrap().into_owned();
    let token =
        text.split("confirm-address?token=").nth(1).expect("link").split_whitespace().next().unwrap().to_owned();
    // A wrong token does nothing; the right one starts mail again, once.
    let path = "/api/v1/auth/mail-address/confirmed";
    assert_eq!(w.post(path, &stranger(), json!({"token": "x.y"})).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(w.post(path, &stranger(), json!({"token": token})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(w.post(path, &stranger(), json!({"token": token})).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(w.get("/api/v1/auth/mail-address", &p.dana).await.body["stopped"], json!(null));
    assert_eq!(w.get(&format!("{}/stopped", mail_base(&w)), &p.pat).await.body["items"], json!([]));
    let r = w.post(&format!("{}/messages", w.ticket(&id)), &p.staff, json!({"body": "Still there?"})).await;
    assert_eq!(r.status, StatusCode::CREATED);
    w.settle().await;
    assert_eq!(w.mails_to("dana@globex.test").await.len(), before + 2, "mail flows again");
    // Nothing to confirm any more.
    let again = w.post("/api/v1/auth/mail-address/confirm", &p.dana, json!({})).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
}

#[tokio::test]
async fn admins_start_mail_again_after_a_bounce_but_only_the_owner_after_a_complaint() {
    let w = world().await;
    let p = people(&w).await;
    let app = w.state();
    kt_app::mail::stops::record(app, &report("bounce", "olga@initech.test", &w.acme_id)).await.expect("record");
    let one = format!("{}/stopped/olga@initech.test", mail_base(&w));
    assert!(refused(w.delete(&one, &p.olga).await.status));
    assert_eq!(w.delete(&one, &p.sam).await.status, StatusCode::NO_CONTENT);
    assert_eq!(w.delete(&one, &p.sam).await.status, StatusCode::NOT_FOUND);

    kt_app::mail::stops::record(app, &report("complaint", "olga@initech.test", &w.acme_id)).await.expect("record");
    // A later bounce does not turn a complaint into something an admin may lift.
    kt_app::mail::stops::record(app, &report("bounce", "olga@initech.test", &w.acme_id)).await.expect("record");
    let listed = w.get(&format!("{}/stopped", mail_base(&w)), &p.pat).await;
    assert_eq!(listed.body["items"][0]["reason"], json!("complaint"));
    assert_eq!(listed.body["items"][0]["can_start_again"], json!(false));
    let refused = w.delete(&one, &p.pat).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.body["detail"].as_str().unwrap().contains("only they"), "{}", refused.body);
    // Another tenant's admin does not see or lift it.
    let house = format!("/api/v1/tenants/{}/mail/stopped", w.house_id);
    assert_eq!(w.get(&house, &p.avery).await.body["items"], json!([]));
}

#[tokio::test]
async fn a_ticket_mails_message_ids_are_recorded_and_an_answer_naming_one_threads() {
    let w = world().await;
    let p = people(&w).await;
    let t = w.file(&p.dana, "Search is broken", "medium").await;
    let id = t["id"].as_str().unwrap().to_owned();
    w.settle().await;
    let sent = w.mails_to("dana@globex.test").await;
    let mail = parsed(sent.first().unwrap());
    let message_id = mail.message_id().expect("Message-ID").to_owned();
    let acme = kt_domain::identity::TenantId::try_from(w.acme_id.clone()).unwrap();
    let record = kt_store::mail_out::sent(w.state().store.as_ref(), &acme, &message_id).await.expect("read");
    assert_eq!(record.and_then(|r| r.ticket), Some(id.clone()));

    // SES may show recipients its own id (`<id@<region>.amazonses.com>`): the record of it,
    // as the mail worker writes when SES answers the send, threads an answer naming it.
    let ses = kt_store::mail_out::SentId {
        message_id: message_id.clone(),
        ticket: Some(id.clone()),
        to: vec!["dana@globex.test".into()],
        at: w.state().clock.now(),
    };
    let item = kt_store::Item::from_entity(kt_store::mail_out::sent_key(&acme, "0100018cabcdef-ses"), &ses).unwrap();
    w.state().store.put(item, kt_store::Cond::None).await.unwrap();
    let answer = plain(
        "Dana <dana@globex.test>",
        ACME_IN,
        "Re: your mail",
        "It happens on every page.",
        "In-Reply-To: <0100018cabcdef-ses@us-east-1.amazonses.com>\r\n",
    );
    let m = deliver(&w, answer, ACME_IN, passed()).await;
    assert_eq!(m.status, Status::Replied, "{m:?}");
    assert_eq!(m.ticket.map(|t| t.to_string()), Some(id));
}

#[tokio::test]
async fn locally_the_ses_simulator_addresses_bounce_and_complain_as_ses_does() {
    let w = world().await;
    let p = people(&w).await;
    let users = format!("/api/v1/tenants/{}/users", w.acme_id);
    for email in ["bounce+e2e@simulator.amazonses.com", "complaint@simulator.amazonses.com"] {
        let body = json!({"email": email, "name": "Sim Ulator", "role": "client", "orgs": [w.globex_id]});
        let r = w.post(&users, &p.pat, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    w.settle().await;
    // The invitations went out (the local outbox keeps them), then SES's answers came back.
    assert_eq!(w.mails_to("simulator.amazonses.com").await.len(), 2);
    let listed = w.get(&format!("{}/stopped", mail_base(&w)), &p.pat).await;
    let mut got: Vec<(String, String)> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["email"].as_str().unwrap().to_owned(), i["reason"].as_str().unwrap().to_owned()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("bounce+e2e@simulator.amazonses.com".to_owned(), "bounce".to_owned()),
            ("complaint@simulator.amazonses.com".to_owned(), "complaint".to_owned())
        ]
    );
}
