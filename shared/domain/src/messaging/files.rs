//! Files sent with messages: uploaded straight to blob storage like a ticket's (the same
//! accepted types and sizes), counted against a storage quota, and attached to one message.
//!
//! **Whose storage a file counts against** ([`holder`]): a channel's files count against its
//! client organization; in direct and group conversations a client's files count against the
//! client's (first) organization, and everyone else's against their tenant's shared storage,
//! since those conversations belong to no one organization.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{Conversation, Person};
use crate::identity::{Invalid, OrgId, Role, UserId};

/// Most files one message carries.
pub const MAX_ATTACHMENTS: usize = 10;

/// The storage a file counts against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "org")]
pub enum Holder {
    /// A client organization's storage (the one ticket attachments use).
    Org(OrgId),
    /// The tenant's shared storage.
    Tenant,
}

/// Whose storage `uploader`'s file in conversation `c` counts against.
pub fn holder(c: &Conversation, uploader: &Person) -> Holder {
    if let Some(org) = &c.org {
        return Holder::Org(org.clone());
    }
    match (uploader.role, uploader.orgs.first()) {
        (Role::Client, Some(org)) => Holder::Org(org.clone()),
        _ => Holder::Tenant,
    }
}

/// What a message shows of one of its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
}

/// A file in a conversation. It exists from the moment its upload URL is issued (`ready`
/// false), counts against its holder's storage once confirmed, belongs to the message that
/// carries it (`message`), and goes with that message's deletion (`removed`: its bytes are
/// about to be deleted and it no longer counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    pub id: String,
    pub conversation: String,
    pub uploader: UserId,
    pub holder: Holder,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub blob_key: String,
    pub ready: bool,
    #[serde(default)]
    pub message: Option<u64>,
    #[serde(default)]
    pub removed: bool,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub created_at: OffsetDateTime,
}

impl File {
    pub fn as_ref(&self) -> FileRef {
        FileRef {
            id: self.id.clone(),
            filename: self.filename.clone(),
            content_type: self.content_type.clone(),
            size: self.size,
        }
    }
}

/// Checks the files a new message carries (`found[i]` is the file `ids[i]` names, if it is in
/// this conversation): at most [`MAX_ATTACHMENTS`], each once, uploaded by the author,
/// confirmed, and on no other message. The first one refused is named (`attachments[i]`).
pub fn check_attachments(ids: &[String], found: &[Option<File>], author: &UserId) -> Result<(), Invalid> {
    if ids.len() > MAX_ATTACHMENTS {
        return Err(Invalid::new("attachments", format!("send at most {MAX_ATTACHMENTS} files with one message")));
    }
    for (i, (id, file)) in ids.iter().zip(found).enumerate() {
        let field = format!("attachments[{i}]");
        if ids[..i].contains(id) {
            return Err(Invalid::new(field, "is listed twice"));
        }
        let Some(f) = file.as_ref().filter(|f| &f.uploader == author && !f.removed) else {
            return Err(Invalid::new(field, "is not a file you uploaded to this conversation"));
        };
        if !f.ready {
            return Err(Invalid::new(field, "is not uploaded yet: confirm the upload first"));
        }
        if f.message.is_some() {
            return Err(Invalid::new(field, "is already on another message"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::TenantId;
    use crate::messaging::Kind;
    use time::macros::datetime;

    fn id(n: u64) -> String {
        ulid::Ulid::from_parts(n, 0).to_string()
    }

    fn conversation(kind: Kind, org: Option<u64>) -> Conversation {
        Conversation {
            id: id(50),
            tenant: TenantId::try_from(id(2)).expect("tenant"),
            kind,
            name: None,
            org: org.map(|o| OrgId::try_from(id(o)).expect("org")),
            members: vec![],
            created_by: UserId::try_from(id(100)).expect("user"),
            created_at: datetime!(2026-12-05 10:00 UTC),
        }
    }

    fn person(role: Role, orgs: &[u64]) -> Person {
        Person {
            id: UserId::try_from(id(101)).expect("user"),
            tenant: TenantId::try_from(id(2)).expect("tenant"),
            role,
            orgs: orgs.iter().map(|o| OrgId::try_from(id(*o)).expect("org")).collect(),
        }
    }

    #[test]
    fn a_channel_s_organization_else_the_client_s_else_the_tenant_holds_a_file() {
        let org = |n| Holder::Org(OrgId::try_from(id(n)).expect("org"));
        assert_eq!(holder(&conversation(Kind::Channel, Some(10)), &person(Role::Staff, &[])), org(10));
        assert_eq!(holder(&conversation(Kind::Channel, Some(10)), &person(Role::Client, &[11])), org(10));
        assert_eq!(holder(&conversation(Kind::Direct, None), &person(Role::Client, &[11, 12])), org(11));
        assert_eq!(holder(&conversation(Kind::Group, None), &person(Role::Partner, &[])), Holder::Tenant);
        assert_eq!(holder(&conversation(Kind::Direct, None), &person(Role::Client, &[])), Holder::Tenant);
    }

    fn file(uploader: u64, ready: bool, message: Option<u64>) -> File {
        File {
            id: id(70),
            conversation: id(50),
            uploader: UserId::try_from(id(uploader)).expect("user"),
            holder: Holder::Tenant,
            filename: "brief.pdf".into(),
            content_type: "application/pdf".into(),
            size: 10,
            blob_key: "k".into(),
            ready,
            message,
            removed: false,
            created_at: datetime!(2026-12-05 10:00 UTC),
        }
    }

    #[test]
    fn a_message_carries_only_its_author_s_confirmed_unused_files() {
        let me = UserId::try_from(id(101)).expect("user");
        let ids = vec![id(70), id(71)];
        let field = |found: Vec<Option<File>>| check_attachments(&ids, &found, &me).err().map(|e| e.field);
        assert_eq!(field(vec![Some(file(101, true, None)), Some(file(101, true, None))]), None);
        assert_eq!(field(vec![Some(file(101, true, None)), None]).as_deref(), Some("attachments[1]"));
        assert_eq!(field(vec![Some(file(102, true, None)), None]).as_deref(), Some("attachments[0]"));
        assert_eq!(field(vec![Some(file(101, false, None)), None]).as_deref(), Some("attachments[0]"));
        assert_eq!(field(vec![Some(file(101, true, Some(3))), None]).as_deref(), Some("attachments[0]"));
        let twice = vec![id(70), id(70)];
        let found = vec![Some(file(101, true, None)), Some(file(101, true, None))];
        assert_eq!(check_attachments(&twice, &found, &me).expect_err("twice").field, "attachments[1]");
        let many: Vec<String> = (0..=MAX_ATTACHMENTS as u64).map(id).collect();
        assert_eq!(check_attachments(&many, &[], &me).expect_err("many").field, "attachments");
    }
}
