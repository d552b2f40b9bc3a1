"""IAM proven, not assumed: every AWS call the functions made in the tests, checked against
their roles in the synthesised template.

``python -m infra.iam_check build/aws-calls`` reads the JSON lines ``local.aws_calls`` wrote
while the integration and e2e suites ran (``HOSO_RECORD_AWS_CALLS``), loads the template the
local stack runs (``build/cdk.out/hoso-<stage>.template.json``; synthesised when missing) and,
for each recorded call, decides what AWS would:

- the function (by ``FunctionName``, or logical id) → its ``Role`` → the role's inline
  policies, the template's ``AWS::IAM::Policy``/``ManagedPolicy`` attached to it (AWS-managed
  policy ARNs cannot be read here: they grant nothing as far as this check knows);
- intrinsics (``Ref``, ``Fn::GetAtt``, ``Fn::Join``, ``Fn::Sub``, ``Fn::Select``, ``Fn::Split``)
  resolve to the ARNs of the local account and region (moto's account 123456789012);
- the KMS use a call implies is added: SSE-KMS buckets (Get → ``kms:Decrypt``, Put →
  ``kms:GenerateDataKey``), KMS-encrypted tables and streams (``kms:Decrypt``), queues
  (send → ``kms:GenerateDataKey`` and ``kms:Decrypt``, receive → ``kms:Decrypt``) and secrets
  (read → ``kms:Decrypt``), on the key the template encrypts the resource with; the key's
  policy must allow it too (directly or by delegating to the account's IAM);
- allowed = an ``Allow`` statement matches the action and the resource and its conditions
  hold, and no ``Deny`` (in the role or in the bucket's, queue's or key's resource policy)
  applies. Conditions are evaluated for the keys whose value AWS would know here
  (``aws:SecureTransport`` = true, ``kms:ViaService``, ``kms:EncryptionContext:*``,
  ``kms:CallerAccount``, ``aws:SourceAccount``/``aws:PrincipalAccount``); a condition on
  any other key, or with an operator not handled, is treated conservatively: its ``Allow``
  allows nothing, its ``Deny`` denies.

It fails (exit 1) listing every call not allowed, and when nothing was recorded at all. It
also lists, per function, the granted actions no recorded call used, each with its reason
when ``infra.access.NOT_EXERCISED`` gives one (``--strict``: an unused grant without a
reason fails too).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from infra.access import NOT_EXERCISED
from infra.resources import REPO_ROOT

ACCOUNT_ID = "123456789012"
REGION = "ap-southeast-1"
FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
_NAME_LIMITS = {"AWS::DynamoDB::Table": 255, "AWS::SQS::Queue": 75, "AWS::S3::Bucket": 63,
                "AWS::SecretsManager::Secret": 512, "AWS::SSM::Parameter": 1011, "AWS::SNS::Topic": 251,
                "AWS::StepFunctions::StateMachine": 80}


# --- the template, resolved -------------------------------------------------------------------
class Template:
    """Intrinsics resolved to the ARNs and names of one account and region."""

    def __init__(self, template: Mapping[str, Any], account: str = ACCOUNT_ID, region: str = REGION,
                 stack_name: str = "hoso-dev") -> None:
        self.resources: Mapping[str, Mapping[str, Any]] = template.get("Resources", {})
        self.account = account
        self.region = region
        self.stack_name = stack_name

    def props(self, lid: str) -> Mapping[str, Any]:
        return self.resources[lid].get("Properties", {})  # type: ignore[no-any-return]

    def of_type(self, *types: str) -> Iterator[str]:
        return (lid for lid, r in self.resources.items() if r.get("Type") in types)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (name, arg), = value.items()
            if name == "Ref":
                return self.ref(arg)
            if name == "Fn::GetAtt":
                lid, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.get_att(lid, attribute)
            if name == "Fn::Join":
                return str(arg[0]).join(str(v) for v in self.resolve(arg[1]))
            if name == "Fn::Sub":
                return self._sub(arg)
            if name == "Fn::Select":
                return self.resolve(arg[1])[int(self.resolve(arg[0]))]
            if name == "Fn::Split":
                return str(self.resolve(arg[1])).split(arg[0])
        return {k: self.resolve(v) for k, v in value.items()}

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name:
                lid, attribute = name.split(".", 1)
                return str(self.get_att(lid, attribute))
            return str(self.ref(name))

        return re.sub(r"\$\{([^!}][^}]*)\}", replace, text)

    def name(self, lid: str) -> str:
        """The physical name the template gives the resource; else the one the local stack gives it
        (``local.provision``: ``<stack>-<logical id>``, as CloudFormation does less its random suffix)."""
        props = self.props(lid)
        for key in ("TableName", "QueueName", "BucketName", "Name", "StateMachineName", "FunctionName",
                    "LogGroupName", "RoleName", "TopicName"):
            if key in props:
                return str(self.resolve(props[key]))
        kind = self.resources[lid].get("Type", "")
        limit = _NAME_LIMITS.get(kind, 64)
        name = f"{self.stack_name}-{lid}"[:limit]
        fifo = ".fifo" if kind in ("AWS::SQS::Queue", "AWS::SNS::Topic") and props.get("FifoQueue", props.get(
            "FifoTopic")) else ""
        return (name.lower() if kind == "AWS::S3::Bucket" else name) + fifo

    def ref(self, name: str) -> Any:
        pseudo = {"AWS::AccountId": self.account, "AWS::Region": self.region, "AWS::Partition": "aws",
                  "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": self.stack_name, "AWS::NoValue": None}
        if name in pseudo:
            return pseudo[name]
        if name not in self.resources:
            return f"<unresolved Ref {name}>"
        kind = self.resources[name]["Type"]
        if kind == "AWS::SQS::Queue":
            return f"https://sqs.{self.region}.amazonaws.com/{self.account}/{self.name(name)}"
        if kind in ("AWS::SecretsManager::Secret", "AWS::StepFunctions::StateMachine", "AWS::SNS::Topic"):
            return self.arn(name)
        if kind == "AWS::KMS::Key":
            return name
        return self.name(name)

    def get_att(self, lid: str, attribute: str) -> Any:
        if lid not in self.resources:
            return f"<unresolved GetAtt {lid}.{attribute}>"
        if attribute == "Arn":
            return self.arn(lid)
        if attribute == "StreamArn":
            return f"{self.arn(lid)}/stream/*"  # the label is chosen at creation: any of the table's streams
        if attribute in ("QueueName", "Name"):
            return self.name(lid)
        if attribute == "QueueUrl":
            return self.ref(lid)
        return f"<unresolved GetAtt {lid}.{attribute}>"

    def arn(self, lid: str) -> str:
        kind, name, here = self.resources[lid]["Type"], self.name(lid), f"{self.region}:{self.account}"
        arns = {
            "AWS::DynamoDB::Table": f"arn:aws:dynamodb:{here}:table/{name}",
            "AWS::SQS::Queue": f"arn:aws:sqs:{here}:{name}",
            "AWS::S3::Bucket": f"arn:aws:s3:::{name}",
            "AWS::SecretsManager::Secret": f"arn:aws:secretsmanager:{here}:secret:{name}-??????",
            "AWS::StepFunctions::StateMachine": f"arn:aws:states:{here}:stateMachine:{name}",
            "AWS::KMS::Key": f"arn:aws:kms:{here}:key/{lid}",
            "AWS::Logs::LogGroup": f"arn:aws:logs:{here}:log-group:{name}:*",
            "AWS::SNS::Topic": f"arn:aws:sns:{here}:{name}",
            "AWS::IAM::Role": f"arn:aws:iam::{self.account}:role/{name}",
            "AWS::Serverless::Function": f"arn:aws:lambda:{here}:function:{name}",
            "AWS::Lambda::Function": f"arn:aws:lambda:{here}:function:{name}",
            "AWS::SSM::Parameter": f"arn:aws:ssm:{here}:parameter/{name.lstrip('/')}",
        }
        return arns.get(kind, f"<no ARN for {kind} {lid}>")

    def lid_of_role(self, role: Any) -> str | None:
        """``Fn::GetAtt [Role, Arn]`` / ``Ref`` / an ARN of a template role → its logical id."""
        if isinstance(role, dict) and "Fn::GetAtt" in role:
            return str(role["Fn::GetAtt"][0])
        if isinstance(role, dict) and "Ref" in role:
            return str(role["Ref"])
        resolved = self.resolve(role)
        return next((lid for lid in self.of_type("AWS::IAM::Role") if self.arn(lid) == resolved), None)


# --- policies --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Statement:
    effect: str
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_resources: tuple[str, ...]
    condition: Mapping[str, Any]
    principals: tuple[str, ...] = ()  # resource policies: AWS principals (ARNs or "*")
    sid: str = ""
    source: str = ""  # which policy it comes from
    resource_policy: bool = False

    def applies_to(self, role_arn: str, account: str) -> bool:
        """An identity statement always applies; a resource policy's when its principal is the role."""
        if not self.resource_policy:
            return True
        return any(p == "*" or p == f"arn:aws:iam::{account}:root" or pattern_matches(p, role_arn)
                   for p in self.principals)

    def matches(self, action: str, resource: str) -> bool:
        if self.actions and not any(pattern_matches(a, action, ignore_case=True) for a in self.actions):
            return False
        if self.not_actions and any(pattern_matches(a, action, ignore_case=True) for a in self.not_actions):
            return False
        if self.resources and not any(resource_covers(r, resource) for r in self.resources):
            return False
        return not (self.not_resources and any(resource_covers(r, resource) for r in self.not_resources))


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in (value if isinstance(value, list) else [value]))


def statements(document: Mapping[str, Any], source: str, resource_policy: bool = False) -> list[Statement]:
    raw = document.get("Statement", [])
    out = []
    for s in raw if isinstance(raw, list) else [raw]:
        principal = s.get("Principal")
        principals: tuple[str, ...] = ()
        if principal == "*":
            principals = ("*",)
        elif isinstance(principal, dict):
            principals = _tuple(principal.get("AWS"))
        out.append(Statement(
            effect=s.get("Effect", "Allow"),
            actions=_tuple(s.get("Action")),
            not_actions=_tuple(s.get("NotAction")),
            resources=_tuple(s.get("Resource")) if "Resource" in s else (() if "NotResource" in s else ("*",)),
            not_resources=_tuple(s.get("NotResource")),
            condition=s.get("Condition", {}),
            principals=principals,
            sid=s.get("Sid", ""),
            source=source,
            resource_policy=resource_policy,
        ))
    return out


@cache
def _regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{body}$", (re.IGNORECASE if ignore_case else 0) | re.DOTALL)


def pattern_matches(pattern: str, value: str, ignore_case: bool = False) -> bool:
    return bool(_regex(pattern, ignore_case).match(value))


def resource_covers(granted: str, required: str) -> bool:
    """A granted resource pattern covers a required one. A required resource with ``*`` (the
    request did not name it: a task token's state machine, a presigned POST's key) is
    covered when some resource of that form is granted."""
    if pattern_matches(granted, required):
        return True
    return "*" in required and pattern_matches(required, granted)


# --- conditions ------------------------------------------------------------------------------
_OPERATORS = {
    "StringEquals": lambda v, p: v == p,
    "StringNotEquals": lambda v, p: v != p,
    "StringEqualsIgnoreCase": lambda v, p: v.lower() == p.lower(),
    "StringLike": lambda v, p: pattern_matches(p, v),
    "StringNotLike": lambda v, p: not pattern_matches(p, v),
    "ArnEquals": lambda v, p: v == p,
    "ArnLike": lambda v, p: pattern_matches(p, v),
    "ArnNotLike": lambda v, p: not pattern_matches(p, v),
    "Bool": lambda v, p: v.lower() == p.lower(),
}
_NEGATED = {"StringNotEquals", "StringNotLike", "ArnNotLike"}


def condition_holds(condition: Mapping[str, Any], context: Mapping[str, str]) -> bool | None:
    """True/False; None when it cannot be decided here (unknown operator or key)."""
    for operator, tests in condition.items():
        base, if_exists = (operator[:-8], True) if operator.endswith("IfExists") else (operator, False)
        test = _OPERATORS.get(base)
        if test is None:
            return None
        for key, expected in tests.items():
            values = [str(v) for v in (expected if isinstance(expected, list) else [expected])]
            actual = next((v for k, v in context.items() if k.lower() == key.lower()), None)
            if actual is None:
                if if_exists:
                    continue
                if key.lower().startswith(("kms:encryptioncontext:", "kms:viaservice")):
                    if base in _NEGATED:
                        continue  # an absent key is "not equal"
                    return False  # the request has no such value: the condition fails
                return None
            ok = all(test(actual, v) for v in values) if base in _NEGATED else any(test(actual, v) for v in values)
            if not ok:
                return False
    return True


# --- the calls -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Need:
    """One permission a recorded call needs."""

    function: str
    action: str
    resource: str
    because: str  # the call it comes from
    context: Mapping[str, str] = field(default_factory=dict)


def load_calls(directory: Path) -> list[dict[str, Any]]:
    calls = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                calls.append(json.loads(line))
    return calls


_READS_OBJECT = {"s3:GetObject", "s3:GetObjectVersion"}
_WRITES_OBJECT = {"s3:PutObject"}
_TABLE_DATA = {"GetItem", "BatchGetItem", "Query", "Scan", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
               "ConditionCheckItem", "GetRecords"}


class Checker:
    def __init__(self, template: Template) -> None:
        self.t = template
        self.functions = {self._function_name(lid): lid for lid in template.of_type(*FUNCTION_TYPES)}
        self.encryption = self._encryption()

    def _function_name(self, lid: str) -> str:
        props = self.t.props(lid)
        return str(self.t.resolve(props["FunctionName"])) if "FunctionName" in props else lid

    # which function, which role, which statements
    def function_lid(self, name: str) -> str | None:
        if name in self.functions:
            return self.functions[name]
        return name if name in self.t.resources and self.t.resources[name]["Type"] in FUNCTION_TYPES else None

    def role_of(self, function_lid: str) -> str | None:
        role = self.t.props(function_lid).get("Role")
        return self.t.lid_of_role(role) if role is not None else None

    def identity_statements(self, role_lid: str) -> list[Statement]:
        out: list[Statement] = []
        role = self.t.props(role_lid)
        for policy in role.get("Policies", []):
            out += statements(self.t.resolve(policy["PolicyDocument"]), f"{role_lid}/{policy.get('PolicyName', '')}")
        for managed in role.get("ManagedPolicyArns", []):
            lid = managed.get("Ref") if isinstance(managed, dict) else None
            if lid in self.t.resources:
                out += statements(self.t.resolve(self.t.props(lid)["PolicyDocument"]), lid)
        for lid in self.t.of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            roles = self.t.props(lid).get("Roles", [])
            if any(isinstance(r, dict) and r.get("Ref") == role_lid for r in roles):
                out += statements(self.t.resolve(self.t.props(lid)["PolicyDocument"]), lid)
        return out

    def resource_statements(self, resource: str) -> list[Statement]:
        """The resource policies of the bucket, queue or key ``resource`` belongs to."""
        out: list[Statement] = []
        for lid in self.t.of_type("AWS::S3::BucketPolicy"):
            bucket = f"arn:aws:s3:::{self.t.resolve(self.t.props(lid)['Bucket'])}"
            if resource == bucket or resource.startswith(bucket + "/"):
                out += statements(self.t.resolve(self.t.props(lid)["PolicyDocument"]), lid, resource_policy=True)
        for lid in self.t.of_type("AWS::SQS::QueuePolicy"):
            urls = self.t.resolve(self.t.props(lid).get("Queues", []))
            if any(resource == f"arn:aws:sqs:{self.t.region}:{self.t.account}:{u.rsplit('/', 1)[-1]}" for u in urls):
                out += statements(self.t.resolve(self.t.props(lid)["PolicyDocument"]), lid, resource_policy=True)
        for lid in self.t.of_type("AWS::KMS::Key"):
            if resource == self.t.arn(lid):
                out += statements(self.t.resolve(self.t.props(lid).get("KeyPolicy", {})), lid, resource_policy=True)
        return out

    # KMS use implied by a call
    def _encryption(self) -> dict[str, str]:
        """Resource ARN (a bucket's, table's, queue's, secret's) → the ARN of the template key that encrypts it."""
        keys = {self.t.arn(lid) for lid in self.t.of_type("AWS::KMS::Key")}
        out: dict[str, str] = {}
        for lid, r in self.t.resources.items():
            p = r.get("Properties", {})
            key: Any = None
            if r["Type"] == "AWS::S3::Bucket":
                for rule in p.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration", []):
                    default = rule.get("ServerSideEncryptionByDefault", {})
                    if default.get("SSEAlgorithm") in ("aws:kms", "aws:kms:dsse"):
                        key = default.get("KMSMasterKeyID")
            elif r["Type"] == "AWS::DynamoDB::Table" and p.get("SSESpecification", {}).get("SSEType") == "KMS":
                key = p["SSESpecification"].get("KMSMasterKeyId")
            elif r["Type"] in ("AWS::SQS::Queue", "AWS::SNS::Topic"):
                key = p.get("KmsMasterKeyId")
            elif r["Type"] == "AWS::SecretsManager::Secret":
                key = p.get("KmsKeyId")
            elif r["Type"] == "AWS::StepFunctions::StateMachine":
                config = p.get("EncryptionConfiguration", {})
                key = config.get("KmsKeyId") if config.get("Type") == "CUSTOMER_MANAGED_KMS_KEY" else None
            if key is not None:
                resolved = str(self.t.resolve(key))
                match = next((k for k in keys if k == resolved or k.endswith("/" + resolved)), None)
                out[self.t.arn(lid)] = match or resolved
        return out

    def _key_for(self, resource: str) -> tuple[str, str] | None:
        """(the encrypted resource's ARN, its key's ARN) for a resource inside it."""
        for arn, key in self.encryption.items():
            if pattern_matches(arn, resource) or resource.startswith(arn + "/"):  # the resource, its objects/indexes
                return arn, key
        return None

    def implied_kms(self, function: str, action: str, resource: str) -> list[Need]:
        found = self._key_for(resource)
        if found is None:
            return []
        encrypted, key = found
        service, _, operation = action.partition(":")
        kms_actions: list[str] = []
        context: dict[str, str] = {"kms:ViaService": f"{service}.{self.t.region}.amazonaws.com",
                                   "kms:CallerAccount": self.t.account}
        if service == "s3":
            context["kms:EncryptionContext:aws:s3:arn"] = encrypted  # S3 Bucket Keys: the bucket's ARN
            kms_actions = ["kms:Decrypt"] if action in _READS_OBJECT else ["kms:GenerateDataKey"] if (
                action in _WRITES_OBJECT) else []
        elif service == "dynamodb":
            table = encrypted.rsplit("/", 1)[-1]
            context.update({"kms:EncryptionContext:aws:dynamodb:tableName": table,
                            "kms:EncryptionContext:aws:dynamodb:subscriberId": self.t.account})
            kms_actions = ["kms:Decrypt"] if operation in _TABLE_DATA else []
        elif service == "sqs":
            context["kms:EncryptionContext:aws:sqs:arn"] = encrypted
            kms_actions = {"SendMessage": ["kms:GenerateDataKey", "kms:Decrypt"],
                           "ReceiveMessage": ["kms:Decrypt"]}.get(operation, [])
        elif service == "sns":  # publishing to an encrypted topic
            context["kms:EncryptionContext:aws:sns:topicArn"] = encrypted
            kms_actions = ["kms:GenerateDataKey", "kms:Decrypt"] if operation == "Publish" else []
        elif service == "secretsmanager":
            context["kms:EncryptionContext:SecretARN"] = resource
            kms_actions = {"GetSecretValue": ["kms:Decrypt"], "PutSecretValue": ["kms:GenerateDataKey"]}.get(
                operation, [])
        elif service == "states":
            context["kms:EncryptionContext:aws:states:stateMachineArn"] = encrypted
            kms_actions = ["kms:GenerateDataKey"] if operation.startswith("Start") else ["kms:Decrypt"]
        return [Need(function, a, key, f"{action} {resource} (encrypted with the key)", context) for a in kms_actions]

    # the decision
    def needs(self, calls: Iterable[Mapping[str, Any]]) -> list[Need]:
        out: dict[tuple[str, str, str], Need] = {}
        for call in calls:
            base = Need(call["function"], call["action"], call["resource"], f"{call['service']}.{call['operation']}")
            for need in [base, *self.implied_kms(base.function, base.action, base.resource)]:
                out.setdefault((need.function, need.action, need.resource), need)
        return list(out.values())

    def decide(self, need: Need) -> tuple[bool, str, list[Statement]]:
        """(allowed, why not, the identity statements that allowed it)."""
        lid = self.function_lid(need.function)
        if lid is None:
            return False, "no such function in the template", []
        role = self.role_of(lid)
        if role is None or role not in self.t.resources:
            return False, "the function has no role in the template", []
        context = {"aws:SecureTransport": "true", "aws:SourceAccount": self.t.account,
                   "aws:PrincipalAccount": self.t.account, **need.context}
        identity = self.identity_statements(role)
        resource_policies = self.resource_statements(need.resource)
        role_arn = self.t.arn(role)
        for s in identity + resource_policies:
            if s.effect == "Deny" and s.matches(need.action, need.resource) and s.applies_to(role_arn, self.t.account) \
                    and condition_holds(s.condition, context) is not False:
                return False, f"denied by {s.source} {s.sid}".strip(), []
        allowing = [s for s in identity if s.effect == "Allow" and s.matches(need.action, need.resource)
                    and condition_holds(s.condition, context) is True]
        if not allowing:
            return False, "no statement of the role allows it", []
        if need.action.startswith("kms:"):
            key_allows = [s for s in resource_policies if s.effect == "Allow" and s.matches(need.action, need.resource)
                          and condition_holds(s.condition, context) is True
                          and s.applies_to(role_arn, self.t.account)]
            template_key = any(self.t.arn(k) == need.resource for k in self.t.of_type("AWS::KMS::Key"))
            if template_key and not key_allows:
                return False, "the key's policy allows neither the role nor the account's IAM", []
        return True, "", allowing


@dataclass
class Report:
    denied: list[tuple[Need, str]]
    unused: dict[str, list[tuple[str, str]]]  # function → [(granted action, statement sid)]
    calls: int


def check(template: Mapping[str, Any], calls: list[dict[str, Any]], account: str = ACCOUNT_ID,
          region: str = REGION, stack_name: str = "hoso-dev") -> Report:
    checker = Checker(Template(template, account, region, stack_name))
    denied: list[tuple[Need, str]] = []
    used: set[tuple[str, str, str]] = set()  # (function, statement, granted action)
    for need in checker.needs(calls):
        allowed, why, by = checker.decide(need)
        if not allowed:
            denied.append((need, why))
        for s in by:
            used.update((need.function, s.sid, a) for a in s.actions if pattern_matches(a, need.action, True))
    unused: dict[str, list[tuple[str, str]]] = {}
    recorded = {c["function"] for c in calls}
    for name, lid in sorted(checker.functions.items()):
        role = checker.role_of(lid)
        if role is None or role not in checker.t.resources:
            continue
        label = name if name in recorded else f"{name} (no call recorded)"
        for s in checker.identity_statements(role):
            if s.effect == "Allow":
                unused[label] = unused.get(label, []) + [(a, s.sid) for a in s.actions if (name, s.sid, a) not in used]
        if not unused.get(label):
            unused.pop(label, None)
    return Report(sorted(denied, key=lambda d: (d[0].function, d[0].action, d[0].resource)), unused, len(calls))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.iam_check", description=__doc__.splitlines()[0])
    parser.add_argument("calls", type=Path, help="the directory HOSO_RECORD_AWS_CALLS pointed at")
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--template", type=Path, help="default: build/cdk.out/hoso-<stage>.template.json")
    parser.add_argument("--account", default=ACCOUNT_ID)
    parser.add_argument("--region", default=REGION)
    parser.add_argument("--strict", action="store_true", help="an unused grant without a reason fails too")
    args = parser.parse_args(argv)
    path = args.template or REPO_ROOT / "build" / "cdk.out" / f"hoso-{args.stage}.template.json"
    if not path.is_file():
        subprocess.run([sys.executable, "-m", "infra.synth", "--stage", args.stage], cwd=REPO_ROOT, check=False)  # noqa: S603
    calls = load_calls(args.calls) if args.calls.is_dir() else []
    if not calls:
        print(f"IAM check: no AWS calls recorded in {args.calls} (was HOSO_RECORD_AWS_CALLS set?)", file=sys.stderr)
        return 1
    report = check(json.loads(path.read_text(encoding="utf-8")), calls, args.account, args.region, f"hoso-{args.stage}")
    unjustified = 0
    print(f"IAM check: {report.calls} distinct calls recorded, against {path}")
    if report.unused:
        print("Granted, never used by a recorded call (the reason it is kept, from infra/access.py NOT_EXERCISED):")
        for function, grants in sorted(report.unused.items()):
            for action, sid in grants:
                reason = NOT_EXERCISED.get(sid) or NOT_EXERCISED.get(action, "")
                unjustified += not reason
                print(f"  {function}: {sid} {action} — {reason or 'NO REASON GIVEN'}")
    if report.denied:
        groups: dict[tuple[str, str, str, str], list[str]] = {}
        for need, why in report.denied:
            groups.setdefault((need.function, need.action, why, need.because), []).append(need.resource)
        print(f"{len(report.denied)} AWS call(s) the function's role does not allow:", file=sys.stderr)
        for (function, action, why, because), resources in groups.items():
            more = f" (and {len(resources) - 1} more like it)" if len(resources) > 1 else ""
            print(f"  {function}: {action} on {resources[0]}{more} — {why} [{because}]", file=sys.stderr)
        return 1
    if args.strict and unjustified:
        print(f"{unjustified} unused grant(s) without a reason", file=sys.stderr)
        return 1
    print("IAM check: every recorded call is allowed by its function's role")
    return 0


if __name__ == "__main__":
    sys.exit(main())
