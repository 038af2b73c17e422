//! The notification center end to end in-process: ticket events through the relay and the
//! events worker become notifications and branded mail for the right people (never a note
//! for a client, never one's own action), once each also when an event is delivered twice;
//! settings turn channels off; read marks in bulk; the unread count is pushed to open
//! sockets; a requester hears when their ticket reaches the top three; nobody reaches
//! anybody else's notifications.

use axum::http::StatusCode;
use kt_app::tickets::live;
use serde_json::{Value, json};

mod support;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_events_reach_the_right_people_once() {
    let w = world().await;
    let dana = w.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let sam = w.sign_in(ACME, "sam@acme-agency.test", "Acme-Demo-Staff-2026").await;
    let staff = w.sign_in(HOUSE, "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026").await;
    let (_, sam_me) = w.call("GET", "/api/v1/me", &sam, None).await;
    let (_, staff_me) = w.call("GET", "/api/v1/me", &staff, None).await;
    let (sam_id, staff_id) = (sam_me["user"]["id"].as_str().unwrap(), staff_me["user"]["id"].as_str().unwrap());

    // Filing: the requester's confirmation, with the place in the queue, in the app and by mail.
    let t = w.file(&dana, "Checkout broken").await;
    let url = format!("{}/{}", w.tickets, t["id"].as_str().unwrap());
    w.settle().await;
    let mine = w.notifications(&dana).await;
    assert_eq!(titles(&mine), ["ACME-1001 received"]);
    assert!(mine[0]["body"].as_str().unwrap().contains("#1 of 1 in the High queue"), "{}", mine[0]);
    assert_eq!(mine[0]["link"], format!("/tickets/{}/{}", t["tenant_id"].as_str().unwrap(), t["id"].as_str().unwrap()));
    assert_eq!(w.unread(&dana).await, 1);
    let mails = w.mails_to("dana@globex.test").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("Subject: ACME-1001 received"), "{}", mails[0]);
    assert!(mails[0].contains("Acme"), "branded with the partner's portal");
    assert!(mails[0].contains("http://acme.localhost:3000/tickets/"), "links to the partner's portal");

    // The people who work it hear of it, in the app and by mail: the partner's people and,
    // with no assignment rule matching, every house staff member, each in their own portal.
    let pat = w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let admin = w.sign_in(HOUSE, "admin@kre8ivtech.test", "Kre8iv-Demo-Admin-2026").await;
    let new = "New ticket ACME-1001 from Globex";
    for (who, email) in [
        (&sam, "sam@acme-agency.test"),
        (&pat, "pat@acme-agency.test"),
        (&staff, "staff@kre8ivtech.test"),
        (&admin, "admin@kre8ivtech.test"),
    ] {
        let theirs = w.notifications(who).await;
        assert_eq!(titles(&theirs), [new], "{email}");
        assert_eq!(theirs[0]["body"], "“Checkout broken”");
        let mails = w.mails_to(email).await;
        assert_eq!(mails.len(), 1, "{email}");
        assert!(mails[0].contains(&format!("Subject: {new}")), "{}", mails[0]);
    }
    assert!(w.mails_to("ivy@initech.test").await.is_empty(), "clients never hear of others' tickets");
    assert!(w.mails_to("drew@directclient.test").await.is_empty());

    // Assigned by Sam to the house's staff member, watched by Sam: they hear, Sam does not.
    let change = json!({"assignee_id": staff_id, "watcher_ids": [sam_id]});
    assert_eq!(w.call("PATCH", &url, &sam, Some(change)).await.0, StatusCode::OK);
    w.settle().await;
    assert_eq!(titles(&w.notifications(&staff).await), ["ACME-1001 was assigned to you", new]);
    assert_eq!(titles(&w.notifications(&sam).await), [new], "no notification of one's own action");

    // An internal note: the staff side only; a public reply: the client too.
    let note = json!({"body": "Card processor outage?", "internal": true});
    assert_eq!(w.call("POST", &format!("{url}/messages"), &sam, Some(note)).await.0, StatusCode::CREATED);
    let reply = json!({"body": "We are on it.\nMore soon."});
    assert_eq!(w.call("POST", &format!("{url}/messages"), &staff, Some(reply)).await.0, StatusCode::CREATED);
    w.settle().await;
    let staff_titles = titles(&w.notifications(&staff).await);
    assert_eq!(staff_titles, ["Internal note on ACME-1001", "ACME-1001 was assigned to you", new]);
    let mine = w.notifications(&dana).await;
    assert_eq!(titles(&mine), ["New reply on ACME-1001", "ACME-1001 received"]);
    assert_eq!(mine[0]["body"], "We are on it.");
    for m in w.mails_to("dana@globex.test").await {
        assert!(!m.contains("Card processor"), "no note reaches the client by mail");
    }
    assert_eq!(titles(&w.notifications(&sam).await), ["New reply on ACME-1001", new], "the watcher hears of the reply");

    // The same events delivered again notify nobody twice.
    let before = (w.notifications(&dana).await.len(), w.mails_to("dana@globex.test").await.len());
    let consumer = kt_app::notifications::NotificationConsumer { app: w.wired.state.clone() };
    let event = kt_domain::DomainEvent::new(
        ulid::Ulid::new(),
        "ticket.created",
        t["tenant_id"].as_str().map(str::to_owned),
        time::OffsetDateTime::now_utc(),
        json!({"ticket": t["id"], "number": "ACME-1001", "subject": "Checkout broken", "requester": dana_id(&w, &dana).await, "queues_changed": []}),
    );
    use kt_app::worker::Consumer;
    consumer.handle(&event).await.expect("first");
    consumer.handle(&event).await.expect("again");
    w.settle().await;
    let after = (w.notifications(&dana).await.len(), w.mails_to("dana@globex.test").await.len());
    assert_eq!(after, (before.0 + 1, before.1 + 1), "one more event, one more notification and mail, not two");
}

async fn dana_id(w: &World, dana: &Browser) -> String {
    w.call("GET", "/api/v1/me", dana, None).await.1["user"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_marks_pushes_and_boundaries() {
    let w = world().await;
    let dana = w.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let pat = w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;

    // No mail for status changes, please.
    let prefs = json!({"kinds": [{"kind": "ticket_status", "in_app": true, "email": false}]});
    let (status, body) = w.call("PATCH", "/api/v1/notifications/preferences", &dana, Some(prefs)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let bad = json!({"kinds": [{"kind": "gossip", "in_app": true, "email": true}]});
    let (status, body) = w.call("PATCH", "/api/v1/notifications/preferences", &dana, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "kinds[0].kind");

    // Dana's socket listens for her count.
    let hub = w.wired.hub.clone();
    let mut conn = hub.register();
    let actor = kt_app::identity::sessions::actor_from_token(
        &w.wired.state,
        dana.cookie.split("; ").find_map(|c| c.strip_prefix("__Host-kt_session=")).unwrap(),
    )
    .await
    .expect("actor");
    live::connect(&w.wired.state, &conn.id, &actor).await.expect("connect");
    let sub = format!(r#"{{"type":"subscribe","topic":"user:{}"}}"#, actor.user);
    assert_eq!(live::handle_message(&w.wired.state, &conn.id, Some(&sub)).await[0]["type"], "subscribed");

    let t = w.file(&dana, "Slow admin").await;
    let url = format!("{}/{}", w.tickets, t["id"].as_str().unwrap());
    assert_eq!(w.call("PATCH", &url, &pat, Some(json!({"status": "in_progress"}))).await.0, StatusCode::OK);
    w.settle().await;
    let mine = w.notifications(&dana).await;
    assert_eq!(titles(&mine), ["ACME-1001 is now In Progress", "ACME-1001 received"]);
    assert_eq!(w.mails_to("dana@globex.test").await.len(), 1, "the confirmation, not the status change");
    let mut pushed = Vec::new();
    while let Ok(m) = conn.messages.try_recv() {
        pushed.push(serde_json::from_str::<Value>(&m).expect("json"));
    }
    // Clients keep the count counted last: every push says when it was counted.
    let newest = pushed
        .iter()
        .filter(|m| m["type"] == "notifications.unread")
        .max_by_key(|m| m["as_of"].as_str().expect("as_of").to_owned())
        .expect("an unread count pushed");
    assert_eq!(newest["unread"], 2, "{pushed:?}");

    // Marks, with a result per id; another person's ids are not theirs to mark.
    let (id0, id1) = (mine[0]["id"].as_str().unwrap().to_owned(), mine[1]["id"].as_str().unwrap().to_owned());
    let (status, body) =
        w.call("POST", "/api/v1/notifications/mark", &pat, Some(json!({"ids": [id0], "read": true}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["results"][0]["result"], "not_found");
    assert_eq!(w.unread(&dana).await, 2, "untouched by someone else");
    let (_, body) =
        w.call("POST", "/api/v1/notifications/mark", &dana, Some(json!({"ids": [id0, "nope"], "read": true}))).await;
    assert_eq!(
        (body["results"][0]["result"].as_str(), body["results"][1]["result"].as_str()),
        (Some("done"), Some("not_found"))
    );
    assert_eq!(body["unread"], 1);
    let (_, body) =
        w.call("POST", "/api/v1/notifications/mark", &dana, Some(json!({"ids": [id0], "read": true}))).await;
    assert_eq!(body["results"][0]["result"], "unchanged");
    let (_, unread) = w.call("GET", "/api/v1/notifications?unread=true", &dana, None).await;
    assert_eq!(unread["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(unread["items"][0]["id"], id1.as_str());
    let (_, by_kind) = w.call("GET", "/api/v1/notifications?kind=ticket_status", &dana, None).await;
    assert_eq!(titles(by_kind["items"].as_array().unwrap()), ["ACME-1001 is now In Progress"]);
    assert_eq!(
        w.call("GET", "/api/v1/notifications?kind=gossip", &dana, None).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, body) =
        w.call("POST", "/api/v1/notifications/mark", &dana, Some(json!({"ids": [id0], "read": false}))).await;
    assert_eq!(body["unread"], 2);
    let (_, all) = w.call("POST", "/api/v1/notifications/mark-all-read", &dana, None).await;
    assert_eq!((all["changed"].as_u64(), all["unread"].as_u64()), (Some(2), Some(0)));
    assert_eq!(
        w.call("POST", "/api/v1/notifications/mark", &dana, Some(json!({"ids": [], "read": true}))).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_requester_hears_when_their_ticket_reaches_the_top_three() {
    let w = world().await;
    let dana = w.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let pat = w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let mut filed = Vec::new();
    for i in 0..5 {
        filed.push(w.file(&dana, &format!("T{i}")).await);
    }
    w.settle().await;
    let near = |items: &[Value]| items.iter().filter(|n| n["kind"] == "queue_near_front").count();
    assert_eq!(near(&w.notifications(&dana).await), 0, "the first three started there; the rest are not there yet");
    // The head leaves: T3 (was #4) is now #3.
    let head = format!("{}/{}", w.tickets, filed[0]["id"].as_str().unwrap());
    assert_eq!(w.call("PATCH", &head, &pat, Some(json!({"status": "in_progress"}))).await.0, StatusCode::OK);
    w.settle().await;
    let items = w.notifications(&dana).await;
    assert_eq!(near(&items), 1);
    assert!(titles(&items).contains(&"ACME-1004 is #3 in the High queue".to_owned()), "{:?}", titles(&items));
    // Another change that leaves T3 in the top three tells nobody again.
    let next = format!("{}/{}", w.tickets, filed[1]["id"].as_str().unwrap());
    assert_eq!(w.call("PATCH", &next, &pat, Some(json!({"status": "in_progress"}))).await.0, StatusCode::OK);
    w.settle().await;
    let items = w.notifications(&dana).await;
    assert_eq!(near(&items), 2, "T4 reached #3 now; T3 was told already");
}

/// The mail as text: quoted-printable soft breaks joined and `=3D` decoded.
fn unfold(mail: &str) -> String {
    mail.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_resolution_mail_carries_a_survey_link_that_rates_without_signing_in() {
    let w = world().await;
    let dana = w.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let pat = w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let t = w.file(&dana, "Footer misaligned").await;
    let url = format!("{}/{}", w.tickets, t["id"].as_str().unwrap());
    assert_eq!(w.call("PATCH", &url, &pat, Some(json!({"status": "resolved"}))).await.0, StatusCode::OK);
    w.settle().await;
    let mails: Vec<String> = w.mails_to("dana@globex.test").await.iter().map(|m| unfold(m)).collect();
    let resolved = mails.iter().find(|m| m.contains("Subject: ACME-1001 is now Resolved")).expect("resolution mail");
    let start = resolved.find("http://acme.localhost:3000/survey/").expect("survey link")
        + "http://acme.localhost:3000/survey/".len();
    let token: String =
        resolved[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).collect();
    assert!(resolved.contains(&format!("/survey/{token}?rating=5")), "one link per rating");
    // Nobody else's mail carries a survey (Pat resolved it and gets no mail of their own action).
    assert!(w.mails_to("pat@acme-agency.test").await.iter().all(|m| !unfold(m).contains("/survey/")));

    // The link works without a session; a bad link shows nothing.
    let anon = Browser { cookie: String::new(), csrf: String::new(), host: ACME };
    let (status, survey) = w.call("GET", &format!("/api/v1/surveys/{token}"), &anon, None).await;
    assert_eq!(status, StatusCode::OK, "{survey}");
    assert_eq!((survey["ticket_number"].as_str(), survey["satisfaction"].is_null()), (Some("ACME-1001"), true));
    assert_eq!(w.call("GET", "/api/v1/surveys/v1.bogus", &anon, None).await.0, StatusCode::NOT_FOUND);
    let (status, bad) = w.call("POST", &format!("/api/v1/surveys/{token}"), &anon, Some(json!({"rating": 9}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["errors"][0]["field"], "rating");
    let answer = json!({"rating": 4, "comment": "Fast, thanks"});
    let (status, rated) = w.call("POST", &format!("/api/v1/surveys/{token}"), &anon, Some(answer.clone())).await;
    assert_eq!(status, StatusCode::OK, "{rated}");
    assert_eq!(rated["satisfaction"]["rating"], 4);
    assert_eq!(w.call("POST", &format!("/api/v1/surveys/{token}"), &anon, Some(answer)).await.0, StatusCode::CONFLICT);
    let (_, ticket) = w.call("GET", &url, &pat, None).await;
    assert_eq!(
        (ticket["satisfaction"]["rating"].as_u64(), ticket["satisfaction"]["via"].as_str()),
        (Some(4), Some("email"))
    );
    let (_, counts) = w.call("GET", &format!("{}/counts", w.tickets), &pat, None).await;
    assert_eq!(
        (counts["satisfaction"]["count"].as_i64(), counts["satisfaction"]["average"].as_f64()),
        (Some(1), Some(4.0))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_events_worker_assigns_new_tickets_by_rule_and_the_agent_hears_of_it() {
    let w = world().await;
    let admin = w.sign_in(HOUSE, "admin@kre8ivtech.test", "Kre8iv-Demo-Admin-2026").await;
    let staff = w.sign_in(HOUSE, "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026").await;
    let dana = w.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let (_, staff_me) = w.call("GET", "/api/v1/me", &staff, None).await;
    let staff_id = staff_me["user"]["id"].as_str().unwrap().to_owned();
    let rule = json!({"name": "Everything to Sky", "agent_ids": [staff_id], "strategy": "round_robin", "capacity": 1});
    let (status, bad) = w.call("POST", "/api/v1/assignment-rules", &staff, Some(rule.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "staff read rules, super admins write them: {bad}");
    let (status, made) = w.call("POST", "/api/v1/assignment-rules", &admin, Some(rule)).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let first = w.file(&dana, "Printer on fire").await;
    let second = w.file(&dana, "Printer still on fire").await;
    w.settle().await;
    let get = |t: &Value| format!("{}/{}", w.tickets, t["id"].as_str().unwrap());
    assert_eq!(w.call("GET", &get(&first), &staff, None).await.1["assignee_id"], staff_id.as_str());
    assert!(
        w.call("GET", &get(&second), &staff, None).await.1["assignee_id"].is_null(),
        "capacity 1: the second waits"
    );
    // The rule's agent hears of the first as assigned to them, of the second as new (the rule
    // matches it; nobody is assigned yet), and nothing twice.
    assert_eq!(
        titles(&w.notifications(&staff).await),
        ["ACME-1001 was assigned to you", "New ticket ACME-1002 from Globex"]
    );
    let (_, load) = w.call("GET", "/api/v1/workload", &staff, None).await;
    let sky = load.as_array().unwrap().iter().find(|l| l["user_id"] == staff_id.as_str()).expect("listed").clone();
    assert_eq!((sky["open_assigned"].as_u64(), sky["capacity"].as_u64()), (Some(1), Some(1)));
    // Resolving the first frees Sky, and the worker hands over the second.
    assert_eq!(w.call("PATCH", &get(&first), &staff, Some(json!({"status": "resolved"}))).await.0, StatusCode::OK);
    w.settle().await;
    assert_eq!(w.call("GET", &get(&second), &staff, None).await.1["assignee_id"], staff_id.as_str());
}
