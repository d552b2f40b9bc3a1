"""The benchmark run: one local stack, every figure measured side by side in the same process
(so a noisy machine moves both sides of each comparison together), printed as a table with its
target and written to ``build/bench.json``."""

from __future__ import annotations

import functools
import json
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import requests

from bench import coldstart, integrity, process, runtime, scale, synclag
from bench.awscalls import AwsCallRecorder, Call, stack_classifier
from bench.clients import DELIVERY, HMAC_KEYS, Caller, Dvcqg, Timings, officer, simulator
from bench.prices import AS_OF, PRICES, SOURCE, SOURCES
from bench.replay import Replayer
from bench.units import GsiKeys, Usage, cost, dynamodb_units, s3_requests, sqs_requests
from chalicelib.domain.codes import counter_key, parse_dossier_code
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.flows import store as flow_store
from chalicelib.observability import logger as app_logger
from chalicelib.store import dossiers
from local.eform_samples import KHAI_TU, SAMPLE_FILLED
from local.simulators import DEFAULT_PORTS
from local.simulators.accounts import HCMC_UNIT
from local.simulators.dvcqg import build_dossier
from local.stack import REPO_ROOT, LocalStack

ROLES = ("desk", "head", "appraiser", "leader", "clerk", "operator")
OVERHEAD_RUNS = 12
QUIET_S = 2.0
# CloudWatch Logs besides the app's own lines (estimates, see docs/cost-model.md): Lambda's START,
# END and REPORT lines per invocation, and API Gateway's access-log line per request.
LAMBDA_PLATFORM_LOG_BYTES = 400
API_ACCESS_LOG_BYTES = 500
OVERHEAD_CALM_S = 0.6  # a little more than the dispatcher's idle stream poll (0.5 s)
# Issue 16's cost targets per dossier, and the figures of main when it was filed (docs/cost-model.md)
FULL_TARGET_USD, LIEN_THONG_TARGET_USD = 0.0005, 0.0007
ISSUE_16_BASELINE_USD = {"full lifecycle": 0.000962, "liên thông lifecycle": 0.001028}


@dataclass
class Figure:
    name: str
    value: Any
    unit: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def add(self, *args: Any, **kwargs: Any) -> None:
        self.figures.append(Figure(*args, **kwargs))


class _LogBytes:
    """Bytes the app logs (its JSON lines, as CloudWatch Logs would ingest them)."""

    def __init__(self) -> None:
        import logging

        class Handler(logging.Handler):
            def __init__(self, outer: _LogBytes) -> None:
                super().__init__(logging.DEBUG)
                self.outer = outer

            def emit(self, record: logging.LogRecord) -> None:
                self.outer.total += len(self.format(record).encode()) + 1

        self.total = 0
        self.handler = Handler(self)
        self.handler.setFormatter(app_logger.registered_formatter)

    def __enter__(self) -> _LogBytes:
        app_logger._logger.addHandler(self.handler)  # noqa: SLF001
        return self

    def __exit__(self, *exc: object) -> None:
        app_logger._logger.removeHandler(self.handler)  # noqa: SLF001


class Bench:
    def __init__(self, stack: LocalStack, recorder: AwsCallRecorder) -> None:
        self.stack, self.recorder = stack, recorder
        self.timings = Timings()
        self.staff: dict[str, Caller] = {r: officer(stack, self.timings, r, HCMC_UNIT if r != "operator"
                                                    else "000.00.00.G12") for r in ROLES}
        self.dvcqg = Dvcqg(stack.api_url, self.timings)
        # (function, seconds, memory MB, CPU seconds of the invoking thread: the handler's own work,
        # without moto's or the simulators' — what a smaller memory size, a smaller CPU share, would stretch)
        self.invocations: list[tuple[str, float, int, float]] = []
        self.codes: list[str] = []  # every dossier the run made through the API (their sync lags are measured)
        self._wrap_dispatcher()
        self.gsi = self._gsi_keys()

    # --- instruments -------------------------------------------------------------------------
    def _wrap_dispatcher(self) -> None:
        dispatcher = self.stack.dispatcher
        assert dispatcher is not None
        invoke, resolve = dispatcher.invoke, dispatcher._resolve  # noqa: SLF001
        cpu_by_event: dict[int, float] = {}  # id(event) → CPU seconds of the handler's thread

        def resolved(handler: str) -> Callable[[dict[str, Any], Any], Any]:
            function = resolve(handler)

            def measured(event: dict[str, Any], context: Any) -> Any:
                started = time.thread_time()
                try:
                    return function(event, context)
                finally:
                    cpu_by_event[id(event)] = time.thread_time() - started
            return measured

        def timed(spec: Any, event: dict[str, Any]) -> Any:
            started = time.perf_counter()
            try:
                return invoke(spec, event)
            finally:
                self.invocations.append((spec.function_name, time.perf_counter() - started, spec.memory_mb,
                                         cpu_by_event.pop(id(event), 0.0)))

        dispatcher._resolve = resolved  # type: ignore[method-assign]  # noqa: SLF001
        dispatcher.invoke = timed  # type: ignore[method-assign]

    def _gsi_keys(self) -> GsiKeys:
        dynamodb = boto3.client("dynamodb", endpoint_url=self.stack.moto_url, region_name=self.stack.region)
        out: dict[str, list[tuple[str, str | None, frozenset[str] | None]]] = {}
        with self.recorder.unrecorded():
            for name in dynamodb.list_tables()["TableNames"]:
                table = dynamodb.describe_table(TableName=name)["Table"]
                for index in table.get("GlobalSecondaryIndexes", []):
                    keys = {k["KeyType"]: k["AttributeName"] for k in index["KeySchema"]}
                    projection = index.get("Projection", {})
                    carried = None if projection.get("ProjectionType", "ALL") == "ALL" else frozenset(
                        projection.get("NonKeyAttributes", []))  # KEYS_ONLY: none
                    out.setdefault(name, []).append((keys["HASH"], keys.get("RANGE"), carried))
        return out

    def _queues_empty(self) -> bool:
        sqs = boto3.client("sqs", endpoint_url=self.stack.moto_url, region_name=self.stack.region)
        with self.recorder.unrecorded():
            for url in sqs.list_queues().get("QueueUrls", []):
                left = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
                    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
                if any(int(v) for v in left.values()) and not url.endswith("-dlq") and "failures" not in url:
                    return False
        return True

    def quiet(self, timeout_s: float = 120, calm_s: float = QUIET_S) -> None:
        """Wait until every queue is empty (retries put off included) and no event handler or poll
        made a billable call for ``calm_s`` seconds."""
        deadline = time.monotonic() + timeout_s
        last = (self.recorder.snapshot(), len(self.invocations))
        calm_since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.25)
            busy = [c for c in self.recorder.since(last[0]) if not _idle(c)]
            now = (self.recorder.snapshot(), len(self.invocations))
            if busy or now[1] != last[1]:
                calm_since = time.monotonic()
            last = now
            if time.monotonic() - calm_since >= calm_s and self._queues_empty():
                return

    # --- scenarios ---------------------------------------------------------------------------
    def intake_body(self) -> dict[str, Any]:
        return build_dossier(overrides={"MaDonViTiepNhan": HCMC_UNIT})

    def overhead(self, report: Report) -> None:
        replayer = Replayer(self.stack.moto_url, self.stack.region)
        rows: dict[str, list[tuple[float, float]]] = {"DVCQG intake": [], "desk intake": [], "transition": []}

        def pair(what: str, send: Callable[[], tuple[str, list[str]]]) -> str:
            """One request over HTTP, then its AWS calls replayed directly. Each side runs with no
            handler at work (the request's own sync is done before the replay, which sets off
            nothing): background work would otherwise land on one side only."""
            self.quiet(calm_s=OVERHEAD_CALM_S)
            mark, timing = self.recorder.snapshot(), self.timings.mark()
            code, ids = send()
            http_s = self.timings.since(timing)[0]
            calls = [c for c in self.recorder.since(mark) if c.origin == "api"]
            self.quiet(calm_s=OVERHEAD_CALM_S)
            with self.recorder.unrecorded():
                rows[what].append((http_s, replayer.replay(calls, ids)))
            return code

        def counter(code: str) -> str:
            return counter_key(HCMC_UNIT, parse_dossier_code(code).received_on)

        def dvcqg_intake() -> tuple[str, list[str]]:
            body = self.intake_body()
            answer = self.dvcqg.post_dossier(body)
            if answer.status_code != 201:
                raise RuntimeError(answer.text)
            code = str(answer.json()["MaHoSo"])
            self.codes.append(code)
            return code, [code, body["MaHoSoDVCQG"], counter(code)]

        def desk_intake() -> tuple[str, list[str]]:
            created = self.staff["desk"].ok("POST", "/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT},
                                            201)
            code = str(created["dossier"]["code"])
            self.codes.append(code)
            return code, [code, counter(code)]

        def receive(code: str) -> tuple[str, list[str]]:
            self.staff["desk"].act(code, "tiep_nhan")
            return code, [code]

        for _ in range(OVERHEAD_RUNS):
            code = pair("DVCQG intake", dvcqg_intake)
            pair("transition", functools.partial(receive, code))
            pair("desk intake", desk_intake)
        self.quiet()
        for what, pairs in rows.items():
            http = statistics.median(p[0] for p in pairs) * 1000
            direct = statistics.median(p[1] for p in pairs) * 1000
            ratio = http / direct
            report.add(f"{what}: HTTP p50", round(http, 1), "ms")
            report.add(f"{what}: same AWS calls direct p50", round(direct, 1), "ms")
            report.add(f"{what}: overhead ratio", round(ratio, 2), "×", "≤ 2", ratio <= 2)
            report.details[f"overhead_{what}_ms"] = [[round(a * 1000, 1), round(b * 1000, 1)] for a, b in pairs]

    def walk(self, code: str, *, online: bool, with_result: bool = True, supplement: bool = True,
             deliver: bool = True) -> None:
        """The officers' part of a lifecycle. Each step is left to settle (relayed, synced to every
        destination) before the next, as when officers act minutes or days apart: steps taken
        back to back would share sync deliveries and understate the cost per step."""
        s = self.staff

        def step(role: str, method: str, path: str, body: Any, status: int = 200) -> Any:
            answer = s[role].ok(method, path, body, status)
            self.quiet(calm_s=OVERHEAD_CALM_S)
            return answer

        def act(role: str, action: str, **fields: Any) -> None:
            step(role, "POST", f"/v1/dossiers/{code}/actions", {"action": action, **fields})

        if online:
            act("desk", "tiep_nhan")
        act("desk", "chuyen_phong")
        act("head", "phan_cong", assignee=s["appraiser"].sub)
        if supplement:
            act("appraiser", "yeu_cau_bo_sung", reason="Bổ sung bản sao giấy chứng sinh có chứng thực")
            act("desk", "nhan_bo_sung")
        doc = step("appraiser", "POST", f"/v1/dossiers/{code}/results", {"content": "Đồng ý."}, 201) \
            if with_result else None
        act("appraiser", "trinh")
        act("head", "trinh_lanh_dao")
        if doc:
            step("leader", "POST", f"/v1/dossiers/{code}/documents/{doc['id']}/sign", {})
        act("leader", "phe_duyet")
        act("clerk", "phat_hanh")
        if deliver:
            step("desk", "POST", f"/v1/dossiers/{code}/delivery", DELIVERY)

    def measure(self, run: Callable[[], str]) -> tuple[str, Usage, dict[str, Any]]:
        """Everything billable ``run`` caused (its requests, the handlers and executions they set off)."""
        self.quiet()
        mark, timing, invoked = self.recorder.snapshot(), self.timings.mark(), len(self.invocations)
        with _LogBytes() as logged:
            code = run()
            self.quiet()
        calls = self.recorder.since(mark)
        api_s = self.timings.since(timing)
        handlers = self.invocations[invoked:]
        api_memory = self.stack.provisioned.api_function.memory_mb if self.stack.provisioned else 1024
        billable = [c for c in calls if c.origin != "other" or c.service in ("dynamodb", "sqs", "s3")]
        put, get, stored = s3_requests(billable)
        sqs, idle = sqs_requests(billable)
        usage = Usage(
            dynamodb=dynamodb_units(billable, self.gsi), api_requests=len(api_s),
            lambda_invocations=len(api_s) + len(handlers),
            lambda_gb_seconds=sum(api_s) * api_memory / 1024 + sum(s * m / 1024 for _, s, m, _ in handlers),
            sqs_requests=sqs, sqs_idle_polls=idle, s3_put_requests=put, s3_get_requests=get, s3_bytes_stored=stored,
            step_functions_transitions=self.transitions(code),
            kms_requests=sum(1 for c in billable if c.service == "kms"),
            secrets_requests=sum(1 for c in billable if c.service == "secretsmanager"),
            log_bytes=logged.total + LAMBDA_PLATFORM_LOG_BYTES * (len(api_s) + len(handlers))
            + API_ACCESS_LOG_BYTES * len(api_s),
            operations=Counter(f"{c.service}:{c.operation}" for c in billable),
        )
        gb_s: Counter[str] = Counter({"api_handler": round(sum(api_s) * api_memory / 1024, 3)})
        wall: Counter[str] = Counter()
        cpu: Counter[str] = Counter()
        for function, seconds, memory, cpu_s in handlers:
            gb_s[function] += seconds * memory / 1024
            wall[function] += seconds
            cpu[function] += cpu_s
        extra = {"handlers": Counter(f for f, _, _, _ in handlers), "api_seconds": round(sum(api_s), 3),
                 "lambda_gb_s_by_function": {k: round(v, 3) for k, v in gb_s.most_common()},
                 # the handler's own CPU time per invocation (ms) and its share of the duration: a function
                 # that mostly waits gains nothing from more memory (more CPU), docs/cost-model.md §7
                 "handler_cpu": {f: {"invocations": n, "cpu_ms_per_invocation": round(cpu[f] / n * 1000, 1),
                                     "wall_ms_per_invocation": round(wall[f] / n * 1000, 1),
                                     "cpu_share": round(cpu[f] / wall[f], 2) if wall[f] else 0.0}
                                 for f, n in Counter(f for f, _, _, _ in handlers).items()},
                 "app_log_bytes": logged.total,
                 "scans_on_requests": sum(1 for c in calls if c.operation == "Scan" and c.origin == "api")}
        return code, usage, extra

    def transitions(self, code: str) -> int:
        sfn = boto3.client("stepfunctions", endpoint_url=self.stack.moto_url, region_name=self.stack.region)
        total = 0
        with self.recorder.unrecorded():
            for machine in sfn.list_state_machines()["stateMachines"]:
                for execution in sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]:
                    described = sfn.describe_execution(executionArn=execution["executionArn"])
                    if json.loads(described.get("input") or "{}").get("dossier") != code:
                        continue
                    events = sfn.get_execution_history(executionArn=execution["executionArn"],
                                                       maxResults=1000)["events"]
                    total += sum(1 for e in events if e["type"].endswith("StateEntered"))
        return total

    def lifecycle(self, report: Report) -> None:
        def run() -> str:
            answer = self.dvcqg.post_dossier(self.intake_body())
            code = str(answer.json()["MaHoSo"])
            self.codes.append(code)
            self.quiet(calm_s=OVERHEAD_CALM_S)
            self.walk(code, online=True)
            return code

        code, usage, extra = self.measure(run)
        self._cost(report, "full lifecycle", usage, extra, target=FULL_TARGET_USD)
        sync = self.staff["operator"].request("GET", f"/v1/ops/dossiers/{code}/sync").json()
        report.details["lifecycle_sync"] = {d["destination"]: {"acked_seq": d["acked_seq"], "pending": d["pending"]}
                                            for d in sync.get("destinations", [])}

    def sync_lag(self, report: Report) -> None:
        """Commit → received by each destination's simulator, over every step of every dossier
        the run made (intakes and transitions of the overhead runs, the lifecycles)."""
        self.quiet()
        urls = {name: simulator(self.stack, name) for name in synclag.DESTINATIONS}
        with self.recorder.unrecorded():
            lags = synclag.measure(urls, self.codes, lambda code: [e.at for e in dossiers.events(code)])
        report.details["sync_lag_ms"] = {}
        for name, found in lags.items():
            if not found.ms:
                report.add(f"sync lag commit → received by {name}", "n/a (nothing received)")
                continue
            s = synclag.summary(found.ms)
            report.details["sync_lag_ms"][name] = {**s, "incomplete_dossiers": found.incomplete}
            note = f"{s['n']} steps of {len(self.codes)} dossiers; local poll: stream 0.5 s idle, SQS long poll" + (
                f"; {len(found.incomplete)} dossiers not fully received" if found.incomplete else "")
            report.add(f"sync lag commit → received by {name} p50 / p95 / max",
                       f"{s['p50']:.0f} / {s['p95']:.0f} / {s['max']:.0f}", "ms", note=note)

    def lien_thong(self, report: Report) -> None:
        """The death chain (1.000656 on QT-LIEN-THONG): a desk intake starts the flow; the unit's
        own step (khai tử) is a child dossier walked through the unit's process; the other
        agency's step (xóa thường trú) is answered by the agency simulator; the parent's result
        is handed over at the desk. The flow's progress is watched in-process, unrecorded (an
        operator's polling is not part of a dossier's cost)."""
        agency = simulator(self.stack, "agency")

        def state(code: str) -> Any:
            with self.recorder.unrecorded():
                return flow_store.get_state(code)

        def status(code: str) -> int:
            with self.recorder.unrecorded():
                found = dossiers.get(code)
            return found.status if found else 0

        def new_child(code: str, seen: list[str]) -> str | None:
            flow = state(code)
            for step in (flow.steps.values() if flow else []):
                if step.child and step.child not in seen and step.status != "done":
                    return str(step.child)
            return None

        def answer_external(code: str) -> bool:
            """The other agency answers each step handed over to it; True once the parent is processed."""
            flow = state(code)
            for step in (flow.steps.values() if flow else []):
                if step.status == "handed_over" and step.agency and not step.child:
                    # the simulator answers with a generated result PDF, stored on the parent
                    requests.post(f"{agency}/_sim/complete/{code}", json={"outcome": "success"}, timeout=30)
            return status(code) == 9

        def run() -> str:
            created = self.staff["desk"].ok("POST", "/v1/dossiers", {
                **DESK_EXAMPLE, "MaTTHC": "1.000656", "MaDonViTiepNhan": HCMC_UNIT,
                "DuLieuBieuMau": SAMPLE_FILLED[KHAI_TU.code]}, 201)
            code = str(created["dossier"]["code"])
            self.codes.append(code)
            child = self._until(lambda: new_child(code, []), f"the first child dossier of {code}")
            # the unit's step drafts and signs its result: approval needs one (RESULT_MISSING)
            self.walk(child, online=False, supplement=False, deliver=False)
            try:
                self._until(lambda: answer_external(code), f"the flow of {code} to finish")
            except RuntimeError as err:
                flow = state(code)
                steps = ", ".join(f"{k}={v.status}" for k, v in (flow.steps.items() if flow else []))
                raise RuntimeError(f"{err}; steps: {steps}") from None
            self.staff["desk"].deliver(code)
            return code

        try:
            code, usage, extra = self.measure(run)
        except RuntimeError as err:
            report.add("liên thông lifecycle cost", f"n/a ({err})", note="the flow did not finish locally")
            return
        self._cost(report, "liên thông lifecycle", usage, extra, target=LIEN_THONG_TARGET_USD,
                   note="2 agency steps: a child dossier in the unit, one external agency answering with "
                        "a result PDF; delivered at the desk")
        report.details["lien_thong_dossier"] = code

    @staticmethod
    def _until(check: Callable[[], Any], what: str, timeout_s: float = 60) -> Any:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(0.2)
        raise RuntimeError(f"timed out waiting for {what}")

    def _cost(self, report: Report, what: str, usage: Usage, extra: dict[str, Any], target: float | None,
              note: str = "") -> None:
        lines = cost(usage, PRICES)
        total = sum(lines.values())
        baseline = ISSUE_16_BASELINE_USD.get(what)
        report.add(f"{what}: cost per dossier", f"${total:.6f}", "", f"≤ ${target:.4f}" if target else "",
                   total <= target if target else None,
                   note="; ".join(n for n in (f"issue 16 filed at ${baseline:.6f}" if baseline else "", note) if n))
        report.add(f"{what}: cost per million dossiers", f"${total * 1e6:,.0f}")
        top = sorted(lines.items(), key=lambda kv: -kv[1])[:4]
        report.add(f"{what}: where the money goes", ", ".join(f"{k} {v / total:.0%}" for k, v in top))
        report.add(f"{what}: DynamoDB WRU / RRU", f"{usage.dynamodb.write:.0f} / {usage.dynamodb.read:.1f}")
        report.add(f"{what}: API requests / Lambda invocations", f"{usage.api_requests} / {usage.lambda_invocations}")
        report.add(f"{what}: SQS requests / Step Functions transitions",
                   f"{usage.sqs_requests} / {usage.step_functions_transitions}")
        report.add(f"{what}: Scan calls on request paths", extra["scans_on_requests"], "", "0",
                   extra["scans_on_requests"] == 0)
        report.details[what] = {
            "usd_by_item": {k: round(v, 8) for k, v in lines.items()}, "usd_total": round(total, 8),
            "dynamodb": {"wru": usage.dynamodb.write, "rru": usage.dynamodb.read,
                         "calls": dict(usage.dynamodb.by_operation),
                         "wru_by": dict(usage.dynamodb.write_by.most_common()),
                         "rru_by": dict(usage.dynamodb.read_by.most_common()),
                         "index_writes_at_upper_bound": usage.dynamodb.bounded,
                         "largest_item_bytes": dict(sorted(usage.dynamodb.largest.items()))},
            "api_requests": usage.api_requests, "lambda_invocations": usage.lambda_invocations,
            "lambda_gb_seconds": round(usage.lambda_gb_seconds, 3), "sqs_requests": usage.sqs_requests,
            "sqs_idle_polls_excluded": usage.sqs_idle_polls, "s3_put": usage.s3_put_requests,
            "s3_get": usage.s3_get_requests, "s3_bytes": usage.s3_bytes_stored,
            "step_functions_transitions": usage.step_functions_transitions, "kms": usage.kms_requests,
            "secrets_manager": usage.secrets_requests, "log_bytes": usage.log_bytes,
            "app_log_bytes": extra["app_log_bytes"], "handlers": dict(extra["handlers"]),
            "lambda_gb_s_by_function": extra["lambda_gb_s_by_function"], "handler_cpu": extra["handler_cpu"],
            "calls": dict(usage.operations),
        }


def _idle(call: Call) -> bool:
    """A poll that found nothing (what the event source mappings do all day long)."""
    if call.service == "sqs" and call.operation == "ReceiveMessage":
        return not (call.response or {}).get("Messages")
    if call.service == "dynamodbstreams":
        return call.operation != "GetRecords" or not (call.response or {}).get("Records")
    return call.origin == "esm" and call.operation in ("GetQueueAttributes", "DescribeTable")


def stack_env() -> dict[str, str]:
    # no web app: nothing measured here goes through it, and building it (npm) takes minutes
    return {**os.environ, "HOSO_API_PORT": "0", "MOTO_PORT": "0", "HOSO_WEB_PORT": "0", "HOSO_WEBAPP": "0",
            "HOSO_DVCQG_HMAC_KEYS": json.dumps(HMAC_KEYS),
            **{f"SIM_{name.upper()}_PORT": "0" for name in DEFAULT_PORTS}}


def log_path() -> Path:
    return REPO_ROOT / "build" / "bench.log"


def run(progress: Callable[[str], None] = lambda message: None, *, only_cost: bool = False) -> Report:
    """Every figure; ``only_cost``: the two priced lifecycles alone (``python -m bench cost``, a few
    minutes instead of many: what measuring one cost lever needs)."""
    report = Report()
    report.details["prices"] = {"as_of": AS_OF, "source": SOURCE, "usd_per_unit": PRICES,
                               "sources": {k: v._asdict() for k, v in SOURCES.items()}}
    if not only_cost:
        progress("cold start: fresh interpreters importing boto3 and app")
        process.cold_start(report)
        process.package_size(report)
        integrity.run(report)  # tamper evidence's cost per dossier (computed, no stack)
    progress("starting the local stack (moto, simulators, API, dispatcher)")
    with LocalStack(stack_env()) as stack, AwsCallRecorder(stack_classifier(stack)) as recorder:
        bench = Bench(stack, recorder)
        if only_cost:
            progress("cost: a full lifecycle (DVCQG intake → delivered, one supplement round)")
            bench.lifecycle(report)
            progress("cost: a liên thông lifecycle (death chain, 1.000656)")
            bench.lien_thong(report)
            return report
        progress(f"overhead: {OVERHEAD_RUNS} × (DVCQG intake, transition, desk intake) over HTTP vs direct AWS calls")
        bench.overhead(report)
        progress("cost: a full lifecycle (DVCQG intake → delivered, one supplement round)")
        bench.lifecycle(report)
        progress("cost: a liên thông lifecycle (death chain, 1.000656)")
        bench.lien_thong(report)
        progress("sync lag: commit → received by each destination's simulator")
        bench.sync_lag(report)
        progress("peak memory of an API handler process")
        process.handler_memory(report, stack)
        progress("scale: worklist and search pages at 1,000 and 50,000 dossiers")
        scale.run(report, bench)
        scans = recorder.count(operation="Scan", origin="api")
        report.add("Scan calls on request paths (whole run)", scans, "", "0", scans == 0,
                   note=f"{sum(1 for c in recorder.calls if c.origin == 'api')} AWS calls made by API requests")
    progress("runtime: import from the Lambda package's twin, arm64 vs x86 duration cost")
    runtime.run(report)
    progress("cold start per function: each handler path's import from the package's twin vs boto3")
    coldstart.run(report)
    progress("done")
    return report


def write(report: Report) -> str:
    out = REPO_ROOT / "build" / "bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"figures": [f.__dict__ for f in report.figures], "details": report.details},
                              ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return str(out)


def table(report: Report) -> str:
    rows = [("figure", "value", "target", "", "note")]
    for f in report.figures:
        mark = "" if f.met is None else ("ok" if f.met else "MISSED")
        rows.append((f.name, f"{f.value} {f.unit}".strip(), f.target, mark, f.note))
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    lines = ["  ".join([*(str(c).ljust(w) for c, w in zip(r[:4], widths, strict=True)), str(r[4])]).rstrip()
             for r in rows]
    lines.insert(1, "-" * max(len(line) for line in lines[:1]))
    return "\n".join(lines)
