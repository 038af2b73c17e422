//! Async messaging (PRD 4.8): conversations, their members and messages, and who may talk to
//! whom.
//!
//! **Who may talk to whom** follows tenancy and is symmetric: Kre8ivTech's staff and super
//! admins talk with anyone; otherwise both people belong to the same tenant, and two clients
//! only when they share an organization (a client talks with its partner's people, its
//! organizations' people, and Kre8ivTech's staff; never with another organization's clients or
//! another tenant's people). A conversation holds only people who may all talk with each other,
//! so adding someone is checked against every member.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::identity::{Invalid, OrgId, Role, TenantId, UserId};

mod files;
pub use files::*;

/// Most members a group or channel holds.
pub const MAX_MEMBERS: usize = 500;
/// Longest message, in characters of Markdown.
pub const MAX_BODY: usize = 10_000;
/// Longest conversation name.
pub const MAX_NAME: usize = 100;
/// Most people one message mentions.
pub const MAX_MENTIONS: usize = 50;
/// Earlier versions kept per message.
pub const MAX_HISTORY: usize = 50;

/// What a person is, for the talk rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: UserId,
    pub tenant: TenantId,
    pub role: Role,
    /// A client's organizations (empty for other roles).
    pub orgs: Vec<OrgId>,
}

/// Whether `a` and `b` may be in a conversation together (never with oneself).
pub fn may_talk(a: &Person, b: &Person) -> bool {
    if a.id == b.id {
        return false;
    }
    if a.role.is_house_staff() || b.role.is_house_staff() {
        return true;
    }
    if a.tenant != b.tenant {
        return false;
    }
    match (a.role, b.role) {
        (Role::Client, Role::Client) => a.orgs.iter().any(|o| b.orgs.contains(o)),
        _ => true,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Two people, found again rather than made twice.
    Direct,
    /// Named, members added and removed by its creator or an admin.
    Group,
    /// A client organization's channel with the people serving it.
    Channel,
}

impl Kind {
    /// Every Kind, in the order the API lists them.
    pub const ALL: [Kind; 3] = [Kind::Direct, Kind::Group, Kind::Channel];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: String,
    pub tenant: TenantId,
    pub kind: Kind,
    /// Groups' and channels' names.
    #[serde(default)]
    pub name: Option<String>,
    /// A channel's organization.
    #[serde(default)]
    pub org: Option<OrgId>,
    pub members: Vec<UserId>,
    pub created_by: UserId,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub created_at: OffsetDateTime,
}

impl Conversation {
    pub fn is_member(&self, user: &UserId) -> bool {
        self.members.contains(user)
    }

    /// Who may add and remove members and rename it: its creator, and the admins of its
    /// tenant (super admins, the tenant's partners). Direct conversations never change.
    pub fn manages(&self, who: &Person) -> bool {
        self.kind != Kind::Direct
            && (who.id == self.created_by
                || who.role == Role::SuperAdmin
                || (who.role == Role::Partner && who.tenant == self.tenant))
    }
}

/// The key a direct conversation between two people is found by (the same both ways).
pub fn direct_key(a: &UserId, b: &UserId) -> String {
    if a.as_str() <= b.as_str() { format!("{a}#{b}") } else { format!("{b}#{a}") }
}

/// A conversation's name, trimmed, 1 to [`MAX_NAME`] characters on one line.
pub fn check_name(raw: &str) -> Result<String, Invalid> {
    let v = raw.trim();
    if v.is_empty() || v.chars().count() > MAX_NAME || v.contains(char::is_control) {
        return Err(Invalid::new("name", format!("use 1 to {MAX_NAME} characters on one line")));
    }
    Ok(v.to_owned())
}

/// Checks that everyone of `people` may talk with everyone else and that there are at most
/// [`MAX_MEMBERS`]; the first person of a refused pair that is not `by` is named
/// (`members[i]`, by its index in `people`).
pub fn check_members(people: &[Person], by: &UserId) -> Result<(), Invalid> {
    if people.len() > MAX_MEMBERS {
        return Err(Invalid::new("members", format!("a conversation holds at most {MAX_MEMBERS} people")));
    }
    for (i, a) in people.iter().enumerate() {
        for (j, b) in people.iter().enumerate().skip(i + 1) {
            if a.id == b.id {
                return Err(Invalid::new(format!("members[{j}]"), "is listed twice"));
            }
            if !may_talk(a, b) {
                let k = if &a.id == by { j } else { i.max(j) };
                return Err(Invalid::new(
                    format!("members[{k}]"),
                    "cannot be in a conversation with everyone else here",
                ));
            }
        }
    }
    Ok(())
}

/// One member's standing in a conversation: what it has read, and what the conversation had
/// when the member was last told of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub tenant: TenantId,
    pub user: UserId,
    pub conversation: String,
    #[serde(default)]
    pub last_read_seq: u64,
    #[serde(default)]
    pub last_seq: u64,
    #[serde(default, with = "crate::clock::rfc3339_ms::option")]
    pub last_message_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub muted: bool,
}

impl Membership {
    /// Messages after the last one read.
    pub fn unread(&self) -> u64 {
        self.last_seq.saturating_sub(self.last_read_seq)
    }
}

/// One earlier version of an edited message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub body: String,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    pub emoji: String,
    pub by: Vec<UserId>,
}

/// A message, known by its place in its conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub conversation: String,
    /// Its place in the conversation (1, 2, ...): its id there, and what read marks and
    /// unread counts count.
    pub seq: u64,
    pub author: UserId,
    /// Markdown as written; empty once deleted.
    pub body: String,
    /// A reply's thread: the place of the message it answers (a thread's root).
    #[serde(default)]
    pub parent: Option<u64>,
    #[serde(default)]
    pub mentions: Vec<UserId>,
    #[serde(default)]
    pub attachments: Vec<FileRef>,
    #[serde(default)]
    pub reactions: Vec<Reaction>,
    /// Earlier versions, oldest first.
    #[serde(default)]
    pub history: Vec<Revision>,
    #[serde(default, with = "crate::clock::rfc3339_ms::option")]
    pub edited_at: Option<OffsetDateTime>,
    /// A tombstone: the body and attachments are gone, the place in the conversation stays.
    #[serde(default, with = "crate::clock::rfc3339_ms::option")]
    pub deleted_at: Option<OffsetDateTime>,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub at: OffsetDateTime,
    /// Sent by the portal on its author's behalf (the reply outside business hours).
    #[serde(default)]
    pub automatic: bool,
}

/// A message's Markdown, trimmed, 1 to [`MAX_BODY`] characters.
pub fn check_body(raw: &str) -> Result<String, Invalid> {
    let v = raw.trim();
    if v.is_empty() || v.chars().count() > MAX_BODY {
        return Err(Invalid::new("body", format!("write 1 to {MAX_BODY} characters")));
    }
    Ok(v.to_owned())
}

/// Checks the people a message mentions: members of the conversation, each once, at most
/// [`MAX_MENTIONS`]; the first one refused is named (`mentions[i]`).
pub fn check_mentions(mentions: &[UserId], conversation: &Conversation) -> Result<(), Invalid> {
    if mentions.len() > MAX_MENTIONS {
        return Err(Invalid::new("mentions", format!("mention at most {MAX_MENTIONS} people")));
    }
    for (i, m) in mentions.iter().enumerate() {
        if !conversation.is_member(m) {
            return Err(Invalid::new(format!("mentions[{i}]"), "is not in this conversation"));
        }
        if mentions[..i].contains(m) {
            return Err(Invalid::new(format!("mentions[{i}]"), "is mentioned twice"));
        }
    }
    Ok(())
}

/// A reaction: one emoji or a short name such as `:tada:`, no spaces.
pub fn check_emoji(raw: &str) -> Result<String, Invalid> {
    let v = raw.trim();
    if v.is_empty() || v.chars().count() > 32 || v.contains(char::is_whitespace) || v.contains(char::is_control) {
        return Err(Invalid::new("emoji", "use one emoji or a name such as :tada:"));
    }
    Ok(v.to_owned())
}

impl Message {
    /// A new message at place `seq` (no thread, mentions, attachments or reactions yet).
    pub fn new(conversation: &str, seq: u64, author: UserId, body: String, at: OffsetDateTime) -> Message {
        Message {
            conversation: conversation.to_owned(),
            seq,
            author,
            body,
            parent: None,
            mentions: vec![],
            attachments: vec![],
            reactions: vec![],
            history: vec![],
            edited_at: None,
            deleted_at: None,
            at,
            automatic: false,
        }
    }

    /// Replaces the body, keeping the earlier one in the history (the oldest dropped past
    /// [`MAX_HISTORY`]). Only its author edits, and not once deleted (checked by the caller).
    pub fn edit(&mut self, body: String, mentions: Vec<UserId>, at: OffsetDateTime) {
        let old = std::mem::replace(&mut self.body, body);
        self.history.push(Revision { body: old, at: self.edited_at.unwrap_or(self.at) });
        if self.history.len() > MAX_HISTORY {
            self.history.remove(0);
        }
        self.mentions = mentions;
        self.edited_at = Some(at);
    }

    /// Leaves a tombstone: body, history, attachments, mentions and reactions go.
    pub fn delete(&mut self, at: OffsetDateTime) {
        self.body.clear();
        self.history.clear();
        self.attachments.clear();
        self.mentions.clear();
        self.reactions.clear();
        self.deleted_at = Some(at);
    }

    /// Adds or takes back `who`'s `emoji`; whether it is now there.
    pub fn toggle_reaction(&mut self, emoji: &str, who: &UserId) -> bool {
        match self.reactions.iter_mut().position(|r| r.emoji == emoji) {
            Some(i) => {
                let r = &mut self.reactions[i];
                if let Some(j) = r.by.iter().position(|u| u == who) {
                    r.by.remove(j);
                    if r.by.is_empty() {
                        self.reactions.remove(i);
                    }
                    false
                } else {
                    r.by.push(who.clone());
                    true
                }
            }
            None => {
                self.reactions.push(Reaction { emoji: emoji.to_owned(), by: vec![who.clone()] });
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn id(n: u64) -> String {
        ulid::Ulid::from_parts(n, 0).to_string()
    }

    fn user(n: u64) -> UserId {
        UserId::try_from(id(n)).expect("user id")
    }

    fn person(n: u64, tenant: u64, role: Role, orgs: &[u64]) -> Person {
        Person {
            id: user(n),
            tenant: TenantId::try_from(id(tenant)).expect("tenant id"),
            role,
            orgs: orgs.iter().map(|o| OrgId::try_from(id(*o)).expect("org id")).collect(),
        }
    }

    const HOUSE: u64 = 1;
    const ACME: u64 = 2;
    const BETA: u64 = 3;
    const GLOBEX: u64 = 10;
    const INITECH: u64 = 11;

    #[test]
    fn who_may_talk_to_whom() {
        let staff = person(100, HOUSE, Role::Staff, &[]);
        let pat = person(101, ACME, Role::Partner, &[]);
        let sam = person(102, ACME, Role::PartnerStaff, &[]);
        let dana = person(103, ACME, Role::Client, &[GLOBEX]);
        let dan2 = person(104, ACME, Role::Client, &[GLOBEX, INITECH]);
        let olga = person(105, ACME, Role::Client, &[INITECH]);
        let boss = person(106, BETA, Role::Partner, &[]);
        let cases = [
            (&staff, &dana, true),
            (&staff, &boss, true),
            (&pat, &dana, true),
            (&sam, &olga, true),
            (&dana, &dan2, true),
            (&dana, &olga, false),
            (&pat, &boss, false),
            (&dana, &boss, false),
            (&dana, &dana, false),
        ];
        for (a, b, want) in cases {
            assert_eq!(may_talk(a, b), want, "{:?} / {:?}", a.role, b.role);
            assert_eq!(may_talk(b, a), want, "symmetric");
        }
        let group = [staff.clone(), dana.clone(), dan2.clone(), olga.clone()];
        let e = check_members(&group, &staff.id).expect_err("dana and olga share no organization");
        assert_eq!(e.field, "members[3]");
        assert!(check_members(&[staff, pat, dana.clone(), dan2], &dana.id).is_ok());
    }

    #[test]
    fn direct_keys_read_the_same_both_ways() {
        let (a, b) = (user(7), user(8));
        assert_eq!(direct_key(&a, &b), direct_key(&b, &a));
    }

    #[test]
    fn edits_keep_history_deletes_leave_a_tombstone_reactions_toggle() {
        let who = user(103);
        let mut m = Message::new("c1", 1, who.clone(), "first".into(), datetime!(2026-12-04 10:00 UTC));
        m.attachments.push(FileRef {
            id: "a1".into(),
            filename: "a.png".into(),
            content_type: "image/png".into(),
            size: 1,
        });
        m.edit("second".into(), vec![], datetime!(2026-12-04 10:05 UTC));
        m.edit("third".into(), vec![], datetime!(2026-12-04 10:09 UTC));
        assert_eq!(m.body, "third");
        let bodies: Vec<&str> = m.history.iter().map(|r| r.body.as_str()).collect();
        assert_eq!(bodies, ["first", "second"]);
        assert_eq!(m.history[1].at, datetime!(2026-12-04 10:05 UTC));
        assert!(m.toggle_reaction(":tada:", &who));
        assert!(!m.toggle_reaction(":tada:", &who));
        assert!(m.reactions.is_empty());
        m.toggle_reaction("👍", &who);
        m.delete(datetime!(2026-12-04 11:00 UTC));
        assert!(m.body.is_empty() && m.history.is_empty() && m.attachments.is_empty() && m.reactions.is_empty());
        assert_eq!(m.seq, 1, "its place stays");
    }

    #[test]
    fn input_is_checked_by_field() {
        assert_eq!(check_body("  ").expect_err("empty").field, "body");
        assert_eq!(check_body(&"x".repeat(MAX_BODY + 1)).expect_err("long").field, "body");
        assert_eq!(check_name("a\nb").expect_err("lines").field, "name");
        assert_eq!(check_emoji("two words").expect_err("space").field, "emoji");
        assert_eq!(check_emoji(" 👍 ").expect("emoji"), "👍");
    }
}
