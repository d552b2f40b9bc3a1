"""Issue 11, High 3: an officer reaches a citizen's e-data store only through a dossier their
unit is handling, for the documents its procedure asks for; every read is in the append-only
access log, keyed by an HMAC of the personal number, from which administrators answer the
citizen's "who looked at my data" (and their own query is logged too)."""

from __future__ import annotations

import hashlib
import hmac
import json

import boto3

from chalicelib.documents import service as documents
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.edata import store as edata_store
from chalicelib.services import intake
from chalicelib.store import dossiers
from local.eform_samples import SAMPLE_FILLED, THUONG_TRU
from local.simulators.accounts import MINISTRY_UNIT
from tests.integration.documents.conftest import ACCESS_LOG_KEY, APPLICANT, OTHER_UNIT, REGION, World, officer
from tests.integration.documents.test_edata import OWNER, _approved

RESIDENCE = "1.004222"  # thường trú: asks for CT01 and CMCO only


def _issued(world: World) -> None:
    """OWNER's khai sinh dossier in TP.HCM issued: a birth certificate (GCS) and the result stored."""
    dossier, _ = _approved(world)
    world.act(dossier.code, "clerk", "phat_hanh")
    world.capture()
    assert {d.doc_type for d in edata_store.documents(OWNER)} == {"GCS", "KQ-TLKS"}


def _hanoi_dossier() -> Dossier:
    """A desk dossier opened in Hà Nội for OWNER's number, of a procedure asking for none of OWNER's documents."""
    payload = {**DESK_EXAMPLE, "MaDonViTiepNhan": OTHER_UNIT, "MaTTHC": RESIDENCE, "ChuHoSo": APPLICANT,
               "DuLieuBieuMau": SAMPLE_FILLED[THUONG_TRU.code]}
    return intake.receive_at_desk(payload, officer("desk", OTHER_UNIT))


def _log_items() -> list[dict]:
    ddb = boto3.client("dynamodb", region_name=REGION)
    items = ddb.scan(TableName="hoso-dev-accesslog")["Items"]  # the test reads the whole table; the app never scans
    return [i for i in items if i["pk"]["S"].startswith("SUBJECT#")]  # the entries, not the day index


def test_another_province_desk_cannot_take_a_citizens_documents_through_a_dossier_of_its_own(world: World) -> None:
    _issued(world)
    # the attack: Hà Nội's desk opens a desk dossier for the TP.HCM citizen's number, of a procedure
    # that asks for none of the citizen's documents, and lists and copies them
    dossier = _hanoi_dossier()
    listing = world.call("GET", f"/v1/dossiers/{dossier.code}/edata", "desk", OTHER_UNIT)
    assert listing.status_code == 200, listing.body
    assert listing.json_body["documents"] == [] and listing.json_body["stats"]["documents"] == 0
    for doc_type in ("GCS", "KQ-TLKS"):
        item = next(edata_store.documents(OWNER, doc_type))
        taken = world.call("POST", f"/v1/dossiers/{dossier.code}/edata/attach", "desk", OTHER_UNIT,
                           body={"doc_type": doc_type, "item_id": item.id})
        assert taken.status_code == 403 and taken.json_body["error_code"] == "EDATA_TYPE_NOT_REQUIRED", taken.body
    after = dossiers.get(dossier.code)
    assert after is not None and after.documents == dossier.documents  # nothing copied in
    assert all(d.reuse_count == 0 for d in edata_store.documents(OWNER))


def test_the_store_is_closed_once_the_dossier_is_no_longer_handled(world: World) -> None:
    _issued(world)
    new = world.desk_dossier()
    for role, action, extra in (("desk", "chuyen_phong", {}), ("head", "phan_cong", {"assignee": officer(
            "appraiser").sub}), ("appraiser", "trinh", {}), ("head", "trinh_lanh_dao", {}),
            ("leader", "phe_duyet", {}), ("clerk", "phat_hanh", {})):
        if action == "phe_duyet":  # no result, no approval
            documents.issue_result(new.code, officer("appraiser"))
        world.act(new.code, role, action, **extra)
    closed = world.call("GET", f"/v1/dossiers/{new.code}/edata", "desk")
    assert closed.status_code == 409 and closed.json_body["error_code"] == "DOSSIER_CLOSED"


def test_every_read_is_in_the_access_log_and_the_subject_can_learn_who_looked(world: World) -> None:
    _issued(world)
    before = len(_log_items())
    new = world.desk_dossier()
    listing = world.call("GET", f"/v1/dossiers/{new.code}/edata", "desk")
    gcs = listing.json_body["documents"][0]
    assert world.call("POST", f"/v1/dossiers/{new.code}/edata/attach", "desk",
                      body={"doc_type": "GCS", "item_id": gcs["id"]}).status_code == 201
    hanoi = _hanoi_dossier()
    assert world.call("GET", f"/v1/dossiers/{hanoi.code}/edata", "desk", OTHER_UNIT).status_code == 200

    items = _log_items()
    assert len(items) == before + 3
    subject = hmac.new(ACCESS_LOG_KEY.encode(), OWNER.encode(), hashlib.sha256).hexdigest()
    assert {i["pk"]["S"] for i in items} == {f"SUBJECT#{subject}"}
    assert OWNER not in json.dumps(items)  # the number itself is not stored

    ministry = world.call("POST", "/v1/admin/personal-data/accesses", "admin", MINISTRY_UNIT,
                          body={"so_dinh_danh": OWNER})
    assert ministry.status_code == 200, ministry.body
    seen = [(a["what"], a["officer_sub"], a["dossier_code"]) for a in ministry.json_body["accesses"]]
    desk, other = officer("desk").sub, officer("desk", OTHER_UNIT).sub
    admin = officer("admin", MINISTRY_UNIT).sub
    assert seen[:4] == [("access_log_query", admin, ""),  # the query itself is recorded first
                        ("edata_list", other, hanoi.code), ("edata_attach", desk, new.code),
                        ("edata_list", desk, new.code)]  # newest first
    assert ministry.json_body["accesses"][1]["province_code"] == "01"

    province = world.call("POST", "/v1/admin/personal-data/accesses", "province_admin", body={"so_dinh_danh": OWNER})
    assert province.status_code == 200, province.body
    mine = province.json_body["accesses"]
    assert {a["province_code"] for a in mine} == {"79"} and hanoi.code not in {a["dossier_code"] for a in mine}
    assert mine[0]["what"] == "access_log_query"  # its own query is the newest entry it sees

    again = world.call("POST", "/v1/admin/personal-data/accesses", "admin", MINISTRY_UNIT, body={"so_dinh_danh": OWNER})
    queries = [a for a in again.json_body["accesses"] if a["what"] == "access_log_query"]
    assert [q["officer_sub"] for q in queries[:3]] == [admin, officer("province_admin").sub, admin]
    assert world.call("POST", "/v1/admin/personal-data/accesses", "desk", body={"so_dinh_danh": OWNER}).status_code \
        == 403
    bad = world.call("POST", "/v1/admin/personal-data/accesses", "admin", MINISTRY_UNIT, body={"so_dinh_danh": "12"})
    assert bad.status_code == 422


def test_no_entry_no_access(world: World) -> None:
    _issued(world)
    new = world.desk_dossier()
    boto3.client("dynamodb", region_name=REGION).delete_table(TableName="hoso-dev-accesslog")
    refused = world.call("GET", f"/v1/dossiers/{new.code}/edata", "desk")
    assert refused.status_code == 503 and refused.json_body["error_code"] == "ACCESS_LOG_UNAVAILABLE"
    assert "documents" not in refused.json_body
