"""Daily anchoring (docs/integrity.md): every chain changed on a day — each dossier's and each
access-log subject's — contributes its head of that day as a leaf; the day's Merkle root gets an
RFC 3161 timestamp from the configured TSA (the eSign gateway's, ``ESIGN_BASE_URL``/tsa); leaves,
roots and token go to the results bucket under ``anchors/<day>/`` (the bucket's Object Lock keeps
every version; nothing is ever overwritten: ``IfNoneMatch``).

Layout (one object per shard, then the day's anchor)::

    anchors/<day>/dossiers-<nn>.json   {"leaves": [{"chain", "seq", "hash"}…], "root"}   (shard nn of 16)
    anchors/<day>/accesslog-<nn>.json  (same, the access log's day index)
    anchors/<day>/anchor.json          {"day", "root", "shards": {name: root}, "leaves", "token" (base64 DER)}

The day's root is the Merkle root over the 32 shard roots in name order; a leaf's inclusion is proved
by its shard's leaves (→ its shard root) and the shard roots (→ the day's root), which is what
:func:`check` recomputes. The shard objects are the job's checkpoint: a run that stops (timeout)
is started again and goes on with the first shard not yet stored, so a busy day is done in pages
of one shard each and never read twice.
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
from chalicelib.lazy import lazy_import
from chalicelib.observability import logger
from chalicelib.settings import get_settings

# pyHanko and the signing gateway: loaded by the first anchor made or checked, not by the API's cold start
signing = lazy_import("chalicelib.documents.signing")
trust = lazy_import("chalicelib.documents.trust")

KINDS = ("dossiers", "accesslog")


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


def _put(key: str, value: dict[str, Any]) -> None:
    body = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
    client("s3").put_object(Bucket=get_settings().results_bucket, Key=key, Body=body, ContentType="application/json",
                            ChecksumAlgorithm="SHA256",  # the Object Lock bucket refuses uploads without it
                            ChecksumSHA256=base64.b64encode(hashlib.sha256(body).digest()).decode(),
                            IfNoneMatch="*")


def _day_heads(kind: str, day: str, shard: int) -> list[dict[str, Any]]:
    """The shard's chains and their heads of the day: one Query of the day index partition, paged."""
    table = get_settings().dossiers_table if kind == "dossiers" else get_settings().access_log_table
    request: dict[str, Any] = {"TableName": table, "KeyConditionExpression": "pk = :pk", "ConsistentRead": True,
                               "ExpressionAttributeValues": {":pk": {"S": partition(day, shard)}}}
    heads: dict[str, dict[str, Any]] = {}
    while True:
        page = client("dynamodb").query(**request)
        for item in page.get("Items", []):
            seq = int(item["seq"]["N"])
            # dossiers: one item per chain (last writer of the day); access log: one per entry
            chain = item["sk"]["S"] if kind == "dossiers" else item["sk"]["S"].rsplit("#", 1)[0]
            if chain not in heads or heads[chain]["seq"] < seq:
                heads[chain] = {"chain": chain, "seq": seq, "hash": item["hash"]["S"]}
        if "LastEvaluatedKey" not in page:
            return [heads[c] for c in sorted(heads)]
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def shard_names() -> list[str]:
    return [f"{kind}-{shard:02d}" for kind in KINDS for shard in range(SHARDS)]


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
    """Anchor ``day`` (YYYY-MM-DD, Asia/Ho_Chi_Minh): store what is missing, then the anchor; idempotent."""
    done = _get(_key(day, "anchor"))
    if done is not None:
        return done
    shards: dict[str, str] = {}
    leaves = 0
    for name in shard_names():
        stored = _get(_key(day, name))
        if stored is None:
            kind, shard = name.rsplit("-", 1)
            found = _day_heads(kind, day, int(shard))
            stored = {"leaves": found, "root": merkle.root([merkle.leaf_hash(x) for x in found])}
            _put(_key(day, name), stored)
        shards[name] = stored["root"]
        leaves += len(stored["leaves"])
    root = merkle.root([shards[n] for n in shard_names()])
    anchor = {"day": day, "root": root, "shards": shards, "leaves": leaves,
              "token": base64.b64encode(_timestamp(root)).decode()}
    _put(_key(day, "anchor"), anchor)
    logger.info("day anchored", extra={"day": day, "root": root, "leaves": leaves})
    return anchor


CATCH_UP_DAYS = 7  # days looked back at by each run: a day a run could not finish is finished by the next one
SETTLE = dt.timedelta(minutes=10)  # a day is anchored once it has been over this long (late commits)


def yesterday(now: dt.datetime | None = None) -> str:
    return ((now or dt.datetime.now(dt.UTC)).astimezone(VN_TZ).date() - dt.timedelta(days=1)).isoformat()


def run_pending(now: dt.datetime | None = None) -> list[str]:
    """Anchor every recent day not anchored yet, oldest first (the hourly job): a run stopped by its
    timeout leaves its shards stored and the next run goes on from there. Returns the days anchored."""
    local = (now or dt.datetime.now(dt.UTC)).astimezone(VN_TZ)
    last = (local - SETTLE).date() - dt.timedelta(days=1)
    days = [(last - dt.timedelta(days=n)).isoformat() for n in reversed(range(CATCH_UP_DAYS))]
    done = []
    for day in days:
        if _get(_key(day, "anchor")) is None:
            run(day)
            done.append(day)
    return done


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
