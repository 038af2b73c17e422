//! The live fan-out of a channel message (part of `kt-bench messaging`): `connected` people of
//! a client organization each hold a WebSocket open to the local host, `channel` of them (with
//! the partner who writes) are members of the organization's channel and follow it live; for
//! each of `rounds` messages, the time from the send's answer until the last member's socket has
//! it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use kt_app::identity::accounts::{NewUser, create_user};
use kt_app::identity::sessions;
use kt_app::messaging::{self, NewConversation};
use kt_domain::identity::Role;
use kt_domain::messaging::Kind;
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::tickets::{Host, Session, Socket, connect, next_json};
use crate::{Row, app_err};

pub struct Options {
    pub connected: usize,
    pub channel: usize,
    pub rounds: usize,
}

fn ns(d: Duration) -> u64 {
    d.as_nanos().max(1) as u64
}

/// Opens a socket as `who`, subscribed to `topic` when given.
async fn open(host: &Host, acme: &str, who: &Session, topic: Option<&str>) -> anyhow::Result<Socket> {
    let mut ws = connect(host.addr, acme, who).await?;
    next_json(&mut ws).await?; // hello
    if let Some(topic) = topic {
        ws.send(Message::Text(json!({"type": "subscribe", "topic": topic}).to_string().into())).await?;
        loop {
            let m = next_json(&mut ws).await?;
            match m["type"].as_str() {
                Some("subscribed") => break,
                Some("error") => anyhow::bail!("subscribe refused: {m}"),
                _ => continue,
            }
        }
    }
    Ok(ws)
}

pub async fn run(
    o: &Options,
    app: &kt_app::AppState,
    host: &Arc<Host>,
    acme: &'static str,
    tenant: &Tenant,
    pat: &Arc<Session>,
    pat_actor: &Actor,
    client_actor: &Actor,
) -> anyhow::Result<Row> {
    let org = client_actor.orgs.first().context("the client has an organization")?.clone();
    eprintln!("  fan-out: {} people of the organization, {} in its channel ...", o.connected, o.channel);
    let run = ulid::Ulid::new().to_string().to_lowercase();
    let mut people = Vec::with_capacity(o.connected);
    for i in 0..o.connected {
        let who = NewUser {
            email: format!("fan{i}-{run}@globex.test"),
            name: format!("Fan {i}"),
            role: Role::Client,
            password: None,
            orgs: vec![org.clone()],
        };
        let mut u = create_user(app, None, tenant, who, &Default::default()).await.map_err(app_err)?;
        // As if they had accepted their invitation (no password to hash 2,000 times).
        let current = kt_store::accounts::get_user(app.store.as_ref(), &tenant.id, &u.id).await?.context("user")?;
        u.status = kt_domain::tenancy::UserStatus::Active;
        let item = kt_store::accounts::user_item(&u, current.version + 1)?;
        app.store.put(item, kt_store::Cond::Version(current.version)).await?;
        people.push(u);
    }
    let members: Vec<_> = people.iter().take(o.channel.saturating_sub(1)).map(|u| u.id.clone()).collect();
    let input =
        NewConversation { kind: Kind::Channel, members, name: Some(format!("Fan-out {run}")), org: Some(org.clone()) };
    let (sheet, _) = messaging::start(app, pat_actor, tenant, input, None).await.map_err(app_err)?;
    let id = sheet.conversation.id.clone();
    let topic = messaging::fanout::topic(&id);

    // Everyone connects (sessions started directly: no password to hash 2,000 times); the
    // channel's members follow it.
    let mut sockets = Vec::with_capacity(o.connected);
    for (batch_no, batch) in people.chunks(100).enumerate() {
        let opened = futures::future::join_all(batch.iter().enumerate().map(|(j, u)| {
            let (app, host, topic) = (app.clone(), host.clone(), topic.clone());
            let member = batch_no * 100 + j < o.channel.saturating_sub(1);
            async move {
                let signed = sessions::start(&app, tenant, u.clone(), &Default::default()).await.map_err(app_err)?;
                let who = Session { cookie: format!("__Host-kt_session={}", signed.access_token), csrf: String::new() };
                let ws = open(&host, acme, &who, member.then_some(topic.as_str())).await?;
                Ok::<_, anyhow::Error>((member, ws))
            }
        }))
        .await;
        for s in opened {
            sockets.push(s?);
        }
    }
    // Each member's socket reports each message's place as it arrives.
    let (tx, mut rx) = mpsc::unbounded_channel::<(u64, Instant)>();
    let mut listeners = 0;
    let mut idle = Vec::new();
    for (member, mut ws) in sockets {
        if !member {
            idle.push(ws);
            continue;
        }
        listeners += 1;
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Some(Ok(Message::Text(t))) = ws.next().await {
                let Ok(v) = serde_json::from_str::<serde_json::Value>(&t) else { continue };
                if v["type"] == "message.posted" {
                    let _ = tx.send((v["seq"].as_u64().unwrap_or(0), Instant::now()));
                }
            }
        });
    }
    eprintln!(
        "  fan-out: {} sockets open, {listeners} following the channel; sending {} messages ...",
        o.connected, o.rounds
    );

    let path = format!("/api/v1/tenants/{}/conversations/{id}/messages", tenant.id);
    let mut hist = Histogram::<u64>::new(3)?;
    let start = Instant::now();
    for round in 0..o.rounds {
        let res = host
            .request(reqwest::Method::POST, acme, &path, pat)
            .json(&json!({"body": format!("Channel update {round}")}))
            .send()
            .await?;
        let answered = Instant::now();
        anyhow::ensure!(res.status() == 201, "send answered {}", res.status());
        let seq = res.json::<serde_json::Value>().await?["seq"].as_u64().context("seq")?;
        let mut heard = 0;
        let mut last = answered;
        while heard < listeners {
            let (s, at) = tokio::time::timeout(Duration::from_secs(30), rx.recv())
                .await
                .context("the channel's members did not all hear within 30 s")?
                .context("listeners gone")?;
            if s == seq {
                heard += 1;
                last = last.max(at);
            }
        }
        hist.record(ns(last.saturating_duration_since(answered)))?;
    }
    drop(idle);
    let name: &'static str =
        Box::leak(format!("channel of {} heard live ({} connected)", o.channel, o.connected).into_boxed_str());
    Ok(Row { name, hist, elapsed: start.elapsed(), budget_p95: Some(100.0) })
}
