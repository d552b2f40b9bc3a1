"""The GitHub Actions deployment: tests first, then one build of the cloud assembly, then that
same assembly (checked by its sha256, never synthesised again) to each stage in order, each
authenticated by OIDC, gated by its GitHub environment and followed by the smoke test; the
production diff is published before the production approval."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra import synth
from infra.config import CONFIG_KEYS
from infra.resources import REPO_ROOT, STAGES, stack_name

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "deploy.yml"
MAKEFILE = REPO_ROOT / "Makefile"
ARTIFACT = "assembly"
ASSEMBLY_DIR = "build/cdk.out"
DEPLOY_ORDER = ["build", "deploy-dev", "deploy-staging", "diff-production", "deploy-production"]
SYNTH_COMMANDS = ("infra.synth", "make assembly", "cdk synth", " synth ")


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    doc = yaml.safe_load(WORKFLOW.read_text())
    assert isinstance(doc, dict)
    return doc


def _runs(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def _uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if str(step.get("uses", "")).startswith(action + "@")]


def _index(job: dict[str, Any], predicate: Any) -> int:
    (found,) = [i for i, step in enumerate(job["steps"]) if predicate(step)]
    return found


def _needs(job: dict[str, Any]) -> list[str]:
    needs = job.get("needs", [])
    return [needs] if isinstance(needs, str) else list(needs)


def _environment(job: dict[str, Any]) -> str | None:
    environment = job.get("environment")
    return environment if environment is None or isinstance(environment, str) else environment["name"]


def _cdk(job: dict[str, Any], verb: str) -> str:
    (command,) = [r for r in _runs(job) if f"${{{{ env.CDK_CLI }}}} {verb} " in r]
    return command


def _make_target(target: str) -> str:
    text = MAKEFILE.read_text()
    found = re.search(rf"^{target}:.*?\n((?:\t.*\n)+)", text, flags=re.MULTILINE)
    assert found is not None, f"no make target {target}"
    return found.group(1)


def test_runs_on_push_to_main(workflow: dict[Any, Any]) -> None:
    trigger = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert trigger == {"push": {"branches": ["main"]}}
    assert workflow["permissions"] == {"contents": "read"}  # nothing more than needed by default


def test_the_test_job_runs_make_test(workflow: dict[Any, Any]) -> None:
    test = workflow["jobs"]["test"]
    assert "make test" in _runs(test)
    assert "needs" not in test


def test_jobs_run_in_order_build_then_each_stage_with_the_diff_before_production(workflow: dict[Any, Any]) -> None:
    jobs = workflow["jobs"]
    assert set(jobs) == {"test", *DEPLOY_ORDER}
    previous = "test"
    for name in DEPLOY_ORDER:
        assert previous in _needs(jobs[name]), f"{name} must wait for {previous}"
        previous = name
    for name in DEPLOY_ORDER[1:]:
        assert "build" in _needs(jobs[name])  # reads the build's sha256
    for stage in STAGES:
        assert _environment(jobs[f"deploy-{stage}"]) == stage


def test_the_build_job_builds_and_synthesises_every_stage_once_and_uploads_the_assembly(
        workflow: dict[Any, Any]) -> None:
    build = workflow["jobs"]["build"]
    assert "environment" not in build  # no approval, no stage credentials: nothing is deployed here
    assert "id-token" not in build.get("permissions", {})
    step = _index(build, lambda s: s.get("run") == "make assembly")
    env = build["steps"][step]["env"]
    assert env == {
        **{f"HOSO_{kind}_{s.upper()}": f"${{{{ vars.HOSO_{kind}_{s.upper()} }}}}"
           for kind in ("CONFIG", "ALARMS")
           for s in STAGES},
        # an index whose projection changes is rebuilt over two deploys (docs/runbooks/index-projections.md)
        "HOSO_INDEX_REBUILD": "${{ vars.HOSO_INDEX_REBUILD }}",
    }
    recipe = _make_target("assembly")
    assert "npm run --silent build" in recipe  # the web app
    assert "-m infra.synth --all-stages --require-config" in recipe  # every stage, cdk-nag gate, config required
    assert "sha256sum assembly.tar.gz > assembly.tar.gz.sha256" in recipe
    (upload,) = _uses(build, "actions/upload-artifact")
    assert upload["with"]["name"] == ARTIFACT and upload["with"]["if-no-files-found"] == "error"
    assert upload["with"]["path"].split() == ["build/assembly.tar.gz", "build/assembly.tar.gz.sha256"]
    digest = _index(build, lambda s: s.get("id") == "digest")
    assert step < digest < build["steps"].index(upload)
    assert build["outputs"]["sha256"] == "${{ steps.digest.outputs.sha256 }}"
    assert "GITHUB_OUTPUT" in build["steps"][digest]["run"]


def test_nothing_after_the_build_synthesises(workflow: dict[Any, Any]) -> None:
    for name, job in workflow["jobs"].items():
        if name == "build":
            continue
        for run in _runs(job):
            assert not any(s in run for s in SYNTH_COMMANDS), f"{name} synthesises: {run}"
        envs = [job.get("env", {}), *(step.get("env", {}) for step in job["steps"])]
        assert not [k for env in envs for k in env if k.startswith("HOSO_CONFIG")], f"{name} reads the synth's input"


def _check_downloads_the_built_assembly(job: dict[str, Any]) -> int:
    (download,) = _uses(job, "actions/download-artifact")
    assert download["with"] == {"name": ARTIFACT, "path": "build"}
    verify = _index(job, lambda s: "sha256sum --check" in s.get("run", ""))
    run = job["steps"][verify]["run"]
    assert '"${{ needs.build.outputs.sha256 }}  build/assembly.tar.gz" | sha256sum --check --strict' in run
    assert run.index("sha256sum") < run.index("tar -C build -xzf build/assembly.tar.gz")
    assert job["steps"].index(download) < verify
    return verify


def _check_oidc(job: dict[str, Any]) -> int:
    assert job["permissions"]["id-token"] == "write"
    (creds,) = _uses(job, "aws-actions/configure-aws-credentials")
    assert creds["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
    assert not [k for k in creds["with"] if "secret" in k or "access-key" in k]  # no long-lived keys
    return int(job["steps"].index(creds))


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_deploys_the_built_assembly_then_runs_the_smoke_test(stage: str,
                                                                         workflow: dict[Any, Any]) -> None:
    job = workflow["jobs"][f"deploy-{stage}"]
    verify = _check_downloads_the_built_assembly(job)
    creds = _check_oidc(job)
    deploy_cmd = _cdk(job, "deploy")
    words = deploy_cmd.split()
    assert words[words.index("--app") + 1] == ASSEMBLY_DIR
    assert words[words.index("deploy") + 1 :].count(stack_name(stage)) == 1
    assert not [w for w in words if w.startswith(("-c", "--context"))]  # no synthesis input at deploy time
    deploy = _index(job, lambda s: s.get("run") == deploy_cmd)
    assert verify < deploy and creds < deploy
    assert "--outputs-file build/outputs.json" in deploy_cmd
    smoke = _index(job, lambda s: "-m infra.smoke" in s.get("run", ""))
    assert deploy < smoke == len(job["steps"]) - 1  # after the deployment (and its web app upload), last
    step = job["steps"][smoke]
    assert step["run"] == f".venv/bin/python -m infra.smoke --stage {stage} --outputs build/outputs.json"
    unit = f"${{{{ fromJSON(vars.HOSO_CONFIG_{stage.upper()}).HOSO_SMOKE_TEST_UNIT_CODE }}}}"
    assert step["env"] == {"HOSO_SMOKE_TEST_UNIT_CODE": unit}
    for s in job["steps"]:
        assert not s.get("continue-on-error") and "|| true" not in s.get("run", "")  # a failure fails the job
    assert not job.get("continue-on-error")


def test_the_production_diff_is_published_before_the_approval(workflow: dict[Any, Any]) -> None:
    jobs = workflow["jobs"]
    diff_job, production = jobs["diff-production"], jobs["deploy-production"]
    assert _environment(diff_job) != "production"  # no reviewers in the way: the diff comes first
    assert _environment(production) == "production"  # required reviewers: the approval
    assert "diff-production" in _needs(production)
    verify = _check_downloads_the_built_assembly(diff_job)
    creds = _check_oidc(diff_job)
    diff_cmd = _cdk(diff_job, "diff")
    words = diff_cmd.split()
    assert words[words.index("--app") + 1] == ASSEMBLY_DIR and stack_name("production") in words
    assert "--method template" in diff_cmd  # the read-only lookup role is enough
    assert "tee build/production-diff.txt" in diff_cmd
    diff = _index(diff_job, lambda s: s.get("run") == diff_cmd)
    assert verify < diff and creds < diff
    publish = _index(diff_job, lambda s: "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert "cat build/production-diff.txt" in diff_job["steps"][publish]["run"] and publish > diff
    (upload,) = _uses(diff_job, "actions/upload-artifact")
    assert upload["with"]["path"] == "build/production-diff.txt"
    assert not [r for r in _runs(diff_job) if " deploy " in r]  # the diff job changes nothing
    assert "manual approval" in WORKFLOW.read_text()


def test_the_assembly_takes_each_stages_configuration_and_refuses_a_missing_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    full = {k: f"https://{k.lower()}.example.gov.vn" for k in CONFIG_KEYS} | {"HOSO_PROVINCES": "{}",
                                                                              "HOSO_SYNC_ENVELOPES": "{}"}
    environ = {"HOSO_CONFIG_DEV": json.dumps(full), "HOSO_CONFIG_STAGING": json.dumps({**full, "X": "y"})}
    assert synth.stage_configs_from_environment(environ) == {
        "dev": full, "staging": {**full, "X": "y"}, "production": {}}
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("HOSO_CONFIG_PRODUCTION", raising=False)
    outdir = tmp_path / "cdk.out"
    assert synth.main(["--all-stages", "--require-config", "--outdir", str(outdir)]) == 2
    assert "unknown configuration keys ['X']" in capsys.readouterr().err  # staging's, before any synthesis
    monkeypatch.setenv("HOSO_CONFIG_STAGING", json.dumps(full))
    assert synth.main(["--all-stages", "--require-config", "--outdir", str(outdir)]) == 2
    assert "missing" in capsys.readouterr().err  # production has no configuration
    assert not outdir.exists()
