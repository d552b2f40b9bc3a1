"""cdk-nag (AwsSolutionsChecks, v3: a CDK policy-validation plugin) and its acknowledgements.

Every acknowledgement carries a one-line reason; they are also written into the template's
resource Metadata (``cdk_nag.rules_to_suppress``) as an audit trail.
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

PACK = "AwsSolutions"


def enable(app: cdk.App) -> None:
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True))


def acknowledge(construct: IConstruct, rule: str, reason: str) -> None:
    """``rule`` without the pack prefix, e.g. ``S1`` or ``IAM5[Resource::*]``."""
    cdk.Validations.of(construct).acknowledge(cdk.Acknowledgment(id=f"{PACK}-{rule}", reason=reason))


def flatten(reference: Any) -> str:
    """A resolved CloudFormation value as cdk-nag prints it in a finding id (its
    ``flattenCfnReference``): ``{"Fn::GetAtt": ["X", "Arn"]}`` → ``<X.Arn>``, ``${A}`` → ``<A>``."""
    if reference is None:
        return ""
    if isinstance(reference, str):
        return reference.replace("${", "<").replace("}", ">")
    if isinstance(reference, dict):
        if "Fn::Join" in reference:
            delimiter, items = reference["Fn::Join"]
            return delimiter.join(flatten(i) for i in items)
        if "Fn::Sub" in reference:
            return flatten(reference["Fn::Sub"])
        if "Fn::GetAtt" in reference:
            resource, attribute = reference["Fn::GetAtt"]
            return f"<{flatten(resource)}.{flatten(attribute)}>"
        if "Fn::ImportValue" in reference:
            return flatten(reference["Fn::ImportValue"])
        if "Ref" in reference:
            return f"<{flatten(reference['Ref'])}>"
    return json.dumps(reference, separators=(",", ":"))


def acknowledge_wildcard(construct: IConstruct, resource: str, reason: str) -> None:
    """Acknowledge IAM5 for one wildcard resource (a token or a literal) of ``construct``'s policies."""
    resolved = cdk.Stack.of(construct).resolve(resource)
    acknowledge(construct, f"IAM5[Resource::{flatten(resolved)}]", reason)
