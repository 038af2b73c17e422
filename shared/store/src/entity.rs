//! Helpers every repository uses: read an entity with its version, build its item.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Item, Key, Store, StoreError};

/// An entity as read, with the version to write it back under (`Cond::Version`).
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned<T> {
    pub value: T,
    pub version: u64,
}

pub async fn get<T: DeserializeOwned>(store: &dyn Store, key: &Key) -> Result<Option<Versioned<T>>, StoreError> {
    match store.get(key).await? {
        Some(item) => Ok(Some(Versioned { value: item.to_entity()?, version: item.version })),
        None => Ok(None),
    }
}

/// One page of `query`, each entity with its version.
pub async fn page<T: DeserializeOwned>(
    store: &dyn Store,
    query: crate::Query,
) -> Result<(Vec<Versioned<T>>, Option<String>), StoreError> {
    let page = store.query(query).await?;
    let items = page.items.into_iter().map(|i| Ok(Versioned { version: i.version, value: i.to_entity()? }));
    Ok((items.collect::<Result<_, StoreError>>()?, page.next_cursor))
}

/// The item for `entity` at `version`.
pub fn item<T: Serialize>(key: Key, entity: &T, version: u64) -> Result<Item, StoreError> {
    Ok(Item::from_entity(key, entity)?.with_version(version))
}

/// Reads the string attribute `attr` of a pointer item (slug -> tenant, email -> user).
pub async fn pointer(store: &dyn Store, key: &Key, attr: &str) -> Result<Option<String>, StoreError> {
    Ok(store.get(key).await?.and_then(|i| i.attrs.get(attr).and_then(|v| v.as_str()).map(str::to_owned)))
}

/// A pointer item: `{attr: value}` under `key`.
pub fn pointer_item(key: Key, attr: &str, value: &str) -> Item {
    let mut attrs = serde_json::Map::new();
    attrs.insert(attr.to_owned(), serde_json::Value::String(value.to_owned()));
    Item::new(key, attrs)
}
