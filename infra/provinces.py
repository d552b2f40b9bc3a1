"""The 34 provincial systems (SPEC §7.11, docs/provinces.md): the province sync function may
read each configured province's credentials secret, and nothing else of the kind.

The secrets are the provinces' own accounts, created by operators (one per province, named in
the stage configuration ``HOSO_PROVINCES``), so they are not resources of this stack; their
names must lie under the stage's prefix ``hoso/<stage>/province-``, so a stage never reads
another stage's accounts. No queue is added: every province shares the ``sync-province``
queue, whose handler keeps one province's outage from delaying another
(chalicelib/sync/handler.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam

from chalicelib.integrations.endpoints import parse_provinces
from infra import nag
from infra.config import ConfigError
from infra.resources import secret_name

FUNCTION = "sync_province"


def secret_prefix(stage: str) -> str:
    return secret_name(stage, "province-")


def secret_ids(stage: str, config: Mapping[str, str]) -> list[str]:
    """The configured provinces' secrets, each checked to lie under the stage's prefix."""
    endpoints = parse_provinces(config.get("HOSO_PROVINCES", "{}"))
    prefix = secret_prefix(stage)
    outside = sorted(code for code, e in endpoints.items() if not (e.secret_id or "").startswith(prefix))
    if outside:
        raise ConfigError(f"HOSO_PROVINCES: the secrets of provinces {outside} must be named {prefix}<code>")
    return sorted({e.secret_id for e in endpoints.values() if e.secret_id})


def add_provinces(stack: Any, config: Mapping[str, str]) -> None:
    """Let the province sync function read the configured provinces' secrets."""
    names = secret_ids(stack.stage, config)
    if not names:
        return
    role: iam.Role = stack.function_roles[FUNCTION]
    # Secrets Manager appends "-" and six random characters to a secret's name in its ARN.
    arns = [cdk.Stack.of(role).format_arn(service="secretsmanager", resource="secret", resource_name=f"{n}-??????",
                                           arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME) for n in names]  # fmt: skip
    role.add_to_policy(iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=arns))
    for arn in arns:
        nag.acknowledge_wildcard(role, arn, "a province's credentials secret, created by operators: its ARN ends "
                                            "with six characters Secrets Manager chooses")  # fmt: skip
