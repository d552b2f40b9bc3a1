"""The canonical form that is hashed (docs/integrity.md, "Dạng chuẩn"): a JSON value written with

- object keys sorted by their Unicode code points, no whitespace at all (``,`` and ``:`` only);
- strings as UTF-8, non-ASCII characters written as themselves (never ``\\uXXXX``), the JSON
  escapes only for ``"``, ``\\`` and control characters (what :func:`json.dumps` writes);
- numbers: integers only, written in decimal as they are (a float is refused: its text form is
  not unique, so nothing hashed may carry one); ``true``/``false``/``null`` as JSON writes them.

For the values hoso hashes (strings, integers, booleans, null, lists, objects) this is the RFC 8785
(JCS) serialisation. A link of a chain is::

    hash = SHA-256( canonical({"chain": <chain id>, "event": <event without "hash">}) )   (lower-case hex)

where the event carries ``seq`` and ``prev_hash`` (the previous event's ``hash``, or
:data:`GENESIS` for the first), so changing, removing or reordering any event changes every hash
after it. The chain id (``DOSSIER#<code>``, ``SUBJECT#<key>``) binds the events to their chain: an
event copied from another dossier does not verify.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final

GENESIS: Final = "0" * 64  # prev_hash of the first event of every chain
HASH_FIELD: Final = "hash"


def _check(value: Any) -> None:
    if isinstance(value, float):
        raise ValueError("canonical JSON carries no floating-point numbers")
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError("canonical JSON object keys are strings")
            _check(v)
    elif isinstance(value, list):
        for v in value:
            _check(v)
    elif not (value is None or isinstance(value, (str, int, bool))):
        raise ValueError(f"not a JSON value: {type(value).__name__}")


def canonical(value: Any) -> bytes:
    """The canonical UTF-8 bytes of a JSON value (rules in the module docstring)."""
    _check(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def event_hash(chain: str, event: dict[str, Any]) -> str:
    """The hash of one event of ``chain`` (its own ``hash`` field, if any, left out)."""
    content = {k: v for k, v in event.items() if k != HASH_FIELD}
    return sha256_hex(canonical({"chain": chain, "event": content}))


def legacy_hash(chain: str, legacy: list[dict[str, Any]]) -> str:
    """The genesis of a chain whose first events were written before chaining existed (docs/integrity.md,
    "Sự kiện trước khi có chuỗi"): the ``prev_hash`` of its first chained event, and the hash a seal
    records, over the unchained events in order, exactly as stored."""
    return sha256_hex(canonical({"chain": chain, "legacy": legacy}))


def link(chain: str, event: dict[str, Any], prev_hash: str) -> dict[str, Any]:
    """``event`` with its ``prev_hash`` and ``hash`` set: the next link after ``prev_hash``."""
    linked = {**event, "prev_hash": prev_hash}
    linked.pop(HASH_FIELD, None)
    return {**linked, HASH_FIELD: event_hash(chain, linked)}
