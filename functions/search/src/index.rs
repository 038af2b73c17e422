//! Where a process keeps the index. The local host: a directory of its data directory, which it
//! alone writes. On AWS (`PORTAL_SEARCH_ROLE`): the indexer writes it in its temporary storage
//! and carries it to S3 under [`PREFIX`] of the files bucket; the API functions read copies
//! refreshed from there ([`kt_search::mirror`]).

use std::path::Path;
use std::sync::Arc;

use kt_platform::Blobs;
use kt_platform::search::{SearchError, SearchIndex};
use kt_search::{MirroredIndex, TantivyIndex};

/// The stored copy's key prefix in the files bucket.
pub const PREFIX: &str = "search-index";
/// The function's copy in Lambda's temporary storage, by role (`/tmp/search-index-api`).
pub fn lambda_dir(role: Role) -> std::path::PathBuf {
    std::path::PathBuf::from(match role {
        Role::Api => "/tmp/search-index-api",
        Role::Indexer => "/tmp/search-index-indexer",
    })
}

/// What a search function on AWS does with the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Answers the search API from a copy.
    Api,
    /// Consumes the search queue: the one writer.
    Indexer,
}

impl Role {
    pub fn from_env() -> Result<Self, String> {
        match std::env::var("PORTAL_SEARCH_ROLE").as_deref() {
            Ok("api") => Ok(Role::Api),
            Ok("indexer") => Ok(Role::Indexer),
            _ => Err("PORTAL_SEARCH_ROLE is not set to `api` or `indexer` (template.yaml sets it)".into()),
        }
    }
}

/// The local host's index in `dir` (created, empty, when absent: then `created` says so and the
/// host rebuilds it from the store).
pub fn local(dir: &Path) -> Result<Arc<TantivyIndex>, SearchError> {
    Ok(Arc::new(TantivyIndex::open(dir)?))
}

/// A function's index on AWS, by its role (read from S3 on first use).
pub fn aws(role: Role, blobs: Arc<dyn Blobs>, dir: &Path) -> Arc<dyn SearchIndex> {
    match role {
        Role::Api => Arc::new(MirroredIndex::reader(blobs, PREFIX, dir)),
        Role::Indexer => Arc::new(MirroredIndex::writer(blobs, PREFIX, dir)),
    }
}
