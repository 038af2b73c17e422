//! The peak hour at ten times the PRD, compressed in time on a manual clock: tenants' clients
//! file tickets and answer staff, each tenant's agents work the queue (take the oldest of the
//! most urgent queue, reply, add notes, resolve, ask the client, escalate, open tickets), the
//! clients who filed watch their tickets over WebSocket while everyone else's socket listens
//! for notifications, and after every action the outbox relay, the events and mail workers and
//! (every minute) the sweeps run until nothing is left, as they would on AWS within moments.
//!
//! Everything runs on the embedded store wrapped in the meters, so the figures are what
//! DynamoDB, API Gateway, SQS and Lambda would bill for the same calls.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kt_app::AppState;
use kt_app::identity::accounts::{NewUser, create_org, create_user};
use kt_app::identity::tenancy::{self, NewTenant};
use kt_app::outbox::Relay;
use kt_app::tickets::conversation::{self, NewMessage};
use kt_app::tickets::{self as uc, Change, NewTicket, live};
use kt_app::wiring::{Settings, wire_with_clock};
use kt_domain::identity::Role;
use kt_domain::policy::Actor;
use kt_domain::tenancy::{Tenant, TenantKind};
use kt_domain::ticket::{Category, Priority, Status, Ticket};
use kt_domain::{Clock, ManualClock};
use kt_platform::Queue;
use kt_store::Store;
use kt_store::heat::{Meter, MeteredStore, PartitionHeat, load};
use serde::Serialize;

use crate::cost::{self, Prices, Usage};
use crate::meters::{BusiestItem, PostMeter, Posts, QueueMeter, StreamView, TxMeter};

#[derive(Debug, Clone)]
pub struct Options {
    pub tenants: usize,
    pub seconds: u64,
    pub filings_per_hour: f64,
    pub staff_actions_per_minute: f64,
    pub filings_per_day: f64,
    pub backlog: usize,
    pub watchers: usize,
    pub sockets: usize,
    pub seed: u64,
}

/// One partition in the report.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Hot {
    pub index: String,
    pub pk: String,
    pub wcu_per_sec: f64,
    pub rcu_per_sec: f64,
    /// The busiest second as a share of DynamoDB's per-partition limits.
    pub share: f64,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Report {
    pub options: String,
    pub simulated_seconds: u64,
    pub filings: u64,
    pub staff_actions: u64,
    pub client_answers: u64,
    pub queue_changes: u64,
    pub wcu: f64,
    pub rcu: f64,
    pub partitions: usize,
    pub hottest: Vec<Hot>,
    /// Where the units go: totals by kind of partition (ids and numbers left out of the key).
    #[serde(default)]
    pub kinds: Vec<(String, f64, f64)>,
    pub busiest_item: BusiestItem,
    pub posts: Posts,
    pub watchers: usize,
    pub sockets: usize,
    pub lambda_invocations: u64,
    pub lambda_ms: f64,
    pub http_requests: u64,
    pub sqs_requests: u64,
    pub mails: u64,
    pub month: Usage,
    pub bill: cost::Bill,
}

/// A tiny deterministic generator (xorshift): the same seed gives the same hour.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Agency {
    tenant: Tenant,
    client: Actor,
    agent: Actor,
}

/// Where the driver believes each ticket is (from what the use cases answered).
#[derive(Default)]
struct Board {
    waiting: [VecDeque<(usize, Ticket)>; 4],
    working: Vec<(usize, Ticket)>,
    pending: Vec<(usize, Ticket)>,
}

fn rank(p: Priority) -> usize {
    Priority::ALL.iter().position(|q| *q == p).unwrap_or(0)
}

impl Board {
    fn enqueue(&mut self, a: usize, t: Ticket) {
        let q = &mut self.waiting[rank(t.priority)];
        let number = t.queue.map(|s| s.number).unwrap_or(u64::MAX);
        let at = q.partition_point(|(_, o)| o.queue.map(|s| s.number).unwrap_or(u64::MAX) <= number);
        q.insert(at, (a, t));
    }
    fn waiting_len(&self) -> usize {
        self.waiting.iter().map(VecDeque::len).sum()
    }
}

struct Driver {
    app: AppState,
    agencies: Vec<Agency>,
    board: Board,
    rng: Rng,
    relay: Relay,
    events: kt_app::worker::Dispatcher,
    mail: kt_app::worker::Dispatcher,
    queue: Arc<QueueMeter>,
    invocations: u64,
    lambda_ms: f64,
    http: u64,
    watchers: usize,
    max_watchers: usize,
    queue_changes: u64,
}

fn app_err(e: kt_app::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

impl Driver {
    /// Runs one request handler as a Lambda invocation would bill it.
    fn billed(&mut self, started: Instant) {
        self.invocations += 1;
        self.http += 1;
        self.lambda_ms += (started.elapsed().as_secs_f64() * 1000.0).ceil();
    }

    /// The relay and the workers, until nothing is left (each round a billed invocation).
    async fn settle(&mut self) -> anyhow::Result<()> {
        loop {
            let started = Instant::now();
            let relayed = self.relay.relay_pending(100).await.map_err(app_err)?;
            if relayed > 0 {
                self.invocations += 1;
                self.lambda_ms += (started.elapsed().as_secs_f64() * 1000.0).ceil();
            }
            let mut handled = 0;
            for dispatcher in [&self.events, &self.mail] {
                let started = Instant::now();
                let n = dispatcher.poll_once(self.queue.as_ref() as &dyn Queue, Duration::ZERO).await?;
                if n > 0 {
                    handled += n;
                    self.invocations += 1;
                    self.lambda_ms += (started.elapsed().as_secs_f64() * 1000.0).ceil();
                }
            }
            if relayed == 0 && handled == 0 {
                return Ok(());
            }
        }
    }

    async fn file(&mut self, subject: String) -> anyhow::Result<()> {
        let a = self.rng.below(self.agencies.len());
        let u = self.rng.unit();
        let priority = if u < 0.3 {
            Priority::Low
        } else if u < 0.7 {
            Priority::Medium
        } else if u < 0.9 {
            Priority::High
        } else {
            Priority::Critical
        };
        let input = NewTicket {
            org: None,
            subject,
            description: "Something broke on the site".into(),
            priority,
            category: Category::TechnicalSupport,
            tags: vec![],
        };
        let started = Instant::now();
        let agency = &self.agencies[a];
        let t =
            uc::create(&self.app, &agency.client, &agency.tenant, input, &Default::default()).await.map_err(app_err)?;
        self.billed(started);
        self.queue_changes += 1;
        if self.watchers < self.max_watchers {
            self.watch(a, &t).await?;
        }
        self.board.enqueue(a, t);
        Ok(())
    }

    /// The client who filed stays on the ticket's page: a socket watching it.
    async fn watch(&mut self, a: usize, t: &Ticket) -> anyhow::Result<()> {
        let conn = ulid::Ulid::new().to_string();
        let started = Instant::now();
        live::connect(&self.app, &conn, &self.agencies[a].client).await.map_err(app_err)?;
        let message = format!(r#"{{"type":"subscribe","topic":"ticket:{}"}}"#, t.id);
        let replies = live::handle_message(&self.app, &conn, Some(&message)).await;
        anyhow::ensure!(replies.first().is_some_and(|r| r["type"] == "subscribed"), "subscribe: {replies:?}");
        // $connect and the subscribe message: two WebSocket route invocations.
        self.invocations += 2;
        self.lambda_ms += (started.elapsed().as_secs_f64() * 1000.0).ceil() + 1.0;
        self.watchers += 1;
        Ok(())
    }

    async fn change(&mut self, a: usize, t: &Ticket, change: Change) -> anyhow::Result<Ticket> {
        let started = Instant::now();
        let agency = &self.agencies[a];
        let out = uc::change(&self.app, &agency.agent, &agency.tenant, &t.id, change, None).await.map_err(app_err)?;
        self.billed(started);
        Ok(out.value)
    }

    async fn reply(&mut self, a: usize, t: &Ticket, as_client: bool, internal: bool) -> anyhow::Result<Ticket> {
        let started = Instant::now();
        let agency = &self.agencies[a];
        let who = if as_client { &agency.client } else { &agency.agent };
        let input = NewMessage { body: "Thanks, looking into it.".into(), internal, status: None };
        let (_, t) = conversation::reply(&self.app, who, &agency.tenant, &t.id, input).await.map_err(app_err)?;
        self.billed(started);
        Ok(t)
    }

    /// One staff action, by the mix documented in README (Heat report).
    async fn staff_action(&mut self) -> anyhow::Result<()> {
        let u = self.rng.unit();
        if u < 0.20 {
            // Take the oldest ticket of the most urgent non-empty queue.
            let Some(q) = (0..4).rev().find(|&r| !self.board.waiting[r].is_empty()) else { return Ok(()) };
            let (a, t) = self.board.waiting[q].pop_front().expect("non-empty");
            let t = self.change(a, &t, Change::status(Status::InProgress)).await?;
            self.queue_changes += 1;
            self.board.working.push((a, t));
        } else if u < 0.50 {
            if self.board.working.is_empty() {
                return Ok(());
            }
            let i = self.rng.below(self.board.working.len());
            let (a, t) = self.board.working[i].clone();
            self.board.working[i].1 = self.reply(a, &t, false, false).await?;
        } else if u < 0.67 {
            if self.board.working.is_empty() {
                return Ok(());
            }
            let i = self.rng.below(self.board.working.len());
            let (a, t) = self.board.working[i].clone();
            self.board.working[i].1 = self.reply(a, &t, false, true).await?;
        } else if u < 0.77 {
            if self.board.working.is_empty() {
                return Ok(());
            }
            let (a, t) = self.board.working.swap_remove(self.rng.below(self.board.working.len()));
            self.change(a, &t, Change::status(Status::Resolved)).await?;
        } else if u < 0.85 {
            if self.board.working.is_empty() {
                return Ok(());
            }
            let (a, t) = self.board.working.swap_remove(self.rng.below(self.board.working.len()));
            let t = self.change(a, &t, Change::status(Status::PendingClient)).await?;
            self.board.pending.push((a, t));
        } else if u < 0.92 {
            // Escalate a waiting Low or Medium ticket: it changes queues.
            let r = self.rng.below(2);
            if self.board.waiting[r].is_empty() {
                return Ok(());
            }
            let i = self.rng.below(self.board.waiting[r].len());
            let (a, t) = self.board.waiting[r].remove(i).expect("in range");
            let t = self.change(a, &t, Change::priority(Priority::ALL[r + 1])).await?;
            self.queue_changes += 2;
            self.board.enqueue(a, t);
        } else {
            // Open a ticket: the ticket and its conversation.
            let pick = self.board.working.first().or(self.board.waiting[2].front()).cloned();
            let Some((a, t)) = pick else { return Ok(()) };
            let started = Instant::now();
            let agency = &self.agencies[a];
            uc::get(&self.app, &agency.agent, &agency.tenant, &t.id).await.map_err(app_err)?;
            conversation::messages(&self.app, &agency.agent, &agency.tenant, &t.id, 50, None).await.map_err(app_err)?;
            self.billed(started);
        }
        Ok(())
    }

    /// A client answers a ticket waiting on them: it goes back in the queue.
    async fn client_answer(&mut self) -> anyhow::Result<()> {
        if self.board.pending.is_empty() {
            return Ok(());
        }
        let (a, t) = self.board.pending.swap_remove(self.rng.below(self.board.pending.len()));
        let t = self.reply(a, &t, true, false).await?;
        self.queue_changes += 1;
        self.board.enqueue(a, t);
        Ok(())
    }
}

pub async fn run(o: Options, prices: &Prices) -> anyhow::Result<Report> {
    let dir = std::env::temp_dir().join(format!("kt-heat-{}", ulid::Ulid::new()));
    let clock = Arc::new(ManualClock::starting_now());
    let wired = wire_with_clock(&Settings::local(&dir), clock.clone()).await.map_err(app_err)?;
    let mut app = wired.state;
    let meter = Arc::new(Meter::new(clock.clone() as Arc<dyn Clock>));
    let tx = Arc::new(TxMeter::new(app.store.clone(), clock.clone()));
    let raw: Arc<dyn Store> = app.store.clone();
    app.store = Arc::new(MeteredStore::new(tx.clone(), meter.clone()));
    let posts = Arc::new(PostMeter::new(clock.clone()));
    app.push = posts.clone();
    let queue = Arc::new(QueueMeter::new(app.queue.clone()));
    app.queue = queue.clone();
    let stream = Arc::new(StreamView { metered: app.store.clone(), unmetered: raw });
    let mut d = Driver {
        relay: Relay::new(stream, app.queue.clone()),
        events: kt_fn_events_worker::dispatcher(&app),
        mail: kt_fn_mail_worker::dispatcher(&app),
        app: app.clone(),
        agencies: Vec::new(),
        board: Board::default(),
        rng: Rng(o.seed.max(1)),
        queue: queue.clone(),
        invocations: 0,
        lambda_ms: 0.0,
        http: 0,
        watchers: 0,
        max_watchers: o.watchers,
        queue_changes: 0,
    };

    eprintln!("  {} agencies, each with a client organization, a client and an agent ...", o.tenants);
    for i in 0..o.tenants {
        let input =
            NewTenant { name: format!("Agency {i}"), slug: format!("agency{i}"), ticket_prefix: format!("AG{i}") };
        let tenant = tenancy::create(&app, &input, TenantKind::Partner).await.map_err(app_err)?;
        let org = create_org(&app, None, &tenant, "Client Co", &Default::default()).await.map_err(app_err)?;
        let mut actors = Vec::new();
        for (role, who, orgs) in [(Role::Client, "client", vec![org.id.clone()]), (Role::Partner, "agent", vec![])] {
            let user = NewUser {
                email: format!("{who}{i}@agency{i}.test"),
                name: who.into(),
                role,
                // Active people (invited ones get no mail).
                password: Some("Heat-Driver-Passphrase-2026".into()),
                orgs: orgs.clone(),
            };
            let user = create_user(&app, None, &tenant, user, &Default::default()).await.map_err(app_err)?;
            actors.push(Actor {
                user: user.id.clone(),
                tenant: tenant.id.clone(),
                role,
                orgs,
                scopes: None,
                optional_enabled: false,
                tenant_bound: false,
            });
        }
        let agent = actors.pop().expect("agent");
        let client = actors.pop().expect("client");
        d.agencies.push(Agency { tenant, client, agent });
    }
    eprintln!("  a backlog of {} waiting tickets, {} of them watched ...", o.backlog, o.watchers.min(o.backlog));
    // Filed over the half hour before, as a backlog builds (each a couple of seconds apart).
    for i in 0..o.backlog {
        clock.advance(time::Duration::milliseconds(1800_000 / o.backlog.max(1) as i64));
        d.file(format!("Backlog {i}")).await?;
        if i % 200 == 199 {
            d.settle().await?;
        }
    }
    // Agents already have work in hand: a quarter of the backlog is in progress (the newest,
    // unwatched ones: the watched are the oldest).
    for _ in 0..o.backlog / 4 {
        let Some(q) = (0..4).max_by_key(|&r| d.board.waiting[r].len()) else { break };
        let Some((a, t)) = d.board.waiting[q].pop_back() else { break };
        let t = d.change(a, &t, Change::status(Status::InProgress)).await?;
        d.board.working.push((a, t));
    }
    // Every client and agent has a socket listening for their notifications; the rest of the
    // 10,000 are people online who take no part in this hour's tickets (their sockets cost
    // connection minutes, nothing else).
    let listeners = o.sockets.saturating_sub(d.watchers);
    eprintln!("  {listeners} more sockets: each client's and agent's listening for notifications, the rest idle ...");
    let people: Vec<Actor> = d.agencies.iter().flat_map(|a| [a.client.clone(), a.agent.clone()]).collect();
    for i in 0..listeners {
        let conn = ulid::Ulid::new().to_string();
        let who = &people[i % people.len()];
        live::connect(&app, &conn, who).await.map_err(app_err)?;
        if i < people.len() {
            let message = format!(r#"{{"type":"subscribe","topic":"user:{}"}}"#, who.user);
            live::handle_message(&app, &conn, Some(&message)).await;
        }
    }
    d.settle().await?;
    clock.advance(time::Duration::seconds(5));
    d.settle().await?;
    let mails_before = mails_in(&dir);
    meter.reset();
    tx.reset();
    posts.reset();
    queue.reset();
    d.invocations = 0;
    d.lambda_ms = 0.0;
    d.http = 0;
    d.queue_changes = 0;

    eprintln!(
        "  {} simulated seconds: {:.0} filings/h, {:.0} staff actions/min ...",
        o.seconds, o.filings_per_hour, o.staff_actions_per_minute
    );
    let (mut filings, mut staff, mut answers) = (0u64, 0u64, 0u64);
    let (mut f_acc, mut s_acc, mut c_acc) = (0.0, 0.0, 0.0);
    let wall = Instant::now();
    for second in 0..o.seconds {
        f_acc += o.filings_per_hour / 3600.0;
        s_acc += o.staff_actions_per_minute / 60.0;
        // Clients answer about as often as staff ask them (8% of staff actions).
        c_acc += o.staff_actions_per_minute / 60.0 * 0.08;
        let mut plan = Vec::new();
        while f_acc >= 1.0 {
            plan.push(0);
            f_acc -= 1.0;
        }
        while s_acc >= 1.0 {
            plan.push(1);
            s_acc -= 1.0;
        }
        while c_acc >= 1.0 {
            plan.push(2);
            c_acc -= 1.0;
        }
        // Spread over the second, each followed by the workers.
        let step = time::Duration::milliseconds(1000 / (plan.len() as i64 + 1));
        let start = clock.now();
        for kind in plan {
            clock.advance(step);
            match kind {
                0 => {
                    d.file(format!("Filing {filings}")).await?;
                    filings += 1;
                }
                1 => {
                    d.staff_action().await?;
                    staff += 1;
                }
                _ => {
                    d.client_answer().await?;
                    answers += 1;
                }
            }
            d.settle().await?;
        }
        clock.set(start + time::Duration::seconds(1));
        d.settle().await?;
        if second % 60 == 59 {
            let started = Instant::now();
            kt_fn_sweeps::run(&app).await.map_err(app_err)?;
            d.invocations += 1;
            d.lambda_ms += (started.elapsed().as_secs_f64() * 1000.0).ceil();
            d.settle().await?;
        }
        if second % 300 == 299 {
            eprintln!(
                "    {}s simulated ({:.0}s here): {} waiting, {} in progress, {} pending",
                second + 1,
                wall.elapsed().as_secs_f64(),
                d.board.waiting_len(),
                d.board.working.len(),
                d.board.pending.len()
            );
        }
    }
    // The last windows' timers.
    for _ in 0..3 {
        clock.advance(time::Duration::seconds(1));
        d.settle().await?;
    }

    let total = meter.total();
    let report = meter.report();
    let hottest: Vec<Hot> = report.iter().take(15).map(hot).collect();
    let mut by_kind: std::collections::BTreeMap<String, (f64, f64)> = Default::default();
    for h in &report {
        let kind = format!("{} {}", h.partition.index.name().unwrap_or("table"), kind_of(&h.partition.pk));
        let e = by_kind.entry(kind).or_default();
        e.0 += h.total.wcu;
        e.1 += h.total.rcu;
    }
    let mut kinds: Vec<(String, f64, f64)> = by_kind.into_iter().map(|(k, (w, r))| (k, w, r)).collect();
    kinds.sort_by(|a, b| (b.1 + b.2).total_cmp(&(a.1 + a.2)));
    kinds.truncate(15);
    let posts_now = posts.posts();
    let mails = mails_in(&dir) - mails_before;
    // A month: the day holds `filings_per_day / filings_per_hour` peak hours' worth of work,
    // thirty days a month; sockets stay open that many hours a day.
    let hours_per_day = o.filings_per_day / o.filings_per_hour;
    let scale = 3600.0 / o.seconds as f64 * hours_per_day * 30.0;
    let month = Usage {
        write_units: total.wcu * scale,
        read_units: total.rcu * scale,
        lambda_gb_seconds: d.lambda_ms / 1000.0 * cost::memory_gb(prices)? * scale,
        lambda_requests: d.invocations as f64 * scale,
        http_requests: d.http as f64 * scale,
        websocket_messages: posts_now.total as f64 * scale,
        connection_minutes: o.sockets as f64 * 60.0 * hours_per_day * 30.0,
        sqs_requests: queue.requests() as f64 * scale,
        mails: mails as f64 * scale,
    };
    let bill = cost::bill(&month, prices)?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(Report {
        options: format!("{o:?}"),
        simulated_seconds: o.seconds,
        filings,
        staff_actions: staff,
        client_answers: answers,
        queue_changes: d.queue_changes,
        wcu: total.wcu,
        rcu: total.rcu,
        partitions: report.len(),
        hottest,
        kinds,
        busiest_item: tx.busiest(),
        posts: posts_now,
        watchers: d.watchers,
        sockets: o.sockets,
        lambda_invocations: d.invocations,
        lambda_ms: d.lambda_ms,
        http_requests: d.http,
        sqs_requests: queue.requests(),
        mails,
        month,
        bill,
    })
}

/// A partition key with its ids (26-character ULIDs) and numbers replaced: its kind.
fn kind_of(pk: &str) -> String {
    pk.split('#')
        .map(|part| {
            if part.len() == 26 && part.chars().all(|c| c.is_ascii_alphanumeric()) {
                "<id>".to_owned()
            } else if !part.is_empty() && part.chars().all(|c| c.is_ascii_digit() || c == '-') {
                "<n>".to_owned()
            } else if let Some((scope, _)) = part.split_once(':') {
                format!("{scope}:<id>")
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("#")
}

/// Mails the local mailer wrote (one `.eml` each).
fn mails_in(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir.join("mail"))
        .map(|r| r.filter_map(Result::ok).filter(|e| e.path().extension().is_some_and(|x| x == "eml")).count() as u64)
        .unwrap_or(0)
}

fn hot(h: &PartitionHeat) -> Hot {
    Hot {
        index: h.partition.index.name().unwrap_or("table").to_owned(),
        pk: h.partition.pk.clone(),
        wcu_per_sec: h.peak_wcu_per_sec,
        rcu_per_sec: h.peak_rcu_per_sec,
        share: load(h),
    }
}
