//! ETags carry item versions; `If-Match` turns a lost update into 412.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use kt_app::AppError;

/// The ETag of an item at `version`.
pub fn etag(version: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

/// `body` with the ETag of `version`.
pub fn with_etag(version: u64, body: impl IntoResponse) -> Response {
    let mut res = body.into_response();
    res.headers_mut().insert(header::ETAG, etag(version));
    res
}

/// The version an `If-Match` header names: `None` when absent, 412 when unreadable (a
/// client that sends a precondition must not have it silently ignored).
pub fn if_match(headers: &HeaderMap) -> Result<Option<u64>, AppError> {
    let Some(raw) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = raw.to_str().map_err(|_| AppError::PreconditionFailed)?.trim();
    let unquoted = text.trim_start_matches("W/").trim_matches('"');
    unquoted.parse::<u64>().map(Some).map_err(|_| AppError::PreconditionFailed)
}

/// Checks an `If-Match` version against the current one.
pub fn check(expected: Option<u64>, current: u64) -> Result<(), AppError> {
    match expected {
        Some(v) if v != current => Err(AppError::PreconditionFailed),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_versions() {
        let mut h = HeaderMap::new();
        assert_eq!(if_match(&h).unwrap(), None);
        h.insert(header::IF_MATCH, etag(7));
        assert_eq!(if_match(&h).unwrap(), Some(7));
        h.insert(header::IF_MATCH, HeaderValue::from_static("W/\"8\""));
        assert_eq!(if_match(&h).unwrap(), Some(8));
        h.insert(header::IF_MATCH, HeaderValue::from_static("\"abc\""));
        assert!(matches!(if_match(&h), Err(AppError::PreconditionFailed)));
        assert!(check(Some(3), 4).is_err());
        assert!(check(Some(4), 4).is_ok());
        assert!(check(None, 4).is_ok());
    }
}
