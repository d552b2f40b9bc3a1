"""PAdES signatures through the eSign gateway, and their verification (FR-10, FR-11).

Signing is remote, as with the public CAs' cloud-signing services: the signer's private key
never leaves the gateway (``ESIGN_BASE_URL``; locally the eSign simulator, which runs a real
test CA and TSA — see ``local/simulators/esign.py`` for the protocol). hoso asks the gateway
for the signer's certificate, lets pyHanko build the PAdES signature dictionary and the CMS
signed attributes, sends only their digest to the gateway (``sign-hash``), embeds the raw RSA
signature it gets back, and adds an RFC 3161 signature timestamp from the gateway's TSA
(PAdES B-T). Each signature is an incremental update, so a document carries several
signatures (leader, then the clerk's seal…) and each one stays verifiable.

Verification checks, per signature: integrity (the signed byte ranges hash to what was
signed), cryptographic validity, the chain to hoso's trusted roots (:mod:`.trust`), the
certificate's validity period and key usage, revocation against the trusted CAs' CRLs
(fetched by :mod:`.trust` from the addresses configured with the roots, never from addresses
named in the file: nothing is fetched while validating; when no CRL covers a certificate
it is reported as not checked, not fatal), the timestamp, and whether the signature covers
the whole file (changes appended after it are reported). Untrusted files are verified in a
bounded child process (:mod:`.bounded`, see ``service.verify_bytes``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from asn1crypto import algos, tsp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfDecodeLimitError, PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from chalicelib import outbound
from chalicelib.domain.calendar import VN_TZ
from chalicelib.settings import get_settings

DIGEST = "sha256"
# what a PDF bomb raises: pyHanko's decoded-size limit, nesting deeper than the recursion limit
TOO_COMPLEX = (MemoryError, RecursionError, PdfDecodeLimitError)
SIGNATURE_BYTES = 256  # RSA-2048; the placeholder is sized from the signer's key anyway


class SigningFailed(Exception):
    """The gateway refused or could not sign; ``code`` is stable, ``message`` Vietnamese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


_GATEWAY_REFUSALS = {
    "SIGNER_DECLINED": "Người ký đã từ chối yêu cầu ký trên thiết bị.",
    "CREDENTIAL_REVOKED": "Chứng thư số của người ký đã bị thu hồi.",
    "UNKNOWN_CREDENTIAL": "Không tìm thấy chứng thư số của người ký trên Cổng eSign.",
}


def _unavailable() -> SigningFailed:
    return SigningFailed("ESIGN_UNAVAILABLE", "Cổng ký số không phản hồi, vui lòng thử lại sau.")


@dataclass(frozen=True)
class SignerIdentity:
    id: str  # the officer's VNeID subject
    name: str
    organization: str


@dataclass(frozen=True)
class Credential:
    credential_id: str
    certificate: asn1_x509.Certificate
    chain: tuple[asn1_x509.Certificate, ...]


def _load_pem(pem: str) -> asn1_x509.Certificate:
    from asn1crypto import pem as asn1_pem

    _, _, der = asn1_pem.unarmor(pem.encode())
    return asn1_x509.Certificate.load(der)


class Gateway:
    """The eSign gateway's HTTP protocol."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._credentials: dict[str, Credential] = {}
        self._lock = threading.Lock()

    def _json(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            answer = outbound.post_json(f"{self.base_url}{path}", payload)
        except outbound.GatewayError:
            raise _unavailable() from None
        if answer.status >= 500:
            raise _unavailable()
        body = answer.json()
        if answer.status != 200:
            code = str(body.get("error_code", "ESIGN_REFUSED")) if isinstance(body, dict) else "ESIGN_REFUSED"
            raise SigningFailed(code, _GATEWAY_REFUSALS.get(code, "Cổng ký số từ chối yêu cầu ký."))
        if not isinstance(body, dict):
            raise _unavailable()
        return body

    def credential(self, signer: SignerIdentity) -> Credential:
        with self._lock:
            known = self._credentials.get(signer.id)
        if known is not None:
            return known
        body = self._json("/v1/credentials", {"signer": {"id": signer.id, "name": signer.name,
                                                         "organization": signer.organization}})
        credential = Credential(str(body["credential_id"]), _load_pem(body["certificate"]),
                                tuple(_load_pem(p) for p in body.get("chain", [])))
        with self._lock:
            self._credentials[signer.id] = credential
        return credential

    def forget(self, signer_id: str) -> None:
        with self._lock:
            self._credentials.pop(signer_id, None)

    def sign_hash(self, credential: Credential, digest: bytes, document_id: str) -> bytes:
        body = self._json("/v1/signatures/sign-hash", {
            "credential_id": credential.credential_id, "hash_algorithm": DIGEST,
            "hash": base64.b64encode(digest).decode(), "document_id": document_id,
        })
        return base64.b64decode(body["signature"])

    def timestamp(self, request_der: bytes) -> bytes:
        try:
            answer = outbound.call("POST", f"{self.base_url}/tsa", request_der,
                               {"Content-Type": "application/timestamp-query"})
        except outbound.GatewayError:
            raise _unavailable() from None
        if answer.status != 200:
            raise _unavailable()
        return answer.body


class _RemoteSigner(signers.Signer):
    """pyHanko's signer whose raw signature is made by the gateway."""

    def __init__(self, gateway: Gateway, credential: Credential, document_id: str) -> None:
        super().__init__(
            signing_cert=credential.certificate,
            cert_registry=SimpleCertificateStore.from_certs([credential.certificate, *credential.chain]),
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": f"{DIGEST}_rsa"}),
        )
        self.gateway, self.credential, self.document_id = gateway, credential, document_id

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:
            return bytes(self.credential.certificate.public_key.byte_size or SIGNATURE_BYTES)
        digest = hashlib.new(digest_algorithm, data).digest()
        return self.gateway.sign_hash(self.credential, digest, self.document_id)


class _GatewayTimeStamper(TimeStamper):
    def __init__(self, gateway: Gateway) -> None:
        super().__init__()
        self.gateway = gateway

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return tsp.TimeStampResp.load(self.gateway.timestamp(req.dump()))


_gateways: dict[str, Gateway] = {}


def gateway() -> Gateway:
    url = get_settings().esign_base_url
    if url not in _gateways:
        _gateways[url] = Gateway(url)
    return _gateways[url]


def reset_gateways() -> None:
    """Forget cached credentials (tests and the local stack change the gateway)."""
    _gateways.clear()


def signature_count(pdf_bytes: bytes) -> int:
    return len(PdfFileReader(BytesIO(pdf_bytes), strict=False).embedded_signatures)


def is_signable(pdf_bytes: bytes) -> bool:
    """The file is a PDF whose structure pyHanko can read, so that it can be signed later (a file
    that only starts with ``%PDF`` passes the upload's magic-byte check but cannot be signed)."""
    try:
        signature_count(pdf_bytes)
    except (PdfReadError, PdfDecodeLimitError, ValueError, KeyError, IndexError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    field_name: str
    certificate_subject: str
    certificate_serial: str


def sign_pdf(pdf_bytes: bytes, signer: SignerIdentity, *, document_id: str, reason: str, location: str,
             via: Gateway | None = None) -> Signed:
    """Add one PAdES B-T signature (a new signature field, incremental update)."""
    gw = via or gateway()
    try:
        return _sign_once(gw, pdf_bytes, signer, document_id, reason, location)
    except SigningFailed as err:
        if err.code not in ("UNKNOWN_CREDENTIAL", "CREDENTIAL_REVOKED"):
            raise
    gw.forget(signer.id)  # the gateway renewed or dropped the certificate: enrol again, once
    return _sign_once(gw, pdf_bytes, signer, document_id, reason, location)


def _sign_once(gw: Gateway, pdf_bytes: bytes, signer: SignerIdentity, document_id: str, reason: str,
               location: str) -> Signed:
    credential = gw.credential(signer)
    field_name = f"ChuKySo{signature_count(pdf_bytes) + 1}"
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, reason=reason, location=location, name=signer.name, md_algorithm=DIGEST,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    pdf_signer = signers.PdfSigner(meta, signer=_RemoteSigner(gw, credential, document_id),
                                   timestamper=_GatewayTimeStamper(gw))
    try:
        out = pdf_signer.sign_pdf(writer)
    except (SigningError, TimestampRequestError):
        raise _unavailable() from None
    return Signed(out.getvalue(), field_name, credential.certificate.subject.human_friendly,
                  format(credential.certificate.serial_number, "x"))


# --- verification ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SignatureReport:
    field: str
    signer: str
    certificate_subject: str
    certificate_issuer: str
    certificate_serial: str
    certificate_valid_from: str
    certificate_valid_to: str
    signed_at: str | None  # the signer's claimed time
    timestamp: str | None  # the TSA's time, when a valid timestamp is present
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool
    revocation_checked: bool
    covers_whole_file: bool
    modified_after: bool
    ok: bool
    problems: tuple[str, ...]


@dataclass(frozen=True)
class VerificationReport:
    ok: bool
    signatures: tuple[SignatureReport, ...]
    problems: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": list(self.problems),
                "signatures": [s.__dict__ | {"problems": list(s.problems)} for s in self.signatures]}


def _iso(value: Any) -> str | None:
    return value.astimezone(VN_TZ).isoformat() if value is not None else None


async def _validate(sig: Any, roots: Sequence[asn1_x509.Certificate], crls: Sequence[bytes]) -> SignatureReport:
    # allow_fetching=False: no CRL, OCSP or AIA address named in the (untrusted) file is called
    context = ValidationContext(trust_roots=list(roots), crls=list(crls), allow_fetching=False,
                                revocation_mode="soft-fail")
    problems: list[str] = []
    try:
        status = await async_validate_pdf_signature(sig, context)
    except (SignatureValidationError, ValueError) as err:
        await context.aclose()
        cert = sig.signer_cert
        return SignatureReport(
            field=sig.field_name, signer=cert.subject.native.get("common_name", ""),
            certificate_subject=cert.subject.human_friendly, certificate_issuer=cert.issuer.human_friendly,
            certificate_serial=format(cert.serial_number, "x"),
            certificate_valid_from=_iso(cert.not_valid_before) or "",
            certificate_valid_to=_iso(cert.not_valid_after) or "", signed_at=None, timestamp=None, intact=False,
            valid=False, trusted=False, revoked=False, revocation_checked=False, covers_whole_file=False,
            modified_after=False, ok=False, problems=(f"Chữ ký không kiểm tra được: {err}",))
    await context.aclose()  # the CRL/OCSP fetchers' HTTP sessions
    cert = status.signing_cert
    coverage = status.coverage.name if status.coverage is not None else ""
    whole = coverage == "ENTIRE_FILE"
    modified_after = not whole and status.modification_level is not None and status.modification_level.name not in (
        "NONE", "LTA_UPDATES", "FORM_FILLING")
    revocation_checked = status.trusted and not context.soft_fail_exceptions
    if not status.intact:
        problems.append("Nội dung đã bị thay đổi sau khi ký (sai giá trị băm).")
    if not status.valid:
        problems.append("Chữ ký số không hợp lệ về mật mã.")
    if not status.trusted:
        problems.append("Chứng thư số không chuỗi về tổ chức chứng thực gốc được tin cậy "
                        f"({status.trust_problem_indic.name if status.trust_problem_indic else 'không rõ'}).")  # type: ignore[attr-defined]  # an enum member, typed as its mixin
    if status.revoked:
        problems.append("Chứng thư số đã bị thu hồi.")
    if modified_after:
        problems.append("Tệp đã bị sửa đổi sau chữ ký này.")
    if not revocation_checked:
        problems.append("Chưa kiểm tra được tình trạng thu hồi chứng thư (không truy cập được CRL/OCSP).")
    ts = status.timestamp_validity
    timestamp = _iso(ts.timestamp) if ts is not None and ts.intact and ts.valid else None
    ok = status.intact and status.valid and status.trusted and not status.revoked and not modified_after
    return SignatureReport(
        field=sig.field_name, signer=cert.subject.native.get("common_name", ""),
        certificate_subject=cert.subject.human_friendly, certificate_issuer=cert.issuer.human_friendly,
        certificate_serial=format(cert.serial_number, "x"), certificate_valid_from=_iso(cert.not_valid_before) or "",
        certificate_valid_to=_iso(cert.not_valid_after) or "", signed_at=_iso(status.signer_reported_dt),
        timestamp=timestamp, intact=status.intact, valid=status.valid, trusted=status.trusted,
        revoked=status.revoked, revocation_checked=revocation_checked, covers_whole_file=whole,
        modified_after=modified_after, ok=ok, problems=tuple(problems))


def verify_pdf(pdf_bytes: bytes, roots: Sequence[asn1_x509.Certificate],
               crls: Sequence[bytes] = ()) -> VerificationReport:
    """Every signature of the file checked against ``roots`` (revocation against ``crls``, DER);
    ``ok`` only if there is at least one signature, every one is ok, and the last one covers
    the whole file."""
    try:
        reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
        embedded = list(reader.embedded_signatures)
    except TOO_COMPLEX:
        raise  # a bomb, not a malformed file: service.verify_bytes answers it (422)
    except Exception:  # noqa: BLE001 — any parse failure of an untrusted file is "not a readable PDF"
        return VerificationReport(False, (), ("Tệp không phải PDF đọc được.",))
    if not embedded:
        return VerificationReport(False, (), ("Tệp không có chữ ký số.",))

    async def run() -> list[SignatureReport]:
        return [await _validate(sig, roots, crls) for sig in embedded]

    reports = asyncio.run(run())
    problems: list[str] = []
    if not reports[-1].covers_whole_file:
        problems.append("Có nội dung được thêm vào sau chữ ký cuối cùng.")
    ok = all(r.ok for r in reports) and not problems
    return VerificationReport(ok, tuple(reports), tuple(problems))


def verify_der(pdf_bytes: bytes, root_ders: Sequence[bytes], crls: Sequence[bytes]) -> VerificationReport:
    """:func:`verify_pdf` with the roots as DER (what a bounded child process is handed)."""
    return verify_pdf(pdf_bytes, [asn1_x509.Certificate.load(d) for d in root_ders], crls)
