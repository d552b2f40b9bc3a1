"""Simulators of the parties around hoso, as real HTTP servers on loopback (SPEC §7).

``start_simulators(env)`` starts all ten in background threads and answers a
:class:`RunningServer` (``name``, ``url``, ``stop()``) for each:

===========  ========================  =====  ==============================================
name         what                      port   protocol (module)
===========  ========================  =====  ==============================================
dvcqg        national portal DVCQG     8101   §7.2 sync + §7.1 posting (:mod:`.dvcqg`)
coordinator  coordination system       8102   §7.2 + §7.7 liên thông hand-over (:mod:`.coordinator`)
province01   Hà Nội's system           8103   §7.2, own instance per province (:mod:`.dvcqg`)
province79   TP HCM's system           8179   §7.2 (SPEC §7.11: one endpoint and account each)
province48   Đà Nẵng's system          8148   §7.2
vneid        VNeID OIDC issuer         8104   §7.6 (:mod:`.vneid`)
population   population database       8105   auto-fill (:mod:`.population`)
esign        eSign portal              8106   sign requests (:mod:`.esign`)
payment      payment platform          8107   §7.4 (:mod:`.payment`)
post         postal service            8108   §7.5 (:mod:`.post`)
agency       another agency's system   8109   §7.3 hand-over and callback (:mod:`.agency`)
messaging    e-mail and SMS gateway    8110   officers' reminders (:mod:`.messaging`)
specialised  specialised software      8111   §7.3 dossier push and reports (:mod:`.specialised`)
ereceipt     e-receipt provider        8117   §7.8 issue, cancel, replace, day list (:mod:`.ereceipt`)
kiosk        self-service kiosk        8118   §7.9 the kiosk's screen calling hoso's kiosk API (:mod:`.kiosk`)
===========  ========================  =====  ==============================================

Environment (all optional): ``SIM_<NAME>_PORT`` (0: any free port); ``HOSO_API_URL``
(default ``http://127.0.0.1:8000``: where DVCQG posts dossiers and agencies call back);
``HOSO_DVCQG_HMAC_KEYS`` (JSON ``{"key_id": "secret"}``, default
``{"dvcqg-2026": "dev-secret-change-me"}``) and ``HOSO_DVCQG_ACTIVE_KEY_ID`` (default: the
first key); ``SIM_DVCQG_USERNAME`` / ``SIM_DVCQG_PASSWORD`` (``hoso`` / ``hoso-dev``; the
coordinator reads ``SIM_COORDINATOR_…`` and falls back to DVCQG's); each province its own
``SIM_PROVINCE<code>_USERNAME`` / ``_PASSWORD`` (``tinh-<code>`` / ``tinh-<code>-dev``);
``SIM_DVCQG_SESSION_TTL_S`` (1800); ``VNEID_CLIENT_ID`` (``hoso-officers``),
``SIM_VNEID_REDIRECT_URIS``, ``SIM_VNEID_ACCOUNTS_FILE``; ``SIM_POPULATION_API_KEY``
(``dev-population-key``); ``SIM_PAYMENT_HMAC_KEY`` (``dev-payment-key``);
``SIM_POST_CLIENT_TOKEN`` (``dev-post-token``); ``SIM_AGENCY_CLIENT_TOKEN``
(``dev-agency-token``); ``SIM_MESSAGING_TOKEN`` (``dev-messaging-token``);
``SIM_COORDINATOR_CLIENT_TOKEN`` (the coordinator's credential at hoso,
``coordinator-sim.dev-coordinator-token``); ``SIM_SPECIALISED_TOKEN`` (the specialised software's credential at hoso,
``pmcn-buc-xa.dev-specialised-token``); ``SIM_ERECEIPT_CLIENTS`` (JSON ``{"client_id": "key"}``,
``{"hoso": "dev-ereceipt-key"}``); ``SIM_KIOSK_TOKEN`` (the kiosk's key at hoso,
``kiosk-demo-h29.dev-kiosk-token``). A taken port raises
:class:`PortBusyError` (Vietnamese + English message, meant to be printed without a traceback).

Control endpoints (JSON; never affected by failure modes)
---------------------------------------------------------
Every simulator:

* ``GET /_sim/mode`` → the current modes; ``POST /_sim/mode`` with any of
  ``{"down": bool, "delay_ms": int, "fail_next": int}`` changes them (unknown keys or wrong
  types → 400, nothing changed). ``down``: 503 to every protocol route; ``delay_ms``: wait
  before answering; ``fail_next``: answer 500 to the next N protocol calls (DVCQG-style
  servers count only ``/service`` calls).
* ``GET /_sim/records`` → everything received; ``POST /_sim/reset`` → forget it and clear
  the modes (DVCQG sessions survive a reset; use ``expire_sessions``).

More per simulator:

* dvcqg / coordinator / province<code> — modes ``"success_code": "0" | "00"``, ``"envelope":
  "direct" | "lgsp"``, ``"error_code": int | null`` (answer it to every
  ``/service`` call), ``"lose_next": int`` (process the next N ``/service`` calls, then
  answer 502 as if the answer got lost) and the action ``"expire_sessions": true``;
  ``GET /_sim/records/{MaHoSo}`` (latest dossier, progress records in arrival order,
  history); ``GET /_sim/violations``; ``GET /`` an HTML page for people. dvcqg only:
  ``POST /_sim/post-dossier`` (optional JSON object of top-level overrides, ``null`` drops
  a field) builds a §7.1 dossier, signs it and POSTs it to ``{HOSO_API_URL}/v1/dvcqg/dossiers``
  → ``{"MaHoSoDVCQG", "status": hoso's HTTP status, "body": hoso's answer, "sent": dossier}``
  (502 when hoso cannot be reached); ``POST /_sim/send/{supplement|withdrawal|payment}/{MaHoSoDVCQG}``
  sends one of DVCQG's later messages about that dossier (:mod:`.dvcqg_later`), recorded in ``sent``.
* vneid — ``POST /_sim/token`` ``{"sub"}`` or ``{"SoDinhDanh"}`` (+ ``nonce``, ``ttl_s``) → tokens;
  ``GET /_sim/accounts``; ``POST /_sim/accounts`` (add or replace an account).
* payment — ``POST /_sim/pay/{MaThamChieu}`` (``{"MaLoi": "00"}``) → the result callback;
  ``POST /_sim/external/{MaThamChieu}`` (``{"SoTien", "MaGiaoDich"}``) → a transaction paid on
  DVCQG's payment page (no callback).
* post — ``POST /_sim/orders/{orderNumber}/status`` ``{"status", "note"?}`` → tracking callback.
* messaging — ``GET /_sim/messages`` (``?channel=email|sms``, ``?to=``): every e-mail and SMS accepted.
* agency — ``POST /_sim/complete/{dossier_code}`` ``{"outcome", "reason"?, "result_documents"?}``
  → callback to hoso; modes ``"auto_complete": bool``, ``"auto_outcome": "success" | "failure"
  | "supplement"``.
* ereceipt — mode ``"lose_next": int`` (issue, then answer 502); ``POST /_sim/receipts`` adds a
  receipt hoso never asked for (docs/ereceipts.md).
* specialised — ``POST /_sim/report/{dossier_code}`` ``{"kind": "status" | "results", …}`` → a
  report to hoso as the software's officers would send it.

Answers of the callback-sending control routes are ``{"sent": <what was POSTed>, "callback":
{"status": <receiver's HTTP status or null>, "body": <its answer>}}``.

Run them alone with ``python -m local.simulators``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Final

from local.simulators.accounts import DEMO_ACCOUNTS
from local.simulators.agency import AgencySimulator
from local.simulators.base import HOST, PortBusyError, RunningServer, Simulator, serve
from local.simulators.coordinator import DEFAULT_CLIENT_TOKEN as DEFAULT_COORDINATOR_TOKEN
from local.simulators.coordinator import CoordinatorSimulator
from local.simulators.dvcqg import DEFAULT_HMAC_KEYS, DossierPoster, DvcqgSimulator, parse_hmac_keys
from local.simulators.ereceipt import DEFAULT_CLIENTS as DEFAULT_ERECEIPT_CLIENTS
from local.simulators.ereceipt import EreceiptSimulator, parse_clients
from local.simulators.esign import EsignSimulator
from local.simulators.kiosk import DEFAULT_TOKEN as DEFAULT_KIOSK_TOKEN
from local.simulators.kiosk import KioskSimulator
from local.simulators.messaging import MessagingSimulator
from local.simulators.payment import PaymentSimulator
from local.simulators.population import PopulationSimulator
from local.simulators.post import PostSimulator
from local.simulators.specialised import SpecialisedSimulator
from local.simulators.vneid import VneidSimulator, validate_account

__all__ = ["DEFAULT_PORTS", "HOST", "LOCAL_PROVINCES", "PortBusyError", "RunningServer", "province_account",
           "province_simulator", "start_simulators"]

# The provinces whose systems the local stack simulates (codes of chalicelib/domain/provinces.py).
LOCAL_PROVINCES: Final = ("01", "79", "48")
DEFAULT_PORTS: Final = {
    "dvcqg": 8101,
    "coordinator": 8102,
    "province01": 8103,
    "province79": 8179,
    "province48": 8148,
    "vneid": 8104,
    "population": 8105,
    "esign": 8106,
    "payment": 8107,
    "post": 8108,
    "agency": 8109,
    "messaging": 8110,
    "specialised": 8111,
    "ereceipt": 8117,
    "kiosk": 8118,
}
DEFAULT_HOSO_API_URL: Final = "http://127.0.0.1:8000"


def province_simulator(code: str) -> str:
    """The simulator of province ``code``'s system: ``province79``."""
    return f"province{code}"


def province_account(env: Mapping[str, str], code: str) -> tuple[str, str]:
    """The account of province ``code``'s simulator: given in the environment or ``tinh-<code>``."""
    prefix = f"SIM_PROVINCE{code}_"
    return env.get(prefix + "USERNAME") or f"tinh-{code}", env.get(prefix + "PASSWORD") or f"tinh-{code}-dev"


def _port(env: Mapping[str, str], name: str) -> int:
    variable = f"SIM_{name.upper()}_PORT"
    raw = env.get(variable, "")
    if not raw:
        return DEFAULT_PORTS[name]
    if not raw.isdigit() or int(raw) > 65535:
        raise ValueError(f"{variable}={raw!r}: cổng phải là số từ 0 đến 65535 / port must be 0..65535")
    return int(raw)


def _dvcqg(env: Mapping[str, str], name: str, poster: DossierPoster | None) -> DvcqgSimulator:
    prefix = f"SIM_{name.upper()}_"
    username = env.get(prefix + "USERNAME") or env.get("SIM_DVCQG_USERNAME") or "hoso"
    password = env.get(prefix + "PASSWORD") or env.get("SIM_DVCQG_PASSWORD") or "hoso-dev"
    ttl = float(env.get("SIM_DVCQG_SESSION_TTL_S") or 1800)
    return DvcqgSimulator(name, username, password, ttl, poster)


def _coordinator(env: Mapping[str, str]) -> CoordinatorSimulator:
    """The coordination system: DVCQG's protocol with its own account, plus the liên thông hand-over."""
    base = _dvcqg(env, "coordinator", None)
    hoso = env.get("HOSO_API_URL") or DEFAULT_HOSO_API_URL
    keys, key_id = parse_hmac_keys(env.get("HOSO_DVCQG_HMAC_KEYS") or DEFAULT_HMAC_KEYS,
                                   env.get("HOSO_DVCQG_ACTIVE_KEY_ID"))  # fmt: skip
    return CoordinatorSimulator("coordinator", base.username, base.password, base.session_ttl_s,
                                env.get("SIM_COORDINATOR_CLIENT_TOKEN") or DEFAULT_COORDINATOR_TOKEN,
                                DossierPoster(hoso, keys, key_id))


def _province_builder(env: Mapping[str, str], code: str) -> Callable[[], Simulator]:
    username, password = province_account(env, code)
    ttl = float(env.get("SIM_DVCQG_SESSION_TTL_S") or 1800)
    return lambda: DvcqgSimulator(province_simulator(code), username, password, ttl)


def _vneid_accounts(env: Mapping[str, str]) -> list[dict[str, str]]:
    path = env.get("SIM_VNEID_ACCOUNTS_FILE")
    if not path:
        return [dict(a) for a in DEMO_ACCOUNTS]
    accounts = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(accounts, list) or not accounts:
        raise ValueError(f"{path}: cần một danh sách tài khoản JSON / a JSON list of accounts is expected")
    for account in accounts:
        problems = validate_account(account)
        if problems:
            raise ValueError(f"{path}: tài khoản không hợp lệ / invalid account: {problems}")
    return accounts


def _builders(env: Mapping[str, str]) -> dict[str, Callable[[], Simulator]]:
    hoso = env.get("HOSO_API_URL") or DEFAULT_HOSO_API_URL
    keys, key_id = parse_hmac_keys(env.get("HOSO_DVCQG_HMAC_KEYS") or DEFAULT_HMAC_KEYS,
                                   env.get("HOSO_DVCQG_ACTIVE_KEY_ID"))  # fmt: skip
    redirect_uris = [u.strip() for u in env.get("SIM_VNEID_REDIRECT_URIS", "").split(",") if u.strip()]
    return {
        "dvcqg": lambda: _dvcqg(env, "dvcqg", DossierPoster(hoso, keys, key_id)),
        "coordinator": lambda: _coordinator(env),
        **{province_simulator(code): _province_builder(env, code) for code in LOCAL_PROVINCES},
        "vneid": lambda: VneidSimulator(
            "vneid", env.get("VNEID_CLIENT_ID") or "hoso-officers", _vneid_accounts(env), redirect_uris
        ),
        "population": lambda: PopulationSimulator("population", env.get("SIM_POPULATION_API_KEY") or
                                                  "dev-population-key"),  # fmt: skip
        "esign": lambda: EsignSimulator("esign"),
        "payment": lambda: PaymentSimulator("payment", env.get("SIM_PAYMENT_HMAC_KEY") or "dev-payment-key"),
        "post": lambda: PostSimulator("post", env.get("SIM_POST_CLIENT_TOKEN") or "dev-post-token"),
        "agency": lambda: AgencySimulator("agency", hoso, env.get("SIM_AGENCY_CLIENT_TOKEN") or "dev-agency-token"),
        "messaging": lambda: MessagingSimulator("messaging", env.get("SIM_MESSAGING_TOKEN") or "dev-messaging-token"),
        "specialised": lambda: SpecialisedSimulator("specialised", env.get("SIM_SPECIALISED_TOKEN")
                                                    or "pmcn-buc-xa.dev-specialised-token"),
        "ereceipt": lambda: EreceiptSimulator("ereceipt", parse_clients(env.get("SIM_ERECEIPT_CLIENTS")
                                                                        or DEFAULT_ERECEIPT_CLIENTS)),
        "kiosk": lambda: KioskSimulator("kiosk", hoso, env.get("SIM_KIOSK_TOKEN") or DEFAULT_KIOSK_TOKEN),
    }


def start_simulators(env: Mapping[str, str], skip: Collection[str] = ()) -> list[RunningServer]:
    """Start every simulator but those in ``skip``; on any failure stop those already started
    and re-raise."""
    ports = {name: _port(env, name) for name in DEFAULT_PORTS if name not in skip}
    builders = _builders(env)
    running: list[RunningServer] = []
    try:
        built = {name: builders[name]() for name in ports}
        for name, port in ports.items():
            running.append(serve(built[name], port))
        dvcqg, payment = built.get("dvcqg"), built.get("payment")
        if isinstance(dvcqg, DvcqgSimulator) and dvcqg.poster is not None and payment is not None:
            dvcqg.poster.later.payment_url = payment.url  # DVCQG's payment page is the platform's
    except BaseException:
        for server in running:
            server.stop()
        raise
    return running
