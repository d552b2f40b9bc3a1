"""Dossiers and audit trails for the sync tests: the default intra-ministry process walked step
by step (who acts, which department, the status each step shows), applied the way the engine
applies actions — receipt and appointment dates, supplement rounds, fees, results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.domain.dossier import (
    Actor,
    Applicant,
    AuditEvent,
    Channel,
    DocumentRef,
    Dossier,
    Fee,
    SupplementRound,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UNIT = "000.00.13.H26"
UNIT_NAME = "Sở Khoa học và Công nghệ thành phố Hà Nội"
START = datetime(2026, 1, 15, 8, 30, tzinfo=VN)
DESK, HEAD, APPRAISER = "Nguyễn Thị Thu Hà", "Trần Quốc Bảo", "Lê Văn Cường"
LEADER, CLERK, PORTAL = "Phạm Minh Đức", "Hoàng Thị Lan", "Cổng Dịch vụ công quốc gia"


@dataclass(frozen=True)
class Move:
    action: str
    label: str
    to_status: int
    to_step: str
    role: str
    actor: str
    department: str
    note: str = ""
    step_days: int | None = 2  # the step's own deadline, in days from its start


SUBMIT = Move("submit_online", "Nộp hồ sơ trực tuyến", 1, "cho_tiep_nhan", "system", PORTAL, "Bộ phận Một cửa",
              step_days=1)  # fmt: skip
RECEIVE = Move("receive", "Tiếp nhận hồ sơ", 2, "chuyen_xu_ly", "desk", DESK, "Bộ phận Một cửa")
REFUSE_INTAKE = Move("refuse_intake", "Từ chối tiếp nhận", 3, "khong_tiep_nhan", "desk", DESK, "Bộ phận Một cửa",
                     note="Thủ tục không thuộc thẩm quyền giải quyết của Sở", step_days=None)  # fmt: skip
TRANSFER = Move("submit", "Chuyển phòng chuyên môn xử lý", 4, "phan_cong", "desk", DESK, "Phòng chuyên môn")
ASSIGN = Move("assign", "Phân công chuyên viên thụ lý", 4, "tham_dinh", "head", HEAD, "Phòng chuyên môn",
              note="Giao chuyên viên Lê Văn Cường thụ lý", step_days=5)  # fmt: skip
REQUEST_SUPPLEMENT = Move("request_supplement", "Yêu cầu bổ sung hồ sơ", 5, "cho_bo_sung", "appraiser", APPRAISER,
                          "Bộ phận Một cửa", note="Bổ sung bản sao Giấy chứng sinh có chứng thực",
                          step_days=15)  # fmt: skip
RECEIVE_SUPPLEMENT = Move("receive_supplement", "Tiếp nhận hồ sơ bổ sung", 4, "tham_dinh", "desk", DESK,
                          "Phòng chuyên môn", step_days=5)  # fmt: skip
REQUEST_PAYMENT = Move("request_payment", "Yêu cầu thực hiện nghĩa vụ tài chính", 6, "cho_nop_phi", "appraiser",
                       APPRAISER, "Bộ phận Một cửa", note="Nộp lệ phí cấp bản sao trích lục khai sinh: 8.000 đồng",
                       step_days=5)  # fmt: skip
CONFIRM_PAYMENT = Move("confirm_payment", "Xác nhận đã thực hiện nghĩa vụ tài chính", 4, "tham_dinh", "desk", DESK,
                       "Phòng chuyên môn", step_days=3)  # fmt: skip
WITHDRAW = Move("withdraw", "Rút hồ sơ theo yêu cầu của công dân", 7, "da_rut_ho_so", "desk", DESK,
                "Bộ phận Một cửa", note="Công dân nộp đơn đề nghị rút hồ sơ ngày 16/01/2026",
                step_days=None)  # fmt: skip
STOP = Move("stop", "Dừng xử lý do không bổ sung hồ sơ", 8, "dung_xu_ly", "desk", DESK, "Bộ phận Một cửa",
            note="Quá thời hạn bổ sung mà công dân không bổ sung hồ sơ", step_days=None)  # fmt: skip
SUBMIT_APPROVAL = Move("submit", "Trình lãnh đạo đơn vị phê duyệt", 4, "phe_duyet", "head", HEAD, "Ban lãnh đạo",
                       step_days=1)  # fmt: skip
APPROVE = Move("approve", "Phê duyệt, ký kết quả", 4, "phat_hanh", "leader", LEADER, "Văn phòng", step_days=1)
ISSUE = Move("issue_result", "Phát hành kết quả", 9, "tra_ket_qua", "clerk", CLERK, "Bộ phận Một cửa")
DELIVER = Move("deliver_result", "Trả kết quả cho tổ chức, cá nhân", 10, "da_tra_ket_qua", "desk", DESK,
               "Bộ phận Một cửa", step_days=None)  # fmt: skip

_HEAD = [SUBMIT, RECEIVE, TRANSFER, ASSIGN]
PATHS: dict[int, list[Move]] = {
    1: [SUBMIT],
    2: [SUBMIT, RECEIVE],
    3: [SUBMIT, REFUSE_INTAKE],
    4: _HEAD,
    5: [*_HEAD, REQUEST_SUPPLEMENT],
    6: [*_HEAD, REQUEST_PAYMENT],
    7: [SUBMIT, RECEIVE, TRANSFER, WITHDRAW],
    8: [*_HEAD, REQUEST_SUPPLEMENT, STOP],
    9: [*_HEAD, SUBMIT_APPROVAL, APPROVE, ISSUE],
    10: [*_HEAD, SUBMIT_APPROVAL, APPROVE, ISSUE, DELIVER],
}
FULL = [*_HEAD, REQUEST_SUPPLEMENT, RECEIVE_SUPPLEMENT, REQUEST_PAYMENT, CONFIRM_PAYMENT, SUBMIT_APPROVAL, APPROVE,
        ISSUE, DELIVER]  # fmt: skip


def dossier_code(n: int, day: str = "260115") -> str:
    return f"{UNIT}-{day}-{n:04d}"


def document(doc_id: str, name: str, component: str, kind: str = "submitted", deleted: bool = False) -> DocumentRef:
    return DocumentRef(
        id=doc_id, name=name, component_code=component, s3_key=f"documents/{doc_id[:2]}/{doc_id}", sha256="0" * 64,
        content_type="application/pdf", size=48213, kind=kind, deleted=deleted,
    )  # fmt: skip


BIRTH_CERTIFICATE = document("a1f0c2d4e5", "Giấy chứng sinh.pdf", "GCS")
MARRIAGE_CERTIFICATE = document("b2e1d3c5f6", "Giấy chứng nhận kết hôn (bản cũ).pdf", "GCNKH", deleted=True)
MARRIAGE_CERTIFICATE_NEW = document("c3d2e4f6a7", "Giấy chứng nhận kết hôn.pdf", "GCNKH")
BIRTH_EXTRACT = document("d4c3f5a7b8", "Trích lục khai sinh.pdf", "KQ-TLKS", kind="result")
FEE = Fee(code="LPKS", name="Lệ phí cấp bản sao Trích lục khai sinh", amount=8000, kind="1", collection="2")


def new_dossier(code: str, at: datetime, **update: Any) -> Dossier:
    """A dossier as DVCQG's intake builds it, before its first step."""
    dossier = Dossier(
        code=code,
        dvcqg_ref=f"G22.99-{code[-11:]}",
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        field_code="G03-HT",
        field_name="Hộ tịch",
        unit_code=UNIT,
        province_code="01",
        channel=Channel.ONLINE,
        result_delivery="0",
        applicant=Applicant(name="Nguyễn Văn An", kind="1", id_number="001090012345", email="an.nguyen@example.com",
                            phone="0912345678", dvcqg_tech_id="5f1c9a2e-0d4b-4c7e-9a61-2b7f3e8d1c40"),  # fmt: skip
        summary="Đăng ký khai sinh cho cháu Nguyễn Minh Khôi, sinh ngày 02/01/2026",
        status=1,
        step_id="",
        process_code="QT-MOT-CUA",
        process_version=1,
        submitted_at=at,
        step_started_at=at,
        documents=[BIRTH_CERTIFICATE],
        created_at=at,
        updated_at=at,
        seq=0,
        version=0,
    )
    return dossier.model_copy(update=update)


def apply(dossier: Dossier, move: Move, at: datetime) -> tuple[Dossier, AuditEvent]:
    """The dossier after ``move`` at ``at`` and the audit event recording it."""
    update: dict[str, Any] = {}
    if move.action == "receive":
        update["received_at"] = at
        update["due_at"] = at + timedelta(days=10)
    if move.action == "request_supplement":
        update["paused_at"] = at
        update["supplements"] = [*dossier.supplements, SupplementRound(
            id=f"bs{dossier.seq + 1:02d}", requested_by=move.actor, content=move.note, requested_at=at,
            due_before=dossier.due_at)]  # fmt: skip
    if move.action == "receive_supplement":
        due = (dossier.due_at or at) + timedelta(days=3)
        last = dossier.supplements[-1].model_copy(update={"received_at": at, "received_by": move.actor,
                                                          "due_after": due})  # fmt: skip
        update.update(paused_at=None, due_at=due, supplements=[*dossier.supplements[:-1], last])
    if move.action == "confirm_payment":
        update["fees"] = [f.model_copy(update={"paid": True}) for f in dossier.fees]
    if move.to_status in (3, 7, 8, 9) and dossier.finished_at is None:
        update["finished_at"] = at
    if move.to_status == 10:
        update["delivered_at"] = at
    seq = dossier.seq + 1
    step_due = at + timedelta(days=move.step_days) if move.step_days else None
    after = dossier.model_copy(update={
        **update, "status": move.to_status, "step_id": move.to_step, "step_role": move.role, "step_started_at": at,
        "step_due_at": step_due, "seq": seq, "version": dossier.version + 1, "updated_at": at,
    })  # fmt: skip
    event = AuditEvent(
        seq=seq, at=at, actor=Actor(sub=f"sub-{move.role}", name=move.actor, role=move.role, unit_code=UNIT),
        action=move.action, label=move.label, from_step=dossier.step_id or None, to_step=move.to_step,
        from_status=dossier.status if dossier.seq else None, to_status=move.to_status, note=move.note,
        due_at=after.due_at, step_due_at=step_due, department=move.department,
    )  # fmt: skip
    return after, event


def walk(dossier: Dossier, moves: list[Move], start: datetime, gap: timedelta = timedelta(hours=3)) -> tuple[
        Dossier, list[AuditEvent]]:  # fmt: skip
    """Apply ``moves`` one after another, ``gap`` apart from ``start``."""
    events = []
    for i, move in enumerate(moves):
        dossier, event = apply(dossier, move, start + i * gap)
        events.append(event)
    return dossier, events


def full_dossier(code: str = dossier_code(11)) -> tuple[Dossier, list[AuditEvent]]:
    """A dossier through every kind of step: a fee, a supplement round, a replaced document, a result."""
    start = new_dossier(code, START, fees=[FEE], documents=[BIRTH_CERTIFICATE, MARRIAGE_CERTIFICATE],
                        result_delivery="1")  # fmt: skip
    dossier, events = walk(start, FULL[:6], START)
    dossier = dossier.model_copy(update={"documents": [*dossier.documents, MARRIAGE_CERTIFICATE_NEW]})
    dossier, more = walk(dossier, FULL[6:11], START + 6 * timedelta(hours=3))
    dossier = dossier.model_copy(update={"documents": [*dossier.documents, BIRTH_EXTRACT]})
    dossier, last = walk(dossier, FULL[11:], START + 11 * timedelta(hours=3))
    return dossier, [*events, *more, *last]


def fake_link(document: DocumentRef) -> str:
    """A stable stand-in for the presigned link (golden files must not change with the clock)."""
    return f"https://tailieu.hoso.example.gov.vn/{document.s3_key}?het-han=3-ngay"
