"""Tamper evidence's cost per dossier (issue 15), from the real items hoso writes, billed by
``bench.units``' rules: what the hash chain adds to every transition (the ``prev_hash``/``hash``
fields of the event, META's ``chain_head``, the day index entry — all in the same transaction,
so counted twice), and what the daily anchor costs per dossier changed that day (its day index
entry read by Query, plus the day's fixed S3 writes and the root's timestamp shared by the day's
dossiers). Computed in-process: no stack needed."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bench.prices import PRICES
from bench.units import _read_units, _write_units, item_size
from chalicelib.integrity.anchor import shard_names
from chalicelib.integrity.canonical import GENESIS, link
from chalicelib.integrity.index import day_item

CODE = "000.00.13.H29-261207-0001"
DOSSIERS_A_DAY = 10_000  # dossiers changed on one day across the deployment (the S3 writes are shared)
TRANSITIONS = 12  # audit events of a typical lifecycle (intake → delivered, one supplement round)


def _event() -> dict[str, Any]:
    return {"seq": 7, "at": dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC).isoformat(),
            "actor": {"sub": "vneid-079190000123", "name": "Nguyễn Thị Minh Thư", "role": "appraiser",
                      "unit_code": "000.00.13.H29", "asserted": None},
            "action": "trinh", "label": "Trình lãnh đạo phòng", "from_step": "tham_dinh", "to_step": "duyet",
            "from_status": 4, "to_status": 4, "note": "Hồ sơ đủ điều kiện, đề nghị phê duyệt.", "attachments": [],
            "due_at": None, "step_due_at": None, "department": "Phòng Quản lý chuyên ngành"}


def _event_item(data: dict[str, Any]) -> dict[str, Any]:
    return {"pk": {"S": f"DOSSIER#{CODE}"}, "sk": {"S": "EVENT#000007"},
            "data": {"S": json.dumps(data, ensure_ascii=False)}}


def figures() -> dict[str, float]:
    plain = _event()
    chained = link(f"DOSSIER#{CODE}", plain, GENESIS)
    day = day_item(f"DOSSIER#{CODE}", dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC), 7, chained["hash"])
    day_size = item_size({"pk": {"S": day.pk}, "sk": {"S": day.sk}, "seq": {"N": "7"}, "hash": {"S": day.hash}})
    event_extra = _write_units(item_size(_event_item(chained))) - _write_units(item_size(_event_item(plain)))
    chain_head_bytes = len("chain_head") + 64  # META grows by this; a 1 KB boundary crossed rarely
    write_units = 2 * (event_extra + _write_units(day_size))  # transactional writes count twice
    per_transition = write_units * PRICES["dynamodb_write_request_unit"]
    per_dossier_chain = TRANSITIONS * per_transition
    # anchoring: the day index read by Query, strongly consistent, billed per 4 KB evaluated
    read = _read_units(day_size * DOSSIERS_A_DAY) / DOSSIERS_A_DAY * PRICES["dynamodb_read_request_unit"]
    s3_day = (len(shard_names()) + 1) * PRICES["s3_put_request"]
    per_dossier_anchor = read + s3_day / DOSSIERS_A_DAY
    return {"event_bytes_added": len(json.dumps(chained)) - len(json.dumps(plain)),
            "meta_bytes_added": chain_head_bytes,
            "day_index_item_bytes": day_size, "write_units_per_transition": write_units,
            "chain_usd_per_transition": per_transition, "chain_usd_per_dossier": per_dossier_chain,
            "anchor_usd_per_dossier_day": per_dossier_anchor}


def run(report: Any) -> None:
    f = figures()
    report.details["integrity"] = f
    report.add("Hash chain: write units added per transition", f["write_units_per_transition"], "WRU",
               note=f"+{f['event_bytes_added']} B per event, day index entry {f['day_index_item_bytes']} B; "
                    "same transaction (×2)")
    report.add("Hash chain: cost per dossier", f"${f['chain_usd_per_dossier']:.7f}", "", "",
               note=f"{TRANSITIONS} transitions of a typical lifecycle")
    report.add("Daily anchoring: cost per dossier changed that day", f"${f['anchor_usd_per_dossier_day']:.9f}", "", "",
               note=f"day index Query + {len(shard_names()) + 1} S3 PUTs and one RFC 3161 token a day shared by "
                    f"{DOSSIERS_A_DAY:,} dossiers")
