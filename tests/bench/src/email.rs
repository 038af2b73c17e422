//! `kt-bench email`: mail in on the whole local host (its workers running).
//!
//! * Parse + file: a 1 MB message (text and a base64 attachment) from a known client, taken
//!   in process through [`kt_app::inbound::receive`] (raw kept, parsed, recorded, the ticket
//!   and its file written), each timed (p95 < 50 ms).
//! * Sustained: `rate` messages a second (open loop) for `seconds` through the SMTP listener,
//!   each a full SMTP session on loopback; every message must be answered 250 and end as a
//!   filed ticket (none lost, none left unprocessed).
//!
//! * Mail out: `letters` notification letters written from the tenant's own template (a
//!   customized `ticket_reply`) and sent by the mail worker's consumer in process: the tenant,
//!   its template and the address's stop read, the mail written and handed to the local outbox,
//!   its Message-ID recorded; each timed (p95 < 20 ms).
//!
//! Senders are clients of Globex made for the run, so no one passes the hourly limit per sender.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use bytes::Bytes;
use hdrhistogram::Histogram;
use kt_app::identity::accounts::{NewUser, create_user};
use kt_app::inbound::{Envelope, receive};
use kt_domain::identity::{OrgId, Role, TenantId};
use kt_domain::mail::inbound::{SENDER_HOURLY_LIMIT, Status};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::{Row, app_err, print_rows};

pub struct Options {
    pub large: usize,
    pub letters: usize,
    pub rate: u32,
    pub seconds: u32,
}

const TO: &str = "acme@in.localhost";

fn ns(d: Duration) -> u64 {
    d.as_nanos().max(1) as u64
}

/// A mail of about `size` bytes from `from`: a short text and an attachment filling the rest.
fn mail(from: &str, subject: &str, size: usize) -> Vec<u8> {
    let mut raw = format!(
        "From: Bench <{from}>\r\nTo: {TO}\r\nSubject: {subject}\r\nMessage-ID: <{}@bench.test>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         The export is attached; the totals in column F are wrong since Monday.\r\n",
        ulid::Ulid::new()
    )
    .into_bytes();
    let payload = size.saturating_sub(raw.len() + 200) * 3 / 4;
    if payload > 0 {
        raw.extend_from_slice(
            b"--b\r\nContent-Type: application/pdf; name=\"export.pdf\"\r\nContent-Disposition: attachment; filename=\"export.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
        );
        let bytes: Vec<u8> = (0..payload).map(|i| (i * 31 % 251) as u8).collect();
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        for line in b64.as_bytes().chunks(76) {
            raw.extend_from_slice(line);
            raw.extend_from_slice(b"\r\n");
        }
    }
    raw.extend_from_slice(b"--b--\r\n");
    raw
}

/// One SMTP session sending `raw`; the final reply's code.
async fn smtp(port: u16, from: &str, raw: &[u8]) -> anyhow::Result<u16> {
    let stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    async fn code(r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> anyhow::Result<u16> {
        loop {
            let mut line = String::new();
            r.read_line(&mut line).await?;
            anyhow::ensure!(line.len() >= 3, "the listener closed the session");
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok(line[..3].parse()?);
            }
        }
    }
    anyhow::ensure!(code(&mut lines).await? == 220, "greeting");
    for (cmd, want) in [
        ("EHLO bench.test\r\n".to_owned(), 250),
        (format!("MAIL FROM:<{from}>\r\n"), 250),
        (format!("RCPT TO:<{TO}>\r\n"), 250),
        ("DATA\r\n".to_owned(), 354),
    ] {
        write.write_all(cmd.as_bytes()).await?;
        let got = code(&mut lines).await?;
        anyhow::ensure!(got == want, "{} answered {got}", cmd.trim());
    }
    write.write_all(raw).await?;
    write.write_all(b".\r\n").await?;
    let done = code(&mut lines).await?;
    let _ = write.write_all(b"QUIT\r\n").await;
    Ok(done)
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    let served = crate::served::Served::start(kt_app::wiring::Backend::Local).await?;
    let app = served.app.clone();
    let label = served.label.clone();
    let acme = kt_app::identity::tenancy::resolve_host(&app, "acme.localhost").await.map_err(app_err)?;
    let (orgs, _) = kt_store::accounts::list_orgs(app.store.as_ref(), &acme.id, 50, None).await?;
    let globex: OrgId =
        orgs.into_iter().find(|o| o.name == "Globex").map(|o| o.id).ok_or_else(|| anyhow::anyhow!("Globex"))?;
    let total = (o.rate * o.seconds) as usize;
    let senders_needed = (o.large + total) / (SENDER_HOURLY_LIMIT as usize / 2) + 1;
    eprintln!("  making {senders_needed} client senders ...");
    let mut senders = Vec::new();
    for i in 0..senders_needed {
        let email = format!("bench-sender-{i}-{}@globex.test", ulid::Ulid::new().to_string().to_lowercase());
        let input = NewUser {
            email: email.clone(),
            name: format!("Bench sender {i}"),
            role: Role::Client,
            password: Some("Bench-Sender-Password-2026".into()),
            orgs: vec![globex.clone()],
        };
        create_user(&app, None, &acme, input, &Default::default()).await.map_err(app_err)?;
        senders.push(email);
    }
    let mut rows = Vec::new();

    // 1. Parse + file a 1 MB message, in process.
    let mut hist = Histogram::<u64>::new(3)?;
    let start = Instant::now();
    for i in 0..o.large {
        let from = &senders[i % senders.len()];
        let raw = Bytes::from(mail(from, &format!("Large {i}"), 1024 * 1024));
        let envelope =
            Envelope { recipients: vec![TO.into()], mail_from: Some(from.clone()), verdicts: Default::default() };
        let t = Instant::now();
        let got = receive(&app, raw, envelope).await.map_err(app_err)?;
        hist.record(ns(t.elapsed()))?;
        anyhow::ensure!(got.first().map(|m| m.status) == Some(Status::Filed), "filed: {got:?}");
    }
    rows.push(Row { name: "parse + file a 1 MB message", hist, elapsed: start.elapsed(), budget_p95: Some(50.0) });

    // 2. Sustained through the SMTP listener, open loop.
    let port = portal::smtp::start(app.clone(), 0)?.port();
    eprintln!("  sending {total} through SMTP at {}/s ...", o.rate);
    let interval = Duration::from_secs_f64(1.0 / f64::from(o.rate));
    let senders = Arc::new(senders);
    let stamp = ulid::Ulid::new().to_string();
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        tokio::time::sleep_until((start + interval * i as u32).into()).await;
        let senders = senders.clone();
        let stamp = stamp.clone();
        tasks.push(tokio::spawn(async move {
            let from = &senders[(o.large + i) % senders.len()];
            let raw = mail(from, &format!("Sustained {stamp} {i}"), 2048);
            let t = Instant::now();
            let code = smtp(port, from, &raw).await?;
            anyhow::ensure!(code == 250, "message {i} answered {code}");
            Ok::<_, anyhow::Error>(t.elapsed())
        }));
    }
    let mut hist = Histogram::<u64>::new(3)?;
    for t in tasks {
        hist.record(ns(t.await??))?;
    }
    let elapsed = start.elapsed();
    rows.push(Row { name: "SMTP session (2 KB message)", hist, elapsed, budget_p95: None });
    let achieved = total as f64 / elapsed.as_secs_f64();

    // Every message accepted is kept and acted on: count what the tenant recorded.
    let tenant: TenantId = acme.id.clone();
    let (mut filed, mut open, mut other, mut cursor) = (0usize, 0usize, 0usize, None);
    loop {
        let (page, next) = kt_store::inbound::page(app.store.as_ref(), &tenant, None, 1000, cursor).await?;
        for m in page.iter().filter(|m| m.subject.starts_with(&format!("Sustained {stamp}"))) {
            match m.status {
                Status::Filed => filed += 1,
                Status::Received => open += 1,
                _ => other += 1,
            }
        }
        match next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    // 3. Mail out: letters written from the tenant's template and sent, in process.
    rows.push(letters(&app, &acme, o.letters).await?);

    print_rows(&format!("Mail on {label}; ms"), rows, false);
    println!(
        "\nSustained: {total} messages at {} /s offered, {achieved:.1} /s achieved; {filed} filed, {open} left unprocessed, {other} otherwise ({})",
        o.rate,
        if filed == total && open == 0 { "none lost" } else { "LOST OR UNPROCESSED" }
    );
    served.stop().await?;
    anyhow::ensure!(filed == total && open == 0 && other == 0, "every accepted message is filed");
    Ok(())
}

/// Sends `n` ticket-reply letters through the mail worker's consumer, each timed.
async fn letters(app: &kt_app::AppState, acme: &kt_domain::tenancy::Tenant, n: usize) -> anyhow::Result<Row> {
    use kt_app::mail::{Letter, MailConsumer};
    use kt_app::worker::Consumer;
    use kt_domain::mail::template::{Template, TemplateKind};
    use kt_domain::notification::Kind;

    let kind = TemplateKind::Notification(Kind::TicketReply);
    let own = Template {
        subject: "[{{portal.name}}] {{ticket.number}}: {{notification.title}}".into(),
        body: "Hello {{recipient.first_name}},\n\n{{notification.body}}\n\n**The Acme support team**".into(),
    };
    let stored = kt_store::mail_out::StoredTemplate {
        kind,
        subject: own.subject,
        body: own.body,
        updated_at: app.clock.now(),
        updated_by: "bench".into(),
    };
    app.store.put(kt_store::mail_out::template_item(&acme.id, &stored, 1)?, kt_store::Cond::None).await?;
    let consumer = MailConsumer::new(app.clone());
    let mut hist = Histogram::<u64>::new(3)?;
    let start = Instant::now();
    for i in 0..n {
        let to = kt_platform::MailAddress::new(Some("Dana Scully"), &format!("bench-reader-{i}@globex.test"));
        let mut letter = Letter::new(kind, acme, to)
            .value("notification.title", format!("new reply from Avery ({i})"))
            .value("notification.body", "We have deployed the fix; could you check that the form sends again?")
            .value("ticket.number", "ACME-1001")
            .button("View the ticket", "http://acme.localhost:3000/tickets/bench");
        letter.thread = Some(format!("ticket-01KB00000000000000000BENCH{}", i % 10));
        let event = kt_app::mail::requested(ulid::Ulid::new(), app.clock.now(), &letter).map_err(app_err)?;
        let t = Instant::now();
        consumer.handle(&event).await.map_err(|e| anyhow::anyhow!("letter {i}: {}", e.0))?;
        hist.record(ns(t.elapsed()))?;
    }
    app.store.delete(&kt_store::mail_out::template_key(&acme.id, kind), kt_store::Cond::None).await?;
    Ok(Row { name: "write + send a letter (own template)", hist, elapsed: start.elapsed(), budget_p95: Some(20.0) })
}
