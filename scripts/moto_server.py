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
  nothing).

All other services (S3, SQS, SES, SNS, ...) are moto's own, unchanged.
"""

import copy
import sys
import threading

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler
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


_call_action = DynamoHandler.call_action


def _locked_call_action(self):
    with _LOCK:
        return _call_action(self)


DynamoHandler.call_action = _locked_call_action

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
