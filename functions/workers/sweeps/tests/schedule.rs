//! Replays the sample EventBridge schedule event into the sweeps on a seeded SQLite store: a
//! ticket filed while no worker saw its event is placed by the assignment rules on the next
//! sweep, and a second sweep finds nothing left to do.

use kt_app::identity::tenancy;
use kt_app::tickets::assignment::{self, RuleInput};
use kt_app::tickets::{self, NewTicket};
use kt_app::wiring::{Settings, wire};
use kt_domain::identity::{Email, UserId};
use kt_domain::policy::Actor;
use kt_domain::ticket::{Category, Priority};
use kt_domain::workflow::Strategy;
use kt_store::accounts;

async fn actor(app: &kt_app::AppState, host: &str, email: &str) -> Actor {
    let tenant = tenancy::resolve_host(app, host).await.expect("tenant");
    let store = app.store.as_ref();
    let id: UserId = accounts::user_by_email(store, &tenant.id, &Email::parse(email).expect("email"))
        .await
        .expect("lookup")
        .expect("user");
    let u = accounts::get_user(store, &tenant.id, &id).await.expect("read").expect("user").value;
    Actor {
        orgs: accounts::orgs_of(store, &tenant.id, &id).await.expect("orgs"),
        user: id,
        tenant: tenant.id,
        role: u.role,
        scopes: None,
        optional_enabled: false,
        tenant_bound: false,
    }
}

#[tokio::test]
async fn the_sample_schedule_event_runs_the_sweeps_and_places_a_waiting_ticket() {
    let dir = tempfile::tempdir().expect("tmp");
    let app = wire(&Settings::local(dir.path())).await.expect("wire").state;
    kt_app::seed::demo(&app).await.expect("seed");
    let raw = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../events/sweeps/schedule.json"))
        .expect("event");
    let event: serde_json::Value = serde_json::from_str(&raw).expect("the sample parses");
    assert_eq!(event["detail-type"], "Scheduled Event");

    let admin = actor(&app, "localhost", "admin@kre8ivtech.test").await;
    let staff = actor(&app, "localhost", "staff@kre8ivtech.test").await;
    let dana = actor(&app, "acme.localhost", "dana@globex.test").await;
    let acme = tenancy::resolve_host(&app, "acme.localhost").await.expect("acme");
    let input = NewTicket {
        org: None,
        subject: "Filed while the worker was away".into(),
        description: "Nobody saw the event.".into(),
        priority: Priority::Medium,
        category: Category::GeneralInquiry,
        tags: vec![],
    };
    let t = tickets::create(&app, &dana, &acme, input, &Default::default()).await.expect("ticket");
    // The rule arrives after the ticket, and its event is never handled here either.
    let rule = RuleInput {
        name: "Everything".into(),
        enabled: true,
        position: 0,
        tenant: None,
        org: None,
        categories: vec![],
        agents: vec![staff.user.clone()],
        strategy: Strategy::RoundRobin,
        capacity: 5,
    };
    assignment::create_rule(&app, &admin, rule).await.expect("rule");

    let out = kt_fn_sweeps::run(&app).await.expect("sweep");
    assert_eq!(out["assignment"]["assigned"], 1, "{out}");
    assert_eq!(out["sla"]["breaches"], 0);
    let after = kt_store::tickets::get(app.store.as_ref(), &acme.id, &t.id).await.expect("read").expect("ticket");
    assert_eq!(after.value.assignee, Some(staff.user.clone()));
    let again = kt_fn_sweeps::run(&app).await.expect("sweep");
    assert_eq!(again["assignment"]["assigned"], 0, "{again}");
}
