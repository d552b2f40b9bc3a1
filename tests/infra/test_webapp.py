"""The officers' web app in AWS (infra/webapp.py), read from the synthesised template: the API
behind the same CloudFront origin, nothing rewriting its answers, the uploads of webapp/dist
and /config.json, the security headers, the stage's domain."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from infra import edge, webapp
from infra.config import resolve
from infra.resources import REPO_ROOT, physical_name
from infra.synth import FEATURE_FLAGS
from local.webapp import DIST, content_security_policy
from tests.infra.conftest import STAGE, Synth

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # AWS managed cache policy
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # AWS managed origin request policy
ALL_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
CONFIG = resolve({}, require=False)  # what the fixtures synthesise with (no HOSO_CONFIG)


def _one(resources: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    ((lid, res),) = resources.items()
    return lid, res


def _distribution(s: Synth) -> dict[str, Any]:
    _, dist = _one(s.resources("AWS::CloudFront::Distribution"))
    return dist["Properties"]["DistributionConfig"]  # type: ignore[no-any-return]


def _origin(config: dict[str, Any], behaviour: dict[str, Any]) -> dict[str, Any]:
    (origin,) = [o for o in config["Origins"] if o["Id"] == behaviour["TargetOriginId"]]
    return origin  # type: ignore[no-any-return]


def test_api_paths_reach_the_api_uncached_with_every_method_and_header(repo: Synth) -> None:
    c = _distribution(repo)
    behaviours = {b["PathPattern"]: b for b in c["CacheBehaviors"]}
    assert set(behaviours) == set(webapp.API_PATHS) == {"/v1/*"}
    api = behaviours["/v1/*"]
    origin = _origin(c, api)
    assert origin["DomainName"] == {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
    assert origin["OriginPath"] == "/api"  # Chalice's stage: /v1/x → /api/v1/x
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    rest_api = repo.template["Resources"]["RestAPI"]
    assert rest_api["Type"] == "AWS::Serverless::Api"
    assert rest_api["Properties"]["EndpointConfiguration"] == "REGIONAL"  # no second CloudFront hop
    assert api["CachePolicyId"] == CACHING_DISABLED
    # every viewer header (Authorization, Content-Type, X-Correlation-Id, X-Hoso-*), query
    # string and cookie, but never Host (API Gateway answers 403 to its own name only)
    assert api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    assert set(api["AllowedMethods"]) == ALL_METHODS
    assert api["ViewerProtocolPolicy"] == "https-only"  # a redirect would turn a POST into a GET
    # every route of the API the web app calls is under a behaviour to the API
    openapi = json.loads((REPO_ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    v1 = [p for p in openapi["paths"] if p.startswith("/v1/")]
    assert v1 and all(any(fnmatch.fnmatchcase(p, pattern) for pattern in behaviours) for p in v1)
    default = c["DefaultCacheBehavior"]
    assert "S3OriginConfig" in _origin(c, default) and "OriginAccessControlId" in _origin(c, default)


def test_nothing_rewrites_the_api_answers(repo: Synth) -> None:
    """CloudFront's custom error responses apply to every behaviour: a 403/404 → index.html
    fallback would answer the API's 403 and 404 with the app and 200. The app routes in the
    hash and VNeID returns to /, so there is none, and no function touches /v1/*."""
    c = _distribution(repo)
    assert "CustomErrorResponses" not in c
    assert c["DefaultRootObject"] == "index.html"
    for behaviour in c["CacheBehaviors"]:
        assert not behaviour.get("FunctionAssociations") and not behaviour.get("LambdaFunctionAssociations")
    assert not repo.resources("AWS::CloudFront::Function")


def test_security_headers_policy(repo: Synth) -> None:
    c = _distribution(repo)
    lid, policy = _one(repo.resources("AWS::CloudFront::ResponseHeadersPolicy"))
    for behaviour in [c["DefaultCacheBehavior"], *c["CacheBehaviors"]]:
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": lid}
    config = policy["Properties"]["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    hsts = security["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 365 * 24 * 3600 and hsts["IncludeSubdomains"] and hsts["Override"]
    assert security["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert security["ContentTypeOptions"] == {"Override": True}
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"
    csp = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    # the local server's policy (which the e2e suite runs the app under), the stage's VNeID
    # issuer and the attachments bucket the browser posts presigned uploads to
    bucket = f"{physical_name(STAGE, 'attachments')}-${{AWS::AccountId}}-ap-southeast-1"
    uploads = [f"https://{bucket}.s3.amazonaws.com", f"https://{bucket}.s3.ap-southeast-1.amazonaws.com"]
    assert csp == content_security_policy(CONFIG["VNEID_ISSUER"], *uploads)
    directives = dict(d.split(" ", 1) for d in csp.split("; "))
    assert directives["frame-ancestors"] == "'none'" and directives["script-src"] == "'self'"
    assert directives["connect-src"].split() == ["'self'", CONFIG["VNEID_ISSUER"].rstrip("/"), *uploads]
    attachments = [b["Properties"]["BucketName"] for b in repo.resources("AWS::S3::Bucket").values()
                   if "attachments" in json.dumps(b["Properties"].get("BucketName"))]  # fmt: skip
    assert attachments == [{"Fn::Join": ["", [f"{physical_name(STAGE, 'attachments')}-",
                                              {"Ref": "AWS::AccountId"}, "-ap-southeast-1"]]}]  # fmt: skip
    # the built page loads only its own files: no inline script or style for 'self' to refuse
    index = (DIST / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<script(?![^>]*\bsrc=\"/)", index) == []
    assert "<style" not in index and " style=" not in index
    headers = {h["Header"]: h["Value"] for h in config["CustomHeadersConfig"]["Items"]}
    assert headers == {"Permissions-Policy": "camera=(), microphone=(), geolocation=()"}


# --- uploads -------------------------------------------------------------------------------------
def _selected(path: str, exclude: list[str], include: list[str]) -> bool:
    """``aws s3 sync``'s filters as the upload function passes them: every --exclude, then every
    --include; the last filter that matches decides, and a file no filter matches is uploaded."""
    chosen = True
    for keep, patterns in ((False, exclude), (True, include)):
        for pattern in patterns:
            if fnmatch.fnmatch(path, pattern):
                chosen = keep
    return chosen


def _uploads(s: Synth) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Each file the deployment writes to the web app bucket → [(upload id, its properties)]."""
    out: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for lid, res in s.resources("Custom::CDKBucketDeployment").items():
        props = res["Properties"]
        for key in props["SourceObjectKeys"]:
            folder = s.path.parent / f"asset.{key.removesuffix('.zip')}"
            for file in folder.rglob("*"):
                name = file.relative_to(folder).as_posix()
                if file.is_file() and _selected(name, props.get("Exclude", []), props.get("Include", [])):
                    out.setdefault(name, []).append((lid, props))
    return out


def test_the_build_and_config_json_are_uploaded_once_each_with_their_headers(repo: Synth) -> None:
    uploads = _uploads(repo)
    built = {f.relative_to(DIST).as_posix() for f in DIST.rglob("*") if f.is_file()}
    assert any(name.endswith(".mjs") for name in built), "the pdf.js worker"
    assert set(uploads) == built | {"config.json"}
    for name, by in uploads.items():
        assert len(by) == 1, f"{name} uploaded by {[lid for lid, _ in by]}"
        meta = by[0][1]["SystemMetadata"]
        if name.endswith(".mjs"):
            assert meta["content-type"] == "text/javascript; charset=utf-8", name
        else:
            assert "content-type" not in meta, name  # guessed from the extension
        hashed = name.startswith("assets/")
        assert meta["cache-control"] == (webapp.IMMUTABLE if hashed else webapp.NO_CACHE), name
    # the root files (index.html, config.json) go after the files they name, then CloudFront forgets
    (root_id, root), *_ = uploads["index.html"]
    assert root["Prune"] is True and root["DistributionPaths"] == ["/*"]
    (dist_id, _) = _one(repo.resources("AWS::CloudFront::Distribution"))
    assert root["DistributionId"] == {"Ref": dist_id}
    others = {lid for by in uploads.values() for lid, _ in by} - {root_id}
    assert others and others <= set(repo.template["Resources"][root_id]["DependsOn"])
    assert all(props["Prune"] is False for by in uploads.values() for lid, props in by if lid != root_id)


def test_config_json_from_the_stage_configuration(repo: Synth) -> None:
    (root_id, props), = _uploads(repo)["config.json"]
    written = [repo.path.parent / f"asset.{k.removesuffix('.zip')}" / "config.json" for k in props["SourceObjectKeys"]]
    (path,) = [p for p in written if p.is_file()]
    config = json.loads(path.read_text(encoding="utf-8"))
    assert config == {
        "issuer": CONFIG["VNEID_ISSUER"].rstrip("/"),
        "client_id": CONFIG["VNEID_AUDIENCE"],
        "api_base": "",  # /v1/* on this origin
        "scope": "openid profile",
    }


def test_the_upload_role_is_written_out(repo: Synth) -> None:
    (fn,) = [f["Properties"] for lid, f in repo.resources("AWS::Lambda::Function").items()
             if lid.startswith("CustomCDKBucketDeployment")]  # fmt: skip
    role_id = fn["Role"]["Fn::GetAtt"][0]
    role = repo.template["Resources"][role_id]["Properties"]
    assert "ManagedPolicyArns" not in role
    (policy,) = role["Policies"]
    listed = [st["Action"] for st in policy["PolicyDocument"]["Statement"]]
    actions = sorted(a for action in listed for a in ([action] if isinstance(action, str) else action))
    assert actions == ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation", "logs:CreateLogStream",
                       "logs:PutLogEvents", "s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"]
    assert not [p for p in repo.resources("AWS::IAM::Policy").values()
                if {"Ref": role_id} in p["Properties"].get("Roles", [])]  # fmt: skip


# --- the stage's domain ----------------------------------------------------------------------------
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"


def _site_template(tmp_path: Path, settings: edge.EdgeSettings) -> dict[str, Any]:
    """The web app alone in a small stack (no Chalice packaging: seconds, not a minute)."""
    app = cdk.App(outdir=str(tmp_path), context=FEATURE_FLAGS)
    stack = cdk.Stack(app, "site", env=cdk.Environment(region="ap-southeast-1"))
    cdk.CfnResource(stack, "RestAPI", type="AWS::ApiGateway::RestApi", properties={"Name": "api"})
    logs = s3.Bucket(stack, "Logs", object_ownership=s3.ObjectOwnership.OBJECT_WRITER)
    site = webapp.Site(stack, STAGE, settings, s3.Bucket(stack, "Web"), logs, kms.Key(stack, "Key"), "api")
    webapp.add_webapp(site, CONFIG, DIST)
    app.synth()
    return json.loads((tmp_path / "site.template.json").read_text())  # type: ignore[no-any-return]


def test_the_stage_domain_and_certificate(repo: Synth, tmp_path: Path) -> None:
    domain = ("hoso.example.gov.vn",)
    settings = edge.EdgeSettings(throttles={}, public_per_ip=1, per_ip=1, webapp_domains=domain,
                                 webapp_certificate_arn=CERTIFICATE)  # fmt: skip
    template = _site_template(tmp_path, settings)
    (dist,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudFront::Distribution"]
    c = dist["Properties"]["DistributionConfig"]
    assert c["Aliases"] == ["hoso.example.gov.vn"]
    assert c["ViewerCertificate"] == {"AcmCertificateArn": CERTIFICATE, "MinimumProtocolVersion": "TLSv1.2_2021",
                                      "SslSupportMethod": "sni-only"}  # fmt: skip
    assert template["Outputs"]["WebappUrl"]["Value"] == "https://hoso.example.gov.vn/"
    # without a domain (the dev stage): the distribution's own name
    c = _distribution(repo)
    assert "Aliases" not in c and "ViewerCertificate" not in c
    (dist_id, _) = _one(repo.resources("AWS::CloudFront::Distribution"))
    assert repo.template["Outputs"]["WebappUrl"]["Value"] == {
        "Fn::Join": ["", ["https://", {"Fn::GetAtt": [dist_id, "DomainName"]}, "/"]]
    }


@pytest.mark.parametrize(
    ("domains", "certificate"),
    [(("hoso.example.gov.vn",), ""), ((), CERTIFICATE),
     (("hoso.example.gov.vn",), CERTIFICATE.replace("us-east-1", "ap-southeast-1"))],
)  # fmt: skip
def test_a_half_set_or_regional_certificate_fails_the_synth(domains: tuple[str, ...], certificate: str) -> None:
    with pytest.raises(ValueError, match="web app"):
        webapp.check_domain(domains, certificate)
