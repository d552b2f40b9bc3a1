"""Shared test setup: no real AWS, ever."""

import os

os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "1")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "hoso")
# the tests' own servers and the simulators listen on loopback, which chalicelib/outbound.py refuses otherwise
os.environ.setdefault("HOSO_OUTBOUND_PRIVATE_HOSTS", "127.0.0.1,localhost")


def _let_blueprints_serve_several_apps() -> None:
    """Chalice consumes a blueprint route's options when the first app registers it, so the
    same blueprint registered on a test's own app loses its methods (every route becomes GET
    and collides). hoso registers each blueprint once; tests register some on small apps of
    their own too — give each registration its own copy of the options."""
    from chalice.app import Chalice

    original = Chalice._register_route

    def register_route(self, name, user_handler, kwargs, **unused):  # type: ignore[no-untyped-def]
        return original(self, name, user_handler, {**kwargs, "kwargs": dict(kwargs["kwargs"])}, **unused)

    Chalice._register_route = register_route  # type: ignore[method-assign]


_let_blueprints_serve_several_apps()


def pytest_configure() -> None:
    """HOSO_RECORD_AWS_CALLS=<dir>: record the AWS calls of hoso's functions (local.aws_calls)
    from the start, so that clients created before a local stack starts are recorded too."""
    if os.environ.get("HOSO_RECORD_AWS_CALLS"):
        from local import aws_calls

        aws_calls.install()
