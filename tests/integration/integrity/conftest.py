"""Tamper evidence against moto (in-process): the reports tier's world — fresh tables per test, the
demo catalogue, desk intake and actions through the services' real transactions."""

from tests.integration.reports.conftest import sims, world  # noqa: F401 — fixtures shared with the reports tier
