"""Every AWS call this process makes, recorded in-process.

``AwsCallRecorder`` wraps botocore's ``BaseClient._make_api_call`` (every boto3 client, and
PynamoDB, whose connections call it) and PynamoDB's ``Connection.dispatch`` while it is active.
Each call is kept with its service, operation, parameters, answer, duration and *origin*: who
made it, told apart by thread —

- ``api``: a request of the HTTP API (a thread of the local stack's API server);
- ``handler:<function>``: an event handler the dispatcher invoked (``invoke-<function>`` threads);
- ``esm``: the dispatcher's own polling, i.e. what Lambda's event source mappings do on AWS;
- ``other``: anything else (Step Functions executions inside moto, the caller's own code).

Calls made inside ``recorder.unrecorded()`` (measurement side reads) are not kept.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.client import BaseClient
from pynamodb.connection.base import Connection

if TYPE_CHECKING:
    from local.stack import LocalStack


@dataclass
class Call:
    service: str
    operation: str
    params: dict[str, Any]
    response: dict[str, Any] | None
    error: str | None
    origin: str
    seconds: float


Classifier = Callable[[threading.Thread], str]


def stack_classifier(stack: LocalStack) -> Classifier:
    """Origins of calls made in a process running ``stack`` (see the module docstring)."""
    api_server = stack._api_server.server if stack._api_server is not None else None  # noqa: SLF001

    def origin(thread: threading.Thread) -> str:
        target = getattr(thread, "_target", None)
        if api_server is not None and getattr(target, "__self__", None) is api_server:
            return "api"
        if thread.name.startswith("invoke-"):
            return "handler:" + thread.name[len("invoke-"):]
        if thread.name.startswith("dispatch-"):
            return "esm"
        return "other"

    return origin


class AwsCallRecorder:
    def __init__(self, classify: Classifier | None = None) -> None:
        self.calls: list[Call] = []
        self.pynamodb_operations: list[tuple[str, str]] = []  # (operation, origin)
        self._classify = classify or (lambda thread: "other")
        self._lock = threading.Lock()
        self._quiet = threading.local()
        self._saved: tuple[Any, Any] | None = None

    # --- activation -------------------------------------------------------------------------
    def __enter__(self) -> AwsCallRecorder:
        recorder = self
        original_call = BaseClient._make_api_call
        original_dispatch = Connection.dispatch
        self._saved = (original_call, original_dispatch)

        def _make_api_call(client: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
            if getattr(recorder._quiet, "on", False):
                return original_call(client, operation_name, api_params)
            started = time.perf_counter()
            response: dict[str, Any] | None = None
            error: str | None = None
            try:
                response = original_call(client, operation_name, api_params)
                return response
            except Exception as exc:
                error = type(exc).__name__
                raise
            finally:
                recorder._keep(Call(
                    service=client.meta.service_model.service_name, operation=operation_name,
                    params=dict(api_params), response=response, error=error,
                    origin=recorder._classify(threading.current_thread()),
                    seconds=time.perf_counter() - started,
                ))

        def dispatch(connection: Connection, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
            if not getattr(recorder._quiet, "on", False):
                with recorder._lock:
                    recorder.pynamodb_operations.append(
                        (operation_name, recorder._classify(threading.current_thread())))
            return original_dispatch(connection, operation_name, operation_kwargs)

        BaseClient._make_api_call = _make_api_call  # type: ignore[method-assign]
        Connection.dispatch = dispatch  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            BaseClient._make_api_call, Connection.dispatch = self._saved  # type: ignore[method-assign]
            self._saved = None

    def _keep(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    @contextmanager
    def unrecorded(self) -> Iterator[None]:
        """Calls made by this thread inside the block are not recorded."""
        before = getattr(self._quiet, "on", False)
        self._quiet.on = True
        try:
            yield
        finally:
            self._quiet.on = before

    # --- reading ----------------------------------------------------------------------------
    def snapshot(self) -> int:
        with self._lock:
            return len(self.calls)

    def since(self, mark: int) -> list[Call]:
        with self._lock:
            return list(self.calls[mark:])

    def count(self, *, operation: str | None = None, origin: str | None = None,
              calls: list[Call] | None = None) -> int:
        return sum(1 for c in (self.calls if calls is None else calls)
                   if (operation is None or c.operation == operation) and (origin is None or c.origin == origin))

    def operations(self, calls: list[Call] | None = None) -> Counter[tuple[str, str]]:
        return Counter((c.service, c.operation) for c in (self.calls if calls is None else calls))
