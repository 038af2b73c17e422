//! Recurring invoices and payment plans on a clock the test moves: each period generated once
//! however often or late the sweep runs, auto-sent invoices numbered and told, pause and
//! resume, recurring revenue; instalments reminded on their day and late the day after.

use axum::http::StatusCode;
use kt_test_support::{World, people};
use serde_json::json;
use time::Duration;

async fn world() -> World {
    kt_test_support::world(kt_fn_invoices::router().merge(kt_fn_notifications::router())).await
}

async fn sweep_twice(w: &World) -> usize {
    let s = w.state();
    let first = kt_app::invoices::recurring::sweep(s, s.clock.now()).await.expect("sweep");
    let again = kt_app::invoices::recurring::sweep(s, s.clock.now()).await.expect("sweep again");
    assert_eq!(again.invoices, 0, "a second run generates nothing");
    kt_app::invoices::automation::sweep(s, s.clock.now()).await.expect("invoice sweep");
    first.invoices
}

fn schedules(w: &World) -> String {
    format!("/api/v1/tenants/{}/recurring-invoices", w.acme_id)
}

async fn generated(w: &World, who: &kt_test_support::Browser) -> Vec<serde_json::Value> {
    let list = w.get(&format!("/api/v1/tenants/{}/invoices?org_id={}&limit=100", w.acme_id, w.globex_id), who).await;
    list.body["items"].as_array().expect("items").clone()
}

#[tokio::test]
async fn each_period_is_generated_once_even_late_and_paused_periods_are_skipped() {
    let w = world().await;
    let p = people(&w).await;
    let today = w.state().clock.now().date();
    let body = json!({"billed": {"org_id": w.globex_id}, "currency": "EUR", "frequency": "monthly",
        "start_on": today.to_string(), "lines": [{"description": "Website care", "quantity": "1", "unit_price": "300.00"}]});
    let made = w.post(&schedules(&w), &p.pat, body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!((made.body["total"].as_str(), made.body["monthly"].as_str()), (Some("300.00"), Some("300.00")));
    assert_eq!(made.body["next_on"], today.to_string());
    let path = format!("{}/{}", schedules(&w), made.body["id"].as_str().expect("id"));
    let revenue = format!("/api/v1/tenants/{}/billing/revenue", w.acme_id);
    let r = w.get(&revenue, &p.pat).await.body;
    assert_eq!(r["items"][0], json!({"currency": "EUR", "schedules": 1, "mrr": "300.00", "arr": "3600.00"}));

    // Today's period: one draft, however often the sweep runs.
    assert_eq!(sweep_twice(&w).await, 1);
    let drafts = generated(&w, &p.pat).await;
    let ours: Vec<_> = drafts.iter().filter(|i| i["total"] == "300.00" && i["status"] == "draft").collect();
    assert_eq!(ours.len(), 1, "{drafts:?}");
    let now = w.get(&path, &p.pat).await.body;
    assert_eq!(now["generated"], 1);
    let first = w
        .get(
            &format!("/api/v1/tenants/{}/invoices/{}", w.acme_id, now["last_invoice_id"].as_str().expect("last")),
            &p.pat,
        )
        .await
        .body;
    assert_eq!(first["recurring"]["period"], 0);
    assert_eq!(first["lines"][0]["description"], "Website care");
    w.settle().await;
    let told = w.notification_titles(&p.pat).await;
    assert!(told.contains(&"A recurring invoice to Globex is ready to send".to_owned()), "{told:?}");

    // The sweep did not run for three months: three periods, one invoice each.
    w.clock.advance(Duration::days(95));
    let p = people(&w).await;
    assert_eq!(sweep_twice(&w).await, 3);
    assert_eq!(w.get(&path, &p.pat).await.body["generated"], 4);

    // Paused for two months, resumed: the missed periods are skipped.
    let now = w.get(&path, &p.pat).await;
    let etag = now.etag.clone().expect("etag");
    let paused = w.send("PATCH", &path, &p.pat, Some(json!({"active": false})), &[("if-match", &etag)]).await;
    assert_eq!(paused.status, StatusCode::OK, "{}", paused.body);
    assert!(w.get(&revenue, &p.pat).await.body["items"].as_array().expect("items").is_empty(), "paused: no MRR");
    w.clock.advance(Duration::days(62));
    let p = people(&w).await;
    assert_eq!(sweep_twice(&w).await, 0);
    let resumed = w.patch(&path, &p.pat, json!({"active": true})).await;
    assert_eq!(resumed.status, StatusCode::OK, "{}", resumed.body);
    let next = resumed.body["next_on"].as_str().expect("next").to_owned();
    assert!(next >= w.state().clock.now().date().to_string(), "resumes from today: {next}");
    assert_eq!(resumed.body["generated"].as_u64(), Some(6), "two periods skipped");
    // Fixed once generated.
    let refused = w.patch(&path, &p.pat, json!({"frequency": "yearly"})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.fields(), ["frequency"]);
}

#[tokio::test]
async fn auto_sent_invoices_are_numbered_and_told_and_only_issuers_manage_schedules() {
    let w = world().await;
    let p = people(&w).await;
    let today = w.state().clock.now().date();
    let body = json!({"billed": {"org_id": w.globex_id}, "currency": "EUR", "frequency": "weekly", "auto_send": true,
        "start_on": (today + Duration::days(1)).to_string(), "end_on": (today + Duration::days(8)).to_string(),
        "lines": [{"description": "Support retainer", "quantity": "2", "unit_price": "50.00"}]});
    let key = [("idempotency-key", "schedule-1")];
    let made = w.send("POST", &schedules(&w), &p.pat, Some(body.clone()), &key).await;
    let again = w.send("POST", &schedules(&w), &p.pat, Some(body.clone()), &key).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.body["id"], again.body["id"], "a retry answers with the first schedule");
    // Weekly 100: 100 × 52 / 12.
    assert_eq!(made.body["monthly"], "433.33");
    assert_eq!(sweep_twice(&w).await, 0, "nothing before the start");

    w.clock.advance(Duration::days(1));
    let p = people(&w).await;
    assert_eq!(sweep_twice(&w).await, 1);
    let sent: Vec<_> = generated(&w, &p.pat).await.into_iter().filter(|i| i["total"] == "100.00").collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["status"], "sent");
    let number = sent[0]["number"].as_str().expect("numbered").to_owned();
    w.settle().await;
    assert!(w.notification_titles(&p.dana).await.contains(&format!("Invoice {number} from Acme Agency")));
    // The second and last week; then the schedule has ended.
    w.clock.advance(Duration::days(7));
    let p = people(&w).await;
    assert_eq!(sweep_twice(&w).await, 1);
    w.clock.advance(Duration::days(7));
    let p2 = people(&w).await;
    assert_eq!(sweep_twice(&w).await, 0);
    let path = format!("{}/{}", schedules(&w), made.body["id"].as_str().expect("id"));
    assert_eq!(w.get(&path, &p2.pat).await.body["next_on"], serde_json::Value::Null);
    drop(p);

    // Only issuers: the client, partner staff and another tenant are refused.
    assert_eq!(w.get(&schedules(&w), &p2.dana).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.post(&schedules(&w), &p2.sam, body.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.get(&path, &p2.drew).await.status, StatusCode::NOT_FOUND);
    let bad = w
        .post(
            &schedules(&w),
            &p2.pat,
            json!({"billed": {"org_id": w.globex_id}, "frequency": "daily",
        "start_on": "2020-01-01", "lines": [{"description": "x", "quantity": "1", "unit_price": "1"}]}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), ["frequency"]);
    let old = w
        .post(
            &schedules(&w),
            &p2.pat,
            json!({"billed": {"org_id": w.globex_id}, "frequency": "monthly",
        "start_on": "2020-01-01", "lines": [{"description": "x", "quantity": "1", "unit_price": "1"}]}),
        )
        .await;
    assert_eq!(old.fields(), ["start_on"]);
    let ended = w.delete(&path, &p2.pat).await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT);
    assert_eq!(w.get(&path, &p2.pat).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn instalments_are_reminded_on_their_day_and_late_the_day_after() {
    let w = world().await;
    let p = people(&w).await;
    let invoices = format!("/api/v1/tenants/{}/invoices", w.acme_id);
    let body = json!({"billed": {"org_id": w.globex_id}, "currency": "EUR",
        "lines": [{"description": "Redesign", "quantity": "1", "unit_price": "1000.00"}]});
    let d = w.post(&invoices, &p.pat, body).await;
    let path = format!("{invoices}/{}", d.body["id"].as_str().expect("id"));
    let sent = w.post(&format!("{path}/send"), &p.pat, json!({})).await;
    let number = sent.body["number"].as_str().expect("number").to_owned();
    let today = w.state().clock.now().date();
    let (a, b) = (today + Duration::days(10), today + Duration::days(40));
    let plan = format!("{path}/plan");

    let wrong = w
        .send(
            "PUT",
            &plan,
            &p.pat,
            Some(json!({"instalments": [
        {"due_on": a.to_string(), "amount": "500.00"}, {"due_on": b.to_string(), "amount": "400.00"}]})),
            &[],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.fields(), ["instalments"], "they add up to the balance");
    let past = w.send("PUT", &plan, &p.pat, Some(json!({"instalments": [
        {"due_on": (today - Duration::days(1)).to_string(), "amount": "500.00"}, {"due_on": "someday", "amount": "500.00"}]})), &[]).await;
    assert_eq!(past.fields(), ["instalments[1].due_on"]);
    let by_client = w.send("PUT", &plan, &p.dana, Some(json!({"instalments": []})), &[]).await;
    assert_eq!(by_client.status, StatusCode::FORBIDDEN);

    let set = w
        .send(
            "PUT",
            &plan,
            &p.pat,
            Some(json!({"instalments": [
        {"due_on": a.to_string(), "amount": "500.00"}, {"due_on": b.to_string(), "amount": "500.00"}]})),
            &[],
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(set.body["due_on"], b.to_string(), "due with the last instalment");
    assert_eq!(set.body["plan"][0]["status"], "upcoming");
    let seen = w.get(&path, &p.dana).await.body;
    assert_eq!(seen["plan"][1]["amount"], "500.00", "the client sees the plan");

    // On the first instalment's day: its reminder, once.
    w.clock.advance(Duration::days(10));
    let p = people(&w).await;
    let s = w.state();
    let first = kt_app::invoices::automation::sweep(s, s.clock.now()).await.expect("sweep");
    let again = kt_app::invoices::automation::sweep(s, s.clock.now()).await.expect("sweep");
    assert_eq!((first.reminders, again.reminders), (1, 0));
    w.settle().await;
    assert!(w.notification_titles(&p.dana).await.contains(&format!("Instalment 1 of 2 on {number} is due")));
    assert_eq!(w.get(&path, &p.pat).await.body["plan"][0]["status"], "due");

    // Unpaid the day after: overdue, though the invoice's last day is a month away.
    w.clock.advance(Duration::days(1));
    let p = people(&w).await;
    let s = w.state();
    let late = kt_app::invoices::automation::sweep(s, s.clock.now()).await.expect("sweep");
    assert_eq!(late.overdue, 1);
    let now = w.get(&path, &p.pat).await.body;
    assert_eq!((now["status"].as_str(), now["plan"][0]["status"].as_str()), (Some("overdue"), Some("late")));
    // Paid: back on plan (Partial), the second instalment ahead.
    let paid =
        w.post(&format!("{path}/payments"), &p.pat, json!({"amount": "500.00", "method": "bank_transfer"})).await;
    assert_eq!(paid.body["invoice"]["status"], "partial", "{}", paid.body);
    assert_eq!(paid.body["invoice"]["plan"][0]["status"], "paid");
    // Taken away: due by its terms again.
    let cleared = w.delete(&plan, &p.pat).await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.body);
    assert_eq!(cleared.body["plan"], serde_json::Value::Null);
    assert_eq!(cleared.body["due_on"], sent.body["due_on"]);
}

/// Dana pays an invoice of `price` with `card` through the local card form, keeping the card.
async fn pay_saving(w: &World, p: &kt_test_support::People, price: &str, card: &str) {
    let invoices = format!("/api/v1/tenants/{}/invoices", w.acme_id);
    let body = json!({"billed": {"org_id": w.globex_id}, "currency": "EUR",
        "lines": [{"description": "Setup", "quantity": "1", "unit_price": price}]});
    let d = w.post(&invoices, &p.pat, body).await;
    let path = format!("{invoices}/{}", d.body["id"].as_str().expect("id"));
    assert_eq!(w.post(&format!("{path}/send"), &p.pat, json!({})).await.status, StatusCode::OK);
    let c = w.post(&format!("{path}/checkout"), &p.dana, json!({"save_card": true})).await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.body);
    let intent = c.body["intent_id"].as_str().expect("intent");
    let mut r = w.post(&format!("{path}/checkout/{intent}/local"), &p.dana, json!({"card": card})).await;
    if r.body["status"] == "requires_action" {
        r = w.post(&format!("{path}/checkout/{intent}/local"), &p.dana, json!({"card": "3ds:approve"})).await;
    }
    assert_eq!(r.body["status"], "succeeded", "{}", r.body);
}

#[tokio::test]
async fn a_saved_card_pays_each_auto_sent_invoice_and_a_failed_charge_is_told() {
    let w = world().await;
    let p = people(&w).await;
    pay_saving(&w, &p, "20.00", "4242 4242 4242 4242").await;
    let today = w.state().clock.now().date();
    let body = json!({"billed": {"org_id": w.globex_id}, "currency": "EUR", "frequency": "monthly",
        "auto_send": true, "auto_charge": true, "start_on": today.to_string(),
        "lines": [{"description": "Hosting", "quantity": "1", "unit_price": "49.00"}]});
    let alone = w.post(&schedules(&w), &p.pat, json!({"billed": {"org_id": w.globex_id}, "frequency": "monthly",
        "auto_charge": true, "start_on": today.to_string(), "lines": [{"description": "x", "quantity": "1", "unit_price": "1"}]})).await;
    assert_eq!(alone.fields(), ["auto_charge"], "charging needs sending");
    let made = w.post(&schedules(&w), &p.pat, body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.body["auto_charge"], true);
    assert_eq!(sweep_twice(&w).await, 1);
    w.settle().await;
    w.settle().await;
    let path = format!("{}/{}", schedules(&w), made.body["id"].as_str().expect("id"));
    let last = w.get(&path, &p.pat).await.body["last_invoice_id"].as_str().expect("last").to_owned();
    let inv = w.get(&format!("/api/v1/tenants/{}/invoices/{last}", w.acme_id), &p.pat).await.body;
    assert_eq!((inv["status"].as_str(), inv["balance"].as_str()), (Some("paid"), Some("0.00")), "{inv}");
    let ledger = w.get(&format!("/api/v1/tenants/{}/invoices/{last}/payments", w.acme_id), &p.pat).await.body;
    assert_eq!(ledger["items"].as_array().map(Vec::len), Some(1), "charged once: {ledger}");
    let number = inv["number"].as_str().expect("number").to_owned();
    assert!(w.notification_titles(&p.dana).await.contains(&format!("Payment received for {number}")));

    // A card that asks for 3-D Secure cannot be charged without the payer: she is told.
    pay_saving(&w, &p, "20.00", "4000 0027 6000 3184").await;
    w.clock.advance(Duration::days(31));
    let p = people(&w).await;
    assert_eq!(sweep_twice(&w).await, 1);
    w.settle().await;
    w.settle().await;
    let last = w.get(&path, &p.pat).await.body["last_invoice_id"].as_str().expect("last").to_owned();
    let inv = w.get(&format!("/api/v1/tenants/{}/invoices/{last}", w.acme_id), &p.pat).await.body;
    assert_eq!(inv["balance"], "49.00", "{inv}");
    let number = inv["number"].as_str().expect("number").to_owned();
    let titles = w.notification_titles(&p.dana).await;
    assert!(titles.contains(&format!("We could not charge your saved card for {number}")), "{titles:?}");
    assert!(w.notification_titles(&p.pat).await.contains(&format!("The automatic charge of {number} failed")));
}
