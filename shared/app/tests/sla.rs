//! Service levels through the use cases on SQLite with a hand-driven clock: clocks start with
//! the ticket, pause in Pending Client, stop at the first answer and at resolution; sweeps raise
//! each warning and breach once and run the escalations; business hours come from the policy's
//! calendar; compliance counts each outcome once; only super admins set policies.

mod common;

use std::sync::Arc;

use common::actor;
use kt_app::AppError;
use kt_app::identity::sessions::ClientInfo;
use kt_app::identity::tenancy;
use kt_app::tickets::conversation::{self, NewMessage};
use kt_app::tickets::sla::{self, Scope};
use kt_app::tickets::{self, Change, NewTicket};
use kt_app::wiring::{Settings, wire_with_clock};
use kt_domain::identity::Role;
use kt_domain::policy::Actor;
use kt_domain::sla::{Calendar, Escalation, Policy};
use kt_domain::tenancy::Tenant;
use kt_domain::ticket::{Category, Priority, Status, Ticket};
use kt_domain::{Clock, ManualClock};
use time::macros::datetime;

struct World {
    _dir: tempfile::TempDir,
    app: kt_app::AppState,
    clock: Arc<ManualClock>,
    acme: Tenant,
    dana: Actor,
    pat: Actor,
    admin: Actor,
    staff: Actor,
}

async fn world(start: time::OffsetDateTime) -> World {
    let dir = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(ManualClock::new(start));
    let app = wire_with_clock(&Settings::local(dir.path()), clock.clone()).await.expect("wire").state;
    kt_app::seed::demo(&app).await.expect("seed");
    let acme = tenancy::resolve_host(&app, "acme.localhost").await.expect("acme");
    let dana = actor(&app, "acme.localhost", "dana@globex.test").await;
    let pat = actor(&app, "acme.localhost", "pat@acme-agency.test").await;
    let admin = actor(&app, "localhost", "admin@kre8ivtech.test").await;
    let staff = actor(&app, "localhost", "staff@kre8ivtech.test").await;
    World { _dir: dir, app, clock, acme, dana, pat, admin, staff }
}

impl World {
    async fn file(&self, priority: Priority) -> Ticket {
        let input = NewTicket {
            org: None,
            subject: "Site down".into(),
            description: "Nothing loads".into(),
            priority,
            category: Category::TechnicalSupport,
            tags: vec![],
        };
        tickets::create(&self.app, &self.dana, &self.acme, input, &ClientInfo::default()).await.expect("file")
    }

    async fn get(&self, t: &Ticket) -> Ticket {
        tickets::get(&self.app, &self.pat, &self.acme, &t.id).await.expect("get").value
    }

    async fn sweep(&self) -> sla::Swept {
        sla::sweep(&self.app, self.clock.now()).await.expect("sweep")
    }

    fn advance_minutes(&self, m: i64) {
        self.clock.advance(time::Duration::minutes(m));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warnings_and_breaches_are_raised_once_and_escalate() {
    let w = world(datetime!(2026-12-01 10:00 UTC)).await;
    // High: first response within 4 h by default, around the clock; raise the priority on breach.
    let mut policy = Policy::default_policy();
    policy.on_breach = vec![Escalation::Notify, Escalation::RaisePriority];
    sla::set_policy(&w.app, &w.admin, Scope::Platform, policy).await.expect("policy");
    let t = w.file(Priority::High).await;
    let s = t.sla.clone().expect("clocks start with the ticket");
    assert_eq!(s.first_response_due_at, Some(datetime!(2026-12-01 14:00 UTC)));
    assert_eq!(s.resolution_due_at, Some(datetime!(2026-12-02 10:00 UTC)));

    w.advance_minutes(3 * 60);
    assert_eq!(w.sweep().await, sla::Swept::default(), "nothing due at 75 %");
    w.advance_minutes(15);
    let swept = w.sweep().await;
    assert_eq!((swept.warnings, swept.breaches), (1, 0), "80 % of four hours: the warning");
    assert_eq!(w.sweep().await.warnings, 0, "raised once");
    w.advance_minutes(45);
    let swept = w.sweep().await;
    assert_eq!((swept.warnings, swept.breaches), (0, 1), "four hours: the breach");
    let after = w.get(&t).await;
    assert_eq!(after.priority, Priority::Critical, "the breach raised the priority");
    assert!(after.sla.as_ref().unwrap().first_response.breached);
    assert_eq!(w.sweep().await.breaches, 0, "a breach is raised once");
    let activity = conversation::activity(&w.app, &w.pat, &w.acme, &t.id, 50, None).await.expect("activity").0;
    let kinds: Vec<&str> = activity.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(kinds, ["created", "sla_warning", "sla_breach", "priority"]);

    // The answer comes late: the first response is counted as missed, once.
    let reply = NewMessage { body: "Sorry, looking now".into(), internal: false, status: Some(Status::InProgress) };
    conversation::reply(&w.app, &w.staff, &w.acme, &t.id, reply).await.expect("reply");
    let c = sla::compliance(&w.app, &w.pat, Some(&w.acme.id), "2026-12", "2026-12").await.expect("compliance");
    let first: Vec<_> = c.iter().filter(|r| r.clock == "first").collect();
    assert_eq!(first.len(), 1);
    assert_eq!(
        (first[0].priority.as_str(), first[0].met, first[0].missed, first[0].percent),
        ("critical", 0, 1, Some(0.0))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_client_pauses_the_clock() {
    let w = world(datetime!(2026-12-01 10:00 UTC)).await;
    let t = w.file(Priority::Critical).await; // resolution within 8 h
    w.advance_minutes(60);
    // Staff answer: the first response is met; the ticket waits for the client.
    let ask = NewMessage { body: "Which page?".into(), internal: false, status: None };
    let (_, asked) = conversation::reply(&w.app, &w.staff, &w.acme, &t.id, ask).await.expect("reply");
    assert_eq!(asked.status, Status::PendingClient);
    let s = asked.sla.clone().unwrap();
    assert!(s.resolution.running_since.is_none(), "paused");
    assert_eq!(s.resolution_due_at, None, "nothing falls due while paused");
    // A day later the client answers; seven hours of the eight are left.
    w.advance_minutes(24 * 60);
    assert_eq!(w.sweep().await, sla::Swept::default(), "a paused clock raises nothing");
    let answer = NewMessage { body: "The checkout".into(), internal: false, status: None };
    let (_, back) = conversation::reply(&w.app, &w.dana, &w.acme, &t.id, answer).await.expect("reply");
    assert_eq!(back.status, Status::Open);
    assert_eq!(back.sla.as_ref().unwrap().resolution_due_at, Some(datetime!(2026-12-02 18:00 UTC)));
    // Resolved in time: met, and counted once even when reopened and resolved again.
    w.advance_minutes(60);
    tickets::change(&w.app, &w.pat, &w.acme, &t.id, Change::status(Status::Resolved), None).await.expect("resolve");
    tickets::change(&w.app, &w.pat, &w.acme, &t.id, Change::status(Status::Open), None).await.expect("reopen");
    tickets::change(&w.app, &w.pat, &w.acme, &t.id, Change::status(Status::Resolved), None).await.expect("resolve");
    let c = sla::compliance(&w.app, &w.pat, Some(&w.acme.id), "2026-12", "2026-12").await.expect("compliance");
    let get = |clock: &str| c.iter().find(|r| r.clock == clock).map(|r| (r.met, r.missed));
    assert_eq!(get("first"), Some((1, 0)));
    assert_eq!(get("resolution"), Some((1, 0)));
    // The platform figures include the tenant's.
    let all = sla::compliance(&w.app, &w.staff, None, "2026-11", "2026-12").await.expect("all");
    assert_eq!(all.iter().map(|r| r.met).sum::<i64>(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn business_hours_come_from_the_calendar() {
    // Thursday 2026-12-03, 16:00 in Berlin.
    let w = world(datetime!(2026-12-03 15:00 UTC)).await;
    let mut policy = Policy::default_policy();
    policy.calendar = Calendar::weekdays("Berlin office", "Europe/Berlin", 9 * 60, 17 * 60);
    sla::set_policy(&w.app, &w.admin, Scope::Tenant(&w.acme.id), policy).await.expect("policy");
    let t = w.file(Priority::High).await;
    // Four working hours: one on Thursday, three on Friday morning.
    assert_eq!(t.sla.unwrap().first_response_due_at, Some(datetime!(2026-12-04 11:00 UTC)));
    // The organization's own policy wins over the tenant's.
    let mut strict = Policy::default_policy();
    strict.name = "Globex premium".into();
    sla::set_policy(&w.app, &w.admin, Scope::Org(&w.acme.id, &w.dana.orgs[0]), strict).await.expect("org policy");
    let t2 = w.file(Priority::High).await;
    assert_eq!(t2.sla.as_ref().unwrap().policy, "Globex premium");
    assert_eq!(t2.sla.unwrap().first_response_due_at, Some(datetime!(2026-12-03 19:00 UTC)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_super_admins_set_policies_and_bad_ones_are_refused() {
    let w = world(datetime!(2026-12-01 10:00 UTC)).await;
    for who in [&w.staff, &w.pat] {
        let r = sla::set_policy(&w.app, who, Scope::Tenant(&w.acme.id), Policy::default_policy()).await;
        assert!(matches!(r, Err(AppError::Forbidden)), "{:?}: {r:?}", who.role);
    }
    let r = sla::set_policy(&w.app, &w.dana, Scope::Tenant(&w.acme.id), Policy::default_policy()).await;
    assert!(matches!(r, Err(AppError::NotFound)));
    let mut bad = Policy::default_policy();
    bad.calendar.time_zone = "Nowhere/Land".into();
    bad.warn_percent = 0;
    match sla::set_policy(&w.app, &w.admin, Scope::Platform, bad).await {
        Err(AppError::Invalid(f)) => {
            let fields: Vec<&str> = f.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["warn_percent", "calendar"]);
        }
        other => panic!("expected field errors, got {other:?}"),
    }
    assert_eq!(sla::get_policy(&w.app, &w.staff, Scope::Platform).await.expect("read"), None, "nothing was stored");
    // Staff and partners read what applies; clients do not.
    assert!(sla::get_policy(&w.app, &w.pat, Scope::Tenant(&w.acme.id)).await.is_ok());
    assert!(sla::get_policy(&w.app, &w.dana, Scope::Tenant(&w.acme.id)).await.is_err());
    assert_eq!(w.admin.role, Role::SuperAdmin);
    let bad_period = sla::compliance(&w.app, &w.pat, Some(&w.acme.id), "2026-13", "2026").await;
    assert!(matches!(bad_period, Err(AppError::Invalid(f)) if f.len() == 2));
}
