"""Documents in S3: stored with their SHA-256 and the type sniffed from their content
(never trusting the declared name or MIME type)."""

from __future__ import annotations

import base64
import hashlib
import uuid
import zipfile
from dataclasses import dataclass
from io import BytesIO

from chalicelib.aws import client

MAX_FILE_BYTES = 10 * 1024 * 1024
UNSUPPORTED_MESSAGE = "Định dạng tệp không được chấp nhận (PDF, JPEG, PNG, TIFF, DOCX, XLSX)."

# Content types hoso accepts, by magic bytes.
_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
]
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UnsupportedFile(Exception):
    """The content is not one of the accepted document types."""


def sniff(content: bytes) -> str:
    for magic, mime in _MAGIC:
        if content.startswith(magic):
            return mime
    if content.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            raise UnsupportedFile("corrupt zip") from None
        for prefix, mime in _OOXML.items():
            if any(n.startswith(prefix) for n in names):
                return mime
    raise UnsupportedFile("unsupported content type")


@dataclass(frozen=True)
class StoredFile:
    key: str
    sha256: str
    content_type: str
    size: int


def put_document(bucket: str, content: bytes, *, prefix: str = "documents") -> StoredFile:
    """Store ``content`` under a fresh key; the caller records the returned metadata."""
    if len(content) > MAX_FILE_BYTES:
        raise ValueError("file too large")
    content_type = sniff(content)
    digest = hashlib.sha256(content).hexdigest()
    key = f"{prefix}/{digest[:2]}/{uuid.uuid4().hex}"
    client("s3").put_object(
        # the results bucket's Object Lock refuses a write that doesn't name its checksum algorithm
        Bucket=bucket, Key=key, Body=content, ContentType=content_type, ChecksumAlgorithm="SHA256",
        ChecksumSHA256=_b64_sha256(content),
        Metadata={"sha256": digest},
        IfNoneMatch="*",  # a stored document is never replaced (the key is fresh; S3 refuses an existing one)
    )
    return StoredFile(key=key, sha256=digest, content_type=content_type, size=len(content))


def _b64_sha256(content: bytes) -> str:
    return base64.b64encode(hashlib.sha256(content).digest()).decode()


def delete_document(bucket: str, key: str) -> None:
    """Remove a stored file and every version of it (an intake that registered nothing)."""
    s3 = client("s3")
    versions = s3.list_object_versions(Bucket=bucket, Prefix=key).get("Versions", [])
    for version in versions:
        if version["Key"] == key:
            s3.delete_object(Bucket=bucket, Key=key, VersionId=version["VersionId"])
