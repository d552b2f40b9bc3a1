"""An uploaded file cannot be swapped after it passed the check (issue 11, item 6).

The presigned POST stays usable for 15 minutes (moto does not enforce its expiry, so the
attacker's second write is made with boto3 directly): whatever is written to the upload key
after the check, what is attached, previewed, downloaded and handed on is the checked bytes,
kept under an immutable content-addressed key."""

from __future__ import annotations

import base64
import hashlib
import time

import boto3
import requests

from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.settings import get_settings
from local.simulators.accounts import HCMC_UNIT
from tests.security.conftest import World
from tests.security.test_input_limits import upload_file

CHECKED = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% the file that passed the check\n%%EOF\n"
SWAPPED = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% swapped in after the check!!!\n%%EOF\n"


def test_bytes_written_to_the_upload_key_after_the_check_are_never_used(world: World) -> None:
    desk = world.callers["desk"]
    created = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT})
    assert created.status_code == 201, created.text
    code = created.json()["dossier"]["code"]
    checked = upload_file(desk, "don-de-nghi.pdf", CHECKED, "application/pdf")
    assert checked["status"] == "ready" and checked["sha256"] == hashlib.sha256(CHECKED).hexdigest()

    s3 = boto3.client("s3", endpoint_url=world.stack.moto_url, region_name=world.stack.region)
    bucket = get_settings().attachments_bucket
    s3.put_object(Bucket=bucket, Key=checked["key"], Body=SWAPPED)  # the presigned POST's second use
    time.sleep(1)  # the second Object Created event is delivered meanwhile

    attached = desk.post(f"/v1/dossiers/{code}/documents", {"upload_id": checked["id"]})
    assert attached.status_code == 201, attached.text
    document = attached.json()
    assert document["sha256"] == checked["sha256"]

    link = desk.get(f"/v1/dossiers/{code}/documents/{document['id']}/link")
    assert link.status_code == 200, link.text
    assert requests.get(link.json()["url"], timeout=10).content == CHECKED
    preview = desk.get(f"/v1/dossiers/{code}/documents/{document['id']}/preview")
    assert preview.status_code == 200, preview.text
    assert base64.b64decode(preview.json()["content_base64"]) == CHECKED
    # the checked copy is not under the upload's key (which its presigned POST can write), and holds the checked bytes
    assert not document["s3_key"].startswith("uploads/")
    assert s3.get_object(Bucket=bucket, Key=document["s3_key"])["Body"].read() == CHECKED


def test_a_download_link_is_refused_when_the_stored_file_differs_from_its_hash(world: World) -> None:
    desk = world.callers["desk"]
    created = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT})
    code = created.json()["dossier"]["code"]
    checked = upload_file(desk, "to-khai.pdf", CHECKED, "application/pdf")
    document = desk.post(f"/v1/dossiers/{code}/documents", {"upload_id": checked["id"]}).json()
    s3 = boto3.client("s3", endpoint_url=world.stack.moto_url, region_name=world.stack.region)
    # someone with write access to the bucket replaces the stored object behind hoso's back
    s3.put_object(Bucket=get_settings().attachments_bucket, Key=document["s3_key"], Body=SWAPPED)
    link = desk.get(f"/v1/dossiers/{code}/documents/{document['id']}/link")
    assert link.status_code == 409 and link.json()["error_code"] == "DOCUMENT_INTEGRITY", link.text
