"""The daily integrity anchors' Object Lock mode, a stage setting (docs/integrity.md, "Khóa đối tượng").

Each anchor object is put with its own retention (``ObjectLockMode`` + ``ObjectLockRetainUntilDate``,
which needs ``s3:PutObjectRetention``, granted through FUNCTION_ACCESS ``object_retention``).
Production: COMPLIANCE — nobody, the account's root included, can delete it or shorten its
retention before the date. Elsewhere GOVERNANCE (the results bucket's default): a dev or staging
stack can still be emptied by someone holding ``s3:BypassGovernanceRetention``.
"""

from __future__ import annotations

from typing import Final, Literal

LockMode = Literal["GOVERNANCE", "COMPLIANCE"]

ANCHOR_LOCK_MODE: Final[dict[str, LockMode]] = {"dev": "GOVERNANCE", "staging": "GOVERNANCE",
                                                 "production": "COMPLIANCE"}


def environment(stage: str) -> dict[str, str]:
    """The functions' variables for the anchor (chalicelib.settings ``anchor_lock_mode``)."""
    return {"HOSO_ANCHOR_LOCK_MODE": ANCHOR_LOCK_MODE[stage]}
