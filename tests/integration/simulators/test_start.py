"""Starting and stopping the simulators."""

from __future__ import annotations

import socket

import pytest
import requests

from local.simulators import DEFAULT_PORTS, PortBusyError, start_simulators


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_busy_port_raises_a_clear_error_and_leaves_nothing_running() -> None:
    env = {f"SIM_{name.upper()}_PORT": "0" for name in DEFAULT_PORTS}
    dvcqg_port = _free_port()
    env["SIM_DVCQG_PORT"] = str(dvcqg_port)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        busy = squatter.getsockname()[1]
        env["SIM_AGENCY_PORT"] = str(busy)
        with pytest.raises(PortBusyError) as caught:
            start_simulators(env)
    error = caught.value
    assert (error.name, error.port) == ("agency", busy)
    assert "đang được chương trình khác sử dụng" in str(error) and "already in use" in str(error)
    assert "SIM_AGENCY_PORT" in str(error)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{dvcqg_port}/_sim/records", timeout=2)


def test_bad_port_value_is_refused() -> None:
    with pytest.raises(ValueError, match="SIM_POST_PORT"):
        start_simulators({"SIM_POST_PORT": "eighty"})


def test_stop_closes_the_port() -> None:
    servers = start_simulators({f"SIM_{name.upper()}_PORT": "0" for name in DEFAULT_PORTS})
    urls = {s.name: s.url for s in servers}
    assert set(urls) == set(DEFAULT_PORTS)
    assert all(url.startswith("http://127.0.0.1:") for url in urls.values())
    assert requests.get(f"{urls['esign']}/_sim/mode", timeout=2).json()["down"] is False
    for server in servers:
        server.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{urls['esign']}/_sim/mode", timeout=2)
