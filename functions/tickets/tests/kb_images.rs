//! Images in articles, over HTTP: uploaded by the KB's managers into an article (checked,
//! presigned, confirmed, counted against the tenant's storage); read through the address the
//! Markdown names by exactly those who may read the article (signed out too for a public one,
//! on the portal and on the help center); removed by the sweep when never confirmed.

use axum::http::StatusCode;
use kt_domain::identity::TenantId;
use kt_domain::messaging::Holder;
use kt_test_support::{ACME, Browser, World, people};
use serde_json::json;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n the settings screen";

async fn world() -> World {
    kt_test_support::world(kt_fn_tickets::router()).await
}

fn visitor(host: &'static str) -> Browser {
    Browser { cookie: String::new(), csrf: String::new(), host }
}

async fn tenant_storage(w: &World) -> u64 {
    let tenant = TenantId::try_from(w.acme_id.clone()).expect("tenant");
    kt_store::messaging::storage(w.state().store.as_ref(), &tenant, &Holder::Tenant).await.expect("storage").0
}

/// A live article at `level` written by Pat; its id.
async fn article(w: &World, pat: &Browser, title: &str, level: &str) -> String {
    let base = format!("/api/v1/tenants/{}/kb", w.acme_id);
    let r = w
        .post(&format!("{base}/articles"), pat, json!({"title": title, "body": "Text.", "access": {"level": level}}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_str().expect("id").to_owned();
    let etag = r.etag.clone().expect("etag");
    let done = w.send("POST", &format!("{base}/articles/{id}/publish"), pat, None, &[("if-match", &etag)]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    id
}

/// Uploads the PNG into `article` as `who`; the image's address.
async fn image(w: &World, who: &Browser, article: &str) -> String {
    let images = format!("/api/v1/tenants/{}/kb/articles/{article}/images", w.acme_id);
    let body = json!({"filename": "settings.png", "content_type": "image/png", "size": PNG.len()});
    let started = w.post(&images, who, body).await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    assert_eq!(started.body["image"]["ready"], json!(false));
    let id = started.body["image"]["id"].as_str().expect("id").to_owned();
    w.upload(started.body["upload"]["url"].as_str().expect("url"), "image/png", PNG).await;
    let done = w.post(&format!("{images}/{id}/complete"), who, json!({})).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["ready"], json!(true));
    assert_eq!(done.body["url"].as_str(), Some(format!("{images}/{id}").as_str()));
    format!("{images}/{id}")
}

#[tokio::test]
async fn managers_upload_images_that_exactly_the_articles_readers_see() {
    let w = world().await;
    let p = people(&w).await;
    let public = article(&w, &p.pat, "Changing your settings", "public").await;
    let internal = article(&w, &p.pat, "Escalation rota", "internal").await;
    let images = format!("/api/v1/tenants/{}/kb/articles/{public}/images", w.acme_id);

    // Bad declarations name their field and store nothing; only managers upload.
    let before = tenant_storage(&w).await;
    let svg = w.post(&images, &p.pat, json!({"filename": "x.svg", "content_type": "image/svg+xml", "size": 10})).await;
    assert_eq!((svg.status, svg.fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["content_type".to_owned()]));
    let big =
        w.post(&images, &p.pat, json!({"filename": "x.png", "content_type": "image/png", "size": 11 << 20})).await;
    assert_eq!(big.fields(), ["size"]);
    let extra =
        w.post(&images, &p.pat, json!({"filename": "x.png", "content_type": "image/png", "size": 3, "at": 1})).await;
    assert_eq!(extra.status, StatusCode::UNPROCESSABLE_ENTITY, "unknown fields are refused");
    let ok = json!({"filename": "x.png", "content_type": "image/png", "size": 3});
    assert_eq!(
        w.post(&images, &p.sam, ok.clone()).await.status,
        StatusCode::FORBIDDEN,
        "partner staff read, not write"
    );
    assert_eq!(w.post(&images, &p.dana, ok.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.post(&images, &p.drew, ok.clone()).await.status, StatusCode::NOT_FOUND, "another tenant's KB");
    let missing = format!("/api/v1/tenants/{}/kb/articles/nope/images", w.acme_id);
    assert_eq!(w.post(&missing, &p.pat, ok).await.status, StatusCode::NOT_FOUND);
    assert_eq!(tenant_storage(&w).await, before);

    // Confirming before the bytes arrive is refused; once they are there it counts.
    let started =
        w.post(&images, &p.pat, json!({"filename": "early.png", "content_type": "image/png", "size": PNG.len()})).await;
    let early = started.body["image"]["id"].as_str().expect("id");
    assert_eq!(w.post(&format!("{images}/{early}/complete"), &p.pat, json!({})).await.status, StatusCode::CONFLICT);
    let shown = image(&w, &p.pat, &public).await;
    assert_eq!(tenant_storage(&w).await, before + PNG.len() as u64);

    // The address sends readers on to the bytes: signed in, signed out, on the help center.
    for (who, label) in
        [(&p.dana, "a client"), (&visitor(ACME), "signed out"), (&visitor("help.acme.localhost"), "help")]
    {
        let r = w.get(&shown, who).await;
        assert_eq!(r.status, StatusCode::FOUND, "{label}: {}", r.body);
        let (bytes, _) = w.download(r.location.as_deref().expect("location")).await;
        assert_eq!(bytes, PNG, "{label}");
    }

    // An internal article's image is for those who may read it alone.
    let hidden = image(&w, &p.avery, &internal).await;
    assert_eq!(w.get(&hidden, &p.sam).await.status, StatusCode::FOUND);
    for who in [&p.dana, &visitor(ACME), &p.drew] {
        let r = w.get(&hidden, who).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        assert!(r.location.is_none());
    }
    // The same image under another article, or another tenant, is not there.
    let moved = hidden.replace(&internal, &public);
    assert_eq!(w.get(&moved, &p.pat).await.status, StatusCode::NOT_FOUND);
    let elsewhere = shown.replace(&w.acme_id, &w.house_id);
    assert_eq!(w.get(&elsewhere, &p.avery).await.status, StatusCode::NOT_FOUND);
    // An unconfirmed upload is not shown.
    assert_eq!(w.get(&format!("{images}/{early}"), &p.pat).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_upload_never_confirmed_is_swept_and_a_confirmed_one_stays() {
    let w = world().await;
    let p = people(&w).await;
    let a = article(&w, &p.pat, "Uploading a logo", "partner").await;
    let images = format!("/api/v1/tenants/{}/kb/articles/{a}/images", w.acme_id);
    let kept = image(&w, &p.pat, &a).await;
    let started =
        w.post(&images, &p.pat, json!({"filename": "later.png", "content_type": "image/png", "size": PNG.len()})).await;
    let id = started.body["image"]["id"].as_str().expect("id").to_owned();
    w.upload(started.body["upload"]["url"].as_str().expect("url"), "image/png", PNG).await;
    let used = tenant_storage(&w).await;

    assert_eq!(kt_app::kb::images::sweep(w.state()).await.expect("sweep"), 0, "not due yet");
    w.clock.advance(time::Duration::hours(3));
    assert_eq!(kt_app::kb::images::sweep(w.state()).await.expect("sweep"), 1);
    assert_eq!(kt_app::kb::images::sweep(w.state()).await.expect("sweep"), 0, "once");
    assert_eq!(tenant_storage(&w).await, used, "it was never counted");
    let late = w.post(&format!("{images}/{id}/complete"), &p.pat, json!({})).await;
    assert_eq!(late.status, StatusCode::NOT_FOUND);
    assert_eq!(w.get(&kept, &p.dana).await.status, StatusCode::FOUND, "the confirmed image stays");
}
