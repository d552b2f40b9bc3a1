"""Synthesise one stage: ``python -m infra.synth [--stage dev]``.

Writes the cloud assembly to ``build/cdk.out/`` and the stack's template to the fixed path
``build/cdk.out/hoso-<stage>.template.json`` (the local stack reads it). Needs no AWS
credentials. Exits non-zero when cdk-nag (AwsSolutionsChecks) or CDK itself reports anything
that is not acknowledged with a reason. Deploy the result with
``npx aws-cdk deploy --app build/cdk.out hoso-<stage>``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Node 20 is past end-of-life for jsii; its banner is noise on every run.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402

from infra import config as stage_config  # noqa: E402
from infra import monitoring, nag  # noqa: E402
from infra.dr import DrStack  # noqa: E402
from infra.resources import REPO_ROOT, STAGES, stack_name, template_path  # noqa: E402
from infra.stack import HosoStack  # noqa: E402

BUILD_DIR = REPO_ROOT / "build"
DEFAULT_OUTDIR = BUILD_DIR / "cdk.out"

# CDK feature flags (what `cdk init` would write to cdk.json), kept here so every way of
# synthesising — this module, tests — behaves the same.
FEATURE_FLAGS = {
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
    "@aws-cdk/aws-s3:createDefaultLoggingPolicy": True,
    "@aws-cdk/aws-iam:minimizePolicies": True,
    "@aws-cdk/core:enablePartitionLiterals": True,
    "@aws-cdk/aws-kms:aliasNameRef": True,
    "@aws-cdk/core:target-partitions": ["aws"],
}


@dataclass(frozen=True)
class SynthResult:
    template: Path
    findings: list[str]  # unacknowledged cdk-nag violations and CDK errors/warnings

    @property
    def ok(self) -> bool:
        return not self.findings


def synth(
    stage: str = "dev",
    *,
    outdir: Path = DEFAULT_OUTDIR,
    work_dir: Path = BUILD_DIR,
    config: dict[str, str] | None = None,
    require_config: bool = False,
    source_dir: Path = REPO_ROOT,
    state_machines_dir: Path | None = None,
    alarms: monitoring.Subscriptions | None = None,
) -> SynthResult:
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; one of {STAGES}")
    values = stage_config.resolve(config or {}, require=require_config)
    subscriptions = monitoring.resolve(alarms or monitoring.Subscriptions(), require=require_config)
    _clean(outdir, work_dir)
    app = cdk.App(outdir=str(outdir), context=FEATURE_FLAGS)
    main = HosoStack(
        app,
        stage,
        config=values,
        source_dir=source_dir,
        state_machines_dir=state_machines_dir,
        work_dir=work_dir,
        alarms=subscriptions,
    )
    main.add_stack_dependency(DrStack(app, stage))  # the DR vault and results replica exist first
    nag.enable(app)
    findings = synthesize_checked(app, stack_name(stage))
    template = template_path(outdir, stage)
    if not template.is_file():
        raise FileNotFoundError(f"CDK did not write {template}")
    return SynthResult(template=template, findings=findings)


def synthesize_checked(app: cdk.App, stack_id: str) -> list[str]:
    """Synthesise ``app`` and return what must block a deployment: cdk-nag violations (the
    validation plugin fails the synth and writes ``validation-report.json``) and CDK's own
    error/warning annotations on the stack. Acknowledged findings are not returned."""
    outdir = Path(app.outdir)
    try:
        assembly = app.synth()
    except RuntimeError as e:
        if "ValidationFailed" not in str(e):
            raise
        return _validation_findings(outdir / "validation-report.json")
    artifact = assembly.get_stack_artifact(stack_id)
    return [
        f"{m.level}: {m.id}: {m.entry.data}"
        for m in artifact.messages
        if str(m.level).lower().endswith(("error", "warning"))
    ]


def _clean(outdir: Path, work_dir: Path) -> None:
    """Start from an empty assembly: old asset copies (tens of MB each) and reports go."""
    if (outdir / "manifest.json").is_file() or (outdir / "cdk.out").is_file():
        shutil.rmtree(outdir)
    shutil.rmtree(work_dir / "chalice.out", ignore_errors=True)


def _validation_findings(report: Path) -> list[str]:
    data = json.loads(report.read_text())
    return [
        f"{v['severity']}: {v['ruleName']}: {v['description']} at {c['constructPath']}"
        for plugin in data.get("pluginReports", [])
        for v in plugin.get("violations", [])
        for c in v.get("violatingConstructs", [])
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.synth", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev", choices=STAGES)
    parser.add_argument("--outdir", type=Path, default=DEFAULT_OUTDIR)
    parser.add_argument("--work-dir", type=Path, default=BUILD_DIR, help="where Chalice packages (chalice.out/)")
    parser.add_argument("--config-json", default=os.environ.get("HOSO_CONFIG"), help="JSON of infra.config keys")
    parser.add_argument("--require-config", action="store_true",
                        help="deployment: every key, https URLs, at least one alarm subscription")
    parser.add_argument("--alarms-json", default=os.environ.get("HOSO_ALARMS"),
                        help='alarm subscriptions: {"emails": [...], "https": [...]} (infra/monitoring.py)')
    parser.add_argument("--source-dir", type=Path, default=REPO_ROOT, help="the Chalice project to package")
    parser.add_argument("--state-machines-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        result = synth(
            args.stage,
            outdir=args.outdir.resolve(),
            work_dir=args.work_dir.resolve(),
            config=stage_config.parse(args.config_json),
            require_config=args.require_config,
            source_dir=args.source_dir.resolve(),
            state_machines_dir=args.state_machines_dir.resolve() if args.state_machines_dir else None,
            alarms=monitoring.parse(args.alarms_json),
        )
    except ValueError as e:  # contract errors: access, wiring, state machines, config, alarm subscriptions
        print(f"synth failed: {e}", file=sys.stderr)
        return 2
    for finding in result.findings:
        print(finding, file=sys.stderr)
    if not result.ok:
        print(f"{len(result.findings)} unacknowledged finding(s); template left at {result.template}", file=sys.stderr)
        return 1
    print(result.template)
    return 0


if __name__ == "__main__":
    sys.exit(main())
