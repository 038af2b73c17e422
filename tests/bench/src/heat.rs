//! `kt-bench heat`: where a deployment would get hot. Tickets are filed through the use case
//! by the clients of many tenants, spread over a simulated hour on a manual clock, against the
//! embedded store wrapped in [`kt_store::heat::MeteredStore`]; the report lists the partitions
//! (table and index) with the most load at their busiest second, as DynamoDB would bill it.
//!
//! This first driver covers the filing commit (ticket, queue structures, counters, outbox);
//! the consumers' writes, status churn, staff actions and WebSocket posts come next.

use std::sync::Arc;

use kt_app::identity::accounts::{NewUser, create_org, create_user};
use kt_app::identity::tenancy::{self, NewTenant};
use kt_app::tickets::{self as uc, NewTicket};
use kt_app::wiring::wire;
use kt_domain::identity::Role;
use kt_domain::policy::Actor;
use kt_domain::tenancy::TenantKind;
use kt_domain::ticket::{Category, Priority};
use kt_domain::{Clock, ManualClock};
use kt_store::heat::{Meter, MeteredStore, load};

use crate::{app_err, bench_settings};

pub struct Options {
    pub tenants: usize,
    pub filings: usize,
    pub seconds: u64,
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    let (settings, dir, label) = bench_settings(kt_app::wiring::Backend::Local)?;
    let mut app = wire(&settings).await.map_err(app_err)?.state;
    let clock = Arc::new(ManualClock::starting_now());
    let meter = Arc::new(Meter::new(clock.clone() as Arc<dyn Clock>));
    app.clock = clock.clone();
    app.store = Arc::new(MeteredStore::new(app.store.clone(), meter.clone()));

    eprintln!("  creating {} tenants, each with a client organization and a client ...", o.tenants);
    let mut clients = Vec::with_capacity(o.tenants);
    for i in 0..o.tenants {
        let input =
            NewTenant { name: format!("Agency {i}"), slug: format!("agency{i}"), ticket_prefix: format!("AG{i}") };
        let tenant = tenancy::create(&app, &input, TenantKind::Partner).await.map_err(app_err)?;
        let org = create_org(&app, None, &tenant, "Client Co", &Default::default()).await.map_err(app_err)?;
        let user = NewUser {
            email: format!("client{i}@agency{i}.test"),
            name: "Client".into(),
            role: Role::Client,
            password: None,
            orgs: vec![org.id.clone()],
        };
        let user = create_user(&app, None, &tenant, user, &Default::default()).await.map_err(app_err)?;
        let actor = Actor {
            user: user.id.clone(),
            tenant: tenant.id.clone(),
            role: Role::Client,
            orgs: vec![org.id.clone()],
            scopes: None,
            optional_enabled: false,
            tenant_bound: false,
        };
        clients.push((tenant, actor));
    }
    meter.reset();

    eprintln!("  filing {} tickets over {} simulated seconds ...", o.filings, o.seconds);
    let step = time::Duration::seconds_f64(o.seconds as f64 / o.filings.max(1) as f64);
    for i in 0..o.filings {
        let (tenant, actor) = &clients[i % clients.len()];
        let input = NewTicket {
            org: None,
            subject: format!("Filing {i}"),
            description: "Something broke".into(),
            priority: Priority::ALL[i % Priority::ALL.len()],
            category: Category::TechnicalSupport,
            tags: vec![],
        };
        uc::create(&app, actor, tenant, input, &Default::default()).await.map_err(app_err)?;
        clock.advance(step);
    }

    let report = meter.report();
    let total = meter.total();
    println!(
        "\nHeat of filing {} tickets from {} tenants over {} s (simulated) on the {label}, billed as DynamoDB would",
        o.filings, o.tenants, o.seconds
    );
    println!(
        "per filing: {:.1} WCU, {:.1} RCU; partitions touched: {}",
        total.wcu / o.filings.max(1) as f64,
        total.rcu / o.filings.max(1) as f64,
        report.len()
    );
    println!(
        "{:<6} {:<44} {:>10} {:>10} {:>9} {:>9} {:>8}",
        "index", "partition key", "WCU", "RCU", "WCU/s pk", "RCU/s pk", "% limit"
    );
    for h in report.iter().take(15) {
        let name = h.partition.index.name().unwrap_or("table");
        println!(
            "{:<6} {:<44} {:>10.1} {:>10.1} {:>9.1} {:>9.1} {:>7.1}%",
            name,
            h.partition.pk.chars().take(44).collect::<String>(),
            h.total.wcu,
            h.total.rcu,
            h.peak_wcu_per_sec,
            h.peak_rcu_per_sec,
            100.0 * load(h)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
