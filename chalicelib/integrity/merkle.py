"""A binary Merkle tree (RFC 6962 hashing: leaves ``SHA-256(0x00 ‖ data)``, nodes
``SHA-256(0x01 ‖ left ‖ right)``, an odd last node carried up unchanged). Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from chalicelib.integrity.canonical import canonical

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


def leaf_hash(leaf: dict[str, Any]) -> str:
    return hashlib.sha256(b"\x00" + canonical(leaf)).hexdigest()


def _node(left: str, right: str) -> str:
    return hashlib.sha256(b"\x01" + bytes.fromhex(left) + bytes.fromhex(right)).hexdigest()


def root(hashes: Sequence[str]) -> str:
    """The root over ``hashes`` (leaf hashes, or the roots of subtrees), in order."""
    if not hashes:
        return EMPTY_ROOT
    level = list(hashes)
    while len(level) > 1:
        level = [_node(level[i], level[i + 1]) if i + 1 < len(level) else level[i] for i in range(0, len(level), 2)]
    return level[0]
