//! A Lambda Runtime API (the HTTP interface the `bootstrap` of a `provided.al2023` function
//! polls): `invocation/next` hands out one event at a time, `invocation/{id}/response` and
//! `/error` answer it, `init/error` reports a failed start. Enough of the real one to run a
//! function binary exactly as Lambda runs it, one invocation at a time.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use kt_http::ApiPath as Path;
use serde_json::Value;
use tokio::sync::{Mutex as AsyncMutex, mpsc, oneshot};

/// What the function answered for one invocation.
#[derive(Debug)]
pub enum Answer {
    Response(Value),
    Error(Value),
}

struct Pending {
    id: String,
    event: Value,
    reply: oneshot::Sender<Answer>,
}

struct Shared {
    next: AsyncMutex<mpsc::Receiver<Pending>>,
    in_flight: Mutex<HashMap<String, oneshot::Sender<Answer>>>,
    first_poll: Mutex<Option<Instant>>,
    init_error: Mutex<Option<Value>>,
    function_arn: String,
}

pub struct RuntimeApi {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    send: mpsc::Sender<Pending>,
    counter: Mutex<u64>,
}

impl RuntimeApi {
    pub async fn start(function_name: &str) -> Self {
        let (send, next) = mpsc::channel(1);
        let shared = Arc::new(Shared {
            next: AsyncMutex::new(next),
            in_flight: Mutex::new(HashMap::new()),
            first_poll: Mutex::new(None),
            init_error: Mutex::new(None),
            function_arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{function_name}"),
        });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next_invocation))
            .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind runtime api");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { addr, shared, send, counter: Mutex::new(0) }
    }

    /// When the function first asked for an invocation (its init is over).
    pub fn first_poll(&self) -> Option<Instant> {
        *self.shared.first_poll.lock().expect("lock")
    }

    pub fn init_error(&self) -> Option<Value> {
        self.shared.init_error.lock().expect("lock").clone()
    }

    /// Waits until the function polls for its first invocation, or `timeout` passes.
    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        let until = Instant::now() + timeout;
        while Instant::now() < until {
            if self.first_poll().is_some() {
                return true;
            }
            if self.init_error().is_some() {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        false
    }

    /// Invokes the function with `event` and waits (up to `timeout`) for its answer.
    pub async fn invoke(&self, event: Value, timeout: Duration) -> Result<Answer, String> {
        let id = {
            let mut n = self.counter.lock().expect("lock");
            *n += 1;
            format!("00000000-0000-4000-8000-{:012}", *n)
        };
        let (reply, answer) = oneshot::channel();
        self.send.send(Pending { id, event, reply }).await.map_err(|_| "runtime api closed".to_owned())?;
        match tokio::time::timeout(timeout, answer).await {
            Ok(Ok(a)) => Ok(a),
            Ok(Err(_)) => Err("the invocation was dropped".into()),
            Err(_) => Err(format!("no answer within {timeout:?}")),
        }
    }
}

async fn next_invocation(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    shared.first_poll.lock().expect("lock").get_or_insert_with(Instant::now);
    let pending = shared.next.lock().await.recv().await;
    let Some(Pending { id, event, reply }) = pending else {
        return (StatusCode::GONE, HeaderMap::new(), Vec::new());
    };
    shared.in_flight.lock().expect("lock").insert(id.clone(), reply);
    let deadline = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() + 30_000)
        .unwrap_or_default();
    let mut headers = HeaderMap::new();
    let h = |v: &str| HeaderValue::from_str(v).expect("header value");
    headers.insert("lambda-runtime-aws-request-id", h(&id));
    headers.insert("lambda-runtime-deadline-ms", h(&deadline.to_string()));
    headers.insert("lambda-runtime-invoked-function-arn", h(&shared.function_arn));
    headers.insert(
        "lambda-runtime-trace-id",
        h("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"),
    );
    headers.insert("content-type", h("application/json"));
    (StatusCode::OK, headers, serde_json::to_vec(&event).unwrap_or_default())
}

fn finish(shared: &Shared, id: &str, answer: Answer) -> StatusCode {
    match shared.in_flight.lock().expect("lock").remove(id) {
        Some(reply) => {
            let _ = reply.send(answer);
            StatusCode::ACCEPTED
        }
        None => StatusCode::BAD_REQUEST,
    }
}

fn json_or_text(body: &Bytes) -> Value {
    serde_json::from_slice(body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
}

async fn response(State(shared): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    finish(&shared, &id, Answer::Response(json_or_text(&body)))
}

async fn error(State(shared): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    finish(&shared, &id, Answer::Error(json_or_text(&body)))
}

async fn init_error(State(shared): State<Arc<Shared>>, body: Bytes) -> StatusCode {
    *shared.init_error.lock().expect("lock") = Some(json_or_text(&body));
    StatusCode::ACCEPTED
}
