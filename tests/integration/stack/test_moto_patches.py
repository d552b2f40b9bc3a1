"""The moto patches of ``local.moto_patches``: each one works, and stock moto 5.2.5 needs it.

The "needed" test runs an unpatched moto server in a subprocess: when a moto upgrade fixes a
bug, it fails and says which patch to delete.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
import requests

from local import moto_patches
from local.stack import configure_moto

ROLE = "arn:aws:iam::123456789012:role/local"


def _sfn(url: str) -> Any:
    return boto3.session.Session().client("stepfunctions", endpoint_url=url, region_name="ap-southeast-1")


def _child_and_parent(sfn: Any, resource: str) -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:8]
    child = sfn.create_state_machine(
        name=f"child-{suffix}",
        roleArn=ROLE,
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}),
    )["stateMachineArn"]
    parent = sfn.create_state_machine(
        name=f"parent-{suffix}",
        roleArn=ROLE,
        definition=json.dumps(
            {
                "StartAt": "StartChild",
                "States": {
                    "StartChild": {
                        "Type": "Task",
                        "Resource": resource,
                        "Parameters": {"StateMachineArn": child, "Input": {"ma_ho_so": "G12-260101-0001"}},
                        "End": True,
                    }
                },
            }
        ),
    )["stateMachineArn"]
    return child, parent


def _finish(sfn: Any, execution_arn: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while True:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            return described  # type: ignore[no-any-return]
        time.sleep(0.05)


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:states:::states:startExecution",
        "arn:aws:states:::states:startExecution.sync",
        "arn:aws:states:::states:startExecution.sync:2",
    ],
)
def test_a_state_machine_can_start_another(moto_url: str, resource: str) -> None:
    sfn = _sfn(moto_url)
    child, parent = _child_and_parent(sfn, resource)

    run = _finish(sfn, sfn.start_execution(stateMachineArn=parent, name="run-1")["executionArn"])

    assert run["status"] == "SUCCEEDED", run.get("cause")
    output = json.loads(run["output"])
    [child_run] = sfn.list_executions(stateMachineArn=child)["executions"]
    assert output["ExecutionArn"] == child_run["executionArn"]
    assert isinstance(output["StartDate"], int)
    if resource.endswith(".sync:2"):
        assert output["Status"] == "SUCCEEDED"
        assert output["Input"] == {"ma_ho_so": "G12-260101-0001"}


def test_unnamed_executions_get_their_own_names(moto_url: str) -> None:
    sfn = _sfn(moto_url)
    child, _ = _child_and_parent(sfn, "arn:aws:states:::states:startExecution")

    first = sfn.start_execution(stateMachineArn=child)["executionArn"]
    second = sfn.start_execution(stateMachineArn=child, input='{"lan": 2}')["executionArn"]

    assert first != second
    assert not first.endswith(":None")
    assert len(sfn.list_executions(stateMachineArn=child)["executions"]) == 2


def test_dynamodb_requests_are_served_one_at_a_time(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's DynamoDB backend is not thread-safe (TransactWriteItems copies tables that other
    requests are writing): the patch serialises DynamoDB requests in the server."""
    from moto.dynamodb.models import DynamoDBBackend

    ddb = boto3.session.Session().client("dynamodb", endpoint_url=moto_url, region_name="ap-southeast-1")
    table = f"hoso-fx-lock-{uuid.uuid4().hex[:8]}"
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    active, peak, counter = 0, 0, threading.Lock()
    original = DynamoDBBackend.describe_table

    def observed(self: Any, name: str) -> Any:
        nonlocal active, peak
        with counter:
            active += 1
            peak = max(peak, active)
        time.sleep(0.1)
        with counter:
            active -= 1
        return original(self, name)

    monkeypatch.setattr(DynamoDBBackend, "describe_table", observed)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: ddb.describe_table(TableName=table), range(4)))

    assert [a["Table"]["TableName"] for a in answers] == [table] * 4
    assert peak == 1


def test_stream_reads_wait_for_running_dynamodb_requests(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stream reader must not see a transaction's records before it ends: a cancelled one's are
    removed and their sequence numbers reused by the next commit, which the reader would skip."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    session = boto3.session.Session()
    ddb = session.client("dynamodb", endpoint_url=moto_url, region_name="ap-southeast-1")
    streams = session.client("dynamodbstreams", endpoint_url=moto_url, region_name="ap-southeast-1")
    table, stream_arn = _table_with_stream(ddb)
    [shard] = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    writing, overlaps = threading.Event(), []
    slow_write, read = DynamoDBBackend.transact_write_items, DynamoDBStreamsBackend.get_records

    def write(self: Any, items: Any) -> Any:
        writing.set()
        try:
            time.sleep(0.3)
            return slow_write(self, items)
        finally:
            writing.clear()

    def observed_read(self: Any, *args: Any, **kwargs: Any) -> Any:
        overlaps.append(writing.is_set())
        return read(self, *args, **kwargs)

    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", write)
    monkeypatch.setattr(DynamoDBStreamsBackend, "get_records", observed_read)
    with ThreadPoolExecutor(max_workers=2) as pool:
        written = pool.submit(lambda: ddb.transact_write_items(
            TransactItems=[{"Put": {"TableName": table, "Item": {"pk": {"S": "A"}, "sk": {"S": "1"}}}}]))
        assert writing.wait(5)
        records = pool.submit(lambda: streams.get_records(ShardIterator=iterator)["Records"]).result()
        written.result()

    assert overlaps == [False]
    assert [r["eventName"] for r in records] == ["INSERT"]


def _table_with_stream(ddb: Any) -> tuple[str, str]:
    table = f"hoso-fx-tx-{uuid.uuid4().hex[:8]}"
    answer = ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return table, answer["TableDescription"]["LatestStreamArn"]


def _stream_events(streams: Any, stream_arn: str) -> list[str]:
    [shard] = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return [r["eventName"] for r in streams.get_records(ShardIterator=iterator)["Records"]]


def test_a_cancelled_transaction_leaves_items_and_stream_as_they_were(moto_url: str) -> None:
    session = boto3.session.Session()
    ddb = session.client("dynamodb", endpoint_url=moto_url, region_name="ap-southeast-1")
    streams = session.client("dynamodbstreams", endpoint_url=moto_url, region_name="ap-southeast-1")
    table, stream_arn = _table_with_stream(ddb)
    dossier = {"pk": {"S": "DOSSIER#G12-260101-0001"}, "sk": {"S": "META"}}
    ddb.put_item(TableName=table, Item={**dossier, "status": {"S": "2"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "UNIT#01"}, "sk": {"S": "META"}})
    event = {"pk": dossier["pk"], "sk": {"S": "EVENT#2"}}

    def transact(must_exist: str) -> None:
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": dossier,
                        "UpdateExpression": "SET #s = :s",
                        "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {":s": {"S": "4"}},
                    }
                },
                {"Put": {"TableName": table, "Item": {**event, "action": {"S": "assign"}}}},
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": {"pk": {"S": must_exist}, "sk": {"S": "META"}},
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )

    with pytest.raises(ddb.exceptions.TransactionCanceledException):
        transact("UNIT#none")

    assert ddb.get_item(TableName=table, Key=dossier)["Item"]["status"] == {"S": "2"}
    assert "Item" not in ddb.get_item(TableName=table, Key=event)
    assert _stream_events(streams, stream_arn) == ["INSERT", "INSERT"]

    transact("UNIT#01")

    assert ddb.get_item(TableName=table, Key=dossier)["Item"]["status"] == {"S": "4"}
    assert ddb.get_item(TableName=table, Key=event)["Item"]["action"] == {"S": "assign"}
    assert _stream_events(streams, stream_arn) == ["INSERT", "INSERT", "MODIFY", "INSERT"]


def test_transactions_do_not_copy_whole_tables(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A transaction's cost must not grow with the table (stock moto deep-copies each table)."""
    from moto.dynamodb.models.table import Table

    def refuse(self: Any, memo: Any) -> Any:
        raise AssertionError(f"table {self.name} deep-copied")

    ddb = boto3.session.Session().client("dynamodb", endpoint_url=moto_url, region_name="ap-southeast-1")
    table, _ = _table_with_stream(ddb)
    monkeypatch.setattr(Table, "__deepcopy__", refuse, raising=False)

    ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": {"pk": {"S": "A"}, "sk": {"S": str(i)}}}} for i in range(3)]
    )

    assert ddb.scan(TableName=table)["Count"] == 3


def test_applying_twice_changes_nothing() -> None:
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    before = StepFunctionsParserBackend.start_execution
    moto_patches.apply()
    moto_patches.apply()
    assert StepFunctionsParserBackend.start_execution is before


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def stock_moto_url() -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "MOTO_PORT": str(port)}
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{url}/moto-api/data.json", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        configure_moto(url)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)  # a loaded machine takes a while to stop a moto server


def test_stock_moto_still_needs_the_start_execution_patch(stock_moto_url: str) -> None:
    sfn = _sfn(stock_moto_url)
    _, parent = _child_and_parent(sfn, "arn:aws:states:::states:startExecution")

    run = _finish(sfn, sfn.start_execution(stateMachineArn=parent, name="run-1")["executionArn"])

    assert run["status"] == "FAILED", "moto now starts executions from a state machine: drop the patch"
    assert run["error"] == "States.Runtime"
    assert "StateMachineArn" in run["cause"]


def test_stock_moto_still_needs_the_execution_name_patch(stock_moto_url: str) -> None:
    sfn = _sfn(stock_moto_url)
    child, _ = _child_and_parent(sfn, "arn:aws:states:::states:startExecution")

    first = sfn.start_execution(stateMachineArn=child)["executionArn"]

    assert first.endswith(":None"), "moto now names unnamed executions: drop the patch"
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists):
        sfn.start_execution(stateMachineArn=child, input='{"lan": 2}')


# --- 5: Query reads only its partition's candidates -------------------------------------------
def _query_table(ddb: Any) -> str:
    """Items over several partitions, with string and number index keys, some not in the index."""
    name = f"query-{uuid.uuid4().hex[:8]}"
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in
                              (("pk", "S"), ("sk", "S"), ("g", "S"), ("gs", "S"), ("n", "N"), ("ns", "S"))],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {"IndexName": "byg", "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "gs", "KeyType": "RANGE"}]},
            {"IndexName": "byn", "Projection": {"ProjectionType": "KEYS_ONLY"},
             "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}, {"AttributeName": "ns", "KeyType": "RANGE"}]},
        ])
    for i in range(60):
        item: dict[str, Any] = {"pk": {"S": f"P{i % 4}"}, "sk": {"S": f"{i:03d}"}, "v": {"N": str(i)}}
        if i % 5:
            item |= {"g": {"S": f"G{i % 3}"}, "gs": {"S": f"{(i * 7) % 11:02d}"}}  # ties on gs: table keys decide
        if i % 2:
            item |= {"n": {"N": f"{i % 3}" if i % 4 == 1 else f"{i % 3}.0"}, "ns": {"S": f"{i:03d}"}}  # 1 and 1.0
        ddb.put_item(TableName=name, Item=item)
    return name


QUERIES: list[dict[str, Any]] = [
    {"KeyConditionExpression": "pk = :h", "ExpressionAttributeValues": {":h": {"S": "P1"}}},
    {"KeyConditionExpression": "pk = :h AND sk > :r", "ScanIndexForward": False, "Limit": 4,
     "ExpressionAttributeValues": {":h": {"S": "P2"}, ":r": {"S": "020"}}},
    {"KeyConditionExpression": "pk = :h", "ExpressionAttributeValues": {":h": {"S": "nobody"}}},
    {"KeyConditionExpression": "pk = :h", "FilterExpression": "v > :v",
     "ExpressionAttributeValues": {":h": {"S": "P3"}, ":v": {"N": "30"}}, "Limit": 3},
    {"IndexName": "byg", "KeyConditionExpression": "g = :h", "ExpressionAttributeValues": {":h": {"S": "G1"}},
     "Limit": 5},
    {"IndexName": "byg", "KeyConditionExpression": "g = :h AND begins_with(gs, :r)",
     "ExpressionAttributeValues": {":h": {"S": "G2"}, ":r": {"S": "0"}}, "ScanIndexForward": False, "Limit": 2},
    {"IndexName": "byn", "KeyConditionExpression": "n = :h", "ExpressionAttributeValues": {":h": {"N": "1"}},
     "Limit": 3},
    {"IndexName": "byn", "KeyConditionExpression": "n = :h", "ExpressionAttributeValues": {":h": {"N": "2.00"}}},
]


def _all_pages(ddb: Any, table: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    pages, start = [], None
    while True:
        answer = ddb.query(TableName=table, **query, **({"ExclusiveStartKey": start} if start else {}))
        pages.append({k: answer.get(k) for k in ("Items", "Count", "ScannedCount", "LastEvaluatedKey")})
        start = answer.get("LastEvaluatedKey")
        if not start:
            return pages


def test_queries_answer_as_stock_moto_does(moto_url: str, stock_moto_url: str) -> None:
    patched, stock = (boto3.session.Session().client("dynamodb", endpoint_url=url, region_name="ap-southeast-1")
                      for url in (moto_url, stock_moto_url))
    ours, theirs = _query_table(patched), _query_table(stock)

    for query in QUERIES:
        mine = _all_pages(patched, ours, query)
        assert mine == _all_pages(stock, theirs, query), query
        assert sum(page["Count"] for page in mine) or query["ExpressionAttributeValues"][":h"] == {"S": "nobody"}


def test_a_query_does_not_sort_the_whole_table(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.dynamodb.models.table import Table

    def refuse(self: Any) -> list[Any]:
        raise AssertionError(f"every item of {self.name} listed and sorted for one query")

    ddb = boto3.session.Session().client("dynamodb", endpoint_url=moto_url, region_name="ap-southeast-1")
    table = _query_table(ddb)
    monkeypatch.setattr(Table, "all_items", refuse)

    for query in QUERIES:
        ddb.query(TableName=table, **query)
    with pytest.raises(ddb.exceptions.ClientError):  # a Scan still lists everything (it must)
        ddb.scan(TableName=table)
