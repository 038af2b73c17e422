//! Presence (PRD 4.8): online, away, do not disturb or offline, set by hand or derived from
//! the person's open sockets (each pings while open) and when they last did something.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// What others see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Online,
    Away,
    DoNotDisturb,
    Offline,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Online => "online",
            Status::Away => "away",
            Status::DoNotDisturb => "do_not_disturb",
            Status::Offline => "offline",
        }
    }
}

/// What the person chose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// Derived from sockets and activity.
    #[default]
    Automatic,
    Away,
    DoNotDisturb,
    /// Shown as offline whatever happens.
    Invisible,
}

impl Choice {
    pub const ALL: [Choice; 4] = [Choice::Automatic, Choice::Away, Choice::DoNotDisturb, Choice::Invisible];

    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Automatic => "automatic",
            Choice::Away => "away",
            Choice::DoNotDisturb => "do_not_disturb",
            Choice::Invisible => "invisible",
        }
    }

    pub fn parse(raw: &str) -> Option<Choice> {
        Choice::ALL.into_iter().find(|c| c.as_str() == raw.trim())
    }
}

/// A socket pings at least this often while open; one not heard from for longer is gone.
pub const SEEN_WITHIN: Duration = Duration::seconds(90);
/// Nothing done for this long: away.
pub const IDLE_AFTER: Duration = Duration::minutes(10);

/// What is stored per person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    #[serde(default)]
    pub choice: Choice,
    /// Last ping of any of their sockets.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub seen_at: Option<OffsetDateTime>,
    /// Last time they did something (typed, clicked, sent).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub active_at: Option<OffsetDateTime>,
}

impl Presence {
    /// The status at `now`: offline without a live socket (or when invisible); the choice when
    /// away or do not disturb; else online, or away after [`IDLE_AFTER`] without activity.
    pub fn status(&self, now: OffsetDateTime) -> Status {
        let connected = self.seen_at.is_some_and(|t| now - t <= SEEN_WITHIN);
        match (self.choice, connected) {
            (Choice::Invisible, _) | (_, false) => Status::Offline,
            (Choice::DoNotDisturb, true) => Status::DoNotDisturb,
            (Choice::Away, true) => Status::Away,
            (Choice::Automatic, true) => {
                if self.active_at.is_some_and(|t| now - t <= IDLE_AFTER) {
                    Status::Online
                } else {
                    Status::Away
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn derived_from_sockets_activity_and_choice() {
        let now = datetime!(2026-12-08 10:00 UTC);
        let mut p = Presence {
            choice: Choice::Automatic,
            seen_at: Some(now - Duration::seconds(30)),
            active_at: Some(now - Duration::minutes(2)),
        };
        assert_eq!(p.status(now), Status::Online);
        p.active_at = Some(now - Duration::minutes(11));
        assert_eq!(p.status(now), Status::Away, "idle");
        p.seen_at = Some(now - Duration::minutes(5));
        assert_eq!(p.status(now), Status::Offline, "no socket heard from");
        p.seen_at = Some(now);
        p.choice = Choice::DoNotDisturb;
        assert_eq!(p.status(now), Status::DoNotDisturb);
        p.choice = Choice::Invisible;
        assert_eq!(p.status(now), Status::Offline);
        assert_eq!(Presence::default().status(now), Status::Offline);
        assert_eq!(Choice::parse("do_not_disturb"), Some(Choice::DoNotDisturb));
        assert_eq!(Choice::parse("busy"), None);
    }
}
