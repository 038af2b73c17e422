//! Tickets and the queue through the use cases on SQLite: numbering under concurrency, the
//! queue rules (enter, leave, re-enter at the back, priority switch keeping the place),
//! positions against a naive count, and visibility by tenant and organization.

use std::sync::Arc;

use kt_app::AppError;
use kt_app::identity::accounts::{NewUser, create_org, create_user};
use kt_app::identity::tenancy::{NewTenant, create};
use kt_app::tickets::{self, Change, NewTicket, QueuePosition};
use kt_app::wiring::{Settings, wire};
use kt_domain::identity::{OrgId, Role};
use kt_domain::policy::Actor;
use kt_domain::tenancy::{Tenant, TenantKind, User};
use kt_domain::ticket::{Category, Priority, Status, Ticket};

struct World {
    _dir: tempfile::TempDir,
    app: kt_app::AppState,
    acme: Tenant,
    beta: Tenant,
    globex: OrgId,
    dana: Actor,
    olga: Actor,
    pat: Actor,
    boss: Actor,
}

fn actor(u: &User, orgs: Vec<OrgId>) -> Actor {
    Actor {
        user: u.id.clone(),
        tenant: u.tenant.clone(),
        role: u.role,
        orgs,
        scopes: None,
        optional_enabled: false,
        tenant_bound: false,
    }
}

async fn world() -> World {
    let dir = tempfile::tempdir().expect("tmp");
    let app = wire(&Settings::local(dir.path())).await.expect("wire").state;
    let tenant = |name: &str, slug: &str, prefix: &str| NewTenant {
        name: name.into(),
        slug: slug.into(),
        ticket_prefix: prefix.into(),
    };
    let acme = create(&app, &tenant("Acme", "acme", "ACME"), TenantKind::Partner).await.expect("acme");
    let beta = create(&app, &tenant("Beta", "beta", "BETA"), TenantKind::Partner).await.expect("beta");
    let globex = create_org(&app, None, &acme, "Globex", &Default::default()).await.expect("globex").id;
    let initech = create_org(&app, None, &acme, "Initech", &Default::default()).await.expect("initech").id;
    let person = |email: &str, role, orgs: Vec<OrgId>| NewUser {
        email: email.into(),
        name: "Someone".into(),
        role,
        password: Some("Tr0mbone-Lantern-Quiet-47".into()),
        orgs,
    };
    let mk = |t: Tenant, email: &'static str, role: Role, orgs: Vec<OrgId>| {
        let app = app.clone();
        async move {
            let u =
                create_user(&app, None, &t, person(email, role, orgs.clone()), &Default::default()).await.expect(email);
            actor(&u, orgs)
        }
    };
    let dana = mk(acme.clone(), "dana@globex.test", Role::Client, vec![globex.clone()]).await;
    let olga = mk(acme.clone(), "olga@initech.test", Role::Client, vec![initech]).await;
    let pat = mk(acme.clone(), "pat@acme.test", Role::Partner, vec![]).await;
    let boss = mk(beta.clone(), "boss@beta.test", Role::Partner, vec![]).await;
    World { _dir: dir, app, acme, beta, globex, dana, olga, pat, boss }
}

fn new_ticket(subject: &str, priority: Priority) -> NewTicket {
    NewTicket {
        org: None,
        subject: subject.into(),
        description: "It **broke**.".into(),
        priority,
        category: Category::TechnicalSupport,
        tags: vec![],
    }
}

async fn file(w: &World, subject: &str, priority: Priority) -> Ticket {
    tickets::create(&w.app, &w.dana, &w.acme, new_ticket(subject, priority), &Default::default()).await.expect(subject)
}

async fn pos(w: &World, t: &Ticket) -> Option<QueuePosition> {
    tickets::position(&w.app, &w.dana, &w.acme, &t.id).await.expect("position").map(|s| s.at)
}

async fn set(w: &World, t: &Ticket, status: Option<Status>, priority: Option<Priority>) -> Ticket {
    tickets::change(&w.app, &w.pat, &w.acme, &t.id, Change { status, priority, ..Change::default() }, None)
        .await
        .expect("change")
        .value
}

fn at(position: u64, length: u64, priority: Priority) -> Option<QueuePosition> {
    Some(QueuePosition { priority, position, length })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_tickets_filed_at_once_get_a_hundred_consecutive_numbers() {
    let w = Arc::new(world().await);
    let mut handles = Vec::new();
    for i in 0..100 {
        let w = w.clone();
        handles.push(tokio::spawn(async move { file(&w, &format!("Ticket {i}"), Priority::Medium).await.number }));
    }
    let mut numbers = Vec::new();
    for h in handles {
        numbers.push(h.await.expect("join"));
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1001..=1100).collect::<Vec<_>>());
    // Each queue number is distinct too, so positions 1..100 are each taken once.
    let (_, length) = kt_store::tickets::position(w.app.store.as_ref(), Priority::Medium, 1).await.expect("pos");
    assert_eq!(length, 100);
    // Another tenant counts on its own.
    let beta_org = create_org(&w.app, None, &w.beta, "Beta client", &Default::default()).await.expect("org").id;
    let input = NewTicket { org: Some(beta_org), ..new_ticket("Elsewhere", Priority::Low) };
    let t = tickets::create(&w.app, &w.boss, &w.beta, input, &Default::default()).await.expect("beta ticket");
    assert_eq!(t.number, 1001);
}

#[tokio::test]
async fn the_queue_follows_its_rules() {
    let w = world().await;
    let low = file(&w, "Old low ticket", Priority::Low).await;
    let h: Vec<Ticket> = {
        let mut v = Vec::new();
        for i in 1..=4 {
            v.push(file(&w, &format!("High {i}"), Priority::High).await);
        }
        v
    };
    assert_eq!(pos(&w, &h[0]).await, at(1, 4, Priority::High));
    assert_eq!(pos(&w, &h[3]).await, at(4, 4, Priority::High));
    assert_eq!(pos(&w, &low).await, at(1, 1, Priority::Low));

    // Staff take High 2: it leaves, those behind move up.
    let taken = set(&w, &h[1], Some(Status::InProgress), None).await;
    assert_eq!(taken.queue, None);
    assert_eq!(pos(&w, &taken).await, None);
    assert_eq!(pos(&w, &h[2]).await, at(2, 3, Priority::High));
    assert_eq!(pos(&w, &h[3]).await, at(3, 3, Priority::High));

    // New -> Open keeps the place.
    set(&w, &h[2], Some(Status::Open), None).await;
    assert_eq!(pos(&w, &h[2]).await, at(2, 3, Priority::High));

    // Escalating the old Low ticket puts it where it would have stood: first.
    let raised = set(&w, &low, None, Some(Priority::High)).await;
    assert_eq!(pos(&w, &raised).await, at(1, 4, Priority::High));
    assert_eq!(pos(&w, &h[0]).await, at(2, 4, Priority::High));
    assert_eq!(kt_store::tickets::length(w.app.store.as_ref(), Priority::Low).await.expect("len"), 0);

    // Waiting on the client leaves the queue; the client's answer re-enters at the back.
    let pending = set(&w, &h[0], Some(Status::PendingClient), None).await;
    assert_eq!(pos(&w, &pending).await, None);
    let back = set(&w, &pending, Some(Status::Open), None).await;
    assert_eq!(pos(&w, &back).await, at(4, 4, Priority::High));

    // Closed is final, and refused transitions name the field.
    let closed = set(&w, &h[3], Some(Status::Closed), None).await;
    let reopen = tickets::change(&w.app, &w.pat, &w.acme, &closed.id, Change::status(Status::Open), None).await;
    assert!(matches!(reopen, Err(AppError::Invalid(ref f)) if f[0].field == "status"), "{reopen:?}");
    // A stale version is refused.
    let stale = tickets::change(&w.app, &w.pat, &w.acme, &back.id, Change::priority(Priority::Low), Some(1)).await;
    assert!(matches!(stale, Err(AppError::PreconditionFailed)));
}

#[tokio::test]
async fn tickets_stay_inside_their_tenant_and_organization() {
    let w = world().await;
    let t = file(&w, "Globex only", Priority::Critical).await;
    // Olga is a client of another organization of the same tenant; Boss is another tenant's partner.
    assert!(matches!(tickets::get(&w.app, &w.olga, &w.acme, &t.id).await, Err(AppError::NotFound)));
    assert!(matches!(tickets::position(&w.app, &w.olga, &w.acme, &t.id).await, Err(AppError::NotFound)));
    assert!(matches!(tickets::get(&w.app, &w.boss, &w.acme, &t.id).await, Err(AppError::NotFound)));
    assert!(matches!(tickets::get(&w.app, &w.boss, &w.beta, &t.id).await, Err(AppError::NotFound)));
    assert_eq!(tickets::get(&w.app, &w.pat, &w.acme, &t.id).await.expect("partner sees it").value.id, t.id);
    // Clients cannot file into someone else's organization, nor change status.
    let initech_for_dana = NewTicket { org: w.olga.orgs.first().cloned(), ..new_ticket("Sneaky", Priority::Low) };
    assert!(matches!(
        tickets::create(&w.app, &w.dana, &w.acme, initech_for_dana, &Default::default()).await,
        Err(AppError::NotFound)
    ));
    let change = Change::status(Status::Closed);
    assert!(matches!(tickets::change(&w.app, &w.dana, &w.acme, &t.id, change, None).await, Err(AppError::Forbidden)));
    // Bad input names every field at once and files nothing.
    let bad = NewTicket {
        subject: " ".into(),
        description: "".into(),
        tags: vec!["no spaces".into()],
        ..new_ticket("x", Priority::Low)
    };
    match tickets::create(&w.app, &w.pat, &w.acme, bad, &Default::default()).await {
        Err(AppError::Invalid(f)) => {
            let names: Vec<&str> = f.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(names, vec!["subject", "description", "tags", "org_id"]);
        }
        other => panic!("expected field errors, got {other:?}"),
    }
    let (_, length) = kt_store::tickets::position(w.app.store.as_ref(), Priority::Low, 1).await.expect("pos");
    assert_eq!(length, 0, "nothing entered the queue");
    assert_eq!(w.globex, t.org);
}

/// A store from before the count tree: waiting tickets numbered by the old platform counter,
/// counted in no tree. The upgrade renumbers them by the moment they entered, in the same
/// order, counts them, and is a no-op once done.
#[tokio::test]
async fn a_store_from_before_the_count_tree_is_renumbered_in_queue_order() {
    use kt_store::{Cond, Item, Key, TxOp};
    let w = world().await;
    let store = w.app.store.as_ref();
    let mut old = Vec::new();
    for i in 0..3u64 {
        let t = file(&w, &format!("Legacy {i}"), Priority::Medium).await;
        // Rewrite it as the old layout had it: number i + 1, no tree counts.
        let slot = t.queue.expect("waiting");
        let mut ops = kt_store::tickets::queue_ops(Priority::Medium, slot.number, &t.id, -1);
        let mut legacy = t.clone();
        legacy.queue = Some(kt_domain::ticket::QueueSlot { number: i + 1, ..slot });
        let current = kt_store::tickets::get(store, &w.acme.id, &t.id).await.expect("get").expect("ticket");
        ops.push(TxOp::Put {
            item: kt_store::tickets::item(&legacy, current.version + 1).expect("item"),
            cond: Cond::Version(current.version),
        });
        store.transact(ops).await.expect("legacy layout");
        old.push(legacy);
    }
    store.put(Item::new(Key::new("QUEUE#COUNTER", "QUEUE"), Default::default()), Cond::None).await.expect("counter");
    assert_eq!(kt_store::tickets::length(store, Priority::Medium).await.expect("len"), 0, "counted in no tree");

    assert_eq!(tickets::renumber::upgrade(&w.app).await.expect("upgrade"), 3);
    for (i, t) in old.iter().enumerate() {
        let now = kt_store::tickets::get(store, &w.acme.id, &t.id).await.expect("get").expect("ticket").value;
        assert!(now.queue.expect("still waiting").number >= tickets::renumber::LEGACY_LIMIT);
        assert_eq!(pos(&w, &now).await, at(i as u64 + 1, 3, Priority::Medium));
    }
    assert!(store.get(&Key::new("QUEUE#COUNTER", "QUEUE")).await.expect("get").is_none(), "the counter goes last");
    assert_eq!(tickets::renumber::upgrade(&w.app).await.expect("again"), 0, "done once");
    // A ticket filed now stands behind them.
    let new = file(&w, "After the upgrade", Priority::Medium).await;
    assert_eq!(pos(&w, &new).await, at(4, 4, Priority::Medium));
}
