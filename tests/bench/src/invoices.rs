//! `kt-bench invoices`: the invoicing budgets, against the whole local host over HTTP on
//! loopback (the router, workers and sweeps of `portal serve`):
//!
//! * creating an invoice of 10 lines (a draft, with its figures), sequentially;
//! * a list page (25) with `invoices` invoices in the tenant, all and by status;
//! * webhook handling: `payment_intent.succeeded` events for distinct invoices, signed;
//! * 1,000 deliveries of one event, 50 at a time: it must change its invoice once;
//! * credit notes issued over HTTP on sent invoices (each takes the next credit-note number);
//! * PDFs of sent invoices of 10 and of 100 lines over HTTP, each a different invoice;
//! * the recurring sweep with `schedules` monthly schedules due today, run twice: one invoice
//!   each, the second run none.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use kt_app::invoices::drafts::{self, BilledRef, DraftInput};
use kt_app::invoices::issuing;
use kt_domain::invoice::draft::LineDraft;
use kt_platform::payments::webhook;
use kt_store::entity::pointer_item;
use serde_json::{Value, json};

use crate::tickets::Host;
use crate::{Row, app_err, print_rows};

pub struct Options {
    pub invoices: usize,
    pub creates: usize,
    pub reads: usize,
    pub events: usize,
    pub duplicates: usize,
    pub schedules: usize,
}

fn lines(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"description": format!("Line {i}: website care"), "quantity": "1.5", "unit_price": "80.00"}))
        .collect()
}

fn ms(d: Duration) -> u64 {
    d.as_nanos().max(1) as u64
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    let served = crate::served::Served::start(kt_app::wiring::Backend::Local).await?;
    let (app, host, label) = (served.app.clone(), served.host.clone(), served.label.clone());
    let acme_host = "acme.localhost";
    let pat = Arc::new(host.sign_in(acme_host, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await?);
    let tenant = kt_app::identity::tenancy::resolve_host(&app, acme_host).await.map_err(app_err)?;
    let (orgs, _) = kt_store::accounts::list_orgs(app.store.as_ref(), &tenant.id, 10, None).await?;
    let org = orgs.first().map(|o| o.id.clone()).ok_or_else(|| anyhow::anyhow!("no organization"))?;
    let invoices_path = format!("/api/v1/tenants/{}/invoices", tenant.id);
    let mut rows = Vec::new();

    // 1. Creating invoices of 10 lines over HTTP.
    eprintln!("  creating {} invoices of 10 lines over HTTP ...", o.creates);
    let body = json!({"billed": {"org_id": org.to_string()}, "currency": "EUR", "lines": lines(10)});
    let mut hist = Histogram::<u64>::new(3)?;
    let start = Instant::now();
    for _ in 0..o.creates {
        let t = Instant::now();
        let res = host.request(reqwest::Method::POST, acme_host, &invoices_path, &pat).json(&body).send().await?;
        anyhow::ensure!(res.status() == 201, "create answered {}", res.status());
        hist.record(ms(t.elapsed()))?;
    }
    rows.push(Row { name: "create invoice, 10 lines (HTTP)", hist, elapsed: start.elapsed(), budget_p95: Some(20.0) });

    // 2. Filling the tenant to `invoices` (through the use cases; half of them sent).
    let actor = kt_app::identity::sessions::actor_from_token(
        &app,
        pat.cookie.split("; ").find_map(|c| c.strip_prefix("__Host-kt_session=")).unwrap_or_default(),
    )
    .await
    .map_err(app_err)?;
    let fill = o.invoices.saturating_sub(o.creates);
    eprintln!("  filling the tenant with {fill} more invoices ...");
    let draft = |i: usize| DraftInput {
        billed: Some(BilledRef::Org(org.clone())),
        currency: Some("EUR".into()),
        lines: Some(vec![LineDraft {
            description: format!("Fill {i}"),
            quantity: "1".into(),
            unit_price: "100.00".into(),
            discount: None,
            tax_rate_ids: vec![],
        }]),
        ..DraftInput::default()
    };
    let mut sent_ids = Vec::new();
    for batch in (0..fill).collect::<Vec<_>>().chunks(8) {
        let made = futures::future::join_all(batch.iter().map(|i| {
            let (app, actor, tenant, input) = (app.clone(), actor.clone(), tenant.clone(), draft(*i));
            let send = i % 2 == 0;
            async move {
                let (sheet, _) = drafts::create(&app, &actor, &tenant, input, None).await?;
                if send {
                    issuing::send(&app, &actor, &tenant, &sheet.invoice.id, None).await?;
                }
                Ok::<_, kt_app::AppError>((sheet.invoice.id, send))
            }
        }))
        .await;
        for m in made {
            let (id, sent) = m.map_err(app_err)?;
            if sent {
                sent_ids.push(id);
            }
        }
    }

    // 3. List pages.
    for (name, query) in
        [("list page (25 of all)", "limit=25"), ("list page (25, status=sent)", "status=sent&limit=25")]
    {
        let mut hist = Histogram::<u64>::new(3)?;
        let start = Instant::now();
        let path = format!("{invoices_path}?{query}");
        for _ in 0..o.reads {
            let t = Instant::now();
            let res = host.request(reqwest::Method::GET, acme_host, &path, &pat).send().await?;
            anyhow::ensure!(res.status() == 200, "list answered {}", res.status());
            let page: Value = res.json().await?;
            anyhow::ensure!(page["items"].as_array().is_some_and(|a| a.len() == 25), "a short page");
            hist.record(ms(t.elapsed()))?;
        }
        rows.push(Row { name, hist, elapsed: start.elapsed(), budget_p95: Some(20.0) });
    }

    // 4. Webhooks: Acme connected to Stripe with a known signing secret; each sent invoice
    // has an intent (made directly: the provider is not called in this run).
    let keys = json!({"secret_key": "sk_test_benchbenchbench", "webhook_secret": "whsec_benchbenchbench", "publishable_key": "pk_test_benchbenchbench"});
    let res = host
        .request(reqwest::Method::PUT, acme_host, &format!("/api/v1/tenants/{}/billing/stripe", tenant.id), &pat)
        .json(&keys)
        .send()
        .await?;
    anyhow::ensure!(res.status() == 200, "connecting Stripe answered {}", res.status());
    let events = o.events.min(sent_ids.len().saturating_sub(1));
    for (i, id) in sent_ids.iter().enumerate().take(events + 1) {
        let key = kt_app::invoices::checkout::intent_key(&tenant.id, &format!("pi_bench_{i}"));
        app.store.put(pointer_item(key, "invoice", id), kt_store::Cond::None).await?;
    }
    let hook = format!("/api/v1/webhooks/stripe/{}", tenant.id);
    let deliver = |host: Arc<Host>, n: usize, event: usize| {
        let body = serde_json::to_vec(&json!({"id": format!("evt_bench_{event}"), "type": "payment_intent.succeeded",
            "created": time::OffsetDateTime::now_utc().unix_timestamp(),
            "data": {"object": {"id": format!("pi_bench_{n}"), "amount": 10000, "amount_received": 10000, "currency": "eur", "payment_method_types": ["card"]}}}))
        .unwrap_or_default();
        let hook = hook.clone();
        async move {
            let sig = webhook::sign("whsec_benchbenchbench", time::OffsetDateTime::now_utc().unix_timestamp(), &body);
            let res = host
                .client
                .post(host.url(acme_host, &hook))
                .header("stripe-signature", sig)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await?;
            anyhow::ensure!(res.status() == 200, "webhook answered {}", res.status());
            let v: Value = res.json().await?;
            Ok::<_, anyhow::Error>(v["received"].as_str().unwrap_or_default().to_owned())
        }
    };
    eprintln!("  delivering {events} payment events ...");
    let mut hist = Histogram::<u64>::new(3)?;
    let start = Instant::now();
    for i in 0..events {
        let t = Instant::now();
        let got = deliver(host.clone(), i, i).await?;
        anyhow::ensure!(got == "applied", "event {i}: {got}");
        hist.record(ms(t.elapsed()))?;
    }
    rows.push(Row { name: "webhook: payment applied", hist, elapsed: start.elapsed(), budget_p95: Some(20.0) });

    // 5. One event delivered `duplicates` times, 50 at a time.
    eprintln!("  delivering one event {} times ...", o.duplicates);
    let target = events;
    let mut applied = 0;
    let mut hist = Histogram::<u64>::new(3)?;
    let start = Instant::now();
    for chunk in (0..o.duplicates).collect::<Vec<_>>().chunks(50) {
        let replies = futures::future::join_all(chunk.iter().map(|_| {
            let host = host.clone();
            let d = deliver(host, target, 1_000_000);
            async move {
                let t = Instant::now();
                let r = d.await?;
                Ok::<_, anyhow::Error>((r, t.elapsed()))
            }
        }))
        .await;
        for r in replies {
            let (got, took) = r?;
            applied += usize::from(got == "applied");
            hist.record(ms(took))?;
        }
    }
    rows.push(Row {
        name: "webhook: duplicate deliveries (50 at once)",
        hist,
        elapsed: start.elapsed(),
        budget_p95: None,
    });
    let inv = kt_store::invoices::get(app.store.as_ref(), &tenant.id, &sent_ids[target])
        .await?
        .ok_or_else(|| anyhow::anyhow!("invoice"))?;
    let entries = kt_store::invoices::entries(app.store.as_ref(), &tenant.id, &sent_ids[target]).await?;

    // 6. Credit notes on sent invoices, over HTTP.
    let notes = o.reads.min(sent_ids.len().saturating_sub(events + 2));
    eprintln!("  issuing {notes} credit notes ...");
    let mut hist = Histogram::<u64>::new(3)?;
    let start = Instant::now();
    for id in sent_ids.iter().rev().take(notes) {
        let path = format!("{invoices_path}/{id}/credit-notes");
        let t = Instant::now();
        let res = host
            .request(reqwest::Method::POST, acme_host, &path, &pat)
            .json(&json!({"amount": "10.00", "reason": "Bench credit"}))
            .send()
            .await?;
        anyhow::ensure!(res.status() == 201, "credit note answered {}", res.status());
        hist.record(ms(t.elapsed()))?;
    }
    rows.push(Row { name: "credit note issued (HTTP)", hist, elapsed: start.elapsed(), budget_p95: None });

    // 7. PDFs over HTTP: sent invoices of 10 lines, and of 100 lines (several pages), each a
    //    different invoice, after a warm-up of 10.
    for (name, n_lines, budget) in
        [("invoice PDF, 10 lines (HTTP)", 10, Some(100.0)), ("invoice PDF, 100 lines, 4 pages (HTTP)", 100, None)]
    {
        let count = if n_lines == 10 { o.reads.min(500) } else { o.reads.min(100) };
        eprintln!("  sending {count} invoices of {n_lines} lines and downloading their PDFs ...");
        let body = json!({"billed": {"org_id": org.to_string()}, "currency": "EUR", "lines": lines(n_lines)});
        let mut ids = Vec::with_capacity(count + 10);
        for _ in 0..count + 10 {
            let res = host.request(reqwest::Method::POST, acme_host, &invoices_path, &pat).json(&body).send().await?;
            anyhow::ensure!(res.status() == 201, "create answered {}", res.status());
            let id = res.json::<Value>().await?["id"].as_str().unwrap_or_default().to_owned();
            issuing::send(&app, &actor, &tenant, &id, None).await.map_err(app_err)?;
            ids.push(id);
        }
        let mut hist = Histogram::<u64>::new(3)?;
        let mut bytes = 0usize;
        let start = Instant::now();
        for (i, id) in ids.iter().enumerate() {
            let t = Instant::now();
            let res = host
                .request(reqwest::Method::GET, acme_host, &format!("{invoices_path}/{id}/pdf"), &pat)
                .send()
                .await?;
            anyhow::ensure!(res.status() == 200, "PDF answered {}", res.status());
            let pdf = res.bytes().await?;
            anyhow::ensure!(pdf.starts_with(b"%PDF-"), "not a PDF");
            if i >= 10 {
                hist.record(ms(t.elapsed()))?;
                bytes += pdf.len();
            }
        }
        eprintln!("    {} KiB per PDF on average", bytes / count.max(1) / 1024);
        rows.push(Row { name, hist, elapsed: start.elapsed(), budget_p95: budget });
    }

    // 8. The recurring sweep: `schedules` monthly schedules due today.
    eprintln!("  starting {} recurring schedules due today ...", o.schedules);
    let today = app.clock.now().date();
    for batch in (0..o.schedules).collect::<Vec<_>>().chunks(8) {
        let made = futures::future::join_all(batch.iter().map(|i| {
            let (app, actor, tenant) = (app.clone(), actor.clone(), tenant.clone());
            let input = kt_app::invoices::recurring::ScheduleInput {
                template: draft(1_000_000 + *i),
                frequency: Some(kt_domain::invoice::recurring::Frequency::Monthly),
                start_on: Some(today),
                end_on: None,
                auto_send: Some(*i % 2 == 0),
                auto_charge: None,
                active: Some(true),
            };
            async move { kt_app::invoices::recurring::create(&app, &actor, &tenant, input, None).await }
        }))
        .await;
        for m in made {
            m.map_err(app_err)?;
        }
    }
    let t = Instant::now();
    let first = kt_app::invoices::recurring::sweep(&app, app.clock.now()).await.map_err(app_err)?;
    let first_took = t.elapsed();
    let second = kt_app::invoices::recurring::sweep(&app, app.clock.now()).await.map_err(app_err)?;
    let (page, _) = kt_store::recurring::page(app.store.as_ref(), &tenant.id, None, 100, None).await?;
    let behind = page.iter().filter(|r| r.value.next != 1).count();

    print_rows(&format!("Invoices on the {label} over HTTP ({} invoices in the tenant; ms)", o.invoices), rows, false);
    println!(
        "\n{} deliveries of one event: applied {applied} time(s); the invoice has {} ledger entr{} and is {} (version {})",
        o.duplicates,
        entries.len(),
        if entries.len() == 1 { "y" } else { "ies" },
        inv.value.status.as_str(),
        inv.version
    );
    anyhow::ensure!(applied == 1 && entries.len() == 1, "the duplicate deliveries changed the invoice more than once");
    println!(
        "recurring sweep, {} schedules due today: {} invoices generated ({} sent) in {:.2} s ({:.2} ms each); \
         a second run generated {}; schedules not at period 1 (of the newest 100): {behind}",
        o.schedules,
        first.invoices,
        first.sent,
        first_took.as_secs_f64(),
        first_took.as_secs_f64() * 1000.0 / first.invoices.max(1) as f64,
        second.invoices
    );
    anyhow::ensure!(second.invoices == 0 && behind == 0, "a period was generated twice or not at all");
    served.stop().await
}
