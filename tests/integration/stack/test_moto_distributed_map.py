"""Patch 6 of ``local.moto_patches``: a distributed Map (ItemReader over S3, as the migration run's) fails
with ``States.ExceedToleratedFailureThreshold`` once more items failed than it tolerates — and stock moto
5.2.5 needs the patch (without it the same execution succeeds: when a moto upgrade fixes that, the
"still needed" test fails and says to delete the patch). In-process moto: cheap."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.distributed_iteration_component import (
    DistributedIterationComponent,
)

from local import moto_patches

REGION = "ap-southeast-1"


def _definition(tolerated: int) -> str:
    """Each object listed under ``items/`` is an item; the one named ``items/bad`` fails."""
    return json.dumps({"StartAt": "Map", "States": {"Map": {
        "Type": "Map", "End": True, "ToleratedFailureCount": tolerated,
        "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2",
                       "Parameters": {"Bucket": "exports", "Prefix": "items/"}},
        "ItemSelector": {"key.$": "$$.Map.Item.Value.Key"},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "Bad?", "States": {
                              "Bad?": {"Type": "Choice", "Default": "Ok",
                                       "Choices": [{"Variable": "$.key", "StringEquals": "items/bad", "Next": "Fail"}]},
                              "Fail": {"Type": "Fail", "Error": "Item.Bad"},
                              "Ok": {"Type": "Pass", "End": True}}}}}})


@pytest.fixture
def sfn(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    moto_patches.apply()
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="exports", CreateBucketConfiguration={"LocationConstraint": REGION})
        for name in ("a", "bad", "c"):
            s3.put_object(Bucket="exports", Key=f"items/{name}", Body=b"x")
        yield boto3.client("stepfunctions", region_name=REGION)


def _run(sfn: Any, tolerated: int) -> dict[str, Any]:
    arn = sfn.create_state_machine(name=f"map-{tolerated}-{time.monotonic_ns()}", definition=_definition(tolerated),
                                   roleArn="arn:aws:iam::123456789012:role/x")["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    for _ in range(200):
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            return dict(described)
        time.sleep(0.05)
    raise AssertionError("the execution did not end")


def test_a_failed_item_past_the_threshold_fails_the_map(sfn: Any) -> None:
    failed = _run(sfn, tolerated=0)
    assert failed["status"] == "FAILED" and failed["error"] == "States.ExceedToleratedFailureThreshold"
    assert _run(sfn, tolerated=1)["status"] == "SUCCEEDED"  # within the threshold: the Map goes on


def test_still_needed(sfn: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DistributedIterationComponent, "_map_run",
                        DistributedIterationComponent._map_run.__wrapped__)  # type: ignore[attr-defined]
    assert _run(sfn, tolerated=0)["status"] == "SUCCEEDED", "moto now fails the Map itself: delete patch 6"
