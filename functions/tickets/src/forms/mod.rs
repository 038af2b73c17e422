//! Form routes: super admins and staff write forms (a draft, published as frozen versions,
//! templates, clones); everyone signed in fills the published ones ([`fill`]); the house and
//! partners read what was submitted ([`results`]).

mod files;
mod fill;
mod results;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::forms::{self as uc, FormInput};
use kt_app::{AppError, AppState};
use kt_domain::forms::{Availability, Document, Form, Settings};
use kt_http::ApiPath as Path;
use kt_http::auth::Auth;
use kt_http::etag::{self, with_etag};
use kt_http::extract::from_json_bytes;
use kt_http::input::{Cursor, LongText, Name, Short, rfc3339};
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem, idempotency};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_forms, create_form))
        .routes(routes!(get_form, update_form, archive_form))
        .routes(routes!(publish_form))
        .routes(routes!(clone_form))
        .routes(routes!(form_version))
        .merge(files::router())
        .merge(fill::router())
        .merge(results::router())
}

/// Limits and schedule of a form; each optional.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormSettings {
    /// Most submissions in all.
    pub max_submissions: Option<u32>,
    /// Most submissions per person.
    pub max_per_person: Option<u32>,
    /// RFC 3339: not open before.
    pub opens_at: Option<Short>,
    /// RFC 3339: closed from.
    pub closes_at: Option<Short>,
}

fn settings_from(s: FormSettings) -> Result<Settings, AppError> {
    Ok(Settings {
        max_submissions: s.max_submissions,
        max_per_person: s.max_per_person,
        opens_at: rfc3339(s.opens_at.as_deref(), "settings.opens_at")?,
        closes_at: rfc3339(s.closes_at.as_deref(), "settings.closes_at")?,
    })
}

fn settings_view(s: &Settings) -> FormSettings {
    let at = |t: Option<OffsetDateTime>| t.map(|t| Short::from(kt_domain::timestamp(t)));
    FormSettings {
        max_submissions: s.max_submissions,
        max_per_person: s.max_per_person,
        opens_at: at(s.opens_at),
        closes_at: at(s.closes_at),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormView {
    pub id: String,
    pub name: String,
    pub description: String,
    /// The draft being edited: pages of fields and the rules (editors only).
    #[schema(value_type = Option<Object>)]
    pub document: Option<Document>,
    /// The latest version published (none: nobody can fill it yet).
    pub published_version: Option<u32>,
    pub template: bool,
    pub settings: FormSettings,
    pub archived: bool,
    /// Whether it takes submissions now.
    #[schema(schema_with = kt_http::input::words::form_availability)]
    pub availability: Availability,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: Option<String>,
}

fn view(f: &Form, editing: bool, now: OffsetDateTime) -> FormView {
    FormView {
        id: f.id.clone(),
        name: f.name.clone(),
        description: f.description.clone(),
        document: editing.then(|| f.draft.clone()),
        published_version: f.published,
        template: f.template,
        settings: settings_view(&f.settings),
        archived: f.archived,
        availability: f.availability(now),
        created_by: f.created_by.to_string(),
        created_at: kt_domain::timestamp(f.created_at),
        updated_at: f.updated_at.map(kt_domain::timestamp),
    }
}

fn editor_view(app: &AppState, auth: &Auth, f: &Form) -> FormView {
    view(f, kt_domain::forms::may_edit(&auth.actor), app.clock.now())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormRequest {
    /// 1 to 120 characters on one line.
    pub name: Name,
    #[serde(default)]
    pub description: Option<LongText>,
    /// Pages of fields (28 types) and rules: see the form vectors for the shape.
    #[schema(value_type = Object)]
    pub document: Document,
    #[serde(default)]
    pub settings: Option<FormSettings>,
    /// Offered as a starting point for new forms.
    #[serde(default)]
    pub template: Option<bool>,
}

fn input(req: FormRequest) -> Result<FormInput, AppError> {
    Ok(FormInput {
        name: req.name.into(),
        description: req.description.map(Into::into).unwrap_or_default(),
        document: req.document,
        settings: settings_from(req.settings.unwrap_or_default())?,
        template: req.template.unwrap_or(false),
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FormPage {
    /// Only templates.
    pub templates: Option<bool>,
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Cursor>,
}

/// Forms, oldest first: editors (super admins, staff) see every one with its draft; everyone
/// else the published ones.
#[utoipa::path(get, path = "/api/v1/forms", tag = "forms", params(FormPage),
    responses((status = 200, body = Paginated<FormView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_forms(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<FormPage>,
) -> Result<Json<Paginated<FormView>>, ApiError> {
    let page = PageParams { limit: q.limit, cursor: q.cursor };
    let (items, next_cursor) =
        uc::list(&app, &auth.actor, q.templates.unwrap_or(false), page.limit()?, page.cursor()).await?;
    Ok(Json(Paginated { items: items.iter().map(|f| editor_view(&app, &auth, &f.value)).collect(), next_cursor }))
}

/// Makes a form (super admins and staff): a draft, published when ready. A retry with the same
/// `Idempotency-Key` and body gets the form the first attempt made.
#[utoipa::path(post, path = "/api/v1/forms", tag = "forms", request_body = FormRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = FormView, headers(("ETag" = String)), description = "Made (with `Idempotent-Replayed: true`: by an earlier request with the same key)"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (`document.pages[0].fields[2].pattern`, ...), or the key was used with another body", body = Problem, content_type = "application/problem+json")))]
async fn create_form(State(app): State<AppState>, auth: Auth, headers: HeaderMap, body: Bytes) -> Response {
    let made = async {
        let key = idempotency::key_from(&headers)?;
        if !kt_domain::forms::may_edit(&auth.actor) {
            return Err(ApiError::from(AppError::Forbidden));
        }
        let scope = format!("T#{}#USER#{}#FORMS", auth.actor.tenant, auth.actor.user);
        let guard = idempotency::guard(&scope, key.as_deref(), &body);
        let req = input(from_json_bytes::<FormRequest>(&body)?)?;
        Ok::<_, ApiError>(uc::create(&app, &auth.actor, req, guard.as_ref()).await?)
    };
    match made.await {
        Ok((f, replayed)) => {
            let mut res = with_etag(f.version, (StatusCode::CREATED, Json(editor_view(&app, &auth, &f.value))));
            if replayed {
                idempotency::mark_replayed(&mut res);
            }
            res
        }
        Err(e) => e.into_response(),
    }
}

/// One form: editors get its draft document too.
#[utoipa::path(get, path = "/api/v1/forms/{form_id}", tag = "forms", params(("form_id" = String, Path)),
    responses((status = 200, body = FormView, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_form(State(app): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Response, ApiError> {
    let f = uc::load(&app, &auth.actor, &id).await?;
    Ok(with_etag(f.version, Json(editor_view(&app, &auth, &f.value))))
}

/// Rewrites a form's name, settings and draft (what is published stays until published again).
#[utoipa::path(put, path = "/api/v1/forms/{form_id}", tag = "forms", request_body = FormRequest,
    params(("form_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if it changed since")),
    responses((status = 200, body = FormView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_form(
    State(app): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<FormRequest>,
) -> Result<Response, ApiError> {
    if !kt_domain::forms::may_edit(&auth.actor) {
        uc::load(&app, &auth.actor, &id).await?;
        return Err(AppError::Forbidden.into());
    }
    let expected = etag::if_match(&headers)?;
    let f = uc::update(&app, &auth.actor, &id, input(req)?, expected).await?;
    Ok(with_etag(f.version, Json(editor_view(&app, &auth, &f.value))))
}

/// Archives a form: closed to new submissions, kept with what it gathered.
#[utoipa::path(delete, path = "/api/v1/forms/{form_id}", tag = "forms", params(("form_id" = String, Path)),
    responses((status = 204, description = "Archived"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json")))]
async fn archive_form(State(app): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if !kt_domain::forms::may_edit(&auth.actor) {
        uc::load(&app, &auth.actor, &id).await?;
    }
    uc::archive(&app, &auth.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publishes the draft as the next version: submissions from now on answer it.
#[utoipa::path(post, path = "/api/v1/forms/{form_id}/publish", tag = "forms",
    params(("form_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if it changed since")),
    responses((status = 200, body = FormView, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn publish_form(
    State(app): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !kt_domain::forms::may_edit(&auth.actor) {
        uc::load(&app, &auth.actor, &id).await?;
    }
    let expected = etag::if_match(&headers)?;
    let f = uc::publish(&app, &auth.actor, &id, expected).await?;
    Ok(with_etag(f.version, Json(editor_view(&app, &auth, &f.value))))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloneRequest {
    /// The copy's name (default "Copy of …").
    pub name: Option<Name>,
}

/// Copies a form or template (its draft, name and settings) into a new unpublished form.
#[utoipa::path(post, path = "/api/v1/forms/{form_id}/clone", tag = "forms", request_body = CloneRequest,
    params(("form_id" = String, Path)),
    responses((status = 201, body = FormView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn clone_form(
    State(app): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CloneRequest>,
) -> Result<Response, ApiError> {
    if !kt_domain::forms::may_edit(&auth.actor) {
        uc::load(&app, &auth.actor, &id).await?;
    }
    let f = uc::clone(&app, &auth.actor, &id, req.name.map(Into::into)).await?;
    Ok(with_etag(f.version, (StatusCode::CREATED, Json(editor_view(&app, &auth, &f.value)))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormVersionView {
    pub form_id: String,
    pub version: u32,
    #[schema(value_type = Object)]
    pub document: Document,
}

/// A published version of a form, as its submissions answered it.
#[utoipa::path(get, path = "/api/v1/forms/{form_id}/versions/{version}", tag = "forms",
    params(("form_id" = String, Path), ("version" = u32, Path)),
    responses((status = 200, body = FormVersionView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn form_version(
    State(app): State<AppState>,
    auth: Auth,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<FormVersionView>, ApiError> {
    let v: u32 = version.parse().map_err(|_| AppError::NotFound)?;
    let document = uc::version(&app, &auth.actor, &id, v).await?;
    Ok(Json(FormVersionView { form_id: id, version: v, document }))
}
