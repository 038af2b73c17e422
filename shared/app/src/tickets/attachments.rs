//! Attachments: files on a ticket, uploaded and downloaded straight to and from blob storage
//! through short-lived presigned URLs (bytes never pass through a function). Whoever may read
//! a ticket may attach to it and download its files. Before an upload URL is issued the file's
//! name, type and size are checked, and so is the organization's storage quota (5 GB unless a
//! super admin sets another); the upload counts once it is confirmed, which checks what was
//! actually stored. An upload not confirmed within [`CONFIRM_WITHIN_SECS`] is refused, and the
//! minute sweep later removes its record and whatever bytes were sent ([`sweep_abandoned`]),
//! so storage never holds files that count against no quota.

use std::time::Duration;

use kt_domain::identity::{OrgId, TicketId};
use kt_domain::policy::{Actor, Permission, Resource};
use kt_domain::tenancy::Tenant;
use kt_domain::ticket::{
    Attachment, DEFAULT_STORAGE_QUOTA_BYTES, MAX_ATTACHMENT_BYTES, check_attachment, quota_allows,
};
use kt_platform::{PresignedUpload, UploadSpec};
use kt_store::{Cond, Item, TxOp, tickets};

use super::{activity_op, event_op, get};
use crate::{AppError, AppState, permit};

/// How long an upload URL stays valid.
pub const UPLOAD_URL_SECS: u64 = 15 * 60;
/// How long a download URL stays valid.
pub const DOWNLOAD_URL_SECS: u64 = 5 * 60;
/// An upload is confirmed within this long of its start, or not at all.
pub const CONFIRM_WITHIN_SECS: i64 = 60 * 60;
/// Pending uploads this old are removed. Later than the confirmation cutoff, so no upload is
/// confirmed while the sweep removes it.
pub const ABANDONED_AFTER_SECS: i64 = 2 * 60 * 60;
/// Pending uploads removed per sweep at most (the next sweep goes on).
const SWEEP_BATCH: u32 = 200;

/// An organization's storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Storage {
    pub used: u64,
    pub limit: u64,
}

fn blob_key(t: &kt_domain::ticket::Ticket, attachment: &str) -> String {
    format!("tenants/{}/tickets/{}/{}", t.tenant, t.id, attachment.to_lowercase())
}

/// Checks the file and the quota, records a pending attachment and returns its upload URL.
pub async fn start_upload(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    filename: &str,
    content_type: &str,
    size: u64,
) -> Result<(Attachment, PresignedUpload), AppError> {
    let t = get(app, actor, tenant, id).await?.value;
    // Like replies: a closed ticket (a merged one too: its conversation lives in the target) takes no more.
    if t.status == kt_domain::ticket::Status::Closed {
        return Err(AppError::Conflict("a closed ticket takes no more attachments; file a new one".into()));
    }
    let filename = check_attachment(filename, content_type, size).map_err(AppError::from_invalid)?;
    let storage = storage(app, &t.tenant, &t.org).await?;
    if !quota_allows(storage.used, storage.limit, size) {
        return Err(AppError::invalid(
            "size",
            format!(
                "this organization's storage is full: {} MiB of {} MiB used",
                storage.used / 1024 / 1024,
                storage.limit / 1024 / 1024
            ),
        ));
    }
    let attachment_id = app.ids.ulid().to_string();
    let attachment = Attachment {
        blob_key: blob_key(&t, &attachment_id),
        id: attachment_id,
        ticket: t.id.clone(),
        org: t.org.clone(),
        uploader: actor.user.clone(),
        filename,
        content_type: content_type.to_owned(),
        size,
        ready: false,
        created_at: app.clock.now(),
    };
    let spec = UploadSpec {
        key: attachment.blob_key.clone(),
        content_type: attachment.content_type.clone(),
        size,
        max_size: MAX_ATTACHMENT_BYTES,
        expires_in: Duration::from_secs(UPLOAD_URL_SECS),
    };
    let upload = app.blobs.presign_upload(&spec).await?;
    app.store.put(tickets::attachment_item(&t.tenant, &attachment)?, Cond::NotExists).await?;
    Ok((attachment, upload))
}

/// Confirms an upload: the stored file must be the one declared. It then counts against the
/// organization's storage, and the ticket's activity and event name it, in one transaction.
/// Confirming twice answers the same attachment.
pub async fn complete(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    attachment_id: &str,
) -> Result<Attachment, AppError> {
    let t = get(app, actor, tenant, id).await?.value;
    let key = tickets::attachment_key(&t.tenant, &t.id, attachment_id);
    let item = app.store.get(&key).await?.ok_or(AppError::NotFound)?;
    let mut a: Attachment = item.to_entity()?;
    if a.uploader != actor.user {
        return Err(AppError::NotFound);
    }
    if a.ready {
        return Ok(a);
    }
    if app.clock.now_unix() - a.created_at.unix_timestamp() > CONFIRM_WITHIN_SECS {
        return Err(AppError::Conflict("this upload was not confirmed in time; start it again".into()));
    }
    let meta =
        app.blobs.head(&a.blob_key).await?.ok_or_else(|| {
            AppError::Conflict("nothing was uploaded yet: send the file to the upload URL first".into())
        })?;
    if meta.size != a.size || meta.content_type.as_deref().is_some_and(|ct| ct != a.content_type) {
        app.blobs.delete(&a.blob_key).await?;
        return Err(AppError::Conflict("the uploaded file is not the one declared; start again".into()));
    }
    a.ready = true;
    let mut ready = tickets::attachment_item(&t.tenant, &a)?;
    ready.version = item.version + 1;
    let ops = vec![
        TxOp::Put { item: ready, cond: Cond::Version(item.version) },
        TxOp::Increment { key: tickets::storage_key(&t.tenant, &t.org), field: "used".into(), by: a.size as i64 },
        activity_op(app, &t, actor, "attachment", None, Some(a.filename.clone()))?,
        event_op(
            app,
            "ticket.attachment_added",
            &t,
            tenant,
            Some(actor),
            &[],
            serde_json::json!({"attachment": a.id, "filename": a.filename}),
        )?,
    ];
    match app.store.transact(ops).await {
        Ok(()) => {
            app.outbox_wake.notify_one();
            Ok(a)
        }
        // A concurrent confirmation won: answer what it stored.
        Err(e) if e.is_conflict() => {
            app.store.get(&key).await?.ok_or(AppError::NotFound)?.to_entity().map_err(AppError::from)
        }
        Err(e) => Err(e.into()),
    }
}

/// Removes uploads started over [`ABANDONED_AFTER_SECS`] ago and never confirmed: the bytes
/// first (deleting nothing is fine), then the record, under its version. A failure leaves the
/// record listed, so the next sweep tries again; one upload that fails does not hold up the
/// others. Returns how many were removed.
pub async fn sweep_abandoned(app: &AppState) -> Result<usize, AppError> {
    let before = app.clock.now_unix() - ABANDONED_AFTER_SECS;
    let mut removed = 0;
    for (tenant, pending) in tickets::pending_uploads_before(app.store.as_ref(), before, SWEEP_BATCH).await? {
        let a = &pending.value;
        if let Err(e) = app.blobs.delete(&a.blob_key).await {
            tracing::warn!(error = %e, attachment = %a.id, "could not delete an abandoned upload's bytes; the next sweep retries");
            continue;
        }
        let key = tickets::attachment_key(&tenant, &a.ticket, &a.id);
        match app.store.delete(&key, Cond::Version(pending.version)).await {
            Ok(()) => removed += 1,
            // Confirmed or moved meanwhile: no longer pending here.
            Err(e) if e.is_conflict() => {}
            Err(e) => {
                tracing::warn!(error = %e, attachment = %a.id, "could not remove an abandoned upload; the next sweep retries")
            }
        }
    }
    if removed > 0 {
        tracing::info!(removed, "abandoned uploads removed");
    }
    Ok(removed)
}

/// The ticket's confirmed attachments, oldest first.
pub async fn list(app: &AppState, actor: &Actor, tenant: &Tenant, id: &TicketId) -> Result<Vec<Attachment>, AppError> {
    let t = get(app, actor, tenant, id).await?.value;
    let mut all = tickets::attachments(app.store.as_ref(), &t.tenant, &t.id).await?;
    all.retain(|a| a.ready);
    Ok(all)
}

/// A download URL valid for [`DOWNLOAD_URL_SECS`], saving the file under its name.
pub async fn download_url(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    attachment_id: &str,
) -> Result<(Attachment, String), AppError> {
    let t = get(app, actor, tenant, id).await?.value;
    let item = app.store.get(&tickets::attachment_key(&t.tenant, &t.id, attachment_id)).await?;
    let a: Attachment = item.ok_or(AppError::NotFound)?.to_entity()?;
    if !a.ready {
        return Err(AppError::NotFound);
    }
    let url =
        app.blobs.presign_download(&a.blob_key, Duration::from_secs(DOWNLOAD_URL_SECS), Some(&a.filename)).await?;
    Ok((a, url))
}

pub(crate) async fn storage(
    app: &AppState,
    tenant: &kt_domain::identity::TenantId,
    org: &OrgId,
) -> Result<Storage, AppError> {
    let (used, limit) = tickets::storage(app.store.as_ref(), tenant, org).await?;
    Ok(Storage { used, limit: limit.unwrap_or(DEFAULT_STORAGE_QUOTA_BYTES) })
}

async fn org_exists(app: &AppState, tenant: &Tenant, org: &OrgId) -> Result<(), AppError> {
    kt_store::accounts::get_org(app.store.as_ref(), &tenant.id, org).await?.ok_or(AppError::NotFound)?;
    Ok(())
}

fn require_quota_admin(actor: &Actor, tenant: &Tenant, org: &OrgId) -> Result<(), AppError> {
    permit(actor, Permission::ManageSystemSettings, &Resource { tenant: &tenant.id, org: Some(org), owner: None })
}

/// An organization's storage (super admins; partners see it through their tickets' errors).
pub async fn get_storage(app: &AppState, actor: &Actor, tenant: &Tenant, org: &OrgId) -> Result<Storage, AppError> {
    require_quota_admin(actor, tenant, org)?;
    org_exists(app, tenant, org).await?;
    storage(app, &tenant.id, org).await
}

/// Sets an organization's quota (super admins). A quota below what is used stops new uploads
/// and removes nothing.
pub async fn set_quota(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    org: &OrgId,
    limit: u64,
) -> Result<Storage, AppError> {
    require_quota_admin(actor, tenant, org)?;
    org_exists(app, tenant, org).await?;
    if limit == 0 {
        return Err(AppError::invalid("limit_bytes", "must be at least 1 byte"));
    }
    let key = tickets::storage_key(&tenant.id, org);
    for _ in 0..5 {
        let current = app.store.get(&key).await?;
        let (mut item, cond) = match current {
            Some(i) => {
                let v = i.version;
                (i, Cond::Version(v))
            }
            None => (Item::new(key.clone(), serde_json::Map::new()), Cond::NotExists),
        };
        item.attrs.insert("limit".into(), serde_json::json!(limit));
        item.version += 1;
        match app.store.put(item, cond).await {
            Ok(_) => return storage(app, &tenant.id, org).await,
            Err(e) if e.is_conflict() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict("the storage record is being changed; try again".into()))
}
