"""What a specialised software reports, and whether a report fits the dossier (pure rules).

A status report names the action of hoso's process the software took, the step it took it at
and the DVCQG status (1–10) the dossier has after it. The software's process mirrors hoso's, so
each of the three must agree with hoso's process: the dossier is at that step, the step offers
that action, and the action leads to a step with that status. The flow actions of a liên thông
parent and the operators' actions are hoso's own and never taken by a specialised software.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.domain.dossier import Dossier
from chalicelib.domain.process import SLUG, Action, ProcessDefinition
from chalicelib.domain.roles import Role
from chalicelib.errors import FieldError, HosoError, conflict, invalid

EVENT_ID = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"
# Who a specialised software may act as: the processing roles (not operators, not administrators).
ACTING_ROLES = frozenset({Role.DESK, Role.HEAD, Role.APPRAISER, Role.LEADER, Role.CLERK})
# Statuses at which results may come in: received, being processed, waiting for fees, processed.
RESULT_STATUSES = frozenset({2, 4, 6, 9})

STATUS_EXAMPLE: dict[str, Any] = {
    "event_id": "TNMT-2026-000123-3",
    "action": "trinh",
    "from_step": "tham_dinh",
    "status": 4,
    "reason": "Hồ sơ đủ điều kiện, trình lãnh đạo phòng.",
    "handler": {"name": "Nguyễn Thị Thu Hà", "title": "Chuyên viên", "department": "Phòng Đăng ký đất đai"},
}
RESULTS_EXAMPLE: dict[str, Any] = {
    "event_id": "TNMT-2026-000123-kq",
    "result_documents": [{"name": "giay-chung-nhan.pdf", "component_code": "KQ-GCN",
                          "content_base64": "JVBERi0xLjQKJcfsj6IK…"}],  # fmt: skip
    "note": "Giấy chứng nhận đã ký số.",
    "handler": {"name": "Nguyễn Thị Thu Hà"},
}


class HandlerIn(BaseModel):
    """Người xử lý trên phần mềm chuyên ngành (hiện trong nhật ký xử lý và trên Cổng DVCQG)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="Họ tên người xử lý")
    sub: str | None = Field(None, min_length=1, max_length=128,
                            description="Tài khoản hoso (VNeID) của người xử lý, nếu có; bắt buộc khi hồ sơ đã được "
                                        "phân công cho chuyên viên và thao tác là của chuyên viên")  # fmt: skip


class StatusReportIn(BaseModel):
    """Phần mềm chuyên ngành báo một thao tác xử lý đã thực hiện (quy trình đồng nhất với quy trình của hoso)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [STATUS_EXAMPLE]})

    event_id: str = Field(pattern=EVENT_ID, description="Mã sự kiện do phần mềm chuyên ngành cấp; gửi lại cùng mã "
                          "là gửi lại cùng báo cáo (không ghi hai lần)")  # fmt: skip
    action: str = Field(pattern=SLUG, max_length=64, description="Mã thao tác trong quy trình của thủ tục")
    from_step: str = Field(pattern=SLUG, max_length=64, description="Bước của hồ sơ khi thực hiện thao tác")
    status: int = Field(ge=1, le=10, description="Trạng thái hồ sơ (1–10 theo DVCQG) sau thao tác")
    reason: str = Field("", max_length=2000, description="Nội dung, lý do (bắt buộc với thao tác cần lý do)")
    assignee: str | None = Field(None, min_length=1, max_length=128,
                                 description="Phân công: tài khoản hoso của chuyên viên được phân công")
    handler: HandlerIn | None = None


class SpecialisedResultDocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255, description="Tên giấy tờ kết quả")
    component_code: str = Field("", max_length=64, description="Mã thành phần (MaThanhPhanHoSo), nếu có")
    number: str = Field("", max_length=64, description="Số, ký hiệu của giấy tờ kết quả do phần mềm cấp, nếu có")
    content_base64: str = Field(min_length=1, max_length=14_000_000, description="Nội dung tệp (base64)")


class ResultsReportIn(BaseModel):
    """Phần mềm chuyên ngành trả kết quả giải quyết của hồ sơ."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [RESULTS_EXAMPLE]})

    event_id: str = Field(pattern=EVENT_ID, description="Mã sự kiện do phần mềm chuyên ngành cấp")
    result_documents: list[SpecialisedResultDocumentIn] = Field(min_length=1, max_length=20)
    note: str = Field("", max_length=2000, description="Ghi chú")
    handler: HandlerIn | None = None


class ReportOut(BaseModel):
    status: Literal["accepted"]
    dossier: str
    dossier_status: int = Field(description="Trạng thái hồ sơ (1–10) sau báo cáo")
    step: str
    documents: list[str] = Field(default_factory=list, description="Mã các giấy tờ kết quả đã nhận")
    replayed: bool = Field(description="true: báo cáo này đã được nhận trước đó, không ghi lại")


def fingerprint(kind: str, code: str, body: BaseModel) -> str:
    """What makes two reports under one ``event_id`` the same report."""
    data = json.dumps({"kind": kind, "code": code, "body": body.model_dump(mode="json")}, sort_keys=True,
                      ensure_ascii=False)  # fmt: skip
    return hashlib.sha256(data.encode()).hexdigest()


def check_status_report(dossier: Dossier, process: ProcessDefinition, report: StatusReportIn) -> Action:
    """The action of ``process`` the report describes, if it fits the dossier now."""
    step = process.step(dossier.step_id)
    if report.from_step != step.id:
        raise conflict(f"Hồ sơ đang ở bước “{step.name}”, không ở bước {report.from_step}; phần mềm chuyên ngành "
                       "cần đồng bộ lại trạng thái hồ sơ.", "SPECIALISED_STEP_MISMATCH",
                       current={"step": step.id, "status": int(step.status)})  # fmt: skip
    action = next((a for a in step.actions if a.id == report.action), None)
    if action is None:
        raise conflict(f"Bước “{step.name}” không có thao tác {report.action}.", "SPECIALISED_ACTION_NOT_AT_STEP",
                       available=[a.id for a in step.actions if step.performer(a) in ACTING_ROLES])  # fmt: skip
    if step.performer(action) not in ACTING_ROLES:
        raise HosoError("SPECIALISED_ACTION_NOT_ALLOWED",
                        f"Thao tác “{action.label}” do hệ thống hoso thực hiện, không nhận từ phần mềm chuyên ngành.",
                        409)  # fmt: skip
    target = process.step(action.to_step)
    if int(target.status) != report.status:
        raise invalid([FieldError("status", f"Thao tác “{action.label}” chuyển hồ sơ sang trạng thái "
                                            f"{int(target.status)}, không phải {report.status}.")],
                      "Trạng thái báo về không khớp với quy trình của hoso.")  # fmt: skip
    return action


def check_results_allowed(dossier: Dossier) -> None:
    if dossier.status not in RESULT_STATUSES:
        raise conflict(f"Hồ sơ đang ở trạng thái {dossier.status}: không nhận kết quả.",
                       "SPECIALISED_RESULTS_NOT_ALLOWED", current={"status": dossier.status})  # fmt: skip


def result_document_id(client_id: str, event_id: str, index: int) -> str:
    """The same report's documents always get the same ids (a redelivery adds nothing)."""
    return f"pmcn-{hashlib.sha256(f'{client_id}:{event_id}'.encode()).hexdigest()[:16]}-{index}"


def actor_name(handler_name: str | None, client_name: str) -> str:
    """The client first: the handler is only what the client says."""
    return f"{client_name} (người xử lý theo hệ thống khai báo: {handler_name})" if handler_name else client_name


def response(dossier: Dossier, documents: list[str], replayed: bool = False) -> dict[str, Any]:
    return ReportOut(status="accepted", dossier=dossier.code, dossier_status=dossier.status, step=dossier.step_id,
                     documents=documents, replayed=replayed).model_dump(mode="json")  # fmt: skip
