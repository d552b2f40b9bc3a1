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

from typing import Final

from chalicelib import presign
from chalicelib.domain.dossier import DocumentRef
from chalicelib.settings import get_settings

LINK_TTL_S: Final = 3 * 24 * 3600  # SigV4 allows at most 7 days


def bucket_of(document: DocumentRef) -> str:
    s = get_settings()
    return s.results_bucket if document.kind in ("result", "opinion") else s.attachments_bucket


def document_link(document: DocumentRef) -> str:
    return presign.download_url(bucket_of(document), document.s3_key, LINK_TTL_S, file_name=document.name,
                                content_type=document.content_type)
