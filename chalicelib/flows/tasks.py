"""Answering a task exactly once, and keeping the parent's flow state in step.

``settle`` claims the task (a conditional update: only a pending task can be claimed), does the
work — record on the parent dossier, then answer Step Functions — and marks the task answered.
A replay finds it claimed or answered and does nothing; a token Step Functions no longer waits
for (timed out, execution over) marks it closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from chalicelib.flows import sfn, store
from chalicelib.flows.model import FlowState, StepState, StepStatus

Settled = Literal["answered", "busy", "closed"]


def settle(token_hash: str, outcome: str, work: Callable[[], None], reason: str | None = None) -> Settled:
    """``answered``: done now; ``busy``: answered (or being answered) already; ``closed``: Step
    Functions no longer waits for this token (whatever ``work`` recorded before that stays)."""
    if not store.claim(token_hash):
        return "busy"
    try:
        work()
    except sfn.TaskOver as over:
        store.finish(token_hash, "closed", f"{outcome}: {over.code}", reason)
        return "closed"
    except BaseException:
        store.release(token_hash)
        raise
    store.finish(token_hash, "answered", outcome, reason)
    return "answered"


def mark(parent: str, step: str, status: StepStatus | None, **fields: Any) -> FlowState:
    """Set where ``step`` of ``parent``'s flow stands (``status`` None: keep it; other fields of
    the step are kept unless given). A new open task counts as one more attempt."""

    def change(state: FlowState) -> FlowState:
        now = dt.datetime.now(dt.UTC)
        current = state.steps.get(step)
        base = current.model_dump() if current else {"status": status or "handed_over"}
        task = fields.get("task")
        if status == "handed_over" and task and (current is None or current.task != task):
            fields["attempts"] = (current.attempts if current else 0) + 1
        updated = StepState.model_validate({**base, **fields, "status": status or base["status"], "updated_at": now})
        return state.model_copy(update={"steps": {**state.steps, step: updated}})

    return store.update_state(parent, change)
