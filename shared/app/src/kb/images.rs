//! Images in articles: a manager declares one for an article (name, type, size, and the
//! tenant's storage checked), sends it straight to blob storage through a presigned URL and
//! confirms it; the article's Markdown then names it by its address
//! ([`address`]). Whoever may read the article (signed out too, for a public one) is sent on to
//! a short-lived URL of the bytes; no one else learns it exists.
//!
//! Images stay while their article does (an old version restored may name them again); an
//! upload never confirmed is removed by the sweep ([`sweep`]), uncounted first, then its bytes,
//! then its record.

use std::time::Duration;

use kt_domain::identity::TenantId;
use kt_domain::kb::{Image, MAX_IMAGE_BYTES, Reader, check_image};
use kt_domain::messaging::Holder;
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_platform::{PresignedUpload, UploadSpec};
use kt_store::due::{DueIndex, DueItem};
use kt_store::kb::{self as store, IMAGE_SWEEP};
use kt_store::messaging::storage_key;
use kt_store::{Cond, TxOp};
use time::OffsetDateTime;

use crate::tickets::attachments::{DOWNLOAD_URL_SECS, UPLOAD_URL_SECS};
use crate::{AppError, AppState, uploads};

/// An upload is confirmed within this long of its start, or not at all.
pub const CONFIRM_WITHIN_SECS: i64 = 60 * 60;
/// Unconfirmed uploads this old are removed (after the confirmation cutoff).
pub const ABANDONED_AFTER_SECS: i64 = 2 * 60 * 60;
/// How far back the sweep reads its due index.
const SWEEP_HOURS_BACK: i64 = 72;

/// Where an article's image is read: the address its Markdown names.
pub fn address(tenant: &TenantId, article: &str, image: &str) -> String {
    format!("/api/v1/tenants/{tenant}/kb/articles/{article}/images/{image}")
}

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The article, when `actor` manages the KB it is in (404 for an article that is not there).
async fn managed(app: &AppState, actor: &Actor, tenant: &Tenant, article: &str) -> Result<(), AppError> {
    if !super::manager(actor, tenant) {
        return Err(AppError::Forbidden);
    }
    super::get(app, Reader::Person(actor), tenant, article).await.map(|_| ())
}

/// Checks the image and the tenant's storage, records it and answers its upload URL.
pub async fn start(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    article: &str,
    filename: &str,
    content_type: &str,
    size: u64,
) -> Result<(Image, PresignedUpload), AppError> {
    managed(app, actor, tenant, article).await?;
    let filename = check_image(filename, content_type, size).map_err(AppError::from_invalid)?;
    uploads::ensure_room(app, &tenant.id, &Holder::Tenant, size).await?;
    let id = app.ids.ulid().to_string().to_lowercase();
    let i = Image {
        blob_key: format!("tenants/{}/kb/{article}/{id}", tenant.id),
        id,
        tenant: tenant.id.clone(),
        article: article.to_owned(),
        uploader: actor.user.clone(),
        filename,
        content_type: content_type.to_owned(),
        size,
        ready: false,
        removed: false,
        created_at: app.clock.now(),
    };
    let spec = UploadSpec {
        key: i.blob_key.clone(),
        content_type: i.content_type.clone(),
        size,
        max_size: MAX_IMAGE_BYTES,
        expires_in: Duration::from_secs(UPLOAD_URL_SECS),
    };
    let upload = app.blobs.presign_upload(&spec).await?;
    let check = at(i.created_at.unix_timestamp() + ABANDONED_AFTER_SECS);
    app.store
        .transact(vec![
            TxOp::Put { item: store::image_item(&i, 1)?, cond: Cond::NotExists },
            DueIndex::put(store::image_due_key(&i, check)),
        ])
        .await?;
    Ok((i, upload))
}

/// Confirms an upload (any of the KB's managers): the stored file must be the one declared; it
/// then counts against the tenant's storage. Confirming twice answers the same image.
pub async fn complete(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    article: &str,
    id: &str,
) -> Result<Image, AppError> {
    managed(app, actor, tenant, article).await?;
    let current = store::image(app.store.as_ref(), &tenant.id, article, id).await?.ok_or(AppError::NotFound)?;
    let mut i = current.value.clone();
    if i.removed {
        return Err(AppError::NotFound);
    }
    if i.ready {
        return Ok(i);
    }
    if app.clock.now_unix() - i.created_at.unix_timestamp() > CONFIRM_WITHIN_SECS {
        return Err(AppError::Conflict("this upload was not confirmed in time; start it again".into()));
    }
    uploads::verify_stored(app, &i.blob_key, i.size, &i.content_type).await?;
    i.ready = true;
    let ops = vec![
        TxOp::Put { item: store::image_item(&i, current.version + 1)?, cond: Cond::Version(current.version) },
        TxOp::Increment { key: storage_key(&tenant.id, &Holder::Tenant), field: "used".into(), by: i.size as i64 },
    ];
    match app.store.transact(ops).await {
        Ok(()) => Ok(i),
        // A concurrent confirmation won: answer what it stored.
        Err(e) if e.is_conflict() => {
            store::image(app.store.as_ref(), &tenant.id, article, id).await?.map(|v| v.value).ok_or(AppError::NotFound)
        }
        Err(e) => Err(e.into()),
    }
}

/// A short-lived URL of the image's bytes, for whoever may read its article now.
pub async fn url(
    app: &AppState,
    reader: Reader<'_>,
    tenant: &Tenant,
    article: &str,
    id: &str,
) -> Result<String, AppError> {
    super::get(app, reader, tenant, article).await?;
    let i = store::image(app.store.as_ref(), &tenant.id, article, id).await?.ok_or(AppError::NotFound)?.value;
    if !i.ready || i.removed {
        return Err(AppError::NotFound);
    }
    Ok(app.blobs.presign_download(&i.blob_key, Duration::from_secs(DOWNLOAD_URL_SECS), None).await?)
}

/// Removes the uploads never confirmed. Returns how many were removed.
pub async fn sweep(app: &AppState) -> Result<usize, AppError> {
    let now = app.clock.now();
    uploads::sweep_due(app, &IMAGE_SWEEP, SWEEP_HOURS_BACK, "article images", |d| async move {
        sweep_one(app, &d, now).await
    })
    .await
}

async fn sweep_one(app: &AppState, due: &DueItem, now: OffsetDateTime) -> Result<bool, AppError> {
    let s = app.store.as_ref();
    let mut parts = due.rest.splitn(3, '#');
    let found = match (parts.next(), parts.next(), parts.next()) {
        (Some(t), Some(article), Some(id)) => match TenantId::try_from(t.to_owned()) {
            Ok(t) => store::image(s, &t, article, id).await?,
            Err(_) => None,
        },
        _ => None,
    };
    let Some(v) = found else {
        s.delete(&due.key, Cond::None).await?;
        return Ok(false);
    };
    let age = now.unix_timestamp() - v.value.created_at.unix_timestamp();
    if v.value.ready || (!v.value.removed && age < ABANDONED_AFTER_SECS) {
        // Confirmed since (or not yet due): this entry has nothing left to do.
        s.delete(&due.key, Cond::None).await?;
        return Ok(false);
    }
    if !v.value.removed {
        let mut i = v.value.clone();
        i.removed = true;
        s.transact(vec![TxOp::Put { item: store::image_item(&i, v.version + 1)?, cond: Cond::Version(v.version) }])
            .await?;
    }
    app.blobs.delete(&v.value.blob_key).await?;
    s.delete(&store::image_key(&v.value.tenant, &v.value.article, &v.value.id), Cond::None).await?;
    s.delete(&due.key, Cond::None).await?;
    Ok(true)
}
