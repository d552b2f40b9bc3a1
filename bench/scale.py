"""Scale: the cost and latency of one worklist page and one search page with 1,000 vs 50,000
dossiers of one unit in the table (inserted directly with the models, in bulk), through HTTP.

DynamoDB bills a Query on what it evaluates, so the read units of a page are the figure that
must stay flat. moto's latency is reported beside it with its caveat: moto answers a Query on an
index by filtering every item of the table in memory, so its latency grows with the table
where DynamoDB's does not.

A search whose filter (e.g. an applicant's name) matches few dossiers is measured apart, at
1,000 and 3,000 dossiers: the page is filled by reading on until ``limit`` items match."""

from __future__ import annotations

import datetime as dt
import statistics
import time
import uuid
from typing import TYPE_CHECKING, Any

import requests
from moto.dynamodb.models import dynamodb_backends

from bench.clients import Caller, officer, simulator
from bench.units import dynamodb_units
from chalicelib.domain.catalogue import OfficerProfile, RoleAssignment, Unit
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.settings import get_settings
from chalicelib.store import catalogue
from chalicelib.store import dossiers as repo
from local import moto_patches
from local.simulators.accounts import HCMC_UNIT
from local.stack import ACCOUNT_ID, LocalStack

if TYPE_CHECKING:
    from bench.runner import Bench, Report

UNIT = "000.00.97.H29"
RUNS = 3
SELECTIVE_SIZES = (1_000, 3_000)
PAGES = {
    "worklist page (status 4, 20 items)": ("/v1/units/{unit}/worklist", {"status": "4", "limit": "20"}),
    "search page (received in 2026, 20 items)": ("/v1/units/{unit}/search",
                                                 {"tu_ngay": "01/01/2026", "den_ngay": "31/12/2026", "limit": "20"}),
}
SELECTIVE = ("search page, name matching nothing", "/v1/units/{unit}/search", {"chu_ho_so": "Không Ai Có Tên Này",
                                                                                "limit": "20"})


def _appraiser(bench: Bench) -> Caller:
    catalogue.put_unit(Unit(code=UNIT, name="Đơn vị đo tải (benchmark)", province_code="79"))
    sub = str(uuid.uuid5(uuid.NAMESPACE_URL, f"hoso-bench:{UNIT}"))
    account = {"sub": sub, "SoDinhDanh": "079190097001", "HoVaTen": "Chuyên viên Đo Tải",
               "ThuDienTu": "bench@example.vn", "SoDienThoai": "0908097001", "role": "appraiser", "unit_code": UNIT,
               "province_code": "79"}
    requests.post(f"{simulator(bench.stack, 'vneid')}/_sim/accounts", json=account, timeout=10).raise_for_status()
    catalogue.put_officer(OfficerProfile(sub=sub, name=account["HoVaTen"], province_code="79",
                                         assignments=[RoleAssignment(role="appraiser", unit_code=UNIT)]))
    return officer(bench.stack, bench.timings, "appraiser", UNIT, sub)


def _insert(stack: LocalStack, template: Dossier, start: int, count: int) -> None:
    """Items made by the repository's own layout, written straight into moto's in-process store
    (under the lock its server takes for every DynamoDB request): 50,000 BatchWriteItem items over
    HTTP would take minutes."""
    backend = dynamodb_backends[ACCOUNT_ID][stack.region]
    table = get_settings().dossiers_table
    base = dt.datetime(2026, 1, 2, 8, 0, tzinfo=dt.UTC)
    items = []
    for i in range(start, start + count):
        at = base + dt.timedelta(minutes=7 * i)
        d = template.model_copy(update={
            "code": f"{UNIT}-{at:%y%m%d}-{i:05d}", "unit_code": UNIT, "status": 4, "step_id": "tham_dinh",
            "submitted_at": at, "received_at": at, "due_at": at + dt.timedelta(days=5),
            "applicant": template.applicant.model_copy(update={"name": f"Nguyễn Văn Thử {i}"}),
        })
        items.append(repo._to_item(d).serialize())  # noqa: SLF001 — the repository's own item layout
    for chunk in range(0, len(items), 500):
        with moto_patches._dynamodb_lock:  # noqa: SLF001
            for item in items[chunk:chunk + 500]:
                backend.put_item(table, item)


def _measure(bench: Bench, caller: Caller, path: str, params: dict[str, str], runs: int = RUNS) -> dict[str, Any]:
    latencies, units, queries = [], 0.0, 0
    for run in range(runs):
        mark = bench.recorder.snapshot()
        started = time.perf_counter()
        answer = caller.request("GET", path.format(unit=UNIT), **params)
        latencies.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:200]}")
        if run == 0:
            calls = [c for c in bench.recorder.since(mark) if c.origin == "api"]
            dossier_queries = [c for c in calls if c.operation == "Query" and "dossiers" in c.params["TableName"]]
            queries = len(dossier_queries)
            units = dynamodb_units(dossier_queries, {}).read
    return {"rru": units, "queries": queries, "moto_ms_p50": round(statistics.median(latencies), 1)}


def run(report: Report, bench: Bench) -> None:
    caller = _appraiser(bench)
    created = bench.staff["desk"].ok("POST", "/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}, 201)
    template = Dossier.model_validate(created["dossier"])
    results: dict[str, dict[int, dict[str, Any]]] = {}
    inserted = 0
    for size in (1_000, SELECTIVE_SIZES[1], 50_000):
        started = time.perf_counter()
        with bench.recorder.unrecorded():
            _insert(bench.stack, template, inserted, size - inserted)
        report.details.setdefault("scale_insert_seconds", {})[size] = round(time.perf_counter() - started, 1)
        inserted = size
        if size not in SELECTIVE_SIZES[1:]:
            for name, (path, params) in PAGES.items():
                results.setdefault(name, {})[size] = _measure(bench, caller, path, params)
        if size in SELECTIVE_SIZES:
            results.setdefault(SELECTIVE[0], {})[size] = _measure(bench, caller, SELECTIVE[1], SELECTIVE[2], runs=1)
    report.details["scale"] = results
    for name, by_size in results.items():
        sizes = sorted(by_size)
        small, large = by_size[sizes[0]], by_size[sizes[-1]]
        flat = large["rru"] <= small["rru"] * 1.05 and large["queries"] == small["queries"]
        report.add(f"{name}: RRU at {sizes[0]:,} → {sizes[-1]:,} dossiers",
                   f"{small['rru']} → {large['rru']} ({small['queries']} → {large['queries']} Query)", "",
                   "flat", flat)
        report.add(f"{name}: moto latency at {sizes[0]:,} → {sizes[-1]:,}",
                   f"{small['moto_ms_p50']} → {large['moto_ms_p50']}", "ms",
                   note="moto filters the whole table per Query; DynamoDB's latency follows the RRU")
