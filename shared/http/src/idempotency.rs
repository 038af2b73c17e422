//! `Idempotency-Key` for creates that move money or open tickets: the first request's response
//! is stored for 24 hours and replayed to retries with the same key and the same body; the same
//! key with a different body is refused; a retry while the first is running gets 409.

use std::future::Future;

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::{AppError, AppState};
use kt_store::{Cond, Item, Key};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::ApiError;

pub const HEADER: &str = "idempotency-key";
const TTL_SECS: i64 = 24 * 3600;
const LEASE_SECS: i64 = 60;

/// The key the client sent, if any; 400 when it is not 1-255 visible ASCII characters.
pub fn key_from(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(raw) = headers.get(HEADER) else {
        return Ok(None);
    };
    match raw.to_str() {
        Ok(k) if !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()) => Ok(Some(k.to_owned())),
        _ => Err(ApiError::bad_request(
            "Idempotency-Key must be 1 to 255 visible ASCII characters.",
            vec![kt_app::FieldError::new("Idempotency-Key", "is not a valid key")],
        )),
    }
}

/// Runs `create` at most once per (`scope`, `key`). `scope` starts with the tenant partition
/// (`T#<tenant>#USER#<id>`), so keys never collide across tenants or users. `body` is the
/// request body the key is bound to.
pub async fn run<F, Fut>(state: &AppState, scope: &str, key: Option<String>, body: &[u8], create: F) -> Response
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(StatusCode, Value), ApiError>>,
{
    let Some(key) = key else {
        return respond(create().await);
    };
    let fingerprint = hex::encode(Sha256::digest(body));
    let item_key = Key::new(format!("{scope}#IDEM#{}", hex::encode(Sha256::digest(key.as_bytes()))), "IDEM");
    let now = state.clock.now_unix();
    let claim = Item::new(item_key.clone(), obj(json!({"fingerprint": fingerprint, "state": "running"})))
        .with_expiry(now + LEASE_SECS);
    match state.store.put(claim, Cond::NotExists).await {
        Ok(()) => {}
        Err(e) if e.is_conflict() => return replay(state, &item_key, &fingerprint).await,
        Err(e) => return ApiError::from(e).into_response(),
    }
    let result = create().await;
    match &result {
        Ok((status, value)) => {
            let done = Item::new(
                item_key,
                obj(json!({"fingerprint": fingerprint, "state": "done", "status": status.as_u16(), "body": value})),
            )
            .with_expiry(state.clock.now_unix() + TTL_SECS);
            if let Err(e) = state.store.put(done, Cond::None).await {
                tracing::warn!(error = %e, "could not store idempotent response");
            }
        }
        // Failures are not remembered: the client may fix the cause and retry with the key.
        Err(_) => {
            let _ = state.store.delete(&item_key, Cond::None).await;
        }
    }
    respond(result)
}

async fn replay(state: &AppState, key: &Key, fingerprint: &str) -> Response {
    let stored = match state.store.get(key).await {
        Ok(Some(item)) => item,
        Ok(None) => {
            return ApiError::from(AppError::Conflict("retry the request".into())).into_response();
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    if stored.attrs.get("fingerprint").and_then(Value::as_str) != Some(fingerprint) {
        return ApiError::from(AppError::invalid("Idempotency-Key", "was used with a different request body"))
            .into_response();
    }
    if stored.attrs.get("state").and_then(Value::as_str) != Some("done") {
        return ApiError::from(AppError::Conflict(
            "a request with this Idempotency-Key is still being processed".into(),
        ))
        .into_response();
    }
    let status = stored
        .attrs
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| StatusCode::from_u16(s as u16).ok())
        .unwrap_or(StatusCode::OK);
    let body = stored.attrs.get("body").cloned().unwrap_or(Value::Null);
    let mut res = (status, axum::Json(body)).into_response();
    res.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    res
}

fn respond(result: Result<(StatusCode, Value), ApiError>) -> Response {
    match result {
        Ok((status, value)) => (status, axum::Json(value)).into_response(),
        Err(e) => e.into_response(),
    }
}

fn obj(v: Value) -> serde_json::Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}
