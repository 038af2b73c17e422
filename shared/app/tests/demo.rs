//! The demo a fresh portal shows (`portal seed --demo`): the partner branded, tickets across
//! tenants, organizations, priorities and statuses with conversations, notes, files, time and
//! ratings, history spread over weeks for the charts, one ticket warned and one breached; and
//! a second run that changes nothing.

mod common;

use std::collections::BTreeSet;

use kt_app::wiring::{Settings, wire};
use kt_domain::ticket::{Status, Ticket};
use kt_store::tickets;

async fn all_tickets(app: &kt_app::AppState, tenant: &kt_domain::identity::TenantId) -> Vec<Ticket> {
    let store = app.store.as_ref();
    let mut out = Vec::new();
    for number in 1001.. {
        let Some(id) = tickets::id_by_number(store, tenant, number).await.expect("number") else { break };
        out.push(tickets::get(store, tenant, &id).await.expect("get").expect("ticket").value);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_shows_weeks_of_believable_work_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let app = wire(&Settings::local(dir.path())).await.expect("wire").state;
    kt_app::seed::demo(&app).await.expect("accounts");
    assert!(kt_app::seed::history::demo_history(&app).await.expect("history"), "the first run fills it");

    let house = kt_app::identity::tenancy::resolve_host(&app, "localhost").await.expect("house");
    let acme = kt_app::identity::tenancy::resolve_host(&app, "acme.localhost").await.expect("acme");
    assert!(acme.branding.logo_key.is_some(), "the partner has its logo");
    assert_ne!(acme.branding.primary, house.branding.primary, "and its own colours");

    let (kt_tickets, acme_tickets) = (all_tickets(&app, &house.id).await, all_tickets(&app, &acme.id).await);
    assert!(kt_tickets.len() >= 10 && acme_tickets.len() >= 15, "{} / {}", kt_tickets.len(), acme_tickets.len());
    let every: Vec<&Ticket> = kt_tickets.iter().chain(&acme_tickets).collect();
    let statuses: BTreeSet<&str> = every.iter().map(|t| t.status.as_str()).collect();
    for s in [Status::New, Status::InProgress, Status::PendingClient, Status::Resolved, Status::Closed] {
        assert!(statuses.contains(s.as_str()), "a {s:?} ticket: {statuses:?}");
    }
    let priorities: BTreeSet<_> = every.iter().map(|t| t.priority.as_str()).collect();
    assert_eq!(priorities.len(), 4, "every priority");
    let orgs: BTreeSet<_> = acme_tickets.iter().map(|t| t.org.to_string()).collect();
    assert!(orgs.len() >= 2, "the partner's tickets come from more than one client organization");
    assert!(every.iter().filter(|t| t.satisfaction.is_some()).count() >= 10, "ratings");
    assert!(every.iter().any(|t| t.assignee.is_some()), "assigned work");
    let sla =
        |f: fn(&kt_domain::ticket::TicketSla) -> bool| every.iter().filter(|t| t.sla.as_ref().is_some_and(f)).count();
    assert!(sla(|s| s.first_response.breached) >= 1, "a breached ticket");
    assert!(sla(|s| s.first_response.warned && !s.first_response.breached) >= 1, "a warned ticket");

    // Conversations, notes, files and time, as people left them.
    let store = app.store.as_ref();
    let (mut notes, mut files, mut time) = (0, 0, 0);
    for t in &every {
        let (messages, _) = tickets::messages(store, &t.tenant, &t.id, 100, None).await.expect("messages");
        notes += messages.iter().filter(|m| m.internal).count();
        files += tickets::attachments(store, &t.tenant, &t.id).await.expect("files").len();
        time += tickets::time_entries(store, &t.tenant, &t.id).await.expect("time").len();
    }
    assert!(notes >= 3 && files >= 2 && time >= 5, "notes {notes}, files {files}, time entries {time}");

    // The charts have weeks of history: filings in at least six different weeks.
    let admin = common::actor(&app, "localhost", "admin@kre8ivtech.test").await;
    let today = time::OffsetDateTime::now_utc().date();
    let day = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day());
    let h = kt_app::tickets::reports::history(&app, &admin, None, &day(today - time::Duration::days(62)), &day(today))
        .await
        .expect("history");
    let weeks: BTreeSet<usize> = h.days.iter().enumerate().filter(|(_, d)| d.created > 0).map(|(i, _)| i / 7).collect();
    assert!(weeks.len() >= 6, "filings over {} weeks", weeks.len());
    assert!(h.days.iter().map(|d| d.ratings).sum::<i64>() >= 10);
    assert!(h.first_response.iter().filter(|b| b.count > 0).count() >= 4, "response times spread out");

    // Run again: nothing new.
    assert!(!kt_app::seed::history::demo_history(&app).await.expect("again"), "the second run changes nothing");
    kt_app::seed::demo(&app).await.expect("accounts again");
    assert_eq!(all_tickets(&app, &acme.id).await.len(), acme_tickets.len());
}
