//! The single-process host: every capability router, `/ws`, the outbox relay, the queue
//! workers and the sweeps, on the local adapters (or the AWS ones against an endpoint). It also
//! serves what only exists locally: presigned blob URLs (`/blobs`) and the mail outbox
//! (`/dev/mail`), and the web app (`web/dist`) or, until it exists, a plain status page.

mod dev;
pub mod dlq;
pub mod smtp;
mod ws;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::response::{Html, IntoResponse};
use kt_app::outbox::Relay;
use kt_app::wiring::{Settings, Wired};
use kt_http::{ApiError, AppState};
use tokio::sync::watch;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

#[derive(Clone, Copy)]
struct UlidRequestId;

impl MakeRequestId for UlidRequestId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        ulid::Ulid::new().to_string().parse().ok().map(RequestId::new)
    }
}

/// Every capability's routes, merged.
fn capabilities() -> utoipa_axum::router::OpenApiRouter<AppState> {
    kt_http::openapi::base()
        .merge(kt_fn_health::router())
        .merge(kt_fn_identity::router())
        .merge(kt_fn_tickets::router())
        .merge(kt_fn_notifications::router())
        .merge(kt_fn_operations::router())
        .merge(kt_fn_invoices::router())
        .merge(kt_fn_search::router())
}

/// The OpenAPI document the host serves at /api/v1/openapi.json, as pretty JSON.
pub fn openapi_json() -> anyhow::Result<String> {
    let (_, doc) = kt_http::openapi::finish(capabilities());
    Ok(doc.to_pretty_json()?)
}

/// Every API router of every capability, with the OpenAPI document and docs.
pub fn api(state: AppState) -> Router {
    let (router, _doc) = kt_http::openapi::finish(capabilities());
    router.route("/api/{*rest}", axum::routing::any(|| async { ApiError::not_found() })).with_state(state)
}

/// The whole host's router.
pub fn router(wired: &Wired, web_dist: Option<PathBuf>) -> Router {
    let mut app = api(wired.state.clone())
        .merge(ws::router(wired.state.clone(), wired.hub.clone()))
        .merge(dev::router(wired).layer(DefaultBodyLimit::disable()));
    app = match web_dist.filter(|d| d.join("index.html").is_file()) {
        Some(dist) => {
            let files = ServeDir::new(&dist).fallback(ServeFile::new(dist.join("index.html")));
            let pages = axum::middleware::from_fn_with_state(wired.state.clone(), no_portal_404);
            app.fallback_service(tower::ServiceBuilder::new().layer(pages).service(files))
        }
        None => app.route("/", axum::routing::get(status_page)),
    };
    app.layer(
        tower::ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, UlidRequestId))
            .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }))
            .layer(PropagateRequestIdLayer::new(REQUEST_ID)),
    )
}

/// A page asked for at a host that names no portal answers 404 (the app then says so, instead
/// of offering a sign-in that could never work). Scripts, styles and images are served as usual.
async fn no_portal_404(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let host = kt_http::auth::request_host(req.headers()).map(str::to_owned);
    let mut res = next.run(req).await;
    let is_page = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if is_page && res.status().is_success() {
        let unknown = match host {
            Some(h) => {
                matches!(kt_app::identity::tenancy::resolve_host(&state, &h).await, Err(kt_app::AppError::NotFound))
            }
            None => true,
        };
        if unknown {
            *res.status_mut() = axum::http::StatusCode::NOT_FOUND;
        }
    }
    res
}

async fn status_page() -> impl IntoResponse {
    Html(concat!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">",
        "<title>KT-Portal</title></head><body><main><h1>KT-Portal is running</h1>",
        "<p>The API, the WebSocket endpoint and the workers are up. The web app arrives with its own issue.</p><ul>",
        "<li><a href=\"/api/docs/\">API documentation</a> (<a href=\"/api/v1/openapi.json\">OpenAPI 3.1 document</a>)</li>",
        "<li><a href=\"/api/v1/health\">Health</a></li>",
        "<li><a href=\"/dev/mail\">Mail outbox</a></li>",
        "<li><a href=\"/dev/sms\">SMS outbox</a></li>",
        "<li>WebSocket: <code>/ws</code></li></ul></main></body></html>"
    ))
}

/// The background work: outbox relay, one dispatcher per queue, the SLA sweep and the expiry sweep. Runs
/// until `shutdown` changes.
pub fn spawn_workers(state: &AppState, shutdown: watch::Receiver<bool>) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = Vec::new();
    let relay = Relay::new(state.store.clone(), state.queue.clone());
    let wake = state.outbox_wake.clone();
    let mut stop = shutdown.clone();
    tasks.push(tokio::spawn(async move {
        loop {
            if let Err(e) = relay.relay_pending(100).await {
                tracing::warn!(error = %e, "outbox relay failed; will retry");
            }
            // A commit wakes the relay at once; the poll catches everything else.
            tokio::select! {
                _ = stop.changed() => break,
                _ = wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
        }
    }));
    let dispatchers = [kt_fn_events_worker::dispatcher(state), kt_fn_mail_worker::dispatcher(state)];
    for dispatcher in dispatchers {
        let queue = state.queue.clone();
        tasks.push(every(Duration::ZERO, shutdown.clone(), move || {
            let (dispatcher, queue) = (dispatcher.clone(), queue.clone());
            async move {
                if let Err(e) = dispatcher.poll_once(queue.as_ref(), Duration::from_secs(1)).await {
                    tracing::warn!(queue = dispatcher.queue_name(), error = %e, "queue poll failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }));
    }
    let sweeps = state.clone();
    tasks.push(every(Duration::from_secs(30), shutdown.clone(), move || {
        let state = sweeps.clone();
        async move {
            if let Err(e) = kt_fn_sweeps::run(&state).await {
                tracing::warn!(error = %e, "sweep failed; the next one retries");
            }
        }
    }));
    let store = state.store.clone();
    tasks.push(every(Duration::from_secs(60), shutdown, move || {
        let store = store.clone();
        async move {
            match store.sweep_expired().await {
                Ok(n) if n > 0 => tracing::debug!(swept = n, "expired items removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "sweep failed"),
            }
        }
    }));
    tasks
}

fn every<F, Fut>(period: Duration, mut shutdown: watch::Receiver<bool>, mut tick: F) -> tokio::task::JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = shutdown.changed() => break,
                _ = tick() => {}
            }
            tokio::select! {
                _ = shutdown.changed() => break,
                _ = tokio::time::sleep(period) => {}
            }
        }
    })
}

/// The local host's search index (`<data dir>/search`), which this process alone writes;
/// answers whether it started empty (new, or of an older layout) and must be rebuilt.
pub fn wire_search(state: &mut AppState, data_dir: &std::path::Path) -> anyhow::Result<bool> {
    let index = kt_fn_search::index::local(&data_dir.join("search")).map_err(|e| {
        anyhow::anyhow!("the search index in {} cannot be opened (is another portal running?): {e}", data_dir.display())
    })?;
    let created = index.created();
    state.search = index;
    Ok(created)
}

/// The search queue's consumer (the one writer of the index), and, when the index started
/// empty, its rebuild from the store.
pub fn spawn_indexer(
    state: &AppState,
    rebuild: bool,
    shutdown: watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = Vec::new();
    if rebuild {
        let state = state.clone();
        tasks.push(tokio::spawn(async move {
            match kt_app::search::reindex::rebuild(&state).await {
                Ok(r) => tracing::info!(documents = r.documents, seconds = r.seconds, "search index built"),
                Err(e) => tracing::warn!(error = %e, "search index build failed: run `portal search reindex`"),
            }
        }));
    }
    let dispatcher = kt_fn_search::indexer::dispatcher(state);
    let queue = state.queue.clone();
    tasks.push(every(Duration::ZERO, shutdown, move || {
        let (dispatcher, queue) = (dispatcher.clone(), queue.clone());
        async move {
            if let Err(e) = dispatcher.poll_once(queue.as_ref(), Duration::from_secs(1)).await {
                tracing::warn!(queue = dispatcher.queue_name(), error = %e, "queue poll failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }));
    tasks
}

/// Serves the whole portal on `port` until ctrl-c / SIGTERM.
pub async fn serve(
    settings: Settings,
    port: u16,
    web_dist: Option<PathBuf>,
    smtp_port: Option<u16>,
) -> anyhow::Result<()> {
    let mut wired = kt_app::wiring::wire(&settings).await.map_err(|e| anyhow::anyhow!("start-up failed: {e}"))?;
    if let Some(smtp) = smtp_port {
        let at = smtp::start(wired.state.clone(), smtp)?;
        tracing::info!(
            smtp = %format!("localhost:{}", at.port()),
            domain = %wired.state.config.mail_inbound_domain,
            "mail to <tenant>@{} is taken here",
            wired.state.config.mail_inbound_domain
        );
    }
    let rebuild = wire_search(&mut wired.state, &settings.data_dir)?;
    let (stop, stopped) = watch::channel(false);
    let mut workers = spawn_workers(&wired.state, stopped.clone());
    workers.extend(spawn_indexer(&wired.state, rebuild, stopped));
    let trusted = kt_http::client::TrustedProxies::from_env().map_err(|e| anyhow::anyhow!(e))?;
    let app = kt_http::client::layer(router(&wired, web_dist), trusted);
    let addr = SocketAddr::from(([0, 0, 0, 0], port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(
        url = %format!("http://localhost:{port}"),
        backend = ?settings.backend,
        data_dir = %settings.data_dir.display(),
        "KT-Portal is listening"
    );
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    let _ = stop.send(true);
    for w in workers {
        let _ = w.await;
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
