"""The post-deploy smoke test (``python -m infra.smoke``, run by the deploy workflow after each
stage's deployment) against the local stack: it passes when the stack serves, fails when a
check does not pass, and its dossier never reaches DVCQG while a citizen's filed after it does."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import requests

from chalicelib.settings import Settings
from infra.resources import REPO_ROOT
from local.simulators.dvcqg import build_dossier
from local.stack import LocalStack
from tests.e2e.conftest import HMAC_KEYS, post_signed, simulator


def _smoke(stack: LocalStack, keys: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOSO_SMOKE_HMAC_KEYS": json.dumps(keys)}
    env.pop("HOSO_SMOKE_TEST_UNIT_CODE", None)
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "infra.smoke", "--stage", "dev", "--base-url", stack.api_url],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )


def _reached(stack: LocalStack, destination: str, code: str) -> bool:
    return requests.get(f"{simulator(stack, destination)}/_sim/records/{code}", timeout=10).status_code == 200


def test_the_smoke_test_passes_and_its_dossier_never_syncs_outward(stack: LocalStack) -> None:
    done = _smoke(stack, HMAC_KEYS)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line.split(":")[0] for line in done.stdout.splitlines()[:3]] == ["ok   health", "ok   intake",
                                                                               "ok   lookup"]
    found = re.search(r"→ 201 (\S+)", done.stdout)
    assert found is not None, done.stdout
    smoke_code = found.group(1)
    assert smoke_code.startswith(Settings().smoke_test_unit_code + "-")

    citizens = post_signed(stack.api_url, build_dossier()).json()["MaHoSo"]
    deadline = time.monotonic() + 180
    while not _reached(stack, "dvcqg", citizens):
        assert time.monotonic() < deadline, f"{citizens} never reached DVCQG"
        time.sleep(1)
    assert not _reached(stack, "dvcqg", smoke_code)
    assert not _reached(stack, "coordinator", smoke_code)


def test_the_smoke_test_fails_when_a_check_does_not_pass(stack: LocalStack) -> None:
    done = _smoke(stack, {"dvcqg-2026": "not-the-stage-key"})
    assert done.returncode == 1
    assert "FAIL intake: HTTP 401" in done.stderr
