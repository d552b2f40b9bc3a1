"""The e-data store (FR-28/29): results and components stored from the dossiers' stream on
issuance, refused dossiers kept, reuse in a new dossier of the same owner (copied, audited,
counted), statistics per owner, retention."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from chalicelib.documents import service as documents
from chalicelib.domain.dossier import DocumentRef, Dossier
from chalicelib.edata import model
from chalicelib.edata import service as edata
from chalicelib.edata import store as edata_store
from chalicelib.services import dossiers as dossier_service
from chalicelib.store import dossiers, files
from tests.integration.documents.conftest import OTHER_UNIT, World, officer
from tests.integration.documents.test_results import stored

OWNER = "001090012345"  # DESK_EXAMPLE's SoGiayToChuHoSo
PDF = b"%PDF-1.4\n% Giay chung sinh\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _with_component(dossier: Dossier, content: bytes = PDF) -> DocumentRef:
    """A scanned component attached the way an upload is (through services.dossiers.record)."""
    put = files.put_document("hoso-dev-attachments", content)
    ref = DocumentRef(id=uuid.uuid4().hex[:8], name="Giấy chứng sinh.pdf", component_code="GCS", s3_key=put.key,
                      sha256=put.sha256, content_type=put.content_type, size=put.size)
    desk = officer("desk")
    dossier_service.record(dossier.code, actor=dossier_service.actor_for(desk, dossier.unit_code, "desk"),
                           action="attach_document", label="Đính kèm tài liệu",
                           change=lambda d: {"documents": [*d.documents, ref]})
    return ref


def _approved(world: World, *, signed: bool = False) -> tuple[Dossier, str]:
    """A dossier with a component and a result (signed by the leader if asked), approved (status 4)."""
    dossier = world.desk_dossier()
    _with_component(dossier)
    world.act(dossier.code, "desk", "chuyen_phong")
    world.act(dossier.code, "head", "phan_cong", assignee=officer("appraiser").sub)
    result = documents.issue_result(dossier.code, officer("appraiser"), "Đồng ý đăng ký khai sinh.")
    world.act(dossier.code, "appraiser", "trinh")
    world.act(dossier.code, "head", "trinh_lanh_dao")
    if signed:
        documents.sign(dossier.code, result.id, officer("leader"))
    return world.act(dossier.code, "leader", "phe_duyet"), result.id


def test_issued_results_and_components_are_stored_once(world: World) -> None:
    dossier, result_id = _approved(world, signed=True)
    world.capture()
    assert list(edata_store.documents(OWNER)) == []  # nothing before issuance
    world.act(dossier.code, "clerk", "phat_hanh")
    records = world.capture()
    stored_docs = {d.source: d for d in edata_store.documents(OWNER)}
    assert set(stored_docs) == {"result", "submitted"}
    result = stored_docs["result"]
    ref = next(d for d in dossiers.get(dossier.code).documents if d.id == result_id)  # type: ignore[union-attr]
    assert (result.doc_type, result.sha256, result.s3_key, result.bucket) == ("KQ-TLKS", ref.sha256, ref.s3_key,
                                                                               "results")
    assert result.number.endswith("/TLKS") and result.signatures == 1 and result.owner_kind == "citizen"
    assert result.dossier_code == dossier.code and result.retain_until.year == result.stored_at.year + 10
    assert stored_docs["submitted"].doc_type == "GCS"
    raw = {i.sk: i for i in edata_store.EDataItem.query(edata_store.owner_pk(OWNER))}
    assert {sk.split("#")[1] for sk in raw} == {"KQ-TLKS", "GCS"}
    expiries = {sk.split("#")[1]: i.expires_at for sk, i in raw.items()}
    assert expiries["KQ-TLKS"] is None and expiries["GCS"] is not None  # TTL only where the rule says so
    # a redelivered batch changes nothing
    assert edata.capture(records) == {"batchItemFailures": []}
    assert {d.source: d for d in edata_store.documents(OWNER)} == stored_docs


def test_a_new_signature_updates_the_stored_result_in_place(world: World) -> None:
    dossier, result_id = _approved(world, signed=True)
    world.act(dossier.code, "clerk", "phat_hanh")
    world.capture()
    first = next(d for d in edata_store.documents(OWNER) if d.source == "result")
    documents.sign(dossier.code, result_id, officer("clerk"))  # the clerk adds a signature at status 9
    world.capture()
    [again] = [d for d in edata_store.documents(OWNER) if d.source == "result"]
    assert again.id == first.id and again.signatures == 2 and again.sha256 != first.sha256
    assert again.stored_at == first.stored_at and again.updated_at > first.updated_at
    assert stored(world, dossier.code, result_id) and again.sha256 == next(
        d.sha256 for d in dossiers.get(dossier.code).documents if d.id == result_id)  # type: ignore[union-attr]


def test_a_stored_document_is_reused_in_a_new_dossier(world: World) -> None:
    dossier, result_id = _approved(world)
    world.act(dossier.code, "clerk", "phat_hanh")
    world.capture()
    new = world.desk_dossier()
    listing = world.call("GET", f"/v1/dossiers/{new.code}/edata", "desk")
    assert listing.status_code == 200, listing.body
    body = listing.json_body
    assert body["owner"] == OWNER and body["wanted_types"] == ["TK-KS", "GCS"]
    assert [d["doc_type"] for d in body["documents"]] == ["GCS"]  # only what the procedure asks for
    assert body["stats"]["documents"] == 1 and body["stats"]["reuses"] == 0
    gcs = body["documents"][0]
    only_results = world.call("GET", f"/v1/dossiers/{new.code}/edata?type=KQ-TLKS", "desk").json_body
    assert only_results["documents"] == []  # the khai sinh procedure does not ask for a khai sinh result

    attached = world.call("POST", f"/v1/dossiers/{new.code}/edata/attach", "desk",
                          body={"doc_type": "GCS", "item_id": gcs["id"]})
    assert attached.status_code == 201, attached.body
    ref = attached.json_body
    assert ref["sha256"] == gcs["sha256"] and ref["component_code"] == "GCS" and ref["kind"] == "submitted"
    copy = world.s3.get_object(Bucket="hoso-dev-attachments", Key=ref["s3_key"])["Body"].read()
    assert copy == PDF and ref["s3_key"] != gcs["s3_key"]
    after = dossiers.get(new.code)
    assert after is not None and [d.id for d in after.documents] == [ref["id"]]
    event = dossiers.events(new.code)[-1]
    assert event.action == "reuse_edata_document" and dossier.code in event.note and event.actor.role == "desk"
    reused = edata_store.get_document(OWNER, "GCS", gcs["id"])
    assert reused is not None and reused.reuse_count == 1 and reused.last_reused_at is not None

    again = world.call("POST", f"/v1/dossiers/{new.code}/edata/attach", "desk",
                       body={"doc_type": "GCS", "item_id": gcs["id"]})
    assert again.status_code == 409 and again.json_body["error_code"] == "ALREADY_ATTACHED"
    unknown = world.call("POST", f"/v1/dossiers/{new.code}/edata/attach", "desk",
                         body={"doc_type": "GCS", "item_id": "0" * 20})
    assert unknown.status_code == 404
    stranger = world.call("GET", f"/v1/dossiers/{new.code}/edata", "leader", OTHER_UNIT)
    assert stranger.status_code == 404  # only through a dossier the officer can see
    assert world.call("POST", f"/v1/dossiers/{new.code}/edata/attach", "leader",
                      body={"doc_type": "GCS", "item_id": gcs["id"]}).status_code == 403

    # the reused copy is not stored twice when the new dossier is issued
    for role, action, extra in (("desk", "chuyen_phong", {}), ("head", "phan_cong", {"assignee": officer(
            "appraiser").sub}), ("appraiser", "trinh", {}), ("head", "trinh_lanh_dao", {}),
            ("leader", "phe_duyet", {}), ("clerk", "phat_hanh", {})):
        if action == "phe_duyet":  # no result, no approval
            documents.issue_result(new.code, officer("appraiser"))
        world.act(new.code, role, action, **extra)
    world.capture()
    stats = edata.owner_stats(OWNER, officer("admin", "000.00.00.G12"))
    # each dossier's own result, and the reused birth certificate once
    assert stats.documents == 3 and stats.results == 2 and stats.reuses == 1 and stats.reused_documents == 1
    assert stats.by_type["GCS"].reuses == 1 and stats.bytes == sum(d.size for d in edata_store.documents(OWNER))


def test_attach_only_while_the_dossier_is_open_and_the_document_is_kept(world: World) -> None:
    dossier, _ = _approved(world)
    world.act(dossier.code, "clerk", "phat_hanh")
    world.capture()
    gcs = next(edata_store.documents(OWNER, "GCS"))
    closed = world.call("POST", f"/v1/dossiers/{dossier.code}/edata/attach", "desk",
                        body={"doc_type": "GCS", "item_id": gcs.id})
    assert closed.status_code == 409 and closed.json_body["error_code"] == "DOSSIER_CLOSED"
    old = dt.datetime(2019, 1, 2, 9, 0, tzinfo=dt.UTC)  # stored more than five years ago, never reused
    edata_store.put_document(gcs.model_copy(update={"stored_at": old, "retain_until": model.retain_until(
        "submitted", old)}))
    new = world.desk_dossier()
    listing = world.call("GET", f"/v1/dossiers/{new.code}/edata", "desk").json_body
    assert listing["documents"] == []  # past its retention: not offered
    expired = world.call("POST", f"/v1/dossiers/{new.code}/edata/attach", "desk",
                         body={"doc_type": "GCS", "item_id": gcs.id})
    assert expired.status_code == 409 and expired.json_body["error_code"] == "EDATA_EXPIRED"


def test_refused_dossiers_are_kept(world: World) -> None:
    dossier = world.to_approval()
    _with_component(dossier)
    world.act(dossier.code, "leader", "tu_choi", reason="Hồ sơ không đủ điều kiện theo quy định")
    world.capture()
    [refused] = edata_store.refused_dossiers(OWNER)
    assert refused.dossier_code == dossier.code and refused.stage == "processing"
    assert refused.reason == "Hồ sơ không đủ điều kiện theo quy định" and len(refused.documents) == 1
    assert refused.retain_until.year == refused.refused_at.year + 5
    assert list(edata_store.documents(OWNER)) == []  # a refused dossier's components are kept, not offered
    new = world.desk_dossier()
    body = world.call("GET", f"/v1/dossiers/{new.code}/edata", "appraiser").json_body
    assert [r["dossier_code"] for r in body["refused_dossiers"]] == [dossier.code]
    assert body["stats"]["refused_dossiers"] == 1


def test_owner_statistics_for_administrators(world: World) -> None:
    dossier, _ = _approved(world)
    world.act(dossier.code, "clerk", "phat_hanh")
    world.capture()
    answer = world.call("POST", "/v1/admin/edata/stats", "admin", "000.00.00.G12", body={"owner": OWNER})
    assert answer.status_code == 200, answer.body
    stats = answer.json_body
    assert stats["documents"] == 2 and stats["results"] == 1 and stats["submitted"] == 1
    assert set(stats["by_type"]) == {"GCS", "KQ-TLKS"} and stats["bytes"] > 0
    assert world.call("POST", "/v1/admin/edata/stats", "desk", body={"owner": OWNER}).status_code == 403
    refused = world.call("POST", "/v1/admin/edata/stats", "admin", "000.00.00.G12", body={"owner": "12345"})
    assert refused.status_code == 422 and [e["field"] for e in refused.json_body["errors"]] == ["owner"]
    empty = world.call("POST", "/v1/admin/edata/stats", "admin", "000.00.00.G12",
                       body={"owner": "079085001122"}).json_body
    assert empty["documents"] == 0 and empty["by_type"] == {}


def test_a_failed_capture_asks_the_stream_to_retry_from_that_record(world: World,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    dossier, _ = _approved(world)
    world.capture()
    world.act(dossier.code, "clerk", "phat_hanh")
    records = world.stream_records()

    def unavailable(*args: object) -> int:
        raise RuntimeError("table unavailable")

    monkeypatch.setattr(edata, "store_issued", unavailable)
    answer = edata.capture(records)
    outbox = [r for r in records if r["dynamodb"]["NewImage"]["sk"]["S"].startswith("OUTBOX#")]
    assert answer == {"batchItemFailures": [{"itemIdentifier": outbox[-1]["dynamodb"]["SequenceNumber"]}]}
    monkeypatch.undo()
    assert edata.capture(records) == {"batchItemFailures": []}
    assert len(list(edata_store.documents(OWNER))) == 2
