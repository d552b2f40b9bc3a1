"""Names and shapes of hoso's AWS resources, as plain data (no CDK import).

The stack builds from these, ``infra.access`` checks its references against them, and the
tests read them. Physical names are fixed per stage (``hoso-<stage>-<name>``) so that the
code, the local stack and operators can name a resource without looking anything up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chalicelib.sync import destinations

PROJECT = "hoso"
REGION = "ap-southeast-1"
STAGES = ("dev", "staging", "production")
REPO_ROOT = Path(__file__).resolve().parent.parent


def stack_name(stage: str) -> str:
    return f"{PROJECT}-{stage}"


def physical_name(stage: str, name: str) -> str:
    """``hoso-<stage>-<name>``: tables, queues, state machines, functions, topics."""
    return f"{PROJECT}-{stage}-{name}"


def template_path(outdir: Path, stage: str) -> Path:
    """Where the synthesised template of a stage lands (the local stack reads this path)."""
    return outdir / f"{stack_name(stage)}.template.json"


@dataclass(frozen=True)
class TableSpec:
    name: str
    gsis: tuple[str, ...] = ()
    stream: bool = False  # NEW_IMAGE stream (the outbox relay reads the dossiers table's)
    ttl: bool = False  # TTL attribute ``expires_at``
    # Append-only: functions may put (conditionally, never overwriting) and query, never update or delete
    append_only: bool = False


TTL_ATTRIBUTE = "expires_at"

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec("dossiers", gsis=("gsi1", "gsi2", "gsi3", "gsi4"), stream=True, ttl=True),
        TableSpec("catalogue", gsis=("gsi1",)),
        TableSpec("counters", ttl=True),  # rate-limit windows of the public lookup expire
        TableSpec("sync", gsis=("gsi1",), ttl=True),
        # every population look-up and e-data read, keyed by an HMAC of the subject's personal number
        # (TTL: only its day index items carry ``expires_at`` — chalicelib/integrity/index.py — never an entry)
        TableSpec("accesslog", append_only=True, ttl=True),
    )
}

# Buckets holding data; ``logs`` (access logs) and ``webapp`` (static site) are built apart.
# migration: the provincial systems' exports (JSON Lines chunks, mapping tables, files) read by the import
DATA_BUCKETS = ("attachments", "results", "migration")

# Work queues, each with a dead-letter queue ``<name>-dlq``. Standard queues: the sync
# handlers enforce per-dossier order themselves (moto does not even keep FIFO redelivery
# order, see shared/LOCAL_AWS.md), so FIFO would only cost throughput.
# The consumers of the dossier events (one registry: chalicelib/sync/destinations.py), each
# subscribed to the events topic with its filter policy (infra/fanout.py)
SYNC_QUEUES = destinations.SYNC_QUEUES  # ("sync-dvcqg", "sync-coordinator", "sync-province")
EVENT_QUEUES = destinations.QUEUES  # the sync queues and "dossier-changes"
EVENTS_TOPIC = destinations.TOPIC  # the outbox relay publishes each committed change here, once
# Scheduled jobs' work items, a queue per job: the schedule plans, a worker walks page by page (chalicelib/jobs)
JOB_QUEUES = ("job-deadline-sweep", "job-reconcile-dvcqg", "job-reconcile-payments", "job-integrity-anchor")
# E-receipts to issue (chalicelib/ereceipts): the outbox relay sends each pending receipt here
ERECEIPTS_QUEUE = "ereceipts"
# One chunk of a migration run (the migration_run state machine's distributed map, with a task token)
MIGRATION_QUEUE = "migration-chunks"
# agency-tasks: the state machines' task tokens only
QUEUES = (*EVENT_QUEUES, "agency-tasks", *JOB_QUEUES, ERECEIPTS_QUEUE, MIGRATION_QUEUE)


def dlq_name(queue: str) -> str:
    return f"{queue}-dlq"


# Failed batches of the dossiers stream (after retries) land here instead of blocking the shard.
STREAM_FAILURE_QUEUE = "outbox-relay-failures"

SECRETS = (
    "dvcqg-hmac-keys", "dvcqg-credentials", "payment-hmac-key", "integration-clients", "population-api-key",
    "messaging-credentials", "access-log-key", "ereceipt-credentials",
)


def secret_name(stage: str, name: str) -> str:
    return f"{PROJECT}/{stage}/{name}"
