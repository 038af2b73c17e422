//! Service levels (PRD 4.2 "SLA tracking"): first-response and resolution targets per
//! priority, measured in business time on a calendar (time zone, weekly hours with split
//! shifts, holidays), with clocks that pause while the client owes an answer.
//!
//! * [`Calendar::add`] finds the moment a number of business seconds after a start;
//!   [`Calendar::between`] counts the business seconds between two moments. Both walk the
//!   calendar's working intervals day by day in its own zone, so daylight-saving changes move
//!   the hours with the clocks on the wall.
//! * [`Clock`] is one target's running state: business seconds used before the current run,
//!   the moment the current run started (none while paused), and whether its warning and
//!   breach have been raised (each once).

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, Weekday};

use crate::identity::Invalid;
use crate::ticket::Priority;

/// Minutes since local midnight, `[start, end)`, e.g. 09:00-12:30 is `(540, 750)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub start: u16,
    pub end: u16,
}

/// Working hours: one list of shifts per weekday (Monday first), a time zone and holidays.
/// An empty calendar (no shifts at all) means around the clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    pub name: String,
    /// IANA zone, e.g. `Europe/Berlin`.
    pub time_zone: String,
    /// Monday .. Sunday.
    pub weekly: [Vec<Shift>; 7],
    /// Whole days off, in the calendar's zone.
    #[serde(default)]
    pub holidays: Vec<Date>,
}

/// Farthest a walk through a calendar goes (about ten years), so a calendar without hours
/// cannot loop for ever.
const MAX_DAYS: i64 = 3660;
/// The longest name of a policy or a calendar.
pub const MAX_NAME_CHARS: usize = 80;

impl Calendar {
    /// Around the clock, every day.
    pub fn always() -> Self {
        Self { name: "24/7".into(), time_zone: "UTC".into(), weekly: Default::default(), holidays: vec![] }
    }

    /// Monday to Friday, `start`-`end` (minutes), in `zone`.
    pub fn weekdays(name: &str, zone: &str, start: u16, end: u16) -> Self {
        let day = vec![Shift { start, end }];
        Self {
            name: name.into(),
            time_zone: zone.into(),
            weekly: [day.clone(), day.clone(), day.clone(), day.clone(), day, vec![], vec![]],
            holidays: vec![],
        }
    }

    /// Checks a calendar as an administrator wrote it: a known zone, shifts within the day,
    /// in order and not overlapping, at least one working minute a week, at most 500 holidays.
    pub fn parse(self) -> Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        if self.name.trim().is_empty() || self.name.chars().count() > MAX_NAME_CHARS {
            errors.push(Invalid::new("name", "use 1 to 80 characters"));
        }
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            errors.push(Invalid::new("time_zone", "is not an IANA time zone such as Europe/Berlin"));
        }
        for (day, shifts) in self.weekly.iter().enumerate() {
            let mut last_end = 0;
            for s in shifts {
                if s.start >= s.end || s.end > 24 * 60 || s.start < last_end {
                    errors.push(Invalid::new(
                        "weekly",
                        format!("day {}: shifts must lie within the day, in order, without overlapping", day + 1),
                    ));
                    break;
                }
                last_end = s.end;
            }
        }
        if self.holidays.len() > 500 {
            errors.push(Invalid::new("holidays", "use at most 500 holidays"));
        }
        if errors.is_empty() { Ok(self) } else { Err(errors) }
    }

    fn is_always(&self) -> bool {
        self.weekly.iter().all(Vec::is_empty)
    }

    fn zone(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::UTC)
    }

    /// The working intervals of local `date`, as UTC instants.
    fn intervals(&self, tz: chrono_tz::Tz, date: Date) -> Vec<(OffsetDateTime, OffsetDateTime)> {
        if self.holidays.contains(&date) {
            return vec![];
        }
        let day = date.weekday().number_days_from_monday() as usize;
        self.weekly[day].iter().filter_map(|s| Some((local(tz, date, s.start)?, local(tz, date, s.end)?))).collect()
    }

    /// Business seconds in `[from, to)`.
    pub fn between(&self, from: OffsetDateTime, to: OffsetDateTime) -> i64 {
        if to <= from {
            return 0;
        }
        if self.is_always() {
            return (to - from).whole_seconds();
        }
        let tz = self.zone();
        let mut date = local_date(tz, from);
        let last = local_date(tz, to);
        let mut total = 0;
        for _ in 0..MAX_DAYS {
            for (a, b) in self.intervals(tz, date) {
                let (a, b) = (a.max(from), b.min(to));
                if b > a {
                    total += (b - a).whole_seconds();
                }
            }
            if date >= last {
                break;
            }
            match date.next_day() {
                Some(d) => date = d,
                None => break,
            }
        }
        total
    }

    /// Whether `t` falls in working hours.
    pub fn is_open(&self, t: OffsetDateTime) -> bool {
        self.between(t, t + time::Duration::seconds(1)) == 1
    }

    /// When working hours next begin after `t` (`t` itself when open); `None` when the calendar
    /// has no working time within ten years.
    pub fn next_open(&self, t: OffsetDateTime) -> Option<OffsetDateTime> {
        self.add(t, 1).map(|at| at - time::Duration::seconds(1))
    }

    /// `t` as a weekday and time in the calendar's zone: `Mon 09:00 (Europe/Berlin)`.
    pub fn local_label(&self, t: OffsetDateTime) -> String {
        let l = to_chrono(t).with_timezone(&self.zone());
        format!("{} ({})", l.format("%a %H:%M"), self.time_zone)
    }

    /// The moment `secs` business seconds after `from` (`from` itself for 0). `None` when the
    /// calendar has no working time within ten years.
    pub fn add(&self, from: OffsetDateTime, secs: i64) -> Option<OffsetDateTime> {
        if secs <= 0 {
            return Some(from);
        }
        if self.is_always() {
            return Some(from + time::Duration::seconds(secs));
        }
        let tz = self.zone();
        let mut date = local_date(tz, from);
        let mut left = secs;
        for _ in 0..MAX_DAYS {
            for (a, b) in self.intervals(tz, date) {
                let a = a.max(from);
                if b <= a {
                    continue;
                }
                let span = (b - a).whole_seconds();
                if span >= left {
                    return Some(a + time::Duration::seconds(left));
                }
                left -= span;
            }
            date = date.next_day()?;
        }
        None
    }
}

pub(crate) fn to_chrono(t: OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_default()
}

pub(crate) fn local_date(tz: chrono_tz::Tz, t: OffsetDateTime) -> Date {
    use chrono::Datelike;
    let l = to_chrono(t).with_timezone(&tz).date_naive();
    let month = time::Month::try_from(l.month() as u8).unwrap_or(time::Month::January);
    Date::from_calendar_date(l.year(), month, l.day() as u8).unwrap_or(t.date())
}

/// Local `date` at `minute` in `tz`, as an instant. A wall time skipped by a daylight-saving
/// change is read as the first valid moment after it; a repeated one as its first occurrence.
pub(crate) fn local(tz: chrono_tz::Tz, date: Date, minute: u16) -> Option<OffsetDateTime> {
    use chrono::TimeZone;
    let d = chrono::NaiveDate::from_ymd_opt(date.year(), date.month() as u32, date.day() as u32)?;
    let naive = if minute >= 24 * 60 {
        d.succ_opt()?.and_hms_opt(0, 0, 0)?
    } else {
        d.and_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)?
    };
    let resolved = match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t,
        chrono::LocalResult::None => {
            let later = naive + chrono::Duration::hours(1);
            tz.from_local_datetime(&later).earliest()?
        }
    };
    OffsetDateTime::from_unix_timestamp(resolved.timestamp()).ok()
}

/// The targets of one priority, in business seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Targets {
    pub first_response_secs: i64,
    pub resolution_secs: i64,
}

/// What happens when a clock warns or breaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Escalation {
    /// Tell the assignee, the watchers and the tenant's partners (always done).
    Notify,
    /// Raise the priority one step.
    RaisePriority,
    /// Hand the ticket to this person.
    Reassign { user_id: String },
}

/// A service-level policy: targets per priority, the calendar they count on, the share of a
/// target at which a warning is raised, and what breaches and warnings trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub name: String,
    /// Low, Medium, High, Critical.
    pub targets: [Targets; 4],
    pub calendar: Calendar,
    /// Percent of the target at which the warning is raised (e.g. 80).
    pub warn_percent: u8,
    #[serde(default)]
    pub on_warning: Vec<Escalation>,
    #[serde(default)]
    pub on_breach: Vec<Escalation>,
}

impl Policy {
    /// The house default: around the clock; first response 1 h / 4 h / 8 h / 24 h (Critical to
    /// Low), resolution 8 h / 24 h / 3 d / 5 d; warn at 80 %.
    pub fn default_policy() -> Self {
        let t = |first_h: i64, resolve_h: i64| Targets {
            first_response_secs: first_h * 3600,
            resolution_secs: resolve_h * 3600,
        };
        Self {
            name: "Default".into(),
            targets: [t(24, 120), t(8, 72), t(4, 24), t(1, 8)],
            calendar: Calendar::always(),
            warn_percent: 80,
            on_warning: vec![Escalation::Notify],
            on_breach: vec![Escalation::Notify],
        }
    }

    pub fn targets(&self, p: Priority) -> Targets {
        self.targets[p as usize]
    }

    pub fn parse(self) -> Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        if self.name.trim().is_empty() || self.name.chars().count() > MAX_NAME_CHARS {
            errors.push(Invalid::new("name", "use 1 to 80 characters"));
        }
        for t in &self.targets {
            if t.first_response_secs < 60 || t.resolution_secs < t.first_response_secs {
                errors.push(Invalid::new(
                    "targets",
                    "each first-response target is at least a minute and no longer than its resolution target",
                ));
                break;
            }
        }
        if !(1..=99).contains(&self.warn_percent) {
            errors.push(Invalid::new("warn_percent", "use 1 to 99"));
        }
        let calendar = self.calendar.clone().parse();
        if let Err(e) = &calendar {
            errors.extend(e.iter().map(|e| Invalid::new("calendar", format!("{}: {}", e.field, e.message))));
        }
        if errors.is_empty() { Ok(self) } else { Err(errors) }
    }
}

/// One target's clock on one ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub target_secs: i64,
    /// Business seconds used in earlier runs.
    pub used_secs: i64,
    /// When the current run started; `None` while paused or stopped.
    #[serde(with = "crate::clock::rfc3339_ms::option")]
    pub running_since: Option<OffsetDateTime>,
    /// Met or missed: the clock stopped for good.
    #[serde(with = "crate::clock::rfc3339_ms::option")]
    pub stopped_at: Option<OffsetDateTime>,
    pub warned: bool,
    pub breached: bool,
}

/// What a sweep found about a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alarm {
    Warning,
    Breach,
}

impl Clock {
    pub fn start(target_secs: i64, at: OffsetDateTime) -> Self {
        Self { target_secs, used_secs: 0, running_since: Some(at), stopped_at: None, warned: false, breached: false }
    }

    /// Business seconds used so far.
    pub fn used(&self, cal: &Calendar, now: OffsetDateTime) -> i64 {
        self.used_secs + self.running_since.map(|s| cal.between(s, now)).unwrap_or(0)
    }

    pub fn pause(&mut self, cal: &Calendar, now: OffsetDateTime) {
        if let Some(s) = self.running_since.take() {
            self.used_secs += cal.between(s, now);
        }
    }

    pub fn resume(&mut self, now: OffsetDateTime) {
        if self.running_since.is_none() && self.stopped_at.is_none() {
            self.running_since = Some(now);
        }
    }

    /// Stops for good (the response came, the ticket was resolved). Returns whether it was met.
    pub fn stop(&mut self, cal: &Calendar, now: OffsetDateTime) -> bool {
        self.pause(cal, now);
        if self.stopped_at.is_none() {
            self.stopped_at = Some(now);
        }
        self.used_secs <= self.target_secs
    }

    /// When the warning (at `warn_percent` of the target) and the breach fall due, if it runs.
    pub fn due(&self, cal: &Calendar, warn_percent: u8) -> Option<(OffsetDateTime, OffsetDateTime)> {
        let since = self.running_since?;
        let warn_at = self.target_secs * i64::from(warn_percent) / 100;
        let warn = cal.add(since, (warn_at - self.used_secs).max(0))?;
        let breach = cal.add(since, (self.target_secs - self.used_secs).max(0))?;
        Some((warn, breach))
    }

    /// The alarm this clock raises at `now`, if one is due and not raised yet. A breach found
    /// before its warning was raised takes the warning with it (each is raised once).
    pub fn check(&mut self, cal: &Calendar, warn_percent: u8, now: OffsetDateTime) -> Option<Alarm> {
        self.running_since?;
        let used = self.used(cal, now);
        if !self.breached && used >= self.target_secs {
            self.breached = true;
            self.warned = true;
            return Some(Alarm::Breach);
        }
        if !self.warned && used >= self.target_secs * i64::from(warn_percent) / 100 {
            self.warned = true;
            return Some(Alarm::Warning);
        }
        None
    }
}

/// Human form of a weekday index (Monday = 0).
pub fn weekday_name(i: usize) -> &'static str {
    [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ]
    .get(i)
    .map(|d| match d {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    })
    .unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    use super::*;

    fn berlin() -> Calendar {
        let mut c = Calendar::weekdays("Berlin office", "Europe/Berlin", 9 * 60, 17 * 60);
        // Split shift on Fridays: 09:00-12:00 and 13:00-15:00.
        c.weekly[4] = vec![Shift { start: 540, end: 720 }, Shift { start: 780, end: 900 }];
        c.holidays = vec![date!(2026 - 12 - 25)];
        c
    }

    #[test]
    fn counts_only_working_time() {
        let c = berlin();
        // Monday 2026-11-30, 08:00 to 10:00 Berlin (UTC+1): one working hour.
        assert_eq!(c.between(datetime!(2026-11-30 07:00 UTC), datetime!(2026-11-30 09:00 UTC)), 3600);
        // Friday has five hours, the weekend none: Friday 00:00 to Monday 00:00 Berlin.
        assert_eq!(c.between(datetime!(2026-12-03 23:00 UTC), datetime!(2026-12-06 23:00 UTC)), 5 * 3600);
        // Christmas (a Friday) is a holiday.
        assert_eq!(c.between(datetime!(2026-12-24 23:00 UTC), datetime!(2026-12-25 23:00 UTC)), 0);
        assert_eq!(
            Calendar::always().between(datetime!(2026-12-01 00:00 UTC), datetime!(2026-12-02 00:00 UTC)),
            86_400
        );
    }

    #[test]
    fn adds_across_nights_weekends_and_holidays() {
        let c = berlin();
        // Thursday 16:00 Berlin + 4 working hours: 1 h Thursday, 3 h Friday morning -> 12:00.
        let due = c.add(datetime!(2026-12-03 15:00 UTC), 4 * 3600).unwrap();
        assert_eq!(due, datetime!(2026-12-04 11:00 UTC));
        // One more hour skips the lunch break: 14:00 Friday.
        assert_eq!(c.add(datetime!(2026-12-03 15:00 UTC), 5 * 3600).unwrap(), datetime!(2026-12-04 13:00 UTC));
        // Starting Christmas Eve (Thursday) at 17:00: Christmas is off, the weekend too -> Monday.
        assert_eq!(c.add(datetime!(2026-12-24 16:00 UTC), 3600).unwrap(), datetime!(2026-12-28 09:00 UTC));
        // Nothing to add: the start itself.
        assert_eq!(c.add(datetime!(2026-12-24 16:00 UTC), 0).unwrap(), datetime!(2026-12-24 16:00 UTC));
    }

    #[test]
    fn hours_follow_daylight_saving() {
        let c = Calendar::weekdays("NY", "America/New_York", 9 * 60, 17 * 60);
        // 09:00 in New York is 14:00 UTC in winter and 13:00 UTC in summer.
        assert_eq!(c.add(datetime!(2026-01-05 00:00 UTC), 1).unwrap(), datetime!(2026-01-05 14:00:01 UTC));
        assert_eq!(c.add(datetime!(2026-07-06 00:00 UTC), 1).unwrap(), datetime!(2026-07-06 13:00:01 UTC));
    }

    #[test]
    fn a_calendar_is_checked_before_it_is_kept() {
        let mut bad = berlin();
        bad.time_zone = "Mars/Olympus".into();
        bad.weekly[0] = vec![Shift { start: 600, end: 540 }];
        let fields: Vec<String> = bad.parse().unwrap_err().iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, ["time_zone", "weekly"]);
        let mut p = Policy::default_policy();
        p.warn_percent = 100;
        p.targets[0].resolution_secs = 10;
        let fields: Vec<String> = p.parse().unwrap_err().iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, ["targets", "warn_percent"]);
        assert!(Policy::default_policy().parse().is_ok());
    }

    #[test]
    fn clocks_pause_warn_and_breach_once() {
        let cal = Calendar::always();
        let t0 = datetime!(2026-12-01 10:00 UTC);
        let mut c = Clock::start(3600, t0);
        assert_eq!(c.due(&cal, 80), Some((t0 + time::Duration::minutes(48), t0 + time::Duration::hours(1))));
        assert_eq!(c.check(&cal, 80, t0 + time::Duration::minutes(30)), None);
        // Pending Client for two hours: the clock stands still.
        c.pause(&cal, t0 + time::Duration::minutes(30));
        assert_eq!(c.check(&cal, 80, t0 + time::Duration::hours(3)), None, "paused clocks raise nothing");
        c.resume(t0 + time::Duration::minutes(150));
        assert_eq!(c.used(&cal, t0 + time::Duration::minutes(150)), 1800);
        assert_eq!(c.check(&cal, 80, t0 + time::Duration::minutes(169)), Some(Alarm::Warning));
        assert_eq!(c.check(&cal, 80, t0 + time::Duration::minutes(170)), None, "a warning is raised once");
        assert_eq!(c.check(&cal, 80, t0 + time::Duration::minutes(181)), Some(Alarm::Breach));
        assert_eq!(c.check(&cal, 80, t0 + time::Duration::minutes(300)), None, "a breach is raised once");
        assert!(!c.stop(&cal, t0 + time::Duration::minutes(300)), "missed");
        let mut met = Clock::start(3600, t0);
        assert!(met.stop(&cal, t0 + time::Duration::minutes(10)));
        met.resume(t0 + time::Duration::minutes(20));
        assert_eq!(met.running_since, None, "a stopped clock stays stopped");
    }

    proptest! {
        /// Adding n business seconds and counting them back gives n.
        #[test]
        fn add_and_between_agree(start in 1_780_000_000i64..1_800_000_000, secs in 1i64..2_000_000) {
            let c = berlin();
            let from = OffsetDateTime::from_unix_timestamp(start).unwrap();
            let due = c.add(from, secs).unwrap();
            prop_assert_eq!(c.between(from, due), secs);
            prop_assert!(due > from);
        }
    }
}
