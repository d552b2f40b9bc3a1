"""Creates, in moto, every resource the synthesised CloudFormation template defines.

The template (``build/cdk.out/hoso-<stage>.template.json``, written by ``python -m
infra.synth``) is the only description of hoso's resources: this module reads it, resolves
its intrinsic functions and creates each resource of an emulated type with boto3 against
the moto server. Nothing here names a table, a queue or a bucket.

- Emulated types are the keys of ``_CREATORS``; every other type (CloudFront, alarms, IAM,
  log groups, API Gateway, Lambda permissions…) is reported in ``ProvisionResult.skipped``
  and logged — a reference to one resolves to a recognisable placeholder.
- ``AWS::Serverless::Function`` resources (the Chalice app, included as SAM) are not
  created: their resolved handler, timeout, memory, environment and event sources are
  returned for the local dispatcher and the local API server. Functions' ``CloudWatchEvent``
  and ``Schedule`` events become EventBridge rules; a ``CloudWatchEvent`` rule gets an SQS
  target queue ``hoso-local-events-<function>`` (with a dead-letter queue) that the
  dispatcher polls, since moto cannot invoke Python functions.
- State machines get their ``DefinitionSubstitutions`` applied here (moto's CloudFormation
  path ignores them).
- Running it twice against the same server is fine: existing resources are reused or
  updated in place.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from chalicelib.observability import logger

SERVERLESS_FUNCTION = "AWS::Serverless::Function"
LOCAL_EVENTS_QUEUE_PREFIX = "hoso-local-events-"
# Lambda's asynchronous invocations (EventBridge → function) are tried 3 times in all.
ASYNC_ATTEMPTS = 3
_SAM_DEFAULT_TIMEOUT_S = 3
_SAM_DEFAULT_MEMORY_MB = 128


class ProvisionError(RuntimeError):
    """The template cannot be provisioned locally (bad reference, unsupported intrinsic…)."""


@dataclass(frozen=True)
class Resource:
    """A created resource: what ``Ref`` and ``Fn::GetAtt`` give for it."""

    logical_id: str
    type: str
    ref: str
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FunctionEvent:
    """One event source of a function, its properties resolved.

    ``queue_url`` is the queue the dispatcher polls: the function's own queue for ``SQS``,
    the local EventBridge target queue for ``CloudWatchEvent``/``EventBridgeRule``.
    ``rule_name`` is the EventBridge rule created for ``Schedule``/``CloudWatchEvent``.
    """

    name: str
    type: str
    properties: Mapping[str, Any]
    queue_url: str | None = None
    queue_arn: str | None = None
    rule_name: str | None = None


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    function_name: str
    handler: str
    timeout_s: int
    memory_mb: int
    environment: Mapping[str, str]
    events: tuple[FunctionEvent, ...]

    @property
    def handler_name(self) -> str:
        """``app.sync_dvcqg`` → ``sync_dvcqg``."""
        return self.handler.rpartition(".")[2]

    def events_of(self, *types: str) -> list[FunctionEvent]:
        return [e for e in self.events if e.type in types]


@dataclass(frozen=True)
class ProvisionResult:
    stack_name: str
    account_id: str
    region: str
    endpoint_url: str
    resources: Mapping[str, Resource]
    skipped: Mapping[str, str]  # logical id → resource type
    functions: Mapping[str, FunctionSpec]  # logical id → spec

    def of_type(self, resource_type: str) -> dict[str, Resource]:
        return {lid: r for lid, r in self.resources.items() if r.type == resource_type}

    def function(self, name: str) -> FunctionSpec:
        """A function by logical id (``SyncDvcqg``), function name or handler name (``sync_dvcqg``)."""
        for spec in self.functions.values():
            if name in (spec.logical_id, spec.function_name, spec.handler_name):
                return spec
        raise KeyError(f"no function {name!r} in the template (known: {', '.join(sorted(self.functions))})")

    @property
    def api_function(self) -> FunctionSpec | None:
        """The Chalice HTTP function (handler ``app.app``)."""
        return next((s for s in self.functions.values() if s.handler == "app.app"), None)


class _NoValue:
    """``AWS::NoValue``: the property or list item disappears."""


NO_VALUE = _NoValue()
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")


class _Provisioner:
    def __init__(
        self,
        template: Mapping[str, Any],
        endpoint_url: str,
        account_id: str,
        region: str,
        stack_name: str,
        secret_values: Mapping[str, str],
    ) -> None:
        self.template = template
        self.endpoint_url = endpoint_url
        self.account_id = account_id
        self.region = region
        self.stack_name = stack_name
        self.secret_values = dict(secret_values)
        self.definitions: Mapping[str, Any] = template.get("Resources", {})
        self.done: dict[str, Resource] = {}
        self.skipped: dict[str, str] = {}
        self.functions: dict[str, FunctionSpec] = {}
        self._in_progress: list[str] = []
        self._conditions: dict[str, bool] = {}
        self._clients: dict[str, Any] = {}
        self.pseudo: dict[str, Any] = {
            "AWS::AccountId": account_id,
            "AWS::Region": region,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": stack_name,
            "AWS::StackId": f"arn:aws:cloudformation:{region}:{account_id}:stack/{stack_name}/local",
            "AWS::NotificationARNs": [],
            "AWS::NoValue": NO_VALUE,
        }

    # --- clients ---------------------------------------------------------------------------
    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = boto3.session.Session().client(
                service,
                endpoint_url=self.endpoint_url,
                region_name=self.region,
                config=Config(retries={"max_attempts": 2}),
            )
        return self._clients[service]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    # --- driving ---------------------------------------------------------------------------
    def run(self) -> ProvisionResult:
        for lid in self.definitions:
            self.ensure(lid)
        for lid, definition in self.definitions.items():
            if definition.get("Type") == SERVERLESS_FUNCTION and self._included(lid):
                self.functions[lid] = self._function(lid, definition)
        if self.skipped:
            logger.info(
                "Local stack: resource types not emulated locally were skipped",
                extra={"skipped": {lid: t for lid, t in sorted(self.skipped.items())}},
            )
        return ProvisionResult(
            stack_name=self.stack_name,
            account_id=self.account_id,
            region=self.region,
            endpoint_url=self.endpoint_url,
            resources=dict(self.done),
            skipped=dict(self.skipped),
            functions=dict(self.functions),
        )

    def _included(self, lid: str) -> bool:
        condition = self.definitions[lid].get("Condition")
        return condition is None or self.condition(condition)

    def ensure(self, lid: str) -> Resource:
        if lid in self.done:
            return self.done[lid]
        if lid not in self.definitions:
            raise ProvisionError(f"reference to {lid!r}: not a resource, a parameter or a pseudo parameter")
        if lid in self._in_progress:
            raise ProvisionError(f"circular reference: {' → '.join([*self._in_progress, lid])}")
        definition = self.definitions[lid]
        rtype = definition.get("Type", "")
        self._in_progress.append(lid)
        try:
            creator = _CREATORS.get(rtype)
            if not self._included(lid):
                resource = Resource(lid, rtype, ref=lid)
            elif rtype == SERVERLESS_FUNCTION:
                resource = self._function_placeholder(lid, definition)
            elif creator is None:
                self.skipped[lid] = rtype
                resource = Resource(lid, rtype, ref=lid)
            else:
                props = self.resolve(definition.get("Properties", {}))
                try:
                    ref, attributes = creator(self, lid, props)
                except ClientError as e:
                    raise ProvisionError(f"{lid} ({rtype}): {e}") from e
                resource = Resource(lid, rtype, ref=ref, attributes=attributes)
        finally:
            self._in_progress.pop()
        self.done[lid] = resource
        return resource

    # --- intrinsic functions ---------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            items = [self.resolve(v) for v in value]
            return [v for v in items if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            fn = _INTRINSICS.get(key)
            if fn is not None:
                return fn(self, arg)
        out = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not NO_VALUE}

    def ref(self, name: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        parameters = self.template.get("Parameters", {})
        if name in parameters:
            if "Default" not in parameters[name]:
                raise ProvisionError(f"parameter {name!r} has no default value")
            return parameters[name]["Default"]
        return self.ensure(name).ref

    def get_att(self, lid: str, attribute: str) -> Any:
        resource = self.ensure(lid)
        if attribute in resource.attributes:
            return resource.attributes[attribute]
        if lid in self.skipped or resource.type == SERVERLESS_FUNCTION or not self._included(lid):
            return self._placeholder_attribute(resource, attribute)
        raise ProvisionError(f"Fn::GetAtt {lid}.{attribute}: {resource.type} has no attribute {attribute!r} locally")

    def _placeholder_attribute(self, resource: Resource, attribute: str) -> str:
        """A recognisable stand-in for an attribute of a resource that is not emulated."""
        if attribute.endswith("Arn"):
            service = resource.type.split("::")[1].lower() if "::" in resource.type else "local"
            return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource.logical_id}"
        return f"{resource.logical_id}.{attribute}"

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            conditions = self.template.get("Conditions", {})
            if name not in conditions:
                raise ProvisionError(f"unknown condition {name!r}")
            self._conditions[name] = bool(self.resolve(conditions[name]))
        return self._conditions[name]

    def sub(self, arg: Any) -> str:
        if isinstance(arg, str):
            text, variables = arg, {}
        else:
            text, raw_vars = arg
            variables = {k: self.resolve(v) for k, v in raw_vars.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and name not in self.pseudo:
                lid, _, attribute = name.partition(".")
                return str(self.get_att(lid, attribute))
            return str(self.ref(name))

        return _SUB_VAR.sub(replace, text)

    # --- functions (SAM) -------------------------------------------------------------------
    def _function_name(self, lid: str, props: Mapping[str, Any]) -> str:
        name = props.get("FunctionName")
        if isinstance(name, str):
            return name
        handler = str(props.get("Handler", lid))
        return f"{self.stack_name}-{handler.rpartition('.')[2]}"

    def _function_placeholder(self, lid: str, definition: Mapping[str, Any]) -> Resource:
        # Other resources may reference a function (permissions, alarms); its own properties
        # are resolved later, when everything they reference exists.
        props = definition.get("Properties", {})
        name = self._function_name(lid, props)
        arn = f"arn:aws:lambda:{self.region}:{self.account_id}:function:{name}"
        return Resource(lid, SERVERLESS_FUNCTION, ref=name, attributes={"Arn": arn})

    def _function(self, lid: str, definition: Mapping[str, Any]) -> FunctionSpec:
        globals_ = self.template.get("Globals", {}).get("Function", {})
        raw = {**globals_, **definition.get("Properties", {})}
        env = {
            **globals_.get("Environment", {}).get("Variables", {}),
            **definition.get("Properties", {}).get("Environment", {}).get("Variables", {}),
        }
        props = self.resolve({k: v for k, v in raw.items() if k not in ("Events", "Environment")})
        name = self._function_name(lid, props)
        spec_events = tuple(
            self._event(lid, name, str(props["Handler"]), event_name, self.resolve(event))
            for event_name, event in definition.get("Properties", {}).get("Events", {}).items()
        )
        return FunctionSpec(
            logical_id=lid,
            function_name=name,
            handler=str(props["Handler"]),
            timeout_s=int(props.get("Timeout", _SAM_DEFAULT_TIMEOUT_S)),
            memory_mb=int(props.get("MemorySize", _SAM_DEFAULT_MEMORY_MB)),
            environment={k: _env_str(v) for k, v in self.resolve(env).items()},
            events=spec_events,
        )

    def _event(self, lid: str, function_name: str, handler: str, name: str, event: Mapping[str, Any]) -> FunctionEvent:
        etype = str(event.get("Type"))
        props = event.get("Properties", {})
        if etype == "SQS":
            queue_arn = str(props["Queue"])
            url = self.client("sqs").get_queue_url(QueueName=queue_arn.rsplit(":", 1)[-1])["QueueUrl"]
            return FunctionEvent(name, etype, props, queue_url=url, queue_arn=queue_arn)
        if etype == "Schedule":
            rule = _rule_name(function_name, name)
            self.client("events").put_rule(
                Name=rule,
                ScheduleExpression=str(props["Schedule"]),
                State="ENABLED" if props.get("Enabled", True) else "DISABLED",
                Description=f"{lid}: {props['Schedule']}",
            )
            return FunctionEvent(name, etype, props, rule_name=rule)
        if etype in ("CloudWatchEvent", "EventBridgeRule"):
            return self._event_rule(lid, handler, function_name, name, etype, props)
        return FunctionEvent(name, etype, props)

    def _event_rule(
        self, lid: str, handler: str, function_name: str, name: str, etype: str, props: Mapping[str, Any]
    ) -> FunctionEvent:
        """An EventBridge rule whose target is a local queue the dispatcher drains into the function."""
        sqs = self.client("sqs")
        base = LOCAL_EVENTS_QUEUE_PREFIX + handler.rpartition(".")[2]
        timeout = int(self.definitions[lid].get("Properties", {}).get("Timeout", _SAM_DEFAULT_TIMEOUT_S))
        dlq_url = _ensure_queue(sqs, f"{base}-dlq"[:80], {})
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": ASYNC_ATTEMPTS})
        url = _ensure_queue(sqs, base[:80], {"VisibilityTimeout": str(timeout), "RedrivePolicy": redrive})
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        rule = _rule_name(function_name, name)
        bus = props.get("EventBusName", "default")
        events = self.client("events")
        events.put_rule(Name=rule, EventPattern=json.dumps(props["Pattern"]), EventBusName=bus, State="ENABLED")
        events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": "local-dispatcher", "Arn": arn}])
        return FunctionEvent(name, etype, props, queue_url=url, queue_arn=arn, rule_name=rule)

    # --- naming ----------------------------------------------------------------------------
    def generated_name(self, lid: str, max_len: int = 64, lower: bool = False) -> str:
        """Like CloudFormation's ``<stack>-<logical id>-<suffix>``, but stable across runs."""
        name = f"{self.stack_name}-{lid}"[:max_len]
        return name.lower() if lower else name


def _env_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _rule_name(function_name: str, event_name: str) -> str:
    return re.sub(r"[^\w.-]", "-", f"{function_name}-{event_name}")[:64]


# --- intrinsic function table ----------------------------------------------------------------
def _fn_getatt(p: _Provisioner, arg: Any) -> Any:
    if isinstance(arg, str):
        lid, _, attribute = arg.partition(".")
    else:
        lid, attribute = arg[0], p.resolve(arg[1])
    return p.get_att(lid, attribute)


def _fn_join(p: _Provisioner, arg: Any) -> str:
    delimiter, items = arg
    return str(delimiter).join(str(v) for v in p.resolve(items))


def _fn_select(p: _Provisioner, arg: Any) -> Any:
    index, items = p.resolve(arg)
    return items[int(index)]


def _fn_split(p: _Provisioner, arg: Any) -> list[str]:
    delimiter, text = p.resolve(arg)
    return str(text).split(delimiter)


def _fn_equals(p: _Provisioner, arg: Any) -> bool:
    left, right = p.resolve(arg)
    return bool(left == right)


def _fn_if(p: _Provisioner, arg: Any) -> Any:
    name, if_true, if_false = arg
    return p.resolve(if_true if p.condition(name) else if_false)


def _fn_find_in_map(p: _Provisioner, arg: Any) -> Any:
    map_name, top, second = p.resolve(arg)
    return p.template["Mappings"][map_name][top][second]


def _fn_get_azs(p: _Provisioner, arg: Any) -> list[str]:
    return [f"{p.region}{z}" for z in "abc"]


def _fn_unsupported(name: str) -> Callable[[_Provisioner, Any], Any]:
    def fail(p: _Provisioner, arg: Any) -> Any:
        raise ProvisionError(f"{name} cannot be resolved locally (argument {arg!r})")

    return fail


_INTRINSICS: dict[str, Callable[[_Provisioner, Any], Any]] = {
    "Ref": lambda p, arg: p.ref(arg),
    "Fn::GetAtt": _fn_getatt,
    "Fn::Join": _fn_join,
    "Fn::Sub": lambda p, arg: p.sub(arg),
    "Fn::Select": _fn_select,
    "Fn::Split": _fn_split,
    "Fn::If": _fn_if,
    "Fn::Equals": _fn_equals,
    "Fn::Not": lambda p, arg: not p.resolve(arg)[0],
    "Fn::And": lambda p, arg: all(p.resolve(arg)),
    "Fn::Or": lambda p, arg: any(p.resolve(arg)),
    "Condition": lambda p, arg: p.condition(arg),
    "Fn::FindInMap": _fn_find_in_map,
    "Fn::GetAZs": _fn_get_azs,
    "Fn::Base64": lambda p, arg: base64.b64encode(str(p.resolve(arg)).encode()).decode(),
    "Fn::ImportValue": _fn_unsupported("Fn::ImportValue"),
}


# --- creators, one per emulated resource type -------------------------------------------------
def _create_table(p: _Provisioner, lid: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    ddb = p.client("dynamodb")
    name = props.get("TableName") or p.generated_name(lid, 255)
    try:
        table = ddb.describe_table(TableName=name)["Table"]
    except ddb.exceptions.ResourceNotFoundException:
        table = ddb.create_table(**_table_request(name, props))["TableDescription"]
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled", True):
        current = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if current.get("TimeToLiveStatus") != "ENABLED":
            ddb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True}
            )
    attributes = {"Arn": table["TableArn"]}
    if table.get("LatestStreamArn"):
        attributes["StreamArn"] = table["LatestStreamArn"]
    return name, attributes


def _table_request(name: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """``create_table`` arguments from an ``AWS::DynamoDB::Table`` or ``…::GlobalTable``."""
    billing = props.get("BillingMode", "PROVISIONED")
    throughput = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    request: dict[str, Any] = {
        "TableName": name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": billing,
    }
    if billing == "PROVISIONED":
        request["ProvisionedThroughput"] = props.get("ProvisionedThroughput", throughput)
    gsis = []
    for gsi in props.get("GlobalSecondaryIndexes", []):
        index = {k: gsi[k] for k in ("IndexName", "KeySchema", "Projection") if k in gsi}
        if billing == "PROVISIONED":
            index["ProvisionedThroughput"] = gsi.get("ProvisionedThroughput", throughput)
        gsis.append(index)
    if gsis:
        request["GlobalSecondaryIndexes"] = gsis
    lsis = [{k: i[k] for k in ("IndexName", "KeySchema", "Projection")} for i in props.get("LocalSecondaryIndexes", [])]
    if lsis:
        request["LocalSecondaryIndexes"] = lsis
    stream = props.get("StreamSpecification")
    if stream and stream.get("StreamViewType"):
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    return request


def _ensure_queue(sqs: Any, name: str, attributes: Mapping[str, str]) -> str:
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist:
        return str(sqs.create_queue(QueueName=name, Attributes=dict(attributes))["QueueUrl"])
    settable = {k: v for k, v in attributes.items() if k not in ("FifoQueue",)}
    if settable:
        sqs.set_queue_attributes(QueueUrl=url, Attributes=settable)
    return str(url)


def _create_queue(p: _Provisioner, lid: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    sqs = p.client("sqs")
    fifo = bool(props.get("FifoQueue"))
    name = props.get("QueueName") or (p.generated_name(lid, 75) + (".fifo" if fifo else ""))
    attributes: dict[str, str] = {}
    for key, value in props.items():
        if key in ("QueueName", "Tags"):
            continue
        if isinstance(value, dict):
            attributes[key] = json.dumps(value)
        elif isinstance(value, bool):
            attributes[key] = "true" if value else "false"
        else:
            attributes[key] = str(value)
    url = _ensure_queue(sqs, name, attributes)
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, {"Arn": arn, "QueueName": name, "QueueUrl": url}


def _create_bucket(p: _Provisioner, lid: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    s3 = p.client("s3")
    name = props.get("BucketName") or p.generated_name(lid, 63, lower=True)
    request: dict[str, Any] = {"Bucket": name}
    if p.region != "us-east-1":
        request["CreateBucketConfiguration"] = {"LocationConstraint": p.region}
    if props.get("ObjectLockEnabled"):
        request["ObjectLockEnabledForBucket"] = True
    try:
        s3.create_bucket(**request)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    lock = props.get("ObjectLockConfiguration")
    if lock:
        s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration=lock)
    if "VersioningConfiguration" in props:
        s3.put_bucket_versioning(
            Bucket=name, VersioningConfiguration={"Status": props["VersioningConfiguration"]["Status"]}
        )
    cors = props.get("CorsConfiguration", {}).get("CorsRules")
    if cors:
        s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": [_cors_rule(r) for r in cors]})
    notifications = props.get("NotificationConfiguration", {})
    if notifications.get("EventBridgeConfiguration", {}).get("EventBridgeEnabled"):
        _put_notifications(s3, name, {"EventBridgeConfiguration": {}})
    return name, {
        "Arn": f"arn:aws:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.{p.region}.amazonaws.com",
        "DualStackDomainName": f"{name}.s3.dualstack.{p.region}.amazonaws.com",
        "WebsiteURL": f"http://{name}.s3-website-{p.region}.amazonaws.com",
    }


def _cors_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    # CloudFormation and the S3 API spell two of the fields differently.
    renamed = {"ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds"}
    return {renamed.get(k, k): v for k, v in rule.items()}


def _put_notifications(s3: Any, bucket: str, configuration: Mapping[str, Any]) -> None:
    current = s3.get_bucket_notification_configuration(Bucket=bucket)
    current.pop("ResponseMetadata", None)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={**current, **configuration})


def _create_bucket_notifications(p: _Provisioner, lid: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """CDK's ``Custom::S3BucketNotifications`` (e.g. ``eventBridgeEnabled``): the S3 API shape."""
    configuration = dict(props.get("NotificationConfiguration", {}))
    lambdas = configuration.pop("LambdaFunctionConfigurations", None)
    if lambdas:
        logger.warning(
            "Local stack: S3 → Lambda notifications are not emulated; use S3 → EventBridge",
            extra={"resource": lid},
        )
    _put_notifications(p.client("s3"), str(props["BucketName"]), configuration)
    return f"{props['BucketName']}-notifications", {}


def _create_kms_key(p: _Provisioner, lid: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    kms = p.client("kms")
    tag = {"TagKey": "hoso-local-logical-id", "TagValue": f"{p.stack_name}/{lid}"}
    key_id = None
    for page in kms.get_paginator("list_keys").paginate():
        for key in page["Keys"]:
            if tag in kms.list_resource_tags(KeyId=key["KeyId"]).get("Tags", []):
                key_id = key["KeyId"]
    if key_id is None:
        request = {k: props[k] for k in ("Description", "KeyUsage", "KeySpec") if k in props}
        key_id = kms.create_key(Tags=[tag], **request)["KeyMetadata"]["KeyId"]
    if props.get("EnableKeyRotation"):
        kms.enable_key_rotation(KeyId=key_id)
    arn = kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
    return key_id, {"Arn": arn, "KeyId": key_id}


def _create_kms_alias(p: _Provisioner, lid: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    kms = p.client("kms")
    name, target = str(props["AliasName"]), str(props["TargetKeyId"])
    try:
        kms.create_alias(AliasName=name, TargetKeyId=target)
    except kms.exceptions.AlreadyExistsException:
        kms.update_alias(AliasName=name, TargetKeyId=target)
    return name, {}


def _generate_secret(spec: Mapping[str, Any]) -> str:
    """A value shaped like Secrets Manager's ``GenerateSecretString`` would make it."""
    alphabet = ""
    if not spec.get("ExcludeLowercase"):
        alphabet += string.ascii_lowercase
    if not spec.get("ExcludeUppercase"):
        alphabet += string.ascii_uppercase
    if not spec.get("ExcludeNumbers"):
        alphabet += string.digits
    if not spec.get("ExcludePunctuation"):
        alphabet += "!#$%&()*+,-.:;<=>?@[]^_{|}~"
    excluded = set(str(spec.get("ExcludeCharacters", "")))
    alphabet = "".join(c for c in alphabet if c not in excluded)
    password = "".join(secrets.choice(alphabet) for _ in range(int(spec.get("PasswordLength", 32))))
    if "SecretStringTemplate" in spec and "GenerateStringKey" in spec:
        document = json.loads(spec["SecretStringTemplate"])
        document[spec["GenerateStringKey"]] = password
        return json.dumps(document)
    return password


def _create_secret(p: _Provisioner, lid: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    sm = p.client("secretsmanager")
    name = str(props.get("Name") or p.generated_name(lid, 512))
    override = p.secret_values.get(name)
    try:
        arn = sm.describe_secret(SecretId=name)["ARN"]
        if override is not None and sm.get_secret_value(SecretId=name)["SecretString"] != override:
            sm.put_secret_value(SecretId=name, SecretString=override)
    except sm.exceptions.ResourceNotFoundException:
        if override is not None:
            value = override
        elif "SecretString" in props:
            value = str(props["SecretString"])
        else:
            value = _generate_secret(props.get("GenerateSecretString", {}))
        request = {"Name": name, "SecretString": value}
        if props.get("Description"):
            request["Description"] = props["Description"]
        arn = sm.create_secret(**request)["ARN"]
    return arn, {"Id": arn}


def _create_parameter(p: _Provisioner, lid: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    ssm = p.client("ssm")
    name = str(props.get("Name") or p.generated_name(lid, 1011))
    request = {"Name": name, "Value": str(props["Value"]), "Type": props.get("Type", "String"), "Overwrite": True}
    if props.get("Description"):
        request["Description"] = props["Description"]
    ssm.put_parameter(**request)
    return name, {"Type": request["Type"], "Value": request["Value"]}


def _create_topic(p: _Provisioner, lid: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    sns = p.client("sns")
    fifo = bool(props.get("FifoTopic"))
    name = str(props.get("TopicName") or (p.generated_name(lid, 251) + (".fifo" if fifo else "")))
    attributes = {"FifoTopic": "true"} if fifo else {}
    if props.get("DisplayName"):
        attributes["DisplayName"] = str(props["DisplayName"])
    arn = sns.create_topic(Name=name, Attributes=attributes)["TopicArn"]
    return arn, {"TopicArn": arn, "TopicName": name}


def _create_subscription(p: _Provisioner, lid: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """An SQS subscription with its filter policy and raw delivery: moto delivers each publish to
    the queue in-process and applies the filter policy (the outbox relay's fan-out, infra/fanout.py)."""
    attributes = {}
    if props.get("FilterPolicy") is not None:
        attributes["FilterPolicy"] = json.dumps(props["FilterPolicy"])
    if props.get("RawMessageDelivery") is not None:
        attributes["RawMessageDelivery"] = "true" if props["RawMessageDelivery"] in (True, "true") else "false"
    arn = p.client("sns").subscribe(TopicArn=str(props["TopicArn"]), Protocol=str(props["Protocol"]),
                                    Endpoint=str(props["Endpoint"]), Attributes=attributes,
                                    ReturnSubscriptionArn=True)["SubscriptionArn"]  # fmt: skip
    return str(arn), {}


def substitute_definition(definition: str, substitutions: Mapping[str, Any]) -> str:
    """What Step Functions does with ``DefinitionSubstitutions``: ``${key}`` → value."""
    for key, value in substitutions.items():
        definition = definition.replace("${" + key + "}", _env_str(value))
    return definition


def _create_state_machine(p: _Provisioner, lid: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    sfn = p.client("stepfunctions")
    name = str(props.get("StateMachineName") or p.generated_name(lid, 80))
    if "DefinitionString" in props:
        definition = str(props["DefinitionString"])
    elif "Definition" in props:
        definition = json.dumps(props["Definition"])
    else:
        raise ProvisionError(f"{lid}: a state machine needs DefinitionString or Definition locally")
    definition = substitute_definition(definition, props.get("DefinitionSubstitutions", {}))
    role = str(props.get("RoleArn") or f"arn:aws:iam::{p.account_id}:role/{lid}")
    if not role.startswith("arn:aws:iam::"):
        role = f"arn:aws:iam::{p.account_id}:role/{lid}"
    arn = f"arn:aws:states:{p.region}:{p.account_id}:stateMachine:{name}"
    try:
        sfn.describe_state_machine(stateMachineArn=arn)
        sfn.update_state_machine(stateMachineArn=arn, definition=definition, roleArn=role)
    except sfn.exceptions.StateMachineDoesNotExist:
        arn = sfn.create_state_machine(
            name=name, definition=definition, roleArn=role, type=props.get("StateMachineType", "STANDARD")
        )["stateMachineArn"]
    return arn, {"Arn": arn, "Name": name}


_Creator = Callable[[_Provisioner, str, Mapping[str, Any]], tuple[str, dict[str, Any]]]
_CREATORS: dict[str, _Creator] = {
    "AWS::DynamoDB::Table": _create_table,
    "AWS::DynamoDB::GlobalTable": _create_table,
    "AWS::SQS::Queue": _create_queue,
    "AWS::S3::Bucket": _create_bucket,
    "Custom::S3BucketNotifications": _create_bucket_notifications,
    "AWS::KMS::Key": _create_kms_key,
    "AWS::KMS::Alias": _create_kms_alias,
    "AWS::SecretsManager::Secret": _create_secret,
    "AWS::SSM::Parameter": _create_parameter,
    "AWS::SNS::Topic": _create_topic,
    "AWS::SNS::Subscription": _create_subscription,
    "AWS::StepFunctions::StateMachine": _create_state_machine,
}


def provision(
    template: Mapping[str, Any],
    endpoint_url: str,
    account_id: str = "123456789012",
    region: str = "ap-southeast-1",
    *,
    stack_name: str = "hoso-dev",
    secret_values: Mapping[str, str] | None = None,
) -> ProvisionResult:
    """Create every emulated resource of ``template`` in the moto server at ``endpoint_url``.

    ``secret_values`` (secret name → secret string) replaces the template's generated or
    literal secret values, e.g. the DVCQG HMAC keys the local simulators also use.
    """
    provisioner = _Provisioner(template, endpoint_url, account_id, region, stack_name, secret_values or {})
    try:
        result = provisioner.run()
    finally:
        provisioner.close()
    logger.info(
        "Local stack: template provisioned",
        extra={
            "emulated": len(result.resources) - len(result.skipped),
            "skipped": len(result.skipped),
            "functions": sorted(result.functions),
        },
    )
    return result
