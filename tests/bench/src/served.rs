//! The demo on the local host, served over HTTP on loopback with its workers and search
//! indexer, as the invoicing, messaging, forms and search benchmarks drive it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use kt_app::AppState;
use kt_app::wiring::{Backend, wire};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app_err;
use crate::tickets::Host;

pub(crate) struct Served {
    pub app: AppState,
    pub host: Arc<Host>,
    /// What the figures were measured on.
    pub label: String,
    dir: PathBuf,
    stop: watch::Sender<bool>,
    workers: Vec<JoinHandle<()>>,
    server: JoinHandle<std::io::Result<()>>,
}

impl Served {
    /// Wires `backend`, seeds the demo, starts the workers and the router on a free port;
    /// requests to `acme.localhost` and `localhost` (the house) reach it.
    pub(crate) async fn start(backend: Backend) -> anyhow::Result<Served> {
        let (settings, dir, label) = crate::bench_settings(backend)?;
        let mut wired = wire(&settings).await.map_err(app_err)?;
        portal::wire_search(&mut wired.state, &settings.data_dir)?;
        let app = wired.state.clone();
        kt_app::seed::demo(&app).await.map_err(app_err)?;
        let (stop, stopped) = watch::channel(false);
        let mut workers = portal::spawn_workers(&app, stopped.clone());
        workers.extend(portal::spawn_indexer(&app, false, stopped));
        let router = portal::router(&wired, None);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(async move { axum::serve(listener, router).await });
        let client = reqwest::Client::builder()
            .resolve("acme.localhost", addr)
            .resolve("localhost", addr)
            .pool_max_idle_per_host(256)
            // A request that hangs fails the run with its cause instead of stalling it.
            .timeout(Duration::from_secs(60))
            .build()?;
        Ok(Served { app, host: Arc::new(Host { addr, client }), label, dir, stop, workers, server })
    }

    /// Stops the workers (letting them finish what they hold) and the server, and removes
    /// the data.
    pub(crate) async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        for w in self.workers {
            let _ = w.await;
        }
        self.server.abort();
        let _ = std::fs::remove_dir_all(&self.dir);
        Ok(())
    }
}
