//! `kt-bench search`: global search on the whole local host over HTTP, its index holding
//! `tickets` tickets, `messages` messages and `articles` articles over 50 tenants (written
//! straight into the index through the Search port, as a rebuild writes them; Acme's share
//! visible to the demo's people):
//!
//! * type-ahead: a client and a partner typing (1 to 7 letters of a word, with and without a
//!   typo), each keystroke a request (p95 < 20 ms);
//! * a storm of changes: tickets filed at `rate` a second for `seconds`, each timed from its
//!   filing's answer until a search finds it (outbox, relay, events worker, search queue,
//!   indexer commit: p95 < 1 s), looked for every [`LOOK_EVERY`] (the figures' resolution);
//! * the rebuild: `portal search reindex`'s use case over a store of `store_tickets` tickets
//!   with a reply each (documents per second), and the bulk write above (documents per second).

use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use kt_domain::search::audience;
use kt_platform::search::{Change, SearchDoc};
use serde_json::{Value, json};

use crate::served::Served;
use crate::tickets::{Host, Session};
use crate::{Row, app_err, print_rows};

pub struct Options {
    pub tickets: usize,
    pub messages: usize,
    pub articles: usize,
    pub keystrokes: usize,
    pub rate: u32,
    pub seconds: u32,
    pub store_tickets: usize,
}

const TENANTS: usize = 50;

/// How often each filing of the storm is looked for. Every 10 ms made the observers the load
/// on two cores with the full index (p50 of a search about 6 ms): once a few dozen filings
/// waited, their searches starved the indexer and the waits grew to 15-30 s (2026-12-06). Every
/// 50 ms keeps the observers a small share of the machine, at 50 ms resolution.
const LOOK_EVERY: Duration = Duration::from_millis(50);

/// Words the synthetic documents are written in (a help desk's), and the ones typed.
const WORDS: [&str; 64] = [
    "password",
    "invoice",
    "payment",
    "website",
    "contact",
    "form",
    "email",
    "bounce",
    "login",
    "server",
    "hosting",
    "domain",
    "renewal",
    "certificate",
    "backup",
    "restore",
    "database",
    "error",
    "timeout",
    "upload",
    "image",
    "gallery",
    "checkout",
    "cart",
    "shipping",
    "refund",
    "discount",
    "coupon",
    "newsletter",
    "subscribe",
    "analytics",
    "tracking",
    "search",
    "results",
    "mobile",
    "layout",
    "header",
    "footer",
    "menu",
    "button",
    "color",
    "font",
    "logo",
    "banner",
    "slider",
    "video",
    "plugin",
    "update",
    "security",
    "firewall",
    "spam",
    "captcha",
    "calendar",
    "booking",
    "appointment",
    "reminder",
    "profile",
    "account",
    "permission",
    "report",
    "export",
    "import",
    "integration",
    "migration",
];

fn ns(d: Duration) -> u64 {
    d.as_nanos().max(1) as u64
}

fn words(seed: usize, n: usize) -> String {
    (0..n)
        .map(|k| WORDS[(seed.wrapping_mul(2654435761) >> (k * 3) ^ (k * 17 + seed)) % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

struct People {
    tenant: String,
    org: String,
    user: String,
}

/// The synthetic documents of tenant `t` (Acme's tickets are Globex's and Dana's in part).
fn documents(o: &Options, t: usize, tenant: &str, acme: &People) -> Vec<Change> {
    let now = time::OffsetDateTime::now_utc();
    let mut out = Vec::new();
    let (org, user) =
        if tenant == acme.tenant { (acme.org.clone(), acme.user.clone()) } else { (format!("o{t}"), format!("u{t}")) };
    let doc = |id: String, kind: &str, title: String, body: String, audience: Vec<String>, i: usize| SearchDoc {
        id: id.clone(),
        tenant: tenant.to_owned(),
        kind: kind.into(),
        title,
        body,
        notes: if kind == "ticket" && i % 4 == 0 { words(i + 7, 12) } else { String::new() },
        status: (kind == "ticket").then(|| ["new", "open", "pending_client", "resolved"][i % 4].to_owned()),
        priority: (kind == "ticket").then(|| ["low", "medium", "high", "critical"][i % 4].to_owned()),
        org: Some(org.clone()),
        org_name: "Globex Corporation".into(),
        from: "Dana Scully dana@globex.test".into(),
        tags: vec![WORDS[i % WORDS.len()].to_owned()],
        at: now - time::Duration::minutes(i as i64),
        audience,
        target: id,
        label: format!("T-{i}"),
    };
    for i in 0..o.tickets / TENANTS {
        let who =
            if i % 3 == 0 { (org.clone(), user.clone()) } else { (format!("o{t}x{}", i % 40), format!("u{t}x{i}")) };
        let audience =
            vec![audience::HOUSE.into(), audience::STAFF.into(), format!("org:{}", who.0), format!("user:{}", who.1)];
        out.push(Change::Put(Box::new(doc(
            format!("ticket:{tenant}:{i}"),
            "ticket",
            words(i, 5),
            words(i * 31, 60),
            audience,
            i,
        ))));
    }
    for i in 0..o.messages / TENANTS {
        let audience = vec![format!("conv:{tenant}:{}", i % 500)];
        out.push(Change::Put(Box::new(doc(
            format!("message:{tenant}:{i}"),
            "message",
            "Direct message".into(),
            words(i * 13, 20),
            audience,
            i,
        ))));
    }
    for i in 0..o.articles / TENANTS {
        let audience = vec!["kb:house".into(), "kb:member".into()];
        out.push(Change::Put(Box::new(doc(
            format!("article:{tenant}:{i}"),
            "article",
            words(i * 7, 4),
            words(i * 11, 200),
            audience,
            i,
        ))));
    }
    out
}

/// The typing of a word: its first 1 to 7 letters, and every third word with a typo in its
/// fourth letter once it has one.
fn keystroke(i: usize) -> String {
    let word = WORDS[(i / 7 * 11) % WORDS.len()];
    let len = 1 + i % 7;
    let mut typed: String = word.chars().take(len).collect();
    if (i / 7) % 3 == 0 && typed.len() >= 5 {
        let mut c: Vec<char> = typed.chars().collect();
        c.swap(2, 3);
        typed = c.into_iter().collect();
    }
    typed
}

async fn find(host: &Host, acme: &str, who: &Session, path: &str) -> anyhow::Result<Value> {
    let res = host.request(reqwest::Method::GET, acme, path, who).send().await?;
    anyhow::ensure!(res.status() == 200, "search answered {} {}", res.status(), res.text().await?);
    Ok(res.json().await?)
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    let served = Served::start(kt_app::wiring::Backend::Local).await?;
    let (app, host) = (served.app.clone(), served.host.clone());
    let acme = "acme.localhost";
    let dana = Arc::new(host.sign_in(acme, "dana@globex.test", "Globex-Demo-Client-2026").await?);
    let pat = Arc::new(host.sign_in(acme, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await?);
    let token = dana.cookie.split("; ").find_map(|c| c.strip_prefix("__Host-kt_session=")).unwrap_or_default();
    let actor = kt_app::identity::sessions::actor_from_token(&app, token).await.map_err(app_err)?;
    let people = People {
        tenant: actor.tenant.to_string(),
        org: actor.orgs.first().map(ToString::to_string).unwrap_or_default(),
        user: actor.user.to_string(),
    };
    let mut rows = Vec::new();

    // 1. The index, written in batches of 5,000 as a rebuild writes it.
    let total = o.tickets + o.messages + o.articles;
    eprintln!("  writing {total} documents over {TENANTS} tenants into the index ...");
    let start = Instant::now();
    let mut written = 0usize;
    for t in 0..TENANTS {
        let tenant = if t == 0 { people.tenant.clone() } else { format!("bench{t:02}") };
        let docs = documents(&o, t, &tenant, &people);
        for chunk in docs.chunks(5_000) {
            app.search.apply(chunk).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            written += chunk.len();
        }
    }
    let bulk = start.elapsed();
    let held = app.search.count().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    anyhow::ensure!(held as usize >= written, "the index holds {held} of {written}");

    // 2. Type-ahead over HTTP: each keystroke a request, as the palette sends them.
    let base = format!("/api/v1/tenants/{}/search", people.tenant);
    for (name, who) in [("type-ahead, a client (HTTP)", &dana), ("type-ahead, a partner (HTTP)", &pat)] {
        let mut hist = Histogram::<u64>::new(3)?;
        let mut found = 0;
        let start = Instant::now();
        for i in 0..o.keystrokes {
            let path = format!("{base}?q={}&limit=8", keystroke(i));
            let t = Instant::now();
            let body = find(&host, acme, who, &path).await?;
            hist.record(ns(t.elapsed()))?;
            found += usize::from(body["total"].as_u64().unwrap_or(0) > 0);
        }
        anyhow::ensure!(found * 2 > o.keystrokes, "most keystrokes find something ({found} of {})", o.keystrokes);
        rows.push(Row { name, hist, elapsed: start.elapsed(), budget_p95: Some(20.0) });
    }

    // KB suggestions as a client types a ticket's subject (each prefix of a three-word subject).
    let mut hist = Histogram::<u64>::new(3)?;
    let start = Instant::now();
    for i in 0..o.keystrokes {
        let subject = words(i, 3);
        let typed: String = subject.chars().take(4 + i % subject.len().saturating_sub(3).max(1)).collect();
        let path = format!("{base}/suggestions?subject={}", typed.replace(' ', "%20"));
        let t = Instant::now();
        find(&host, acme, &dana, &path).await?;
        hist.record(ns(t.elapsed()))?;
    }
    rows.push(Row {
        name: "KB suggestions while filing (HTTP)",
        hist,
        elapsed: start.elapsed(),
        budget_p95: Some(50.0),
    });

    // 3. A storm of changes: each filing timed until a search finds it.
    let filings = (o.rate * o.seconds) as usize;
    eprintln!("  filing {filings} tickets at {}/s, each searched for until found ...", o.rate);
    let interval = Duration::from_secs_f64(1.0 / f64::from(o.rate));
    let tickets_path = format!("/api/v1/tenants/{}/tickets", people.tenant);
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(filings);
    for i in 0..filings {
        tokio::time::sleep_until((start + interval * i as u32).into()).await;
        let (host, dana, tickets_path, base) = (host.clone(), dana.clone(), tickets_path.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let marker = format!("storm{i}x{}", ulid::Ulid::new().to_string().to_lowercase());
            let res = host
                .request(reqwest::Method::POST, acme, &tickets_path, &dana)
                .json(&json!({"subject": format!("Storm {marker}"), "description": "Filed in the storm", "priority": "low", "category": "general_inquiry"}))
                .send()
                .await?;
            anyhow::ensure!(res.status() == 201, "filing answered {} {}", res.status(), res.text().await?);
            let filed = Instant::now();
            loop {
                let body = find(&host, acme, &dana, &format!("{base}?q=%22{marker}%22&limit=1")).await?;
                if body["total"].as_u64() == Some(1) {
                    return Ok::<_, anyhow::Error>(filed.elapsed());
                }
                anyhow::ensure!(filed.elapsed() < Duration::from_secs(30), "{marker} not searchable after 30 s");
                tokio::time::sleep(LOOK_EVERY).await;
            }
        }));
    }
    let mut hist = Histogram::<u64>::new(3)?;
    for t in tasks {
        hist.record(ns(t.await??))?;
    }
    rows.push(Row { name: "filed -> searchable (storm)", hist, elapsed: start.elapsed(), budget_p95: Some(1000.0) });

    print_rows(
        &format!(
            "Search on the local host: {} documents in the index ({} tickets, {} messages, {} articles, {TENANTS} tenants); {} keystrokes each; a storm of {} filings at {}/s (ms)",
            held, o.tickets, o.messages, o.articles, o.keystrokes, filings, o.rate
        ),
        rows,
        false,
    );
    println!(
        "\nbulk write of the index: {written} documents in {:.1} s ({:.0} documents/s)",
        bulk.as_secs_f64(),
        written as f64 / bulk.as_secs_f64()
    );
    served.stop().await?;

    // 4. The rebuild from a store of `store_tickets` tickets with a reply each.
    rebuild(o.store_tickets).await
}

async fn rebuild(tickets: usize) -> anyhow::Result<()> {
    use kt_domain::ticket::{Category, Priority};
    let (settings, dir, _) = crate::bench_settings(kt_app::wiring::Backend::Local)?;
    let mut wired = kt_app::wiring::wire(&settings).await.map_err(app_err)?;
    portal::wire_search(&mut wired.state, &dir)?;
    let app = wired.state.clone();
    kt_app::seed::demo(&app).await.map_err(app_err)?;
    let tenant = kt_app::identity::tenancy::resolve_host(&app, "acme.localhost").await.map_err(app_err)?;
    let client = kt_app::identity::sessions::ClientInfo::default();
    let signed = kt_app::identity::sessions::sign_in_password(
        &app,
        &tenant,
        "dana@globex.test",
        "Globex-Demo-Client-2026",
        &client,
    )
    .await
    .map_err(app_err)?;
    let kt_app::identity::two_factor::SignIn::Session(session) = signed else {
        anyhow::bail!("dana signs in with a password");
    };
    let dana = kt_app::identity::sessions::actor_from_token(&app, &session.access_token).await.map_err(app_err)?;
    eprintln!("  filing {tickets} tickets with a reply each into a store for the rebuild ...");
    for batch in (0..tickets).collect::<Vec<_>>().chunks(16) {
        let filed = futures::future::join_all(batch.iter().map(|i| {
            let (app, dana, tenant) = (app.clone(), dana.clone(), tenant.clone());
            async move {
                let input = kt_app::tickets::NewTicket {
                    org: None,
                    subject: words(*i, 5),
                    description: words(i * 31, 60),
                    priority: Priority::Low,
                    category: Category::GeneralInquiry,
                    tags: vec![],
                };
                let t = kt_app::tickets::create(&app, &dana, &tenant, input, &Default::default()).await?;
                let reply = kt_app::tickets::conversation::NewMessage {
                    body: words(i * 13, 30),
                    internal: false,
                    status: None,
                };
                kt_app::tickets::conversation::reply(&app, &dana, &tenant, &t.id, reply).await
            }
        }))
        .await;
        for r in filed {
            r.map_err(app_err)?;
        }
    }
    let report = kt_app::search::reindex::rebuild(&app).await.map_err(app_err)?;
    println!(
        "rebuild (portal search reindex) from the store: {} documents of {} tenants in {:.1} s ({:.0} documents/s; each ticket read with its conversation)",
        report.documents,
        report.tenants,
        report.seconds,
        report.per_second()
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
