//! `kt-bench tickets`: the ticket budgets of the tickets issue, measured against the whole local
//! host (the same router, workers and `/ws` as `portal serve`) over real HTTP and WebSocket
//! connections on loopback:
//!
//! * filing tickets at a fixed arrival rate (open loop: latency counts from each request's
//!   scheduled start, so a slow answer cannot hide the queueing behind it);
//! * reading a position with `waiting` tickets in the queue;
//! * a storm: `storm.subscribers` WebSocket clients watch the oldest waiting tickets while
//!   tickets are filed into the same queue at `storm.rate` per second (each changes every
//!   watcher's "of Y"): the filings' latency, and, after the last one, whether every watcher's
//!   last message is its true position and how long after the last filing it arrived;
//! * `subscribers` WebSocket clients each watching a different waiting ticket while the ticket
//!   at the head of the queue leaves it, a quiet second apart (pushes are coalesced per queue
//!   and second: the first change after a quiet second goes out at once): the time from
//!   sending the change until the *last* subscriber has its new position, per round.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use kt_app::tickets::{self as uc, NewTicket};
use kt_app::wiring::Backend;
use kt_domain::ticket::{Category, Priority};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::{Row, app_err, print_rows};

pub struct Options {
    pub backend: Backend,
    pub creates: usize,
    pub rate: u64,
    pub waiting: usize,
    pub reads: usize,
    pub subscribers: usize,
    pub rounds: usize,
    pub storm: Storm,
}

/// Filings at `rate` per second for `seconds` into the queue `subscribers` watch.
pub struct Storm {
    pub subscribers: usize,
    pub rate: u64,
    pub seconds: u64,
}

pub(crate) struct Session {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

pub(crate) struct Host {
    pub(crate) addr: SocketAddr,
    pub(crate) client: reqwest::Client,
}

impl Host {
    pub(crate) fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.addr.port())
    }

    pub(crate) async fn sign_in(&self, host: &str, email: &str, password: &str) -> anyhow::Result<Session> {
        let res = self
            .client
            .post(self.url(host, "/api/v1/auth/sign-in"))
            .header("x-requested-with", "bench")
            .json(&json!({"email": email, "password": password}))
            .send()
            .await?;
        anyhow::ensure!(res.status() == 200, "{email} could not sign in: {}", res.status());
        let cookies: Vec<String> = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().and_then(|v| v.split(';').next()).map(str::to_owned))
            .collect();
        let csrf = cookies.iter().find_map(|c| c.strip_prefix("__Host-kt_csrf=")).unwrap_or_default().to_owned();
        Ok(Session { cookie: cookies.join("; "), csrf })
    }

    pub(crate) fn request(
        &self,
        method: reqwest::Method,
        host: &str,
        path: &str,
        who: &Session,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(host, path))
            .header("cookie", &who.cookie)
            .header("x-csrf-token", &who.csrf)
    }
}

pub(crate) type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) async fn connect(addr: SocketAddr, host: &str, who: &Session) -> anyhow::Result<Socket> {
    let mut req = format!("ws://{addr}/ws").into_client_request()?;
    req.headers_mut().insert("host", format!("{host}:{}", addr.port()).parse()?);
    req.headers_mut().insert("cookie", who.cookie.parse()?);
    // A small read buffer, as a browser's: tungstenite zeroes all of it on every read.
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(4096);
    Ok(tokio_tungstenite::connect_async_with_config(req, Some(config), false).await?.0)
}

pub(crate) async fn next_json(ws: &mut Socket) -> anyhow::Result<Value> {
    loop {
        match tokio::time::timeout(Duration::from_secs(30), ws.next()).await.context("no message in 30 s")? {
            Some(Ok(Message::Text(t))) => return Ok(serde_json::from_str(&t)?),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(e.into()),
            None => bail!("socket closed"),
        }
    }
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    let served = crate::served::Served::start(o.backend).await?;
    let (app, label) = (served.app.clone(), served.label.clone());
    let host = served.host.clone();
    let addr = host.addr;
    let acme = "acme.localhost";
    let dana = host.sign_in(acme, "dana@globex.test", "Globex-Demo-Client-2026").await?;
    let staff = host.sign_in("localhost", "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026").await?;
    let tenant = kt_app::identity::tenancy::resolve_host(&app, acme).await.map_err(app_err)?;
    let tickets_path = format!("/api/v1/tenants/{}/tickets", tenant.id);
    let mut rows = Vec::new();

    // 1. Filing at a fixed rate (Low priority, apart from the queue measured below).
    eprintln!("  filing {} tickets at {} requests/s ...", o.creates, o.rate);
    let host = Arc::new(host);
    let dana = Arc::new(dana);
    let interval = Duration::from_micros(1_000_000 / o.rate.max(1));
    let start = Instant::now() + Duration::from_millis(50);
    let mut tasks = Vec::with_capacity(o.creates);
    for i in 0..o.creates {
        let (host, dana, path) = (host.clone(), dana.clone(), tickets_path.clone());
        let due = start + interval * i as u32;
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(due.into()).await;
            let body = json!({"subject": format!("Load {i}"), "description": "Measured", "priority": "low", "category": "general_inquiry"});
            let res = host.request(reqwest::Method::POST, acme, &path, &dana).json(&body).send().await?;
            anyhow::ensure!(res.status() == 201, "create answered {}", res.status());
            Ok::<_, anyhow::Error>(due.elapsed())
        }));
    }
    let mut hist = Histogram::<u64>::new(3)?;
    for t in tasks {
        hist.record(t.await??.as_nanos().max(1) as u64)?;
    }
    let elapsed = start.elapsed();
    rows.push(Row {
        name: "create ticket (HTTP POST)",
        hist,
        elapsed,
        budget_p95: (o.backend == Backend::Local).then_some(15.0),
    });

    // 2. A High queue of `waiting` tickets (filed through the use case: set-up, not measured).
    // Enough for every fan-out subscriber to watch a ticket behind each round's head.
    let fill = o.waiting.max(o.subscribers + o.rounds + 1);
    eprintln!("  filling the High queue with {fill} waiting tickets ...");
    let actor = kt_app::identity::sessions::actor_from_token(
        &app,
        dana.cookie.split("; ").find_map(|c| c.strip_prefix("__Host-kt_session=")).unwrap_or_default(),
    )
    .await
    .map_err(app_err)?;
    let mut waiting = Vec::with_capacity(fill);
    for batch in (0..fill).collect::<Vec<_>>().chunks(8) {
        let filed = futures::future::join_all(batch.iter().map(|i| {
            let (app, actor, tenant) = (app.clone(), actor.clone(), tenant.clone());
            let input = NewTicket {
                org: None,
                subject: format!("Waiting {i}"),
                description: "In the queue".into(),
                priority: Priority::High,
                category: Category::TechnicalSupport,
                tags: vec![],
            };
            async move { uc::create(&app, &actor, &tenant, input, &Default::default()).await }
        }))
        .await;
        for t in filed {
            waiting.push(t.map_err(app_err)?);
        }
    }
    waiting.sort_by_key(|t| t.queue.map(|q| q.number).unwrap_or_default());
    // The set-up's events (notifications, mail, assignment walks, live updates) are handled
    // before anything is measured: the figures below are of a queue this long, not of the
    // backlog its filing left.
    eprintln!("  waiting for the set-up's events to drain ...");
    drain(&host, acme, &dana, &staff, &tickets_path).await?;

    // 3. Position reads, spread over the whole queue.
    eprintln!("  reading {} positions ...", o.reads);
    let mut max_items = 0usize;
    let row =
        crate::measure_ns("position read (HTTP GET)", o.reads, (o.backend == Backend::Local).then_some(5.0), |i| {
            let t = &waiting[(i.wrapping_mul(7919)) % waiting.len()];
            max_items = max_items.max(kt_domain::queue::READ_ITEMS + 1);
            let req = host.request(reqwest::Method::GET, acme, &format!("{tickets_path}/{}/position", t.id), &dana);
            async move {
                let res = req.send().await?;
                anyhow::ensure!(res.status() == 200, "position answered {}", res.status());
                let v: Value = res.json().await?;
                anyhow::ensure!(v["queue"]["position"].as_u64().is_some(), "no position: {v}");
                Ok(())
            }
        })
        .await?;
    rows.push(row);
    print_rows(
        &format!(
            "Tickets on the {label}: {} filings at {} req/s, {} position reads with {} waiting (ms)",
            o.creates, o.rate, o.reads, fill
        ),
        std::mem::take(&mut rows),
        false,
    );
    println!(
        "  a position read costs one batch read of {max_items} items (every copy of the count-tree nodes on the ticket's \
         path + the history summary), whatever the queue length (DynamoDB: one BatchGetItem, strongly consistent)"
    );

    // 4. The storm: the oldest tickets are watched while the queue fills.
    if o.storm.subscribers > 0 && o.storm.rate > 0 {
        let watched = &waiting[..o.storm.subscribers.min(waiting.len())];
        storm(&app, &host, acme, &tickets_path, &dana, &o.storm, watched, o.backend, &label).await?;
        eprintln!("  waiting for the storm's events to drain ...");
        drain(&host, acme, &dana, &staff, &tickets_path).await?;
    }

    // 5. Fan-out: subscribers watch tickets behind the head; the head leaves, round after round.
    let subscribers = o.subscribers.min(waiting.len().saturating_sub(o.rounds + 1));
    if subscribers == 0 || o.rounds == 0 {
        return served.stop().await;
    }
    eprintln!("  opening {subscribers} WebSocket subscribers (in a process of their own) ...");
    let watched: Vec<String> = waiting[waiting.len() - subscribers..].iter().map(|t| t.id.to_string()).collect();
    let mut pool = crate::ws_pool::Pool::start(addr, acme, &dana.cookie, &watched).await?;
    eprintln!("  {} rounds: the head of the queue leaves, {subscribers} positions pushed each time ...", o.rounds);
    let mut last = Histogram::<u64>::new(3)?;
    let mut every = Histogram::<u64>::new(3)?;
    let fan_start = Instant::now();
    for (k, head) in waiting[..o.rounds].iter().enumerate() {
        // The first change after a quiet second is pushed at once.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        pool.round(k + 1).await?;
        let res = host
            .request(reqwest::Method::PATCH, "localhost", &format!("{tickets_path}/{}", head.id), &staff)
            .json(&json!({"status": "in_progress"}))
            .send()
            .await?;
        anyhow::ensure!(res.status() == 200, "take answered {}", res.status());
        let arrivals = pool.heard(k + 1).await?;
        for a in &arrivals {
            every.record((*a).max(1))?;
        }
        last.record(arrivals.iter().copied().max().unwrap_or(1).max(1))?;
    }
    pool.stop().await;
    let fan_elapsed = fan_start.elapsed();
    print_rows(
        &format!(
            "WebSocket fan-out on the {label}: {subscribers} subscribers, {} rounds (ms from the change)",
            o.rounds
        ),
        vec![
            Row {
                name: "last subscriber has it",
                hist: last,
                elapsed: fan_elapsed,
                budget_p95: (o.backend == Backend::Local).then_some(200.0),
            },
            Row { name: "each subscriber has it", hist: every, elapsed: fan_elapsed, budget_p95: None },
        ],
        false,
    );
    served.stop().await
}

/// Opens one socket per ticket id, each subscribed to its ticket (snapshot read).
pub(crate) async fn subscribe_all(
    addr: SocketAddr,
    host: &str,
    who: &Session,
    tickets: &[String],
) -> anyhow::Result<Vec<Socket>> {
    let mut sockets = Vec::with_capacity(tickets.len());
    for batch in tickets.chunks(100) {
        let opened = futures::future::join_all(batch.iter().map(|t| async move {
            let mut ws = connect(addr, host, who).await?;
            next_json(&mut ws).await?; // hello
            ws.send(Message::Text(json!({"type": "subscribe", "topic": format!("ticket:{t}")}).to_string().into()))
                .await?;
            let subscribed = next_json(&mut ws).await?;
            anyhow::ensure!(subscribed["type"] == "subscribed", "{subscribed}");
            let snapshot = next_json(&mut ws).await?;
            anyhow::ensure!(snapshot["type"] == "ticket.position", "{snapshot}");
            Ok::<_, anyhow::Error>(ws)
        }))
        .await;
        for ws in opened {
            sockets.push(ws?);
        }
    }
    Ok(sockets)
}

/// The storm: filings at a fixed rate into the queue the sockets watch. Prints the filings'
/// latency, then how many watchers' last message was their true position (all, or the run
/// fails) and when it arrived after the last filing (budget: 2 s).
#[allow(clippy::too_many_arguments)]
async fn storm(
    app: &kt_app::AppState,
    host: &Arc<Host>,
    acme: &'static str,
    tickets_path: &str,
    dana: &Arc<Session>,
    o: &Storm,
    watched: &[kt_domain::ticket::Ticket],
    backend: Backend,
    label: &str,
) -> anyhow::Result<()> {
    eprintln!("  storm: opening {} WebSocket subscribers ...", watched.len());
    let ids: Vec<String> = watched.iter().map(|t| t.id.to_string()).collect();
    let sockets = subscribe_all(host.addr, acme, dana, &ids).await?;
    // Each socket keeps its last position message and when it came.
    let last: Arc<Vec<std::sync::Mutex<Option<(Instant, u64, u64)>>>> =
        Arc::new((0..sockets.len()).map(|_| std::sync::Mutex::new(None)).collect());
    let received = Arc::new(AtomicU64::new(0));
    let mut readers = Vec::with_capacity(sockets.len());
    for (i, mut ws) in sockets.into_iter().enumerate() {
        let (last, received) = (last.clone(), received.clone());
        readers.push(tokio::spawn(async move {
            while let Some(Ok(Message::Text(t))) = ws.next().await {
                let Ok(m) = serde_json::from_str::<Value>(&t) else { continue };
                if let (Some(p), Some(l)) = (m["position"].as_u64(), m["length"].as_u64()) {
                    received.fetch_add(1, Ordering::Relaxed);
                    *last[i].lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), p, l));
                }
            }
        }));
    }
    let total = (o.rate * o.seconds) as usize;
    eprintln!("  storm: {total} filings at {}/s into the watched queue ...", o.rate);
    let interval = Duration::from_micros(1_000_000 / o.rate.max(1));
    let start = Instant::now() + Duration::from_millis(50);
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        let (host, dana, path) = (host.clone(), dana.clone(), tickets_path.to_owned());
        let due = start + interval * i as u32;
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(due.into()).await;
            let body = json!({"subject": format!("Storm {i}"), "description": "Storm", "priority": "high", "category": "technical_support"});
            let res = host.request(reqwest::Method::POST, acme, &path, &dana).json(&body).send().await?;
            anyhow::ensure!(res.status() == 201, "create answered {}", res.status());
            Ok::<_, anyhow::Error>(due.elapsed())
        }));
    }
    let mut hist = Histogram::<u64>::new(3)?;
    for t in tasks {
        hist.record(t.await??.as_nanos().max(1) as u64)?;
    }
    let last_filed = Instant::now();
    let elapsed = start.elapsed();
    // Settled: nothing heard for 3 s.
    loop {
        let before = received.load(Ordering::Relaxed);
        tokio::time::sleep(Duration::from_secs(3)).await;
        if received.load(Ordering::Relaxed) == before {
            break;
        }
    }
    let mut wrong = 0;
    let mut after_last = Histogram::<u64>::new(3)?;
    let actor = kt_app::identity::sessions::actor_from_token(
        app,
        dana.cookie.split("; ").find_map(|c| c.strip_prefix("__Host-kt_session=")).unwrap_or_default(),
    )
    .await
    .map_err(app_err)?;
    for (t, slot) in watched.iter().zip(last.iter()) {
        let tenant = kt_app::identity::tenancy::get(app, &t.tenant).await.map_err(app_err)?;
        let truth =
            uc::position(app, &actor, &tenant, &t.id).await.map_err(app_err)?.map(|s| (s.at.position, s.at.length));
        let heard = *slot.lock().unwrap_or_else(|e| e.into_inner());
        match heard {
            Some((at, p, l)) if truth == Some((p, l)) => {
                after_last.record(at.saturating_duration_since(last_filed).as_nanos().max(1) as u64)?;
            }
            _ => wrong += 1,
        }
    }
    for r in readers {
        r.abort();
    }
    print_rows(
        &format!(
            "Storm on the {label}: {total} filings at {}/s into a queue {} subscribers watch (ms)",
            o.rate,
            watched.len()
        ),
        vec![
            Row {
                name: "create ticket (HTTP POST) in the storm",
                hist,
                elapsed,
                budget_p95: (backend == Backend::Local).then_some(15.0),
            },
            Row {
                name: "last true message, after the last filing",
                hist: after_last.clone(),
                elapsed,
                budget_p95: None,
            },
        ],
        false,
    );
    let max_ms = after_last.max() as f64 / 1e6;
    println!(
        "  {} messages to {} subscribers ({:.1} each); last messages not true: {wrong}; latest true message {:.0} ms after the last filing (budget 2,000 ms)",
        received.load(Ordering::Relaxed),
        watched.len(),
        received.load(Ordering::Relaxed) as f64 / watched.len().max(1) as f64,
        max_ms
    );
    anyhow::ensure!(wrong == 0, "{wrong} subscribers did not end on their true position");
    if backend == Backend::Local && max_ms > 2000.0 {
        println!("  OVER BUDGET: a subscriber had its true position {max_ms:.0} ms after the last filing");
    }
    Ok(())
}

/// Waits until every event recorded so far has been handled. The events queue is handled in
/// order, so a change committed now is heard only after the backlog before it: a probe ticket
/// (Medium, apart from the queues measured) is filed and taken, and its subscriber waits to
/// hear that it is in progress.
async fn drain(host: &Host, acme: &str, who: &Session, staff: &Session, tickets_path: &str) -> anyhow::Result<()> {
    let body =
        json!({"subject": "Drain probe", "description": "Probe", "priority": "medium", "category": "general_inquiry"});
    let res = host.request(reqwest::Method::POST, acme, tickets_path, who).json(&body).send().await?;
    anyhow::ensure!(res.status() == 201, "probe filing answered {}: {}", res.status(), res.text().await?);
    let probe: Value = res.json().await?;
    let id = probe["id"].as_str().context("probe id")?.to_owned();
    let mut ws = connect(host.addr, acme, who).await?;
    next_json(&mut ws).await?;
    ws.send(Message::Text(json!({"type": "subscribe", "topic": format!("ticket:{id}")}).to_string().into())).await?;
    let res = host
        .request(reqwest::Method::PATCH, "localhost", &format!("{tickets_path}/{id}"), staff)
        .json(&json!({"status": "in_progress"}))
        .send()
        .await?;
    anyhow::ensure!(res.status() == 200, "probe take answered {}", res.status());
    let deadline = Instant::now() + Duration::from_secs(900);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = match tokio::time::timeout(left, ws.next()).await {
            Err(_) => bail!("the backlog did not drain in 15 minutes"),
            Ok(Some(Ok(Message::Text(t)))) => serde_json::from_str::<Value>(&t)?,
            Ok(Some(Ok(_))) => continue,
            Ok(other) => bail!("probe socket ended: {other:?}"),
        };
        if message["type"] == "ticket.position" && message["status"] == "in_progress" {
            return Ok(());
        }
    }
}
