"""FR-19 through the API: the evaluation sheet of a finished dossier, the unit's tracking ledger
and periodic evaluation over a period (PDF links, real text, the period's checks)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from pypdf import PdfReader

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import Dossier
from tests.integration.documents.conftest import APPLICANT, OTHER_UNIT, UNIT, World
from tests.integration.documents.test_forms_links_lookup import _download
from tests.integration.documents.test_results import pdf_text


def _processed(world: World) -> Dossier:
    return world.processed()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_evaluation_sheet_once_processing_finished(world: World) -> None:
    waiting = world.to_approval()
    early = world.call("GET", f"/v1/dossiers/{waiting.code}/forms/danh-gia", "desk")
    assert early.status_code == 409 and early.json_body["error_code"] == "FORM_NOT_AVAILABLE"
    dossier = _processed(world)
    answer = world.call("GET", f"/v1/dossiers/{dossier.code}/forms/danh-gia", "desk")
    assert answer.status_code == 200, answer.body
    text = _flat(pdf_text(_download(world, answer.json_body["url"])))
    assert "PHIẾU ĐÁNH GIÁ VIỆC GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text and APPLICANT in text
    assert dossier.code in text and "Bộ phận Một cửa:" in text, text
    assert "Trước hạn" in text or "Đúng hạn" in text


def _register(world: World, form: str, start: dt.date, end: dt.date, role: str = "head",
              unit: str = UNIT) -> Any:
    return world.call("GET", f"/v1/units/{UNIT}/forms/{form}?from={start.isoformat()}&to={end.isoformat()}", role,
                      unit)


def test_the_ledger_and_the_periodic_evaluation_of_a_unit(world: World) -> None:
    processed = _processed(world)
    received = world.desk_dossier(ChuHoSo="Lê Văn Bình")
    day = processed.submitted_at.astimezone(VN_TZ).date()

    ledger = _register(world, "so-theo-doi", day, day)
    assert ledger.status_code == 200, ledger.body
    content = _download(world, ledger.json_body["url"])
    page = PdfReader(io.BytesIO(content)).pages[0].mediabox
    assert page.width > page.height
    text = _flat(pdf_text(content))
    assert "SỔ THEO DÕI HỒ SƠ" in text and processed.code in text and received.code in text
    assert APPLICANT in text and "Lê Văn Bình" in text and "Đã xử lý xong" in text

    periodic = _register(world, "danh-gia-dinh-ky", day - dt.timedelta(days=60), day)
    assert periodic.status_code == 200, periodic.body
    text = _flat(pdf_text(_download(world, periodic.json_body["url"])))
    assert "PHIẾU ĐÁNH GIÁ ĐỊNH KỲ" in text
    assert "1 Tổng số hồ sơ trong kỳ 2" in text and "2 Số hồ sơ đã giải quyết 1" in text
    assert "3 Số hồ sơ đang giải quyết 1" in text

    before = _register(world, "so-theo-doi", day - dt.timedelta(days=3), day - dt.timedelta(days=2))
    assert "Không có hồ sơ trong kỳ" in _flat(pdf_text(_download(world, before.json_body["url"])))


def test_periods_and_access_are_checked(world: World) -> None:
    day = dt.date(2026, 3, 10)
    backwards = _register(world, "so-theo-doi", day, day - dt.timedelta(days=1))
    too_long = _register(world, "so-theo-doi", day, day + dt.timedelta(days=31))
    assert backwards.status_code == too_long.status_code == 422
    assert too_long.json_body["error_code"] == "INVALID_PERIOD"
    assert _register(world, "danh-gia-dinh-ky", day, day + dt.timedelta(days=91)).status_code == 200
    bad = world.call("GET", f"/v1/units/{UNIT}/forms/so-theo-doi?from=10/03/2026&to=2026-03-11", "head")
    assert bad.status_code == 422 and bad.json_body["errors"][0]["field"] == "from"
    assert world.call("GET", f"/v1/units/{UNIT}/forms/khong-co?from=2026-03-10&to=2026-03-10",
                      "head").status_code == 404
    stranger = _register(world, "so-theo-doi", day, day, "leader", OTHER_UNIT)
    assert stranger.status_code == 403
