"""Tamper evidence's cost per dossier (issue 15), from the real items hoso writes, billed by
``bench.units``' rules: what the hash chain adds to every transition (the ``prev_hash``/``hash``
fields of the event, META's ``chain_head``, the day index entry — all in the same transaction,
so counted twice), and what the daily anchor costs per dossier changed that day with its fan-out
(chalicelib/integrity/anchor.py): per page of ≤ 500 day-index items one worker invocation (its SQS
receive, delete and continuation, the page's claim and its checkpoint), per shard its merge and its
S3 object, per day the seal. Computed in-process: no stack needed."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bench.prices import PRICES
from bench.units import _read_units, _write_units, item_size
from chalicelib.integrity.anchor import PAGE_ITEMS, shard_names
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
    # anchoring, fanned out: a page = one Query of ≤ PAGE_ITEMS index items (strongly consistent, per 4 KB),
    # its claim (put + done: 2 WRU), its checkpoint (get 1 RRU, put of the page's leaves), 3 SQS requests
    # (receive, delete, continuation) and one 512 MB invocation of ≈ 0.3 s
    leaf_bytes = len(json.dumps({"chain": f"DOSSIER#{CODE}", "seq": 7, "hash": chained["hash"]}))
    pages = -(-DOSSIERS_A_DAY // PAGE_ITEMS) + len(shard_names())  # + each shard's last (empty) page
    page_reads = _read_units(day_size * PAGE_ITEMS) + 1
    page_writes = 2 + _write_units(leaf_bytes * PAGE_ITEMS)
    per_page = (page_reads * PRICES["dynamodb_read_request_unit"] + page_writes * PRICES["dynamodb_write_request_unit"]
                + 3 * PRICES["sqs_request"] + PRICES["lambda_request"] + 0.5 * 0.3 * PRICES["lambda_gb_second"])
    # a shard: its checkpoints read back, its S3 object, the finished-set ADD; the day: 32 GETs, one PUT
    per_shard = PRICES["s3_put_request"] + PRICES["dynamodb_write_request_unit"] + \
        _read_units(leaf_bytes * DOSSIERS_A_DAY // len(shard_names())) * PRICES["dynamodb_read_request_unit"]
    per_day = len(shard_names()) * (per_shard + PRICES["s3_get_request"]) + PRICES["s3_put_request"]
    per_dossier_anchor = (pages * per_page + per_day) / DOSSIERS_A_DAY
    return {"event_bytes_added": len(json.dumps(chained)) - len(json.dumps(plain)),
            "meta_bytes_added": chain_head_bytes,
            "day_index_item_bytes": day_size, "write_units_per_transition": write_units,
            "chain_usd_per_transition": per_transition, "chain_usd_per_dossier": per_dossier_chain,
            "anchor_pages_a_day": pages, "anchor_usd_per_page": per_page,
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
               note=f"fan-out: {f['anchor_pages_a_day']:.0f} pages of ≤ {PAGE_ITEMS} (${f['anchor_usd_per_page']:.7f} "
                    f"each: Query, claim, checkpoint, 3 SQS requests, an invocation), {len(shard_names())} shard "
                    f"objects and one sealed anchor with its RFC 3161 token a day, shared by {DOSSIERS_A_DAY:,} "
                    "dossiers")
