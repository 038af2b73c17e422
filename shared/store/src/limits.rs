//! DynamoDB's limits, checked before any adapter is reached so that the same bad input fails
//! the same way on SQLite and on DynamoDB, with a typed [`Violation`].

use std::collections::HashSet;

use serde_json::Value;

use crate::model::{Item, Key, Query, RESERVED_ATTRS, TxOp, Violation};

pub const MAX_ITEM_BYTES: usize = 400 * 1024;
pub const MAX_PK_BYTES: usize = 2048;
pub const MAX_SK_BYTES: usize = 1024;
/// Keys one `get_many` reads (DynamoDB's BatchGetItem limit).
pub const MAX_BATCH_GET: usize = 100;

pub const MAX_TRANSACT_OPS: usize = 100;
/// The most one transaction may carry (DynamoDB's TransactWriteItems: 4 MB of items).
pub const MAX_TRANSACT_BYTES: usize = 4 * 1024 * 1024;

pub fn check_key(key: &Key) -> Result<(), Violation> {
    check_key_part("pk", &key.pk, MAX_PK_BYTES)?;
    check_key_part("sk", &key.sk, MAX_SK_BYTES)
}

fn check_key_part(attr: &'static str, value: &str, limit: usize) -> Result<(), Violation> {
    if value.is_empty() {
        return Err(Violation::EmptyKey { attr });
    }
    if value.len() > limit {
        return Err(Violation::KeyTooLong { attr, len: value.len(), limit });
    }
    Ok(())
}

/// Attribute names the port accepts: a conservative set every adapter can express safely.
pub fn check_attr_name(name: &str) -> Result<(), Violation> {
    if RESERVED_ATTRS.contains(&name) {
        return Err(Violation::ReservedAttribute(name.to_owned()));
    }
    let ok = !name.is_empty() && name.len() <= 255 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok { Ok(()) } else { Err(Violation::BadAttributeName(name.to_owned())) }
}

pub fn check_item(item: &Item) -> Result<(), Violation> {
    check_key(&item.key)?;
    for (slot, gsi) in item.gsi.iter().enumerate() {
        if let Some(k) = gsi {
            let (pk_attr, sk_attr) = GSI_ATTRS[slot];
            check_key_part(pk_attr, &k.pk, MAX_PK_BYTES)?;
            check_key_part(sk_attr, &k.sk, MAX_SK_BYTES)?;
        }
    }
    for name in item.attrs.keys() {
        check_attr_name(name)?;
    }
    let size = item_size(item);
    if size > MAX_ITEM_BYTES {
        return Err(Violation::ItemTooLarge { size, limit: MAX_ITEM_BYTES });
    }
    Ok(())
}

const GSI_ATTRS: [(&str, &str); 3] = [("gsi1pk", "gsi1sk"), ("gsi2pk", "gsi2sk"), ("gsi3pk", "gsi3sk")];

/// The item's size as DynamoDB counts it: attribute names plus values.
pub fn item_size(item: &Item) -> usize {
    let mut size = 2 + item.key.pk.len() + 2 + item.key.sk.len();
    for (slot, gsi) in item.gsi.iter().enumerate() {
        if let Some(k) = gsi {
            size += GSI_ATTRS[slot].0.len() + k.pk.len() + GSI_ATTRS[slot].1.len() + k.sk.len();
        }
    }
    size += "version".len() + number_size(&item.version.to_string());
    if let Some(t) = item.expires_at {
        size += "expires_at".len() + number_size(&t.to_string());
    }
    size + item.attrs.iter().map(|(k, v)| k.len() + value_size(v)).sum::<usize>()
}

fn number_size(digits: &str) -> usize {
    let significant = digits.trim_start_matches('-').trim_matches('0').replace('.', "").len();
    significant.div_ceil(2) + 1
}

fn value_size(v: &Value) -> usize {
    match v {
        Value::Null | Value::Bool(_) => 1,
        Value::Number(n) => number_size(&n.to_string()),
        Value::String(s) => s.len(),
        Value::Array(a) => 3 + a.iter().map(|e| 1 + value_size(e)).sum::<usize>(),
        Value::Object(o) => 3 + o.iter().map(|(k, e)| 1 + k.len() + value_size(e)).sum::<usize>(),
    }
}

/// Most counters one [`TxOp::Add`] changes.
pub const MAX_ADD_FIELDS: usize = 50;

pub fn check_transaction(ops: &[TxOp]) -> Result<(), Violation> {
    if ops.is_empty() || ops.len() > MAX_TRANSACT_OPS {
        return Err(Violation::TransactionSize { count: ops.len(), limit: MAX_TRANSACT_OPS });
    }
    let mut seen = HashSet::with_capacity(ops.len());
    let mut size = 0;
    for op in ops {
        match op {
            TxOp::Put { item, .. } => check_item(item)?,
            TxOp::Delete { key, .. } | TxOp::Check { key, .. } => check_key(key)?,
            TxOp::Increment { key, field, .. } => {
                check_key(key)?;
                check_attr_name(field)?;
            }
            TxOp::Add { key, fields } => {
                check_key(key)?;
                let distinct: HashSet<&str> = fields.iter().map(|(f, _)| f.as_str()).collect();
                if fields.is_empty() || fields.len() > MAX_ADD_FIELDS || distinct.len() != fields.len() {
                    return Err(Violation::TooManyCounters { count: fields.len(), limit: MAX_ADD_FIELDS });
                }
                fields.iter().try_for_each(|(f, _)| check_attr_name(f))?;
            }
        }
        size += op_size(op);
        let key = op.key();
        if !seen.insert(key) {
            return Err(Violation::DuplicateTransactionItem { pk: key.pk.clone(), sk: key.sk.clone() });
        }
    }
    if size > MAX_TRANSACT_BYTES {
        return Err(Violation::TransactionTooLarge { size, limit: MAX_TRANSACT_BYTES });
    }
    Ok(())
}

/// What `op` counts towards a transaction's [`MAX_TRANSACT_BYTES`]: the item written, or the
/// key of an item only named (a delete or a condition check).
pub fn op_size(op: &TxOp) -> usize {
    match op {
        TxOp::Put { item, .. } => item_size(item),
        TxOp::Delete { key, .. } | TxOp::Check { key, .. } => key_size(key),
        TxOp::Increment { key, field, .. } => key_size(key) + field.len() + 21,
        TxOp::Add { key, fields } => key_size(key) + fields.iter().map(|(f, _)| f.len() + 21).sum::<usize>(),
    }
}

fn key_size(key: &Key) -> usize {
    2 + key.pk.len() + 2 + key.sk.len()
}

pub fn check_query(query: &Query) -> Result<(), Violation> {
    let (pk_attr, _) = query.index.key_attrs();
    check_key_part(pk_attr, &query.pk, MAX_PK_BYTES)?;
    if query.limit == Some(0) {
        return Err(Violation::ZeroLimit);
    }
    Ok(())
}

/// Checks a batch read: at most [`MAX_BATCH_GET`] valid, distinct keys.
pub fn check_batch(keys: &[Key]) -> Result<(), Violation> {
    if keys.len() > MAX_BATCH_GET {
        return Err(Violation::BatchSize { count: keys.len(), limit: MAX_BATCH_GET });
    }
    let mut seen = HashSet::new();
    for key in keys {
        check_key(key)?;
        if !seen.insert((&key.pk, &key.sk)) {
            return Err(Violation::DuplicateBatchKey { pk: key.pk.clone(), sk: key.sk.clone() });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(attrs: Value) -> Item {
        Item::new(Key::new("T#a", "X"), attrs.as_object().cloned().unwrap_or_default())
    }

    #[test]
    fn accepts_an_item_just_under_the_limit_and_rejects_one_over() {
        let base = item_size(&item(json!({"body": ""})));
        let fits = item(json!({"body": "x".repeat(MAX_ITEM_BYTES - base)}));
        assert_eq!(item_size(&fits), MAX_ITEM_BYTES);
        assert!(check_item(&fits).is_ok());
        let over = item(json!({"body": "x".repeat(MAX_ITEM_BYTES - base + 1)}));
        assert!(matches!(check_item(&over), Err(Violation::ItemTooLarge { .. })));
    }

    #[test]
    fn rejects_reserved_and_odd_attribute_names() {
        assert_eq!(check_item(&item(json!({"version": 3}))), Err(Violation::ReservedAttribute("version".into())));
        assert!(matches!(check_item(&item(json!({"a.b": 1}))), Err(Violation::BadAttributeName(_))));
    }

    #[test]
    fn rejects_empty_and_long_keys() {
        assert_eq!(check_key(&Key::new("", "a")), Err(Violation::EmptyKey { attr: "pk" }));
        assert!(matches!(
            check_key(&Key::new("p", "s".repeat(MAX_SK_BYTES + 1))),
            Err(Violation::KeyTooLong { attr: "sk", .. })
        ));
    }

    #[test]
    fn transactions_hold_one_to_a_hundred_distinct_items() {
        let op = |i: usize| TxOp::Check { key: Key::new("p", format!("{i}")), cond: crate::Cond::Exists };
        assert!(check_transaction(&[]).is_err());
        assert!(check_transaction(&(0..100).map(op).collect::<Vec<_>>()).is_ok());
        assert!(matches!(
            check_transaction(&(0..101).map(op).collect::<Vec<_>>()),
            Err(Violation::TransactionSize { count: 101, .. })
        ));
        assert!(matches!(check_transaction(&[op(1), op(1)]), Err(Violation::DuplicateTransactionItem { .. })));
    }

    #[test]
    fn transactions_carry_at_most_four_megabytes() {
        let big = |i: usize, len: usize| {
            let mut it = item(json!({"body": "x".repeat(len)}));
            it.key.sk = format!("X{i:02}");
            TxOp::Put { item: it, cond: crate::Cond::None }
        };
        // Thirteen items of 300 KB fit (3,900 KB < 4,096 KB); a fourteenth does not, although
        // each item alone is within its own limit.
        let thirteen: Vec<TxOp> = (0..13).map(|i| big(i, 300 * 1024)).collect();
        assert!(check_transaction(&thirteen).is_ok());
        let mut fourteen = thirteen.clone();
        fourteen.push(big(13, 300 * 1024));
        assert!(matches!(check_transaction(&fourteen), Err(Violation::TransactionTooLarge { .. })));
    }

    #[test]
    fn number_sizes_follow_dynamodb() {
        assert_eq!(number_size("0"), 1);
        assert_eq!(number_size("12345"), 4);
        assert_eq!(number_size("-1000"), 2);
    }
}
