"""Verifying an anchored day and one person's access-log chain against moto and the TSA simulator: an
untouched day holds and names its dossiers and subjects; an anchored event edited or deleted, a replaced
root, a chain left out of the tree are each named; a province's administrator sees only their province's
chains; the operator command says the same and exits 1 when the day does not hold."""

from __future__ import annotations

import json

import boto3
import pytest

from chalicelib.integrity import anchor, verify
from chalicelib.integrity.canonical import link
from chalicelib.integrity.days import verify_day
from chalicelib.integrity.index import day_of, partition, shard_of
from chalicelib.integrity.service import verify_subject
from chalicelib.privacy import store as access_log
from chalicelib.privacy.model import WHAT, AccessEntry, subject_key
from local.simulators.accounts import HANOI_UNIT, MINISTRY_UNIT
from tests.integration.integrity.test_anchor import _object, _replace
from tests.integration.integrity.test_tamper import _event, _processed, _put_event
from tests.integration.reports.conftest import REGION, World, account, answer

NUMBER = "079201001234"


@pytest.fixture
def day(world: World) -> tuple[str, str, str]:
    """A processed dossier, another one, and two accesses to one person's data (made in the dossier's
    province), anchored; (code, subject key, day)."""
    dossier = _processed(world)
    world.desk_dossier()
    key = subject_key(access_log.hmac_key(), NUMBER)
    for n in range(2):
        access_log.append(key, AccessEntry(at=dossier.updated_at, what="population_lookup",
                                           what_label=WHAT["population_lookup"], officer_sub=f"o-{n}",
                                           officer_name="Cán bộ thử", unit_code=dossier.unit_code,
                                           province_code=dossier.province_code))
    the_day = day_of(dossier.updated_at)
    anchor.run(the_day)
    return dossier.code, key, the_day


def _codes(the_day: str) -> list[tuple[str, int]]:
    report = verify_day(the_day)
    assert report is not None
    return [(f.code, f.seq) for f in report.findings]


def test_an_untouched_day_holds_and_names_its_dossiers_and_subjects(day: tuple[str, str, str]) -> None:
    code, key, the_day = day
    report = verify_day(the_day)
    assert report is not None and report.holds, report.findings
    assert report.leaves == 3 and report.timestamped_at is not None
    assert any("gốc tính lại trùng gốc đã neo" in c for c in report.checked)
    assert any("chỉ mục ngày còn lưu" in c for c in report.checked)
    refs = {(c.kind, c.ref, c.seq) for c in report.chains}
    assert ("dossier", code, 3) in refs and ("subject", key, 2) in refs
    assert verify.main(["--day", the_day]) == 0
    assert verify.main(["--day", "2001-01-01"]) == 2


def test_an_anchored_event_edited_or_deleted_is_named(day: tuple[str, str, str]) -> None:
    code, key, the_day = day
    event = _event(code, 3)
    _put_event(code, 3, link(f"DOSSIER#{code}", {**event, "note": "Sửa sau khi neo"}, event["prev_hash"]))
    boto3.client("dynamodb", region_name=REGION).delete_item(
        TableName="hoso-dev-accesslog", Key={"pk": {"S": f"SUBJECT#{key}"}, "sk": {"S": access_log.entry_sk(2)}})
    assert sorted(_codes(the_day)) == [("LEAF_EVENT_ALTERED", 3), ("LEAF_EVENT_MISSING", 2)]
    report = verify_day(the_day)
    assert report is not None and any("gốc tính lại KHÁC gốc đã neo" in c for c in report.checked)
    assert {c.ref for c in report.chains if not c.holds} == {code, key}
    assert verify.main(["--day", the_day]) == 1


def test_a_replaced_root_and_a_chain_left_out_of_the_tree_are_named(day: tuple[str, str, str]) -> None:
    _, _, the_day = day
    stored = _object(the_day, "anchor")
    _replace(the_day, "anchor", {**stored, "root": "ab" * 32})
    assert ("ANCHOR_ROOT_MISMATCH", 0) in _codes(the_day)
    _replace(the_day, "anchor", stored)
    chain = "DOSSIER#000.00.13.H79-261207-9999"  # in the day index, never anchored
    boto3.client("dynamodb", region_name=REGION).put_item(TableName="hoso-dev-dossiers", Item={
        "pk": {"S": partition(the_day, shard_of(chain))}, "sk": {"S": chain}, "seq": {"N": "4"},
        "hash": {"S": "cd" * 32}, "expires_at": {"N": "0"}})
    assert _codes(the_day) == [("ANCHOR_LEAF_MISSING", 4)]


def test_a_province_administrator_sees_only_their_provinces_chains(day: tuple[str, str, str], world: World) -> None:
    code, key, the_day = day
    own = answer(world.call("GET", f"/v1/admin/integrity/days/{the_day}", "province_admin"))
    assert {code, key} <= {c["ref"] for c in own["chains"]} and own["not_shown"] == 0 and own["holds"]
    other = world.call("GET", f"/v1/admin/integrity/days/{the_day}", "province_admin", unit=HANOI_UNIT)
    assert other.status_code == 200 and answer(other)["chains"] == [] and answer(other)["not_shown"] == 3
    ministry = answer(world.call("GET", f"/v1/admin/integrity/days/{the_day}", "admin", unit=MINISTRY_UNIT))
    assert len(ministry["chains"]) == 3 and ministry["scope"] == "Toàn quốc"
    bad = world.call("GET", "/v1/admin/integrity/days/2026-13-01", "admin", unit=MINISTRY_UNIT)
    assert bad.status_code == 422 and answer(bad)["error_code"] == "INVALID_DAY"
    missing = world.call("GET", "/v1/admin/integrity/days/2001-01-01", "admin", unit=MINISTRY_UNIT)
    assert missing.status_code == 404
    link_ = answer(world.call("GET", f"/v1/admin/integrity/days/{the_day}/report", "admin", unit=MINISTRY_UNIT))
    assert link_["name"].endswith(".pdf") and link_["size"] > 1000


def test_a_subjects_access_log_verifies_with_its_anchored_day_and_an_edit_is_named(
        day: tuple[str, str, str], world: World) -> None:
    _, key, the_day = day
    report = verify_subject(key)
    assert report.holds and report.last_anchored_day == the_day and report.events == 2
    response = world.call("POST", "/v1/admin/integrity/subjects", "admin", unit=MINISTRY_UNIT,
                          body={"so_dinh_danh": NUMBER})
    assert response.status_code == 200 and answer(response)["holds"], response.body
    assert answer(response)["events"] == 3, "the check itself was recorded (after the anchored day)"
    assert verify_subject(key).events == 3
    stored = json.loads(boto3.client("dynamodb", region_name=REGION).get_item(
        TableName="hoso-dev-accesslog", Key={"pk": {"S": f"SUBJECT#{key}"}, "sk": {"S": access_log.entry_sk(1)}})
        ["Item"]["data"]["S"])
    boto3.client("dynamodb", region_name=REGION).put_item(TableName="hoso-dev-accesslog", Item={
        "pk": {"S": f"SUBJECT#{key}"}, "sk": {"S": access_log.entry_sk(1)},
        "data": {"S": json.dumps({**stored, "officer_name": "Người khác"})}})
    assert [(f.code, f.seq) for f in verify_subject(key).findings] == [("EVENT_ALTERED", 1)]
    assert verify.main(["--subject", NUMBER]) == 1
    nobody = world.call("POST", "/v1/admin/integrity/subjects", "desk", body={"so_dinh_danh": NUMBER})
    assert nobody.status_code == 403
    assert account("desk")  # the desk officer exists: refused for their role, not unknown


def test_access_log_entries_never_carry_a_ttl_only_their_day_index_does(day: tuple[str, str, str]) -> None:
    _, key, the_day = day
    ddb = boto3.client("dynamodb", region_name=REGION)
    entry = ddb.get_item(TableName="hoso-dev-accesslog",
                         Key={"pk": {"S": f"SUBJECT#{key}"}, "sk": {"S": access_log.entry_sk(1)}})["Item"]
    assert "expires_at" not in entry
    index = ddb.query(TableName="hoso-dev-accesslog", KeyConditionExpression="pk = :pk",
                      ExpressionAttributeValues={":pk": {"S": partition(the_day, shard_of(f"SUBJECT#{key}"))}})
    assert index["Items"] and all("expires_at" in i for i in index["Items"])
