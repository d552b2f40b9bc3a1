"""The outbound client's allowance of internal hosts (HOSO_OUTBOUND_PRIVATE_HOSTS) is the local
stack's alone: a local synth gives it the simulators' host, a deployment's configuration may not
set it and its functions' environment has none (chalicelib/outbound.py refuses every internal address)."""

from __future__ import annotations

import pytest

from infra import config
from tests.infra.test_contracts import _deployable


def test_a_local_synth_lets_the_functions_call_the_simulators_on_loopback() -> None:
    assert config.resolve({}, require=False)["HOSO_OUTBOUND_PRIVATE_HOSTS"] == "127.0.0.1,localhost"
    given = {"HOSO_OUTBOUND_PRIVATE_HOSTS": "127.0.0.1:8101"}
    assert config.resolve(given, require=False)["HOSO_OUTBOUND_PRIVATE_HOSTS"] == "127.0.0.1:8101"


def test_a_deployment_has_no_allowance_and_refuses_one() -> None:
    assert "HOSO_OUTBOUND_PRIVATE_HOSTS" not in config.resolve(_deployable(), require=True)
    with pytest.raises(config.ConfigError, match="calls no internal address.*HOSO_OUTBOUND_PRIVATE_HOSTS"):
        config.resolve(_deployable() | {"HOSO_OUTBOUND_PRIVATE_HOSTS": "10.0.0.5"}, require=True)
