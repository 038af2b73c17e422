//! The victim's service request: asked by the victim client for their organization, with a
//! comment. Service types are the house's and listed to everyone; nothing of the victim's
//! request may be in what the routes tell another tenant or organization.

use axum::Router;
use axum::http::StatusCode;
use serde_json::json;

use super::{Caller, call};

/// Words only the victim's request holds.
pub const MARKER: &str = "Victim-private-request";

/// Routes of what the house shares with every tenant (the service types): callers of any
/// tenant may use them; the harness checks only that no answer holds the victim's things.
pub fn shared(template: &str) -> bool {
    template.starts_with("/api/v1/service-types")
}

pub async fn victim(router: &Router, tenant: &str, org: &str, dana: &Caller) -> String {
    let path = format!("/api/v1/tenants/{tenant}/service-requests");
    let body = json!({"service_type": "maintenance", "org_id": org, "title": format!("{MARKER}: new checkout")});
    let (made, r) = call(router, "post", &path, "acme.localhost", Some(dana), Some(body)).await;
    assert_eq!(made, StatusCode::CREATED, "the victim asks for a service: {r}");
    let id = r["id"].as_str().expect("request id").to_owned();
    let comment = json!({"body": format!("{MARKER}: the admin password is hunter2")});
    let (said, reply) =
        call(router, "post", &format!("{path}/{id}/activity"), "acme.localhost", Some(dana), Some(comment)).await;
    assert_eq!(said, StatusCode::CREATED, "the victim comments: {reply}");
    id
}
