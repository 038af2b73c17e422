//! Health: answers when the function (or the local host) is up and its store is reachable.
//! The first function, and the proof of the wiring from API Gateway to the store.

use axum::Json;
use axum::extract::State;
use kt_http::{ApiError, AppState};
use kt_store::Key;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when every check passed.
    pub status: String,
    pub version: String,
    /// Which store adapter answered (`sqlite`, `dynamodb`).
    pub store: String,
}

/// Liveness and readiness in one: 200 when the store answers a read, 503 otherwise.
#[utoipa::path(
    get,
    security(()),
    path = "/api/v1/health",
    tag = "health",
    responses(
        (status = 200, description = "Up and ready", body = Health),
        (status = 503, description = "A dependency is not reachable", body = kt_http::Problem, content_type = "application/problem+json"),
    )
)]
async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.store.get(&Key::new("SYSTEM", "health")).await?;
    Ok(Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        store: state.store.adapter().into(),
    }))
}
