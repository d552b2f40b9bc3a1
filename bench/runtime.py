"""The chosen Lambda runtime and architecture (infra/package.py): cold start from the built
package, and what arm64 saves on the lifecycles' Lambda duration.

The package in the cloud assembly holds aarch64 binaries for Python 3.13, which cannot run on
this x86_64 Python 3.11; so the import is measured on a twin of it: the app's own files taken
from that zip, its dependencies installed from the same requirements.lock (same releases, same
hashes) as the wheels for this machine, boto3 as the runtime provides it — the interpreter
isolated from the .venv (``-I -S``), with the package first on ``sys.path`` as on Lambda. Lambda
cannot write ``__pycache__`` in ``/var/task`` and the package ships no bytecode, so a cold start
compiles every module it imports; SnapStart (published versions) restores a snapshot taken after
the imports instead."""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import boto3

from bench.prices import PRICES
from infra import package
from local.stack import REPO_ROOT, ensure_template

if TYPE_CHECKING:
    from bench.runner import Report

RUNS = 5
APP_FILES = ("app.py", "chalicelib/", "chalice/")  # what Chalice puts in the zip besides the dependencies
TWIN = REPO_ROOT / "build" / "lambda-twin"

_IMPORT = (
    "import sys, time; sys.path[:0] = {path!r}; t = time.perf_counter(); import {module}; "
    "print(time.perf_counter() - t)"
)


def code_zip() -> Path:
    """The Lambda zip of the dev stage's cloud assembly (synthesised if missing)."""
    template = json.loads(ensure_template("dev").read_text(encoding="utf-8"))
    (key,) = {r["Properties"]["CodeUri"]["Key"] for r in template["Resources"].values()
              if r["Type"] == "AWS::Serverless::Function"}
    return REPO_ROOT / "build" / "cdk.out" / f"asset.{key}"


def twin_path(zipped: Path) -> list[str]:
    """``sys.path`` entries of the twin package: the app from ``zipped``, the locked dependencies
    built for this machine, the runtime's boto3 and s3transfer."""
    app = TWIN / "app"
    shutil.rmtree(app, ignore_errors=True)
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(app, [n for n in archive.namelist() if n.startswith(APP_FILES)])
    host = f"{sys.version_info.major}.{sys.version_info.minor}"
    machine = platform.machine()
    deps = package.install_dependencies(REPO_ROOT / package.LOCK, TWIN / "deps", python_version=host,
                                        platforms=(f"manylinux2014_{machine}", f"manylinux_2_28_{machine}"))
    runtime = TWIN / "runtime"
    shutil.rmtree(runtime, ignore_errors=True)
    runtime.mkdir(parents=True)
    for module in ("boto3", "s3transfer"):
        source = Path(__import__(module).__file__).parent
        (runtime / module).symlink_to(source, target_is_directory=True)
    return [str(app), str(deps), str(runtime)]


def _imports(path: list[str], modules: tuple[str, ...], pycache: str | None) -> dict[str, float]:
    """Median import time over ``RUNS`` fresh isolated interpreters, modules taking turns. Without
    ``pycache`` nothing is compiled ahead (as on Lambda); with it, bytecode is read from there."""
    env = {**os.environ, "POWERTOOLS_TRACE_DISABLED": "1", "AWS_DEFAULT_REGION": "ap-southeast-1"}
    times: dict[str, list[float]] = {m: [] for m in modules}
    with tempfile.TemporaryDirectory() as empty:
        flags = ["-X", f"pycache_prefix={pycache}"] if pycache else ["-B", "-X", f"pycache_prefix={empty}"]
        for _ in range(RUNS):
            for module in modules:
                done = subprocess.run(  # noqa: S603 - our own interpreter
                    [sys.executable, "-I", "-S", *flags, "-c", _IMPORT.format(path=path, module=module)],
                    cwd=TWIN, env=env, capture_output=True, text=True, timeout=120, check=True)
                times[module].append(float(done.stdout.strip().splitlines()[-1]))
    return {m: statistics.median(t) for m, t in times.items()}


def run(report: Report) -> None:
    report.add("Lambda runtime", f"{package.RUNTIME} {package.ARCHITECTURE}", "",
               note="every function; SnapStart on published versions; dependencies from requirements.lock "
               f"as manylinux wheels for {package.MACHINE} (infra/package.py)")
    zipped = code_zip()
    with zipfile.ZipFile(zipped) as archive:
        unzipped = sum(i.file_size for i in archive.infolist())
    report.add("Lambda package unzipped (locked wheels)", round(unzipped / 2**20, 1), "MB", "≤ 250 MB",
               unzipped <= 250 * 2**20, note=f"{zipped.stat().st_size / 2**20:.1f} MB zipped")
    path = twin_path(zipped)
    cold = _imports(path, ("boto3", "app"), None)
    with tempfile.TemporaryDirectory() as warm:
        subprocess.run([sys.executable, "-I", "-S", "-X", f"pycache_prefix={warm}", "-c",  # noqa: S603
                        _IMPORT.format(path=path, module="app")], cwd=TWIN, capture_output=True, check=True,
                       env={**os.environ, "POWERTOOLS_TRACE_DISABLED": "1", "AWS_DEFAULT_REGION": "ap-southeast-1"})
        compiled = _imports(path, ("app",), warm)
    report.add(f"cold start from the package: import boto3 (median of {RUNS})", round(cold["boto3"] * 1000), "ms",
               note="botocore from the package, as on Lambda; no bytecode")
    report.add(f"cold start from the package: import app (median of {RUNS})", round(cold["app"] * 1000), "ms",
               note="no bytecode (/var/task is read-only): every module compiled at init")
    report.add("cold start from the package: import app with bytecode", round(compiled["app"] * 1000), "ms",
               note="what shipping .pyc for the runtime's Python would leave; SnapStart skips the import")
    ratio = cold["app"] / cold["boto3"]
    report.add("cold start from the package: app / boto3", round(ratio, 2), "×",
               note="the twin: same releases built for this machine's Python "
               f"{sys.version_info.major}.{sys.version_info.minor}")
    arm, x86 = PRICES["lambda_gb_second"], PRICES["lambda_gb_second_x86"]
    report.add("Lambda duration price arm64 / x86_64", f"${arm:.10f} / ${x86:.10f}", "per GB-s",
               note=f"arm64 {arm / x86 - 1:+.0%} for the same memory and duration")
    for what, detail in report.details.items():
        if isinstance(detail, dict) and "lambda_gb_seconds" in detail:
            gb_s = detail["lambda_gb_seconds"]
            report.add(f"{what}: Lambda duration arm64 / x86_64", f"${gb_s * arm:.6f} / ${gb_s * x86:.6f}",
                       note=f"{gb_s} GB-s per dossier; arm64 saves ${gb_s * (x86 - arm) * 1e6:,.0f} per million")
    report.details["runtime"] = {"runtime": package.RUNTIME, "architecture": package.ARCHITECTURE,
                                 "unzipped_bytes": unzipped, "import_s": cold, "import_with_bytecode_s": compiled,
                                 "boto3": boto3.__version__}
