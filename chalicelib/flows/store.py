"""The flows' own items in the dossiers table (the only table the state machines and the
agency-tasks function write):

  FLOWTASK#<sha256(token)> / TASK   a task token handed out by Step Functions: what it is for,
                                    and whether it was answered (``status``: pending → claimed →
                                    answered | closed). Callbacks find it by the token's hash, so
                                    a token that is not ours (forged) is simply not there, and a
                                    used one (replayed) is no longer pending. TTL ``expires_at``.
  FLOW#<parent code> / STATE        the parent dossier's flow: execution, and each step's state
                                    (open task, child dossier, escalation). Versioned.
  FLOWCHILD#<child code> / LINK     a child dossier answering a hoso-internal step: its parent,
                                    step and current task.

None of them carries gsi keys, so none appears in any worklist; the outbox relay ignores them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.flows.model import FlowState, FlowTask, TaskStatus
from chalicelib.store.models import DossiersTable

TASK_TTL_S = 400 * 24 * 3600  # long after any flow is over
CLAIM_EXPIRY_S = 120  # a claim older than this was left by a crashed worker: it may be taken again
MAX_STATE_ATTEMPTS = 20


class FlowTaskItem(DossiersTable):
    data = JSONAttribute()
    status = UnicodeAttribute()
    claimed_at = NumberAttribute(null=True)
    outcome = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    answered_at = UnicodeAttribute(null=True)
    announced = BooleanAttribute(null=True)  # its hand-over was recorded on the parent
    expires_at = NumberAttribute(null=True)


class FlowStateItem(DossiersTable):
    data = JSONAttribute()
    version = VersionAttribute()


class FlowChildItem(DossiersTable):
    parent = UnicodeAttribute()
    step = UnicodeAttribute()
    task = UnicodeAttribute()


MODELS = (FlowTaskItem, FlowStateItem, FlowChildItem)


def reset_connections() -> None:
    """Forget cached connections (the local stack and tests change endpoints)."""
    for model in MODELS:
        model._connection = None


def _task_pk(token_hash: str) -> str:
    return f"FLOWTASK#{token_hash}"


@dataclass(frozen=True)
class TaskRecord:
    task: FlowTask
    status: TaskStatus
    outcome: str | None
    reason: str | None
    announced: bool = False
    claimed_at: float | None = None

    def being_answered(self, now: float) -> bool:
        """Claimed by an answer still within its time; an older claim was left by a crashed
        request and is taken over by the next answer (``claim``'s condition)."""
        return self.status == "claimed" and self.claimed_at is not None and now - self.claimed_at < CLAIM_EXPIRY_S


def put_task(task: FlowTask) -> bool:
    """Record a new task; False if it is already recorded (a redelivered message)."""
    item = FlowTaskItem(
        pk=_task_pk(task.token_hash), sk="TASK", data=task.model_dump(mode="json"), status="pending",
        expires_at=int(task.created_at.timestamp()) + TASK_TTL_S,
    )
    try:
        item.save(condition=FlowTaskItem.pk.does_not_exist())
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def get_task(token_hash: str) -> TaskRecord | None:
    try:
        item = FlowTaskItem.get(_task_pk(token_hash), "TASK", consistent_read=True)
    except DoesNotExist:
        return None
    return TaskRecord(FlowTask.model_validate(item.data), item.status, item.outcome, item.reason,  # type: ignore[arg-type]
                      bool(item.announced), item.claimed_at)


def set_child(token_hash: str, child: str) -> None:
    item = FlowTaskItem.get(_task_pk(token_hash), "TASK", consistent_read=True)
    task = FlowTask.model_validate(item.data).model_copy(update={"child": child})
    item.update(actions=[FlowTaskItem.data.set(task.model_dump(mode="json"))])


def announced(token_hash: str) -> None:
    """The task's hand-over is recorded on the parent (a redelivery does not record it again)."""
    FlowTaskItem(pk=_task_pk(token_hash), sk="TASK").update(actions=[FlowTaskItem.announced.set(True)])


def claim(token_hash: str) -> bool:
    """Take the task for answering; False if it is answered, closed or being answered."""
    now = time.time()
    item = FlowTaskItem(pk=_task_pk(token_hash), sk="TASK")
    condition = (FlowTaskItem.status == "pending") | (
        (FlowTaskItem.status == "claimed") & (FlowTaskItem.claimed_at < now - CLAIM_EXPIRY_S)
    )
    try:
        item.update(actions=[FlowTaskItem.status.set("claimed"), FlowTaskItem.claimed_at.set(now)],
                    condition=FlowTaskItem.pk.exists() & condition)  # fmt: skip
    except UpdateError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def close(token_hash: str, outcome: str) -> bool:
    """A pending task Step Functions no longer waits for (its step timed out or failed): any
    later answer is refused. False if it was not pending."""
    try:
        FlowTaskItem(pk=_task_pk(token_hash), sk="TASK").update(
            actions=[FlowTaskItem.status.set("closed"), FlowTaskItem.outcome.set(outcome),
                     FlowTaskItem.answered_at.set(dt.datetime.now(dt.UTC).isoformat())],
            condition=FlowTaskItem.status == "pending",
        )  # fmt: skip
    except UpdateError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def release(token_hash: str) -> None:
    """Give a claimed task back (answering failed for a reason worth retrying)."""
    FlowTaskItem(pk=_task_pk(token_hash), sk="TASK").update(
        actions=[FlowTaskItem.status.set("pending"), FlowTaskItem.claimed_at.remove()],
        condition=FlowTaskItem.status == "claimed",
    )


def finish(token_hash: str, status: TaskStatus, outcome: str, reason: str | None = None) -> None:
    """A claimed task was answered (``answered``) or turned out to be over already (``closed``)."""
    actions: list[Action] = [FlowTaskItem.status.set(status), FlowTaskItem.outcome.set(outcome),
               FlowTaskItem.answered_at.set(dt.datetime.now(dt.UTC).isoformat())]  # fmt: skip
    if reason:
        actions.append(FlowTaskItem.reason.set(reason[:2000]))
    FlowTaskItem(pk=_task_pk(token_hash), sk="TASK").update(actions=actions)


# --- the parent's flow state ------------------------------------------------------------------


def get_state(parent: str) -> FlowState | None:
    try:
        item = FlowStateItem.get(f"FLOW#{parent}", "STATE", consistent_read=True)
    except DoesNotExist:
        return None
    return FlowState.model_validate(item.data)


def create_state(state: FlowState) -> bool:
    """Record a new flow; False if the parent already has one."""
    item = FlowStateItem(pk=f"FLOW#{state.parent}", sk="STATE", data=state.model_dump(mode="json"))
    try:
        item.save(condition=FlowStateItem.pk.does_not_exist())
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


class StateMissing(Exception):
    """The parent dossier has no flow."""


def update_state(parent: str, change: Callable[[FlowState], FlowState]) -> FlowState:
    """Apply ``change`` to the stored state; concurrent updates (parallel steps) are retried."""
    for _ in range(MAX_STATE_ATTEMPTS):
        try:
            item = FlowStateItem.get(f"FLOW#{parent}", "STATE", consistent_read=True)
        except DoesNotExist:
            raise StateMissing(parent) from None
        after = change(FlowState.model_validate(item.data))
        item.data = after.model_dump(mode="json")
        try:
            item.save()  # conditional on the version read
        except PutError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                continue
            raise
        return after
    raise RuntimeError(f"flow state of {parent} stayed contended")


# --- child dossiers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildLink:
    child: str
    parent: str
    step: str
    task: str


def link_child(link: ChildLink) -> None:
    FlowChildItem(pk=f"FLOWCHILD#{link.child}", sk="LINK", parent=link.parent, step=link.step, task=link.task).save()


def get_link(child: str) -> ChildLink | None:
    try:
        item = FlowChildItem.get(f"FLOWCHILD#{child}", "LINK", consistent_read=True)
    except DoesNotExist:
        return None
    return ChildLink(child=child, parent=item.parent, step=item.step, task=item.task)
