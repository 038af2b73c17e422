//! The local SMTP listener, spoken to over TCP as a mail server would: the whole inbound corpus
//! (Gmail, Outlook with winmail.dat, an Apple Mail reply, a forwarded chain, windows-1252, a
//! bounce, an auto-reply, a malformed MIME tree, a 20 MB attachment) becomes what it must;
//! recipients that are no inbound address are refused at RCPT; a message over the limit gets
//! a 552 and nothing is kept of it.

use kt_domain::identity::TenantId;
use kt_domain::mail::inbound::MAX_MESSAGE_BYTES;
use kt_test_support::mail_corpus::{CASES, check, message, newest};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// A minimal SMTP client: one session, one message; the last reply's code.
async fn send(port: u16, from: &str, to: &[&str], raw: &[u8]) -> (u16, String) {
    let stream = TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    async fn reply(r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> (u16, String) {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            r.read_line(&mut line).await.expect("read");
            all.push_str(&line);
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return (line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0), all);
            }
        }
    }
    assert_eq!(reply(&mut lines).await.0, 220);
    write.write_all(b"EHLO mx.example.test\r\n").await.unwrap();
    assert_eq!(reply(&mut lines).await.0, 250);
    write.write_all(format!("MAIL FROM:<{from}>\r\n").as_bytes()).await.unwrap();
    assert_eq!(reply(&mut lines).await.0, 250);
    let mut accepted = 0;
    for r in to {
        write.write_all(format!("RCPT TO:<{r}>\r\n").as_bytes()).await.unwrap();
        let (code, text) = reply(&mut lines).await;
        if code == 250 {
            accepted += 1;
        } else if to.len() == 1 {
            return (code, text);
        }
    }
    assert!(accepted > 0);
    write.write_all(b"DATA\r\n").await.unwrap();
    assert_eq!(reply(&mut lines).await.0, 354);
    // Dot-stuffing, and the message ended by a line with a dot.
    let mut body = Vec::with_capacity(raw.len() + 1024);
    for line in raw.split_inclusive(|b| *b == b'\n') {
        if line.starts_with(b".") {
            body.push(b'.');
        }
        body.extend_from_slice(line);
    }
    if !body.ends_with(b"\r\n") {
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b".\r\n");
    write.write_all(&body).await.unwrap();
    let done = reply(&mut lines).await;
    let _ = write.write_all(b"QUIT\r\n").await;
    done
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_listener_takes_the_corpus_and_refuses_what_is_not_for_the_portal() {
    let w = kt_test_support::world(kt_fn_tickets::router()).await;
    let app = w.state().clone();
    let port = portal::smtp::start(app.clone(), 0).expect("smtp").port();
    let acme = TenantId::try_from(w.acme_id.clone()).unwrap();
    let to = "acme@in.localhost";
    let stamp = ulid::Ulid::new().to_string();
    let mut thread: Option<String> = None;
    for case in CASES {
        let raw = message(case, "dana@globex.test", to, "localhost", &stamp, thread.as_deref());
        let (code, text) = send(port, "dana@globex.test", &[to], &raw).await;
        assert_eq!(code, 250, "{}: {text}", case.file);
        let m = newest(&app, &acme).await;
        if let Some(t) = check(&app, &acme, case, &m, thread.as_deref()).await
            && thread.is_none()
        {
            thread = Some(t);
        }
    }

    // Not an inbound address of this portal: refused before any data.
    let (code, _) = send(port, "x@y.test", &["nobody@in.localhost"], b"Subject: x\r\n\r\nx").await;
    assert_eq!(code, 550);
    let (code, _) = send(port, "x@y.test", &["acme@elsewhere.test"], b"Subject: x\r\n\r\nx").await;
    assert_eq!(code, 550);

    // Over the limit: a clear 552, nothing recorded.
    let before = newest(&app, &acme).await.id;
    let mut huge = b"From: dana@globex.test\r\nTo: acme@in.localhost\r\nSubject: huge\r\n\r\n".to_vec();
    huge.extend(
        std::iter::repeat_n(b'a', MAX_MESSAGE_BYTES + 10)
            .collect::<Vec<u8>>()
            .chunks(998)
            .flat_map(|c| [c, b"\r\n"].concat()),
    );
    let (code, text) = send(port, "dana@globex.test", &[to], &huge).await;
    assert_eq!(code, 552, "{text}");
    assert!(text.contains("30 MB"), "{text}");
    assert_eq!(newest(&app, &acme).await.id, before, "nothing kept of a refused message");
}
