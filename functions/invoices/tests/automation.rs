//! The invoice's life after sending, on a clock the test moves: the billed client told of it,
//! the issuer of the first look, reminders around the due date, Overdue, a late fee as its own
//! line, percentage fees that recur and interest by the day, the receipt; every sweep run twice
//! acts once.

use axum::http::StatusCode;
use kt_app::invoices::automation::{Swept, sweep};
use kt_test_support::{World, people};
use serde_json::{Value, json};
use time::Duration;

async fn world() -> World {
    kt_test_support::world(kt_fn_invoices::router().merge(kt_fn_notifications::router())).await
}

async fn sweep_twice(w: &World) -> Swept {
    let s = w.state();
    let first = sweep(s, s.clock.now()).await.expect("sweep");
    let again = sweep(s, s.clock.now()).await.expect("sweep again");
    assert_eq!((again.reminders, again.overdue, again.charges), (0, 0, 0), "a second run acts on nothing");
    first
}

#[tokio::test]
async fn reminders_overdue_late_fee_and_receipt_each_once() {
    let w = world().await;
    let p = people(&w).await;
    let terms = format!("/api/v1/tenants/{}/billing/terms/orgs/{}", w.acme_id, w.globex_id);
    let late = json!({"name": "Net 30, late fee", "due_days": 30, "late_fee": {"kind": "fixed", "value": "25", "grace_days": 5}});
    assert_eq!(w.send("PUT", &terms, &p.avery, Some(late), &[]).await.status, StatusCode::NO_CONTENT);
    let invoices = format!("/api/v1/tenants/{}/invoices", w.acme_id);
    let body = json!({"billed": {"org_id": w.globex_id}, "currency": "EUR",
        "lines": [{"description": "Website care, March", "quantity": "1", "unit_price": "250.00"}]});
    let d = w.post(&invoices, &p.pat, body).await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.body);
    let path = format!("{invoices}/{}", d.body["id"].as_str().expect("id"));
    let sent = w.post(&format!("{path}/send"), &p.pat, json!({})).await;
    let number = sent.body["number"].as_str().expect("number").to_owned();
    w.settle().await;
    let dana_titles = w.notification_titles(&p.dana).await;
    assert!(dana_titles.contains(&format!("Invoice {number} from Acme Agency")), "{dana_titles:?}");
    let mails = w.mails_to("dana@globex.test").await;
    assert!(
        mails
            .iter()
            .any(|m| m.contains(&format!("Invoice {number} from Acme Agency")) && m.contains("View the invoice"))
    );

    // The client's first look tells the partner.
    assert_eq!(w.get(&path, &p.dana).await.body["status"], "viewed");
    w.settle().await;
    assert!(w.notification_titles(&p.pat).await.contains(&format!("Globex opened {number}")));

    // Three days before the due date: the first reminder, once.
    // (Sessions end as days pass: everyone signs in again after each jump.)
    w.clock.advance(Duration::days(27));
    let p = people(&w).await;
    let s = sweep_twice(&w).await;
    assert_eq!((s.reminders, s.overdue, s.charges), (1, 0, 0));
    w.settle().await;
    let due = sent.body["due_on"].as_str().expect("due").to_owned();
    assert!(w.notification_titles(&p.dana).await.contains(&format!("{number} is due on {due}")));

    // The day after: Overdue (and the day-after reminder goes with it).
    w.clock.advance(Duration::days(4));
    let p = people(&w).await;
    let s = sweep_twice(&w).await;
    assert_eq!((s.reminders, s.overdue), (1, 1));
    let now = w.get(&path, &p.pat).await.body;
    assert_eq!(now["status"], "overdue");
    assert_eq!(now["past_due"], true);
    w.settle().await;
    assert!(w.notification_titles(&p.dana).await.contains(&format!("{number} is overdue")));
    assert!(w.notification_titles(&p.pat).await.contains(&format!("{number} to Globex is overdue")));

    // Six days late (five days' grace): the fee, as its own line with how it was computed.
    w.clock.advance(Duration::days(5));
    let p = people(&w).await;
    let s = sweep_twice(&w).await;
    assert_eq!(s.charges, 1);
    let now = w.get(&path, &p.pat).await.body;
    let fee: Vec<&Value> =
        now["lines"].as_array().expect("lines").iter().filter(|l| l["charge_key"] == "fee:1").collect();
    assert_eq!(fee.len(), 1, "{now}");
    assert_eq!(fee[0]["total"], "25.00");
    assert!(fee[0]["basis"].as_str().is_some_and(|b| b.contains("25")), "{}", fee[0]);
    assert_eq!(now["total"], "275.00");
    assert_eq!(now["balance"], "275.00");

    // Paid in full: the receipt; later sweeps find nothing to do.
    let paid =
        w.post(&format!("{path}/payments"), &p.pat, json!({"amount": "275.00", "method": "bank_transfer"})).await;
    assert_eq!(paid.body["invoice"]["status"], "paid", "{}", paid.body);
    w.settle().await;
    assert!(w.notification_titles(&p.dana).await.contains(&format!("Payment received for {number}")));
    w.clock.advance(Duration::days(10));
    let s = sweep_twice(&w).await;
    assert_eq!((s.reminders, s.overdue, s.charges), (0, 0, 0));
    let mails = w.mails_to("dana@globex.test").await;
    for title in [format!("{number} is overdue"), format!("Payment received for {number}")] {
        assert!(mails.iter().any(|m| m.contains(&title)), "mailed: {title}");
    }
}

#[tokio::test]
async fn percentage_fees_recur_and_interest_accrues_through_the_sweep_once_each() {
    let w = world().await;
    let p = people(&w).await;
    let terms = format!("/api/v1/tenants/{}/billing/terms/orgs/{}", w.acme_id, w.globex_id);
    let late = json!({"name": "Net 30, 2% monthly, interest", "due_days": 30,
        "late_fee": {"kind": "percent", "value": "2", "grace_days": 5, "repeat_days": 30},
        "interest": {"annual_percent": "10.5"}});
    let r = w.send("PUT", &terms, &p.avery, Some(late), &[]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let invoices = format!("/api/v1/tenants/{}/invoices", w.acme_id);
    let body = json!({"billed": {"org_id": w.globex_id}, "currency": "EUR",
        "lines": [{"description": "Retainer", "quantity": "1", "unit_price": "1000.00"}]});
    let d = w.post(&invoices, &p.pat, body).await;
    let path = format!("{invoices}/{}", d.body["id"].as_str().expect("id"));
    assert_eq!(w.post(&format!("{path}/send"), &p.pat, json!({})).await.status, StatusCode::OK);
    let charges = |inv: &Value| -> Vec<(String, String, String)> {
        inv["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .filter(|l| !l["charge_key"].is_null())
            .map(|l| {
                let s = |k: &str| l[k].as_str().unwrap_or_default().to_owned();
                (s("charge_key"), s("total"), s("basis"))
            })
            .collect()
    };

    // The sweep runs every day, as it does every minute deployed.
    async fn days(w: &World, n: i64) -> usize {
        let mut charges = 0;
        for _ in 0..n {
            w.clock.advance(Duration::days(1));
            charges += sweep_twice(w).await.charges;
        }
        charges
    }

    // Six days late (five days' grace): 2% of the overdue 1,000.00, and the interest accrued
    // since the due date settled with it (1,000.00 × 10.5% × 6/365 = 1.726 -> 1.73).
    assert_eq!(days(&w, 35).await, 0, "nothing within the grace days");
    assert_eq!(days(&w, 1).await, 2);
    let p = people(&w).await;
    let now = w.get(&path, &p.pat).await.body;
    let got = charges(&now);
    assert_eq!(got.len(), 2, "{now}");
    assert_eq!((got[0].0.as_str(), got[0].1.as_str()), ("fee:1", "20.00"));
    assert_eq!(got[0].2, "2% of the overdue balance 1000.00 EUR");
    assert!(got[1].0.starts_with("interest:"), "{got:?}");
    assert_eq!((got[1].1.as_str(), got[1].2.as_str()), ("1.73", "1000.00 EUR × 10.5% a year × 6/365 days"));

    // Thirty days on: the fee again, and thirty days of interest on the overdue balance then
    // (1,021.73 × 10.5% × 30/365 = 8.8178 -> 8.82), each once.
    assert_eq!(days(&w, 29).await, 0);
    assert_eq!(days(&w, 1).await, 2);
    let p = people(&w).await;
    let now = w.get(&path, &p.pat).await.body;
    let got = charges(&now);
    let keys: Vec<&str> = got.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(keys.iter().filter(|k| k.starts_with("fee:")).copied().collect::<Vec<_>>(), ["fee:1", "fee:2"], "{now}");
    let fee2 = got.iter().find(|c| c.0 == "fee:2").expect("fee 2");
    assert!(fee2.2.starts_with("2% of the overdue balance"), "{fee2:?}");
    let interest: Vec<_> = got.iter().filter(|c| c.0.starts_with("interest:")).collect();
    assert_eq!(interest.len(), 2, "{got:?}");
    assert_eq!((interest[1].1.as_str(), interest[1].2.as_str()), ("8.82", "1021.73 EUR × 10.5% a year × 30/365 days"));
    let total: rust_decimal::Decimal = now["total"].as_str().expect("total").parse().expect("decimal");
    let lines: rust_decimal::Decimal = now["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["total"].as_str().expect("line total").parse::<rust_decimal::Decimal>().expect("decimal"))
        .sum();
    assert_eq!(total, lines, "the charges are lines of the invoice");
}
