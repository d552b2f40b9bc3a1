"""Records every AWS call hoso's functions make, for the IAM check (``python -m infra.iam_check``).

moto enforces no IAM, so the local stack and the tests cannot see a call the function's role
would refuse in AWS. With ``HOSO_RECORD_AWS_CALLS=<dir>`` set, :func:`install` registers a
botocore handler (``provide-client-params``, emitted for every API call and every presigned
URL or POST) on every client the process creates, and each call made while a function runs
is written as one JSON line to ``<dir>/calls-<pid>.jsonl``::

    {"function": "hoso-dev-api-handler", "service": "s3", "operation": "DeleteObject",
     "action": "s3:DeleteObject", "resource": "arn:aws:s3:::bucket/key", "presigned": false}

"Which function" is the context variable set by :func:`invoking`: the local API server sets
it to the HTTP function around each request, the dispatcher to each event handler's
function name (as in the template) around each invocation. Calls made outside (test setup,
seeding, simulators, provisioning, the dispatcher's own polling) are attributed to nobody and
not recorded. Each (function, action, resource) is written once per process: cheap.

Every function runs in this one process, but each has its own sandbox in AWS: while recording,
the app's in-process read caches (secrets, catalogue) are kept per function, so a function
makes the reads it would make on Lambda instead of finding another function's cached answer.

The KMS use a call implies (SSE-KMS objects, encrypted tables, queues and secrets) is not
visible in the request; the checker derives it from the template (``infra.iam_check``).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import threading
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import botocore.client

from chalicelib.integrations import secrets
from chalicelib.store import catalogue

ENV_VAR = "HOSO_RECORD_AWS_CALLS"
ACCOUNT_ID = "123456789012"  # moto's account: ARNs the request does not carry are in it

_function: contextvars.ContextVar[str | None] = contextvars.ContextVar("hoso_function", default=None)
_lock = threading.Lock()
_seen: set[tuple[str, str, str]] = set()
_state: dict[str, Any] = {}  # "out": the open file, "original": ClientCreator.create_client

_CACHING_MODULES: tuple[Any, ...] = (secrets, catalogue)

# IAM service prefixes that differ from the signing name
_PREFIX = {"monitoring": "cloudwatch", "email": "ses"}


@contextlib.contextmanager
def invoking(function_name: str | None) -> Iterator[None]:
    """AWS calls made in this block (this thread) are the function's."""
    token = _function.set(function_name)
    try:
        yield
    finally:
        _function.reset(token)


def install(directory: str | os.PathLike[str] | None = None) -> bool:
    """Start recording into ``directory`` (default: ``$HOSO_RECORD_AWS_CALLS``); False when
    neither is given. Idempotent; clients created before it are not recorded."""
    target = directory or os.environ.get(ENV_VAR)
    if not target:
        return False
    with _lock:
        if "out" in _state:
            return True
        Path(target).mkdir(parents=True, exist_ok=True)
        _state["out"] = open(Path(target) / f"calls-{os.getpid()}.jsonl", "a", encoding="utf-8")  # noqa: SIM115
        original = botocore.client.ClientCreator.create_client
        _state["original"] = original

        def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
            client = original(self, *args, **kwargs)
            client.meta.events.register("provide-client-params", partial(_on_call, region=client.meta.region_name))
            return client

        botocore.client.ClientCreator.create_client = create_client  # type: ignore[method-assign]
        for module in _CACHING_MODULES:
            cache = _PerFunctionCache()
            _state.setdefault("caches", []).append((module, module._cache))
            module._cache = cache
    return True


def uninstall() -> None:
    """Stop recording (tests of the recorder)."""
    with _lock:
        if "out" not in _state:
            return
        botocore.client.ClientCreator.create_client = _state.pop("original")  # type: ignore[method-assign]
        for module, cache in _state.pop("caches", []):
            module._cache = cache
        _state.pop("out").close()
        _seen.clear()


class _PerFunctionCache(dict):  # type: ignore[type-arg]
    """A module's ``_cache`` dict, one per function (``get``/``[]=``/``clear`` are what the
    caches use)."""

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get((_function.get(), key), default)

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__((_function.get(), key), value)


def _on_call(params: Mapping[str, Any], model: Any, context: Mapping[str, Any], region: str, **_: Any) -> None:
    function = _function.get()
    if function is None:
        return
    service = model.service_model.signing_name or model.service_model.endpoint_prefix
    presigned = bool(context.get("is_presign_request"))
    for action, resource in permissions(service, model.name, params, region, presigned=presigned):
        key = (function, action, resource)
        if key in _seen:
            continue
        line = json.dumps({"function": function, "service": service, "operation": model.name,
                           "action": action, "resource": resource, "presigned": presigned})
        with _lock:
            out = _state.get("out")
            if out is None or key in _seen:
                continue
            _seen.add(key)
            out.write(line + "\n")
            out.flush()


# --- what a call needs: IAM actions and the resources they apply to ------------------------------
def permissions(
    service: str, operation: str, params: Mapping[str, Any], region: str, *, presigned: bool = False
) -> list[tuple[str, str]]:
    """The (IAM action, resource ARN) pairs AWS authorises for one call. A resource the
    request does not name (a task token's state machine, a presigned POST's key) is a
    pattern with ``*``: the checker asks that some grant covers a resource of that form."""
    prefix = _PREFIX.get(service, service)
    arn = _ArnOf(region)
    if service == "s3":
        return _s3(operation, params, presigned)
    if service == "dynamodb":
        return _dynamodb(operation, params, arn)
    if service == "sqs":
        queue = params.get("QueueUrl") or params.get("QueueName")
        resource = arn.queue(str(queue)) if queue else "*"
        return [(f"sqs:{operation.removesuffix('Batch')}", resource)]
    if service == "sns" and "TopicArn" in params:  # PublishBatch is authorised as sns:Publish
        return [(f"sns:{operation.removesuffix('Batch')}", str(params["TopicArn"]))]
    if service == "states":
        if "executionArn" in params:
            return [(f"states:{operation}", str(params["executionArn"]))]
        if "stateMachineArn" in params:
            return [(f"states:{operation}", str(params["stateMachineArn"]))]
        if "taskToken" in params:
            return [(f"states:{operation}", arn.of("states", "stateMachine:*"))]
        return [(f"states:{operation}", "*")]
    if service == "secretsmanager" and "SecretId" in params:
        return [(f"secretsmanager:{operation}", arn.secret(str(params["SecretId"])))]
    if service == "ssm":
        names = params.get("Names") or ([params["Name"]] if "Name" in params else [params.get("Path", "")])
        action = "ssm:GetParametersByPath" if operation == "GetParametersByPath" else f"ssm:{operation}"
        return [(action, arn.of("ssm", "parameter/" + str(n).lstrip("/"))) for n in names]
    if service == "kms" and "KeyId" in params:
        key = str(params["KeyId"])
        return [(f"kms:{operation}", key if key.startswith("arn:") else arn.of("kms", f"key/{key}"))]
    if service == "sts" and operation == "GetCallerIdentity":
        return []  # needs no permission
    return [(f"{prefix}:{operation}", "*")]


class _ArnOf:
    def __init__(self, region: str) -> None:
        self.region = region

    def of(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{ACCOUNT_ID}:{resource}"

    def table(self, name: str) -> str:
        return name if name.startswith("arn:") else self.of("dynamodb", f"table/{name}")

    def queue(self, url_or_name: str) -> str:
        if url_or_name.startswith("arn:"):
            return url_or_name
        name = urlparse(url_or_name).path.rstrip("/").rsplit("/", 1)[-1] if "/" in url_or_name else url_or_name
        return self.of("sqs", name)

    def secret(self, secret_id: str) -> str:
        # A name resolves to the full ARN, whose 6-character suffix AWS chooses.
        return secret_id if secret_id.startswith("arn:") else self.of("secretsmanager", f"secret:{secret_id}-XXXXXX")


_S3_OBJECT_ACTIONS = {
    "HeadObject": "GetObject",
    "CreateMultipartUpload": "PutObject",
    "UploadPart": "PutObject",
    "CompleteMultipartUpload": "PutObject",
    "ListParts": "ListMultipartUploadParts",
}
_S3_VERSIONED = {"GetObject", "DeleteObject", "GetObjectTagging", "PutObjectTagging", "DeleteObjectTagging"}
_S3_BUCKET_ACTIONS = {
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "HeadBucket": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
    "ListMultipartUploads": "ListBucketMultipartUploads",
}


def _s3_object(bucket: str, key: str) -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


def _s3(operation: str, params: Mapping[str, Any], presigned: bool) -> list[tuple[str, str]]:
    bucket = str(params.get("Bucket", "*"))
    if presigned and operation == "CreateBucket":  # botocore's model for a presigned POST (an upload)
        return [("s3:PutObject", _s3_object(bucket, "*"))]
    if operation == "CopyObject":
        source = params["CopySource"]
        if isinstance(source, str):
            path, _, version = unquote(source).lstrip("/").partition("?versionId=")
            source_bucket, _, source_key = path.partition("/")
            source = {"Bucket": source_bucket, "Key": source_key, "VersionId": version}
        read = "s3:GetObjectVersion" if source.get("VersionId") else "s3:GetObject"
        return [("s3:PutObject", _s3_object(bucket, str(params["Key"]))),
                (read, _s3_object(str(source["Bucket"]), str(source["Key"])))]
    if operation == "DeleteObjects":
        objects = params.get("Delete", {}).get("Objects", [])
        return [("s3:DeleteObjectVersion" if o.get("VersionId") else "s3:DeleteObject",
                 _s3_object(bucket, str(o["Key"]))) for o in objects]
    if operation == "PutObject" and ("ObjectLockMode" in params or "ObjectLockRetainUntilDate" in params):
        # a put that sets its own retention needs s3:PutObjectRetention as well (S3's authorisation)
        return [("s3:PutObject", _s3_object(bucket, str(params["Key"]))),
                ("s3:PutObjectRetention", _s3_object(bucket, str(params["Key"])))]
    if "Key" in params:
        action = _S3_OBJECT_ACTIONS.get(operation, operation)
        if params.get("VersionId") and action in _S3_VERSIONED:
            action += "Version"
        return [(f"s3:{action}", _s3_object(bucket, str(params["Key"])))]
    return [(f"s3:{_S3_BUCKET_ACTIONS.get(operation, operation)}", f"arn:aws:s3:::{bucket}")]


_TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem",
             "Get": "GetItem"}


def _dynamodb(operation: str, params: Mapping[str, Any], arn: _ArnOf) -> list[tuple[str, str]]:
    if operation in ("TransactWriteItems", "TransactGetItems"):  # IAM authorises each item's own action
        out = []
        for item in params.get("TransactItems", []):
            for kind, request in item.items():
                out.append((f"dynamodb:{_TRANSACT[kind]}", arn.table(str(request["TableName"]))))
        return out
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [(f"dynamodb:{operation}", arn.table(str(t))) for t in params.get("RequestItems", {})]
    if "StreamArn" in params:
        return [(f"dynamodb:{operation}", str(params["StreamArn"]))]
    if "TableName" in params:
        table = arn.table(str(params["TableName"]))
        if params.get("IndexName"):
            table += f"/index/{params['IndexName']}"
        return [(f"dynamodb:{operation}", table)]
    if operation == "GetRecords":  # a shard iterator: the stream it reads is not in the request
        return [("dynamodb:GetRecords", arn.of("dynamodb", "table/*/stream/*"))]
    return [(f"dynamodb:{operation}", "*")]
