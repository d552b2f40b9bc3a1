"""The gates a template passes before deployment: cdk-nag (AwsSolutions) with every
acknowledgement reasoned, CDK's own warnings, and cfn-lint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from cfnlint.api import ManualArgs, lint_file

from infra import nag, rollout
from infra.resources import REGION
from infra.synth import synthesize_checked
from tests.infra.conftest import Synth

# cfn-lint runs with every rule on: no rule id is ignored.


def test_synth_passes_cdk_nag_and_cdk_checks(synths: dict[str, Synth]) -> None:
    for name, s in synths.items():
        assert s.returncode == 0, f"{name}: {s.stderr}"
        assert "AwsSolutions-" not in s.stderr
        assert s.path.is_file()


def test_cfn_lint_finds_nothing(repo: Synth, full: Synth) -> None:
    args = ManualArgs(regions=[REGION])
    for s in (repo, full):
        matches = lint_file(s.path, config=args)
        assert matches == [], "\n".join(str(m) for m in matches)


def _acknowledgements(template: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (lid, rule["id"], rule["reason"])
        for lid, r in template["Resources"].items()
        for rule in r.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    ]


def test_every_acknowledged_finding_has_a_real_reason(full: Synth) -> None:
    acks = _acknowledgements(full.template)
    assert acks, "the audit trail of acknowledgements is written into the template"
    for lid, rule, reason in acks:
        # cdk-nag's, and CDK's template check on SAM references (infra/rollout.py)
        assert rule.startswith("AwsSolutions-") or rule == rollout.SAM_REFERENCE_CHECK, (lid, rule)
        assert len(reason.split()) >= 6, (lid, rule, reason)
    rules = {rule for _, rule, _ in acks}
    assert "AwsSolutions-SMG4" in rules  # secret rotation is a documented manual procedure
    assert "AwsSolutions-IAM5[Resource::*]" in rules  # X-Ray


def test_the_gate_reports_what_is_not_acknowledged(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    for acknowledged in (True, False):
        stack = cdk.Stack(app, f"gate-{acknowledged}".lower(), env=cdk.Environment(region="ap-southeast-1"))
        bucket = s3.Bucket(stack, "Plain", enforce_ssl=True)  # no server access logs: AwsSolutions-S1
        if acknowledged:
            nag.acknowledge(bucket, "S1", "a throwaway bucket of this test, nobody reads it")
    nag.enable(app)
    (finding,) = synthesize_checked(app, "gate-false")
    assert "AwsSolutions-S1" in finding and "gate-false/Plain" in finding


def test_flatten_matches_cdk_nag_finding_ids() -> None:
    assert nag.flatten({"Fn::Join": ["", [{"Fn::GetAtt": ["B1", "Arn"]}, "/*"]]}) == "<B1.Arn>/*"
    assert nag.flatten({"Fn::Sub": "arn:${AWS::Partition}:s3:::x"}) == "arn:<AWS::Partition>:s3:::x"
    assert nag.flatten({"Ref": "Q"}) == "<Q>"
    assert nag.flatten("*") == "*"
