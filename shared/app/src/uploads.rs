//! What every staged upload shares (files sent with messages, files answering forms): room in
//! the holder's storage, the stored object checked against what was declared, and the sweep
//! that walks a due index removing what no one will use.

use kt_domain::identity::TenantId;
use kt_domain::messaging::Holder;
use kt_domain::ticket::{DEFAULT_STORAGE_QUOTA_BYTES, quota_allows};
use kt_store::due::{DueIndex, DueItem};

use crate::{AppError, AppState};

/// A holder's storage: bytes used and its quota.
pub async fn storage(app: &AppState, tenant: &TenantId, holder: &Holder) -> Result<(u64, u64), AppError> {
    let (used, limit) = kt_store::messaging::storage(app.store.as_ref(), tenant, holder).await?;
    Ok((used, limit.unwrap_or(DEFAULT_STORAGE_QUOTA_BYTES)))
}

/// Refuses (`size` at fault) a file the holder's storage has no room for.
pub async fn ensure_room(app: &AppState, tenant: &TenantId, holder: &Holder, size: u64) -> Result<(), AppError> {
    let (used, limit) = storage(app, tenant, holder).await?;
    if quota_allows(used, limit, size) {
        Ok(())
    } else {
        Err(AppError::invalid(
            "size",
            format!("this storage is full: {} MiB of {} MiB used", used / 1024 / 1024, limit / 1024 / 1024),
        ))
    }
}

/// Checks that what was stored at `blob_key` is the file declared (size and type); a stored
/// object that is not is deleted. 409 when nothing was stored yet.
pub async fn verify_stored(app: &AppState, blob_key: &str, size: u64, content_type: &str) -> Result<(), AppError> {
    let meta =
        app.blobs.head(blob_key).await?.ok_or_else(|| {
            AppError::Conflict("nothing was uploaded yet: send the file to the upload URL first".into())
        })?;
    if meta.size != size || meta.content_type.as_deref().is_some_and(|ct| ct != content_type) {
        app.blobs.delete(blob_key).await?;
        return Err(AppError::Conflict("the uploaded file is not the one declared; start again".into()));
    }
    Ok(())
}

/// Deals with each entry of `index` due by now (`one` answers whether it removed something);
/// the index's cursor moves on only when every entry was dealt with. Returns how many were
/// removed.
pub async fn sweep_due<F, Fut>(
    app: &AppState,
    index: &DueIndex,
    hours_back: i64,
    what: &str,
    one: F,
) -> Result<usize, AppError>
where
    F: Fn(DueItem) -> Fut,
    Fut: Future<Output = Result<bool, AppError>>,
{
    let s = app.store.as_ref();
    let (due, hour) = index.until(s, app.clock.now(), hours_back).await?;
    let (mut removed, mut failed) = (0, false);
    for d in due {
        let entry = d.rest.clone();
        match one(d).await {
            Ok(true) => removed += 1,
            Ok(false) => {}
            Err(e) => {
                failed = true;
                tracing::warn!(error = %e, entry = %entry, what, "could not be removed; the next sweep retries");
            }
        }
    }
    if !failed {
        index.set_cursor(s, hour).await?;
    }
    if removed > 0 {
        tracing::info!(removed, what, "removed");
    }
    Ok(removed)
}
