//! OpenAPI 3.1 assembly: each function contributes an `OpenApiRouter`; the document is the
//! merge of all of them, served at `/api/v1/openapi.json` with browsable docs at `/api/docs`.

use axum::Router;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as Document;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::problem::{Problem, ProblemField};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "KT-Portal API",
        description = "Multi-tenant client portal: tickets and the live queue, invoices, contracts, chat, knowledge base. \
                       Errors are RFC 9457 problem+json; lists use cursor pagination; edits take If-Match.",
    ),
    components(schemas(Problem, ProblemField))
)]
struct BaseDoc;

/// An empty router carrying the base document (title, shared schemas).
pub fn base() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(BaseDoc::openapi())
}

/// Splits a merged router into the served router plus `/api/v1/openapi.json` and `/api/docs`.
pub fn finish(router: OpenApiRouter<AppState>) -> (Router<AppState>, Document) {
    let (router, doc) = router.split_for_parts();
    let json = doc.clone();
    let router = router
        .route("/api/v1/openapi.json", axum::routing::get(move || async move { axum::Json(json) }))
        .merge(utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/docs/openapi.json", doc.clone()));
    (router, doc)
}
