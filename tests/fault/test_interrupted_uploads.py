"""An interrupted upload leaves nothing half-registered (presigned POST to S3, checked on the
S3 Object Created event, then attached): a presigned upload never completed, and one whose
connection dropped mid-body, leave no object and nothing attachable; a file that fails the
check — wrong type, or over 10 MB — is deleted from S3, and cannot be attached either."""

from __future__ import annotations

import socket
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.settings import get_settings
from chalicelib.store.files import MAX_FILE_BYTES
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.security.stack import Caller
from tests.security.test_input_limits import upload_file


@pytest.fixture
def dossier(staff: dict[str, Caller]) -> str:
    created = staff["desk"].post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT})
    assert created.status_code == 201, created.text
    return str(created.json()["dossier"]["code"])


def _exists(stack: LocalStack, key: str) -> bool:
    s3 = boto3.client("s3", endpoint_url=stack.moto_url, region_name=stack.region)
    try:
        s3.head_object(Bucket=get_settings().attachments_bucket, Key=key)
    except ClientError as err:
        if err.response["Error"]["Code"] in ("404", "NoSuchKey"):
            return False
        raise
    return True


def _nothing_attachable(staff: dict[str, Caller], dossier: str, upload_id: str) -> None:
    seq = staff["desk"].get(f"/v1/dossiers/{dossier}").json()["dossier"]["seq"]
    attached = staff["desk"].post(f"/v1/dossiers/{dossier}/documents", {"upload_id": upload_id})
    assert attached.status_code == 409 and attached.json()["error_code"] == "UPLOAD_NOT_READY", attached.text
    view = staff["desk"].get(f"/v1/dossiers/{dossier}").json()
    assert view["dossier"]["seq"] == seq and view["dossier"]["documents"] == []


def _start(staff: dict[str, Caller]) -> dict[str, Any]:
    started = staff["desk"].post("/v1/uploads", {"file_name": "don.pdf"})
    assert started.status_code == 201, started.text
    return dict(started.json())


def test_a_presigned_upload_never_completed_leaves_nothing(stack: LocalStack, staff: dict[str, Caller],
                                                           dossier: str) -> None:
    started = _start(staff)
    upload = started["upload"]
    time.sleep(1)
    assert staff["desk"].get(f"/v1/uploads/{upload['id']}").json()["upload"]["status"] == "pending"
    assert not _exists(stack, upload["key"])
    _nothing_attachable(staff, dossier, upload["id"])


def test_an_upload_cut_off_mid_body_leaves_nothing(stack: LocalStack, staff: dict[str, Caller], dossier: str) -> None:
    started = _start(staff)
    post, upload = started["post"], started["upload"]
    boundary = uuid.uuid4().hex
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in post["fields"].items()
    ) + f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="don.pdf"\r\n'.encode() \
        + b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    declared = len(head) + 200_000
    url = urlsplit(post["url"])
    with socket.create_connection((url.hostname, url.port or 80), timeout=10) as conn:
        conn.sendall(f"POST {url.path or '/'} HTTP/1.1\r\nHost: {url.netloc}\r\n"
                     f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                     f"Content-Length: {declared}\r\n\r\n".encode() + head + b"0" * 50_000)
        conn.shutdown(socket.SHUT_RDWR)  # the browser tab is closed: the rest never comes
    time.sleep(2)
    assert not _exists(stack, upload["key"]), "a partial body became an object"
    assert staff["desk"].get(f"/v1/uploads/{upload['id']}").json()["upload"]["status"] == "pending"
    _nothing_attachable(staff, dossier, upload["id"])


@pytest.mark.parametrize(("content", "why"), [
    (b"MZ\x90\x00" + b"\x00" * 1024, "type"),
    (b"%PDF-1.4\n" + b"0" * MAX_FILE_BYTES, "size"),
], ids=["executable", "over-10-MB"])
def test_a_file_failing_its_check_is_deleted_and_never_attachable(stack: LocalStack, staff: dict[str, Caller],
                                                                  dossier: str, content: bytes, why: str) -> None:
    checked = upload_file(staff["desk"], "don.pdf", content, "application/pdf")
    assert checked["status"] == "rejected", why
    assert not _exists(stack, checked["key"]), f"the rejected file ({why}) is still in S3"
    _nothing_attachable(staff, dossier, checked["id"])
