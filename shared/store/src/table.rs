//! The one definition of the table: key attributes, GSIs, TTL attribute and stream. The
//! DynamoDB adapter creates tables from it, the SQLite schema mirrors it, and a test holds
//! `template.yaml` to it.

use crate::model::Index;

pub struct TableDef {
    pub partition_key: &'static str,
    pub sort_key: &'static str,
    /// (index name, partition key attribute, sort key attribute); all string keys; every
    /// attribute projected but where [`Index::keys_only`] says keys only.
    pub gsis: [(&'static str, &'static str, &'static str); 3],
    pub ttl_attribute: &'static str,
    pub stream_view: &'static str,
}

pub const TABLE: TableDef = TableDef {
    partition_key: "pk",
    sort_key: "sk",
    gsis: [gsi(Index::Gsi1), gsi(Index::Gsi2), gsi(Index::Gsi3)],
    ttl_attribute: "expires_at",
    stream_view: "NEW_IMAGE",
};

const fn gsi(index: Index) -> (&'static str, &'static str, &'static str) {
    match index {
        Index::Gsi1 => ("gsi1", "gsi1pk", "gsi1sk"),
        Index::Gsi2 => ("gsi2", "gsi2pk", "gsi2sk"),
        Index::Gsi3 => ("gsi3", "gsi3pk", "gsi3sk"),
        Index::Table => ("", "pk", "sk"),
    }
}

/// Every key attribute (table and GSIs), all of type string.
pub fn key_attributes() -> Vec<&'static str> {
    let mut attrs = vec![TABLE.partition_key, TABLE.sort_key];
    for (_, pk, sk) in TABLE.gsis {
        attrs.push(pk);
        attrs.push(sk);
    }
    attrs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsi_definitions_agree_with_the_index_enum() {
        for (def, index) in TABLE.gsis.iter().zip(Index::GSIS) {
            assert_eq!(Some(def.0), index.name());
            assert_eq!((def.1, def.2), index.key_attrs());
        }
        assert_eq!(key_attributes().len(), 8);
        assert_eq!(Index::GSIS.iter().filter(|i| i.keys_only()).collect::<Vec<_>>(), [&Index::Gsi3]);
    }
}
