//! Replays the sample SQS batch through the events worker on the local adapters: a ticket
//! event pushes the ticket's position to its subscriber (also when delivered twice), a second
//! change of the same queue within the second leaves a timer for the window's end, and the
//! malformed message is reported failed. The sample names `TENANT_ID` and `TICKET_ID`; the
//! test fills in those of a ticket it files.

use aws_lambda_events::sqs::SqsEvent;
use kt_app::identity::tenancy;
use kt_app::tickets::{self, NewTicket, live};
use kt_app::wiring::{Settings, wire};
use kt_domain::policy::Actor;
use kt_domain::ticket::{Category, Priority};

#[tokio::test]
async fn a_ticket_event_reaches_its_subscriber_and_the_bad_message_fails() {
    let dir = tempfile::tempdir().expect("tmp");
    let wired = wire(&Settings::local(dir.path())).await.expect("wire");
    let app = wired.state.clone();
    kt_app::seed::demo(&app).await.expect("seed");
    let tenant = tenancy::resolve_host(&app, "acme.localhost").await.expect("acme");
    let store = app.store.as_ref();
    let email = kt_domain::identity::Email::parse("dana@globex.test").expect("email");
    let id = kt_store::accounts::user_by_email(store, &tenant.id, &email).await.expect("lookup").expect("dana");
    let user = kt_store::accounts::get_user(store, &tenant.id, &id).await.expect("user").expect("user").value;
    let dana = Actor {
        user: user.id,
        tenant: tenant.id.clone(),
        role: user.role,
        orgs: kt_store::accounts::orgs_of(store, &tenant.id, &id).await.expect("orgs"),
        scopes: None,
        optional_enabled: false,
        tenant_bound: false,
    };
    let input = NewTicket {
        org: None,
        subject: "Checkout fails".into(),
        description: "Since this morning".into(),
        priority: Priority::High,
        category: Category::TechnicalSupport,
        tags: vec![],
    };
    let ticket = tickets::create(&app, &dana, &tenant, input, &Default::default()).await.expect("filed");

    // Dana's browser watches the ticket through the hub.
    let mut conn = wired.hub.register();
    live::connect(&app, &conn.id, &dana).await.expect("connect");
    let topic = format!("ticket:{}", ticket.id);
    let replies =
        live::handle_message(&app, &conn.id, Some(&format!(r#"{{"type":"subscribe","topic":"{topic}"}}"#))).await;
    assert_eq!(replies[0]["type"], "subscribed", "{replies:?}");

    let raw = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../events/events-worker/batch.json"))
        .expect("event")
        .replace("TENANT_ID", tenant.id.as_str())
        .replace("TICKET_ID", ticket.id.as_str());
    let dispatcher = kt_fn_events_worker::dispatcher(&app);
    for _ in 0..2 {
        let batch: SqsEvent = serde_json::from_str(&raw).expect("SQS event parses");
        let response = dispatcher.handle_sqs_batch(batch).await;
        let failed: Vec<&str> = response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
        assert_eq!(failed, vec!["e-2"]);
    }
    let pushed = conn.messages.try_recv().expect("a position push");
    let message: serde_json::Value = serde_json::from_str(&pushed).expect("json");
    assert_eq!((message["type"].as_str(), message["topic"].as_str()), (Some("ticket.position"), Some(topic.as_str())));
    assert_eq!((message["position"].as_u64(), message["length"].as_u64()), (Some(1), Some(1)));
    assert_eq!(message["label"], "#1 of 1 in the High queue");

    // The queue's window was busy: a timer ends it, due within a second.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let due = app.queue.receive(tickets::EVENTS, 10, std::time::Duration::from_secs(30), std::time::Duration::ZERO);
    let kinds: Vec<String> = due
        .await
        .expect("receive")
        .iter()
        .map(|m| {
            serde_json::from_str::<serde_json::Value>(&m.body).expect("json")["kind"].as_str().unwrap_or("").to_owned()
        })
        .collect();
    assert!(kinds.iter().any(|k| k == live::fanout::FLUSH_KIND), "{kinds:?}");
}
