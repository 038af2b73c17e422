//! OpenAPI 3.1 assembly: each function contributes an `OpenApiRouter`; the document is the
//! merge of all of them, served at `/api/v1/openapi.json` with browsable docs at `/api/docs`.

use axum::Router;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
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
/// A method a route does not take answers 405 as problem+json too, naming the methods it takes.
pub fn finish(router: OpenApiRouter<AppState>) -> (Router<AppState>, Document) {
    let (router, mut doc) = router.split_for_parts();
    complete(&mut doc);
    let json = doc.clone();
    let router = router
        .route("/api/v1/openapi.json", axum::routing::get(move || async move { axum::Json(json) }))
        .merge(utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/docs/openapi.json", doc.clone()))
        .layer(axum::middleware::map_response(crate::problem::method_not_allowed));
    (router, doc)
}

/// What every operation shares, written once rather than on each route: how callers
/// authenticate, and the answers the shared extractors give, so that the document lists every
/// status an operation can answer:
/// - every route but health resolves the portal by host: 404 when there is none;
/// - a route that is not public (`security(())` marks the public ones) takes a bearer token
///   (access token or API key) or the session cookie: 401 without one, 429 when an API key is
///   over its rate, and for writes 403 when the cookie comes without its CSRF token or the key
///   only reads;
/// - a body that is not JSON is 400, one of the wrong shape 422; an unreadable path or query
///   parameter is 400, a query parameter with a value out of range 422;
/// - `If-Match` may answer 412, `Idempotency-Key` 400 (malformed), 409 (still running) and 422
///   (reused for another body);
/// - a store that does not answer is 503.
pub fn complete(doc: &mut Document) {
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, schema) in crate::input::schemas().into_iter().chain(crate::input::word_schemas()) {
        components.schemas.entry(name).or_insert(schema);
    }
    components.security_schemes.insert(
        "bearer".into(),
        SecurityScheme::Http(
            Http::builder()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("An access token from sign-in or refresh, or an API key (`kt_...`)"))
                .build(),
        ),
    );
    components.security_schemes.insert(
        "session".into(),
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            crate::auth::SESSION_COOKIE,
            "The session cookie set at sign-in; writes also send the CSRF cookie's value in X-CSRF-Token",
        ))),
    );
    doc.security = Some(vec![
        SecurityRequirement::new("bearer", Vec::<String>::new()),
        SecurityRequirement::new("session", Vec::<String>::new()),
    ]);

    for (path, item) in doc.paths.paths.iter_mut() {
        let ops = [
            (&mut item.get, false),
            (&mut item.put, true),
            (&mut item.post, true),
            (&mut item.delete, true),
            (&mut item.patch, true),
        ];
        for (op, writes) in ops {
            let Some(op) = op.as_mut() else { continue };
            let public = op.security.as_ref().is_some_and(|s| s.contains(&SecurityRequirement::default()));
            let params = op.parameters.as_deref().unwrap_or_default();
            let has = |name: &str| params.iter().any(|p| p.name.eq_ignore_ascii_case(name));
            let has_path_or_query =
                params.iter().any(|p| matches!(p.parameter_in, ParameterIn::Path | ParameterIn::Query));
            let has_query = params.iter().any(|p| matches!(p.parameter_in, ParameterIn::Query));
            let (if_match, idempotent, xhr) = (has("If-Match"), has("Idempotency-Key"), has("X-Requested-With"));
            let has_body = op.request_body.is_some();
            let mut add = |status: &str, description: &str| {
                op.responses.responses.entry(status.to_owned()).or_insert_with(|| problem(description));
            };
            if path != "/api/v1/health" {
                add("404", "No portal at this host, or nothing here the caller may see");
            }
            if !public {
                add("401", "No valid session, token or API key");
                add("429", "The API key is over its rate; see Retry-After");
                if writes {
                    add("403", "The session cookie came without its CSRF token, or the API key only reads");
                }
            }
            if has_body {
                add("400", "The body is not JSON");
                add("422", "A field is missing, unknown or invalid (each named in `errors`)");
            }
            if has_path_or_query {
                add("400", "A path or query parameter could not be read (named in `errors`)");
            }
            if has_query {
                add("422", "A query parameter's value is not valid (named in `errors`)");
            }
            if xhr {
                add("400", "X-Requested-With is missing");
            }
            if if_match {
                add("412", "The resource changed since the ETag given in If-Match");
            }
            if idempotent {
                add("400", "The Idempotency-Key is malformed");
                add("409", "A request with this Idempotency-Key is still being processed");
                add("422", "The Idempotency-Key was used for another request");
            }
            add("503", "The store did not answer; try again");
        }
    }
}

fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
        )
        .build()
        .into()
}
