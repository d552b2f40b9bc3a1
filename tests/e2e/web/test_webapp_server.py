"""local.webapp: the built app, its runtime settings and the API on one origin."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import requests

from local.stack import LocalStack
from tests.e2e.conftest import simulator


def raw_get(base: str, path: str) -> tuple[int, bytes, dict[str, str]]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.read(), dict(answer.getheaders())
    finally:
        connection.close()


def test_the_app_gets_its_settings_and_security_headers(webapp: str, stack: LocalStack) -> None:
    answer = requests.get(f"{webapp}/config.json", timeout=10)
    issuer = simulator(stack, "vneid")
    assert answer.json() == {"issuer": issuer, "client_id": "hoso-officers", "api_base": "", "scope": "openid profile"}
    page = requests.get(f"{webapp}/", timeout=10)
    assert page.status_code == 200 and '<html lang="vi">' in page.text
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert f"connect-src 'self' {issuer} {stack.moto_url};" in csp  # presigned uploads go to S3 (moto here)
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["Cache-Control"] == "no-cache"


def test_files_outside_the_build_are_never_served(webapp: str) -> None:
    status, body, _ = raw_get(webapp, "/../../../etc/passwd")
    assert status == 200 and b"root:" not in body and b'id="root"' in body
    status, _, _ = raw_get(webapp, "/assets/missing-1234.js")
    assert status == 404


def test_the_api_is_reached_through_the_same_origin(webapp: str) -> None:
    refused = requests.get(f"{webapp}/v1/me", timeout=10)
    assert refused.status_code == 401 and refused.json()["error_code"] == "AUTH_REQUIRED"
    posted = requests.post(f"{webapp}/v1/dossiers", json={"MaTTHC": "1.001193"}, timeout=10)
    assert posted.status_code == 401, "a POST with its body goes to the API, which answers for itself"
    assert requests.post(f"{webapp}/index.html", timeout=10).status_code == 405
