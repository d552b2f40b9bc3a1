"""Checks the handler path of every function in a Lambda package: the module Lambda would import
exists in the package, imports in a fresh interpreter and has the handler; and the event
functions' entry modules stay lean — importing all of them loads neither ``app`` nor a route
module (``chalicelib.api``), which are the API's.

One interpreter imports the event functions' modules in turn, then the API's (``app``): cheap,
and a route module pulled in by any event module is seen, even through a lazy or local import
that runs at import time. The package's dependencies are this interpreter's (the zip holds
aarch64 builds for Python 3.13); its own files (app.py, chalicelib/) come first on ``sys.path``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path

from infra.wiring import API_APP_HANDLER

ROUTES = "chalicelib.api"
APP_MODULE = "app"
APP_FILES = ("app.py", "chalicelib/")

_PROBE = r"""
import importlib, json, sys
handlers = json.loads(sys.argv[1])
problems = []
def load(handler):
    module, _, attribute = handler.rpartition(".")
    try:
        found = getattr(importlib.import_module(module), attribute, None)
    except Exception as exc:
        problems.append(f"{handler}: import {module} failed: {type(exc).__name__}: {exc}")
        return
    if not callable(found):
        problems.append(f"{handler}: {module} has no callable {attribute!r}")
for handler in handlers["events"]:
    load(handler)
heavy = sorted(m for m in sys.modules if m == "app" or m == "chalicelib.api" or m.startswith("chalicelib.api."))
if heavy:
    problems.append("the event functions' entry modules import the API's modules: " + ", ".join(heavy[:5]))
for handler in handlers["api"]:
    load(handler)
print(json.dumps(problems))
"""


def handlers(template: Mapping[str, object]) -> list[str]:
    """The ``Handler`` of every ``AWS::Serverless::Function`` in a template."""
    resources = template["Resources"]
    assert isinstance(resources, Mapping)
    return sorted({str(r["Properties"]["Handler"]) for r in resources.values()
                   if r["Type"] == "AWS::Serverless::Function"})


def module_file(handler: str) -> str:
    """The file in the package that holds ``handler``'s module (``a.b.f`` → ``a/b.py``)."""
    return handler.rpartition(".")[0].replace(".", "/") + ".py"


def extract_app(code_zip: Path, into: Path) -> Path:
    """The package's own files (app.py, chalicelib/) unpacked into ``into``."""
    with zipfile.ZipFile(code_zip) as archive:
        archive.extractall(into, [n for n in archive.namelist() if n.startswith(APP_FILES)])
    return into


def problems(app_dir: Path, handler_paths: list[str]) -> list[str]:
    """Why some handler path of ``handler_paths`` would fail on Lambda, or would pull the API's
    modules into an event function (empty: none)."""
    missing = [f"{h}: {module_file(h)} is not in the package" for h in handler_paths
               if not (app_dir / module_file(h)).is_file()]
    if missing:
        return missing
    split = {"events": [h for h in handler_paths if h != API_APP_HANDLER],
             "api": [h for h in handler_paths if h == API_APP_HANDLER]}
    env = {**os.environ, "POWERTOOLS_TRACE_DISABLED": "1", "AWS_DEFAULT_REGION": "ap-southeast-1",
           "PYTHONPATH": str(app_dir)}
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-B", "-c", _PROBE, json.dumps(split)], cwd=app_dir, env=env,
        capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        return [f"the import probe failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}"]
    found: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return found
