//! A received mail as the portal records it, and what it does with one: the decision is made
//! here, from facts the use case gathers (who sent it, how it authenticated, what it threads
//! onto), so every path (SES, the local listener, a retry) decides alike.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::auto::Automation;
use crate::identity::{TenantId, TicketId, UserId};

/// Largest message the portal takes (raw bytes, as received; a 20 MB attachment is about
/// 27 MB once base64-encoded). SES itself takes up to 40 MB.
pub const MAX_MESSAGE_BYTES: usize = 30 * 1024 * 1024;
/// Mail one sender may send one tenant in an hour before the rest is held.
pub const SENDER_HOURLY_LIMIT: i64 = 30;

/// An authentication check's result, as SES reports it (`PASS`, `FAIL`, `GRAY`,
/// `PROCESSING_FAILED`, `DISABLED`) or `none` when nothing checked it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    Gray,
    ProcessingFailed,
    Disabled,
    #[default]
    None,
}

impl Verdict {
    /// SES's spelling (`PASS`, ...); anything else is `None`.
    pub fn from_ses(raw: &str) -> Self {
        match raw.trim().to_ascii_uppercase().as_str() {
            "PASS" => Verdict::Pass,
            "FAIL" => Verdict::Fail,
            "GRAY" => Verdict::Gray,
            "PROCESSING_FAILED" => Verdict::ProcessingFailed,
            "DISABLED" => Verdict::Disabled,
            _ => Verdict::None,
        }
    }
}

/// SPF, DKIM and DMARC, and SES's spam and virus scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Verdicts {
    #[serde(default)]
    pub spf: Verdict,
    #[serde(default)]
    pub dkim: Verdict,
    #[serde(default)]
    pub dmarc: Verdict,
    #[serde(default)]
    pub spam: Verdict,
    #[serde(default)]
    pub virus: Verdict,
}

/// What the tenant does with mail from an address it does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownSenders {
    /// Answer with a branded note that only the portal's people can file by mail.
    Refuse,
    /// Keep it in a review list where staff accept it (adding the client) or discard it.
    #[default]
    Hold,
}

/// Where a received mail stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Kept (the raw message is stored); not yet acted on.
    Received,
    /// Filed a new ticket.
    Filed,
    /// Added to a ticket.
    Replied,
    /// Waiting in the review list.
    Held,
    /// Answered with a refusal (or refused without an answer when nobody wrote it).
    Refused,
    /// Nothing to do (a bounce, an auto-reply): kept, never answered.
    Ignored,
    /// Processing failed; in the dead-letter list until retried.
    Failed,
    /// Discarded from the review list by staff.
    Discarded,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Filed => "filed",
            Status::Replied => "replied",
            Status::Held => "held",
            Status::Refused => "refused",
            Status::Ignored => "ignored",
            Status::Failed => "failed",
            Status::Discarded => "discarded",
        }
    }

    /// Whether processing may (still, or again) act on it.
    pub fn open(self) -> bool {
        matches!(self, Status::Received | Status::Failed)
    }
}

/// Why mail was held, refused or ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    UnknownSender,
    DmarcFailed,
    Spam,
    Virus,
    RateLimited,
    TooLarge,
    AutoReply,
    Bounce,
    /// Bulk mail from an unknown sender under the refuse policy: not answered.
    Bulk,
    /// The reply names a ticket that is closed: the sender is told to write anew.
    TicketClosed,
    /// A person of the portal who files for no organization of theirs (staff writing new mail).
    NoOrganization,
}

impl Reason {
    pub fn text(self) -> &'static str {
        match self {
            Reason::UnknownSender => "the sender is not a person of this portal",
            Reason::DmarcFailed => "the sender's domain did not authenticate it (DMARC failed)",
            Reason::Spam => "the spam check failed",
            Reason::Virus => "the virus check failed",
            Reason::RateLimited => "the sender sent too much mail this hour",
            Reason::TooLarge => "the message is larger than the portal takes",
            Reason::AutoReply => "an automatic reply",
            Reason::Bounce => "a delivery report (bounce)",
            Reason::Bulk => "bulk mail from an unknown sender",
            Reason::TicketClosed => "the ticket it answers is closed",
            Reason::NoOrganization => "the sender files for no organization by mail; file it in the portal",
        }
    }
}

/// Where a ticket or a reply came from when it came by mail: the received mail (its raw
/// message downloadable) and how it authenticated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailOrigin {
    pub mail_id: String,
    pub verdicts: Verdicts,
}

/// An address with its display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    #[serde(default)]
    pub name: Option<String>,
    pub email: String,
}

/// A received mail: what came in, how it authenticated and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboundMail {
    pub id: String,
    pub tenant: TenantId,
    /// Where the raw message is kept (the Blobs port's key).
    pub raw_key: String,
    pub size: u64,
    /// The address it was sent to (the tenant's or a ticket's reply address).
    pub recipient: String,
    #[serde(default)]
    pub envelope_from: Option<String>,
    #[serde(default)]
    pub from: Option<Party>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub message_id: Option<String>,
    #[serde(default)]
    pub verdicts: Verdicts,
    #[serde(default = "person")]
    pub automation: Automation,
    pub status: Status,
    #[serde(default)]
    pub reason: Option<Reason>,
    /// A processing failure's message (dead letters).
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub sender: Option<UserId>,
    #[serde(default)]
    pub ticket: Option<TicketId>,
    /// The ticket's number as people read it (`ACME-1042`).
    #[serde(default)]
    pub ticket_ref: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub internal: bool,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub received_at: OffsetDateTime,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub updated_at: OffsetDateTime,
}

fn person() -> Automation {
    Automation::Person
}

/// What the use case found out about a mail.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    pub size: usize,
    pub automation: Automation,
    pub verdicts: Verdicts,
    /// The sender is a person of the tenant (or Kre8ivTech's staff).
    pub known_sender: bool,
    /// The sender passed the hourly limit with this mail.
    pub over_rate: bool,
    /// The ticket it answers, when it threads onto one: `Some(true)` when that ticket still
    /// takes replies.
    pub thread: Option<bool>,
    pub policy: UnknownSenders,
}

/// What to do with a mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// File a new ticket.
    File,
    /// Add it to the ticket it threads onto.
    Reply,
    /// Keep it for staff to review.
    Hold(Reason),
    /// Refuse it; `answer` says whether the sender is told (never for automated mail).
    Refuse { reason: Reason, answer: bool },
    /// Keep it and do nothing.
    Ignore(Reason),
}

impl Action {
    pub fn status(self) -> Status {
        match self {
            Action::File => Status::Filed,
            Action::Reply => Status::Replied,
            Action::Hold(_) => Status::Held,
            Action::Refuse { .. } => Status::Refused,
            Action::Ignore(_) => Status::Ignored,
        }
    }

    pub fn reason(self) -> Option<Reason> {
        match self {
            Action::File | Action::Reply => None,
            Action::Hold(r) | Action::Ignore(r) => Some(r),
            Action::Refuse { reason, .. } => Some(reason),
        }
    }
}

/// The one decision: size first (a clear bounce), then what no person wrote (never answered),
/// then the sender's rate, then trust (DMARC and spam for known senders), then the thread.
pub fn decide(f: &Facts) -> Action {
    let answer = f.automation.may_answer();
    if f.size > MAX_MESSAGE_BYTES {
        return Action::Refuse { reason: Reason::TooLarge, answer };
    }
    if f.verdicts.virus == Verdict::Fail {
        return Action::Ignore(Reason::Virus);
    }
    match f.automation {
        Automation::Bounce => return Action::Ignore(Reason::Bounce),
        Automation::AutoReply => return Action::Ignore(Reason::AutoReply),
        Automation::Person | Automation::Bulk => {}
    }
    if f.over_rate {
        return Action::Hold(Reason::RateLimited);
    }
    if !f.known_sender {
        return match (f.policy, f.automation) {
            (UnknownSenders::Hold, _) => Action::Hold(Reason::UnknownSender),
            (UnknownSenders::Refuse, Automation::Person) => Action::Refuse { reason: Reason::UnknownSender, answer },
            (UnknownSenders::Refuse, _) => Action::Ignore(Reason::Bulk),
        };
    }
    if f.verdicts.dmarc == Verdict::Fail {
        return Action::Hold(Reason::DmarcFailed);
    }
    if f.verdicts.spam == Verdict::Fail {
        return Action::Hold(Reason::Spam);
    }
    match f.thread {
        Some(true) => Action::Reply,
        Some(false) => Action::Refuse { reason: Reason::TicketClosed, answer },
        None => Action::File,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            size: 10_000,
            automation: Automation::Person,
            verdicts: Verdicts { spf: Verdict::Pass, dkim: Verdict::Pass, dmarc: Verdict::Pass, ..Default::default() },
            known_sender: true,
            over_rate: false,
            thread: None,
            policy: UnknownSenders::Hold,
        }
    }

    #[test]
    fn known_people_file_and_reply() {
        assert_eq!(decide(&facts()), Action::File);
        assert_eq!(decide(&Facts { thread: Some(true), ..facts() }), Action::Reply);
        assert_eq!(
            decide(&Facts { thread: Some(false), ..facts() }),
            Action::Refuse { reason: Reason::TicketClosed, answer: true }
        );
        // Bulk from a known person is filed, never answered.
        assert_eq!(decide(&Facts { automation: Automation::Bulk, ..facts() }), Action::File);
    }

    #[test]
    fn automated_mail_is_never_answered() {
        for automation in [Automation::AutoReply, Automation::Bounce, Automation::Bulk] {
            for known_sender in [true, false] {
                for policy in [UnknownSenders::Hold, UnknownSenders::Refuse] {
                    for size in [10, MAX_MESSAGE_BYTES + 1] {
                        let a =
                            decide(&Facts { automation, known_sender, policy, size, thread: Some(false), ..facts() });
                        assert!(!matches!(a, Action::Refuse { answer: true, .. }), "{automation:?} answered: {a:?}");
                        if automation != Automation::Bulk {
                            assert!(!matches!(a, Action::File | Action::Reply), "{automation:?} changed a ticket");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn trust_rate_and_size() {
        let dmarc = Verdicts { dmarc: Verdict::Fail, ..facts().verdicts };
        assert_eq!(decide(&Facts { verdicts: dmarc, ..facts() }), Action::Hold(Reason::DmarcFailed));
        let spam = Verdicts { spam: Verdict::Fail, ..facts().verdicts };
        assert_eq!(decide(&Facts { verdicts: spam, ..facts() }), Action::Hold(Reason::Spam));
        let virus = Verdicts { virus: Verdict::Fail, ..facts().verdicts };
        assert_eq!(decide(&Facts { verdicts: virus, ..facts() }), Action::Ignore(Reason::Virus));
        assert_eq!(decide(&Facts { over_rate: true, ..facts() }), Action::Hold(Reason::RateLimited));
        assert_eq!(
            decide(&Facts { size: MAX_MESSAGE_BYTES + 1, ..facts() }),
            Action::Refuse { reason: Reason::TooLarge, answer: true }
        );
        // A verdict nobody could give ("none", as the local listener records) is not a failure.
        let none = Verdicts::default();
        assert_eq!(decide(&Facts { verdicts: none, ..facts() }), Action::File);
    }

    #[test]
    fn unknown_senders_follow_the_policy() {
        let unknown = Facts { known_sender: false, ..facts() };
        assert_eq!(decide(&unknown), Action::Hold(Reason::UnknownSender));
        assert_eq!(
            decide(&Facts { policy: UnknownSenders::Refuse, ..unknown }),
            Action::Refuse { reason: Reason::UnknownSender, answer: true }
        );
        assert_eq!(
            decide(&Facts { policy: UnknownSenders::Refuse, automation: Automation::Bulk, ..unknown }),
            Action::Ignore(Reason::Bulk)
        );
        assert_eq!(Verdict::from_ses("pass"), Verdict::Pass);
        assert_eq!(Verdict::from_ses("whatever"), Verdict::None);
    }
}
