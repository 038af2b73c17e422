//! Ticket history for the dashboards' charts: per day, tickets filed and resolved, service
//! levels met and missed, ratings; and first responses by how long they took. One tenant's
//! (those who may see its reports) or, for house staff, every tenant's.

use kt_domain::identity::TenantId;
use kt_domain::policy::{Actor, Permission, Resource};
use kt_store::daily;

use crate::{AppError, AppState, FieldError, permit};

/// The longest range one request reads, in days.
pub const MAX_DAYS: i64 = 366;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Day {
    pub date: String,
    pub created: i64,
    pub resolved: i64,
    pub first_met: i64,
    pub first_missed: i64,
    pub resolution_met: i64,
    pub resolution_missed: i64,
    pub ratings: i64,
    pub rating_sum: i64,
}

/// First responses that took at most `upto_minutes` (and more than the bucket before's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseBucket {
    pub label: String,
    /// `None` for the last bucket: longer than every other.
    pub upto_minutes: Option<i64>,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    pub from: String,
    pub to: String,
    /// Every day of the range, oldest first, zeros included.
    pub days: Vec<Day>,
    pub first_response: Vec<ResponseBucket>,
}

fn bucket_label(minutes: Option<i64>) -> String {
    match minutes {
        None => "longer".into(),
        Some(m) if m % 1440 == 0 => format!("{} day{}", m / 1440, if m == 1440 { "" } else { "s" }),
        Some(m) if m % 60 == 0 => format!("{} h", m / 60),
        Some(m) => format!("{m} min"),
    }
}

/// The history of days `from..=to` (`yyyy-mm-dd`).
pub async fn history(
    app: &AppState,
    actor: &Actor,
    tenant: Option<&TenantId>,
    from: &str,
    to: &str,
) -> Result<History, AppError> {
    match tenant {
        Some(t) => permit(actor, Permission::ViewTenantReports, &Resource { tenant: t, org: None, owner: None })?,
        None => {
            if !actor.role.is_house_staff() || actor.tenant_bound {
                return Err(AppError::NotFound);
            }
            permit(actor, Permission::ViewAllReports, &Resource { tenant: &actor.tenant, org: None, owner: None })?
        }
    }
    let (start, end) = (daily::parse_day(from), daily::parse_day(to));
    let mut errors = Vec::new();
    if start.is_none() {
        errors.push(FieldError::new("from", "use yyyy-mm-dd"));
    }
    if end.is_none() {
        errors.push(FieldError::new("to", "use yyyy-mm-dd"));
    }
    let (Some(start), Some(end)) = (start, end) else { return Err(AppError::Invalid(errors)) };
    if start > end {
        return Err(AppError::invalid("to", "must not be before from"));
    }
    if (end - start).whole_days() >= MAX_DAYS {
        return Err(AppError::invalid("to", "ask for at most 366 days at once"));
    }
    let sums = daily::read(app.store.as_ref(), tenant, from, to).await?;
    let get = |d: &str, metric: &str| sums.get(&(d.to_owned(), metric.to_owned())).copied().unwrap_or(0);
    let mut days = Vec::new();
    let mut date = start;
    loop {
        let d = format!("{:04}-{:02}-{:02}", date.year(), date.month() as u8, date.day());
        days.push(Day {
            created: get(&d, daily::CREATED),
            resolved: get(&d, daily::RESOLVED),
            first_met: get(&d, &daily::outcome_metric("first", true)),
            first_missed: get(&d, &daily::outcome_metric("first", false)),
            resolution_met: get(&d, &daily::outcome_metric("resolution", true)),
            resolution_missed: get(&d, &daily::outcome_metric("resolution", false)),
            ratings: get(&d, daily::RATINGS),
            rating_sum: get(&d, daily::RATING_SUM),
            date: d,
        });
        match date.next_day() {
            Some(next) if next <= end => date = next,
            _ => break,
        }
    }
    let bounds = daily::RESPONSE_BUCKETS.iter().map(|&m| Some(m)).chain([None]);
    let first_response = bounds
        .enumerate()
        .map(|(i, upto)| ResponseBucket {
            label: bucket_label(upto),
            upto_minutes: upto,
            count: sums.iter().filter(|((_, m), _)| *m == format!("frt:{i}")).map(|(_, n)| n).sum(),
        })
        .collect();
    Ok(History { from: from.into(), to: to.into(), days, first_response })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_labelled_for_people() {
        let labels: Vec<String> =
            daily::RESPONSE_BUCKETS.iter().map(|&m| Some(m)).chain([None]).map(bucket_label).collect();
        assert_eq!(labels, ["15 min", "1 h", "4 h", "8 h", "1 day", "3 days", "longer"]);
    }
}
