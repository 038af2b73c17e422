//! Local blobs: files under a directory, and presigned URLs signed with an HMAC that the host
//! checks when the browser uses them (`/blobs/<key>?op=...&exp=...&sig=...`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use kt_domain::Clock;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::*;

#[derive(Clone)]
pub struct LocalBlobs {
    root: PathBuf,
    base_url: String,
    signing_key: Arc<Vec<u8>>,
    clock: Arc<dyn Clock>,
}

/// The query string of a presigned local URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedParams {
    pub op: String,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub len: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ct: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub sig: String,
}

#[derive(Serialize, Deserialize)]
struct Meta {
    content_type: String,
}

impl LocalBlobs {
    /// `base_url` is where the host serves `/blobs/...` (e.g. `http://localhost:3000`).
    pub fn new(
        root: impl Into<PathBuf>,
        base_url: impl Into<String>,
        signing_key: Vec<u8>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { root: root.into(), base_url: base_url.into(), signing_key: Arc::new(signing_key), clock }
    }

    fn object_path(&self, key: &str) -> PathBuf {
        self.root.join("objects").join(key)
    }

    fn meta_path(&self, key: &str) -> PathBuf {
        self.root.join("meta").join(format!("{key}.json"))
    }

    fn sign(&self, key: &str, p: &SignedParams) -> String {
        let msg = format!(
            "{}\n{key}\n{}\n{}\n{}\n{}",
            p.op,
            p.exp,
            p.len.map(|l| l.to_string()).unwrap_or_default(),
            p.ct.as_deref().unwrap_or_default(),
            p.name.as_deref().unwrap_or_default()
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.signing_key).expect("HMAC takes any key length");
        mac.update(msg.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn url(&self, key: &str, mut params: SignedParams) -> String {
        params.sig = self.sign(key, &params);
        let query = serde_urlencoded(&params);
        format!("{}/blobs/{key}?{query}", self.base_url.trim_end_matches('/'))
    }

    /// Checks a presigned URL's parameters for `op` on `key`.
    pub fn verify(&self, key: &str, op: &str, params: &SignedParams) -> Result<(), BlobError> {
        check_key(key)?;
        let expected = self.sign(key, params);
        if params.op != op || !bool::from(expected.as_bytes().ct_eq(params.sig.as_bytes())) {
            return Err(BlobError::BadSignature);
        }
        if self.clock.now_unix() >= params.exp {
            return Err(BlobError::Expired);
        }
        Ok(())
    }

    /// Stores the body of a presigned upload after checking its signature, length and type.
    pub async fn accept_upload(
        &self,
        key: &str,
        params: &SignedParams,
        content_type: Option<&str>,
        body: Bytes,
    ) -> Result<(), BlobError> {
        self.verify(key, "put", params)?;
        if params.len != Some(body.len() as u64) {
            return Err(BlobError::Mismatch(format!(
                "body is {} bytes, the link is for {}",
                body.len(),
                params.len.unwrap_or_default()
            )));
        }
        let signed_ct = params.ct.as_deref().unwrap_or_default();
        if content_type != Some(signed_ct) {
            return Err(BlobError::Mismatch(format!("Content-Type must be {signed_ct}")));
        }
        self.put(key, body, signed_ct).await
    }

    /// Returns the blob behind a presigned download URL, with the name to save it under.
    pub async fn serve_download(&self, key: &str, params: &SignedParams) -> Result<(Blob, Option<String>), BlobError> {
        self.verify(key, "get", params)?;
        let blob = self.get(key).await?.ok_or(BlobError::NotFound)?;
        Ok((blob, params.name.as_deref().map(attachment_disposition)))
    }
}

fn serde_urlencoded(p: &SignedParams) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    s.append_pair("op", &p.op).append_pair("exp", &p.exp.to_string());
    if let Some(len) = p.len {
        s.append_pair("len", &len.to_string());
    }
    if let Some(ct) = &p.ct {
        s.append_pair("ct", ct);
    }
    if let Some(name) = &p.name {
        s.append_pair("name", name);
    }
    s.append_pair("sig", &p.sig);
    s.finish()
}

fn io(e: std::io::Error) -> BlobError {
    BlobError::Unavailable(format!("files: {e}"))
}

async fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BlobError> {
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(io)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", ulid::Ulid::new()));
    tokio::fs::write(&tmp, bytes).await.map_err(io)?;
    tokio::fs::rename(&tmp, path).await.map_err(io)
}

#[async_trait]
impl Blobs for LocalBlobs {
    async fn put(&self, key: &str, bytes: Bytes, content_type: &str) -> Result<(), BlobError> {
        check_key(key)?;
        let meta = serde_json::to_vec(&Meta { content_type: content_type.to_owned() })
            .map_err(|e| BlobError::Unavailable(e.to_string()))?;
        write_atomically(&self.meta_path(key), &meta).await?;
        write_atomically(&self.object_path(key), &bytes).await
    }

    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError> {
        check_key(key)?;
        let bytes = match tokio::fs::read(self.object_path(key)).await {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        let content_type =
            self.head(key).await?.and_then(|m| m.content_type).unwrap_or_else(|| "application/octet-stream".into());
        Ok(Some(Blob { bytes: Bytes::from(bytes), content_type }))
    }

    async fn head(&self, key: &str) -> Result<Option<BlobMeta>, BlobError> {
        check_key(key)?;
        let size = match tokio::fs::metadata(self.object_path(key)).await {
            Ok(m) if m.is_file() => m.len(),
            Ok(_) => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        let content_type = tokio::fs::read(self.meta_path(key))
            .await
            .ok()
            .and_then(|raw| serde_json::from_slice::<Meta>(&raw).ok())
            .map(|m| m.content_type);
        Ok(Some(BlobMeta { key: key.to_owned(), size, content_type }))
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        check_key(key)?;
        for path in [self.object_path(key), self.meta_path(key)] {
            match tokio::fs::remove_file(path).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(e)),
            }
        }
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<BlobMeta>, BlobError> {
        let root = self.root.join("objects");
        let keys = tokio::task::spawn_blocking(move || {
            let mut keys = Vec::new();
            let mut stack = vec![root.clone()];
            while let Some(dir) = stack.pop() {
                let entries = match std::fs::read_dir(&dir) {
                    Ok(e) => e,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(io(e)),
                };
                for entry in entries {
                    let path = entry.map_err(io)?.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if let Ok(rel) = path.strip_prefix(&root)
                        && let Some(key) = rel.to_str()
                        && check_key(key).is_ok()
                    {
                        keys.push(key.to_owned());
                    }
                }
            }
            Ok(keys)
        })
        .await
        .map_err(|e| BlobError::Unavailable(e.to_string()))??;
        let mut out = Vec::new();
        for key in keys.into_iter().filter(|k| k.starts_with(prefix)) {
            if let Some(meta) = self.head(&key).await? {
                out.push(meta);
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    async fn presign_upload(&self, spec: &UploadSpec) -> Result<PresignedUpload, BlobError> {
        check_spec(spec)?;
        let expires_at = self.clock.now() + spec.expires_in;
        let params = SignedParams {
            op: "put".into(),
            exp: expires_at.unix_timestamp(),
            len: Some(spec.size),
            ct: Some(spec.content_type.clone()),
            name: None,
            sig: String::new(),
        };
        Ok(PresignedUpload {
            url: self.url(&spec.key, params),
            method: "PUT".into(),
            headers: vec![("content-type".into(), spec.content_type.clone())],
            expires_at,
        })
    }

    async fn presign_download(
        &self,
        key: &str,
        expires_in: Duration,
        filename: Option<&str>,
    ) -> Result<String, BlobError> {
        check_key(key)?;
        let params = SignedParams {
            op: "get".into(),
            exp: (self.clock.now() + expires_in).unix_timestamp(),
            len: None,
            ct: None,
            name: filename.map(str::to_owned),
            sig: String::new(),
        };
        Ok(self.url(key, params))
    }
}
