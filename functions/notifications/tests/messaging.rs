//! Messaging over HTTP: direct conversations found again rather than made twice, groups and an
//! organization's channel, who may talk to whom, messages with threads, mentions (and their
//! notification), edits with history, tombstones, reactions, history pages, read marks and
//! unread counts moved by the events worker; retries with an idempotency key.

use axum::http::StatusCode;
use kt_test_support::{Browser, People, World, people};
use serde_json::{Value, json};

async fn world() -> World {
    kt_test_support::world(kt_fn_notifications::router()).await
}

fn conversations(w: &World) -> String {
    format!("/api/v1/tenants/{}/conversations", w.acme_id)
}

async fn id_of(w: &World, who: &Browser) -> String {
    let me = w.get("/api/v1/me", who).await;
    me.body["user"]["id"].as_str().expect("user id").to_owned()
}

async fn start(w: &World, who: &Browser, body: Value) -> kt_test_support::Reply {
    w.post(&conversations(w), who, body).await
}

async fn post(w: &World, who: &Browser, conv: &str, body: Value) -> kt_test_support::Reply {
    w.post(&format!("{}/{conv}/messages", conversations(w)), who, body).await
}

struct Ids {
    pat: String,
    sam: String,
    dana: String,
    olga: String,
}

async fn ids(w: &World, p: &People) -> Ids {
    Ids {
        pat: id_of(w, &p.pat).await,
        sam: id_of(w, &p.sam).await,
        dana: id_of(w, &p.dana).await,
        olga: id_of(w, &p.olga).await,
    }
}

#[tokio::test]
async fn a_direct_conversation_with_mentions_edits_reactions_reads_and_unread_counts() {
    let w = world().await;
    let p = people(&w).await;
    let id = ids(&w, &p).await;

    let started = start(&w, &p.pat, json!({"kind": "direct", "members": [id.dana]})).await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    let conv = started.body["id"].as_str().expect("id").to_owned();
    let again = start(&w, &p.dana, json!({"kind": "direct", "members": [id.pat]})).await;
    assert_eq!(
        (again.status, again.body["id"].as_str()),
        (StatusCode::OK, Some(conv.as_str())),
        "found, not made twice"
    );

    // Dana writes, mentioning Pat; a retry with the same key answers the same message.
    let body = json!({"body": "Hello **Pat**, the staging site is ready.", "mentions": [id.pat]});
    let first = w
        .send(
            "POST",
            &format!("{}/{conv}/messages", conversations(&w)),
            &p.dana,
            Some(body.clone()),
            &[("idempotency-key", "m-1")],
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["seq"], 1);
    assert!(first.body["html"].as_str().is_some_and(|h| h.contains("<strong>Pat</strong>")), "{}", first.body);
    let retry = w
        .send(
            "POST",
            &format!("{}/{conv}/messages", conversations(&w)),
            &p.dana,
            Some(body),
            &[("idempotency-key", "m-1")],
        )
        .await;
    assert_eq!((retry.status, retry.body["seq"].as_u64()), (StatusCode::OK, Some(1)), "{}", retry.body);
    for i in 2..=30 {
        assert_eq!(post(&w, &p.dana, &conv, json!({"body": format!("update {i}")})).await.status, StatusCode::CREATED);
    }
    w.settle().await;

    // Pat has 30 unread here, and was told of the mention.
    let unread = w.get(&format!("{}/unread", conversations(&w)), &p.pat).await;
    assert_eq!(
        (unread.body["total"].as_u64(), unread.body["conversations"].as_u64()),
        (Some(30), Some(1)),
        "{}",
        unread.body
    );
    assert_eq!(w.get(&format!("{}/unread", conversations(&w)), &p.dana).await.body["total"], 0, "one's own are read");
    let titles = w.notification_titles(&p.pat).await;
    assert!(titles.iter().any(|t| t.contains("mentioned you")), "{titles:?}");
    let inbox = w.get(&conversations(&w), &p.pat).await;
    assert_eq!(inbox.body["items"][0]["id"], conv.as_str());
    assert_eq!(inbox.body["items"][0]["unread"], 30);

    // History from any place, either way.
    let latest = w.get(&format!("{}/{conv}/messages?limit=10", conversations(&w)), &p.pat).await;
    let seqs: Vec<u64> =
        latest.body["items"].as_array().expect("items").iter().filter_map(|m| m["seq"].as_u64()).collect();
    assert_eq!(seqs, (21..=30).rev().collect::<Vec<_>>());
    assert_eq!(latest.body["more"], true);
    let after = w.get(&format!("{}/{conv}/messages?after=27", conversations(&w)), &p.pat).await;
    let seqs: Vec<u64> =
        after.body["items"].as_array().expect("items").iter().filter_map(|m| m["seq"].as_u64()).collect();
    assert_eq!(seqs, [28, 29, 30]);
    let both = w.get(&format!("{}/{conv}/messages?after=2&before=9", conversations(&w)), &p.pat).await;
    assert_eq!((both.status, both.fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["after".to_owned()]));
    let unknown = w.get(&format!("{}/{conv}/messages?from=2", conversations(&w)), &p.pat).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "unknown query parameters are refused");

    // Reading moves the mark (never back).
    let read = w.post(&format!("{}/{conv}/read", conversations(&w)), &p.pat, json!({"seq": 25})).await;
    assert_eq!(read.body["unread"], 5, "{}", read.body);
    let back = w.post(&format!("{}/{conv}/read", conversations(&w)), &p.pat, json!({"seq": 3})).await;
    assert_eq!(back.body["unread"], 5);

    // Edits keep the history; only the author edits; a deletion leaves a tombstone.
    let path = format!("{}/{conv}/messages/2", conversations(&w));
    let edited = w.patch(&path, &p.dana, json!({"body": "update 2, corrected"})).await;
    assert_eq!((edited.status, edited.body["edits"].as_u64()), (StatusCode::OK, Some(1)), "{}", edited.body);
    assert!(edited.body["edited_at"].is_string());
    assert_eq!(w.patch(&path, &p.pat, json!({"body": "not mine"})).await.status, StatusCode::FORBIDDEN);
    let liked = w.post(&format!("{path}/reactions"), &p.pat, json!({"emoji": "👍"})).await;
    assert_eq!(liked.body["reactions"][0], json!({"emoji": "👍", "count": 1, "mine": true}), "{}", liked.body);
    let unliked = w.post(&format!("{path}/reactions"), &p.pat, json!({"emoji": "👍"})).await;
    assert_eq!(unliked.body["reactions"], json!([]));
    let gone = w.delete(&path, &p.dana).await;
    assert_eq!(
        (gone.status, gone.body["deleted"].as_bool(), gone.body["body"].as_str()),
        (StatusCode::OK, Some(true), Some(""))
    );
    assert_eq!(w.patch(&path, &p.dana, json!({"body": "again"})).await.status, StatusCode::CONFLICT);
    assert_eq!(
        w.get(&format!("{}/{conv}/messages?before=3&limit=1", conversations(&w)), &p.pat).await.body["items"][0]["deleted"],
        true
    );
}

#[tokio::test]
async fn who_may_talk_to_whom_and_input_is_checked_by_field() {
    let w = world().await;
    let p = people(&w).await;
    let id = ids(&w, &p).await;

    // Clients of different organizations never meet.
    let refused = start(&w, &p.dana, json!({"kind": "direct", "members": [id.olga]})).await;
    assert_eq!(
        (refused.status, refused.fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["members[0]".to_owned()]),
        "{}",
        refused.body
    );
    let group =
        start(&w, &p.pat, json!({"kind": "group", "name": "Launch", "members": [id.dana, id.sam, id.olga]})).await;
    assert_eq!(group.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", group.body);
    let nameless = start(&w, &p.pat, json!({"kind": "group", "members": [id.dana]})).await;
    assert_eq!(nameless.fields(), ["name"]);
    let stranger = start(&w, &p.pat, json!({"kind": "direct", "members": ["01JD00000000000000000000ZZ"]})).await;
    assert_eq!(stranger.fields(), ["members[0]"]);
    let extra = start(&w, &p.pat, json!({"kind": "direct", "members": [id.dana], "topic": "x"})).await;
    assert_eq!(extra.status, StatusCode::UNPROCESSABLE_ENTITY, "unknown fields are refused: {}", extra.body);

    // A group of the partner's people and one organization's client.
    let made = start(&w, &p.pat, json!({"kind": "group", "name": "Launch", "members": [id.dana, id.sam]})).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let conv = made.body["id"].as_str().expect("id").to_owned();
    let bad = post(&w, &p.sam, &conv, json!({"body": " ", "mentions": [id.olga], "parent": 99})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), ["body", "mentions[0]", "parent"]);
    let root = post(&w, &p.sam, &conv, json!({"body": "Kick-off on Monday?"})).await;
    let reply = post(&w, &p.dana, &conv, json!({"body": "Works for us.", "parent": root.body["seq"]})).await;
    assert_eq!((reply.status, reply.body["parent"].as_u64()), (StatusCode::CREATED, Some(1)));
    let nested = post(&w, &p.pat, &conv, json!({"body": "+1", "parent": reply.body["seq"]})).await;
    assert_eq!(nested.fields(), ["parent"], "threads are one level deep");

    // Adding Olga (another organization's client) is refused; the creator manages members.
    let etag = w.get(&format!("{}/{conv}", conversations(&w)), &p.pat).await.etag.expect("etag");
    let add = w
        .send(
            "PATCH",
            &format!("{}/{conv}/members", conversations(&w)),
            &p.pat,
            Some(json!({"add": [id.olga]})),
            &[("if-match", etag.as_str())],
        )
        .await;
    assert_eq!(add.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", add.body);
    assert_eq!(
        w.send(
            "PATCH",
            &format!("{}/{conv}/members", conversations(&w)),
            &p.dana,
            Some(json!({"remove": [id.sam]})),
            &[]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    // Outsiders see nothing: another organization's client, another tenant's people.
    for who in [&p.olga, &p.drew] {
        assert_eq!(w.get(&format!("{}/{conv}", conversations(&w)), who).await.status, StatusCode::NOT_FOUND);
        assert_eq!(w.get(&format!("{}/{conv}/messages", conversations(&w)), who).await.status, StatusCode::NOT_FOUND);
        assert_eq!(post(&w, who, &conv, json!({"body": "hi"})).await.status, StatusCode::NOT_FOUND);
        assert!(w.get(&conversations(&w), who).await.body["items"].as_array().is_none_or(Vec::is_empty));
    }
    // Whom one may message: a client sees its organization's people, its partner's and
    // Kre8ivTech's staff, never another organization's clients.
    let names = |r: &kt_test_support::Reply| -> Vec<String> {
        r.body["items"].as_array().expect("items").iter().filter_map(|c| c["id"].as_str().map(str::to_owned)).collect()
    };
    let danas = w.get(&format!("{}/contacts?limit=100", conversations(&w)), &p.dana).await;
    assert_eq!(danas.status, StatusCode::OK, "{}", danas.body);
    let danas = names(&danas);
    assert!(danas.contains(&id.pat) && danas.contains(&id.sam), "{danas:?}");
    assert!(!danas.contains(&id.olga) && !danas.contains(&id.dana), "{danas:?}");
    let pats = names(&w.get(&format!("{}/contacts?q=OLG", conversations(&w)), &p.pat).await);
    assert_eq!(pats, [id.olga.clone()]);
    let detail = w.get(&format!("{}/{conv}", conversations(&w)), &p.dana).await;
    assert_eq!(detail.body["people"].as_array().map(Vec::len), Some(3), "{}", detail.body);
    assert_eq!(detail.body["title"], "Launch");

    // Kre8ivTech's staff may join any tenant's conversations; a channel names its organization.
    let channel = start(&w, &p.pat, json!({"kind": "channel", "org_id": w.globex_id, "members": [id.dana]})).await;
    assert_eq!(
        (channel.status, channel.body["name"].as_str()),
        (StatusCode::CREATED, Some("Globex")),
        "{}",
        channel.body
    );
    let wrong = start(&w, &p.pat, json!({"kind": "channel", "org_id": w.globex_id, "members": [id.olga]})).await;
    assert_eq!(wrong.fields(), ["members[0]"]);
    assert_eq!(
        start(&w, &p.dana, json!({"kind": "channel", "org_id": w.globex_id, "members": []})).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn presence_follows_choice_sockets_and_idle_time_for_those_one_may_message() {
    let w = world().await;
    let p = people(&w).await;
    let i = ids(&w, &p).await;
    let presence = format!("/api/v1/tenants/{}/presence", w.acme_id);
    let of = |body: &Value, id: &str| {
        body["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["user_id"] == id)
            .map(|x| x["status"].as_str().unwrap().to_owned())
    };

    // Nobody connected: offline.
    let r = w.get(&format!("{presence}?users={},{}", i.dana, i.olga), &p.pat).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(of(&r.body, &i.dana).as_deref(), Some("offline"));

    // Dana opens the portal: a socket, and activity.
    let token = p.dana.cookie.split("; ").find_map(|c| c.strip_prefix("__Host-kt_session=")).unwrap();
    let actor = kt_app::identity::sessions::actor_from_token(w.state(), token).await.expect("actor");
    kt_app::tickets::live::connect(w.state(), "dana-tab", &actor).await.expect("connect");
    let r = w.get(&format!("{presence}?users={}", i.dana), &p.pat).await;
    assert_eq!(of(&r.body, &i.dana).as_deref(), Some("online"));

    // Idle for eleven minutes with the page open (its pings keep coming): away.
    w.clock.advance(time::Duration::minutes(11));
    let ping = r#"{"type":"presence","active":false}"#;
    assert!(kt_app::tickets::live::handle_message(w.state(), "dana-tab", Some(ping)).await.is_empty());
    assert_eq!(
        of(&w.get(&format!("{presence}?users={}", i.dana), &p.pat).await.body, &i.dana).as_deref(),
        Some("away")
    );
    let active = r#"{"type":"presence","active":true}"#;
    kt_app::tickets::live::handle_message(w.state(), "dana-tab", Some(active)).await;
    assert_eq!(
        of(&w.get(&format!("{presence}?users={}", i.dana), &p.pat).await.body, &i.dana).as_deref(),
        Some("online")
    );

    // By hand: do not disturb, then invisible (offline to others), then automatic again.
    let r =
        w.send("PUT", "/api/v1/notifications/presence", &p.dana, Some(json!({"status": "do_not_disturb"})), &[]).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("do_not_disturb")), "{}", r.body);
    assert_eq!(
        of(&w.get(&format!("{presence}?users={}", i.dana), &p.sam).await.body, &i.dana).as_deref(),
        Some("do_not_disturb")
    );
    w.send("PUT", "/api/v1/notifications/presence", &p.dana, Some(json!({"status": "invisible"})), &[]).await;
    assert_eq!(
        of(&w.get(&format!("{presence}?users={}", i.dana), &p.sam).await.body, &i.dana).as_deref(),
        Some("offline")
    );
    let r = w.get("/api/v1/notifications/presence", &p.dana).await;
    assert_eq!((r.body["choice"].as_str(), r.body["status"].as_str()), (Some("invisible"), Some("offline")));
    let r = w.send("PUT", "/api/v1/notifications/presence", &p.dana, Some(json!({"status": "busy"})), &[]).await;
    assert_eq!((r.status, r.fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["status".to_owned()]));

    // The page closes: no ping for two minutes, offline.
    w.send("PUT", "/api/v1/notifications/presence", &p.dana, Some(json!({"status": "automatic"})), &[]).await;
    w.clock.advance(time::Duration::minutes(2));
    assert_eq!(
        of(&w.get(&format!("{presence}?users={}", i.dana), &p.pat).await.body, &i.dana).as_deref(),
        Some("offline")
    );

    // Olga (another organization's client) may not message Dana: she is left out both ways.
    let r = w.get(&format!("{presence}?users={},{}", i.dana, i.pat), &p.olga).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!((of(&r.body, &i.dana), of(&r.body, &i.pat).is_some()), (None, true));
    let r = w.get(&format!("{presence}?users=nope"), &p.pat).await;
    assert_eq!((r.status, r.fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["users[0]".to_owned()]));
    assert_eq!(w.get(&format!("{presence}?users={}&x=1", i.dana), &p.pat).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn outside_business_hours_a_client_is_answered_once_when_the_team_is_back() {
    let w = world().await;
    let p = people(&w).await;
    let i = ids(&w, &p).await;
    // Acme works Monday to Friday, 09:00-17:00 in Berlin.
    let mut policy = kt_domain::sla::Policy::default_policy();
    policy.calendar = kt_domain::sla::Calendar::weekdays("Office", "Europe/Berlin", 9 * 60, 17 * 60);
    let acme = kt_domain::identity::TenantId::try_from(w.acme_id.clone()).unwrap();
    let item = kt_store::sla::policy_item(kt_store::sla::tenant_key(&acme), &policy).unwrap();
    w.state().store.put(item, kt_store::Cond::None).await.unwrap();

    let r = start(&w, &p.dana, json!({"kind": "direct", "members": [i.pat]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let conv = r.body["id"].as_str().unwrap().to_owned();

    // Saturday afternoon: the first message is answered, for Pat, marked automatic.
    w.clock.set(time::macros::datetime!(2026-12-12 15:00 UTC));
    assert_eq!(post(&w, &p.dana, &conv, json!({"body": "The shop is down!"})).await.status, StatusCode::CREATED);
    w.settle().await;
    let items = history(&w, &p.dana, &conv).await;
    let auto: Vec<&Value> = items.iter().filter(|m| m["automatic"] == true).collect();
    assert_eq!(auto.len(), 1, "{items:?}");
    assert_eq!(auto[0]["author_id"], i.pat.as_str());
    assert!(auto[0]["body"].as_str().unwrap().contains("away until Mon 09:00 (Europe/Berlin)"), "{}", auto[0]);

    // More on Sunday: the same closed spell, no second answer.
    w.clock.set(time::macros::datetime!(2026-12-13 10:00 UTC));
    post(&w, &p.dana, &conv, json!({"body": "Still down."})).await;
    w.settle().await;
    assert_eq!(history(&w, &p.dana, &conv).await.iter().filter(|m| m["automatic"] == true).count(), 1);

    // Monday 10:00 in Berlin: open, no automatic answer; staff writing never get one.
    w.clock.set(time::macros::datetime!(2026-12-14 09:00 UTC));
    post(&w, &p.dana, &conv, json!({"body": "Anyone?"})).await;
    post(&w, &p.pat, &conv, json!({"body": "Here, looking."})).await;
    w.settle().await;
    assert_eq!(history(&w, &p.dana, &conv).await.iter().filter(|m| m["automatic"] == true).count(), 1);
    // Monday night, closed again: a new spell, a new answer.
    w.clock.set(time::macros::datetime!(2026-12-14 22:00 UTC));
    post(&w, &p.dana, &conv, json!({"body": "Thanks, it works."})).await;
    w.settle().await;
    let items = history(&w, &p.dana, &conv).await;
    let auto: Vec<&Value> = items.iter().filter(|m| m["automatic"] == true).collect();
    assert_eq!(auto.len(), 2);
    assert!(auto.iter().any(|m| m["body"].as_str().unwrap().contains("Tue 09:00")), "{auto:?}");
}

async fn history(w: &World, who: &Browser, conv: &str) -> Vec<Value> {
    let url = format!("{}/{conv}/messages", conversations(w));
    w.get(&url, who).await.body["items"].as_array().cloned().unwrap_or_default()
}
