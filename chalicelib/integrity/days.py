"""Verify one anchored day (docs/integrity.md, "Kiểm tra một ngày"): the day's stored anchor — its 32
shard objects, their roots, the day's root and its RFC 3161 token — and, above all, the leaves re-derived
from the chains as they are stored now: for every chain head the day anchored (``DOSSIER#<code>`` or
``SUBJECT#<key>``, event ``seq``), the event is read by key, its hash recomputed from its canonical
content, and the day's Merkle root rebuilt from those hashes must equal the anchored root. While the day
index is still kept (chalicelib.integrity.index, 35 days) the chains it lists must be the anchored ones.

Used by ``GET /v1/admin/integrity/days/{day}`` (+ ``/report``, a PDF for an inspector) and the operator
command ``python -m chalicelib.integrity.verify --day <day>``. A province's administrator gets the same
verdict (the day's root is one for the country) and the names of their province's dossiers (and of the
subjects whose anchored access was made in their province) only; faults elsewhere are counted, not named.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from chalicelib.aws import client
from chalicelib.integrity import anchor, merkle
from chalicelib.integrity.canonical import event_hash, legacy_hash
from chalicelib.integrity.index import SHARDS
from chalicelib.integrity.model import IntegrityFinding
from chalicelib.privacy.store import entry_sk
from chalicelib.settings import get_settings
from chalicelib.store.dossiers import _event_sk

CODES = {
    "ANCHOR_PROOF_INVALID": "Nhánh {name} của ngày {day} không khớp: lá hoặc gốc nhánh đã bị thay đổi.",
    "ANCHOR_ROOT_MISMATCH": "Gốc Merkle đã lưu của ngày {day} không khớp gốc tính lại từ các nhánh.",
    "ANCHOR_TOKEN_INVALID": "Ngày {day}: {problem}.",
    "LEAF_EVENT_MISSING": "{who}: không còn sự kiện số {seq} mà ngày {day} đã neo (đã bị xóa).",
    "LEAF_EVENT_ALTERED": "{who}: sự kiện số {seq} đang lưu khác sự kiện ngày {day} đã neo (đã bị sửa).",
    "ANCHOR_LEAF_MISSING": "{who}: chỉ mục ngày {day} ghi đầu chuỗi số {seq} nhưng cây Merkle của ngày không có.",
}


class DayChain(BaseModel):
    kind: str = Field(description="dossier (hồ sơ) hoặc subject (chủ thể dữ liệu cá nhân)")
    ref: str = Field(description="Mã hồ sơ, hoặc khóa HMAC của chủ thể (không phải số định danh)")
    seq: int = Field(description="Sự kiện cuối trong ngày (đầu chuỗi đã neo)")
    holds: bool


class DayIntegrityReport(BaseModel):
    day: str = Field(description="Ngày (YYYY-MM-DD, giờ Việt Nam)")
    holds: bool = Field(description="Ngày toàn vẹn: mọi kiểm tra đều đạt")
    summary: str = Field(description="Kết luận bằng một câu")
    root: str = Field(description="Gốc Merkle đã neo (SHA-256)")
    timestamped_at: dt.datetime | None = Field(None, description="Thời điểm trong dấu thời gian RFC 3161")
    leaves: int = Field(description="Số đầu chuỗi (lá) của ngày, cả nước")
    checked: list[str] = Field(description="Những gì đã được kiểm tra")
    findings: list[IntegrityFinding]
    chains: list[DayChain] = Field(description="Hồ sơ và chủ thể trong ngày (trong phạm vi của người kiểm tra)")
    not_shown: int = Field(0, description="Số chuỗi ngoài phạm vi của người kiểm tra (không nêu tên)")
    scope: str = Field(description="Phạm vi: toàn quốc hoặc một tỉnh")
    checked_at: dt.datetime


@dataclass(frozen=True)
class _Fault:
    code: str
    seq: int
    message: str
    chain: str = ""  # "" : the day's, not one chain's


def _batch_get(table: str, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(0, len(keys), 100):
        request: dict[str, Any] = {table: {"Keys": keys[i:i + 100], "ConsistentRead": True}}
        while request:
            answer = client("dynamodb").batch_get_item(RequestItems=request)
            out += answer.get("Responses", {}).get(table, [])
            request = answer.get("UnprocessedKeys") or {}
    return out


def _stored(leaves: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """The stored events the leaves name, by (chain, seq): a dossier's event item, a subject's entry; and
    each dossier's META (``(chain, 0)``: its province)."""
    settings = get_settings()
    dossiers = [x for x in leaves if x["chain"].startswith("DOSSIER#")]
    subjects = [x for x in leaves if x["chain"].startswith("SUBJECT#")]
    keys = [{"pk": {"S": x["chain"]}, "sk": {"S": _event_sk(int(x["seq"]))}} for x in dossiers]
    keys += [{"pk": {"S": c}, "sk": {"S": "META"}} for c in sorted({x["chain"].removeprefix(SEAL) for x in leaves
                                                                    if not x["chain"].startswith("SUBJECT#")})]
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for item in _batch_get(settings.dossiers_table, keys):
        sk = item["sk"]["S"]
        if sk == "META":
            out[(item["pk"]["S"], 0)] = {"province_code": _json(item["data"]).get("province_code", "")}
        else:
            out[(item["pk"]["S"], int(sk.removeprefix("EVENT#")))] = _json(item["data"])
    keys = [{"pk": {"S": x["chain"]}, "sk": {"S": entry_sk(int(x["seq"]))}} for x in subjects]
    for item in _batch_get(settings.access_log_table, keys):
        out[(item["pk"]["S"], int(item["sk"]["S"].removeprefix("E#")))] = json.loads(item["data"]["S"])
    return out


def _json(value: dict[str, Any]) -> dict[str, Any]:
    """A PynamoDB JSONAttribute as stored (a string), or a map."""
    if "S" in value:
        return dict(json.loads(value["S"]))
    raise ValueError("unexpected attribute type")


def _who(chain: str) -> str:
    if chain.startswith(SEAL):
        return f"Niêm phong các sự kiện trước khi có chuỗi của hồ sơ {chain.removeprefix(SEAL + 'DOSSIER#')}"
    if chain.startswith("DOSSIER#"):
        return f"Hồ sơ {chain.removeprefix('DOSSIER#')}"
    return f"Chủ thể {chain.removeprefix('SUBJECT#')[:12]}…"


def _fault(code: str, seq: int, chain: str = "", **values: Any) -> _Fault:
    return _Fault(code, seq, CODES[code].format(seq=seq, who=_who(chain) if chain else "", **values), chain)


def _check_day(day: str, stored_anchor: dict[str, Any], checked: list[str]) \
        -> tuple[list[dict[str, Any]], list[_Fault], dt.datetime | None]:
    """The anchor as stored: shards, roots, token. Returns the anchored leaves."""
    faults: list[_Fault] = []
    leaves: list[dict[str, Any]] = []
    shard_roots = stored_anchor.get("shards") or {}
    for name in anchor.shard_names():
        shard = anchor._get(anchor._key(day, name)) or {}
        found = list(shard.get("leaves") or [])
        leaves += found
        if merkle.root([merkle.leaf_hash(x) for x in found]) != shard.get("root") or shard_roots.get(name) != \
                shard.get("root"):
            faults.append(_fault("ANCHOR_PROOF_INVALID", 0, name=name, day=day))
    checked.append(f"Tính lại gốc của {2 * SHARDS} nhánh từ {len(leaves)} lá đã lưu và đối chiếu với tệp neo.")
    if merkle.root([str(shard_roots.get(n, "")) for n in anchor.shard_names()]) != stored_anchor.get("root"):
        faults.append(_fault("ANCHOR_ROOT_MISMATCH", 0, day=day))
    checked.append("Tính lại gốc Merkle của ngày từ gốc các nhánh và đối chiếu với gốc đã neo.")
    at, problem = anchor._token_time(str(stored_anchor.get("token", "")), str(stored_anchor.get("root", "")))
    if problem is not None:
        faults.append(_fault("ANCHOR_TOKEN_INVALID", 0, day=day, problem=problem))
    else:
        checked.append(f"Dấu thời gian RFC 3161 trên gốc Merkle hợp lệ, do đơn vị tin cậy cấp lúc {at}.")
    return leaves, faults, at


SEAL = "SEAL#"  # chain id prefix of a seal's leaf: SEAL#DOSSIER#<code> (chalicelib.integrity.seal)


def _legacy_hash(chain: str, through: int) -> str:
    """A sealed leaf (the dossier's events 1..``through`` written before chaining, chalicelib.integrity.seal):
    the legacy hash of those events as stored now (one Query)."""
    request: dict[str, Any] = {
        "TableName": get_settings().dossiers_table, "ConsistentRead": True,
        "KeyConditionExpression": "pk = :pk AND sk BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":pk": {"S": chain}, ":a": {"S": _event_sk(1)}, ":b": {"S": _event_sk(through)}}}
    events: list[dict[str, Any]] = []
    while True:
        page = client("dynamodb").query(**request)
        events += [_json(i["data"]) for i in page.get("Items", [])]
        if "LastEvaluatedKey" not in page:
            return legacy_hash(chain, events)
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _rederive(day: str, leaves: list[dict[str, Any]], stored_root: str, checked: list[str]) \
        -> tuple[list[_Fault], dict[tuple[str, int], dict[str, Any]]]:
    """Every leaf's event read as stored now and hashed again; the day's root rebuilt from those hashes."""
    stored = _stored(leaves)
    faults: list[_Fault] = []
    rebuilt: dict[str, list[dict[str, Any]]] = {}
    for leaf in leaves:
        chain, seq = str(leaf["chain"]), int(leaf["seq"])
        sealed = chain.startswith(SEAL)  # a seal's leaf: the hash of the legacy events 1..seq as stored now
        event = {"hash": leaf["hash"]} if sealed else stored.get((chain, seq))
        now = (_legacy_hash(chain.removeprefix(SEAL), seq) if sealed else event_hash(chain, event)) \
            if event is not None else ""
        if event is None:
            faults.append(_fault("LEAF_EVENT_MISSING", seq, chain, day=day))
        elif now != leaf["hash"] or event.get("hash") != leaf["hash"]:
            faults.append(_fault("LEAF_EVENT_ALTERED", seq, chain, day=day))
        kind = "accesslog" if chain.startswith("SUBJECT#") else "dossiers"
        rebuilt.setdefault(f"{kind}-{anchor.shard_of(chain):02d}", []).append({"chain": chain, "seq": seq, "hash": now})
    root = merkle.root([merkle.root([merkle.leaf_hash(x) for x in rebuilt.get(n, [])]) for n in anchor.shard_names()])
    checked.append(f"Đọc lại {len(leaves)} sự kiện đầu chuỗi đang lưu, tính lại mã băm từ nội dung và dựng lại cây "
                   f"Merkle: gốc tính lại {'trùng' if root == stored_root else 'KHÁC'} gốc đã neo.")
    return faults, stored


def _index(day: str, leaves: list[dict[str, Any]], checked: list[str]) -> list[_Fault]:
    """The day index, while it is kept: every chain it lists is a leaf with the same head."""
    anchored = {(x["chain"], int(x["seq"])) for x in leaves}
    indexed = [h for kind in anchor.KINDS for shard in range(SHARDS) for h in anchor._day_heads(kind, day, shard)]
    if not indexed:
        checked.append("Chỉ mục ngày không còn (hết hạn sau 35 ngày): các lá được lấy từ tệp neo.")
        return []
    checked.append(f"Đối chiếu chỉ mục ngày còn lưu ({len(indexed)} đầu chuỗi) với các lá đã neo.")
    return [_fault("ANCHOR_LEAF_MISSING", int(h["seq"]), h["chain"], day=day) for h in indexed
            if (h["chain"], int(h["seq"])) not in anchored]


def _chain(leaf: dict[str, Any], stored: dict[tuple[str, int], dict[str, Any]], bad: set[str]) \
        -> tuple[DayChain, str]:
    """The leaf as the report names it, and the province it belongs to (a dossier's; a subject's anchored
    access's)."""
    chain, seq = str(leaf["chain"]), int(leaf["seq"])
    if chain.startswith(SEAL):  # the seal of a dossier's events written before chaining
        chain = chain.removeprefix(SEAL)
        province = str(stored.get((chain, 0), {}).get("province_code", ""))
        return DayChain(kind="dossier", ref=chain.removeprefix("DOSSIER#"), seq=seq,
                        holds=leaf["chain"] not in bad), province
    if chain.startswith("DOSSIER#"):
        province = str(stored.get((chain, 0), {}).get("province_code", ""))
        return DayChain(kind="dossier", ref=chain.removeprefix("DOSSIER#"), seq=seq, holds=chain not in bad), province
    province = str(stored.get((chain, seq), {}).get("province_code", ""))
    return DayChain(kind="subject", ref=chain.removeprefix("SUBJECT#"), seq=seq, holds=chain not in bad), province


def verify_day(day: str, province: str | None = None) -> DayIntegrityReport | None:
    """Day ``day`` verified (None: not anchored); ``province``: the administrator's province (None: all)."""
    stored_anchor = anchor._get(anchor._key(day, "anchor"))
    if stored_anchor is None:
        return None
    checked: list[str] = []
    try:
        leaves, faults, at = _check_day(day, stored_anchor, checked)
        more, stored = _rederive(day, leaves, str(stored_anchor.get("root", "")), checked)
    except (KeyError, TypeError, ValueError, AttributeError):
        leaves, at, stored = [], None, {}
        faults = [_fault("ANCHOR_PROOF_INVALID", 0, name="(tệp neo)", day=day)]
        more = []
    faults += more + _index(day, leaves, checked)
    bad = {f.chain for f in faults if f.chain}
    chains = [_chain(x, stored, bad) for x in sorted(leaves, key=lambda x: x["chain"])]
    shown = [c for c, province_code in chains if province is None or province_code == province]
    names = {f"DOSSIER#{c.ref}" if c.kind == "dossier" else f"SUBJECT#{c.ref}" for c in shown}
    visible = faults if province is None else [f for f in faults if not f.chain or f.chain in names]
    findings = [IntegrityFinding(code=f.code, seq=f.seq, message=f.message) for f in visible]
    hidden = len(faults) - len(visible)
    if hidden:
        findings.append(IntegrityFinding(code="OUTSIDE_SCOPE", seq=0,
                                         message=f"{hidden} sai lệch ở hồ sơ hoặc chủ thể ngoài phạm vi của bạn."))
    holds = not faults
    summary = (f"Ngày {day}: toàn vẹn — {len(leaves)} đầu chuỗi đã neo đều khớp dữ liệu đang lưu, dấu thời gian hợp lệ."
               if holds else f"Ngày {day}: KHÔNG toàn vẹn — phát hiện {len(faults)} điểm bất thường.")
    return DayIntegrityReport(
        day=day, holds=holds, summary=summary, root=str(stored_anchor.get("root", "")), timestamped_at=at,
        leaves=len(leaves), checked=checked, findings=findings, chains=shown,
        not_shown=len(chains) - len(shown), scope="Toàn quốc" if province is None else f"Tỉnh {province}",
        checked_at=dt.datetime.now(dt.UTC))
