"""Checks scripts/moto_server.py against moto's own server: the same DynamoDB calls give the
same answers on both (cancelled transactions change nothing, index and table queries follow
puts, updates, deletes and transactions), and on the launcher concurrent transactions from
many threads all succeed.

Usage: .tools/venv/bin/python scripts/moto_server_check.py LAUNCHER_ENDPOINT STOCK_ENDPOINT
(scripts/test starts both servers and runs it.) Exits non-zero, saying what differed, on failure.
"""

import sys
import threading
import uuid

import boto3
import botocore


def client(endpoint):
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def s(v):
    return {"S": v}


def scenario(endpoint):
    """A fixed sequence of calls; returns what each read answered."""
    c = client(endpoint)
    table = f"check-{uuid.uuid4().hex}"
    c.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "g1pk", "g1sk")],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi1",
                "KeySchema": [
                    {"AttributeName": "g1pk", "KeyType": "HASH"},
                    {"AttributeName": "g1sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    seen = []

    def index(value):
        r = c.query(
            TableName=table,
            IndexName="gsi1",
            KeyConditionExpression="g1pk = :v",
            ExpressionAttributeValues={":v": s(value)},
        )
        return [i["sk"]["S"] for i in r["Items"]]

    def partition(value):
        r = c.query(TableName=table, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": s(value)})
        return [(i["sk"]["S"], i.get("v", {}).get("N")) for i in r["Items"]]

    def look(label):
        seen.append((label, index("A"), index("B"), partition("p"), partition("q")))

    for i in range(5):
        c.put_item(TableName=table, Item={"pk": s("p"), "sk": s(str(i)), "g1pk": s("A"), "g1sk": s(f"{10 - i:02}")})
    c.put_item(TableName=table, Item={"pk": s("q"), "sk": s("0"), "v": {"N": "1"}})
    look("puts")
    c.update_item(
        TableName=table,
        Key={"pk": s("p"), "sk": s("2")},
        UpdateExpression="SET g1pk = :b",
        ExpressionAttributeValues={":b": s("B")},
    )
    c.delete_item(TableName=table, Key={"pk": s("p"), "sk": s("3")})
    look("update and delete")
    try:
        c.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"pk": s("p"), "sk": s("9"), "g1pk": s("A"), "g1sk": s("00")}}},
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"pk": s("q"), "sk": s("0")},
                        "UpdateExpression": "SET v = :n",
                        "ExpressionAttributeValues": {":n": {"N": "9"}},
                    }
                },
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"pk": s("p"), "sk": s("2")},
                        "UpdateExpression": "SET g1pk = :a",
                        "ExpressionAttributeValues": {":a": s("A")},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": {"pk": s("p"), "sk": s("nope")},
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )
        seen.append(("cancelled transaction", "was not cancelled"))
    except botocore.exceptions.ClientError as e:
        seen.append(("cancelled transaction", e.response["Error"]["Code"]))
    look("after the cancelled transaction")
    c.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": s("p"), "sk": s("9"), "g1pk": s("A"), "g1sk": s("00")}}},
            {"Delete": {"TableName": table, "Key": {"pk": s("p"), "sk": s("0")}}},
        ]
    )
    look("after a transaction")
    c.delete_table(TableName=table)
    return seen


def concurrent(endpoint, threads=8, each=40):
    """Transactions and scans from many threads at once: every call succeeds, nothing is lost."""
    c = client(endpoint)
    table = f"check-{uuid.uuid4().hex}"
    c.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk")],
        BillingMode="PAY_PER_REQUEST",
    )
    errors = []

    def work(n):
        own = client(endpoint)
        try:
            for i in range(each):
                own.transact_write_items(
                    TransactItems=[
                        {"Put": {"TableName": table, "Item": {"pk": s(f"w{n}"), "sk": s(str(i))}}},
                        {"Put": {"TableName": table, "Item": {"pk": s(f"x{n}"), "sk": s(str(i))}}},
                    ]
                )
                own.scan(TableName=table, Limit=5)
        except Exception as e:  # noqa: BLE001 - every failure is reported
            errors.append(repr(e))

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    count = c.scan(TableName=table, Select="COUNT")["Count"]
    c.delete_table(TableName=table)
    return errors, count, threads * each * 2


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    launcher, stock = argv[1], argv[2]
    failed = False
    ours, theirs = scenario(launcher), scenario(stock)
    for a, b in zip(ours, theirs):
        if a != b:
            failed = True
            print(f"differs at {a[0]!r}:\n  launcher: {a[1:]}\n  moto:     {b[1:]}", file=sys.stderr)
    if len(ours) != len(theirs):
        failed = True
        print(f"{len(ours)} answers from the launcher, {len(theirs)} from moto", file=sys.stderr)
    errors, count, expected = concurrent(launcher)
    if errors or count != expected:
        failed = True
        print(f"concurrent transactions: {len(errors)} failed ({errors[:2]}), {count} of {expected} items", file=sys.stderr)
    if failed:
        return 1
    print(f"moto launcher: {len(ours)} answers as moto's own, {expected} items written by 8 threads at once")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
