"""The ``attachment_uploaded`` function: S3 Object Created on the attachments bucket."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from chalice import Blueprint

from chalicelib.observability import logger
from chalicelib.store import uploads as upload_store

bp = Blueprint(__name__)


@bp.on_cw_event({"source": ["aws.s3"], "detail-type": ["Object Created"]})
def attachment_uploaded(event: Any) -> None:
    """S3 Object Created on the attachments bucket → check size, SHA-256 and type of the upload."""
    detail = event.detail
    # moto URL-encodes keys in these events; hoso's upload keys never contain '%' or '+'.
    checked = upload_store.inspect(detail["bucket"]["name"], unquote(detail["object"]["key"]))
    if checked is not None:
        logger.info("upload checked", extra={"upload": checked.id, "status": checked.status})
