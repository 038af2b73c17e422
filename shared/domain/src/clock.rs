//! Time as a dependency: everything that asks "what time is it" asks a `Clock`, so tests can
//! move time forward instead of sleeping.

use std::sync::Mutex;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// A moment as the API writes it: RFC 3339 in UTC with exactly three fractional digits and
/// `Z` (`2026-12-04T01:27:30.120Z`), so that timestamps compare correctly as strings.
pub fn timestamp(t: OffsetDateTime) -> String {
    const FORMAT: &[BorrowedFormatItem<'_>] =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    t.to_offset(UtcOffset::UTC).format(FORMAT).unwrap_or_default()
}

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> OffsetDateTime;

    /// Seconds since the Unix epoch: the unit of DynamoDB TTL attributes.
    fn now_unix(&self) -> i64 {
        self.now().unix_timestamp()
    }
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<OffsetDateTime>,
}

impl ManualClock {
    pub fn new(start: OffsetDateTime) -> Self {
        Self { now: Mutex::new(start) }
    }

    /// A clock starting at the current wall-clock time.
    pub fn starting_now() -> Self {
        Self::new(OffsetDateTime::now_utc())
    }

    pub fn set(&self, to: OffsetDateTime) {
        *self.lock() = to;
    }

    pub fn advance(&self, by: time::Duration) {
        let mut now = self.lock();
        *now += by;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, OffsetDateTime> {
        // A poisoned clock still holds a valid time; keep going.
        self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.lock()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = time::macros::datetime!(2026-01-01 00:00 UTC);
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(time::Duration::seconds(90));
        assert_eq!(clock.now_unix(), start.unix_timestamp() + 90);
        clock.set(start);
        assert_eq!(clock.now(), start);
    }
}

#[cfg(test)]
mod timestamp_tests {
    use super::timestamp;
    use time::macros::datetime;

    #[test]
    fn always_three_fractional_digits_in_utc() {
        assert_eq!(timestamp(datetime!(2026-12-04 01:27:30 UTC)), "2026-12-04T01:27:30.000Z");
        assert_eq!(timestamp(datetime!(2026-12-04 01:27:30.1 UTC)), "2026-12-04T01:27:30.100Z");
        assert_eq!(timestamp(datetime!(2026-12-04 01:27:30.123456789 UTC)), "2026-12-04T01:27:30.123Z");
        assert_eq!(timestamp(datetime!(2026-12-04 02:27:30.5 +01:00)), "2026-12-04T01:27:30.500Z");
        let (earlier, later) = (datetime!(2026-12-04 01:27:30.12 UTC), datetime!(2026-12-04 01:27:30.9 UTC));
        assert!(timestamp(earlier) < timestamp(later), "string order is time order");
    }
}
