//! The victim's form answers: the house publishes a form (shared with every tenant: anyone
//! signed in may fill it), the victim submits to it and keeps a draft of a second answer. The
//! form's routes answer attackers too, but nothing of the victim's may be in what they say.

use axum::Router;
use axum::http::StatusCode;
use serde_json::json;

use super::{Caller, call};

/// Words only the victim's answers hold.
pub const MARKER: &str = "Victim-private-brief";

pub struct Victims {
    pub form: String,
    pub submission: String,
    /// A file the submission carries.
    pub upload: String,
}

/// Routes of what the house shares with every tenant (a published form): callers of any tenant
/// may use them; the harness checks only that no answer holds the victim's things.
pub fn shared(template: &str) -> bool {
    template.starts_with("/api/v1/forms")
}

pub async fn victims(router: &Router, wired: &kt_app::wiring::Wired, staff: &Caller, dana: &Caller) -> Victims {
    let document = json!({"pages": [{"key": "brief", "title": "Brief", "fields": [
        {"key": "goal", "type": "textarea", "label": "Your goal", "required": true},
        {"key": "assets", "type": "file", "label": "Assets"}
    ]}]});
    let (made, form) = call(
        router,
        "post",
        "/api/v1/forms",
        "localhost",
        Some(staff),
        Some(json!({"name": "Brief", "document": document})),
    )
    .await;
    assert_eq!(made, StatusCode::CREATED, "the house writes a form: {form}");
    let id = form["id"].as_str().expect("form id").to_owned();
    let (published, reply) =
        call(router, "post", &format!("/api/v1/forms/{id}/publish"), "localhost", Some(staff), None).await;
    assert_eq!(published, StatusCode::OK, "the house publishes it: {reply}");
    // The victim attaches a file: upload, confirm, name it in the answer.
    let body: &[u8] = b"Victim-private-brief bytes";
    let file = json!({"field": "assets", "filename": "brief.txt", "content_type": "text/plain", "size": body.len()});
    let uploads = format!("/api/v1/forms/{id}/uploads");
    let (started, upload) = call(router, "post", &uploads, "acme.localhost", Some(dana), Some(file)).await;
    assert_eq!(started, StatusCode::CREATED, "the victim starts an upload: {upload}");
    let upload_id = upload["file"]["id"].as_str().expect("upload id").to_owned();
    let (key, params) = kt_test_support::signed_blob_url(upload["upload"]["url"].as_str().expect("url"));
    let blobs = wired.local_blobs.clone().expect("local blobs");
    blobs.accept_upload(&key, &params, Some("text/plain"), axum::body::Bytes::from_static(body)).await.expect("bytes");
    let (done, reply) =
        call(router, "post", &format!("{uploads}/{upload_id}/complete"), "acme.localhost", Some(dana), None).await;
    assert_eq!(done, StatusCode::OK, "the victim confirms the upload: {reply}");
    let answers = json!({"answers": {"goal": format!("{MARKER}: relaunch in March"), "assets": [upload_id]}});
    let (sent, sub) =
        call(router, "post", &format!("/api/v1/forms/{id}/submissions"), "acme.localhost", Some(dana), Some(answers))
            .await;
    assert_eq!(sent, StatusCode::CREATED, "the victim submits: {sub}");
    let draft = json!({"page": "brief", "answers": {"goal": format!("{MARKER}: second thoughts")}});
    let (saved, reply) =
        call(router, "put", &format!("/api/v1/forms/{id}/draft"), "acme.localhost", Some(dana), Some(draft)).await;
    assert_eq!(saved, StatusCode::OK, "the victim keeps a draft: {reply}");
    assert_eq!(sub["values"]["assets"], json!([upload_id]), "the submission carries the file: {sub}");
    Victims { form: id, submission: sub["id"].as_str().expect("submission id").to_owned(), upload: upload_id }
}
