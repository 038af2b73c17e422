//! Service requests over HTTP: the eight types of PRD 4.3 from the start, bound to a form with a
//! price field by a super admin; a client (or their partner) asks with the form answered, the
//! submission and the request written together; the client side, the tenant's partner and the
//! house read it; reviewers take it into review or decline it, the client withdraws it; its
//! conversation notifies the other side; the house's pending list spans tenants.

use axum::http::StatusCode;
use kt_test_support::{People, World, people};
use serde_json::{Value, json};

async fn world() -> World {
    kt_test_support::world(kt_fn_tickets::router().merge(kt_fn_notifications::router())).await
}

fn requests(w: &World) -> String {
    format!("/api/v1/tenants/{}/service-requests", w.acme_id)
}

/// A published form pricing a website by its pages; its id.
async fn website_form(w: &World, p: &People) -> String {
    let document = json!({"pages": [{"key": "p", "fields": [
        {"key": "pages", "type": "number", "label": "Pages", "required": true, "decimals": 0},
        {"key": "estimate", "type": "calculated", "label": "Estimate", "formula": "pages * 150 + 500", "decimals": 2}
    ]}]});
    let made = w.post("/api/v1/forms", &p.staff, json!({"name": "Website brief", "document": document})).await;
    let id = made.body["id"].as_str().expect("id").to_owned();
    assert_eq!(w.post(&format!("/api/v1/forms/{id}/publish"), &p.staff, json!(null)).await.status, StatusCode::OK);
    id
}

fn ids(r: &kt_test_support::Reply) -> Vec<String> {
    r.body["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["id"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn types_are_the_prd_s_eight_and_super_admins_bind_forms_to_them() {
    let w = world().await;
    let p = people(&w).await;
    let listed = w.get("/api/v1/service-types", &p.dana).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let names: Vec<&str> = listed.body.as_array().expect("list").iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "New website development",
            "Website maintenance/updates",
            "Hosting setup",
            "Plugin development",
            "SEO services",
            "Design work",
            "Custom integrations",
            "Consulting/strategy"
        ]
    );
    let form = website_form(&w, &p).await;
    let website = &listed.body[0];
    let etag = website["etag"].as_str().expect("etag").to_owned();
    let bind = json!({"name": "New website", "form_id": form, "price_field": "estimate", "position": 1});
    let put = |who, body: Value, etag: String| {
        let w = &w;
        async move { w.send("PUT", "/api/v1/service-types/website", who, Some(body), &[("if-match", etag.as_str())]).await }
    };
    assert_eq!(put(&p.staff, bind.clone(), etag.clone()).await.status, StatusCode::FORBIDDEN, "super admins only");
    let bad = json!({"name": "New website", "form_id": form, "price_field": "nope"});
    assert_eq!(put(&p.avery, bad, etag.clone()).await.fields(), ["price_field"]);
    let empty = json!({"name": "Design", "form_id": "", "price_field": ""});
    assert_eq!(w.post("/api/v1/service-types", &p.avery, empty).await.fields(), ["form_id"], "an empty id is no form");
    let unknown = json!({"name": "New website", "colour": "red"});
    assert_eq!(put(&p.avery, unknown, etag.clone()).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bound = put(&p.avery, bind.clone(), etag.clone()).await;
    assert_eq!(bound.status, StatusCode::OK, "{}", bound.body);
    assert_eq!(put(&p.avery, bind, etag).await.status, StatusCode::PRECONDITION_FAILED, "a stale ETag");

    // Retired types are not offered, but super admins still see them.
    let seo = listed.body[4]["etag"].as_str().expect("etag").to_owned();
    let retire = json!({"name": "SEO services", "active": false, "position": 5});
    assert_eq!(
        w.send("PUT", "/api/v1/service-types/seo", &p.avery, Some(retire), &[("if-match", &seo)]).await.status,
        StatusCode::OK
    );
    let offered = w.get("/api/v1/service-types", &p.dana).await;
    assert_eq!(offered.body.as_array().map(Vec::len), Some(7));
    assert_eq!(offered.body[0]["name"], "New website");
    assert_eq!(w.get("/api/v1/service-types?all=true", &p.avery).await.body.as_array().map(Vec::len), Some(8));
    assert_eq!(w.get("/api/v1/service-types?all=maybe", &p.avery).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn clients_and_partners_ask_with_the_form_and_reviewers_move_requests_on() {
    let w = world().await;
    let p = people(&w).await;
    let form = website_form(&w, &p).await;
    let types = w.get("/api/v1/service-types", &p.avery).await;
    let etag = types.body[0]["etag"].as_str().expect("etag").to_owned();
    let bind = json!({"name": "New website development", "form_id": form, "price_field": "estimate", "position": 1});
    w.send("PUT", "/api/v1/service-types/website", &p.avery, Some(bind), &[("if-match", &etag)]).await;
    let base = requests(&w);

    // Strict input; the form's answers are checked as a submission's.
    let ask = |answers: Value| json!({"service_type": "website", "org_id": w.globex_id, "title": "Relaunch", "answers": answers});
    assert_eq!(
        w.post(&base, &p.dana, json!({"service_type": "website", "org_id": w.globex_id, "title": "x"})).await.fields(),
        ["answers"]
    );
    assert_eq!(w.post(&base, &p.dana, ask(json!({"pages": "many"}))).await.fields(), ["answers.pages"]);
    let extra = json!({"service_type": "website", "org_id": w.globex_id, "title": "x", "answers": {}, "price": 1});
    assert_eq!(w.post(&base, &p.dana, extra).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        w.post(&base, &p.dana, json!({"service_type": "teleport", "org_id": w.globex_id, "title": "x"})).await.fields(),
        ["service_type"]
    );
    let for_initech = json!({"service_type": "maintenance", "org_id": w.initech_id, "title": "Not mine"});
    assert_eq!(w.post(&base, &p.dana, for_initech.clone()).await.status, StatusCode::NOT_FOUND, "another organization");
    assert_eq!(w.post(&base, &p.drew, for_initech).await.status, StatusCode::NOT_FOUND, "another tenant's client");

    // Dana asks; the estimate comes from the form; a retry answers the same request.
    let key = [("idempotency-key", "relaunch-1")];
    let first = w.send("POST", &base, &p.dana, Some(ask(json!({"pages": "8"}))), &key).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!((first.body["status"].as_str(), first.body["estimate"].as_str()), (Some("submitted"), Some("1700.00")));
    let id = first.body["id"].as_str().expect("id").to_owned();
    assert_eq!(first.body["submission_id"].as_str(), Some(id.as_str()), "the submission's id");
    let again = w.send("POST", &base, &p.dana, Some(ask(json!({"pages": "8"}))), &key).await;
    assert_eq!((again.status, again.body["id"].as_str()), (StatusCode::CREATED, Some(id.as_str())));
    let sub = w.get(&format!("/api/v1/tenants/{}/forms/{form}/submissions/{id}", w.acme_id), &p.pat).await;
    assert_eq!(sub.body["values"]["estimate"], "1700.00", "{}", sub.body);

    // Pat asks for Initech, Sam for Globex: partners and their staff ask for their clients.
    let maint = |org: &str, title: &str| json!({"service_type": "maintenance", "org_id": org, "title": title});
    let pats = w.post(&base, &p.pat, maint(&w.initech_id, "Plugin updates")).await;
    assert_eq!(pats.status, StatusCode::CREATED, "{}", pats.body);
    let sams = w.post(&base, &p.sam, maint(&w.globex_id, "Broken form")).await;
    assert_eq!(sams.status, StatusCode::CREATED, "{}", sams.body);
    let (pats, sams) =
        (pats.body["id"].as_str().expect("id").to_owned(), sams.body["id"].as_str().expect("id").to_owned());

    // Who reads what: the organization's people theirs, the tenant's side all, the house all.
    assert_eq!(ids(&w.get(&base, &p.dana).await), [sams.clone(), id.clone()]);
    assert_eq!(ids(&w.get(&base, &p.olga).await), [pats.clone()]);
    assert_eq!(ids(&w.get(&base, &p.pat).await), [sams.clone(), pats.clone(), id.clone()]);
    assert_eq!(ids(&w.get(&format!("{base}?org_id={}", w.initech_id), &p.sam).await), [pats.clone()]);
    assert_eq!(w.get(&format!("{base}?org_id={}", w.initech_id), &p.dana).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.get(&format!("{base}?status=open"), &p.pat).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(w.get(&format!("{base}/{pats}"), &p.dana).await.status, StatusCode::NOT_FOUND);
    let pending = w.get("/api/v1/service-requests/pending", &p.staff).await;
    assert_eq!(pending.body.as_array().map(Vec::len), Some(3), "{}", pending.body);
    assert_eq!(w.get("/api/v1/service-requests/pending", &p.pat).await.status, StatusCode::FORBIDDEN);

    // Moves: whose turn it is, under If-Match.
    let one = format!("{base}/{id}");
    let read = w.get(&one, &p.pat).await;
    let etag = read.etag.clone().expect("etag");
    let move_to = |who, status: &str, etag: &str| {
        let (w, one, body) = (&w, one.clone(), json!({"status": status, "note": "Looking at it"}));
        let etag = etag.to_owned();
        async move { w.send("POST", &format!("{one}/status"), who, Some(body), &[("if-match", etag.as_str())]).await }
    };
    assert_eq!(move_to(&p.dana, "in_review", &etag).await.status, StatusCode::CONFLICT, "clients do not review");
    assert_eq!(move_to(&p.pat, "approved", &etag).await.status, StatusCode::CONFLICT, "approval comes with a quote");
    let reviewed = move_to(&p.pat, "in_review", &etag).await;
    assert_eq!(
        (reviewed.status, reviewed.body["status"].as_str()),
        (StatusCode::OK, Some("in_review")),
        "{}",
        reviewed.body
    );
    assert_eq!(move_to(&p.dana, "withdrawn", &etag).await.status, StatusCode::PRECONDITION_FAILED, "a stale ETag");
    let withdrawn = move_to(&p.dana, "withdrawn", reviewed.etag.as_deref().expect("etag")).await;
    assert_eq!(withdrawn.body["status"], "withdrawn", "{}", withdrawn.body);
    let after = withdrawn.etag.clone().expect("etag");
    assert_eq!(move_to(&p.staff, "declined", &after).await.status, StatusCode::CONFLICT, "withdrawn is final");
    let pending = w.get("/api/v1/service-requests/pending", &p.staff).await;
    assert_eq!(pending.body.as_array().map(Vec::len), Some(2), "no longer waiting: {}", pending.body);

    // The conversation: each side hears of the other's comments.
    let talk = format!("{base}/{sams}/activity");
    assert_eq!(w.post(&talk, &p.dana, json!({"body": ""})).await.fields(), ["body"]);
    assert_eq!(w.post(&talk, &p.dana, json!({"body": "Since Monday"})).await.status, StatusCode::CREATED);
    assert_eq!(w.post(&talk, &p.pat, json!({"body": "Fixed, please check"})).await.status, StatusCode::CREATED);
    assert_eq!(w.post(&talk, &p.olga, json!({"body": "Hi"})).await.status, StatusCode::NOT_FOUND);
    w.settle().await;
    assert!(w.notification_titles(&p.pat).await.contains(&"New comment on “Broken form”".to_owned()));
    assert!(w.notification_titles(&p.dana).await.contains(&"New comment on “Broken form”".to_owned()));
    assert!(
        w.notification_titles(&p.staff).await.iter().any(|t| t == "Globex asks for Website maintenance/updates"),
        "{:?}",
        w.notification_titles(&p.staff).await
    );
    let log = w.get(&format!("{base}/{id}/activity"), &p.dana).await;
    let kinds: Vec<&str> =
        log.body["items"].as_array().expect("items").iter().filter_map(|a| a["kind"].as_str()).collect();
    assert_eq!(kinds, ["created", "status", "status"]);
    assert_eq!(log.body["items"][1]["body"], "Looking at it");
    assert!(w.notification_titles(&p.dana).await.contains(&"“Relaunch” is now in review".to_owned()));
}

#[tokio::test]
async fn a_type_that_quotes_by_itself_answers_a_priced_request_with_a_sent_quote() {
    let w = world().await;
    let p = people(&w).await;
    let form = website_form(&w, &p).await;
    let types = w.get("/api/v1/service-types", &p.avery).await;
    let etag = types.body[0]["etag"].as_str().expect("etag").to_owned();
    let put = |body: Value, etag: String| {
        let w = &w;
        let avery = &p.avery;
        async move {
            w.send("PUT", "/api/v1/service-types/website", avery, Some(body), &[("if-match", etag.as_str())]).await
        }
    };
    let unpriced = json!({"name": "New website", "form_id": form, "auto_quote": {"valid_days": 14}});
    assert_eq!(put(unpriced, etag.clone()).await.fields(), ["auto_quote"], "needs a price field");
    let long =
        json!({"name": "New website", "form_id": form, "price_field": "estimate", "auto_quote": {"valid_days": 0}});
    assert_eq!(put(long, etag.clone()).await.fields(), ["auto_quote.valid_days"]);
    let bind =
        json!({"name": "New website", "form_id": form, "price_field": "estimate", "auto_quote": {"valid_days": 14}});
    let bound = put(bind, etag).await;
    assert_eq!(
        (bound.status, &bound.body["auto_quote"]),
        (StatusCode::OK, &json!({"valid_days": 14})),
        "{}",
        bound.body
    );

    // A partner prices its own clients' requests: Dana's is left for review, with its estimate.
    let ask =
        |org: &str| json!({"service_type": "website", "org_id": org, "title": "Relaunch", "answers": {"pages": "4"}});
    let partners = w.post(&requests(&w), &p.dana, ask(&w.globex_id)).await;
    assert_eq!(partners.status, StatusCode::CREATED, "{}", partners.body);
    assert_eq!(
        (partners.body["status"].as_str(), partners.body["estimate"].as_str()),
        (Some("submitted"), Some("1100.00"))
    );

    // Kre8ivTech's own client gets the quote at once.
    let house_requests = format!("/api/v1/tenants/{}/service-requests", w.house_id);
    let r = w.post(&house_requests, &p.drew, ask(&w.direct_id)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_str().expect("id").to_owned();
    assert_eq!((r.body["status"].as_str(), r.body["quote_id"].as_str()), (Some("quoted"), Some(id.as_str())));

    let s = w.state();
    let house = kt_domain::identity::TenantId::try_from(w.house_id.clone()).expect("house");
    let q = kt_store::quotes::get(s.store.as_ref(), &house, &id).await.expect("read").expect("a quote").value;
    assert_eq!(q.status, kt_domain::quote::QuoteStatus::Sent);
    assert_eq!(q.items.len(), 1);
    assert_eq!(q.items[0].line.unit_price.to_string(), "1100.00");
    assert_eq!(q.items[0].line.description, "New website: Relaunch");
    assert_eq!(q.valid_until, s.clock.now().date() + time::Duration::days(14));
    let email = kt_domain::identity::Email::parse("admin@kre8ivtech.test").expect("email");
    let avery = kt_store::accounts::user_by_email(s.store.as_ref(), &house, &email).await.expect("read");
    assert_eq!(avery, Some(q.created_by.clone()), "written in the name of who switched it on");
    w.settle().await;
    assert!(w.notification_titles(&p.drew).await.contains(&"Quote “Relaunch” is ready".to_owned()));
    let log = w.get(&format!("{house_requests}/{id}/activity"), &p.drew).await;
    let kinds: Vec<&str> =
        log.body["items"].as_array().expect("items").iter().filter_map(|a| a["kind"].as_str()).collect();
    assert_eq!(kinds, ["created", "status"]);
}
