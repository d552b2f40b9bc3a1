"""``HosoStack``: every AWS resource of one stage (dev, staging, production)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_ssm as ssm
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_wafv2 as wafv2
from chalice.cdk import Chalice
from constructs import Construct

from chalicelib.store.indexes import projection as index_projection
from infra import (
    backup,
    capacity,
    edge,
    index_check,
    integrity,
    migration,
    monitoring,
    nag,
    package,
    roles,
    rollout,
    state_machines,
    webapp,
    wiring,
)
from infra.access import FUNCTION_ACCESS, VISIBILITY_FACTOR, FunctionAccess, consumer_timeout, validate
from infra.ereceipts import add_ereceipt_alarms
from infra.fanout import add_fanout, add_fanout_alarms
from infra.incidents import add_incident_alarms
from infra.provinces import add_provinces
from infra.resources import (
    DATA_BUCKETS,
    EVENTS_TOPIC,
    MIGRATION_QUEUE,
    QUEUES,
    REGION,
    REPO_ROOT,
    SECRETS,
    STREAM_FAILURE_QUEUE,
    TABLES,
    TTL_ATTRIBUTE,
    dlq_name,
    physical_name,
    secret_name,
    stack_name,
)

# Results (signed decisions, certificates) are records the law requires kept; S3 Object
# Lock in GOVERNANCE mode stops anyone without s3:BypassGovernanceRetention from deleting or
# overwriting a version before this. 10 years covers the retention of the procedures' results
# under the archives rules; raise it per stage here if a procedure requires longer.
RESULT_RETENTION_DAYS = 3650
NONCURRENT_VERSION_DAYS = 365  # overwritten/deleted attachment versions kept this long
ACCESS_LOG_DAYS = 400  # S3/CloudFront access logs
ABORT_MULTIPART_DAYS = 7
LOG_RETENTION = logs.RetentionDays.THIRTEEN_MONTHS  # function, API and state machine logs

MAX_RECEIVE_COUNT = 5  # deliveries before a message goes to its DLQ
QUEUE_RETENTION = cdk.Duration.days(14)  # the maximum: a partner's long outage (Tết) must not lose work
STREAM_MAX_RETRIES = 10  # then the batch goes to the outbox-relay-failures queue

# Step Functions substitutions: upper bounds; the flows' own per-step deadlines (from the
# procedure catalogue) are tighter and passed in the execution input.
STEP_TIMEOUT_SECONDS = 30 * 24 * 3600
HEARTBEAT_SECONDS = 7 * 24 * 3600

API_STAGE = "api"  # Chalice's API Gateway stage name (.chalice/config.json)
LOG_LEVEL = "INFO"


class HosoStack(cdk.Stack):
    def __init__(
        self,
        scope: Construct,
        stage: str,
        *,
        config: Mapping[str, str],
        source_dir: Path = REPO_ROOT,
        state_machines_dir: Path | None = None,
        work_dir: Path | None = None,
        access: Mapping[str, FunctionAccess] = FUNCTION_ACCESS,
        alarms: monitoring.Subscriptions = monitoring.Subscriptions(),  # noqa: B008 - frozen, empty
    ) -> None:
        super().__init__(
            scope,
            stack_name(stage),
            stack_name=stack_name(stage),
            env=cdk.Environment(region=REGION),
            description=f"hoso {stage}: administrative-procedure dossiers (CDK, infra/stack.py)",
            termination_protection=stage == "production",
            # One stack holds every resource: its JSON without indentation stays well under CloudFormation's
            # 1 MB template limit (indented, it passed 80 % of it and CDK warns: tests/infra/test_gates.py).
            suppress_template_indentation=True,
        )
        validate(access)
        self.stage = stage
        self.access = access
        self.production = stage == "production"
        self.edge = edge.STAGE_EDGE[stage]
        self.async_failures: dict[str, sqs.Queue] = {}  # async-invoked function → its failure queue
        cdk.Tags.of(self).add("project", "hoso")
        cdk.Tags.of(self).add("stage", stage)

        self.key = self._key()
        self.tables = {name: self._table(name) for name in TABLES}
        self.logs_bucket = self._logs_bucket()
        self.buckets = {name: self._data_bucket(name) for name in DATA_BUCKETS}
        self._webapp()
        backup.add_backups(self, stage, self.key, self.tables, self.buckets)  # docs/runbooks/restore.md
        self.dlqs: dict[str, sqs.Queue] = {}
        self.queues = {name: self._queue(name) for name in QUEUES}
        self.stream_failures = self._stream_failure_queue()
        self.topics = add_fanout(self)  # the dossier events: one topic, a filtered subscription per queue
        self.secrets = {name: self._secret(name) for name in SECRETS}
        self._config_parameters(config)
        self.res = roles.Resources(
            key=self.key,
            tables=self.tables,
            buckets=self.buckets,
            queues=self.queues,
            dlqs=self.dlqs,
            stream_failures=self.stream_failures,
            secrets=self.secrets,
            topics=self.topics,
        )
        self.state_machines = self._state_machines(state_machines_dir or source_dir / "state_machines")
        self.res.state_machines = {physical_name(stage, stem): sm.attr_arn for stem, sm in self.state_machines.items()}
        self.alarm_topic = self._alarm_topic()
        self.functions = self._chalice_app(source_dir, work_dir or Path.cwd(), config)
        add_provinces(self, config)  # the provinces' credentials secrets (docs/provinces.md)
        capacity.apply(self)  # reserved concurrency, event source mapping limits (infra/capacity.py)
        self._api_settings()
        site = webapp.Site(self, stage, self.edge, self.webapp_bucket, self.logs_bucket, self.key, API_STAGE)
        self.distribution = webapp.add_webapp(site, config)
        add_ereceipt_alarms(self)  # the receipts reconciliation's findings (infra/ereceipts.py), on the dashboard too
        add_fanout_alarms(self)  # an event SNS could not deliver (infra/fanout.py)
        add_incident_alarms(self)  # a specialised software down or silent (infra/incidents.py)
        monitoring.add_monitoring(self, alarms)  # subscriptions, alarms, dashboard (infra/monitoring.py)
        self._outputs()

    # ---------------------------------------------------------------- encryption
    def _key(self) -> kms.Key:
        key = kms.Key(
            self,
            "Key",
            alias=f"alias/{stack_name(self.stage)}",
            description="hoso: personal data at rest (tables, buckets, queues, secrets, logs, alarms)",
            enable_key_rotation=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchLogs",
                principals=[iam.ServicePrincipal(f"logs.{self.region}.amazonaws.com")],
                actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                resources=["*"],
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": self.format_arn(
                            service="logs", resource="*", arn_format=cdk.ArnFormat.NO_RESOURCE_NAME
                        )
                    }
                },
            )
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsToEncryptedTopic",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
            )
        )
        return key

    # ---------------------------------------------------------------- DynamoDB
    def _table(self, name: str) -> dynamodb.Table:
        spec = TABLES[name]
        table = dynamodb.Table(
            self,
            f"Table{name.capitalize()}",
            table_name=physical_name(self.stage, name),
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.key,
            deletion_protection=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
            stream=dynamodb.StreamViewType.NEW_IMAGE if spec.stream else None,
            time_to_live_attribute=TTL_ATTRIBUTE if spec.ttl else None,
            resource_policy=_append_only_policy() if spec.append_only else None,
        )
        for gsi in spec.gsis:
            if index_check.rebuilding() == (name, gsi):
                continue  # the first of a rebuild's two deploys (docs/runbooks/index-projections.md)
            carried = index_projection(name, gsi)  # the models' definition (chalicelib/store/indexes.py)
            table.add_global_secondary_index(
                index_name=gsi,
                partition_key=dynamodb.Attribute(name=f"{gsi}pk", type=dynamodb.AttributeType.STRING),
                sort_key=dynamodb.Attribute(name=f"{gsi}sk", type=dynamodb.AttributeType.STRING),
                projection_type=dynamodb.ProjectionType.ALL if carried is None
                else dynamodb.ProjectionType.INCLUDE if carried else dynamodb.ProjectionType.KEYS_ONLY,
                non_key_attributes=list(carried) if carried else None,
            )
        return table

    # ---------------------------------------------------------------- S3
    def _bucket_name(self, name: str) -> str:
        return f"{physical_name(self.stage, name)}-{self.account}-{self.region}"

    def _logs_bucket(self) -> s3.Bucket:
        bucket = s3.Bucket(
            self,
            "BucketLogs",
            bucket_name=self._bucket_name("logs"),
            # S3 server access log delivery supports only SSE-S3 on the target bucket.
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            # CloudFront standard logs are written with an ACL, which needs ACLs enabled here.
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycle_rules=[access_log_lifecycle()],
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        return bucket

    def _data_bucket(self, name: str) -> s3.Bucket:
        results = name == "results"
        noncurrent = RESULT_RETENTION_DAYS if results else NONCURRENT_VERSION_DAYS
        bucket = s3.Bucket(
            self,
            f"Bucket{name.capitalize()}",
            bucket_name=self._bucket_name(name),
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.logs_bucket,
            server_access_logs_prefix=f"s3/{name}/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="old-versions-and-unfinished-uploads",
                    noncurrent_version_expiration=cdk.Duration.days(noncurrent),
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(ABORT_MULTIPART_DAYS),
                )
            ],
            # The officers' browsers POST attachments here with a presigned policy (POST /v1/uploads),
            # which is what authorises the write (key and size bound); CORS only lets the page see
            # S3's answer, so any origin may, and only for POST.
            cors=[s3.CorsRule(allowed_methods=[s3.HttpMethods.POST], allowed_origins=["*"], max_age=3600)]
            if name == "attachments" else None,
            object_lock_enabled=results or None,
            object_lock_default_retention=(
                s3.ObjectLockRetention.governance(cdk.Duration.days(RESULT_RETENTION_DAYS)) if results else None
            ),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        if name == "attachments":
            # S3 → EventBridge (natively, no CDK custom resource): the attachment_uploaded
            # function's rule matches "Object Created" events of this bucket.
            cfn = bucket.node.default_child
            assert isinstance(cfn, s3.CfnBucket)
            cfn.add_property_override("NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", True)
        return bucket

    def _webapp(self) -> None:
        """The bucket of the officers' single-page app; infra/webapp.py serves and fills it."""
        bucket = s3.Bucket(
            self,
            "BucketWebapp",
            bucket_name=self._bucket_name("webapp"),
            # Public static code, no personal data; SSE-KMS with CloudFront OAC would need the
            # key policy to name the distribution (a circular reference) for no gain.
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=self.logs_bucket,
            server_access_logs_prefix="s3/webapp/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="old-builds",
                    noncurrent_version_expiration=cdk.Duration.days(30),
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(ABORT_MULTIPART_DAYS),
                )
            ],
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.webapp_bucket = bucket

    # ---------------------------------------------------------------- SQS
    def _queue(self, name: str) -> sqs.Queue:
        dlq = sqs.Queue(
            self,
            f"Dlq{_camel(name)}",
            queue_name=physical_name(self.stage, dlq_name(name)),
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            data_key_reuse=cdk.Duration.hours(1),
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.dlqs[name] = dlq
        timeout = consumer_timeout(name, self.access)
        if timeout is None:
            raise ValueError(f"queue {name!r} has no consumer in FUNCTION_ACCESS, so no visibility timeout")
        return sqs.Queue(
            self,
            f"Queue{_camel(name)}",
            queue_name=physical_name(self.stage, name),
            # SSE-KMS with the stack's key rather than SSE-SQS: messages name dossiers and
            # agency hand-overs carry dossier data, so they fall under the same key policy,
            # CloudTrail key-use audit and revocation as the tables. One-hour data-key reuse
            # keeps the KMS request cost small.
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            data_key_reuse=cdk.Duration.hours(1),
            enforce_ssl=True,
            retention_period=QUEUE_RETENTION,
            visibility_timeout=cdk.Duration.seconds(VISIBILITY_FACTOR * timeout),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=MAX_RECEIVE_COUNT),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )

    def _failure_queue(self, construct_id: str, name: str, why: str) -> sqs.Queue:
        """A queue where failed events wait 14 days for an operator; itself the last stop (``why``)."""
        queue = sqs.Queue(
            self,
            construct_id,
            queue_name=physical_name(self.stage, name),
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            data_key_reuse=cdk.Duration.hours(1),
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        nag.acknowledge(queue, "SQS3", f"it is itself the {why}")
        return queue

    def _stream_failure_queue(self) -> sqs.Queue:
        queue = self._failure_queue("QueueOutboxRelayFailures", STREAM_FAILURE_QUEUE,
                                    "dead-letter destination of the dossiers stream's event source mapping")
        self.dlqs[STREAM_FAILURE_QUEUE] = queue
        return queue

    # ---------------------------------------------------------------- secrets and config
    def _secret(self, name: str) -> secretsmanager.Secret:
        """Values are set by operators (runbook); generated where hoso can mint the secret itself."""
        generated = {
            # {key_id: secret}: hoso mints the first HMAC key and hands it to DVCQG out of band.
            "dvcqg-hmac-keys": _generated({}, "k1", 64),
            "payment-hmac-key": _generated({}, "key", 64),
            # the access log's HMAC key for personal numbers: hoso's own, never shared
            "access-log-key": _generated({}, "key", 64),
            # DVCQG issues the account; the password is generated only as a placeholder to replace.
            "dvcqg-credentials": _generated({"username": ""}, "password", 32),
        }.get(name)
        secret = secretsmanager.Secret(
            self,
            f"Secret{_camel(name)}",
            secret_name=secret_name(self.stage, name),
            description=f"hoso {self.stage}: {name} (see docs/adr/0001-infrastructure-cdk.md for rotation)",
            encryption_key=self.key,
            generate_secret_string=generated,
            # integration-clients ({client_id: {...}}) starts empty: nobody may call until an
            # administrator registers a client. "{}" is not a secret value.
            secret_string_value=None if generated else cdk.SecretValue.unsafe_plain_text("{}"),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        nag.acknowledge(
            secret,
            "SMG4",
            "the access log's entries are keyed under this HMAC key: rotating it would make a subject's earlier "
            "accesses unfindable, so it is kept for the log's lifetime"
            if name == "access-log-key"
            else "shared with an outside party (DVCQG, payment platform, integrators): rotated by the manual, "
            "overlapping-keys procedure in the ADR, not by a Lambda that cannot reach the partner",
        )
        return secret

    def _config_parameters(self, config: Mapping[str, str]) -> None:
        for key, value in config.items():
            ssm.StringParameter(
                self,
                f"Config{key}",
                parameter_name=f"/hoso/{self.stage}/config/{key}",
                string_value=value,
                description=f"hoso {self.stage}: {key} (also the functions' environment variable of that name)",
            )

    # ---------------------------------------------------------------- Step Functions
    def _state_machines(self, folder: Path) -> dict[str, sfn.CfnStateMachine]:
        """One STANDARD state machine ``hoso-<stage>-<stem>`` per definition file, by stem."""
        files = state_machines.load(folder)
        if not files:
            return {}
        flows = [f for f in files if f.stem != migration.STATE_MACHINE]  # the migration run has its own role
        role = roles.state_machine_role(self, self.res, state_machines.service_actions(flows))
        substitutions = {
            "AgencyTasksQueueUrl": self.queues["agency-tasks"].queue_url,
            "MigrationChunksQueueUrl": self.queues[MIGRATION_QUEUE].queue_url,
            "DossiersTableName": self.tables["dossiers"].table_name,
            "StepTimeoutSeconds": str(STEP_TIMEOUT_SECONDS),
            "HeartbeatSeconds": str(HEARTBEAT_SECONDS),
        }
        assert set(substitutions) == set(state_machines.SUBSTITUTIONS)
        out = {}
        for f in files:
            name = physical_name(self.stage, f.stem)
            log_group = logs.LogGroup(
                self,
                f"StateMachineLogs{_camel(f.stem)}",
                log_group_name=f"/aws/vendedlogs/states/{name}",
                retention=LOG_RETENTION,
                encryption_key=self.key,
                removal_policy=self._log_removal(),
            )
            out[f.stem] = sfn.CfnStateMachine(
                self,
                f"StateMachine{_camel(f.stem)}",
                state_machine_name=name,
                state_machine_type="STANDARD",
                role_arn=(migration.state_machine_role(self, self.res, self.stage) if f.stem == migration.STATE_MACHINE
                          else role).role_arn,
                definition_string=f.text,
                definition_substitutions={k: substitutions[k] for k in sorted(f.placeholders)},
                logging_configuration=sfn.CfnStateMachine.LoggingConfigurationProperty(
                    level="ALL",
                    include_execution_data=False,  # execution input/output hold personal data
                    destinations=[
                        sfn.CfnStateMachine.LogDestinationProperty(
                            cloud_watch_logs_log_group=sfn.CfnStateMachine.CloudWatchLogsLogGroupProperty(
                                log_group_arn=log_group.log_group_arn
                            )
                        )
                    ],
                ),
                tracing_configuration=sfn.CfnStateMachine.TracingConfigurationProperty(enabled=True),
            )
        return out

    # ---------------------------------------------------------------- the Chalice app
    def _environment(self, config: Mapping[str, str]) -> dict[str, str]:
        """Every variable chalicelib/settings.py reads (AWS_DEFAULT_REGION is Lambda's own)."""
        env = {
            "HOSO_STAGE": self.stage,
            "HOSO_DOSSIERS_TABLE": self.tables["dossiers"].table_name,
            "HOSO_CATALOGUE_TABLE": self.tables["catalogue"].table_name,
            "HOSO_COUNTERS_TABLE": self.tables["counters"].table_name,
            "HOSO_SYNC_TABLE": self.tables["sync"].table_name,
            "HOSO_ACCESS_LOG_TABLE": self.tables["accesslog"].table_name,
            "HOSO_ATTACHMENTS_BUCKET": self.buckets["attachments"].bucket_name,
            "HOSO_RESULTS_BUCKET": self.buckets["results"].bucket_name,
            "HOSO_MIGRATION_BUCKET": self.buckets["migration"].bucket_name,
            **{f"HOSO_{_env_part(q)}_QUEUE_URL": self.queues[q].queue_url for q in QUEUES},
            "HOSO_DOSSIER_EVENTS_TOPIC_ARN": self.topics[EVENTS_TOPIC].topic_arn,
            "HOSO_DVCQG_HMAC_SECRET_ID": secret_name(self.stage, "dvcqg-hmac-keys"),
            "HOSO_DVCQG_CREDENTIALS_SECRET_ID": secret_name(self.stage, "dvcqg-credentials"),
            "HOSO_PAYMENT_HMAC_SECRET_ID": secret_name(self.stage, "payment-hmac-key"),
            "HOSO_INTEGRATION_CLIENTS_SECRET_ID": secret_name(self.stage, "integration-clients"),
            "HOSO_TRUSTED_PROXIES": ",".join(self.edge.trusted_proxies),
            "HOSO_POPULATION_SECRET_ID": secret_name(self.stage, "population-api-key"),
            "HOSO_MESSAGING_SECRET_ID": secret_name(self.stage, "messaging-credentials"),
            "HOSO_ACCESS_LOG_SECRET_ID": secret_name(self.stage, "access-log-key"),
            **integrity.environment(self.stage),  # the anchors' Object Lock mode (COMPLIANCE in production)
            "HOSO_ERECEIPT_SECRET_ID": secret_name(self.stage, "ereceipt-credentials"),
            **{state_machines.arn_env_var(stem): sm.attr_arn for stem, sm in self.state_machines.items()},
            **config,
            "POWERTOOLS_SERVICE_NAME": "hoso",
            "POWERTOOLS_METRICS_NAMESPACE": "hoso",
            "LOG_LEVEL": LOG_LEVEL,
        }
        return env

    def _function_name(self, python_name: str) -> str:
        return physical_name(self.stage, python_name.replace("_", "-"))

    def _function_log_group(self, python_name: str) -> logs.LogGroup:
        return logs.LogGroup(
            self,
            f"FunctionLogs{_camel(python_name)}",
            log_group_name=f"/aws/lambda/{self._function_name(python_name)}",
            retention=LOG_RETENTION,
            encryption_key=self.key,
            removal_policy=self._log_removal(),
        )

    def _chalice_app(self, source_dir: Path, work_dir: Path, config: Mapping[str, str]) -> dict[str, Any]:
        api = wiring.API_HANDLER
        self.function_log_groups = {api: self._function_log_group(api)}
        self.function_roles = {
            api: roles.function_role(self, api, self.access[api], self.res, self.function_log_groups[api])
        }
        stage_config = {
            "manage_iam_role": False,
            # Chalice reads per-function settings (lambda_functions.<name>) only from
            # .chalice/config.json, never from this dict, so the API handler's role is set here
            # and every function's role, name, timeout and memory are set on the packaged
            # template below.
            "iam_role_arn": self.function_roles[api].role_arn,
            "environment_variables": self._environment(config),
            "xray": True,
            "api_gateway_stage": API_STAGE,
            # Regional: the web app's CloudFront distribution is the edge (infra/webapp.py), not a second one
            "api_gateway_endpoint_type": "REGIONAL",
            "lambda_timeout": self.access[api].timeout_s,
            "lambda_memory_size": self.access[api].memory_mb,
            "autogen_policy": False,
        }
        project = package.stage_project(source_dir, work_dir)  # the app + the locked wheels for Lambda
        with _chalice_packaging(work_dir):
            self.api = Chalice(self, "Api", source_dir=str(project), stage_config=stage_config)
        # The construct keeps the packaged template beside its deployment.zip.
        sam = json.loads((Path(self.api._sam_package_dir) / "sam.json").read_text())
        packaged = wiring.packaged_functions(sam)
        wiring.check(packaged, self.access, self.stage)
        self.packaged_functions = packaged
        self.routes = edge.deployed_routes(sam)
        self.route_access = edge.route_access(source_dir)
        functions = {}
        for fn in packaged:
            functions[fn.python_name] = self._wire_function(fn)
        return functions

    def _wire_function(self, fn: wiring.PackagedFunction) -> Any:
        name = fn.python_name
        access = self.access[name]
        invoked_async = any(e.kind in edge.ASYNC_EVENT_KINDS for e in fn.events)
        if invoked_async:
            self.async_failures[name] = self._async_failure_queue(name)
        if name not in self.function_log_groups:
            self.function_log_groups[name] = self._function_log_group(name)
            self.function_roles[name] = roles.function_role(
                self, name, access, self.res, self.function_log_groups[name], self.async_failures.get(name)
            )
        cfn = self.api.get_resource(fn.logical_id)
        cfn.add_property_override("FunctionName", self._function_name(name))
        cfn.add_property_override("Role", self.function_roles[name].role_arn)
        cfn.add_property_override("Timeout", access.timeout_s)
        cfn.add_property_override("MemorySize", access.memory_mb)
        cfn.add_property_override("Tracing", "Active")
        package.configure_runtime(cfn, publishes_versions=True)  # rollout's AutoPublishAlias publishes them
        cfn.node.add_dependency(self.function_log_groups[name])
        rollout.gradual_deployment(self, fn, cfn, API_STAGE)
        for e in fn.events:
            prefix = f"Events.{e.name}.Properties"
            if e.kind == "SQS":
                assert access.consumes is not None
                cfn.add_property_override(f"{prefix}.Queue", self.queues[access.consumes].queue_arn)
                cfn.add_property_override(f"{prefix}.FunctionResponseTypes", ["ReportBatchItemFailures"])
            elif e.kind == "DynamoDB":
                assert access.stream_of is not None
                cfn.add_property_override(f"{prefix}.Stream", self.tables[access.stream_of].table_stream_arn)
                cfn.add_property_override(f"{prefix}.FunctionResponseTypes", ["ReportBatchItemFailures"])
                cfn.add_property_override(f"{prefix}.BisectBatchOnFunctionError", True)
                cfn.add_property_override(f"{prefix}.MaximumRetryAttempts", STREAM_MAX_RETRIES)
                if access.stream_filters:  # Lambda event filtering: the other records never invoke it
                    cfn.add_property_override(f"{prefix}.FilterCriteria", {
                        "Filters": [{"Pattern": json.dumps(p)} for p in access.stream_filters]})  # fmt: skip
                cfn.add_property_override(
                    f"{prefix}.DestinationConfig",
                    {"OnFailure": {"Type": "SQS", "Destination": self.stream_failures.queue_arn}},
                )
            elif e.kind == "CloudWatchEvent":
                assert access.object_created_in is not None
                bucket = self.buckets[access.object_created_in].bucket_name
                cfn.add_property_override(f"{prefix}.Pattern.detail", {"bucket": {"name": [bucket]}})
        if invoked_async:
            # EventBridge rules and schedules invoke asynchronously: after Lambda's retries a
            # failed event goes to the function's failure queue (alarmed), never silently away.
            invoke_config = lambda_.CfnEventInvokeConfig(
                self,
                f"AsyncFailures{_camel(name)}Config",
                function_name=self._function_name(name),
                qualifier=rollout.ALIAS,  # what the schedules and rules invoke
                maximum_retry_attempts=edge.ASYNC_RETRIES,
                maximum_event_age_in_seconds=edge.ASYNC_MAX_EVENT_AGE_S,
                destination_config=lambda_.CfnEventInvokeConfig.DestinationConfigProperty(
                    on_failure=lambda_.CfnEventInvokeConfig.OnFailureProperty(
                        destination=self.async_failures[name].queue_arn
                    )
                ),
            )
            invoke_config.add_override("DependsOn", [fn.logical_id, rollout.alias_logical_id(fn.logical_id)])
        return cfn

    def _async_failure_queue(self, python_name: str) -> sqs.Queue:
        return self._failure_queue(f"AsyncFailures{_camel(python_name)}", f"{python_name.replace('_', '-')}-failures",
                                   "on-failure destination of an asynchronously invoked function (EventInvokeConfig)")

    def _api_settings(self) -> None:
        """Name, access logs, tracing and throttling of Chalice's REST API (AWS::Serverless::Api)."""
        if wiring.API_HANDLER not in self.functions:
            return
        account_role = iam.Role(
            self,
            "ApiGatewayCloudWatchRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonAPIGatewayPushToCloudWatchLogs")
            ],
        )
        nag.acknowledge(
            account_role,
            "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
            "the AWS-documented service role for API Gateway's regional CloudWatch Logs setting",
        )
        account = apigateway.CfnAccount(self, "ApiGatewayAccount", cloud_watch_role_arn=account_role.role_arn)
        access_logs = logs.LogGroup(
            self,
            "ApiAccessLogs",
            log_group_name=f"/aws/apigateway/{physical_name(self.stage, 'api')}",
            retention=LOG_RETENTION,
            encryption_key=self.key,
            removal_policy=self._log_removal(),
        )
        api = self.api.get_resource("RestAPI")
        api.add_property_override("Name", self.api_name)
        api.add_property_override("TracingEnabled", True)
        api.add_property_override(
            "AccessLogSetting",
            {
                "DestinationArn": access_logs.log_group_arn,
                "Format": json.dumps(
                    {
                        "requestId": "$context.requestId",
                        "ip": "$context.identity.sourceIp",
                        "requestTime": "$context.requestTimeEpoch",
                        "method": "$context.httpMethod",
                        "path": "$context.resourcePath",
                        "status": "$context.status",
                        "latencyMs": "$context.responseLatency",
                        "responseLength": "$context.responseLength",
                        "errorType": "$context.error.responseType",  # THROTTLED: API Gateway's 429
                    }
                ),
            },
        )
        # Throttles per client kind (infra/edge.py); DataTraceEnabled stays off on every entry:
        # never log request/response bodies (personal data).
        api.add_property_override("MethodSettings", edge.method_settings(self.routes, self.route_access, self.edge))
        api.add_resource_dependency(account)
        self._api_firewall()

    def _api_firewall(self) -> None:
        """The WAF web ACL on the API stage. The web app's CloudFront distribution serves static
        code only; a CLOUDFRONT-scope ACL must live in us-east-1, outside this regional stack."""
        acl = edge.web_acl(
            self, physical_name(self.stage, "api"), self.edge, edge.public_path_regex(self.routes, self.route_access)
        )
        wafv2.CfnWebACLAssociation(
            self,
            "ApiWebAclAssociation",
            web_acl_arn=acl.attr_arn,
            # ${RestAPI.Stage}: SAM's reference to the stage it creates, so the association waits for it
            resource_arn=cdk.Fn.sub(
                "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}/stages/${RestAPI.Stage}"
            ),
        )

    @property
    def api_name(self) -> str:
        return physical_name(self.stage, "api")

    def _log_removal(self) -> cdk.RemovalPolicy:
        return cdk.RemovalPolicy.RETAIN if self.production else cdk.RemovalPolicy.DESTROY

    # ---------------------------------------------------------------- alarms
    def _alarm_topic(self) -> sns.Topic:
        return sns.Topic(
            self,
            "Alarms",
            topic_name=physical_name(self.stage, "alarms"),
            display_name=f"hoso {self.stage} alarms",
            master_key=self.key,
            enforce_ssl=True,
        )

    # ---------------------------------------------------------------- outputs
    def _outputs(self) -> None:
        out: dict[str, str] = {
            "WebappDomain": self.distribution.distribution_domain_name,
            "WebappBucketName": self.webapp_bucket.bucket_name,
            "AlarmTopicArn": self.alarm_topic.topic_arn,
        }
        out |= {f"{_camel(name)}BucketName": b.bucket_name for name, b in self.buckets.items()}
        out |= {f"{_camel(name)}TableName": t.table_name for name, t in self.tables.items()}
        out |= {f"{_camel(name)}QueueUrl": q.queue_url for name, q in self.queues.items()}
        out |= {f"{_camel(name)}DlqUrl": q.queue_url for name, q in self.dlqs.items()}
        out |= {f"{_camel(stem)}StateMachineArn": sm.attr_arn for stem, sm in self.state_machines.items()}
        for key, value in out.items():
            cdk.CfnOutput(self, key, value=value)


def access_log_lifecycle() -> s3.LifecycleRule:
    """The rule of every S3 access-log bucket (this stack's and the DR stack's)."""
    return s3.LifecycleRule(
        id="expire-access-logs",
        expiration=cdk.Duration.days(ACCESS_LOG_DAYS),
        noncurrent_version_expiration=cdk.Duration.days(30),
        abort_incomplete_multipart_upload_after=cdk.Duration.days(ABORT_MULTIPART_DAYS),
    )


def _append_only_policy() -> iam.PolicyDocument:
    """Nobody, whatever their IAM grants, changes or deletes an entry of an append-only table."""
    return iam.PolicyDocument(
        statements=[
            iam.PolicyStatement(
                sid="AppendOnly",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"],
                resources=["*"],
            )
        ]
    )


def _generated(template: dict[str, str], key: str, length: int) -> secretsmanager.SecretStringGenerator:
    return secretsmanager.SecretStringGenerator(
        secret_string_template=json.dumps(template),
        generate_string_key=key,
        exclude_punctuation=True,
        password_length=length,
    )


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))


def _env_part(name: str) -> str:
    return name.replace("-", "_").upper()


def _project_module(name: str) -> bool:
    return name == "app" or name == "chalicelib" or name.startswith("chalicelib.")


@contextmanager
def _chalice_packaging(work_dir: Path) -> Iterator[None]:
    """Chalice's construct packages in-process with side effects on the whole process: it
    writes ``chalice.out/`` into the current directory, copies the stage's environment
    variables (CDK tokens) into ``os.environ``, puts the project on ``sys.path`` and imports
    ``app`` (and so ``chalicelib``), which ``sys.modules`` would otherwise serve from an earlier
    import of another project; it also needs a region. Contain all of it so the synth can run
    inside other programs (tests) and package any project directory."""
    work_dir.mkdir(parents=True, exist_ok=True)
    cwd, environ, path = Path.cwd(), dict(os.environ), list(sys.path)
    stashed = {name: sys.modules.pop(name) for name in list(sys.modules) if _project_module(name)}
    os.environ["AWS_DEFAULT_REGION"] = REGION  # chalice package asks botocore for a region
    os.chdir(work_dir)
    try:
        yield
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(environ)
        sys.path[:] = path
        for name in [n for n in sys.modules if _project_module(n)]:
            del sys.modules[name]
        sys.modules.update(stashed)
