//! `Idempotency-Key` for creates that move money or open tickets: the key is recorded in the
//! create's own transaction with the resource it made (for 24 hours), so a retry with the same
//! key and body gets that resource again (`Idempotent-Replayed: true`) whenever the first
//! attempt stopped; the same key with another body is refused (422).

use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use kt_app::idempotency::Guard;

use crate::ApiError;

pub const HEADER: &str = "idempotency-key";
/// Set on an answer given again for a key already used.
pub const REPLAYED: &str = "idempotent-replayed";

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

/// The guard a create commits with its resource (see [`kt_app::idempotency`]), when the client
/// sent a key.
pub fn guard(scope: &str, key: Option<&str>, body: &[u8]) -> Option<Guard> {
    key.map(|k| Guard::new(scope, k, body))
}

/// Marks an answer given again for a key already used.
pub fn mark_replayed(res: &mut Response) {
    res.headers_mut().insert(REPLAYED, HeaderValue::from_static("true"));
}
