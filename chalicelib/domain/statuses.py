"""The 10 DVCQG dossier statuses (SPEC §3.2) and their transition chart, as data (FR-4).

Every internal process step shows exactly one of these statuses to DVCQG and the
coordinator. Which status may follow which is a :class:`StatusChart`: loaded from JSON,
validated, administered and drawn as a diagram; :data:`DEFAULT_CHART` is the chart a new
installation starts with.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import deque

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.domain.calendar import WorkingCalendar, ensure_aware


class StatusInfo(enum.StrEnum):
    """What a status carries when shown (Circular 11/2025, appendix item 4)."""

    SUBMITTED_AT = "submitted_at"
    RECEIVED_AT = "received_at"
    APPOINTMENT = "appointment"
    REASON = "reason"
    SUPPLEMENT_CONTENT = "supplement_content"
    HANDLING_AGENCY = "handling_agency"
    CURRENT_POSITION = "current_position"
    DEADLINE = "deadline"
    FINANCIAL_OBLIGATION = "financial_obligation"
    APPLICANT_REQUEST = "applicant_request"
    FINISHED_AT = "finished_at"
    DELIVERY = "delivery"

    @property
    def label(self) -> str:
        return _INFO_LABELS[self]


_INFO_LABELS: dict[StatusInfo, str] = {
    StatusInfo.SUBMITTED_AT: "Ngày nộp hồ sơ",
    StatusInfo.RECEIVED_AT: "Ngày tiếp nhận hồ sơ",
    StatusInfo.APPOINTMENT: "Ngày hẹn trả kết quả",
    StatusInfo.REASON: "Lý do",
    StatusInfo.SUPPLEMENT_CONTENT: "Nội dung cần bổ sung, hoàn thiện",
    StatusInfo.HANDLING_AGENCY: "Cơ quan có thẩm quyền giải quyết",
    StatusInfo.CURRENT_POSITION: "Vị trí, phòng ban, người xử lý hiện tại",
    StatusInfo.DEADLINE: "Thời hạn xử lý, thời gian quá hạn",
    StatusInfo.FINANCIAL_OBLIGATION: "Nghĩa vụ tài chính và thời hạn thực hiện",
    StatusInfo.APPLICANT_REQUEST: "Yêu cầu rút hồ sơ của tổ chức, cá nhân",
    StatusInfo.FINISHED_AT: "Thời điểm hoàn thành xử lý",
    StatusInfo.DELIVERY: "Tình trạng trả kết quả",
}


class DossierStatus(enum.IntEnum):
    NEW = 1
    RECEIVED = 2
    NOT_RECEIVED = 3
    PROCESSING = 4
    SUPPLEMENT_REQUESTED = 5
    AWAITING_PAYMENT = 6
    WITHDRAWN = 7
    STOPPED = 8
    PROCESSED = 9
    DELIVERED = 10

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def carries(self) -> tuple[StatusInfo, ...]:
        return STATUS_INFO[self]


STATUS_LABELS: dict[DossierStatus, str] = {
    DossierStatus.NEW: "Mới đăng ký",
    DossierStatus.RECEIVED: "Được tiếp nhận",
    DossierStatus.NOT_RECEIVED: "Không được tiếp nhận",
    DossierStatus.PROCESSING: "Đang xử lý",
    DossierStatus.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung giấy tờ",
    DossierStatus.AWAITING_PAYMENT: "Yêu cầu thực hiện nghĩa vụ tài chính",
    DossierStatus.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    DossierStatus.STOPPED: "Dừng xử lý",
    DossierStatus.PROCESSED: "Đã xử lý xong",
    DossierStatus.DELIVERED: "Đã trả kết quả",
}

STATUS_INFO: dict[DossierStatus, tuple[StatusInfo, ...]] = {
    DossierStatus.NEW: (StatusInfo.SUBMITTED_AT,),
    DossierStatus.RECEIVED: (StatusInfo.RECEIVED_AT, StatusInfo.APPOINTMENT),
    DossierStatus.NOT_RECEIVED: (StatusInfo.REASON,),
    DossierStatus.PROCESSING: (
        StatusInfo.HANDLING_AGENCY,
        StatusInfo.CURRENT_POSITION,
        StatusInfo.DEADLINE,
    ),
    DossierStatus.SUPPLEMENT_REQUESTED: (StatusInfo.REASON, StatusInfo.SUPPLEMENT_CONTENT),
    DossierStatus.AWAITING_PAYMENT: (StatusInfo.FINANCIAL_OBLIGATION,),
    DossierStatus.WITHDRAWN: (StatusInfo.APPLICANT_REQUEST,),
    DossierStatus.STOPPED: (StatusInfo.REASON,),
    DossierStatus.PROCESSED: (StatusInfo.FINISHED_AT, StatusInfo.DELIVERY),
    DossierStatus.DELIVERED: (StatusInfo.FINISHED_AT, StatusInfo.DELIVERY),
}


class Transition(BaseModel):
    """One allowed status change; ``note`` is the edge label of the diagram."""

    model_config = ConfigDict(frozen=True)

    source: DossierStatus
    target: DossierStatus
    note: str = ""


class ChartProblem(BaseModel):
    code: str
    message: str
    status: DossierStatus | None = None


class StatusChart(BaseModel):
    """The transition chart (lưu đồ chuyển đổi trạng thái, FR-4.2).

    A move between two steps that show the same non-terminal status is always allowed
    (internal steps do not change what DVCQG sees); every other move needs an edge.
    """

    model_config = ConfigDict(frozen=True)

    version: int = Field(1, ge=1)
    transitions: tuple[Transition, ...]
    terminal: frozenset[DossierStatus] = Field(description="Trạng thái kết thúc: không có bước tiếp theo")
    reason_required: frozenset[DossierStatus] = Field(description="Chuyển vào trạng thái này phải ghi lý do")
    clock_paused: frozenset[DossierStatus] = Field(description="Thời hạn giải quyết tạm dừng trong trạng thái này")
    clock_counted: frozenset[DossierStatus] = Field(
        description="Thời gian trong trạng thái này được tính vào thời hạn giải quyết của thủ tục"
    )

    @model_validator(mode="after")
    def _consistent(self) -> StatusChart:
        found = self.problems()
        if found:
            raise ValueError("; ".join(f"{p.code}: {p.message}" for p in found))
        return self

    def problems(self) -> list[ChartProblem]:
        out: list[ChartProblem] = []
        seen: set[tuple[DossierStatus, DossierStatus]] = set()
        for t in self.transitions:
            if (t.source, t.target) in seen:
                out.append(ChartProblem(
                    code="DUPLICATE_TRANSITION",
                    message=f"Chuyển đổi {t.source.value} → {t.target.value} được khai báo nhiều lần.",
                    status=t.source,
                ))
            seen.add((t.source, t.target))
            if t.source in self.terminal:
                out.append(ChartProblem(
                    code="TERMINAL_HAS_TRANSITION",
                    message=f"Trạng thái kết thúc \"{t.source.label}\" không được có chuyển đổi đi ra.",
                    status=t.source,
                ))
        for status in DossierStatus:
            if status not in self.terminal and not self._reaches_terminal(status):
                out.append(ChartProblem(
                    code="NO_TERMINAL_REACHABLE",
                    message=f"Từ trạng thái \"{status.label}\" không đi tới được trạng thái kết thúc nào.",
                    status=status,
                ))
        for status in sorted(self.clock_paused & self.clock_counted):
            out.append(ChartProblem(
                code="PAUSED_AND_COUNTED",
                message=f"Trạng thái \"{status.label}\" không thể vừa tạm dừng vừa tính thời hạn.",
                status=status,
            ))
        for status in sorted((self.clock_paused | self.clock_counted) & self.terminal):
            out.append(ChartProblem(
                code="TERMINAL_TIMED",
                message=f"Trạng thái kết thúc \"{status.label}\" không tính hay tạm dừng thời hạn.",
                status=status,
            ))
        return out

    def _reaches_terminal(self, start: DossierStatus) -> bool:
        queue, seen = deque([start]), {start}
        while queue:
            current = queue.popleft()
            if current in self.terminal:
                return True
            for nxt in self.successors(current):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return False

    def successors(self, status: DossierStatus) -> list[DossierStatus]:
        return [t.target for t in self.transitions if t.source == status]

    def allows(self, source: DossierStatus | int, target: DossierStatus | int) -> bool:
        a, b = DossierStatus(source), DossierStatus(target)
        if a == b:
            return a not in self.terminal
        return any(t.source == a and t.target == b for t in self.transitions)

    def is_terminal(self, status: DossierStatus | int) -> bool:
        return DossierStatus(status) in self.terminal

    def requires_reason(self, status: DossierStatus | int) -> bool:
        return DossierStatus(status) in self.reason_required

    def pauses_clock(self, status: DossierStatus | int) -> bool:
        return DossierStatus(status) in self.clock_paused

    def counts_time(self, status: DossierStatus | int) -> bool:
        return DossierStatus(status) in self.clock_counted


S = DossierStatus


def _t(source: DossierStatus, target: DossierStatus, note: str) -> Transition:
    return Transition(source=source, target=target, note=note)


DEFAULT_CHART = StatusChart(
    version=1,
    transitions=(
        # FR-12.2đ: the desk receives an online dossier.
        _t(S.NEW, S.RECEIVED, "Tiếp nhận hồ sơ trực tuyến"),
        # FR-12.2c: the desk refuses an online dossier before receiving it, with a reason.
        _t(S.NEW, S.NOT_RECEIVED, "Từ chối tiếp nhận"),
        # FR-12.2d: the desk asks once for correction of an incomplete online dossier.
        _t(S.NEW, S.SUPPLEMENT_REQUESTED, "Yêu cầu chỉnh sửa, bổ sung trước khi tiếp nhận"),
        # Decree 118 art. 21: the applicant may withdraw before the desk receives the dossier.
        _t(S.NEW, S.WITHDRAWN, "Công dân rút hồ sơ"),
        # FR-12.3c, FR-14: the desk forwards the received dossier to the competent department.
        _t(S.RECEIVED, S.PROCESSING, "Chuyển xử lý"),
        # TT11 item 4a: the desk returns an incomplete dossier for supplement.
        _t(S.RECEIVED, S.SUPPLEMENT_REQUESTED, "Yêu cầu bổ sung giấy tờ"),
        # Decree 118 art. 21: withdrawal on the applicant's request after receipt.
        _t(S.RECEIVED, S.WITHDRAWN, "Công dân rút hồ sơ"),
        # FR-15.8: the appraiser finds the dossier incomplete; supplement asked once, clock paused.
        _t(S.PROCESSING, S.SUPPLEMENT_REQUESTED, "Yêu cầu bổ sung giấy tờ"),
        # FR-18.3: fees/taxes assessed after appraisal must be paid before the result.
        _t(S.PROCESSING, S.AWAITING_PAYMENT, "Yêu cầu thực hiện nghĩa vụ tài chính"),
        # FR-17, Decree 118 art. 21: withdrawal on the applicant's request during processing.
        _t(S.PROCESSING, S.WITHDRAWN, "Công dân rút hồ sơ"),
        # TT11 item 4b, FR-16.4: not eligible after appraisal / refused by the leader, with reason.
        _t(S.PROCESSING, S.STOPPED, "Dừng xử lý, không giải quyết"),
        # FR-18.1: the result is signed and issued; the dossier waits at the desk.
        _t(S.PROCESSING, S.PROCESSED, "Hoàn thành xử lý"),
        # FR-13.3: the complete supplement arrives during processing; processing resumes.
        _t(S.SUPPLEMENT_REQUESTED, S.PROCESSING, "Nhận hồ sơ bổ sung, tiếp tục xử lý"),
        # FR-13.2, FR-12.2đ: the corrected online dossier is received by the desk.
        _t(S.SUPPLEMENT_REQUESTED, S.RECEIVED, "Tiếp nhận hồ sơ đã bổ sung"),
        # FR-12.2c: the correction still falls short; the desk refuses to receive.
        _t(S.SUPPLEMENT_REQUESTED, S.NOT_RECEIVED, "Từ chối tiếp nhận"),
        # Decree 118 art. 21: the applicant withdraws instead of supplementing.
        _t(S.SUPPLEMENT_REQUESTED, S.WITHDRAWN, "Công dân rút hồ sơ"),
        # TT11 item 4b: the supplement never comes or is still insufficient; stop with reason.
        _t(S.SUPPLEMENT_REQUESTED, S.STOPPED, "Dừng xử lý do không bổ sung"),
        # FR-18.3: payment confirmed; processing continues.
        _t(S.AWAITING_PAYMENT, S.PROCESSING, "Đã thực hiện nghĩa vụ tài chính"),
        # Decree 118 art. 21: the applicant withdraws rather than pay.
        _t(S.AWAITING_PAYMENT, S.WITHDRAWN, "Công dân rút hồ sơ"),
        # FR-18.3: obligations unpaid past their deadline; stop with reason.
        _t(S.AWAITING_PAYMENT, S.STOPPED, "Dừng xử lý do không thực hiện nghĩa vụ tài chính"),
        # FR-18.4–6: the result is handed over (desk, post, electronically).
        _t(S.PROCESSED, S.DELIVERED, "Trả kết quả"),
    ),
    terminal=frozenset({S.NOT_RECEIVED, S.WITHDRAWN, S.STOPPED, S.DELIVERED}),
    # SPEC §3.2: refusal, supplement and stop carry a reason (TT11 item 4).
    reason_required=frozenset({S.NOT_RECEIVED, S.SUPPLEMENT_REQUESTED, S.STOPPED}),
    # SPEC §3.3, FR-15.8: the applicant's turn — supplement, fees — does not count.
    clock_paused=frozenset({S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}),
    # The procedure's deadline runs from receipt until processing finishes (FR-18.2).
    clock_counted=frozenset({S.RECEIVED, S.PROCESSING}),
)


def _format_minutes(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} giờ {rest} phút"
    if hours:
        return f"{hours} giờ"
    return f"{rest} phút"


def overdue_label(deadline: dt.datetime, now: dt.datetime, calendar: WorkingCalendar) -> str:
    """The deadline line of TT11 item 4: "Hạn xử lý 15/08/2026 - Quá hạn 3 ngày" / "... - Còn 2 ngày".

    Days are working days counted by date (after the earlier date, up to the later one);
    within the deadline's own day the remaining or overdue office time is shown instead.
    """
    due, at = ensure_aware(deadline), ensure_aware(now)
    head = f"Hạn xử lý {due:%d/%m/%Y}"
    if at <= due:
        days = calendar.working_days_between(at, due)
        if days:
            return f"{head} - Còn {days} ngày"
        minutes = calendar.working_minutes_between(at, due)
        return f"{head} - Còn {_format_minutes(minutes)}" if minutes else f"{head} - Đến hạn"
    days = calendar.working_days_between(due, at)
    if days:
        return f"{head} - Quá hạn {days} ngày"
    minutes = calendar.working_minutes_between(due, at)
    return f"{head} - Quá hạn {_format_minutes(minutes)}" if minutes else f"{head} - Đã quá hạn"
