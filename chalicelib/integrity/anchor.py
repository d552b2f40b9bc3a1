"""Daily anchoring (docs/integrity.md): every chain changed on a day — each dossier's and each
access-log subject's — contributes its head of that day as a leaf; the day's Merkle root gets an
RFC 3161 timestamp from the configured TSA (the eSign gateway's, ``ESIGN_BASE_URL``/tsa); leaves,
roots and token go to the results bucket under ``anchors/<day>/`` (Object Lock: every object put
with its own retention, COMPLIANCE in production — ``HOSO_ANCHOR_LOCK_MODE``; nothing is ever
overwritten: ``IfNoneMatch``).

Layout (one object per shard, then the day's anchor)::

    anchors/<day>/dossiers-<nn>.json   {"leaves": [{"chain", "seq", "hash"}…], "root"}   (shard nn of 16)
    anchors/<day>/accesslog-<nn>.json  (same, the access log's day index)
    anchors/<day>/anchor.json          {"day", "root", "shards": {name: root}, "leaves", "token" (base64 DER)}

The day's root is the Merkle root over the 32 shard roots in name order; a leaf's inclusion is proved
by its shard's leaves (→ its shard root) and the shard roots (→ the day's root), which is what
:func:`check` recomputes.

**Fan-out** (``chalicelib.jobs``, queue ``job-integrity-anchor``): the hourly schedule
(:func:`schedule`) plans one task per (day, shard) for each recent day not anchored yet; the worker
(:func:`page`) reads one bounded page (:data:`PAGE_ITEMS` items, one Query from the task's cursor)
of the shard's day index and stores it as a checkpoint (``ANCHOR#<day>#<shard>`` / ``PAGE#<n>`` in
the counters table, put only if absent: a redelivered page reuses what it stored, the same leaves and
cursor), then sends the continuation. The shard's last page merges its pages into the shard object
and adds the shard to the day's set of finished shards (``ANCHOR#<day>`` / ``SHARDS``, an ``ADD`` to
a string set: idempotent); the page that completes the set seals the day (:func:`seal`: root, token,
anchor object). A seal that failed (the TSA down) is retried by the next hourly schedule, which
seals a day whose 32 shards are all finished instead of planning it again.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from asn1crypto import algos, core, tsp
from botocore.exceptions import ClientError

from chalicelib.aws import client
from chalicelib.domain.calendar import VN_TZ
from chalicelib.integrity import merkle
from chalicelib.integrity.index import SHARDS, partition, shard_of
from chalicelib.jobs.runner import Page, Task, drain, start
from chalicelib.lazy import lazy_import
from chalicelib.observability import logger
from chalicelib.settings import get_settings

# pyHanko and the signing gateway: loaded by the first anchor made or checked, not by the API's cold start
signing = lazy_import("chalicelib.documents.signing")
trust = lazy_import("chalicelib.documents.trust")

KINDS = ("dossiers", "accesslog")
JOB = "integrity_anchor"
PAGE_ITEMS = 500  # day index items per page: one Query, ≤ 500 leaves (≈ 90 KB) per checkpoint item
RETENTION_DAYS = 3650  # each anchor object's own Object Lock retention (the results bucket's, 10 years)
CHECKPOINT_TTL_S = 14 * 86400  # page checkpoints and the finished-shards set: past the 7-day catch-up window


def _key(day: str, name: str) -> str:
    return f"anchors/{day}/{name}.json"


def _get(key: str) -> dict[str, Any] | None:
    try:
        body = client("s3").get_object(Bucket=get_settings().results_bucket, Key=key)["Body"].read()
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None
        raise
    return dict(json.loads(body))


def _put(key: str, value: dict[str, Any]) -> dict[str, Any]:
    """Store ``value`` at ``key`` once, locked; when the key holds something already (a redelivered or
    concurrent step stored it first), that is what counts and what is returned."""
    body = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
    settings = get_settings()
    until = dt.datetime.now(dt.UTC) + dt.timedelta(days=RETENTION_DAYS)
    try:
        client("s3").put_object(Bucket=settings.results_bucket, Key=key, Body=body, ContentType="application/json",
                                ChecksumAlgorithm="SHA256",  # the Object Lock bucket refuses uploads without it
                                ChecksumSHA256=base64.b64encode(hashlib.sha256(body).digest()).decode(),
                                ObjectLockMode=settings.anchor_lock_mode, ObjectLockRetainUntilDate=until,
                                IfNoneMatch="*")
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") not in ("PreconditionFailed", "412"):
            raise
        stored = _get(key)
        if stored is None:
            raise
        return stored
    return value


def _table(kind: str) -> str:
    return get_settings().dossiers_table if kind == "dossiers" else get_settings().access_log_table


def _leaf(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    # dossiers: one item per chain (last writer of the day); access log: one per entry (``<chain>#<seq>``)
    chain = item["sk"]["S"] if kind == "dossiers" else item["sk"]["S"].rsplit("#", 1)[0]
    return {"chain": chain, "seq": int(item["seq"]["N"]), "hash": item["hash"]["S"]}


def heads(leaves: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each chain's last head among ``leaves`` (an access-log subject has an item per entry), by chain."""
    last: dict[str, dict[str, Any]] = {}
    for leaf in leaves:
        if leaf["chain"] not in last or last[leaf["chain"]]["seq"] < leaf["seq"]:
            last[leaf["chain"]] = leaf
    return [last[c] for c in sorted(last)]


def _index_page(kind: str, day: str, shard: int, cursor: dict[str, Any] | None) \
        -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One page (:data:`PAGE_ITEMS`) of the shard's day index partition (a Query by key, never a Scan)."""
    request: dict[str, Any] = {"TableName": _table(kind), "KeyConditionExpression": "pk = :pk",
                               "ConsistentRead": True, "Limit": PAGE_ITEMS,
                               "ExpressionAttributeValues": {":pk": {"S": partition(day, shard)}}}
    if cursor:
        request["ExclusiveStartKey"] = cursor
    page = client("dynamodb").query(**request)
    return [_leaf(kind, i) for i in page.get("Items", [])], page.get("LastEvaluatedKey")


def _day_heads(kind: str, day: str, shard: int) -> list[dict[str, Any]]:
    """Every head of the shard's day index as it is now (per-day verification compares it with the anchor)."""
    leaves: list[dict[str, Any]] = []
    cursor: dict[str, Any] | None = None
    while True:
        found, cursor = _index_page(kind, day, shard, cursor)
        leaves += found
        if cursor is None:
            return heads(leaves)


def shard_names() -> list[str]:
    return [f"{kind}-{shard:02d}" for kind in KINDS for shard in range(SHARDS)]


# --- the fan-out: a task per (day, shard), a page of the day index per message ---------------------
def _counters() -> str:
    return get_settings().counters_table


def _checkpoint(task: Task) -> dict[str, Any]:
    """Page ``task.page`` of the shard: its leaves and where the next page starts, read from the day index
    the first time and stored (put if absent), so a redelivered page reuses them and adds no leaf twice."""
    kind, shard = task.chain.rsplit("-", 1)
    key = {"pk": {"S": f"ANCHOR#{task.run}#{task.chain}"}, "sk": {"S": f"PAGE#{task.page:06d}"}}
    ddb = client("dynamodb")
    stored = ddb.get_item(TableName=_counters(), Key=key, ConsistentRead=True).get("Item")
    if stored is not None:
        return dict(json.loads(stored["data"]["S"]))
    leaves, cursor = _index_page(kind, task.run, int(shard), task.cursor)
    value = {"leaves": leaves, "next": cursor}
    expires = int(dt.datetime.now(dt.UTC).timestamp()) + CHECKPOINT_TTL_S
    try:
        ddb.put_item(TableName=_counters(), ConditionExpression="attribute_not_exists(pk)",
                     Item={**key, "data": {"S": json.dumps(value, ensure_ascii=False)},
                           "expires_at": {"N": str(expires)}})
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        return _checkpoint(task)  # another delivery stored it first: its page is the page
    return value


def _finish_shard(day: str, name: str) -> dict[str, Any]:
    """The shard object from its stored pages (each chain's last head), once."""
    done = _get(_key(day, name))
    if done is not None:
        return done
    leaves: list[dict[str, Any]] = []
    request: dict[str, Any] = {
        "TableName": _counters(), "KeyConditionExpression": "pk = :pk AND begins_with(sk, :p)", "ConsistentRead": True,
        "ExpressionAttributeValues": {":pk": {"S": f"ANCHOR#{day}#{name}"}, ":p": {"S": "PAGE#"}}}
    while True:
        found = client("dynamodb").query(**request)
        for item in found.get("Items", []):
            leaves += json.loads(item["data"]["S"])["leaves"]
        if "LastEvaluatedKey" not in found:
            break
        request["ExclusiveStartKey"] = found["LastEvaluatedKey"]
    shard = heads(leaves)
    return _put(_key(day, name), {"leaves": shard, "root": merkle.root([merkle.leaf_hash(x) for x in shard])})


def _finished(day: str, name: str | None = None) -> int:
    """How many of the day's shards are finished (adding ``name`` first: idempotent, a set)."""
    key = {"pk": {"S": f"ANCHOR#{day}"}, "sk": {"S": "SHARDS"}}
    if name is None:
        item = client("dynamodb").get_item(TableName=_counters(), Key=key, ConsistentRead=True).get("Item", {})
    else:
        expires = int(dt.datetime.now(dt.UTC).timestamp()) + CHECKPOINT_TTL_S
        item = client("dynamodb").update_item(
            TableName=_counters(), Key=key, UpdateExpression="ADD done :name SET expires_at = :ttl",
            ExpressionAttributeValues={":name": {"SS": [name]}, ":ttl": {"N": str(expires)}},
            ReturnValues="ALL_NEW")["Attributes"]
    return len(item.get("done", {}).get("SS", []))


def page(task: Task) -> Page:
    """One message of the ``integrity_anchor`` job: a page of shard ``task.chain`` of day ``task.run``; the
    shard's last page stores the shard, and the page finishing the day's last shard seals the day."""
    stored = _checkpoint(task)
    summary: dict[str, Any] = {"day": task.run, "shard": task.chain, "page": task.page, "items": len(stored["leaves"])}
    if stored["next"] is not None:
        return Page(summary, cursor=stored["next"])
    summary["shard_leaves"] = len(_finish_shard(task.run, task.chain)["leaves"])
    if _finished(task.run, task.chain) == len(shard_names()):
        summary["root"] = seal(task.run)["root"]
    return Page(summary)


def plan(day: str) -> list[Task]:
    return [Task(job=JOB, run=day, chain=name) for name in shard_names()]


def seal(day: str) -> dict[str, Any]:
    """The day's anchor from its 32 stored shards: root, RFC 3161 token, ``anchor.json``; once."""
    done = _get(_key(day, "anchor"))
    if done is not None:
        return done
    shards: dict[str, str] = {}
    leaves = 0
    for name in shard_names():
        stored = _get(_key(day, name))
        if stored is None:
            raise RuntimeError(f"day {day}: shard {name} is not finished, the day cannot be sealed")
        shards[name] = stored["root"]
        leaves += len(stored["leaves"])
    root = merkle.root([shards[n] for n in shard_names()])
    anchor = _put(_key(day, "anchor"), {"day": day, "root": root, "shards": shards, "leaves": leaves,
                                        "token": base64.b64encode(_timestamp(root)).decode()})
    logger.info("day anchored", extra={"day": day, "root": anchor["root"], "leaves": leaves})
    return anchor


def _timestamp(root: str) -> bytes:
    """An RFC 3161 token over SHA-256(root bytes) from the TSA."""
    request = tsp.TimeStampReq({
        "version": "v1", "cert_req": True, "nonce": core.Integer(secrets.randbits(63)),
        "message_imprint": tsp.MessageImprint({"hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                                               "hashed_message": hashlib.sha256(bytes.fromhex(root)).digest()}),
    })
    answer = tsp.TimeStampResp.load(signing.gateway().timestamp(request.dump()))
    if answer["status"]["status"].native not in ("granted", "granted_with_mods"):
        raise RuntimeError(f"the TSA refused the timestamp: {answer['status']['status'].native}")
    return bytes(answer["time_stamp_token"].dump())


def run(day: str) -> dict[str, Any]:
    """Anchor ``day`` (YYYY-MM-DD, Asia/Ho_Chi_Minh) in this process, every page one after the other — the
    same pages and checkpoints as the worker's, so it finishes a day the queue left; idempotent."""
    done = _get(_key(day, "anchor"))
    if done is not None:
        return done
    drain(plan(day), page)
    return seal(day)


CATCH_UP_DAYS = 7  # days looked back at by each schedule: a day not finished is planned again by the next one
SETTLE = dt.timedelta(minutes=10)  # a day is anchored once it has been over this long (late commits)


def yesterday(now: dt.datetime | None = None) -> str:
    return ((now or dt.datetime.now(dt.UTC)).astimezone(VN_TZ).date() - dt.timedelta(days=1)).isoformat()


def pending(now: dt.datetime | None = None) -> list[str]:
    """The recent finished days not anchored yet, oldest first."""
    local = (now or dt.datetime.now(dt.UTC)).astimezone(VN_TZ)
    last = (local - SETTLE).date() - dt.timedelta(days=1)
    days = [(last - dt.timedelta(days=n)).isoformat() for n in reversed(range(CATCH_UP_DAYS))]
    return [day for day in days if _get(_key(day, "anchor")) is None]


def schedule(now: dt.datetime | None = None) -> dict[str, list[str]]:
    """The hourly schedule: a day whose shards are all finished is sealed (a seal that failed is retried
    here); every other pending day is planned, a task per shard — tasks of a day already under way are
    dropped by their pages' claims (chalicelib.jobs), so planning again is harmless."""
    sealed, planned = [], []
    for day in pending(now):
        if _finished(day) == len(shard_names()):
            seal(day)
            sealed.append(day)
        else:
            planned.append(day)
    if planned:
        start([t for day in planned for t in plan(day)])
    return {"sealed": sealed, "planned": planned}


@dataclass(frozen=True)
class AnchorCheck:
    """One anchored day checked for one chain: ``problem`` is None when it holds."""

    day: str
    seq: int
    hash: str
    problem: str | None
    code: str | None
    timestamped_at: dt.datetime | None


def _token_time(token: str, root: str) -> tuple[dt.datetime | None, str | None]:
    """The token's time if it is a valid RFC 3161 token over ``root`` from a trusted TSA, else why not."""
    from pyhanko.sign.validation import generic_cms  # noqa: PLC0415 — pyHanko only when a token is checked
    from pyhanko_certvalidator import context as certvalidator  # noqa: PLC0415

    try:
        signed = tsp.ContentInfo.load(base64.b64decode(token))["content"]
        imprint = hashlib.sha256(bytes.fromhex(root)).digest()
        context = certvalidator.ValidationContext(trust_roots=trust.roots(), allow_fetching=False,
                                                  revocation_mode="soft-fail")
        status = asyncio.run(generic_cms.validate_tst_signed_data(signed, context, lambda _alg: imprint))
    except Exception as err:  # noqa: BLE001 — whatever a forged token makes the parser raise is a finding
        return None, f"dấu thời gian không đọc được ({type(err).__name__})"
    if not (status.get("intact") and status.get("valid")):
        return None, "dấu thời gian không khớp gốc Merkle hoặc chữ ký của đơn vị cấp dấu thời gian không hợp lệ"
    if status.get("trust_problem_indic") is not None:
        return None, "đơn vị cấp dấu thời gian không thuộc danh sách tin cậy"
    return status.get("timestamp"), None


def check(chain: str, day: str, kind: str = "dossiers") -> AnchorCheck | None:
    """Whether ``day``'s anchor holds ``chain``'s head and itself holds (shard root, day root, token);
    None when the day is not anchored yet. Anchor objects that cannot be read are a finding, not an error."""
    try:
        anchor = _get(_key(day, "anchor"))
        if anchor is None:
            return None
        return _check(chain, day, kind, anchor)
    except (KeyError, TypeError, ValueError, AttributeError):
        return AnchorCheck(day, 0, "", f"Tệp neo của ngày {day} không đọc được: đã bị thay đổi.",
                           "ANCHOR_PROOF_INVALID", None)


def _check(chain: str, day: str, kind: str, anchor: dict[str, Any]) -> AnchorCheck:
    name = f"{kind}-{shard_of(chain):02d}"
    shard = _get(_key(day, name)) or {"leaves": [], "root": ""}
    leaf = next((x for x in shard["leaves"] if x.get("chain") == chain), None)
    seq, head = (int(leaf["seq"]), str(leaf["hash"])) if leaf else (0, "")

    def fail(code: str, problem: str) -> AnchorCheck:
        return AnchorCheck(day, seq, head, problem, code, None)

    if leaf is None:
        return fail("ANCHOR_LEAF_MISSING", f"Ngày {day} đã neo nhưng không có đầu chuỗi này trong cây Merkle.")
    if merkle.root([merkle.leaf_hash(x) for x in shard["leaves"]]) != shard["root"] or \
            anchor["shards"].get(name) != shard["root"]:
        return fail("ANCHOR_PROOF_INVALID", f"Bằng chứng của ngày {day} không khớp: nhánh cây Merkle đã bị thay đổi.")
    if merkle.root([anchor["shards"][n] for n in shard_names()]) != anchor["root"]:
        return fail("ANCHOR_ROOT_MISMATCH", f"Gốc Merkle của ngày {day} không khớp các nhánh của nó.")
    at, problem = _token_time(str(anchor["token"]), anchor["root"])
    if problem is not None:
        return fail("ANCHOR_TOKEN_INVALID", f"Ngày {day}: {problem}.")
    return AnchorCheck(day, seq, head, None, None, at)


if __name__ == "__main__":  # operators: anchor a missed day, python -m chalicelib.integrity.anchor YYYY-MM-DD
    import sys

    print(json.dumps(run(sys.argv[1] if len(sys.argv) > 1 else yesterday()), indent=2))
