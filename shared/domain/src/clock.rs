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

/// Serde for moments in the API's one format ([`timestamp`]); reads any RFC 3339 moment.
/// Use `#[serde(with = "kt_domain::clock::rfc3339_ms")]` (or `rfc3339_ms::option`).
pub mod rfc3339_ms {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;

    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::timestamp(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        OffsetDateTime::parse(&raw, &Rfc3339).map_err(serde::de::Error::custom)
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => super::serialize(t, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
            let raw = <Option<std::borrow::Cow<'de, str>>>::deserialize(d)?;
            raw.map(|r| OffsetDateTime::parse(&r, &Rfc3339).map_err(serde::de::Error::custom)).transpose()
        }
    }
}

/// `t` without its sub-millisecond part: every clock answers in whole milliseconds, so a
/// moment written in the API's format and read back is the same moment.
pub fn to_millis(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(t.nanosecond() / 1_000_000 * 1_000_000).unwrap_or(t)
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
        to_millis(OffsetDateTime::now_utc())
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
        to_millis(*self.lock())
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

    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct At {
        #[serde(with = "super::rfc3339_ms")]
        at: time::OffsetDateTime,
        #[serde(default, with = "super::rfc3339_ms::option")]
        until: Option<time::OffsetDateTime>,
    }

    #[test]
    fn entities_write_the_fixed_format_and_read_any_rfc3339() {
        let at = At { at: datetime!(2026-12-04 01:27:30.1 UTC), until: None };
        let json = serde_json::to_string(&at).unwrap();
        assert_eq!(json, r#"{"at":"2026-12-04T01:27:30.100Z","until":null}"#);
        assert_eq!(serde_json::from_str::<At>(&json).unwrap(), at);
        let old: At = serde_json::from_str(r#"{"at":"2026-12-04T02:27:30.123456789+01:00"}"#).unwrap();
        assert_eq!(old.at, datetime!(2026-12-04 01:27:30.123456789 UTC));
    }

    #[test]
    fn clocks_answer_in_whole_milliseconds() {
        let clock = super::ManualClock::new(datetime!(2026-12-04 01:27:30.123456789 UTC));
        assert_eq!(super::Clock::now(&clock), datetime!(2026-12-04 01:27:30.123 UTC));
        let now = super::Clock::now(&super::SystemClock);
        assert_eq!(now.nanosecond() % 1_000_000, 0);
    }
}
