"""Presigned uploads of attachments: the officer's browser puts the file straight into S3;
the S3 Object Created event (``attachment_uploaded``) checks it — size, SHA-256, type by
content — before anyone can attach it to a dossier. A rejected file is deleted."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel
from pynamodb.exceptions import DoesNotExist

from chalicelib.aws import client
from chalicelib.store.files import MAX_FILE_BYTES, UNSUPPORTED_MESSAGE, UnsupportedFile, sniff
from chalicelib.store.models import UploadItem

PREFIX = "uploads/"
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
    reason: str | None = None
    created_at: dt.datetime


def _pk(upload_id: str) -> str:
    return f"UPLOAD#{upload_id}"


def start(bucket: str, owner: str, file_name: str, now: dt.datetime) -> tuple[Upload, dict[str, Any]]:
    """Record a pending upload and presign a POST bound to its key and the size limit."""
    upload_id = uuid.uuid4().hex
    upload = Upload(id=upload_id, owner=owner, file_name=file_name, key=f"{PREFIX}{upload_id}", created_at=now)
    UploadItem(pk=_pk(upload_id), sk="META", data=upload.model_dump(mode="json"),
               expires_at=int(time.time()) + UPLOAD_TTL_S).save()
    post = client("s3").generate_presigned_post(
        Bucket=bucket, Key=upload.key,
        Conditions=[["content-length-range", 1, MAX_FILE_BYTES]],
        ExpiresIn=URL_EXPIRES_S,
    )
    return upload, post


def get(upload_id: str) -> Upload | None:
    try:
        return Upload.model_validate(UploadItem.get(_pk(upload_id), "META", consistent_read=True).data)
    except DoesNotExist:
        return None


def _save(upload: Upload) -> None:
    UploadItem(pk=_pk(upload.id), sk="META", data=upload.model_dump(mode="json"),
               expires_at=int(time.time()) + UPLOAD_TTL_S).save()


def inspect(bucket: str, key: str) -> Upload | None:
    """Check an uploaded object (called for S3 Object Created). Unknown keys are ignored."""
    if not key.startswith(PREFIX):
        return None
    upload = get(key[len(PREFIX):])
    if upload is None or upload.status != "pending":
        return upload
    s3 = client("s3")
    head = s3.head_object(Bucket=bucket, Key=key)
    if head["ContentLength"] > MAX_FILE_BYTES:
        checked = upload.model_copy(update={"status": "rejected", "reason": "Tệp vượt quá 10 MB."})
    else:
        content = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        try:
            checked = upload.model_copy(update={
                "status": "ready", "content_type": sniff(content), "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest()})
        except UnsupportedFile:
            checked = upload.model_copy(update={
                "status": "rejected", "reason": UNSUPPORTED_MESSAGE})
    if checked.status == "rejected":
        s3.delete_object(Bucket=bucket, Key=key)
    _save(checked)
    return checked
