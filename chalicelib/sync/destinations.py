"""The one registry of what a committed dossier change is fanned out to.

The outbox relay publishes each change once, to the ``dossier-events`` SNS topic, with the
message attributes of :func:`attributes`; every consumer below has its own SQS queue (and its
dead-letter queue) subscribed to the topic with its ``filter`` (an SNS filter policy on those
attributes; ``None``: every event). infra (``infra/fanout.py``: the queues, subscriptions and
their filter policies), the relay, ``chalicelib.sync.queues`` (an operator's resync), the
operators' screens and the health check all read this list.

A filter only spares a consumer events it would do nothing with; the consumer still checks
for itself (``chalicelib.sync.deliver.target_of`` skips a dossier without a province).

- ``dvcqg`` and ``coordinator`` sync every dossier (the smoke test's excepted, which the relay
  never publishes: ``chalicelib.sync.scope``);
- ``province`` syncs a dossier to the province of its unit: a ministry-level dossier (no
  ``province_code``) has nothing to send, so its events are filtered out;
- ``changes`` (the ``dossier_changes`` function, ``chalicelib.flows.changes``) moves liên thông
  flows on and also starts flows, returns inbound liên thông results, hands outside agencies'
  consultations to the coordinator and pushes dossiers to their specialised software — most of
  that decided by the catalogue and the integration secret, not by the event, so it takes every
  event (docs/adr/0008-one-fan-out.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

TOPIC: Final = "dossier-events"  # hoso-<stage>-dossier-events (infra/fanout.py)

# Message attributes of every event (all String "yes"/"no": a filter policy matches exact strings)
PROVINCE: Final = "province"  # the dossier has a province (its unit is not ministry-level)
YES: Final = "yes"
NO: Final = "no"


@dataclass(frozen=True)
class Destination:
    name: str  # the sync destination's name (ledger, cursors, metrics' dimension) or the consumer's
    title: str  # what operators see
    queue: str  # infra's queue name: hoso-<stage>-<queue>, with its dead-letter queue <queue>-dlq
    setting: str  # the chalicelib.settings field holding the queue's URL
    sync: bool  # a sync destination (chalicelib.sync.deliver); False: another consumer of the events
    filter: Mapping[str, list[str]] | None = None  # SNS filter policy on the event's attributes


DESTINATIONS: Final = (
    Destination("dvcqg", "Cổng Dịch vụ công quốc gia", "sync-dvcqg", "sync_dvcqg_queue_url", sync=True),
    Destination("coordinator", "Hệ thống điều phối", "sync-coordinator", "sync_coordinator_queue_url", sync=True),
    Destination("province", "Hệ thống thông tin giải quyết TTHC cấp tỉnh", "sync-province",
                "sync_province_queue_url", sync=True, filter={PROVINCE: [YES]}),  # fmt: skip
    Destination("changes", "Liên thông, xin ý kiến, phần mềm chuyên ngành", "dossier-changes",
                "dossier_changes_queue_url", sync=False),  # fmt: skip
)
BY_NAME: Final = {d.name: d for d in DESTINATIONS}
SYNC: Final = tuple(d.name for d in DESTINATIONS if d.sync)  # ("dvcqg", "coordinator", "province")
SYNC_TITLES: Final = {name: BY_NAME[name].title for name in SYNC}  # what operators see
SYNC_QUEUES: Final = tuple(d.queue for d in DESTINATIONS if d.sync)
QUEUES: Final = tuple(d.queue for d in DESTINATIONS)


def outbox_data(code: str, seq: int, province_code: str) -> dict[str, Any]:
    """What the dossier's transaction writes in its ``OUTBOX#`` item: the signal and what the
    event's attributes are decided from."""
    return {"code": code, "seq": seq, PROVINCE: bool(province_code)}


def attributes(data: Mapping[str, Any]) -> dict[str, str]:
    """The event's message attributes, from its outbox data. An item written before the
    attributes existed has no ``province``: published as "yes" (the consumer decides)."""
    return {PROVINCE: YES if data.get(PROVINCE, True) else NO}

