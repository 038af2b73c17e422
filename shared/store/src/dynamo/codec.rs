//! Between the store's items and DynamoDB's attribute maps, and from SDK errors to store
//! errors.

use std::collections::HashMap;

use aws_sdk_dynamodb::error::{BuildError, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Map, Value};

use super::Attrs;
use crate::cursor::Position;
use crate::model::*;
use crate::table::TABLE;

pub(super) fn key_attrs(key: &Key) -> Attrs {
    HashMap::from([
        ("pk".to_owned(), AttributeValue::S(key.pk.clone())),
        ("sk".to_owned(), AttributeValue::S(key.sk.clone())),
    ])
}

pub(super) fn start_key(index: Index, pos: &Position) -> Attrs {
    let mut key = key_attrs(&Key::new(pos.pk.clone(), pos.sk.clone()));
    if index != Index::Table {
        let (ipk, isk) = index.key_attrs();
        key.insert(ipk.to_owned(), AttributeValue::S(pos.ipk.clone().unwrap_or_default()));
        key.insert(isk.to_owned(), AttributeValue::S(pos.index_sk().to_owned()));
    }
    key
}

pub(super) fn to_attrs(item: &Item) -> Result<Attrs, StoreError> {
    let mut attrs: Attrs =
        serde_dynamo::to_item(&item.attrs).map_err(|e| StoreError::Invalid(Violation::Serialization(e.to_string())))?;
    attrs.extend(key_attrs(&item.key));
    for (index, k) in Index::GSIS.iter().zip(&item.gsi) {
        if let Some(k) = k {
            let (pk, sk) = index.key_attrs();
            attrs.insert(pk.to_owned(), AttributeValue::S(k.pk.clone()));
            attrs.insert(sk.to_owned(), AttributeValue::S(k.sk.clone()));
        }
    }
    attrs.insert("version".to_owned(), AttributeValue::N(item.version.to_string()));
    if let Some(t) = item.expires_at {
        attrs.insert(TABLE.ttl_attribute.to_owned(), AttributeValue::N(t.to_string()));
    }
    Ok(attrs)
}

pub(super) fn from_attrs(mut attrs: Attrs) -> Result<Item, StoreError> {
    let mut s = |name: &str| match attrs.remove(name) {
        Some(AttributeValue::S(s)) => Some(s),
        _ => None,
    };
    let pk = s("pk").ok_or_else(|| StoreError::Corrupt("item without pk".into()))?;
    let sk = s("sk").ok_or_else(|| StoreError::Corrupt(format!("{pk}: item without sk")))?;
    let mut gsi: [Option<IndexKey>; 3] = [None, None, None];
    for (slot, index) in Index::GSIS.iter().enumerate() {
        let (ipk, isk) = index.key_attrs();
        if let (Some(p), Some(k)) = (s(ipk), s(isk)) {
            gsi[slot] = Some(IndexKey::new(p, k));
        }
    }
    let mut n = |name: &str| attrs.remove(name).and_then(|v| v.as_n().ok().and_then(|n| n.parse::<i64>().ok()));
    let version = n("version").unwrap_or(0) as u64;
    let expires_at = n(TABLE.ttl_attribute);
    let key = Key::new(pk, sk);
    let attrs: Map<String, Value> =
        serde_dynamo::from_item(attrs).map_err(|e| StoreError::Corrupt(format!("{}/{}: {e}", key.pk, key.sk)))?;
    Ok(Item { key, gsi, version, expires_at, attrs })
}

pub(super) fn conditional<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static>(
    e: SdkError<E>,
) -> StoreError {
    if e.code() == Some("ConditionalCheckFailedException") { StoreError::Conflict { op: None } } else { sdk(e) }
}

pub(super) fn sdk<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static>(e: SdkError<E>) -> StoreError {
    let detail = match e.code() {
        Some(code) => format!("{code}: {}", e.message().unwrap_or_default()),
        None => aws_sdk_dynamodb::error::DisplayErrorContext(&e).to_string(),
    };
    StoreError::Unavailable(format!("dynamodb: {detail}"))
}

pub(super) fn build(e: BuildError) -> StoreError {
    StoreError::Unavailable(format!("dynamodb request: {e}"))
}
