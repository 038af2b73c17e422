//! Forms over HTTP: editors (super admins, staff) write, publish, clone and archive; everyone
//! fills the published version (drafts resumed on another device; the server evaluates the
//! answers itself); limits and schedule hold under concurrency; retries are idempotent; the
//! house reads every tenant's submissions, partners their own tenant's, others their own;
//! analytics from counters; exports to CSV and XLSX.

use axum::http::StatusCode;
use kt_test_support::{Browser, People, World, people};
use serde_json::{Value, json};

async fn world() -> World {
    kt_test_support::world(kt_fn_tickets::router()).await
}

fn brief() -> Value {
    json!({
        "pages": [
            {"key": "about", "title": "About you", "fields": [
                {"key": "name", "type": "text", "label": "Your name", "required": true, "max_length": 60},
                {"key": "size", "type": "radio", "label": "Company size", "options": [
                    {"value": "small", "label": "Small"}, {"value": "large", "label": "Large"}]},
                {"key": "has_site", "type": "radio", "label": "Do you have a website?", "options": [
                    {"value": "yes"}, {"value": "no"}]},
                {"key": "site", "type": "url", "label": "Its address", "required": true}
            ]},
            {"key": "scope", "title": "Scope", "fields": [
                {"key": "pages", "type": "number", "label": "Pages", "decimals": 0, "min": "1", "max": "100"},
                {"key": "estimate", "type": "calculated", "label": "Estimate", "formula": "pages * 120", "decimals": 2}
            ]}
        ],
        "rules": [
            {"when": {"test": {"field": "has_site", "op": "equals", "value": "yes"}}, "then": [{"do": "show", "field": "site"}]}
        ]
    })
}

async fn published(w: &World, p: &People, settings: Value) -> String {
    let made = w
        .post("/api/v1/forms", &p.staff, json!({"name": "Project brief", "document": brief(), "settings": settings}))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.body["id"].as_str().expect("id").to_owned();
    let r = w.post(&format!("/api/v1/forms/{id}/publish"), &p.staff, json!(null)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    id
}

async fn submit(w: &World, who: &Browser, id: &str, answers: Value) -> kt_test_support::Reply {
    w.post(&format!("/api/v1/forms/{id}/submissions"), who, json!({ "answers": answers })).await
}

#[tokio::test]
async fn editors_write_publish_clone_and_archive_forms() {
    let w = world().await;
    let p = people(&w).await;

    // Input is strict and named by field, down into the document.
    let mut bad = brief();
    bad["pages"][0]["fields"][3]["type"] = json!("hologram");
    let r = w.post("/api/v1/forms", &p.staff, json!({"name": "x", "document": bad})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let mut bad = brief();
    bad["pages"][1]["fields"][1]["formula"] = json!("pages * nope");
    let r = w
        .post("/api/v1/forms", &p.staff, json!({"name": " ", "document": bad, "settings": {"max_per_person": 0}}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let fields = r.fields();
    assert!(
        fields.contains(&"name".to_owned()) && fields.contains(&"settings.max_per_person".to_owned()),
        "{fields:?}"
    );
    assert!(fields.iter().any(|f| f.starts_with("document.")), "{fields:?}");
    let r = w.post("/api/v1/forms", &p.staff, json!({"name": "x", "document": brief(), "colour": "red"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "unknown fields are refused: {}", r.body);
    assert_eq!(w.get("/api/v1/forms?limit=0", &p.staff).await.fields(), ["limit"]);
    assert_eq!(w.get("/api/v1/forms?sort=new", &p.staff).await.status, StatusCode::BAD_REQUEST);

    // Partners, partner staff and clients do not write forms.
    for who in [&p.pat, &p.sam, &p.dana] {
        let r = w.post("/api/v1/forms", who, json!({"name": "Mine", "document": brief()})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    }

    // Staff write a draft: nobody else sees it until it is published.
    let made = w
        .post("/api/v1/forms", &p.staff, json!({"name": "Project brief", "document": brief(), "template": true}))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.body["id"].as_str().expect("id").to_owned();
    let one = format!("/api/v1/forms/{id}");
    assert_eq!(made.body["availability"], "unpublished");
    assert_eq!(w.get(&one, &p.dana).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.get(&format!("{one}/fill"), &p.pat).await.status, StatusCode::NOT_FOUND);
    assert!(w.get("/api/v1/forms", &p.dana).await.body["items"].as_array().is_some_and(|a| a.is_empty()));

    // Published, it is version 1 for everyone; an edit after waits for the next publication.
    let r = w.send("POST", &format!("{one}/publish"), &p.avery, None, &[("if-match", "\"9\"")]).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let r = w.post(&format!("{one}/publish"), &p.avery, json!(null)).await;
    assert_eq!((r.status, r.body["published_version"].as_u64()), (StatusCode::OK, Some(1)), "{}", r.body);
    let fill = w.get(&format!("{one}/fill"), &p.dana).await;
    assert_eq!(fill.status, StatusCode::OK, "{}", fill.body);
    assert_eq!((fill.body["version"].as_u64(), fill.body["form"]["availability"].as_str()), (Some(1), Some("open")));
    assert!(fill.body["form"]["document"].is_null(), "fillers do not get the editors' draft");
    let seen = w.get(&one, &p.dana).await;
    assert!(seen.body["document"].is_null(), "{}", seen.body);

    let mut second = brief();
    second["pages"][0]["title"] = json!("Who you are");
    let etag = r.etag.clone().expect("etag");
    let r = w
        .send(
            "PUT",
            &one,
            &p.staff,
            Some(json!({"name": "Project brief", "document": second, "template": true})),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r2 = w
        .send("PUT", &one, &p.staff, Some(json!({"name": "Stale", "document": brief()})), &[("if-match", &etag)])
        .await;
    assert_eq!(r2.status, StatusCode::PRECONDITION_FAILED, "a lost update is refused");
    assert_eq!(w.get(&format!("{one}/fill"), &p.dana).await.body["document"]["pages"][0]["title"], "About you");
    w.post(&format!("{one}/publish"), &p.staff, json!(null)).await;
    assert_eq!(w.get(&format!("{one}/fill"), &p.dana).await.body["document"]["pages"][0]["title"], "Who you are");
    let v1 = w.get(&format!("{one}/versions/1"), &p.staff).await;
    assert_eq!(v1.body["document"]["pages"][0]["title"], "About you", "versions are frozen");
    assert_eq!(w.get(&format!("{one}/versions/3"), &p.staff).await.status, StatusCode::NOT_FOUND);

    // Templates list; a clone is a new unpublished form.
    let templates = w.get("/api/v1/forms?templates=true", &p.staff).await;
    assert!(templates.body["items"].as_array().is_some_and(|a| a.iter().any(|f| f["id"] == id.as_str())));
    let copy = w.post(&format!("{one}/clone"), &p.staff, json!({"name": "Brief for shops"})).await;
    assert_eq!(copy.status, StatusCode::CREATED, "{}", copy.body);
    assert_eq!((copy.body["published_version"].is_null(), copy.body["template"].as_bool()), (true, Some(false)));
    assert_eq!(copy.body["document"]["pages"][0]["title"], "Who you are");
    assert_eq!(w.post(&format!("{one}/clone"), &p.pat, json!({})).await.status, StatusCode::FORBIDDEN);

    // Archived: closed to new answers, still there for its editors.
    assert_eq!(w.delete(&one, &p.dana).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.delete(&one, &p.staff).await.status, StatusCode::NO_CONTENT);
    assert_eq!(w.get(&one, &p.staff).await.body["availability"], "closed");
    assert_eq!(w.get(&one, &p.dana).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_server_evaluates_answers_and_drafts_resume_on_another_device() {
    let w = world().await;
    let p = people(&w).await;
    let id = published(&w, &p, json!({})).await;
    let base = format!("/api/v1/forms/{id}");

    // Each field's error is named; unknown answers are refused.
    let r = submit(&w, &p.dana, &id, json!({"has_site": "yes", "site": "not a url", "pages": "0"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.fields(), ["answers.name", "answers.site", "answers.pages"]);
    let r = submit(&w, &p.dana, &id, json!({"name": "Dana", "mood": "happy"})).await;
    assert_eq!(r.fields(), ["answers.mood"]);
    let r = w.post(&format!("{base}/submissions"), &p.dana, json!({"answers": {}, "extra": 1})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // A draft saved on one device is resumed on another, then submitted.
    assert_eq!(w.get(&format!("{base}/draft"), &p.dana).await.status, StatusCode::NOT_FOUND);
    let d = w
        .send(
            "PUT",
            &format!("{base}/draft"),
            &p.dana,
            Some(json!({"page": "about", "answers": {"name": "Dana"}})),
            &[],
        )
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    let r =
        w.send("PUT", &format!("{base}/draft"), &p.dana, Some(json!({"page": "nowhere", "answers": {}})), &[]).await;
    assert_eq!(r.fields(), ["page"]);
    let phone = w.sign_in(kt_test_support::ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let fill = w.get(&format!("{base}/fill"), &phone).await;
    assert_eq!(fill.body["draft"]["answers"]["name"], "Dana", "{}", fill.body);
    let etag = d.etag.clone().expect("etag");
    let moved = json!({"page": "scope", "answers": {"name": "Dana", "has_site": "no", "pages": "3"}});
    let r = w.send("PUT", &format!("{base}/draft"), &phone, Some(moved), &[("if-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let stale = json!({"page": "about", "answers": {}});
    let r = w.send("PUT", &format!("{base}/draft"), &p.dana, Some(stale), &[("if-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "the laptop does not overwrite the phone's answers");

    // Hidden answers are dropped and calculated values recomputed, whatever was sent.
    let answers = json!({"name": "Dana", "has_site": "no", "site": "https://old.test", "pages": "3", "estimate": "1"});
    let key = [("idempotency-key", "brief-1")];
    let body = json!({ "answers": answers });
    let first = w.send("POST", &format!("{base}/submissions"), &phone, Some(body.clone()), &key).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let values = &first.body["values"];
    assert_eq!((values.get("site"), values["estimate"].as_str()), (None, Some("360.00")), "{values}");
    assert_eq!(first.body["version"], 1);
    assert_eq!(w.get(&format!("{base}/draft"), &p.dana).await.status, StatusCode::NOT_FOUND, "the draft is gone");

    // A retry gets the same submission; the key with another body is refused.
    let again = w.send("POST", &format!("{base}/submissions"), &phone, Some(body), &key).await;
    assert_eq!((again.status, &again.body["id"]), (StatusCode::CREATED, &first.body["id"]));
    let other =
        w.send("POST", &format!("{base}/submissions"), &phone, Some(json!({"answers": {"name": "X"}})), &key).await;
    assert_eq!(other.fields(), ["Idempotency-Key"]);
    let mine = w.get(&format!("{base}/submissions"), &p.dana).await;
    assert_eq!(mine.body["items"].as_array().map(Vec::len), Some(1), "{}", mine.body);
}

#[tokio::test]
async fn limits_and_schedule_hold_under_concurrency() {
    let w = world().await;
    let p = people(&w).await;
    let id = published(&w, &p, json!({"max_submissions": 5, "max_per_person": 2})).await;
    let answers = json!({"name": "Someone"});

    // Two per person, even when sent at once.
    let tries = futures::future::join_all((0..4).map(|_| submit(&w, &p.dana, &id, answers.clone()))).await;
    let ok = tries.iter().filter(|r| r.status == StatusCode::CREATED).count();
    assert_eq!(ok, 2, "{:?}", tries.iter().map(|r| (r.status, r.body.clone())).collect::<Vec<_>>());
    assert!(tries.iter().all(|r| r.status == StatusCode::CREATED || r.status == StatusCode::CONFLICT));

    // Five in all: of eight more attempts by four people, three land.
    let who = [&p.olga, &p.sam, &p.pat, &p.drew];
    let tries = futures::future::join_all(
        who.iter().flat_map(|b| [submit(&w, b, &id, answers.clone()), submit(&w, b, &id, answers.clone())]),
    )
    .await;
    let ok = tries.iter().filter(|r| r.status == StatusCode::CREATED).count();
    assert_eq!(ok, 3, "{:?}", tries.iter().map(|r| (r.status, r.body.clone())).collect::<Vec<_>>());
    let full = submit(&w, &p.avery, &id, answers.clone()).await;
    assert_eq!(full.status, StatusCode::CONFLICT);
    assert!(full.body["detail"].as_str().is_some_and(|d| d.contains("all the submissions")), "{}", full.body);

    // A form not open yet, or closed, says so.
    let later = kt_domain::timestamp(kt_domain::Clock::now(&*w.clock) + time::Duration::days(1));
    let soon = published(&w, &p, json!({"opens_at": later})).await;
    let r = submit(&w, &p.dana, &soon, answers.clone()).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.body["detail"], "This form is not open yet.");
    let fill = w.get(&format!("/api/v1/forms/{soon}/fill"), &p.dana).await;
    assert_eq!(fill.body["form"]["availability"], "not_yet_open");
}

#[tokio::test]
async fn who_reads_submissions_analytics_and_exports() {
    let w = world().await;
    let p = people(&w).await;
    let id = published(&w, &p, json!({})).await;
    let base = format!("/api/v1/forms/{id}");

    for who in [&p.dana, &p.olga, &p.drew] {
        assert_eq!(w.post(&format!("{base}/views"), who, json!(null)).await.status, StatusCode::NO_CONTENT);
    }
    w.send("PUT", &format!("{base}/draft"), &p.olga, Some(json!({"page": "about", "answers": {"name": "Olga"}})), &[])
        .await;
    let dana = submit(&w, &p.dana, &id, json!({"name": "Dana", "size": "large", "has_site": "no", "pages": "4"})).await;
    assert_eq!(dana.status, StatusCode::CREATED, "{}", dana.body);
    let drew = submit(&w, &p.drew, &id, json!({"name": "=HYPERLINK(\"x\")", "size": "small", "pages": "2"})).await;
    assert_eq!(drew.status, StatusCode::CREATED, "{}", drew.body);

    let names = |r: &kt_test_support::Reply| -> Vec<String> {
        r.body["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|s| s["values"]["name"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let subs = format!("{base}/submissions");
    assert_eq!(
        names(&w.get(&subs, &p.staff).await),
        ["=HYPERLINK(\"x\")", "Dana"],
        "the house reads all, newest first"
    );
    assert_eq!(names(&w.get(&subs, &p.pat).await), ["Dana"], "a partner reads their tenant's");
    assert_eq!(names(&w.get(&subs, &p.olga).await), Vec::<String>::new(), "a client their own");
    assert_eq!(names(&w.get(&subs, &p.sam).await), Vec::<String>::new(), "partner staff their own");

    // One submission: in its tenant's path, for those who may read it.
    let dana_id = dana.body["id"].as_str().expect("id");
    let one = format!("/api/v1/tenants/{}/forms/{id}/submissions/{dana_id}", w.acme_id);
    let read = w.get(&one, &p.pat).await;
    assert_eq!(read.status, StatusCode::OK);
    let dana_email = dana.body["submitted_by"].as_str().map(|_| read.body["submitter"]["email"].clone());
    assert!(
        read.body["submitter"]["name"].as_str().is_some_and(|n| !n.is_empty())
            && dana_email.is_some_and(|e| e.as_str().is_some_and(|e| e.contains('@'))),
        "the submitter is named: {}",
        read.body
    );
    let listed = w.get(&subs, &p.staff).await;
    assert!(
        listed.body["items"].as_array().is_some_and(|a| a.iter().all(|s| s["submitter"]["name"].is_string())),
        "each listed submission names its submitter: {}",
        listed.body
    );
    assert_eq!(w.get(&one, &p.dana).await.status, StatusCode::OK);
    for who in [&p.olga, &p.sam, &p.drew] {
        assert_eq!(w.get(&one, who).await.status, StatusCode::NOT_FOUND);
    }
    let wrong = format!("/api/v1/tenants/{}/forms/{id}/submissions/{dana_id}", w.house_id);
    assert_eq!(w.get(&wrong, &p.staff).await.status, StatusCode::NOT_FOUND, "not in another tenant");

    // Analytics from the counters, for the house's editors.
    let a = w.get(&format!("{base}/analytics"), &p.staff).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        (a.body["views"].as_i64(), a.body["starts"].as_i64(), a.body["completions"].as_i64()),
        (Some(3), Some(3), Some(2))
    );
    assert_eq!(a.body["completion_rate"], "66.7");
    assert_eq!(a.body["pages"][0]["dropped"], 1, "Olga stopped on the first page: {}", a.body);
    let field =
        |k: &str| a.body["fields"].as_array().and_then(|f| f.iter().find(|x| x["key"] == k).cloned()).expect("field");
    assert_eq!(field("pages")["average"], "3");
    assert_eq!(field("estimate")["average"], "360");
    assert_eq!(
        field("size")["options"].as_array().map(|o| o.iter().map(|x| x["count"].as_i64()).collect::<Vec<_>>()),
        Some(vec![Some(1), Some(1)])
    );
    assert_eq!(w.get(&format!("{base}/analytics"), &p.pat).await.status, StatusCode::FORBIDDEN);

    // Exports: CSV with formulas defused, XLSX a workbook; partners get their tenant's rows.
    let csv = w.get(&format!("{base}/export"), &p.staff).await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = String::from_utf8(csv.raw.clone()).expect("utf-8");
    assert!(text.starts_with("Submitted at,Submission,Tenant,Name,Email,Version,Your name,"), "{text}");
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(text.contains("dana@globex.test") && text.contains("drew@"), "{text}");
    assert!(csv.disposition.as_deref().is_some_and(|d| d.contains("project-brief-submissions.csv")));
    let partner = String::from_utf8(w.get(&format!("{base}/export"), &p.pat).await.raw).expect("utf-8");
    assert_eq!(partner.lines().count(), 2, "{partner}");
    let xlsx = w.get(&format!("{base}/export?format=xlsx"), &p.staff).await;
    assert_eq!((xlsx.status, &xlsx.raw[..2]), (StatusCode::OK, &b"PK"[..]));
    assert_eq!(w.get(&format!("{base}/export?format=pdf"), &p.staff).await.fields(), ["format"]);
    assert_eq!(w.get(&format!("{base}/export"), &p.dana).await.status, StatusCode::FORBIDDEN);
}
