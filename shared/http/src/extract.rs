//! Extractors whose rejections are problem+json with the field at fault.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use kt_app::FieldError;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// `Json<T>` whose errors say which field was wrong (`serde_path_to_error`-style paths from
/// serde_json's own messages).
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_problem(rejection)),
        }
    }
}

/// Parses a JSON body already read as bytes (for handlers that also need the raw body, such
/// as idempotent creates), with the same field errors as [`ApiJson`].
pub fn from_json_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    axum::Json::<T>::from_bytes(bytes).map(|axum::Json(v)| v).map_err(json_problem)
}

fn json_problem(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonDataError(e) => {
            // serde reports e.g. "subject: missing field `subject` at line 1 column 2" or
            // "priority: unknown variant ..."; the text before ': ' is the path.
            let text = std::error::Error::source(&e).map(|s| s.to_string()).unwrap_or_else(|| e.body_text());
            let (field, message) = match text.split_once(": ") {
                Some((path, msg)) if !path.contains(' ') => (path.to_owned(), msg.to_owned()),
                _ => (
                    missing_field(&text)
                        .or_else(|| quoted_after(&text, "unknown field `"))
                        .unwrap_or_else(|| "body".to_owned()),
                    text.clone(),
                ),
            };
            let mut err = ApiError::bad_request(
                "The body does not match the expected shape.",
                vec![FieldError::new(field, message)],
            );
            err.status = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            err.problem.status = 422;
            err
        }
        JsonRejection::JsonSyntaxError(e) => {
            ApiError::bad_request("The body is not valid JSON.", vec![FieldError::new("body", e.body_text())])
        }
        JsonRejection::MissingJsonContentType(_) => ApiError::bad_request(
            "Send the body as JSON.",
            vec![FieldError::new("content-type", "must be application/json")],
        ),
        other => ApiError::bad_request(other.body_text(), vec![]),
    }
}

fn missing_field(text: &str) -> Option<String> {
    quoted_after(text, "missing field `")
}

fn quoted_after(text: &str, marker: &str) -> Option<String> {
    let rest = text.split(marker).nth(1)?;
    rest.split('`').next().map(str::to_owned)
}

/// `Query<T>` whose errors are problem+json 400 naming the parameter at fault: an unreadable
/// value (`?limit=abc`), a repeated single-valued parameter, a missing required one, and, for
/// query types declared with `#[serde(deny_unknown_fields)]`, a misspelt one.
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or_default()).map(ApiQuery)
    }
}

/// Reads a query string as `T`, with [`ApiQuery`]'s errors.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let text = e.into_inner().to_string();
        let field = match path.as_str() {
            "." | "" => quoted_after(&text, "unknown field `")
                .or_else(|| missing_field(&text))
                .or_else(|| quoted_after(&text, "duplicate field `"))
                .unwrap_or_else(|| "query".to_owned()),
            _ => path,
        };
        ApiError::bad_request(
            "The query string does not match the expected parameters.",
            vec![FieldError::new(field, text)],
        )
    })
}

/// For `Option` fields of a change that may be left out but not set to `null` (use with
/// `#[serde(default, deserialize_with = "non_null")]`): `null` is an error naming the field.
pub fn non_null<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::Deserialize;
    use serde::de::Error;
    Option::<T>::deserialize(d)?
        .map(Some)
        .ok_or_else(|| D::Error::custom("must not be null (leave the field out to keep it)"))
}

/// For fields where `null` means something (unassign): absent is `None`, `null` is
/// `Some(None)` (use with `#[serde(default, deserialize_with = "double_option")]`).
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Option::<T>::deserialize(d).map(Some)
}

/// `Path<T>` whose rejection is problem+json 400 naming the path (a segment that is not UTF-8
/// once percent-decoded, or a value of the wrong type).
pub struct ApiPath<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(rejection) => Err(ApiError::bad_request(
                "The path could not be read.",
                vec![FieldError::new("path", rejection.body_text())],
            )),
        }
    }
}

/// The query of a route that takes no parameters: it refuses any (a misspelt filter is not
/// ignored), with `ApiQuery<NoParams>`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}
