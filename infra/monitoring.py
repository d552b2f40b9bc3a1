"""Alarms that reach people, and the operations dashboard.

- **Subscriptions** of the alarm topic are a deployment setting, like the stage configuration:
  a JSON object ``{"emails": [...], "https": [...]}`` given to the synth (``--alarms-json``; in
  CI the GitHub environment's variable ``HOSO_ALARMS``). A local synth may leave it out; a
  deployment (``--require-config``) without a single subscription fails the synth, since an
  alarm nobody receives is no alarm. E-mail subscribers confirm by the link AWS sends; an HTTPS
  endpoint (an incident tool or a chat bridge) must confirm the SNS subscription itself.
- **Alarms**, each one to the topic, each description saying what to do and where the runbook is.
- **One dashboard** ``hoso-<stage>-operations``: intake rate, transitions, API traffic, sync lag
  and backlog per destination, dead-letter queues, errors, concurrency.

The app's own metrics (namespace ``hoso``, dimension ``service``): ``DossierReceived`` and
``DossierTransition`` (chalicelib/observability.py ``count``), ``SyncLag``, ``SyncDelivered``,
``SyncFailed`` with the dimension ``destination`` as well (chalicelib/sync/handler.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions

from infra import capacity, wiring
from infra.resources import MIGRATION_QUEUE, QUEUES, STREAM_FAILURE_QUEUE, SYNC_QUEUES, dlq_name, physical_name

NAMESPACE = "hoso"  # chalicelib/observability.py NAMESPACE (Powertools metrics)
SERVICE = "hoso"
DESTINATIONS = tuple(q.removeprefix("sync-") for q in SYNC_QUEUES)  # the sync handler's ``destination``
RUNBOOK_SYNC = "docs/runbooks/sync.md"
RUNBOOK_ALARMS = "docs/runbooks/alarms.md"

FIVE_MINUTES = cdk.Duration.minutes(5)
ONE_MINUTE = cdk.Duration.minutes(1)
OLDEST_MESSAGE_ALARM_SECONDS = 300  # a sync queue's oldest message: the destination is down or stuck
SYNC_LAG_P95_ALARM_MS = 120_000  # commit → acknowledged, p95 over 15 minutes (measured p95 ≈ 1.7 s)
ITERATOR_AGE_ALARM_MS = 60_000  # the dossiers stream's readers are a minute behind
API_LATENCY_P99_ALARM_MS = 3_000  # 15 minutes above: officers wait (processing steps measured 0.15–0.36 s)
API_THROTTLED_ALARM = 20  # requests API Gateway answered 429 (its own throttle) in 5 minutes
CONCURRENCY_ALARM_SHARE = 0.8  # of the account's quota, or of the API's reserved concurrency
API_THROTTLED_METRIC = "ApiThrottled"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


class SubscriptionError(ValueError):
    """The alarm subscriptions are malformed, or missing for a deployment."""


@dataclass(frozen=True)
class Subscriptions:
    emails: tuple[str, ...] = ()
    https: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.emails or self.https)


def parse(text: str | None) -> Subscriptions:
    if not text:
        return Subscriptions()
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise SubscriptionError(f"the alarm subscriptions are not JSON: {e}") from e
    if not isinstance(value, dict) or set(value) - {"emails", "https"}:
        raise SubscriptionError('the alarm subscriptions must be {"emails": [...], "https": [...]}')
    lists = {k: value.get(k, []) for k in ("emails", "https")}
    if not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in lists.values()):
        raise SubscriptionError("the alarm subscriptions' emails and https must be lists of strings")
    bad = [e for e in lists["emails"] if not EMAIL.match(e)]
    bad += [u for u in lists["https"] if urlparse(u).scheme != "https" or not urlparse(u).netloc]
    if bad:
        raise SubscriptionError(f"not an e-mail address or an https URL: {bad}")
    return Subscriptions(tuple(lists["emails"]), tuple(lists["https"]))


def resolve(given: Subscriptions, *, require: bool) -> Subscriptions:
    if require and not given:
        raise SubscriptionError(
            "a deployment needs at least one alarm subscription: set HOSO_ALARMS (or --alarms-json) to "
            '{"emails": ["ops@example.gov.vn"], "https": []} — otherwise nobody hears an alarm'
        )
    return given


def subscribe(topic: sns.Topic, given: Subscriptions) -> None:
    for address in given.emails:
        topic.add_subscription(subscriptions.EmailSubscription(address))
    for url in given.https:
        topic.add_subscription(subscriptions.UrlSubscription(url, protocol=sns.SubscriptionProtocol.HTTPS))


def add_monitoring(stack: Any, given: Subscriptions) -> None:
    subscribe(stack.alarm_topic, given)
    Alarms(stack).add_all()
    dashboard(stack)


# ---------------------------------------------------------------- metrics
def app_metric(name: str, statistic: str = "Sum", period: cdk.Duration = ONE_MINUTE, **dims: str) -> cloudwatch.Metric:
    return cloudwatch.Metric(namespace=NAMESPACE, metric_name=name, dimensions_map={"service": SERVICE, **dims},
                             statistic=statistic, period=period)


def lambda_metric(name: str, function: str | None, statistic: str = "Sum",
                  period: cdk.Duration = FIVE_MINUTES) -> cloudwatch.Metric:
    return cloudwatch.Metric(namespace="AWS/Lambda", metric_name=name, statistic=statistic, period=period,
                             dimensions_map={"FunctionName": function} if function else None)


def api_metric(stack: Any, name: str, statistic: str = "Sum", period: cdk.Duration = FIVE_MINUTES) -> cloudwatch.Metric:
    from infra.stack import API_STAGE

    return cloudwatch.Metric(namespace="AWS/ApiGateway", metric_name=name, statistic=statistic, period=period,
                             dimensions_map={"ApiName": stack.api_name, "Stage": API_STAGE})


def states_metric(arn: str, name: str, period: cdk.Duration = FIVE_MINUTES) -> cloudwatch.Metric:
    return cloudwatch.Metric(namespace="AWS/States", metric_name=name, dimensions_map={"StateMachineArn": arn},
                             statistic="Sum", period=period)


def _dash(name: str) -> str:
    return name.replace("_", "-")


# ---------------------------------------------------------------- alarms
class Alarms:
    def __init__(self, stack: Any) -> None:
        self.stack = stack
        self.capacity = capacity.of(stack.stage)
        self.api = wiring.API_HANDLER in stack.functions

    def alarm(self, id_: str, metric: cloudwatch.IMetric, meaning: str, action: str, runbook: str, *,
              threshold: float = 0, periods: int = 1) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self.stack,
            f"Alarm{id_}",
            alarm_name=physical_name(self.stack.stage, id_),
            alarm_description=f"{meaning} What to do: {action} Runbook: {runbook}",
            metric=metric,
            threshold=threshold,
            evaluation_periods=periods,
            datapoints_to_alarm=periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(cw_actions.SnsAction(self.stack.alarm_topic))
        return alarm

    def add_all(self) -> None:
        self.sync()
        self.streams()
        self.failure_queues()
        self.state_machines()
        self.functions()
        self.concurrency()
        self.tables()
        if self.api:
            self.api_gateway()

    def sync(self) -> None:
        s = self.stack
        for name, dlq in s.dlqs.items():
            if name == STREAM_FAILURE_QUEUE:
                continue
            self.alarm(
                f"{name}-dlq-not-empty",
                dlq.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES, statistic="Maximum"),
                f"Messages are in {physical_name(s.stage, dlq_name(name))}: their work failed every delivery.",
                "read a message, find why (the consumer's log), fix the cause, then redrive the DLQ.",
                f"{RUNBOOK_SYNC}#dlq-not-empty" if name in SYNC_QUEUES
                else "docs/runbooks/migration-restore.md#migration-chunks-dlq" if name == MIGRATION_QUEUE
                else f"{RUNBOOK_ALARMS}#agency-tasks-dlq",
            )
        for queue, destination in zip(SYNC_QUEUES, DESTINATIONS, strict=True):
            self.alarm(
                f"{queue}-oldest-message",
                s.queues[queue].metric_approximate_age_of_oldest_message(period=FIVE_MINUTES, statistic="Maximum"),
                f"Sync to {destination} is more than {OLDEST_MESSAGE_ALARM_SECONDS} s behind: a message waits "
                "that long (the destination is down, slow or refuses).",
                f"check {destination} is reachable and the sync_{destination} function's errors; do not redrive.",
                f"{RUNBOOK_SYNC}#sync-behind",
                threshold=OLDEST_MESSAGE_ALARM_SECONDS,
            )
            self.alarm(
                f"{queue}-lag",
                app_metric("SyncLag", "p95", FIVE_MINUTES, destination=destination),
                f"Steps reach {destination} more than {SYNC_LAG_P95_ALARM_MS // 1000} s after they were "
                "committed (p95, 15 minutes): deliveries are retried or the consumers are capped.",
                f"look at SyncFailed/SyncDeferred of {destination} on the dashboard and the queue's backlog.",
                f"{RUNBOOK_SYNC}#sync-lag",
                threshold=SYNC_LAG_P95_ALARM_MS,
                periods=3,
            )
        # A province that does not answer parks its records (docs/provinces.md): no backlog, no DLQ, so say it here.
        self.alarm(
            "sync-province-parked",
            app_metric("SyncParked", "Sum", FIVE_MINUTES, destination="province"),
            "A provincial system has not answered for 15 minutes: its dossiers wait (parked), the other provinces' "
            "do not.",
            "find which province in the sync_province log (sync target down), tell its operator; do not redrive.",
            f"{RUNBOOK_SYNC}#province-down",
            periods=3,
        )

    def streams(self) -> None:
        s = self.stack
        self.alarm(
            f"{STREAM_FAILURE_QUEUE}-not-empty",
            s.dlqs[STREAM_FAILURE_QUEUE].metric_approximate_number_of_messages_visible(
                period=FIVE_MINUTES, statistic="Maximum"),
            "A batch of the dossiers stream failed all its retries: its steps were not relayed to the sync "
            "queues (or their e-data not captured).",
            "find the dossiers in the message, fix the cause, then resync them.",
            f"{RUNBOOK_SYNC}#stream-failures",
        )
        for name in s.functions:
            if s.access[name].stream_of is None:
                continue
            function = s._function_name(name)
            self.alarm(
                f"{_dash(name)}-iterator-age",
                lambda_metric("IteratorAge", function, "Maximum"),
                f"{function} reads the dossiers stream more than {ITERATOR_AGE_ALARM_MS // 1000} s behind: "
                "committed steps wait before they are relayed.",
                f"look at {function}'s errors and duration; a batch retried again and again blocks its shard.",
                f"{RUNBOOK_SYNC}#stream-behind",
                threshold=ITERATOR_AGE_ALARM_MS,
            )

    def failure_queues(self) -> None:
        s = self.stack
        for python_name, queue in s.async_failures.items():
            function = s._function_name(python_name)
            self.alarm(
                f"{_dash(python_name)}-failures-not-empty",
                queue.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES, statistic="Maximum"),
                f"Lambda {function} failed an event after its retries: the event is in "
                f"{physical_name(s.stage, _dash(python_name) + '-failures')}.",
                "read the event and the function's log, fix the cause, then invoke the function again with it.",
                f"{RUNBOOK_ALARMS}#async-failures",
            )
            self.alarm(
                f"{_dash(python_name)}-destination-failures",
                lambda_metric("DestinationDeliveryFailures", function),
                f"Lambda {function} could not write a failed event to its failure queue: events are lost.",
                "check the function's role and the queue's key policy (kms:GenerateDataKey).",
                f"{RUNBOOK_ALARMS}#async-failures",
            )

    def state_machines(self) -> None:
        # ExecutionsAborted is on the dashboard, not alarmed: hoso stops a flow itself when its
        # dossier is withdrawn or stopped (chalicelib/flows/hooks.py), which is normal.
        s = self.stack
        for stem, sm in s.state_machines.items():
            name = physical_name(s.stage, stem)
            for metric, meaning in (("ExecutionsFailed", "failed"), ("ExecutionsTimedOut", "timed out")):
                self.alarm(
                    f"{_dash(stem)}-{metric.lower()}",
                    states_metric(sm.attr_arn, metric),
                    f"A liên thông flow execution of {name} {meaning}: its dossier no longer advances.",
                    "open the execution (Step Functions console), read the error, decide with the unit.",
                    "docs/runbooks/lien-thong.md",
                )

    def functions(self) -> None:
        s = self.stack
        for python_name in s.functions:
            function = s._function_name(python_name)
            self.alarm(
                f"{_dash(python_name)}-errors",
                lambda_metric("Errors", function),
                f"Lambda {function} raised errors in the last 5 minutes.",
                "open its log group /aws/lambda/" + function + " (level ERROR) and the X-Ray traces.",
                f"{RUNBOOK_ALARMS}#function-errors",
            )
            self.alarm(
                f"{_dash(python_name)}-throttles",
                lambda_metric("Throttles", function),
                f"Lambda {function} was throttled: the account's (or its reserved) concurrency was used up.",
                "look at the concurrency widgets; raise the quota or the limits in infra/capacity.py.",
                f"{RUNBOOK_ALARMS}#concurrency",
            )

    def concurrency(self) -> None:
        s = self.stack
        quota = self.capacity.account_concurrency
        self.alarm(
            "account-concurrency",
            lambda_metric("ConcurrentExecutions", None, "Maximum", ONE_MINUTE),
            f"Lambda functions of the region run above {CONCURRENCY_ALARM_SHARE:.0%} of the account's quota "
            f"({quota}) for 5 minutes: new invocations will be throttled.",
            "find the function taking it (dashboard); ask AWS for more, or lower the queue consumers' caps.",
            f"{RUNBOOK_ALARMS}#concurrency",
            threshold=int(quota * CONCURRENCY_ALARM_SHARE),
            periods=5,
        )
        reserved = self.capacity.api_reserved
        if self.api and reserved is not None:
            function = s._function_name(wiring.API_HANDLER)
            self.alarm(
                "api-handler-concurrency",
                lambda_metric("ConcurrentExecutions", function, "Maximum", ONE_MINUTE),
                f"{function} runs above {CONCURRENCY_ALARM_SHARE:.0%} of its reserved concurrency ({reserved}) "
                "for 5 minutes: requests will be throttled (HTTP 429/502).",
                "check latency (a slow dependency raises concurrency); raise api_reserved in infra/capacity.py.",
                f"{RUNBOOK_ALARMS}#concurrency",
                threshold=int(reserved * CONCURRENCY_ALARM_SHARE),
                periods=5,
            )

    def tables(self) -> None:
        for name, table in self.stack.tables.items():
            self.alarm(
                f"{name}-throttles",
                cloudwatch.MathExpression(
                    expression="r + w",
                    using_metrics={
                        "r": table.metric("ReadThrottleEvents", period=FIVE_MINUTES, statistic="Sum"),
                        "w": table.metric("WriteThrottleEvents", period=FIVE_MINUTES, statistic="Sum"),
                    },
                    period=FIVE_MINUTES,
                ),
                f"DynamoDB {physical_name(self.stack.stage, name)} throttled requests.",
                "see which operation and index (ThrottledRequests); warm the table before known peaks.",
                f"{RUNBOOK_ALARMS}#table-throttles",
            )

    def api_gateway(self) -> None:
        s = self.stack
        self.alarm(
            "api-5xx",
            api_metric(s, "5XXError"),
            "The API answered 5xx in the last 5 minutes.",
            "open the API function's log (ERROR) and the access log (status 5xx) for the request ids.",
            f"{RUNBOOK_ALARMS}#api-5xx",
        )
        self.alarm(
            "api-latency-p99",
            api_metric(s, "Latency", "p99"),
            f"The API's p99 latency was above {API_LATENCY_P99_ALARM_MS} ms for 15 minutes.",
            "find the slow routes (access log latencyMs), then the slow calls in X-Ray.",
            f"{RUNBOOK_ALARMS}#api-latency",
            threshold=API_LATENCY_P99_ALARM_MS,
            periods=3,
        )
        access_logs = s.node.find_child("ApiAccessLogs")
        assert isinstance(access_logs, logs.LogGroup)
        logs.MetricFilter(
            s,
            "ApiThrottledFilter",
            log_group=access_logs,
            filter_pattern=logs.FilterPattern.string_value("$.errorType", "=", "THROTTLED"),
            metric_namespace=NAMESPACE,
            metric_name=API_THROTTLED_METRIC,
            metric_value="1",
        )
        self.alarm(
            "api-throttled",
            cloudwatch.Metric(namespace=NAMESPACE, metric_name=API_THROTTLED_METRIC, statistic="Sum",
                              period=FIVE_MINUTES),
            f"API Gateway refused more than {API_THROTTLED_ALARM} requests with 429 (its method throttles) "
            "in 5 minutes.",
            "see which routes (access log errorType THROTTLED); a client misbehaves or infra/capacity.py's "
            "throttles are below the real load.",
            f"{RUNBOOK_ALARMS}#api-throttled",
            threshold=API_THROTTLED_ALARM,
        )


# ---------------------------------------------------------------- dashboard
def _graph(title: str, metrics: Sequence[cloudwatch.IMetric], *, width: int = 8) -> cloudwatch.GraphWidget:
    return cloudwatch.GraphWidget(title=title, left=list(metrics), width=width, height=6)


def dashboard(stack: Any) -> cloudwatch.Dashboard:
    s = stack
    stage = s.stage
    functions = [s._function_name(n) for n in s.functions]
    sync = {physical_name(stage, q): s.queues[q] for q in SYNC_QUEUES}
    waiting = {physical_name(stage, dlq_name(n) if n in QUEUES else n): q for n, q in s.dlqs.items()}
    waiting |= {physical_name(stage, f"{_dash(n)}-failures"): q for n, q in s.async_failures.items()}
    rows: list[list[cloudwatch.IWidget]] = [
        [
            _graph("Intake: dossiers received / min", [app_metric("DossierReceived")]),
            _graph("Transitions: committed steps / min", [app_metric("DossierTransition")]),
        ],
        [
            _graph("Sync lag p95 per destination (ms)",
                   [app_metric("SyncLag", "p95", destination=d).with_(label=d) for d in DESTINATIONS]),
            _graph("Sync backlog per destination (messages)",
                   [q.metric_approximate_number_of_messages_visible(period=ONE_MINUTE, statistic="Maximum",
                                                                    label=n) for n, q in sync.items()]),
            _graph("Oldest message per sync queue (s)",
                   [q.metric_approximate_age_of_oldest_message(period=ONE_MINUTE, statistic="Maximum",
                                                               label=n) for n, q in sync.items()]),
        ],
        [
            _graph("Sync delivered / failed per destination",
                   [app_metric(m, destination=d).with_(label=f"{d} {m}") for d in DESTINATIONS
                    for m in ("SyncDelivered", "SyncFailed")]),
            _graph("Dead-letter and failure queues (messages)",
                   [q.metric_approximate_number_of_messages_visible(period=ONE_MINUTE, statistic="Maximum",
                                                                    label=n) for n, q in waiting.items()]),
            _graph("Stream readers' iterator age (ms)",
                   [lambda_metric("IteratorAge", s._function_name(n), "Maximum", ONE_MINUTE)
                    for n in s.functions if s.access[n].stream_of is not None]),
        ],
        [
            _graph("Errors per function", [lambda_metric("Errors", f, period=ONE_MINUTE) for f in functions]),
            _graph("Liên thông flows: failed, timed out, aborted",
                   [states_metric(sm.attr_arn, m).with_(label=f"{stem} {m}") for stem, sm in s.state_machines.items()
                    for m in ("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted")]),
            _graph("Concurrency (account and per function)",
                   [lambda_metric("ConcurrentExecutions", None, "Maximum", ONE_MINUTE)]
                   + [lambda_metric("ConcurrentExecutions", f, "Maximum", ONE_MINUTE) for f in functions]),
        ],
    ]
    if wiring.API_HANDLER in s.functions:
        rows[0] += [
            _graph("API requests, 4xx, 5xx, 429 (API Gateway throttles)",
                   [api_metric(s, m, period=ONE_MINUTE) for m in ("Count", "4XXError", "5XXError")]
                   + [cloudwatch.Metric(namespace=NAMESPACE, metric_name=API_THROTTLED_METRIC, statistic="Sum",
                                        period=ONE_MINUTE)]),
            _graph("API latency p50 / p99 (ms)",
                   [api_metric(s, "Latency", p, ONE_MINUTE).with_(label=p) for p in ("p50", "p99")], width=24),
        ]
    board = cloudwatch.Dashboard(s, "Dashboard", dashboard_name=physical_name(stage, "operations"),
                                 default_interval=cdk.Duration.hours(3))
    for row in rows:
        board.add_widgets(*row)
    board.add_widgets(cloudwatch.AlarmStatusWidget(
        title="Alarms", width=24, height=6,
        alarms=[a for a in s.node.children if isinstance(a, cloudwatch.Alarm)],
    ))
    return board
