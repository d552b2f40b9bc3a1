"""The trusted roots signatures are verified against (FR-10: "check certificate validity").

Kept in the catalogue table (``PKI#ROOT`` / ``<SHA-256 of the certificate>``, one partition,
read by key), administered by the ministry's administrators: in production the national
root CAs (public CA, government CA); locally the eSign simulator's test root, registered by
the seed from the gateway (:func:`trust_gateway_root`). A short in-process cache keeps
verification from reading the table on every call.

Revocation data comes only from the endpoints configured with a root (``crl_urls``, the CA's
published CRLs): verification never follows an address found in the document it checks (the
certificates' CRL distribution points, OCSP responders and AIA issuers are the sender's to
choose — following them would let anyone make hoso call any address).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Sequence

from asn1crypto import crl as asn1_crl
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pydantic import BaseModel, Field

from chalicelib import outbound
from chalicelib.settings import get_settings
from chalicelib.store.models import CatalogueItem

PK = "PKI#ROOT"
TTL_S = 300.0
MAX_PEM_CHARS = 16_384
MAX_CRL_URLS = 4
MAX_CRL_BYTES = 4 * 1024 * 1024
CRL_TIMEOUT_S = 5.0

_cache: tuple[float, list[asn1_x509.Certificate], list[str]] | None = None
_crls: dict[str, tuple[float, bytes | None]] = {}
_lock = threading.Lock()


class InvalidCertificate(ValueError):
    """Not a PEM CA certificate."""


class TrustRoot(BaseModel):
    fingerprint: str
    subject: str
    not_after: dt.datetime
    pem: str
    added_by: str
    added_at: dt.datetime
    crl_urls: list[str] = Field(default_factory=list, description="Nơi lấy danh sách thu hồi (CRL) của CA này")


def parse_ca(pem: str) -> asn1_x509.Certificate:
    if len(pem) > MAX_PEM_CHARS or not asn1_pem.detect(pem.encode()):
        raise InvalidCertificate("not a PEM certificate")
    try:
        kind, _, der = asn1_pem.unarmor(pem.encode())
        cert = asn1_x509.Certificate.load(der)
        cert.native  # noqa: B018 — parse fully now
    except ValueError as err:
        raise InvalidCertificate(str(err)) from None
    if kind != "CERTIFICATE" or not cert.ca:
        raise InvalidCertificate("not a CA certificate")
    return cert


def add_root(pem: str, added_by: str, crl_urls: Sequence[str] = ()) -> TrustRoot:
    """Trust a CA; ``crl_urls`` are the only places its revocation lists are fetched from."""
    cert = parse_ca(pem)
    if len(crl_urls) > MAX_CRL_URLS or any(not u.startswith(("https://", "http://")) for u in crl_urls):
        raise InvalidCertificate("CRL addresses must be at most 4 http(s) URLs")
    root = TrustRoot(fingerprint=hashlib.sha256(cert.dump()).hexdigest(), subject=cert.subject.human_friendly,
                     not_after=cert.not_valid_after, pem=asn1_pem.armor("CERTIFICATE", cert.dump()).decode(),
                     added_by=added_by, added_at=dt.datetime.now(dt.UTC), crl_urls=list(crl_urls))
    CatalogueItem(pk=PK, sk=root.fingerprint, data=root.model_dump(mode="json"), gsi1pk="TYPE#trust_root",
                  gsi1sk=root.fingerprint).save()
    clear_cache()
    return root


def list_roots() -> list[TrustRoot]:
    return [TrustRoot.model_validate(i.data) for i in CatalogueItem.query(PK)]


def remove_root(fingerprint: str) -> None:
    CatalogueItem(pk=PK, sk=fingerprint).delete()
    clear_cache()


def _trusted() -> tuple[list[asn1_x509.Certificate], list[str]]:
    """The roots and the CRL addresses configured with them (cached :data:`TTL_S` seconds)."""
    global _cache
    now = time.monotonic()
    with _lock:
        if _cache is not None and now - _cache[0] < TTL_S:
            return _cache[1], _cache[2]
    configured = list_roots()
    certs = [parse_ca(r.pem) for r in configured]
    urls = sorted({u for r in configured for u in r.crl_urls})
    with _lock:
        _cache = (now, certs, urls)
    return certs, urls


def roots() -> list[asn1_x509.Certificate]:
    return _trusted()[0]


def revocation_lists() -> list[bytes]:
    """The trusted CAs' CRLs (DER), fetched only from the addresses configured with the roots,
    each kept :data:`TTL_S` seconds; one that cannot be fetched is left out (the verification
    then reports revocation as not checked)."""
    out = []
    for url in _trusted()[1]:
        now = time.monotonic()
        with _lock:
            known = _crls.get(url)
        if known is None or now - known[0] >= TTL_S:
            known = (now, _fetch_crl(url))
            with _lock:
                _crls[url] = known
        if known[1] is not None:
            out.append(known[1])
    return out


def _fetch_crl(url: str) -> bytes | None:
    try:
        answer = outbound.call("GET", url, timeout=CRL_TIMEOUT_S)
    except outbound.GatewayError:
        return None
    if answer.status != 200 or len(answer.body) > MAX_CRL_BYTES:
        return None
    try:
        asn1_crl.CertificateList.load(answer.body).native  # noqa: B018 — parse fully now
    except ValueError:
        return None
    return answer.body


def clear_cache() -> None:
    global _cache
    with _lock:
        _cache = None
        _crls.clear()


def trust_gateway_root(added_by: str = "seed") -> TrustRoot:
    """Register the eSign gateway's published root (``GET /ca/root.pem``) and its CRL
    (``/ca/crl``): the local stack's seed trusts its simulator this way; production roots are
    added by an administrator."""
    answer = outbound.call("GET", f"{get_settings().esign_base_url.rstrip('/')}/ca/root.pem")
    if answer.status != 200:
        raise outbound.GatewayError(f"root certificate: HTTP {answer.status}")
    return add_root(answer.body.decode("ascii", "replace"), added_by,
                    crl_urls=[f"{get_settings().esign_base_url.rstrip('/')}/ca/crl"])
