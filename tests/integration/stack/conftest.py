"""One moto server for the folder (in-process, patched as ``make run`` patches it), the
fixture template provisioned into it, and the real template synthesised from infra/.

moto keeps one state per process, shared by every server in it (the e2e tier's LocalStack
may still be running): nothing here resets it. The fixture template's names (stage ``fx``)
never collide with the real template's, and provisioning is idempotent."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from local import moto_patches
from local.provision import ProvisionResult, provision
from local.stack import REPO_ROOT, SYNTH_TIMEOUT_S, configure_moto, synth_command, template_is_stale, template_path
from tests.integration.stack import fixture_template


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    moto_patches.apply()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    previous = os.environ.get("MOTO_PORT")
    os.environ["MOTO_PORT"] = str(port)
    url = f"http://{host}:{port}"
    configure_moto(url)
    yield url
    server.stop()
    if previous is None:
        os.environ.pop("MOTO_PORT", None)
    else:
        os.environ["MOTO_PORT"] = previous


@dataclass
class _Synth:
    process: subprocess.Popen[str]
    outdir: Path


@pytest.fixture(scope="session", autouse=True)
def _real_template_synth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Synth | None]:
    """Synthesises the real template in the background from the folder's first test (a synth
    takes half a minute) unless build/cdk.out already holds an up-to-date one."""
    if not template_is_stale(template_path("dev")):
        yield None
        return
    outdir = tmp_path_factory.mktemp("synth") / "cdk.out"
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        synth_command("dev", outdir), cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    yield _Synth(process, outdir)
    if process.poll() is None:
        process.kill()
        process.communicate()


@pytest.fixture(scope="session")
def real_template_file(_real_template_synth: _Synth | None) -> Path:
    """The template ``python -m infra.synth --stage dev`` writes for this checkout."""
    if _real_template_synth is None:
        return template_path("dev")
    _, stderr = _real_template_synth.process.communicate(timeout=SYNTH_TIMEOUT_S)
    assert _real_template_synth.process.returncode == 0, stderr
    return template_path("dev", _real_template_synth.outdir)


@pytest.fixture(scope="session")
def real_template(real_template_file: Path) -> dict[str, Any]:
    return json.loads(real_template_file.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fixture_provisioned(moto_url: str) -> ProvisionResult:
    return provision(fixture_template.template(), moto_url, stack_name="hoso-fx")


@pytest.fixture(scope="session")
def aws(moto_url: str) -> Any:
    """boto3 clients against the folder's moto server: ``aws("sqs")``."""
    clients: dict[str, Any] = {}

    def get(service: str) -> Any:
        if service not in clients:
            clients[service] = boto3.session.Session().client(
                service, endpoint_url=moto_url, region_name="ap-southeast-1"
            )
        return clients[service]

    return get
