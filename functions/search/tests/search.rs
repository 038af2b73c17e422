//! Global search over HTTP on a seeded world, the index kept by the search queue's consumer:
//! each person finds exactly what they may open (internal notes only by those serving the
//! tenant, an organization's tickets only by its people, articles by their access level, the
//! system KB from every tenant), typed ahead with typos, filtered, phrased and excluded; saved
//! searches per person; KB suggestions while filing with the deflection figure; and a full
//! rebuild that finds what the events put there.

use axum::http::StatusCode;
use kt_domain::clock::Clock;
use kt_test_support::{Browser, People, Reply, World, people};
use serde_json::{Value, json};

async fn world() -> World {
    kt_test_support::world(kt_fn_tickets::router().merge(kt_fn_search::router())).await
}

fn search_url(tenant: &str) -> String {
    format!("/api/v1/tenants/{tenant}/search")
}

async fn find(w: &World, who: &Browser, tenant: &str, q: &str) -> Reply {
    let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    w.get(&format!("{}?q={q}&counts=true", search_url(tenant)), who).await
}

fn labels(r: &Reply) -> Vec<String> {
    let mut v: Vec<String> = r.body["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.body))
        .iter()
        .map(|h| format!("{}:{}", h["kind"].as_str().unwrap(), h["title_html"].as_str().unwrap()))
        .collect();
    v.sort();
    v
}

async fn file(w: &World, who: &Browser, body: Value) -> String {
    let r = w.post(&format!("/api/v1/tenants/{}/tickets", w.acme_id), who, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["id"].as_str().unwrap().to_owned()
}

async fn article(w: &World, who: &Browser, tenant: &str, title: &str, body: &str, access: Value) -> String {
    let base = format!("/api/v1/tenants/{tenant}/kb/articles");
    let r = w.post(&base, who, json!({"title": title, "body": body, "access": access})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let etag = r.etag.clone().unwrap();
    let p = w.send("POST", &format!("{base}/{id}/publish"), who, None, &[("if-match", &etag)]).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    id
}

/// Globex's ticket with a public reply and an internal note, Initech's ticket, four articles.
async fn scene(w: &World, p: &People) -> String {
    let globex = file(
        w,
        &p.dana,
        json!({"subject": "Password reset email never arrives", "description": "Tried three times since Monday.", "priority": "high", "category": "technical_support", "tags": ["login"]}),
    )
    .await;
    let msgs = format!("/api/v1/tenants/{}/tickets/{globex}/messages", w.acme_id);
    let r = w.post(&msgs, &p.sam, json!({"body": "Looking into the mail relay now.", "internal": false})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r =
        w.post(&msgs, &p.sam, json!({"body": "Zebrafish plan: their SPF record is wrong.", "internal": true})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    w.clock.advance(time::Duration::minutes(1));
    file(
        w,
        &p.pat,
        json!({"org_id": w.initech_id, "subject": "Invoice total looks wrong", "description": "Initech billing question", "priority": "low", "category": "billing"}),
    )
    .await;
    article(
        w,
        &p.pat,
        &w.acme_id,
        "Resetting your password",
        "Open Sign in and choose Forgot password.",
        json!({"level": "partner"}),
    )
    .await;
    article(
        w,
        &p.pat,
        &w.acme_id,
        "Globex password policy",
        "Passwords rotate quarterly.",
        json!({"level": "clients", "org_ids": [w.globex_id]}),
    )
    .await;
    article(
        w,
        &p.pat,
        &w.acme_id,
        "Staff password vault",
        "Where the team keeps passwords.",
        json!({"level": "internal"}),
    )
    .await;
    article(
        w,
        &p.avery,
        &w.house_id,
        "Password strength explained",
        "Long passphrases beat symbols.",
        json!({"level": "partner"}),
    )
    .await;
    w.settle().await;
    globex
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_person_finds_exactly_what_they_may_open() {
    let w = world().await;
    let p = people(&w).await;
    scene(&w, &p).await;
    let acme = w.acme_id.clone();

    // Dana (Globex): her ticket, Globex's article, the partner-wide one and the system KB's.
    let dana = find(&w, &p.dana, &acme, "password").await;
    assert_eq!(dana.status, StatusCode::OK, "{}", dana.body);
    assert_eq!(
        labels(&dana),
        [
            "article:<mark>Password</mark> strength explained",
            "article:Globex <mark>password</mark> policy",
            "article:Resetting your <mark>password</mark>",
            "ticket:<mark>Password</mark> reset email never arrives",
        ]
    );
    assert_eq!(dana.body["total"], 4);
    // Olga (Initech): neither Globex's ticket nor its article, nor a count of them.
    let olga = find(&w, &p.olga, &acme, "password").await;
    assert_eq!(
        labels(&olga),
        ["article:<mark>Password</mark> strength explained", "article:Resetting your <mark>password</mark>"]
    );
    assert_eq!(olga.body["total"], 2);
    assert_eq!(olga.body["kinds"], json!([{"kind": "article", "count": 2}]));
    // Internal notes: staff find them, clients never (not even as a count).
    assert_eq!(find(&w, &p.dana, &acme, "zebrafish").await.body["total"], 0);
    let sam = find(&w, &p.sam, &acme, "zebrafish").await;
    assert_eq!(labels(&sam), ["ticket:Password reset email never arrives"]);
    assert!(sam.body["hits"][0]["snippet_html"].as_str().unwrap().contains("<mark>Zebrafish</mark>"));
    // Partner staff see every ticket and the internal article; the partner sees the same.
    let pat = find(&w, &p.pat, &acme, "password").await;
    assert!(labels(&pat).contains(&"article:Staff <mark>password</mark> vault".to_owned()), "{:?}", labels(&pat));
    assert!(!labels(&find(&w, &p.dana, &acme, "vault").await).iter().any(|l| l.contains("vault")));
    // Kre8ivTech's staff search a partner's tenant; Drew (a direct client) cannot.
    assert_eq!(find(&w, &p.staff, &acme, "zebrafish").await.body["total"], 1);
    assert_eq!(find(&w, &p.drew, &acme, "password").await.status, StatusCode::NOT_FOUND);
    assert_eq!(find(&w, &p.pat, &w.house_id, "password").await.status, StatusCode::NOT_FOUND);
    // Drew in his own tenant: the system KB's partner article is for partners' people only.
    assert_eq!(find(&w, &p.drew, &w.house_id, "strength").await.body["total"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_ahead_with_typos_phrases_exclusions_and_filters() {
    let w = world().await;
    let p = people(&w).await;
    scene(&w, &p).await;
    let acme = w.acme_id.clone();
    for typed in ["p", "pa", "pass", "pasword", "passwrod"] {
        let r = find(&w, &p.dana, &acme, typed).await;
        assert!(r.body["total"].as_u64().unwrap() >= 4, "{typed}: {}", r.body);
    }
    let t = |r: &Reply| r.body["total"].as_u64().unwrap();
    assert_eq!(t(&find(&w, &p.pat, &acme, "\"reset email\"").await), 1);
    assert_eq!(t(&find(&w, &p.pat, &acme, "\"email reset\"").await), 0);
    assert_eq!(t(&find(&w, &p.pat, &acme, "password -vault -strength").await), 3);
    assert_eq!(t(&find(&w, &p.pat, &acme, "type:ticket priority:high").await), 1);
    assert_eq!(t(&find(&w, &p.pat, &acme, "type:ticket org:initech").await), 1);
    assert_eq!(t(&find(&w, &p.pat, &acme, "type:ticket tag:login").await), 1);
    assert_eq!(t(&find(&w, &p.pat, &acme, "from:dana type:ticket").await), 1);
    assert_eq!(t(&find(&w, &p.pat, &acme, "relay").await), 1, "public replies are searched");
    let today = w.clock.now().date();
    assert_eq!(t(&find(&w, &p.pat, &acme, &format!("type:ticket after:{today}")).await), 2);
    assert_eq!(t(&find(&w, &p.pat, &acme, &format!("type:ticket before:{today}")).await), 0);
    // Faults name the parameter; bad parameters too.
    let bad = find(&w, &p.pat, &acme, "status:sideways").await;
    assert_eq!((bad.status, bad.fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["q".to_owned()]), "{}", bad.body);
    let base = search_url(&acme);
    assert_eq!(w.get(&format!("{base}?q=x&limit=0"), &p.pat).await.fields(), ["limit"]);
    assert_eq!(w.get(&format!("{base}?q=x&order=sideways"), &p.pat).await.fields(), ["order"]);
    assert_eq!(w.get(&format!("{base}?q=x&type=tickets"), &p.pat).await.fields(), ["type"]);
    assert_eq!(w.get(&format!("{base}?q=x&colour=red"), &p.pat).await.status, StatusCode::BAD_REQUEST);
    // Newest first, paged.
    let r = w.get(&format!("{base}?type=ticket&order=newest&limit=1"), &p.pat).await;
    assert_eq!((r.body["total"].as_u64(), r.body["hits"].as_array().unwrap().len()), (Some(2), 1));
    assert_eq!(r.body["hits"][0]["label"], "ACME-1002");
    let r = w.get(&format!("{base}?type=ticket&order=newest&limit=1&offset=1"), &p.pat).await;
    assert_eq!(r.body["hits"][0]["label"], "ACME-1001");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_reach_the_index_and_a_rebuild_finds_the_same() {
    let w = world().await;
    let p = people(&w).await;
    let id = scene(&w, &p).await;
    let acme = w.acme_id.clone();
    let url = format!("/api/v1/tenants/{acme}/tickets/{id}");
    let current = w.get(&url, &p.sam).await;
    let etag = current.etag.clone().unwrap();
    let r = w
        .send("PATCH", &url, &p.sam, Some(json!({"subject": "Magic link email delayed"})), &[("if-match", &etag)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    w.settle().await;
    assert_eq!(find(&w, &p.dana, &acme, "magic").await.body["total"], 1);
    assert_eq!(find(&w, &p.dana, &acme, "type:ticket arrives").await.body["total"], 0, "the old subject is gone");

    // Organizations and people are searchable by those who manage them.
    let org = w.post(&format!("/api/v1/tenants/{acme}/orgs"), &p.pat, json!({"name": "Umbrella Holdings"})).await;
    assert_eq!(org.status, StatusCode::CREATED, "{}", org.body);
    w.settle().await;
    assert_eq!(labels(&find(&w, &p.sam, &acme, "umbrela").await), ["organization:<mark>Umbrella</mark> Holdings"]);
    assert_eq!(find(&w, &p.dana, &acme, "umbrella").await.body["total"], 0);
    assert_eq!(find(&w, &p.pat, &acme, "type:user olga").await.body["total"], 1);
    assert_eq!(find(&w, &p.dana, &acme, "type:user olga").await.body["total"], 0);

    let before: Vec<Value> = futures_totals(&w, &p, &acme).await;
    let report = kt_app::search::reindex::rebuild(w.state()).await.expect("rebuild");
    assert!(report.documents >= 10, "{report:?}");
    assert_eq!(futures_totals(&w, &p, &acme).await, before, "a rebuild finds what the events put there");
}

async fn futures_totals(w: &World, p: &People, acme: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for who in [&p.pat, &p.dana, &p.olga, &p.sam] {
        for q in ["password", "magic", "zebrafish", "umbrella", "type:user"] {
            out.push(find(w, who, acme, q).await.body["kinds"].clone());
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_searches_are_each_persons_own() {
    let w = world().await;
    let p = people(&w).await;
    let base = format!("{}/saved", search_url(&w.acme_id));
    let r = w
        .post(
            &base,
            &p.dana,
            json!({"name": "My open tickets", "query": "type:ticket status:open", "types": ["ticket"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(w.post(&base, &p.dana, json!({"name": "my open tickets", "query": "x"})).await.fields(), ["name"]);
    assert_eq!(w.post(&base, &p.dana, json!({"name": "Bad", "query": "status:"})).await.fields(), ["query"]);
    assert_eq!(
        w.post(&base, &p.dana, json!({"name": "Bad", "query": "x", "types": ["cats"]})).await.fields(),
        ["types[0]"]
    );
    assert_eq!(
        w.post(&base, &p.dana, json!({"name": "X", "query": "x", "colour": 1})).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let list = w.get(&base, &p.dana).await;
    assert_eq!(list.body.as_array().unwrap().len(), 1);
    assert_eq!(list.body[0]["query"], "type:ticket status:open");
    assert_eq!(w.get(&base, &p.olga).await.body, json!([]), "another person's are not listed");
    assert_eq!(w.delete(&format!("{base}/{id}"), &p.olga).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.get(&format!("{}/saved", search_url(&w.acme_id)), &p.drew).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.delete(&format!("{base}/{id}"), &p.dana).await.status, StatusCode::NO_CONTENT);
    assert_eq!(w.get(&base, &p.dana).await.body, json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggestions_while_filing_and_the_deflection_figure() {
    let w = world().await;
    let p = people(&w).await;
    scene(&w, &p).await;
    let base = search_url(&w.acme_id);
    let s = w.get(&format!("{base}/suggestions?subject=cannot%20reset%20my%20pasword"), &p.olga).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    let kinds: Vec<&str> = s.body["hits"].as_array().unwrap().iter().map(|h| h["kind"].as_str().unwrap()).collect();
    assert!(!kinds.is_empty() && kinds.iter().all(|k| *k == "article"), "{}", s.body);
    assert_eq!(s.body["hits"][0]["title_html"], "<mark>Resetting</mark> your <mark>password</mark>");
    assert!(!s.body.to_string().contains("Globex"), "never an article she may not read");
    let shown: Vec<Value> = s.body["hits"].as_array().unwrap().iter().map(|h| h["id"].clone()).collect();

    // Three filings that showed suggestions: one opened an article and filed nothing, one filed
    // anyway, one left. Two of three were deflected.
    let filings = format!("{base}/filings");
    let mut ids = Vec::new();
    for _ in 0..3 {
        let r = w.post(&filings, &p.olga, json!({"shown": shown})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    let opened = w.post(&format!("{filings}/{}/opened", ids[0]), &p.olga, json!({"article_id": shown[0]})).await;
    assert_eq!(opened.body["opened"], json!([shown[0]]), "{}", opened.body);
    let other = w
        .post(&format!("{filings}/{}/opened", ids[0]), &p.olga, json!({"article_id": "01JD00000000000000000000G0"}))
        .await;
    assert_eq!(other.fields(), ["article_id"]);
    assert_eq!(
        w.post(&format!("{filings}/{}/opened", ids[0]), &p.dana, json!({"article_id": shown[0]})).await.status,
        StatusCode::NOT_FOUND
    );
    let ticket = file(&w, &p.olga, json!({"subject": "Still cannot reset", "description": "x", "priority": "low", "category": "technical_support"})).await;
    let filed = w.post(&format!("{filings}/{}/filed", ids[1]), &p.olga, json!({"ticket_id": ticket})).await;
    assert_eq!(filed.body["ticket_id"], json!(ticket), "{}", filed.body);
    assert_eq!(w.post(&filings, &p.olga, json!({"shown": []})).await.fields(), ["shown"]);

    // A submitted search that finds no article is counted for the KB's authors.
    let miss = w.get(&format!("{base}?q=quantum%20flux&submitted=true&counts=true"), &p.olga).await;
    assert_eq!(miss.body["total"], 0);
    let f = w.get(&format!("{base}/figures"), &p.pat).await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.body);
    assert_eq!(
        (f.body["filings"].as_u64(), f.body["opened"].as_u64(), f.body["filed"].as_u64()),
        (Some(3), Some(1), Some(1))
    );
    assert!((f.body["deflection"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(f.body["unanswered"], json!([{"words": "quantum flux", "times": 1}]));
    assert_eq!(w.get(&format!("{base}/figures"), &p.sam).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.get(&format!("{base}/figures?month=2026-13x"), &p.pat).await.fields(), ["month"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_key_finds_only_what_its_scopes_read() {
    let w = world().await;
    let p = people(&w).await;
    scene(&w, &p).await;
    let made = w
        .post(
            "/api/v1/auth/api-keys",
            &p.staff,
            json!({"name": "Clients", "kind": "full", "scopes": ["manage_partner_clients"]}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let bearer = format!("Bearer {}", made.body["key"].as_str().unwrap());
    let key = Browser { host: kt_test_support::HOUSE, ..Default::default() };
    let ask = |q: &str| format!("{}?q={q}&counts=true", search_url(&w.acme_id));
    let r = w.send("GET", &ask("password"), &key, None, &[("authorization", &bearer)]).await;
    assert_eq!((r.status, &r.body["total"]), (StatusCode::OK, &json!(0)), "no tickets nor articles: {}", r.body);
    let r = w.send("GET", &ask("globex"), &key, None, &[("authorization", &bearer)]).await;
    let kinds = json!([{"kind": "organization", "count": 1}, {"kind": "user", "count": 1}]);
    assert_eq!(r.body["kinds"], kinds, "the organization and its person, nothing else: {}", r.body);
    // The same person signed in finds the tickets too.
    assert!(find(&w, &p.staff, &w.acme_id, "password").await.body["total"].as_u64().unwrap() >= 4);
}

#[tokio::test]
async fn a_scheduled_article_is_found_by_its_managers_at_once_and_by_readers_when_live() {
    let w = world().await;
    let p = people(&w).await;
    let base = format!("/api/v1/tenants/{}/kb/articles", w.acme_id);
    let made = w
        .post(
            &base,
            &p.pat,
            json!({"title": "Holiday opening hours", "body": "Closed on the 25th.", "access": {"level": "partner"}}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.body["id"].as_str().unwrap().to_owned();
    let at = (w.clock.now() + time::Duration::days(1)).format(&time::format_description::well_known::Rfc3339).unwrap();
    let etag = made.etag.clone().unwrap();
    let r = w
        .send("POST", &format!("{base}/{id}/publish"), &p.pat, Some(json!({"publish_at": at})), &[("if-match", &etag)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    w.settle().await;
    assert_eq!(labels(&find(&w, &p.pat, &w.acme_id, "holiday").await), ["article:<mark>Holiday</mark> opening hours"]);
    for who in [&p.sam, &p.dana] {
        assert!(labels(&find(&w, who, &w.acme_id, "holiday").await).is_empty(), "not live yet");
    }
    w.clock.advance(time::Duration::days(2));
    assert_eq!(labels(&find(&w, &p.dana, &w.acme_id, "holiday").await), ["article:<mark>Holiday</mark> opening hours"]);
}
