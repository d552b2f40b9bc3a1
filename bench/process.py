"""Process-level figures: cold start (import of the Lambda entry module vs ``import boto3``
alone, fresh interpreters, median of several runs), the deployment package's size, and the peak
memory of a process that imports the app and handles API Gateway events like the API function."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import zipfile
from typing import TYPE_CHECKING

import requests

from bench.clients import DELIVERY, HMAC_KEYS, simulator
from chalicelib.domain.hmac_auth import sign
from local.simulators.accounts import DEMO_ACCOUNTS, HCMC_UNIT
from local.simulators.dvcqg import build_dossier
from local.stack import REPO_ROOT, LocalStack, ensure_template

if TYPE_CHECKING:
    from bench.runner import Report

RUNS = 5
LAMBDA_ZIP_LIMIT_MB = 50
LAMBDA_UNZIPPED_LIMIT_MB = 250

_IMPORT = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"

# A child process that is the API function: imports app.py, then handles API Gateway proxy events
# (the stack's environment points it at moto and the simulators) and prints its peak RSS. The
# events are a plan: "{code}" and "{doc}" in a path are filled from earlier answers (the intake's
# dossier code, the result document's id).
_HANDLER = r"""
import json, resource, sys
import app
plan = json.loads(sys.stdin.read())
class Context:
    function_name = "api_handler"; memory_limit_in_mb = 1024; aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:ap-southeast-1:123456789012:function:api_handler"
    def get_remaining_time_in_millis(self): return 29000
found, statuses = {}, []
for event in plan:
    path = event["path"].format(**found)
    params = {k: v.format(**found) for k, v in (event["pathParameters"] or {}).items()} or None
    event = {**event, "path": path, "pathParameters": params,
             "requestContext": {**event["requestContext"], "path": path}}
    answer = app.app(event, Context())
    statuses.append(answer["statusCode"])
    body = json.loads(answer["body"] or "{}")
    if "MaHoSo" in body: found["code"] = body["MaHoSo"]
    if path.endswith("/results") and "id" in body: found["doc_id"] = body["id"]
print(json.dumps({"statuses": statuses, "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _median_imports(modules: tuple[str, ...], env: dict[str, str]) -> dict[str, float]:
    """Median import time of each module over ``RUNS`` fresh interpreters, the modules taking
    turns (a machine whose load changes during the runs weighs on every module alike)."""
    times: dict[str, list[float]] = {m: [] for m in modules}
    for _ in range(RUNS):
        for module in modules:
            done = subprocess.run([sys.executable, "-c", _IMPORT.format(module=module)], cwd=REPO_ROOT,  # noqa: S603
                                  env=env, capture_output=True, text=True, timeout=120, check=True)
            times[module].append(float(done.stdout.strip().splitlines()[-1]))
    return {m: statistics.median(t) for m, t in times.items()}


def cold_start(report: Report) -> None:
    env = {**os.environ, "POWERTOOLS_TRACE_DISABLED": "1", "AWS_DEFAULT_REGION": "ap-southeast-1"}
    medians = _median_imports(("boto3", "app"), env)
    boto3_s, app_s = medians["boto3"], medians["app"]
    ratio = app_s / boto3_s
    report.add(f"cold start: import boto3 (median of {RUNS}, alternating)", round(boto3_s * 1000), "ms")
    report.add(f"cold start: import app (median of {RUNS}, alternating)", round(app_s * 1000), "ms")
    top = import_breakdown(env)
    report.details["cold_start_top_imports_ms"] = top
    report.add("cold start: app / boto3", round(ratio, 2), "×", "≤ 2", ratio <= 2,
               note="largest imports: " + ", ".join(f"{k} {v:.0f} ms" for k, v in list(top.items())[:4]))


def import_breakdown(env: dict[str, str], top: int = 12) -> dict[str, float]:
    """Where ``import app`` spends its time: the import time of each top-level package's own
    modules (``python -X importtime``, self times summed per package; chalicelib per subpackage),
    largest first, ms."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import app"], cwd=REPO_ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=120, check=True)
    totals: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2 or "cumulative" in line:
            continue
        own, _, name = line[len("import time:"):].split("|")
        parts = name.strip().split(".")
        package = ".".join(parts[:2]) if parts[0] == "chalicelib" else parts[0]  # hoso's own code by subpackage
        totals[package] = totals.get(package, 0.0) + int(own) / 1000
    return {k: round(v, 1) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])[:top]}


def package_size(report: Report) -> None:
    template = json.loads(ensure_template("dev").read_text(encoding="utf-8"))
    keys = {r["Properties"]["CodeUri"]["Key"] for r in template["Resources"].values()
            if r["Type"] == "AWS::Serverless::Function" and isinstance(r["Properties"].get("CodeUri"), dict)}
    for key in sorted(keys):
        path = REPO_ROOT / "build" / "cdk.out" / f"asset.{key}"
        if not path.is_file():
            report.add("deployment package", f"n/a ({path.name} not found)")
            continue
        zipped = path.stat().st_size / 2**20
        by_package: dict[str, int] = {}
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = info.filename.split("/")[0]
                by_package[name] = by_package.get(name, 0) + info.file_size
            stale = _differing_sources(archive)
        unzipped = sum(by_package.values()) / 2**20
        largest = sorted(by_package.items(), key=lambda kv: -kv[1])[:4]
        report.details["package_largest_mb"] = {k: round(v / 2**20, 1) for k, v in largest}
        report.add("deployment package (zip)", round(zipped, 1), "MB", f"≤ {LAMBDA_ZIP_LIMIT_MB} MB (Lambda)",
                   zipped <= LAMBDA_ZIP_LIMIT_MB)
        report.add("deployment package (unzipped)", round(unzipped, 1), "MB",
                   f"≤ {LAMBDA_UNZIPPED_LIMIT_MB} MB (Lambda)", unzipped <= LAMBDA_UNZIPPED_LIMIT_MB,
                   note=f"chalice package → {path.name[:18]}…; largest: "
                   + ", ".join(f"{k} {v / 2**20:.1f} MB" for k, v in largest)
                   + (f"; {len(stale)} source files differ from the working tree (make synth)" if stale else
                      "; its app.py and chalicelib match the working tree"))
        report.details["package_sources_differing"] = stale


def _differing_sources(archive: zipfile.ZipFile) -> list[str]:
    """The Python sources (app.py, chalicelib/) whose packaged copy is not the working tree's."""
    packaged = {n for n in archive.namelist() if n.endswith(".py") and (n == "app.py" or n.startswith("chalicelib/"))}
    local = {str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "chalicelib").rglob("*.py")} | {"app.py"}
    return sorted(n for n in packaged | local
                  if n not in packaged or n not in local or archive.read(n) != (REPO_ROOT / n).read_bytes())


def _event(method: str, resource: str, headers: dict[str, str], body: str | None = None) -> dict[str, object]:
    """An API Gateway proxy event; ``{name}`` segments of ``resource`` become path parameters whose
    values are the placeholders themselves (filled in by the child)."""
    names = [part[1:-1] for part in resource.split("/") if part.startswith("{")]
    return {"resource": resource, "path": resource, "httpMethod": method, "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()}, "queryStringParameters": None,
            "multiValueQueryStringParameters": None,
            "pathParameters": {n: "{" + n + "}" for n in names} or None, "stageVariables": None,
            "requestContext": {"resourcePath": resource, "httpMethod": method, "path": resource, "stage": "api",
                               "identity": {"sourceIp": "127.0.0.1"}, "requestId": "bench"},
            "body": body, "isBase64Encoded": False}


def _lifecycle_plan(stack: LocalStack, body: dict[str, object]) -> list[dict[str, object]]:
    """API Gateway events of a whole lifecycle (the one ``Bench.walk`` drives over HTTP)."""
    tokens: dict[str, str] = {}

    def token(role: str) -> dict[str, str]:
        if role not in tokens:
            sub = next(a["sub"] for a in DEMO_ACCOUNTS if a["role"] == role and a["unit_code"] == HCMC_UNIT)
            tokens[role] = requests.post(f"{simulator(stack, 'vneid')}/_sim/token", json={"sub": sub},
                                         timeout=10).json()["access_token"]
        return {"Authorization": f"Bearer {tokens[role]}", "Content-Type": "application/json"}

    raw = json.dumps(body, ensure_ascii=False)
    ts = int(time.time())
    plan = [_event("POST", "/v1/dvcqg/dossiers", {
        "Content-Type": "application/json", "X-Hoso-Key-Id": "bench-2026", "X-Hoso-Timestamp": str(ts),
        "X-Hoso-Signature": sign(HMAC_KEYS["bench-2026"], raw.encode(), ts)}, raw)]
    appraiser = next(a["sub"] for a in DEMO_ACCOUNTS if a["role"] == "appraiser" and a["unit_code"] == HCMC_UNIT)
    steps: list[tuple[str, str, dict[str, object]]] = [
        ("desk", "tiep_nhan", {}), ("desk", "chuyen_phong", {}), ("head", "phan_cong", {"assignee": appraiser}),
        ("appraiser", "yeu_cau_bo_sung", {"reason": "Bổ sung bản sao giấy chứng sinh có chứng thực"}),
        ("desk", "nhan_bo_sung", {}), ("appraiser", "results", {"content": "Đồng ý."}),
        ("appraiser", "trinh", {}), ("head", "trinh_lanh_dao", {}), ("leader", "sign", {}),
        ("leader", "phe_duyet", {}), ("clerk", "phat_hanh", {}), ("desk", "delivery", DELIVERY),
    ]
    for role, action, fields in steps:
        if action == "results":
            path, sent = "/v1/dossiers/{code}/results", fields
        elif action == "sign":
            path, sent = "/v1/dossiers/{code}/documents/{doc_id}/sign", {}
        elif action == "delivery":
            path, sent = "/v1/dossiers/{code}/delivery", fields
        else:
            path, sent = "/v1/dossiers/{code}/actions", {"action": action, **fields}
        plan.append(_event("POST", path, token(role), json.dumps(sent, ensure_ascii=False)))
    return plan


def handler_memory(report: Report, stack: LocalStack) -> None:
    plan = _lifecycle_plan(stack, build_dossier(overrides={"MaDonViTiepNhan": HCMC_UNIT}))
    done = subprocess.run([sys.executable, "-c", _HANDLER], cwd=REPO_ROOT, env=dict(os.environ),  # noqa: S603
                          input=json.dumps(plan), capture_output=True, text=True, timeout=300, check=True)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    peak = out["max_rss_kb"] / 1024
    memory = stack.provisioned.api_function.memory_mb if stack.provisioned and stack.provisioned.api_function else 0
    failed = [s for s in out["statuses"] if s >= 400]
    report.add(f"peak memory (ru_maxrss) of an API handler process, a lifecycle of {len(plan)} requests",
               round(peak), "MB", f"< {memory} MB configured", peak < memory and not failed,
               note=f"answers {out['statuses']}")
