//! Fuzzing the inbound path: random MIME trees (nested multiparts with right, wrong and missing
//! boundaries, every transfer encoding, charsets real and made up, broken encoded words,
//! attachments, bytes that are no UTF-8) and arbitrary bytes. No input may crash the parser or
//! the use case, and whatever comes in is kept: the raw message byte for byte, and a record that
//! says what became of it (never left half-done).

mod common;

use bytes::Bytes;
use common::*;
use kt_app::inbound::{Envelope, parse, receive};
use kt_domain::identity::TenantId;
use kt_domain::mail::inbound::Status;
use proptest::prelude::*;

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,40}",
        Just("=?utf-8?B?SGVsbG8gV8O2cmxk?=".to_owned()),
        Just("=?iso-8859-1?Q?Gr=FC=DFe?= und =?bogus?X?zz?=".to_owned()),
        Just("=?utf-8?Q?unterminated".to_owned()),
        Just("<ticket-01JD9Z8Q6W3K2M4N5P6R7S8T9V@localhost>".to_owned()),
        Just("auto-replied".to_owned()),
    ]
}

fn leaf() -> impl Strategy<Value = Vec<u8>> {
    let ct = prop_oneof![
        Just("text/plain; charset=utf-8"),
        Just("text/plain; charset=windows-1252"),
        Just("text/plain; charset=x-made-up"),
        Just("text/html; charset=iso-2022-jp"),
        Just("application/pdf; name=\"a.pdf\""),
        Just("image/png"),
        Just("application/ms-tnef; name=winmail.dat"),
        Just("message/rfc822"),
        Just("message/delivery-status"),
    ];
    let cte =
        prop_oneof![Just("7bit"), Just("8bit"), Just("base64"), Just("quoted-printable"), Just("x-uuencode"), Just("")];
    let disposition = prop_oneof![
        Just(""),
        Just("Content-Disposition: attachment; filename=\"f.bin\"\r\n"),
        Just("Content-Disposition: inline\r\nContent-ID: <c1>\r\n")
    ];
    (ct, cte, disposition, proptest::collection::vec(any::<u8>(), 0..300)).prop_map(|(ct, cte, disp, body)| {
        let mut out = format!("Content-Type: {ct}\r\n").into_bytes();
        if !cte.is_empty() {
            out.extend(format!("Content-Transfer-Encoding: {cte}\r\n").into_bytes());
        }
        out.extend(disp.as_bytes());
        out.extend(b"\r\n");
        out.extend(body);
        out
    })
}

fn part() -> impl Strategy<Value = Vec<u8>> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        (proptest::collection::vec(inner, 0..4), "[a-z0-9]{1,12}", 0u8..4).prop_map(|(children, boundary, flaw)| {
            let mut out =
                format!("Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\npreamble\r\n").into_bytes();
            for c in &children {
                // Flaw 1: a wrong boundary now and then.
                let b = if flaw == 1 { "other" } else { boundary.as_str() };
                out.extend(format!("--{b}\r\n").into_bytes());
                out.extend(c);
                out.extend(b"\r\n");
            }
            // Flaw 2: the closing boundary missing.
            if flaw != 2 {
                out.extend(format!("--{boundary}--\r\n").into_bytes());
            }
            out
        })
    })
}

fn message() -> impl Strategy<Value = Vec<u8>> {
    let headers = proptest::collection::vec(
        (
            prop_oneof![
                Just("Subject"),
                Just("From"),
                Just("References"),
                Just("In-Reply-To"),
                Just("Auto-Submitted"),
                Just("X-Junk")
            ],
            header_value(),
        ),
        0..6,
    );
    prop_oneof![
        3 => (headers, part()).prop_map(|(h, body)| {
            let mut out = b"From: Dana <dana@globex.test>\r\nTo: acme@in.localhost\r\nMIME-Version: 1.0\r\n".to_vec();
            for (n, v) in h {
                out.extend(format!("{n}: {v}\r\n").into_bytes());
            }
            out.extend(body);
            out
        }),
        1 => proptest::collection::vec(any::<u8>(), 0..2000),
    ]
}

#[test]
fn no_mime_tree_or_byte_string_crashes_the_parser_or_loses_the_message() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let w = rt.block_on(world());
    let acme = TenantId::try_from(w.acme_id.clone()).unwrap();
    let config = ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(raw in message())| {
        let _ = parse(&raw);
        let envelope = Envelope { recipients: vec!["acme@in.localhost".into()], ..Default::default() };
        let got = rt.block_on(receive(w.state(), Bytes::from(raw.clone()), envelope)).expect("received");
        prop_assert_eq!(got.len(), 1);
        let m = &got[0];
        prop_assert!(m.status != Status::Received, "acted on: {:?}", m);
        let kept = rt.block_on(w.state().blobs.get(&m.raw_key)).expect("read").expect("kept");
        prop_assert_eq!(kept.bytes.to_vec(), raw);
        let stored = rt.block_on(kt_store::inbound::get(w.state().store.as_ref(), &acme, &m.id)).expect("read");
        prop_assert_eq!(stored.map(|v| v.value.status), Some(m.status));
    });
}
