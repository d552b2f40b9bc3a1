"""Small fixes to moto 5.2.5 (Step Functions, DynamoDB), applied once before the server starts.

Each patch closes a gap measured in ``shared/LOCAL_AWS.md`` or found by our tests, and
``tests/integration/stack/test_moto_patches.py`` shows it working; for 1 and 2 it also runs an
unpatched server, so a moto upgrade that fixes them shows up as a failing "still needed" test:

1. ``arn:aws:states:::states:startExecution`` (plain, ``.sync``, ``.sync:2``): the ASL
   parameters (``StateMachineArn``, ``Input``, ``Name``) reach boto3's camelCase
   ``start_execution`` unchanged and the task fails with ``States.Runtime``; the camelCase
   answer (``executionArn``, with ``datetime`` values the server cannot serialise) is then not
   found by the ``.sync`` resolvers either. The patch maps parameters and answers through the
   Step Functions service model and gives timestamps as epoch milliseconds, as AWS does.
2. ``StartExecution`` without ``name`` gets the ARN ``…:None`` in the executing backend, so a
   second unnamed run collides with the first. The patch names such runs with a UUID, like AWS.
3. moto's DynamoDB backend is not thread-safe: under concurrent requests ``TransactWriteItems``
   deep-copies tables while other threads write them ("dictionary changed size during
   iteration" → 500). DynamoDB itself serialises conflicting writes; the patch serialises
   every DynamoDB request in the moto server with one lock, which keeps moto's answers right
   (found by the 500-concurrent-intakes test, tests/e2e/test_concurrency.py). DynamoDB Streams
   requests take the same lock: a stream reader must never see the records of a transaction
   still running — when that transaction is cancelled its records are removed and the next
   commit reuses their sequence numbers, which a reader already past them would skip (a
   dossier's outbox record silently never relayed; found by the same test).
4. ``TransactWriteItems`` deep-copies every table it touches, once per item, to roll back on
   failure: each transaction costs O(table size), so the local stack slows down as dossiers
   accumulate (and cost-per-page benchmarks would measure moto, not hoso). The patch snapshots
   only the items the transaction touches (and the stream's length) and restores exactly those
   on failure — the same all-or-nothing result, stream records of a cancelled transaction
   included.
5. ``Query`` starts from ``all_items()``, which sorts the *whole table* on every call, then keeps
   the items of the queried partition: each Query costs O(n log n) in the table's size (at
   50,000 dossiers a page of ten takes seconds, and the jobs' benchmark measured moto, not
   hoso). The patch hands moto's own query only the candidates — the base table's partition
   read from its hash map, or, for an index, the items whose key attributes can equal the
   queried ones (same type, same string/binary value) — in ``all_items()``'s order; moto's own
   code still applies every condition, sorts, pages and projects, so the answers are the same.
6. A distributed Map ignores ``ToleratedFailureCount`` / ``ToleratedFailurePercentage`` ("currently have no
   effect"): a child execution that fails is counted and dropped, and the Map — so the run — succeeds.
   AWS fails the Map with ``States.ExceedToleratedFailureThreshold`` once more items failed than
   tolerated (the default tolerates none; moto reports an undeclared threshold as 0, so a count of 0
   applies unless only a percentage is declared). The patch checks the map run's failed items against both
   thresholds when the items are done and fails the state the way AWS does (the migration run's
   failure policy, state_machines/migration_run.asl.json).
"""

from __future__ import annotations

import inspect
import threading
import uuid
from datetime import datetime
from functools import cache, wraps
from typing import Any

from botocore.model import OperationModel

_lock = threading.Lock()
_applied = False

_SFN_SERVICE = "stepfunctions"


@cache
def _operation_model(operation: str) -> OperationModel:
    import botocore.session

    model = botocore.session.get_session().get_service_model(_SFN_SERVICE)
    return model.operation_model(operation)


def _operation_name(snake_action: str) -> str:
    return "".join(part.title() for part in snake_action.split("_"))


def _epoch_millis(value: Any) -> Any:
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, dict):
        return {k: _epoch_millis(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_epoch_millis(v) for v in value]
    return value


def _patch_sfn_service_task() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sfn import (
        StateTaskServiceSfn,
    )

    original_params = StateTaskServiceSfn._normalise_parameters
    original_response = StateTaskServiceSfn._normalise_response

    @wraps(original_params)
    def normalise_parameters(
        self: Any, parameters: dict, boto_service_name: str | None = None, service_action_name: str | None = None
    ) -> None:
        original_params(self, parameters, boto_service_name, service_action_name)
        action = self._get_boto_service_action(service_action_name)
        self._to_boto_request(parameters, _operation_model(_operation_name(action)).input_shape)

    @wraps(original_response)
    def normalise_response(
        self: Any, response: Any, boto_service_name: str | None = None, service_action_name: str | None = None
    ) -> None:
        original_response(self, response, boto_service_name, service_action_name)
        action = self._get_boto_service_action(service_action_name)
        self._from_boto_response(response, _operation_model(_operation_name(action)).output_shape)
        if isinstance(response, dict):
            response.update(_epoch_millis(response))

    StateTaskServiceSfn._normalise_parameters = normalise_parameters  # type: ignore[method-assign]
    StateTaskServiceSfn._normalise_response = normalise_response  # type: ignore[method-assign]


def _patch_unnamed_executions() -> None:
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    original = StepFunctionsParserBackend.start_execution

    @wraps(original)
    def start_execution(self: Any, state_machine_arn: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        return original(self, state_machine_arn, name or str(uuid.uuid4()), *args, **kwargs)

    StepFunctionsParserBackend.start_execution = start_execution  # type: ignore[method-assign]


_dynamodb_lock = threading.RLock()


def _patch_dynamodb_thread_safety() -> None:
    from moto.dynamodb.responses import DynamoHandler
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    for handler in (DynamoHandler, DynamoDBStreamsHandler):
        original = handler.call_action

        def call_action(self: Any, _original: Any = original) -> Any:
            with _dynamodb_lock:
                return _original(self)

        handler.call_action = wraps(original)(call_action)  # type: ignore[method-assign]


def _patch_transaction_rollback() -> None:
    import copy
    import types

    import moto.dynamodb.models as dynamodb_models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items
    real_deepcopy = copy.deepcopy
    # The backend's own rollback copies whole tables: make that copy free (it "restores" the
    # very table object) and roll back the touched items ourselves.
    shim = types.SimpleNamespace(
        deepcopy=lambda value, memo=None: value if isinstance(value, Table) else real_deepcopy(value, memo)
    )

    def _key(table: Any, attrs: dict[str, Any]) -> tuple[Any, Any] | None:
        if table.hash_key_attr not in attrs:
            return None
        range_value = attrs.get(table.range_key_attr) if table.range_key_attr else None
        return DynamoType(attrs[table.hash_key_attr]), DynamoType(range_value) if range_value is not None else None

    @wraps(original)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        touched: list[tuple[Any, Any, Any, Any]] = []
        streams: dict[int, tuple[Any, int]] = {}
        for entry in transact_items:
            _, op = next(iter(entry.items()))
            table = self.tables.get(op.get("TableName"))
            key = _key(table, op.get("Key") or op.get("Item") or {}) if table is not None else None
            if table is None or key is None:
                continue
            touched.append((table, key[0], key[1], real_deepcopy(table.get_item(*key))))
            if table.stream_shard is not None:
                streams.setdefault(id(table), (table.stream_shard, len(table.stream_shard.items)))
        dynamodb_models.copy = shim  # type: ignore[attr-defined]
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_value, range_value, item in reversed(touched):
                if range_value is None:
                    table.items.pop(hash_value, None) if item is None else table.items.__setitem__(hash_value, item)
                elif item is None:
                    table.items[hash_value].pop(range_value, None)
                else:
                    table.items[hash_value][range_value] = item
            for shard, length in streams.values():
                del shard.items[length:]
            raise
        finally:
            dynamodb_models.copy = copy  # type: ignore[attr-defined]

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


_CHEAP_TYPES = ("S", "B")  # equal as DynamoType iff the raw values are equal


def _may_equal(value: Any, expected: Any) -> bool:
    """False only when moto's ``value == expected`` is certainly False (a cheap pre-check)."""
    if value is None or value.type != expected.type:
        return False
    return value.type not in _CHEAP_TYPES or value.value == expected.value


def _patch_query_candidates() -> None:
    from moto.dynamodb.models.table import Table

    original = Table.query

    def candidates(table: Any, hash_key: Any, index_name: str | None,
                   hash_key_conditions: list[tuple[str, Any]] | None) -> list[Any] | None:
        """The items moto's query would keep at all, in ``all_items()``'s order; None: all of them."""
        if not index_name:
            if hash_key is None:
                return None
            found = table.items.get(hash_key)
            items = [] if found is None else list(found.values()) if table.range_key_attr else [found]
        else:
            if not hash_key_conditions:
                return None
            items = [item for hash_set in table.items.values()
                     for item in (hash_set.values() if table.range_key_attr else (hash_set,))
                     if all(_may_equal(item.attrs.get(name), value) for name, value in hash_key_conditions)]
        return sorted(items, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)

    signature = inspect.signature(original)

    @wraps(original)
    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        given = signature.bind(self, *args, **kwargs).arguments
        items = candidates(self, given.get("hash_key"), given.get("index_name"), given.get("hash_key_conditions"))
        if items is None:
            return original(self, *args, **kwargs)
        self.all_items = lambda: list(items)  # read by moto's query only; DynamoDB requests hold _dynamodb_lock
        try:
            return original(self, *args, **kwargs)
        finally:
            del self.all_items

    Table.query = query  # type: ignore[method-assign]


def _patch_distributed_map_tolerated_failures() -> None:
    from moto.stepfunctions.parser.api import ExecutionFailedEventDetails, HistoryEventType
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
        FailureEvent,
        FailureEventException,
    )
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
        StatesErrorNameType,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.distributed_iteration_component import (  # noqa: E501
        DistributedIterationComponent,
    )
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

    original = DistributedIterationComponent._map_run

    @wraps(original)
    def map_run(self: Any, env: Any, eval_input: Any) -> None:
        original(self, env, eval_input)
        items = eval_input.map_run_record.item_counter
        failed, total = items.failed.get() + items.timed_out.get(), items.total.get()
        count, percentage = eval_input.tolerated_failure_count, eval_input.tolerated_failure_percentage
        # moto gives an undeclared threshold as 0: a count of 0 applies unless only a percentage is declared
        over_count = (count > 0 or percentage == 0) and failed > count
        over_percentage = percentage > 0 and total > 0 and 100.0 * failed / total > percentage
        if not (over_count or over_percentage):
            return
        error = StatesErrorNameType.StatesExceedToleratedFailureThreshold
        cause = "The specified tolerated failure threshold was exceeded"
        raise FailureEventException(failure_event=FailureEvent(
            env=env, error_name=StatesErrorName(typ=error), event_type=HistoryEventType.ExecutionFailed,
            event_details=EventDetails(executionFailedEventDetails=ExecutionFailedEventDetails(
                error=error.to_name(), cause=cause))))

    DistributedIterationComponent._map_run = map_run  # type: ignore[method-assign]


def apply() -> None:
    """Apply every patch once per process (later calls do nothing)."""
    global _applied
    with _lock:
        if _applied:
            return
        _patch_sfn_service_task()
        _patch_unnamed_executions()
        _patch_dynamodb_thread_safety()
        _patch_transaction_rollback()
        _patch_query_candidates()
        _patch_distributed_map_tolerated_failures()
        _applied = True
