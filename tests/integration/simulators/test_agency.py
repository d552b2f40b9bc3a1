"""Another agency's system in a liên thông chain (SPEC §7.3): hand-over in, callback out."""

from __future__ import annotations

import base64
import json
from typing import Any

import requests

from tests.integration.simulators.conftest import Receiver

CODE = "000.00.13.H26-260115-0001"


def handover(url: str, task: str = "task-token-1", **fields: Any) -> requests.Response:
    document = {"name": "trich-luc-khai-sinh.pdf", "url": "https://hoso.example/d/1"}
    body = {"task_token": task, "dossier_code": CODE, "step": "dang_ky_thuong_tru", "documents": [document], **fields}
    return requests.post(f"{url}/v1/handover", json=body, timeout=5)


def test_handover_then_success_calls_hoso_back(sims: dict[str, str], receiver: Receiver) -> None:
    url = sims["agency"]
    first = handover(url)
    assert first.status_code == 202
    again = handover(url)
    assert again.status_code == 200 and again.json()["handover_id"] == first.json()["handover_id"]

    done = requests.post(f"{url}/_sim/complete/{CODE}", json={"outcome": "success"}, timeout=10)
    assert done.status_code == 200 and done.json()["callback"]["status"] == 200
    (request,) = receiver.wait_for(1)
    assert request["path"] == "/v1/flows/callback"
    assert request["headers"]["Authorization"] == "Bearer dev-agency-token"
    callback = json.loads(request["raw"])
    assert callback["task_token"] == "task-token-1" and callback["outcome"] == "success"
    assert callback["reason"] is None
    (document,) = callback["result_documents"]
    assert base64.b64decode(document["content_base64"]).startswith(b"%PDF-")
    (recorded,) = requests.get(f"{url}/_sim/records", timeout=5).json()["handovers"]
    assert recorded["status"] == "completed" and recorded["deliveries"][0]["status"] == 200


def test_supplement_needs_a_reason(sims: dict[str, str], receiver: Receiver) -> None:
    url = sims["agency"]
    handover(url).raise_for_status()
    assert requests.post(f"{url}/_sim/complete/{CODE}", json={"outcome": "supplement"}, timeout=5).status_code == 400
    reason = "Thiếu giấy tờ chứng minh chỗ ở hợp pháp"
    requests.post(f"{url}/_sim/complete/{CODE}", json={"outcome": "supplement", "reason": reason},
                  timeout=10).raise_for_status()  # fmt: skip
    callback = json.loads(receiver.wait_for(1)[0]["raw"])
    assert callback == {"task_token": "task-token-1", "outcome": "supplement", "result_documents": [],
                        "reason": reason}  # fmt: skip


def test_auto_complete_answers_by_itself(sims: dict[str, str], receiver: Receiver) -> None:
    url = sims["agency"]
    mode = {"auto_complete": True, "auto_outcome": "failure", "delay_ms": 50}
    requests.post(f"{url}/_sim/mode", json=mode, timeout=5).raise_for_status()
    handover(url, "task-token-auto").raise_for_status()
    (request,) = receiver.wait_for(1)
    callback = json.loads(request["raw"])
    assert callback["task_token"] == "task-token-auto" and callback["outcome"] == "failure"
    bad_mode = requests.post(f"{url}/_sim/mode", json={"auto_outcome": "maybe"}, timeout=5)
    assert bad_mode.status_code == 400


def test_invalid_handover_and_unknown_dossier(sims: dict[str, str]) -> None:
    url = sims["agency"]
    answer = requests.post(f"{url}/v1/handover", json={"task_token": "", "documents": [{"url": "x"}]}, timeout=5)
    assert answer.status_code == 400
    assert {e["field"] for e in answer.json()["errors"]} == {"task_token", "dossier_code", "step", "documents[0]"}
    assert requests.post(f"{url}/_sim/complete/{CODE}", json={"outcome": "success"}, timeout=5).status_code == 404
