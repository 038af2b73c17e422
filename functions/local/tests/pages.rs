//! The web app's pages as the host serves them: a portal's host gets the app with 200; a host
//! that names no portal gets it with 404 (the app then says there is no such portal), while
//! its scripts and styles are still served so that page can render.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_host_gets_the_app_with_404_and_a_portal_gets_it_with_200() {
    let data = tempfile::tempdir().expect("tmp");
    let dist = tempfile::tempdir().expect("dist");
    std::fs::write(dist.path().join("index.html"), "<!doctype html><title>app</title>").expect("index");
    std::fs::create_dir(dist.path().join("assets")).expect("assets");
    std::fs::write(dist.path().join("assets/app.js"), "console.log(1)").expect("js");
    let wired = kt_app::wiring::wire(&kt_app::wiring::Settings::local(data.path())).await.expect("wire");
    kt_app::seed::demo(&wired.state).await.expect("seed");
    let router = portal::router(&wired, Some(dist.path().to_path_buf()));

    let get = |host: &'static str, path: &'static str| {
        let router = router.clone();
        async move {
            let req = Request::get(path).header(header::HOST, host).body(Body::empty()).expect("req");
            let res = router.oneshot(req).await.expect("res");
            let kind = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
            (res.status(), kind.unwrap_or_default())
        }
    };
    for path in ["/", "/sign-in", "/tickets/x/y"] {
        let (status, kind) = get("nope.localhost:3000", path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path} on a host with no portal");
        assert!(kind.starts_with("text/html"), "{kind}");
        assert_eq!(get("acme.localhost:3000", path).await.0, StatusCode::OK, "{path} on a partner's portal");
        assert_eq!(get("localhost:3000", path).await.0, StatusCode::OK, "{path} on the house portal");
    }
    assert_eq!(get("nope.localhost:3000", "/assets/app.js").await.0, StatusCode::OK, "the page's script still loads");
    assert_eq!(get("nope.localhost:3000", "/api/v1/branding").await.0, StatusCode::NOT_FOUND);
}
