"""Liên thông chains as configuration (SPEC §3.5, seed 000 §I): who handles each step, under
which procedure, with which legal deadline — data, validated when this module loads.

- :data:`AGENCIES` — the agencies a step can be handed to. ``kind="hoso"``: one of hoso's own
  units (``unit=None``: the unit that received the parent dossier); the step becomes a child
  dossier in that unit's process. ``kind="external"``: another agency's system, reached through
  the integration platform (``chalicelib.flows.agencies``); it answers at
  ``POST /v1/flows/callback``.
- :data:`FLOWS` — the flows a procedure can start (``Procedure.flow`` holds the flow id). Each
  flow runs on one state machine: ``birth_flow`` and ``death_flow`` have their steps written
  out in their ASL (state names readable in the console; the step ids here must match the
  ``"step"`` of each hand-over in the ASL, which a test checks); ``chain_flow`` runs any
  sequence of stages given in the execution input, so **a new chain is a new entry in FLOWS
  with** ``state_machine="chain_flow"``, **not code**.

A stage with several steps is a parallel group (only on ``chain_flow``). A step marked
``optional`` runs only when the applicant chose it: the eForm field named by the flow's
``selection_field`` (a ``checkboxes`` field, ``"section.field"``) lists the chosen step ids.

Codes: 1.001193, 1.004222, 1.003197, 1.000656 are national procedure codes (as in the seed
catalogue); 1.002076 is the seed's (unverified) code. The procedures that start the chains are
catalogue entries with ``flow`` set: the birth chain's own entry (local code 9.063001 in
``local/seed.py``) and death registration 1.000656. The two social-insurance procedures have
no verified national code yet, so they carry local identifiers (``LT.…``) — integration
clients are scoped to these codes, so replace them together with the clients' scopes.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.domain.calendar import Duration
from chalicelib.domain.process import SLUG, ProcessDefinition

StateMachine = Literal["birth_flow", "death_flow", "chain_flow"]

COMPLETE_STEP = "hoan_thanh"  # the step id of the final "complete" task (escalations name it)

# The process every liên thông parent dossier should follow (see lien_thong_process.json): the
# actions the flow takes on the parent, by id. Where the parent's process lacks one at the
# current step, the flow records the event instead (audited and synced, no step change).
START_ACTION = "chuyen_lien_thong"  # 2 → 4: "Đang xử lý liên thông"
SUPPLEMENT_ACTION = "yeu_cau_bo_sung"  # 4 → 5: a downstream agency asks the applicant for more
COMPLETE_ACTION = "hoan_thanh_lien_thong"  # 4 → 9: results gathered at the one-stop desk
STOP_ACTION = "dung_lien_thong"  # 4 → 8: an operator stopped the flow
PROCESS_FILE = Path(__file__).resolve().parent / "lien_thong_process.json"
LIEN_THONG_PROCESS = "QT-LIEN-THONG"
# Birth and death registration are also the procedures that start their chains, so their
# procedure follows the liên thông process; the unit's own handling of that step (the child
# dossier) follows the unit's ordinary process instead.
UNIT_PROCESS = "QT-MAC-DINH"


class Agency(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=SLUG, max_length=40)
    name: str = Field(min_length=1)
    kind: Literal["hoso", "external"]
    unit: str | None = Field(None, description="hoso: mã đơn vị xử lý; để trống là đơn vị tiếp nhận hồ sơ gốc")
    silence: Duration | None = Field(
        None, description="Thời gian tối đa không có tín hiệu (heartbeat) trước khi cảnh báo; trống: không giới hạn "
        "riêng, chỉ áp dụng thời hạn của bước")


class ChainStep(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=SLUG, max_length=40)
    name: str = Field(min_length=1, max_length=80, description="Tên trạng thái: cơ quan và việc làm")
    agency: str
    procedure_code: str = Field(min_length=1, max_length=32)
    procedure_name: str = Field(min_length=1)
    deadline: Duration = Field(description="Thời hạn pháp lý của bước")
    optional: bool = False
    process_code: str | None = Field(
        None, description="hoso: quy trình của hồ sơ con; trống là quy trình của thủ tục trong danh mục")


class Stage(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1)
    steps: tuple[ChainStep, ...] = Field(min_length=1)


class Flow(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=SLUG, max_length=40)
    name: str = Field(min_length=1)
    state_machine: StateMachine
    stages: tuple[Stage, ...] = Field(min_length=1)
    selection_field: str | None = None
    supplement_wait: Duration = Field(Duration.of_calendar_days(30), description="Thời hạn chờ công dân bổ sung")
    decision_wait: Duration = Field(Duration.of_working_days(5), description="Thời hạn chờ quyết định vận hành")

    @property
    def steps(self) -> tuple[ChainStep, ...]:
        return tuple(step for stage in self.stages for step in stage.steps)

    def step(self, step_id: str) -> ChainStep:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(f"flow {self.id} has no step {step_id}")


_NO_AGENCY = Agency(id="none", name="-", kind="external")


def _agencies(*agencies: Agency) -> dict[str, Agency]:
    return {a.id: a for a in agencies}


AGENCIES: dict[str, Agency] = _agencies(
    Agency(id="tu_phap_xa", name="Công chức tư pháp - hộ tịch cấp xã", kind="hoso"),
    Agency(id="lao_dong_xa", name="Ủy ban nhân dân cấp xã (lao động - xã hội)", kind="hoso"),
    Agency(id="cong_an_xa", name="Công an cấp xã", kind="external"),
    Agency(id="bhxh", name="Cơ quan Bảo hiểm xã hội", kind="external"),
)

_KHAI_SINH = ChainStep(
    id="khai_sinh", name="Tư pháp xã: đăng ký khai sinh", agency="tu_phap_xa", procedure_code="1.001193",
    procedure_name="Đăng ký khai sinh", deadline=Duration.of_working_days(1), process_code=UNIT_PROCESS,
)
_THUONG_TRU = ChainStep(
    id="thuong_tru", name="Công an xã: đăng ký thường trú", agency="cong_an_xa", procedure_code="1.004222",
    procedure_name="Đăng ký thường trú", deadline=Duration.of_working_days(7),
)
_BHYT = ChainStep(
    id="bhyt", name="Bảo hiểm xã hội: cấp thẻ BHYT cho trẻ dưới 6 tuổi", agency="bhxh",
    procedure_code="LT.BHYT-TE6", procedure_name="Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
    deadline=Duration.of_working_days(5),
)


def _sequence(*steps: ChainStep) -> tuple[Stage, ...]:
    return tuple(Stage(name=s.name, steps=(s,)) for s in steps)


FLOW_LIST: tuple[Flow, ...] = (
    Flow(
        id="birth_flow", state_machine="birth_flow",
        name="Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT cho trẻ em dưới 6 tuổi",
        stages=_sequence(_KHAI_SINH, _THUONG_TRU, _BHYT),
    ),
    Flow(
        id="death_flow", state_machine="death_flow",
        name="Liên thông đăng ký khai tử, xóa đăng ký thường trú, hỗ trợ chi phí mai táng, hưởng chế độ tử tuất",
        selection_field="lien_thong.thu_tuc_chon",
        stages=_sequence(
            ChainStep(id="khai_tu", name="Tư pháp xã: đăng ký khai tử", agency="tu_phap_xa",
                      procedure_code="1.000656", procedure_name="Đăng ký khai tử",
                      deadline=Duration.of_working_days(1), process_code=UNIT_PROCESS),
            ChainStep(id="xoa_thuong_tru", name="Công an xã: xóa đăng ký thường trú", agency="cong_an_xa",
                      procedure_code="1.003197", procedure_name="Xóa đăng ký thường trú",
                      deadline=Duration.of_working_days(1)),
            ChainStep(id="mai_tang", name="UBND xã: hỗ trợ chi phí mai táng", agency="lao_dong_xa",
                      procedure_code="1.002076", procedure_name="Giải quyết hưởng trợ cấp mai táng",
                      deadline=Duration.of_working_days(5), optional=True),
            ChainStep(id="tu_tuat", name="Bảo hiểm xã hội: giải quyết chế độ tử tuất", agency="bhxh",
                      procedure_code="LT.TRO-CAP-TUAT", procedure_name="Giải quyết hưởng chế độ tử tuất",
                      deadline=Duration.of_working_days(5), optional=True),
        ),
    ),
    # A configured chain on the generic state machine: birth registration first, then permanent
    # residence and the health-insurance card in parallel (both only need the birth certificate).
    Flow(
        id="khai_sinh_song_song", state_machine="chain_flow",
        name="Liên thông khai sinh, sau đó đăng ký thường trú và cấp thẻ BHYT song song",
        stages=(
            Stage(name="Đăng ký khai sinh", steps=(_KHAI_SINH,)),
            Stage(name="Đăng ký thường trú và cấp thẻ BHYT (song song)", steps=(_THUONG_TRU, _BHYT)),
        ),
    ),
)

_FIELD_PATH = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+$")


def problems(flow: Flow, agencies: dict[str, Agency] | None = None) -> list[str]:
    """Every reason ``flow`` cannot run (Vietnamese, one line each); empty means valid."""
    agencies = AGENCIES if agencies is None else agencies
    out: list[str] = []
    seen: set[str] = set()
    for step in flow.steps:
        if step.id in seen:
            out.append(f"Luồng {flow.id}: mã bước \"{step.id}\" bị trùng.")
        seen.add(step.id)
        if step.id == COMPLETE_STEP:
            out.append(f"Luồng {flow.id}: mã bước \"{COMPLETE_STEP}\" dành cho bước hoàn thành.")
        if step.agency not in agencies:
            out.append(f"Luồng {flow.id}, bước {step.id}: cơ quan \"{step.agency}\" chưa được khai báo.")
        if step.deadline.value < 1:
            out.append(f"Luồng {flow.id}, bước {step.id}: thời hạn phải lớn hơn 0.")
        if step.process_code == LIEN_THONG_PROCESS:
            out.append(f"Luồng {flow.id}, bước {step.id}: hồ sơ con không theo quy trình liên thông.")
        if step.process_code is not None and agencies.get(step.agency, _NO_AGENCY).kind != "hoso":
            out.append(f"Luồng {flow.id}, bước {step.id}: chỉ bước của đơn vị hoso có quy trình hồ sơ con.")
        if step.optional and flow.selection_field is None:
            out.append(f"Luồng {flow.id}, bước {step.id}: bước tùy chọn cần trường chọn thủ tục (selection_field).")
    if flow.selection_field is not None and not _FIELD_PATH.match(flow.selection_field):
        out.append(f"Luồng {flow.id}: selection_field phải có dạng \"muc.truong\".")
    if flow.state_machine != "chain_flow":
        if any(len(stage.steps) > 1 for stage in flow.stages):
            out.append(f"Luồng {flow.id}: nhóm bước song song chỉ chạy trên chain_flow.")
        if flow.state_machine != "death_flow" and any(s.optional for s in flow.steps):
            out.append(f"Luồng {flow.id}: chỉ death_flow có bước tùy chọn (trạng thái Choice).")
    elif any(s.optional for s in flow.steps):
        out.append(f"Luồng {flow.id}: chain_flow không có bước tùy chọn; cấu hình một chuỗi khác.")
    if not any(not s.optional for s in flow.steps):
        out.append(f"Luồng {flow.id}: cần ít nhất một bước bắt buộc.")
    for agency in agencies.values():
        if agency.kind == "external" and agency.unit is not None:
            out.append(f"Cơ quan {agency.id}: cơ quan ngoài hoso không có mã đơn vị hoso.")
    return out


class ChainConfigError(ValueError):
    """The configured chains are inconsistent (raised at import: a bad chain never deploys)."""


def _validated(flows: tuple[Flow, ...]) -> dict[str, Flow]:
    found = [p for flow in flows for p in problems(flow)]
    ids = [f.id for f in flows]
    found += [f"Mã luồng \"{i}\" bị trùng." for i in sorted({i for i in ids if ids.count(i) > 1})]
    if found:
        raise ChainConfigError("\n".join(found))
    return {f.id: f for f in flows}


FLOWS: dict[str, Flow] = _validated(FLOW_LIST)


def flow(flow_id: str) -> Flow | None:
    return FLOWS.get(flow_id)


def agency(agency_id: str) -> Agency:
    return AGENCIES[agency_id]


@cache
def lien_thong_process() -> ProcessDefinition:
    """The process liên thông parent dossiers follow (publish it and point the flow
    procedures' ``process_code`` at it); its action ids are the ``*_ACTION`` constants."""
    return ProcessDefinition.model_validate(json.loads(PROCESS_FILE.read_text(encoding="utf-8")))
