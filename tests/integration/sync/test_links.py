"""The download links sent with a dossier: presigned SigV4 GETs of the right object in the right
bucket, expiring after 3 days, that fetch the document (moto checks neither signature nor
expiry, so the parameters are checked here)."""

from __future__ import annotations

import urllib.parse
from datetime import datetime, timedelta

import boto3
import requests

from chalicelib.sync.deliver import deliver
from chalicelib.sync.links import LINK_TTL_S
from tests.integration.sync.conftest import REGION, World
from tests.unit.sync import samples

PDF = b"%PDF-1.7\n% gi\xe1\xba\xa5y ch\xe1\xbb\xa9ng sinh\n"
RESULT = b"%PDF-1.7\n% tr\xc3\xadch l\xe1\xbb\xa5c\n"


def test_links_in_the_dossier_record_fetch_the_documents(world: World) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.put_object(Bucket="hoso-dev-attachments", Key=samples.BIRTH_CERTIFICATE.s3_key, Body=PDF)
    s3.put_object(Bucket="hoso-dev-results", Key=samples.BIRTH_EXTRACT.s3_key, Body=RESULT)
    dossier = world.open(datetime.now(samples.VN) - timedelta(hours=1))
    world.write(dossier.model_copy(update={"documents": [samples.BIRTH_CERTIFICATE, samples.BIRTH_EXTRACT]}), [])
    deliver("coordinator", dossier.code)

    record = world.sims["coordinator"].record(dossier.code)["dossier"]
    submitted = record["TaiLieuNop"][0]["DuongDanTaiTepTin"]
    result = record["DanhSachGiayToKetQua"][0]["DuongDanTepTinKetQua"]
    for link, bucket, key, content in ((submitted, "hoso-dev-attachments", samples.BIRTH_CERTIFICATE.s3_key, PDF),
                                       (result, "hoso-dev-results", samples.BIRTH_EXTRACT.s3_key, RESULT)):
        parts = urllib.parse.urlsplit(link)
        query = urllib.parse.parse_qs(parts.query)
        assert parts.scheme == "https" and parts.netloc.startswith(f"{bucket}.s3")
        assert urllib.parse.unquote(parts.path) == f"/{key}"
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        assert query["X-Amz-Expires"] == [str(LINK_TTL_S)] == ["259200"]
        assert query["response-content-type"] == ["application/pdf"]
        answer = requests.get(link, timeout=5)
        assert (answer.status_code, answer.content) == (200, content)
    assert "filename*=UTF-8''Gi%E1%BA%A5y%20ch%E1%BB%A9ng%20sinh.pdf" in requests.get(submitted, timeout=5).headers[
        "content-disposition"]  # fmt: skip
