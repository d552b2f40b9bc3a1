"""What a liên thông flow is made of, as plain data: the execution's name and input, the task
records and the per-dossier flow state. Pure — no AWS here.

The execution input carries only identifiers and durations (SPEC §7.3, issue 5: no personal
data in Step Functions), in the shape ``state_machines/README.md`` documents.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.domain.calendar import Duration, WorkingCalendar
from chalicelib.domain.statuses import DossierStatus
from chalicelib.flows.chains import ChainStep, Flow

MAX_EXECUTION_NAME = 80
_NAME_UNSAFE = re.compile(r"[^0-9A-Za-z_-]")

# Errors a task is failed with (SendTaskFailure), caught by the ASL.
REFUSED = "Flow.Refused"  # the agency refused the step (or the child dossier was refused/stopped)
SUPPLEMENT_REQUESTED = "Flow.SupplementRequested"  # → wait for the applicant's supplement, then hand over again
SUPPLEMENT_NOT_ALLOWED = "Flow.SupplementNotAllowed"  # the parent's process refuses another supplement round
HANDOVER_FAILED = "Flow.HandoverFailed"  # the step cannot be handed over (configuration, missing catalogue data)
COMPLETE_FAILED = "Flow.CompleteFailed"  # the parent dossier could not be completed
TIMEOUT = "States.Timeout"

ESCALATION_LABELS = {
    TIMEOUT: "Quá hạn xử lý bước liên thông",
    REFUSED: "Cơ quan phối hợp từ chối giải quyết bước liên thông",
    SUPPLEMENT_NOT_ALLOWED: "Cơ quan phối hợp yêu cầu bổ sung nhưng quy trình không cho phép yêu cầu bổ sung thêm",
    HANDOVER_FAILED: "Không chuyển được hồ sơ cho cơ quan phối hợp",
    COMPLETE_FAILED: "Không hoàn thành được hồ sơ liên thông",
}


def escalation_label(error: str | None) -> str:
    return ESCALATION_LABELS.get(error or "", "Lỗi khi xử lý bước liên thông")


class TaskKind(enum.StrEnum):
    HANDOVER = "handover"  # an agency step
    SUPPLEMENT = "supplement"  # waiting for the applicant's supplement
    ESCALATION = "escalation"  # waiting for an operator's decision
    COMPLETE = "complete"  # the parent's completion


class Decision(enum.StrEnum):
    RETRY = "retry"
    SKIP = "skip"
    ABORT = "abort"

    @property
    def label(self) -> str:
        return {"retry": "thử lại (chuyển lại cho cơ quan)", "skip": "bỏ qua bước",
                "abort": "dừng luồng liên thông"}[self.value]


def token_hash(token: str) -> str:
    """Tasks are found by the SHA-256 of their token: a token is a capability, its hash is not."""
    return hashlib.sha256(token.encode()).hexdigest()


def execution_name(dossier_code: str, flow_id: str) -> str:
    """``000.00.13.H26-260115-0001`` + ``birth_flow`` → ``000_00_13_H26-260115-0001_birth_flow``.

    Only ``[0-9A-Za-z_-]`` (what Step Functions accepts for executions that log to CloudWatch);
    the same dossier and flow always give the same name, so starting twice is idempotent."""
    name = f"{_NAME_UNSAFE.sub('_', dossier_code)}_{flow_id}"
    if len(name) > MAX_EXECUTION_NAME:
        raise ValueError(f"execution name longer than {MAX_EXECUTION_NAME} characters: {name}")
    return name


class StepTiming(BaseModel):
    """A waitForTaskToken task's limits: heartbeat strictly shorter than the timeout."""

    model_config = ConfigDict(frozen=True)

    timeout_seconds: int = Field(ge=2)
    heartbeat_seconds: int = Field(ge=1)

    @model_validator(mode="after")
    def _heartbeat_shorter(self) -> StepTiming:
        if self.heartbeat_seconds >= self.timeout_seconds:
            raise ValueError("heartbeat_seconds must be shorter than timeout_seconds")
        return self

    @classmethod
    def of(cls, timeout_seconds: int, silence_seconds: int | None = None) -> StepTiming:
        """A timeout, and a heartbeat of ``silence_seconds`` — or, without one, just under the
        timeout (the step's deadline is then the only limit)."""
        timeout_seconds = max(2, timeout_seconds)
        heartbeat = timeout_seconds - 1 if silence_seconds is None else min(silence_seconds, timeout_seconds - 1)
        return cls(timeout_seconds=timeout_seconds, heartbeat_seconds=max(1, heartbeat))


class Waits(BaseModel):
    model_config = ConfigDict(frozen=True)

    supplement: StepTiming
    decision: StepTiming
    system: StepTiming


SYSTEM_WAIT = StepTiming(timeout_seconds=900, heartbeat_seconds=600)  # the completion task: done within seconds


class FlowTiming(BaseModel):
    """Every limit of one execution, in seconds."""

    model_config = ConfigDict(frozen=True)

    steps: dict[str, StepTiming]
    waits: Waits


def seconds_between(calendar: WorkingCalendar, start: dt.datetime, amount: Duration) -> int:
    """How long ``amount`` (working days, hours, minutes or calendar days) lasts from ``start``."""
    return int((calendar.add(start, amount) - start).total_seconds())


def legal_timing(flow: Flow, calendar: WorkingCalendar, now: dt.datetime,
                 silences: dict[str, Duration | None]) -> FlowTiming:  # fmt: skip
    """Each step's timeout from its legal deadline, counted on the receiving unit's calendar
    from ``now`` (``silences``: each step's agency heartbeat, if it has one)."""

    def of(amount: Duration, silence: Duration | None) -> StepTiming:
        seconds = seconds_between(calendar, now, amount)
        return StepTiming.of(seconds, seconds_between(calendar, now, silence) if silence else None)

    return FlowTiming(
        steps={s.id: of(s.deadline, silences.get(s.id)) for s in flow.steps},
        waits=Waits(supplement=of(flow.supplement_wait, None), decision=of(flow.decision_wait, None),
                    system=SYSTEM_WAIT),
    )


def selected_steps(flow: Flow, form_data: dict[str, Any], chosen: list[str] | None = None) -> list[ChainStep]:
    """The steps this dossier runs: the mandatory ones, and the optional ones the applicant chose
    (``chosen``, or the eForm field named by the flow's ``selection_field``)."""
    if chosen is None and flow.selection_field:
        section, field = flow.selection_field.split(".", 1)
        value = form_data.get(section, {}).get(field) if isinstance(form_data.get(section), dict) else None
        chosen = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
    picked = set(chosen or [])
    return [s for s in flow.steps if not s.optional or s.id in picked]


def execution_input(flow: Flow, dossier_code: str, steps: list[ChainStep], timing: FlowTiming) -> dict[str, Any]:
    """The execution input of ``state_machines/README.md``: identifiers and seconds only."""

    def entry(step: ChainStep) -> dict[str, Any]:
        return {"agency": step.agency, **timing.steps[step.id].model_dump()}

    data: dict[str, Any] = {
        "dossier": dossier_code,
        "flow": flow.id,
        "waits": timing.waits.model_dump(),
    }
    if flow.state_machine == "chain_flow":
        wanted = {s.id for s in steps}
        data["stages"] = [
            {"name": stage.name, "steps": [{"id": s.id, **entry(s)} for s in stage.steps if s.id in wanted]}
            for stage in flow.stages
            if any(s.id in wanted for s in stage.steps)
        ]
    else:
        data["steps"] = {s.id: entry(s) for s in steps}
    return data


class FlowTask(BaseModel):
    """A task token Step Functions handed out, and what it is for."""

    token_hash: str
    token: str
    kind: TaskKind
    parent: str
    flow: str
    step: str
    agency: str | None = None
    execution: str
    created_at: dt.datetime
    child: str | None = None  # hoso-internal steps: the child dossier that answers it
    client: str | None = None  # external steps: the only integration client that may answer (if configured)
    error: str | None = None  # escalations: what went wrong


TaskStatus = Literal["pending", "claimed", "answered", "closed"]

StepStatus = Literal["handed_over", "waiting_supplement", "escalated", "done", "skipped", "stopped"]


class StepState(BaseModel):
    status: StepStatus
    agency: str | None = None
    task: str | None = None  # hash of the step's open task (hand-over, supplement or escalation)
    child: str | None = None
    error: str | None = None
    attempts: int = 0
    updated_at: dt.datetime


class FlowState(BaseModel):
    """One parent dossier's flow: which execution, and where each step stands."""

    parent: str
    flow: str
    state_machine: str
    execution_name: str
    execution_arn: str
    started: bool = False
    created_at: dt.datetime
    finished: bool = False
    steps: dict[str, StepState] = Field(default_factory=dict)


ChildOutcome = Literal["success", "refused", "supplement", "progress"]

CHILD_FINISHED = frozenset({DossierStatus.PROCESSED, DossierStatus.DELIVERED})
CHILD_REFUSED = frozenset({DossierStatus.NOT_RECEIVED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED})


def child_outcome(status: int) -> ChildOutcome:
    """What a child dossier's status means for the step it answers."""
    if status in CHILD_FINISHED:
        return "success"
    if status in CHILD_REFUSED:
        return "refused"
    if status == DossierStatus.SUPPLEMENT_REQUESTED:
        return "supplement"
    return "progress"
