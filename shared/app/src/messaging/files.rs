//! Files sent with messages: declared (name, type, size and the holder's quota checked), sent
//! straight to blob storage through a presigned URL, confirmed (what was stored is checked and
//! counted against the holder's storage), then carried by one message. Members of the
//! conversation download them through short-lived URLs.
//!
//! The minute sweep ([`sweep`]) removes what no one will use: an upload not confirmed within
//! [`CONFIRM_WITHIN_SECS`], a confirmed file never sent within [`UNSENT_AFTER_SECS`], and the
//! files of deleted messages. Each is first marked removed and uncounted in one transaction,
//! then its bytes go, then its record, so a failure part way leaves it for the next sweep and
//! storage never holds bytes that count against nobody.

use std::time::Duration;

use kt_domain::identity::{TenantId, UserId};
use kt_domain::messaging::{self as domain, File};
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_domain::ticket::{MAX_ATTACHMENT_BYTES, check_attachment};
use kt_platform::{PresignedUpload, UploadSpec};
use kt_store::due::DueIndex;
use kt_store::entity::Versioned;
use kt_store::messaging::{self as store, FILE_SWEEP};
use kt_store::{Cond, TxOp};
use time::OffsetDateTime;

use super::{load, person_of};
use crate::tickets::attachments::{DOWNLOAD_URL_SECS, UPLOAD_URL_SECS};
use crate::{AppError, AppState, uploads};

/// An upload is confirmed within this long of its start, or not at all.
pub const CONFIRM_WITHIN_SECS: i64 = 60 * 60;
/// Unconfirmed uploads this old are removed (after the confirmation cutoff, so no upload is
/// confirmed while the sweep removes it).
pub const ABANDONED_AFTER_SECS: i64 = 2 * 60 * 60;
/// Confirmed files sent with no message this long after their upload started are removed.
pub const UNSENT_AFTER_SECS: i64 = 24 * 60 * 60;
/// How far back the sweep reads its due index.
const SWEEP_HOURS_BACK: i64 = 72;

fn blob_key(tenant: &Tenant, conversation: &str, file: &str) -> String {
    format!("tenants/{}/conversations/{conversation}/{}", tenant.id, file.to_lowercase())
}

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Checks the file and its holder's quota, records it and answers its upload URL.
pub async fn start_upload(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    conversation: &str,
    filename: &str,
    content_type: &str,
    size: u64,
) -> Result<(File, PresignedUpload), AppError> {
    let c = load(app, actor, tenant, conversation).await?.value;
    let filename = check_attachment(filename, content_type, size).map_err(AppError::from_invalid)?;
    let holder = domain::holder(&c, &person_of(actor));
    uploads::ensure_room(app, &tenant.id, &holder, size).await?;
    let id = app.ids.ulid().to_string();
    let f = File {
        blob_key: blob_key(tenant, &c.id, &id),
        id,
        conversation: c.id.clone(),
        uploader: actor.user.clone(),
        holder,
        filename,
        content_type: content_type.to_owned(),
        size,
        ready: false,
        message: None,
        removed: false,
        created_at: app.clock.now(),
    };
    let spec = UploadSpec {
        key: f.blob_key.clone(),
        content_type: f.content_type.clone(),
        size,
        max_size: MAX_ATTACHMENT_BYTES,
        expires_in: Duration::from_secs(UPLOAD_URL_SECS),
    };
    let upload = app.blobs.presign_upload(&spec).await?;
    let check = at(f.created_at.unix_timestamp() + ABANDONED_AFTER_SECS);
    app.store
        .transact(vec![
            TxOp::Put { item: store::file_item(&tenant.id, &f, 1)?, cond: Cond::NotExists },
            DueIndex::put(store::file_due_key(&tenant.id, &f, check)),
        ])
        .await?;
    Ok((f, upload))
}

async fn own_file(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    conversation: &str,
    id: &str,
) -> Result<Versioned<File>, AppError> {
    load(app, actor, tenant, conversation).await?;
    let f = store::file(app.store.as_ref(), &tenant.id, conversation, id).await?.ok_or(AppError::NotFound)?;
    if f.value.removed { Err(AppError::NotFound) } else { Ok(f) }
}

/// Confirms an upload: the stored file must be the one declared; it then counts against its
/// holder's storage. Confirming twice answers the same file.
pub async fn complete(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    conversation: &str,
    id: &str,
) -> Result<File, AppError> {
    let current = own_file(app, actor, tenant, conversation, id).await?;
    let mut f = current.value.clone();
    if f.uploader != actor.user {
        return Err(AppError::NotFound);
    }
    if f.ready {
        return Ok(f);
    }
    if app.clock.now_unix() - f.created_at.unix_timestamp() > CONFIRM_WITHIN_SECS {
        return Err(AppError::Conflict("this upload was not confirmed in time; start it again".into()));
    }
    uploads::verify_stored(app, &f.blob_key, f.size, &f.content_type).await?;
    f.ready = true;
    let unsent = at(f.created_at.unix_timestamp() + UNSENT_AFTER_SECS);
    let ops = vec![
        TxOp::Put {
            item: store::file_item(&tenant.id, &f, current.version + 1)?,
            cond: Cond::Version(current.version),
        },
        TxOp::Increment { key: store::storage_key(&tenant.id, &f.holder), field: "used".into(), by: f.size as i64 },
        DueIndex::put(store::file_due_key(&tenant.id, &f, unsent)),
    ];
    match app.store.transact(ops).await {
        Ok(()) => Ok(f),
        // A concurrent confirmation won: answer what it stored.
        Err(e) if e.is_conflict() => Ok(own_file(app, actor, tenant, conversation, id).await?.value),
        Err(e) => Err(e.into()),
    }
}

/// The files a new message names, checked ([`domain::check_attachments`]), with the
/// operations that tie them to message `seq` (each under its version, so a file is never
/// carried twice nor removed meanwhile).
pub(crate) async fn claim(
    app: &AppState,
    tenant: &Tenant,
    conversation: &str,
    ids: &[String],
    author: &UserId,
) -> Result<Result<Vec<Versioned<File>>, kt_domain::identity::Invalid>, AppError> {
    let mut found = Vec::with_capacity(ids.len());
    for id in ids.iter().take(domain::MAX_ATTACHMENTS + 1) {
        let f = if id.len() == 26 && id.chars().all(|c| c.is_ascii_alphanumeric()) {
            store::file(app.store.as_ref(), &tenant.id, conversation, id).await?
        } else {
            None
        };
        found.push(f);
    }
    let plain: Vec<Option<File>> = found.iter().map(|f| f.as_ref().map(|v| v.value.clone())).collect();
    Ok(domain::check_attachments(ids, &plain, author).map(|()| found.into_iter().flatten().collect()))
}

/// The operations that put `files` on message `seq`.
pub(crate) fn attach_ops(tenant: &Tenant, files: &[Versioned<File>], seq: u64) -> Result<Vec<TxOp>, AppError> {
    let mut ops = Vec::with_capacity(files.len());
    for v in files {
        let mut f = v.value.clone();
        f.message = Some(seq);
        ops.push(TxOp::Put { item: store::file_item(&tenant.id, &f, v.version + 1)?, cond: Cond::Version(v.version) });
    }
    Ok(ops)
}

/// The operations that remove a deleted message's files: each marked removed and uncounted now,
/// and due for the sweep, which deletes the bytes and the record.
pub(crate) async fn release_ops(app: &AppState, tenant: &Tenant, m: &domain::Message) -> Result<Vec<TxOp>, AppError> {
    let mut ops = Vec::new();
    for r in &m.attachments {
        let Some(v) = store::file(app.store.as_ref(), &tenant.id, &m.conversation, &r.id).await? else { continue };
        if !v.value.removed {
            ops.extend(remove_ops(&tenant.id, &v)?);
            ops.push(DueIndex::put(store::file_due_key(&tenant.id, &v.value, app.clock.now())));
        }
    }
    Ok(ops)
}

/// Marks a file removed and takes it off its holder's storage.
fn remove_ops(tenant: &TenantId, v: &Versioned<File>) -> Result<Vec<TxOp>, AppError> {
    let mut f = v.value.clone();
    f.removed = true;
    let mut ops =
        vec![TxOp::Put { item: store::file_item(tenant, &f, v.version + 1)?, cond: Cond::Version(v.version) }];
    if f.ready {
        let key = store::storage_key(tenant, &f.holder);
        ops.push(TxOp::Increment { key, field: "used".into(), by: -(f.size as i64) });
    }
    Ok(ops)
}

/// A download URL valid for [`DOWNLOAD_URL_SECS`] for a file of a message of the conversation
/// (or the uploader's own file not sent yet).
pub async fn download_url(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    conversation: &str,
    id: &str,
) -> Result<(File, String), AppError> {
    let f = own_file(app, actor, tenant, conversation, id).await?.value;
    if !f.ready || (f.message.is_none() && f.uploader != actor.user) {
        return Err(AppError::NotFound);
    }
    let url =
        app.blobs.presign_download(&f.blob_key, Duration::from_secs(DOWNLOAD_URL_SECS), Some(&f.filename)).await?;
    Ok((f, url))
}

/// Removes the files due for removal (see the module). Returns how many were removed; the
/// index's cursor moves on only when every due entry was dealt with.
pub async fn sweep(app: &AppState) -> Result<usize, AppError> {
    let now = app.clock.now();
    uploads::sweep_due(app, &FILE_SWEEP, SWEEP_HOURS_BACK, "conversation files", |d| async move {
        sweep_one(app, &d.key, &d.rest, now).await
    })
    .await
}

async fn sweep_one(app: &AppState, due: &kt_store::Key, rest: &str, now: OffsetDateTime) -> Result<bool, AppError> {
    let s = app.store.as_ref();
    let mut parts = rest.splitn(3, '#');
    let (Some(t), Some(c), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        s.delete(due, Cond::None).await?;
        return Ok(false);
    };
    let Ok(tenant) = TenantId::try_from(t.to_owned()) else {
        s.delete(due, Cond::None).await?;
        return Ok(false);
    };
    let Some(v) = store::file(s, &tenant, c, id).await? else {
        s.delete(due, Cond::None).await?;
        return Ok(false);
    };
    let f = &v.value;
    let age = now.unix_timestamp() - f.created_at.unix_timestamp();
    let gone = f.removed
        || (!f.ready && age >= ABANDONED_AFTER_SECS)
        || (f.ready && f.message.is_none() && age >= UNSENT_AFTER_SECS);
    if !gone {
        // Confirmed or sent since: this entry has nothing left to do.
        s.delete(due, Cond::None).await?;
        return Ok(false);
    }
    let mut v = v.clone();
    if !v.value.removed {
        s.transact(remove_ops(&tenant, &v)?).await?;
        v.value.removed = true;
        v.version += 1;
    }
    app.blobs.delete(&v.value.blob_key).await?;
    s.transact(vec![
        TxOp::Delete { key: store::file_key(&tenant, c, id), cond: Cond::Version(v.version) },
        TxOp::Delete { key: due.clone(), cond: Cond::None },
    ])
    .await?;
    Ok(true)
}
