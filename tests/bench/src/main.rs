//! `kt-bench`: benchmark drivers behind `scripts/bench`. Prints latency percentiles and
//! throughput per operation.

mod email;
mod fanout;
mod forms;
mod invoices;
mod messaging;
mod relay;
mod search;
mod served;
mod tickets;
mod ws_pool;

/// mimalloc: a fan-out allocates and frees a few small buffers per socket per push, and
/// glibc's allocator was a tenth of the profile (`scripts/bench tickets`: last subscriber p50
/// about 60 -> 50 ms at 5,000).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use hdrhistogram::Histogram;
use kt_app::wiring::{Backend, Settings};
use kt_domain::SystemClock;
use kt_store::{Cond, DynamoStore, Item, Key, Query, SkCond, SqliteStore, Store, TxOp};
use serde_json::json;

#[derive(Parser)]
#[command(name = "kt-bench", about = "KT-Portal benchmarks (run through scripts/bench)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Store port: get, put, conditional put, query page (50 items), 5-op transact.
    Store {
        #[arg(long, value_enum, default_value = "local")]
        backend: BackendArg,
        /// Operations per measurement.
        #[arg(long, default_value_t = 2000)]
        ops: usize,
    },
    /// Tickets on the whole local host over HTTP and WebSocket: filing at a fixed rate,
    /// position reads with a long queue, and the live fan-out when the head of the queue leaves.
    Tickets {
        #[arg(long, value_enum, default_value = "local")]
        backend: BackendArg,
        /// Tickets filed in the rate-limited run.
        #[arg(long, default_value_t = 1000)]
        creates: usize,
        /// Filing rate, requests per second (open loop).
        #[arg(long, default_value_t = 100)]
        rate: u64,
        /// Waiting tickets in the High queue for the position reads and the fan-out.
        #[arg(long, default_value_t = 10_000)]
        waiting: usize,
        /// Position reads.
        #[arg(long, default_value_t = 2000)]
        reads: usize,
        /// WebSocket subscribers, each watching one waiting ticket (in a process of their own).
        #[arg(long, default_value_t = 10_000)]
        subscribers: usize,
        /// Times the head of the queue leaves while they watch (each after a quiet second).
        #[arg(long, default_value_t = 20)]
        rounds: usize,
        /// Subscribers watching the queue through the storm (0: no storm).
        #[arg(long, default_value_t = 3000)]
        storm_subscribers: usize,
        /// Filings per second into the watched queue during the storm.
        #[arg(long, default_value_t = 50)]
        storm_rate: u64,
        /// Seconds the storm lasts.
        #[arg(long, default_value_t = 20)]
        storm_seconds: u64,
    },
    /// (Internal) WebSocket subscribers in a process of their own, driven by `tickets` over
    /// stdin/stdout.
    #[command(hide = true)]
    WsPool {
        #[arg(long)]
        addr: std::net::SocketAddr,
        #[arg(long)]
        host: String,
        #[arg(long)]
        cookie: String,
    },
    /// The outbox relay: entries relayed to their queue per second, and each relay call's time.
    Relay {
        #[arg(long, value_enum, default_value = "local")]
        backend: BackendArg,
        /// Outbox entries written, then relayed (at most 1,000 on the emulator).
        #[arg(long, default_value_t = 10_000)]
        entries: usize,
    },
    /// Invoicing on the whole local host over HTTP: creating invoices of 10 lines, list pages
    /// with many invoices in the tenant, webhook handling, duplicate deliveries, credit notes
    /// and the recurring sweep.
    Invoices {
        /// Invoices in the tenant for the list pages.
        #[arg(long, default_value_t = 10_000)]
        invoices: usize,
        /// Invoices created over HTTP (measured).
        #[arg(long, default_value_t = 1000)]
        creates: usize,
        /// List pages read, per kind of list.
        #[arg(long, default_value_t = 1000)]
        reads: usize,
        /// Payment events delivered (each to its own invoice).
        #[arg(long, default_value_t = 1000)]
        events: usize,
        /// Deliveries of one event.
        #[arg(long, default_value_t = 1000)]
        duplicates: usize,
        /// Monthly recurring schedules due today for the recurring sweep.
        #[arg(long, default_value_t = 1000)]
        schedules: usize,
    },
    /// Messaging on the whole local host over HTTP: sending at a steady rate across many
    /// conversations (and the fan-out of unread counts), the unread total of a member of all
    /// of them, history pages in a very long conversation.
    Messaging {
        /// Group conversations the messages are spread over (a member's unread total covers all).
        #[arg(long, default_value_t = 1000)]
        conversations: usize,
        /// Messages sent per second (open loop).
        #[arg(long, default_value_t = 200)]
        rate: u32,
        /// Seconds of sending.
        #[arg(long, default_value_t = 10)]
        seconds: u32,
        /// Messages in the long conversation the history pages are read from.
        #[arg(long, default_value_t = 100_000)]
        history: u64,
        /// Unread totals and history pages read (each).
        #[arg(long, default_value_t = 1000)]
        reads: usize,
        /// People with a WebSocket open for the channel fan-out.
        #[arg(long, default_value_t = 2000)]
        connected: usize,
        /// Members of the channel (of those connected, with its writer).
        #[arg(long, default_value_t = 500)]
        channel: usize,
        /// Messages sent to the channel, each timed to its last member.
        #[arg(long, default_value_t = 50)]
        fanout_rounds: usize,
    },
    /// Forms: the server's evaluation of a submission of a form of 60 fields and 30 rules,
    /// submitting at a rate (open loop), and the analytics of a form with many submissions.
    Forms {
        /// Submissions per second (open loop).
        #[arg(long, default_value_t = 50)]
        rate: u32,
        /// Seconds of submitting.
        #[arg(long, default_value_t = 10)]
        seconds: u32,
        /// Submissions of the form whose analytics are read.
        #[arg(long, default_value_t = 100_000)]
        submissions: usize,
        /// Evaluations timed.
        #[arg(long, default_value_t = 2000)]
        evaluations: usize,
        /// Analytics reads timed.
        #[arg(long, default_value_t = 500)]
        reads: usize,
    },
    /// Mail in: parse + file of a 1 MB message (in process), and a sustained rate through the
    /// SMTP listener with every message checked to be filed; mail out: letters written from a
    /// tenant's template and sent by the mail worker.
    Email {
        /// 1 MB messages filed, each timed.
        #[arg(long, default_value_t = 200)]
        large: usize,
        /// Messages per second through the SMTP listener (open loop).
        #[arg(long, default_value_t = 100)]
        rate: u32,
        /// Seconds of sending.
        #[arg(long, default_value_t = 10)]
        seconds: u32,
        /// Letters written from the tenant's template and sent by the mail worker, each timed.
        #[arg(long, default_value_t = 1000)]
        letters: usize,
    },
    /// Global search: type-ahead over an index of 100,000 tickets, 500,000 messages and 5,000
    /// articles over 50 tenants, a storm of changes timed until searchable, and the rebuild.
    Search {
        #[arg(long, default_value_t = 100_000)]
        tickets: usize,
        #[arg(long, default_value_t = 500_000)]
        messages: usize,
        #[arg(long, default_value_t = 5_000)]
        articles: usize,
        /// Keystrokes timed, per person.
        #[arg(long, default_value_t = 2_000)]
        keystrokes: usize,
        /// Filings per second in the storm.
        #[arg(long, default_value_t = 20)]
        rate: u32,
        /// Seconds of the storm.
        #[arg(long, default_value_t = 20)]
        seconds: u32,
        /// Tickets (with a reply each) in the store the rebuild reads.
        #[arg(long, default_value_t = 10_000)]
        store_tickets: usize,
    },
    /// Identity hot paths: access-token verification, host-to-tenant resolution (cached),
    /// and password hashing with the production argon2id parameters.
    Auth {
        /// Operations per measurement (hashing runs a tenth as many).
        #[arg(long, default_value_t = 20_000)]
        ops: usize,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum BackendArg {
    Local,
    Aws,
}

struct Row {
    name: &'static str,
    hist: Histogram<u64>,
    elapsed: std::time::Duration,
    /// Budget for p95, in the unit the row is printed in.
    budget_p95: Option<f64>,
}

/// `transact_ops` is separate because moto deep-copies every table on each transaction
/// (its rollback), which makes long transaction runs on the emulator pathological.
async fn bench_store(
    store: Arc<dyn Store>,
    label: &str,
    ops: usize,
    transact_ops: usize,
    with_budgets: bool,
) -> anyhow::Result<()> {
    let run = ulid::Ulid::new().to_string();
    let part = format!("T#bench#{run}");
    let body = json!({"subject": "Printer on fire", "priority": "high", "status": "open", "tags": ["a", "b"], "description": "x".repeat(400)});
    let attrs = body.as_object().cloned().unwrap_or_default();
    // 1,000 items to read from.
    eprintln!("  writing 1,000 items to read from ...");
    for i in 0..1000 {
        store.put(Item::new(Key::new(&part, format!("ITEM#{i:05}")), attrs.clone()), Cond::None).await?;
    }
    let budget = |b: f64| with_budgets.then_some(b);
    let mut rows = Vec::new();
    rows.push(
        measure_ns("get", ops, budget(0.3), |i| {
            let store = store.clone();
            let key = Key::new(&part, format!("ITEM#{:05}", i % 1000));
            async move {
                store.get(&key).await?.context("missing item")?;
                Ok(())
            }
        })
        .await?,
    );
    rows.push(
        measure_ns("put", ops, budget(2.0), |i| {
            let store = store.clone();
            let item = Item::new(Key::new(format!("{part}#PUT"), format!("{i}")), attrs.clone());
            async move { Ok(store.put(item, Cond::None).await?) }
        })
        .await?,
    );
    rows.push(
        measure_ns("conditional put", ops, None, |i| {
            let store = store.clone();
            let item = Item::new(Key::new(format!("{part}#CPUT"), format!("{i}")), attrs.clone());
            async move { Ok(store.put(item, Cond::NotExists).await?) }
        })
        .await?,
    );
    rows.push(
        measure_ns("query page (50)", ops, budget(2.0), |i| {
            let store = store.clone();
            let start = format!("ITEM#{:05}", (i * 37) % 950);
            let part = part.clone();
            async move {
                let page = store.query(Query::table(part).sk(SkCond::Ge(start)).limit(50)).await?;
                anyhow::ensure!(page.items.len() == 50, "short page");
                Ok(())
            }
        })
        .await?,
    );
    rows.push(
        measure_ns("transact (5 ops)", transact_ops, None, |i| {
            let store = store.clone();
            let ops: Vec<TxOp> = (0..5)
                .map(|j| TxOp::Put {
                    item: Item::new(Key::new(format!("{part}#TX"), format!("{i}-{j}")), attrs.clone()),
                    cond: Cond::NotExists,
                })
                .collect();
            async move { Ok(store.transact(ops).await?) }
        })
        .await?,
    );

    let title =
        format!("Store port on {label}: {ops} sequential operations each ({transact_ops} transactions), 1 client; ms");
    print_rows(&title, rows, false);
    Ok(())
}

fn print_rows(title: &str, rows: Vec<Row>, unit_us: bool) {
    println!("\n{title}");
    let unit = if unit_us { "µs" } else { "ms" };
    println!(
        "{:<36} {:>9} {:>9} {:>9} {:>10} {:>16}",
        "operation",
        format!("p50 {unit}"),
        format!("p95 {unit}"),
        format!("p99 {unit}"),
        "ops/s",
        "budget p95"
    );
    for r in rows {
        let scale = |v: u64| {
            if unit_us { v as f64 / 1000.0 } else { v as f64 / 1_000_000.0 }
        };
        let p95 = scale(r.hist.value_at_quantile(0.95));
        let verdict = match r.budget_p95 {
            Some(b) if p95 < b => format!("< {b} {unit} ok"),
            Some(b) => format!("< {b} {unit} OVER"),
            None => "-".to_owned(),
        };
        println!(
            "{:<36} {:>9.2} {:>9.2} {:>9.2} {:>10.0} {:>16}",
            r.name,
            scale(r.hist.value_at_quantile(0.50)),
            p95,
            scale(r.hist.value_at_quantile(0.99)),
            r.hist.len() as f64 / r.elapsed.as_secs_f64(),
            verdict
        );
    }
}

/// Runs `op` `ops` times after a warm-up, recording each latency in nanoseconds.
async fn measure_ns<F, Fut>(name: &'static str, ops: usize, budget: Option<f64>, mut op: F) -> anyhow::Result<Row>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    for i in 0..ops.min(100) {
        op(usize::MAX - i).await?;
    }
    let mut hist = Histogram::<u64>::new(3)?;
    let start = Instant::now();
    for i in 0..ops {
        let t = Instant::now();
        op(i).await?;
        hist.record(t.elapsed().as_nanos().max(1) as u64)?;
    }
    Ok(Row { name, hist, elapsed: start.elapsed(), budget_p95: budget })
}

async fn bench_auth(ops: usize) -> anyhow::Result<()> {
    use kt_app::identity::{passwords, sessions, tenancy};
    let dir = std::env::temp_dir().join(format!("kt-bench-{}", ulid::Ulid::new()));
    let app =
        kt_app::wiring::wire(&kt_app::wiring::Settings::local(&dir)).await.map_err(|e| anyhow::anyhow!("{e}"))?.state;
    kt_app::seed::demo(&app).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let acme = tenancy::resolve_host(&app, "acme.localhost").await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let signed =
        sessions::sign_in_password(&app, &acme, "dana@globex.test", "Globex-Demo-Client-2026", &Default::default())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    let kt_app::identity::two_factor::SignIn::Session(signed) = signed else {
        anyhow::bail!("the demo client has no second factor, yet sign-in asked for one");
    };
    let token = signed.access_token.clone();
    let keys = app.tokens.clone();
    let mut rows = Vec::new();
    rows.push(
        measure_ns("access-token verification", ops, Some(50.0), |_| {
            let r = keys.verify(&token).map(|_| ()).map_err(|e| anyhow::anyhow!("{e}"));
            async move { r }
        })
        .await?,
    );
    rows.push(
        measure_ns("host -> tenant (cached)", ops, Some(200.0), |i| {
            let app = app.clone();
            let host = if i % 2 == 0 { "acme.localhost:3000" } else { "localhost:3000" };
            async move {
                tenancy::resolve_host(&app, host).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                Ok(())
            }
        })
        .await?,
    );
    // The actor: signature, tenant (cached) and the token's standing (session live, user active
    // with the token's grants), as most requests find it (read within the last second), then
    // read from the store every time (the first request of a session on an instance, and every
    // request after STANDING_TTL).
    rows.push(
        measure_ns("actor from token (standing cached)", ops, Some(500.0), |_| {
            let app = app.clone();
            let token = token.clone();
            async move {
                sessions::actor_from_token(&app, &token).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                Ok(())
            }
        })
        .await?,
    );
    let sid = signed.session.id.clone();
    rows.push(
        measure_ns("actor from token (standing read)", ops, Some(500.0), |_| {
            let app = app.clone();
            let token = token.clone();
            app.session_cache.forget_session(&sid);
            async move {
                sessions::actor_from_token(&app, &token).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                Ok(())
            }
        })
        .await?,
    );
    print_rows("Identity hot paths (1 client; µs)", rows, true);
    let hashes = (ops / 1000).clamp(10, 50);
    let hash = measure_ns("argon2id hash (m=19 MiB, t=2, p=1)", hashes, None, |_| async {
        passwords::hash("Tr0mbone-Lantern-Quiet-47".into()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(())
    })
    .await?;
    print_rows("Password hashing (ms)", vec![hash], false);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

pub(crate) fn app_err(e: kt_app::AppError) -> anyhow::Error {
    match &e {
        kt_app::AppError::Invalid(fields) => anyhow::anyhow!("{e}: {fields:?}"),
        _ => anyhow::anyhow!("{e}"),
    }
}

/// The portal's settings for a run on `backend` in a fresh directory, and how to name it: on
/// `aws`, fresh resources on the moto server at MOTO_ENDPOINT.
pub(crate) fn bench_settings(backend: Backend) -> anyhow::Result<(Settings, std::path::PathBuf, String)> {
    let dir = std::env::temp_dir().join(format!("kt-bench-{}", ulid::Ulid::new()));
    let mut settings = Settings::local(&dir);
    let label = match backend {
        Backend::Local => "local host on SQLite".to_owned(),
        Backend::Aws => {
            let endpoint = std::env::var("MOTO_ENDPOINT").context("set MOTO_ENDPOINT (scripts/bench starts moto)")?;
            let run = ulid::Ulid::new().to_string().to_lowercase();
            settings.backend = Backend::Aws;
            settings.aws_endpoint = Some(endpoint);
            settings.table = format!("bench-{run}");
            settings.bucket = format!("bench-{run}");
            settings.queue_prefix = format!("bench-{run}-");
            settings.jwt_secret = Some("bench-jwt-secret-0123456789abcdef0123456789".into());
            settings.data_key = Some("bench-data-key-0123456789abcdef0123456789ab".into());
            "local host on the AWS adapters against moto (EMULATOR: reference only)".to_owned()
        }
    };
    Ok((settings, dir, label))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // RUST_LOG=kt_app=debug shows where the time of a fan-out goes.
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .try_init();
    }
    match Cli::parse().command {
        Command::Auth { ops } => bench_auth(ops).await,
        Command::Tickets {
            backend,
            creates,
            rate,
            waiting,
            reads,
            subscribers,
            rounds,
            storm_subscribers,
            storm_rate,
            storm_seconds,
        } => {
            let storm = tickets::Storm { subscribers: storm_subscribers, rate: storm_rate, seconds: storm_seconds };
            let o = match backend {
                BackendArg::Local => tickets::Options {
                    backend: Backend::Local,
                    creates,
                    rate,
                    waiting,
                    reads,
                    subscribers,
                    rounds,
                    storm,
                },
                // The emulator is orders of magnitude slower: the same runs, smaller, and filing
                // at a rate it keeps up with (it answers one DynamoDB request at a time).
                BackendArg::Aws => tickets::Options {
                    backend: Backend::Aws,
                    creates: creates.min(200),
                    rate: rate.min(10),
                    waiting: waiting.min(300),
                    reads: reads.min(200),
                    subscribers: subscribers.min(100),
                    rounds: rounds.min(5),
                    storm: tickets::Storm {
                        subscribers: storm.subscribers.min(50),
                        rate: storm.rate.min(5),
                        seconds: storm.seconds.min(5),
                    },
                },
            };
            tickets::run(o).await
        }
        Command::WsPool { addr, host, cookie } => ws_pool::serve(addr, host, cookie).await,
        Command::Invoices { invoices: n, creates, reads, events, duplicates, schedules } => {
            invoices::run(invoices::Options { invoices: n, creates, reads, events, duplicates, schedules }).await
        }
        Command::Messaging { conversations, rate, seconds, history, reads, connected, channel, fanout_rounds } => {
            let fanout = fanout::Options { connected, channel, rounds: fanout_rounds };
            messaging::run(messaging::Options { conversations, rate, seconds, history, reads, fanout }).await
        }
        Command::Search { tickets, messages, articles, keystrokes, rate, seconds, store_tickets } => {
            search::run(search::Options { tickets, messages, articles, keystrokes, rate, seconds, store_tickets }).await
        }
        Command::Email { large, rate, seconds, letters } => {
            email::run(email::Options { large, letters, rate, seconds }).await
        }
        Command::Forms { rate, seconds, submissions, evaluations, reads } => {
            forms::run(forms::Options { rate, seconds, submissions, evaluations, reads }).await
        }
        Command::Relay { backend: BackendArg::Local, entries } => relay::run(Backend::Local, entries).await,
        Command::Relay { backend: BackendArg::Aws, entries } => relay::run(Backend::Aws, entries.min(1000)).await,
        Command::Store { backend: BackendArg::Local, ops } => {
            let dir = std::env::temp_dir().join(format!("kt-bench-{}", ulid::Ulid::new()));
            let store = SqliteStore::open(dir.join("bench.db"), Arc::new(SystemClock))?;
            let result = bench_store(Arc::new(store), "SQLite (embedded adapter, WAL)", ops, ops, true).await;
            let _ = std::fs::remove_dir_all(&dir);
            result
        }
        Command::Store { backend: BackendArg::Aws, ops } => {
            let endpoint = std::env::var("MOTO_ENDPOINT")
                .or_else(|_| std::env::var("AWS_ENDPOINT_URL"))
                .context("set MOTO_ENDPOINT (scripts/bench starts moto for you)")?;
            let conf = kt_platform::aws::emulator_config(&endpoint).await;
            let table = format!("bench-{}", ulid::Ulid::new().to_string().to_lowercase());
            let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&conf), table, Arc::new(SystemClock));
            store.ensure_table().await?;
            bench_store(
                Arc::new(store),
                "DynamoDB adapter on moto (EMULATOR: reference only, not a production figure)",
                ops.min(500),
                ops.min(50),
                false,
            )
            .await
        }
    }
}
