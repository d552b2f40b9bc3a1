"""The officers' assistant (FR-22) over hoso's API on moto: procedure questions answered from the
catalogue with citations, dossier questions from the dossier's own data and the report counters
(no Scan), the same refusal as reading the dossier for another unit's officer (nothing leaks, not
even to the language model), and the optional language-model rewording: used when it holds to
the facts, the composed answer shown when it fails or invents."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from bench.awscalls import AwsCallRecorder
from chalicelib.settings import reset_settings_cache
from local.simulators.accounts import HANOI_UNIT
from local.simulators.base import RunningServer, serve
from local.simulators.llm import LlmSimulator
from tests.integration.reports.conftest import UNIT, World, answer
from tests.integration.reports.test_reports_api import lifecycle


def ask(world: World, question: str, dossier: str | None = None, role: str = "desk", unit: str = UNIT) -> dict:
    body = {"question": question, **({"dossier_code": dossier} if dossier else {})}
    response = world.call("POST", "/v1/assistant/questions", role, unit, body=body)
    assert response.status_code == 200, response.body
    return dict(answer(response))


@pytest.fixture
def llm(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningServer]:
    server = serve(LlmSimulator("llm"), 0)
    monkeypatch.setenv("HOSO_ASSISTANT_LLM", server.url)
    reset_settings_cache()
    yield server
    server.stop()


def test_a_procedure_question_is_answered_from_the_catalogue_with_citations(world: World) -> None:
    out = ask(world, "Lệ phí đăng ký thường trú là bao nhiêu?")
    assert out["procedure_code"] == "1.004222" and out["intents"] == ["fees"] and out["mode"] == "retrieval"
    assert out["facts"] == [{
        "id": "1.004222/phi-LP-CT", "kind": "fee", "requirement": "Lệ phí đăng ký cư trú",
        "text": "Lệ phí đăng ký cư trú: 20.000 đồng (lệ phí, thu khi tiếp nhận).",
        "source": "Danh mục · 1.004222 Đăng ký thường trú · Phí, lệ phí",
        "link": "#/tro-ly/thu-tuc/1.004222?muc=phi-LP-CT"}]
    assert out["text"] == "Lệ phí đăng ký cư trú: 20.000 đồng (lệ phí, thu khi tiếp nhận). [1]"
    # the citation opens the procedure's sheet, which holds that very fact
    sheet = answer(world.call("GET", "/v1/assistant/procedures/1.004222", "appraiser"))
    assert out["facts"][0] in sheet["facts"]
    assert {f["kind"] for f in sheet["facts"]} == {"document", "fee", "deadline", "legal_basis", "step"}
    legal = ask(world, "Căn cứ pháp lý của đăng ký khai sinh?")
    assert [f["text"] for f in legal["facts"]][0] == "Căn cứ pháp lý: Luật Hộ tịch số 60/2014/QH13."
    nothing = ask(world, "Thời tiết hôm nay thế nào?")
    assert nothing["facts"] == [] and "Không tìm thấy thủ tục" in nothing["text"]
    assert world.call("GET", "/v1/assistant/procedures/9.999999", "desk").status_code == 404


def test_dossier_questions_come_from_its_own_data_and_the_counters_without_a_scan(world: World) -> None:
    lifecycle(world)  # the unit's earlier dossiers: one delivered (early), one withdrawn, one in progress
    dossier = world.desk_dossier("1.001193")
    token = world.token("desk")
    with AwsCallRecorder(lambda thread: "test") as recorder:
        response = world.client.http.post(
            "/v1/assistant/questions",
            body=f'{{"question": "Hồ sơ này còn thiếu gì, còn bao lâu, các hồ sơ tương tự trước đây thế nào?", '
                 f'"dossier_code": "{dossier.code}"}}'.encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert response.status_code == 200, response.body
    operations = [(c.operation, c.params.get("TableName")) for c in recorder.calls]
    assert [o for o in operations if o[0] == "Scan"] == []
    assert ("Query", "hoso-dev-counters") in operations
    out = answer(response)
    assert out["intents"] == ["missing", "time_left", "outcomes"]
    kinds = [f["kind"] for f in out["facts"]]
    assert kinds[0] == "missing" and "time_left" in kinds and "outcomes" in kinds
    held = {c.code for c in dossier.received_components} | {d.component_code for d in dossier.documents}
    missing = [f["requirement"] for f in out["facts"] if f["kind"] == "missing" and f["requirement"]]
    assert missing == [d for d, c in (("Tờ khai đăng ký khai sinh", "TK-KS"),
                                      ("Giấy chứng sinh hoặc văn bản xác nhận việc sinh", "GCS")) if c not in held]
    outcomes = [f["text"] for f in out["facts"] if f["kind"] == "outcomes"]
    # the other two of the procedure: one delivered, one in progress (the withdrawn one is another procedure)
    assert "đơn vị có 2 hồ sơ khác của thủ tục này" in outcomes[0]
    assert outcomes[1] == "Trong 1 hồ sơ đã giải quyết: 1 trước hạn, 0 đúng hạn, 0 quá hạn."
    assert all(f["link"].startswith(("#/ho-so/", "#/tro-ly/thu-tuc/", "#/tim-kiem?thu_tuc=")) for f in out["facts"])
    nxt = ask(world, "Bước tiếp theo là gì?", dossier.code, role="head")
    assert nxt["facts"][0]["text"].startswith("Hồ sơ đang ở bước «")


def test_another_units_officer_gets_the_same_refusal_and_nothing_leaks(world: World, llm: RunningServer) -> None:
    dossier = world.desk_dossier("1.004222")
    read = world.call("GET", f"/v1/dossiers/{dossier.code}", "desk", HANOI_UNIT)
    asked = world.call("POST", "/v1/assistant/questions", "desk", HANOI_UNIT,
                       body={"question": "Hồ sơ này còn thiếu gì?", "dossier_code": dossier.code})
    assert read.status_code == asked.status_code == 404
    assert answer(asked) == answer(read)
    for secret in (dossier.applicant.name, dossier.applicant.id_number, "CT01", "Chưa nộp"):
        assert secret not in asked.body.decode()
    assert requests.get(f"{llm.url}/_sim/records", timeout=5).json()["requests"] == []  # the model saw nothing
    # the same question by the dossier's own unit is answered
    own = ask(world, "Hồ sơ này còn thiếu gì?", dossier.code)
    assert own["dossier_code"] == dossier.code and own["mode"] == "llm"


def test_the_language_model_rewords_only_facts_and_is_checked(world: World, llm: RunningServer) -> None:
    dossier = world.desk_dossier("1.004222")
    out = ask(world, "Đăng ký thường trú cần giấy tờ gì và lệ phí bao nhiêu?", dossier.code)
    assert out["mode"] == "llm" and out["text"].startswith("Theo danh mục") and out["notice"] == ""
    sent = requests.get(f"{llm.url}/_sim/records", timeout=5).json()["requests"]
    assert len(sent) == 1
    given = sent[0]["body"]["messages"][-1]["content"]
    assert dossier.applicant.name not in given and dossier.applicant.id_number not in given  # facts only
    for fact in out["facts"]:
        assert fact["text"] in given

    def mode(**m: object) -> None:
        requests.post(f"{llm.url}/_sim/mode", json=m, timeout=5).raise_for_status()

    mode(invent=True)  # a requirement and a fee the catalogue does not hold: never shown
    invented = ask(world, "Đăng ký thường trú cần giấy tờ gì?")
    assert invented["mode"] == "retrieval" and "Sổ hộ khẩu" not in invented["text"]
    assert "không có trong dữ kiện" in invented["notice"]
    mode(invent=False, fail_next=1)
    failed = ask(world, "Đăng ký thường trú cần giấy tờ gì?")
    assert failed["mode"] == "retrieval" and "không dùng được" in failed["notice"]
    assert failed["text"] == invented["text"]
    mode(garble=True)
    assert ask(world, "Đăng ký thường trú cần giấy tờ gì?")["mode"] == "retrieval"
    mode(garble=False, down=True)
    assert ask(world, "Đăng ký thường trú cần giấy tờ gì?")["mode"] == "retrieval"


def test_bad_questions_are_refused_with_a_code(world: World) -> None:
    for body in ({}, {"question": ""}, {"question": "x" * 501}, {"question": "phí?", "extra": 1}):
        response = world.call("POST", "/v1/assistant/questions", "desk", body=body)
        assert response.status_code == 422, body
        assert answer(response)["error_code"]
