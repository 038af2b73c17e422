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

/// A quote the victim's partner sent the victim's organization for the request; its id.
pub async fn victim_quote(router: &Router, tenant: &str, org: &str, request: &str, pat: &Caller) -> String {
    let path = format!("/api/v1/tenants/{tenant}/quotes");
    let body = json!({"org_id": org, "request_id": request, "title": format!("{MARKER}: quote"), "valid_until": (time::OffsetDateTime::now_utc().date() + time::Duration::days(30)).to_string(),
        "items": [{"description": "Private work", "quantity": "1", "unit_price": "100"}]});
    let (made, q) = call(router, "post", &path, "acme.localhost", Some(pat), Some(body)).await;
    assert_eq!(made, StatusCode::CREATED, "the victim's partner writes a quote: {q}");
    let id = q["id"].as_str().expect("quote id").to_owned();
    let (sent, reply) = call(router, "post", &format!("{path}/{id}/send"), "acme.localhost", Some(pat), None).await;
    assert_eq!(sent, StatusCode::OK, "and sends it: {reply}");
    id
}

/// A project of the victim's organization, by its partner; its id.
pub async fn victim_project(router: &Router, tenant: &str, org: &str, pat: &Caller) -> String {
    let path = format!("/api/v1/tenants/{tenant}/projects");
    let body = json!({"org_id": org, "name": format!("{MARKER}: project"), "milestones": [{"title": "Secret launch"}]});
    let (made, p) = call(router, "post", &path, "acme.localhost", Some(pat), Some(body)).await;
    assert_eq!(made, StatusCode::CREATED, "the victim's partner starts a project: {p}");
    p["id"].as_str().expect("project id").to_owned()
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
