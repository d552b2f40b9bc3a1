"""Work on untrusted input with hard limits: a forked child process with an address-space
limit and a deadline (issue 11, item 7: a PDF bomb — deeply nested or huge object streams,
a decompression bomb, endless pages — must be refused, never hang or exhaust the function).

Only ``fork``, a pipe and ``os._exit`` are used (Lambda has no ``/dev/shm``, so no
multiprocessing queues or pools). The child gets its inputs by fork and sends back one
picklable answer; it touches no AWS client."""

from __future__ import annotations

import multiprocessing
import os
import resource
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class LimitExceeded(Exception):
    """The work ran out of time or memory (or its process died)."""


class Failed(Exception):
    """The work raised; ``kind`` is the exception's type name."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _child(conn: Any, work: Callable[..., Any], args: tuple[Any, ...], memory_bytes: int, timeout_s: float) -> None:
    try:
        limit = _address_space() + memory_bytes  # on top of what the forked process already maps
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = int(timeout_s) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        try:
            answer: tuple[str, Any] = ("ok", work(*args))
        except MemoryError:
            answer = ("limit", "MemoryError")
        except BaseException as err:  # noqa: BLE001 — reported to the parent, by type only
            answer = ("error", type(err).__name__)
        conn.send(answer)
    except BaseException:  # noqa: BLE001,S110 — even sending failed (e.g. out of memory): the parent sees EOF
        pass
    finally:
        os._exit(0)


def run(work: Callable[..., T], *args: Any, timeout_s: float, memory_bytes: int) -> T:
    """``work(*args)`` in a child process limited to ``memory_bytes`` more memory and
    ``timeout_s`` seconds; raises :class:`LimitExceeded` or :class:`Failed`."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, work, args, memory_bytes, timeout_s), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(timeout_s):
            raise LimitExceeded("timeout")
        try:
            status, value = receive.recv()
        except (EOFError, OSError):
            raise LimitExceeded("the child process died") from None
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join(1)
    if status == "limit":
        raise LimitExceeded(str(value))
    if status == "error":
        raise Failed(str(value))
    return value
