"""Reads what ``chalice package`` produced and checks it against ``FUNCTION_ACCESS``.

Chalice emits one ``AWS::Serverless::Function`` per function: ``APIHandler`` (handler
``app.app``) for the HTTP API and one per event handler or authorizer, named after the Python
function in CamelCase (``sync_dvcqg`` → ``SyncDvcqg``, handler ``app.sync_dvcqg``, or
``chalicelib.<module>.sync_dvcqg`` when declared on a blueprint). Event sources sit in
the function's ``Events``. App code only knows short resource names, so the stack rewrites
each event source to the real resource (queue ARN, stream ARN, bucket name) after checking
here that the app named the resource FUNCTION_ACCESS says the function uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from infra.access import FunctionAccess
from infra.resources import physical_name

API_HANDLER = "api_handler"
API_APP_HANDLER = "app.app"
SERVERLESS_FUNCTION = "AWS::Serverless::Function"
S3_OBJECT_CREATED = {"source": ["aws.s3"], "detail-type": ["Object Created"]}


class WiringError(ValueError):
    """The packaged app and FUNCTION_ACCESS disagree."""


@dataclass(frozen=True)
class PackagedEvent:
    name: str
    kind: str  # SAM event type: SQS, DynamoDB, Schedule, CloudWatchEvent, ...
    properties: Mapping[str, Any]


@dataclass(frozen=True)
class PackagedFunction:
    logical_id: str
    python_name: str
    events: tuple[PackagedEvent, ...]

    def events_of(self, kind: str) -> list[PackagedEvent]:
        return [e for e in self.events if e.kind == kind]


def packaged_functions(sam: Mapping[str, Any]) -> list[PackagedFunction]:
    out = []
    for logical_id, resource in sam.get("Resources", {}).items():
        if resource.get("Type") != SERVERLESS_FUNCTION:
            continue
        props = resource.get("Properties", {})
        handler = str(props["Handler"])
        events = tuple(
            PackagedEvent(name=name, kind=e["Type"], properties=e.get("Properties", {}))
            for name, e in props.get("Events", {}).items()
        )
        out.append(PackagedFunction(logical_id, python_name(handler), events))
    return out


def python_name(handler: str) -> str:
    """``app.app`` is the HTTP API; otherwise the function's own name, wherever it is defined
    (``app.sync_dvcqg``, or ``chalicelib.handlers.sync.sync_dvcqg`` for a blueprint's)."""
    return API_HANDLER if handler == API_APP_HANDLER else handler.rpartition(".")[2]


def queue_name_of(event: PackagedEvent) -> str:
    """The queue an SQS event names: ``queue=`` gives an ``Fn::Sub`` ARN, ``queue_arn=`` a string."""
    queue = event.properties["Queue"]
    arn = queue["Fn::Sub"] if isinstance(queue, dict) and "Fn::Sub" in queue else queue
    if not isinstance(arn, str):
        raise WiringError(f"{event.name}: cannot read the queue of {queue!r}")
    return arn.rsplit(":", 1)[-1]


def _names(stage: str, short: str) -> set[str]:
    return {short, physical_name(stage, short)}


def check(functions: list[PackagedFunction], access: Mapping[str, FunctionAccess], stage: str) -> None:
    problems: list[str] = []
    for fn in functions:
        a = access.get(fn.python_name)
        if a is None:
            problems.append(
                f"function {fn.python_name!r} ({fn.logical_id}) has no FUNCTION_ACCESS entry in infra/access.py: "
                "declare what it may touch before it can be deployed"
            )
            continue
        problems += _check_events(fn, a, stage)
    if problems:
        raise WiringError("the packaged Chalice app does not match infra:\n  " + "\n  ".join(problems))


def _check_events(fn: PackagedFunction, a: FunctionAccess, stage: str) -> list[str]:
    problems = []
    where = f"{fn.python_name} ({fn.logical_id})"
    sqs, ddb, cwe = fn.events_of("SQS"), fn.events_of("DynamoDB"), fn.events_of("CloudWatchEvent")
    for e in sqs:
        name = queue_name_of(e)
        if a.consumes is None or name not in _names(stage, a.consumes):
            problems.append(
                f"{where}: SQS event on queue {name!r}, but FUNCTION_ACCESS says it consumes {a.consumes!r}"
            )
    for e in ddb:
        stream = e.properties.get("Stream")
        if a.stream_of is None or stream not in _names(stage, a.stream_of):
            problems.append(
                f"{where}: DynamoDB event on {stream!r}, but FUNCTION_ACCESS says stream_of={a.stream_of!r}"
            )
    for e in cwe:
        pattern = e.properties.get("Pattern", {})
        if a.object_created_in is None or any(pattern.get(k) != v for k, v in S3_OBJECT_CREATED.items()):
            problems.append(
                f"{where}: CloudWatch event pattern {pattern!r} is not the S3 Object Created pattern "
                f"{S3_OBJECT_CREATED!r} of FUNCTION_ACCESS object_created_in={a.object_created_in!r}"
            )
    if a.consumes and not sqs:
        problems.append(f"{where}: FUNCTION_ACCESS says it consumes {a.consumes!r}; app.py has no @app.on_sqs_message")
    if a.stream_of and not ddb:
        problems.append(
            f"{where}: FUNCTION_ACCESS says it reads the {a.stream_of!r} stream; no @app.on_dynamodb_record"
        )
    if a.object_created_in and not cwe:
        problems.append(f"{where}: FUNCTION_ACCESS says it reacts to uploads; no @app.on_cw_event")
    wired = {"SQS", "DynamoDB", "CloudWatchEvent", "Schedule"}
    problems += [f"{where}: {e.kind} event {e.name} is not wired by infra" for e in fn.events if e.kind not in wired]
    return problems
