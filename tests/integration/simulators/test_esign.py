"""The eSign portal simulator: sign requests are checked, recorded and answered."""

from __future__ import annotations

import base64
import hashlib

import requests

from local.simulators.pdf import minimal_pdf


def test_sign_request_is_accepted_and_can_be_looked_up(sims: dict[str, str]) -> None:
    url = sims["esign"]
    pdf = minimal_pdf("Giấy phép", ["GIAY PHEP"])
    body = {"document_id": "doc-1", "pdf_base64": base64.b64encode(pdf).decode(),
            "signer": {"sub": "leader-1", "HoVaTen": "Phạm Văn Đức"}}  # fmt: skip
    answer = requests.post(f"{url}/v1/sign", json=body, timeout=5)
    assert answer.status_code == 202 and answer.json()["status"] == "accepted"
    transaction = requests.get(f"{url}/v1/sign/{answer.json()['transaction_id']}", timeout=5).json()
    assert transaction["document_id"] == "doc-1"
    assert transaction["pdf_sha256"] == hashlib.sha256(pdf).hexdigest()
    assert transaction["signer"]["HoVaTen"] == "Phạm Văn Đức"
    assert len(requests.get(f"{url}/_sim/records", timeout=5).json()["transactions"]) == 1


def test_invalid_sign_requests_are_refused(sims: dict[str, str]) -> None:
    url = sims["esign"]
    not_pdf = {"document_id": "d", "pdf_base64": base64.b64encode(b"hello").decode(), "signer": "s"}
    answer = requests.post(f"{url}/v1/sign", json=not_pdf, timeout=5)
    assert answer.status_code == 400 and [e["field"] for e in answer.json()["errors"]] == ["pdf_base64"]
    broken = requests.post(f"{url}/v1/sign", json={"document_id": "", "pdf_base64": "%%%", "signer": ""}, timeout=5)
    assert {e["field"] for e in broken.json()["errors"]} == {"document_id", "pdf_base64", "signer"}
    assert requests.get(f"{url}/v1/sign/nope", timeout=5).status_code == 404
    assert requests.get(f"{url}/_sim/records", timeout=5).json()["transactions"] == []
