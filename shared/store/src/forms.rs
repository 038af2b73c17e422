//! Forms, their published versions, drafts in progress, submissions and the counters their
//! analytics read.
//!
//! * `FORMS` / `<id>`: a form's head (name, settings, the draft document being edited); the
//!   partition lists every form for the editors. Written only when an editor saves.
//! * `FORM#<id>#V` / `<version, 6 digits>`: a published version's document, never changed.
//! * `T#<t>#USER#<u>#FORMDRAFT` / `<form>`: a person's answers in progress.
//! * `T#<t>#FORMSUB#<form>` / `<submission>`: a submission, in the submitter's tenant (a
//!   partner lists their tenant's); gsi1 `FORMSUB#<form>` / `<submission>` (the house lists
//!   all); gsi2 `T#<t>#USER#<u>#FORMSUB#<form>` / `<submission>` (a person's own). Ids are
//!   ULIDs, so both read newest first. One form's submissions share a partition per tenant:
//!   50 a second is 5% of a partition's write capacity.
//! * `FORM#<id>#BY#<u>` / `<n, 6 digits>` and `FORM#<id>#SLOTS` / `<n, 9 digits>`: one slot
//!   per submission, taken with `NotExists`, so limits per person and in all hold under
//!   concurrency (the total's slots are written only for forms with a total limit).
//! * `FORM#<id>#STATS#<shard>#<chunk>` / `N`: the analytics counters. A submission adds to
//!   its counters in the shard of its id ([`STAT_SHARDS`]), grouped into [`STAT_CHUNKS`]
//!   items by the counter's name: no item takes every write of a busy form, no write names more
//!   than 50 counters, and the analytics read one batch of `STAT_SHARDS × STAT_CHUNKS` items
//!   however many submissions there are.
//! * `T#<t>#USER#<u>#FORMUP` / `<upload>`: a file its uploader gave to answer a form, found by
//!   the submission that names it (always the uploader's own). The due index [`UPLOAD_SWEEP`]
//!   names when the sweep looks at it again.

use std::collections::BTreeMap;

use kt_domain::forms::{Document, Draft, Form, Submission, Upload};
use kt_domain::identity::{TenantId, UserId};

use crate::due::DueIndex;
use crate::entity::{self, Versioned};
use crate::{Cond, Index, IndexKey, Item, Key, Query, Store, StoreError, TxOp};

pub const STAT_SHARDS: u64 = 4;
pub const STAT_CHUNKS: u64 = 16;

pub fn key(id: &str) -> Key {
    Key::new("FORMS", id)
}

pub fn item(f: &Form, version: u64) -> Result<Item, StoreError> {
    entity::item(key(&f.id), f, version)
}

pub async fn get(store: &dyn Store, id: &str) -> Result<Option<Versioned<Form>>, StoreError> {
    entity::get(store, &key(id)).await
}

/// A page of every form, oldest first (ids are ULIDs).
pub async fn list(
    store: &dyn Store,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<Form>>, Option<String>), StoreError> {
    entity::page(store, Query::table("FORMS").limit(limit).after(cursor)).await
}

fn version_key(id: &str, version: u32) -> Key {
    Key::new(format!("FORM#{id}#V"), format!("{version:06}"))
}

/// Freezes `doc` as `version` of the form.
pub fn version_op(id: &str, version: u32, doc: &Document) -> Result<TxOp, StoreError> {
    let attrs = serde_json::json!({ "doc": doc });
    let item = Item::new(version_key(id, version), attrs.as_object().cloned().unwrap_or_default());
    Ok(TxOp::Put { item, cond: Cond::NotExists })
}

pub async fn version(store: &dyn Store, id: &str, version: u32) -> Result<Option<Document>, StoreError> {
    let Some(item) = store.get(&version_key(id, version)).await? else { return Ok(None) };
    let doc = item.attrs.get("doc").cloned().unwrap_or_default();
    Ok(Some(serde_json::from_value(doc).map_err(|e| StoreError::Corrupt(e.to_string()))?))
}

fn draft_key(tenant: &TenantId, user: &UserId, form: &str) -> Key {
    Key::new(format!("T#{tenant}#USER#{user}#FORMDRAFT"), form)
}

pub async fn draft(
    store: &dyn Store,
    tenant: &TenantId,
    user: &UserId,
    form: &str,
) -> Result<Option<Versioned<Draft>>, StoreError> {
    entity::get(store, &draft_key(tenant, user, form)).await
}

pub fn draft_item(tenant: &TenantId, user: &UserId, d: &Draft, version: u64) -> Result<Item, StoreError> {
    entity::item(draft_key(tenant, user, &d.form), d, version)
}

pub fn draft_delete(tenant: &TenantId, user: &UserId, form: &str) -> TxOp {
    TxOp::Delete { key: draft_key(tenant, user, form), cond: Cond::None }
}

fn submission_key(tenant: &TenantId, form: &str, id: &str) -> Key {
    Key::new(format!("T#{tenant}#FORMSUB#{form}"), id)
}

pub fn submission_item(s: &Submission) -> Result<Item, StoreError> {
    Ok(entity::item(submission_key(&s.tenant, &s.form, &s.id), s, 1)?
        .with_index(Index::Gsi1, IndexKey::new(format!("FORMSUB#{}", s.form), s.id.clone()))
        .with_index(
            Index::Gsi2,
            IndexKey::new(format!("T#{}#USER#{}#FORMSUB#{}", s.tenant, s.by, s.form), s.id.clone()),
        ))
}

pub async fn submission(
    store: &dyn Store,
    tenant: &TenantId,
    form: &str,
    id: &str,
) -> Result<Option<Submission>, StoreError> {
    Ok(entity::get(store, &submission_key(tenant, form, id)).await?.map(|v: Versioned<Submission>| v.value))
}

/// Whose submissions a page lists.
#[derive(Debug, Clone)]
pub enum Submitters<'a> {
    All,
    Tenant(&'a TenantId),
    Person(&'a TenantId, &'a UserId),
}

/// A page of a form's submissions, newest first.
pub async fn submissions(
    store: &dyn Store,
    form: &str,
    who: Submitters<'_>,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Submission>, Option<String>), StoreError> {
    let q = match who {
        Submitters::All => Query::partition(Index::Gsi1, format!("FORMSUB#{form}")),
        Submitters::Tenant(t) => Query::table(format!("T#{t}#FORMSUB#{form}")),
        Submitters::Person(t, u) => Query::partition(Index::Gsi2, format!("T#{t}#USER#{u}#FORMSUB#{form}")),
    };
    let page = store.query(q.desc().limit(limit).after(cursor)).await?;
    Ok((page.items.iter().map(Item::to_entity).collect::<Result<_, _>>()?, page.next_cursor))
}

fn slot_partition(form: &str, person: Option<&UserId>) -> String {
    match person {
        Some(u) => format!("FORM#{form}#BY#{u}"),
        None => format!("FORM#{form}#SLOTS"),
    }
}

/// The last slot taken (per person, or in all), if any.
pub async fn last_slot(store: &dyn Store, form: &str, person: Option<&UserId>) -> Result<Option<u64>, StoreError> {
    let page = store.query(Query::table(slot_partition(form, person)).desc().limit(1)).await?;
    Ok(page.items.first().and_then(|i| i.key.sk.parse().ok()))
}

/// Takes slot `n`; fails its condition when another submission took it first.
pub fn slot_op(form: &str, person: Option<&UserId>, n: u64, submission: &str) -> TxOp {
    let sk = if person.is_some() { format!("{n:06}") } else { format!("{n:09}") };
    let mut attrs = serde_json::Map::new();
    attrs.insert("submission".into(), submission.into());
    TxOp::Put { item: Item::new(Key::new(slot_partition(form, person), sk), attrs), cond: Cond::NotExists }
}

fn stat_key(form: &str, shard: u64, chunk: u64) -> Key {
    Key::new(format!("FORM#{form}#STATS#{shard}#{chunk}"), "N")
}

/// Adds `counters` (name → amount) in the shard `spread` falls in: one write per chunk.
pub fn stat_ops(form: &str, spread: &str, counters: &BTreeMap<String, i64>) -> Vec<TxOp> {
    let shard = kt_domain::shard_of(spread, STAT_SHARDS);
    let mut chunks: BTreeMap<u64, Vec<(String, i64)>> = BTreeMap::new();
    for (name, by) in counters.iter().filter(|(_, by)| **by != 0) {
        chunks.entry(kt_domain::shard_of(name, STAT_CHUNKS)).or_default().push((name.clone(), *by));
    }
    let mut ops = Vec::new();
    for (chunk, fields) in chunks {
        // A chunk past the limit of one write spills into further shards' items.
        for (i, part) in fields.chunks(crate::limits::MAX_ADD_FIELDS).enumerate() {
            let shard = (shard + i as u64) % STAT_SHARDS;
            ops.push(TxOp::Add { key: stat_key(form, shard, chunk), fields: part.to_vec() });
        }
    }
    ops
}

/// Every counter of the form, summed over its shards.
pub async fn stats(store: &dyn Store, form: &str) -> Result<BTreeMap<String, i64>, StoreError> {
    let keys: Vec<Key> = (0..STAT_SHARDS).flat_map(|s| (0..STAT_CHUNKS).map(move |c| stat_key(form, s, c))).collect();
    let mut out = BTreeMap::new();
    for item in store.get_many(&keys).await?.into_iter().flatten() {
        for (name, v) in item.attrs {
            if let Some(n) = v.as_i64() {
                *out.entry(name).or_insert(0) += n;
            }
        }
    }
    Ok(out)
}

pub fn upload_key(tenant: &TenantId, user: &UserId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#USER#{user}#FORMUP"), id)
}

pub fn upload_item(u: &Upload, version: u64) -> Result<Item, StoreError> {
    entity::item(upload_key(&u.tenant, &u.uploader, &u.id), u, version)
}

pub async fn upload(
    store: &dyn Store,
    tenant: &TenantId,
    user: &UserId,
    id: &str,
) -> Result<Option<Versioned<Upload>>, StoreError> {
    entity::get(store, &upload_key(tenant, user, id)).await
}

/// The person's uploads named `ids`, in order (`None` where there is none), in one batch read.
pub async fn uploads(
    store: &dyn Store,
    tenant: &TenantId,
    user: &UserId,
    ids: &[String],
) -> Result<Vec<Option<Versioned<Upload>>>, StoreError> {
    let keys: Vec<Key> = ids.iter().map(|id| upload_key(tenant, user, id)).collect();
    let mut out = Vec::with_capacity(ids.len());
    for chunk in keys.chunks(crate::limits::MAX_BATCH_GET) {
        for item in store.get_many(chunk).await? {
            out.push(
                item.map(|i| Ok::<_, StoreError>(Versioned { version: i.version, value: i.to_entity()? }))
                    .transpose()?,
            );
        }
    }
    Ok(out)
}

/// When the sweep looks at a form upload again (rest: `<tenant>#<user>#<upload>`).
pub const UPLOAD_SWEEP: DueIndex = DueIndex { prefix: "FORMUPDUE", shards: 8, legacy_bucket: false };

pub fn upload_due_key(u: &Upload, at: time::OffsetDateTime) -> Key {
    UPLOAD_SWEEP.key(at, &u.id, &format!("{}#{}#{}", u.tenant, u.uploader, u.id))
}
