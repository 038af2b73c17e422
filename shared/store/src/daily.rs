//! Ticket history by day, for the dashboards' charts: how many tickets were filed and resolved,
//! service levels met and missed, first responses by how long they took, and ratings.
//!
//! * `T#<t>#DAILY` / `<yyyy-mm-dd>#<metric>`: one tenant's counters (attribute `n`);
//! * `DAILY#<shard>` / the same: every tenant's, spread over [`SHARDS`] partitions by tenant and
//!   summed on read.
//!
//! Each counter moves in the transaction of the change it counts, once per ticket and event
//! (the callers count an outcome only the first time it happens), so a partition takes at most
//! its tenants' filing rate. A range read is one query per partition.

use std::collections::BTreeMap;

use kt_domain::identity::TenantId;
use time::{Date, OffsetDateTime};

use crate::{Key, Query, SkCond, Store, StoreError, TxOp};

/// Partitions the platform-wide counters are spread over.
pub const SHARDS: u64 = 8;

pub const CREATED: &str = "created";
pub const RESOLVED: &str = "resolved";
pub const RATINGS: &str = "ratings";
pub const RATING_SUM: &str = "rating_sum";

/// Upper bounds (minutes, inclusive) of the first-response-time buckets; a last bucket holds
/// the longer ones.
pub const RESPONSE_BUCKETS: [i64; 6] = [15, 60, 240, 480, 1440, 4320];

/// `first:met`, `resolution:missed`, ...: a service-level clock's outcome.
pub fn outcome_metric(clock: &str, met: bool) -> String {
    format!("{clock}:{}", if met { "met" } else { "missed" })
}

/// `frt:<i>`: the bucket of a first response that took `minutes`.
pub fn response_metric(minutes: i64) -> String {
    let i = RESPONSE_BUCKETS.iter().position(|&b| minutes <= b).unwrap_or(RESPONSE_BUCKETS.len());
    format!("frt:{i}")
}

pub fn day(t: OffsetDateTime) -> String {
    let d = t.date();
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// `yyyy-mm-dd` to a date.
pub fn parse_day(s: &str) -> Option<Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    (s.len() == 10).then(|| Date::parse(s, f).ok()).flatten()
}

fn partitions(tenant: &TenantId) -> [String; 2] {
    [format!("T#{tenant}#DAILY"), format!("DAILY#{}", kt_domain::shard_of(tenant.as_str(), SHARDS))]
}

/// The operations adding `by` to `metric` on the day of `at`, for the tenant and the platform.
pub fn ops(tenant: &TenantId, at: OffsetDateTime, metric: &str, by: i64) -> Vec<TxOp> {
    let sk = format!("{}#{metric}", day(at));
    partitions(tenant)
        .into_iter()
        .map(|pk| TxOp::Increment { key: Key::new(pk, sk.clone()), field: "n".into(), by })
        .collect()
}

/// The counters of days `from..=to` (`yyyy-mm-dd`), for one tenant or (`None`) all, keyed by
/// `(day, metric)`.
pub async fn read(
    store: &dyn Store,
    tenant: Option<&TenantId>,
    from: &str,
    to: &str,
) -> Result<BTreeMap<(String, String), i64>, StoreError> {
    let pks: Vec<String> = match tenant {
        Some(t) => vec![format!("T#{t}#DAILY")],
        None => (0..SHARDS).map(|s| format!("DAILY#{s}")).collect(),
    };
    let reads =
        pks.into_iter().map(|pk| store.query(Query::table(pk).sk(SkCond::Between(from.to_owned(), format!("{to}#~")))));
    let mut sums = BTreeMap::new();
    for page in futures::future::try_join_all(reads).await? {
        for i in page.items {
            let Some((d, metric)) = i.key.sk.split_once('#') else { continue };
            *sums.entry((d.to_owned(), metric.to_owned())).or_default() +=
                i.attrs.get("n").and_then(|n| n.as_i64()).unwrap_or(0);
        }
    }
    Ok(sums)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_times_fall_in_their_buckets() {
        assert_eq!(response_metric(0), "frt:0");
        assert_eq!(response_metric(15), "frt:0");
        assert_eq!(response_metric(16), "frt:1");
        assert_eq!(response_metric(4320), "frt:5");
        assert_eq!(response_metric(4321), "frt:6");
    }

    #[test]
    fn days_parse_strictly() {
        assert!(parse_day("2026-12-04").is_some());
        for bad in ["2026-13-01", "2026-2-01", "2026-02-30", "yesterday", "2026-12-04T00"] {
            assert!(parse_day(bad).is_none(), "{bad}");
        }
    }
}
