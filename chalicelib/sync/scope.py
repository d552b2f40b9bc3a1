"""Which dossiers leave hoso: all but the post-deploy smoke test's.

After every deployment the smoke test (``python -m infra.smoke``) files a signed synthetic
DVCQG intake to the unit ``HOSO_SMOKE_TEST_UNIT_CODE`` (a stage setting, infra/config.py).
Those dossiers are not citizens' and must never reach DVCQG, the coordinator, a province or a
liên thông agency, so no sync or hand-over message is ever produced for them: the outbox relay
drops their signals and :func:`chalicelib.sync.queues.enqueue` (reconciliation, operators'
resync) refuses them. A dossier's unit is the first part of its code (SPEC §3.1).
"""

from __future__ import annotations

from chalicelib.settings import get_settings


def unit_of(code: str) -> str:
    """``000.00.00.K99`` of ``000.00.00.K99-261207-0001``."""
    return code.split("-", 1)[0]


def syncs_outward(code: str) -> bool:
    """False for a dossier of the smoke-test unit; True for every other dossier."""
    smoke_unit = get_settings().smoke_test_unit_code
    return not smoke_unit or unit_of(code) != smoke_unit
