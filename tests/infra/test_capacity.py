"""Capacity as planned: infra/capacity.py carries docs/capacity.md's peak, the document states
the settings of each stage, and the synthesised templates have exactly those settings."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from infra import capacity, edge
from infra.capacity import MACHINE, OFFICER, PUBLIC
from infra.resources import REPO_ROOT, STAGES
from infra.wiring import python_name
from tests.infra import production
from tests.infra.conftest import STAGE, Synth

DOC = REPO_ROOT / "docs" / "capacity.md"


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return production.production(tmp_path_factory)


def _functions(s: Synth) -> dict[str, dict[str, Any]]:
    return {python_name(r["Properties"]["Handler"]): r["Properties"]
            for r in s.resources("AWS::Serverless::Function").values()}


def _consumed(s: Synth, queue_id: str) -> str:
    name = s.template["Resources"][queue_id]["Properties"]["QueueName"]
    return name.split("-", 2)[2]  # hoso-<stage>-<queue>


def _check_template(s: Synth, stage: str, *, every_client_kind: bool = False) -> None:
    plan = capacity.of(stage)
    api = next(r for r in s.resources("AWS::Serverless::Api").values())
    default, *methods = api["Properties"]["MethodSettings"]
    assert (default["ThrottlingRateLimit"], default["ThrottlingBurstLimit"]) == (
        plan.throttles[OFFICER].rate, plan.throttles[OFFICER].burst)
    kinds = {(m["ThrottlingRateLimit"], m["ThrottlingBurstLimit"]) for m in methods}
    planned = {(plan.throttles[k].rate, plan.throttles[k].burst) for k in (PUBLIC, MACHINE)}
    assert kinds == planned if every_client_kind else kinds <= planned  # the full app has officers' routes only
    functions = _functions(s)
    for name, props in functions.items():
        reserved = plan.api_reserved if name == "api_handler" else None
        assert props.get("ReservedConcurrentExecutions") == reserved, name
        for event in props.get("Events", {}).values():
            p = event["Properties"]
            if event["Type"] == "SQS":
                queue = _consumed(s, p["Queue"]["Fn::GetAtt"][0])
                assert p["ScalingConfig"] == {"MaximumConcurrency": plan.queue_max_concurrency[queue]}, name
            elif event["Type"] == "DynamoDB":
                assert p["BatchSize"] == capacity.STREAM_BATCH_SIZE, name
                assert p["ParallelizationFactor"] == capacity.STREAM_PARALLELIZATION, name
    consumers = {n for n, p in functions.items() if any(e["Type"] == "SQS" for e in p.get("Events", {}).values())}
    assert len(consumers) == len(plan.queue_max_concurrency)


def test_the_production_template_has_the_plans_settings(prod: Synth) -> None:
    _check_template(prod, "production")
    assert _functions(prod)["api_handler"]["ReservedConcurrentExecutions"] == 600


def test_the_dev_template_has_its_stages_settings(full: Synth, repo: Synth) -> None:
    _check_template(full, STAGE)
    _check_template(repo, STAGE, every_client_kind=True)  # the real app.py: its stream batch size is the plan's


def test_edge_takes_its_throttles_from_the_plan() -> None:
    for stage in STAGES:
        assert edge.STAGE_EDGE[stage].throttles == capacity.of(stage).throttles


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_is_deployable(stage: str) -> None:
    capacity.check(stage)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"throttles": {**capacity.of("production").throttles, OFFICER: capacity.Throttle(200, 400)}},
         "busiest method"),
        ({"api_reserved": 200}, "planned peak concurrency"),
        ({"api_reserved": 2950}, "unreserved"),
        ({"queue_max_concurrency": {**capacity.of("production").queue_max_concurrency, "sync-dvcqg": 1}},
         "between 2 and 1000"),
        ({"account_concurrency": 1000}, "take the whole account"),
        ({"queue_max_concurrency": {**capacity.of("production").queue_max_concurrency, "sync-province": 200}},
         "peak sync deliveries"),
    ],
)
def test_a_production_below_the_plan_or_beyond_the_account_is_refused(
        change: dict[str, Any], message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    changed = dataclasses.replace(capacity.of("production"), **change)
    monkeypatch.setitem(capacity.STAGES, "production", changed)
    with pytest.raises(ValueError, match=message):
        capacity.check("production")


def _rate(t: capacity.Throttle) -> str:
    return f"{t.rate:,.0f} / {t.burst:,}"


def expected_rows() -> list[str]:
    """docs/capacity.md §9's table, as infra/capacity.py has it."""
    c = [capacity.of(s) for s in STAGES]

    def row(label: str, values: list[str]) -> str:
        return f"| {label} | " + " | ".join(values) + " |"

    rows = [row(f"API throttle per method, {k} (rate/s / burst)", [_rate(x.throttles[k]) for x in c])
            for k in (OFFICER, MACHINE, PUBLIC)]
    rows.append(row("account Lambda concurrency (quota)", [f"{x.account_concurrency:,}" for x in c]))
    rows.append(row("API function reserved concurrency", [f"{x.api_reserved:,}" if x.api_reserved else "—" for x in c]))
    queues = c[0].queue_max_concurrency
    rows += [row(f"`{q}` mapping maximum concurrency", [f"{x.queue_max_concurrency[q]:,}" for x in c]) for q in queues]
    stream = f"{capacity.STREAM_BATCH_SIZE} / {capacity.STREAM_PARALLELIZATION}"
    rows.append(row("dossiers stream batch size / parallelization factor", [stream] * len(c)))
    return rows


def test_the_capacity_document_states_the_settings() -> None:
    doc = DOC.read_text(encoding="utf-8")
    table = [line for line in doc.splitlines() if line.startswith("| ") and "|" in line[1:]]
    for line in expected_rows():
        assert line in table, f"docs/capacity.md §9 does not say: {line}"


def test_the_capacity_document_states_the_plans_peak() -> None:
    doc = re.sub(r"\s+", " ", DOC.read_text(encoding="utf-8"))
    for figure in (f"≈ {capacity.PEAK_STEPS_PER_S} steps/s", f"≈ {capacity.PEAK_INTAKES_PER_S} intakes/s",
                   f"≈ {capacity.PEAK_API_REQUESTS_PER_S:,} req", f"≈ {capacity.PEAK_SYNC_DELIVERIES_PER_S:,} /s",
                   f"≈ {capacity.PEAK_BUSIEST_METHOD_PER_S} /s on the busiest method",
                   f"≈ {capacity.API_CONCURRENCY_AT_PEAK}", f"≈ {capacity.AGENCY_TASKS_CONCURRENCY_AT_PEAK}"):
        assert figure in doc, figure


@pytest.mark.parametrize(("quota", "problem"), [(1000, True), (3000, False), (5000, False)])
def test_the_deployment_checks_the_accounts_concurrency_quota(quota: int, problem: bool) -> None:
    client = boto3.client("lambda", region_name="ap-southeast-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stub:
        stub.add_response("get_account_settings", {"AccountLimit": {"ConcurrentExecutions": quota}})
        found = capacity.account_shortfall("production", client)
    assert (found is not None) == problem
    if problem:
        assert "quota is 1000, the plan needs 3000" in str(found)
