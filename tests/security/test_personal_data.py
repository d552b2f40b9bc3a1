"""Personal data (SPEC §3.6, §6): an applicant's 12-digit personal number, phone, e-mail, name,
address and birth date never appear in clear in the logs of a whole dossier lifecycle on the
local stack (population look-up included), nor in the URL — path or query string — of any call
the system makes to AWS, the simulators or anyone else, nor in a route's path, nor in a Step
Functions execution's input (identifiers and durations only)."""

from __future__ import annotations

import ast
import http.client
import io
import json
import logging
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

import boto3
import pytest

from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.observability import logger as app_logger
from local.eform_samples import KHAI_TU, SAMPLE_FILLED
from local.simulators.accounts import HCMC_UNIT
from local.simulators.citizens import DEMO_CITIZENS
from local.simulators.dvcqg import build_dossier
from tests.security.conftest import World
from tests.security.test_authorisation_matrix import served_routes

API_DIR = Path(__file__).resolve().parents[2] / "chalicelib" / "api"
# Path parameters carry only these kinds of identifier — none of them personal. A new one must be
# added here deliberately (a personal number, phone or e-mail belongs in a request body).
PATH_PARAMETERS = {
    "code": "dossier code", "unit_code": "unit code (QCVN 102)", "doc_id": "document id", "upload_id": "upload id",
    "form": "form name", "sub": "VNeID subject (opaque)", "day": "calendar date", "draft_id": "draft id",
    "notification_id": "notification id", "destination": "sync destination", "upload": "upload id",
    "client_id": "integration client id", "province_code": "province code", "template_id": "report template id",
    "receipt_id": "e-receipt id (hoso's)", "kind": "file kind (pdf or xml)", "dvcqg_ref": "DVCQG's dossier code",
    "ticket": "kiosk draft's ticket (random)", "kiosk_id": "kiosk id (an integration client id)",
    "procedure_code": "procedure code (national catalogue)", "number": "a variant proposal's number",
    "consultation_id": "consultation id (hoso's)", "run_id": "migration run id (hoso's)",
}
QUERY_PARAMETERS = {
    "status", "limit", "cursor", "token", "tu_ngay", "den_ngay", "thu_tuc", "linh_vuc", "from", "to", "role",
    "type", "unread", "unit", "province", "version", "year",
    "state",  # a consultation list's state (open / answered)
    "chu_ho_so",  # an applicant's name typed into the search (FR-21): a name, not one of the identifiers below
    "ma_ho_so", "qua_han", "kenh",  # a dossier's code, "overdue only", the channel (the personal number: POST body)
}
EXECUTION_INPUT_KEYS = {"dossier", "flow", "waits", "steps", "stages"}


_GIVEN = ("Diệu", "Quỳnh", "Thục", "Uyển", "Khuê", "Diễm", "Thùy", "Ngân", "Tuyết", "Xuân", "Hạnh", "Trâm")


def _secrets() -> dict[str, str]:
    number = "079190" + f"{secrets.randbelow(10**6 - 1) + 1:06d}"
    phone = "09" + f"{secrets.randbelow(10**8):08d}"
    day, month = secrets.randbelow(28) + 1, secrets.randbelow(12) + 1
    return {"number": number, "phone": phone, "phone_intl": "+84" + phone[1:],
            "email": f"pii.{secrets.token_hex(4)}@example.vn",
            "name": f"Tôn Nữ {secrets.choice(_GIVEN)} {secrets.choice(_GIVEN)}",
            "address": f"Số {secrets.randbelow(900) + 100} đường Pasteur, Phường Bến Thành, TP. Hồ Chí Minh",
            "birth_date": f"{day:02d}/{month:02d}/1990", "birth_date_iso": f"1990-{month:02d}-{day:02d}"}


def _url_forms(value: str) -> set[str]:
    """How a value would look in a URL: as is, percent-encoded, form-encoded, and case-folded."""
    forms = {value, quote(value, safe=""), quote_plus(value), quote(value)}
    return forms | {f.lower() for f in forms}


@pytest.fixture
def outgoing_urls() -> Iterator[list[tuple[str, str]]]:
    """Every HTTP request this process sends while the test runs — hoso's calls to moto (AWS),
    the simulators and anyone else, by urllib, requests or botocore alike — as (host:port,
    request target)."""
    sent: list[tuple[str, str]] = []
    original = http.client.HTTPConnection.putrequest

    def recording(self: http.client.HTTPConnection, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        sent.append((f"{self.host}:{self.port}", url))
        return original(self, method, url, *args, **kwargs)

    http.client.HTTPConnection.putrequest = recording  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        http.client.HTTPConnection.putrequest = original  # type: ignore[method-assign]


class _Capture(logging.Handler):
    def __init__(self, formatter: logging.Formatter | None = None) -> None:
        super().__init__(logging.DEBUG)
        self.stream = io.StringIO()
        if formatter is not None:
            self.setFormatter(formatter)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream.write(self.format(record) + "\n")


@pytest.fixture
def captured_logs() -> Iterator[dict[str, _Capture]]:
    """The app's JSON logs (through its own masking formatter, at its configured level), every
    other logger's warnings and errors, and the access lines of moto and the simulators (the
    URLs hoso calls)."""
    std = app_logger._logger  # noqa: SLF001 — Powertools keeps the standard logger here
    app = _Capture(app_logger.registered_formatter)
    others = _Capture()
    others.setLevel(logging.WARNING)
    access = _Capture()
    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    std.addHandler(app)
    logging.getLogger().addHandler(others)
    werkzeug.addHandler(access)
    werkzeug.setLevel(logging.INFO)
    try:
        yield {"app": app, "others": others, "access": access}
    finally:
        werkzeug.setLevel(level)
        werkzeug.removeHandler(access)
        logging.getLogger().removeHandler(others)
        std.removeHandler(app)


def _death_registration(pii: dict[str, str]) -> dict[str, Any]:
    """A desk dossier of a liên thông procedure (death registration starts its flow at receipt)."""
    return {**DESK_EXAMPLE, "MaTTHC": "1.000656", "MaDonViTiepNhan": HCMC_UNIT,
            "DuLieuBieuMau": SAMPLE_FILLED[KHAI_TU.code], "SoDienThoai": pii["phone"], "Email": pii["email"]}


def _lifecycle(world: World, pii: dict[str, str]) -> str:
    c = world.callers
    citizen = {**DEMO_CITIZENS[0], "SoDinhDanh": pii["number"], "NoiThuongTru": pii["address"],
               "HoVaTen": pii["name"], "NgaySinh": pii["birth_date"]}
    body = build_dossier(citizen, overrides={"MaDonViTiepNhan": HCMC_UNIT, "SoDienThoai": pii["phone"],
                                             "Email": pii["email"]})
    posted = c["dvcqg"].post("/v1/dvcqg/dossiers", body)
    assert posted.status_code == 201, posted.text
    code = posted.json()["MaHoSo"]
    for caller, action, extra in (
        ("desk", "tiep_nhan", {}), ("desk", "chuyen_phong", {}),
        ("head", "phan_cong", {"assignee": c["appraiser"].sub}),
        ("appraiser", "yeu_cau_bo_sung", {"reason": "Bổ sung giấy chứng sinh bản chính"}), ("desk", "nhan_bo_sung", {}),
    ):
        assert c[caller].act(code, action, **extra).status_code == 200, action
    result = c["appraiser"].post(f"/v1/dossiers/{code}/results", {"content": "Đồng ý đăng ký khai sinh."})
    assert result.status_code == 201, result.text
    for caller, action in (("appraiser", "trinh"), ("head", "trinh_lanh_dao")):
        assert c[caller].act(code, action).status_code == 200, action
    signed = c["leader"].post(f"/v1/dossiers/{code}/documents/{result.json()['id']}/sign", {})
    assert signed.status_code == 200, signed.text
    for caller, action in (("leader", "phe_duyet"), ("clerk", "phat_hanh")):
        assert c[caller].act(code, action).status_code == 200, action
    delivered = c["desk"].post(f"/v1/dossiers/{code}/delivery", {  # the receiver's name and number: logged neither
        "receiver": {"name": pii["name"], "id_number": pii["number"]}, "id_checked": True, "originals_checked": True})
    assert delivered.status_code == 200, delivered.text
    assert c["desk"].get(f"/v1/dossiers/{code}/forms/tiep-nhan").status_code == 200
    assert c["desk"].get(f"/v1/units/{HCMC_UNIT}/search", chu_ho_so=citizen["HoVaTen"]).status_code == 200
    refused = c["dvcqg"].post("/v1/dvcqg/dossiers", {**body, "SoGiayToChuHoSo": pii["number"] + "9"})
    assert refused.status_code in (409, 422)  # a refused variant: its reasons are logged too
    bad_name = c["dvcqg"].post("/v1/dvcqg/dossiers", {**body, "MaHoSoDVCQG": f"DVCQG-PII-{secrets.token_hex(4)}",
                                                      "ChuHoSo": {"HoVaTen": pii["name"]},
                                                      "DiaChi": [pii["address"], pii["birth_date"]]})
    assert bad_name.status_code == 422  # a validation error quoting what was sent is logged too
    # auto-fill asks the population database about the number (the simulator derives a person from it)
    found = c["desk"].post("/v1/autofill/citizens", {"so_dinh_danh": pii["number"], "thu_tuc": "1.001193"})
    assert found.status_code == 200, found.text
    return str(code)


def test_a_lifecycle_logs_no_personal_data_in_clear(world: World, captured_logs: dict[str, _Capture],
                                                     outgoing_urls: list[tuple[str, str]]) -> None:
    pii = _secrets()
    _lifecycle(world, pii)
    death = world.callers["desk"].post("/v1/dossiers", _death_registration(pii))
    assert death.status_code == 201, death.text
    time.sleep(3)  # the outbox relay, agency tasks and any sync run on what the lifecycle committed
    logs = {name: capture.stream.getvalue() for name, capture in captured_logs.items()}
    assert logs["app"].count("\n") > 20, "the app's logs were not captured"
    assert logs["access"].count("\n") > 20, "the calls to moto and the simulators were not captured"
    for where, text in logs.items():
        found = [kind for kind, value in pii.items() if value in text]
        assert not found, f"{', '.join(found)} in clear in the {where} logs"
    # the URLs of the calls hoso made (not the test's own calls to hoso's API)
    api = urlsplit(world.stack.api_url)
    calls = [(host, url) for host, url in outgoing_urls if host != f"{api.hostname}:{api.port}"]
    assert any("/v1/citizens" in url for _, url in calls), "the population look-up was not recorded"
    assert len({host for host, _ in calls}) >= 3, f"too few destinations recorded: {calls[:5]}"
    for host, url in calls:
        found = [kind for kind, value in pii.items() if _substrings(url, value)]
        assert not found, f"{', '.join(found)} in the URL of a call to {host}: {url}"


def _substrings(url: str, value: str) -> set[str]:
    """The forms of ``value`` that occur in ``url``."""
    return {form for form in _url_forms(value) if form in url or form in url.lower()}


def _routes_with_path_parameters() -> list[Any]:
    out = []
    for spec in served_routes():
        if "{" not in spec.path:
            continue
        out.append(pytest.param(spec, id=f"{spec.method} {spec.path}"))
    return out


@pytest.mark.parametrize("spec", _routes_with_path_parameters())
def test_no_route_puts_personal_data_in_its_path(spec: Any) -> None:
    unknown = [name for name in re.findall(r"{(\w+)}", spec.path) if name not in PATH_PARAMETERS]
    assert not unknown, (
        f"{spec.method} {spec.path}: path parameters {unknown} are not among the declared non-personal identifiers "
        "(a personal number, phone or e-mail in a URL ends up in access logs, proxies and browser history — send "
        "it in a request body)")


def _is_query_params(node: ast.AST) -> bool:
    """``request.query_params`` or ``(request.query_params or {})``."""
    if isinstance(node, ast.BoolOp):
        return any(_is_query_params(v) for v in node.values)
    return isinstance(node, ast.Attribute) and node.attr == "query_params"


def _query_parameters_read() -> dict[str, set[str]]:
    """Names the API views read from ``query_params`` (``params.get("x")`` / ``params["x"]``)."""
    found: dict[str, set[str]] = {}
    for path in sorted(API_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        params_vars = {"params", "query", "query_params"}
        for node in ast.walk(tree):
            name = None
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                holder = node.func.value
                if (isinstance(holder, ast.Name) and holder.id in params_vars) or _is_query_params(holder):
                    name = node.args[0].value
            elif (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                  and node.value.id in params_vars and isinstance(node.slice, ast.Constant)):
                name = node.slice.value
            if isinstance(name, str):
                found.setdefault(name, set()).add(path.name)
    return found


def test_no_view_reads_personal_data_from_the_query_string() -> None:
    read = _query_parameters_read()
    assert {"status", "cursor", "limit"} <= read.keys(), "the scan of the views found no query parameters"
    unknown = {name: sorted(files) for name, files in read.items() if name not in QUERY_PARAMETERS}
    assert not unknown, f"query parameters not declared as non-personal here: {unknown}"


def test_step_functions_inputs_carry_identifiers_only(world: World) -> None:
    pii = _secrets()
    created = world.callers["desk"].post("/v1/dossiers", _death_registration(pii))
    assert created.status_code == 201, created.text
    code = created.json()["dossier"]["code"]
    sfn = boto3.client("stepfunctions", endpoint_url=world.stack.moto_url, region_name=world.stack.region)
    machines = [m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]]
    assert machines, "no state machine in the stack"
    inputs: list[dict[str, Any]] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        inputs = [json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"])
                  for arn in machines for e in sfn.list_executions(stateMachineArn=arn)["executions"]]
        if any(i.get("dossier") == code for i in inputs):
            break
        time.sleep(0.5)
    assert any(i.get("dossier") == code for i in inputs), f"the flow of {code} did not start"
    for data in inputs:
        assert set(data) <= EXECUTION_INPUT_KEYS, f"unexpected execution input fields: {sorted(data)}"
        text = json.dumps(data, ensure_ascii=False)
        assert not re.search(r"(?<!\d)\d{12}(?!\d)", text), f"a 12-digit number in an execution input: {text}"
        assert "@" not in text and not re.search(r"(?<!\d)0[35789]\d{8}(?!\d)", text), text
