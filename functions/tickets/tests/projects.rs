//! Projects over HTTP: partners (and the house's staff) write a client organization's project
//! with milestones under If-Match; the organization's people read it, others see nothing.

use axum::http::StatusCode;
use kt_test_support::{World, people};
use serde_json::json;

async fn world() -> World {
    kt_test_support::world(kt_fn_tickets::router()).await
}

#[tokio::test]
async fn partners_write_projects_their_clients_read() {
    let w = world().await;
    let p = people(&w).await;
    let base = format!("/api/v1/tenants/{}/projects", w.acme_id);
    let project = |due: &str| {
        json!({"org_id": w.globex_id, "name": "Shop relaunch", "status": "active", "milestones": [
            {"title": "Design", "due": "2027-01-15", "done": true},
            {"title": "Build", "due": due},
            {"title": "Launch"}
        ]})
    };
    assert_eq!(w.post(&base, &p.pat, project("soon")).await.fields(), ["milestones[1].due"]);
    let mut extra = project("2027-02-01");
    extra["budget"] = json!(1);
    assert_eq!(w.post(&base, &p.pat, extra).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.post(&base, &p.sam, project("2027-02-01")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.post(&base, &p.dana, project("2027-02-01")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.post(&base, &p.drew, project("2027-02-01")).await.status, StatusCode::NOT_FOUND, "another tenant");
    let mut bad_link = project("2027-02-01");
    bad_link["links"] = json!({"ticket_ids": ["01JD0000000000000000000000"]});
    assert_eq!(w.post(&base, &p.pat, bad_link).await.fields(), ["links.ticket_ids[0]"]);

    let made = w.post(&base, &p.pat, project("2027-02-01")).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!((made.body["done"].as_u64(), made.body["total"].as_u64()), (Some(1), Some(3)));
    assert_eq!(made.body["next_milestone"]["title"], "Build");
    let id = made.body["id"].as_str().expect("id").to_owned();
    let one = format!("{base}/{id}");

    // The organization's people read it; others do not.
    let names = |r: &kt_test_support::Reply| -> Vec<String> {
        r.body["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x["name"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    assert_eq!(names(&w.get(&base, &p.dana).await), ["Shop relaunch"]);
    assert!(names(&w.get(&base, &p.olga).await).is_empty());
    assert_eq!(w.get(&one, &p.olga).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.get(&one, &p.sam).await.status, StatusCode::OK);
    assert_eq!(w.get(&one, &p.staff).await.status, StatusCode::OK, "the house sees every tenant's");

    // Changes under If-Match.
    let etag = made.etag.clone().expect("etag");
    let mut next = project("2027-02-01");
    next["milestones"][1]["done"] = json!(true);
    let changed = w.send("PUT", &one, &p.pat, Some(next.clone()), &[("if-match", &etag)]).await;
    assert_eq!((changed.status, changed.body["done"].as_u64()), (StatusCode::OK, Some(2)), "{}", changed.body);
    assert_eq!(
        w.send("PUT", &one, &p.pat, Some(next.clone()), &[("if-match", &etag)]).await.status,
        StatusCode::PRECONDITION_FAILED
    );
    assert_eq!(w.send("PUT", &one, &p.dana, Some(next), &[]).await.status, StatusCode::FORBIDDEN);
}
