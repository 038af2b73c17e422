//! Blobs: files by key (attachments, logos, PDFs). Clients upload and download directly
//! through short-lived presigned URLs, so bytes never pass through a function.

#[cfg(feature = "local")]
mod local;
mod s3;

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use time::OffsetDateTime;

#[cfg(feature = "local")]
pub use local::{LocalBlobs, SignedParams};
pub use s3::S3Blobs;

#[derive(Debug, Clone, PartialEq)]
pub struct Blob {
    pub bytes: Bytes,
    pub content_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobMeta {
    pub key: String,
    pub size: u64,
    pub content_type: Option<String>,
}

/// What a client may upload through a presigned URL.
#[derive(Debug, Clone)]
pub struct UploadSpec {
    pub key: String,
    pub content_type: String,
    /// The exact size the client declared; the URL accepts only a body of this length.
    pub size: u64,
    /// The most this upload may be; a declared size above it is refused before any URL exists.
    pub max_size: u64,
    pub expires_in: Duration,
}

/// A presigned upload: send `method` to `url` with exactly these headers and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedUpload {
    pub url: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("no such blob")]
    NotFound,
    #[error("{size} bytes is more than the {max} allowed")]
    TooLarge { size: u64, max: u64 },
    #[error("blob key {0:?} is not valid")]
    BadKey(String),
    #[error("the link has expired")]
    Expired,
    #[error("the link's signature does not match")]
    BadSignature,
    #[error("the upload does not match what was signed: {0}")]
    Mismatch(String),
    #[error("blob storage unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait Blobs: Send + Sync + 'static {
    async fn put(&self, key: &str, bytes: Bytes, content_type: &str) -> Result<(), BlobError>;
    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError>;
    async fn head(&self, key: &str) -> Result<Option<BlobMeta>, BlobError>;
    async fn delete(&self, key: &str) -> Result<(), BlobError>;
    /// Every blob whose key starts with `prefix`, in key order.
    async fn list(&self, prefix: &str) -> Result<Vec<BlobMeta>, BlobError>;
    async fn presign_upload(&self, spec: &UploadSpec) -> Result<PresignedUpload, BlobError>;
    /// A URL that downloads the blob until `expires_in` passes; `filename` sets the
    /// attachment name the browser saves it under.
    async fn presign_download(
        &self,
        key: &str,
        expires_in: Duration,
        filename: Option<&str>,
    ) -> Result<String, BlobError>;
}

/// Keys are path-like (`T#acme/tickets/01H.../logo.png` is not: `#` is refused) and safe as
/// file paths: segments of letters, digits, `.`, `_`, `-`, `=`, never `.` or `..`.
pub fn check_key(key: &str) -> Result<(), BlobError> {
    let ok = !key.is_empty()
        && key.len() <= 1024
        && key.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-=".contains(&b))
        });
    if ok { Ok(()) } else { Err(BlobError::BadKey(key.to_owned())) }
}

pub(crate) fn check_spec(spec: &UploadSpec) -> Result<(), BlobError> {
    check_key(&spec.key)?;
    if spec.size > spec.max_size {
        return Err(BlobError::TooLarge { size: spec.size, max: spec.max_size });
    }
    Ok(())
}

/// `Content-Disposition` value for a download under `filename`, safe for any name.
pub(crate) fn attachment_disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String = url::form_urlencoded::byte_serialize(filename.as_bytes()).collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", encoded.replace('+', "%20"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_must_be_safe_paths() {
        assert!(check_key("tenants/acme/tickets/01HX/report.pdf").is_ok());
        for bad in ["", "/abs", "a//b", "a/../b", "a/./b", "a b", "a#b", "a\\b"] {
            assert!(check_key(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dispositions_escape_names() {
        assert_eq!(
            attachment_disposition("résumé \"v2\".pdf"),
            "attachment; filename=\"r_sum_ _v2_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.pdf"
        );
    }
}
