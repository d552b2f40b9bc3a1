"""Loads ``state_machines/*.asl.json`` and checks their placeholder contract.

Each file becomes a STANDARD state machine ``hoso-<stage>-<stem>``. A file may use only the
``${...}`` placeholders the stack substitutes (``SUBSTITUTIONS``); anything else fails the
synth here rather than leaving a literal ``${Name}`` in a deployed definition.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The placeholders the stack provides (DefinitionSubstitutions); the ASL author's contract.
SUBSTITUTIONS = ("AgencyTasksQueueUrl", "DossiersTableName", "StepTimeoutSeconds", "HeartbeatSeconds",
                 "MigrationChunksQueueUrl")

SUFFIX = ".asl.json"
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_STEM = re.compile(r"^[a-z][a-z0-9_]*$")


class StateMachineError(ValueError):
    """A definition file breaks the contract (unknown placeholder, bad name, not ASL)."""


@dataclass(frozen=True)
class StateMachineFile:
    stem: str
    path: Path
    text: str
    placeholders: frozenset[str]

    @property
    def arn_env_var(self) -> str:
        return arn_env_var(self.stem)


def arn_env_var(stem: str) -> str:
    """``birth_flow`` → ``HOSO_BIRTH_FLOW_ARN`` (the name chalicelib/settings.py reads)."""
    return f"HOSO_{stem.upper()}_ARN"


def placeholders(text: str) -> frozenset[str]:
    return frozenset(_PLACEHOLDER.findall(text))


def load(folder: Path, provided: Iterable[str] = SUBSTITUTIONS) -> list[StateMachineFile]:
    """Every ``*.asl.json`` in ``folder`` (sorted; none if the folder does not exist)."""
    known = set(provided)
    out = []
    for path in sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []:
        stem = path.name[: -len(SUFFIX)]
        if not _STEM.match(stem):
            raise StateMachineError(f"{path}: name the file in snake_case ([a-z][a-z0-9_]*{SUFFIX})")
        text = path.read_text(encoding="utf-8")
        used = placeholders(text)
        unknown = sorted(used - known)
        if unknown:
            raise StateMachineError(
                f"{path}: placeholders {', '.join('${' + u + '}' for u in unknown)} are not provided by the "
                f"stack (it provides {', '.join(sorted(known))})"
            )
        _check_asl(path, text)
        out.append(StateMachineFile(stem=stem, path=path, text=text, placeholders=used))
    return out


_INTEGRATION = re.compile(r"^arn:aws:states:::([a-z0-9-]+):([A-Za-z]+)(\.[A-Za-z]+)?$")


def _states(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every state of an ASL document, inside Parallel branches and Map iterators too."""
    for state in (doc.get("States") or {}).values():
        if not isinstance(state, dict):
            continue
        yield state
        for branch in state.get("Branches") or []:
            yield from _states(branch)
        for key in ("Iterator", "ItemProcessor"):
            if isinstance(state.get(key), dict):
                yield from _states(state[key])


def service_actions(files: Iterable[StateMachineFile]) -> frozenset[str]:
    """The IAM actions the definitions' optimised service integrations call, e.g.
    ``arn:aws:states:::dynamodb:updateItem`` → ``dynamodb:UpdateItem``: what the state
    machines' role needs, and no more."""
    actions = set()
    for f in files:
        doc = json.loads(_PLACEHOLDER.sub("0", f.text))
        for state in _states(doc):
            match = _INTEGRATION.match(str(state.get("Resource", "")))
            if match:
                service, api = match.group(1), match.group(2)
                actions.add(f"{service}:{api[0].upper()}{api[1:]}")
    return frozenset(actions)


def _check_asl(path: Path, text: str) -> None:
    # Placeholders may stand unquoted for numbers (``"TimeoutSeconds": ${StepTimeoutSeconds}``),
    # so parse with each replaced by a number, which is valid in both positions.
    try:
        doc = json.loads(_PLACEHOLDER.sub("0", text))
    except json.JSONDecodeError as e:
        raise StateMachineError(f"{path}: not valid JSON: {e}") from e
    if not isinstance(doc, dict) or not isinstance(doc.get("States"), dict) or doc.get("StartAt") not in doc["States"]:
        raise StateMachineError(f"{path}: an ASL document needs States and a StartAt naming one of them")
