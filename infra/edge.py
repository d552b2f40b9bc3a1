"""Edge protection of the API, per stage: throttles per client kind, the WAF web ACL, the
proxies whose ``X-Forwarded-For`` the app believes, and what invokes functions asynchronously.

Client kinds, from each route's access rule (``x-hoso-access`` in docs/openapi.json, which
tests/unit/test_openapi.py keeps equal to the code):

- **public** (anyone: the status lookup, public statistics, document verification, health,
  docs, the payment platform's MAC-signed callback);
- **machine** (DVCQG's HMAC-signed intake, integration clients);
- **officer** (officers, administrators, operators) — also the stage default, so a route the
  document does not know yet gets the officers' limits, never the public ones.

API Gateway throttles each method with its own token bucket; the WAF's rate-based rules then
limit each client address (5-minute window), the public routes more tightly than the rest.
Requests from the trusted proxies (the government integration gateway, whose one address
carries many citizens) are left to the method throttles and to the app's own per-client
limits, which find the client behind the proxy (chalicelib/api/caller.py).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra import capacity
from infra.capacity import MACHINE, OFFICER, PUBLIC, Throttle

GROUP_OF_ACCESS = {
    "public": PUBLIC,
    "dvcqg-hmac": MACHINE,
    "client": MACHINE,
    "officer": OFFICER,
    "admin": OFFICER,
    "operator": OFFICER,
}
OPENAPI = Path("docs") / "openapi.json"  # inside the packaged source directory
# SAM event types whose function Lambda invokes asynchronously (EventBridge rules, schedules).
ASYNC_EVENT_KINDS = frozenset({"Schedule", "ScheduleV2", "CloudWatchEvent", "EventBridgeRule"})
ASYNC_RETRIES = 2  # Lambda's own retries of a failed asynchronous invocation (its maximum)
ASYNC_MAX_EVENT_AGE_S = 6 * 3600  # then the event goes to the failure queue instead
WAF_WINDOW_S = 300
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
)
# The common rule set blocks bodies over 8 KB; DVCQG dossiers, eForms and base64 result files
# are larger, and the app enforces its own body limits (chalicelib/api/routing.py).
COUNT_ONLY = {"AWSManagedRulesCommonRuleSet": ("SizeRestrictions_BODY",)}


@dataclass(frozen=True)
class EdgeSettings:
    throttles: Mapping[str, Throttle]  # PUBLIC / MACHINE / OFFICER, per API method
    public_per_ip: int  # WAF: requests per client address per 5 minutes on public routes
    per_ip: int  # WAF: the same on every other route (officers share an office's NAT address)
    trusted_proxies: tuple[str, ...] = ()  # CIDRs of the integration gateway (HOSO_TRUSTED_PROXIES)
    # The web app's own domain names (the first is its URL) and their ACM certificate, which
    # CloudFront needs in us-east-1; both empty: the distribution's *.cloudfront.net name.
    webapp_domains: tuple[str, ...] = ()
    webapp_certificate_arn: str = ""


STAGE_EDGE: dict[str, EdgeSettings] = {
    "dev": EdgeSettings(
        throttles=capacity.of("dev").throttles,
        public_per_ip=300,
        per_ip=5000,
    ),
    "staging": EdgeSettings(
        throttles=capacity.of("staging").throttles,
        public_per_ip=300,
        per_ip=10000,
    ),
    "production": EdgeSettings(
        throttles=capacity.of("production").throttles,
        public_per_ip=300,
        per_ip=20000,
    ),
}


def route_access(source_dir: Path) -> dict[tuple[str, str], str]:
    """(METHOD, path) → access kind, from the source's OpenAPI document (empty without one)."""
    path = source_dir / OPENAPI
    if not path.is_file():
        return {}
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {
        (method.upper(), route): str(op.get("x-hoso-access", ""))
        for route, ops in doc.get("paths", {}).items()
        for method, op in ops.items()
        if isinstance(op, dict)
    }


def group_of(access: str) -> str:
    return GROUP_OF_ACCESS.get(access, OFFICER)


def deployed_routes(sam: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(METHOD, path) of every method of Chalice's REST API, from the packaged template."""
    api = sam.get("Resources", {}).get("RestAPI", {}).get("Properties", {})
    paths = api.get("DefinitionBody", {}).get("paths", {})
    methods = {"get", "put", "post", "delete", "patch", "head", "options"}
    return sorted((m.upper(), p) for p, ops in paths.items() for m in ops if m in methods and m != "options")


def _resource_path(path: str) -> str:
    """API Gateway's MethodSettings encoding: ``/v1/x`` → ``/~1v1~1x``."""
    return "/" + path.replace("~", "~0").replace("/", "~1")


def method_settings(
    routes: Iterable[tuple[str, str]], access: Mapping[tuple[str, str], str], settings: EdgeSettings
) -> list[dict[str, Any]]:
    """The stage default (officers' limits) and one entry per public or machine method."""
    common = {"MetricsEnabled": True, "LoggingLevel": "ERROR", "DataTraceEnabled": False}
    default = settings.throttles[OFFICER]
    out = [{"ResourcePath": "/*", "HttpMethod": "*", **common,
            "ThrottlingRateLimit": default.rate, "ThrottlingBurstLimit": default.burst}]
    for method, path in routes:
        group = group_of(access.get((method, path), ""))
        if group == OFFICER:
            continue
        t = settings.throttles[group]
        out.append({"ResourcePath": _resource_path(path), "HttpMethod": method, **common,
                    "ThrottlingRateLimit": t.rate, "ThrottlingBurstLimit": t.burst})
    return out


def public_path_regex(routes: Iterable[tuple[str, str]], access: Mapping[tuple[str, str], str]) -> str:
    """One anchored regex for the URI paths of the public routes, with or without the stage
    prefix (``/api/…`` on the execute-api host, ``/…`` on a custom domain)."""
    parts = []
    for method, path in sorted(set(routes)):
        if group_of(access.get((method, path), "")) != PUBLIC:
            continue
        pattern = "".join("[^/]+" if seg.startswith("{") else _escape(seg) for seg in _split(path))
        if pattern not in parts:
            parts.append(pattern)
    return "^(/api)?(" + "|".join(parts) + ")/?$" if parts else ""


def _split(path: str) -> list[str]:
    out: list[str] = []
    for seg in path.split("/")[1:]:
        out += ["/", seg]
    return out


def _escape(text: str) -> str:
    return "".join("\\" + c if c in ".^$*+?()[]{}|\\" else c for c in text)


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


def _not_from_proxies(ip_set_arn: str) -> wafv2.CfnWebACL.StatementProperty:
    return wafv2.CfnWebACL.StatementProperty(
        not_statement=wafv2.CfnWebACL.NotStatementProperty(
            statement=wafv2.CfnWebACL.StatementProperty(
                ip_set_reference_statement=wafv2.CfnWebACL.IPSetReferenceStatementProperty(arn=ip_set_arn)
            )
        )
    )


def proxy_cidrs(settings: EdgeSettings) -> list[str]:
    """The trusted proxies as WAF wants them; a typo or an IPv6 range (which would need an IPSet
    of its own) fails the synth instead of silently rate-limiting the gateway."""
    cidrs = [str(ipaddress.ip_network(p, strict=True)) for p in settings.trusted_proxies]
    if any(":" in c for c in cidrs):
        raise ValueError("trusted proxies: IPv4 ranges only (add an IPV6 IPSet to infra/edge.py first)")
    return cidrs


def web_acl(scope: Construct, name: str, settings: EdgeSettings, public_regex: str) -> wafv2.CfnWebACL:
    """REGIONAL web ACL for the API stage: AWS managed groups, then per-address rate rules."""
    proxies = wafv2.CfnIPSet(
        scope,
        "WafTrustedProxies",
        name=f"{name}-trusted-proxies",
        description="The integration gateway - many clients behind one address, limited per client in the app",
        scope="REGIONAL",
        ip_address_version="IPV4",
        addresses=proxy_cidrs(settings),
    )
    rules = []
    for priority, group in enumerate(MANAGED_RULE_GROUPS):
        rules.append(
            wafv2.CfnWebACL.RuleProperty(
                name=group,
                priority=priority,
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS",
                        name=group,
                        rule_action_overrides=[
                            wafv2.CfnWebACL.RuleActionOverrideProperty(
                                name=rule, action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={})
                            )
                            for rule in COUNT_ONLY.get(group, ())
                        ]
                        or None,
                    )
                ),
                visibility_config=_visibility(f"{name}-{group}"),
            )
        )
    not_proxies = _not_from_proxies(proxies.attr_arn)
    public_scope = wafv2.CfnWebACL.StatementProperty(
        and_statement=wafv2.CfnWebACL.AndStatementProperty(
            statements=[
                wafv2.CfnWebACL.StatementProperty(
                    regex_match_statement=wafv2.CfnWebACL.RegexMatchStatementProperty(
                        regex_string=public_regex,
                        field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
                        text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")],
                    )
                ),
                not_proxies,
            ]
        )
    )
    limits = [("public-per-ip", settings.public_per_ip, public_scope)] if public_regex else []
    limits.append(("per-ip", settings.per_ip, not_proxies))
    for offset, (rule, limit, scope_down) in enumerate(limits):
        rules.append(
            wafv2.CfnWebACL.RuleProperty(
                name=rule,
                priority=len(MANAGED_RULE_GROUPS) + offset,
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        limit=limit,
                        aggregate_key_type="IP",
                        evaluation_window_sec=WAF_WINDOW_S,
                        scope_down_statement=scope_down,
                    )
                ),
                visibility_config=_visibility(f"{name}-{rule}"),
            )
        )
    return wafv2.CfnWebACL(
        scope,
        "ApiWebAcl",
        name=name,
        description="hoso API - AWS managed rules, rate limits per address, public routes tighter",
        scope="REGIONAL",
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=_visibility(name),
        rules=rules,
    )
