"""``python -m local.run`` (``make run``): the whole of hoso on this machine, in the foreground.

Synthesises the CloudFormation template when it is missing or older than its sources, starts
the simulators of the outside parties, a moto server, creates every resource of the template
in it, loads the seed data, serves the API and delivers queue, schedule, S3 and stream events
to the same handlers Lambda runs (see ``local/stack.py``). Ctrl-C (or SIGTERM) stops it all.

Environment variables (all optional):

=================================  ==============  ====================================================
variable                           default         meaning
=================================  ==============  ====================================================
``HOSO_HOST``                      ``127.0.0.1``   address every local server listens on
``HOSO_API_PORT``                  ``8000``        the API (Chalice); 0 picks a free port
``MOTO_PORT``                      ``4566``        the moto server (AWS); 0 picks a free port
``HOSO_WEB_PORT``                  ``8080``        the officers' web app (API on the same origin)
``HOSO_STAGE``                     ``dev``         which template: ``build/cdk.out/hoso-<stage>.template.json``
``HOSO_TEMPLATE``                  (synthesised)   a template file to use as it is, instead of the stage's
                                                   (then nothing is synthesised)
``HOSO_RECORD_AWS_CALLS``          (off)           a folder: each function's AWS calls are written there
                                                   for ``python -m infra.iam_check`` (local/aws_calls.py)
``AWS_DEFAULT_REGION``             ap-southeast-1  the region resources are created in
``HOSO_DVCQG_HMAC_KEYS``           simulator's     JSON ``{"key id": "secret"}``: DVCQG's request-signing
                                                   keys, given to the DVCQG simulator and stored in the
                                                   ``hoso/<stage>/dvcqg-hmac-keys`` secret
``SIM_DVCQG_USERNAME`` /           ``hoso`` /      DVCQG login, given to the simulator and stored in the
``SIM_DVCQG_PASSWORD``             ``hoso-dev``    ``hoso/<stage>/dvcqg-credentials`` secret (the
                                                   coordinator's and province's too, unless
                                                   ``SIM_COORDINATOR_…``/``SIM_PROVINCE_…`` give their own)
``SIM_PAYMENT_HMAC_KEY``           ``dev-payment-  the payment platform's HMAC key (simulator and the
                                   key``           ``hoso/<stage>/payment-hmac-key`` secret)
``SIM_<NAME>_PORT`` and other      8101…8109       ports and settings of each simulator (NAME = DVCQG,
``SIM_*`` variables                                COORDINATOR, PROVINCE, VNEID, …): local/simulators
``DVCQG_BASE_URL`` and every       simulators      given: hoso uses it (e.g. DVCQG's test environment for a
other ``infra.config.CONFIG_KEYS``                 conformance run) instead of the simulator's URL or the
setting                                            template's value; a simulator whose every URL setting
                                                   is given stays off (the DVCQG and VNeID simulators
                                                   always run: dossier posting, logins)
=================================  ==============  ====================================================

Exit codes: 0 after a clean stop, 2 when a port is taken (message in Vietnamese and English),
1 (with the traceback) when the stack cannot start for another reason.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import signal
import sys
import threading
from urllib.parse import urlencode

from chalicelib.settings import get_settings
from local.simulators import PortBusyError
from local.simulators.accounts import DEMO_ACCOUNTS, DEMO_UNITS
from local.stack import LocalStack, PortInUseError


def vneid_login_url(vneid_url: str, api_url: str) -> str:
    """The simulator's login page (the accounts to choose from), as an OIDC client opens it;
    after a choice it redirects to the API docs with the authorization code."""
    verifier = secrets.token_urlsafe(32)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    query = {
        "response_type": "code",
        "client_id": get_settings().vneid_audience,
        "redirect_uri": f"{api_url}/docs",
        "scope": "openid",
        "state": secrets.token_urlsafe(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{vneid_url}/oauth2/authorize?{urlencode(query)}"


def banner(stack: LocalStack) -> str:
    units = {u["code"]: u["name"] for u in DEMO_UNITS}
    sims = {s.name: s.url for s in stack.simulators}
    lines = [
        "",
        "hoso đang chạy trên máy này / hoso is running locally",
        "",
        f"  Ứng dụng cán bộ / web app   {stack.web_url}",
        f"  API                         {stack.api_url}",
        f"  Tình trạng / health         {stack.api_url}/health  (từng thành phần: /v1/ops/health, vận hành)",
        f"  Tài liệu API / API docs     {stack.api_url}/docs   (OpenAPI: {stack.api_url}/openapi.json)",
        f"  AWS (moto)                  {stack.moto_url}   (dashboard: {stack.moto_url}/moto-api/)",
    ]
    if "vneid" in sims:
        lines.append(f"  Đăng nhập VNeID / login     {vneid_login_url(sims['vneid'], stack.api_url)}")
    if "dvcqg" in sims:
        lines.append(f"  DVCQG: hồ sơ đã nhận        {sims['dvcqg']}/   (JSON: {sims['dvcqg']}/_sim/records)")
    if stack.explicit:
        lines += ["", "  Thiết lập đã cho / explicit settings (thay cho trình mô phỏng / instead of the simulators):"]
        lines += [f"    {key:<26}{value}" for key, value in stack.explicit.items()]
    lines += ["", "  Trình mô phỏng / simulators:"]
    lines += [f"    {name:<26}{url}" for name, url in sims.items()]
    lines += ["", "  Tài khoản mẫu / demo accounts (đăng nhập VNeID bằng số định danh / log in with the number):"]
    lines += [
        f"    {a['SoDinhDanh']}  {a['HoVaTen']:<24} {a['role']:<15} {units.get(a['unit_code'], a['unit_code'])}"
        for a in DEMO_ACCOUNTS
    ]
    lines += ["", "  Nhấn Ctrl-C để dừng / press Ctrl-C to stop.", ""]
    return "\n".join(lines)


def main() -> int:
    # Ctrl-C and SIGTERM stop the stack; SIGINT explicitly too, as a shell that starts us in
    # the background leaves it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    stack = LocalStack(dict(os.environ))
    try:
        stack.start()
        print(banner(stack), flush=True)
        threading.Event().wait()
    except (PortInUseError, PortBusyError) as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đang dừng… / stopping…", file=sys.stderr, flush=True)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
