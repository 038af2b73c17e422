//! `kt-bench forms`: forms on the whole local host over HTTP, with a form of 60 fields and 30
//! rules (show/hide, a page skip, calculated fields):
//!
//! * the server's evaluation of one submission (in process: the rules, every field's checks,
//!   the calculated values);
//! * submitting at `rate` a second (open loop) for `seconds`;
//! * the analytics of a form with `submissions` submissions (their items written straight to
//!   the store with the counters each adds, as a submission writes them).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use kt_domain::forms::{Document, Submission, evaluate};
use kt_store::{Cond, TxOp};
use serde_json::{Map, Value, json};

use crate::{Row, app_err, print_rows};

pub struct Options {
    pub rate: u32,
    pub seconds: u32,
    pub submissions: usize,
    pub evaluations: usize,
    pub reads: usize,
}

fn ns(d: Duration) -> u64 {
    d.as_nanos().max(1) as u64
}

/// 60 fields over 3 pages (numbers, choices, text, toggles, dates, calculated) and 30 rules.
fn document() -> Value {
    let mut pages = Vec::new();
    let mut rules = Vec::new();
    for p in 0..3 {
        let mut fields = Vec::new();
        for i in 0..20 {
            let n = p * 20 + i;
            let key = format!("f{n}");
            let field = match i % 5 {
                0 => {
                    json!({"key": key, "type": "number", "label": format!("Amount {n}"), "min": "0", "max": "1000", "decimals": 2})
                }
                1 => json!({"key": key, "type": "radio", "label": format!("Choice {n}"), "options": [
                    {"value": "a", "score": "10"}, {"value": "b", "score": "20"}, {"value": "c", "score": "30"}]}),
                2 => {
                    json!({"key": key, "type": "text", "label": format!("Text {n}"), "max_length": 200, "pattern": "^[A-Za-z0-9 ]*$"})
                }
                3 => json!({"key": key, "type": "checkboxes", "label": format!("Picks {n}"), "options": [
                    {"value": "x", "score": "5"}, {"value": "y", "score": "7"}]}),
                _ if i == 19 => json!({"key": key, "type": "calculated", "label": format!("Total {n}"),
                    "formula": format!("f{} * 2 + f{} + f{} / 4", n - 19, n - 18, n - 15), "decimals": 2}),
                _ => json!({"key": key, "type": "toggle", "label": format!("Flag {n}")}),
            };
            fields.push(field);
        }
        pages.push(json!({"key": format!("p{p}"), "title": format!("Page {p}"), "fields": fields}));
    }
    // 29 field rules reading an earlier field, and one page skip.
    for r in 0..29 {
        let n = 2 + r * 2;
        let source = (n / 5) * 5 + 1; // a choice field at or before it
        let (source, target) = if source < n { (source, n) } else { (source - 5, n) };
        let action = if r % 2 == 0 { "show" } else { "hide" };
        rules.push(json!({"when": {"test": {"field": format!("f{source}"), "op": "equals", "value": "a"}},
            "then": [{"do": action, "field": format!("f{target}")}]}));
    }
    rules.push(json!({"when": {"test": {"field": "f1", "op": "equals", "value": "c"}}, "then": [{"do": "skip_to", "from": "p0", "to": "p2"}]}));
    json!({"pages": pages, "rules": rules})
}

fn answers(i: usize) -> Map<String, Value> {
    let mut a = Map::new();
    for n in 0..60 {
        let key = format!("f{n}");
        let v = match n % 5 {
            0 => json!(format!("{}.{:02}", (i * 7 + n) % 1000, i % 100)),
            1 => json!(["a", "b"][(i + n) % 2]),
            2 => json!(format!("Answer {i} {n}")),
            3 => json!(if (i + n) % 3 == 0 { vec!["x", "y"] } else { vec!["y"] }),
            _ if n % 20 == 19 => continue,
            _ => json!((i + n) % 2 == 0),
        };
        a.insert(key, v);
    }
    a
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    let served = crate::served::Served::start(kt_app::wiring::Backend::Local).await?;
    let (app, host, label) = (served.app.clone(), served.host.clone(), served.label.clone());
    let staff = Arc::new(host.sign_in("localhost", "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026").await?);
    let acme = "acme.localhost";
    let dana = Arc::new(host.sign_in(acme, "dana@globex.test", "Globex-Demo-Client-2026").await?);
    let mut rows = Vec::new();

    // The form, written and published over HTTP.
    let res = host
        .request(reqwest::Method::POST, "localhost", "/api/v1/forms", &staff)
        .json(&json!({"name": "Bench intake", "document": document()}))
        .send()
        .await?;
    anyhow::ensure!(res.status() == 201, "create answered {} {}", res.status(), res.text().await?);
    let id = res.json::<Value>().await?["id"].as_str().unwrap_or_default().to_owned();
    let res =
        host.request(reqwest::Method::POST, "localhost", &format!("/api/v1/forms/{id}/publish"), &staff).send().await?;
    anyhow::ensure!(res.status() == 200, "publish answered {} {}", res.status(), res.text().await?);
    let doc: Document = serde_json::from_value(document())?;

    // 1. The server's evaluation of one submission.
    let mut hist = Histogram::<u64>::new(3)?;
    let start = Instant::now();
    for i in 0..o.evaluations {
        let a = answers(i);
        let t = Instant::now();
        let ev = evaluate(&doc, &a, &|_| None);
        hist.record(ns(t.elapsed()))?;
        anyhow::ensure!(ev.errors.is_empty(), "the bench's answers are valid: {:?}", ev.errors);
    }
    rows.push(Row {
        name: "evaluate a submission (60 fields, 30 rules)",
        hist,
        elapsed: start.elapsed(),
        budget_p95: Some(2.0),
    });

    // 2. Submitting at `rate` a second, open loop.
    let total = (o.rate * o.seconds) as usize;
    eprintln!("  submitting {total} at {}/s ...", o.rate);
    let interval = Duration::from_secs_f64(1.0 / f64::from(o.rate));
    let path = format!("/api/v1/forms/{id}/submissions");
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        tokio::time::sleep_until((start + interval * i as u32).into()).await;
        let (host, dana, path) = (host.clone(), dana.clone(), path.clone());
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let res = host
                .request(reqwest::Method::POST, acme, &path, &dana)
                .json(&json!({"answers": answers(i)}))
                .send()
                .await?;
            anyhow::ensure!(res.status() == 201, "submit answered {} {}", res.status(), res.text().await?);
            Ok::<_, anyhow::Error>(t.elapsed())
        }));
    }
    let mut hist = Histogram::<u64>::new(3)?;
    for t in tasks {
        hist.record(ns(t.await??))?;
    }
    rows.push(Row { name: "submit (HTTP, open loop)", hist, elapsed: start.elapsed(), budget_p95: Some(20.0) });

    // 3. Analytics of a form with `submissions` submissions: the items and the counters each
    // submission adds, written straight to the store 25 at a time.
    eprintln!("  writing {} submissions into a second form ...", o.submissions);
    let res = host
        .request(reqwest::Method::POST, "localhost", "/api/v1/forms", &staff)
        .json(&json!({"name": "Bench analytics", "document": document()}))
        .send()
        .await?;
    anyhow::ensure!(res.status() == 201, "create answered {}", res.status());
    let big = res.json::<Value>().await?["id"].as_str().unwrap_or_default().to_owned();
    let res = host
        .request(reqwest::Method::POST, "localhost", &format!("/api/v1/forms/{big}/publish"), &staff)
        .send()
        .await?;
    anyhow::ensure!(res.status() == 200, "publish answered {}", res.status());
    let dana_actor = {
        let token = dana.cookie.split("; ").find_map(|c| c.strip_prefix("__Host-kt_session=")).unwrap_or_default();
        kt_app::identity::sessions::actor_from_token(&app, token).await.map_err(app_err)?
    };
    let now = app.clock.now();
    let mut written = 0;
    while written < o.submissions {
        let upto = (written + 25).min(o.submissions);
        let mut ops = Vec::new();
        let mut counters: BTreeMap<String, i64> = BTreeMap::new();
        for i in written..upto {
            let ev = evaluate(&doc, &answers(i), &|_| None);
            let s = Submission {
                id: ulid::Ulid::new().to_string(),
                form: big.clone(),
                version: 1,
                tenant: dana_actor.tenant.clone(),
                by: dana_actor.user.clone(),
                org: dana_actor.orgs.first().cloned(),
                values: ev.values.into_iter().collect(),
                path: ev.path,
                at: now,
            };
            for (k, v) in kt_app::forms::stats::submitted(&doc, &s.values, &s.path, None) {
                *counters.entry(k).or_insert(0) += v;
            }
            ops.push(TxOp::Put { item: kt_store::forms::submission_item(&s)?, cond: Cond::NotExists });
        }
        ops.extend(kt_store::forms::stat_ops(&big, &written.to_string(), &counters));
        app.store.transact(ops).await?;
        written = upto;
    }
    let path = format!("/api/v1/forms/{big}/analytics");
    let mut hist = Histogram::<u64>::new(3)?;
    let start = Instant::now();
    for _ in 0..o.reads {
        let t = Instant::now();
        let res = host.request(reqwest::Method::GET, "localhost", &path, &staff).send().await?;
        anyhow::ensure!(res.status() == 200, "analytics answered {}", res.status());
        let body: Value = res.json().await?;
        hist.record(ns(t.elapsed()))?;
        anyhow::ensure!(
            body["completions"].as_u64() == Some(o.submissions as u64),
            "completions {}",
            body["completions"]
        );
    }
    let name: &'static str = Box::leak(format!("analytics ({} submissions, HTTP)", o.submissions).into_boxed_str());
    rows.push(Row { name, hist, elapsed: start.elapsed(), budget_p95: Some(50.0) });

    print_rows(&format!("Forms on the {label} over HTTP (ms)"), rows, false);
    Ok(())
}
