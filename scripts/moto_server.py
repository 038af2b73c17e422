"""moto's server with two fixes to its DynamoDB emulation, for the tests and benchmarks.

Usage: .tools/venv/bin/python scripts/moto_server.py [moto_server arguments, e.g. -H 127.0.0.1 -p 5000]

moto 5 answers DynamoDB calls on many threads at once without synchronization, and its
TransactWriteItems deep-copies every table it touches before writing (to roll back on a
failed condition). Under concurrent writers the copy iterates a table another thread is
changing and the call fails with a 500 ("dictionary changed size during iteration"); and the
copy costs time in proportion to the whole table, so transactions slow down as the table
grows. Real DynamoDB does neither. Here:

* every DynamoDB request runs under one lock (requests are serialized, as if each were atomic);
* a transaction snapshots only the items it names and, when it is cancelled, puts exactly
  those back (the whole-table copy becomes the table itself, and rolling back to it changes
  nothing);
* a Query reads only its candidates: a table query the items of its partition, an index
  query the items whose index partition key has the value asked for (kept in a map per
  table, updated after every put, update and delete). moto itself sorts the whole table for
  every Query, so queries slow down as the table grows.

It also records which IAM action each request needs, per access key, for the deployed-shape
test (functions/local/tests/deployed.rs gives each function binary its own key):
`GET /_kt/calls?key=AKID` answers the distinct actions (e.g. `dynamodb:PutItem`; a
TransactWriteItems counts as the per-item actions IAM checks) and `DELETE /_kt/calls` forgets
them all.

All other services (S3, SQS, SES, SNS, ...) are moto's own, unchanged. Two costs of every
request go too: the list of moto's service folders is read from disk once instead of per
request, and werkzeug no longer logs each request (warnings and errors still reach the log).
"""

import copy
import functools
import io
import json
import logging
import re
import sys
import threading
from urllib.parse import parse_qs

import moto.backends as moto_backends

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.server import main

_LOCK = threading.RLock()


class _TablesAsIs:
    """Stands in for the `copy` module inside moto's DynamoDB backend: a table "copy" is the
    table itself; anything else is deep-copied as before."""

    @staticmethod
    def deepcopy(value, memo=None):
        if isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)

    def __getattr__(self, name):
        return getattr(copy, name)


dynamodb_models.copy = _TablesAsIs()


def _named_items(backend, transact_items):
    """(table, hash value, range value) of every item a transaction names."""
    named = []
    for entry in transact_items:
        if len(entry) != 1:
            continue
        _, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName"))
        if table is None:
            continue
        key = op.get("Key") or op.get("Item") or {}
        if table.hash_key_attr not in key:
            continue
        hash_value = DynamoType(key[table.hash_key_attr])
        range_value = None
        if table.range_key_attr is not None:
            if table.range_key_attr not in key:
                continue
            range_value = DynamoType(key[table.range_key_attr])
        named.append((table, hash_value, range_value))
    return named


def _stored(table, key):
    hash_value, range_value = key
    if table.range_key_attr is not None:
        partition = table.items.get(hash_value)
        return None if partition is None else partition.get(range_value)
    return table.items.get(hash_value)


def _key_of(table, attrs):
    """The (hash, range) key of an item or key in DynamoDB JSON; None when it has none."""
    try:
        hash_value = DynamoType(attrs[table.hash_key_attr])
        range_value = None
        if table.range_key_attr is not None:
            range_value = DynamoType(attrs[table.range_key_attr])
        return (hash_value, range_value)
    except (KeyError, TypeError):
        return None


class _IndexPartitions:
    """For each global secondary index's partition key attribute: value -> keys of the items
    holding it."""

    def __init__(self, table):
        self.attrs = _index_hash_attrs(table)
        self.by_value = {attr: {} for attr in self.attrs}
        self.of_key = {}
        for item in _all_items(table):
            self.add((item.hash_key, item.range_key), item)

    def add(self, key, item):
        entries = []
        for attr in self.attrs:
            value = item.attrs.get(attr)
            if value is not None:
                self.by_value[attr].setdefault(value, set()).add(key)
                entries.append((attr, value))
        if entries:
            self.of_key[key] = entries

    def remove(self, key):
        for attr, value in self.of_key.pop(key, ()):
            keys = self.by_value[attr].get(value)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self.by_value[attr][value]

    def refresh(self, table, key):
        self.remove(key)
        item = _stored(table, key)
        if item is not None:
            self.add(key, item)


def _index_hash_attrs(table):
    return frozenset(
        k["AttributeName"] for index in table.global_indexes for k in index.schema if k["KeyType"] == "HASH"
    )


def _partitions(table):
    """The table's map, built on first use (and again when its indexes changed)."""
    current = table.__dict__.get("_kt_partitions")
    if current is None or current.attrs != _index_hash_attrs(table):
        current = _IndexPartitions(table)
        table.__dict__["_kt_partitions"] = current
    return current


def _refresh(table, key):
    current = table.__dict__.get("_kt_partitions")
    if current is None:
        return
    if key is None:
        # A write whose key is not known here: the map is rebuilt on the next query.
        table.__dict__.pop("_kt_partitions", None)
    else:
        current.refresh(table, key)


def _restore(table, hash_value, range_value, before):
    if range_value is not None:
        if before is None:
            partition = table.items.get(hash_value)
            if partition is not None:
                partition.pop(range_value, None)
        else:
            table.items[hash_value][range_value] = before
    elif before is None:
        table.items.pop(hash_value, None)
    else:
        table.items[hash_value] = before
    _refresh(table, (hash_value, range_value))


_transact_write_items = DynamoDBBackend.transact_write_items


def transact_write_items(self, transact_items):
    with _LOCK:
        snapshots = []
        for table, hash_value, range_value in _named_items(self, transact_items):
            try:
                current = table.get_item(hash_value, range_value)
            except Exception:  # an invalid key: the transaction itself refuses it
                continue
            snapshots.append((table, hash_value, range_value, copy.deepcopy(current)))
        try:
            return _transact_write_items(self, transact_items)
        except BaseException:
            for snapshot in reversed(snapshots):
                _restore(*snapshot)
            raise


DynamoDBBackend.transact_write_items = transact_write_items


def _maintained(write):
    """A backend write (put, update, delete: the ones transactions and batches use too) that
    keeps the table's map current, whether it wrote or was refused."""

    def wrapper(self, table_name, attrs, *args, **kwargs):
        try:
            return write(self, table_name, attrs, *args, **kwargs)
        finally:
            table = self.tables.get(table_name)
            if table is not None:
                _refresh(table, _key_of(table, attrs))

    return wrapper


for _name in ("put_item", "update_item", "delete_item"):
    setattr(DynamoDBBackend, _name, _maintained(getattr(DynamoDBBackend, _name)))

_all_items = Table.all_items


def _candidate_items(self):
    candidates = self.__dict__.get("_kt_candidates")
    if candidates is None:
        return _all_items(self)
    return sorted(candidates, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)


Table.all_items = _candidate_items

_table_query = Table.query


def _query(self, *args, **kwargs):
    """Table.query over its candidates only (moto filters and sorts them as before)."""
    hash_key = args[0] if args else kwargs.get("hash_key")
    index_name = args[7] if len(args) > 7 else kwargs.get("index_name")
    conditions = kwargs.get("hash_key_conditions") or (args[10] if len(args) > 10 else None) or []
    candidates = None
    if index_name:
        if any(i.name == index_name for i in self.global_indexes):
            partitions = _partitions(self)
            for attr, value in conditions:
                if attr in partitions.attrs:
                    keys = partitions.by_value[attr].get(value, ())
                    candidates = [i for i in (_stored(self, k) for k in keys) if i is not None]
                    break
    elif hash_key is not None and self.range_key_attr is not None:
        candidates = list(self.items.get(hash_key, {}).values())
    if candidates is None:
        return _table_query(self, *args, **kwargs)
    self.__dict__["_kt_candidates"] = candidates
    try:
        return _table_query(self, *args, **kwargs)
    finally:
        self.__dict__.pop("_kt_candidates", None)


Table.query = _query

_call_action = DynamoHandler.call_action


def _locked_call_action(self):
    with _LOCK:
        return _call_action(self)


DynamoHandler.call_action = _locked_call_action

_list_of_moto_modules = moto_backends.list_of_moto_modules
moto_backends.list_of_moto_modules = functools.lru_cache(maxsize=None)(lambda: tuple(_list_of_moto_modules()))

_CALLS = {}
_CALLS_LOCK = threading.Lock()
_CREDENTIAL = re.compile(r"Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/")
_TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
# SQS batch calls are authorized as their single-message actions.
_SQS_BATCH = {"SendMessageBatch": "SendMessage", "DeleteMessageBatch": "DeleteMessage",
              "ChangeMessageVisibilityBatch": "ChangeMessageVisibility"}


def _iam_actions(environ, body):
    """(access key, [IAM actions]) a request needs, or None when it is not signed."""
    query = parse_qs(environ.get("QUERY_STRING", ""))
    found = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    if found:
        key, service = found.groups()
    elif "X-Amz-Credential" in query:
        parts = query["X-Amz-Credential"][0].split("/")
        key, service = parts[0], parts[3]
    else:
        return None
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    op = target.rsplit(".", 1)[-1] if target else None
    method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")
    if op is None and environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        op = parse_qs(body.decode("utf-8", "replace")).get("Action", [None])[0]
    op = op or query.get("Action", [None])[0]
    if service == "dynamodb":
        if op == "TransactWriteItems":
            items = json.loads(body or b"{}").get("TransactItems", [])
            return key, sorted({f"dynamodb:{_TRANSACT[k]}" for item in items for k in item if k in _TRANSACT})
        if op == "TransactGetItems":
            return key, ["dynamodb:GetItem"]
        return key, [f"dynamodb:{op}"]
    if service == "sqs":
        return key, [f"sqs:{_SQS_BATCH.get(op, op)}"]
    if service == "s3":
        has_key = len([p for p in path.split("/") if p]) > 1
        if method == "POST" and "delete" in query:
            return key, ["s3:DeleteObject"]
        if not has_key:
            return key, ["s3:ListBucket" if method in ("GET", "HEAD") else f"s3:{method}Bucket"]
        return key, [{"GET": "s3:GetObject", "HEAD": "s3:GetObject", "PUT": "s3:PutObject",
                      "DELETE": "s3:DeleteObject"}.get(method, f"s3:{method}Object")]
    if service == "ses":
        if path.startswith("/v2/email/outbound-emails"):
            return key, ["ses:SendEmail"]
        return key, [f"ses:{op}"]
    if service == "execute-api":
        return key, ["execute-api:ManageConnections"]
    return key, [f"{service}:{op}"]


_dispatch = DomainDispatcherApplication.__call__


def _recording_dispatch(self, environ, start_response):
    if environ.get("PATH_INFO") == "/_kt/calls":
        if environ.get("REQUEST_METHOD") == "DELETE":
            with _CALLS_LOCK:
                _CALLS.clear()
            start_response("204 No Content", [])
            return [b""]
        wanted = parse_qs(environ.get("QUERY_STRING", "")).get("key", [""])[0]
        with _CALLS_LOCK:
            body = json.dumps(sorted(_CALLS.get(wanted, set()))).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = b""
    if length > 0:
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
    try:
        found = _iam_actions(environ, body)
    except Exception:  # never let the recorder break a request
        logging.getLogger(__name__).exception("could not classify a request")
        found = None
    if found:
        with _CALLS_LOCK:
            _CALLS.setdefault(found[0], set()).update(found[1])
    return _dispatch(self, environ, start_response)


DomainDispatcherApplication.__call__ = _recording_dispatch

if __name__ == "__main__":
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    sys.exit(main(sys.argv[1:]))
