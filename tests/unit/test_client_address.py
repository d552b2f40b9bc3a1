"""The client address the public limits are keyed on (issue 11, Medium 10): behind the
government integration gateway every request has the gateway's source address, so a limit
keyed on it locks every citizen out as soon as one abuses it; reading ``X-Forwarded-For``
naively lets any caller pick a fresh key per request. The address is taken from the header
only when the request comes from a trusted proxy, walking from the right past trusted hops."""

from __future__ import annotations

import ipaddress

import pytest
from chalice.app import Request
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.api.caller import client_address, parse_networks
from chalicelib.documents import lookup

GATEWAY = "198.51.100.7"  # the integration gateway's egress address
INNER = "10.20.0.5"  # a load balancer between the gateway and API Gateway, also trusted
CLOUDFRONT = "130.176.12.34"  # an edge-optimized API's CloudFront address, added by AWS
TRUSTED = parse_networks(f"{GATEWAY}/32, 10.20.0.0/16")


def _context(source: str) -> dict[str, object]:
    return {"identity": {"sourceIp": source}}


def _address(source: str, forwarded: str | None = None, trusted: tuple = TRUSTED) -> str:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return client_address(headers, _context(source), trusted)


def test_nothing_trusted_means_the_source_address_whatever_the_header() -> None:
    assert _address("203.0.113.9", "1.2.3.4", trusted=()) == "203.0.113.9"
    assert _address(GATEWAY, "1.2.3.4", trusted=()) == GATEWAY  # the default: HOSO_TRUSTED_PROXIES empty


def test_a_direct_caller_cannot_pick_its_key_with_the_header() -> None:
    for forged in ("1.2.3.4", f"1.2.3.4, {GATEWAY}", f"{GATEWAY}", "10.20.0.1, 5.6.7.8"):
        assert _address("203.0.113.9", forged) == "203.0.113.9"


def test_behind_the_gateway_each_citizen_is_its_own_address() -> None:
    assert _address(GATEWAY, "203.0.113.10") == "203.0.113.10"
    assert _address(GATEWAY, "203.0.113.11") == "203.0.113.11"
    assert _address(GATEWAY, f"203.0.113.10, {GATEWAY}") == "203.0.113.10"  # API Gateway appended the source
    assert _address(GATEWAY, f"203.0.113.10, {GATEWAY}, {CLOUDFRONT}") == "203.0.113.10"  # edge-optimized


def test_entries_a_caller_adds_before_the_gateway_s_own_are_ignored() -> None:
    # the caller sent "X-Forwarded-For: 1.2.3.4"; the gateway appended the caller's real address
    assert _address(GATEWAY, "1.2.3.4, 203.0.113.10") == "203.0.113.10"
    assert _address(GATEWAY, f"1.2.3.4, {GATEWAY}, 203.0.113.10, {GATEWAY}") == "203.0.113.10"
    assert _address(GATEWAY, f"{INNER}, 203.0.113.10") == "203.0.113.10"


def test_trusted_hops_are_walked_past() -> None:
    assert _address(INNER, f"203.0.113.10, {GATEWAY}") == "203.0.113.10"  # gateway → load balancer → API


def test_no_usable_entry_falls_back_to_the_source_address() -> None:
    assert _address(GATEWAY) == GATEWAY
    assert _address(GATEWAY, "") == GATEWAY
    assert _address(GATEWAY, f"{INNER}, {GATEWAY}") == GATEWAY
    assert _address(GATEWAY, "unknown") == GATEWAY
    assert _address(GATEWAY, "203.0.113.10, <script>") == GATEWAY  # garbage ends the walk
    assert client_address({}, {}, TRUSTED) == "unknown"


def test_ipv6_callers() -> None:
    trusted = parse_networks("2001:db8:ffff::/48")
    assert _address("2001:db8:ffff::1", "2001:db8:1::42", trusted) == "2001:db8:1::42"
    assert _address("2001:db8:1::42", "2001:db8:2::1", trusted) == "2001:db8:1::42"


_UNTRUSTED = st.ip_addresses(v=4).map(str).filter(
    lambda a: not any(ipaddress.ip_address(a) in n for n in TRUSTED))
_ANY_ENTRY = st.one_of(st.ip_addresses(v=4).map(str), st.sampled_from([GATEWAY, INNER, "", "x", "::1"]))


@given(st.lists(_ANY_ENTRY, max_size=4), _UNTRUSTED, st.booleans())
def test_whatever_a_caller_prepends_the_key_is_what_the_gateway_appended(
        prefix: list[str], real: str, edge: bool) -> None:
    """A caller controls every entry left of the gateway's; API Gateway then appends the
    gateway's address (regional) or the gateway's and CloudFront's (edge-optimized)."""
    aws = [GATEWAY, CLOUDFRONT] if edge else [GATEWAY]
    assert _address(GATEWAY, ", ".join([*prefix, real, *aws])) == real


def test_misconfigured_trusted_proxies_fail_loudly() -> None:
    with pytest.raises(ValueError):
        parse_networks("gateway.example")


def _client(source: str, forwarded: str | None) -> str:
    """The client of a request through API Gateway, as the public routes find it."""
    request = _request(source, forwarded)
    return client_address(request.headers, request.context)


def _request(source: str, forwarded: str | None) -> Request:
    headers = {"x-forwarded-for": forwarded} if forwarded is not None else {}
    return Request({"multiValueQueryStringParameters": None, "headers": headers, "pathParameters": {},
                    "requestContext": {"httpMethod": "GET", "resourcePath": "/", "identity": {"sourceIp": source}},
                    "body": None, "isBase64Encoded": False, "stageVariables": None})


def test_the_lookup_counts_against_the_client_and_the_dossier(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("chalicelib.api.caller.trusted_proxies", lambda: TRUSTED)
    code = "000.00.13.H29-260730-0001"
    assert lookup.limits(_client(GATEWAY, "1.2.3.4, 203.0.113.10"), code) == [
        ("ip:203.0.113.10", lookup.LIMIT_PER_MINUTE), (f"code:{code}", lookup.CODE_LIMIT_PER_MINUTE)]
    assert lookup.limits(_client("203.0.113.9", "1.2.3.4"), None) == [("ip:203.0.113.9", lookup.LIMIT_PER_MINUTE)]
    assert lookup.limits(_client(GATEWAY, None), "x" * 65) == [(f"ip:{GATEWAY}", lookup.LIMIT_PER_MINUTE)]
