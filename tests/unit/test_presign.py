"""The one presigner (chalicelib/presign.py): SigV4 GETs naming one object with the browser's
file name and type and a bounded life; upload POSTs bound to one key and a size (and type) range."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib import presign


@pytest.fixture(autouse=True)
def _fresh_client() -> Iterator[None]:
    presign.reset()
    yield
    presign.reset()


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_a_download_is_a_sigv4_get_of_one_object_with_its_name_type_and_life() -> None:
    url = presign.download_url("bkt", "docs/a b.pdf", 300, file_name="Giấy khai sinh.pdf",
                               content_type="application/pdf", version_id="v7")
    q = _query(url)
    assert urlsplit(url).path.endswith("/docs/a%20b.pdf")
    assert q["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256" and q["X-Amz-Expires"] == "300"
    assert q["response-content-disposition"] == (
        "attachment; filename=\"Gi_y khai sinh.pdf\"; filename*=UTF-8''Gi%E1%BA%A5y%20khai%20sinh.pdf")
    assert q["response-content-type"] == "application/pdf" and q["versionId"] == "v7"


def test_a_download_without_name_type_or_real_version_names_only_the_object() -> None:
    q = _query(presign.download_url("bkt", "k", 900, version_id="null"))
    assert not {"response-content-disposition", "response-content-type", "versionId"} & set(q)


@pytest.mark.parametrize("expires_s", [0, -1, 7 * 24 * 3600 + 1])
def test_a_life_outside_sigv4s_range_is_refused(expires_s: int) -> None:
    with pytest.raises(ValueError):
        presign.download_url("bkt", "k", expires_s)
    with pytest.raises(ValueError):
        presign.upload_post("bkt", "k", expires_s, max_bytes=10)


def _policy(post: dict) -> dict:
    return json.loads(base64.b64decode(post["fields"]["policy"]))


def test_an_upload_is_bound_to_its_key_and_size_range() -> None:
    post = presign.upload_post("bkt", "uploads/1", 900, max_bytes=1000)
    conditions = _policy(post)["conditions"]
    assert post["fields"]["key"] == "uploads/1"
    assert {"key": "uploads/1"} in conditions and ["content-length-range", 1, 1000] in conditions
    assert not [c for c in conditions if isinstance(c, dict) and "Content-Type" in c]


def test_an_upload_may_be_bound_to_a_content_type() -> None:
    post = presign.upload_post("bkt", "uploads/2", 60, max_bytes=5, min_bytes=2, content_type="image/png")
    conditions = _policy(post)["conditions"]
    assert ["content-length-range", 2, 5] in conditions and {"Content-Type": "image/png"} in conditions
    assert post["fields"]["Content-Type"] == "image/png"
