"""The plain rules of desk delivery (FR-18) and of the e-data store (FR-28/29): who is a proxy,
which fees are owed, what a delivery lacks, what an audit event asks of the store, retention,
ranking and statistics."""

from __future__ import annotations

import datetime as dt

from chalicelib.documents import delivery
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import FeeItem, Procedure
from chalicelib.domain.dossier import Actor, Applicant, AuditEvent, DocumentRef, Dossier, Fee
from chalicelib.edata import model

NOW = dt.datetime(2026, 3, 10, 9, 30, tzinfo=VN_TZ)
APPLICANT_ID = "079190001234"


def _dossier(**changes: object) -> Dossier:
    base = Dossier(code="000.00.13.H29-260310-0001", procedure_code="1.001193", procedure_name="Đăng ký khai sinh",
                   unit_code="000.00.13.H29", channel="desk", status=9, step_id="tra_ket_qua", process_code="MAC-DINH",
                   process_version=1, submitted_at=NOW, step_started_at=NOW, created_at=NOW, updated_at=NOW,
                   applicant=Applicant(name="Trần Thị Ánh Tuyết", kind="1", id_number=APPLICANT_ID))
    return base.model_copy(update=changes)


def _request(**changes: object) -> delivery.DeliveryIn:
    body: dict[str, object] = {"receiver": {"name": "Trần Thị Ánh Tuyết", "id_number": APPLICANT_ID},
                               "id_checked": True, "originals_checked": True, **changes}
    return delivery.DeliveryIn.model_validate(body)


def _procedure(*fees: FeeItem) -> Procedure:
    return Procedure(code="1.001193", name="Đăng ký khai sinh", field_code="HT", field_name="Hộ tịch",
                     process_code="MAC-DINH", fees=list(fees))


# --- delivery --------------------------------------------------------------------------------
def test_a_proxy_is_derived_not_declared() -> None:
    dossier = _dossier()
    assert not delivery.is_proxy(dossier, _request().receiver)
    other = _request(receiver={"name": "Lê Văn Bình", "id_number": "079085001122"}).receiver
    assert delivery.is_proxy(dossier, other)
    company = _dossier(applicant=Applicant(name="Công ty TNHH Ánh Dương", kind="2", id_number="0312345678"))
    assert delivery.is_proxy(company, _request().receiver)  # someone always receives for an organisation
    errors = delivery.check(company, _request(), [])
    assert [e.field for e in errors] == ["receiver.authorisation"]
    assert delivery.check(company, _request(receiver={**_request().receiver.model_dump(),
                                                      "authorisation": "Giấy giới thiệu số 08/GGT"}), []) == []


def test_owed_fees_are_the_dossiers_or_the_procedures_on_delivery() -> None:
    on_delivery = FeeItem(code="LP", name="Lệ phí", amount=8000, collected="on_delivery")
    on_receipt = FeeItem(code="PHI", name="Phí", amount=50000, collected="on_receipt")
    assert [f.code for f in delivery.owed(_dossier(), _procedure(on_delivery, on_receipt))] == ["LP"]
    lines = [Fee(code="A", name="a", amount=1000, paid=True), Fee(code="B", name="b", amount=2000)]
    assert [f.code for f in delivery.owed(_dossier(fees=lines), _procedure(on_delivery))] == ["B"]
    assert delivery.owed(_dossier(), None) == []


def test_a_receipt_must_cover_exactly_what_is_owed() -> None:
    owed = [Fee(code="B", name="b", amount=16000)]
    assert [e.field for e in delivery.check(_dossier(), _request(), owed)] == ["fee_receipt"]
    short = _request(fee_receipt={"number": "12", "amount": 15000})
    [error] = delivery.check(_dossier(), short, owed)
    assert error.field == "fee_receipt.amount" and "16.000 đồng" in error.message
    assert delivery.check(_dossier(), _request(fee_receipt={"number": "12", "amount": 16000}), owed) == []
    unknown_doc = _request(receiver={"name": "Trần Thị Ánh Tuyết", "id_number": APPLICANT_ID,
                                     "authorisation_doc_id": "nope"})
    assert [e.field for e in delivery.check(_dossier(), unknown_doc, [])] == ["receiver.authorisation_doc_id"]


def test_the_receivers_identity_paper_is_checked_and_the_applicants_number_comes_with_the_applicants_name() -> None:
    unchecked = _request(id_checked=False)
    [error] = delivery.check(_dossier(), unchecked, [])
    assert error.field == "id_checked" and "giấy tờ tùy thân" in error.message
    spelled = _request(receiver={"name": "  trần thị  ánh tuyết ", "id_number": APPLICANT_ID})
    assert delivery.check(_dossier(), spelled, []) == []  # case and spacing aside
    someone_else = _request(receiver={"name": "Lê Văn Bình", "id_number": APPLICANT_ID})
    [error] = delivery.check(_dossier(), someone_else, [])
    assert error.field == "receiver.name" and "Trần Thị Ánh Tuyết" in error.message
    other_tone = _request(receiver={"name": "Trần Thị Ánh Tuyệt", "id_number": APPLICANT_ID})
    assert [e.field for e in delivery.check(_dossier(), other_tone, [])] == ["receiver.name"]


def test_a_proxy_needs_the_authorisations_number() -> None:
    proxy = {"name": "Lê Văn Bình", "id_number": "079085001122"}
    assert [e.field for e in delivery.check(_dossier(), _request(receiver=proxy), [])] == ["receiver.authorisation"]
    blank = _request(receiver={**proxy, "authorisation": "   "})
    assert [e.field for e in delivery.check(_dossier(), blank, [])] == ["receiver.authorisation"]
    assert delivery.check(_dossier(), _request(receiver={**proxy, "authorisation": "Giấy ủy quyền số 15/2026"}),
                          []) == []


def test_control_characters_are_refused() -> None:
    request = _request(receiver={"name": "Trần\u202eThị", "id_number": APPLICANT_ID}, note="Dòng 1\nDòng 2\x1b")
    assert [e.field for e in delivery.check(_dossier(), request, [])] == ["receiver.name", "note"]
    assert delivery.check(_dossier(), _request(note="Dòng 1\nDòng 2"), []) == []


def test_the_audit_note_says_who_on_what_authority_and_the_receipt() -> None:
    request = _request(receiver={"name": "Lê Văn Bình", "id_number": "079085001122",
                                 "authorisation": "Giấy ủy quyền số 15/2026"},
                       fee_receipt={"number": "0001234", "symbol": "BL/26P", "amount": 1250000, "method": "the"},
                       originals_checked=False, note="  Hẹn quay lại  ")
    assert delivery.summary(_dossier(), request) == (
        "Người nhận: Lê Văn Bình (số định danh 079085001122), nhận thay theo Giấy ủy quyền số 15/2026; "
        "Biên lai số BL/26P 0001234, 1.250.000 đồng, thẻ ngân hàng; "
        "Chưa đối chiếu được bản chính: chưa trả kết quả; Hẹn quay lại")


def test_delivery_state() -> None:
    pending = delivery.DeskDelivery(code="x", attempts=[delivery.DeliveryAttempt(
        at=NOW, by_sub="s", by_name="n", receiver=_request().receiver, proxy=False, originals_checked=False,
        outcome="pending_originals")])
    assert delivery.state_of(_dossier(status=4), None) == "not_ready"
    assert delivery.state_of(_dossier(), None) == "awaiting_delivery"
    assert delivery.state_of(_dossier(), pending) == "pending_originals"
    assert delivery.state_of(_dossier(status=10), pending) == "delivered"


# --- e-data store ----------------------------------------------------------------------------
def _event(action: str, from_status: int | None, to_status: int) -> AuditEvent:
    return AuditEvent(seq=2, at=NOW, actor=Actor(sub="s", name="n", role="clerk", unit_code="u"), action=action,
                      label=action, from_step="a", to_step="b", from_status=from_status, to_status=to_status)


def test_what_an_event_asks_of_the_store() -> None:
    assert model.capture_for(_event("issue_result", 4, 9)) == "issued"
    assert model.capture_for(_event("deliver_result", 9, 10)) == "issued"
    assert model.capture_for(_event("sign_result", 9, 9)) == "issued"  # a signature added after issuance
    assert model.capture_for(_event("post_tracking", 9, 9)) is None
    assert model.capture_for(_event("sign_result", 4, 4)) is None  # not issued yet
    assert model.capture_for(_event("refuse_intake", 1, 3)) == "refused"
    assert model.capture_for(_event("refuse", 4, 8)) == "refused"
    assert model.capture_for(_event("stop", 5, 8)) is None


def test_retention_and_ttl() -> None:
    assert model.retain_until("result", NOW) == NOW.replace(year=2036)
    assert model.expires_at("result", NOW) is None
    assert model.expires_at("submitted", NOW) == int(NOW.replace(year=2031).timestamp())
    leap = dt.datetime(2028, 2, 29, tzinfo=VN_TZ)
    assert model.retain_until("refused", leap) == dt.datetime(2033, 2, 28, tzinfo=VN_TZ)


def _stored(doc_type: str, *, size: int = 100, reuses: int = 0, source: model.Source = "submitted",
            stored_at: dt.datetime = NOW) -> model.StoredDocument:
    return model.StoredDocument(
        owner=APPLICANT_ID, owner_kind="citizen", id=model.item_id("c", doc_type), doc_type=doc_type,
        name=doc_type, source=source, dossier_code="c", doc_id=doc_type, procedure_code="p", procedure_name="p",
        bucket="attachments", s3_key="k", sha256="0" * 64, size=size, content_type="application/pdf",
        stored_at=stored_at, updated_at=stored_at, retain_until=model.retain_until(source, stored_at),
        reuse_count=reuses)


def test_ranking_offers_wanted_types_first_and_nothing_past_retention() -> None:
    old = _stored("CT01", stored_at=NOW.replace(year=2020))
    newer_other = _stored("KQ", source="result", stored_at=NOW)
    wanted = _stored("GCS", stored_at=NOW - dt.timedelta(days=30))
    ranked = model.rank([old, newer_other, wanted], ["GCS", "CT01"], NOW)
    assert [d.doc_type for d in ranked] == ["GCS", "KQ"]


def test_owner_statistics() -> None:
    stats = model.stats(APPLICANT_ID, [_stored("GCS", size=10, reuses=2), _stored("GCS", size=5),
                                       _stored("KQ", size=7, source="result", reuses=1)], refused=1)
    assert (stats.documents, stats.results, stats.submitted, stats.bytes) == (3, 1, 2, 22)
    assert (stats.reuses, stats.reused_documents, stats.refused_dossiers) == (3, 2, 1)
    assert stats.by_type["GCS"].model_dump() == {"documents": 2, "bytes": 15, "reuses": 2}
    assert model.stats(APPLICANT_ID, [], 0).last_stored_at is None


def test_owner_and_types() -> None:
    assert model.owner_of(_dossier()) == (APPLICANT_ID, "citizen")
    company = _dossier(applicant=Applicant(name="Công ty", kind="2", id_number=" 0312345678 "))
    assert model.owner_of(company) == ("0312345678", "organisation")
    ref = DocumentRef(id="d", name="n", s3_key="k", sha256="0" * 64, content_type="application/pdf", size=1)
    assert model.doc_type(ref) == "KHAC" and model.doc_type(ref.model_copy(update={"component_code": "GCS"})) == "GCS"
    assert model.item_id("a", "b") == model.item_id("a", "b") != model.item_id("a", "c")
    deleted = ref.model_copy(update={"deleted": True})
    result = ref.model_copy(update={"id": "r", "kind": "result"})
    assert model.documents_to_store(_dossier(documents=[ref, deleted, result])) == [("submitted", ref),
                                                                                   ("result", result)]
