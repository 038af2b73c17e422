//! The tickets API in-process on a seeded SQLite world: filing (numbers, queue positions,
//! idempotent retries, field errors that write nothing), reading with ETags, edits under
//! If-Match and the status rules, lists with filters and counts, the conversation with
//! internal notes kept from clients on every read path, replies moving tickets in and out of
//! the queue, first-response history, the staff queue, and tenant isolation.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filing_reading_and_the_queue_position() {
    let w = world().await;
    let p = people(&w).await;
    let first = w.file(&p.dana, "Contact form broken", "high").await;
    assert_eq!(first["number"], "ACME-1001");
    assert_eq!(first["status"], "new");
    assert_eq!(first["queue"]["label"], "#1 of 1 in the High queue");
    assert_eq!(first["queue"]["estimate"]["basis"], "sla_target");
    assert_eq!(first["queue"]["estimate"]["high_secs"], 4 * 3600);
    assert_eq!(first["description_html"], "<p>It <strong>broke</strong>.</p>\n");
    let second = w.file(&p.dana, "Logo blurry", "high").await;
    assert_eq!(second["number"], "ACME-1002");
    assert_eq!(second["queue"]["label"], "#2 of 2 in the High queue");

    let r = w.get(&w.ticket(second["id"].as_str().unwrap()), &p.dana).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.etag.as_deref(), Some("\"1\""));
    let pos = w.get(&format!("{}/position", w.ticket(second["id"].as_str().unwrap())), &p.dana).await;
    assert_eq!((pos.body["queue"]["position"].as_u64(), pos.body["queue"]["length"].as_u64()), (Some(2), Some(2)));

    // A partner files for a client organization, naming it.
    let body = json!({"org_id": w.initech_id, "subject": "Hosting renewal", "description": "Renew", "priority": "low", "category": "billing"});
    let by_partner = w.post(&w.tickets(), &p.pat, body).await;
    assert_eq!(by_partner.status, StatusCode::CREATED, "{}", by_partner.body);
    assert_eq!(by_partner.body["queue"]["label"], "#1 of 1 in the Low queue");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_names_every_field_and_writes_nothing() {
    let w = world().await;
    let p = people(&w).await;
    w.relay().await;
    let bad =
        json!({"subject": "  ", "description": "", "priority": "urgent", "category": "cats", "tags": ["no spaces"]});
    let r = w.post(&w.tickets(), &p.dana, bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let mut fields = r.fields();
    fields.sort();
    assert_eq!(fields, ["category", "description", "priority", "subject", "tags"], "{}", r.body);
    let bad =
        json!({"subject": "  ", "description": "", "priority": "low", "category": "billing", "tags": ["no spaces"]});
    let r = w.post(&w.tickets(), &p.dana, bad).await;
    let mut fields = r.fields();
    fields.sort();
    assert_eq!(fields, ["description", "subject", "tags"], "{}", r.body);
    let r = w.post(&w.tickets(), &p.dana, json!({"subject": "x"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["description"], "{}", r.body);
    // A partner must say which organization.
    let r = w
        .post(
            &w.tickets(),
            &p.pat,
            json!({"subject": "x", "description": "y", "priority": "low", "category": "billing"}),
        )
        .await;
    assert_eq!(r.fields(), ["org_id"], "{}", r.body);
    let list = w.get(&w.tickets(), &p.pat).await;
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(0), "nothing was filed");
    assert_eq!(w.relay().await, 0, "no event was recorded");
    // The next good ticket still gets the first number.
    assert_eq!(w.file(&p.dana, "Now right", "low").await["number"], "ACME-1001");

    let bad_filter = w.get(&format!("{}?status=lost&created_from=yesterday", w.tickets()), &p.pat).await;
    assert_eq!(bad_filter.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = bad_filter.fields();
    fields.sort();
    assert_eq!(fields, ["created_from", "status"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_with_an_idempotency_key_file_once() {
    let w = world().await;
    let p = people(&w).await;
    let body = json!({"subject": "Once", "description": "Only once", "priority": "medium", "category": "billing"});
    let key = [("idempotency-key", "file-once-1")];
    let a = w.send("POST", &w.tickets(), &p.dana, Some(body.clone()), &key).await;
    let b = w.send("POST", &w.tickets(), &p.dana, Some(body), &key).await;
    assert_eq!((a.status, b.status), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(a.body["id"], b.body["id"]);
    let other = json!({"subject": "Different", "description": "Body", "priority": "medium", "category": "billing"});
    let c = w.send("POST", &w.tickets(), &p.dana, Some(other), &key).await;
    assert_eq!(c.status, StatusCode::UNPROCESSABLE_ENTITY);
    let list = w.get(&w.tickets(), &p.dana).await;
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_follow_the_rules_and_if_match() {
    let w = world().await;
    let p = people(&w).await;
    let t = w.file(&p.dana, "Slow site", "medium").await;
    let url = w.ticket(t["id"].as_str().unwrap());

    // Clients do not manage tickets.
    let r = w.send("PATCH", &url, &p.dana, Some(json!({"priority": "critical"})), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = w
        .send("PATCH", &url, &p.sam, Some(json!({"priority": "high", "tags": ["Speed"]})), &[("if-match", "\"1\"")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.etag.as_deref(), Some("\"2\""));
    assert_eq!(r.body["priority"], "high");
    assert_eq!(r.body["tags"], json!(["speed"]));
    assert_eq!(r.body["queue"]["label"], "#1 of 1 in the High queue", "escalated into the High queue");

    // A stale version loses, and changes nothing.
    let stale = w.send("PATCH", &url, &p.pat, Some(json!({"subject": "Renamed"})), &[("if-match", "\"1\"")]).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(w.get(&url, &p.pat).await.body["subject"], "Slow site");

    // Transitions are checked; nothing goes back to New.
    let r = w.send("PATCH", &url, &p.pat, Some(json!({"status": "new"})), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "same status is no change");
    let r = w.send("PATCH", &url, &p.pat, Some(json!({"status": "resolved"})), &[]).await;
    assert_eq!(r.body["status"], "resolved");
    assert!(r.body["queue"].is_null(), "resolved tickets are out of the queue");
    assert!(r.body["resolved_at"].is_string());
    let r = w.send("PATCH", &url, &p.pat, Some(json!({"status": "in_progress"})), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["status"]);

    // Assignment to someone who can work it; not to a client.
    let me = w.get("/api/v1/me", &p.staff).await;
    let staff_id = me.body["user"]["id"].as_str().unwrap().to_owned();
    let dana_id = w.get("/api/v1/me", &p.dana).await.body["user"]["id"].as_str().unwrap().to_owned();
    let r = w.send("PATCH", &url, &p.staff, Some(json!({"assignee_id": dana_id})), &[]).await;
    assert_eq!(r.fields(), ["assignee_id"], "{}", r.body);
    let r = w.send("PATCH", &url, &p.staff, Some(json!({"assignee_id": staff_id})), &[]).await;
    assert_eq!(r.body["assignee_id"], staff_id.as_str());
    let r = w.send("PATCH", &url, &p.staff, Some(json!({"assignee_id": null})), &[]).await;
    assert!(r.body["assignee_id"].is_null());
    let r = w.send("PATCH", &url, &p.staff, Some(json!({"bogus": 1})), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "unknown fields are refused");

    let activity = w.get(&format!("{url}/activity"), &p.pat).await;
    let kinds: Vec<&str> =
        activity.body["items"].as_array().unwrap().iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "priority", "tags", "status", "assignee", "assignee"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_notes_never_reach_clients_and_replies_move_the_queue() {
    let w = world().await;
    let p = people(&w).await;
    let t = w.file(&p.dana, "Email bounce", "high").await;
    let behind = w.file(&p.dana, "Second", "high").await;
    let url = w.ticket(t["id"].as_str().unwrap());
    let msgs = format!("{url}/messages");

    // Clients cannot write notes.
    let r = w.post(&msgs, &p.dana, json!({"body": "psst", "internal": true})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let note = w
        .post(&msgs, &p.sam, json!({"body": "Client is on the old plan <script>x()</script>", "internal": true}))
        .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.body);
    assert!(!note.body["message"]["html"].as_str().unwrap().contains("<script"));
    assert_eq!(note.body["ticket"]["status"], "new", "notes move nothing");

    // Staff answer in public: the client's turn; the ticket leaves the queue, the one behind moves up.
    let answer = w.post(&msgs, &p.staff, json!({"body": "Could you send the bounce message?"})).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(answer.body["ticket"]["status"], "pending_client");
    assert!(answer.body["ticket"]["first_response_at"].is_string());
    let b = w.get(&format!("{}/position", w.ticket(behind["id"].as_str().unwrap())), &p.dana).await;
    assert_eq!(b.body["queue"]["label"], "#1 of 1 in the High queue");

    // The client answers: back in the queue, at the back.
    let back = w.post(&msgs, &p.dana, json!({"body": "Here it is."})).await;
    assert_eq!(back.body["ticket"]["status"], "open");
    assert_eq!(back.body["ticket"]["queue"]["label"], "#2 of 2 in the High queue");

    // Every read path: the conversation, the activity log, the ticket, the list.
    for (who, sees_note) in [(&p.dana, false), (&p.pat, true), (&p.sam, true), (&p.staff, true)] {
        let m = w.get(&msgs, who).await;
        assert_eq!(m.status, StatusCode::OK);
        let items = m.body["items"].as_array().unwrap();
        assert_eq!(items.iter().any(|m| m["internal"] == true), sees_note, "{}", m.body);
        assert_eq!(m.body.to_string().contains("old plan"), sees_note);
        let a = w.get(&format!("{url}/activity"), who).await;
        assert_eq!(a.body.to_string().contains("\"note\""), sees_note, "{}", a.body);
    }
    for path in [url.clone(), w.tickets()] {
        assert!(!w.get(&path, &p.dana).await.body.to_string().contains("old plan"), "{path}");
    }
    // Closed tickets take no replies.
    w.send("PATCH", &url, &p.pat, Some(json!({"status": "closed"})), &[]).await;
    let r = w.post(&msgs, &p.dana, json!({"body": "One more thing"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = w.post(&msgs, &p.dana, json!({"body": "   "})).await;
    assert_eq!(r.fields(), ["body"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_responses_become_the_estimate() {
    let w = world().await;
    let p = people(&w).await;
    // Six tickets answered as they come: history enough for an estimate from it.
    for i in 0..6 {
        let t = w.file(&p.dana, &format!("T{i}"), "critical").await;
        let msgs = format!("{}/messages", w.ticket(t["id"].as_str().unwrap()));
        assert_eq!(
            w.post(&msgs, &p.staff, json!({"body": "On it", "status": "in_progress"})).await.status,
            StatusCode::CREATED
        );
    }
    let waiting = w.file(&p.dana, "Waiting", "critical").await;
    assert_eq!(waiting["queue"]["estimate"]["basis"], "history", "{}", waiting["queue"]);
    let low = waiting["queue"]["estimate"]["low_secs"].as_u64().unwrap();
    let high = waiting["queue"]["estimate"]["high_secs"].as_u64().unwrap();
    assert!(low <= high && high <= 3600, "answered at once: minutes, not the SLA hour ({low}..{high})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_filters_counts_and_the_staff_queue() {
    let w = world().await;
    let p = people(&w).await;
    let a = w.file(&p.dana, "Globex one", "high").await;
    w.file(&p.dana, "Globex two", "low").await;
    w.file(&p.olga, "Initech one", "high").await;
    w.send("PATCH", &w.ticket(a["id"].as_str().unwrap()), &p.pat, Some(json!({"status": "in_progress"})), &[]).await;

    let subjects = |r: &Reply| -> Vec<String> {
        r.body["items"].as_array().unwrap().iter().map(|t| t["subject"].as_str().unwrap().to_owned()).collect()
    };
    // Newest first; partners see the whole tenant, clients their organization.
    assert_eq!(subjects(&w.get(&w.tickets(), &p.pat).await), ["Initech one", "Globex two", "Globex one"]);
    assert_eq!(subjects(&w.get(&w.tickets(), &p.dana).await), ["Globex two", "Globex one"]);
    assert_eq!(subjects(&w.get(&w.tickets(), &p.olga).await), ["Initech one"]);
    assert_eq!(
        subjects(&w.get(&format!("{}?priority=high", w.tickets()), &p.sam).await),
        ["Initech one", "Globex one"]
    );
    assert_eq!(
        subjects(&w.get(&format!("{}?status=new,open", w.tickets()), &p.pat).await),
        ["Initech one", "Globex two"]
    );
    let page = w.get(&format!("{}?limit=2", w.tickets()), &p.pat).await;
    assert_eq!(subjects(&page), ["Initech one", "Globex two"]);
    let next =
        w.get(&format!("{}?limit=2&cursor={}", w.tickets(), page.body["next_cursor"].as_str().unwrap()), &p.pat).await;
    assert_eq!(subjects(&next), ["Globex one"]);
    assert!(next.body["next_cursor"].is_null());
    // By number: the one ticket, for those who may see it; other prefixes and unused numbers
    // find nothing; text that is no number is refused naming the field.
    let number = a["number"].as_str().unwrap().to_owned();
    let digits = number.rsplit('-').next().unwrap().to_owned();
    assert_eq!(subjects(&w.get(&format!("{}?number={number}", w.tickets()), &p.pat).await), ["Globex one"]);
    assert_eq!(subjects(&w.get(&format!("{}?number={digits}", w.tickets()), &p.dana).await), ["Globex one"]);
    assert!(subjects(&w.get(&format!("{}?number={number}", w.tickets()), &p.olga).await).is_empty());
    assert!(subjects(&w.get(&format!("{}?number={number}&status=closed", w.tickets()), &p.pat).await).is_empty());
    assert!(subjects(&w.get(&format!("{}?number=KT-{digits}", w.tickets()), &p.pat).await).is_empty());
    for none in ["ACME-9999", "ACME-999", "1000"] {
        assert!(subjects(&w.get(&format!("{}?number={none}", w.tickets()), &p.pat).await).is_empty(), "{none}");
    }
    let bad = w.get(&format!("{}?number=soon", w.tickets()), &p.pat).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), ["number"], "{}", bad.body);
    let positions = w.get(&format!("{}?with_positions=true&status=new", w.tickets()), &p.pat).await;
    assert_eq!(positions.body["items"][0]["queue"]["label"], "#1 of 1 in the High queue");

    // Counts: the tenant's for those who manage, an organization's for its client.
    let c = w.get(&format!("{}/counts", w.tickets()), &p.pat).await;
    assert_eq!(c.body["total"], 3);
    assert_eq!(c.body["by_status"]["in_progress"], 1);
    assert_eq!(c.body["by_priority"]["high"], 2);
    assert_eq!(w.get(&format!("{}/counts", w.tickets()), &p.dana).await.status, StatusCode::NOT_FOUND);
    let org = a["org_id"].as_str().unwrap();
    let mine = w.get(&format!("{}/counts?org_id={org}", w.tickets()), &p.dana).await;
    assert_eq!((mine.body["total"].as_i64(), mine.body["by_status"]["new"].as_i64()), (Some(2), Some(1)));
    assert_eq!(w.get(&format!("{}/counts?org_id={org}", w.tickets()), &p.olga).await.status, StatusCode::NOT_FOUND);

    // The staff queue spans tenants, in order; nobody else reaches it.
    let house_client =
        json!({"subject": "House client", "description": "x", "priority": "high", "category": "billing"});
    let r = w.post(&format!("/api/v1/tenants/{}/tickets", w.house_id), &p.drew, house_client).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let q = w.get("/api/v1/queue?priority=high", &p.staff).await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.body);
    assert_eq!(subjects(&q), ["Initech one", "House client"]);
    assert_eq!(q.body["items"][1]["queue"]["label"], "#2 of 2 in the High queue");
    assert_eq!(q.body["items"][1]["number"], "KT-1001");
    for who in [&p.pat, &p.sam, &p.dana, &p.drew] {
        assert_eq!(w.get("/api/v1/queue?priority=high", who).await.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(w.get("/api/v1/queue?priority=soon", &p.staff).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Every tab's count from the start, most urgent first; staff only.
    let misspelt = w.get("/api/v1/queue/lengths?priorty=high", &p.staff).await;
    assert_eq!((misspelt.status, misspelt.fields()), (StatusCode::BAD_REQUEST, vec!["priorty".to_owned()]));
    let lengths = w.get("/api/v1/queue/lengths", &p.staff).await;
    assert_eq!(lengths.status, StatusCode::OK, "{}", lengths.body);
    let items = lengths.body["items"].as_array().expect("items");
    let pairs: Vec<(&str, u64)> =
        items.iter().map(|i| (i["priority"].as_str().unwrap(), i["length"].as_u64().unwrap())).collect();
    let high = pairs.iter().find(|(p, _)| *p == "high").expect("high").1;
    assert_eq!(high, 2);
    assert_eq!(pairs.first().map(|p| p.0), Some("critical"), "{pairs:?}");
    assert_eq!(pairs.len(), 4);
    for who in [&p.pat, &p.sam, &p.dana, &p.drew] {
        assert_eq!(w.get("/api/v1/queue/lengths", who).await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_tenants_and_organizations_see_nothing() {
    let w = world().await;
    let p = people(&w).await;
    let t = w.file(&p.dana, "Private", "high").await;
    let url = w.ticket(t["id"].as_str().unwrap());
    // Another organization's client of the same tenant.
    for path in [url.clone(), format!("{url}/messages"), format!("{url}/activity"), format!("{url}/position")] {
        assert_eq!(w.get(&path, &p.olga).await.status, StatusCode::NOT_FOUND, "{path}");
        // A house client, on the house portal with Acme's ids.
        assert_eq!(w.get(&path, &p.drew).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(w.post(&format!("{url}/messages"), &p.olga, json!({"body": "hi"})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        w.send("PATCH", &url, &p.drew, Some(json!({"status": "closed"})), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let filed = w
        .post(
            &w.tickets(),
            &p.drew,
            json!({"subject": "x", "description": "y", "priority": "low", "category": "billing"}),
        )
        .await;
    assert_eq!(filed.status, StatusCode::NOT_FOUND);
    // House staff see every tenant's tickets.
    assert_eq!(w.get(&url, &p.staff).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_levels_over_http() {
    let w = world().await;
    let p = people(&w).await;
    let admin = w.sign_in(HOUSE, "admin@kre8ivtech.test", "Kre8iv-Demo-Admin-2026").await;
    let day = |s: &str, e: &str| json!([{"start": s, "end": e}]);
    let t = |f: i64, r: i64| json!({"first_response_minutes": f, "resolution_minutes": r});
    let policy = json!({
        "name": "Acme office hours",
        "targets": {"low": t(1440, 7200), "medium": t(480, 4320), "high": t(240, 1440), "critical": t(60, 480)},
        "calendar": {"name": "Berlin", "time_zone": "Europe/Berlin",
            "weekly": [day("09:00", "17:00"), day("09:00", "17:00"), day("09:00", "17:00"), day("09:00", "17:00"), day("09:00", "15:00"), [], []],
            "holidays": ["2026-12-25"]},
        "warn_percent": 75,
        "on_breach": [{"action": "notify"}, {"action": "raise_priority"}],
    });
    let url = format!("/api/v1/tenants/{}/sla/policy", w.acme_id);
    // Partners read the levels they work to but do not set them.
    assert_eq!(w.send("PUT", &url, &p.pat, Some(policy.clone()), &[]).await.status, StatusCode::FORBIDDEN);
    let set = w.send("PUT", &url, &admin, Some(policy.clone()), &[]).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let read = w.get(&url, &p.pat).await;
    assert_eq!((read.body["scope"].as_str(), read.body["own"].as_bool()), (Some("tenant"), Some(true)));
    assert_eq!(read.body["policy"]["calendar"]["weekly"][4][0]["end"], "15:00");
    assert_eq!(read.body["policy"]["targets"]["high"]["first_response_minutes"], 240);
    // An organization without its own policy shows the tenant's.
    let org = w.get(&format!("{url}?org_id={}", w.initech_id), &p.pat).await;
    assert_eq!((org.body["scope"].as_str(), org.body["own"].as_bool()), (Some("tenant"), Some(false)));
    assert_eq!(w.get(&url, &p.dana).await.status, StatusCode::NOT_FOUND);

    let mut bad = policy.clone();
    bad["calendar"]["weekly"][0] = day("9am", "17:00");
    bad["calendar"]["holidays"] = json!(["Christmas"]);
    bad["on_breach"] = json!([{"action": "panic"}]);
    let r = w.send("PUT", &url, &admin, Some(bad), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.fields(), ["calendar.weekly[0]", "calendar.holidays[0]", "on_breach[0]"]);
    assert_eq!(w.get(&url, &p.pat).await.body["policy"]["name"], "Acme office hours", "unchanged");

    // Tickets carry their clocks for those who work them, not for clients.
    let filed = w.file(&p.dana, "Clocked", "high").await;
    let turl = w.ticket(filed["id"].as_str().unwrap());
    let staff_view = w.get(&turl, &p.pat).await;
    assert_eq!(staff_view.body["sla"]["policy"], "Acme office hours");
    assert_eq!(staff_view.body["sla"]["first_response"]["target_secs"], 4 * 3600);
    assert!(staff_view.body["sla"]["first_response_due_at"].is_string());
    assert!(w.get(&turl, &p.dana).await.body.get("sla").is_none(), "clients do not see SLA clocks");

    let month = time::OffsetDateTime::now_utc();
    let m = format!("{:04}-{:02}", month.year(), month.month() as u8);
    let msgs = format!("{turl}/messages");
    assert_eq!(w.post(&msgs, &p.staff, json!({"body": "On it"})).await.status, StatusCode::CREATED);
    let c = w.get(&format!("/api/v1/tenants/{}/sla/compliance?from={m}&to={m}", w.acme_id), &p.pat).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.body);
    let first = c.body.as_array().unwrap().iter().find(|r| r["clock"] == "first").cloned().unwrap();
    assert_eq!((first["met"].as_i64(), first["percent"].as_f64()), (Some(1), Some(100.0)));
    // The period is required: leaving it out is a query the route cannot read.
    let missing = w.get(&format!("/api/v1/tenants/{}/sla/compliance", w.acme_id), &p.pat).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.body["errors"][0]["field"], "from", "{}", missing.body);
    assert_eq!(w.get(&format!("/api/v1/sla/compliance?from={m}&to={m}"), &p.pat).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.get(&format!("/api/v1/sla/compliance?from={m}&to={m}"), &p.staff).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn time_entries_are_for_kre8ivtech_staff_only() {
    let w = world().await;
    let p = people(&w).await;
    let admin = w.sign_in(HOUSE, "admin@kre8ivtech.test", "Kre8iv-Demo-Admin-2026").await;
    let t = w.file(&p.dana, "Slow checkout", "medium").await;
    let url = format!("{}/time-entries", w.ticket(t["id"].as_str().unwrap()));

    let logged = w
        .post(&url, &p.staff, json!({"minutes": 45, "note": "Profiled the checkout", "work_date": "2026-11-30"}))
        .await;
    assert_eq!(logged.status, StatusCode::CREATED, "{}", logged.body);
    assert_eq!((logged.body["minutes"].as_u64(), logged.body["billable"].as_bool()), (Some(45), Some(true)));
    let r = w.post(&url, &admin, json!({"minutes": 15, "billable": false})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let sheet = w.get(&url, &p.staff).await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert_eq!(sheet.body["entries"].as_array().map(Vec::len), Some(2));
    assert_eq!((sheet.body["total_minutes"].as_u64(), sheet.body["billable_minutes"].as_u64()), (Some(60), Some(45)));

    // Partners, partner staff and clients neither read nor log time, nor learn it exists.
    for who in [&p.pat, &p.sam, &p.dana] {
        assert_eq!(w.get(&url, who).await.status, StatusCode::NOT_FOUND);
        assert_eq!(w.post(&url, who, json!({"minutes": 5})).await.status, StatusCode::NOT_FOUND);
        let activity = w.get(&format!("{}/activity", w.ticket(t["id"].as_str().unwrap())), who).await;
        assert_eq!(activity.status, StatusCode::OK);
        assert!(activity.body["items"].as_array().unwrap().iter().all(|a| a["kind"] != "time"), "{}", activity.body);
    }
    let activity = w.get(&format!("{}/activity", w.ticket(t["id"].as_str().unwrap())), &p.staff).await;
    assert_eq!(activity.body["items"].as_array().unwrap().iter().filter(|a| a["kind"] == "time").count(), 2);

    // Bad input names the fields and writes nothing.
    let bad = w.post(&url, &p.staff, json!({"minutes": 0, "work_date": "2999-01-01"})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), ["minutes", "work_date"]);
    let bad = w.post(&url, &p.staff, json!({"minutes": 5, "work_date": "yesterday"})).await;
    assert_eq!((bad.status, bad.fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["work_date".to_owned()]));
    assert_eq!(w.get(&url, &p.staff).await.body["entries"].as_array().map(Vec::len), Some(2));

    // Only the author (or a super admin) removes an entry.
    let entry = format!("{url}/{}", logged.body["id"].as_str().unwrap());
    assert_eq!(w.send("DELETE", &entry, &p.pat, None, &[]).await.status, StatusCode::NOT_FOUND);
    let admins = format!("{url}/{}", r.body["id"].as_str().unwrap());
    assert_eq!(w.send("DELETE", &admins, &p.staff, None, &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.send("DELETE", &entry, &p.staff, None, &[]).await.status, StatusCode::NO_CONTENT);
    assert_eq!(w.send("DELETE", &entry, &p.staff, None, &[]).await.status, StatusCode::NOT_FOUND);
    let sheet = w.get(&url, &admin).await;
    assert_eq!(sheet.body["total_minutes"].as_u64(), Some(15));
}

/// The signed parameters of a local presigned URL (`.../blobs/<key>?op=..&exp=..&sig=..`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_upload_through_presigned_urls_within_the_quota() {
    let w = world().await;
    let p = people(&w).await;
    let admin = w.sign_in(HOUSE, "admin@kre8ivtech.test", "Kre8iv-Demo-Admin-2026").await;
    let t = w.file(&p.dana, "Broken layout", "high").await;
    let url = format!("{}/attachments", w.ticket(t["id"].as_str().unwrap()));
    let file = b"line one\nline two\n";

    // Bad files are refused before any URL exists, naming every field.
    let bad = w.post(&url, &p.dana, json!({"filename": "", "content_type": "text/html", "size": 0})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), ["filename", "content_type", "size"]);
    let huge = w
        .post(&url, &p.dana, json!({"filename": "a.zip", "content_type": "application/zip", "size": 26u64 << 20}))
        .await;
    assert_eq!(huge.fields(), ["size"]);

    // Presign, upload, confirm; the file lists and downloads through a short-lived URL.
    let started = w
        .post(&url, &p.dana, json!({"filename": "../notes.txt", "content_type": "text/plain", "size": file.len()}))
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    assert_eq!(started.body["attachment"]["filename"], "notes.txt");
    assert_eq!(started.body["upload"]["method"], "PUT");
    let id = started.body["attachment"]["id"].as_str().unwrap().to_owned();
    let complete = format!("{url}/{id}/complete");
    let early = w.post(&complete, &p.dana, json!({})).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "nothing uploaded yet");
    assert_eq!(
        w.get(&url, &p.dana).await.body["items"].as_array().map(Vec::len),
        Some(0),
        "pending files are not listed"
    );
    w.upload(started.body["upload"]["url"].as_str().unwrap(), "text/plain", file).await;
    assert_eq!(w.post(&complete, &p.sam, json!({})).await.status, StatusCode::NOT_FOUND, "only the uploader confirms");
    let done = w.post(&complete, &p.dana, json!({})).await;
    assert_eq!((done.status, done.body["ready"].as_bool()), (StatusCode::OK, Some(true)), "{}", done.body);
    assert_eq!(w.post(&complete, &p.dana, json!({})).await.status, StatusCode::OK, "confirming twice is harmless");
    for who in [&p.dana, &p.pat, &p.staff] {
        let list = w.get(&url, who).await;
        assert_eq!(list.body["items"][0]["filename"], "notes.txt", "{}", list.body);
    }
    let dl = w.get(&format!("{url}/{id}/download"), &p.pat).await;
    assert_eq!(dl.status, StatusCode::OK, "{}", dl.body);
    let (bytes, disposition) = w.download(dl.body["url"].as_str().unwrap()).await;
    assert_eq!(&bytes[..], file);
    assert!(disposition.is_some_and(|d| d.contains("notes.txt")));
    // Another organization's client sees neither the list nor the file.
    assert_eq!(w.get(&url, &p.olga).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.get(&format!("{url}/{id}/download"), &p.olga).await.status, StatusCode::NOT_FOUND);

    // The organization's usage counts the file; a quota below usage stops the next upload.
    let org = t["org_id"].as_str().unwrap();
    let storage = format!("/api/v1/tenants/{}/orgs/{org}/storage", w.acme_id);
    assert_eq!(w.get(&storage, &p.pat).await.status, StatusCode::FORBIDDEN, "quotas are for super admins");
    let s = w.get(&storage, &admin).await;
    assert_eq!(
        (s.body["used_bytes"].as_u64(), s.body["limit_bytes"].as_u64()),
        (Some(file.len() as u64), Some(5 << 30))
    );
    let set = w.send("PUT", &storage, &admin, Some(json!({"limit_bytes": 20})), &[]).await;
    assert_eq!((set.status, set.body["limit_bytes"].as_u64()), (StatusCode::OK, Some(20)), "{}", set.body);
    let full = w.post(&url, &p.dana, json!({"filename": "b.txt", "content_type": "text/plain", "size": 3})).await;
    assert_eq!((full.status, full.fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["size".to_owned()]));
    let fits = w.post(&url, &p.dana, json!({"filename": "c.txt", "content_type": "text/plain", "size": 2})).await;
    assert_eq!(fits.status, StatusCode::CREATED, "{}", fits.body);
    let zero = w.send("PUT", &storage, &admin, Some(json!({"limit_bytes": 0})), &[]).await;
    assert_eq!(zero.fields(), ["limit_bytes"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_over_http_bulk_merge_links_and_canned_responses() {
    let w = world().await;
    let p = people(&w).await;
    let a = w.file(&p.dana, "Slow admin", "medium").await;
    let b = w.file(&p.dana, "Admin slow again", "medium").await;
    let c = w.file(&p.olga, "Initech thing", "low").await;
    let id = |t: &Value| t["id"].as_str().unwrap().to_owned();

    // Bulk: each ticket answers for itself, with problem+json for the refusals.
    let body =
        json!({"ticket_ids": [id(&a), id(&c), "01JD00000000000000000000ZZ"], "priority": "high", "assignee_id": null});
    let r = w.post(&format!("{}/bulk", w.tickets()), &p.pat, body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["changed"].as_u64(), r.body["failed"].as_u64()), (Some(2), Some(1)));
    assert_eq!(r.body["results"][0]["ticket"]["priority"], "high");
    assert_eq!(r.body["results"][2]["status"], 404);
    assert_eq!(r.body["results"][2]["problem"]["status"], 404);
    assert_eq!(w.post(&format!("{}/bulk", w.tickets()), &p.dana, body).await.status, StatusCode::NOT_FOUND);
    let r =
        w.post(&format!("{}/bulk", w.tickets()), &p.pat, json!({"ticket_ids": [id(&a)], "status": "sideways"})).await;
    assert_eq!((r.status, r.fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["status".to_owned()]));

    // Links by number; the client sees only what is theirs.
    let r = w.post(&format!("{}/links", w.ticket(&id(&a))), &p.pat, json!({"ticket": c["number"]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["number"], c["number"]);
    assert_eq!(w.get(&format!("{}/links", w.ticket(&id(&a))), &p.pat).await.body.as_array().unwrap().len(), 1);
    assert!(w.get(&format!("{}/links", w.ticket(&id(&a))), &p.dana).await.body.as_array().unwrap().is_empty());
    let r = w.post(&format!("{}/links", w.ticket(&id(&a))), &p.pat, json!({"ticket": "ACME-9999"})).await;
    assert_eq!((r.status, r.fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["ticket".to_owned()]));

    // Canned responses: written with variables, read filled in on a ticket.
    let canned = format!("/api/v1/tenants/{}/canned-responses", w.acme_id);
    let r = w
        .post(&canned, &p.pat, json!({"title": "Ack", "body": "Hi {{requester.first_name}}, re {{ticket.number}}."}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = w.post(&canned, &p.pat, json!({"title": "Bad", "body": "{{ticket.secret}}"})).await;
    assert_eq!((r.status, r.fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["body".to_owned()]));
    let listed = w.get(&canned, &p.sam).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
    assert!(listed.body["variables"].as_array().unwrap().iter().any(|v| v["name"] == "ticket.number"));
    let filled = w.get(&format!("{}/canned-responses", w.ticket(&id(&b))), &p.sam).await;
    assert_eq!(filled.body[0]["body"], format!("Hi Dana, re {}.", b["number"].as_str().unwrap()));
    assert_eq!(w.get(&canned, &p.dana).await.status, StatusCode::NOT_FOUND);

    // Merge b into a: b closes with a link, a carries b's description.
    let r = w.post(&format!("{}/merge", w.ticket(&id(&b))), &p.pat, json!({"into_ticket": a["number"]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["source"]["status"], "closed");
    assert_eq!(r.body["source"]["merged_into_id"], a["id"]);
    assert!(r.body["source"]["queue"].is_null());
    let msgs = w.get(&format!("{}/messages", w.ticket(&id(&a))), &p.dana).await;
    assert!(
        msgs.body["items"][0]["body"]
            .as_str()
            .unwrap()
            .starts_with(&format!("**Merged from {}", b["number"].as_str().unwrap()))
    );
    let r = w.post(&format!("{}/merge", w.ticket(&id(&c))), &p.pat, json!({"into_ticket": b["id"]})).await;
    assert_eq!((r.status, r.fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["into_ticket".to_owned()]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_says_who_filed_it_and_replies_are_signed_with_names() {
    let w = world().await;
    let p = people(&w).await;
    let t = w.file(&p.dana, "Who filed me", "high").await;
    let url = format!("{}/{}", w.tickets(), t["id"].as_str().unwrap());
    assert!(t.get("requester").is_none(), "lists and creates stay lean");

    // Those who work tickets see the requester's name, email and organization.
    for who in [&p.staff, &p.pat, &p.sam] {
        let r = w.get(&url, who).await;
        assert_eq!(r.status, StatusCode::OK);
        let requester = &r.body["requester"];
        assert_eq!(requester["name"], "Dana Globex");
        assert_eq!(requester["initials"], "DG");
        assert_eq!(requester["email"], "dana@globex.test");
        assert_eq!(requester["org"]["name"], "Globex");
        assert_eq!(requester["id"], t["requester_id"]);
    }
    // The requester sees their own name, not an email they know.
    let mine = w.get(&url, &p.dana).await;
    assert_eq!(mine.body["requester"]["name"], "Dana Globex");
    assert!(mine.body["requester"].get("email").is_none());

    // Replies carry their author's name, staff of the house included.
    let r = w.post(&format!("{url}/messages"), &p.staff, json!({"body": "On it."})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["message"]["author_name"], "Sky Staff");
    let r = w.post(&format!("{url}/messages"), &p.dana, json!({"body": "Thanks!"})).await;
    assert_eq!(r.body["message"]["author_name"], "Dana Globex");
    let listed = w.get(&format!("{url}/messages"), &p.dana).await;
    let names: Vec<(&str, &str)> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["author_name"].as_str().unwrap(), m["author_initials"].as_str().unwrap()))
        .collect();
    assert_eq!(names, [("Sky Staff", "SS"), ("Dana Globex", "DG")]);
}
