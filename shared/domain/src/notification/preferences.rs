//! Each person's say over their notifications (PRD 4.10): per kind and channel, at once or in
//! a digest, with quiet hours in their own time zone, over defaults per role that a tenant's
//! admin sets. [`decide`] is the one rule that turns those settings into what happens to one
//! notification, and its [`Decision`] is stored, so every delivery can be explained later.
//!
//! Which setting applies, in order: the person's own for that kind, else their tenant's
//! default for their role, else the platform's ([`Setting::platform_default`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, Weekday};

use super::Kind;
use crate::identity::Invalid;
use crate::sla::{local, local_date};

/// Where a notification can reach a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The notification center in the portal (never held: it makes no sound).
    InApp,
    Email,
    Sms,
    /// Browser push (Web Push) to each device the person subscribed.
    Push,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::InApp, Channel::Email, Channel::Sms, Channel::Push];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::InApp => "in_app",
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Push => "push",
        }
    }
}

/// How mail of one kind goes out: at once, or gathered into one digest per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    #[default]
    Instant,
    /// At the top of every hour.
    Hourly,
    /// Every day at [`DIGEST_MINUTE`] local time.
    Daily,
    /// Every Monday at [`DIGEST_MINUTE`] local time.
    Weekly,
}

impl Delivery {
    pub const ALL: [Delivery; 4] = [Delivery::Instant, Delivery::Hourly, Delivery::Daily, Delivery::Weekly];

    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Instant => "instant",
            Delivery::Hourly => "hourly",
            Delivery::Daily => "daily",
            Delivery::Weekly => "weekly",
        }
    }

    pub fn parse(raw: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.as_str() == raw.trim())
    }
}

/// Daily and weekly digests go out at 08:00 in the person's time zone.
pub const DIGEST_MINUTE: u16 = 8 * 60;

/// One kind's setting: each channel on or off, and how its mail goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    pub in_app: bool,
    pub email: bool,
    #[serde(default)]
    pub sms: bool,
    #[serde(default)]
    pub push: bool,
    /// For email only: in-app items appear at once, texts and pushes are for what is urgent.
    #[serde(default)]
    pub delivery: Delivery,
}

impl Setting {
    /// The platform's choice when neither the person nor their tenant made one: everything in
    /// the app; mail for what needs an answer or matters; a push for what is urgent and
    /// personal; texts only when someone asks for them.
    pub fn platform_default(kind: Kind) -> Setting {
        let in_app = kind != Kind::Message;
        let email = !matches!(kind, Kind::TicketNote | Kind::QueueNearFront | Kind::InvoiceActivity | Kind::Message);
        let push = matches!(kind, Kind::TicketAssigned | Kind::SlaAlert | Kind::Mention | Kind::Message);
        Setting { in_app, email, sms: false, push, delivery: Delivery::Instant }
    }

    pub fn on(self, channel: Channel) -> bool {
        match channel {
            Channel::InApp => self.in_app,
            Channel::Email => self.email,
            Channel::Sms => self.sms,
            Channel::Push => self.push,
        }
    }

    pub fn any(self) -> bool {
        Channel::ALL.into_iter().any(|c| self.on(c))
    }
}

/// A daily window, in the person's time zone, during which nothing is pushed, mailed or
/// texted. `start > end` spans midnight (22:00-07:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    /// Minutes after midnight.
    pub start: u16,
    pub end: u16,
}

/// A person's settings as they made them. Kinds they never touched are absent and follow
/// their tenant's default for their role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    #[serde(default)]
    pub kinds: BTreeMap<Kind, Setting>,
    /// IANA zone for digests and quiet hours; UTC when unset.
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub quiet_hours: Option<QuietHours>,
}

/// A tenant's defaults for one role (kinds left out follow the platform's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleDefaults {
    #[serde(default)]
    pub kinds: BTreeMap<Kind, Setting>,
}

/// Whose choice a setting is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The person's own.
    Person,
    /// Their tenant's default for their role.
    Tenant,
    Platform,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Person => "person",
            Source::Tenant => "tenant",
            Source::Platform => "platform",
        }
    }
}

/// The setting that applies to `kind`, and whose it is.
pub fn effective(kind: Kind, prefs: &Preferences, defaults: Option<&RoleDefaults>) -> (Setting, Source) {
    if let Some(s) = prefs.kinds.get(&kind) {
        return (*s, Source::Person);
    }
    if let Some(s) = defaults.and_then(|d| d.kinds.get(&kind)) {
        return (*s, Source::Tenant);
    }
    (Setting::platform_default(kind), Source::Platform)
}

/// `"HH:MM"` (24-hour) as minutes after midnight.
pub fn parse_clock(raw: &str, field: &'static str) -> Result<u16, Invalid> {
    let bad = || Invalid::new(field, "use a 24-hour time such as 22:00");
    let (h, m) = raw.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 || raw.trim().len() != 5 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

pub fn format_clock(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Checks a time zone name.
pub fn parse_zone(raw: &str, field: &'static str) -> Result<String, Invalid> {
    let s = raw.trim();
    match s.parse::<chrono_tz::Tz>() {
        Ok(_) => Ok(s.to_owned()),
        Err(_) => Err(Invalid::new(field, "is not an IANA time zone such as Europe/Berlin")),
    }
}

impl QuietHours {
    pub fn new(start: u16, end: u16) -> Result<Self, Invalid> {
        if start == end || start >= 24 * 60 || end >= 24 * 60 {
            return Err(Invalid::new("quiet_hours", "start and end must be different times of day"));
        }
        Ok(Self { start, end })
    }

    fn contains(&self, minute: u16) -> bool {
        if self.start < self.end {
            (self.start..self.end).contains(&minute)
        } else {
            minute >= self.start || minute < self.end
        }
    }
}

impl Preferences {
    pub fn zone(&self) -> chrono_tz::Tz {
        self.time_zone.as_deref().and_then(|z| z.parse().ok()).unwrap_or(chrono_tz::UTC)
    }

    /// When quiet hours that hold at `now` end, or `None` outside them.
    pub fn quiet_until(&self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        let q = self.quiet_hours?;
        let tz = self.zone();
        let minute = local_minute(tz, now);
        if !q.contains(minute) {
            return None;
        }
        let today = local_date(tz, now);
        // The end is today when it is still ahead of us, else tomorrow (a window over midnight
        // entered before midnight).
        let day = if minute < q.end { today } else { today.next_day()? };
        local(tz, day, q.end).filter(|t| *t > now).or_else(|| local(tz, day.next_day()?, q.end))
    }

    /// The first digest time of `delivery` strictly after `now`, in the person's zone
    /// (`None` for instant mail).
    pub fn next_digest(&self, delivery: Delivery, now: OffsetDateTime) -> Option<OffsetDateTime> {
        let tz = self.zone();
        let today = local_date(tz, now);
        match delivery {
            Delivery::Instant => None,
            Delivery::Hourly => {
                let minute = local_minute(tz, now);
                // Next local hour start; a zone with a half-hour offset still digests on its hour.
                (0..48).find_map(|step| {
                    let m = (minute / 60 + 1) * 60 + step * 60;
                    let (day, m) = (day_after(today, i64::from(m / (24 * 60)))?, m % (24 * 60));
                    local(tz, day, m).filter(|t| *t > now)
                })
            }
            Delivery::Daily => (0..3).find_map(|d| local(tz, day_after(today, d)?, DIGEST_MINUTE).filter(|t| *t > now)),
            Delivery::Weekly => (0..15).find_map(|d| {
                let day = day_after(today, d)?;
                if day.weekday() != Weekday::Monday {
                    return None;
                }
                local(tz, day, DIGEST_MINUTE).filter(|t| *t > now)
            }),
        }
    }
}

fn day_after(d: Date, days: i64) -> Option<Date> {
    d.checked_add(Duration::days(days))
}

fn local_minute(tz: chrono_tz::Tz, t: OffsetDateTime) -> u16 {
    use chrono::Timelike;
    let l = crate::sla::to_chrono(t).with_timezone(&tz);
    (l.hour() * 60 + l.minute()) as u16
}

/// Why a channel holds a notification back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hold {
    /// For the digest of this period.
    Digest(Delivery),
    /// Until the person's quiet hours end; then one summary.
    QuietHours,
}

/// Why a channel cannot carry a notification the setting asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// No verified phone number (the one verified for two-step sign-in).
    Phone,
    /// No browser subscribed to push.
    Device,
}

/// What happened on one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Sent,
    /// The setting has this channel off.
    Off,
    Held {
        #[serde(with = "crate::clock::rfc3339_ms")]
        until: OffsetDateTime,
        hold: Hold,
    },
    Unavailable {
        missing: Missing,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelDecision {
    pub channel: Channel,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Everything decided about one notification for one person, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub kind: Kind,
    pub source: Source,
    pub setting: Setting,
    pub channels: Vec<ChannelDecision>,
}

impl Decision {
    pub fn outcome(&self, channel: Channel) -> Outcome {
        self.channels.iter().find(|c| c.channel == channel).map(|c| c.outcome).unwrap_or(Outcome::Off)
    }

    /// What is held, by release: each moment with why (a digest when mail waits for one,
    /// else quiet hours) and the channels that go out then, earliest first.
    pub fn holds(&self) -> Vec<(OffsetDateTime, Hold, Vec<Channel>)> {
        let mut out: Vec<(OffsetDateTime, Hold, Vec<Channel>)> = Vec::new();
        for c in &self.channels {
            let Outcome::Held { until, hold } = c.outcome else { continue };
            match out.iter_mut().find(|(at, _, _)| *at == until) {
                Some((_, h, channels)) => {
                    channels.push(c.channel);
                    if matches!(hold, Hold::Digest(_)) {
                        *h = hold;
                    }
                }
                None => out.push((until, hold, vec![c.channel])),
            }
        }
        out.sort_by_key(|(at, _, _)| *at);
        out
    }

    /// The same decision with every hold delivered now (its release went out meanwhile).
    pub fn released(mut self) -> Decision {
        for c in &mut self.channels {
            if matches!(c.outcome, Outcome::Held { .. }) {
                c.outcome = Outcome::Sent;
            }
        }
        self
    }

    /// The decision in words, one line per channel (times in UTC; screens show them in the
    /// reader's zone from the stored instants).
    pub fn explain(&self) -> Vec<String> {
        let whose = match self.source {
            Source::Person => "your setting",
            Source::Tenant => "your organization's default for your role",
            Source::Platform => "the portal's default",
        };
        self.channels
            .iter()
            .map(|c| {
                let name = match c.channel {
                    Channel::InApp => "In the portal",
                    Channel::Email => "Email",
                    Channel::Sms => "Text message",
                    Channel::Push => "Browser push",
                };
                let what = match c.outcome {
                    Outcome::Sent => format!("sent at once ({whose})"),
                    Outcome::Off => format!("off ({whose})"),
                    Outcome::Held { until, hold: Hold::Digest(d) } => {
                        format!("held for your {} digest of {} ({whose})", d.as_str(), crate::timestamp(until))
                    }
                    Outcome::Held { until, hold: Hold::QuietHours } => {
                        format!("held during your quiet hours, summed up at {}", crate::timestamp(until))
                    }
                    Outcome::Unavailable { missing: Missing::Phone } => {
                        "not sent: no verified phone number (verify one for two-step sign-in)".to_owned()
                    }
                    Outcome::Unavailable { missing: Missing::Device } => {
                        "not sent: no browser has push turned on".to_owned()
                    }
                };
                format!("{name}: {what}")
            })
            .collect()
    }

    /// Whether anything at all happens (else nothing is written).
    pub fn reaches(&self) -> bool {
        self.channels.iter().any(|c| matches!(c.outcome, Outcome::Sent | Outcome::Held { .. }))
    }
}

/// What a person can be reached by besides the app and mail.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reach {
    pub phone: bool,
    pub push_devices: bool,
}

/// The one rule: what each channel does with one notification of `kind` at `now`.
///
/// * In the app it appears at once when on (it makes no sound, so quiet hours leave it).
/// * Mail goes at once, or is held for the next digest of its delivery; during quiet hours
///   instant mail is held until they end, and a digest due inside them waits for their end.
/// * A text or push needs a verified phone or a subscribed device, and waits out quiet hours.
///
/// Everything held until the same moment goes out together as one mail (and one push or text
/// saying how many), so a night of quiet hours ends in one summary.
pub fn decide(
    kind: Kind,
    (setting, source): (Setting, Source),
    prefs: &Preferences,
    reach: Reach,
    now: OffsetDateTime,
) -> Decision {
    let quiet = prefs.quiet_until(now);
    let hold_quiet = |until| Outcome::Held { until, hold: Hold::QuietHours };
    let channels = Channel::ALL
        .into_iter()
        .map(|channel| {
            let outcome = if !setting.on(channel) {
                Outcome::Off
            } else {
                match channel {
                    Channel::InApp => Outcome::Sent,
                    Channel::Email => match prefs.next_digest(setting.delivery, now) {
                        Some(at) => {
                            // A digest due inside quiet hours waits for their end.
                            let until = prefs.quiet_until(at).unwrap_or(at);
                            Outcome::Held { until, hold: Hold::Digest(setting.delivery) }
                        }
                        None => quiet.map(hold_quiet).unwrap_or(Outcome::Sent),
                    },
                    Channel::Sms if !reach.phone => Outcome::Unavailable { missing: Missing::Phone },
                    Channel::Push if !reach.push_devices => Outcome::Unavailable { missing: Missing::Device },
                    Channel::Sms | Channel::Push => quiet.map(hold_quiet).unwrap_or(Outcome::Sent),
                }
            };
            ChannelDecision { channel, outcome }
        })
        .collect();
    Decision { kind, source, setting, channels }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn berlin_nights() -> Preferences {
        Preferences {
            kinds: BTreeMap::new(),
            time_zone: Some("Europe/Berlin".into()),
            quiet_hours: Some(QuietHours::new(22 * 60, 7 * 60).unwrap()),
        }
    }

    #[test]
    fn the_person_then_the_tenant_then_the_platform() {
        let mut prefs = Preferences::default();
        let mut defaults = RoleDefaults::default();
        let off = Setting { in_app: false, email: false, sms: false, push: false, delivery: Delivery::Instant };
        assert_eq!(effective(Kind::TicketReply, &prefs, Some(&defaults)).1, Source::Platform);
        defaults.kinds.insert(Kind::TicketReply, off);
        assert_eq!(effective(Kind::TicketReply, &prefs, Some(&defaults)), (off, Source::Tenant));
        let mine = Setting { email: true, ..off };
        prefs.kinds.insert(Kind::TicketReply, mine);
        assert_eq!(effective(Kind::TicketReply, &prefs, Some(&defaults)), (mine, Source::Person));
        assert!(Setting::platform_default(Kind::TicketReply).email);
        assert!(!Setting::platform_default(Kind::TicketNote).email);
    }

    #[test]
    fn quiet_hours_over_midnight_in_the_persons_zone() {
        let p = berlin_nights();
        // 21:30 UTC is 22:30 in Berlin (winter): quiet until 07:00 Berlin = 06:00 UTC.
        assert_eq!(p.quiet_until(datetime!(2026-12-07 21:30 UTC)), Some(datetime!(2026-12-08 06:00 UTC)));
        // 05:00 UTC = 06:00 Berlin: still quiet, until 06:00 UTC the same day.
        assert_eq!(p.quiet_until(datetime!(2026-12-08 05:00 UTC)), Some(datetime!(2026-12-08 06:00 UTC)));
        assert_eq!(p.quiet_until(datetime!(2026-12-08 06:00 UTC)), None);
        assert_eq!(p.quiet_until(datetime!(2026-12-08 12:00 UTC)), None);
        // Summer time: 07:00 Berlin is 05:00 UTC.
        assert_eq!(p.quiet_until(datetime!(2026-07-01 21:00 UTC)), Some(datetime!(2026-07-02 05:00 UTC)));
        // A window within one day.
        let lunch = Preferences { quiet_hours: Some(QuietHours::new(12 * 60, 13 * 60).unwrap()), ..Default::default() };
        assert_eq!(lunch.quiet_until(datetime!(2026-12-08 12:30 UTC)), Some(datetime!(2026-12-08 13:00 UTC)));
        assert!(QuietHours::new(600, 600).is_err());
    }

    #[test]
    fn digest_times() {
        let p = berlin_nights();
        let now = datetime!(2026-12-08 10:20 UTC); // a Tuesday, 11:20 in Berlin
        assert_eq!(p.next_digest(Delivery::Instant, now), None);
        assert_eq!(p.next_digest(Delivery::Hourly, now), Some(datetime!(2026-12-08 11:00 UTC)));
        assert_eq!(p.next_digest(Delivery::Daily, now), Some(datetime!(2026-12-09 07:00 UTC)));
        assert_eq!(p.next_digest(Delivery::Weekly, now), Some(datetime!(2026-12-14 07:00 UTC)));
        // Exactly on a digest time: the next one.
        assert_eq!(
            p.next_digest(Delivery::Daily, datetime!(2026-12-09 07:00 UTC)),
            Some(datetime!(2026-12-10 07:00 UTC))
        );
        let kolkata = Preferences { time_zone: Some("Asia/Kolkata".into()), ..Default::default() };
        // 10:20 UTC is 15:50 in Kolkata: the next local hour is 16:00 = 10:30 UTC.
        assert_eq!(kolkata.next_digest(Delivery::Hourly, now), Some(datetime!(2026-12-08 10:30 UTC)));
    }

    #[test]
    fn decisions() {
        let p = berlin_nights();
        let setting = Setting { in_app: true, email: true, sms: true, push: true, delivery: Delivery::Instant };
        let day = datetime!(2026-12-08 10:00 UTC);
        let reach = Reach { phone: true, push_devices: false };
        let d = decide(Kind::TicketReply, (setting, Source::Person), &p, reach, day);
        assert_eq!(d.outcome(Channel::InApp), Outcome::Sent);
        assert_eq!(d.outcome(Channel::Email), Outcome::Sent);
        assert_eq!(d.outcome(Channel::Sms), Outcome::Sent);
        assert_eq!(d.outcome(Channel::Push), Outcome::Unavailable { missing: Missing::Device });
        assert!(d.holds().is_empty());
        // At night everything that makes a sound waits for 07:00 Berlin; the app does not.
        let night = datetime!(2026-12-08 23:00 UTC);
        let d = decide(Kind::TicketReply, (setting, Source::Person), &p, reach, night);
        let morning = datetime!(2026-12-09 06:00 UTC);
        assert_eq!(d.outcome(Channel::InApp), Outcome::Sent);
        assert_eq!(d.outcome(Channel::Email), Outcome::Held { until: morning, hold: Hold::QuietHours });
        assert_eq!(d.outcome(Channel::Sms), Outcome::Held { until: morning, hold: Hold::QuietHours });
        assert_eq!(d.holds(), vec![(morning, Hold::QuietHours, vec![Channel::Email, Channel::Sms])]);
        assert_eq!(d.clone().released().outcome(Channel::Sms), Outcome::Sent);
        // Hourly digests: held until the hour; one falling in quiet hours waits for their end.
        let hourly = Setting { delivery: Delivery::Hourly, ..setting };
        let d = decide(Kind::TicketReply, (hourly, Source::Tenant), &p, reach, day);
        assert_eq!(
            d.outcome(Channel::Email),
            Outcome::Held { until: datetime!(2026-12-08 11:00 UTC), hold: Hold::Digest(Delivery::Hourly) }
        );
        let late = datetime!(2026-12-08 20:30 UTC); // 21:30 Berlin; the 22:00 digest is quiet
        let d = decide(Kind::TicketReply, (hourly, Source::Tenant), &p, reach, late);
        assert_eq!(d.outcome(Channel::Email), Outcome::Held { until: morning, hold: Hold::Digest(Delivery::Hourly) });
        assert_eq!(d.outcome(Channel::Sms), Outcome::Sent);
        // A daily digest and quiet hours: two releases, each with its channels.
        let daily = Setting { delivery: Delivery::Daily, ..setting };
        let d = decide(Kind::TicketReply, (daily, Source::Person), &p, reach, night);
        assert_eq!(
            d.holds(),
            vec![
                (morning, Hold::QuietHours, vec![Channel::Sms]),
                (datetime!(2026-12-09 07:00 UTC), Hold::Digest(Delivery::Daily), vec![Channel::Email]),
            ]
        );
        assert_eq!(
            d.explain(),
            [
                "In the portal: sent at once (your setting)",
                "Email: held for your daily digest of 2026-12-09T07:00:00.000Z (your setting)",
                "Text message: held during your quiet hours, summed up at 2026-12-09T06:00:00.000Z",
                "Browser push: not sent: no browser has push turned on",
            ]
        );
        // Nothing on: nothing reaches the person.
        let off = Setting { in_app: false, email: false, sms: false, push: false, delivery: Delivery::Daily };
        assert!(!decide(Kind::TicketReply, (off, Source::Person), &p, reach, day).reaches());
        // Stored and read back as it was.
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<Decision>(&json).unwrap(), d);
    }

    #[test]
    fn clocks() {
        assert_eq!(parse_clock("22:00", "start").unwrap(), 1320);
        assert_eq!(parse_clock("07:05", "start").unwrap(), 425);
        for bad in ["7:00", "24:00", "12:60", "noon", ""] {
            assert!(parse_clock(bad, "start").is_err(), "{bad}");
        }
        assert_eq!(format_clock(425), "07:05");
        assert!(parse_zone("Mars/Olympus", "time_zone").is_err());
    }
}
