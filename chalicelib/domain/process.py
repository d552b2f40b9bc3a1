"""Processes (quy trình xử lý) as versioned definitions (FR-7, FR-9) and their validator.

A process is a graph: steps (nodes, each held by one role and showing one DVCQG status)
and actions (edges, each of an :class:`ActionKind`). Definitions are stored as JSON,
edited through the admin API and drawn as diagrams; a published version never changes —
dossiers keep the version they started with, and edits make the next version
(:func:`next_version`).

``max_times`` counts per dossier and per action *kind* (``Dossier.action_counts`` is
keyed by ``ActionKind`` value): "supplement once" holds however many steps offer it.
Entering a status the chart marks ``clock_paused`` pauses the procedure's clock; leaving it
resumes the clock, pushing the deadline by the paused office time
(``WorkingCalendar.resume_deadline``) unless the action has ``recompute_deadline``, in which
case the full deadline starts again from that moment (FR-15.8,
``WorkingCalendar.recompute_after_supplement``).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib.domain.calendar import DEFAULT_OFFICE_HOURS, Duration, DurationUnit
from chalicelib.domain.roles import Role
from chalicelib.domain.statuses import DEFAULT_CHART, DossierStatus, StatusChart
from chalicelib.errors import HosoError, conflict

SLUG = r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$"
PROCESS_CODE = r"^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$"

# Simple paths explored by the deadline check before it gives up on a process.
MAX_PATHS = 100_000


class ActionKind(enum.StrEnum):
    """The actions of FR-12…FR-18."""

    RECEIVE = "receive"
    REFUSE_INTAKE = "refuse_intake"
    REQUEST_CORRECTION = "request_correction"
    ASSIGN = "assign"
    REASSIGN = "reassign"
    SUBMIT = "submit"
    APPRAISE = "appraise"
    CONSULT = "consult"
    RECORD_OPINION = "record_opinion"
    REQUEST_SUPPLEMENT = "request_supplement"
    RECEIVE_SUPPLEMENT = "receive_supplement"
    REQUEST_PAYMENT = "request_payment"
    CONFIRM_PAYMENT = "confirm_payment"
    PROPOSE_REFUSAL = "propose_refusal"
    APPROVE = "approve"
    RETURN = "return"
    REFUSE = "refuse"
    STOP = "stop"
    WITHDRAW = "withdraw"
    EXTEND = "extend"
    SIGN = "sign"
    ISSUE_RESULT = "issue_result"
    DELIVER_RESULT = "deliver_result"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]

    @property
    def requires_reason(self) -> bool:
        return self in REASON_REQUIRED_KINDS


ACTION_LABELS: dict[ActionKind, str] = {
    ActionKind.RECEIVE: "Tiếp nhận",
    ActionKind.REFUSE_INTAKE: "Từ chối tiếp nhận",
    ActionKind.REQUEST_CORRECTION: "Yêu cầu chỉnh sửa, bổ sung trước khi tiếp nhận",
    ActionKind.ASSIGN: "Phân công",
    ActionKind.REASSIGN: "Phân công lại",
    ActionKind.SUBMIT: "Chuyển bước / trình",
    ActionKind.APPRAISE: "Thẩm định",
    ActionKind.CONSULT: "Xin ý kiến",
    ActionKind.RECORD_OPINION: "Tiếp tục xử lý sau khi xin ý kiến",
    ActionKind.REQUEST_SUPPLEMENT: "Yêu cầu bổ sung hồ sơ",
    ActionKind.RECEIVE_SUPPLEMENT: "Tiếp nhận hồ sơ bổ sung",
    ActionKind.REQUEST_PAYMENT: "Yêu cầu thực hiện nghĩa vụ tài chính",
    ActionKind.CONFIRM_PAYMENT: "Xác nhận đã thực hiện nghĩa vụ tài chính",
    ActionKind.PROPOSE_REFUSAL: "Đề xuất từ chối giải quyết",
    ActionKind.APPROVE: "Phê duyệt",
    ActionKind.RETURN: "Trả lại bước trước",
    ActionKind.REFUSE: "Từ chối giải quyết",
    ActionKind.STOP: "Dừng xử lý",
    ActionKind.WITHDRAW: "Rút hồ sơ theo yêu cầu",
    ActionKind.EXTEND: "Gia hạn thời gian xử lý",
    ActionKind.SIGN: "Ký số",
    ActionKind.ISSUE_RESULT: "Phát hành kết quả",
    ActionKind.DELIVER_RESULT: "Trả kết quả",
}

# Refusals, supplement/correction requests, stops, returns and extensions must say why
# (SPEC §3.2, FR-12.2c-d, FR-15.8, FR-16.4); a withdrawal records the applicant's request.
REASON_REQUIRED_KINDS = frozenset({
    ActionKind.REFUSE_INTAKE,
    ActionKind.REQUEST_CORRECTION,
    ActionKind.REQUEST_SUPPLEMENT,
    ActionKind.PROPOSE_REFUSAL,
    ActionKind.RETURN,
    ActionKind.REFUSE,
    ActionKind.STOP,
    ActionKind.WITHDRAW,
    ActionKind.EXTEND,
})

# Asked once, with everything that is missing (SPEC §3.2, FR-12.2d).
ONCE_ONLY_KINDS = frozenset({ActionKind.REQUEST_CORRECTION, ActionKind.REQUEST_SUPPLEMENT})


class StepInfo(BaseModel):
    """What DVCQG shows as the dossier's current position (TT11 item 4)."""

    model_config = ConfigDict(frozen=True)

    position: str = Field("", description="Vị trí xử lý, ví dụ: Chuyên viên thụ lý")
    department: str = Field("", description="Phòng ban, ví dụ: Phòng Hành chính - Tư pháp")


class Action(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=SLUG, max_length=64)
    kind: ActionKind
    label: str = Field(min_length=1)
    to_step: str
    role: Role | None = Field(None, description="Ai thực hiện; mặc định là vai trò của bước")
    requires_reason: bool = False
    max_times: int | None = Field(None, ge=1, description="Số lần tối đa cho mỗi hồ sơ, đếm theo loại thao tác")
    recompute_deadline: bool = Field(
        False, description="Khi rời trạng thái tạm dừng: tính lại toàn bộ thời hạn từ thời điểm này"
    )


class Step(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=SLUG, max_length=64)
    name: str = Field(min_length=1)
    role: Role
    status: DossierStatus
    deadline: Duration | None = None
    actions: tuple[Action, ...] = ()
    tt11: StepInfo = StepInfo()

    def action(self, action_id: str) -> Action:
        for action in self.actions:
            if action.id == action_id:
                return action
        raise KeyError(f"step {self.id} has no action {action_id}")

    def performer(self, action: Action) -> Role:
        return action.role or self.role


class ProcessDefinition(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(pattern=PROCESS_CODE, max_length=64)
    version: int = Field(ge=1)
    name: str = Field(min_length=1)
    description: str = ""
    procedure_codes: tuple[str, ...] = ()
    legal_deadline: Duration | None = None
    steps: tuple[Step, ...]
    start_step: str = Field(description="Bước đầu của hồ sơ trực tuyến (từ Cổng DVCQG)")
    direct_start_step: str | None = Field(
        None, description="Bước đầu của hồ sơ tiếp nhận trực tiếp, qua bưu chính (đã được tiếp nhận)"
    )
    chart_version: int = Field(1, ge=1)
    published_at: dt.datetime | None = None
    published_by: str | None = None

    @property
    def published(self) -> bool:
        return self.published_at is not None

    @property
    def is_timed(self) -> bool:
        return any(step.deadline is not None for step in self.steps)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(f"process {self.code} v{self.version} has no step {step_id}")

    def entry_step(self, *, direct: bool) -> Step:
        """Where a new dossier starts: received at a desk/by post (``direct``) or online."""
        return self.step(self.direct_start_step if direct and self.direct_start_step else self.start_step)


class ProcessError(BaseModel):
    """One problem of a definition, located where the admin UI shows it."""

    code: str
    message: str
    step_id: str | None = None
    action_id: str | None = None


def _err(code: str, message: str, step: str | None = None, action: str | None = None) -> ProcessError:
    return ProcessError(code=code, message=message, step_id=step, action_id=action)


def _min_weekdays(days: int) -> int:
    """Weekdays (Mon–Fri) contained in any run of ``days`` consecutive days."""
    weeks, rest = divmod(days, 7)
    return weeks * 5 + max(0, rest - 2)


def _legal_minutes(deadline: Duration, minutes_per_day: int) -> int:
    if deadline.unit is DurationUnit.CALENDAR_DAYS:
        return _min_weekdays(deadline.value) * minutes_per_day
    return deadline.working_minutes(minutes_per_day)


def _reachable(starts: Iterable[str], edges: Mapping[str, list[str]]) -> set[str]:
    queue = deque(starts)
    seen = set(queue)
    while queue:
        for nxt in edges.get(queue.popleft(), []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _longest_timed_path(
    starts: list[str],
    edges: Mapping[str, list[str]],
    weight: Mapping[str, int],
    terminal: set[str],
) -> tuple[int, list[str]] | None:
    """The heaviest simple path from a start to a terminal step; None past MAX_PATHS."""
    best: tuple[int, list[str]] = (-1, [])
    explored = 0
    for start in starts:
        stack: list[tuple[str, int, list[str]]] = [(start, weight[start], [start])]
        while stack:
            node, total, path = stack.pop()
            explored += 1
            if explored > MAX_PATHS:
                return None
            if node in terminal and total > best[0]:
                best = (total, path)
            for nxt in edges.get(node, []):
                if nxt not in path:
                    stack.append((nxt, total + weight[nxt], [*path, nxt]))
    return best if best[0] >= 0 else (0, [])


def validate_process(
    definition: ProcessDefinition,
    chart: StatusChart = DEFAULT_CHART,
    minutes_per_day: int = DEFAULT_OFFICE_HOURS.minutes_per_day,
) -> list[ProcessError]:
    """Every problem of ``definition`` under ``chart``; an empty list means publishable.

    The deadline rule (FR-7.2): over every simple path from an entry step to a terminal
    step, the deadlines of the steps in which the procedure's clock runs
    (``chart.clock_counted``) add up to at most the legal deadline. Loops — consultations,
    returns, supplements — are not simple paths, so their extra rounds are not counted;
    calendar-day legal deadlines count only the weekdays any such run of days contains.
    Processes without step deadlines are exempt.
    """
    errors: list[ProcessError] = []
    if definition.chart_version != chart.version:
        errors.append(_err(
            "CHART_VERSION_MISMATCH",
            f"Quy trình dựa trên lưu đồ trạng thái phiên bản {definition.chart_version}, "
            f"lưu đồ hiện hành là phiên bản {chart.version}.",
        ))

    steps: dict[str, Step] = {}
    for step in definition.steps:
        if step.id in steps:
            errors.append(_err("DUPLICATE_STEP_ID", f"Mã bước \"{step.id}\" bị trùng.", step.id))
        else:
            steps[step.id] = step

    starts: list[str] = []
    for start in (definition.start_step, definition.direct_start_step):
        if start is None:
            continue
        if start in steps:
            starts.append(start)
        else:
            errors.append(_err("UNKNOWN_START_STEP", f"Bước bắt đầu \"{start}\" không tồn tại."))

    edges: dict[str, list[str]] = {sid: [] for sid in steps}
    max_times_by_kind: dict[ActionKind, int | None] = {}
    for step in steps.values():
        terminal = chart.is_terminal(step.status)
        if terminal and step.actions:
            errors.append(_err(
                "TERMINAL_STEP_HAS_ACTIONS",
                f"Bước \"{step.name}\" ở trạng thái kết thúc \"{step.status.label}\" không được có thao tác.",
                step.id,
            ))
        if step.deadline is not None and not step.deadline.is_working_time:
            errors.append(_err(
                "STEP_DEADLINE_NOT_WORKING_TIME",
                f"Thời hạn của bước \"{step.name}\" phải tính theo ngày, giờ hoặc phút làm việc.",
                step.id,
            ))
        seen_actions: set[str] = set()
        for action in step.actions:
            errors.extend(_check_action(step, action, steps, chart, terminal, seen_actions, max_times_by_kind))
            seen_actions.add(action.id)
            if action.to_step in steps:
                edges[step.id].append(action.to_step)

    reachable = _reachable(starts, edges)
    for sid, step in steps.items():
        if starts and sid not in reachable:
            errors.append(_err(
                "UNREACHABLE_STEP", f"Không có đường đi từ bước bắt đầu tới bước \"{step.name}\".", sid
            ))

    terminal_ids = {sid for sid, step in steps.items() if chart.is_terminal(step.status)}
    reverse: dict[str, list[str]] = {sid: [] for sid in steps}
    for sid, targets in edges.items():
        for target in targets:
            reverse[target].append(sid)
    finishing = _reachable(terminal_ids, reverse)
    for sid, step in steps.items():
        if sid not in finishing:
            errors.append(_err(
                "NO_TERMINAL_REACHABLE",
                f"Từ bước \"{step.name}\" không đi tới được bước kết thúc nào.",
                sid,
            ))

    if definition.is_timed and definition.legal_deadline is not None and starts:
        errors.extend(_check_deadlines(
            definition.legal_deadline, steps, starts, edges, terminal_ids, chart, minutes_per_day
        ))
    return errors


def _check_action(
    step: Step,
    action: Action,
    steps: Mapping[str, Step],
    chart: StatusChart,
    step_is_terminal: bool,
    seen_actions: set[str],
    max_times_by_kind: dict[ActionKind, int | None],
) -> list[ProcessError]:
    errors: list[ProcessError] = []
    where = (step.id, action.id)
    if action.id in seen_actions:
        errors.append(_err("DUPLICATE_ACTION_ID", f"Mã thao tác \"{action.id}\" bị trùng trong bước \"{step.name}\".",
                           *where))
    target = steps.get(action.to_step)
    if target is None:
        errors.append(_err(
            "UNKNOWN_TARGET_STEP",
            f"Thao tác \"{action.label}\" chuyển tới bước \"{action.to_step}\" không tồn tại.",
            *where,
        ))
    elif not step_is_terminal and not chart.allows(step.status, target.status):
        errors.append(_err(
            "TRANSITION_NOT_ALLOWED",
            f"Lưu đồ trạng thái không cho phép chuyển từ \"{step.status.label}\" sang \"{target.status.label}\" "
            f"(thao tác \"{action.label}\").",
            *where,
        ))
    status_needs_reason = (
        target is not None and target.status != step.status and chart.requires_reason(target.status)
    )
    if (action.kind.requires_reason or status_needs_reason) and not action.requires_reason:
        errors.append(_err(
            "REASON_REQUIRED", f"Thao tác \"{action.label}\" phải yêu cầu nhập lý do.", *where
        ))
    if action.kind in ONCE_ONLY_KINDS and action.max_times != 1:
        errors.append(_err(
            "ONCE_ONLY", f"Thao tác \"{action.label}\" chỉ được thực hiện một lần (số lần tối đa phải là 1).", *where
        ))
    if action.kind in max_times_by_kind and max_times_by_kind[action.kind] != action.max_times:
        errors.append(_err(
            "MAX_TIMES_MISMATCH",
            f"Các thao tác loại \"{action.kind.label}\" phải có cùng số lần tối đa.",
            *where,
        ))
    max_times_by_kind.setdefault(action.kind, action.max_times)
    if action.recompute_deadline and not (
        target is not None and chart.pauses_clock(step.status) and not chart.pauses_clock(target.status)
    ):
        errors.append(_err(
            "RECOMPUTE_WITHOUT_PAUSE",
            f"Thao tác \"{action.label}\" chỉ được tính lại thời hạn khi rời trạng thái tạm dừng.",
            *where,
        ))
    return errors


def _check_deadlines(
    legal_deadline: Duration,
    steps: Mapping[str, Step],
    starts: list[str],
    edges: Mapping[str, list[str]],
    terminal_ids: set[str],
    chart: StatusChart,
    minutes_per_day: int,
) -> list[ProcessError]:
    weight = {
        sid: step.deadline.working_minutes(minutes_per_day)
        if step.deadline is not None and step.deadline.is_working_time and chart.counts_time(step.status)
        else 0
        for sid, step in steps.items()
    }
    found = _longest_timed_path(starts, edges, weight, terminal_ids)
    if found is None:
        return [_err("TOO_MANY_PATHS", "Quy trình có quá nhiều nhánh để kiểm tra tổng thời hạn các bước.")]
    total, path = found
    legal = _legal_minutes(legal_deadline, minutes_per_day)
    if total <= legal:
        return []
    names = " → ".join(steps[sid].name for sid in path)
    return [_err(
        "DEADLINE_EXCEEDS_LEGAL",
        f"Tổng thời hạn các bước ({_minutes_label(total, minutes_per_day)}) vượt thời hạn giải quyết "
        f"{legal_deadline.label} ({_minutes_label(legal, minutes_per_day)}) trên nhánh: {names}.",
    )]


class DeadlineWarning(BaseModel):
    """A procedure using the process has a legal deadline shorter than the process's steps add up
    to: its dossiers' step deadlines are cut to the legal due moment (``engine.step_due``), so
    the steps as drawn cannot all have their time. Publishing is not refused — the process may
    serve procedures with longer deadlines — but the administrator is told."""

    code: str = "PROCEDURE_DEADLINE_TOO_SHORT"
    message: str
    procedure_code: str
    legal_minutes: int = Field(description="Thời hạn giải quyết của thủ tục, phút làm việc")
    steps_minutes: int = Field(description="Tổng thời hạn các bước trên nhánh dài nhất, phút làm việc")
    step_ids: list[str] = Field(description="Các bước của nhánh dài nhất")


def longest_counted_path(definition: ProcessDefinition, chart: StatusChart = DEFAULT_CHART,
                         minutes_per_day: int = DEFAULT_OFFICE_HOURS.minutes_per_day) -> tuple[int, list[str]] | None:
    """The working minutes of the steps in which the clock runs, over the heaviest simple path from
    an entry step to a terminal step, and that path; None when the process has too many paths."""
    steps = {step.id: step for step in definition.steps}
    starts = [s for s in (definition.start_step, definition.direct_start_step) if s in steps]
    edges = {sid: [a.to_step for a in step.actions if a.to_step in steps] for sid, step in steps.items()}
    weight = {
        sid: step.deadline.working_minutes(minutes_per_day)
        if step.deadline is not None and step.deadline.is_working_time and chart.counts_time(step.status)
        else 0
        for sid, step in steps.items()
    }
    terminal = {sid for sid, step in steps.items() if chart.is_terminal(step.status)}
    return _longest_timed_path(starts, edges, weight, terminal)


def deadline_fit(definition: ProcessDefinition, procedure_code: str, procedure_name: str,
                 legal_deadline: Duration | None, chart: StatusChart = DEFAULT_CHART,
                 minutes_per_day: int = DEFAULT_OFFICE_HOURS.minutes_per_day) -> DeadlineWarning | None:
    """The warning when the steps of ``definition`` cannot fit the legal deadline of the procedure
    ``procedure_code`` (issue 12, item 2); None when they fit or nothing is timed."""
    if legal_deadline is None or not definition.is_timed:
        return None
    found = longest_counted_path(definition, chart, minutes_per_day)
    if found is None:
        return None
    total, path = found
    legal = _legal_minutes(legal_deadline, minutes_per_day)
    if total <= legal:
        return None
    on_path = [definition.step(sid) for sid in path]
    names = " → ".join(f"{step.name} ({step.deadline.label})" for step in on_path
                       if step.deadline is not None and chart.counts_time(step.status))
    legal_text = legal_deadline.label
    if legal_deadline.unit is not DurationUnit.WORKING_DAYS:
        legal_text += f" ({_minutes_label(legal, minutes_per_day)})"
    return DeadlineWarning(
        message=f"Thủ tục {procedure_code} “{procedure_name}” có thời hạn giải quyết {legal_text}, nhưng tổng "
                f"thời hạn các bước của quy trình {definition.code} là {_minutes_label(total, minutes_per_day)}: "
                f"{names}. Với hồ sơ của thủ tục này, hạn của mỗi bước được rút về ngày hẹn trả kết quả.",
        procedure_code=procedure_code, legal_minutes=legal, steps_minutes=total, step_ids=path,
    )


def _minutes_label(minutes: int, minutes_per_day: int) -> str:
    days, rest = divmod(minutes, minutes_per_day)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} ngày"] if days else []
    if hours:
        parts.append(f"{hours} giờ")
    if mins or not parts:
        parts.append(f"{mins} phút")
    return " ".join(parts) + " làm việc"


_PYDANTIC_MESSAGES = {
    "missing": "Thiếu thông tin bắt buộc",
    "enum": "Giá trị không thuộc danh sách cho phép",
    "string_pattern_mismatch": "Mã chỉ gồm chữ thường không dấu, chữ số, dấu \"-\" hoặc \"_\"",
    "string_too_short": "Không được để trống",
    "greater_than_equal": "Giá trị quá nhỏ",
}


def _locate(data: Mapping[str, Any], loc: tuple[int | str, ...]) -> tuple[str | None, str | None]:
    """The step and action ids (as written in ``data``) an error location points into."""
    step_id = action_id = None
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        raw_steps = data.get("steps")
        if isinstance(raw_steps, list) and loc[1] < len(raw_steps) and isinstance(raw_steps[loc[1]], Mapping):
            raw_step = raw_steps[loc[1]]
            step_id = raw_step.get("id") if isinstance(raw_step.get("id"), str) else None
            if len(loc) >= 4 and loc[2] == "actions" and isinstance(loc[3], int):
                raw_actions = raw_step.get("actions")
                if (isinstance(raw_actions, list) and loc[3] < len(raw_actions)
                        and isinstance(raw_actions[loc[3]], Mapping)):
                    raw_id = raw_actions[loc[3]].get("id")
                    action_id = raw_id if isinstance(raw_id, str) else None
    return step_id, action_id


def check_process_document(
    data: Mapping[str, Any],
    chart: StatusChart = DEFAULT_CHART,
    minutes_per_day: int = DEFAULT_OFFICE_HOURS.minutes_per_day,
) -> tuple[ProcessDefinition | None, list[ProcessError]]:
    """Parse a definition as sent by the admin UI and validate it: malformed fields (an
    unknown role or status, a bad id…) come back as ``INVALID_FIELD`` errors located at
    their step/action like every other problem."""
    try:
        definition = ProcessDefinition.model_validate(data)
    except ValidationError as exc:
        errors = []
        for item in exc.errors():
            loc = tuple(item["loc"])
            path = ".".join(str(part) for part in loc)
            reason = _PYDANTIC_MESSAGES.get(item["type"], "Giá trị không hợp lệ")
            errors.append(_err("INVALID_FIELD", f"{reason}: {path}.", *_locate(data, loc)))
        return None, errors
    return definition, validate_process(definition, chart, minutes_per_day)


def publish(
    definition: ProcessDefinition,
    at: dt.datetime,
    by: str,
    chart: StatusChart = DEFAULT_CHART,
    minutes_per_day: int = DEFAULT_OFFICE_HOURS.minutes_per_day,
) -> ProcessDefinition:
    """The published (immutable) copy of a valid draft; raises ``HosoError`` otherwise."""
    if definition.published:
        raise conflict(
            f"Quy trình {definition.code} phiên bản {definition.version} đã ban hành, không thể sửa đổi.",
            code="PROCESS_ALREADY_PUBLISHED",
        )
    if at.tzinfo is None:
        raise ValueError("publication time must carry its time zone")
    errors = validate_process(definition, chart, minutes_per_day)
    if errors:
        raise HosoError(
            "PROCESS_INVALID",
            "Quy trình chưa hợp lệ, chưa thể ban hành.",
            422,
            extra={"process_errors": [e.model_dump() for e in errors]},
        )
    return definition.model_copy(update={"published_at": at, "published_by": by})


def next_version(definition: ProcessDefinition) -> ProcessDefinition:
    """A draft of the next version: same content, version + 1, not published."""
    return definition.model_copy(
        update={"version": definition.version + 1, "published_at": None, "published_by": None}
    )


DEFAULT_PROCESS_PATH = Path(__file__).with_name("default_process.json")
DEFAULT_PROCESS = ProcessDefinition.model_validate_json(DEFAULT_PROCESS_PATH.read_text(encoding="utf-8"))
