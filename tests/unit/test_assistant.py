"""The officers' assistant's rules (FR-22): folding like the web app, intents, BM25 ranking over the
demo catalogue, facts from the catalogue and from a dossier's own data, and the no-invention check
(property-based: an answer composed from facts always passes; one that adds a requirement, a
figure or a word the facts do not hold never does)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain import assistant as a
from chalicelib.domain import engine
from chalicelib.domain.assistant import FactKind, Intent, Outcomes
from chalicelib.domain.calendar import VN_TZ, WorkingCalendar
from chalicelib.domain.catalogue import Procedure
from chalicelib.domain.dossier import Actor, Applicant, Channel, DocumentRef, Dossier, Fee, ReceivedComponent
from chalicelib.domain.process import DEFAULT_PROCESS
from local.seed import procedures
from local.simulators.llm import INVENTED, reword

CATALOGUE = procedures(DEFAULT_PROCESS.code)
BY_CODE = {p.code: p for p in CATALOGUE}
INDEX = a.ProcedureIndex(CATALOGUE)
REQUIREMENTS = a.all_requirements(CATALOGUE)
CAL = WorkingCalendar()
T0 = dt.datetime(2026, 7, 29, 9, 0, tzinfo=VN_TZ)  # a Wednesday
UNIT = "000.00.13.H29"


def test_fold_is_the_web_apps() -> None:
    # webapp/src/fold.ts: "Đăng ký khai sinh", "dang ky khai sinh" and "ĐĂNG KÝ  KHAI SINH" all fold alike
    assert a.fold("Đăng ký khai sinh") == a.fold("dang ky khai sinh") == a.fold("ĐĂNG KÝ  KHAI SINH") == \
        "dang ky khai sinh"
    assert a.fold("Lệ phí: 20.000đ?") == "le phi 20 000d"


@pytest.mark.parametrize(("question", "intents"), [
    ("Đăng ký khai sinh cần giấy tờ gì?", (Intent.DOCUMENTS,)),
    ("le phi dang ky thuong tru bao nhieu", (Intent.FEES,)),
    ("Khai tử mất mấy ngày?", (Intent.DEADLINE,)),
    ("Căn cứ pháp lý của thủ tục cấp giấy phép X-quang", (Intent.LEGAL_BASIS,)),
    ("Quy trình xử lý xóa đăng ký thường trú gồm các bước nào", (Intent.STEPS,)),
    ("Hồ sơ này còn thiếu gì?", (Intent.MISSING,)),
    ("Bước tiếp theo là gì", (Intent.NEXT_STEP,)),
    ("Còn bao lâu nữa thì quá hạn?", (Intent.TIME_LEFT,)),  # "con bao lau" wins over "bao lau" (deadline)
    ("Các hồ sơ tương tự trước đây có đúng hạn không", (Intent.OUTCOMES,)),
    ("Phí và thời hạn giải quyết?", (Intent.FEES, Intent.DEADLINE)),
])
def test_intents(question: str, intents: tuple[Intent, ...]) -> None:
    assert a.parse(question).intents == intents


@pytest.mark.parametrize(("question", "best"), [
    ("Đăng ký khai sinh cần giấy tờ gì?", "1.001193"),
    ("le phi dang ky thuong tru bao nhieu", "1.004222"),  # not "xóa đăng ký thường trú"
    ("Xóa đăng ký thường trú gồm các bước nào", "1.003197"),
    ("khai tu mat may ngay", "1.000656"),
    ("liên thông khai sinh", "9.063001"),
    ("căn cứ pháp lý giấy phép x-quang", "1.000105"),
    ("trợ cấp mai táng", "1.002076"),
    ("thủ tục 1.000105", "1.000105"),
])
def test_ranking(question: str, best: str) -> None:
    ranked = INDEX.rank(a.parse(question).rest, question)
    assert ranked[0][0] == best
    assert ranked[0][1] > ranked[1][1]


def test_no_procedure_and_dossier_questions_without_a_dossier() -> None:
    assert a.plan("xin chào", INDEX, None) == a.Plan(None, (), a.NO_PROCEDURE)
    assert a.plan("Hồ sơ này còn thiếu gì?", INDEX, None).notice == a.DOSSIER_ONLY
    default = a.plan("trợ cấp mai táng", INDEX, None)
    assert default.intents == (Intent.DOCUMENTS, Intent.FEES, Intent.DEADLINE)


def test_on_a_dossier_its_procedure_answers_unless_another_is_named() -> None:
    assert a.plan("Phí bao nhiêu?", INDEX, "1.001193") == a.Plan("1.001193", (Intent.FEES,))
    assert a.plan("Lệ phí đăng ký thường trú bao nhiêu?", INDEX, "1.001193").procedure_code == "1.004222"
    assert a.plan("?", INDEX, "1.001193").intents == (Intent.MISSING, Intent.NEXT_STEP, Intent.TIME_LEFT)


def test_catalogue_facts_hold_every_entry_and_link_to_it() -> None:
    proc = BY_CODE["1.004222"]
    facts = a.catalogue_facts(proc, DEFAULT_PROCESS)
    assert [f.requirement for f in facts[Intent.DOCUMENTS]] == [d.name for d in proc.required_documents]
    assert facts[Intent.FEES][0].text == "Lệ phí đăng ký cư trú: 20.000 đồng (lệ phí, thu khi tiếp nhận)."
    assert facts[Intent.DEADLINE][0].text == "Thời hạn giải quyết: 7 ngày làm việc."
    assert [f.text for f in facts[Intent.LEGAL_BASIS]] == [f"Căn cứ pháp lý: {b}." for b in proc.legal_basis]
    assert len(facts[Intent.STEPS]) == len(DEFAULT_PROCESS.steps)
    assert facts[Intent.FEES][0].link == "#/tro-ly/thu-tuc/1.004222?muc=phi-LP-CT"
    bare = a.catalogue_facts(Procedure(code="9.9", name="Thử", field_code="X", field_name="X", process_code="P"), None)
    assert bare[Intent.FEES][0].text == "Danh mục không ghi khoản phí, lệ phí nào cho thủ tục này."
    assert bare[Intent.LEGAL_BASIS][0].text == "Danh mục chưa ghi căn cứ pháp lý cho thủ tục này."
    assert bare[Intent.STEPS] == []


def dossier(procedure: str = "1.004222", at: dt.datetime = T0) -> Dossier:
    proc = BY_CODE[procedure]
    blank = Dossier(
        code=f"{UNIT}-260729-0001", procedure_code=proc.code, procedure_name=proc.name, unit_code=UNIT,
        channel=Channel.DESK, applicant=Applicant(name="Nguyễn Thị Ánh", kind="1", id_number="079203001234"),
        status=1, step_id="", process_code="", process_version=0,
        fees=[Fee(code=f.code, name=f.name, amount=f.amount) for f in proc.fees],
        submitted_at=at, step_started_at=at, created_at=at, updated_at=at,
    )
    actor = Actor(sub="desk-1", name="Cán bộ một cửa", role="desk", unit_code=UNIT)
    placed, _ = engine.start(blank, DEFAULT_PROCESS, direct=True, actor=actor,
                             timing=engine.Timing(now=at, calendar=CAL, legal_deadline=proc.legal_deadline))
    return placed


def test_missing_documents_and_fees_from_the_dossiers_own_data() -> None:
    d = dossier()
    facts = a.missing_facts(d, BY_CODE["1.004222"])
    assert [f.requirement for f in facts] == ["Tờ khai thay đổi thông tin cư trú (Mẫu CT01)",
                                              "Giấy tờ chứng minh chỗ ở hợp pháp", "Lệ phí đăng ký cư trú"]
    assert facts[0].link == "#/tro-ly/thu-tuc/1.004222?muc=thanh-phan-CT01"
    held = d.model_copy(update={
        "received_components": [ReceivedComponent(code="CT01", name="Tờ khai", copy_kind="original")],
        "documents": [DocumentRef(id="d1", name="cho-o.pdf", component_code="CMCO", s3_key="k", sha256="0",
                                  content_type="application/pdf", size=1)],
        "fees": [f.model_copy(update={"paid": True}) for f in d.fees]})
    done = a.missing_facts(held, BY_CODE["1.004222"])
    assert [f.text for f in done] == ["Hồ sơ đã có đủ 2 thành phần bắt buộc theo danh mục và không còn khoản phí chưa "
                                      "nộp."]
    deleted = held.model_copy(update={"documents": [held.documents[0].model_copy(update={"deleted": True})]})
    assert [f.requirement for f in a.missing_facts(deleted, BY_CODE["1.004222"])] == [
        "Giấy tờ chứng minh chỗ ở hợp pháp"]


def test_next_step_names_the_officers_own_actions() -> None:
    d = dossier()
    step = DEFAULT_PROCESS.step(d.step_id)
    mine = engine.available_actions(d, DEFAULT_PROCESS, {engine.Role.DESK}, "desk-1")
    facts = a.next_step_facts(d, DEFAULT_PROCESS, mine)
    assert facts[0].text.startswith(f"Hồ sơ đang ở bước «{step.name}»")
    first = next(x for x in step.actions if x.id in mine)
    assert f"«{first.label}»" in facts[1].text
    nobody = a.next_step_facts(d, DEFAULT_PROCESS, [])
    assert nobody[1].text == f"Bước này do {step.role.label} thực hiện; bạn không có thao tác nào ở bước này."


def test_time_left_in_the_units_working_time() -> None:
    d = dossier()
    assert d.due_at is not None
    now = T0 + dt.timedelta(hours=1)
    facts = a.time_left_facts(d, CAL, now)
    minutes = CAL.working_minutes_between(now, d.due_at)
    assert facts[0].kind is FactKind.TIME_LEFT
    assert f"còn {minutes // 60} giờ {minutes % 60} phút làm việc" in facts[0].text
    late = a.time_left_facts(d, CAL, d.due_at + dt.timedelta(days=3))
    assert "Quá hạn" in late[0].text and "đã quá" in late[0].text
    paused = a.time_left_facts(d.model_copy(update={"paused_at": now}), CAL, now)
    assert paused[0].id.endswith("/tam-dung")


def test_outcomes_of_the_same_procedure() -> None:
    d = dossier()
    facts = a.outcome_facts(d, Outcomes(("2026-01", "2026-07"), {9: 3, 4: 1}, {"early": 1, "on_time": 1, "late": 1}))
    assert facts[0].text == ("Từ tháng 01/2026 đến 07/2026, đơn vị có 4 hồ sơ khác của thủ tục này: 1 đang xử lý, "
                             "3 đã xử lý xong.")
    assert facts[1].text == "Trong 3 hồ sơ đã giải quyết: 1 trước hạn, 1 đúng hạn, 1 quá hạn."
    assert len(a.outcome_facts(d, Outcomes(("2026-01", "2026-07"), {}, {}))) == 1


# --- the no-invention check -----------------------------------------------------------------

ALL_FACTS = [f for p in CATALOGUE for facts in a.catalogue_facts(p, DEFAULT_PROCESS).values() for f in facts]
facts_of_one_procedure = st.sampled_from(CATALOGUE).flatmap(
    lambda p: st.lists(st.sampled_from([f for fs in a.catalogue_facts(p, DEFAULT_PROCESS).values() for f in fs]),
                       min_size=1, max_size=8, unique_by=lambda f: f.id))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts_of_one_procedure)
def test_an_answer_composed_from_facts_passes(facts: list[a.Fact]) -> None:
    assert a.verify(a.compose(facts), facts, "", REQUIREMENTS) == []
    # the simulated model's rewording too; with its invented requirement, never
    assert a.verify(reword([{"n": i + 1, "text": f.text} for i, f in enumerate(facts)]), facts, "", REQUIREMENTS) == []
    assert a.verify(reword([{"n": i + 1, "text": f.text} for i, f in enumerate(facts)]) + " " + INVENTED, facts, "",
                    REQUIREMENTS) != []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts_of_one_procedure, st.sampled_from(sorted(REQUIREMENTS)))
def test_a_requirement_the_facts_do_not_hold_fails(facts: list[a.Fact], requirement: str) -> None:
    stated = " ".join(f" {a.fold(f.text)} " for f in facts)
    prose = a.compose(facts) + f" Cần thêm: {requirement} [1]."
    problems = a.verify(prose, facts, "", REQUIREMENTS)
    if f" {a.fold(requirement)} " in stated:
        assert problems == []
    else:
        assert problems != []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts_of_one_procedure, st.integers(0, 10_000_000))
def test_a_figure_the_facts_do_not_hold_fails(facts: list[a.Fact], amount: int) -> None:
    prose = a.compose(facts) + f" Thu {a.money(amount)} [1]."
    known = set().union(*(a.figures(f.text) for f in facts))
    problems = a.verify(prose, facts, "", REQUIREMENTS)
    figure_problems = [p for p in problems if p.startswith("số liệu")]
    if str(amount) in known:
        assert figure_problems == []
    else:
        assert figure_problems == [f"số liệu không có trong dữ kiện: {amount}"]


def test_words_and_citations_outside_the_facts_fail() -> None:
    facts = a.catalogue_facts(BY_CODE["1.001193"], None)[Intent.DOCUMENTS]
    assert a.verify(a.compose(facts) + " Mang theo sổ hộ khẩu [1].", facts, "", REQUIREMENTS) != []
    assert a.verify(a.compose(facts) + " Xem [9].", facts, "", REQUIREMENTS) != []
    assert a.verify("Thành phần hồ sơ gồm tờ khai.", facts, "", REQUIREMENTS) != []  # nothing cited
    # the question's own words may be echoed
    assert a.verify(a.compose(facts) + " Về khai sinh cho cháu [1].", facts, "khai sinh cho cháu", REQUIREMENTS) == []


def test_the_language_model_setting_is_off_by_default_and_checked() -> None:
    from chalicelib.settings import Settings
    from infra import config

    assert Settings().assistant_llm == "off"
    assert config.resolve({}, require=False)["HOSO_ASSISTANT_LLM"] == "off"
    assert config.resolve({"HOSO_ASSISTANT_LLM": "http://127.0.0.1:8121"}, require=False)["HOSO_ASSISTANT_LLM"]
    with pytest.raises(config.ConfigError, match="HOSO_ASSISTANT_LLM"):
        config.resolve({"HOSO_ASSISTANT_LLM": "on"}, require=False)
    full = {k: f"https://{k.lower()}.example.gov.vn" for k in config.CONFIG_KEYS} | {
        "HOSO_PROVINCES": "{}", "HOSO_SYNC_ENVELOPES": "{}", "HOSO_ERECEIPT_UNITS": "{}"}
    assert config.resolve({**full, "HOSO_ASSISTANT_LLM": "off"}, require=True)["HOSO_ASSISTANT_LLM"] == "off"
    with pytest.raises(config.ConfigError, match="https"):
        config.resolve({**full, "HOSO_ASSISTANT_LLM": "http://llm.example.gov.vn"}, require=True)
