"""No request path reads a table with a DynamoDB Scan: every route the app serves is called
(by a caller its rule allows, see the authorisation matrix), and a dossier goes through its
processing, while every AWS call of this process is recorded (botocore and PynamoDB)."""

from __future__ import annotations

import time

from bench.awscalls import AwsCallRecorder, stack_classifier
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.store.models import DossierItem
from local.simulators.accounts import HCMC_UNIT
from tests.security.conftest import World
from tests.security.test_authorisation_matrix import RULES, request_for, served_routes

QUERIES = [
    ("/v1/units/{unit}/worklist", {"status": "1"}),
    ("/v1/units/{unit}/worklist", {"status": "4", "limit": "5"}),
    ("/v1/units/{unit}/search", {"chu_ho_so": "Nguyễn", "status": "4", "tu_ngay": "01/01/2026"}),
    ("/v1/units/{unit}/search", {"thu_tuc": "1.001193", "linh_vuc": "HT"}),
    ("/v1/units/{unit}/search", {"ma_ho_so": "000.00.13.H29-261207-0001"}),
    ("/v1/units/{unit}/search", {"han_den": "31/12/2030", "kenh": "online"}),
    ("/v1/units/{unit}/officers", {"role": "appraiser"}),
    ("/v1/units/{unit}/counters", {}),
    ("/v1/me/dossiers", {}),
]


def test_no_request_path_issues_a_scan(world: World) -> None:
    c = world.callers
    with AwsCallRecorder(stack_classifier(world.stack)) as recorder:
        for spec in served_routes():
            rule = RULES[(spec.method, spec.path)]
            caller = sorted(rule.allowed)[0] if rule.allowed else "anonymous"
            answer = request_for(world, spec, rule, caller, world.targets["own"])
            assert answer.status_code < 500, (spec.method, spec.path, answer.text)
        created = c["desk"].post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT})
        assert created.status_code == 201, created.text
        code = created.json()["dossier"]["code"]
        for caller, action, extra in (
            ("desk", "chuyen_phong", {}), ("head", "phan_cong", {"assignee": c["appraiser"].sub}),
            ("appraiser", "yeu_cau_bo_sung", {"reason": "Bổ sung bản sao giấy chứng sinh"}),
            ("desk", "nhan_bo_sung", {}), ("appraiser", "trinh", {}),
        ):
            assert c[caller].act(code, action, **extra).status_code == 200, action
        for path, params in QUERIES:
            answer = c["appraiser"].get(path.format(unit=HCMC_UNIT), **params)
            assert answer.status_code == 200, (path, answer.text)
        time.sleep(2)  # the event handlers these requests triggered (outbox relay, agency tasks) run meanwhile
        list(DossierItem.scan(limit=1))  # the recorder sees a PynamoDB Scan (this one is the test's own)
    on_requests = [c for c in recorder.calls if c.origin == "api"]
    assert len(on_requests) > 100, "the run did not exercise the API"
    scans = [(c.origin, c.params.get("TableName")) for c in recorder.calls
             if c.operation == "Scan" and (c.origin == "api" or c.origin.startswith("handler:"))]
    assert scans == [], f"Scan on a request path or in an event handler: {scans}"
    assert [origin for op, origin in recorder.pynamodb_operations if op == "Scan"] == ["other"]
    assert recorder.count(operation="Scan", origin="other") >= 1
