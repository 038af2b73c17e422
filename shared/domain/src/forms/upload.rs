//! Files answering a form (file, image and signature fields): uploaded by the person filling it
//! before they submit, each used by at most one submission, and read by whoever may read that
//! submission.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{Document, FieldType, UploadInfo};
use crate::identity::{Invalid, Role, TenantId, UserId};
use crate::messaging::Holder;
use crate::policy::Actor;

/// Most files one submission carries (its transaction updates each).
pub const MAX_FILES_PER_SUBMISSION: usize = 20;
/// An upload not used by a submission this long after it started is removed (drafts may hold
/// files for as long).
pub const UNUSED_AFTER_SECS: i64 = 30 * 24 * 60 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    pub id: String,
    pub form: String,
    /// The field it was uploaded for.
    pub field: String,
    pub tenant: TenantId,
    pub uploader: UserId,
    /// Whose storage it counts against.
    pub holder: Holder,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub blob_key: String,
    /// Stored and checked against what was declared.
    pub ready: bool,
    /// The submission that carries it.
    #[serde(default)]
    pub submission: Option<String>,
    #[serde(default)]
    pub removed: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl Upload {
    /// Whether a submission of `form` by its uploader may carry it now.
    pub fn usable(&self, form: &str) -> bool {
        self.ready && !self.removed && self.submission.is_none() && self.form == form
    }
}

/// Whose storage a form upload of `actor` counts against: a client's organization, else the
/// tenant's.
pub fn holder_of(actor: &Actor) -> Holder {
    match (actor.role, actor.orgs.first()) {
        (Role::Client, Some(org)) => Holder::Org(org.clone()),
        _ => Holder::Tenant,
    }
}

/// Checks that `field` of `doc` takes a file of this type and size (the field's own rules:
/// images only, accepted types, largest size); the fault is named `field` or `file`.
pub fn check_upload_field(doc: &Document, field: &str, info: &UploadInfo) -> Result<(), Invalid> {
    let Some(f) = doc.field(field) else { return Err(Invalid::new("field", "is not a field of this form")) };
    f.takes_file(info).map_err(|m| {
        let at = if m == "does not take files" { "field" } else { "content_type" };
        Invalid::new(at, m)
    })
}

/// The upload ids named by the file, image and signature answers of `answers` (each once).
pub fn named_uploads(doc: &Document, answers: &Map<String, Value>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (key, v) in answers {
        let Some(f) = doc.field(key) else { continue };
        if !matches!(f.kind, FieldType::File | FieldType::Image | FieldType::Signature) {
            continue;
        }
        let ids: Vec<&str> = match v {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for id in ids {
            if !out.iter().any(|x| x == id) {
                out.push(id.to_owned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Document {
        serde_json::from_value(json!({"pages": [{"key": "p", "fields": [
            {"key": "brief", "type": "file"},
            {"key": "logo", "type": "image"},
            {"key": "sign", "type": "signature"},
            {"key": "name", "type": "text"}
        ]}]}))
        .expect("doc")
    }

    #[test]
    fn names_each_upload_of_file_answers_once() {
        let answers = json!({"brief": ["a", "b", "a"], "logo": ["c"], "sign": "d", "name": "e"});
        assert_eq!(named_uploads(&doc(), answers.as_object().expect("map")), ["a", "b", "c", "d"]);
    }

    #[test]
    fn only_file_fields_take_uploads_and_image_fields_only_images() {
        let d = doc();
        let file = |ct: &str| UploadInfo { content_type: ct.into(), size: 10 };
        let at = |r: Result<(), Invalid>| r.map_err(|e| e.field.into_owned());
        assert!(check_upload_field(&d, "brief", &file("application/pdf")).is_ok());
        assert!(check_upload_field(&d, "logo", &file("image/png")).is_ok());
        assert_eq!(at(check_upload_field(&d, "sign", &file("application/pdf"))), Err("content_type".into()));
        assert_eq!(at(check_upload_field(&d, "name", &file("image/png"))), Err("field".into()));
        assert_eq!(at(check_upload_field(&d, "nope", &file("image/png"))), Err("field".into()));
    }
}
