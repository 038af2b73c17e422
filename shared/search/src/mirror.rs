//! Carrying the index between functions on AWS, through S3 (the Blobs port): the one writer
//! (the search indexer, one concurrent execution, consuming the search queue) keeps the index
//! in its temporary storage and, after each commit, uploads the files it has not uploaded yet
//! (a segment's files never change once written), then `meta.json` (which names the segments
//! readers use), then removes what no longer belongs. Readers (the search API) keep a copy in
//! their temporary storage and at most once a second compare the stored `meta.json` with
//! theirs; when it changed they download the files they lack, then `meta.json`, and reload.
//! A reader mid-download when the writer removes merged files fails that refresh, keeps
//! answering from its copy, and catches up on the next.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use kt_platform::Blobs;
use kt_platform::search::{Change, SearchError, SearchIndex, SearchPage, SearchRequest};
use tokio::sync::{Mutex, OnceCell};

use crate::{TantivyIndex, engine};

const META: &str = "meta.json";
/// How stale a reader's copy may be before it looks again.
pub const REFRESH: Duration = Duration::from_secs(1);

enum PushError {
    Vanished(String),
    Failed(SearchError),
}

/// The segment ids a `meta.json` names, as its files begin (32 hex digits, no dashes).
fn segments_of(meta: &[u8]) -> Result<Vec<String>, PushError> {
    let doc: serde_json::Value =
        serde_json::from_slice(meta).map_err(|e| PushError::Failed(engine(format!("{META}: {e}"))))?;
    Ok(doc["segments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["segment_id"].as_str().map(|id| id.replace('-', "")))
        .collect())
}

/// Files of the index directory worth carrying: not tantivy's lock and bookkeeping files.
fn carried(name: &str) -> bool {
    !name.starts_with('.') && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

fn local_files(dir: &Path) -> Result<Vec<String>, SearchError> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(engine)? {
        let entry = entry.map_err(engine)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_file() && carried(&name) {
            out.push(name);
        }
    }
    Ok(out)
}

/// The index directory `dir` and its stored copy under `prefix`.
pub struct Mirror {
    blobs: Arc<dyn Blobs>,
    prefix: String,
    dir: PathBuf,
}

impl Mirror {
    pub fn new(blobs: Arc<dyn Blobs>, prefix: impl Into<String>, dir: impl Into<PathBuf>) -> Self {
        Self { blobs, prefix: prefix.into(), dir: dir.into() }
    }

    fn key(&self, name: &str) -> String {
        format!("{}/{name}", self.prefix)
    }

    async fn stored(&self) -> Result<HashSet<String>, SearchError> {
        let listed = self.blobs.list(&format!("{}/", self.prefix)).await.map_err(engine)?;
        Ok(listed.into_iter().filter_map(|b| b.key.rsplit('/').next().map(str::to_owned)).collect())
    }

    /// The writer's step after a commit: the files `meta.json` names go up (those not up
    /// already), `meta.json` last, then what the index no longer names is removed. A merge
    /// finishing meanwhile can remove a file before it is read: the push then starts again
    /// from the newer `meta.json`. Answers how many files went up.
    pub async fn push(&self, uploaded: &mut HashSet<String>) -> Result<usize, SearchError> {
        let mut sent = 0;
        for attempt in 0..5 {
            match self.push_once(uploaded, &mut sent).await {
                Ok(()) => return Ok(sent),
                Err(PushError::Vanished(name)) => {
                    tracing::debug!(file = %name, attempt, "index file merged away during the push; again");
                }
                Err(PushError::Failed(e)) => return Err(e),
            }
        }
        Err(SearchError::Engine("the index kept changing during the push".into()))
    }

    async fn push_once(&self, uploaded: &mut HashSet<String>, sent: &mut usize) -> Result<(), PushError> {
        let meta = tokio::fs::read(self.dir.join(META))
            .await
            .map_err(|e| PushError::Failed(engine(format!("{META}: {e}"))))?;
        let segments = segments_of(&meta)?;
        let files = local_files(&self.dir).map_err(PushError::Failed)?;
        let named: Vec<&String> =
            files.iter().filter(|n| n.as_str() != META && segments.iter().any(|s| n.starts_with(s.as_str()))).collect();
        let new: Vec<&String> = named.iter().copied().filter(|n| !uploaded.contains(n.as_str())).collect();
        for name in new {
            let bytes = match tokio::fs::read(self.dir.join(name)).await {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(PushError::Vanished(name.clone())),
                Err(e) => return Err(PushError::Failed(engine(format!("{name}: {e}")))),
            };
            let key = self.key(name);
            self.blobs
                .put(&key, Bytes::from(bytes), "application/octet-stream")
                .await
                .map_err(|e| PushError::Failed(engine(e)))?;
            uploaded.insert(name.clone());
            *sent += 1;
        }
        self.blobs
            .put(&self.key(META), Bytes::from(meta), "application/json")
            .await
            .map_err(|e| PushError::Failed(engine(e)))?;
        let keep: HashSet<&str> = named.iter().map(|n| n.as_str()).collect();
        let gone: Vec<String> = uploaded.iter().filter(|n| !keep.contains(n.as_str())).cloned().collect();
        for name in gone {
            self.blobs.delete(&self.key(&name)).await.map_err(|e| PushError::Failed(engine(e)))?;
            uploaded.remove(&name);
        }
        Ok(())
    }

    /// The writer's start: the stored copy is the truth. When there is one it comes into the
    /// directory; when there is none the directory starts empty (whatever an earlier execution
    /// left there is not the index). Answers the names already stored.
    pub async fn restore(&self) -> Result<HashSet<String>, SearchError> {
        if self.blobs.get(&self.key(META)).await.map_err(engine)?.is_none() {
            for name in local_files(&self.dir)? {
                tokio::fs::remove_file(self.dir.join(&name)).await.map_err(|e| engine(format!("{name}: {e}")))?;
            }
            return Ok(HashSet::new());
        }
        self.pull().await?;
        let mut stored = self.stored().await?;
        stored.remove(META);
        Ok(stored)
    }

    /// A reader's refresh: when the stored `meta.json` differs from the directory's, the files
    /// it lacks come down, then `meta.json`; files no longer stored are removed. Answers whether
    /// the directory changed.
    pub async fn pull(&self) -> Result<bool, SearchError> {
        let Some(meta) = self.blobs.get(&self.key(META)).await.map_err(engine)? else {
            return Ok(false);
        };
        let local = tokio::fs::read(self.dir.join(META)).await.ok();
        if local.as_deref() == Some(meta.bytes.as_ref()) {
            return Ok(false);
        }
        tokio::fs::create_dir_all(&self.dir).await.map_err(engine)?;
        let stored = self.stored().await?;
        let have: HashSet<String> = local_files(&self.dir)?.into_iter().collect();
        for name in stored.iter().filter(|n| n.as_str() != META && !have.contains(*n)) {
            let blob = self.blobs.get(&self.key(name)).await.map_err(engine)?.ok_or_else(|| {
                SearchError::Engine(format!("{name} was removed while the index was read: next refresh"))
            })?;
            let partial = self.dir.join(format!(".{name}.part"));
            tokio::fs::write(&partial, &blob.bytes).await.map_err(engine)?;
            tokio::fs::rename(&partial, self.dir.join(name)).await.map_err(engine)?;
        }
        let partial = self.dir.join(".meta.json.part");
        tokio::fs::write(&partial, &meta.bytes).await.map_err(engine)?;
        tokio::fs::rename(&partial, self.dir.join(META)).await.map_err(engine)?;
        for name in have.iter().filter(|n| n.as_str() != META && !stored.contains(*n)) {
            let _ = tokio::fs::remove_file(self.dir.join(name)).await;
        }
        Ok(true)
    }
}

/// The index of a function on AWS: the writer's (applies, then pushes) or a reader's
/// (refreshes from the stored copy at most once per [`REFRESH`], then searches). Nothing is
/// read from S3 before the first use, so a cold start stays short.
pub struct MirroredIndex {
    mirror: Mirror,
    dir: PathBuf,
    writes: bool,
    index: OnceCell<TantivyIndex>,
    /// The writer's record of what is stored.
    uploaded: Mutex<HashSet<String>>,
    checked: Mutex<Option<Instant>>,
}

impl MirroredIndex {
    /// The writer, in `dir`: on first use the stored copy is restored there and opened for
    /// writing (the function runs one execution at a time: one writer).
    pub fn writer(blobs: Arc<dyn Blobs>, prefix: &str, dir: &Path) -> Self {
        Self::new(blobs, prefix, dir, true)
    }

    /// A reader of the stored copy, kept in `dir`.
    pub fn reader(blobs: Arc<dyn Blobs>, prefix: &str, dir: &Path) -> Self {
        Self::new(blobs, prefix, dir, false)
    }

    fn new(blobs: Arc<dyn Blobs>, prefix: &str, dir: &Path, writes: bool) -> Self {
        Self {
            mirror: Mirror::new(blobs, prefix, dir),
            dir: dir.to_owned(),
            writes,
            index: OnceCell::new(),
            uploaded: Mutex::new(HashSet::new()),
            checked: Mutex::new(None),
        }
    }

    async fn index(&self) -> Result<&TantivyIndex, SearchError> {
        self.index
            .get_or_try_init(|| async {
                std::fs::create_dir_all(&self.dir).map_err(engine)?;
                if self.writes {
                    *self.uploaded.lock().await = self.mirror.restore().await?;
                    TantivyIndex::open(&self.dir)
                } else {
                    if let Err(e) = self.mirror.pull().await {
                        tracing::warn!(error = %e, "search index copy not read; answering from an empty one");
                    }
                    *self.checked.lock().await = Some(Instant::now());
                    TantivyIndex::open_reader(&self.dir)
                }
            })
            .await
    }

    async fn refresh(&self, index: &TantivyIndex) -> Result<(), SearchError> {
        let mut checked = self.checked.lock().await;
        if checked.is_some_and(|at| at.elapsed() < REFRESH) {
            return Ok(());
        }
        *checked = Some(Instant::now());
        if self.mirror.pull().await? {
            index.reload()?;
        }
        Ok(())
    }

    fn refuse(&self) -> Result<(), SearchError> {
        if self.writes { Ok(()) } else { Err(SearchError::Unavailable("this function only reads the index".into())) }
    }
}

#[async_trait]
impl SearchIndex for MirroredIndex {
    async fn apply(&self, changes: &[Change]) -> Result<(), SearchError> {
        self.refuse()?;
        let index = self.index().await?;
        let mut uploaded = self.uploaded.lock().await;
        index.apply(changes).await?;
        self.mirror.push(&mut uploaded).await?;
        Ok(())
    }

    async fn search(&self, request: &SearchRequest) -> Result<SearchPage, SearchError> {
        let index = self.index().await?;
        if !self.writes
            && let Err(e) = self.refresh(index).await
        {
            // Answer from the copy at hand; the next query tries again.
            tracing::warn!(error = %e, "search index refresh failed");
        }
        index.search(request).await
    }

    async fn clear(&self) -> Result<(), SearchError> {
        self.refuse()?;
        let index = self.index().await?;
        let mut uploaded = self.uploaded.lock().await;
        index.clear().await?;
        self.mirror.push(&mut uploaded).await?;
        Ok(())
    }

    async fn count(&self) -> Result<u64, SearchError> {
        self.index().await?.count().await
    }
}
