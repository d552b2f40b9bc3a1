"""The caller of the current request: set by the route wrapper (:func:`acting_as`), read by the
views (:func:`current_principal`, :func:`current_client`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from chalicelib.auth.clients import ClientPrincipal
from chalicelib.auth.officers import Principal
from chalicelib.observability import logger

Caller = Principal | ClientPrincipal
_caller: ContextVar[Caller | None] = ContextVar("hoso_caller", default=None)


@contextmanager
def acting_as(caller: Caller | None) -> Iterator[None]:
    """Make ``caller`` the current caller for the duration of a request (the route wrapper)."""
    token = _caller.set(caller)
    if caller is not None:
        who = f"officer:{caller.sub}" if isinstance(caller, Principal) else f"client:{caller.client_id}"
        logger.append_keys(caller=who)
    try:
        yield
    finally:
        _caller.reset(token)
        logger.remove_keys(["caller"])


def current_principal() -> Principal:
    """The officer of the current request; only on OFFICER, ADMIN and OPERATOR routes."""
    caller = _caller.get()
    if not isinstance(caller, Principal):
        raise RuntimeError("current_principal() is only available in a route with officer access")
    return caller


def current_client() -> ClientPrincipal:
    """The integration client of the current request; only on CLIENT routes."""
    caller = _caller.get()
    if not isinstance(caller, ClientPrincipal):
        raise RuntimeError("current_client() is only available in a route with client access")
    return caller
