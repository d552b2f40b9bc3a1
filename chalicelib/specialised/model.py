"""When a specialised software is down, processing goes on (SPEC §6, issue 17 item 7): the rules
(pure; the records live in ``chalicelib.specialised.store``, the use cases in
``chalicelib.specialised.outage``).

A dossier handed to its software goes through these hand-over states:

- ``waiting`` — pushed, the software has not reported on it yet;
- ``queued`` — the push failed :data:`HANDOVER_ATTEMPTS` times (5xx, no answer): kept for the
  software's return instead of being retried into the dead-letter queue;
- ``silent`` — pushed, but the software reported nothing within its ``silent_after_minutes``;
- ``answered`` — the software reported on it (status or results), or officers acted on it in hoso:
  it no longer waits for the software's first word;
- ``continued`` — an officer continued it in hoso during an incident (with a reason);
- ``reconciled`` — the software, back, was told where the dossier stands in hoso.

A failed or silent hand-over opens the software's **incident** (one open per software; later
dossiers are added to it). It resolves by itself: a failed-hand-over incident at the next
successful push (the watch probes with the oldest queued dossier), any incident at the next
report from the software. Then queued and silent dossiers are pushed again and continued ones
reconciled — never undoing what officers did in hoso.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

HANDOVER_ATTEMPTS = 3  # failed pushes of one dossier before it is queued and an incident opened
DEFAULT_SILENT_AFTER_MINUTES = 240  # no report this long after a push: the software is silent
MAX_REASON = 2000

HandoverState = Literal["waiting", "queued", "silent", "answered", "continued", "reconciled"]
IncidentKind = Literal["handover_failed", "silent"]
AFFECTED_STATES: frozenset[str] = frozenset({"queued", "silent"})  # held in hoso until continued or caught up
WATCHED_STATES: tuple[HandoverState, ...] = ("waiting", "queued", "silent", "continued")

KIND_TEXT: dict[str, str] = {
    "handover_failed": "không nhận được hồ sơ chuyển sang",
    "silent": "không phản hồi về hồ sơ đã nhận",
}


class IncidentDossier(BaseModel):
    code: str
    unit_code: str
    continued: bool = Field(False, description="Cán bộ đã tiếp tục xử lý hồ sơ trên hoso")


class Incident(BaseModel):
    """A specialised software's outage as hoso saw it."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "pmcn-buc-xa-20261207T091500", "system": "pmcn-buc-xa", "kind": "handover_failed",
        "state": "open", "since": "2026-12-07T09:15:00+00:00", "resolved_at": None,
        "last_error": "HTTP 503", "message": "Phần mềm chuyên ngành pmcn-buc-xa đang gặp sự cố (không nhận được hồ "
        "sơ chuyển sang) từ 16:15 07/12/2026. Hồ sơ bị ảnh hưởng có thể tiếp tục xử lý trên hoso.",
        "dossiers": [{"code": "000.00.13.H29-261207-0001", "unit_code": "000.00.13.H29", "continued": False}]}]})

    id: str = Field(description="Mã sự cố")
    system: str = Field(description="Mã phần mềm chuyên ngành (mã hệ thống tích hợp)")
    kind: IncidentKind = Field(description="handover_failed: không chuyển được hồ sơ; silent: không phản hồi")
    state: Literal["open", "resolved"]
    since: dt.datetime = Field(description="Bắt đầu từ")
    resolved_at: dt.datetime | None = None
    last_error: str = ""
    message: str = Field(description="Thông báo cho cán bộ (tiếng Việt)")
    dossiers: list[IncidentDossier] = Field(description="Hồ sơ bị ảnh hưởng")


def affected_key(unit_code: str, code: str) -> str:
    """How an affected dossier is kept in the incident's set (its unit first: officers see their unit's)."""
    return f"{unit_code}|{code}"


def parse_affected(keys: set[str] | frozenset[str] | None,
                   continued: set[str] | frozenset[str] | None = None) -> list[IncidentDossier]:  # fmt: skip
    out = []
    for key in sorted(keys or ()):
        unit_code, _, code = key.partition("|")
        out.append(IncidentDossier(code=code, unit_code=unit_code, continued=key in (continued or ())))
    return out


def should_queue(attempts: int, incident_open: bool) -> bool:
    """After this failed push (``attempts`` counted), keep the dossier for the software's return?
    While its software already has an open incident, at the first failure (no retries into the DLQ)."""
    return incident_open or attempts >= HANDOVER_ATTEMPTS


def silent_cutoff(now: dt.datetime, silent_after_minutes: int) -> dt.datetime:
    """Dossiers pushed before this and still unanswered make the software silent."""
    return now - dt.timedelta(minutes=max(1, silent_after_minutes))


def resolves(kind: str, by: Literal["push", "report"]) -> bool:
    """Does this sign of life resolve an incident of ``kind``? A report always does; a successful
    push only a failed-hand-over incident (a silent software takes pushes and still says nothing)."""
    return by == "report" or kind == "handover_failed"


def may_continue(state: str | None, incident_open: bool) -> bool:
    """An officer may continue the dossier in hoso while it is held by an open incident."""
    return incident_open and state in AFFECTED_STATES


def held(state: str | None) -> bool:
    """hoso holds the dossier's processing actions: it waits for its software or an officer's decision."""
    return state in AFFECTED_STATES


def _local(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%H:%M %d/%m/%Y")


def message(system_name: str, kind: str, since: dt.datetime) -> str:
    return (f"Phần mềm chuyên ngành {system_name} đang gặp sự cố ({KIND_TEXT.get(kind, kind)}) từ {_local(since)}. "
            "Hồ sơ bị ảnh hưởng có thể tiếp tục xử lý trên hoso.")


def hold_message(system_name: str) -> str:
    return (f"Hồ sơ đang chờ phần mềm chuyên ngành {system_name}, phần mềm này đang gặp sự cố. Chọn “Tiếp tục xử lý "
            "trên hoso” (nêu lý do) để xử lý hồ sơ ngay trên hoso.")


def continue_refusal(state: str | None, incident_open: bool) -> tuple[str, str]:
    """(error code, Vietnamese message) when continuing is not possible."""
    if state == "continued":
        return "SPECIALISED_ALREADY_CONTINUED", "Hồ sơ đã được chuyển sang xử lý trên hoso."
    if state is None:
        return "SPECIALISED_NOT_HANDED_OVER", "Hồ sơ không chờ phần mềm chuyên ngành nào."
    if not incident_open or state not in AFFECTED_STATES:
        return ("SPECIALISED_NO_INCIDENT", "Phần mềm chuyên ngành đang hoạt động bình thường với hồ sơ này: hồ sơ "
                "được xử lý trên phần mềm chuyên ngành.")
    return "SPECIALISED_CANNOT_CONTINUE", "Không thể tiếp tục xử lý hồ sơ trên hoso."
