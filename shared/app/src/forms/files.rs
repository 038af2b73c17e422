//! Files answering a form (file, image and signature fields): declared for a field of the open
//! version (name, type and size checked, also against the field's own rules, and the holder's
//! quota), sent straight to blob storage through a presigned URL, confirmed (what was stored is
//! checked and counted against the holder's storage), then named by one submission
//! ([`claim`], in the submission's transaction). Whoever may read the submission downloads
//! them through short-lived URLs; the uploader may read their own before submitting.
//!
//! The sweep ([`sweep`]) removes an upload never confirmed, or never submitted within
//! [`UNUSED_AFTER_SECS`] (drafts may hold files that long): marked removed and uncounted in one
//! transaction, then its bytes, then its record.

use std::time::Duration;

use kt_domain::forms::{
    MAX_FILES_PER_SUBMISSION, Submission, UNUSED_AFTER_SECS, Upload, UploadInfo, check_upload_field, holder_of,
};
use kt_domain::identity::{TenantId, UserId};
use kt_domain::policy::Actor;
use kt_domain::ticket::{MAX_ATTACHMENT_BYTES, check_attachment};
use kt_platform::{PresignedUpload, UploadSpec};
use kt_store::due::{DueIndex, DueItem};
use kt_store::entity::Versioned;
use kt_store::forms::{self as store, UPLOAD_SWEEP};
use kt_store::messaging::storage_key;
use kt_store::{Cond, TxOp};
use time::OffsetDateTime;

use super::fill::open;
use crate::tickets::attachments::{DOWNLOAD_URL_SECS, UPLOAD_URL_SECS};
use crate::{AppError, AppState, uploads};

/// An upload is confirmed within this long of its start, or not at all.
pub const CONFIRM_WITHIN_SECS: i64 = 60 * 60;
/// Unconfirmed uploads this old are removed (after the confirmation cutoff).
pub const ABANDONED_AFTER_SECS: i64 = 2 * 60 * 60;
/// How far back the sweep reads its due index.
const SWEEP_HOURS_BACK: i64 = 72;

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// What a file declared for `field` of the open form must pass; its upload URL.
pub async fn start(
    app: &AppState,
    actor: &Actor,
    form: &str,
    field: &str,
    filename: &str,
    content_type: &str,
    size: u64,
) -> Result<(Upload, PresignedUpload), AppError> {
    let (f, _, doc) = open(app, actor, form).await?;
    let filename = check_attachment(filename, content_type, size).map_err(AppError::from_invalid)?;
    let info = UploadInfo { content_type: content_type.to_owned(), size };
    check_upload_field(&doc, field, &info).map_err(|e| AppError::from_invalid(vec![e]))?;
    let holder = holder_of(actor);
    uploads::ensure_room(app, &actor.tenant, &holder, size).await?;
    let id = app.ids.ulid().to_string();
    let u = Upload {
        blob_key: format!("tenants/{}/forms/{}/{}", actor.tenant, f.value.id, id.to_lowercase()),
        id,
        form: f.value.id.clone(),
        field: field.to_owned(),
        tenant: actor.tenant.clone(),
        uploader: actor.user.clone(),
        holder,
        filename,
        content_type: content_type.to_owned(),
        size,
        ready: false,
        submission: None,
        removed: false,
        created_at: app.clock.now(),
    };
    let spec = UploadSpec {
        key: u.blob_key.clone(),
        content_type: u.content_type.clone(),
        size,
        max_size: MAX_ATTACHMENT_BYTES,
        expires_in: Duration::from_secs(UPLOAD_URL_SECS),
    };
    let upload = app.blobs.presign_upload(&spec).await?;
    let check = at(u.created_at.unix_timestamp() + ABANDONED_AFTER_SECS);
    app.store
        .transact(vec![
            TxOp::Put { item: store::upload_item(&u, 1)?, cond: Cond::NotExists },
            DueIndex::put(store::upload_due_key(&u, check)),
        ])
        .await?;
    Ok((u, upload))
}

async fn own(app: &AppState, actor: &Actor, form: &str, id: &str) -> Result<Versioned<Upload>, AppError> {
    let u = store::upload(app.store.as_ref(), &actor.tenant, &actor.user, id).await?.ok_or(AppError::NotFound)?;
    if u.value.removed || u.value.form != form { Err(AppError::NotFound) } else { Ok(u) }
}

/// One of the actor's own uploads for `form` (to show it again, e.g. with a resumed draft).
pub async fn own_upload(app: &AppState, actor: &Actor, form: &str, id: &str) -> Result<Upload, AppError> {
    Ok(own(app, actor, form, id).await?.value)
}

/// The files submission `s` carries, in the order its answers name them.
pub async fn carried(app: &AppState, s: &Submission) -> Result<Vec<Upload>, AppError> {
    let Some(doc) = store::version(app.store.as_ref(), &s.form, s.version).await? else { return Ok(Vec::new()) };
    let ids = kt_domain::forms::named_uploads(&doc, &s.values);
    let found = store::uploads(app.store.as_ref(), &s.tenant, &s.by, &ids).await?;
    Ok(found
        .into_iter()
        .flatten()
        .map(|v| v.value)
        .filter(|u| !u.removed && u.submission.as_deref() == Some(s.id.as_str()))
        .collect())
}

/// Confirms an upload: the stored file must be the one declared; it then counts against its
/// holder's storage. Confirming twice answers the same upload.
pub async fn complete(app: &AppState, actor: &Actor, form: &str, id: &str) -> Result<Upload, AppError> {
    let current = own(app, actor, form, id).await?;
    let mut u = current.value.clone();
    if u.ready {
        return Ok(u);
    }
    if app.clock.now_unix() - u.created_at.unix_timestamp() > CONFIRM_WITHIN_SECS {
        return Err(AppError::Conflict("this upload was not confirmed in time; start it again".into()));
    }
    uploads::verify_stored(app, &u.blob_key, u.size, &u.content_type).await?;
    u.ready = true;
    let unused = at(u.created_at.unix_timestamp() + UNUSED_AFTER_SECS);
    let ops = vec![
        TxOp::Put { item: store::upload_item(&u, current.version + 1)?, cond: Cond::Version(current.version) },
        TxOp::Increment { key: storage_key(&u.tenant, &u.holder), field: "used".into(), by: u.size as i64 },
        DueIndex::put(store::upload_due_key(&u, unused)),
    ];
    match app.store.transact(ops).await {
        Ok(()) => Ok(u),
        // A concurrent confirmation won: answer what it stored.
        Err(e) if e.is_conflict() => Ok(own(app, actor, form, id).await?.value),
        Err(e) => Err(e.into()),
    }
}

/// The actor's uploads a submission of `form` may carry among `ids` (ready, unused, for this
/// form); more than [`MAX_FILES_PER_SUBMISSION`] is refused.
pub async fn usable(
    app: &AppState,
    actor: &Actor,
    form: &str,
    ids: &[String],
) -> Result<Vec<Versioned<Upload>>, AppError> {
    if ids.len() > MAX_FILES_PER_SUBMISSION {
        return Err(AppError::invalid(
            "answers",
            format!("carry at most {MAX_FILES_PER_SUBMISSION} files in one submission"),
        ));
    }
    let plausible: Vec<String> =
        ids.iter().filter(|id| id.len() == 26 && id.chars().all(|c| c.is_ascii_alphanumeric())).cloned().collect();
    let found = store::uploads(app.store.as_ref(), &actor.tenant, &actor.user, &plausible).await?;
    Ok(found.into_iter().flatten().filter(|u| u.value.usable(form)).collect())
}

/// The operations that give the `files` named in `kept` (the ids the submission's kept answers
/// name) to submission `sub`, each under its version: a file is never carried twice nor removed
/// meanwhile.
pub fn claim(files: &[Versioned<Upload>], kept: &[String], sub: &str) -> Result<Vec<TxOp>, AppError> {
    let mut ops = Vec::new();
    for v in files.iter().filter(|v| kept.contains(&v.value.id)) {
        let mut u = v.value.clone();
        u.submission = Some(sub.to_owned());
        ops.push(TxOp::Put { item: store::upload_item(&u, v.version + 1)?, cond: Cond::Version(v.version) });
    }
    Ok(ops)
}

/// A download URL valid for [`DOWNLOAD_URL_SECS`] for a file a submission carries (for those
/// who may read the submission), or the uploader's own file not submitted yet.
pub async fn download_url(
    app: &AppState,
    actor: &Actor,
    tenant: &TenantId,
    by: &UserId,
    form: &str,
    submission: Option<&Submission>,
    id: &str,
) -> Result<(Upload, String), AppError> {
    let u = store::upload(app.store.as_ref(), tenant, by, id).await?.ok_or(AppError::NotFound)?.value;
    let carried = submission.is_some_and(|s| u.submission.as_deref() == Some(s.id.as_str()));
    let own = submission.is_none() && u.uploader == actor.user && u.tenant == actor.tenant;
    if u.removed || !u.ready || u.form != form || !(carried || own) {
        return Err(AppError::NotFound);
    }
    let url =
        app.blobs.presign_download(&u.blob_key, Duration::from_secs(DOWNLOAD_URL_SECS), Some(&u.filename)).await?;
    Ok((u, url))
}

/// Removes the uploads due for removal (see the module). Returns how many were removed.
pub async fn sweep(app: &AppState) -> Result<usize, AppError> {
    let now = app.clock.now();
    uploads::sweep_due(app, &UPLOAD_SWEEP, SWEEP_HOURS_BACK, "form uploads", |d| async move {
        sweep_one(app, &d, now).await
    })
    .await
}

async fn sweep_one(app: &AppState, due: &DueItem, now: OffsetDateTime) -> Result<bool, AppError> {
    let s = app.store.as_ref();
    let mut parts = due.rest.splitn(3, '#');
    let found = match (parts.next(), parts.next(), parts.next()) {
        (Some(t), Some(u), Some(id)) => match (TenantId::try_from(t.to_owned()), UserId::try_from(u.to_owned())) {
            (Ok(t), Ok(u)) => store::upload(s, &t, &u, id).await?,
            _ => None,
        },
        _ => None,
    };
    let Some(mut v) = found else {
        s.delete(&due.key, Cond::None).await?;
        return Ok(false);
    };
    let age = now.unix_timestamp() - v.value.created_at.unix_timestamp();
    let gone = v.value.removed
        || (!v.value.ready && age >= ABANDONED_AFTER_SECS)
        || (v.value.ready && v.value.submission.is_none() && age >= UNUSED_AFTER_SECS);
    if !gone {
        // Confirmed or submitted since: this entry has nothing left to do.
        s.delete(&due.key, Cond::None).await?;
        return Ok(false);
    }
    if !v.value.removed {
        let mut u = v.value.clone();
        u.removed = true;
        let mut ops = vec![TxOp::Put { item: store::upload_item(&u, v.version + 1)?, cond: Cond::Version(v.version) }];
        if u.ready {
            ops.push(TxOp::Increment {
                key: storage_key(&u.tenant, &u.holder),
                field: "used".into(),
                by: -(u.size as i64),
            });
        }
        s.transact(ops).await?;
        v.value = u;
        v.version += 1;
    }
    app.blobs.delete(&v.value.blob_key).await?;
    s.transact(vec![
        TxOp::Delete {
            key: store::upload_key(&v.value.tenant, &v.value.uploader, &v.value.id),
            cond: Cond::Version(v.version),
        },
        TxOp::Delete { key: due.key.clone(), cond: Cond::None },
    ])
    .await?;
    Ok(true)
}
