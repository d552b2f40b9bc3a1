"""Presigned S3 URLs, the one way hoso makes them: a GET that downloads one object (its file
name and type given to the browser, a bounded life) and a POST that uploads one object under
conditions (size range, content type).

Signed with SigV4 (``X-Amz-Expires`` relative expiry; SigV2 is deprecated, unavailable in newer
regions and refused by KMS-encrypted objects, as hoso's are) by one S3 client per process, made
on first use with the stage's region (the endpoint is boto3's own ``AWS_ENDPOINT_URL``: the moto
server locally).

A link lives at most ``expires_s`` and never longer than the credentials that signed it: on AWS
a function's role credentials are temporary, so a link may stop working before its expiry."""

from __future__ import annotations

import urllib.parse
from functools import cache
from typing import Any, Final

from chalicelib.settings import get_settings

MAX_EXPIRES_S: Final = 7 * 24 * 3600  # SigV4's limit


@cache
def _s3() -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client("s3", region_name=get_settings().region,
                                          config=Config(signature_version="s3v4"))  # fmt: skip


def reset() -> None:
    """Forget the signing client (tests and the local stack change the environment)."""
    _s3.cache_clear()


def content_disposition(name: str) -> str:
    """``attachment`` with the Vietnamese file name kept (RFC 6266 / RFC 5987) and an ASCII fallback."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{urllib.parse.quote(name, safe='')}"


def _expiry(expires_s: int) -> int:
    if not 0 < expires_s <= MAX_EXPIRES_S:
        raise ValueError(f"a presigned URL lives 1 s to 7 days, not {expires_s} s")
    return expires_s


def download_url(bucket: str, key: str, expires_s: int, *, file_name: str | None = None,
                 content_type: str | None = None, version_id: str | None = None) -> str:  # fmt: skip
    """A GET of ``key`` (of exactly ``version_id`` when given and not S3's ``"null"``), saved by the
    browser as ``file_name`` with ``content_type`` when given, valid ``expires_s`` seconds."""
    params = {"Bucket": bucket, "Key": key}
    if file_name is not None:
        params["ResponseContentDisposition"] = content_disposition(file_name)
    if content_type is not None:
        params["ResponseContentType"] = content_type
    if version_id and version_id != "null":
        params["VersionId"] = version_id
    return str(_s3().generate_presigned_url("get_object", Params=params, ExpiresIn=_expiry(expires_s)))


def upload_post(bucket: str, key: str, expires_s: int, *, max_bytes: int, min_bytes: int = 1,
                content_type: str | None = None) -> dict[str, Any]:  # fmt: skip
    """A browser form POST (``{"url", "fields"}``) that writes exactly ``key``, of ``min_bytes`` to
    ``max_bytes`` bytes (and of ``content_type`` when given), valid ``expires_s`` seconds."""
    conditions: list[Any] = [["content-length-range", min_bytes, max_bytes]]
    fields = None
    if content_type is not None:
        conditions.append({"Content-Type": content_type})
        fields = {"Content-Type": content_type}
    return dict(_s3().generate_presigned_post(Bucket=bucket, Key=key, Fields=fields, Conditions=conditions,
                                              ExpiresIn=_expiry(expires_s)))  # fmt: skip
