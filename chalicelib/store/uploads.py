"""Presigned uploads of attachments: the officer's browser puts the file straight into S3;
the S3 Object Created event (``attachment_uploaded``) checks it — size, SHA-256, type by
content — before anyone can attach it to a dossier. A rejected file is deleted.

The upload key (``uploads/<id>``) stays writable by whoever holds the presigned POST for its
15 minutes, so nothing downstream reads it: the bytes that passed the check are written to
an immutable, content-addressed key (``checked/<sha256>``, written only by this check, never
overwritten) and the upload key is deleted. Attaching, sync, hand-overs, the e-data store
and downloads all use the checked key; a later write to the upload key is deleted when its
event arrives and changes nothing."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import time
import uuid
from typing import Any, Literal

from botocore.exceptions import ClientError
from pydantic import BaseModel
from pynamodb.exceptions import DoesNotExist

from chalicelib import presign
from chalicelib.aws import client
from chalicelib.store.files import MAX_FILE_BYTES, UNSUPPORTED_MESSAGE, UnsupportedFile, sniff
from chalicelib.store.models import UploadItem

PREFIX = "uploads/"
CHECKED_PREFIX = "checked/"
UPLOAD_TTL_S = 2 * 24 * 3600
URL_EXPIRES_S = 900


class Upload(BaseModel):
    id: str
    owner: str  # officer sub
    file_name: str
    key: str
    status: Literal["pending", "ready", "rejected"] = "pending"
    sha256: str | None = None
    content_type: str | None = None
    size: int | None = None
    checked_key: str | None = None  # the immutable copy of the bytes that passed the check
    reason: str | None = None  # why it was rejected (Vietnamese)
    reason_code: Literal["FILE_TOO_LARGE", "UNSUPPORTED_FILE_TYPE"] | None = None  # the same, for machines
    created_at: dt.datetime


def _pk(upload_id: str) -> str:
    return f"UPLOAD#{upload_id}"


def start(bucket: str, owner: str, file_name: str, now: dt.datetime) -> tuple[Upload, dict[str, Any]]:
    """Record a pending upload and presign a POST bound to its key and the size limit."""
    upload_id = uuid.uuid4().hex
    upload = Upload(id=upload_id, owner=owner, file_name=file_name, key=f"{PREFIX}{upload_id}", created_at=now)
    UploadItem(pk=_pk(upload_id), sk="META", data=upload.model_dump(mode="json"),
               expires_at=int(time.time()) + UPLOAD_TTL_S).save()
    post = presign.upload_post(bucket, upload.key, URL_EXPIRES_S, max_bytes=MAX_FILE_BYTES)
    return upload, post


def get(upload_id: str) -> Upload | None:
    try:
        return Upload.model_validate(UploadItem.get(_pk(upload_id), "META", consistent_read=True).data)
    except DoesNotExist:
        return None


def _save(upload: Upload) -> None:
    UploadItem(pk=_pk(upload.id), sk="META", data=upload.model_dump(mode="json"),
               expires_at=int(time.time()) + UPLOAD_TTL_S).save()


def checked_key(sha256: str) -> str:
    return f"{CHECKED_PREFIX}{sha256}"


def _keep_checked(s3: Any, bucket: str, content: bytes, sha256: str) -> str:
    """The checked bytes under their content-addressed key; an object already there has the
    same content (only this check writes the prefix, and only under the content's hash)."""
    key = checked_key(sha256)
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=content, ChecksumAlgorithm="SHA256",
                      ChecksumSHA256=base64.b64encode(bytes.fromhex(sha256)).decode(), Metadata={"sha256": sha256},
                      IfNoneMatch="*")
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") != "PreconditionFailed":
            raise
    return key


def inspect(bucket: str, key: str) -> Upload | None:
    """Check an uploaded object (called for S3 Object Created). Unknown keys are ignored; an
    object written to an upload key after its check is deleted and changes nothing."""
    if not key.startswith(PREFIX):
        return None
    upload = get(key[len(PREFIX):])
    s3 = client("s3")
    if upload is None or upload.status != "pending":
        if upload is not None and upload.key == key:
            s3.delete_object(Bucket=bucket, Key=key)  # written again after the check (or after a refusal)
        return upload
    head = s3.head_object(Bucket=bucket, Key=key)
    content = b""
    if head["ContentLength"] <= MAX_FILE_BYTES:  # read at most one byte more: the object may be replaced meanwhile
        content = s3.get_object(Bucket=bucket, Key=key)["Body"].read(MAX_FILE_BYTES + 1)
    if head["ContentLength"] > MAX_FILE_BYTES or len(content) > MAX_FILE_BYTES:
        checked = upload.model_copy(update={"status": "rejected", "reason": "Tệp vượt quá 10 MB.",
                                            "reason_code": "FILE_TOO_LARGE"})
    else:
        try:
            content_type = sniff(content)
        except UnsupportedFile:
            checked = upload.model_copy(update={"status": "rejected", "reason": UNSUPPORTED_MESSAGE,
                                                "reason_code": "UNSUPPORTED_FILE_TYPE"})
        else:
            sha256 = hashlib.sha256(content).hexdigest()
            checked = upload.model_copy(update={
                "status": "ready", "content_type": content_type, "size": len(content), "sha256": sha256,
                "checked_key": _keep_checked(s3, bucket, content, sha256)})
    _save(checked)  # recorded before the upload key goes: a crash here leaves a retry to the event
    s3.delete_object(Bucket=bucket, Key=key)
    return checked
