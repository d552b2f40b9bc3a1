"""The eSign portal (remote digital signature, SPEC §1, FR-10/11): a production-shaped remote
signing gateway with its own certification authority and timestamp authority, so that the
PAdES signatures hoso makes are real and verifiable.

Remote signing works as with the public CAs' cloud-signing services (CSC-style "sign hash"):
the signer's private key never leaves the gateway. hoso asks for the signer's certificate,
builds the PAdES signature in the PDF itself (pyHanko), sends the digest of the signed
attributes, gets the raw signature back and embeds it, then timestamps it at the gateway's TSA.

Protocol
--------
``POST /v1/credentials`` ``{"signer": {"id": str, "name": str, "organization"?: str}}`` →
200 ``{"credential_id", "certificate": PEM, "chain": [PEM, … root last]}``; the same signer id
again answers the same credential (its certificate is issued once, valid one year, with a CRL
distribution point at ``/ca/crl``; a revoked one is renewed: new key, new certificate);
400 ``INVALID_REQUEST`` with ``errors``.

``POST /v1/signatures/sign-hash`` ``{"credential_id", "hash_algorithm": "sha256" | "sha384" |
"sha512", "hash": base64 digest, "document_id"?: str}`` → 200 ``{"signature": base64 (RSA
PKCS#1 v1.5 over the digest), "signature_algorithm": "<hash>_rsa", "transaction_id"}``;
404 ``UNKNOWN_CREDENTIAL``; 403 ``CREDENTIAL_REVOKED``; 409 ``SIGNER_DECLINED`` (the signer
refused on their device — mode ``decline_next``); 400 ``INVALID_REQUEST``.

``POST /tsa`` — RFC 3161 (``application/timestamp-query`` → ``application/timestamp-reply``),
tokens signed by the gateway's TSA certificate (issued by the same root).

``GET /ca/root.pem`` — the root certificate (what a verifier trusts); ``GET /ca/crl`` — a
fresh DER CRL listing the revoked signer certificates.

The earlier request-recording protocol stays: ``POST /v1/sign`` ``{"document_id", "pdf_base64",
"signer"}`` → 202 ``{"status": "accepted", "transaction_id"}`` (checked and recorded, not signed);
``GET /v1/sign/{transaction_id}``.

Control: mode ``decline_next`` (int: the next N sign-hash calls are declined by the signer);
``POST /_sim/revoke/{credential_id}`` revokes a signer's certificate (it appears on the CRL).
The CA lives as long as the simulator: another instance is another, untrusted, CA.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import uuid
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from local.simulators.base import Mode, Simulator, iso_now, json_response, read_json_object

HASHES: dict[str, hashes.HashAlgorithm] = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(),
                                           "sha512": hashes.SHA512()}
DIGEST_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}
CERT_VALIDITY = dt.timedelta(days=365)
ROOT_VALIDITY = dt.timedelta(days=3650)


@dataclasses.dataclass
class EsignMode(Mode):
    decline_next: int = 0  # the next N sign-hash requests are declined by the signer


def _signer_ok(signer: Any) -> bool:
    if isinstance(signer, str):
        return bool(signer.strip())
    return isinstance(signer, dict) and bool(signer) and all(isinstance(v, str) and v for v in signer.values())


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@dataclasses.dataclass
class Credential:
    credential_id: str
    signer_id: str
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    revoked_at: dt.datetime | None = None


class LocalCA:
    """A root CA issuing signer and TSA certificates, and its CRL."""

    def __init__(self, label: str) -> None:
        now = dt.datetime.now(dt.UTC)
        self.key = _new_key()
        name = _name(f"hoso eSign Test Root CA ({label})", "Cổng eSign mô phỏng")
        self.certificate = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + ROOT_VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )

    def issue(self, subject: x509.Name, key: rsa.RSAPrivateKey, crl_url: str, *, tsa: bool = False) -> x509.Certificate:
        now = dt.datetime.now(dt.UTC)
        builder = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(self.certificate.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + CERT_VALIDITY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=not tsa, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None, reasons=None,
                crl_issuer=None)]), critical=False)
        )
        if tsa:
            builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        return builder.sign(self.key, hashes.SHA256())

    def crl(self, revoked: list[tuple[int, dt.datetime]]) -> bytes:
        now = dt.datetime.now(dt.UTC)
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.certificate.subject)
                   .last_update(now - dt.timedelta(minutes=1)).next_update(now + dt.timedelta(hours=1))
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                                  critical=False)
                   .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False))
        for serial, at in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(at).build())
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


class EsignSimulator(Simulator):
    mode_class = EsignMode
    failable = frozenset({"sign", "credentials", "sign_hash", "tsa"})

    def __init__(self, name: str) -> None:
        self.transactions: dict[str, dict[str, Any]] = {}
        self.credentials: dict[str, Credential] = {}  # by credential id
        self.by_signer: dict[str, str] = {}
        self.signatures: list[dict[str, Any]] = []
        self.ca = LocalCA(name)
        self._tsa: DummyTimeStamper | None = None
        super().__init__(name)

    def routes(self) -> list[Rule]:
        return [
            Rule("/v1/sign", endpoint="sign", methods=["POST"]),
            Rule("/v1/sign/<transaction_id>", endpoint="transaction", methods=["GET"]),
            Rule("/v1/credentials", endpoint="credentials", methods=["POST"]),
            Rule("/v1/signatures/sign-hash", endpoint="sign_hash", methods=["POST"]),
            Rule("/tsa", endpoint="tsa", methods=["POST"]),
            Rule("/ca/root.pem", endpoint="root", methods=["GET"]),
            Rule("/ca/crl", endpoint="crl", methods=["GET"]),
            Rule("/_sim/revoke/<credential_id>", endpoint="sim_revoke", methods=["POST"]),
        ]

    @property
    def crl_url(self) -> str:
        return f"{self.url}/ca/crl"

    # --- remote signing ----------------------------------------------------------------
    def on_credentials(self, request: Request) -> Response:
        body = read_json_object(request)
        signer = body.get("signer")
        errors = []
        if not isinstance(signer, dict):
            errors.append({"field": "signer", "message": "Bắt buộc, là đối tượng"})
        else:
            for field in ("id", "name"):
                if not isinstance(signer.get(field), str) or not signer[field].strip():
                    errors.append({"field": f"signer.{field}", "message": "Bắt buộc, là chuỗi"})
            if "organization" in signer and not isinstance(signer["organization"], str):
                errors.append({"field": "signer.organization", "message": "Phải là chuỗi"})
        if errors:
            return self.error(400, "INVALID_REQUEST", "Yêu cầu cấp chứng thư không hợp lệ", errors=errors)
        assert isinstance(signer, dict)
        with self.lock:
            known = self.by_signer.get(signer["id"])
            if known is None or self.credentials[known].revoked_at is not None:  # enrol, or renew a revoked one
                key = _new_key()
                subject = _name(signer["name"], signer.get("organization") or "Cơ quan nhà nước")
                credential = Credential(uuid.uuid4().hex, signer["id"], key, self.ca.issue(subject, key, self.crl_url))
                self.credentials[credential.credential_id] = credential
                self.by_signer[signer["id"]] = credential.credential_id
            else:
                credential = self.credentials[known]
        return json_response({"credential_id": credential.credential_id, "certificate": _pem(credential.certificate),
                              "chain": [_pem(self.ca.certificate)]})

    def on_sign_hash(self, request: Request) -> Response:
        body = read_json_object(request)
        algorithm = body.get("hash_algorithm")
        errors = []
        if algorithm not in HASHES:
            errors.append({"field": "hash_algorithm", "message": f"Một trong {sorted(HASHES)}"})
        digest = b""
        try:
            digest = base64.b64decode(str(body.get("hash", "")), validate=True)
        except (binascii.Error, ValueError):
            errors.append({"field": "hash", "message": "Không phải base64 hợp lệ"})
        if algorithm in DIGEST_SIZES and digest and len(digest) != DIGEST_SIZES[algorithm]:
            errors.append({"field": "hash", "message": "Độ dài giá trị băm không khớp thuật toán"})
        if errors:
            return self.error(400, "INVALID_REQUEST", "Yêu cầu ký không hợp lệ", errors=errors)
        with self.lock:
            credential = self.credentials.get(str(body.get("credential_id")))
            if credential is None:
                return self.error(404, "UNKNOWN_CREDENTIAL", "Không có chứng thư số này")
            if credential.revoked_at is not None:
                return self.error(403, "CREDENTIAL_REVOKED", "Chứng thư số đã bị thu hồi")
            if self.mode.decline_next > 0:
                self.mode = dataclasses.replace(self.mode, decline_next=self.mode.decline_next - 1)
                return self.error(409, "SIGNER_DECLINED", "Người ký đã từ chối yêu cầu ký trên thiết bị")
            signature = credential.key.sign(digest, padding.PKCS1v15(), Prehashed(HASHES[str(algorithm)]))
            transaction_id = str(uuid.uuid4())
            self.signatures.append({"transaction_id": transaction_id, "credential_id": credential.credential_id,
                                    "signer_id": credential.signer_id, "document_id": body.get("document_id"),
                                    "hash_algorithm": algorithm, "at": iso_now()})
        return json_response({"signature": base64.b64encode(signature).decode(),
                              "signature_algorithm": f"{algorithm}_rsa", "transaction_id": transaction_id})

    def _timestamper(self) -> DummyTimeStamper:
        with self.lock:
            if self._tsa is None:
                key = _new_key()
                cert = self.ca.issue(_name("hoso eSign Test TSA", "Cổng eSign mô phỏng"), key, self.crl_url, tsa=True)
                der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption())
                self._tsa = DummyTimeStamper(
                    tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
                    tsa_key=asn1_keys.PrivateKeyInfo.load(der_key),
                    certs_to_embed=[asn1_x509.Certificate.load(
                        self.ca.certificate.public_bytes(serialization.Encoding.DER))],
                )
            return self._tsa

    def on_tsa(self, request: Request) -> Response:
        try:
            query = tsp.TimeStampReq.load(request.get_data())
            query.native  # noqa: B018 — parse everything now: a malformed query is a 400, not a 500
        except ValueError:
            return Response(b"", status=400)
        answer = self._timestamper().request_tsa_response(query)
        return Response(answer.dump(), status=200, content_type="application/timestamp-reply")

    def on_root(self, request: Request) -> Response:
        return Response(_pem(self.ca.certificate), content_type="application/x-pem-file")

    def on_crl(self, request: Request) -> Response:
        with self.lock:
            revoked = [(c.certificate.serial_number, c.revoked_at) for c in self.credentials.values()
                       if c.revoked_at is not None]
        return Response(self.ca.crl(revoked), content_type="application/pkix-crl")

    def on_sim_revoke(self, request: Request, credential_id: str) -> Response:
        with self.lock:
            credential = self.credentials.get(credential_id)
            if credential is None:
                return self.error(404, "UNKNOWN_CREDENTIAL", "Không có chứng thư số này")
            credential.revoked_at = credential.revoked_at or dt.datetime.now(dt.UTC)
        return json_response({"credential_id": credential_id, "revoked": True})

    # --- request recording (earlier protocol) ------------------------------------------
    def on_sign(self, request: Request) -> Response:
        body = read_json_object(request)
        errors: list[dict[str, str]] = []
        document_id = body.get("document_id")
        if not isinstance(document_id, str) or not document_id.strip():
            errors.append({"field": "document_id", "message": "Bắt buộc, là chuỗi"})
        pdf = b""
        try:
            pdf = base64.b64decode(str(body.get("pdf_base64", "")), validate=True)
        except (binascii.Error, ValueError):
            errors.append({"field": "pdf_base64", "message": "Không phải base64 hợp lệ"})
        else:
            if not pdf.startswith(b"%PDF-"):
                errors.append({"field": "pdf_base64", "message": "Nội dung không phải tệp PDF"})
        if not _signer_ok(body.get("signer")):
            errors.append({"field": "signer", "message": "Bắt buộc: định danh người ký hoặc đối tượng chuỗi"})
        if errors:
            return self.error(400, "INVALID_REQUEST", "Yêu cầu ký số không hợp lệ", errors=errors)
        transaction_id = str(uuid.uuid4())
        with self.lock:
            self.transactions[transaction_id] = {
                "transaction_id": transaction_id,
                "status": "accepted",
                "document_id": document_id,
                "signer": body["signer"],
                "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
                "pdf_bytes": len(pdf),
                "received_at": iso_now(),
            }
        return json_response({"status": "accepted", "transaction_id": transaction_id}, 202)

    def on_transaction(self, request: Request, transaction_id: str) -> Response:
        with self.lock:
            transaction = self.transactions.get(transaction_id)
            if transaction is None:
                return self.error(404, "NOT_FOUND", "Không có giao dịch ký số này")
            return json_response(transaction)

    def snapshot(self) -> dict[str, Any]:
        return {"transactions": list(self.transactions.values()), "signatures": self.signatures,
                "credentials": [{"credential_id": c.credential_id, "signer_id": c.signer_id,
                                 "revoked": c.revoked_at is not None} for c in self.credentials.values()]}

    def clear(self) -> None:
        self.transactions.clear()
        self.signatures.clear()
