//! The production adapter: one DynamoDB table (see [`crate::table`]), entity attributes stored
//! as top-level attributes through `serde_dynamo`. Expired items (TTL deletes them lazily) are
//! filtered out of every read and treated as absent by every condition.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{BuildError, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, Delete, DeleteRequest, GlobalSecondaryIndex,
    KeySchemaElement, KeyType, KeysAndAttributes, Projection, ProjectionType, Put, ReturnValue, ScalarAttributeType,
    Select, StreamSpecification, StreamViewType, TimeToLiveSpecification, TransactWriteItem, Update, WriteRequest,
};
use kt_domain::Clock;

use crate::Store;
use crate::cursor::Position;
use crate::limits;
use crate::model::*;
use crate::table::{TABLE, key_attributes};

mod codec;

use codec::{build, conditional, from_attrs, key_attrs, sdk, start_key, to_attrs};

type Attrs = HashMap<String, AttributeValue>;

#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
    clock: Arc<dyn Clock>,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>, clock: Arc<dyn Clock>) -> Self {
        Self { client, table: table.into(), clock }
    }

    pub fn table_name(&self) -> &str {
        &self.table
    }

    /// Creates the table from [`TABLE`] when it does not exist (emulators and first runs;
    /// in AWS, `template.yaml` declares it).
    pub async fn ensure_table(&self) -> Result<(), StoreError> {
        let s = |name: &str| -> Result<AttributeDefinition, StoreError> {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(build)
        };
        let key = |name: &str, kind: KeyType| -> Result<KeySchemaElement, StoreError> {
            KeySchemaElement::builder().attribute_name(name).key_type(kind).build().map_err(build)
        };
        let mut req = self
            .client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .key_schema(key(TABLE.partition_key, KeyType::Hash)?)
            .key_schema(key(TABLE.sort_key, KeyType::Range)?)
            .stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::from(TABLE.stream_view))
                    .build()
                    .map_err(build)?,
            );
        for attr in key_attributes() {
            req = req.attribute_definitions(s(attr)?);
        }
        for ((name, pk, sk), index) in TABLE.gsis.into_iter().zip(Index::GSIS) {
            let projection = if index.keys_only() { ProjectionType::KeysOnly } else { ProjectionType::All };
            req = req.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(name)
                    .key_schema(key(pk, KeyType::Hash)?)
                    .key_schema(key(sk, KeyType::Range)?)
                    .projection(Projection::builder().projection_type(projection).build())
                    .build()
                    .map_err(build)?,
            );
        }
        match req.send().await {
            Ok(_) => {}
            Err(e) if e.code() == Some("ResourceInUseException") => return Ok(()),
            Err(e) => return Err(sdk(e)),
        }
        self.client
            .update_time_to_live()
            .table_name(&self.table)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(TABLE.ttl_attribute)
                    .enabled(true)
                    .build()
                    .map_err(build)?,
            )
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }

    async fn transact_once(&self, items: Vec<TransactWriteItem>) -> Result<(), TxFailure> {
        // The SDK retries a call whose answer was lost (a timeout, a dropped connection); the
        // token makes DynamoDB apply the transaction once, so a retry of one that succeeded
        // does not fail on its own conditions.
        let token = ulid::Ulid::new().to_string();
        let call = self.client.transact_write_items().set_transact_items(Some(items)).client_request_token(token);
        match call.send().await {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(ctx)) => match ctx.into_err() {
                TransactWriteItemsError::TransactionCanceledException(e) => {
                    let reasons = e.cancellation_reasons();
                    if let Some(i) = reasons.iter().position(|r| r.code() == Some("ConditionalCheckFailed")) {
                        Err(TxFailure::Fatal(StoreError::Conflict { op: Some(i) }))
                    } else if reasons.iter().any(|r| r.code() == Some("TransactionConflict")) {
                        Err(TxFailure::Retry)
                    } else {
                        Err(TxFailure::Fatal(StoreError::Unavailable(format!(
                            "dynamodb: transaction cancelled: {:?}",
                            reasons.iter().map(|r| r.code()).collect::<Vec<_>>()
                        ))))
                    }
                }
                TransactWriteItemsError::TransactionInProgressException(_) => Err(TxFailure::Retry),
                other => Err(TxFailure::Fatal(StoreError::Unavailable(format!("dynamodb: {other}")))),
            },
            Err(e) => Err(TxFailure::Fatal(sdk(e))),
        }
    }

    fn tx_item(&self, op: TxOp, now: i64) -> Result<TransactWriteItem, StoreError> {
        Ok(match op {
            TxOp::Put { item, cond } => {
                let c = condition(cond, now);
                TransactWriteItem::builder()
                    .put(
                        Put::builder()
                            .table_name(&self.table)
                            .set_item(Some(to_attrs(&item)?))
                            .set_condition_expression(c.expr)
                            .set_expression_attribute_names(c.names)
                            .set_expression_attribute_values(c.values)
                            .build()
                            .map_err(build)?,
                    )
                    .build()
            }
            TxOp::Delete { key, cond } => {
                let c = condition(cond, now);
                TransactWriteItem::builder()
                    .delete(
                        Delete::builder()
                            .table_name(&self.table)
                            .set_key(Some(key_attrs(&key)))
                            .set_condition_expression(c.expr)
                            .set_expression_attribute_names(c.names)
                            .set_expression_attribute_values(c.values)
                            .build()
                            .map_err(build)?,
                    )
                    .build()
            }
            TxOp::Check { key, cond } => {
                // DynamoDB requires an expression on a condition check; "none" always holds.
                let c = condition(cond, now);
                let (expr, names) = match c.expr {
                    Some(e) => (e, c.names),
                    None => (
                        "attribute_exists(#pk) OR attribute_not_exists(#pk)".to_owned(),
                        Some(HashMap::from([("#pk".to_owned(), "pk".to_owned())])),
                    ),
                };
                TransactWriteItem::builder()
                    .condition_check(
                        ConditionCheck::builder()
                            .table_name(&self.table)
                            .set_key(Some(key_attrs(&key)))
                            .condition_expression(expr)
                            .set_expression_attribute_names(names)
                            .set_expression_attribute_values(c.values)
                            .build()
                            .map_err(build)?,
                    )
                    .build()
            }
            TxOp::Add { key, fields } => {
                let expr = (0..fields.len()).map(|i| format!("#f{i} :v{i}")).collect::<Vec<_>>().join(", ");
                let mut update = Update::builder()
                    .table_name(&self.table)
                    .set_key(Some(key_attrs(&key)))
                    .update_expression(format!("ADD {expr}"));
                for (i, (field, by)) in fields.iter().enumerate() {
                    update = update
                        .expression_attribute_names(format!("#f{i}"), field)
                        .expression_attribute_values(format!(":v{i}"), AttributeValue::N(by.to_string()));
                }
                TransactWriteItem::builder().update(update.build().map_err(build)?).build()
            }
            TxOp::Increment { key, field, by } => TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name(&self.table)
                        .set_key(Some(key_attrs(&key)))
                        .update_expression("ADD #f :by")
                        .expression_attribute_names("#f", field)
                        .expression_attribute_values(":by", AttributeValue::N(by.to_string()))
                        .build()
                        .map_err(build)?,
                )
                .build(),
        })
    }
}

enum TxFailure {
    Retry,
    Fatal(StoreError),
}

#[async_trait]
impl Store for DynamoStore {
    fn adapter(&self) -> &'static str {
        "dynamodb"
    }

    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        limits::check_key(key)?;
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk)?;
        let now = self.clock.now_unix();
        match out.item {
            None => Ok(None),
            Some(attrs) => Ok(Some(from_attrs(attrs)?).filter(|i| !i.is_expired(now))),
        }
    }

    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        limits::check_batch(keys)?;
        let mut found = std::collections::HashMap::new();
        let mut pending: Vec<Attrs> = keys.iter().map(key_attrs).collect();
        let mut delays = retry_delays();
        while !pending.is_empty() {
            let request = KeysAndAttributes::builder()
                .set_keys(Some(std::mem::take(&mut pending)))
                .consistent_read(true)
                .build()
                .map_err(|e| StoreError::Unavailable(e.to_string()))?;
            let out = self.client.batch_get_item().request_items(&self.table, request).send().await.map_err(sdk)?;
            for attrs in out.responses.and_then(|mut r| r.remove(&self.table)).unwrap_or_default() {
                let item = from_attrs(attrs)?;
                found.insert((item.key.pk.clone(), item.key.sk.clone()), item);
            }
            // Throttled keys come back unprocessed: ask again, backing off.
            pending = out.unprocessed_keys.and_then(|mut u| u.remove(&self.table)).map(|k| k.keys).unwrap_or_default();
            if !pending.is_empty() {
                let Some(delay) = delays.next() else {
                    return Err(StoreError::Unavailable("batch read kept being throttled".into()));
                };
                tokio::time::sleep(delay).await;
            }
        }
        let now = self.clock.now_unix();
        Ok(keys.iter().map(|k| found.remove(&(k.pk.clone(), k.sk.clone())).filter(|i| !i.is_expired(now))).collect())
    }

    async fn put(&self, item: Item, cond: Cond) -> Result<(), StoreError> {
        limits::check_item(&item)?;
        let c = condition(cond, self.clock.now_unix());
        let res = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_attrs(&item)?))
            .set_condition_expression(c.expr)
            .set_expression_attribute_names(c.names)
            .set_expression_attribute_values(c.values)
            .send()
            .await;
        res.map(|_| ()).map_err(conditional)
    }

    async fn delete(&self, key: &Key, cond: Cond) -> Result<(), StoreError> {
        limits::check_key(key)?;
        let c = condition(cond, self.clock.now_unix());
        let res = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(key)))
            .set_condition_expression(c.expr)
            .set_expression_attribute_names(c.names)
            .set_expression_attribute_values(c.values)
            .send()
            .await;
        res.map(|_| ()).map_err(conditional)
    }

    async fn delete_many(&self, keys: &[Key]) -> Result<(), StoreError> {
        limits::check_batch(keys)?;
        for chunk in keys.chunks(MAX_BATCH_WRITE) {
            let mut pending: Vec<WriteRequest> = chunk
                .iter()
                .map(|k| {
                    let delete = DeleteRequest::builder().set_key(Some(key_attrs(k))).build()?;
                    Ok(WriteRequest::builder().delete_request(delete).build())
                })
                .collect::<Result<_, BuildError>>()
                .map_err(|e| StoreError::Unavailable(e.to_string()))?;
            let mut delays = retry_delays();
            while !pending.is_empty() {
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, std::mem::take(&mut pending))
                    .send()
                    .await
                    .map_err(sdk)?;
                // Throttled requests come back unprocessed: send them again, backing off.
                pending = out.unprocessed_items.and_then(|mut u| u.remove(&self.table)).unwrap_or_default();
                if !pending.is_empty() {
                    let Some(delay) = delays.next() else {
                        return Err(StoreError::Unavailable("batch delete kept being throttled".into()));
                    };
                    tokio::time::sleep(delay).await;
                }
            }
        }
        Ok(())
    }

    async fn query(&self, query: Query) -> Result<Page, StoreError> {
        limits::check_query(&query)?;
        let after = Position::decode(&query)?;
        let now = self.clock.now_unix();
        let (ipk, isk) = query.index.key_attrs();
        let mut names = HashMap::from([("#ipk".to_owned(), ipk.to_owned())]);
        let mut values = HashMap::from([(":pk".to_owned(), AttributeValue::S(query.pk.clone()))]);
        // Expired items are filtered out; a keys-only index holds no expiry to filter on (its
        // items do not expire: the work queue's tickets).
        let live_filter = (!query.index.keys_only()).then(|| {
            names.insert("#exp".to_owned(), TABLE.ttl_attribute.to_owned());
            values.insert(":now".to_owned(), AttributeValue::N(now.to_string()));
            "attribute_not_exists(#exp) OR #exp > :now"
        });
        let mut key_expr = "#ipk = :pk".to_owned();
        if let Some(cond) = &query.sk {
            names.insert("#isk".to_owned(), isk.to_owned());
            let mut v = |name: &str, s: &String| {
                values.insert(name.to_owned(), AttributeValue::S(s.clone()));
            };
            key_expr += &match cond {
                SkCond::Eq(s) => {
                    v(":s", s);
                    " AND #isk = :s".to_owned()
                }
                SkCond::Lt(s) => {
                    v(":s", s);
                    " AND #isk < :s".to_owned()
                }
                SkCond::Le(s) => {
                    v(":s", s);
                    " AND #isk <= :s".to_owned()
                }
                SkCond::Gt(s) => {
                    v(":s", s);
                    " AND #isk > :s".to_owned()
                }
                SkCond::Ge(s) => {
                    v(":s", s);
                    " AND #isk >= :s".to_owned()
                }
                SkCond::BeginsWith(s) => {
                    v(":s", s);
                    " AND begins_with(#isk, :s)".to_owned()
                }
                SkCond::Between(a, b) => {
                    v(":a", a);
                    v(":b", b);
                    " AND #isk BETWEEN :a AND :b".to_owned()
                }
            };
        }
        let mut start: Option<Attrs> = after.map(|p| start_key(query.index, &p));
        let want = query.limit.map(|l| l as usize + 1);
        let mut items = Vec::new();
        let mut count = 0u64;
        loop {
            let mut req = self
                .client
                .query()
                .table_name(&self.table)
                .set_index_name(query.index.name().map(str::to_owned))
                .key_condition_expression(&key_expr)
                .set_filter_expression(live_filter.map(str::to_owned))
                .set_expression_attribute_names(Some(names.clone()))
                .set_expression_attribute_values(Some(values.clone()))
                .scan_index_forward(query.order == Order::Asc)
                .consistent_read(query.index == Index::Table)
                .set_exclusive_start_key(start.take());
            if query.count_only {
                req = req.select(Select::Count);
            } else if let Some(want) = want {
                req = req.limit((want - items.len()) as i32);
            }
            if (query.keys_only || query.index.keys_only()) && !query.count_only {
                let mut projected = names.clone();
                let mut list = Vec::new();
                let (ipk, isk) = query.index.key_attrs();
                // A keys-only index holds no version nor expiry: the table's keys and its own.
                let own = if query.index.keys_only() { &[][..] } else { &["version"][..] };
                let attrs = ["pk", "sk"]
                    .into_iter()
                    .chain(own.iter().copied())
                    .chain((query.index != Index::Table).then_some([ipk, isk]).into_iter().flatten());
                for (i, attr) in attrs.enumerate() {
                    projected.insert(format!("#k{i}"), attr.to_owned());
                    list.push(format!("#k{i}"));
                }
                if !query.index.keys_only() {
                    list.push("#exp".to_owned());
                }
                req = req.projection_expression(list.join(", ")).set_expression_attribute_names(Some(projected));
            }
            let out = req.send().await.map_err(sdk)?;
            count += out.count as u64;
            for attrs in out.items.unwrap_or_default() {
                items.push(from_attrs(attrs)?);
            }
            let done = want.is_some_and(|w| items.len() >= w) && !query.count_only;
            match out.last_evaluated_key {
                Some(k) if !done && !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        if query.count_only {
            return Ok(Page { items: vec![], next_cursor: None, count });
        }
        let mut next_cursor = None;
        if let Some(limit) = query.limit
            && items.len() > limit as usize
        {
            items.truncate(limit as usize);
            next_cursor = items.last().map(|last| Position::after(query.index, last).encode());
        }
        Ok(Page { count: items.len() as u64, items, next_cursor })
    }

    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError> {
        limits::check_transaction(&ops)?;
        let mut delays = retry_delays();
        loop {
            let now = self.clock.now_unix();
            let items = ops.iter().cloned().map(|op| self.tx_item(op, now)).collect::<Result<Vec<_>, _>>()?;
            match self.transact_once(items).await {
                Ok(()) => return Ok(()),
                Err(TxFailure::Fatal(e)) => {
                    if let StoreError::Conflict { op: Some(i) } = &e
                        && let Some(op) = ops.get(*i)
                    {
                        let key = op.key();
                        tracing::debug!(pk = %key.pk, sk = %key.sk, "transaction condition failed");
                    }
                    return Err(e);
                }
                Err(TxFailure::Retry) => match delays.next() {
                    Some(delay) => tokio::time::sleep(delay).await,
                    None => return Err(StoreError::Unavailable("dynamodb: transaction kept conflicting".into())),
                },
            }
        }
    }

    async fn increment(&self, key: &Key, field: &str, by: i64) -> Result<i64, StoreError> {
        limits::check_key(key)?;
        limits::check_attr_name(field)?;
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(key)))
            .update_expression("ADD #f :by")
            .expression_attribute_names("#f", field)
            .expression_attribute_values(":by", AttributeValue::N(by.to_string()))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(sdk)?;
        out.attributes
            .and_then(|a| a.get(field).cloned())
            .and_then(|v| v.as_n().ok().and_then(|n| n.parse::<i64>().ok()))
            .ok_or_else(|| StoreError::Corrupt(format!("{}/{}: {field} is not a number", key.pk, key.sk)))
    }

    async fn sweep_expired(&self) -> Result<u64, StoreError> {
        // DynamoDB's TTL deletes expired items itself; reads already hide them.
        Ok(0)
    }
}

struct Condition {
    expr: Option<String>,
    names: Option<HashMap<String, String>>,
    values: Option<Attrs>,
}

fn condition(cond: Cond, now: i64) -> Condition {
    const LIVE: &str = "(attribute_not_exists(#exp) OR #exp > :now)";
    let (expr, with_version) = match cond {
        Cond::None => {
            return Condition { expr: None, names: None, values: None };
        }
        Cond::NotExists => ("attribute_not_exists(#pk) OR #exp <= :now".to_owned(), None),
        Cond::Exists => (format!("attribute_exists(#pk) AND {LIVE}"), None),
        Cond::Version(v) => (format!("#v = :v AND {LIVE}"), Some(v)),
    };
    let mut names = HashMap::from([("#exp".to_owned(), TABLE.ttl_attribute.to_owned())]);
    let mut values = HashMap::from([(":now".to_owned(), AttributeValue::N(now.to_string()))]);
    match with_version {
        Some(v) => {
            names.insert("#v".to_owned(), "version".to_owned());
            values.insert(":v".to_owned(), AttributeValue::N(v.to_string()));
        }
        None => {
            names.insert("#pk".to_owned(), TABLE.partition_key.to_owned());
        }
    }
    Condition { expr: Some(expr), names: Some(names), values: Some(values) }
}

/// Requests one BatchWriteItem call carries.
const MAX_BATCH_WRITE: usize = 25;

/// Waits between retries of throttled or conflicting requests: exponential from 10 ms, with
/// full jitter so that writers that collided do not collide again in step; six retries.
fn retry_delays() -> impl Iterator<Item = Duration> {
    use backon::BackoffBuilder;
    backon::ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(10))
        .with_max_delay(Duration::from_millis(640))
        .with_max_times(6)
        .with_jitter()
        .build()
}
