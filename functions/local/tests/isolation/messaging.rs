//! The victim's messaging resources: a conversation with its partner, a message in it carrying
//! a file, a browser that receives pushes, and an announcement to the victim's organization.

use axum::Router;
use axum::http::StatusCode;
use serde_json::json;

use super::{Caller, call};

pub struct Victims {
    pub conversation: String,
    pub file: String,
    pub device: String,
    pub announcement: String,
}

pub async fn victims(
    router: &Router,
    wired: &kt_app::wiring::Wired,
    tenant: &str,
    pat: &Caller,
    dana: &Caller,
    dana_id: &str,
    dana_org: &str,
) -> Victims {
    let conversations = format!("/api/v1/tenants/{tenant}/conversations");
    let (talked, conversation) = call(
        router,
        "post",
        &conversations,
        "acme.localhost",
        Some(pat),
        Some(json!({"kind": "direct", "members": [dana_id]})),
    )
    .await;
    assert_eq!(talked, StatusCode::CREATED, "the victim partner writes to the victim: {conversation}");
    let id = conversation["id"].as_str().expect("conversation id").to_owned();
    // The victim sends a file with a message: upload, confirm, post.
    let files = format!("{conversations}/{id}/attachments");
    let body = b"private plans";
    let file = json!({"filename": "plans.txt", "content_type": "text/plain", "size": body.len()});
    let (started, upload) = call(router, "post", &files, "acme.localhost", Some(dana), Some(file)).await;
    assert_eq!(started, StatusCode::CREATED, "the victim starts an upload: {upload}");
    let file_id = upload["attachment"]["id"].as_str().expect("file id").to_owned();
    let (key, params) = kt_test_support::signed_blob_url(upload["upload"]["url"].as_str().expect("url"));
    let blobs = wired.local_blobs.clone().expect("local blobs");
    blobs.accept_upload(&key, &params, Some("text/plain"), axum::body::Bytes::from_static(body)).await.expect("bytes");
    let complete = format!("{files}/{file_id}/complete");
    let (done, _) = call(router, "post", &complete, "acme.localhost", Some(dana), None).await;
    assert_eq!(done, StatusCode::OK, "the victim confirms the upload");
    let (posted, message) = call(
        router,
        "post",
        &format!("{conversations}/{id}/messages"),
        "acme.localhost",
        Some(dana),
        Some(json!({"body": "Private: the new admin password is in the vault.", "attachments": [file_id]})),
    )
    .await;
    assert_eq!(posted, StatusCode::CREATED, "the victim answers: {message}");
    let (subscribed, device) = call(
        router,
        "post",
        "/api/v1/notifications/push/devices",
        "acme.localhost",
        Some(dana),
        // RFC 8291's example keys.
        Some(json!({
            "endpoint": "https://fcm.googleapis.com/fcm/send/victim-device",
            "keys": {
                "p256dh": "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
                "auth": "BTBZMqHH6r4Tts7J_aSIgg"
            }
        })),
    )
    .await;
    assert_eq!(subscribed, StatusCode::CREATED, "the victim turns push on: {device}");
    let device = device["id"].as_str().expect("device id").to_owned();
    let org = json!({"title": "For Globex only", "body": "Private plans.", "display": ["banner"],
        "audience": "organization", "org_id": dana_org});
    let (announced, announcement) = call(
        router,
        "post",
        &format!("/api/v1/tenants/{tenant}/announcements"),
        "acme.localhost",
        Some(pat),
        Some(org),
    )
    .await;
    assert_eq!(announced, StatusCode::CREATED, "the victim partner announces to the victim: {announcement}");
    let announcement = announcement["id"].as_str().expect("announcement id").to_owned();
    Victims { conversation: id, file: file_id, device, announcement }
}
