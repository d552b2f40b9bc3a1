"""Synthesise one stage: ``python -m infra.synth [--stage dev]``.

Writes the cloud assembly to ``build/cdk.out/`` and the stack's template to the fixed path
``build/cdk.out/hoso-<stage>.template.json`` (the local stack reads it). Needs no AWS
credentials. Exits non-zero when cdk-nag (AwsSolutionsChecks) or CDK itself reports anything
that is not acknowledged with a reason. Deploy the result with
``npx aws-cdk deploy --app build/cdk.out hoso-<stage>``.

``--all-stages`` synthesises every stage into one assembly (what the deploy workflow builds
once and deploys unchanged to dev, staging and production), each stage's configuration from
the environment variable ``HOSO_CONFIG_<STAGE>`` (``HOSO_CONFIG_DEV``…) and its alarm
subscriptions from ``HOSO_ALARMS_<STAGE>``.
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
    (result,) = synth_stages(
        {stage: config or {}},
        outdir=outdir,
        work_dir=work_dir,
        require_config=require_config,
        source_dir=source_dir,
        state_machines_dir=state_machines_dir,
        alarms={stage: alarms} if alarms else None,
    ).values()
    return result


def synth_stages(
    configs: dict[str, dict[str, str]],
    *,
    outdir: Path = DEFAULT_OUTDIR,
    work_dir: Path = BUILD_DIR,
    require_config: bool = False,
    source_dir: Path = REPO_ROOT,
    state_machines_dir: Path | None = None,
    alarms: dict[str, monitoring.Subscriptions] | None = None,
) -> dict[str, SynthResult]:
    """One assembly holding a stack per stage of ``configs`` (stage → its configuration), each
    with its DR stack. With several stages, each packages the Chalice app in its own
    ``work_dir/<stage>``."""
    unknown = sorted(set(configs) - set(STAGES))
    if unknown or not configs:
        raise ValueError(f"unknown stage(s) {unknown}; one or more of {STAGES}")
    values = {stage: stage_config.resolve(config, require=require_config) for stage, config in configs.items()}
    subscriptions = {
        stage: monitoring.resolve((alarms or {}).get(stage) or monitoring.Subscriptions(), require=require_config)
        for stage in configs
    }
    work_dirs = {stage: work_dir / stage if len(configs) > 1 else work_dir for stage in configs}
    _clean(outdir, list(work_dirs.values()))
    app = cdk.App(outdir=str(outdir), context=FEATURE_FLAGS)
    for stage in configs:
        main = HosoStack(
            app,
            stage,
            config=values[stage],
            source_dir=source_dir,
            state_machines_dir=state_machines_dir,
            work_dir=work_dirs[stage],
            alarms=subscriptions[stage],
        )
        main.add_stack_dependency(DrStack(app, stage))  # the DR vault and results replica exist first
    nag.enable(app)
    findings = synthesize_checked(app, *(stack_name(stage) for stage in configs))
    out = {}
    for stage in configs:
        template = template_path(outdir, stage)
        if not template.is_file():
            raise FileNotFoundError(f"CDK did not write {template}")
        out[stage] = SynthResult(template=template, findings=findings)
    return out


def synthesize_checked(app: cdk.App, *stack_ids: str) -> list[str]:
    """Synthesise ``app`` and return what must block a deployment: cdk-nag violations (the
    validation plugin fails the synth and writes ``validation-report.json``) and CDK's own
    error/warning annotations on the stacks. Acknowledged findings are not returned."""
    outdir = Path(app.outdir)
    try:
        assembly = app.synth()
    except RuntimeError as e:
        if "ValidationFailed" not in str(e):
            raise
        return _validation_findings(outdir / "validation-report.json")
    return [
        f"{m.level}: {m.id}: {m.entry.data}"
        for stack_id in stack_ids
        for m in assembly.get_stack_artifact(stack_id).messages
        if str(m.level).lower().endswith(("error", "warning"))
    ]


def _clean(outdir: Path, work_dirs: list[Path]) -> None:
    """Start from an empty assembly: old asset copies (tens of MB each) and reports go."""
    if (outdir / "manifest.json").is_file() or (outdir / "cdk.out").is_file():
        shutil.rmtree(outdir)
    for work_dir in work_dirs:
        shutil.rmtree(work_dir / "chalice.out", ignore_errors=True)


def stage_configs_from_environment(environ: dict[str, str]) -> dict[str, dict[str, str]]:
    """Every stage's configuration from ``HOSO_CONFIG_<STAGE>`` (absent: empty)."""
    return {stage: stage_config.parse(environ.get(f"HOSO_CONFIG_{stage.upper()}")) for stage in STAGES}


def stage_alarms_from_environment(environ: dict[str, str]) -> dict[str, monitoring.Subscriptions]:
    """Every stage's alarm subscriptions from ``HOSO_ALARMS_<STAGE>`` (absent: none)."""
    return {stage: monitoring.parse(environ.get(f"HOSO_ALARMS_{stage.upper()}")) for stage in STAGES}


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
    parser.add_argument("--all-stages", action="store_true", help="every stage in one assembly (HOSO_CONFIG_<STAGE>)")
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
        if args.all_stages:
            configs = stage_configs_from_environment(dict(os.environ))
            alarms = stage_alarms_from_environment(dict(os.environ))
        else:
            configs = {args.stage: stage_config.parse(args.config_json)}
            alarms = {args.stage: monitoring.parse(args.alarms_json)}
        results = synth_stages(
            configs,
            outdir=args.outdir.resolve(),
            work_dir=args.work_dir.resolve(),
            require_config=args.require_config,
            source_dir=args.source_dir.resolve(),
            state_machines_dir=args.state_machines_dir.resolve() if args.state_machines_dir else None,
            alarms=alarms,
        )
    except ValueError as e:  # contract errors: access, wiring, state machines, config, alarm subscriptions
        print(f"synth failed: {e}", file=sys.stderr)
        return 2
    findings = next(iter(results.values())).findings  # the assembly's, shared by its stacks
    for finding in findings:
        print(finding, file=sys.stderr)
    templates = [str(r.template) for r in results.values()]
    if findings:
        print(f"{len(findings)} unacknowledged finding(s); template(s) left at {templates}", file=sys.stderr)
        return 1
    print("\n".join(templates))
    return 0


if __name__ == "__main__":
    sys.exit(main())
