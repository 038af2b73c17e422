//! Live queue positions under a stream of changes, on the local host's own workers (relay,
//! events dispatcher, timers on the local queue): every watcher ends on its ticket's true
//! position, hears at most once a second however fast the queue changes, and a push that would
//! change no one's label sends nothing.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kt_app::identity::tenancy;
use kt_app::tickets::live::fanout::{self, Coalesced};
use kt_app::tickets::{self, Change, NewTicket, live};
use kt_app::wiring::{Settings, wire};
use kt_domain::policy::Actor;
use kt_domain::ticket::{Category, Priority, Status, Ticket};
use rand::{Rng, SeedableRng};
use serde_json::Value;

async fn actor(app: &kt_app::AppState, host: &str, email: &str) -> Actor {
    let tenant = tenancy::resolve_host(app, host).await.expect("tenant");
    let store = app.store.as_ref();
    let email = kt_domain::identity::Email::parse(email).expect("email");
    let id = kt_store::accounts::user_by_email(store, &tenant.id, &email).await.expect("lookup").expect("user");
    let user = kt_store::accounts::get_user(store, &tenant.id, &id).await.expect("user").expect("user").value;
    let orgs = kt_store::accounts::orgs_of(store, &tenant.id, &id).await.expect("orgs");
    Actor {
        user: user.id,
        tenant: tenant.id,
        role: user.role,
        orgs,
        scopes: None,
        optional_enabled: false,
        tenant_bound: false,
    }
}

fn input(subject: String, priority: Priority) -> NewTicket {
    NewTicket {
        org: None,
        subject,
        description: "Churn".into(),
        priority,
        category: Category::TechnicalSupport,
        tags: vec![],
    }
}

/// Each watcher's queue messages as they arrived.
type Heard = Arc<Mutex<Vec<(Instant, Value)>>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watchers_end_on_their_true_positions_after_a_storm_hearing_at_most_once_a_second() {
    let dir = tempfile::tempdir().expect("tmp");
    let wired = wire(&Settings::local(dir.path())).await.expect("wire");
    let app = wired.state.clone();
    kt_app::seed::demo(&app).await.expect("seed");
    let acme = tenancy::resolve_host(&app, "acme.localhost").await.expect("acme");
    let dana = actor(&app, "acme.localhost", "dana@globex.test").await;
    let staff = actor(&app, "localhost", "staff@kre8ivtech.test").await;
    let file = |subject: String, priority: Priority| {
        let (app, dana, acme) = (app.clone(), dana.clone(), acme.clone());
        async move {
            tickets::create(&app, &dana, &acme, input(subject, priority), &Default::default()).await.expect("filed")
        }
    };
    let set = |t: Ticket, change: Change| {
        let (app, staff, acme) = (app.clone(), staff.clone(), acme.clone());
        async move { tickets::change(&app, &staff, &acme, &t.id, change, None).await.expect("change").value }
    };

    // A High queue of 40; every other ticket is watched, the rest are the churn's.
    let mut watched = Vec::new();
    let mut pool = Vec::new();
    for i in 0..40 {
        let t = file(format!("Waiting {i}"), Priority::High).await;
        if i % 2 == 0 { watched.push(t) } else { pool.push(t) }
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers = portal::spawn_workers(&app, stopped);
    let mut heard: Vec<Heard> = Vec::new();
    let mut connections = Vec::new();
    for t in &watched {
        let mut conn = wired.hub.register();
        live::connect(&app, &conn.id, &dana).await.expect("connect");
        let subscribe = format!(r#"{{"type":"subscribe","topic":"ticket:{}"}}"#, t.id);
        let replies = live::handle_message(&app, &conn.id, Some(&subscribe)).await;
        assert_eq!(replies[1]["type"], "ticket.position", "{replies:?}");
        let log: Heard = Arc::default();
        let sink = log.clone();
        let id = conn.id.clone();
        tokio::spawn(async move {
            while let Some(text) = conn.messages.recv().await {
                let m: Value = serde_json::from_str(&text).expect("json");
                if m["type"] == "ticket.position" {
                    sink.lock().unwrap().push((Instant::now(), m));
                }
            }
        });
        heard.push(log);
        connections.push(id);
    }
    // The set-up's filings settle first: what is measured below is the storm's.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    for log in &heard {
        log.lock().unwrap().clear();
    }

    // Three seconds of changes every 20 ms: filings, staff taking tickets, tickets put back,
    // escalations out of the queue and back.
    let mut rng = rand::rngs::StdRng::seed_from_u64(14);
    let mut taken: Vec<Ticket> = Vec::new();
    let storm = Instant::now();
    let mut changes = 0;
    while storm.elapsed() < Duration::from_secs(3) {
        match rng.random_range(0..4) {
            0 => pool.push(file(format!("Storm {changes}"), Priority::High).await),
            1 if !pool.is_empty() => {
                let t = pool.swap_remove(rng.random_range(0..pool.len()));
                taken.push(set(t, Change::status(Status::InProgress)).await);
            }
            2 if !taken.is_empty() => {
                let t = taken.swap_remove(rng.random_range(0..taken.len()));
                pool.push(set(t, Change::status(Status::Open)).await);
            }
            _ if !pool.is_empty() => {
                let i = rng.random_range(0..pool.len());
                let to = if pool[i].priority == Priority::High { Priority::Critical } else { Priority::High };
                pool[i] = set(pool[i].clone(), Change::priority(to)).await;
            }
            _ => continue,
        }
        changes += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let storm_secs = storm.elapsed().as_secs_f64();

    // Settled: nothing heard for 2.5 s (more than a window and a timer's lateness).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let last = heard.iter().filter_map(|l| l.lock().unwrap().last().map(|(at, _)| *at)).max();
        if last.is_none_or(|at| at.elapsed() > Duration::from_millis(2500)) {
            break;
        }
        assert!(Instant::now() < deadline, "pushes did not settle");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let mut total = 0;
    for (t, log) in watched.iter().zip(&heard) {
        let log = log.lock().unwrap();
        total += log.len();
        let truth = tickets::position(&app, &dana, &acme, &t.id).await.expect("position").expect("still waiting").at;
        let (_, last) = log.last().unwrap_or_else(|| panic!("{} heard nothing in {changes} changes", t.id));
        assert_eq!(
            (last["position"].as_u64(), last["length"].as_u64()),
            (Some(truth.position), Some(truth.length)),
            "{}'s last message is its true position",
            t.id
        );
        for pair in log.windows(2) {
            let gap = pair[1].0 - pair[0].0;
            assert!(gap >= Duration::from_millis(900), "two messages {gap:?} apart");
        }
    }
    eprintln!("{changes} changes in {storm_secs:.1} s: {total} messages to {} watchers", watched.len());
    let bound = watched.len() * (storm_secs.ceil() as usize + 2);
    assert!(total <= bound, "{total} messages for {changes} changes, at most {bound}");
    assert!(changes > 100, "a storm: {changes} changes");

    // A push now would tell no one anything new: it sends nothing.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let again = fanout::queue_changed(&app, Priority::High).await.expect("push");
    assert_eq!(again, Coalesced::Pushed { sent: 0, unchanged: watched.len() });

    let _ = stop.send(true);
    for w in workers {
        let _ = w.await;
    }
    drop(connections);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_page_hears_of_new_replies_and_only_staff_of_new_notes() {
    let dir = tempfile::tempdir().expect("tmp");
    let wired = wire(&Settings::local(dir.path())).await.expect("wire");
    let app = wired.state.clone();
    kt_app::seed::demo(&app).await.expect("seed");
    let acme = tenancy::resolve_host(&app, "acme.localhost").await.expect("acme");
    let dana = actor(&app, "acme.localhost", "dana@globex.test").await;
    let staff = actor(&app, "localhost", "staff@kre8ivtech.test").await;
    let t = tickets::create(&app, &dana, &acme, input("Live replies".into(), Priority::Medium), &Default::default())
        .await
        .expect("filed");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers = portal::spawn_workers(&app, stopped);
    let mut heard = Vec::new();
    for who in [&dana, &staff] {
        let mut conn = wired.hub.register();
        live::connect(&app, &conn.id, who).await.expect("connect");
        let subscribe = format!(r#"{{"type":"subscribe","topic":"ticket:{}"}}"#, t.id);
        assert_eq!(live::handle_message(&app, &conn.id, Some(&subscribe)).await[0]["type"], "subscribed");
        let log: Arc<Mutex<Vec<Value>>> = Arc::default();
        let sink = log.clone();
        tokio::spawn(async move {
            while let Some(text) = conn.messages.recv().await {
                let m: Value = serde_json::from_str(&text).expect("json");
                if m["type"] == "ticket.message" {
                    sink.lock().unwrap().push(m);
                }
            }
        });
        heard.push(log);
    }
    let reply =
        |body: &str, internal: bool| tickets::conversation::NewMessage { body: body.into(), internal, status: None };
    let (public, _) =
        tickets::conversation::reply(&app, &staff, &acme, &t.id, reply("On it.", false)).await.expect("reply");
    let (note, _) =
        tickets::conversation::reply(&app, &staff, &acme, &t.id, reply("Check the logs", true)).await.expect("note");
    let deadline = Instant::now() + Duration::from_secs(10);
    while heard[1].lock().unwrap().len() < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A moment more for anything that should not come.
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The events worker handles events concurrently (at least once, in no promised order):
    // what each subscriber heard counts, not in which order.
    let ids = |log: &Arc<Mutex<Vec<Value>>>| -> Vec<(String, bool)> {
        let mut heard: Vec<(String, bool)> = log
            .lock()
            .unwrap()
            .iter()
            .map(|m| (m["message"].as_str().unwrap().to_owned(), m["internal"].as_bool().unwrap()))
            .collect();
        heard.sort();
        heard
    };
    assert_eq!(ids(&heard[0]), [(public.id.clone(), false)], "the client hears of the reply, not the note");
    let mut both = vec![(public.id, false), (note.id, true)];
    both.sort();
    assert_eq!(ids(&heard[1]), both, "staff hear of both");
    let _ = stop.send(true);
    for w in workers {
        let _ = w.await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_is_heard_live_by_its_members_only() {
    let dir = tempfile::tempdir().expect("tmp");
    let wired = wire(&Settings::local(dir.path())).await.expect("wire");
    let app = wired.state.clone();
    kt_app::seed::demo(&app).await.expect("seed");
    let acme = tenancy::resolve_host(&app, "acme.localhost").await.expect("acme");
    let dana = actor(&app, "acme.localhost", "dana@globex.test").await;
    let pat = actor(&app, "acme.localhost", "pat@acme-agency.test").await;
    let ivy = actor(&app, "acme.localhost", "ivy@initech.test").await;
    let start = kt_app::messaging::NewConversation {
        kind: kt_domain::messaging::Kind::Direct,
        members: vec![dana.user.clone()],
        name: None,
        org: None,
    };
    let (c, _) = kt_app::messaging::start(&app, &pat, &acme, start, None).await.expect("started");
    let topic = format!(r#"{{"type":"subscribe","topic":"conversation:{}"}}"#, c.conversation.id);
    // Ivy (Initech) is not in it: the topic is not hers.
    let mut outsider = wired.hub.register();
    live::connect(&app, &outsider.id, &ivy).await.expect("connect");
    assert_eq!(live::handle_message(&app, &outsider.id, Some(&topic)).await[0]["code"], "not-found");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers = portal::spawn_workers(&app, stopped);
    let mut conn = wired.hub.register();
    live::connect(&app, &conn.id, &dana).await.expect("connect");
    assert_eq!(live::handle_message(&app, &conn.id, Some(&topic)).await[0]["type"], "subscribed");
    let draft = kt_app::messaging::messages::Draft { body: "Staging is up.".into(), ..Default::default() };
    let (m, _) =
        kt_app::messaging::messages::post(&app, &pat, &acme, &c.conversation.id, draft, None).await.expect("posted");
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut got = None;
    while got.is_none() && Instant::now() < deadline {
        if let Ok(Some(text)) = tokio::time::timeout(Duration::from_millis(200), conn.messages.recv()).await {
            let v: Value = serde_json::from_str(&text).expect("json");
            if v["type"] == "message.posted" {
                got = Some(v);
            }
        }
    }
    let got = got.expect("dana hears of the message");
    assert_eq!((got["conversation"].as_str(), got["seq"].as_u64()), (Some(c.conversation.id.as_str()), Some(m.seq)));
    assert!(outsider.messages.try_recv().is_err(), "nothing reaches the outsider");
    // The standings move right after the live push.
    let mut unread = 0;
    while unread != 1 && Instant::now() < deadline {
        unread = kt_app::messaging::unread(&app, &dana, &acme).await.expect("unread").0;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(unread, 1);

    // Pat types: Dana sees it, Pat's own connection does not echo it, the outsider cannot send
    // one, and a second indicator within two seconds is dropped.
    let mut pats = wired.hub.register();
    live::connect(&app, &pats.id, &pat).await.expect("connect");
    assert_eq!(live::handle_message(&app, &pats.id, Some(&topic)).await[0]["type"], "subscribed");
    let typing = format!(r#"{{"type":"typing","topic":"conversation:{}"}}"#, c.conversation.id);
    while conn.messages.try_recv().is_ok() {}
    assert!(live::handle_message(&app, &pats.id, Some(&typing)).await.is_empty());
    let seen: Value = serde_json::from_str(&conn.messages.try_recv().expect("dana sees pat typing")).expect("json");
    assert_eq!((seen["type"].as_str(), seen["user"].as_str()), (Some("typing"), Some(pat.user.as_str())));
    assert!(pats.messages.try_recv().is_err(), "no echo to the typist");
    assert!(live::handle_message(&app, &pats.id, Some(&typing)).await.is_empty());
    assert!(conn.messages.try_recv().is_err(), "at most one indicator per two seconds");
    assert_eq!(live::handle_message(&app, &outsider.id, Some(&typing)).await[0]["code"], "not-found");
    let _ = stop.send(true);
    for w in workers {
        let _ = w.await;
    }
}
