//! API keys of the signed-in user: list, create (the key is in the answer once), revoke.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use kt_app::AppState;
use kt_http::ApiPath as Path;
use kt_http::auth::Auth;
use kt_http::input::{Name, words};
use kt_http::{ApiError, ApiJson, Problem};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_api_keys, create_api_key)).routes(routes!(revoke_api_key))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiKeyRequest {
    pub name: Name,
    #[schema(schema_with = words::api_key_kind, example = "read_only")]
    pub kind: kt_domain::auth::ApiKeyKind,
    /// For staff full keys: the permissions granted (matrix row names in snake_case).
    #[serde(default)]
    #[schema(schema_with = words::permissions)]
    pub scopes: Vec<kt_domain::policy::Permission>,
    pub expires_in_days: Option<u32>,
    pub rate_per_minute: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    #[schema(value_type = String)]
    pub kind: kt_domain::auth::ApiKeyKind,
    pub prefix: String,
    pub rate_per_minute: u32,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "kt_domain::clock::rfc3339_ms::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<time::OffsetDateTime>,
    #[serde(with = "kt_domain::clock::rfc3339_ms::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<time::OffsetDateTime>,
    pub revoked: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKeyView {
    pub api_key: ApiKeyView,
    /// The key itself: shown this once, send it as `Authorization: Bearer <key>`.
    pub key: String,
}

fn api_key_view(k: &kt_domain::auth::ApiKey) -> ApiKeyView {
    ApiKeyView {
        id: k.id.clone(),
        name: k.name.clone(),
        kind: k.kind,
        prefix: k.prefix.clone(),
        rate_per_minute: k.rate_per_minute,
        created_at: k.created_at,
        last_used_at: k.last_used_at,
        ends_at: k.ends_at,
        revoked: k.revoked,
    }
}

/// The signed-in user's API keys (never the secrets).
#[utoipa::path(get, path = "/api/v1/auth/api-keys", tag = "identity",
    responses((status = 200, body = Vec<ApiKeyView>), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn list_api_keys(State(app): State<AppState>, auth: Auth) -> Result<Json<Vec<ApiKeyView>>, ApiError> {
    Ok(Json(kt_app::identity::api_keys::list(&app, &auth.actor).await?.iter().map(api_key_view).collect()))
}

/// Creates an API key for the signed-in user; the key is in the answer once.
#[utoipa::path(post, path = "/api/v1/auth/api-keys", tag = "identity", request_body = NewApiKeyRequest,
    responses((status = 201, body = CreatedApiKeyView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_api_key(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewApiKeyRequest>,
) -> Result<(StatusCode, Json<CreatedApiKeyView>), ApiError> {
    let client = kt_http::auth::client_info(&headers);
    let input = kt_app::identity::api_keys::NewApiKey {
        name: body.name.into(),
        kind: body.kind,
        scopes: body.scopes,
        expires_in_days: body.expires_in_days,
        rate_per_minute: body.rate_per_minute,
    };
    let (key, secret) = kt_app::identity::api_keys::create(&app, &auth.actor, &auth.tenant, input, &client).await?;
    Ok((StatusCode::CREATED, Json(CreatedApiKeyView { api_key: api_key_view(&key), key: secret })))
}

/// Revokes one of the signed-in user's API keys.
#[utoipa::path(delete, path = "/api/v1/auth/api-keys/{key_id}", tag = "identity", params(("key_id" = String, Path, description = "API key id")),
    responses((status = 204, description = "Revoked"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn revoke_api_key(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let client = kt_http::auth::client_info(&headers);
    kt_app::identity::api_keys::revoke(&app, &auth.actor, &id, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
