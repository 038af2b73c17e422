//! Billing time: an invoice of Kre8ivTech's links the tickets it bills and their billable time
//! entries (chosen by staff, who may read time); each entry is billed by one invoice at most,
//! given back when the invoice lets it go, is discarded or voided; billed time cannot be
//! removed; the billed client never sees the entries; partners cannot bill time.

use axum::http::StatusCode;
use kt_test_support::{People, Reply, World, people};
use serde_json::{Value, json};

async fn world() -> World {
    kt_test_support::world(kt_fn_invoices::router().merge(kt_fn_tickets::router())).await
}

struct Scene {
    ticket: String,
    billable: String,
    unbillable: String,
    time: String,
}

/// Drew files a ticket at Kre8ivTech; staff log 90 billable and 30 unbillable minutes on it.
async fn scene(w: &World, p: &People) -> Scene {
    let filed = w
        .post(
            &format!("/api/v1/tenants/{}/tickets", w.house_id),
            &p.drew,
            json!({"subject": "Migrate the shop", "description": "Move it to the new host.", "priority": "medium", "category": "technical_support"}),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let ticket = filed.body["id"].as_str().expect("id").to_owned();
    let time = format!("/api/v1/tenants/{}/tickets/{ticket}/time-entries", w.house_id);
    let log = |minutes: u32, billable: bool| {
        let (w, time, staff) = (w, time.clone(), p.staff.clone());
        async move {
            let r = w.post(&time, &staff, json!({"minutes": minutes, "billable": billable, "note": "Migration"})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            r.body["id"].as_str().expect("entry").to_owned()
        }
    };
    let billable = log(90, true).await;
    let unbillable = log(30, false).await;
    Scene { ticket, billable, unbillable, time }
}

fn invoices(w: &World) -> String {
    format!("/api/v1/tenants/{}/invoices", w.house_id)
}

fn draft(w: &World, ticket: &str, entries: &[&str]) -> Value {
    json!({"billed": {"org_id": w.direct_id}, "currency": "USD", "ticket_ids": [ticket], "time_entry_ids": entries,
        "lines": [{"description": "Migration, 1.5 h", "quantity": "1.5", "unit_price": "120.00"}]})
}

fn entries_of(r: &Reply) -> Vec<(String, u64)> {
    r.body["time_entries"]
        .as_array()
        .unwrap_or_else(|| panic!("{} {} {}", r.status, r.body, String::from_utf8_lossy(&r.raw)))
        .iter()
        .map(|e| (e["entry_id"].as_str().expect("id").to_owned(), e["minutes"].as_u64().expect("minutes")))
        .collect()
}

async fn billed_on(w: &World, p: &People, s: &Scene) -> Option<String> {
    let sheet = w.get(&s.time, &p.staff).await;
    let entries = sheet.body["entries"].as_array().expect("entries").clone();
    entries.iter().find(|e| e["id"] == s.billable.as_str()).and_then(|e| e["invoice_id"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn billable_time_is_billed_once_and_given_back_when_the_invoice_lets_it_go() {
    let w = world().await;
    let p = people(&w).await;
    let s = scene(&w, &p).await;

    // Only billable entries of the linked tickets; every fault at its place.
    let bad =
        w.post(&invoices(&w), &p.staff, draft(&w, &s.ticket, &[&s.unbillable, "01JD0000000000000000000000"])).await;
    assert_eq!(bad.fields(), ["time_entry_ids[0]", "time_entry_ids[1]"], "{}", bad.body);
    let made = w.post(&invoices(&w), &p.staff, draft(&w, &s.ticket, &[&s.billable])).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(entries_of(&made), [(s.billable.clone(), 90)]);
    let first = made.body["id"].as_str().expect("id").to_owned();
    assert_eq!(billed_on(&w, &p, &s).await.as_deref(), Some(first.as_str()), "the time sheet names the invoice");

    // Another invoice cannot bill it; the entry cannot be removed while billed.
    let twice = w.post(&invoices(&w), &p.staff, draft(&w, &s.ticket, &[&s.billable])).await;
    assert_eq!(twice.fields(), ["time_entry_ids[0]"]);
    assert!(twice.body.to_string().contains("another invoice"), "{}", twice.body);
    let removed = w.send("DELETE", &format!("{}/{}", s.time, s.billable), &p.staff, None, &[]).await;
    assert_eq!(removed.status, StatusCode::CONFLICT, "{}", removed.body);

    // Let go by an edit: free again, and a second invoice takes it.
    let path = format!("{}/{first}", invoices(&w));
    let etag = made.etag.clone().expect("etag");
    let edited = w.send("PATCH", &path, &p.staff, Some(json!({"time_entry_ids": []})), &[("if-match", &etag)]).await;
    assert_eq!((edited.status, entries_of(&edited).len()), (StatusCode::OK, 0), "{}", edited.body);
    assert_eq!(billed_on(&w, &p, &s).await, None);
    let second = w.post(&invoices(&w), &p.staff, draft(&w, &s.ticket, &[&s.billable])).await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    let second_path = format!("{}/{}", invoices(&w), second.body["id"].as_str().expect("id"));

    // Sent: the billed client sees the lines, never the time; voided, the time is free again.
    assert_eq!(w.post(&format!("{second_path}/send"), &p.staff, json!({})).await.status, StatusCode::OK);
    let seen = w.get(&second_path, &p.drew).await;
    assert_eq!((seen.status, entries_of(&seen).len()), (StatusCode::OK, 0), "{}", seen.body);
    assert!(!seen.body.to_string().contains(&s.billable), "the entry is not named to the client");
    let current = w.get(&second_path, &p.staff).await;
    assert_eq!(entries_of(&current), [(s.billable.clone(), 90)]);
    let etag = current.etag.clone().expect("etag");
    let voided = w
        .send(
            "POST",
            &format!("{second_path}/void"),
            &p.staff,
            Some(json!({"reason": "Wrong rate"})),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(voided.status, StatusCode::OK, "{}", voided.body);
    assert_eq!(billed_on(&w, &p, &s).await, None, "a voided invoice bills nothing");

    // Discarding a draft gives its time back too.
    let third = w.post(&invoices(&w), &p.staff, draft(&w, &s.ticket, &[&s.billable])).await;
    assert_eq!(third.status, StatusCode::CREATED, "{}", third.body);
    let third_path = format!("{}/{}", invoices(&w), third.body["id"].as_str().expect("id"));
    let etag = third.etag.clone().expect("etag");
    assert_eq!(
        w.send("DELETE", &third_path, &p.staff, None, &[("if-match", &etag)]).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(billed_on(&w, &p, &s).await, None);
    let removed = w.send("DELETE", &format!("{}/{}", s.time, s.billable), &p.staff, None, &[]).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "unbilled time can be removed");
}

#[tokio::test]
async fn partners_do_not_bill_time_and_unlinking_a_ticket_drops_its_time() {
    let w = world().await;
    let p = people(&w).await;
    let s = scene(&w, &p).await;
    let acme = format!("/api/v1/tenants/{}/invoices", w.acme_id);
    let body = json!({"billed": {"org_id": w.globex_id}, "time_entry_ids": [s.billable],
        "lines": [{"description": "Care", "quantity": "1", "unit_price": "10"}]});
    let r = w.post(&acme, &p.pat, body).await;
    assert_eq!(r.fields(), ["time_entry_ids"], "{}", r.body);

    let made = w.post(&invoices(&w), &p.avery, draft(&w, &s.ticket, &[&s.billable])).await;
    assert_eq!(entries_of(&made).len(), 1, "{}", made.body);
    let path = format!("{}/{}", invoices(&w), made.body["id"].as_str().expect("id"));
    let etag = made.etag.clone().expect("etag");
    let r = w.send("PATCH", &path, &p.avery, Some(json!({"ticket_ids": []})), &[("if-match", &etag)]).await;
    assert_eq!((r.status, entries_of(&r).len()), (StatusCode::OK, 0), "{}", r.body);
    assert_eq!(billed_on(&w, &p, &s).await, None);
}
