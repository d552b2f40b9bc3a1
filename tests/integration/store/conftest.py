"""Persistence against moto (in-process): the reports tier's world — fresh tables per test, the
demo catalogue, desk intake through the services."""

from tests.integration.reports.conftest import sims, world  # noqa: F401 — fixtures shared with the reports tier
