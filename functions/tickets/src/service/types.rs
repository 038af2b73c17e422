//! Service types: everyone signed in lists the ones offered; super admins add, rename, bind a
//! form and a price field to, order and retire them.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use kt_app::AppState;
use kt_app::service::types::{self as uc, TypeInput};
use kt_domain::service::ServiceType;
use kt_http::ApiPath as Path;
use kt_http::auth::Auth;
use kt_http::etag::{self, with_etag};
use kt_http::input::{LongText, Name, Short};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_service_types, create_service_type)).routes(routes!(update_service_type))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceTypeView {
    pub id: String,
    pub name: String,
    pub description: String,
    /// The form a request of this type is asked with.
    pub form_id: Option<String>,
    /// The form's field whose value is the request's estimate.
    pub price_field: Option<String>,
    /// Set when requests of this type are quoted at once by their price field.
    pub auto_quote: Option<AutoQuoteView>,
    pub active: bool,
    pub position: u32,
    /// Send back as `If-Match` to change it.
    pub etag: String,
}

/// Automatic quoting: a request whose price field computes a positive amount gets a sent quote
/// of one item (the type at that price) at once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoQuoteView {
    /// How long the quote stays valid, 1 to 365 days.
    pub valid_days: u16,
}

fn view(t: &ServiceType, version: u64) -> ServiceTypeView {
    ServiceTypeView {
        id: t.id.clone(),
        name: t.name.clone(),
        description: t.description.clone(),
        form_id: t.form.clone(),
        price_field: t.price_field.clone(),
        auto_quote: t.auto_quote.as_ref().map(|a| AutoQuoteView { valid_days: a.valid_days }),
        active: t.active,
        position: t.position,
        etag: format!("\"{version}\""),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TypeQuery {
    /// Also the retired ones (super admins' settings).
    pub all: Option<bool>,
}

/// The service types offered, in order (with `all=true`, also the retired ones).
#[utoipa::path(get, path = "/api/v1/service-types", tag = "service requests", params(TypeQuery),
    responses((status = 200, body = Vec<ServiceTypeView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_service_types(
    State(app): State<AppState>,
    _auth: Auth,
    ApiQuery(q): ApiQuery<TypeQuery>,
) -> Result<Json<Vec<ServiceTypeView>>, ApiError> {
    let types = uc::list(&app, q.all.unwrap_or(false)).await?;
    Ok(Json(types.iter().map(|t| view(&t.value, t.version)).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceTypeRequest {
    /// 1 to 120 characters on one line.
    pub name: Name,
    pub description: Option<LongText>,
    /// A published form to ask with.
    pub form_id: Option<Short>,
    /// A number, currency or calculated field of that form: the request's estimate.
    pub price_field: Option<Short>,
    /// Quote requests at once by the price field (null: a reviewer writes each quote).
    pub auto_quote: Option<AutoQuoteView>,
    /// Offered (default true).
    pub active: Option<bool>,
    /// Where it is listed, lowest first.
    pub position: Option<u32>,
}

fn input(r: ServiceTypeRequest) -> TypeInput {
    TypeInput {
        name: r.name.to_string(),
        description: r.description.map(|d| d.to_string()).unwrap_or_default(),
        form: r.form_id.map(|f| f.to_string()),
        price_field: r.price_field.map(|f| f.to_string()),
        auto_quote_days: r.auto_quote.map(|a| a.valid_days),
        active: r.active.unwrap_or(true),
        position: r.position.unwrap_or(100),
    }
}

/// Adds a service type (super admins).
#[utoipa::path(post, path = "/api/v1/service-types", tag = "service requests", request_body = ServiceTypeRequest,
    responses((status = 201, body = ServiceTypeView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_service_type(
    State(app): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<ServiceTypeRequest>,
) -> Result<(StatusCode, Json<ServiceTypeView>), ApiError> {
    let t = uc::create(&app, &auth.actor, input(body)).await?;
    Ok((StatusCode::CREATED, Json(view(&t.value, t.version))))
}

/// Changes a service type (super admins), under `If-Match`.
#[utoipa::path(put, path = "/api/v1/service-types/{type_id}", tag = "service requests", request_body = ServiceTypeRequest,
    params(("type_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read")),
    responses((status = 200, body = ServiceTypeView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_service_type(
    State(app): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ServiceTypeRequest>,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(&headers)?;
    let t = uc::update(&app, &auth.actor, &id, input(body), expected).await?;
    Ok(with_etag(t.version, Json(view(&t.value, t.version))))
}
