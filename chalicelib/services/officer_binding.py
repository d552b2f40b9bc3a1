"""An officer's first login binds the officer the administrator added by personal number to
their VNeID subject (``chalicelib.domain.officers``): the token's ``SoDinhDanh`` claim (VNeID's
citizen identification number) names the pending officer; the binding happens once (a request of
the same subject racing it finds the bound profile)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.officers import officer_number_key, personal_number_problem
from chalicelib.observability import logger
from chalicelib.privacy import store as privacy_store
from chalicelib.store import catalogue, officers

PERSONAL_NUMBER_CLAIM = "SoDinhDanh"


def bind_at_first_login(sub: str, claims: Mapping[str, Any]) -> OfficerProfile | None:
    """The profile bound now to ``sub`` from its token's personal number (None: nothing to bind)."""
    number = claims.get(PERSONAL_NUMBER_CLAIM)
    if not isinstance(number, str) or personal_number_problem(number) is not None:
        return None
    profile = officers.bind(officer_number_key(number, privacy_store.hmac_key()), sub)
    if profile is not None:
        logger.info("officer bound at first login", extra={"sub": sub})
        return profile
    # The app's first requests arrive together: another of this subject's requests may have bound
    # it meanwhile (then its profile is there, read consistently); nobody else's binding counts.
    return catalogue.read_officer_for_update(sub).value
