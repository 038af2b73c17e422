//! The help center as a signed-out visitor sees it: the tenant's public, live articles as
//! server-rendered HTML under its brand at `/help` (and on its `help.` host), with canonical
//! addresses, Open Graph tags and a sitemap; nothing of another level, another state or another
//! tenant; a missing page is a branded 404.

use axum::http::StatusCode;
use kt_test_support::{Browser, World, people};
use serde_json::json;

async fn world() -> World {
    kt_test_support::world(kt_fn_tickets::router()).await
}

fn visitor(host: &'static str) -> Browser {
    Browser { cookie: String::new(), csrf: String::new(), host }
}

fn html(r: &kt_test_support::Reply) -> String {
    String::from_utf8_lossy(&r.raw).into_owned()
}

#[tokio::test]
async fn the_help_center_shows_public_live_articles_under_the_tenant_s_brand() {
    let w = world().await;
    let p = people(&w).await;
    let base = format!("/api/v1/tenants/{}/kb", w.acme_id);
    let cat = w.post(&format!("{base}/categories"), &p.pat, json!({"name": "Billing & payments"})).await;
    let cat_id = cat.body["id"].as_str().expect("category").to_owned();
    let mut ids = Vec::new();
    for (title, level, publish) in [
        ("Paying <online>", "public", true),
        ("Support hours for clients", "partner", true),
        ("Draft about refunds", "public", false),
    ] {
        let body = json!({"title": title, "body": "Open **Invoices**.\n\nhttps://youtu.be/dQw4w9WgXcQ\n", "summary": "How to pay.",
            "category_id": cat_id, "access": {"level": level}});
        let made = w.post(&format!("{base}/articles"), &p.pat, body).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        let id = made.body["id"].as_str().expect("id").to_owned();
        if publish {
            let etag = made.etag.clone().expect("etag");
            let r =
                w.send("POST", &format!("{base}/articles/{id}/publish"), &p.pat, None, &[("if-match", &etag)]).await;
            assert_eq!(r.status, StatusCode::OK);
        }
        ids.push((id, made.body["slug"].as_str().expect("slug").to_owned()));
    }

    let acme = visitor("acme.localhost");
    let home = w.get("/help", &acme).await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.content_type.as_deref(), Some("text/html; charset=utf-8"));
    let page = html(&home);
    assert!(page.contains("Paying &lt;online&gt;"), "escaped: {page}");
    assert!(page.contains("/help/categories/billing-payments"), "{page}");
    assert!(!page.contains("Support hours") && !page.contains("Draft about refunds"), "public and live only");
    assert!(page.contains("<link rel=\"canonical\" href=\"http://acme.localhost/help\">"), "{page}");

    let one = w.get(&format!("/help/articles/{}", ids[0].1), &acme).await;
    let page = html(&one);
    assert_eq!(one.status, StatusCode::OK);
    for want in [
        "<meta property=\"og:type\" content=\"article\">",
        "<meta property=\"og:title\" content=\"Paying &lt;online&gt;\">",
        "<strong>Invoices</strong>",
        "data-embed=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\"",
        "Billing &amp; payments",
    ] {
        assert!(page.contains(want), "{want:?} missing: {page}");
    }
    for hidden in [&ids[1].1, &ids[2].1] {
        let r = w.get(&format!("/help/articles/{hidden}"), &acme).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{hidden}");
        assert!(html(&r).contains("This page is not here"));
    }
    let listed = w.get("/help/categories/billing-payments", &acme).await;
    assert!(html(&listed).contains("Paying &lt;online&gt;") && !html(&listed).contains("Support hours"));

    let map = w.get("/help/sitemap.xml", &acme).await;
    assert_eq!(map.content_type.as_deref(), Some("application/xml"));
    let xml = html(&map);
    assert!(xml.contains(&format!("<loc>http://acme.localhost/help/articles/{}</loc>", ids[0].1)), "{xml}");
    assert!(!xml.contains(&ids[1].1) && !xml.contains(&ids[2].1));

    // Another tenant's help center never shows Acme's; the help. host is the tenant's.
    assert!(!html(&w.get("/help", &visitor("localhost")).await).contains("Paying"));
    assert_eq!(
        w.get(&format!("/help/articles/{}", ids[0].1), &visitor("localhost")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(html(&w.get("/help", &visitor("help.acme.localhost")).await).contains("Paying &lt;online&gt;"));
    assert_eq!(w.get("/help", &visitor("nowhere.test")).await.status, StatusCode::NOT_FOUND);

    // A person's view of the page is counted, a crawler's is not.
    let bot = [("user-agent", "Mozilla/5.0 (compatible; Googlebot/2.1)")];
    w.send("GET", &format!("/help/articles/{}", ids[0].1), &acme, None, &bot).await;
    let figures = w.get(&format!("{base}/articles/{}/figures", ids[0].0), &p.pat).await;
    assert_eq!(figures.body["views"], 1, "{}", figures.body);

    // A category with nothing public in it is not shown, even by its address.
    let staff_only = w.post(&format!("{base}/categories"), &p.pat, json!({"name": "Partner notes"})).await;
    let body =
        json!({"title": "Rates", "body": "x", "category_id": staff_only.body["id"], "access": {"level": "partner"}});
    let made = w.post(&format!("{base}/articles"), &p.pat, body).await;
    let etag = made.etag.clone().expect("etag");
    let id = made.body["id"].as_str().expect("id");
    w.send("POST", &format!("{base}/articles/{id}/publish"), &p.pat, None, &[("if-match", &etag)]).await;
    assert_eq!(w.get("/help/categories/partner-notes", &acme).await.status, StatusCode::NOT_FOUND);
    assert!(!html(&w.get("/help", &acme).await).contains("Partner notes"));
}

/// The help center lists from its own index, which follows each article's life: a scheduled
/// article appears when its time comes, one made internal or archived leaves, and articles that
/// are not public never take a public one's place, however many there are.
#[tokio::test]
async fn the_help_center_index_follows_every_article_s_life() {
    let w = world().await;
    let p = people(&w).await;
    let base = format!("/api/v1/tenants/{}/kb", w.acme_id);
    let write = |title: &str, level: &str| json!({"title": title, "body": "Text.", "access": {"level": level}});
    let publish = |id: String, etag: String, at: Option<String>| {
        let (w, base, pat) = (&w, base.clone(), p.pat.clone());
        async move {
            let body = at.map(|a| json!({"publish_at": a}));
            let r = w.send("POST", &format!("{base}/articles/{id}/publish"), &pat, body, &[("if-match", &etag)]).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            r.etag.clone().expect("etag")
        }
    };
    let made = w.post(&format!("{base}/articles"), &p.pat, write("Exporting your invoices", "public")).await;
    let (listed, etag) = (made.body["id"].as_str().expect("id").to_owned(), made.etag.clone().expect("etag"));
    let etag = publish(listed.clone(), etag, None).await;
    // Many newer articles that are not public.
    for i in 0..30 {
        let made =
            w.post(&format!("{base}/articles"), &p.pat, write(&format!("Internal runbook {i}"), "internal")).await;
        publish(made.body["id"].as_str().expect("id").to_owned(), made.etag.clone().expect("etag"), None).await;
    }
    let soon = w.post(&format!("{base}/articles"), &p.pat, write("The new dashboard", "public")).await;
    let at = (kt_domain::clock::Clock::now(&*w.clock) + time::Duration::hours(2))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("time");
    publish(soon.body["id"].as_str().expect("id").to_owned(), soon.etag.clone().expect("etag"), Some(at)).await;

    let acme = visitor("acme.localhost");
    let (home, sitemap) = listing(&w, &acme).await;
    assert!(home.contains("Exporting your invoices") && !home.contains("Internal runbook"), "{home}");
    assert!(!home.contains("The new dashboard"), "scheduled");
    assert_eq!(sitemap.matches("/help/articles/").count(), 1, "{sitemap}");
    w.clock.advance(time::Duration::hours(3));
    let (home, sitemap) = listing(&w, &acme).await;
    assert!(home.contains("The new dashboard"), "its time came");
    assert_eq!(sitemap.matches("/help/articles/").count(), 2);

    // Made internal: it leaves the help center at once.
    let mut body = write("Exporting your invoices", "internal");
    body["slug"] = json!("exporting-your-invoices");
    let r = w.send("PUT", &format!("{base}/articles/{listed}"), &p.pat, Some(body), &[("if-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (home, _) = listing(&w, &acme).await;
    assert!(!home.contains("Exporting your invoices"), "{home}");
    let page = w.get("/help/articles/exporting-your-invoices", &acme).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

async fn listing(w: &World, who: &Browser) -> (String, String) {
    (html(&w.get("/help", who).await), html(&w.get("/help/sitemap.xml", who).await))
}
