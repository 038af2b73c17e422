//! Filling a form: its current version to fill, a view counted, the person's draft saved and
//! resumed (on any device), the submission.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::forms::fill as uc;
use kt_app::{AppError, AppState};
use kt_domain::forms::{Document, Draft, Submission};
use kt_http::ApiPath as Path;
use kt_http::auth::Auth;
use kt_http::etag::{self, with_etag};
use kt_http::extract::from_json_bytes;
use kt_http::input::Id;
use kt_http::{ApiError, ApiJson, Problem, idempotency};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{FormView, editor_view};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(form_to_fill))
        .routes(routes!(count_form_view))
        .routes(routes!(get_form_draft, save_form_draft, discard_form_draft))
        .routes(routes!(submit_form))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DraftView {
    pub version: u32,
    pub page: String,
    #[schema(value_type = Object)]
    pub answers: Map<String, Value>,
    pub updated_at: String,
}

fn draft_view(d: &Draft) -> DraftView {
    DraftView {
        version: d.version,
        page: d.page.clone(),
        answers: d.answers.clone(),
        updated_at: kt_domain::timestamp(d.updated_at),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FillView {
    pub form: FormView,
    /// The version to answer (none: not published).
    pub version: Option<u32>,
    /// Its pages, fields and rules.
    #[schema(value_type = Option<Object>)]
    pub document: Option<Document>,
    /// Your answers so far, if you saved any.
    pub draft: Option<DraftView>,
}

/// A form to fill: its current version and your draft. A form not open says why in
/// `form.availability`.
#[utoipa::path(get, path = "/api/v1/forms/{form_id}/fill", tag = "forms", params(("form_id" = String, Path)),
    responses((status = 200, body = FillView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn form_to_fill(
    State(app): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<FillView>, ApiError> {
    let (f, document, _) = uc::current(&app, &auth.actor, &id).await?;
    let draft = match uc::draft(&app, &auth.actor, &id).await {
        Ok(d) => Some(draft_view(&d.value)),
        Err(AppError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let form = FormView { document: None, ..editor_view(&app, &auth, &f.value) };
    Ok(Json(FillView { form, version: f.value.published, document, draft }))
}

/// Counts a view of the form (its page opened to fill), for its analytics.
#[utoipa::path(post, path = "/api/v1/forms/{form_id}/views", tag = "forms", params(("form_id" = String, Path)),
    responses((status = 204, description = "Counted"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The form is not open", body = Problem, content_type = "application/problem+json")))]
async fn count_form_view(
    State(app): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    uc::view(&app, &auth.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Your answers so far.
#[utoipa::path(get, path = "/api/v1/forms/{form_id}/draft", tag = "forms", params(("form_id" = String, Path)),
    responses((status = 200, body = DraftView, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_form_draft(State(app): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Response, ApiError> {
    let d = uc::draft(&app, &auth.actor, &id).await?;
    Ok(with_etag(d.version, Json(draft_view(&d.value))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftRequest {
    /// The page you are on (its key).
    pub page: Id,
    /// Answers by field key, as far as given.
    #[schema(value_type = Object)]
    pub answers: Map<String, Value>,
}

/// Saves your answers so far and the page you are on, to go on later on any device.
#[utoipa::path(put, path = "/api/v1/forms/{form_id}/draft", tag = "forms", request_body = DraftRequest,
    params(("form_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if another device saved since")),
    responses((status = 200, body = DraftView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The form is not open", body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn save_form_draft(
    State(app): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<DraftRequest>,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(&headers)?;
    let d = uc::save_draft(&app, &auth.actor, &id, &req.page, req.answers, expected).await?;
    Ok(with_etag(d.version, Json(draft_view(&d.value))))
}

/// Throws your draft away.
#[utoipa::path(delete, path = "/api/v1/forms/{form_id}/draft", tag = "forms", params(("form_id" = String, Path)),
    responses((status = 204, description = "Gone"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn discard_form_draft(
    State(app): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    uc::discard_draft(&app, &auth.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    /// Answers by field key. Hidden fields' answers are dropped and calculated values
    /// recomputed by the server.
    #[schema(value_type = Object)]
    pub answers: Map<String, Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionView {
    pub id: String,
    pub form_id: String,
    /// The version answered.
    pub version: u32,
    pub tenant_id: String,
    pub submitted_by: String,
    /// Who submitted it, when you may read others' submissions.
    pub submitter: Option<SubmitterView>,
    pub org_id: Option<String>,
    /// The answers kept (visible fields) and the calculated values (decimal strings).
    #[schema(value_type = Object)]
    pub values: Map<String, Value>,
    /// The pages visited.
    pub path: Vec<String>,
    pub submitted_at: String,
    /// The files it carries (in the answer of one submission; empty in lists).
    pub files: Vec<super::files::FormFileView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitterView {
    pub name: String,
    pub email: String,
}

pub(super) fn submission_view(s: &Submission, submitter: Option<(String, String)>) -> SubmissionView {
    SubmissionView {
        id: s.id.clone(),
        form_id: s.form.clone(),
        version: s.version,
        tenant_id: s.tenant.to_string(),
        submitted_by: s.by.to_string(),
        submitter: submitter.map(|(name, email)| SubmitterView { name, email }),
        org_id: s.org.as_ref().map(ToString::to_string),
        values: s.values.clone(),
        path: s.path.clone(),
        submitted_at: kt_domain::timestamp(s.at),
        files: Vec::new(),
    }
}

/// Submits answers to the form's current version. The server evaluates the form itself: each
/// field's error is named `answers.<key>`. A retry with the same `Idempotency-Key` and body
/// gets the submission the first attempt made.
#[utoipa::path(post, path = "/api/v1/forms/{form_id}/submissions", tag = "forms", request_body = SubmitRequest,
    params(("form_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = SubmissionView, description = "Submitted (with `Idempotent-Replayed: true`: by an earlier request with the same key)"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not open, or its limits reached", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn submit_form(
    State(app): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let made = async {
        let key = idempotency::key_from(&headers)?;
        let scope = format!("T#{}#USER#{}#FORMSUBS", auth.actor.tenant, auth.actor.user);
        let guard = idempotency::guard(&scope, key.as_deref(), &body);
        let req = match from_json_bytes::<SubmitRequest>(&body) {
            Ok(r) => r,
            // A form out of sight is not found, whatever the body.
            Err(e) => {
                kt_app::forms::load(&app, &auth.actor, &id).await?;
                return Err(e);
            }
        };
        Ok::<_, ApiError>(uc::submit(&app, &auth.actor, &id, req.answers, guard.as_ref()).await?)
    };
    match made.await {
        Ok((s, replayed)) => {
            let mut res = (StatusCode::CREATED, Json(submission_view(&s, None))).into_response();
            if replayed {
                idempotency::mark_replayed(&mut res);
            }
            res
        }
        Err(e) => e.into_response(),
    }
}
