//! Ticket workflow through the use cases on SQLite, on the demo seed: auto-assignment (round
//! robin, capacity, waiting, freeing up), canned responses, links, merging, bulk changes and
//! the satisfaction survey.

use kt_app::AppError;
use kt_app::identity::accounts::{NewUser, create_user};
use kt_app::identity::tenancy;
use kt_app::tickets::assignment::{self, RuleInput};
use kt_app::tickets::bulk::{self, BulkChange};
use kt_app::tickets::canned::{self, CannedInput};
use kt_app::tickets::time_entries::{self, NewTimeEntry};
use kt_app::tickets::{self, Change, NewTicket, conversation, links, satisfaction};
use kt_app::wiring::{Settings, wire};
use kt_app::{AppState, seed};
use kt_domain::identity::{Email, Role, UserId};
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_domain::ticket::{Category, Priority, Status, Ticket};
use kt_domain::workflow::Strategy;
use kt_store::accounts;

struct World {
    _dir: tempfile::TempDir,
    app: AppState,
    house: Tenant,
    acme: Tenant,
    admin: Actor,
    staff: Actor,
    pat: Actor,
    dana: Actor,
    ivy: Actor,
    initech: kt_domain::identity::OrgId,
}

async fn who(app: &AppState, tenant: &Tenant, email: &str) -> Actor {
    let store = app.store.as_ref();
    let id = accounts::user_by_email(store, &tenant.id, &Email::parse(email).expect("email"))
        .await
        .expect("lookup")
        .expect(email);
    let u = accounts::get_user(store, &tenant.id, &id).await.expect("user").expect("user").value;
    Actor {
        orgs: accounts::orgs_of(store, &tenant.id, &u.id).await.expect("orgs"),
        user: u.id,
        tenant: u.tenant,
        role: u.role,
        scopes: None,
        optional_enabled: false,
        tenant_bound: false,
    }
}

async fn world() -> World {
    let dir = tempfile::tempdir().expect("tmp");
    let app = wire(&Settings::local(dir.path())).await.expect("wire").state;
    seed::demo(&app).await.expect("seed");
    let house = tenancy::resolve_host(&app, "localhost").await.expect("house");
    let acme = tenancy::resolve_host(&app, "acme.localhost").await.expect("acme");
    World {
        admin: who(&app, &house, "admin@kre8ivtech.test").await,
        staff: who(&app, &house, "staff@kre8ivtech.test").await,
        pat: who(&app, &acme, "pat@acme-agency.test").await,
        dana: who(&app, &acme, "dana@globex.test").await,
        ivy: who(&app, &acme, "ivy@initech.test").await,
        initech: accounts::list_orgs(app.store.as_ref(), &acme.id, 10, None)
            .await
            .expect("orgs")
            .0
            .into_iter()
            .find(|o| o.name == "Initech")
            .expect("initech")
            .id,
        _dir: dir,
        app,
        house,
        acme,
    }
}

async fn agent(w: &World, email: &str, name: &str) -> UserId {
    let input = NewUser {
        email: email.into(),
        name: name.into(),
        role: Role::Staff,
        password: Some("Tr0mbone-Lantern-Quiet-47".into()),
        orgs: vec![],
    };
    create_user(&w.app, None, &w.house, input, &Default::default()).await.expect(email).id
}

/// Files a ticket as `who` (Ivy, in two organizations, files for Initech).
async fn file_as(w: &World, who: &Actor, subject: &str, category: Category) -> Ticket {
    let input = NewTicket {
        org: (who.user == w.ivy.user).then(|| w.initech.clone()),
        subject: subject.into(),
        description: format!("About {subject}."),
        priority: Priority::High,
        category,
        tags: vec![],
    };
    tickets::create(&w.app, who, &w.acme, input, &Default::default()).await.expect(subject)
}

async fn reread(w: &World, t: &Ticket) -> Ticket {
    kt_store::tickets::get(w.app.store.as_ref(), &t.tenant, &t.id).await.expect("read").expect("ticket").value
}

fn invalid_fields(e: AppError) -> Vec<String> {
    match e {
        AppError::Invalid(fields) => fields.into_iter().map(|f| f.field.to_string()).collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

fn billing_rule(w: &World, agents: Vec<UserId>, strategy: Strategy, capacity: u32) -> RuleInput {
    RuleInput {
        name: "Acme billing".into(),
        enabled: true,
        position: 1,
        tenant: Some(w.acme.id.clone()),
        org: None,
        categories: vec![Category::Billing],
        agents,
        strategy,
        capacity,
    }
}

#[tokio::test]
async fn rules_assign_round_robin_up_to_capacity_and_tickets_wait_until_someone_frees_up() {
    let w = world().await;
    let (a1, a2) =
        (agent(&w, "ann@kre8ivtech.test", "Ann Agent").await, agent(&w, "ben@kre8ivtech.test", "Ben Agent").await);
    // Only super admins write rules; staff read them; partners and clients do not see them.
    let rule = billing_rule(&w, vec![a1.clone(), a2.clone()], Strategy::RoundRobin, 2);
    assert!(matches!(assignment::create_rule(&w.app, &w.staff, rule.clone()).await, Err(AppError::Forbidden)));
    assert!(matches!(assignment::list_rules(&w.app, &w.pat).await, Err(AppError::NotFound)));
    assert!(matches!(assignment::list_rules(&w.app, &w.dana).await, Err(AppError::NotFound)));
    // Bad input names its fields and writes nothing.
    let mut bad = billing_rule(&w, vec![], Strategy::RoundRobin, 0);
    bad.name = " ".into();
    let fields = invalid_fields(assignment::create_rule(&w.app, &w.admin, bad).await.expect_err("invalid"));
    assert_eq!(fields, ["name", "agent_ids", "capacity"]);
    let mut global = billing_rule(&w, vec![w.pat.user.clone()], Strategy::RoundRobin, 2);
    global.tenant = None;
    let fields =
        invalid_fields(assignment::create_rule(&w.app, &w.admin, global).await.expect_err("partner in global"));
    assert_eq!(fields, ["agent_ids"]);
    assert!(assignment::list_rules(&w.app, &w.staff).await.expect("list").is_empty());

    let created = assignment::create_rule(&w.app, &w.admin, rule).await.expect("rule");
    let listed = assignment::list_rules(&w.app, &w.staff).await.expect("list");
    assert_eq!(listed.iter().map(|r| (&r.value, r.version)).collect::<Vec<_>>(), vec![(&created, 1)]);

    let mut filed = Vec::new();
    for i in 0..5 {
        let t = file_as(&w, &w.dana, &format!("Invoice question {i}"), Category::Billing).await;
        let d = assignment::dispatch(&w.app).await.expect("dispatch");
        filed.push((reread(&w, &t).await, d));
    }
    let assignees: Vec<Option<UserId>> = filed.iter().map(|(t, _)| t.assignee.clone()).collect();
    assert_eq!(
        assignees,
        [Some(a1.clone()), Some(a2.clone()), Some(a1.clone()), Some(a2.clone()), None],
        "round robin, then everyone is at capacity and the fifth waits"
    );
    assert_eq!(filed[4].1.assigned, 0, "nobody had room for the fifth");
    let waiting = &filed[4].0;
    assert_eq!(waiting.status, Status::New, "assignment never changes the status");
    assert!(tickets::standing(&w.app, &filed[0].0).await.expect("standing").is_some(), "assigned tickets stay queued");
    // Another category is not this rule's.
    let tech = file_as(&w, &w.dana, "Site down", Category::TechnicalSupport).await;
    assignment::dispatch(&w.app).await.expect("dispatch");
    assert_eq!(reread(&w, &tech).await.assignee, None);

    let load = |user: &UserId| {
        let app = w.app.clone();
        let user = user.clone();
        async move { kt_store::workflow::loads(app.store.as_ref(), &[user.clone()]).await.expect("loads")[&user] }
    };
    assert_eq!((load(&a1).await, load(&a2).await), (2, 2));
    let workload = assignment::workload(&w.app, &w.staff).await.expect("workload");
    let ann = workload.iter().find(|l| l.user == a1).expect("ann listed");
    assert_eq!((ann.load, ann.capacity, ann.name.as_str()), (2, Some(2), "Ann Agent"));

    // Ann resolves one: her load drops, and the walk gives her the waiting ticket.
    let first = &filed[0].0;
    tickets::change(&w.app, &w.staff, &w.acme, &first.id, Change::status(Status::Resolved), None)
        .await
        .expect("resolve");
    assert_eq!(load(&a1).await, 1);
    let d = assignment::dispatch(&w.app).await.expect("walk");
    assert_eq!((d.assigned, d.waiting), (1, 0));
    assert_eq!(reread(&w, waiting).await.assignee, Some(a1.clone()));
    assert_eq!(load(&a1).await, 2);
    // The assignment is in the activity log, by the portal itself.
    let log = conversation::activity(&w.app, &w.staff, &w.acme, &waiting.id, 50, None).await.expect("log").0;
    let line = log.iter().find(|a| a.kind == "assignee").expect("assignee line");
    assert_eq!((line.actor.as_deref(), line.to.as_deref()), (None, Some(a1.to_string().as_str())));
    // Handing a ticket back frees capacity too; a walk with no one free does nothing.
    assert_eq!(assignment::dispatch(&w.app).await.expect("walk").assigned, 0);
    let second = &filed[1].0;
    tickets::change(&w.app, &w.staff, &w.acme, &second.id, Change { assignee: Some(None), ..Change::default() }, None)
        .await
        .expect("unassign");
    assert_eq!(load(&a2).await, 1);
    // The unassigned ticket itself is waiting again and goes to whoever is next with room.
    let d = assignment::dispatch(&w.app).await.expect("walk");
    assert_eq!(d.assigned, 1);
    assert_eq!(reread(&w, second).await.assignee, Some(a2.clone()));

    // Least loaded: a new agent with nothing takes the next tickets until level.
    let a3 = agent(&w, "cy@kre8ivtech.test", "Cy Agent").await;
    let current = assignment::get_rule(&w.app, &w.staff, &created.id).await.expect("rule");
    let update = billing_rule(&w, vec![a1.clone(), a2.clone(), a3.clone()], Strategy::LeastLoaded, 3);
    assert!(matches!(
        assignment::update_rule(&w.app, &w.admin, &created.id, update.clone(), Some(current.version + 7)).await,
        Err(AppError::PreconditionFailed)
    ));
    assignment::update_rule(&w.app, &w.admin, &created.id, update, Some(current.version)).await.expect("update");
    for i in 0..2 {
        let t = file_as(&w, &w.ivy, &format!("Refund {i}"), Category::Billing).await;
        assignment::dispatch(&w.app).await.expect("dispatch");
        assert_eq!(reread(&w, &t).await.assignee, Some(a3.clone()), "the least loaded agent");
    }
    assignment::delete_rule(&w.app, &w.admin, &created.id).await.expect("delete");
    let t = file_as(&w, &w.dana, "No rule now", Category::Billing).await;
    assignment::dispatch(&w.app).await.expect("dispatch");
    assert_eq!(reread(&w, &t).await.assignee, None);
}

#[tokio::test]
async fn canned_responses_are_per_tenant_and_filled_in_for_the_ticket() {
    let w = world().await;
    let input = |title: &str, body: &str, shortcut: Option<&str>| CannedInput {
        title: title.into(),
        body: body.into(),
        shortcut: shortcut.map(str::to_owned),
    };
    let fields = invalid_fields(
        canned::create(&w.app, &w.pat, &w.acme, input("", "Hi {{requester.nick}}", Some("a b")))
            .await
            .expect_err("bad"),
    );
    assert_eq!(fields, ["title", "body", "shortcut"]);
    let thanks = canned::create(
        &w.app,
        &w.pat,
        &w.acme,
        input("Thanks", "Hi {{requester.first_name}}, {{ticket.number}} ({{ticket.priority}}) is with {{agent.first_name}} at {{portal.name}} for {{organization.name}}.", Some("/thanks")),
    )
    .await
    .expect("canned");
    assert_eq!(thanks.shortcut.as_deref(), Some("thanks"));
    let dup = canned::create(&w.app, &w.pat, &w.acme, input("Again", "Hello", Some("thanks"))).await.expect_err("dup");
    assert_eq!(invalid_fields(dup), ["shortcut"]);
    canned::create(&w.app, &w.staff, &w.house, input("House sign-off", "Kind regards, {{agent.name}}", None))
        .await
        .expect("house canned");
    // Clients and other tenants do not get at a tenant's responses.
    assert!(matches!(canned::list(&w.app, &w.dana, &w.acme).await, Err(AppError::NotFound)));
    let beta_boss = {
        let beta = tenancy::create(
            &w.app,
            &tenancy::NewTenant { name: "Beta".into(), slug: "beta".into(), ticket_prefix: "BETA".into() },
            kt_domain::tenancy::TenantKind::Partner,
        )
        .await
        .expect("beta");
        let input = NewUser {
            email: "boss@beta.test".into(),
            name: "Boss".into(),
            role: Role::Partner,
            password: Some("Tr0mbone-Lantern-Quiet-47".into()),
            orgs: vec![],
        };
        create_user(&w.app, None, &beta, input, &Default::default()).await.expect("boss");
        who(&w.app, &beta, "boss@beta.test").await
    };
    assert!(matches!(canned::list(&w.app, &beta_boss, &w.acme).await, Err(AppError::NotFound)));

    let t = file_as(&w, &w.dana, "Invoice", Category::Billing).await;
    let for_pat = canned::for_ticket(&w.app, &w.pat, &w.acme, &t.id).await.expect("filled");
    assert_eq!(for_pat.len(), 1, "a partner gets its own tenant's only");
    assert_eq!(
        for_pat[0].body,
        format!("Hi Dana, ACME-{} (High) is with Pat at {} for Globex.", t.number, w.acme.branding.portal_name)
    );
    let for_staff = canned::for_ticket(&w.app, &w.staff, &w.acme, &t.id).await.expect("filled");
    let titles: Vec<&str> = for_staff.iter().map(|f| f.canned.title.as_str()).collect();
    assert_eq!(titles, ["Thanks", "House sign-off"], "house staff get the tenant's, then the house's");
    assert_eq!(for_staff[1].body, "Kind regards, Sky Staff");
    assert!(matches!(canned::for_ticket(&w.app, &w.dana, &w.acme, &t.id).await, Err(AppError::Forbidden)));

    let listed = canned::list(&w.app, &w.pat, &w.acme).await.expect("list");
    let v = listed[0].version;
    let edit = input("Thanks!", "Thanks {{requester.name}}", Some("thanks"));
    assert!(matches!(
        canned::update(&w.app, &w.pat, &w.acme, &thanks.id, edit.clone(), Some(v + 1)).await,
        Err(AppError::PreconditionFailed)
    ));
    let edited = canned::update(&w.app, &w.pat, &w.acme, &thanks.id, edit, Some(v)).await.expect("edit");
    assert_eq!((edited.value.title.as_str(), edited.version), ("Thanks!", v + 1));
    canned::delete(&w.app, &w.pat, &w.acme, &thanks.id).await.expect("delete");
    assert!(canned::list(&w.app, &w.pat, &w.acme).await.expect("list").is_empty());
}

#[tokio::test]
async fn links_join_both_tickets_and_never_show_what_the_reader_cannot_see() {
    let w = world().await;
    let a = file_as(&w, &w.dana, "Checkout fails", Category::BugReport).await;
    let b = file_as(&w, &w.dana, "Checkout slow", Category::BugReport).await;
    let c = file_as(&w, &w.ivy, "Checkout error", Category::BugReport).await;
    let by_number = format!("ACME-{}", c.number);
    links::link(&w.app, &w.pat, &w.acme, &a.id, &by_number).await.expect("link by number");
    links::link(&w.app, &w.pat, &w.acme, &a.id, b.id.as_str()).await.expect("link by id");
    links::link(&w.app, &w.pat, &w.acme, &a.id, b.id.as_str()).await.expect("linking twice is harmless");
    let seen = |actor: &Actor, t: &Ticket| {
        let (app, actor, acme, id) = (w.app.clone(), actor.clone(), w.acme.clone(), t.id.clone());
        async move {
            links::list(&app, &actor, &acme, &id)
                .await
                .expect("links")
                .into_iter()
                .map(|l| l.ticket.id)
                .collect::<Vec<_>>()
        }
    };
    let mut expected = vec![b.id.clone(), c.id.clone()];
    expected.sort();
    assert_eq!(seen(&w.pat, &a).await, expected);
    assert_eq!(seen(&w.pat, &c).await, vec![a.id.clone()], "both ways");
    assert_eq!(seen(&w.dana, &a).await, vec![b.id.clone()], "Dana never learns of Initech's ticket");
    assert_eq!(seen(&w.ivy, &c).await, vec![a.id.clone()], "Ivy is in both organizations: she sees both ends");
    assert!(matches!(links::link(&w.app, &w.dana, &w.acme, &a.id, b.id.as_str()).await, Err(AppError::Forbidden)));
    assert_eq!(
        invalid_fields(links::link(&w.app, &w.pat, &w.acme, &a.id, a.id.as_str()).await.expect_err("self")),
        ["ticket"]
    );
    assert_eq!(
        invalid_fields(links::link(&w.app, &w.pat, &w.acme, &a.id, "KT-1001").await.expect_err("other prefix")),
        ["ticket"]
    );
    links::unlink(&w.app, &w.pat, &w.acme, &c.id, &a.id).await.expect("unlink");
    assert_eq!(seen(&w.pat, &a).await, vec![b.id.clone()]);
    assert!(matches!(links::unlink(&w.app, &w.pat, &w.acme, &c.id, &a.id).await, Err(AppError::NotFound)));
}

#[tokio::test]
async fn merging_moves_the_conversation_and_closes_the_source_with_a_link() {
    let w = world().await;
    let src = file_as(&w, &w.dana, "Mail bounces", Category::TechnicalSupport).await;
    let dst = file_as(&w, &w.dana, "Mail not arriving", Category::TechnicalSupport).await;
    let other = file_as(&w, &w.dana, "Something else", Category::TechnicalSupport).await;
    let reply = |actor: &Actor, t: &Ticket, body: &str, internal: bool| {
        let (app, actor, acme, id, body) =
            (w.app.clone(), actor.clone(), w.acme.clone(), t.id.clone(), body.to_owned());
        async move {
            let input = conversation::NewMessage { body, internal, status: None };
            conversation::reply(&app, &actor, &acme, &id, input).await.expect("reply").0
        }
    };
    reply(&w.dana, &src, "It started yesterday.", false).await;
    reply(&w.staff, &src, "Checking the SPF record.", true).await;
    reply(&w.dana, &dst, "Also on the other address.", false).await;
    time_entries::log(
        &w.app,
        &w.staff,
        &w.acme,
        &src.id,
        NewTimeEntry { minutes: 20, work_date: None, note: "DNS".into(), billable: true },
    )
    .await
    .expect("time");
    let a1 = agent(&w, "ann@kre8ivtech.test", "Ann Agent").await;
    tickets::change(
        &w.app,
        &w.staff,
        &w.acme,
        &src.id,
        Change { assignee: Some(Some(a1.clone())), ..Change::default() },
        None,
    )
    .await
    .expect("assign");
    assert_eq!(kt_store::workflow::loads(w.app.store.as_ref(), &[a1.clone()]).await.expect("load")[&a1], 1);

    assert!(matches!(links::merge(&w.app, &w.dana, &w.acme, &src.id, dst.id.as_str()).await, Err(AppError::Forbidden)));
    assert_eq!(
        invalid_fields(links::merge(&w.app, &w.pat, &w.acme, &src.id, src.id.as_str()).await.expect_err("self")),
        ["into_ticket"]
    );
    let (target, source) =
        links::merge(&w.app, &w.pat, &w.acme, &src.id, &format!("ACME-{}", dst.number)).await.expect("merge");
    assert_eq!((source.status, source.merged_into.as_ref()), (Status::Closed, Some(&target.id)));
    assert!(tickets::standing(&w.app, &source).await.expect("standing").is_none(), "the source left the queue");
    assert_eq!(reread(&w, &src).await.merged_into, Some(dst.id.clone()));
    assert_eq!(
        kt_store::workflow::loads(w.app.store.as_ref(), &[a1.clone()]).await.expect("load")[&a1],
        0,
        "the closed source no longer weighs on Ann"
    );

    // The target holds the whole conversation in time order: the source's description (at
    // its time), its reply and note, then the target's own reply.
    let staff_view = conversation::messages(&w.app, &w.staff, &w.acme, &dst.id, 100, None).await.expect("messages").0;
    let bodies: Vec<String> = staff_view.iter().map(|m| m.body.lines().next().unwrap_or_default().to_owned()).collect();
    assert_eq!(
        bodies,
        [
            format!("**Merged from ACME-{}: Mail bounces**", src.number),
            "It started yesterday.".into(),
            "Checking the SPF record.".into(),
            "Also on the other address.".into()
        ]
    );
    let client_view = conversation::messages(&w.app, &w.dana, &w.acme, &dst.id, 100, None).await.expect("messages").0;
    assert_eq!(client_view.len(), 3, "the moved internal note stays internal");
    assert!(
        conversation::messages(&w.app, &w.staff, &w.acme, &src.id, 100, None).await.expect("messages").0.is_empty()
    );
    let sheet = time_entries::sheet(&w.app, &w.staff, &w.acme, &dst.id).await.expect("sheet");
    assert_eq!(sheet.total_minutes, 20, "time entries move too");
    let linked = links::list(&w.app, &w.dana, &w.acme, &src.id).await.expect("links");
    assert_eq!((linked[0].ticket.id.clone(), linked[0].link.kind.as_str()), (dst.id.clone(), "merged"));
    let log = conversation::activity(&w.app, &w.pat, &w.acme, &dst.id, 50, None).await.expect("log").0;
    assert!(log.iter().any(|a| a.kind == "merged_from" && a.from == Some(format!("ACME-{}", src.number))));

    // Asking again is harmless; merging it elsewhere, or into a closed ticket, is refused.
    links::merge(&w.app, &w.pat, &w.acme, &src.id, dst.id.as_str()).await.expect("same merge again");
    assert!(matches!(
        links::merge(&w.app, &w.pat, &w.acme, &src.id, other.id.as_str()).await,
        Err(AppError::Conflict(_))
    ));
    let fields = invalid_fields(
        links::merge(&w.app, &w.pat, &w.acme, &other.id, src.id.as_str()).await.expect_err("into closed"),
    );
    assert_eq!(fields, ["into_ticket"]);
    // Nothing more is attached to the closed source: it would never reach the target.
    let attach = kt_app::tickets::attachments::start_upload(
        &w.app,
        &w.dana,
        &w.acme,
        &src.id,
        "late.pdf",
        "application/pdf",
        10,
    )
    .await;
    assert!(matches!(attach, Err(AppError::Conflict(_))), "a closed ticket refuses attachments");
    // Another organization's ticket never merges in: its clients would read this one.
    let initech = file_as(&w, &w.ivy, "Initech mail", Category::TechnicalSupport).await;
    let fields = invalid_fields(
        links::merge(&w.app, &w.pat, &w.acme, &initech.id, dst.id.as_str()).await.expect_err("cross-org"),
    );
    assert_eq!(fields, ["into_ticket"]);
    // The move itself resumes idempotently (the worker's path).
    assert_eq!(links::move_conversation(&w.app, &w.acme.id, &src.id, &dst.id).await.expect("move"), 0);
}

#[tokio::test]
async fn bulk_changes_answer_for_each_ticket() {
    let w = world().await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(file_as(&w, &w.dana, &format!("Bulk {i}"), Category::GeneralInquiry).await.id.to_string());
    }
    let closed = file_as(&w, &w.dana, "Done", Category::GeneralInquiry).await;
    tickets::change(&w.app, &w.pat, &w.acme, &closed.id, Change::status(Status::Closed), None).await.expect("close");
    let mut all = ids.clone();
    all.extend([closed.id.to_string(), "not-a-ticket".into(), "01JD00000000000000000000ZZ".into()]);
    let change = BulkChange { status: Some(Status::InProgress), priority: Some(Priority::Critical), assignee: None };
    let results = bulk::apply(&w.app, &w.pat, &w.acme, &all, change.clone()).await.expect("bulk");
    let outcomes: Vec<&str> = results
        .iter()
        .map(|r| match &r.outcome {
            Ok(_) => "ok",
            Err(AppError::Invalid(_)) => "invalid",
            Err(AppError::NotFound) => "not found",
            Err(_) => "other",
        })
        .collect();
    assert_eq!(outcomes, ["ok", "ok", "ok", "invalid", "not found", "not found"]);
    for r in &results[..3] {
        let t = &r.outcome.as_ref().expect("changed").value;
        assert_eq!((t.status, t.priority), (Status::InProgress, Priority::Critical));
    }
    assert!(matches!(bulk::apply(&w.app, &w.dana, &w.acme, &ids, change.clone()).await, Err(AppError::NotFound)));
    let too_many: Vec<String> = (0..101).map(|i| format!("t{i}")).collect();
    assert_eq!(
        invalid_fields(bulk::apply(&w.app, &w.pat, &w.acme, &too_many, change.clone()).await.expect_err("101")),
        ["ticket_ids"]
    );
    assert_eq!(
        invalid_fields(bulk::apply(&w.app, &w.pat, &w.acme, &ids, BulkChange::default()).await.expect_err("nothing")),
        ["status"]
    );
}

#[tokio::test]
async fn the_requester_rates_a_resolved_ticket_once_in_the_portal_or_by_the_mailed_link() {
    let w = world().await;
    let t = file_as(&w, &w.dana, "Fix the footer", Category::TechnicalSupport).await;
    assert!(
        matches!(satisfaction::rate(&w.app, &w.dana, &w.acme, &t.id, 5, "").await, Err(AppError::Conflict(_))),
        "not resolved yet"
    );
    tickets::change(&w.app, &w.pat, &w.acme, &t.id, Change::status(Status::Resolved), None).await.expect("resolve");
    assert_eq!(
        invalid_fields(satisfaction::rate(&w.app, &w.dana, &w.acme, &t.id, 6, "").await.expect_err("6")),
        ["rating"]
    );
    assert!(
        matches!(satisfaction::rate(&w.app, &w.pat, &w.acme, &t.id, 5, "").await, Err(AppError::Forbidden)),
        "only the requester"
    );
    assert!(
        matches!(satisfaction::rate(&w.app, &w.ivy, &w.acme, &t.id, 1, "").await, Err(AppError::Forbidden)),
        "a colleague in the organization reads the ticket but does not rate it"
    );
    let rated = satisfaction::rate(&w.app, &w.dana, &w.acme, &t.id, 5, " Quick! ").await.expect("rate");
    let s = rated.satisfaction.expect("rating");
    assert_eq!((s.rating, s.comment.as_str(), s.via.as_str()), (5, "Quick!", "portal"));
    assert!(
        matches!(satisfaction::rate(&w.app, &w.dana, &w.acme, &t.id, 1, "").await, Err(AppError::Conflict(_))),
        "once"
    );

    // The mailed link: no session, one ticket, its requester.
    let u = file_as(&w, &w.dana, "Fix the header", Category::TechnicalSupport).await;
    tickets::change(&w.app, &w.pat, &w.acme, &u.id, Change::status(Status::Resolved), None).await.expect("resolve");
    let token = satisfaction::link_token(&w.app, &reread(&w, &u).await).expect("token");
    let (_, opened, user) = satisfaction::open_link(&w.app, &w.acme.id, &token).await.expect("open");
    assert_eq!((opened.id.clone(), user), (u.id.clone(), w.dana.user.clone()));
    let mut tampered = token.clone();
    tampered.pop();
    tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
    assert!(matches!(satisfaction::open_link(&w.app, &w.acme.id, &tampered).await, Err(AppError::NotFound)));
    // Another tenant's portal does not open it.
    assert!(matches!(satisfaction::open_link(&w.app, &w.house.id, &token).await, Err(AppError::NotFound)));
    assert!(matches!(satisfaction::rate_by_link(&w.app, &w.house.id, &token, 4, "").await, Err(AppError::NotFound)));
    satisfaction::rate_by_link(&w.app, &w.acme.id, &token, 4, "").await.expect("rate by link");
    assert!(matches!(satisfaction::rate_by_link(&w.app, &w.acme.id, &token, 4, "").await, Err(AppError::Conflict(_))));
    assert_eq!(reread(&w, &u).await.satisfaction.expect("rated").via, "email");

    let counts = tickets::listing::counts(&w.app, &w.pat, &w.acme, None).await.expect("counts");
    assert_eq!((counts.satisfaction.count, counts.satisfaction.average), (2, 4.5));
    assert_eq!(counts.satisfaction.by_rating, [0, 0, 0, 1, 1]);
}

/// A group's lease: a second dispatcher never waits (it asks the holder for another walk),
/// only the holder releases it, an expired one is taken over, and groups are independent.
#[tokio::test]
async fn a_group_lease_is_released_only_by_its_holder_and_a_busy_walk_is_repeated() {
    use assignment::{Taken, release_lease, take_lease};
    let dir = tempfile::tempdir().expect("tmp");
    let clock = std::sync::Arc::new(kt_domain::ManualClock::starting_now());
    let app = kt_app::wiring::wire_with_clock(&Settings::local(dir.path()), clock.clone()).await.expect("wire").state;
    let held = |t: Taken| match t {
        Taken::Held(l) => l,
        Taken::Busy => panic!("expected to hold the lease"),
    };
    let first = held(take_lease(&app, "g").await.expect("take"));
    assert_eq!(take_lease(&app, "g").await.expect("take"), Taken::Busy, "held: asked to walk again");
    assert_eq!(take_lease(&app, "g").await.expect("take"), Taken::Busy, "asked once is enough");
    let other = held(take_lease(&app, "h").await.expect("take"));
    let renewed = release_lease(&app, &first).await.expect("release").expect("the holder walks again");
    assert_eq!(release_lease(&app, &renewed).await.expect("release"), None, "then lets go");
    assert_eq!(release_lease(&app, &other).await.expect("release"), None);

    // A holder that overran its lease cannot release its successor's.
    let slow = held(take_lease(&app, "g").await.expect("take"));
    clock.advance(time::Duration::seconds(61));
    let next = held(take_lease(&app, "g").await.expect("expired: taken over"));
    assert_eq!(release_lease(&app, &slow).await.expect("release"), None);
    let key = kt_store::workflow::lease_key("g");
    assert_eq!(app.store.get(&key).await.expect("get").map(|i| i.version), Some(next.version), "still the successor's");
    assert_eq!(release_lease(&app, &next).await.expect("release"), None);
    assert!(app.store.get(&key).await.expect("get").is_none());
}
