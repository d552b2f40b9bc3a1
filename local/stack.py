"""``LocalStack``: the whole of hoso on one machine, in one process.

``LocalStack(env).start()`` brings up, in order: the simulators of the outside parties, a moto
server (Step Functions executions on, ``local.moto_patches`` applied), every resource of the
synthesised template (``local.provision``), the process environment the Lambda functions
would have, the seed data (``local/seed.py`` when it exists), the Chalice app over HTTP
(Chalice's own local API Gateway: same routes and authorizers, threaded) and the event
dispatcher (``local.dispatcher``). ``stop()`` stops them in reverse order and puts the
process environment back. ``python -m local.run`` (``make run``) drives it in the
foreground; tests and benchmarks use it directly with port 0 (free ports).

The environment variables it reads are documented in ``local/run.py``.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from chalice.config import Config
from chalice.local import CustomLocalChalice, LocalChalice, LocalDevServer, ThreadedHTTPServer
from moto.server import ThreadedMotoServer

from chalicelib import aws, settings
from chalicelib.flows import chains
from chalicelib.integrations import secrets
from chalicelib.observability import logger
from infra.config import CONFIG_KEYS
from infra.resources import secret_name
from local import aws_calls, moto_patches
from local.dispatcher import Dispatcher
from local.provision import ProvisionResult, provision
from local.reset import reset_app_caches
from local.simulators import (
    DEFAULT_PORTS,
    HOST,
    LOCAL_PROVINCES,
    PortBusyError,
    RunningServer,
    province_account,
    province_simulator,
    start_simulators,
)
from local.simulators.dvcqg import DEFAULT_HMAC_KEYS
from local.simulators.ereceipt import DEFAULT_CLIENTS as DEFAULT_ERECEIPT_CLIENTS
from local.simulators.ereceipt import parse_clients

REPO_ROOT = Path(__file__).resolve().parent.parent
ACCOUNT_ID = "123456789012"  # moto's default account
# What the synthesised template is made from: newer than the template → synthesise again.
# chalicelib/store/indexes.py: the index projections infra declares from the models' definition
TEMPLATE_SOURCES = ("infra", "app.py", "state_machines", ".chalice/config.json", "requirements.lock",
                    "chalicelib/store/indexes.py")
SYNTH_TIMEOUT_S = 600

DEFAULTS = {
    "HOSO_HOST": "127.0.0.1",
    "HOSO_API_PORT": "8000",
    "MOTO_PORT": "4566",
    "HOSO_STAGE": "dev",
    "AWS_DEFAULT_REGION": "ap-southeast-1",
}
# Simulator → the settings variables that point hoso at it (chalicelib/settings.py), each
# with the path under the simulator's URL.
_SIMULATOR_URL_VARIABLES: dict[str, dict[str, str]] = {
    "dvcqg": {"DVCQG_BASE_URL": ""},
    "coordinator": {"COORDINATOR_BASE_URL": ""},
    "vneid": {"VNEID_ISSUER": "", "VNEID_JWKS_URL": "/.well-known/jwks.json"},
    "population": {"POPULATION_BASE_URL": ""},
    "esign": {"ESIGN_BASE_URL": ""},
    "payment": {"PAYMENT_BASE_URL": ""},
    "post": {"POST_BASE_URL": ""},
    "agency": {"AGENCY_BASE_URL": ""},
    "messaging": {"MESSAGING_BASE_URL": ""},
    "ereceipt": {"ERECEIPT_BASE_URL": ""},
}
# Simulators that run even when hoso is pointed elsewhere: DVCQG's posts the dossiers
# (``/_sim/post-dossier``) and VNeID's serves the web app's and the tests' logins.
_ALWAYS_ON = ("dvcqg", "vneid")


def explicit_settings(env: Mapping[str, str]) -> dict[str, str]:
    """The stage settings (``infra.config.CONFIG_KEYS``: outside parties' URLs and codes) given
    in the environment: they win over the simulators' URLs and the template's values, so a
    local stack can be pointed at a partner's test environment (a DVCQG conformance run)."""
    return {key: env[key] for key in CONFIG_KEYS if env.get(key)}


def simulators_off(explicit: Mapping[str, str]) -> set[str]:
    """The simulators nobody would reach: every variable that points hoso at them is given
    (the provincial systems': ``HOSO_PROVINCES``)."""
    off = {
        name
        for name, variables in _SIMULATOR_URL_VARIABLES.items()
        if name not in _ALWAYS_ON and all(v in explicit for v in variables)
    }
    if "HOSO_PROVINCES" in explicit:
        off |= {province_simulator(code) for code in LOCAL_PROVINCES}
    return off


def province_secret(stage: str, code: str) -> str:
    """Where the local stack keeps province ``code``'s account (infra/provinces.py's prefix)."""
    return secret_name(stage, f"province-{code}")


def province_settings(simulators: Mapping[str, str], stage: str) -> dict[str, str]:
    """``HOSO_PROVINCES`` pointing at the running provincial simulators (name → URL)."""
    entries = {code: {"url": simulators[province_simulator(code)], "secret": province_secret(stage, code)}
               for code in LOCAL_PROVINCES if province_simulator(code) in simulators}  # fmt: skip
    return {"HOSO_PROVINCES": json.dumps(entries)} if entries else {}


def function_settings(
    template_env: Mapping[str, str], simulators: Mapping[str, str], explicit: Mapping[str, str]
) -> dict[str, str]:
    """The functions' settings: the template's, then the running simulators' URLs (name → URL),
    then what the environment gives explicitly."""
    env = dict(template_env)
    for name, url in simulators.items():
        for variable, path in _SIMULATOR_URL_VARIABLES.get(name, {}).items():
            env[variable] = f"{url}{path}"
    # The running provincial simulators, and only they (the template names them at their default ports).
    env["HOSO_PROVINCES"] = province_settings(simulators, template_env.get("HOSO_STAGE", "dev")).get(
        "HOSO_PROVINCES", "{}"
    )
    if "coordinator" in simulators:  # the deep-link desk intake sends officers back to it (SPEC §7.7)
        env["HOSO_COORDINATOR_RETURN_ORIGINS"] = simulators["coordinator"]
    return {**env, **explicit}


# Sync destinations whose simulators fall back to DVCQG's account unless given their own.
_OWN_ACCOUNTS = ("coordinator",)


class PortInUseError(RuntimeError):
    """A port the stack must listen on is taken: the message says which and what to do."""

    def __init__(self, what: str, host: str, port: int, variable: str) -> None:
        self.port = port
        super().__init__(
            f"Cổng {port} trên {host} ({what}) đang được chương trình khác sử dụng. Hãy dừng chương trình đó "
            f"hoặc đặt biến {variable} sang cổng khác. / Port {port} on {host} ({what}) is already in use. "
            f"Stop that program or set {variable} to another port."
        )


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on ``host:port`` (SO_REUSEADDR, as the servers bind it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


# --- the template ------------------------------------------------------------------------------
def template_path(stage: str, outdir: Path | None = None) -> Path:
    return (outdir or REPO_ROOT / "build" / "cdk.out") / f"hoso-{stage}.template.json"


def _newest_source_mtime(root: Path) -> float:
    newest = 0.0
    for name in TEMPLATE_SOURCES:
        path = root / name
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
        elif path.is_dir():
            for f in path.rglob("*"):
                if f.is_file() and "__pycache__" not in f.parts:
                    newest = max(newest, f.stat().st_mtime)
    return newest


def template_is_stale(template: Path, root: Path = REPO_ROOT) -> bool:
    return not template.is_file() or template.stat().st_mtime < _newest_source_mtime(root)


def local_template_config(stage: str) -> dict[str, str]:
    """What the local template is synthesised with beyond chalicelib's defaults: the provincial
    simulators as configured provinces, so that the province sync function's role may read
    their accounts (infra/provinces.py grants only configured provinces' secrets). The URLs are
    the simulators' default ports; the running stack points the functions at the real ones
    (:func:`province_settings`)."""
    simulators = {province_simulator(code): f"http://{HOST}:{DEFAULT_PORTS[province_simulator(code)]}"
                  for code in LOCAL_PROVINCES}  # fmt: skip
    return province_settings(simulators, stage)


def synth_command(stage: str, outdir: Path | None = None) -> list[str]:
    """``python -m infra.synth`` for ``stage`` (into ``outdir``, Chalice's package beside it),
    configured as the local stack runs it (:func:`local_template_config`)."""
    command = [sys.executable, "-m", "infra.synth", "--stage", stage,
               "--config-json", json.dumps(local_template_config(stage))]  # fmt: skip
    if outdir is not None:
        command += ["--outdir", str(outdir), "--work-dir", str(outdir.parent)]
    return command


def ensure_template(stage: str, outdir: Path | None = None) -> Path:
    """The synthesised template of ``stage``, running ``python -m infra.synth`` if it is
    missing or older than infra/, app.py, state_machines/, .chalice/config.json or requirements.lock."""
    template = template_path(stage, outdir)
    if not template_is_stale(template):
        return template
    command = synth_command(stage, outdir)
    logger.info("Local stack: synthesising the template", extra={"command": " ".join(command)})
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=SYNTH_TIMEOUT_S, check=False
    )
    if template_is_stale(template):
        raise RuntimeError(
            f"python -m infra.synth --stage {stage} failed (exit {done.returncode}):\n{done.stderr or done.stdout}"
        )
    if done.returncode != 0:
        # The template is written; what failed is a deployment gate (e.g. cdk-nag findings).
        logger.warning(
            "Local stack: infra.synth reported findings; running with the template it wrote",
            extra={"exit_code": done.returncode, "findings": done.stderr.strip().splitlines()[-20:]},
        )
    return template


# --- the stack -------------------------------------------------------------------------------
class LocalStack:
    """Everything ``make run`` runs, startable in-process (port 0: any free port)."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        template: Path | Mapping[str, Any] | None = None,
    ) -> None:
        merged = {**DEFAULTS, **dict(os.environ if env is None else env)}
        self.env = merged
        self.host = merged["HOSO_HOST"]
        self.stage = merged["HOSO_STAGE"]
        self.region = merged["AWS_DEFAULT_REGION"]
        self.api_port = int(merged["HOSO_API_PORT"])
        self.web_port = int(merged.get("HOSO_WEB_PORT", "8080"))
        self.serve_webapp = merged.get("HOSO_WEBAPP", "1") != "0"  # HOSO_WEBAPP=0: API and events only
        self.webapp: Any = None
        self.web_url = ""
        self.moto_port = int(merged["MOTO_PORT"])
        self.explicit = explicit_settings(merged)
        self._template = template
        self.api_url = ""
        self.moto_url = ""
        self.simulators: list[RunningServer] = []
        self.dispatcher: Dispatcher | None = None
        self.provisioned: ProvisionResult | None = None
        self._moto: Any = None
        self._api_server: Any = None
        self._api_thread: threading.Thread | None = None
        self._replaced_environ: dict[str, str | None] = {}  # what the stack changed, as it was

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> LocalStack:
        self.check_ports()
        aws_calls.install(self.env.get(aws_calls.ENV_VAR))  # HOSO_RECORD_AWS_CALLS: for python -m infra.iam_check
        template = self._load_template()
        shared = self._shared_secrets()
        try:
            self._start_moto()
            self.provisioned = provision(
                template,
                self.moto_url,
                ACCOUNT_ID,
                self.region,
                stack_name=f"hoso-{self.stage}",
                secret_values=self._secret_values(shared),
            )
            self._bind_api(self.provisioned)
            self._start_simulators({**self.env, **shared, "HOSO_API_URL": self.api_url})
            self._set_environment(self.provisioned)
            self._province_secrets()
            self._configure_integrations()
            self._run_seed()
            self._serve_api()
            if self.serve_webapp:
                self._serve_webapp()
            self.dispatcher = Dispatcher(self.provisioned)
            self.dispatcher.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.webapp is not None:
            self.webapp.stop()
            self.webapp = None
        if self.dispatcher is not None:
            self.dispatcher.stop()
            self.dispatcher = None
        if self._api_server is not None:
            if self._api_thread is not None:  # bound but never served (a start that failed): nothing to shut down
                self._api_server.server.shutdown()
            self._api_server.server.close_connections()
            self._api_server.server.server_close()
            self._api_server = None
        if self._api_thread is not None:
            self._api_thread.join(timeout=5)
            self._api_thread = None
        for server in reversed(self.simulators):
            server.stop()
        self.simulators = []
        self._restore_environment()
        if self._moto is not None:
            self._moto.stop()
            self._moto = None
        gc.collect()  # closes the dropped boto3 clients' keep-alive connections to moto

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- steps -----------------------------------------------------------------------------
    def check_ports(self) -> None:
        """Fail before starting anything when a port is taken (PortInUseError, PortBusyError)."""
        ports = (("API", self.api_port, "HOSO_API_PORT"), ("moto", self.moto_port, "MOTO_PORT"),
                 ("web app", self.web_port, "HOSO_WEB_PORT"))
        for what, port, variable in ports:
            if port and not port_is_free(self.host, port):
                raise PortInUseError(what, self.host, port, variable)
        off = simulators_off(self.explicit)
        for name, default in DEFAULT_PORTS.items():
            if name in off:
                continue
            port = int(self.env.get(f"SIM_{name.upper()}_PORT") or default)
            if port and not port_is_free(HOST, port):
                raise PortBusyError(name, port)

    def _load_template(self) -> Mapping[str, Any]:
        if isinstance(self._template, Mapping):
            return self._template
        path = self._template or self.env.get("HOSO_TEMPLATE") or ensure_template(self.stage)
        return json.loads(Path(path).read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def _start_simulators(self, env: Mapping[str, str]) -> None:
        off = simulators_off(self.explicit)
        if off:
            logger.info("Local stack: simulators off, their settings given explicitly",
                        extra={"off": sorted(off), "settings": sorted(self.explicit)})
        self.simulators = list(start_simulators(env, skip=off))

    def _start_moto(self) -> None:
        moto_patches.apply()
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        if self.moto_port:
            self._set_environ({"MOTO_PORT": str(self.moto_port)})
        self._moto = ThreadedMotoServer(ip_address=self.host, port=self.moto_port, verbose=False)
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self.moto_port = port
        # Executions call back into moto through localhost:$MOTO_PORT (read at call time).
        self._set_environ({"MOTO_PORT": str(port)})
        self.moto_url = f"http://{host}:{port}"
        configure_moto(self.moto_url)
        self._set_environ(self._aws_environment())

    def _aws_environment(self) -> dict[str, str]:
        """Every AWS client of the process talks to moto, with fake credentials (never real AWS)."""
        return {
            "AWS_ENDPOINT_URL": self.moto_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "MOTO_PORT": str(self.moto_port),
        }

    def _shared_secrets(self) -> dict[str, str]:
        """What hoso and the simulators must agree on: given in the environment or the local defaults."""
        env = self.env
        shared = {
            "HOSO_DVCQG_HMAC_KEYS": env.get("HOSO_DVCQG_HMAC_KEYS") or DEFAULT_HMAC_KEYS,
            "SIM_DVCQG_USERNAME": env.get("SIM_DVCQG_USERNAME") or "hoso",
            "SIM_DVCQG_PASSWORD": env.get("SIM_DVCQG_PASSWORD") or "hoso-dev",
            "SIM_PAYMENT_HMAC_KEY": env.get("SIM_PAYMENT_HMAC_KEY") or "dev-payment-key",
            # integration clients' credentials <client_id>.<secret>, registered by local/seed.py
            "SIM_POST_CLIENT_TOKEN": env.get("SIM_POST_CLIENT_TOKEN") or "buu-chinh.dev-post-token",
            "SIM_AGENCY_CLIENT_TOKEN": env.get("SIM_AGENCY_CLIENT_TOKEN") or "agency-sim.dev-agency-token",
            "SIM_COORDINATOR_CLIENT_TOKEN": env.get("SIM_COORDINATOR_CLIENT_TOKEN")
                                            or "coordinator-sim.dev-coordinator-token",
            "SIM_POPULATION_API_KEY": env.get("SIM_POPULATION_API_KEY") or "dev-population-key",
            "SIM_MESSAGING_TOKEN": env.get("SIM_MESSAGING_TOKEN") or "dev-messaging-token",
            "SIM_SPECIALISED_TOKEN": env.get("SIM_SPECIALISED_TOKEN") or "pmcn-buc-xa.dev-specialised-token",
            "SIM_KIOSK_TOKEN": env.get("SIM_KIOSK_TOKEN") or "kiosk-demo-h29.dev-kiosk-token",
            "SIM_ERECEIPT_CLIENTS": env.get("SIM_ERECEIPT_CLIENTS") or DEFAULT_ERECEIPT_CLIENTS,
        }
        # The coordinator and the provincial system have their own accounts only when given.
        for name in _OWN_ACCOUNTS:
            for part in ("USERNAME", "PASSWORD"):
                if env.get(f"SIM_{name.upper()}_{part}"):
                    shared[f"SIM_{name.upper()}_{part}"] = env[f"SIM_{name.upper()}_{part}"]
        return shared

    def _secret_values(self, shared: Mapping[str, str]) -> dict[str, str]:
        """The template's secrets that must hold the simulators' values, in the shapes chalicelib
        reads: ``{"username", "password", "<destination>": {...}}`` for the sync accounts."""
        credentials: dict[str, Any] = {
            "username": shared["SIM_DVCQG_USERNAME"],
            "password": shared["SIM_DVCQG_PASSWORD"],
        }
        for name in _OWN_ACCOUNTS:
            prefix = f"SIM_{name.upper()}_"
            if prefix + "USERNAME" in shared or prefix + "PASSWORD" in shared:
                credentials[name] = {
                    "username": shared.get(prefix + "USERNAME", credentials["username"]),
                    "password": shared.get(prefix + "PASSWORD", credentials["password"]),
                }
        return {
            secret_name(self.stage, "dvcqg-hmac-keys"): shared["HOSO_DVCQG_HMAC_KEYS"],
            secret_name(self.stage, "dvcqg-credentials"): json.dumps(credentials),
            secret_name(self.stage, "payment-hmac-key"): json.dumps({"key": shared["SIM_PAYMENT_HMAC_KEY"]}),
            secret_name(self.stage, "population-api-key"): json.dumps({"api_key": shared["SIM_POPULATION_API_KEY"]}),
            secret_name(self.stage, "messaging-credentials"): json.dumps({"token": shared["SIM_MESSAGING_TOKEN"]}),
            # the default provider's credential: the simulator's first client
            secret_name(self.stage, "ereceipt-credentials"): json.dumps({"default": dict(zip(
                ("client_id", "key"), next(iter(parse_clients(shared["SIM_ERECEIPT_CLIENTS"]).items())),
                strict=True))}),
        }

    def _province_secrets(self) -> None:
        """Each provincial simulator's account in its own secret, as operators create them (not
        resources of the stack: infra/provinces.py); a province given in ``HOSO_PROVINCES``
        explicitly brings its own."""
        sm = aws.client("secretsmanager")
        for server in self.simulators:
            code = server.name.removeprefix("province")
            if server.name == province_simulator(code) and code in LOCAL_PROVINCES:
                username, password = province_account(self.env, code)
                name = province_secret(self.stage, code)
                value = json.dumps({"username": username, "password": password})
                try:
                    sm.create_secret(Name=name, SecretString=value)
                except sm.exceptions.ResourceExistsException:  # moto keeps its state per process: an earlier stack's
                    sm.put_secret_value(SecretId=name, SecretString=value)

    def _set_environment(self, provisioned: ProvisionResult) -> None:
        """The functions' environment (as Lambda would set it), pointed at moto and the simulators."""
        env: dict[str, str] = {}
        for spec in provisioned.functions.values():
            for key, value in spec.environment.items():
                if env.setdefault(key, value) != value:
                    logger.warning(
                        "Local stack: functions disagree on an environment variable; the first value is used",
                        extra={"variable": key, "function": spec.function_name},
                    )
        env |= {"POWERTOOLS_TRACE_DISABLED": "1", "HOSO_PUBLIC_BASE_URL": self.api_url}
        env = function_settings(env, {s.name: s.url for s in self.simulators}, self.explicit)
        self._set_environ({**env, **self._aws_environment()})
        reset_app_caches()

    def _configure_integrations(self) -> None:
        """The ``integration-clients`` secret: the demo specialised software (client ``pmcn-buc-xa``,
        seeded by local/seed.py for procedure 1.000105) is reached at its simulator; every external
        liên thông agency is answered for by the agency simulator's client (callbacks from any other
        client, or for an agency bound to none, are refused), but the other ministries' systems
        (``seed.VIA_COORDINATOR``), reached through the coordinator and answered by its client."""
        from local import seed  # the seed data's module (its clients are registered by _run_seed)

        specialised = next(s.url for s in self.simulators if s.name == "specialised")
        value: dict[str, Any] = {"specialised": {"pmcn-buc-xa": {"base_url": specialised, "procedures": ["1.000105"]}}}
        for agency in chains.AGENCIES.values():
            if agency.id in seed.VIA_COORDINATOR:  # another ministry's system: through the coordinator (§7.7)
                value[agency.id] = {"via": "coordinator", "client_id": seed.COORDINATOR_SIM_CLIENT}
            elif agency.kind == "external":
                value[agency.id] = {"client_id": "agency-sim"}  # seeded by local/seed.py
        aws.client("secretsmanager").put_secret_value(
            SecretId=settings.get_settings().integration_clients_secret_id, SecretString=json.dumps(value))
        secrets.clear_cache()

    def _set_environ(self, values: Mapping[str, str]) -> None:
        for key, value in values.items():
            self._replaced_environ.setdefault(key, os.environ.get(key))
            os.environ[key] = value

    def _restore_environment(self) -> None:
        if not self._replaced_environ:
            return
        for key, value in self._replaced_environ.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._replaced_environ = {}
        reset_app_caches()

    def _run_seed(self) -> None:
        if importlib.util.find_spec("local.seed") is None:
            logger.info("Local stack: no local/seed.py, nothing seeded")
            return
        seed_module = importlib.import_module("local.seed")
        started = time.perf_counter()
        counts = seed_module.seed()
        logger.info(
            "Local stack: seed data loaded",
            extra={"seeded": counts, "seconds": round(time.perf_counter() - started, 2)},
        )

    def _bind_api(self, provisioned: ProvisionResult) -> None:
        """Listen now (so port 0 becomes a real port for HOSO_PUBLIC_BASE_URL); serve later."""
        app = importlib.import_module("app").app
        api = provisioned.api_function
        # Chalice's local gateway reads the timeout and memory size (the Lambda context) from
        # this; the environment is the process's own, set from the template.
        config = Config.create(
            chalice_stage=self.stage,
            app_name=app.app_name,
            lambda_timeout=api.timeout_s if api else None,
            lambda_memory_size=api.memory_mb if api else None,
        )
        if not isinstance(app, LocalChalice):
            # What chalice.local.create_local_server does (once per process): the app's class
            # becomes one whose current_request is per thread, for the threaded server.
            CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
            app.__class__ = CustomLocalChalice
        self._api_server = LocalDevServer(app, config, self.host, self.api_port, server_cls=_ApiHttpServer)
        self._api_server.server.function_name = api.function_name if api else None
        self.api_port = self._api_server.server.server_address[1]
        self.api_url = f"http://{self.host}:{self.api_port}"

    def _serve_webapp(self) -> None:
        """The officers' web app (built on demand), with the API on the same origin."""
        from local.webapp import ensure_built, start_webapp

        ensure_built()
        vneid = next(s.url for s in self.simulators if s.name == "vneid")
        self.webapp = start_webapp(self.api_url, vneid, self.host, self.web_port,
                                   client_id=self.env.get("VNEID_CLIENT_ID") or "hoso-officers",
                                   storage_url=self.moto_url)
        self.web_url = self.webapp.url

    def _serve_api(self) -> None:
        self._api_thread = threading.Thread(
            target=self._api_server.server.serve_forever, kwargs={"poll_interval": 0.2}, name="hoso-api", daemon=True
        )
        self._api_thread.start()


class _ApiHttpServer(ThreadedHTTPServer):
    """Chalice's threaded HTTP server (a thread per connection, HTTP/1.1 keep-alive) that can
    also close the connections clients keep open, so that stopping leaves no thread behind."""

    request_queue_size = 128  # the socketserver default (5) drops connections of a burst of clients
    function_name: str | None = None  # the HTTP function of the template: its AWS calls are recorded as its

    def finish_request(self, request: Any, client_address: Any) -> None:
        with aws_calls.invoking(self.function_name):
            super().finish_request(request, client_address)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client


def configure_moto(moto_url: str) -> None:
    """Turn on Step Functions executions; must precede the first ``create_state_machine``."""
    request = urllib.request.Request(  # noqa: S310 - our own loopback server
        f"{moto_url}/moto-api/config",
        data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        answer.read()
