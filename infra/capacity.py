"""Capacity as planned (docs/capacity.md): the plan's peak figures and, per stage, the settings
derived from them — API method throttles, the API function's reserved concurrency, the
maximum concurrency of each SQS event source mapping, the stream mappings' batch and
parallelisation, and the account concurrency the alarms compare against.

This module is the one place of these numbers: ``infra/edge.py`` takes its throttles from
here, :func:`apply` writes the rest onto the packaged functions, docs/capacity.md states them
(tests/infra/test_capacity.py fails when the document, this module or the template disagree).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from infra.resources import QUEUES, SYNC_QUEUES

# ---------------------------------------------------------------- the plan (docs/capacity.md §1–2)
PEAK_STEPS_PER_S = 360  # 5.2 M steps on a peak day / 28,800 s of office hours × 2 (peak hour)
PEAK_INTAKES_PER_S = 28
PEAK_API_REQUESTS_PER_S = 2200  # one processing request + 5 officers' reads per step
PEAK_SYNC_DELIVERIES_PER_S = 1100  # one per destination and step, 3 destinations
# The busiest single API method: the dossier view or the worklist, at most half the officers' reads.
PEAK_BUSIEST_METHOD_PER_S = 900
API_CONCURRENCY_AT_PEAK = 350  # rate × duration, the upper estimate (§4)
SYNC_DELIVERY_SECONDS = 1.0  # one delivery through NDXP to the real DVCQG, the slow end (§4)
AGENCY_TASKS_CONCURRENCY_AT_PEAK = 40
# AWS: an account keeps at least this much concurrency unreserved (PutFunctionConcurrency refuses more).
MIN_UNRESERVED_CONCURRENCY = 100
# A DynamoDB stream serves two readers per shard; the relay keeps each shard's order (§4).
STREAM_BATCH_SIZE = 100
STREAM_PARALLELIZATION = 1

PUBLIC, MACHINE, OFFICER = "public", "machine", "officer"


@dataclass(frozen=True)
class Throttle:
    rate: float  # requests per second, steady, per API method
    burst: int


@dataclass(frozen=True)
class StageCapacity:
    # API Gateway throttles each method with its own token bucket; OFFICER is the stage default
    throttles: Mapping[str, Throttle]
    account_concurrency: int  # the Lambda concurrency quota the stage's account has (or is asked for)
    api_reserved: int | None  # reserved concurrency of the API function: a floor (and a ceiling)
    queue_max_concurrency: Mapping[str, int]  # SQS event source mapping → ScalingConfig.MaximumConcurrency

    @property
    def reserved_total(self) -> int:
        return self.api_reserved or 0

    @property
    def queue_total(self) -> int:
        return sum(self.queue_max_concurrency.values())


# a migration run's chunks at once: the migration_run map's MaxConcurrency (state_machines/migration_run.asl.json)
MIGRATION_CHUNKS_CONCURRENCY = 10


def _queues(sync: int, agency: int, sweep: int, reconcile: int, receipts: int) -> dict[str, int]:
    """The scheduled jobs' workers (docs/capacity.md §4a): the deadline sweep's pages spread over
    units; DVCQG's reconciliation calls DVCQG, so it stays well under the sync consumers' share; the
    payments' pages form one sequential chain a day (2, the lowest ceiling SQS accepts); the integrity
    anchor's 32 shard chains a day are small (≤ a few pages each) and not urgent: 2 as well; e-receipts
    follow payments (a few a second at the peak) and call the provider, which is sized per province."""
    return {**dict.fromkeys(SYNC_QUEUES, sync), "agency-tasks": agency, "dossier-changes": agency,
            "job-deadline-sweep": sweep,
            "job-reconcile-dvcqg": reconcile, "job-reconcile-payments": 2, "job-integrity-anchor": 2,
            "ereceipts": receipts, "migration-chunks": MIGRATION_CHUNKS_CONCURRENCY}


STAGES: dict[str, StageCapacity] = {
    # dev and staging accounts keep AWS's default quota; dev reserves nothing, so the first
    # deploy works even in a new account whose quota is still below 1,000.
    "dev": StageCapacity(
        throttles={PUBLIC: Throttle(10, 20), MACHINE: Throttle(20, 40), OFFICER: Throttle(50, 100)},
        account_concurrency=1000,
        api_reserved=None,
        queue_max_concurrency=_queues(sync=5, agency=5, sweep=2, reconcile=2, receipts=2),
    ),
    "staging": StageCapacity(
        throttles={PUBLIC: Throttle(20, 40), MACHINE: Throttle(50, 100), OFFICER: Throttle(100, 200)},
        account_concurrency=1000,
        api_reserved=100,
        queue_max_concurrency=_queues(sync=20, agency=10, sweep=5, reconcile=2, receipts=5),
    ),
    # The peak (docs/capacity.md): 2,200 requests/s in all, the busiest method ≈ 900/s; ≈ 350
    # concurrent API invocations; ≈ 367 sync deliveries/s per destination at up to 1 s each, so
    # 400 in flight per destination — the number to agree with DVCQG's operator (§4).
    "production": StageCapacity(
        throttles={PUBLIC: Throttle(50, 100), MACHINE: Throttle(100, 200), OFFICER: Throttle(1000, 2000)},
        account_concurrency=3000,  # ask AWS for 3,000 before go-live (the default is 1,000)
        api_reserved=600,
        queue_max_concurrency=_queues(sync=400, agency=100, sweep=20, reconcile=10, receipts=20),
    ),
}


def of(stage: str) -> StageCapacity:
    return STAGES[stage]


def check(stage: str) -> None:
    """The stage's settings are deployable and, for production, carry the plan's peak."""
    c = STAGES[stage]
    if set(c.queue_max_concurrency) != set(QUEUES):
        raise ValueError(f"{stage}: a maximum concurrency for each SQS-consumed queue {QUEUES}")
    if any(not 2 <= n <= 1000 for n in c.queue_max_concurrency.values()):
        raise ValueError(f"{stage}: SQS MaximumConcurrency must be between 2 and 1000")
    if c.account_concurrency - c.reserved_total < MIN_UNRESERVED_CONCURRENCY:
        raise ValueError(f"{stage}: reserving {c.reserved_total} leaves less than {MIN_UNRESERVED_CONCURRENCY} "
                         f"of the account's {c.account_concurrency} unreserved")
    if c.reserved_total + c.queue_total > c.account_concurrency - MIN_UNRESERVED_CONCURRENCY:
        raise ValueError(f"{stage}: the API's floor and the queue consumers' ceilings take the whole account")
    if stage == "production":
        if c.throttles[OFFICER].rate < PEAK_BUSIEST_METHOD_PER_S:
            raise ValueError("production: the officers' method throttle is below the busiest method's peak")
        if c.throttles[MACHINE].rate < PEAK_INTAKES_PER_S:
            raise ValueError("production: the machine method throttle is below the peak intake rate")
        if (c.api_reserved or 0) < API_CONCURRENCY_AT_PEAK:
            raise ValueError("production: the API's reserved concurrency is below its planned peak concurrency")
        per_destination = PEAK_SYNC_DELIVERIES_PER_S / len(SYNC_QUEUES)
        if any(c.queue_max_concurrency[q] / SYNC_DELIVERY_SECONDS < per_destination for q in SYNC_QUEUES):
            raise ValueError("production: a sync mapping's ceiling cannot carry its destination's peak sync deliveries")
        if c.queue_max_concurrency["agency-tasks"] < AGENCY_TASKS_CONCURRENCY_AT_PEAK:
            raise ValueError("production: the agency tasks' ceiling is below their planned peak concurrency")


def apply(stack: Any) -> None:
    """Reserved concurrency and event source mapping limits on the packaged functions
    (``stack.functions``: python name → the SAM function resource)."""
    c = STAGES[stack.stage]
    check(stack.stage)
    for name, cfn in stack.functions.items():
        access = stack.access[name]
        if name == "api_handler" and c.api_reserved is not None:
            cfn.add_property_override("ReservedConcurrentExecutions", c.api_reserved)
        for event in _events(stack, name):
            prefix = f"Events.{event}.Properties"
            if access.consumes is not None:
                cfn.add_property_override(f"{prefix}.ScalingConfig",
                                          {"MaximumConcurrency": c.queue_max_concurrency[access.consumes]})
            elif access.stream_of is not None:  # the batch size is the app's (tests check it is the plan's)
                cfn.add_property_override(f"{prefix}.ParallelizationFactor", STREAM_PARALLELIZATION)


def _events(stack: Any, name: str) -> list[str]:
    (fn,) = [f for f in stack.packaged_functions if f.python_name == name]
    return [e.name for e in fn.events if e.kind in ("SQS", "DynamoDB")]


def account_shortfall(stage: str, lambda_client: Any) -> str | None:
    """Why the deployment account cannot hold the stage's plan, or None: its Lambda concurrency
    quota is below ``account_concurrency`` (the alarms' base and the room the reservations and
    the mappings' ceilings were sized in)."""
    settings = lambda_client.get_account_settings()["AccountLimit"]
    quota = int(settings["ConcurrentExecutions"])
    wanted = STAGES[stage].account_concurrency
    if quota < wanted:
        return (f"{stage}: the account's Lambda concurrency quota is {quota}, the plan needs {wanted} "
                "(Service Quotas → AWS Lambda → Concurrent executions; docs/capacity.md §9)")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m infra.capacity --stage production``: before a deployment, with the stage's
    credentials, check that the account has the concurrency quota the plan assumes."""
    parser = argparse.ArgumentParser(prog="python -m infra.capacity", description=main.__doc__)
    parser.add_argument("--stage", required=True, choices=tuple(STAGES))
    args = parser.parse_args(argv)
    import boto3

    from infra.resources import REGION

    problem = account_shortfall(args.stage, boto3.client("lambda", region_name=REGION))
    if problem:
        print(problem, file=sys.stderr)
        return 1
    print(f"{args.stage}: the account's Lambda concurrency quota holds the plan")
    return 0


if __name__ == "__main__":
    sys.exit(main())
