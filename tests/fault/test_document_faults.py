"""A crash between storing a file in S3 and recording it in DynamoDB loses nothing and leaves
no record naming a missing or wrong object (issue 11: fault injection on signing, issuing and
the upload check).

Result PDFs are stored first (each attempt under a key of its own, never overwriting), then
the document's record and the dossier's reference change in one transaction: a failing
transaction leaves both as they were (the stored object is unreferenced), an answer lost after
the commit leaves the whole change, and the officer's retry completes without a duplicate.
The upload check keeps the checked bytes (content-addressed) and records the upload before it
deletes the upload key: a failure in between leaves the upload pending and its object in
place, and the event's redelivery completes the check."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import requests
from botocore.exceptions import ClientError

from chalicelib.documents import store as docstore
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.settings import get_settings
from chalicelib.store import dossiers
from chalicelib.store import uploads as upload_store
from chalicelib.store.models import DocumentItem, UploadItem
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.fault.test_transaction_faults import injected, lost_answer, service_error, snapshot
from tests.security.stack import Caller

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% to khai\n%%EOF\n"


def _s3(stack: LocalStack) -> Any:
    return boto3.client("s3", endpoint_url=stack.moto_url, region_name=stack.region)


def _exists(stack: LocalStack, bucket: str, key: str) -> bool:
    try:
        _s3(stack).head_object(Bucket=bucket, Key=key)
    except ClientError:
        return False
    return True


def _at_approval(staff: dict[str, Caller]) -> str:
    created = staff["desk"].post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT})
    assert created.status_code == 201, created.text
    code = str(created.json()["dossier"]["code"])
    steps = (("desk", "chuyen_phong", {}), ("head", "phan_cong", {"assignee": staff["appraiser"].sub}),
             ("appraiser", "trinh", {}), ("head", "trinh_lanh_dao", {}))
    for role, action, fields in steps:
        assert staff[role].act(code, action, **fields).status_code == 200
    return code


def _results(code: str) -> list[docstore.DocumentRecord]:
    """Every result record of the dossier's partition (referenced by the dossier or not)."""
    items = DocumentItem.query(dossiers.dossier_pk(code), DocumentItem.sk.startswith("DOC#"), consistent_read=True)
    return [docstore.DocumentRecord.model_validate(i.data) for i in items]


def _history_intact(stack: LocalStack, code: str, doc_id: str) -> docstore.DocumentRecord:
    """Every version the record lists is stored with its hash, and the dossier names the last."""
    record = docstore.get_record(code, doc_id)
    assert record is not None
    bucket = get_settings().results_bucket
    for version in record.versions:
        body = _s3(stack).get_object(Bucket=bucket, Key=version.s3_key)["Body"].read()
        assert hashlib.sha256(body).hexdigest() == version.sha256, version.s3_key
    dossier = dossiers.get(code)
    assert dossier is not None
    [ref] = [d for d in dossier.documents if d.id == doc_id]
    assert (ref.s3_key, ref.sha256) == (record.versions[-1].s3_key, record.versions[-1].sha256)
    return record


def test_issuing_interrupted_before_recording_leaves_no_result_and_a_retry_completes(
        stack: LocalStack, staff: dict[str, Caller]) -> None:
    code = _at_approval(staff)
    before = snapshot(code)
    with injected("before-call", service_error, code) as fired:
        answer = staff["appraiser"].post(f"/v1/dossiers/{code}/results", {"content": "Đồng ý."})
    assert fired and answer.status_code == 500, answer.text
    assert snapshot(code) == before and _results(code) == [], "a result was half-recorded"
    retried = staff["appraiser"].post(f"/v1/dossiers/{code}/results", {"content": "Đồng ý."})
    assert retried.status_code == 201, retried.text
    [record] = _results(code)
    _history_intact(stack, code, record.id)


def test_signing_interrupted_before_recording_keeps_the_history_and_a_retry_completes(
        stack: LocalStack, staff: dict[str, Caller]) -> None:
    code = _at_approval(staff)
    doc_id = staff["appraiser"].post(f"/v1/dossiers/{code}/results", {}).json()["id"]
    before, record_before = snapshot(code), docstore.get_record(code, doc_id)
    with injected("before-call", service_error, code) as fired:
        answer = staff["leader"].post(f"/v1/dossiers/{code}/documents/{doc_id}/sign", {})
    assert fired and answer.status_code == 500, answer.text
    assert snapshot(code) == before and docstore.get_record(code, doc_id) == record_before
    _history_intact(stack, code, doc_id)
    signed = staff["leader"].post(f"/v1/dossiers/{code}/documents/{doc_id}/sign", {})
    assert signed.status_code == 200, signed.text
    record = _history_intact(stack, code, doc_id)
    assert len(record.signatures) == 1 and len(record.versions) == 2
    verified = staff["desk"].get(f"/v1/dossiers/{code}/documents/{doc_id}/verification").json()
    assert verified["ok"] and verified["stored_hash_matches"], verified


def test_a_signature_whose_answer_was_lost_after_the_commit_is_whole_and_not_signed_twice(
        stack: LocalStack, staff: dict[str, Caller]) -> None:
    code = _at_approval(staff)
    doc_id = staff["appraiser"].post(f"/v1/dossiers/{code}/results", {}).json()["id"]
    before = snapshot(code)
    with injected("after-call", lost_answer, code) as fired:
        answer = staff["leader"].post(f"/v1/dossiers/{code}/documents/{doc_id}/sign", {})
    assert fired and answer.status_code == 500, answer.text
    after = snapshot(code)
    assert after.version == before.version + 1
    record = _history_intact(stack, code, doc_id)
    assert [s.signer_sub for s in record.signatures] == [staff["leader"].sub] and len(record.versions) == 2
    again = staff["leader"].post(f"/v1/dossiers/{code}/documents/{doc_id}/sign", {})
    assert again.status_code == 409 and again.json()["error_code"] == "ALREADY_SIGNED", again.text
    assert snapshot(code) == after and docstore.get_record(code, doc_id) == record


@contextmanager
def failing_upload_record(upload_id: str, handler: Callable[..., Any]) -> Iterator[list[str]]:
    """``handler`` answers the PutItem of this upload's record (the check's ``_save``)."""
    events = UploadItem._get_connection().connection.client.meta.events
    fired: list[str] = []

    def fault(**kwargs: Any) -> Any:
        if upload_id not in json.dumps(kwargs.get("params"), default=str):
            return None
        fired.append("PutItem")
        return handler(**kwargs)

    name, unique = "before-call.dynamodb.PutItem", f"fault-upload-{upload_id}"
    events.register(name, fault, unique_id=unique)
    try:
        yield fired
    finally:
        events.unregister(name, unique_id=unique)


def test_an_upload_check_interrupted_before_recording_is_completed_by_the_redelivery(
        stack: LocalStack, staff: dict[str, Caller]) -> None:
    desk = staff["desk"]
    code = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT}).json()["dossier"]["code"]
    started = desk.post("/v1/uploads", {"file_name": "to-khai.pdf"}).json()
    upload_id, key, bucket = started["upload"]["id"], started["upload"]["key"], get_settings().attachments_bucket
    with failing_upload_record(upload_id, service_error) as fired:
        post = started["post"]
        sent = requests.post(post["url"], data=post["fields"], files={"file": ("to-khai.pdf", PDF, "application/pdf")},
                             timeout=30)
        assert sent.status_code in (200, 201, 204), sent.text
        deadline = time.monotonic() + 30
        while not fired and time.monotonic() < deadline:
            time.sleep(0.2)
        assert fired, "the check never ran"
        time.sleep(0.5)
    # the check failed before recording: nothing attachable, and the uploaded object is still there
    assert desk.get(f"/v1/uploads/{upload_id}").json()["upload"]["status"] == "pending"
    assert _exists(stack, bucket, key)
    refused = desk.post(f"/v1/dossiers/{code}/documents", {"upload_id": upload_id})
    assert refused.status_code == 409 and refused.json()["error_code"] == "UPLOAD_NOT_READY", refused.text

    checked = upload_store.inspect(bucket, key)  # the event's redelivery (Lambda retries it)
    assert checked is not None and checked.status == "ready" and checked.checked_key
    assert not _exists(stack, bucket, key)
    attached = desk.post(f"/v1/dossiers/{code}/documents", {"upload_id": upload_id})
    assert attached.status_code == 201, attached.text
    link = desk.get(f"/v1/dossiers/{code}/documents/{upload_id}/link").json()
    assert requests.get(link["url"], timeout=10).content == PDF
