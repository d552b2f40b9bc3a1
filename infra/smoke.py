"""Post-deploy smoke test of one stage: ``python -m infra.smoke --stage dev --outputs build/outputs.json``.

Against the deployed API (``--base-url``, or the stack output ``EndpointURL`` in the file
``cdk deploy --outputs-file`` wrote):

1. ``GET /health`` answers 200 ``{"status": "ok"}``;
2. a signed synthetic DVCQG intake (SPEC §7.1: HMAC headers, a realistic birth-registration
   dossier) to the smoke-test unit answers 201 with a dossier code of that unit, status "1";
3. the lookup: the same signed request again answers 200 with the same code (hoso finds the
   dossier by DVCQG's reference, read back from the dossiers table).

The smoke-test unit (``--unit``, default the environment's ``HOSO_SMOKE_TEST_UNIT_CODE``, the
stage setting) must be in the stage's catalogue; its dossiers never sync outward
(chalicelib/sync/scope.py), so nothing reaches DVCQG, the coordinator or a province. The HMAC
keys are ``HOSO_SMOKE_HMAC_KEYS`` (JSON ``{key_id: secret}``) or else the stage's secret
``hoso/<stage>/dvcqg-hmac-keys`` in Secrets Manager. Exits 0 when every check passes, 1 (naming
the failed check) otherwise; the deploy workflow runs it after each stage's deployment.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from chalicelib.domain.hmac_auth import KEY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from chalicelib.settings import Settings
from infra.resources import REGION, STAGES, secret_name, stack_name

TIMEOUT_S = 30
INTAKE_PATH = "/v1/dvcqg/dossiers"


class SmokeFailed(Exception):
    """A check did not pass: the deployment is not serving."""


@dataclass(frozen=True)
class Passed:
    check: str
    detail: str


def run(base_url: str, unit: str, keys: Mapping[str, str], *, key_id: str | None = None) -> list[Passed]:
    """Every check in order; raises :class:`SmokeFailed` at the first that fails."""
    base = base_url.rstrip("/")
    if not keys:
        raise SmokeFailed("no DVCQG HMAC key to sign the synthetic intake with")
    kid = key_id or sorted(keys)[0]
    if kid not in keys:
        raise SmokeFailed(f"no HMAC key {kid!r} (known: {sorted(keys)})")
    passed = []

    health = _call("health", lambda: requests.get(f"{base}/health", timeout=TIMEOUT_S))
    _expect(health.status_code == 200 and _json(health).get("status") == "ok", "health", health)
    passed.append(Passed("health", "GET /health 200 ok"))

    raw = json.dumps(_synthetic_dossier(unit), ensure_ascii=False).encode("utf-8")
    first = _call("intake", lambda: _post_signed(base, raw, kid, keys[kid]))
    _expect(first.status_code == 201, "intake", first)
    code = str(_json(first).get("MaHoSo", ""))
    _expect(code.startswith(f"{unit}-") and _json(first).get("TrangThaiHoSo") == "1", "intake", first)
    passed.append(Passed("intake", f"signed DVCQG intake → 201 {code}"))

    again = _call("lookup", lambda: _post_signed(base, raw, kid, keys[kid]))
    _expect(again.status_code == 200 and _json(again).get("MaHoSo") == code, "lookup", again)
    passed.append(Passed("lookup", f"the same reference again → 200 {code}"))
    return passed


def _synthetic_dossier(unit: str) -> dict[str, Any]:
    from local.simulators.dvcqg import build_dossier  # the DVCQG simulator's realistic dossier

    return build_dossier(overrides={"MaDonViTiepNhan": unit, "TrichYeuHoSo": "Kiểm tra sau triển khai (tự động)"})


def _post_signed(base: str, raw: bytes, key_id: str, secret: str) -> requests.Response:
    ts = int(time.time())
    headers = {
        "Content-Type": "application/json",
        KEY_ID_HEADER: key_id,
        TIMESTAMP_HEADER: str(ts),
        SIGNATURE_HEADER: sign(secret, raw, ts),
    }
    return requests.post(f"{base}{INTAKE_PATH}", data=raw, headers=headers, timeout=TIMEOUT_S)


def _call(check: str, request: Callable[[], requests.Response]) -> requests.Response:
    try:
        return request()
    except requests.RequestException as e:
        raise SmokeFailed(f"{check}: no answer ({type(e).__name__}: {e})") from e


def _json(answer: requests.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _expect(ok: bool, check: str, answer: requests.Response) -> None:
    if not ok:
        raise SmokeFailed(f"{check}: HTTP {answer.status_code} {answer.text[:500]}")


def endpoint_from_outputs(path: Path, stage: str) -> str:
    """``EndpointURL`` of the stage's stack in a ``cdk deploy --outputs-file`` file."""
    outputs = json.loads(path.read_text())
    try:
        return str(outputs[stack_name(stage)]["EndpointURL"])
    except KeyError as e:
        raise SmokeFailed(f"{path} has no EndpointURL output for {stack_name(stage)}") from e


def hmac_keys(stage: str, environ: Mapping[str, str]) -> dict[str, str]:
    text = environ.get("HOSO_SMOKE_HMAC_KEYS")
    if not text:
        import boto3

        secret = boto3.client("secretsmanager", region_name=REGION).get_secret_value(
            SecretId=secret_name(stage, "dvcqg-hmac-keys"))
        text = secret["SecretString"]
    keys = json.loads(text)
    if not isinstance(keys, dict) or not all(isinstance(v, str) and v for v in keys.values()):
        raise SmokeFailed("the DVCQG HMAC keys are not a JSON object of key id → secret")
    return keys


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.smoke", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True, choices=STAGES)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--base-url", help="the API's base URL")
    where.add_argument("--outputs", type=Path, help="the JSON of `cdk deploy --outputs-file`")
    default_unit = os.environ.get("HOSO_SMOKE_TEST_UNIT_CODE") or Settings().smoke_test_unit_code
    parser.add_argument("--unit", default=default_unit, help="the smoke-test unit (never syncs outward)")
    parser.add_argument("--key-id", default=None, help="which DVCQG HMAC key signs (default: the first)")
    args = parser.parse_args(argv)
    try:
        base = args.base_url or endpoint_from_outputs(args.outputs, args.stage)
        for p in run(base, args.unit, hmac_keys(args.stage, os.environ), key_id=args.key_id):
            print(f"ok   {p.check}: {p.detail}")
    except SmokeFailed as e:
        print(f"FAIL {e}", file=sys.stderr)
        return 1
    print(f"smoke test of {args.stage} passed ({base})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
