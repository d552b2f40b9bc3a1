"""The GitHub Actions deployment: tests first, then one job per stage in order, each
authenticated by OIDC and gated by its GitHub environment (production: manual approval)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from infra.resources import REPO_ROOT, STAGES, stack_name

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "deploy.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    doc = yaml.safe_load(WORKFLOW.read_text())
    assert isinstance(doc, dict)
    return doc


def _runs(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def _uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if str(step.get("uses", "")).startswith(action + "@")]


def test_runs_on_push_to_main(workflow: dict[Any, Any]) -> None:
    trigger = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert trigger == {"push": {"branches": ["main"]}}
    assert workflow["permissions"] == {"contents": "read"}  # nothing more than needed by default


def test_the_test_job_runs_make_test(workflow: dict[Any, Any]) -> None:
    test = workflow["jobs"]["test"]
    assert "make test" in _runs(test)
    assert "needs" not in test


def test_one_deploy_job_per_stage_in_order(workflow: dict[Any, Any]) -> None:
    jobs = workflow["jobs"]
    previous = "test"
    for stage in STAGES:
        job = jobs[f"deploy-{stage}"]
        assert job["needs"] == previous
        environment = job["environment"]
        assert (environment if isinstance(environment, str) else environment["name"]) == stage
        previous = f"deploy-{stage}"
    assert set(jobs) == {"test", *(f"deploy-{s}" for s in STAGES)}


@pytest.mark.parametrize("stage", STAGES)
def test_deploy_jobs_use_oidc_and_the_gated_synth(stage: str, workflow: dict[Any, Any]) -> None:
    job = workflow["jobs"][f"deploy-{stage}"]
    assert job["permissions"]["id-token"] == "write"
    (creds,) = _uses(job, "aws-actions/configure-aws-credentials")
    assert "role-to-assume" in creds["with"]
    assert not [k for k in creds["with"] if "secret" in k or "access-key" in k]  # no long-lived keys
    runs = _runs(job)
    synth = [r for r in runs if "-m infra.synth" in r]
    assert synth == [f".venv/bin/python -m infra.synth --stage {stage} --require-config"]
    (deploy,) = [r for r in runs if " deploy " in r]
    assert "--app build/cdk.out" in deploy and deploy.split()[-3] == stack_name(stage)
    steps = job["steps"]
    assert steps.index(creds) > next(i for i, s in enumerate(steps) if s.get("run") in synth)


def test_production_has_its_own_environment(workflow: dict[Any, Any]) -> None:
    assert workflow["jobs"]["deploy-production"]["environment"] == "production"
    assert "manual approval" in WORKFLOW.read_text()
