"""Lambda event filtering (an event source mapping's ``FilterCriteria``) for the local dispatcher.

A record reaches the function when it matches one of the mapping's filter patterns. A pattern
is an object: each key must be in the record; an object value is matched against the record's
object under that key, a list value is the values any of which the record's value may be — a
plain value (equal), ``{"prefix": "..."}`` (a string starting with it) or ``{"exists": bool}``
(the key present or absent). These are the forms the stack uses (infra/access.py
``stream_filters``); any other rule is refused rather than guessed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

_MISSING = object()


def matches(pattern: Mapping[str, Any], record: Mapping[str, Any]) -> bool:
    """Whether ``record`` matches the filter ``pattern``."""
    for key, expected in pattern.items():
        value = record.get(key, _MISSING)
        if isinstance(expected, Mapping):
            if not isinstance(value, Mapping) or not matches(expected, value):
                return False
        elif not any(_rule_matches(rule, value) for rule in expected):
            return False
    return True


def _rule_matches(rule: Any, value: Any) -> bool:
    if isinstance(rule, Mapping):
        if set(rule) == {"exists"}:
            return (value is not _MISSING) is bool(rule["exists"])
        if set(rule) == {"prefix"}:
            return isinstance(value, str) and value.startswith(str(rule["prefix"]))
        raise ValueError(f"filter rule not emulated locally: {json.dumps(rule)}")
    return value is not _MISSING and value == rule


def passes(criteria: Mapping[str, Any] | None, record: Mapping[str, Any]) -> bool:
    """Whether a mapping with ``FilterCriteria`` ``criteria`` (None: no filtering) delivers ``record``."""
    if not criteria:
        return True
    return any(matches(json.loads(f["Pattern"]), record) for f in criteria.get("Filters", []))
