"""The provinces' credentials (issue 17 item 5, infra/provinces.py): the province sync function
may read exactly the configured provinces' secrets, which must lie under the stage's prefix."""

from __future__ import annotations

import json
from types import SimpleNamespace

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_iam as iam

from infra.config import ConfigError
from infra.provinces import add_provinces, secret_ids

ENTRY = {"url": "https://tinh.example.gov.vn", "secret": "hoso/staging/province-79"}


def _config(**entries: dict[str, str]) -> dict[str, str]:
    return {"HOSO_PROVINCES": json.dumps(entries)}


def test_the_secrets_must_be_the_stages_own() -> None:
    assert secret_ids("staging", _config(**{"79": ENTRY})) == ["hoso/staging/province-79"]
    assert secret_ids("staging", {}) == []
    with pytest.raises(ConfigError, match=r"provinces \['79'\] must be named hoso/staging/province-"):
        secret_ids("staging", _config(**{"79": {**ENTRY, "secret": "hoso/production/province-79"}}))
    with pytest.raises(ConfigError, match=r"provinces \['01'\]"):
        secret_ids("staging", _config(**{"79": ENTRY, "01": {**ENTRY, "secret": "hoso/staging/dvcqg-credentials"}}))


def test_the_province_function_reads_exactly_the_configured_secrets() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "T", env=cdk.Environment(account="123456789012", region="ap-southeast-1"))
    role = iam.Role(stack, "R", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    config = _config(**{"79": ENTRY, "01": {**ENTRY, "secret": "hoso/staging/province-01"}})
    add_provinces(SimpleNamespace(stage="staging", function_roles={"sync_province": role}), config)
    policies = assertions.Template.from_stack(stack).find_resources("AWS::IAM::Policy")
    (policy,) = policies.values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "secretsmanager:GetSecretValue"
    flat = json.dumps(statement["Resource"])
    assert "secret:hoso/staging/province-01-??????" in flat and "secret:hoso/staging/province-79-??????" in flat
    assert len(statement["Resource"]) == 2
