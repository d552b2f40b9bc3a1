"""Step Functions calls of the flows (start, answer tasks, stop, read), with AWS's answers
mapped to what the flows need to know."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.aws import client
from chalicelib.settings import get_settings

# A task that cannot be answered any more: it timed out, was answered, or its execution ended.
_TASK_OVER = frozenset({"TaskTimedOut", "TaskDoesNotExist", "InvalidToken"})
MAX_CAUSE_CHARS = 256


class TaskOver(Exception):
    """Step Functions no longer waits for this token."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class FlowNotDeployed(Exception):
    """The state machine of a flow has no ARN in the settings."""


def state_machine_arn(state_machine: str) -> str:
    arn = str(getattr(get_settings(), f"{state_machine}_arn", "") or "")
    if not arn:
        raise FlowNotDeployed(state_machine)
    return arn


def execution_arn(state_machine_arn: str, name: str) -> str:
    """The ARN an execution of that name has (``…:stateMachine:X`` → ``…:execution:X:name``)."""
    return f"{state_machine_arn.replace(':stateMachine:', ':execution:', 1)}:{name}"


def start(state_machine_arn: str, name: str, data: dict[str, Any]) -> str:
    """Start the execution ``name``; one that already exists is fine (idempotent start)."""
    try:
        answer = client("stepfunctions").start_execution(
            stateMachineArn=state_machine_arn, name=name, input=json.dumps(data, ensure_ascii=False)
        )
    except ClientError as err:
        if err.response["Error"]["Code"] == "ExecutionAlreadyExists":
            return execution_arn(state_machine_arn, name)
        raise
    return str(answer["executionArn"])


def _answer(call: str, **kwargs: Any) -> None:
    try:
        getattr(client("stepfunctions"), call)(**kwargs)
    except ClientError as err:
        code = err.response["Error"]["Code"]
        if code in _TASK_OVER:
            raise TaskOver(code) from None
        raise


def succeed(token: str, output: dict[str, Any]) -> None:
    _answer("send_task_success", taskToken=token, output=json.dumps(output, ensure_ascii=False))


def fail(token: str, error: str, cause: str = "") -> None:
    """``cause`` lands in the execution history: identifiers only, never personal data."""
    _answer("send_task_failure", taskToken=token, error=error, cause=cause[:MAX_CAUSE_CHARS])


def heartbeat(token: str) -> None:
    _answer("send_task_heartbeat", taskToken=token)


def stop(arn: str, error: str, cause: str) -> None:
    try:
        client("stepfunctions").stop_execution(executionArn=arn, error=error, cause=cause[:MAX_CAUSE_CHARS])
    except ClientError as err:
        if err.response["Error"]["Code"] != "ExecutionDoesNotExist":
            raise


def describe(arn: str) -> dict[str, Any] | None:
    try:
        return dict(client("stepfunctions").describe_execution(executionArn=arn))
    except ClientError as err:
        if err.response["Error"]["Code"] == "ExecutionDoesNotExist":
            return None
        raise


def history(arn: str, limit: int = 200) -> list[dict[str, Any]]:
    """The newest ``limit`` events of the execution, oldest first (sorted by event id: moto
    ignores ``reverseOrder``)."""
    events: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"executionArn": arn, "reverseOrder": True, "maxResults": min(limit, 1000)}
    while len(events) < limit:
        page = client("stepfunctions").get_execution_history(**kwargs)
        events.extend(page["events"])
        if not page.get("nextToken"):
            break
        kwargs["nextToken"] = page["nextToken"]
    return sorted(events, key=lambda e: int(e["id"]))[-limit:]
