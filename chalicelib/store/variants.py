"""Locally specific processes in the catalogue table: proposals, approved versions and the
variants' processes. Keys (every list a key or ``TYPE#<kind>`` index access, never a Scan):

- ``VARIANT#<procedure>#<province>`` / ``P#<n>``: proposal n (``TYPE#variant-pending`` while it
  waits for the ministry, ``TYPE#variant-decided`` after; index sort key ``<province>#<procedure>#<n>``);
- ``VARIANT#<procedure>#<province>`` / ``V#<n>``: approved version n (``TYPE#variant``);
- ``PROCESS#<DPxx.procedure>`` / ``V#<n>``: the variant's process, read like any process version
  (``catalogue.get_process``) but listed apart from the standard processes (``TYPE#variant-process``).

An approval is one transaction: the proposal leaves ``pending`` (conditional on still being
pending), the version and its process are written once (conditional on not existing)."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.domain.process import ProcessDefinition
from chalicelib.domain.variants import LocalVariant, ProposalStatus, VariantProposal
from chalicelib.store import catalogue
from chalicelib.store.models import CatalogueItem, transaction_connection


class Conflict(Exception):
    """Another write came first (a proposal numbered twice, a proposal decided twice, a version
    approved twice)."""


def _pk(procedure_code: str, province_code: str) -> str:
    return f"VARIANT#{procedure_code}#{province_code}"


def _sort(procedure_code: str, province_code: str, n: int) -> str:
    return f"{province_code}#{procedure_code}#{n:04d}"


def _proposal_item(p: VariantProposal) -> CatalogueItem:
    kind = "variant-pending" if p.status is ProposalStatus.PENDING else "variant-decided"
    return CatalogueItem(pk=_pk(p.procedure_code, p.province_code), sk=f"P#{p.number:04d}",
                         data=p.model_dump(mode="json"), gsi1pk=f"TYPE#{kind}",
                         gsi1sk=_sort(p.procedure_code, p.province_code, p.number))


def next_proposal_number(procedure_code: str, province_code: str) -> int:
    last = list(CatalogueItem.query(_pk(procedure_code, province_code), CatalogueItem.sk.startswith("P#"),
                                    scan_index_forward=False, limit=1, consistent_read=True))
    return int(last[0].sk[2:]) + 1 if last else 1


def add_proposal(proposal: VariantProposal) -> None:
    """Store a new proposal under its number; :class:`Conflict` if that number was just taken."""
    try:
        _proposal_item(proposal).save(condition=CatalogueItem.pk.does_not_exist())
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise Conflict(proposal.number) from None
        raise


def get_proposal(procedure_code: str, province_code: str, number: int) -> VariantProposal | None:
    try:
        item = CatalogueItem.get(_pk(procedure_code, province_code), f"P#{number:04d}", consistent_read=True)
    except DoesNotExist:
        return None
    return VariantProposal.model_validate(item.data)


def list_proposals(pending: bool, province_code: str | None = None) -> list[VariantProposal]:
    """Pending (or decided) proposals, of one province or of all, by province, procedure, number."""
    kind = "TYPE#variant-pending" if pending else "TYPE#variant-decided"
    condition = None if province_code is None else CatalogueItem.gsi1sk.startswith(f"{province_code}#")
    return [VariantProposal.model_validate(i.data) for i in CatalogueItem.by_kind.query(kind, condition)]


def history(procedure_code: str, province_code: str) -> tuple[list[VariantProposal], list[LocalVariant]]:
    """Every proposal and every approved version of one province's variant of one procedure."""
    proposals, versions = [], []
    for item in CatalogueItem.query(_pk(procedure_code, province_code)):
        if item.sk.startswith("P#"):
            proposals.append(VariantProposal.model_validate(item.data))
        elif item.sk.startswith("V#"):
            versions.append(LocalVariant.model_validate(item.data))
    return proposals, versions


def latest(procedure_code: str, province_code: str) -> LocalVariant | None:
    """The variant's latest approved version (cached like the catalogue: read on every intake)."""
    def load() -> LocalVariant | None:
        found = list(CatalogueItem.query(_pk(procedure_code, province_code), CatalogueItem.sk.startswith("V#"),
                                         scan_index_forward=False, limit=1))
        return LocalVariant.model_validate(found[0].data) if found else None

    return catalogue._cached(("variant", procedure_code, province_code), load)


def version(procedure_code: str, province_code: str, number: int) -> LocalVariant | None:
    """One approved version (immutable, so cached)."""
    def load() -> LocalVariant | None:
        try:
            return LocalVariant.model_validate(CatalogueItem.get(_pk(procedure_code, province_code),
                                                                 f"V#{number:04d}").data)
        except DoesNotExist:
            return None

    return catalogue._cached(("variant-version", procedure_code, province_code, number), load)


def approve(decided: VariantProposal, variant: LocalVariant, process: ProcessDefinition) -> None:
    """One transaction: the proposal decided (only if still pending), the version and its process
    written once; :class:`Conflict` when another decision or approval came first."""
    catalogue.clear_cache()
    pk = _pk(decided.procedure_code, decided.province_code)
    version_item = CatalogueItem(pk=pk, sk=f"V#{variant.version:04d}", data=variant.model_dump(mode="json"),
                                 gsi1pk="TYPE#variant",
                                 gsi1sk=_sort(variant.procedure_code, variant.province_code, variant.version))
    process_item = CatalogueItem(pk=f"PROCESS#{process.code}", sk=f"V#{process.version:04d}",
                                 data=process.model_dump(mode="json"), gsi1pk="TYPE#variant-process",
                                 gsi1sk=f"{process.code}#{process.version:04d}")
    try:
        with TransactWrite(connection=transaction_connection()) as tx:
            tx.save(_proposal_item(decided), condition=_still_pending())
            tx.save(version_item, condition=CatalogueItem.pk.does_not_exist())
            tx.save(process_item, condition=CatalogueItem.pk.does_not_exist())
    except TransactWriteError as err:
        if "ConditionalCheckFailed" in [r.code if r else None for r in (err.cancellation_reasons or [])]:
            raise Conflict(decided.number) from None
        raise


def reject(decided: VariantProposal) -> None:
    """The proposal decided, only if still pending; :class:`Conflict` otherwise."""
    try:
        _proposal_item(decided).save(condition=_still_pending())
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise Conflict(decided.number) from None
        raise


def _still_pending() -> Condition:
    return CatalogueItem.gsi1pk == "TYPE#variant-pending"
