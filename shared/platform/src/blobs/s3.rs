//! S3 blobs. Presigned PUTs sign the content type and length, so S3 refuses a body of any
//! other size; the use case still checks the stored size (`head`) before accepting a file.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use bytes::Bytes;
use time::OffsetDateTime;

use super::*;

#[derive(Clone)]
pub struct S3Blobs {
    client: Client,
    bucket: String,
}

impl S3Blobs {
    /// Path-style addressing works with S3 and with emulators alike.
    pub fn new(config: &aws_config::SdkConfig, bucket: impl Into<String>) -> Self {
        let conf = aws_sdk_s3::config::Builder::from(config).force_path_style(true).build();
        Self { client: Client::from_conf(conf), bucket: bucket.into() }
    }

    /// Creates the bucket when missing (emulators and local runs; `template.yaml` in AWS).
    pub async fn ensure_bucket(&self) -> Result<(), BlobError> {
        match self.client.create_bucket().bucket(&self.bucket).send().await {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.code(), Some("BucketAlreadyOwnedByYou" | "BucketAlreadyExists")) => Ok(()),
            Err(e) => Err(sdk(e)),
        }
    }

    fn presigning(expires_in: Duration) -> Result<PresigningConfig, BlobError> {
        PresigningConfig::expires_in(expires_in).map_err(|e| BlobError::Unavailable(e.to_string()))
    }
}

fn sdk<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static>(e: SdkError<E>) -> BlobError {
    BlobError::Unavailable(format!("s3: {}", aws_sdk_s3::error::DisplayErrorContext(&e)))
}

fn missing<E: ProvideErrorMetadata>(e: &SdkError<E>) -> bool {
    matches!(e.code(), Some("NoSuchKey" | "NotFound")) || e.raw_response().is_some_and(|r| r.status().as_u16() == 404)
}

#[async_trait]
impl Blobs for S3Blobs {
    async fn put(&self, key: &str, bytes: Bytes, content_type: &str) -> Result<(), BlobError> {
        check_key(key)?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError> {
        check_key(key)?;
        let out = match self.client.get_object().bucket(&self.bucket).key(key).send().await {
            Ok(out) => out,
            Err(e) if missing(&e) => return Ok(None),
            Err(e) => return Err(sdk(e)),
        };
        let content_type = out.content_type.clone().unwrap_or_else(|| "application/octet-stream".into());
        let bytes = out.body.collect().await.map_err(|e| BlobError::Unavailable(e.to_string()))?.into_bytes();
        Ok(Some(Blob { bytes, content_type }))
    }

    async fn head(&self, key: &str) -> Result<Option<BlobMeta>, BlobError> {
        check_key(key)?;
        match self.client.head_object().bucket(&self.bucket).key(key).send().await {
            Ok(out) => Ok(Some(BlobMeta {
                key: key.to_owned(),
                size: out.content_length.unwrap_or_default().max(0) as u64,
                content_type: out.content_type,
            })),
            Err(e) if missing(&e) => Ok(None),
            Err(e) => Err(sdk(e)),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        check_key(key)?;
        self.client.delete_object().bucket(&self.bucket).key(key).send().await.map_err(sdk)?;
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<BlobMeta>, BlobError> {
        let mut pages = self.client.list_objects_v2().bucket(&self.bucket).prefix(prefix).into_paginator().send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            for obj in page.map_err(sdk)?.contents.unwrap_or_default() {
                if let Some(key) = obj.key {
                    out.push(BlobMeta { key, size: obj.size.unwrap_or_default().max(0) as u64, content_type: None });
                }
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    async fn presign_upload(&self, spec: &UploadSpec) -> Result<PresignedUpload, BlobError> {
        check_spec(spec)?;
        let req = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(&spec.key)
            .content_type(&spec.content_type)
            .content_length(spec.size as i64)
            .presigned(Self::presigning(spec.expires_in)?)
            .await
            .map_err(sdk)?;
        Ok(PresignedUpload {
            url: req.uri().to_owned(),
            method: req.method().to_owned(),
            headers: req.headers().map(|(k, v)| (k.to_owned(), v.to_owned())).collect(),
            expires_at: OffsetDateTime::now_utc() + spec.expires_in,
        })
    }

    async fn presign_download(
        &self,
        key: &str,
        expires_in: Duration,
        filename: Option<&str>,
    ) -> Result<String, BlobError> {
        check_key(key)?;
        let req = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .set_response_content_disposition(filename.map(attachment_disposition))
            .presigned(Self::presigning(expires_in)?)
            .await
            .map_err(sdk)?;
        Ok(req.uri().to_owned())
    }
}
