"""One production synth of the conftest's ``full`` app (with alarm subscriptions), shared by
the capacity and monitoring tests: production is where reserved concurrency and the plan's
peak settings live, which the ``dev`` synths of conftest cannot show."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra.resources import REPO_ROOT, template_path
from tests.infra.conftest import Synth, _full_project

STAGE = "production"
ALARMS = {"emails": ["truc-van-hanh@example.gov.vn"], "https": ["https://canh-bao.example.gov.vn/sns"]}
_synth: dict[str, Synth] = {}


def production(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    if STAGE not in _synth:
        base = tmp_path_factory.mktemp("production")
        project, machines = _full_project(base / "src")
        app = project / "app.py"  # the full app names one queue by its dev physical name
        app.write_text(app.read_text().replace("hoso-dev-", f"hoso-{STAGE}-"))
        env = {k: v for k, v in os.environ.items() if k != "HOSO_CONFIG"} | {"HOSO_ALARMS": json.dumps(ALARMS)}
        cmd = [sys.executable, "-m", "infra.synth", "--stage", STAGE, "--outdir", str(base / "cdk.out"),
               "--work-dir", str(base), "--source-dir", str(project), "--state-machines-dir", str(machines)]
        proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
        assert proc.returncode == 0, proc.stderr
        _synth[STAGE] = Synth(template_path(base / "cdk.out", STAGE), Path(base), proc.returncode, proc.stderr)
    return _synth[STAGE]
