"""The officers' web app in AWS: one CloudFront distribution, one origin for the browser.

- ``/v1/*`` → the API Gateway stage (all methods, never cached, every viewer header, query
  string and cookie forwarded except ``Host``: the managed AllViewerExceptHostHeader policy,
  the only way CloudFront forwards ``Authorization`` without putting it in a cache key);
- everything else → the S3 bucket holding ``webapp/dist``, uploaded by the deployment itself
  (CDK BucketDeployments, so the build is part of the one cloud assembly): hashed
  ``assets/*`` cached for a year and immutable, ``*.mjs`` (the pdf.js worker) with a
  JavaScript content type, ``index.html``, ``/config.json`` and the other root files
  ``no-cache``; the root files go last, so a new ``index.html`` never names a missing file,
  and then CloudFront's copies are invalidated;
- ``/config.json``: the app's runtime settings from the stage configuration (VNeID issuer and
  client id; ``api_base`` ``""`` because the API is on this origin), as local/webapp.py writes it;
- no custom error responses: they would apply to ``/v1/*`` too and turn the API's 403/404
  into ``index.html`` with 200. The app routes in the URL's hash and VNeID returns to ``/``,
  so no path other than ``/`` (the default root object) ever needs ``index.html``;
- the security headers of local/webapp.py (one definition) plus HSTS, as a response-headers
  policy on both behaviours;
- the stage's own domain and its us-east-1 ACM certificate when infra/edge.py sets them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infra import nag
from infra.edge import EdgeSettings
from infra.resources import REGION, physical_name
from local.webapp import DEFAULT_CLIENT_ID, ensure_built, security_headers

API_PATHS = ("/v1/*",)  # every path the web app calls (webapp/src/api.ts)
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
JAVASCRIPT = "text/javascript; charset=utf-8"
HSTS_MAX_AGE = cdk.Duration.days(730)
SCOPE = "openid profile"
ASSETS = "assets/*"  # Vite's hashed output
MODULES = "*.mjs"
_CERTIFICATE_ARN = re.compile(r"^arn:aws:acm:us-east-1:\d{12}:certificate/[0-9a-f-]+$")


def app_config(config: Mapping[str, str]) -> dict[str, str]:
    """``/config.json``: what webapp/src/config.ts reads."""
    return {
        "issuer": config["VNEID_ISSUER"].rstrip("/"),
        "client_id": config.get("VNEID_AUDIENCE") or DEFAULT_CLIENT_ID,
        "api_base": "",
        "scope": SCOPE,
    }


def attachments_origins(stage: str) -> list[str]:
    """Where the browser posts presigned uploads: the attachments bucket, as botocore names it
    (global endpoint) and by its regional endpoint (S3's redirect while DNS settles)."""
    bucket = f"{physical_name(stage, 'attachments')}-${{AWS::AccountId}}-{REGION}"
    return [f"https://{bucket}.s3.amazonaws.com", f"https://{bucket}.s3.{REGION}.amazonaws.com"]


def check_domain(domains: tuple[str, ...], certificate_arn: str) -> None:
    if bool(domains) != bool(certificate_arn):
        raise ValueError("web app domain: set both webapp_domains and webapp_certificate_arn, or neither")
    if certificate_arn and not _CERTIFICATE_ARN.match(certificate_arn):
        raise ValueError(f"web app certificate: an ACM certificate ARN in us-east-1, got {certificate_arn!r}")


@dataclass(frozen=True)
class Site:
    """What the web app needs from the stack (HosoStack: Chalice's ``RestAPI`` exists already)."""

    scope: Construct
    stage: str
    settings: EdgeSettings
    bucket: s3.IBucket  # webapp/dist goes here
    logs_bucket: s3.IBucket
    key: kms.IKey  # of the upload function's log group
    api_stage: str  # the API Gateway stage the distribution's /v1/* reaches


def add_webapp(site: Site, config: Mapping[str, str], dist: Path | None = None) -> cloudfront.Distribution:
    """The distribution, its uploads (``dist``: ``webapp/dist``, built first when missing or
    out of date) and the ``WebappUrl`` output."""
    dist = dist or ensure_built()
    stack, settings = site.scope, site.settings
    check_domain(settings.webapp_domains, settings.webapp_certificate_arn)
    headers = _security_headers(site, config)
    api = origins.HttpOrigin(
        cdk.Fn.sub("${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"),
        origin_path=f"/{site.api_stage}",
        protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
    )
    api_behaviour = cloudfront.BehaviorOptions(
        origin=api,
        allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
        cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
        origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        response_headers_policy=headers,
    )
    certificate = (
        acm.Certificate.from_certificate_arn(stack, "WebappCertificate", settings.webapp_certificate_arn)
        if settings.webapp_certificate_arn
        else None
    )
    distribution = cloudfront.Distribution(
        stack,
        "Webapp",
        comment=f"hoso {site.stage} officers' web app and its API",
        default_root_object="index.html",
        default_behavior=cloudfront.BehaviorOptions(
            origin=origins.S3BucketOrigin.with_origin_access_control(site.bucket),
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            response_headers_policy=headers,
            cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
        ),
        additional_behaviors={path: api_behaviour for path in API_PATHS},
        domain_names=list(settings.webapp_domains) or None,
        certificate=certificate,
        minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if certificate else None,
        http_version=cloudfront.HttpVersion.HTTP2_AND_3,
        price_class=cloudfront.PriceClass.PRICE_CLASS_200,  # includes edge locations in Vietnam
        enable_logging=True,
        log_bucket=site.logs_bucket,
        log_file_prefix="cloudfront/webapp/",
    )
    nag.acknowledge(
        distribution,
        "CFR1",
        "officers on official travel abroad must still load the app; the API authorises every request",
    )
    nag.acknowledge(
        distribution,
        "CFR2",
        "a CLOUDFRONT-scope web ACL must live in us-east-1, outside this regional stack; /v1/* reaches the "
        "API stage, whose REGIONAL web ACL (infra/edge.py) applies to every request",
    )
    if certificate is None:
        nag.acknowledge(
            distribution,
            "CFR4",
            "the default *.cloudfront.net certificate (fixed TLSv1 policy) until the stage's domain and ACM "
            "certificate are set in infra/edge.py; then TLSv1.2_2021",
        )
    _upload(site, distribution, dist, config)
    host = settings.webapp_domains[0] if settings.webapp_domains else distribution.distribution_domain_name
    cdk.CfnOutput(stack, "WebappUrl", value=f"https://{host}/")
    return distribution


def _security_headers(site: Site, config: Mapping[str, str]) -> cloudfront.ResponseHeadersPolicy:
    wanted = security_headers(config["VNEID_ISSUER"], *attachments_origins(site.stage))
    wanted.pop("X-Content-Type-Options")  # nosniff, its only value
    frame = cloudfront.HeadersFrameOption[_enum_name(wanted.pop("X-Frame-Options"))]
    referrer = cloudfront.HeadersReferrerPolicy[_enum_name(wanted.pop("Referrer-Policy"))]
    csp = wanted.pop("Content-Security-Policy")
    return cloudfront.ResponseHeadersPolicy(
        site.scope,
        "WebappHeaders",
        response_headers_policy_name=physical_name(site.stage, "webapp-security-headers"),
        security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
            strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                access_control_max_age=HSTS_MAX_AGE, include_subdomains=True, preload=True, override=True
            ),
            content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
            frame_options=cloudfront.ResponseHeadersFrameOptions(frame_option=frame, override=True),
            referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(referrer_policy=referrer, override=True),
            content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                content_security_policy=cdk.Fn.sub(csp), override=True
            ),
        ),
        custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
            custom_headers=[
                cloudfront.ResponseCustomHeader(header=name, value=value, override=True)
                for name, value in wanted.items()
            ]
        ),
    )


def _enum_name(header_value: str) -> str:
    return header_value.upper().replace("-", "_")


def _upload(site: Site, distribution: cloudfront.Distribution, dist: Path, config: Mapping[str, str]) -> None:
    """Three uploads of ``dist`` with disjoint files (``aws s3 sync`` filters: excludes, then
    includes), the root files last."""
    stack = site.scope
    role, log_group = _deploy_role(site, distribution)
    common: dict[str, Any] = {
        "destination_bucket": site.bucket,
        "role": role.without_policy_updates(),  # CDK's own grants (wildcard actions) are not added
        "log_group": log_group,
        "memory_limit": 512,
    }
    build = s3deploy.Source.asset(str(dist), exclude=[MODULES])  # no *.mjs: the assets upload skips them
    modules = s3deploy.BucketDeployment(
        stack,
        "WebappModules",
        sources=[s3deploy.Source.asset(str(dist))],
        exclude=["*"],
        include=[MODULES],
        content_type=JAVASCRIPT,
        cache_control=[s3deploy.CacheControl.from_string(IMMUTABLE)],
        prune=False,  # clients still on the previous index.html load the previous files
        **common,
    )
    assets = s3deploy.BucketDeployment(
        stack,
        "WebappAssets",
        sources=[build],
        exclude=["*"],
        include=[ASSETS],
        cache_control=[s3deploy.CacheControl.from_string(IMMUTABLE)],
        prune=False,
        **common,
    )
    root = s3deploy.BucketDeployment(
        stack,
        "WebappRoot",
        sources=[build, s3deploy.Source.json_data("config.json", app_config(config))],
        exclude=[ASSETS, MODULES],
        cache_control=[s3deploy.CacheControl.from_string(NO_CACHE)],
        prune=True,  # a root file dropped from the build goes; the filters keep the others' files
        distribution=distribution,
        distribution_paths=["/*"],
        **common,
    )
    root.node.add_dependency(modules, assets)
    for child in stack.node.children:
        if child.node.id.startswith("Custom::CDKBucketDeployment"):  # the uploads' one function
            nag.acknowledge(child, "L1", "aws-cdk-lib's own upload function, its runtime chosen by CDK; it runs "
                            "only during deployments, never on a request")  # fmt: skip
            function = child.node.default_child
            assert isinstance(function, cdk.CfnResource)
            # CDK's DependsOn on the role: the Role's GetAtt already orders them (cfn-lint W3005)
            function.add_deletion_override("DependsOn")


def _deploy_role(site: Site, distribution: cloudfront.Distribution) -> tuple[iam.Role, logs.LogGroup]:
    """The uploads' own role, written out action by action (CDK's grants would add wildcard
    actions, and the managed basic-execution policy)."""
    stack = site.scope
    log_group = logs.LogGroup(
        stack,
        "WebappDeployLogs",
        log_group_name=f"/aws/lambda/{physical_name(site.stage, 'webapp-deploy')}",
        retention=logs.RetentionDays.THREE_MONTHS,
        encryption_key=site.key,
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    bucket = site.bucket
    assets_bucket = cdk.Fn.sub(
        f"arn:${{AWS::Partition}}:s3:::cdk-{cdk.DefaultStackSynthesizer.DEFAULT_QUALIFIER}"
        "-assets-${AWS::AccountId}-${AWS::Region}/*"
    )
    distribution_arn = cdk.Fn.sub(
        "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Id}", {"Id": distribution.distribution_id}
    )
    statements = [
        iam.PolicyStatement(actions=["s3:GetObject"], resources=[assets_bucket]),
        iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket.bucket_arn]),
        iam.PolicyStatement(actions=["s3:PutObject", "s3:DeleteObject"], resources=[bucket.arn_for_objects("*")]),
        iam.PolicyStatement(actions=["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"],
                            resources=[distribution_arn]),
        iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                            resources=[f"{log_group.log_group_arn}:*"]),
    ]  # fmt: skip
    role = iam.Role(
        stack,
        "WebappDeployRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description="Uploads webapp/dist and /config.json to the web app bucket, then invalidates CloudFront",
        inline_policies={"upload": iam.PolicyDocument(statements=statements)},
    )
    for resource, why in (
        (assets_bucket, "the CDK assets bucket's objects: this deployment's build archives"),
        (bucket.arn_for_objects("*"), "every file of the web app build (names are content hashes)"),
        (f"{log_group.log_group_arn}:*", "the log streams of the upload function's own log group"),
    ):
        nag.acknowledge_wildcard(role, resource, why)
    return role, log_group
