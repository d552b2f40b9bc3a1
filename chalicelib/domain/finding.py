"""Finding dossiers (FR-21): the desk's questions — "this code?", "this person's or this
company's dossiers?", "what is overdue?", "what came by post?" — as plain rules.

* An applicant's identifier (personal number or tax code) is never an index key in clear: the
  applicant index is keyed by :func:`applicant_id_key`, an HMAC under the access log's key
  (README, Security), computed once at intake and kept with the dossier, so a liên thông child
  dossier inherits it and no other function needs the key.
* The identifier searched for is checked first (12-digit personal number, 10-digit tax code with
  its check digit, or a branch's ``10 digits-3 digits``): a mistyped number is told as such
  instead of "nothing found".
* Overdue means the legal deadline has passed while the clock runs (received, in process); a
  dossier waiting for a supplement or a payment has its clock stopped and is not overdue.
"""

from __future__ import annotations

import hashlib
import hmac

from chalicelib.domain.dossier import Channel
from chalicelib.domain.identifiers import check_tax_code, sentence
from chalicelib.domain.statuses import DossierStatus

OVERDUE_STATUSES = (int(DossierStatus.RECEIVED), int(DossierStatus.PROCESSING))


def normalise_id(value: str) -> str:
    """The identifier as stored and searched: no spaces, upper case."""
    return "".join(value.split()).upper()


def applicant_id_key(id_number: str, key: bytes) -> str:
    """The applicant index's key for a personal number or tax code (hex HMAC-SHA256)."""
    return hmac.new(key, normalise_id(id_number).encode(), hashlib.sha256).hexdigest()


def id_problem(value: str) -> str | None:
    """Why ``value`` cannot be an applicant's personal number or tax code (None: it can)."""
    check = check_tax_code(normalise_id(value))
    if check.valid:
        return None
    return sentence("Số định danh cá nhân hoặc mã số thuế", check.errors[0])


def channel_of(value: str) -> Channel | None:
    try:
        return Channel(value)
    except ValueError:
        return None
