"""docs/architecture.md names every Lambda function, queue, table, bucket and state machine infra
defines — and no other — so the document cannot fall silently behind the code.

The names come from the single definitions: ``infra.access.FUNCTION_ACCESS`` (functions),
``infra.resources`` (work queues, the stream's failure queue, tables, data buckets), app.py's
schedules and EventBridge rules (each such function's failure queue ``<name>-failures``, built by
``infra.stack``) and ``state_machines/*.asl.json``. The document's tables are read by their
section headings; each table's first column holds the name in backticks.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from infra.access import FUNCTION_ACCESS
from infra.resources import DATA_BUCKETS, EVENT_QUEUES, QUEUES, STREAM_FAILURE_QUEUE, TABLES
from infra.state_machines import SUFFIX

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
ASYNC_DECORATORS = frozenset({"schedule", "on_cw_event"})  # invoked asynchronously: a failure queue each


@functools.cache
def _async_functions() -> frozenset[str]:
    """Functions app.py (or a blueprint of chalicelib) declares with a schedule or an EventBridge rule."""
    names: set[str] = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                for deco in node.decorator_list:
                    call = deco.func if isinstance(deco, ast.Call) else deco
                    if isinstance(call, ast.Attribute) and call.attr in ASYNC_DECORATORS:
                        names.add(node.name)
    return frozenset(names)


def expected() -> dict[str, set[str]]:
    failure_queues = {f"{fn.replace('_', '-')}-failures" for fn in _async_functions()}
    return {
        "Lambda functions": set(FUNCTION_ACCESS),
        "Queues": {*QUEUES, STREAM_FAILURE_QUEUE, *failure_queues},
        "DynamoDB tables": set(TABLES),
        "S3 buckets": {*DATA_BUCKETS, "webapp", "logs"},
        "Step Functions: the liên thông flows": {p.name[: -len(SUFFIX)] for p in (ROOT / "state_machines").glob(
            f"*{SUFFIX}")},
    }


def section(text: str, heading: str) -> str:
    """The body of ``## <heading>`` up to the next ``## `` heading ('' if there is none)."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    return match.group(1) if match else ""


def first_column(body: str) -> set[str]:
    """Backticked names in the first cell of each table row of ``body``."""
    return {m.group(1) for m in re.finditer(r"^\| `([^`]+)` \|", body, re.MULTILINE)}


def differences(text: str) -> list[str]:
    problems = []
    for heading, names in expected().items():
        listed = first_column(section(text, heading))
        problems += [f"{heading}: {n!r} is defined in the code but not in docs/architecture.md"
                     for n in sorted(names - listed)]
        problems += [f"{heading}: {n!r} is in docs/architecture.md but no longer in the code"
                     for n in sorted(listed - names)]
    return problems


def test_the_document_names_every_resource_and_no_other() -> None:
    assert differences(DOC.read_text(encoding="utf-8")) == []


def rows(text: str, heading: str) -> dict[str, str]:
    """Each table row of the section by the backticked name in its first cell."""
    return {m.group(1): m.group(0) for m in re.finditer(r"^\| `([^`]+)` \|.*$", section(text, heading), re.MULTILINE)}


def trigger(row: str) -> str:
    """The second cell of a function's row (its trigger); '' for no row."""
    cells = row.split("|")
    return cells[2] if len(cells) > 2 else ""


def test_each_function_and_queue_row_names_its_wiring() -> None:
    """A function's row names the queue it consumes (or its stream); a queue's row names its consumer."""
    text = DOC.read_text(encoding="utf-8")
    functions, queues = rows(text, "Lambda functions"), rows(text, "Queues")
    wrong = [f"{fn}: `{a.consumes}`" for fn, a in FUNCTION_ACCESS.items()
             if a.consumes and f"`{a.consumes}`" not in functions.get(fn, "")]
    wrong += [f"{a.consumes}: `{fn}`" for fn, a in FUNCTION_ACCESS.items()
              if a.consumes and f"`{fn}`" not in queues.get(a.consumes, "")]
    wrong += [f"{fn}: the `{a.stream_of}` stream" for fn, a in FUNCTION_ACCESS.items()
              if a.stream_of and "stream" not in trigger(functions.get(fn, ""))]
    assert wrong == []


def test_the_stream_section_names_every_queue_the_relay_feeds() -> None:
    """The queues it sends to, the topic it publishes to and every queue subscribed to that topic
    (the registry of chalicelib/sync/destinations.py)."""
    body = section(DOC.read_text(encoding="utf-8"), "The dossiers stream and its consumers")
    relay = FUNCTION_ACCESS["outbox_relay"]
    missing = [q for q in (*relay.send, *relay.publish, *EVENT_QUEUES) if f"`{q}`" not in body]
    assert missing == []
    readers = [fn for fn, a in FUNCTION_ACCESS.items() if a.stream_of == "dossiers"]
    assert readers and all(f"`{fn}`" in body for fn in readers)


def test_the_check_notices_a_name_left_out() -> None:
    text = DOC.read_text(encoding="utf-8")
    for heading, names in expected().items():
        name = sorted(names)[0]
        body = section(text, heading)
        cut = text.replace(body, re.sub(rf"^\| `{re.escape(name)}` \|.*\n", "", body, flags=re.MULTILINE))
        assert f"{heading}: {name!r} is defined in the code but not in docs/architecture.md" in differences(cut)
