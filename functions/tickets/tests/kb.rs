//! The knowledge base over HTTP: categories three levels deep written by the KB's managers;
//! articles saved as versions (listed, compared, restored), published now or later, read by
//! exactly the access level PRD 4.6 gives them (a related article one may not read is not even
//! named); views, unique readers and feedback counted exactly; the system KB read across tenants.

use axum::http::StatusCode;
use kt_domain::clock::Clock;
use kt_test_support::{Browser, People, World, people};
use serde_json::{Value, json};

async fn world() -> World {
    kt_test_support::world(kt_fn_tickets::router()).await
}

fn kb(w: &World) -> String {
    format!("/api/v1/tenants/{}/kb", w.acme_id)
}

fn article(title: &str, level: &str, orgs: Vec<String>) -> Value {
    json!({"title": title, "body": format!("# {title}\n\nFirst line.\nSecond line.\n"), "access": {"level": level, "org_ids": orgs}})
}

async fn write(w: &World, who: &Browser, base: &str, body: Value) -> (String, String) {
    let r = w.post(&format!("{base}/articles"), who, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    (r.body["id"].as_str().expect("id").to_owned(), r.etag.clone().expect("etag"))
}

async fn publish(
    w: &World,
    who: &Browser,
    base: &str,
    id: &str,
    etag: &str,
    body: Option<Value>,
) -> kt_test_support::Reply {
    w.send("POST", &format!("{base}/articles/{id}/publish"), who, body, &[("if-match", etag)]).await
}

fn titles(r: &kt_test_support::Reply) -> Vec<String> {
    r.body["items"].as_array().expect("items").iter().filter_map(|a| a["title"].as_str().map(str::to_owned)).collect()
}

async fn live(w: &World, p: &People, title: &str, level: &str, orgs: Vec<String>) -> String {
    let (id, etag) = write(w, &p.pat, &kb(w), article(title, level, orgs)).await;
    assert_eq!(publish(w, &p.pat, &kb(w), &id, &etag, None).await.status, StatusCode::OK);
    id
}

#[tokio::test]
async fn categories_go_three_levels_deep_and_only_managers_write_them() {
    let w = world().await;
    let p = people(&w).await;
    let cats = format!("{}/categories", kb(&w));
    let top = w.post(&cats, &p.pat, json!({"name": "Billing"})).await;
    assert_eq!((top.status, top.body["slug"].as_str()), (StatusCode::CREATED, Some("billing")), "{}", top.body);
    let top_id = top.body["id"].as_str().expect("id").to_owned();
    let mid = w.post(&cats, &p.pat, json!({"name": "Invoices", "parent_id": top_id})).await;
    let mid_id = mid.body["id"].as_str().expect("id").to_owned();
    let low = w.post(&cats, &p.pat, json!({"name": "Paying online", "parent_id": mid_id})).await;
    assert_eq!(low.body["depth"], 3, "{}", low.body);
    let low_id = low.body["id"].as_str().expect("id").to_owned();
    let deep = w.post(&cats, &p.pat, json!({"name": "Cards", "parent_id": low_id})).await;
    assert_eq!(deep.fields(), ["parent_id"], "three levels at most");
    assert_eq!(w.post(&cats, &p.pat, json!({"name": " "})).await.fields(), ["name"]);
    assert_eq!(w.post(&cats, &p.pat, json!({"name": "X", "colour": 1})).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.post(&cats, &p.sam, json!({"name": "Sam's"})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.post(&cats, &p.dana, json!({"name": "Dana's"})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.post(&cats, &p.drew, json!({"name": "Drew's"})).await.status, StatusCode::NOT_FOUND, "another tenant");
    assert_eq!(w.get(&cats, &p.drew).await.status, StatusCode::NOT_FOUND);

    // Not under itself; a move keeps what is under it within three levels.
    let etag = top.etag.clone().expect("etag");
    let body = json!({"name": "Billing", "parent_id": low_id});
    let cycle = w.send("PUT", &format!("{cats}/{top_id}"), &p.pat, Some(body), &[("if-match", &etag)]).await;
    assert_eq!(cycle.fields(), ["parent_id"]);
    let other = w.post(&cats, &p.pat, json!({"name": "Accounts"})).await;
    let other_id = other.body["id"].as_str().expect("id").to_owned();
    let body = json!({"name": "Billing", "parent_id": other_id});
    let too_deep = w.send("PUT", &format!("{cats}/{top_id}"), &p.pat, Some(body), &[("if-match", &etag)]).await;
    assert_eq!(too_deep.fields(), ["parent_id"], "its grandchildren would sit at level 4");
    let listed = w.get(&cats, &p.dana).await;
    let names: Vec<&str> = listed.body.as_array().expect("list").iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["Accounts", "Billing", "Invoices", "Paying online"]);
    assert_eq!(w.delete(&format!("{cats}/{mid_id}"), &p.pat).await.status, StatusCode::CONFLICT, "it has one under it");
    assert_eq!(w.delete(&format!("{cats}/{low_id}"), &p.sam).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.delete(&format!("{cats}/{low_id}"), &p.pat).await.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn access_levels_decide_who_reads_and_drafts_are_the_managers_alone() {
    let w = world().await;
    let p = people(&w).await;
    let base = kb(&w);
    let (draft, etag) = write(&w, &p.pat, &base, article("Resetting your password", "public", vec![])).await;
    assert_eq!(w.get(&format!("{base}/articles/{draft}"), &p.dana).await.status, StatusCode::NOT_FOUND, "a draft");
    let sam = w.get(&format!("{base}/articles/{draft}"), &p.sam).await.status;
    assert_eq!(sam, StatusCode::NOT_FOUND, "drafts are the managers' alone");
    assert_eq!(w.get(&format!("{base}/articles/{draft}"), &p.pat).await.status, StatusCode::OK);
    let clash = w
        .post(
            &format!("{base}/articles"),
            &p.pat,
            json!({"title": "Other", "body": "", "access": {"level": "public"}, "slug": "resetting-your-password"}),
        )
        .await;
    assert_eq!(clash.fields(), ["slug"], "{}", clash.body);
    let bad = w
        .post(
            &format!("{base}/articles"),
            &p.pat,
            json!({"title": "", "body": "", "access": {"level": "clients"}, "tags": ["a,b"]}),
        )
        .await;
    assert_eq!(bad.fields(), ["title", "tags[0]", "access.org_ids"]);
    assert_eq!(
        w.post(&format!("{base}/articles"), &p.sam, article("Sam's", "public", vec![])).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(publish(&w, &p.pat, &base, &draft, &etag, None).await.status, StatusCode::OK);

    let internal = live(&w, &p, "On-call rota", "internal", vec![]).await;
    let partner = live(&w, &p, "Our support hours", "partner", vec![]).await;
    let globex = live(&w, &p, "Globex's staging site", "clients", vec![w.globex_id.clone()]).await;
    let read = |who: &Browser, id: &str| {
        let (w, path) = (&w, format!("{base}/articles/{id}"));
        let who = who.clone();
        async move { w.get(&path, &who).await.status }
    };
    assert_eq!(read(&p.dana, &globex).await, StatusCode::OK);
    let seen = w.get(&format!("{base}/articles/{globex}"), &p.dana).await;
    assert_eq!(seen.body["access"], json!({"level": "clients", "org_ids": []}), "readers are not told whom it names");
    let managed = w.get(&format!("{base}/articles/{globex}"), &p.pat).await;
    assert_eq!(managed.body["access"]["org_ids"], json!([w.globex_id]));
    assert_eq!(read(&p.olga, &globex).await, StatusCode::NOT_FOUND, "another organization");
    assert_eq!(read(&p.olga, &partner).await, StatusCode::OK);
    assert_eq!(read(&p.dana, &internal).await, StatusCode::NOT_FOUND);
    assert_eq!(read(&p.sam, &internal).await, StatusCode::OK);
    assert_eq!(read(&p.drew, &draft).await, StatusCode::NOT_FOUND, "another tenant's, even public, through the portal");
    let list = w.get(&format!("{base}/articles"), &p.olga).await;
    assert_eq!(titles(&list), ["Our support hours", "Resetting your password"]);
    assert_eq!(w.get(&format!("{base}/articles?status=draft"), &p.olga).await.fields(), ["status"]);
    assert_eq!(w.get(&format!("{base}/articles?sort=new"), &p.olga).await.status, StatusCode::BAD_REQUEST);

    // A related article the reader may not read is not named.
    let cur = w.get(&format!("{base}/articles/{partner}"), &p.pat).await;
    let mut body = article("Our support hours", "partner", vec![]);
    body["related_ids"] = json!([globex, draft]);
    let e = cur.etag.clone().expect("etag");
    let saved = w.send("PUT", &format!("{base}/articles/{partner}"), &p.pat, Some(body), &[("if-match", &e)]).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let related = |r: &kt_test_support::Reply| -> Vec<String> {
        r.body["related"]
            .as_array()
            .expect("related")
            .iter()
            .filter_map(|a| a["title"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(related(&w.get(&format!("{base}/articles/{partner}"), &p.dana).await).len(), 2);
    assert_eq!(related(&w.get(&format!("{base}/articles/{partner}"), &p.olga).await), ["Resetting your password"]);

    // Scheduled: live only once its time comes.
    let (later, etag) = write(&w, &p.pat, &base, article("New portal next week", "partner", vec![])).await;
    let at =
        (w.clock.now() + time::Duration::days(2)).format(&time::format_description::well_known::Rfc3339).expect("time");
    let r = publish(&w, &p.pat, &base, &later, &etag, Some(json!({"publish_at": at}))).await;
    assert_eq!((r.body["status"].as_str(), r.body["live"].as_bool()), (Some("published"), Some(false)), "{}", r.body);
    assert_eq!(read(&p.olga, &later).await, StatusCode::NOT_FOUND, "not yet");
    w.clock.advance(time::Duration::days(2));
    assert_eq!(read(&p.olga, &later).await, StatusCode::OK);
}

#[tokio::test]
async fn every_save_is_a_version_compared_and_restored_by_managers() {
    let w = world().await;
    let p = people(&w).await;
    let base = kb(&w);
    let (id, etag) = write(&w, &p.pat, &base, article("Backups", "partner", vec![])).await;
    let one = format!("{base}/articles/{id}");
    let mut body = article("Backups, daily", "partner", vec![]);
    body["body"] = json!("# Backups\n\nFirst line.\nA new second line.\nThird line.\n");
    body["note"] = json!("Daily now");
    let v2 = w.send("PUT", &one, &p.pat, Some(body), &[("if-match", &etag)]).await;
    assert_eq!((v2.status, v2.body["version"].as_u64()), (StatusCode::OK, Some(2)), "{}", v2.body);
    let stale = w.send("PUT", &one, &p.pat, Some(article("x", "partner", vec![])), &[("if-match", &etag)]).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);

    let list = w.get(&format!("{one}/versions"), &p.pat).await;
    let numbers: Vec<u64> =
        list.body["items"].as_array().expect("items").iter().filter_map(|v| v["number"].as_u64()).collect();
    assert_eq!(numbers, [2, 1]);
    assert_eq!(list.body["items"][0]["note"], "Daily now");
    let d = w.get(&format!("{one}/diff?from=1&to=2"), &p.pat).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    assert_eq!(d.body["fields"], json!([{"field": "title", "before": "Backups", "after": "Backups, daily"}]));
    let lines: Vec<(String, String)> = d.body["hunks"][0]
        .as_array()
        .expect("hunk")
        .iter()
        .filter(|l| l["tag"] != "equal")
        .map(|l| (l["tag"].as_str().unwrap_or("").to_owned(), l["text"].as_str().unwrap_or("").to_owned()))
        .collect();
    let want: Vec<(String, String)> =
        [("delete", "Second line."), ("insert", "A new second line."), ("insert", "Third line.")]
            .map(|(t, x)| (t.to_owned(), x.to_owned()))
            .into();
    assert_eq!(lines, want);
    assert_eq!(w.get(&format!("{one}/diff?from=1&to=9"), &p.pat).await.fields(), ["to"]);
    assert_eq!(w.get(&format!("{one}/diff?from=1"), &p.pat).await.status, StatusCode::BAD_REQUEST);

    let e2 = v2.etag.clone().expect("etag");
    let back = w.send("POST", &format!("{one}/versions/1/restore"), &p.pat, None, &[("if-match", &e2)]).await;
    assert_eq!(
        (back.body["version"].as_u64(), back.body["title"].as_str()),
        (Some(3), Some("Backups")),
        "{}",
        back.body
    );
    assert_eq!(w.get(&format!("{one}/versions/3"), &p.pat).await.body["note"], "Restored version 1");
    let e3 = back.etag.clone().expect("etag");
    publish(&w, &p.pat, &base, &id, &e3, None).await;
    assert_eq!(
        w.get(&format!("{one}/versions"), &p.dana).await.status,
        StatusCode::FORBIDDEN,
        "readers see no history"
    );
    assert_eq!(w.get(&format!("{one}/versions"), &p.drew).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn views_readers_and_feedback_are_counted_exactly() {
    let w = world().await;
    let p = people(&w).await;
    let base = kb(&w);
    let id = live(&w, &p, "Paying by card", "partner", vec![]).await;
    let one = format!("{base}/articles/{id}");
    for who in [&p.dana, &p.dana, &p.olga] {
        assert_eq!(w.post(&format!("{one}/view"), who, json!(null)).await.status, StatusCode::NO_CONTENT);
    }
    assert_eq!(w.post(&format!("{one}/view"), &p.drew, json!(null)).await.status, StatusCode::NOT_FOUND);
    let give = |who: &Browser, body: Value| {
        let (w, path, who) = (&w, format!("{one}/feedback"), who.clone());
        async move { w.post(&path, &who, body).await }
    };
    assert_eq!(give(&p.dana, json!({"helpful": true})).await.status, StatusCode::OK);
    assert_eq!(give(&p.dana, json!({"helpful": false, "comment": "Card was refused"})).await.status, StatusCode::OK);
    assert_eq!(give(&p.olga, json!({"helpful": true})).await.status, StatusCode::OK);
    assert_eq!(give(&p.olga, json!({"helpful": "yes"})).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let f = w.get(&format!("{one}/figures"), &p.pat).await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.body);
    assert_eq!(
        (
            f.body["views"].as_i64(),
            f.body["readers"].as_i64(),
            f.body["helpful"].as_i64(),
            f.body["not_helpful"].as_i64()
        ),
        (Some(3), Some(2), Some(1), Some(1))
    );
    let comments: Vec<&str> =
        f.body["feedback"]["items"].as_array().expect("items").iter().filter_map(|x| x["comment"].as_str()).collect();
    assert!(comments.contains(&"Card was refused"), "{comments:?}");
    assert_eq!(w.get(&format!("{one}/figures"), &p.dana).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_system_kb_is_read_across_tenants_by_its_levels_and_written_by_kre8ivtech() {
    let w = world().await;
    let p = people(&w).await;
    let base = format!("/api/v1/tenants/{}/kb", w.house_id);
    let (id, etag) = write(&w, &p.staff, &base, article("Portal basics for partners", "partner", vec![])).await;
    assert_eq!(publish(&w, &p.staff, &base, &id, &etag, None).await.status, StatusCode::OK);
    let one = format!("{base}/articles/{id}");
    assert_eq!(w.get(&one, &p.dana).await.status, StatusCode::OK, "a partner's client");
    assert_eq!(w.get(&one, &p.pat).await.status, StatusCode::OK);
    assert_eq!(w.get(&one, &p.drew).await.status, StatusCode::NOT_FOUND, "Kre8ivTech's own clients are not partners'");
    assert_eq!(
        w.post(&format!("{base}/articles"), &p.pat, article("Mine", "public", vec![])).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(titles(&w.get(&format!("{base}/articles"), &p.dana).await), ["Portal basics for partners"]);
    assert_eq!(titles(&w.get(&format!("{base}/articles"), &p.drew).await), Vec::<String>::new());
}

#[tokio::test]
async fn an_article_shows_videos_click_to_load_and_downloads_as_a_branded_pdf() {
    let w = world().await;
    let p = people(&w).await;
    let base = kb(&w);
    let body = "Intro with a [link](https://acme.test/help).\n\nhttps://youtu.be/dQw4w9WgXcQ\n\n## Steps\n\n1. Open **Settings**\n2. Choose `Billing`\n";
    let (id, etag) = write(&w, &p.pat, &base, json!({"title": "Paying online", "body": body, "summary": "How to pay an invoice.", "access": {"level": "partner"}, "tags": ["Billing"]})).await;
    publish(&w, &p.pat, &base, &id, &etag, None).await;
    let one = format!("{base}/articles/{id}");
    let html = w.get(&one, &p.dana).await.body["body_html"].as_str().expect("html").to_owned();
    assert!(html.contains("data-embed=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\""), "{html}");
    assert!(!html.contains("<iframe"), "nothing loads from the provider before a click: {html}");

    let r = w.get(&format!("{one}/pdf"), &p.dana).await;
    assert_eq!((r.status, r.content_type.as_deref()), (StatusCode::OK, Some("application/pdf")), "{}", r.body);
    assert!(r.disposition.as_deref().is_some_and(|d| d.contains("paying-online.pdf")), "{:?}", r.disposition);
    if let Some(back) = kt_test_support::pdf::read(&r.raw, "kb-article") {
        let flat = back.flat();
        for want in [
            "Article",
            "Acme",
            "Paying online",
            "How to pay an invoice.",
            "STEPS",
            "• Open Settings",
            "(https://acme.test/help)",
            "billing",
        ] {
            assert!(flat.contains(want), "{want:?} missing from:\n{}", back.text);
        }
    }
    assert_eq!(w.get(&format!("{one}/pdf"), &p.drew).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_editor_previews_as_readers_will_see_it() {
    let w = world().await;
    let p = people(&w).await;
    let url = format!("{}/preview", kb(&w));
    let body = json!({"body": "# Setting up\n\n<script>x()</script>\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n"});
    let r = w.post(&url, &p.pat, body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let html = r.body["html"].as_str().unwrap();
    assert!(html.contains("<h1>Setting up</h1>"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("kb-video") && html.contains("youtube-nocookie.com"), "{html}");
    assert_eq!(w.post(&url, &p.dana, body.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.post(&url, &p.drew, body).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.post(&url, &p.pat, json!({"body": "x", "title": "y"})).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}
