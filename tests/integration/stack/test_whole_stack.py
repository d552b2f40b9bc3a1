"""The whole local stack (``LocalStack``, what ``make run`` runs) on free ports, from the real
template and the real app.py: it answers over HTTP, points everything at moto and the
simulators, and stops without leaving a thread behind. Then ``python -m local.run`` itself."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from infra.config import CONFIG_KEYS
from local.simulators import DEFAULT_PORTS, LOCAL_PROVINCES, province_simulator
from local.simulators.accounts import DEMO_ACCOUNTS
from local.stack import REPO_ROOT, LocalStack

FREE_PORTS = {
    "HOSO_API_PORT": "0", "MOTO_PORT": "0", "HOSO_WEB_PORT": "0",
    **{f"SIM_{name.upper()}_PORT": "0" for name in DEFAULT_PORTS},
}


def _environ() -> dict[str, str]:
    """The process environment without stage settings (other packages' fixtures leave theirs in
    os.environ; given, they would win over this stack's simulators)."""
    return {k: v for k, v in os.environ.items() if k not in CONFIG_KEYS}


@pytest.fixture(scope="module")
def threads_before() -> set[threading.Thread]:
    return set(threading.enumerate())


@pytest.fixture(scope="module")
def environ_before() -> dict[str, str]:
    return dict(os.environ)


@pytest.fixture(scope="module")
def stack(
    threads_before: set[threading.Thread], environ_before: dict[str, str], real_template_file: Path
) -> Iterator[LocalStack]:
    env = {**_environ(), **FREE_PORTS, "SIM_PROVINCE79_USERNAME": "tinh", "SIM_PROVINCE79_PASSWORD": "mật-khẩu-tỉnh"}
    running = LocalStack(env, template=real_template_file).start()
    yield running
    running.stop()


def test_health_answers_ok_for_every_dependency(stack: LocalStack, real_template: dict[str, Any]) -> None:
    assert requests.get(f"{stack.api_url}/health", timeout=10).json() == {"status": "ok"}  # liveness: names nothing
    vneid = next(s.url for s in stack.simulators if s.name == "vneid")
    operator = next(a for a in DEMO_ACCOUNTS if a["role"] == "operator")
    token = requests.post(f"{vneid}/_sim/token", json={"sub": operator["sub"]}, timeout=10).json()["access_token"]
    answer = requests.get(f"{stack.api_url}/v1/ops/health", headers={"Authorization": f"Bearer {token}"}, timeout=10)

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ok"
    assert all(d["ok"] for d in body["dependencies"]), body
    tables = [
        r["Properties"]["TableName"] for r in real_template["Resources"].values() if r["Type"] == "AWS::DynamoDB::Table"
    ]
    assert {f"dynamodb:{t}" for t in tables} <= {d["name"] for d in body["dependencies"]}


def test_docs_and_openapi_are_served(stack: LocalStack) -> None:
    docs = requests.get(f"{stack.api_url}/docs", timeout=10)
    spec = requests.get(f"{stack.api_url}/openapi.json", timeout=10)

    assert docs.status_code == 200 and docs.headers["Content-Type"].startswith("text/html")
    assert spec.status_code == 200
    assert "/health" in spec.json()["paths"]


def test_requests_are_served_concurrently(stack: LocalStack) -> None:
    host, port = stack.api_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as stalled:
        stalled.sendall(b"GET /health HTTP/1.1\r\nHost: local\r\n")  # headers never finished
        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(
                pool.map(lambda _: requests.get(f"{stack.api_url}/health", timeout=10).status_code, range(6))
            )
    assert statuses == [200] * 6


def test_the_process_points_at_moto_and_the_simulators(stack: LocalStack) -> None:
    from chalicelib.settings import get_settings

    sims = {s.name: s.url for s in stack.simulators}
    settings = get_settings()
    assert os.environ["AWS_ENDPOINT_URL"] == stack.moto_url
    assert settings.dvcqg_base_url == sims["dvcqg"]
    assert settings.vneid_issuer == sims["vneid"]
    assert settings.vneid_jwks_url == f"{sims['vneid']}/.well-known/jwks.json"
    assert settings.public_base_url == stack.api_url
    assert settings.sync_dvcqg_queue_url.startswith(stack.moto_url)
    assert requests.get(settings.vneid_jwks_url, timeout=10).json()["keys"]


def test_the_dvcqg_secrets_are_the_simulators(stack: LocalStack) -> None:
    secrets = boto3.session.Session().client("secretsmanager", endpoint_url=stack.moto_url, region_name=stack.region)
    credentials = json.loads(secrets.get_secret_value(SecretId="hoso/dev/dvcqg-credentials")["SecretString"])
    sims = {s.name: s.url for s in stack.simulators}

    for destination in ("dvcqg", "coordinator"):
        account = credentials.get(destination, credentials)
        login = requests.post(f"{sims[destination]}/login", json=account, timeout=10).json()
        assert login["error_code"] == 0 and login["session"], destination
    provinces = json.loads(os.environ["HOSO_PROVINCES"])  # each province: its simulator and its own secret
    assert sorted(provinces) == sorted(LOCAL_PROVINCES)
    for code, endpoint in provinces.items():
        assert endpoint["url"] == sims[province_simulator(code)]
        account = json.loads(secrets.get_secret_value(SecretId=endpoint["secret"])["SecretString"])
        login = requests.post(f"{endpoint['url']}/login", json=account, timeout=10).json()
        assert login["error_code"] == 0 and login["session"], code
    assert json.loads(secrets.get_secret_value(SecretId="hoso/dev/province-79")["SecretString"])["username"] == "tinh"
    keys = json.loads(secrets.get_secret_value(SecretId="hoso/dev/dvcqg-hmac-keys")["SecretString"])
    assert keys and all(isinstance(v, str) and v for v in keys.values())


def test_stop_leaves_no_thread_behind(
    stack: LocalStack, threads_before: set[threading.Thread], environ_before: dict[str, str]
) -> None:
    started = {t for t in threading.enumerate() if t not in threads_before}
    assert any(t.name == "hoso-api" for t in started)
    assert os.environ["AWS_ENDPOINT_URL"] == stack.moto_url

    stack.stop()

    # Importing app.py sets AWS_EXECUTION_ENV (Chalice does, once per process); pytest sets its own.
    others = {"PYTEST_CURRENT_TEST", "AWS_EXECUTION_ENV"}
    assert {k: v for k, v in os.environ.items() if k not in others} == {
        k: v for k, v in environ_before.items() if k not in others
    }

    deadline = time.monotonic() + 5
    while (left := [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.1)
    assert left == []
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{stack.api_url}/health", timeout=2)


def _run(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "local.run"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_make_run_refuses_a_taken_port_without_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _run({**_environ(), **FREE_PORTS, "HOSO_API_PORT": str(port)})
        out, err = process.communicate(timeout=60)

    assert process.returncode == 2
    assert f"Cổng {port}" in err and "đang được chương trình khác sử dụng" in err
    assert f"Port {port}" in err and "HOSO_API_PORT" in err
    assert "Traceback" not in err + out


def test_make_run_serves_until_interrupted(real_template_file: Path) -> None:
    process = _run({**_environ(), **FREE_PORTS, "HOSO_TEMPLATE": str(real_template_file), "HOSO_STAGE": "dev"})
    try:
        assert process.stdout is not None
        lines = []
        deadline = time.monotonic() + 60
        while not any("Ctrl-C" in line for line in lines):
            assert time.monotonic() < deadline and process.poll() is None, "".join(lines)
            lines.append(process.stdout.readline())
        banner = "".join(lines)
        api = re.search(r"API\s+(http://127\.0\.0\.1:\d+)", banner)
        assert api, banner
        assert requests.get(f"{api.group(1)}/health", timeout=10).status_code == 200
        login = re.search(r"VNeID / login\s+(\S+)", banner)
        assert login, banner
        page = requests.get(login.group(1), timeout=10)
        assert page.status_code == 200 and "001185004101" in page.text  # the accounts to log in as
        for account in ("001185004101", "Nguyễn Thị Thu Hà"):
            assert account in banner
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Traceback" not in err
