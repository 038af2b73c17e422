//! Replays the sample WebSocket events through the function on the local adapters: `$connect`
//! refuses an upgrade without a session (or from another site) and records an authenticated
//! one; `$default` answers pings and subscriptions under the policy; `$disconnect` forgets the
//! connection and its topics.

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use http::HeaderValue;
use kt_app::AppState;
use kt_app::identity::sessions::{self, ClientInfo};
use kt_app::identity::tenancy;
use kt_app::identity::two_factor::SignIn;
use kt_app::tickets::{self, NewTicket, live};
use kt_app::wiring::{Settings, wire};
use kt_domain::ticket::{Category, Priority};
use kt_store::Key;

fn sample(route: &str) -> ApiGatewayWebsocketProxyRequest {
    let path = format!("{}/../../events/ws/{route}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("event")).expect("event parses")
}

async fn token(app: &AppState, host: &str, email: &str, password: &str) -> String {
    let tenant = tenancy::resolve_host(app, host).await.expect("tenant");
    match sessions::sign_in_password(app, &tenant, email, password, &ClientInfo::default()).await.expect("sign in") {
        SignIn::Session(s) => s.access_token,
        SignIn::SecondFactor(_) => panic!("demo users have no second factor"),
    }
}

/// The sample `$connect` as the portal's CloudFront would forward it for `host`.
fn connect_event(host: &str, origin: &str, token: Option<&str>) -> ApiGatewayWebsocketProxyRequest {
    let mut e = sample("connect");
    e.headers.insert("x-forwarded-host", HeaderValue::from_str(host).expect("host"));
    e.headers.insert("origin", HeaderValue::from_str(origin).expect("origin"));
    match token {
        Some(t) => {
            e.headers.insert("cookie", HeaderValue::from_str(&format!("__Host-kt_session={t}")).expect("cookie"));
        }
        None => {
            e.headers.remove("cookie");
        }
    }
    e
}

async fn topics(app: &AppState, topic: &str) -> usize {
    kt_app::tickets::live::subscribers(app, topic).await.expect("subscribers").len()
}

#[tokio::test]
async fn connect_subscribe_disconnect() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = wire(&Settings::local(dir.path())).await.expect("wire").state;
    kt_app::seed::demo(&state).await.expect("seed");
    let conn = "CONN123=";
    let key: Key = kt_fn_ws::connection_key(conn);

    // No session, a session of another portal, or another site's page: refused, nothing recorded.
    assert_eq!(
        kt_fn_ws::handle(&state, connect_event("acme.localhost", "http://acme.localhost", None)).await.status_code,
        401
    );
    let dana = token(&state, "acme.localhost", "dana@globex.test", "Globex-Demo-Client-2026").await;
    let drew = token(&state, "localhost", "drew@directclient.test", "Direct-Demo-Client-2026").await;
    let foreign = connect_event("acme.localhost", "http://acme.localhost", Some(&drew));
    assert_eq!(kt_fn_ws::handle(&state, foreign).await.status_code, 401);
    let cross_site = connect_event("acme.localhost", "https://evil.example", Some(&dana));
    assert_eq!(kt_fn_ws::handle(&state, cross_site).await.status_code, 401);
    assert_eq!(state.store.get(&key).await.expect("get"), None);

    let ok = connect_event("acme.localhost", "http://acme.localhost", Some(&dana));
    assert_eq!(kt_fn_ws::handle(&state, ok).await.status_code, 200);
    let recorded = state.store.get(&key).await.expect("get").expect("connection recorded");
    assert_eq!(
        recorded.expires_at,
        Some(recorded.attrs["connected_at"].as_i64().expect("time") + kt_fn_ws::CONNECTION_TTL_SECS)
    );

    // The sample's connection is not on the local hub, so the pong is reported gone but the
    // route still answers 200 (API Gateway would otherwise retry).
    assert_eq!(kt_fn_ws::handle(&state, sample("default")).await.status_code, 200);
    let ping = live::handle_message(&state, conn, Some(r#"{"type":"ping"}"#)).await;
    assert_eq!(ping[0]["type"], "pong");
    assert_eq!(live::handle_message(&state, conn, Some("garbage")).await[0]["code"], "bad-message");
    assert_eq!(live::handle_message(&state, conn, Some(r#"{"type":"nope"}"#)).await[0]["code"], "unknown-type");

    // Dana's own ticket: subscribed, with where it stands at once.
    let acme = tenancy::resolve_host(&state, "acme.localhost").await.expect("acme");
    let dana_actor = sessions::actor_from_token(&state, &dana).await.expect("actor");
    let new = |subject: &str| NewTicket {
        org: None,
        subject: subject.into(),
        description: "Broken".into(),
        priority: Priority::High,
        category: Category::TechnicalSupport,
        tags: vec![],
    };
    let mine = tickets::create(&state, &dana_actor, &acme, new("Mine"), &ClientInfo::default()).await.expect("ticket");
    let topic = format!("ticket:{}", mine.id);
    let replies =
        live::handle_message(&state, conn, Some(&format!(r#"{{"type":"subscribe","topic":"{topic}"}}"#))).await;
    assert_eq!(replies[0]["type"], "subscribed");
    assert_eq!(replies[1]["type"], "ticket.position");
    assert_eq!(replies[1]["label"], "#1 of 1 in the High queue");
    assert_eq!(replies[1]["estimate"]["basis"], "sla_target");
    assert_eq!(topics(&state, &topic).await, 1);

    // Another organization's ticket, the staff queue, someone else's notifications: no such topic.
    let ivy = token(&state, "acme.localhost", "ivy@initech.test", "Initech-Demo-Client-2026").await;
    let ivy_actor = sessions::actor_from_token(&state, &ivy).await.expect("actor");
    let (orgs, _) = kt_store::accounts::list_orgs(state.store.as_ref(), &acme.id, 10, None).await.expect("orgs");
    let initech = orgs.into_iter().find(|o| o.name == "Initech").expect("initech").id;
    let for_initech = NewTicket { org: Some(initech), ..new("Theirs") };
    let theirs = tickets::create(&state, &ivy_actor, &acme, for_initech, &ClientInfo::default()).await.expect("ticket");
    for forbidden in [format!("ticket:{}", theirs.id), "queue".into(), format!("user:{}", ivy_actor.user)] {
        let r =
            live::handle_message(&state, conn, Some(&format!(r#"{{"type":"subscribe","topic":"{forbidden}"}}"#))).await;
        assert_eq!(r[0]["code"], "not-found", "{forbidden}: {r:?}");
        assert_eq!(topics(&state, &forbidden).await, 0);
    }
    let bad = live::handle_message(&state, conn, Some(r#"{"type":"subscribe","topic":"tickets:x"}"#)).await;
    assert_eq!(bad[0]["code"], "bad-topic");
    let own = live::handle_message(
        &state,
        conn,
        Some(&format!(r#"{{"type":"subscribe","topic":"user:{}"}}"#, dana_actor.user)),
    )
    .await;
    assert_eq!(own[0]["type"], "subscribed");

    assert_eq!(kt_fn_ws::handle(&state, sample("disconnect")).await.status_code, 200);
    assert_eq!(state.store.get(&key).await.expect("get"), None);
    assert_eq!(topics(&state, &topic).await, 0, "subscriptions go with the connection");

    // House staff's queue topic (spread over partitions): found while subscribed, gone after.
    let staff = token(&state, "localhost", "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026").await;
    let staff = sessions::actor_from_token(&state, &staff).await.expect("actor");
    for conn in ["STAFF1=", "STAFF2="] {
        live::connect(&state, conn, &staff).await.expect("connect");
        let r = live::handle_message(&state, conn, Some(r#"{"type":"subscribe","topic":"queue"}"#)).await;
        assert_eq!(r[0]["type"], "subscribed", "{r:?}");
    }
    assert_eq!(topics(&state, "queue").await, 2);
    live::disconnect(&state, "STAFF1=").await.expect("disconnect");
    let left = live::subscribers(&state, "queue").await.expect("subscribers");
    assert_eq!(left.iter().map(|i| i.key.sk.as_str()).collect::<Vec<_>>(), ["STAFF2="]);
}
