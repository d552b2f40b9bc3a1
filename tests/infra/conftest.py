"""Synthesise once per test session, two stacks in parallel (a synth takes ~10 s):

- ``repo``: the real app.py and state_machines/ of this checkout, exactly as deployed;
- ``full``: a small Chalice app with one handler per FUNCTION_ACCESS entry, declared the
  way app.py must declare them (the wiring contract), plus a state machine written to a
  temporary folder — so event wiring, roles and state machines are checked before the real
  handlers exist.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.resources import REPO_ROOT, template_path
from local.webapp import ensure_built

STAGE = "dev"

# The decorators app.py must use (queues and streams by their short names; infra rewrites
# each event source to the real resource). sync_province names its queue by physical name,
# which is accepted too; agency_tasks, dossier_changes and the authorizer sit on a blueprint in chalicelib, as
# the real handlers do.
FULL_APP = """
from chalice import Chalice, Rate

from chalicelib import handlers

app = Chalice(app_name="hoso")
app.register_blueprint(handlers.bp)


@app.route("/health", authorizer=handlers.officer_authorizer)
def health():
    return {"ok": True}


@app.on_dynamodb_record(stream_arn="dossiers", batch_size=100)
def outbox_relay(event):
    return None


@app.on_dynamodb_record(stream_arn="dossiers", batch_size=100)
def edata_capture(event):
    return None


@app.on_sqs_message(queue="sync-dvcqg", batch_size=10)
def sync_dvcqg(event):
    return None


@app.on_sqs_message(queue="sync-coordinator", batch_size=10)
def sync_coordinator(event):
    return None


@app.on_sqs_message(queue="hoso-dev-sync-province", batch_size=10)
def sync_province(event):
    return None


@app.schedule(Rate(15, unit=Rate.MINUTES))
def deadline_sweep(event):
    return None


@app.schedule(Rate(1, unit=Rate.HOURS))
def reconcile_dvcqg(event):
    return None


@app.schedule(Rate(1, unit=Rate.DAYS))
def reconcile_payments(event):
    return None


@app.schedule(Rate(1, unit=Rate.DAYS))
def integrity_anchor_day(event):
    return None


@app.schedule(Rate(5, unit=Rate.MINUTES))
def specialised_watch(event):
    return None


@app.on_sqs_message(queue="job-deadline-sweep", batch_size=10)
def deadline_sweep_pages(event):
    return None


@app.on_sqs_message(queue="job-reconcile-dvcqg", batch_size=1)
def reconcile_dvcqg_pages(event):
    return None


@app.on_sqs_message(queue="job-reconcile-payments", batch_size=1)
def reconcile_payments_pages(event):
    return None


@app.on_sqs_message(queue="job-integrity-anchor", batch_size=10)
def integrity_anchor_pages(event):
    return None


@app.on_sqs_message(queue="ereceipts", batch_size=10)
def issue_receipts(event):
    return None


@app.on_sqs_message(queue="migration-chunks", batch_size=1)
def migration_chunks(event):
    return None


@app.on_cw_event({"source": ["aws.s3"], "detail-type": ["Object Created"]})
def attachment_uploaded(event):
    return None
"""

FULL_BLUEPRINT = """
from chalice import AuthResponse, Blueprint

bp = Blueprint(__name__)


@bp.on_sqs_message(queue="agency-tasks", batch_size=10)
def agency_tasks(event):
    return None


@bp.on_sqs_message(queue="dossier-changes", batch_size=10)
def dossier_changes(event):
    return None


@bp.authorizer(name="officer_authorizer", ttl_seconds=300)
def officer_authorizer(auth_request):
    return AuthResponse(routes=[], principal_id="nobody")
"""

BIRTH_FLOW_ASL = """{
  "Comment": "Birth registration hand-over (test definition)",
  "StartAt": "Hand over to the agency",
  "States": {
    "Hand over to the agency": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "TimeoutSeconds": ${StepTimeoutSeconds},
      "HeartbeatSeconds": ${HeartbeatSeconds},
      "Parameters": {"QueueUrl": "${AgencyTasksQueueUrl}", "MessageBody": {"token.$": "$$.Task.Token"}},
      "Next": "Record the outcome"
    },
    "Record the outcome": {
      "Type": "Task",
      "Resource": "arn:aws:states:::dynamodb:updateItem",
      "Parameters": {
        "TableName": "${DossiersTableName}",
        "Key": {"pk": {"S.$": "$.pk"}, "sk": {"S": "META"}},
        "UpdateExpression": "SET flow_done = :t",
        "ExpressionAttributeValues": {":t": {"BOOL": true}}
      },
      "End": true
    }
  }
}
"""


@dataclass(frozen=True)
class Synth:
    path: Path
    work_dir: Path
    returncode: int
    stderr: str

    @property
    def template(self) -> dict[str, Any]:
        return _load(self.path)

    @property
    def packaged_sam(self) -> dict[str, Any]:
        """What ``chalice package`` produced for this synth (before infra's overrides)."""
        (path,) = (self.work_dir / "chalice.out").glob("*/sam.json")
        return _load(path)

    def resources(self, type_: str) -> dict[str, dict[str, Any]]:
        return {k: r for k, r in self.template["Resources"].items() if r["Type"] == type_}

    def alarm_topic(self) -> str:
        """The alarm topic's logical id (the other topic is the dossier events', infra/fanout.py)."""
        (lid,) = [k for k, r in self.resources("AWS::SNS::Topic").items()
                  if r["Properties"]["TopicName"].endswith("-alarms")]  # fmt: skip
        return lid

    def alarm_subscriptions(self) -> dict[str, dict[str, Any]]:
        return {k: r for k, r in self.resources("AWS::SNS::Subscription").items()
                if r["Properties"]["TopicArn"] == {"Ref": self.alarm_topic()}}  # fmt: skip


_cache: dict[Path, dict[str, Any]] = {}


def _load(path: Path) -> dict[str, Any]:
    if path not in _cache:
        _cache[path] = json.loads(path.read_text())
    return _cache[path]


def _full_project(base: Path) -> tuple[Path, Path]:
    project = base / "project"
    (project / ".chalice").mkdir(parents=True)
    shutil.copy(REPO_ROOT / ".chalice" / "config.json", project / ".chalice" / "config.json")
    (project / "app.py").write_text(FULL_APP)
    (project / "chalicelib").mkdir()
    (project / "chalicelib" / "__init__.py").write_text("")
    (project / "chalicelib" / "handlers.py").write_text(FULL_BLUEPRINT)
    machines = base / "state_machines"
    machines.mkdir()
    (machines / "birth_flow.asl.json").write_text(BIRTH_FLOW_ASL)
    return project, machines


@pytest.fixture(scope="session")
def synths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synth]:
    base = tmp_path_factory.mktemp("infra")
    ensure_built()  # once, before the parallel synths (each uploads webapp/dist)
    project, machines = _full_project(base / "full-src")
    env = {k: v for k, v in os.environ.items() if k != "HOSO_CONFIG"}
    env |= {"JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    runs = {
        "repo": [],
        "full": ["--source-dir", str(project), "--state-machines-dir", str(machines)],
    }
    procs = {}
    for name, extra in runs.items():
        work = base / name
        cmd = [sys.executable, "-m", "infra.synth", "--stage", STAGE, "--outdir", str(work / "cdk.out")]
        cmd += ["--work-dir", str(work), *extra]
        procs[name] = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    out = {}
    for name, proc in procs.items():
        _, stderr = proc.communicate(timeout=600)
        out[name] = Synth(template_path(base / name / "cdk.out", STAGE), base / name, proc.returncode, stderr)
    return out


@pytest.fixture(scope="session")
def repo(synths: dict[str, Synth]) -> Synth:
    s = synths["repo"]
    assert s.returncode == 0, s.stderr
    return s


@pytest.fixture(scope="session")
def full(synths: dict[str, Synth]) -> Synth:
    s = synths["full"]
    assert s.returncode == 0, s.stderr
    return s
