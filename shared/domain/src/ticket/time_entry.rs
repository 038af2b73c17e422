//! Time logged on tickets (internal: staff and admins).

use serde::{Deserialize, Serialize};

use crate::identity::{Invalid, TicketId, UserId};

/// Time worked on a ticket. Time tracking is internal (PRD 4.2): staff and admins log it, and
/// no entry reaches a client or a partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeEntry {
    pub id: String,
    pub ticket: TicketId,
    pub user: UserId,
    pub minutes: u32,
    /// The day the work was done.
    pub work_date: time::Date,
    #[serde(default)]
    pub note: String,
    pub billable: bool,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub created_at: time::OffsetDateTime,
}

/// The most one entry may hold: a day.
pub const MAX_ENTRY_MINUTES: u32 = 24 * 60;
/// How far back an entry may be dated.
pub const MAX_ENTRY_AGE_DAYS: i64 = 366;
pub const MAX_TIME_NOTE_CHARS: usize = 1000;

/// The latest calendar date anywhere on Earth at `now` (the furthest time zone is UTC+14):
/// a date the person logging time may call today wherever they work.
pub fn latest_date_anywhere(now: time::OffsetDateTime) -> time::Date {
    (now.to_offset(time::UtcOffset::UTC) + time::Duration::hours(14)).date()
}

/// Checks an entry's minutes (1 to a day), date (not after today in every time zone, at most
/// [`MAX_ENTRY_AGE_DAYS`] before today in UTC) and note at `now`; every failing field is named.
pub fn check_time_entry(
    minutes: u32,
    work_date: time::Date,
    note: &str,
    now: time::OffsetDateTime,
) -> Result<(), Vec<Invalid>> {
    let latest = latest_date_anywhere(now);
    let today = now.to_offset(time::UtcOffset::UTC).date();
    let mut errors = Vec::new();
    if minutes == 0 || minutes > MAX_ENTRY_MINUTES {
        errors.push(Invalid::new("minutes", format!("log between 1 and {MAX_ENTRY_MINUTES} minutes per entry")));
    }
    if work_date > latest {
        errors.push(Invalid::new("work_date", "cannot be in the future"));
    } else if (today - work_date).whole_days() > MAX_ENTRY_AGE_DAYS {
        errors.push(Invalid::new("work_date", format!("at most {MAX_ENTRY_AGE_DAYS} days back")));
    }
    if note.chars().count() > MAX_TIME_NOTE_CHARS {
        errors.push(Invalid::new("note", format!("use at most {MAX_TIME_NOTE_CHARS} characters")));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}
