"""Cold start per Lambda function: the import each function's handler path triggers, in a fresh
interpreter, against ``import boto3`` — from the twin of the built package (bench/runtime.py:
the app's files from the zip, the locked releases built for this machine, no bytecode, as an
on-demand cold start on Lambda compiles every module it imports).

Every ``AWS::Serverless::Function`` of the synthesised template is measured by its ``Handler``
(``app.app`` for the API, ``chalicelib.entry.<module>.<function>`` for an event function): its
module is imported, median of ``RUNS`` rounds, the modules and ``import boto3`` taking turns (a
machine whose load changes weighs on every module alike). Targets (issue 16): the API ≤ 2×
``import boto3``, every event function ≤ 1.5×.

Tracing is off in the measured interpreters (``POWERTOOLS_TRACE_DISABLED``, as in the rest of
bench); one more line gives what the X-Ray SDK adds where tracing is on (deployed functions:
``Tracing: Active``, chalicelib/observability.py).

``python -m bench.coldstart`` runs this part of ``make bench`` alone."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bench import runtime  # the twin of the package
from infra.wiring import API_HANDLER, SERVERLESS_FUNCTION, python_name
from local.stack import ensure_template

if TYPE_CHECKING:
    from bench.runner import Report

RUNS = 5
API_TARGET = 2.0
EVENT_TARGET = 1.5
BOTO3 = "boto3"
XRAY = "boto3, aws_xray_sdk.core"  # an import statement's names: boto3, then the SDK

_IMPORT = (
    "import sys, time; sys.path[:0] = {path!r}; t = time.perf_counter(); import {module}; "
    "print(time.perf_counter() - t)"
)


def entry_points(template: dict[str, object]) -> dict[str, str]:
    """Each deployed function's Python name → its handler string, from the template."""
    resources = template["Resources"]
    assert isinstance(resources, dict)
    out = {}
    for resource in resources.values():
        if resource["Type"] == SERVERLESS_FUNCTION:
            handler = str(resource["Properties"]["Handler"])
            out[python_name(handler)] = handler
    return dict(sorted(out.items()))


def entry_module(handler: str) -> str:
    """The module Lambda imports for ``handler`` (``module.attribute``)."""
    return handler.rpartition(".")[0]


def median_imports(path: list[str], modules: list[str], cwd: Path, runs: int) -> dict[str, float]:
    """Median seconds of ``import <module>`` over ``runs`` rounds of fresh isolated interpreters,
    the modules taking turns. As on Lambda, the package's modules have no bytecode (none is left
    beside them, none written: ``-B``) and the standard library's is read (the runtime ships it)."""
    for entry in path:
        for cache in Path(entry).glob("**/__pycache__"):
            if not cache.is_symlink() and not any(p.is_symlink() for p in cache.parents):
                shutil.rmtree(cache)
    env = {**os.environ, "POWERTOOLS_TRACE_DISABLED": "1", "AWS_DEFAULT_REGION": "ap-southeast-1"}
    flags = ["-I", "-S", "-B"]
    times: dict[str, list[float]] = {m: [] for m in modules}
    for _ in range(runs):
        for module in modules:
            done = subprocess.run(  # noqa: S603 - our own interpreter
                [sys.executable, *flags, "-c", _IMPORT.format(path=path, module=module)],
                cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=True)
            times[module].append(float(done.stdout.strip().splitlines()[-1]))
    return {m: statistics.median(t) for m, t in times.items()}


_SOURCE = (
    "import json, os, sys; sys.path[:0] = {path!r}; import {module}; roots = {roots!r}; "
    "print(json.dumps(sum(os.path.getsize(m.__file__) for m in list(sys.modules.values()) "
    "if (getattr(m, '__file__', None) or '').endswith('.py') and m.__file__.startswith(tuple(roots)))))"
)


def source_bytes(path: list[str], modules: list[str], cwd: Path) -> dict[str, int]:
    """Bytes of Python source each import compiles: the modules it loads from the package (the
    app's files and its dependencies, shipped without bytecode), not the runtime's. Unlike the
    timings, this does not move with the machine's load."""
    roots = [str(Path(entry).resolve()) + os.sep for entry in path[:2]]  # twin_path: app, deps, runtime
    env = {**os.environ, "POWERTOOLS_TRACE_DISABLED": "1", "AWS_DEFAULT_REGION": "ap-southeast-1"}
    out = {}
    for module in modules:
        done = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-I", "-S", "-c", _SOURCE.format(path=path, module=module, roots=roots)],
            cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=True)
        out[module] = int(done.stdout.strip().splitlines()[-1])
    return out


def target(function: str) -> float:
    return API_TARGET if function == API_HANDLER else EVENT_TARGET


def run(report: Report) -> None:
    template = json.loads(ensure_template("dev").read_text(encoding="utf-8"))
    entries = entry_points(template)
    path = runtime.twin_path(runtime.code_zip())
    modules = sorted({entry_module(h) for h in entries.values()})
    medians = median_imports(path, [BOTO3, *modules, XRAY], runtime.TWIN, RUNS)
    sources = source_bytes(path, [BOTO3, *modules], runtime.TWIN)
    boto3_s = medians[BOTO3]
    report.add(f"cold start per function: import boto3 (median of {RUNS}, no bytecode)", round(boto3_s * 1000), "ms",
               note="the package's twin (bench/runtime.py), every entry module in turn with it; compiles "
               f"{sources[BOTO3] / 1e6:.1f} MB of the package's source")
    ratios = {}
    for function, handler in entries.items():
        module = entry_module(handler)
        ratio = medians[module] / boto3_s
        compiled = sources[module] / sources[BOTO3]
        ratios[function] = {"handler": handler, "import_s": round(medians[module], 3), "ratio": round(ratio, 2),
                            "source_bytes": sources[module], "source_ratio": round(compiled, 2)}
        report.add(f"cold start: {function} / boto3", round(ratio, 2), "×", f"≤ {target(function):g}",
                   ratio <= target(function), note=f"import {module}: {medians[module] * 1000:.0f} ms; compiles "
                   f"{sources[module] / 1e6:.1f} MB of source, {compiled:.2f}× boto3's")
    xray_s = medians[XRAY] - boto3_s
    report.add("cold start: what the X-Ray SDK adds where tracing is on / boto3", round(xray_s / boto3_s, 2), "×",
               note=f"import aws_xray_sdk.core after boto3: +{xray_s * 1000:.0f} ms, added to each function whose "
               "Powertools tracer is on (deployed functions: Tracing Active)")
    report.details["cold_start_per_function"] = {"boto3_s": round(boto3_s, 3), "boto3_source_bytes": sources[BOTO3],
                                                 "functions": ratios,
                                                 "xray_added_s": round(xray_s, 3)}


def main() -> int:
    from bench.runner import Report, table

    report = Report()
    run(report)
    print(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
