"""The public verification of a PDF anyone sends (issue 11, item 7): nothing named in the
file is fetched (blind SSRF through the certificates' CRL, OCSP and AIA addresses), and a
PDF bomb is refused within a bound, never a hang or a 500."""

from __future__ import annotations

import base64
import datetime as dt
import io
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from chalicelib.documents import bounded, trust
from chalicelib.documents import service as documents
from local.simulators.accounts import MINISTRY_UNIT
from tests.integration.documents.conftest import World, officer


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request it receives."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 — http.server's naming
            seen.append(f"GET {self.path}")
            self.send_response(404)
            self.end_headers()

        def do_POST(self) -> None:  # noqa: N802
            seen.append(f"POST {self.path}")
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _attacker_signer(base: str) -> signers.SimpleSigner:
    """A signer whose certificate points its CRL, OCSP and CA-issuer addresses at ``base``;
    its issuer is not embedded (a verifier that follows AIA would fetch it)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (x509.CertificateBuilder().subject_name(_name("Kẻ tấn công")).issuer_name(_name("CA giả"))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(f"{base}/crl")], relative_name=None, reasons=None,
                crl_issuer=None)]), critical=False)
            .add_extension(x509.AuthorityInformationAccess([
                x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                                       x509.UniformResourceIdentifier(f"{base}/ocsp")),
                x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                                       x509.UniformResourceIdentifier(f"{base}/ca.der"))]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    cert = asn1_x509.Certificate.load(leaf.public_bytes(serialization.Encoding.DER))
    private = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return signers.SimpleSigner(signing_cert=cert, signing_key=private,
                                cert_registry=SimpleCertificateStore.from_certs([cert]))


def test_verifying_a_sent_pdf_fetches_nothing_its_certificates_name(
        world: World, listener: tuple[str, list[str]]) -> None:
    base, seen = listener
    dossier = world.to_approval()
    issued = documents.issue_result(dossier.code, officer("appraiser"))
    pdf = world.s3.get_object(Bucket="hoso-dev-results", Key=issued.versions[0].s3_key)["Body"].read()
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                           signers.PdfSignatureMetadata(field_name="ChuKy1"), signer=_attacker_signer(base))
    answer = world.call("POST", "/v1/documents/verify",
                        body={"pdf_base64": base64.b64encode(out.getvalue()).decode()})
    assert answer.status_code == 200, answer.body
    assert not answer.json_body["ok"] and not answer.json_body["signatures"][0]["trusted"]
    time.sleep(0.5)  # a fetch made in the background would have arrived by now
    assert seen == [], f"the verifier called addresses named in the attacker's certificate: {seen}"


def _xref_stream_bomb(inflated: int) -> bytes:
    """A PDF whose cross-reference stream inflates to ``inflated`` bytes (a few hundred KB sent)."""
    head = b"%PDF-1.7\n"
    objects = [b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
               b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"]
    offsets, body = [], head
    for obj in objects:
        offsets.append(len(body))
        body += obj
    xref_at = len(body)
    rows = b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"
    for offset in [*offsets, xref_at]:
        rows += b"\x01" + offset.to_bytes(4, "big") + b"\x00\x00"
    packer = zlib.compressobj(9)
    data = packer.compress(rows)
    chunk = b"\x00" * (1 << 20)
    for _ in range(inflated >> 20):
        data += packer.compress(chunk)
    data += packer.flush()
    body += (b"3 0 obj\n<< /Type /XRef /Size 4 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length "
             + str(len(data)).encode() + b" >>\nstream\n" + data + b"\nendstream\nendobj\n")
    return body + b"startxref\n" + str(xref_at).encode() + b"\n%%EOF\n"


def _nesting_bomb(depth: int) -> bytes:
    """A catalogue whose /AcroForm is an array nested ``depth`` deep."""
    catalog = b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields " + b"[" * depth + b"]" * depth
    body = b"%PDF-1.7\n"
    offsets = [len(body)]
    body += catalog + b" >> >>\nendobj\n"
    offsets.append(len(body))
    body += b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    xref_at = len(body)
    body += b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return body + b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n" + str(xref_at).encode() + b"\n%%EOF\n"


@pytest.mark.parametrize("make", [lambda: _xref_stream_bomb(512 << 20), lambda: _nesting_bomb(200_000)],
                         ids=["inflates-to-512MB", "nested-200000-deep"])
def test_a_pdf_bomb_is_refused_within_a_bound(world: World, make: Callable[[], bytes]) -> None:
    bomb = make()
    assert len(bomb) < 4 * 1024 * 1024
    started = time.monotonic()
    answer = world.call("POST", "/v1/documents/verify", body={"pdf_base64": base64.b64encode(bomb).decode()})
    elapsed = time.monotonic() - started
    assert answer.status_code == 422, answer.body
    assert answer.json_body["error_code"] == "PDF_TOO_COMPLEX"
    assert elapsed < documents.VERIFY_TIMEOUT_S + 5


def _spin() -> None:
    while True:
        pass


def _hoard() -> bytes:
    return b"\x00" * (2 << 30)


def test_bounded_work_is_stopped_at_its_deadline_and_its_memory_limit() -> None:
    started = time.monotonic()
    with pytest.raises(bounded.LimitExceeded):
        bounded.run(_spin, timeout_s=1.0, memory_bytes=64 << 20)
    assert time.monotonic() - started < 3
    with pytest.raises(bounded.LimitExceeded):
        bounded.run(_hoard, timeout_s=10.0, memory_bytes=64 << 20)
    with pytest.raises(bounded.Failed) as failed:
        bounded.run(int, "not a number", timeout_s=5.0, memory_bytes=64 << 20)
    assert failed.value.kind == "ValueError"
    assert bounded.run(sum, [1, 2, 3], timeout_s=5.0, memory_bytes=64 << 20) == 6


def test_the_crl_addresses_are_configured_with_the_trusted_root_by_the_ministry_admin(world: World) -> None:
    pem = requests.get(f"{world.sims.rogue_esign.url}/ca/root.pem", timeout=5).text
    for bad in (["file:///etc/passwd"], ["gopher://x"], [f"{world.sims.rogue_esign.url}/ca/crl"] * 5):
        refused = world.call("POST", "/v1/admin/trust-roots", "admin", MINISTRY_UNIT, {"pem": pem, "crl_urls": bad})
        assert refused.status_code == 422, refused.body
    crl = f"{world.sims.rogue_esign.url}/ca/crl"
    added = world.call("POST", "/v1/admin/trust-roots", "admin", MINISTRY_UNIT, {"pem": pem, "crl_urls": [crl]})
    assert added.status_code == 201, added.body
    listed = world.call("GET", "/v1/admin/trust-roots", "admin", MINISTRY_UNIT).json_body["items"]
    assert any(r["crl_urls"] == [crl] for r in listed)
    assert len(trust.revocation_lists()) == 2  # the gateway's CRL and this CA's: fetched from what was configured
