"""The adapters over real HTTP: the population database client, the messaging gateway client,
and the messaging gateway simulator's own protocol (authentication, validation, encodings,
idempotent references, what it records)."""

from __future__ import annotations

import json
import socket
from typing import Any

import boto3
import pytest
import requests

from chalicelib.integrations import population, secrets
from chalicelib.notifications import gateway
from local.simulators.citizens import DEMO_CITIZENS
from local.simulators.messaging import sms_encoding
from tests.integration.notifications.conftest import (
    MESSAGING_TOKEN,
    POPULATION_SECRET,
    REGION,
    Sims,
    World,
)


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_the_configured_clients_read_their_credentials_from_secrets(world: World) -> None:
    client = population.connect()
    assert client.base_url == world.sims.population.url
    citizen = client.citizen(DEMO_CITIZENS[0]["SoDinhDanh"])
    assert citizen is not None and citizen.attribute("HoVaTen") == "Nguyễn Văn An"
    assert citizen.attribute("NgayThangNamSinh") == "12/03/1990"
    assert gateway.connect().send_email("a@example.gov.vn", "Thử", "Nội dung", "ref-1").startswith("EM")


def test_the_population_client_tells_a_miss_from_an_outage(world: World) -> None:
    good = population.connect()
    assert good.citizen("001090000000") is None
    wrong_key = population.PopulationClient(world.sims.population.url, "not-the-key")
    with pytest.raises(population.PopulationUnavailable, match="401 UNAUTHORIZED"):
        wrong_key.citizen(DEMO_CITIZENS[0]["SoDinhDanh"])
    with pytest.raises(population.PopulationUnavailable):
        population.PopulationClient(closed_port_url(), "k").citizen(DEMO_CITIZENS[0]["SoDinhDanh"])
    world.mode(world.sims.population, fail_next=1)
    with pytest.raises(population.PopulationUnavailable, match="500"):
        good.citizen(DEMO_CITIZENS[0]["SoDinhDanh"])


def test_a_wrong_population_key_in_the_secret_is_an_outage_for_the_officer(world: World) -> None:
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=POPULATION_SECRET, SecretString=json.dumps({"api_key": "revoked"}))
    secrets.clear_cache()
    response = world.call("POST", "/v1/autofill/citizens", role="desk",
                          body={"so_dinh_danh": DEMO_CITIZENS[0]["SoDinhDanh"], "thu_tuc": "1.001193"})
    assert response.status_code == 503 and json.loads(response.body)["error_code"] == "POPULATION_UNAVAILABLE"


def test_the_gateway_client_sends_idempotently_and_reports_refusals(world: World) -> None:
    client = gateway.connect()
    first = client.send_sms("0912004101", "hoso: 1 việc quá hạn", "digest-1:sms")
    assert client.send_sms("0912004101", "hoso: 1 việc quá hạn", "digest-1:sms") == first
    assert len(world.messages(channel="sms")) == 1
    with pytest.raises(gateway.DeliveryError, match="INVALID_MESSAGE"):
        client.send_sms("0241234567", "không phải số di động", "digest-2:sms")
    with pytest.raises(gateway.DeliveryError, match="401"):
        gateway.MessagingGateway(world.sims.messaging.url, "wrong").send_email("a@b.vn", "s", "t", "r")
    with pytest.raises(gateway.DeliveryError):
        gateway.MessagingGateway(closed_port_url(), MESSAGING_TOKEN).send_email("a@b.vn", "s", "t", "r")


def post(sims: Sims, path: str, body: Any, token: str = MESSAGING_TOKEN) -> requests.Response:
    return requests.post(f"{sims.messaging.url}{path}", json=body, headers={"Authorization": f"Bearer {token}"},
                         timeout=5)


def test_the_messaging_simulator_checks_what_it_is_given(sims: Sims) -> None:
    requests.post(f"{sims.messaging.url}/_sim/reset", timeout=5).raise_for_status()
    assert post(sims, "/v1/email", {"to": "a@b.vn", "subject": "s", "text": "t"}, token="nope").status_code == 401
    refused = post(sims, "/v1/email", {"to": "not-an-address", "subject": "", "text": "", "cc": "x"})
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["errors"]} == {"to", "subject", "text", "cc"}
    too_long = post(sims, "/v1/sms", {"to": "0912345678", "text": "ă" * (67 * 10 + 1)})
    assert too_long.status_code == 400 and too_long.json()["errors"][0]["field"] == "text"

    accepted = post(sims, "/v1/sms", {"to": "+84912345678", "text": "Hồ sơ quá hạn", "reference": "r1"})
    assert accepted.status_code == 202 and accepted.json()["encoding"] == "UCS-2"
    assert post(sims, "/v1/sms", {"to": "+84912345678", "text": "Hồ sơ quá hạn", "reference": "r1"}).status_code == 200
    clash = post(sims, "/v1/sms", {"to": "+84912345678", "text": "Khác", "reference": "r1"})
    assert clash.status_code == 409 and clash.json()["error_code"] == "DUPLICATE_REFERENCE"
    post(sims, "/v1/email", {"to": "a@b.vn", "subject": "Nhắc việc", "text": "Nội dung"})
    listed = requests.get(f"{sims.messaging.url}/_sim/messages", params={"channel": "sms"}, timeout=5).json()
    assert [m["message_id"] for m in listed["messages"]] == [accepted.json()["message_id"]]
    everything = requests.get(f"{sims.messaging.url}/_sim/records", timeout=5).json()["messages"]
    assert [m["channel"] for m in everything] == ["sms", "email"] and everything[1]["subject"] == "Nhắc việc"
    requests.post(f"{sims.messaging.url}/_sim/reset", timeout=5).raise_for_status()
    assert requests.get(f"{sims.messaging.url}/_sim/messages", timeout=5).json() == {"messages": []}


def test_sms_segments_follow_the_alphabet() -> None:
    assert sms_encoding("a" * 160) == ("GSM-7", 1) and sms_encoding("a" * 161) == ("GSM-7", 2)
    assert sms_encoding("ư" * 70) == ("UCS-2", 1) and sms_encoding("ư" * 71) == ("UCS-2", 2)
    assert sms_encoding("ư" * 134) == ("UCS-2", 2) and sms_encoding("ư" * 135) == ("UCS-2", 3)
