"""Reports (FR-23…25, 27) over hoso's API on moto: real dossier lifecycles move the aggregates in
their own transactions, the report answers from one Query per month of the counters table (no
Scan, no dossier read), scopes are enforced, exports open in their own readers and carry the
figures, and saved templates belong to their officer."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from urllib.parse import unquote, urlparse

import boto3
import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from bench.awscalls import AwsCallRecorder
from chalicelib.documents import delivery
from chalicelib.documents import service as documents
from chalicelib.domain.calendar import VN_TZ
from chalicelib.reports.aggregates import recount
from chalicelib.services import dossiers as dossier_service
from chalicelib.store.models import CounterItem
from tests.integration.reports.conftest import REGION, UNIT, World, account, answer, officer

THIS_MONTH = dt.datetime.now(VN_TZ).strftime("%Y-%m")
PERIOD = {"period_from": THIS_MONTH, "period_to": THIS_MONTH}
FULL_RUN = (("desk", "chuyen_phong", {}), ("head", "phan_cong", {"assignee": account("appraiser")["sub"]}),
            ("appraiser", "yeu_cau_bo_sung", {"reason": "Bổ sung bản sao giấy chứng sinh"}),
            ("desk", "nhan_bo_sung", {}), ("appraiser", "trinh", {}), ("head", "trinh_lanh_dao", {}),
            ("leader", "phe_duyet", {}), ("clerk", "phat_hanh", {}))


def lifecycle(world: World) -> list[str]:
    """Three dossiers of the unit: one resolved and delivered after a supplement round, one
    withdrawn, one still in progress."""
    done, withdrawn, waiting = (world.desk_dossier("1.001193"), world.desk_dossier("1.000105"),
                                world.desk_dossier("1.001193"))
    for role, action, fields in FULL_RUN:
        if action == "phe_duyet":  # no result, no approval: the appraiser draws it up, the approval signs it
            documents.issue_result(done.code, officer("appraiser"))
        world.act(done.code, role, action, **fields)
    receiver = delivery.Receiver(name=done.applicant.name, id_number=done.applicant.id_number)
    delivery.deliver_at_desk(done.code, officer("desk"),  # handed over at the desk, with its receiver
                             delivery.DeliveryIn(receiver=receiver, id_checked=True, originals_checked=True))
    world.act(withdrawn.code, "desk", "rut_ho_so", reason="Công dân đề nghị rút hồ sơ")
    return [done.code, withdrawn.code, waiting.code]


def report(world: World, role: str = "leader", **query: object) -> dict[str, object]:
    response = world.call("POST", f"/v1/units/{UNIT}/reports", role, body={**PERIOD, **query})
    assert response.status_code == 200, response.body
    return dict(answer(response))


def test_a_lifecycle_moves_the_aggregates_and_the_report_reads_only_them(world: World) -> None:
    codes = lifecycle(world)
    finals = [dossier_service.dossiers.get(c) for c in codes]
    stored = Counter({(i.pk, i.sk): int(i.n) for i in CounterItem.query(f"AGG#{UNIT}#{THIS_MONTH}") if i.n})
    expected = recount(d for d in finals if d is not None)
    assert stored == Counter({k: n for k, n in expected.items() if k[0] == f"AGG#{UNIT}#{THIS_MONTH}"})
    assert Counter({(i.pk, i.sk): int(i.n) for i in CounterItem.query(f"AGG#P#79#{THIS_MONTH}") if i.n}) == \
        Counter({k: n for k, n in expected.items() if k[0] == f"AGG#P#79#{THIS_MONTH}"})

    token = world.token("leader")  # the token first: only the report's own calls are recorded
    with AwsCallRecorder(lambda thread: "test") as recorder:
        response = world.client.http.post(f"/v1/units/{UNIT}/reports", body=f'{{"period_from": "{THIS_MONTH}", '
                                          f'"period_to": "{THIS_MONTH}", "group": "officer"}}'.encode(),
                                          headers={"Authorization": f"Bearer {token}",
                                                   "Content-Type": "application/json"})
    assert response.status_code == 200, response.body
    operations = [(c.operation, c.params.get("TableName")) for c in recorder.calls]
    assert ("Query", "hoso-dev-counters") in operations
    assert [o for o in operations if o[0] == "Scan"] == []
    assert [o for o in operations if o[1] == "hoso-dev-dossiers"] == [], "a report must not read dossiers"
    assert sum(o == ("Query", "hoso-dev-counters") for o in operations) == 1  # one month, one Query

    body = answer(response)
    total = body["total"]
    assert (total["total"], total["received"], total["in_progress"], total["resolved"], total["withdrawn"],
            total["delivered"], total["supplemented"], total["late"]) == (3, 3, 1, 1, 1, 1, 1, 0)
    assert total["early"] + total["on_time"] == 1 and total["on_time_rate"] == 100.0
    assert total["services_used"] == 2
    rows = {r["label"]: r["figures"]["total"] for r in body["rows"]}
    assert rows == {"Trương Ngọc Trâm": 1, "Chưa phân công": 2}


def test_groups_and_filters_answer_the_builder(world: World) -> None:
    lifecycle(world)
    by_procedure = report(world, group="procedure")
    assert {r["key"]: r["figures"]["total"] for r in by_procedure["rows"]} == {"1.001193": 2, "1.000105": 1}
    assert all(r["label"] != r["key"] for r in by_procedure["rows"])  # names from the catalogue
    by_status = report(world, group="status")
    assert [(r["key"], r["figures"]["total"]) for r in by_status["rows"]] == [("02", 1), ("07", 1), ("10", 1)]
    only_delivered = report(world, status=10, group="channel")
    assert only_delivered["total"]["total"] == 1 and only_delivered["rows"][0]["label"] == "Trực tiếp"
    assert report(world, procedure="1.000105")["total"]["withdrawn"] == 1
    empty = report(world, period_from="2025-01", period_to="2025-12", group="month")
    assert empty["total"]["total"] == 0 and empty["rows"] == [] and len(empty["months"]) == 12


def test_who_sees_which_report(world: World) -> None:
    lifecycle(world)
    assert report(world, role="head")["total"]["total"] == 3
    refused = world.call("POST", f"/v1/units/{UNIT}/reports", "leader", unit="000.00.13.H26", body=PERIOD)
    assert refused.status_code == 403 and answer(refused)["error_code"] == "FORBIDDEN_UNIT"
    assert world.call("POST", f"/v1/units/{UNIT}/reports", "desk", body=PERIOD).status_code == 403
    rollup = world.call("POST", "/v1/provinces/79/reports", "province_admin", body={**PERIOD, "group": "unit"})
    assert rollup.status_code == 200, rollup.body
    assert [(r["key"], r["figures"]["total"]) for r in answer(rollup)["rows"]] == [(UNIT, 3)]
    other = world.call("POST", "/v1/provinces/01/reports", "province_admin", body=PERIOD)
    assert other.status_code == 403 and answer(other)["error_code"] == "FORBIDDEN_PROVINCE"
    ministry = world.call("POST", "/v1/provinces/79/reports", "admin", unit="000.00.00.G12", body=PERIOD)
    assert ministry.status_code == 200 and answer(ministry)["total"]["total"] == 3
    assert world.call("POST", "/v1/provinces/55/reports", "admin", unit="000.00.00.G12",
                      body=PERIOD).status_code == 404
    scopes = answer(world.call("GET", "/v1/me/report-scopes", "leader"))
    assert scopes == {"units": [{"code": UNIT, "name": "Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh"}],
                      "provinces": []}
    admin_scopes = answer(world.call("GET", "/v1/me/report-scopes", "admin", unit="000.00.00.G12"))
    assert [p["code"] for p in admin_scopes["provinces"]] == ["00", "01", "79"]


def test_periods_are_checked(world: World) -> None:
    reversed_period = world.call("POST", f"/v1/units/{UNIT}/reports", "leader",
                                 body={"period_from": "2026-05", "period_to": "2026-04"})
    assert reversed_period.status_code == 422
    assert answer(reversed_period)["errors"][0]["field"] == "period_to"
    too_long = world.call("POST", f"/v1/units/{UNIT}/reports", "leader",
                          body={"period_from": "2024-01", "period_to": "2026-01"})
    assert too_long.status_code == 422
    assert world.call("POST", f"/v1/units/{UNIT}/reports", "leader",
                      body={"period_from": "2026-13", "period_to": "2026-01"}).status_code == 422


def _download(url: str) -> bytes:
    key = unquote(urlparse(url).path).lstrip("/").removeprefix("hoso-dev-attachments/")  # virtual-host or path style
    return bytes(boto3.client("s3", region_name=REGION).get_object(Bucket="hoso-dev-attachments", Key=key)["Body"]
                 .read())


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_exports_open_and_carry_the_figures(world: World, fmt: str) -> None:
    lifecycle(world)
    response = world.call("POST", f"/v1/units/{UNIT}/reports/export", "leader",
                          body={**PERIOD, "group": "procedure", "format": fmt})
    assert response.status_code == 200, response.body
    link = answer(response)
    assert link["name"].endswith(f".{fmt}") and link["expires_in"] <= 600
    content = _download(link["url"])
    assert len(content) == link["size"]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).active
        rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0]}
        assert rows["Tổng cộng"][1:8] == (3, 3, 1, 1, *rows["Tổng cộng"][5:7], 0)
        assert rows["Thủ tục"][1] == "Tổng số hồ sơ"
        assert str(sheet["A1"].value).startswith("Báo cáo tình hình giải quyết thủ tục hành chính")
        return
    if fmt == "docx":
        table = Document(io.BytesIO(content)).tables[0]
        cells = {row.cells[0].text: [c.text for c in row.cells] for row in table.rows}
        assert cells["Tổng cộng"][1:5] == ["3", "3", "1", "1"] and cells["Tổng cộng"][7] == "0"
        assert cells["Tổng cộng"][8] == "100,0"
        return
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "Tổng cộng 3 3 1 1" in " ".join(text.split())
    assert "Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh" in text


def test_saved_templates_belong_to_their_officer(world: World) -> None:
    body = {"name": "Báo cáo quý theo thủ tục", "scope": "unit", "scope_code": UNIT, "period": "quarter",
            "query": {**PERIOD, "group": "procedure", "status": 4}}
    created = world.call("POST", "/v1/me/report-templates", "leader", body=body)
    assert created.status_code == 201, created.body
    template = answer(created)
    listed = answer(world.call("GET", "/v1/me/report-templates", "leader"))["items"]
    assert [t["id"] for t in listed] == [template["id"]] and listed[0]["query"]["status"] == 4
    assert answer(world.call("GET", "/v1/me/report-templates", "head"))["items"] == []
    path = f"/v1/me/report-templates/{template['id']}"
    assert world.call("PUT", path, "head", body=body).status_code == 404  # someone else's
    changed = world.call("PUT", path, "leader", body={**body, "name": "Báo cáo năm"})
    assert changed.status_code == 200 and answer(changed)["created_at"] == template["created_at"]
    assert answer(world.call("GET", "/v1/me/report-templates", "leader"))["items"][0]["name"] == "Báo cáo năm"
    assert world.call("POST", "/v1/me/report-templates", "leader",
                      body={**body, "query": {"period_from": "x"}}).status_code == 422
    assert world.call("DELETE", path, "head").status_code == 404
    assert world.call("DELETE", path, "leader").status_code == 204
    assert world.call("DELETE", path, "leader").status_code == 404
    assert world.call("DELETE", "/v1/me/report-templates/khong-co", "leader").status_code == 404


def test_the_public_figures_of_a_province_per_unit(world: World) -> None:
    lifecycle(world)
    response = world.client.http.get(f"/v1/public/statistics/79?from={THIS_MONTH}&to={THIS_MONTH}")
    assert response.status_code == 200, response.body
    body = answer(response)
    assert body["total"]["code"] == "79" and body["total"]["received"] == 3 and body["total"]["resolved"] == 1
    assert [(u["code"], u["in_progress"], u["late"]) for u in body["units"]] == [(UNIT, 1, 0)]
    assert "officer" not in response.body.decode() and account("appraiser")["sub"] not in response.body.decode()
    assert answer(world.client.http.get("/v1/public/statistics/79"))["months"] == [THIS_MONTH]
    assert world.client.http.get("/v1/public/statistics/55").status_code == 404
    assert world.client.http.get("/v1/public/statistics/79?from=2025-01&to=2026-01").status_code == 422
    assert world.client.http.get("/v1/public/statistics/79?from=2026-1").status_code == 422
