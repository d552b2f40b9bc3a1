"""One moto server for the folder (in-process, patched as ``make run`` patches it), the
fixture template provisioned into it, and the real template synthesised from infra/."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from local import moto_patches
from local.provision import ProvisionResult, provision
from local.stack import configure_moto, ensure_template, template_is_stale, template_path
from tests.integration.stack import fixture_template


def reset_moto(url: str) -> None:
    """Forget every resource (moto's state is per process) and turn executions back on."""
    request = urllib.request.Request(f"{url}/moto-api/reset", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()
    configure_moto(url)


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


@pytest.fixture(scope="session")
def real_template_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/cdk.out/hoso-dev.template.json when it is up to date, else a fresh synth of infra/."""
    built = template_path("dev")
    if not template_is_stale(built):
        return built
    return ensure_template("dev", outdir=tmp_path_factory.mktemp("synth") / "cdk.out")


@pytest.fixture(scope="session")
def real_template(real_template_file: Path) -> dict[str, Any]:
    return json.loads(real_template_file.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fixture_provisioned(moto_url: str) -> ProvisionResult:
    reset_moto(moto_url)
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
