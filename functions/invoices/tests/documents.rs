//! The invoice, receipt and credit-note PDFs over HTTP, read back with poppler: the tenant's
//! letterhead, date and amount formats, the API's own figures, page breaks for a long invoice;
//! who may download which, and that the billed party's download counts as opening it.

use std::str::FromStr;

use axum::http::StatusCode;
use kt_domain::invoice::print::AmountStyle;
use kt_domain::money::Currency;
use kt_test_support::pdf::{self, Readback};
use kt_test_support::{Browser, World, people};
use rust_decimal::Decimal;
use serde_json::{Value, json};

async fn world() -> World {
    kt_test_support::world(kt_fn_invoices::router()).await
}

fn settings(w: &World) -> String {
    format!("/api/v1/tenants/{}/billing/settings", w.acme_id)
}

/// An amount of the API as Acme's documents write it (`1.234,56 €`), spaces plain.
fn shown(amount: &Value) -> String {
    let d = Decimal::from_str(amount.as_str().expect("amount")).expect("decimal");
    AmountStyle::DotComma.format(Currency::EUR, d).replace(['\u{a0}', '\u{202f}'], " ")
}

/// Downloads `path` as `who`: a PDF attachment, read back.
async fn download(w: &World, who: &Browser, path: &str, name: &str) -> Option<Readback> {
    let r = w.get(path, who).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    assert_eq!(r.content_type.as_deref(), Some("application/pdf"));
    assert!(r.disposition.as_deref().is_some_and(|d| d.starts_with("attachment; filename=")), "{:?}", r.disposition);
    assert!(r.raw.starts_with(b"%PDF-"));
    pdf::read(&r.raw, name)
}

fn has(back: &Readback, wants: &[&str]) {
    let flat = back.flat();
    for want in wants {
        assert!(flat.contains(want), "{want:?} missing from:\n{}", back.text);
    }
}

#[tokio::test]
async fn invoice_receipt_and_credit_note_print_the_apis_figures_in_the_tenants_formats() {
    let w = world().await;
    let p = people(&w).await;
    let s = w
        .patch(
            &settings(&w),
            &p.pat,
            json!({"address": "Acme Agency GmbH\nKastanienallee 12\n10435 Berlin", "tax_id": "DE123456789",
                "date_format": "dd.mm.yyyy", "amount_style": "1.234,56", "paper": "a4",
                "tax_rates": [{"name": "VAT", "percent": "19"}]}),
        )
        .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    assert_eq!((s.body["date_format"].as_str(), s.body["paper"].as_str()), (Some("dd.mm.yyyy"), Some("a4")));
    let vat = s.body["tax_rates"][0]["id"].clone();

    // 60 lines: more than a page.
    let lines: Vec<Value> = (1..=60)
        .map(|i| {
            json!({"description": format!("Sprint {i}: landing page, checkout and newsletter work"),
                "quantity": "1.5", "unit_price": format!("{i}.10"), "tax_rate_ids": [vat]})
        })
        .collect();
    let invoices = format!("/api/v1/tenants/{}/invoices", w.acme_id);
    let d = w
        .post(
            &invoices,
            &p.pat,
            json!({"billed": {"org_id": w.globex_id}, "currency": "EUR", "lines": lines,
            "notes": "Thank you for the work together."}),
        )
        .await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.body);
    let path = format!("{invoices}/{}", d.body["id"].as_str().expect("id"));

    // A draft prints for its issuer, marked, and not for the client.
    if let Some(draft) = download(&w, &p.pat, &format!("{path}/pdf"), "invoice-draft").await {
        has(&draft, &["Invoice Draft", "DRAFT"]);
    }
    assert_eq!(w.get(&format!("{path}/pdf"), &p.dana).await.status, StatusCode::NOT_FOUND);

    let sent = w.post(&format!("{path}/send"), &p.pat, json!({})).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let paid = w
        .post(
            &format!("{path}/payments"),
            &p.pat,
            json!({"amount": "100.00", "method": "bank_transfer", "reference": "TX-778"}),
        )
        .await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.body);
    let inv = w.get(&path, &p.pat).await.body;
    let number = inv["number"].as_str().expect("number").to_owned();
    assert!(inv["viewed_at"].is_null());

    // The client's download: the invoice as the API states it, and now viewed.
    let r = w.get(&format!("{path}/pdf"), &p.dana).await;
    assert_eq!(r.disposition.as_deref(), Some(format!("attachment; filename=\"{number}.pdf\"").as_str()));
    assert!(!w.get(&path, &p.pat).await.body["viewed_at"].is_null(), "the download opened it");
    if let Some(back) = pdf::read(&r.raw, "invoice-sent") {
        assert!(back.pages >= 2, "60 lines take {} page(s)", back.pages);
        let issued = inv["issued_on"].as_str().expect("issued");
        let (y, rest) = issued.split_at(4);
        let dotted = format!("{}.{}.{y}", &rest[4..6], &rest[1..3]);
        has(
            &back,
            &[
                &number,
                "Acme Agency GmbH",
                "Kastanienallee 12",
                "Tax ID DE123456789",
                "BILL TO",
                "Globex",
                &format!("Issued {dotted}"),
                &format!("Subtotal {}", shown(&inv["subtotal"])),
                &format!("VAT 19% {}", shown(&inv["taxes"][0]["amount"])),
                &format!("Total {}", shown(&inv["total"])),
                &format!("Balance due {}", shown(&inv["balance"])),
                "PAYMENTS",
                "Bank transfer TX-778",
                "Thank you for the work together.",
                &format!("Page 1 of {}", back.pages),
            ],
        );
        for i in 1..=60 {
            assert!(back.flat().contains(&format!("Sprint {i}: landing page")), "line {i}");
        }
        // Each line's amount on its row, as the API computed it.
        let row = back.text.lines().find(|l| l.contains("Sprint 7:")).expect("row 7");
        let row = row.replace(['\u{a0}', '\u{202f}'], " ");
        assert!(row.contains(" 1,5 ") && row.contains(&shown(&inv["lines"][6]["amount"])), "{row}");
    }

    // The receipt of the payment.
    let ledger = w.get(&format!("{path}/payments"), &p.dana).await.body;
    let payment = ledger["items"][0]["id"].as_str().expect("payment id").to_owned();
    let receipt = format!("{path}/payments/{payment}/receipt");
    if let Some(back) = download(&w, &p.dana, &receipt, "receipt").await {
        has(
            &back,
            &[
                "Receipt",
                &format!("{number}-R1"),
                "PAID",
                "RECEIVED FROM",
                "Globex",
                "Method Bank transfer",
                "Reference TX-778",
                "Amount received 100,00 €",
                &format!("Invoice total {}", shown(&inv["total"])),
                &format!("Balance remaining {}", shown(&inv["balance"])),
            ],
        );
    }
    assert_eq!(
        w.get(&format!("{path}/payments/01HZZZZZZZZZZZZZZZZZZZZZZZ/receipt"), &p.dana).await.status,
        StatusCode::NOT_FOUND
    );

    // A credit note.
    let n = w
        .post(&format!("{path}/credit-notes"), &p.pat, json!({"amount": "50.00", "reason": "Two days of downtime"}))
        .await;
    assert_eq!(n.status, StatusCode::CREATED, "{}", n.body);
    let note_path = format!("/api/v1/tenants/{}/credit-notes/{}/pdf", w.acme_id, n.body["id"].as_str().expect("id"));
    if let Some(back) = download(&w, &p.dana, &note_path, "credit-note").await {
        has(
            &back,
            &[
                "Credit note",
                n.body["number"].as_str().expect("number"),
                "Two days of downtime",
                &format!("Credits invoice {number}"),
                "Credit 50,00 €",
                &format!("Applied to {number} -50,00 €"),
                "Remaining credit 0,00 €",
            ],
        );
    }

    // Who else may download: another organization's client, partner staff and another
    // tenant's client get nothing (not even that it exists), nobody signed in is asked to
    // sign in; the platform's super admin reads every tenant's; unknown query parameters are
    // refused.
    for who in [&p.olga, &p.sam, &p.drew] {
        for url in [format!("{path}/pdf"), receipt.clone(), note_path.clone()] {
            let r = w.get(&url, who).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{url}");
            assert!(!r.raw.starts_with(b"%PDF"), "{url} leaked to another party");
        }
    }
    assert_eq!(w.get(&format!("{path}/pdf"), &p.avery).await.status, StatusCode::OK);
    assert_eq!(
        w.get(&format!("{path}/pdf"), &Browser { host: kt_test_support::ACME, ..Default::default() }).await.status,
        StatusCode::UNAUTHORIZED
    );
    let bad = w.get(&format!("{path}/pdf?download=1"), &p.dana).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().expect("header");
        w.write_image_data(&vec![0x1d; (width * height * 3) as usize]).expect("pixels");
    }
    out
}

/// Makes `bytes` Acme's logo through the branding routes (the upload itself as the host's
/// blob store would take it).
async fn brand(w: &World, who: &Browser, upload_id: &str, bytes: Vec<u8>) {
    let key = format!("tenants/{}/branding/logo-{upload_id}", w.acme_id);
    w.state().blobs.put(&key, bytes.into(), "image/png").await.expect("stored");
    let logo = format!("/api/v1/tenants/{}/branding/logo", w.acme_id);
    let r = w.send("PUT", &logo, who, Some(json!({"upload_id": upload_id})), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn the_tenants_logo_heads_its_documents_and_an_unreadable_one_is_left_off() {
    let w = world().await;
    let p = people(&w).await;
    let invoices = format!("/api/v1/tenants/{}/invoices", w.acme_id);
    let d = w
        .post(
            &invoices,
            &p.pat,
            json!({"billed": {"org_id": w.globex_id}, "currency": "EUR",
            "lines": [{"description": "Logo design", "quantity": "1", "unit_price": "300"}]}),
        )
        .await;
    let pdf_path = format!("{invoices}/{}/pdf", d.body["id"].as_str().expect("id"));

    brand(&w, &p.pat, "01JDLOGO0000000000000000A1", png(120, 40)).await;
    if let Some(back) = download(&w, &p.pat, &pdf_path, "invoice-logo").await {
        assert_eq!(back.images, [(120, 40)], "the logo, once");
        has(&back, &["Acme Agency", "Logo design"]);
    }
    // A file that passed the upload's checks but is no image: the document comes without it.
    brand(&w, &p.pat, "01JDLOGO0000000000000000B2", b"\x89PNG\r\n\x1a\nnot-really".to_vec()).await;
    if let Some(back) = download(&w, &p.pat, &pdf_path, "invoice-broken-logo").await {
        assert!(back.images.is_empty(), "{:?}", back.images);
        has(&back, &["Logo design"]);
    }
}

#[tokio::test]
async fn document_settings_refuse_bad_input_and_change_nothing() {
    let w = world().await;
    let p = people(&w).await;
    let before = w.get(&settings(&w), &p.pat).await.body;
    let bad =
        w.patch(&settings(&w), &p.pat, json!({"date_format": "yyyy/dd/mm", "address": "1\n2\n3\n4\n5\n6\n7"})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.fields().contains(&"date_format".to_owned()), "{}", bad.body);
    let lines = w.patch(&settings(&w), &p.pat, json!({"address": "1\n2\n3\n4\n5\n6\n7"})).await;
    assert_eq!(lines.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", lines.body);
    assert_eq!(lines.fields(), ["address"]);
    assert_eq!(w.get(&settings(&w), &p.pat).await.body, before);
    let staff = w.patch(&settings(&w), &p.sam, json!({"paper": "letter"})).await;
    assert!(matches!(staff.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", staff.status);
}
