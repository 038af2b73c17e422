//! The victim's knowledge-base article: written by the victim's partner for the victim's
//! organization alone (the clients level), in a category of the partner's KB. Another tenant
//! sees neither; another organization of the same tenant reads the category list (headings of
//! its own KB) but never the article, its history, figures or title.

use axum::Router;
use axum::http::StatusCode;
use serde_json::json;

use super::{Caller, call};

/// Words only the victim's article holds.
pub const MARKER: &str = "Victim-private-article";

pub struct Victims {
    pub category: String,
    pub article: String,
    /// An image shown in the article.
    pub image: String,
}

pub async fn victims(router: &Router, wired: &kt_app::wiring::Wired, tenant: &str, org: &str, pat: &Caller) -> Victims {
    let base = format!("/api/v1/tenants/{tenant}/kb");
    let (made, c) = call(
        router,
        "post",
        &format!("{base}/categories"),
        "acme.localhost",
        Some(pat),
        Some(json!({"name": "Accounts"})),
    )
    .await;
    assert_eq!(made, StatusCode::CREATED, "the victim's partner adds a category: {c}");
    let category = c["id"].as_str().expect("category id").to_owned();
    let body = json!({"title": format!("{MARKER}: staging password"), "body": "The staging password is hunter2.",
        "category_id": category, "access": {"level": "clients", "org_ids": [org]}});
    let (made, a) = call(router, "post", &format!("{base}/articles"), "acme.localhost", Some(pat), Some(body)).await;
    assert_eq!(made, StatusCode::CREATED, "the victim's partner writes an article for the victim: {a}");
    let article = a["id"].as_str().expect("article id").to_owned();
    let (published, reply) =
        call(router, "post", &format!("{base}/articles/{article}/publish"), "acme.localhost", Some(pat), None).await;
    assert_eq!(published, StatusCode::OK, "and publishes it: {reply}");
    let png: &'static [u8] = b"\x89PNG\r\n\x1a\n victim";
    let images = format!("{base}/articles/{article}/images");
    let declared = json!({"filename": "staging.png", "content_type": "image/png", "size": png.len()});
    let (started, up) = call(router, "post", &images, "acme.localhost", Some(pat), Some(declared)).await;
    assert_eq!(started, StatusCode::CREATED, "the victim's partner uploads an image into it: {up}");
    let image = up["image"]["id"].as_str().expect("image id").to_owned();
    let (key, params) = kt_test_support::signed_blob_url(up["upload"]["url"].as_str().expect("url"));
    let blobs = wired.local_blobs.clone().expect("local blobs");
    blobs.accept_upload(&key, &params, Some("image/png"), axum::body::Bytes::from_static(png)).await.expect("bytes");
    let (done, _) =
        call(router, "post", &format!("{images}/{image}/complete"), "acme.localhost", Some(pat), None).await;
    assert_eq!(done, StatusCode::OK, "and confirms it");
    Victims { category, article, image }
}
