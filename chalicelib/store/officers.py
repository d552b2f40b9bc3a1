"""Officers added by personal number (``chalicelib.domain.officers``): the pending record and
the claim of a personal number, in the catalogue table, each read by key — never a Scan.

* ``USER#pending-<key>`` / ``PROFILE``: the pending officer (listed with the other officers);
* ``OFFICERPN#<key>`` / ``CLAIM``: ``{"sub": ""}`` while pending, ``{"sub": <VNeID subject>}``
  once bound — one officer per personal number, bound once.

Adding writes both (neither may exist); binding, in one transaction, creates ``USER#<sub>``
(must not exist), deletes the pending record (must be as read) and sets the claim's subject
(must still be unbound). Any condition failing refuses the binding and changes nothing."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.officers import pending_sub
from chalicelib.store.catalogue import clear_cache
from chalicelib.store.models import CatalogueItem, transaction_connection

UNBOUND: dict[str, str] = {"sub": ""}


class AlreadyAdded(Exception):
    """An officer with this personal number was added already (pending or bound)."""


def _profile_item(profile: OfficerProfile) -> CatalogueItem:
    return CatalogueItem(pk=f"USER#{profile.sub}", sk="PROFILE", data=profile.model_dump(mode="json"),
                         gsi1pk="TYPE#officer", gsi1sk=f"{profile.province_code}#{profile.sub}")


def _claim_item(number_key: str, sub: str) -> CatalogueItem:
    return CatalogueItem(pk=f"OFFICERPN#{number_key}", sk="CLAIM", data={"sub": sub})


def add_pending(profile: OfficerProfile) -> None:
    """Store a pending officer and claim its personal number; :class:`AlreadyAdded` if claimed."""
    clear_cache()
    try:
        with TransactWrite(connection=transaction_connection()) as tx:
            tx.save(_claim_item(profile.personal_number_key, ""), condition=CatalogueItem.pk.does_not_exist())
            tx.save(_profile_item(profile), condition=CatalogueItem.pk.does_not_exist())
    except TransactWriteError as err:
        if any(r is not None and r.code == "ConditionalCheckFailed" for r in err.cancellation_reasons or []):
            raise AlreadyAdded(profile.personal_number_key) from None
        raise


def claim_sub(number_key: str) -> str | None:
    """The subject bound to a personal number ("" while pending; None: never added)."""
    try:
        return str(CatalogueItem.get(f"OFFICERPN#{number_key}", "CLAIM", consistent_read=True).data["sub"])
    except DoesNotExist:
        return None


def bind(number_key: str, sub: str) -> OfficerProfile | None:
    """Bind the pending officer of ``number_key`` to ``sub``: the bound profile, or None when there
    is no pending officer for it or any condition fails (bound already, changed meanwhile)."""
    try:
        pending = CatalogueItem.get(f"USER#{pending_sub(number_key)}", "PROFILE", consistent_read=True)
    except DoesNotExist:
        return None
    bound = OfficerProfile.model_validate(pending.data).model_copy(update={"sub": sub, "pending": False})
    clear_cache()
    try:
        with TransactWrite(connection=transaction_connection()) as tx:
            tx.save(_profile_item(bound), condition=CatalogueItem.pk.does_not_exist())
            tx.delete(pending, condition=CatalogueItem.data == pending.data)
            tx.save(_claim_item(number_key, sub), condition=CatalogueItem.data == UNBOUND)
    except TransactWriteError as err:
        if any(r is not None and r.code == "ConditionalCheckFailed" for r in err.cancellation_reasons or []):
            return None
        raise
    return bound
