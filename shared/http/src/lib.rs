//! HTTP glue shared by every function: problem+json errors, JSON and header extractors,
//! the client's address, request ids and logs, cursor pagination, ETags, idempotency keys and OpenAPI assembly.

pub mod auth;
pub mod client;
pub mod etag;
pub mod extract;
pub mod idempotency;
pub mod input;
pub mod logging;
pub mod openapi;
pub mod pagination;
pub mod problem;
pub mod upload;

pub use extract::{ApiJson, ApiPath, ApiQuery, NoParams};
pub use kt_app::AppState;
pub use problem::{ApiError, Problem};

/// Every API route lives under this prefix.
pub const API_PREFIX: &str = "/api/v1";
