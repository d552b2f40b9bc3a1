"""hoso hands a dossier to the specialised software of its procedure once it is received, and the
software reports back over HTTP (``local.simulators.specialised``, a real HTTP server, calling
hoso's app served over HTTP as ``chalice local`` serves it)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from chalice.config import Config
from chalice.local import CustomLocalChalice, LocalChalice, LocalDevServer, ThreadedHTTPServer

from app import app
from chalicelib.api import specialised as routes
from chalicelib.flows import hooks
from chalicelib.integrations import secrets
from chalicelib.settings import reset_settings_cache
from chalicelib.specialised import push
from chalicelib.store import dossiers
from local.simulators.base import RunningServer, serve
from local.simulators.specialised import SpecialisedSimulator
from tests.integration.partners.conftest import PROCEDURE, REGION, World

SECRET = "hoso/dev/integration-clients"


class _QuietServer(ThreadedHTTPServer):
    daemon_threads = True


@pytest.fixture(scope="module")
def hoso_url() -> Iterator[str]:
    """hoso's app over HTTP (the same app object: a blueprint registered on two apps loses its routes)."""
    previous_class, previous_app = app.__class__, getattr(routes.bp, "_current_app", None)
    CustomLocalChalice.__bases__ = (LocalChalice, previous_class)
    app.__class__ = CustomLocalChalice
    server = LocalDevServer(app, Config.create(chalice_stage="dev", app_name=app.app_name, lambda_timeout=29),
                            "127.0.0.1", 0, server_cls=_QuietServer)  # fmt: skip
    threading.Thread(target=server.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server.server_address[1]}"
    finally:
        server.server.shutdown()
        server.server.server_close()
        app.__class__ = previous_class
        routes.bp._current_app = previous_app


@pytest.fixture
def software(world: World, hoso_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningServer]:
    token = world.token  # the client "ho-tich-sw" of the world, scoped to 1.001193
    running = serve(SpecialisedSimulator("specialised", token, push_token="hoso-o-phan-mem"), 0)
    config = {"specialised": {"ho-tich-sw": {"base_url": running.url, "token": "hoso-o-phan-mem",
                                             "procedures": [PROCEDURE]}}}  # fmt: skip
    boto3.client("secretsmanager", region_name=REGION).create_secret(Name=SECRET, SecretString=json.dumps(config))
    monkeypatch.setenv("HOSO_INTEGRATION_CLIENTS_SECRET_ID", SECRET)
    monkeypatch.setenv("HOSO_PUBLIC_BASE_URL", hoso_url)
    reset_settings_cache()
    secrets.clear_cache()
    try:
        yield running
    finally:
        running.stop()
        secrets.clear_cache()


def _pushes(software: RunningServer) -> dict[str, Any]:
    return dict(requests.get(f"{software.url}/_sim/records", timeout=10).json()["dossiers"])


def _report(software: RunningServer, code: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = requests.post(f"{software.url}/_sim/report/{code}", json=body, timeout=30)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_received_dossier_goes_to_its_software_once_and_the_software_reports_back(
        world: World, software: RunningServer) -> None:  # fmt: skip
    code = world.dossier().code
    hooks.on_dossier_changed(code)  # the agency-tasks function, for the outbox signal of the receipt
    hooks.on_dossier_changed(code)  # a redelivered signal, and the signal of the push's own record
    pushed = _pushes(software)[code]
    assert pushed["pushes"] == 1
    request = pushed["request"]
    assert (request["procedure_code"], request["step"], request["status"]) == (PROCEDURE, "chuyen_xu_ly", 2)
    assert request["callbacks"]["status"].endswith(f"/v1/specialised/dossiers/{code}/status")
    assert request["form_data"] == world.get(code).form_data
    labels = [e.label for e in dossiers.events(code)]
    assert labels.count("Chuyển hồ sơ sang phần mềm chuyên ngành") == 1

    # its officers handle it there; every step comes back into hoso's trail
    moved = _report(software, code, {"kind": "status", "action": "chuyen_phong", "from_step": "chuyen_xu_ly",
                                     "status": 4, "handler": {"name": "Lê Thị Hồng"}})  # fmt: skip
    assert moved["answer"]["status"] == 200 and moved["answer"]["body"]["step"] == "phan_cong"
    again = requests.post(f"{software.url}/_sim/report/{code}", json={"kind": "status", **moved["sent"]}, timeout=30)
    assert again.json()["answer"]["body"]["replayed"] is True
    results = _report(software, code, {"kind": "results", "note": "Đã ký số."})
    assert results["answer"]["status"] == 200, results
    assert [d.name for d in world.get(code).documents if d.kind == "result"] == ["ket-qua.pdf"]


def test_a_software_that_refuses_or_is_down_never_stops_hoso(world: World, software: RunningServer) -> None:
    refused_code = world.dossier().code
    requests.post(f"{software.url}/_sim/mode", json={"fail_next": 1}, timeout=10).raise_for_status()
    with pytest.raises(push.agencies.AgencyUnavailable):  # 5xx: the signal fails and comes back later
        hooks.on_dossier_changed(refused_code)
    assert "Chuyển hồ sơ sang phần mềm chuyên ngành" not in [e.label for e in dossiers.events(refused_code)]
    hooks.on_dossier_changed(refused_code)  # the redelivery gets through
    assert _pushes(software)[refused_code]["pushes"] == 1

    # a dossier the software refuses (4xx) is recorded as such and handled in hoso by its officers
    other = world.dossier().code
    config = {"specialised": {"ho-tich-sw": {"base_url": software.url, "token": "sai-mat-khau",
                                             "procedures": [PROCEDURE]}}}  # fmt: skip
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(SecretId=SECRET,
                                                                         SecretString=json.dumps(config))
    secrets.clear_cache()
    hooks.on_dossier_changed(other)
    assert dossiers.events(other)[-1].label == "Không chuyển được hồ sơ sang phần mềm chuyên ngành"
    assert world.act(other, "desk", "chuyen_phong").step_id == "phan_cong"
    assert other not in _pushes(software)
