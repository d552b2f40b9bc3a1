"""Officers added by their personal number (số định danh cá nhân), not by a VNeID subject.

An administrator knows an officer's personal number, never their VNeID subject (an opaque
UUID). The officer is added *pending* under :func:`pending_sub` of :func:`officer_number_key`
and bound to their VNeID subject at their first login, from the token's ``SoDinhDanh`` claim —
once: the binding is a conditional write, and a pending officer has no access.

The personal number is never a key in clear: :func:`officer_number_key` is an HMAC under the
access log's key (README, Security), domain-separated from the applicant index's key
(``chalicelib.domain.finding.applicant_id_key``) so the two indexes cannot be joined.
"""

from __future__ import annotations

import hashlib
import hmac

from pydantic import BaseModel, Field

from chalicelib.domain.catalogue import OfficerProfile, RoleAssignment
from chalicelib.domain.identifiers import check_personal_number, sentence

PENDING_PREFIX = "pending-"
_DOMAIN = b"hoso-officer\x00"


def officer_number_key(personal_number: str, key: bytes) -> str:
    """The officer index's key for a personal number (hex HMAC-SHA256, officer domain)."""
    return hmac.new(key, _DOMAIN + "".join(personal_number.split()).encode(), hashlib.sha256).hexdigest()


def pending_sub(number_key: str) -> str:
    return f"{PENDING_PREFIX}{number_key}"


def personal_number_problem(value: str) -> str | None:
    """Why ``value`` cannot be an officer's personal number (None: it can)."""
    check = check_personal_number("".join(value.split()))
    return None if check.acceptable else sentence("Số định danh cá nhân", check.problems[0])


class NewOfficer(BaseModel):
    """An officer as the administrator adds them: by personal number and name."""

    personal_number: str = Field(min_length=1, max_length=20, description="Số định danh cá nhân (12 chữ số)")
    name: str = Field(min_length=1, max_length=200)
    title: str = Field("", max_length=200)
    department: str = Field("", max_length=200)
    province_code: str = Field("", max_length=2)
    active: bool = True
    assignments: list[RoleAssignment] = Field(default_factory=list, max_length=50)

    def pending_profile(self, number_key: str) -> OfficerProfile:
        return OfficerProfile(
            sub=pending_sub(number_key), name=self.name.strip(), title=self.title, department=self.department,
            province_code=self.province_code, active=self.active, assignments=self.assignments,
            pending=True, personal_number_key=number_key)
