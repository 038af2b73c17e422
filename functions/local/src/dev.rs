//! Routes only the local host has: presigned blob URLs (`/blobs/<key>`, checked by the local
//! Blobs adapter, answering CORS for the portals' own origins as the S3 bucket does), the mail outbox (`/dev/mail`) and the SMS outbox (`/dev/sms`, JSON, newest
//! first: where a developer or an end-to-end test reads the code it was texted).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use kt_app::wiring::Wired;
use kt_http::ApiError;
use kt_platform::BlobError;
use kt_platform::blobs::{LocalBlobs, SignedParams};
use kt_platform::mailer::LocalMailer;
use kt_platform::sms::LocalSms;

#[derive(Clone)]
struct Dev {
    blobs: Option<LocalBlobs>,
    mailer: Option<LocalMailer>,
    sms: Option<LocalSms>,
    /// Portals live at this domain and its subdomains (`acme.localhost`).
    portal_domain: String,
}

pub fn router(wired: &Wired) -> Router {
    let dev = Dev {
        blobs: wired.local_blobs.clone(),
        mailer: wired.local_mailer.clone(),
        sms: wired.local_sms.clone(),
        portal_domain: wired.state.config.portal_domain.clone(),
    };
    let blobs = Router::new()
        .route("/blobs/{*key}", axum::routing::get(download).put(upload).options(preflight))
        .layer(axum::middleware::from_fn_with_state(dev.clone(), cors));
    Router::new()
        .merge(blobs)
        .route("/dev/mail", axum::routing::get(mail_list))
        .route("/dev/mail/{id}", axum::routing::get(mail_raw))
        .route("/dev/sms", axum::routing::get(sms_list))
        .with_state(dev)
}

/// The request's `Origin` when it is one of the portals (the domain or a subdomain of it, any
/// port): presigned URLs may be used from a portal's pages, like the bucket's CORS rules allow.
fn portal_origin(dev: &Dev, headers: &HeaderMap) -> Option<HeaderValue> {
    let origin = headers.get(header::ORIGIN)?;
    let url = url::Url::parse(origin.to_str().ok()?).ok()?;
    let host = url.host_str()?;
    let domain = dev.portal_domain.as_str();
    let ours = host == domain || host.strip_suffix(domain).is_some_and(|rest| rest.ends_with('.'));
    ours.then(|| origin.clone())
}

async fn cors(State(dev): State<Dev>, req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let origin = portal_origin(&dev, req.headers());
    let mut res = next.run(req).await;
    if let Some(o) = origin {
        let h = res.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
        h.insert(header::VARY, HeaderValue::from_static("origin"));
    }
    res
}

/// The browser's pre-check before a cross-origin PUT of an upload.
async fn preflight(State(dev): State<Dev>, headers: HeaderMap) -> Response {
    if portal_origin(&dev, &headers).is_none() {
        return StatusCode::FORBIDDEN.into_response();
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    let h = res.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, PUT"));
    h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("content-type, content-length"));
    h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    res
}

async fn sms_list(State(dev): State<Dev>) -> Response {
    let Some(sms) = dev.sms else {
        return ApiError::not_found().into_response();
    };
    match sms.list().await {
        Ok(list) => axum::Json(list).into_response(),
        Err(e) => ApiError::from(kt_app::AppError::Unavailable(e.to_string())).into_response(),
    }
}

fn blob_problem(e: BlobError) -> Response {
    let (status, slug, title) = match &e {
        BlobError::NotFound => (StatusCode::NOT_FOUND, "not-found", "Not found"),
        BlobError::Expired => (StatusCode::FORBIDDEN, "link-expired", "The link has expired"),
        BlobError::BadSignature => (StatusCode::FORBIDDEN, "bad-signature", "The link is not valid"),
        BlobError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "too-large", "The file is too large"),
        BlobError::Mismatch(_) | BlobError::BadKey(_) => {
            (StatusCode::BAD_REQUEST, "bad-upload", "The upload does not match its link")
        }
        BlobError::Unavailable(_) => {
            tracing::error!(error = %e, "blob storage failed");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Temporarily unavailable")
        }
    };
    let detail = matches!(e, BlobError::Mismatch(_) | BlobError::TooLarge { .. }).then(|| e.to_string());
    ApiError::new(status, slug, title, detail).into_response()
}

async fn upload(
    State(dev): State<Dev>,
    Path(key): Path<String>,
    Query(params): Query<SignedParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(blobs) = dev.blobs else {
        return ApiError::not_found().into_response();
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    match blobs.accept_upload(&key, &params, content_type, body).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => blob_problem(e),
    }
}

async fn download(State(dev): State<Dev>, Path(key): Path<String>, Query(params): Query<SignedParams>) -> Response {
    let Some(blobs) = dev.blobs else {
        return ApiError::not_found().into_response();
    };
    match blobs.serve_download(&key, &params).await {
        Ok((blob, disposition)) => {
            let mut res = blob.bytes.into_response();
            let h = res.headers_mut();
            if let Ok(ct) = HeaderValue::from_str(&blob.content_type) {
                h.insert(header::CONTENT_TYPE, ct);
            }
            if let Some(d) = disposition.and_then(|d| HeaderValue::from_str(&d).ok()) {
                h.insert(header::CONTENT_DISPOSITION, d);
            }
            h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            res
        }
        Err(e) => blob_problem(e),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn mail_list(State(dev): State<Dev>) -> Response {
    let Some(mailer) = dev.mailer else {
        return ApiError::not_found().into_response();
    };
    let entries = match mailer.list().await {
        Ok(e) => e,
        Err(e) => {
            return ApiError::from(kt_app::AppError::Unavailable(e.to_string())).into_response();
        }
    };
    let rows: String = entries
        .iter()
        .map(|e| {
            format!(
                "<li><a href=\"/dev/mail/{id}\">{subject}</a> to {to} <small>({id})</small></li>",
                id = escape(&e.id),
                subject = escape(&e.subject),
                to = escape(&e.to.join(", "))
            )
        })
        .collect();
    let empty = if entries.is_empty() { "<p>No mail sent yet.</p>" } else { "" };
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Mail outbox</title></head>\
         <body><main><h1>Mail outbox</h1>{empty}<ul>{rows}</ul></main></body></html>"
    ))
    .into_response()
}

async fn mail_raw(State(dev): State<Dev>, Path(id): Path<String>) -> Response {
    let Some(mailer) = dev.mailer else {
        return ApiError::not_found().into_response();
    };
    match mailer.read(&id).await {
        Ok(Some(raw)) => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], raw).into_response(),
        Ok(None) => ApiError::not_found().into_response(),
        Err(e) => ApiError::from(kt_app::AppError::Unavailable(e.to_string())).into_response(),
    }
}
