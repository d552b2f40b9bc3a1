"""Least privilege, declared once: what each Chalice function may touch.

One IAM role per function is built from its entry (``infra.roles``). KMS permissions are
derived: whatever reads something encrypted with the stack's key may decrypt, whatever
writes may also generate data keys. A function the packaged app has without an entry here
fails the synth (``infra.wiring``); an entry whose function the app does not have yet is
simply not built.

Keys are the Python function names in app.py (``api_handler`` is Chalice's HTTP function).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from chalicelib.edata.model import STREAM_MARK as EDATA_MARK
from infra.resources import (
    DATA_BUCKETS,
    ERECEIPTS_QUEUE,
    EVENTS_TOPIC,
    JOB_QUEUES,
    MIGRATION_QUEUE,
    QUEUES,
    SECRETS,
    SYNC_QUEUES,
    TABLES,
)

Level = Literal["read", "readwrite", "append"]


@dataclass(frozen=True)
class TableAccess:
    level: Level
    indexes: tuple[str, ...] = ()  # GSIs it may query


@dataclass(frozen=True)
class FunctionAccess:
    timeout_s: int
    memory_mb: int
    tables: Mapping[str, TableAccess] = field(default_factory=dict)
    buckets: Mapping[str, Level] = field(default_factory=dict)
    purge: tuple[str, ...] = ()  # buckets whose objects it deletes with every version (ListBucketVersions)
    object_retention: tuple[str, ...] = ()  # buckets whose objects it puts with their own Object Lock retention
    send: tuple[str, ...] = ()  # queues it sends to
    publish: tuple[str, ...] = ()  # SNS topics it publishes to (the dossier events: infra/fanout.py)
    read_dlqs: tuple[str, ...] = ()  # queues whose DLQ it may receive from (operator redrive)
    start_executions: bool = False  # start/describe/stop executions of the stage's state machines
    backup_tables: tuple[str, ...] = ()  # on-demand backups of these tables (CreateBackup)
    task_response: bool = False  # SendTaskSuccess/Failure/Heartbeat on them
    execution_history: bool = False  # GetExecutionHistory of their executions (the operators' flow view)
    health_check: bool = False  # DescribeTable on its tables, GetQueueAttributes on its queues (GET /health)
    secrets: tuple[str, ...] = ()
    # Event sources (the app's decorators must match; infra wires them to the real resource)
    consumes: str | None = None  # @app.on_sqs_message: the queue
    stream_of: str | None = None  # @app.on_dynamodb_record: the table whose stream it reads
    # Lambda event filtering on its stream mapping (FilterCriteria; the local dispatcher applies the
    # same patterns): only records matching one of them invoke it, the others are skipped unbilled
    stream_filters: tuple[Mapping[str, Any], ...] = ()
    object_created_in: str | None = None  # @app.on_cw_event: S3 "Object Created" of this bucket


def _inserted(prefix: str, *also: str, marked: str | None = None) -> dict[str, Any]:
    """A stream filter pattern: items of the dossiers table whose ``sk`` starts with ``prefix``,
    inserted (or ``also`` modified), carrying the attribute ``marked`` if given."""
    image: dict[str, Any] = {"sk": {"S": [{"prefix": prefix}]}}
    if marked is not None:
        image[marked] = {"S": [{"exists": True}]}
    return {"eventName": ["INSERT", *also], "dynamodb": {"NewImage": image}}


READ: Level = "read"
RW: Level = "readwrite"
APPEND: Level = "append"  # PutItem and Query only (an append-only table: no update, no delete)
_ALL_GSIS = {name: TableAccess(RW, spec.gsis) for name, spec in TABLES.items() if not spec.append_only}


# Memory of the per-dossier event functions, chosen by measurement (docs/cost-model.md §7): a
# handler process peaks at ≈ 90 MB resident (``import app`` 86 MB) and spends most of each
# invocation waiting (the destination's round trips, DynamoDB); below 1,769 MB Lambda's CPU share
# is proportional to memory, so halving it leaves a CPU-bound part's GB-s unchanged and halves the
# waiting part's. The API keeps 1,024 MB: a lifecycle's PDF drawing and signing peak at ≈ 640 MB,
# and officers wait for its answers.
EVENT_MEMORY_MB = 256


def _sync_consumer(queue: str) -> FunctionAccess:
    return FunctionAccess(
        timeout_s=60,
        memory_mb=EVENT_MEMORY_MB,
        consumes=queue,
        # catalogue: unit and procedure names in the DVCQG records
        tables={"dossiers": TableAccess(READ), "sync": TableAccess(RW, ("gsi1",)), "catalogue": TableAccess(READ)},
        buckets={"attachments": READ, "results": READ},  # presigned download links in the payload
        secrets=("dvcqg-credentials",),
    )


FUNCTION_ACCESS: dict[str, FunctionAccess] = {
    # HTTP API (API Gateway's 29 s integration limit bounds the timeout)
    "api_handler": FunctionAccess(
        timeout_s=29,
        memory_mb=1024,
        # the access log of personal data: appended to and queried, never changed
        tables={**_ALL_GSIS, "accesslog": TableAccess(APPEND)},
        # migration: an admin starts a run on a prefix of it (its chunks counted), downloads its report
        buckets={"attachments": RW, "results": RW, "migration": READ},
        purge=("attachments",),  # the files of an intake that registered nothing (chalicelib/services/intake.py)
        send=tuple(q for q in QUEUES if q not in (*JOB_QUEUES, ERECEIPTS_QUEUE, "dossier-changes", MIGRATION_QUEUE)),
        backup_tables=("dossiers",),  # before a migration import writes (docs/runbooks/migration-restore.md)
        read_dlqs=SYNC_QUEUES,
        start_executions=True,
        task_response=True,
        execution_history=True,  # GET /v1/ops/flows/{code}
        health_check=True,
        secrets=tuple(s for s in SECRETS if s != "messaging-credentials"),
    ),
    # committed transitions → one event each on the dossier-events topic (its filtered subscriptions:
    # the sync queues and dossier-changes, chalicelib/sync/destinations.py), and pending e-receipts →
    # the ereceipts queue
    "outbox_relay": FunctionAccess(
        timeout_s=60, memory_mb=256, stream_of="dossiers", publish=(EVENTS_TOPIC,), send=(ERECEIPTS_QUEUE,),
        stream_filters=(_inserted("OUTBOX#"), _inserted("RECEIPT#", "MODIFY")),  # handlers/outbox, ereceipts/records
    ),
    # pending e-receipts → the unit's provider → PDF/XML in S3, the receipt and the dossier's fee
    # record (its step, counters) in one transaction → the applicant (e-mail/SMS) (chalicelib/ereceipts)
    "issue_receipts": FunctionAccess(
        timeout_s=60,
        memory_mb=512,
        consumes=ERECEIPTS_QUEUE,
        tables={"dossiers": TableAccess(RW), "counters": TableAccess(RW), "catalogue": TableAccess(READ)},
        buckets={"attachments": RW},
        secrets=("ereceipt-credentials", "messaging-credentials"),
    ),
    # issued results and refused dossiers → the owners' e-data stores (FR-28/29): a second reader of the stream
    "edata_capture": FunctionAccess(
        timeout_s=60, memory_mb=256, stream_of="dossiers", tables={"dossiers": TableAccess(RW)},
        stream_filters=(_inserted("OUTBOX#", marked=EDATA_MARK),),  # an event issuing a result or refusing
    ),
    "sync_dvcqg": _sync_consumer("sync-dvcqg"),
    "sync_coordinator": _sync_consumer("sync-coordinator"),
    # parks a record of a province that is down: sends it again to its own queue, delayed (docs/provinces.md)
    "sync_province": dataclasses.replace(_sync_consumer("sync-province"), send=("sync-province",)),
    # Scheduled jobs (chalicelib/jobs): the schedule only plans — a task per unit, hour or day on
    # the job's queue —; the job's worker walks each task a bounded page at a time, sends the
    # continuation to its own queue and claims each page in the counters table (redelivery).
    # every 15 minutes: new work, steps and dossiers near or past their deadline (worklists by
    # unit/status/due, appraisers' own worklists) → officers' notifications, e-mail and SMS
    "deadline_sweep": FunctionAccess(
        timeout_s=60, memory_mb=256, tables={"catalogue": TableAccess(READ, ("gsi1",))},  # the units
        send=("job-deadline-sweep",),
    ),
    "deadline_sweep_pages": FunctionAccess(
        timeout_s=120,
        memory_mb=512,
        consumes="job-deadline-sweep",
        send=("job-deadline-sweep",),
        tables={
            "dossiers": TableAccess(RW, ("gsi1", "gsi2")),
            "catalogue": TableAccess(READ, ("gsi1",)),
            "counters": TableAccess(RW),
        },
        secrets=("messaging-credentials",),
    ),
    # every 5 minutes: specialised software's outages — probe, catch up (push queued dossiers, reconcile
    # those continued in hoso), silence (chalicelib/specialised/watch.py, docs/specialised-outage.md)
    "specialised_watch": FunctionAccess(
        timeout_s=300,
        memory_mb=512,
        tables={"dossiers": TableAccess(RW, ("gsi1",)), "counters": TableAccess(RW), "catalogue": TableAccess(READ)},
        buckets={"attachments": READ, "results": READ},  # presigned links in the pushes
        secrets=("integration-clients",),
    ),
    # hourly: compare what DVCQG has with the sync ledger, re-enqueue the gaps
    "reconcile_dvcqg": FunctionAccess(timeout_s=60, memory_mb=256, send=("job-reconcile-dvcqg",)),
    "reconcile_dvcqg_pages": FunctionAccess(
        timeout_s=120,
        memory_mb=512,
        consumes="job-reconcile-dvcqg",
        tables={"dossiers": TableAccess(READ), "sync": TableAccess(RW, ("gsi1",)), "counters": TableAccess(RW)},
        send=("sync-dvcqg", "job-reconcile-dvcqg"),
        secrets=("dvcqg-credentials",),
    ),
    # daily: compare the day's payments with the payment platform, store the report; a payment
    # paid but never applied is applied (the dossier's step, its counters: one transaction)
    "reconcile_payments": FunctionAccess(timeout_s=60, memory_mb=256, send=("job-reconcile-payments",)),
    "reconcile_payments_pages": FunctionAccess(
        timeout_s=120,
        memory_mb=512,
        consumes="job-reconcile-payments",
        send=("job-reconcile-payments",),
        tables={"dossiers": TableAccess(RW, ("gsi1",)), "counters": TableAccess(RW),
                "catalogue": TableAccess(READ)},
        buckets={"attachments": RW},  # the pages' findings and the day's report
        # a paid payment without its e-receipt gets one (outbox); the providers' day lists are compared
        secrets=("payment-hmac-key", "ereceipt-credentials"),
    ),
    # hourly: plans each recent day not anchored yet on job-integrity-anchor (a task per shard), or seals a
    # day whose shards are all finished (chalicelib.integrity.anchor): reads the finished-shards set, stores
    # the anchor (its own Object Lock retention: s3:PutObjectRetention) with a token from the eSign TSA
    "integrity_anchor_day": FunctionAccess(
        timeout_s=120,
        memory_mb=512,
        tables={"counters": TableAccess(READ)},
        buckets={"results": RW},
        object_retention=("results",),
        send=("job-integrity-anchor",),
    ),
    # a page of a day's shard of the day index (by key) → a checkpoint in the counters table; the shard's
    # last page stores the shard object, the day's last shard seals the day (as above)
    "integrity_anchor_pages": FunctionAccess(
        timeout_s=120,
        memory_mb=512,
        consumes="job-integrity-anchor",
        send=("job-integrity-anchor",),
        tables={"dossiers": TableAccess(READ), "accesslog": TableAccess(READ),  # their chains' day index
                "counters": TableAccess(RW)},
        buckets={"results": RW},
        object_retention=("results",),
    ),
    "attachment_uploaded": FunctionAccess(
        timeout_s=60,
        memory_mb=512,
        object_created_in="attachments",
        buckets={"attachments": RW},  # the checked copy (checked/<sha256>) and the upload key's deletion
        tables={"dossiers": TableAccess(RW)},
    ),
    # API Gateway TOKEN authorizer (chalicelib/auth/authorizer.py, when attached): verifies the VNeID token
    # against the issuer's JWKS over the internet; touches no table.
    "officer_authorizer": FunctionAccess(timeout_s=10, memory_mb=512),
    # committed dossier changes (the dossier-events topic's dossier-changes subscription): liên thông
    # flows moved on (a child's end answers its step), started, stopped; inbound results returned;
    # outside consultations handed to the coordinator; dossiers pushed to their specialised software
    "dossier_changes": FunctionAccess(
        timeout_s=60,
        memory_mb=EVENT_MEMORY_MB,
        consumes="dossier-changes",
        tables={"dossiers": TableAccess(RW), "counters": TableAccess(RW), "catalogue": TableAccess(READ)},
        buckets={"attachments": READ, "results": READ},  # presigned links in hand-overs and pushes
        start_executions=True,  # starts flows, stops a withdrawn dossier's flow
        task_response=True,  # a child's end answers its step
        secrets=("integration-clients", "dvcqg-credentials"),
    ),
    # a migration run's chunk (the migration_run state machine's distributed map, task token on
    # migration-chunks): process_chunk in the run's mode → the chunk's report and the run's counts in the
    # dossiers table → SendTaskSuccess/Failure (chalicelib/migration, docs/migration-run.md)
    "migration_chunks": FunctionAccess(
        timeout_s=900,
        memory_mb=1024,
        consumes=MIGRATION_QUEUE,
        tables={"dossiers": TableAccess(RW), "counters": TableAccess(RW), "catalogue": TableAccess(READ, ("gsi1",))},
        # the export's chunks and files → the dossiers' documents (results into the results bucket, as issued ones)
        buckets={"migration": READ, "attachments": RW, "results": RW},
        task_response=True,
    ),
    # Step Functions hands agency steps over with a task token on the agency-tasks queue
    "agency_tasks": FunctionAccess(
        timeout_s=60,
        memory_mb=EVENT_MEMORY_MB,
        consumes="agency-tasks",
        tables={"dossiers": TableAccess(RW), "counters": TableAccess(RW), "catalogue": TableAccess(READ)},
        buckets={"attachments": READ, "results": READ},  # presigned links in hand-overs
        start_executions=True,  # starts flows, stops a withdrawn dossier's flow
        task_response=True,
        # the agencies' endpoints; the coordinator's account (other ministries' steps through it, SPEC §7.7)
        secrets=("integration-clients", "dvcqg-credentials"),
    ),
}

# Grants a recorded test run may leave unused (``python -m infra.iam_check`` lists them with
# these reasons), by the role statement's Sid (infra/roles.py) or by action: why each is kept.
_RUNTIME = "written by the Lambda service with the function's role, not by a call of hoso's code"
_TABLE = ("part of the table access FUNCTION_ACCESS gives the function (the reason is next to its entry above); "
          "PynamoDB needs the whole read or write set")
NOT_EXERCISED: dict[str, str] = {
    "Logs": f"the function's logs: {_RUNTIME}",
    "XRay": f"the X-Ray daemon's traces: {_RUNTIME}",
    "Consume": f"Lambda's SQS event source mapping polls, deletes and extends messages: {_RUNTIME} "
               "(locally the dispatcher does)",
    "StreamRead": f"Lambda's DynamoDB stream event source mapping: {_RUNTIME}",
    "StreamList": f"Lambda's DynamoDB stream event source mapping: {_RUNTIME}",
    "StreamFailures": f"the stream mapping's on-failure destination: {_RUNTIME}",
    "AsyncFailures": f"the asynchronous invocation's on-failure destination: {_RUNTIME}",
    "TaskResponse": "success, failure and heartbeat answer the same task tokens (chalicelib/flows/sfn.py)",
    "Executions": "describe and stop go together: a withdrawn dossier's flow is stopped (chalicelib/flows)",
    "Redrive": "the operators' DLQ redrive (chalicelib/sync/redrive.py) receives, deletes and counts",
    "dynamodb:GetItem": _TABLE,
    "dynamodb:BatchGetItem": _TABLE,
    "dynamodb:Query": _TABLE,
    "dynamodb:PutItem": _TABLE,
    "dynamodb:UpdateItem": _TABLE,
    "dynamodb:DeleteItem": _TABLE,
    "dynamodb:BatchWriteItem": _TABLE,
    "dynamodb:DescribeTable": "GET /health describes each table (chalicelib/api/health.py)",
    "sqs:GetQueueAttributes": "GET /health and the redrive read the queues' attributes",
    "s3:ListBucket": "so that a missing key is a 404, not a 403 (GetObject/HeadObject); GET /health's HeadBucket",
    "s3:GetObject": "the bucket access FUNCTION_ACCESS declares (presigned links are signed with the role)",
    "s3:GetObjectVersion": "presigned links to a stored version (chalicelib/documents/store.py) are signed with "
                           "the role",
    "s3:PutObject": "the bucket access FUNCTION_ACCESS declares",
    "s3:DeleteObject": "the bucket access FUNCTION_ACCESS declares",
    "s3:PutObjectRetention": "FUNCTION_ACCESS object_retention: the daily anchors are put with their own Object "
                             "Lock mode and date (COMPLIANCE in production, chalicelib/integrity/anchor.py)",
    "sqs:SendMessage": "the queues FUNCTION_ACCESS lets it send to",
    "sns:Publish": "the topics FUNCTION_ACCESS lets it publish to (PublishBatch is authorised as sns:Publish)",
    "states:StartExecution": "FUNCTION_ACCESS start_executions: starts the dossier's flow",
    "Backup": "FUNCTION_ACCESS backup_tables: the dossiers table's backup before a migration import "
              "(tests/integration/migration/test_run.py takes it in-process, outside a recorded function)",
    "kms:Decrypt": "reads of what the stack's key encrypts (tables, objects, queues, secrets)",
    "kms:GenerateDataKey": "writes of what the stack's key encrypts; kept for writers of KMS tables too "
                           "(the check models DynamoDB's data plane as kms:Decrypt only: conservative)",
    "secretsmanager:GetSecretValue": "the secrets FUNCTION_ACCESS declares (cached per sandbox)",
}



# SQS visibility timeout = this × the consuming function's timeout (AWS's guidance is ≥ 6×,
# so a batch retried by Lambda's poller is not redelivered while still being processed).
VISIBILITY_FACTOR = 6


class AccessError(ValueError):
    """FUNCTION_ACCESS names something the stack does not have."""


def validate(access: Mapping[str, FunctionAccess]) -> None:
    problems: list[str] = []
    for fn, a in access.items():
        for table, t in a.tables.items():
            if table not in TABLES:
                problems.append(f"{fn}: unknown table {table!r}")
                continue
            if TABLES[table].append_only and t.level not in (APPEND, READ):
                problems.append(f"{fn}: table {table!r} is append-only, its access must be {APPEND!r} or {READ!r}")
            unknown = set(t.indexes) - set(TABLES[table].gsis)
            if unknown:
                problems.append(f"{fn}: table {table!r} has no index {sorted(unknown)}")
        problems += [f"{fn}: unknown bucket {b!r}" for b in (*a.buckets, *a.purge, *a.object_retention)
                     if b not in DATA_BUCKETS]
        problems += [f"{fn}: unknown queue {q!r}" for q in (*a.send, *a.read_dlqs) if q not in QUEUES]
        problems += [f"{fn}: unknown topic {t!r}" for t in a.publish if t != EVENTS_TOPIC]
        problems += [f"{fn}: unknown table {t!r} to back up" for t in a.backup_tables if t not in TABLES]
        problems += [f"{fn}: unknown secret {s!r}" for s in a.secrets if s not in SECRETS]
        if a.consumes is not None and a.consumes not in QUEUES:
            problems.append(f"{fn}: consumes unknown queue {a.consumes!r}")
        if a.stream_of is not None and not (a.stream_of in TABLES and TABLES[a.stream_of].stream):
            problems.append(f"{fn}: table {a.stream_of!r} has no stream")
        if a.object_created_in is not None and a.object_created_in not in DATA_BUCKETS:
            problems.append(f"{fn}: unknown bucket {a.object_created_in!r}")
    consumers: dict[str, list[str]] = {}
    for fn, a in access.items():
        if a.consumes:
            consumers.setdefault(a.consumes, []).append(fn)
    problems += [f"queue {q!r} has several consumers {fns}" for q, fns in consumers.items() if len(fns) > 1]
    if problems:
        raise AccessError("FUNCTION_ACCESS is inconsistent:\n  " + "\n  ".join(problems))


def consumer_timeout(queue: str, access: Mapping[str, FunctionAccess] = FUNCTION_ACCESS) -> int | None:
    """The timeout of the function that consumes ``queue`` (None: nothing consumes it)."""
    return next((a.timeout_s for a in access.values() if a.consumes == queue), None)
