"""Download links for the documents named in sync records: presigned S3 GETs.

A link is authorised by itself (the signature), names one object, and expires
``LINK_TTL_S`` after it was made (3 days). Every ``DongBoHoSoMC`` sent carries fresh links, so a
destination always holds links made at the dossier's last change.

On AWS the signature is made with the sync function's role, whose credentials are temporary:
a presigned URL stops working when those credentials expire, even before ``LINK_TTL_S``
(for a Lambda role, typically within hours). Destinations are expected to fetch files when
they receive the record; a link that must live for days regardless needs signing with
long-term credentials or a download endpoint of hoso's own.
"""

from __future__ import annotations

import urllib.parse
from functools import cache
from typing import Any, Final

from chalicelib.domain.dossier import DocumentRef
from chalicelib.settings import get_settings

LINK_TTL_S: Final = 3 * 24 * 3600  # SigV4 allows at most 7 days


@cache
def _s3() -> Any:
    """An S3 client that signs links with SigV4 (botocore would presign with SigV2 by default,
    which objects encrypted with KMS — as hoso's are — refuse)."""
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3", region_name=get_settings().region, config=Config(signature_version="s3v4")
    )


def bucket_of(document: DocumentRef) -> str:
    s = get_settings()
    return s.results_bucket if document.kind in ("result", "opinion") else s.attachments_bucket


def content_disposition(name: str) -> str:
    """``attachment`` with the Vietnamese file name kept (RFC 6266 / RFC 5987) and an ASCII fallback."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{urllib.parse.quote(name, safe='')}"


def document_link(document: DocumentRef) -> str:
    return str(
        _s3().generate_presigned_url(
            "get_object",
            Params={
                "Bucket": bucket_of(document),
                "Key": document.s3_key,
                "ResponseContentDisposition": content_disposition(document.name),
                "ResponseContentType": document.content_type,
            },
            ExpiresIn=LINK_TTL_S,
        )
    )
