"""Per-environment, non-secret settings: outside parties' endpoints and a few codes.

They reach the functions as environment variables (the names of chalicelib/settings.py)
and are also written to SSM Parameter Store under ``/hoso/<stage>/config/<KEY>`` so that
operators can see what a stage runs with. The values come from a JSON object given to the
synth (``--config-json``; in CI the GitHub environment's variable ``HOSO_CONFIG``). A local
synth may leave keys out: they fall back to chalicelib's defaults, which point at the local
simulators. A deployment (``--require-config``) must give every key, with https URLs.

``LOCAL_ONLY`` keys exist for the local stack alone: a local synth gives them their local value
(the simulators run on 127.0.0.1, which the outbound HTTP client otherwise refuses); a
deployment's configuration may not set them, and its template carries none of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import urlparse

CONFIG_KEYS = (
    "HOSO_MINISTRY_UNIT_CODE",
    "HOSO_SMOKE_TEST_UNIT_CODE",  # the post-deploy smoke test's unit: its dossiers never sync outward
    "HOSO_PUBLIC_BASE_URL",
    "DVCQG_BASE_URL",
    "COORDINATOR_BASE_URL",
    "HOSO_COORDINATOR_RETURN_ORIGINS",  # origins the deep-link desk intake returns officers to (§7.7)
    "HOSO_PROVINCES",  # JSON: province code → {"url", "secret", "envelope"?} (chalicelib/integrations/endpoints.py)
    "HOSO_SYNC_ENVELOPES",  # JSON: "dvcqg"/"coordinator" → "direct" | "lgsp"
    "VNEID_ISSUER",
    "VNEID_AUDIENCE",
    "VNEID_JWKS_URL",
    "POPULATION_BASE_URL",
    "ESIGN_BASE_URL",
    "PAYMENT_BASE_URL",
    "POST_BASE_URL",
    "AGENCY_BASE_URL",
    "MESSAGING_BASE_URL",
    "ERECEIPT_BASE_URL",  # the default e-receipt provider (SPEC §7.8)
    "HOSO_ERECEIPT_UNITS",  # per unit: {"<unit>": {"endpoint", "credential"}} (chalicelib/ereceipts/provider.py)
    "HOSO_ASSISTANT_LLM",  # the assistant's language-model service (FR-22): "off" or its URL (docs/assistant.md)
)

LOCAL_ONLY = {
    # chalicelib/outbound.py: hosts called although they resolve to internal addresses (the simulators)
    "HOSO_OUTBOUND_PRIVATE_HOSTS": "127.0.0.1,localhost",
}


class ConfigError(ValueError):
    """The stage configuration is incomplete or unsafe to deploy."""


def local_defaults() -> dict[str, str]:
    """chalicelib's own defaults (the local simulators), keyed by environment variable."""
    from chalicelib.settings import Settings

    return {f.alias: str(f.default) for f in Settings.model_fields.values() if f.alias in CONFIG_KEYS}


def parse(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise ConfigError(f"the stage configuration is not JSON: {e}") from e
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError("the stage configuration must be a JSON object of strings")
    return value


def _check_endpoints(given: Mapping[str, str], *, require: bool) -> None:
    """The JSON settings of the sync endpoints parse; a deployment's provinces are reached over https."""
    from chalicelib.integrations.endpoints import EndpointError, parse_envelopes, parse_provinces

    try:
        provinces = parse_provinces(given.get("HOSO_PROVINCES", "{}"))
        parse_envelopes(given.get("HOSO_SYNC_ENVELOPES", "{}"))
    except EndpointError as err:
        raise ConfigError(str(err)) from None
    insecure = sorted(code for code, e in provinces.items() if urlparse(e.base_url).scheme != "https")
    if require and insecure:
        raise ConfigError(f"a deployment needs https endpoints; HOSO_PROVINCES not https: {insecure}")
    llm = given.get("HOSO_ASSISTANT_LLM", "off")
    if llm != "off" and urlparse(llm).scheme not in (("https",) if require else ("http", "https")):
        raise ConfigError(f"HOSO_ASSISTANT_LLM is \"off\" or the language-model service's "
                          f"{'https ' if require else ''}URL, not {llm!r}")
    _check_return_origins(given.get("HOSO_COORDINATOR_RETURN_ORIGINS", ""), require=require)


def _check_return_origins(text: str, *, require: bool) -> None:
    """The deep-link desk intake's allow-list parses; a deployment's origins are https (SPEC §7.7)."""
    from chalicelib.domain.desk_link import parse_origins

    try:
        origins = parse_origins(text)
    except ValueError as err:
        raise ConfigError(f"HOSO_COORDINATOR_RETURN_ORIGINS: {err}") from None
    insecure = sorted(o for o in origins if not o.startswith("https://"))
    if require and insecure:
        raise ConfigError(f"a deployment needs https endpoints; HOSO_COORDINATOR_RETURN_ORIGINS not https: {insecure}")


def resolve(given: Mapping[str, str], *, require: bool) -> dict[str, str]:
    unknown = sorted(set(given) - set(CONFIG_KEYS) - set(LOCAL_ONLY))
    if unknown:
        raise ConfigError(f"unknown configuration keys {unknown}; known: {list(CONFIG_KEYS)}")
    local_only = sorted(k for k in LOCAL_ONLY if k in given)
    if require and local_only:
        raise ConfigError(f"a deployment calls no internal address: {local_only} is for the local stack only")
    if require:
        missing = [k for k in CONFIG_KEYS if not given.get(k)]
        if missing:
            raise ConfigError(f"a deployment needs every configuration key; missing {missing}")
        insecure = [k for k, v in given.items() if k.endswith(("_URL", "_ISSUER")) and urlparse(v).scheme != "https"]
        if insecure:
            raise ConfigError(f"a deployment needs https endpoints; not https: {insecure}")
    _check_endpoints(given, require=require)
    values = {**local_defaults(), **given}
    missing = [k for k in CONFIG_KEYS if k not in values]
    if missing:
        raise ConfigError(f"no value and no chalicelib default for {missing}")
    local = {} if require else {k: given.get(k, v) for k, v in LOCAL_ONLY.items()}
    return {k: values[k] for k in CONFIG_KEYS} | local
