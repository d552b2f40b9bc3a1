"""Loads ``state_machines/*.asl.json`` and checks their placeholder contract.

Each file becomes a STANDARD state machine ``hoso-<stage>-<stem>``. A file may use only the
``${...}`` placeholders the stack substitutes (``SUBSTITUTIONS``); anything else fails the
synth here rather than leaving a literal ``${Name}`` in a deployed definition.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# The placeholders the stack provides (DefinitionSubstitutions); the ASL author's contract.
SUBSTITUTIONS = ("AgencyTasksQueueUrl", "DossiersTableName", "StepTimeoutSeconds", "HeartbeatSeconds")

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


def _check_asl(path: Path, text: str) -> None:
    # Placeholders may stand unquoted for numbers (``"TimeoutSeconds": ${StepTimeoutSeconds}``),
    # so parse with each replaced by a number, which is valid in both positions.
    try:
        doc = json.loads(_PLACEHOLDER.sub("0", text))
    except json.JSONDecodeError as e:
        raise StateMachineError(f"{path}: not valid JSON: {e}") from e
    if not isinstance(doc, dict) or not isinstance(doc.get("States"), dict) or doc.get("StartAt") not in doc["States"]:
        raise StateMachineError(f"{path}: an ASL document needs States and a StartAt naming one of them")
