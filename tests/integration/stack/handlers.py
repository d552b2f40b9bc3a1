"""Handlers the dispatcher tests deliver to (named as in the fixture template's ``Handler``).

Each one records what it received; what it does depends on the message: ``fail_until`` N
(fail while ``ApproximateReceiveCount`` ≤ N), ``poison`` (always fail), ``crash`` (raise on
the first delivery, failing the whole batch). They behave like the real ones would on AWS:
failures are reported with ``batchItemFailures`` or by raising.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

_lock = threading.Lock()
CALLS: dict[str, list[tuple[dict[str, Any], Any]]] = {}
SLOW_FIRST_DELIVERY_S = 1.6  # longer than the Slow function's 1 s timeout


class HandlerCrash(RuntimeError):
    pass


def _record(name: str, event: dict[str, Any], context: Any) -> None:
    with _lock:
        CALLS.setdefault(name, []).append((event, context))


def calls(name: str) -> list[tuple[dict[str, Any], Any]]:
    with _lock:
        return list(CALLS.get(name, []))


def wait_for(condition: Callable[[], bool], timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s")
        time.sleep(0.05)


def resolve(handler: str) -> Callable[[dict[str, Any], Any], Any]:
    """The dispatcher's handler_resolver: ``app.sync_dvcqg`` → this module's ``sync_dvcqg``."""
    return globals()[handler.rpartition(".")[2]]  # type: ignore[no-any-return]


def sync_dvcqg(event: dict[str, Any], context: Any) -> dict[str, Any]:
    _record("sync_dvcqg", event, context)
    failures = []
    for record in event["Records"]:
        body = json.loads(record["body"])
        count = int(record["attributes"]["ApproximateReceiveCount"])
        if body.get("crash") and count == 1:
            raise HandlerCrash(body["id"])
        if body.get("poison") or count <= int(body.get("fail_until", 0)):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def slow(event: dict[str, Any], context: Any) -> None:
    _record("slow", event, context)
    if event["Records"][0]["attributes"]["ApproximateReceiveCount"] == "1":
        time.sleep(SLOW_FIRST_DELIVERY_S)


def deadline_sweep(event: dict[str, Any], context: Any) -> None:
    _record("deadline_sweep", event, context)


def nightly_report(event: dict[str, Any], context: Any) -> None:
    _record("nightly_report", event, context)


def attachment_uploaded(event: dict[str, Any], context: Any) -> None:
    _record("attachment_uploaded", event, context)


def outbox_relay(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Fails a record whose NewImage has ``fail_times`` N the first N times it is seen;
    ``always_fail`` fails it every time."""
    _record("outbox_relay", event, context)
    failures = []
    for record in event["Records"]:
        image = record["dynamodb"].get("NewImage", {})
        seen = sum(
            1
            for e, _ in calls("outbox_relay")
            for r in e["Records"]
            if r["dynamodb"]["SequenceNumber"] == record["dynamodb"]["SequenceNumber"]
        )
        if "always_fail" in image or seen <= int(image.get("fail_times", {}).get("N", "0")):
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
    return {"batchItemFailures": failures}
