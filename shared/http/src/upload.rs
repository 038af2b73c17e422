//! How an API answers a presigned upload: the URL, method and exact headers to send the bytes
//! with, and when the URL stops working.

use kt_platform::PresignedUpload;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AttachmentUploadView)]
pub struct UploadView {
    /// Send the file here...
    pub url: String,
    /// ...with this method...
    pub method: String,
    /// ...and exactly these headers.
    pub headers: Vec<HeaderView>,
    pub expires_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HeaderView {
    pub name: String,
    pub value: String,
}

impl From<PresignedUpload> for UploadView {
    fn from(up: PresignedUpload) -> Self {
        UploadView {
            url: up.url,
            method: up.method,
            headers: up.headers.into_iter().map(|(name, value)| HeaderView { name, value }).collect(),
            expires_at: kt_domain::timestamp(up.expires_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DownloadView {
    /// Valid for five minutes; the browser saves the file under its name.
    pub url: String,
    pub filename: String,
}
