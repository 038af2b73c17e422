//! `portal`: the single-process host of KT-Portal.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use kt_app::wiring::{Backend, Settings};

/// mimalloc: a fan-out allocates and frees a few small buffers per socket per push, and
/// glibc's allocator was a tenth of the profile (`scripts/bench tickets`: last subscriber p50
/// about 60 -> 50 ms at 5,000).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "portal",
    version,
    about = "KT-Portal: the whole portal (API, WebSocket, workers, web app) in one process"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal: API under /api/v1, docs at /api/docs, WebSocket at /ws, the mail
    /// outbox at /dev/mail, the SMS outbox at /dev/sms, the web app at /. Other settings come
    /// from the environment (see README.md).
    Serve {
        /// Port to listen on.
        #[arg(long, env = "PORTAL_PORT", default_value_t = 3000)]
        port: u16,
        /// Directory for local state: SQLite database, queue, files, mail outbox.
        #[arg(long, env = "PORTAL_DATA_DIR", default_value = ".data")]
        data_dir: PathBuf,
        /// Adapters: `local` (embedded) or `aws` (DynamoDB, S3, SQS, SES; set AWS_ENDPOINT_URL
        /// to use an emulator such as moto).
        #[arg(long, env = "PORTAL_BACKEND", default_value = "local", value_parser = parse_backend)]
        backend: Backend,
        /// Built web app to serve at / (defaults to web/dist when it exists).
        #[arg(long, env = "PORTAL_WEB_DIST", default_value = "web/dist")]
        web_dist: PathBuf,
        /// Also take mail by SMTP on this port (0: any free port): mail to `<tenant>@in.<portal
        /// domain>` files tickets as SES inbound does on AWS (e.g. `swaks --server
        /// localhost:2525 --to acme@in.localhost`).
        #[arg(long, env = "PORTAL_SMTP_PORT")]
        smtp_port: Option<u16>,
    },
    /// Create demo data (house tenant, a partner with two client organizations, a user of every
    /// role; the partner's brand, canned responses, an assignment rule and eight weeks of
    /// tickets with conversations, files, time, ratings and service levels) and print the
    /// logins. Safe to run again: it only adds what is missing.
    Seed {
        /// Seed the demo data set.
        #[arg(long)]
        demo: bool,
        /// Only the tenants and people, without the brand and the eight weeks of tickets.
        #[arg(long)]
        accounts_only: bool,
        /// Print the logins as JSON (role, name, email, password, tenant, url).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Create the house tenant (when missing) and a super admin, who is invited by mail to choose
    /// a password: the first step of a new deployment. Safe to run again.
    ///
    /// With --aws it writes to the deployed stack, reading the variables a function reads
    /// (PORTAL_TABLE, PORTAL_DOMAIN, PORTAL_MAIL_FROM; AWS credentials from the environment); the
    /// invitation goes out through the stack's outbox, relay and mail worker.
    Bootstrap {
        /// The super admin's email address.
        #[arg(long)]
        email: String,
        /// The super admin's name.
        #[arg(long)]
        name: String,
        /// Write to the AWS stack named by the environment instead of the local state.
        #[arg(long)]
        aws: bool,
        /// Directory for local state (without --aws).
        #[arg(long, env = "PORTAL_DATA_DIR", default_value = ".data")]
        data_dir: PathBuf,
    },
    /// Dead letters: the messages a queue gave up on after five failed deliveries, each with
    /// the reason it last failed; replay them once the cause is fixed.
    ///
    /// With --aws it works on the deployed stack's queues (PORTAL_QUEUE_EVENTS_URL,
    /// PORTAL_QUEUE_EMAIL_URL, PORTAL_DLQ_EVENTS_URL, PORTAL_DLQ_EMAIL_URL and the variables of
    /// `bootstrap --aws`; the stack's outputs name them).
    Dlq {
        #[command(subcommand)]
        action: DlqAction,
        /// Work on the AWS stack named by the environment instead of the local state.
        #[arg(long, global = true)]
        aws: bool,
        /// Directory for local state (without --aws).
        #[arg(long, env = "PORTAL_DATA_DIR", default_value = ".data", global = true)]
        data_dir: PathBuf,
    },
    /// Global search's index: rebuild it from the store (every tenant's tickets, notes,
    /// articles, organizations, people and messages), printing how many documents it wrote and
    /// how fast. Stop the local portal first (it holds the index). With --aws it rebuilds the
    /// deployed stack's copy in S3 (PORTAL_BUCKET and the variables of `bootstrap --aws`):
    /// pause the indexer first (reserved concurrency 0; its queue keeps what arrives) and
    /// resume it after (it continues from the rebuilt copy).
    Search {
        #[command(subcommand)]
        action: SearchAction,
        /// Work on the AWS stack named by the environment instead of the local state.
        #[arg(long, global = true)]
        aws: bool,
        /// Directory for local state (without --aws).
        #[arg(long, env = "PORTAL_DATA_DIR", default_value = ".data", global = true)]
        data_dir: PathBuf,
    },
    /// Print the OpenAPI 3.1 document of the API (what /api/v1/openapi.json serves); the web
    /// app's client types are generated from it.
    Openapi,
}

#[derive(Subcommand)]
enum DlqAction {
    /// List the dead letters of one queue (or every queue) with why each failed.
    List {
        /// `events` or `email`; every queue when absent.
        #[arg(long)]
        queue: Option<String>,
        /// Print JSON (one object per message) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Send dead letters back to their queue: one by its message id, or all of the queue.
    Replay {
        /// `events` or `email`.
        #[arg(long)]
        queue: String,
        /// The message to replay (as `list` shows it); every dead letter of the queue without.
        #[arg(long)]
        message: Option<String>,
    },
}

#[derive(Subcommand)]
enum SearchAction {
    /// Empty the index and write everything searchable again.
    Reindex,
}

#[derive(clap::Args)]
struct StoreArgs {
    /// Directory for local state.
    #[arg(long, env = "PORTAL_DATA_DIR", default_value = ".data")]
    data_dir: PathBuf,
    /// Adapters: `local` or `aws`.
    #[arg(long, env = "PORTAL_BACKEND", default_value = "local", value_parser = parse_backend)]
    backend: Backend,
    /// Port the portal is served on (for the printed URLs).
    #[arg(long, env = "PORTAL_PORT", default_value_t = 3000)]
    port: u16,
}

impl From<DlqAction> for portal::dlq::Action {
    fn from(a: DlqAction) -> Self {
        match a {
            DlqAction::List { queue, json } => Self::List { queue, json },
            DlqAction::Replay { queue, message } => Self::Replay { queue, message },
        }
    }
}

fn parse_backend(s: &str) -> Result<Backend, String> {
    s.parse()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    kt_http::logging::init_from_env();
    match Cli::parse().command {
        Command::Serve { port, data_dir, backend, web_dist, smtp_port } => {
            let mut settings = Settings::from_env();
            settings.backend = backend;
            settings.data_dir = data_dir;
            if std::env::var_os("PORTAL_PUBLIC_URL").is_none() {
                settings.public_url = format!("http://localhost:{port}");
            }
            portal::serve(settings, port, Some(web_dist), smtp_port).await
        }
        Command::Seed { demo, accounts_only, json, store } => {
            anyhow::ensure!(demo, "say what to seed: --demo");
            let mut settings = Settings::from_env();
            settings.backend = store.backend;
            settings.data_dir = store.data_dir;
            if std::env::var_os("PORTAL_PUBLIC_URL").is_none() {
                settings.public_url = format!("http://localhost:{}", store.port);
            }
            let wired = kt_app::wiring::wire(&settings).await.map_err(|e| anyhow::anyhow!("start-up failed: {e}"))?;
            let logins = kt_app::seed::demo(&wired.state).await.map_err(|e| anyhow::anyhow!("seeding failed: {e}"))?;
            if !accounts_only {
                kt_app::seed::history::demo_history(&wired.state)
                    .await
                    .map_err(|e| anyhow::anyhow!("seeding the demo history failed: {e:?}"))?;
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&logins)?);
            } else {
                println!("Demo logins (password sign-in):");
                for l in &logins {
                    println!("  {:<14} {:<26} {:<26} {}", l.role.label(), l.email, l.password, l.url);
                }
            }
            Ok(())
        }
        Command::Bootstrap { email, name, aws, data_dir } => {
            let state = if aws {
                kt_app::wiring::aws::AwsWiring::from_env().await?.build()
            } else {
                let mut settings = Settings::from_env();
                settings.backend = Backend::Local;
                settings.data_dir = data_dir;
                kt_app::wiring::wire(&settings).await.map_err(|e| anyhow::anyhow!("start-up failed: {e}"))?.state
            };
            let done = kt_app::seed::first_super_admin(&state, &email, &name)
                .await
                .map_err(|e| anyhow::anyhow!("bootstrap failed: {e:?}"))?;
            if done.invited {
                println!("Invited {email} as super admin: the invitation mail has the link to choose a password.");
            } else {
                println!("{email} already has an account; nothing changed.");
            }
            println!("Sign in at {}", done.url);
            if !aws {
                // The local host's relay and mail worker send the invitation when it runs.
                kt_app::outbox::Relay::new(state.store.clone(), state.queue.clone())
                    .relay_pending(100)
                    .await
                    .map_err(|e| anyhow::anyhow!("could not queue the invitation: {e}"))?;
            }
            Ok(())
        }
        Command::Dlq { action, aws, data_dir } => {
            let state = if aws {
                kt_app::wiring::aws::AwsWiring::from_env().await?.dead_letter_queues()?.build()
            } else {
                let mut settings = Settings::from_env();
                settings.backend = Backend::Local;
                settings.data_dir = data_dir;
                kt_app::wiring::wire(&settings).await.map_err(|e| anyhow::anyhow!("start-up failed: {e}"))?.state
            };
            portal::dlq::run(&state, action.into()).await
        }
        Command::Search { action: SearchAction::Reindex, aws, data_dir } => {
            // The writer's working copy on AWS, removed at the end.
            let scratch = tempfile::tempdir()?;
            let state = if aws {
                let mut state = kt_app::wiring::aws::AwsWiring::from_env().await?.blobs()?.build();
                let role = kt_fn_search::index::Role::Indexer;
                state.search = kt_fn_search::index::aws(role, state.blobs.clone(), scratch.path());
                state
            } else {
                let mut settings = Settings::from_env();
                settings.backend = Backend::Local;
                settings.data_dir = data_dir.clone();
                let mut state =
                    kt_app::wiring::wire(&settings).await.map_err(|e| anyhow::anyhow!("start-up failed: {e}"))?.state;
                portal::wire_search(&mut state, &data_dir)?;
                state
            };
            let report =
                kt_app::search::reindex::rebuild(&state).await.map_err(|e| anyhow::anyhow!("reindex failed: {e}"))?;
            println!(
                "Indexed {} documents of {} tenants in {:.1} s ({:.0} documents/s).",
                report.documents,
                report.tenants,
                report.seconds,
                report.per_second()
            );
            Ok(())
        }
        Command::Openapi => {
            println!("{}", portal::openapi_json()?);
            Ok(())
        }
    }
}
