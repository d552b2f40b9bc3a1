"""The officers' assistant (FR-22) over HTTP on the whole local stack: a procedure question and a
question about a dossier answered with citations, the dossier's unit only (another unit's officer
gets the very answer reading the dossier gets), a bad question refused with a code."""

from __future__ import annotations

from typing import Any

import requests

from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer


def _ok(answer: requests.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def test_the_assistant_answers_from_the_catalogue_and_the_dossier(stack: LocalStack) -> None:
    desk = Officer(stack, "desk", HCMC_UNIT)
    out = _ok(desk.post("/v1/assistant/questions", {"question": "Dang ky khai sinh can giay to gi?"}))
    assert out["procedure_code"] == "1.001193" and out["mode"] == "retrieval"
    assert [f["requirement"] for f in out["facts"]] == ["Tờ khai đăng ký khai sinh",
                                                        "Giấy chứng sinh hoặc văn bản xác nhận việc sinh"]
    assert out["text"].endswith("[2]")
    sheet = _ok(desk.get("/v1/assistant/procedures/1.001193"))
    assert all(f in sheet["facts"] for f in out["facts"])

    code = _ok(desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}), 201)["dossier"]["code"]
    about = _ok(desk.post("/v1/assistant/questions", {"question": "Còn bao lâu? Bước tiếp theo?",
                                                       "dossier_code": code}))
    assert about["intents"] == ["time_left", "next_step"] and about["dossier_code"] == code
    assert all(f["source"].startswith(f"Hồ sơ {code}") for f in about["facts"])

    other = Officer(stack, "desk", HANOI_UNIT)
    refused = other.post("/v1/assistant/questions", {"question": "Còn bao lâu?", "dossier_code": code})
    read = other.get(f"/v1/dossiers/{code}")
    assert refused.status_code == read.status_code == 404
    assert refused.json() == read.json()

    bad = desk.post("/v1/assistant/questions", {"question": "?" * 501})
    assert bad.status_code == 422 and bad.json()["error_code"]
