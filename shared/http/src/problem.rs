//! RFC 9457 problem details. Every error the API returns has this shape, with `errors` naming
//! the fields at fault; internal causes are logged with the request, never sent.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kt_app::{AppError, FieldError, Refusal};
use serde::Serialize;
use utoipa::ToSchema;

pub const CONTENT_TYPE: &str = "application/problem+json";

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The fields at fault, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<ProblemField>)]
    pub errors: Vec<FieldError>,
    /// For `wrong-code`: how many more codes this sign-in accepts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tries_left: Option<u32>,
}

/// One field at fault.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub message: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    /// Boxed: errors travel through every `Result` of every handler and should stay small.
    pub problem: Box<Problem>,
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: Option<String>) -> Self {
        Self {
            status,
            problem: Box::new(Problem {
                kind: format!("https://kt-portal.dev/problems/{slug}"),
                title: title.to_owned(),
                status: status.as_u16(),
                detail,
                errors: vec![],
                tries_left: None,
            }),
            retry_after: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>, errors: Vec<FieldError>) -> Self {
        let mut e =
            Self::new(StatusCode::BAD_REQUEST, "bad-request", "The request could not be read", Some(detail.into()));
        e.problem.errors = errors;
        e
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found", None)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => Self::not_found(),
            AppError::Forbidden => Self::new(StatusCode::FORBIDDEN, "forbidden", "You may not do this", None),
            AppError::Unauthenticated => Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "Sign in first", None),
            AppError::SignInRefused(why) => {
                let (slug, title, detail) = match why {
                    Refusal::WrongCredentials => (
                        "wrong-credentials",
                        "That email and password don't match",
                        "Check both and try again, or reset the password.".to_owned(),
                    ),
                    Refusal::WrongCode { tries_left: 0 } => (
                        "wrong-code",
                        "That code is not right",
                        "That was the last try for this sign-in: start again.".to_owned(),
                    ),
                    Refusal::WrongCode { tries_left } => (
                        "wrong-code",
                        "That code is not right",
                        format!("{tries_left} {} left.", if tries_left == 1 { "try" } else { "tries" }),
                    ),
                    Refusal::Expired => (
                        "sign-in-expired",
                        "This sign-in has ended",
                        "It expired or was used up: start again with your email and password.".to_owned(),
                    ),
                };
                let mut e = Self::new(StatusCode::UNAUTHORIZED, slug, title, Some(detail));
                if let Refusal::WrongCode { tries_left } = why {
                    e.problem.tries_left = Some(tries_left);
                }
                e
            }
            AppError::Invalid(errors) => {
                let mut e = Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    "Some fields are not valid",
                    Some(errors.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")),
                );
                e.problem.errors = errors;
                e
            }
            AppError::PreconditionFailed => Self::new(
                StatusCode::PRECONDITION_FAILED,
                "precondition-failed",
                "It changed since you read it",
                Some("Reload and apply your change again.".into()),
            ),
            AppError::Conflict(detail) => Self::new(StatusCode::CONFLICT, "conflict", "Conflict", Some(detail)),
            AppError::RateLimited { retry_after_secs } => {
                let mut e = Self::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", "Too many requests", None);
                e.retry_after = Some(retry_after_secs);
                e
            }
            AppError::Unavailable(detail) => {
                tracing::error!(%detail, "dependency unavailable");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Temporarily unavailable", None)
            }
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side", None)
            }
        }
    }
}

impl From<kt_store::StoreError> for ApiError {
    fn from(e: kt_store::StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem).unwrap_or_default();
        let mut res = (self.status, body).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// The router's bare 405 as a problem (the router adds `Allow` after this layer); every
/// function's router and the local host map their answers through it.
pub async fn method_not_allowed(res: axum::response::Response) -> axum::response::Response {
    if res.status() != StatusCode::METHOD_NOT_ALLOWED || res.headers().contains_key(header::CONTENT_TYPE) {
        return res;
    }
    let detail = "Use one of the methods the Allow header names.".to_owned();
    let mut out = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "This address does not take that method",
        Some(detail),
    )
    .into_response();
    if let Some(a) = res.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, a.clone());
    }
    out
}
