"""Make a dossier overdue by hand, consistently: a dossier received today cannot be due two days
ago — DVCQG, the coordination system and the provinces refuse a record whose ``NgayHenTra`` is
before its ``NgayTiepNhan`` (422). So the submission and the receipt move back with the deadlines."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import requests

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import Actor
from chalicelib.services import dossiers as dossier_service

RECEIVED_BEFORE_DUE = dt.timedelta(days=10)
LABEL = "Lùi ngày tiếp nhận và hạn xử lý (kiểm thử)"


def overdue(code: str, unit_code: str, *, days: int = 2) -> dt.datetime:
    """Record (through the dossier services, audited like any change) that ``code`` was submitted
    and received ten days before its deadlines, which passed ``days`` days ago; the deadline."""
    past = dt.datetime.now(VN_TZ).replace(microsecond=0) - dt.timedelta(days=days)
    received = past - RECEIVED_BEFORE_DUE
    dossier_service.record(code, actor=Actor(sub="e2e", name="Kiểm thử e2e", role="desk", unit_code=unit_code),
                           action="e2e_backdate", label=LABEL,
                           change=lambda d: {"submitted_at": received, "received_at": received, "due_at": past,
                                             "step_started_at": received, "step_due_at": past})  # fmt: skip
    return past


def accepted_by_dvcqg(dvcqg_url: str, code: str, timeout_s: float = 120) -> dict[str, Any]:
    """The DVCQG simulator's dossier record once it accepted the backdated one (it refuses, 422, a
    record whose appointment is before its receipt: then this times out)."""
    deadline = time.monotonic() + timeout_s
    entry: dict[str, Any] = {}
    while time.monotonic() < deadline:
        answer = requests.get(f"{dvcqg_url}/_sim/records/{code}", timeout=10)
        if answer.status_code == 200:
            entry = answer.json()
            if any(p["NoiDungXuLy"].startswith(LABEL) for p in entry["progress"]):
                return dict(entry["dossier"])
        time.sleep(0.5)
    raise AssertionError(f"DVCQG did not accept the backdated record of {code} in {timeout_s} s: {entry}")
