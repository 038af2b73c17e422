//! Files on tickets: what may be uploaded, and the storage they count against.

use serde::{Deserialize, Serialize};

use crate::identity::{Invalid, OrgId, TicketId, UserId};

/// A file on a ticket. It exists from the moment its upload URL is issued (`ready` false) and
/// counts against the organization's storage once the upload is confirmed (`ready` true).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    pub ticket: TicketId,
    pub org: OrgId,
    pub uploader: UserId,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub blob_key: String,
    pub ready: bool,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub created_at: time::OffsetDateTime,
}

/// The largest file a ticket takes.
pub const MAX_ATTACHMENT_BYTES: u64 = 25 * 1024 * 1024;
/// Each client organization's storage unless an admin sets another (PRD 4.2: 5 GB).
pub const DEFAULT_STORAGE_QUOTA_BYTES: u64 = 5 * 1024 * 1024 * 1024;
/// What a ticket takes: images, documents, archives, plain text (never HTML or scripts, which a
/// browser would run from a download URL).
pub const ATTACHMENT_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/zip",
    "application/json",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "video/mp4",
];
pub const MAX_FILENAME_CHARS: usize = 200;

/// Checks a file's name, type and size; returns the name cleaned of paths and control
/// characters. Every failing field is named.
pub fn check_attachment(filename: &str, content_type: &str, size: u64) -> Result<String, Vec<Invalid>> {
    let mut errors = Vec::new();
    let base = filename.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = base.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_owned();
    if name.is_empty() || name == "." || name == ".." {
        errors.push(Invalid::new("filename", "is required"));
    } else if name.chars().count() > MAX_FILENAME_CHARS {
        errors.push(Invalid::new("filename", format!("use at most {MAX_FILENAME_CHARS} characters")));
    }
    if !ATTACHMENT_TYPES.contains(&content_type) {
        errors.push(Invalid::new(
            "content_type",
            "this type of file is not accepted: use images, PDF, text, office documents, zip or mp4",
        ));
    }
    if size == 0 || size > MAX_ATTACHMENT_BYTES {
        errors.push(Invalid::new("size", format!("a file is 1 byte to {} MiB", MAX_ATTACHMENT_BYTES / 1024 / 1024)));
    }
    if errors.is_empty() { Ok(name) } else { Err(errors) }
}

/// Whether `size` more bytes fit in an organization's storage.
pub fn quota_allows(used: u64, limit: u64, size: u64) -> bool {
    used.checked_add(size).is_some_and(|total| total <= limit)
}
