//! Opaque query cursors: the key of the last item returned, bound to the index and partition
//! it came from so a cursor cannot be replayed against another query.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::model::{Index, Item, Query, Violation};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Index name (`table`, `gsi1`, ...).
    pub i: String,
    /// Table primary key of the last item.
    pub pk: String,
    pub sk: String,
    /// Index key of the last item (GSIs only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isk: Option<String>,
}

impl Position {
    pub fn after(index: Index, item: &Item) -> Self {
        let ik = item.index_key(index);
        let gsi = index != Index::Table;
        Self {
            i: index.name().unwrap_or("table").to_owned(),
            pk: item.key.pk.clone(),
            sk: item.key.sk.clone(),
            ipk: if gsi { ik.as_ref().map(|k| k.pk.clone()) } else { None },
            isk: if gsi { ik.map(|k| k.sk) } else { None },
        }
    }

    /// The sort key of the index this position is in.
    pub fn index_sk(&self) -> &str {
        self.isk.as_deref().unwrap_or(&self.sk)
    }

    pub fn encode(&self) -> String {
        // Serialising a struct of strings cannot fail.
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Decodes `query.cursor`, checking it belongs to this query's index and partition.
    pub fn decode(query: &Query) -> Result<Option<Self>, Violation> {
        let Some(raw) = query.cursor.as_deref() else {
            return Ok(None);
        };
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| Violation::BadCursor)?;
        let pos: Position = serde_json::from_slice(&bytes).map_err(|_| Violation::BadCursor)?;
        let index = Index::from_name(&pos.i).ok_or(Violation::BadCursor)?;
        let partition = if index == Index::Table { Some(&pos.pk) } else { pos.ipk.as_ref() };
        if index != query.index || partition != Some(&query.pk) {
            return Err(Violation::BadCursor);
        }
        Ok(Some(pos))
    }
}
