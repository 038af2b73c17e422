//! `kt-bench messaging`: messaging on the whole local host over HTTP (router, events worker,
//! relay of `portal serve`):
//!
//! * sending at `rate` messages a second (open loop) for `seconds`, across `conversations`
//!   group conversations of a partner and a client, and when the fan-out has moved every
//!   member's unread count;
//! * the unread total of a person in all of those conversations;
//! * history pages (50, from random places) in a conversation of `history` messages, and in
//!   one of 10 for comparison;
//! * the live fan-out of a message in a large channel ([`crate::fanout`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use kt_app::messaging::{self, NewConversation};
use kt_domain::messaging::{Kind, Message};
use kt_store::{Cond, TxOp};
use serde_json::json;

use crate::{Row, app_err, print_rows};

pub struct Options {
    pub conversations: usize,
    pub rate: u32,
    pub seconds: u32,
    pub history: u64,
    pub reads: usize,
    pub fanout: crate::fanout::Options,
}

fn ns(d: Duration) -> u64 {
    d.as_nanos().max(1) as u64
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    let served = crate::served::Served::start(kt_app::wiring::Backend::Local).await?;
    let (app, host, label) = (served.app.clone(), served.host.clone(), served.label.clone());
    let acme = "acme.localhost";
    let pat = Arc::new(host.sign_in(acme, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await?);
    let dana = Arc::new(host.sign_in(acme, "dana@globex.test", "Globex-Demo-Client-2026").await?);
    let tenant = kt_app::identity::tenancy::resolve_host(&app, acme).await.map_err(app_err)?;
    let token = |s: &crate::tickets::Session| {
        s.cookie.split("; ").find_map(|c| c.strip_prefix("__Host-kt_session=")).unwrap_or_default().to_owned()
    };
    let pat_actor = kt_app::identity::sessions::actor_from_token(&app, &token(&pat)).await.map_err(app_err)?;
    let dana_actor = kt_app::identity::sessions::actor_from_token(&app, &token(&dana)).await.map_err(app_err)?;
    let base = format!("/api/v1/tenants/{}/conversations", tenant.id);
    let mut rows = Vec::new();

    // 1. The conversations (through the use case).
    eprintln!("  starting {} group conversations ...", o.conversations);
    let mut ids = Vec::with_capacity(o.conversations);
    for batch in (0..o.conversations).collect::<Vec<_>>().chunks(8) {
        let made = futures::future::join_all(batch.iter().map(|i| {
            let (app, actor, tenant) = (app.clone(), pat_actor.clone(), tenant.clone());
            let input = NewConversation {
                kind: Kind::Group,
                members: vec![dana_actor.user.clone()],
                name: Some(format!("Bench {i}")),
                org: None,
            };
            async move { messaging::start(&app, &actor, &tenant, input, None).await }
        }))
        .await;
        for m in made {
            ids.push(m.map_err(app_err)?.0.conversation.id);
        }
    }

    // 2. Sending at `rate` a second, open loop, spread over the conversations.
    let total = (o.rate * o.seconds) as usize;
    eprintln!("  sending {total} messages at {}/s across them ...", o.rate);
    let interval = Duration::from_secs_f64(1.0 / f64::from(o.rate));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        let at = start + interval * i as u32;
        tokio::time::sleep_until(at.into()).await;
        let (host, pat, path) = (host.clone(), pat.clone(), format!("{base}/{}/messages", ids[i % ids.len()]));
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let res = host
                .request(reqwest::Method::POST, acme, &path, &pat)
                .json(&json!({"body": format!("Message {i}: the **staging** site is ready")}))
                .send()
                .await?;
            anyhow::ensure!(res.status() == 201, "send answered {}", res.status());
            Ok::<_, anyhow::Error>(t.elapsed())
        }));
    }
    let mut hist = Histogram::<u64>::new(3)?;
    for t in tasks {
        hist.record(ns(t.await??))?;
    }
    let sent_in = start.elapsed();
    rows.push(Row { name: "send message (HTTP, open loop)", hist, elapsed: sent_in, budget_p95: Some(15.0) });

    // The fan-out: until the client's unread total counts every message.
    let t = Instant::now();
    loop {
        let (unread, _) = messaging::unread(&app, &dana_actor, &tenant).await.map_err(app_err)?;
        if unread as usize >= total {
            break;
        }
        anyhow::ensure!(t.elapsed() < Duration::from_secs(120), "the fan-out stalled at {unread} of {total}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let fanned = start.elapsed();

    // 3. The unread total of a member of every conversation.
    let mut hist = Histogram::<u64>::new(3)?;
    let start = Instant::now();
    for _ in 0..o.reads {
        let t = Instant::now();
        let res = host.request(reqwest::Method::GET, acme, &format!("{base}/unread"), &dana).send().await?;
        anyhow::ensure!(res.status() == 200, "unread answered {}", res.status());
        let body: serde_json::Value = res.json().await?;
        anyhow::ensure!(body["total"].as_u64() == Some(total as u64), "unread total {body}");
        hist.record(ns(t.elapsed()))?;
    }
    let name: &'static str = Box::leak(format!("unread total ({} conversations, HTTP)", ids.len()).into_boxed_str());
    rows.push(Row { name, hist, elapsed: start.elapsed(), budget_p95: Some(5.0) });

    // 4. History pages in a long conversation (written straight to the store) and a short one.
    let long = &ids[0];
    let short = &ids[1 % ids.len()];
    let already = kt_store::messaging::current_seq(app.store.as_ref(), &tenant.id, long).await?;
    eprintln!("  writing {} messages into one conversation ...", o.history);
    let now = app.clock.now();
    let mut next = already + 1;
    while next <= o.history {
        let upto = (next + 24).min(o.history);
        let ops: Vec<TxOp> = (next..=upto)
            .map(|seq| {
                let m = Message::new(long, seq, pat_actor.user.clone(), format!("History {seq}"), now);
                Ok(TxOp::Put { item: kt_store::messaging::message_item(&tenant.id, &m, 1)?, cond: Cond::None })
            })
            .collect::<Result<_, kt_store::StoreError>>()?;
        app.store.transact(ops).await?;
        next = upto + 1;
    }
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for (conv, size, label) in [(long, o.history, "long"), (short, 10u64, "short")] {
        let mut hist = Histogram::<u64>::new(3)?;
        let start = Instant::now();
        for _ in 0..o.reads {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let before = 2 + seed % size.max(2);
            let path = format!("{base}/{conv}/messages?before={before}&limit=50");
            let t = Instant::now();
            let res = host.request(reqwest::Method::GET, acme, &path, &dana).send().await?;
            anyhow::ensure!(res.status() == 200, "history answered {}", res.status());
            let _ = res.bytes().await?;
            hist.record(ns(t.elapsed()))?;
        }
        let name: &'static str =
            Box::leak(format!("history page of 50 ({label}: {size} messages, HTTP)").into_boxed_str());
        rows.push(Row {
            name,
            hist,
            elapsed: start.elapsed(),
            budget_p95: if label == "long" { Some(5.0) } else { None },
        });
    }

    rows.push(crate::fanout::run(&o.fanout, &app, &host, acme, &tenant, &pat, &pat_actor, &dana_actor).await?);

    print_rows(&format!("Messaging on the {label} over HTTP (ms)"), rows, false);
    println!(
        "\n{total} messages sent at {}/s in {:.2} s; every member's unread count had them {:.2} s after the first send",
        o.rate,
        sent_in.as_secs_f64(),
        fanned.as_secs_f64()
    );
    served.stop().await
}
