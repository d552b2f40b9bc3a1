"""A stored result is never replaced (issue 11, item 5): each attempt at storing a version
writes a key of its own, only if no object has it, and the record and the dossier's reference
change in one transaction conditional on the dossier's version."""

from __future__ import annotations

import hashlib

import pytest
from botocore.exceptions import ClientError

from chalicelib.documents import service as documents
from chalicelib.documents import signing
from chalicelib.documents import store as docstore
from chalicelib.errors import HosoError
from chalicelib.store import dossiers
from tests.integration.documents.conftest import World, officer

RESULTS = "hoso-dev-results"


def _object(world: World, key: str) -> bytes:
    return bytes(world.s3.get_object(Bucket=RESULTS, Key=key)["Body"].read())


def _history_intact(world: World, code: str, doc_id: str) -> docstore.DocumentRecord:
    """Every version the record lists is stored with its recorded hash; the dossier names the last."""
    record = docstore.get_record(code, doc_id)
    assert record is not None
    for version in record.versions:
        assert hashlib.sha256(_object(world, version.s3_key)).hexdigest() == version.sha256, version.s3_key
    dossier = dossiers.get(code)
    assert dossier is not None
    [ref] = [d for d in dossier.documents if d.id == doc_id]
    assert (ref.s3_key, ref.sha256) == (record.versions[-1].s3_key, record.versions[-1].sha256)
    return record


def test_the_loser_of_two_concurrent_signers_does_not_replace_the_winners_file(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = world.to_approval()
    issued = documents.issue_result(dossier.code, officer("appraiser"))
    leader, clerk = officer("leader"), officer("clerk")
    original = signing.sign_pdf

    def leader_is_slow(pdf: bytes, signer: signing.SignerIdentity, **kwargs: object) -> signing.Signed:
        signed = original(pdf, signer, **kwargs)  # type: ignore[arg-type]
        if signer.id == leader.sub:  # while the leader's gateway call is out, the clerk signs and wins
            monkeypatch.setattr(signing, "sign_pdf", original)
            documents.sign(dossier.code, issued.id, clerk)
        return signed

    monkeypatch.setattr(signing, "sign_pdf", leader_is_slow)
    with pytest.raises(HosoError) as lost:
        documents.sign(dossier.code, issued.id, leader)
    assert lost.value.code == "VERSION_CONFLICT"

    record = _history_intact(world, dossier.code, issued.id)
    assert [s.signer_sub for s in record.signatures] == [clerk.sub] and len(record.versions) == 2
    report = documents.verify_document(dossier.code, issued.id, officer("desk"))
    assert report["ok"] and [s["signer"] for s in report["signatures"]] == [clerk.name]

    signed = documents.sign(dossier.code, issued.id, leader)  # the leader tries again, on the clerk's version
    assert [s.signer_sub for s in signed.signatures] == [clerk.sub, leader.sub]
    assert len({v.s3_key for v in _history_intact(world, dossier.code, issued.id).versions}) == 3
    assert documents.verify_document(dossier.code, issued.id, officer("desk"))["ok"]


def test_a_stored_result_object_is_never_overwritten(world: World) -> None:
    dossier = world.to_approval()
    issued = documents.issue_result(dossier.code, officer("appraiser"))
    key = issued.versions[0].s3_key
    with pytest.raises(ClientError) as refused:
        docstore.put_pdf(RESULTS, key, b"%PDF-1.4 replaced")
    assert refused.value.response["Error"]["Code"] == "PreconditionFailed"
    assert hashlib.sha256(_object(world, key)).hexdigest() == issued.versions[0].sha256
    assert docstore.result_key(dossier.code, issued.id, 2) != docstore.result_key(dossier.code, issued.id, 2)
