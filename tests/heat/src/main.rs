//! `kt-heat` (run through `scripts/bench heat`): where a deployment would get hot and what it
//! would cost. Drives a peak hour at ten times the PRD (see [`day`]) on the metered embedded
//! store and reports the hottest partitions at their busiest second, the item most written by
//! transactions in one second, the WebSocket posts, and a monthly AWS bill from `prices.txt`.
//! With `--json` the report is also written as JSON; with `--before` a report of an earlier
//! commit (the same driver built there) is printed beside it, with the ratios.

mod cost;
mod day;
mod meters;

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;

#[derive(Parser)]
#[command(name = "kt-heat", about = "A peak hour at 10x the PRD, metered as AWS would bill it")]
struct Cli {
    /// Agencies (tenants), each with a client and an agent.
    #[arg(long, default_value_t = 50)]
    tenants: usize,
    /// Simulated seconds of the peak hour to run (the figures per month scale from them).
    #[arg(long, default_value_t = 900)]
    seconds: u64,
    /// Tickets filed per hour at the peak (the PRD's 200, times ten).
    #[arg(long, default_value_t = 2000.0)]
    filings_per_hour: f64,
    /// Staff actions per minute at the peak (the PRD's 50, times ten).
    #[arg(long, default_value_t = 500.0)]
    staff_actions_per_minute: f64,
    /// Tickets filed per day (the PRD's 1,000, times ten): a day is this many peak hours'
    /// worth of work divided by the hour's filings.
    #[arg(long, default_value_t = 10_000.0)]
    filings_per_day: f64,
    /// Tickets already waiting when the hour starts.
    #[arg(long, default_value_t = 2000)]
    backlog: usize,
    /// Clients watching their waiting ticket over WebSocket (at most; the first filings').
    #[arg(long, default_value_t = 2000)]
    watchers: usize,
    /// Open WebSocket connections in all (watchers included; the rest listen for notifications).
    #[arg(long, default_value_t = 10_000)]
    sockets: usize,
    /// Seed of the hour's choices.
    #[arg(long, default_value_t = 14)]
    seed: u64,
    /// The unit prices.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/prices.txt"))]
    prices: PathBuf,
    /// Also write the report as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// A JSON report of the same run on an earlier commit, printed beside this one.
    #[arg(long)]
    before: Option<PathBuf>,
}

fn print(r: &day::Report, title: &str) {
    println!("\n{title}");
    println!(
        "  {} simulated s: {} filings, {} staff actions, {} client answers, {} queue changes; {} sockets, {} watching a ticket",
        r.simulated_seconds, r.filings, r.staff_actions, r.client_answers, r.queue_changes, r.sockets, r.watchers
    );
    let filings = r.filings.max(1) as f64;
    println!(
        "  capacity: {:.0} WCU, {:.0} RCU ({:.1} WCU and {:.1} RCU per filing, everything included); {} partitions",
        r.wcu,
        r.rcu,
        r.wcu / filings,
        r.rcu / filings,
        r.partitions
    );
    println!(
        "  {:<6} {:<44} {:>9} {:>9} {:>8}",
        "index", "partition key (busiest second)", "WCU/s", "RCU/s", "% limit"
    );
    for h in r.hottest.iter().take(10) {
        println!(
            "  {:<6} {:<44} {:>9.1} {:>9.1} {:>7.1}%",
            h.index,
            h.pk.chars().take(44).collect::<String>(),
            h.wcu_per_sec,
            h.rcu_per_sec,
            100.0 * h.share
        );
    }
    println!("  where the units go (by kind of partition):  {:>10} {:>10}", "WCU", "RCU");
    for (kind, w, r) in r.kinds.iter().take(10) {
        println!("    {:<44} {:>10.0} {:>10.0}", kind.chars().take(44).collect::<String>(), w, r);
    }
    println!(
        "  busiest item for transactions: {} / {} in {} transactions in one second",
        r.busiest_item.pk, r.busiest_item.sk, r.busiest_item.transactions_per_second
    );
    let hours = r.simulated_seconds as f64 / 3600.0;
    println!(
        "  WebSocket posts: {} ({} positions), {:.1} per queue change, at most {} to one connection in one second, {:.0} per hour",
        r.posts.total,
        r.posts.positions,
        r.posts.positions as f64 / r.queue_changes.max(1) as f64,
        r.posts.max_per_connection_second,
        r.posts.total as f64 / hours
    );
    println!(
        "  Lambda: {} invocations, {:.0} ms billed; {} HTTP requests, {} SQS requests, {} mails",
        r.lambda_invocations, r.lambda_ms, r.http_requests, r.sqs_requests, r.mails
    );
    println!("  per month at this load (prices.txt):");
    for (service, dollars) in &r.bill.lines {
        println!("    {service:<24} ${dollars:>10.2}");
    }
    println!("    {:<24} ${:>10.2}", "total", r.bill.total);
}

fn ratio(before: f64, after: f64) -> String {
    if after > 0.0 { format!("{:.1}x", before / after) } else { "-".into() }
}

fn compare(before: &day::Report, after: &day::Report) {
    println!("\nBefore -> after (before / after)");
    let per = |r: &day::Report, v: f64| v / r.filings.max(1) as f64;
    let rows = [
        ("WCU per filing", per(before, before.wcu), per(after, after.wcu)),
        ("RCU per filing", per(before, before.rcu), per(after, after.rcu)),
        (
            "hottest partition, % of its limit",
            100.0 * before.hottest.first().map_or(0.0, |h| h.share),
            100.0 * after.hottest.first().map_or(0.0, |h| h.share),
        ),
        (
            "busiest item, transactions/s",
            before.busiest_item.transactions_per_second as f64,
            after.busiest_item.transactions_per_second as f64,
        ),
        (
            "position posts per queue change",
            before.posts.positions as f64 / before.queue_changes.max(1) as f64,
            after.posts.positions as f64 / after.queue_changes.max(1) as f64,
        ),
        (
            "most posts to one connection in a second",
            before.posts.max_per_connection_second as f64,
            after.posts.max_per_connection_second as f64,
        ),
        ("dollars per month", before.bill.total, after.bill.total),
    ];
    for (name, b, a) in rows {
        println!("  {name:<42} {b:>12.2} -> {a:>10.2}  {}", ratio(b, a));
    }
    if let (Some(b), Some(a)) = (before.hottest.first(), after.hottest.first()) {
        println!("  hottest before: {} {}; after: {} {}", b.index, b.pk, a.index, a.pk);
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let prices = cost::Prices::parse(
        &std::fs::read_to_string(&cli.prices).with_context(|| format!("reading {}", cli.prices.display()))?,
    )?;
    let options = day::Options {
        tenants: cli.tenants,
        seconds: cli.seconds,
        filings_per_hour: cli.filings_per_hour,
        staff_actions_per_minute: cli.staff_actions_per_minute,
        filings_per_day: cli.filings_per_day,
        backlog: cli.backlog,
        watchers: cli.watchers,
        sockets: cli.sockets,
        seed: cli.seed,
    };
    let report = day::run(options, &prices).await?;
    print(&report, "Heat of a peak hour at 10x the PRD on the embedded store, billed as AWS would");
    if let Some(path) = &cli.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)?;
    }
    if let Some(path) = &cli.before {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let before: day::Report = serde_json::from_str(&text).context("the earlier report")?;
        print(&before, "The same hour on the earlier commit");
        compare(&before, &report);
    }
    Ok(())
}
