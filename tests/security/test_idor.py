"""Insecure direct object references, through HTTP on the local stack: identifiers of another
unit's dossiers, documents, uploads and download links must not work anywhere an officer can
put them, and an integration client acts only on the procedures it is scoped to.

(Another unit's dossier on every dossier route is in the authorisation matrix.)"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from chalicelib.auth import registry
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HCMC_UNIT
from tests.security.conftest import World
from tests.security.stack import Caller

_PARTY = {"name": "Trần Thị Bích", "phone": "0987654321", "address": "Số 7 Nguyễn Đình Chiểu",
          "provinceCode": "79", "communeCode": "26734"}


def _seq(world: World, code: str) -> int:
    answer = world.callers["desk"].get(f"/v1/dossiers/{code}")
    assert answer.status_code == 200, answer.text
    return int(answer.json()["dossier"]["seq"])


@pytest.mark.parametrize("suffix", ["link", "verification"])
def test_a_document_of_another_units_dossier_is_not_reachable_through_an_own_dossier(world: World,
                                                                                     suffix: str) -> None:
    own = world.targets["own"]
    for scope in ("other_unit", "other_province"):
        foreign_doc = world.targets[scope].doc_id
        for role in ("desk", "head", "appraiser", "leader", "clerk"):
            answer = world.callers[role].get(f"/v1/dossiers/{own.dossier}/documents/{foreign_doc}/{suffix}")
            assert answer.status_code == 404, (role, scope, answer.text)
            assert "url" not in answer.json()


def test_a_download_link_is_bound_to_one_object_and_short_lived(world: World) -> None:
    own = world.targets["own"]
    answer = world.callers["appraiser"].get(f"/v1/dossiers/{own.dossier}/documents/{own.doc_id}/link")
    assert answer.status_code == 200, answer.text
    link = answer.json()
    url = urlsplit(link["url"])
    query = parse_qs(url.query)
    assert int(query["X-Amz-Expires"][0]) <= 300 and link["expires_in"] <= 300
    assert query["X-Amz-SignedHeaders"] == ["host"] and query["X-Amz-Signature"][0]
    view = world.callers["appraiser"].get(f"/v1/dossiers/{own.dossier}").json()["dossier"]
    key = next(d["s3_key"] for d in view["documents"] if d["id"] == own.doc_id)
    assert unquote(url.path).endswith("/" + key), "the link names exactly the document's object"
    assert "*" not in url.path and query.get("prefix") is None


def test_another_officers_upload_cannot_be_read_or_attached(world: World) -> None:
    own = world.targets["own"]
    before = _seq(world, own.dossier)
    for scope in ("other_unit", "other_province"):
        foreign = world.targets[scope].upload_id
        read = world.callers["desk"].get(f"/v1/uploads/{foreign}")
        assert read.status_code == 404, read.text
        attached = world.callers["desk"].post(f"/v1/dossiers/{own.dossier}/documents", {"upload_id": foreign})
        assert attached.status_code == 404, attached.text
    # the own unit's appraiser did not start the desk officer's upload either
    assert world.callers["appraiser"].get(f"/v1/uploads/{own.upload_id}").status_code == 404
    assert _seq(world, own.dossier) == before, "nothing was recorded on the dossier"


def test_batch_signing_refuses_another_units_items_like_missing_ones(world: World) -> None:
    own = world.targets["own"]
    items = [{"code": world.targets[s].dossier, "doc_id": world.targets[s].doc_id}
             for s in ("other_unit", "other_province")]
    items.append({"code": f"{HCMC_UNIT}-000101-9998", "doc_id": "khong-co"})
    before = _seq(world, own.dossier)
    answer = world.callers["leader"].post("/v1/documents/sign-batch", {"items": items})
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert out["signed"] == 0 and out["failed"] == 3
    outcomes = {(r.get("error_code"), r.get("message")) for r in out["results"]}
    assert len(outcomes) == 1, f"another unit's dossier must fail exactly like a missing one: {out['results']}"
    assert _seq(world, own.dossier) == before


def test_cross_unit_ids_in_an_action_body_are_refused(world: World) -> None:
    """An own dossier, with an appraiser of another unit as assignee: the domain refuses it."""
    desk, head = world.callers["desk"], world.callers["head"]
    created = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT})
    assert created.status_code == 201, created.text
    code = created.json()["dossier"]["code"]
    assert desk.act(code, "chuyen_phong").status_code == 200
    outsider = world.desks[world.targets["other_unit"].unit].sub
    refused = head.act(code, "phan_cong", assignee=outsider)
    assert refused.status_code == 422 and refused.json()["error_code"] == "INVALID_ASSIGNEE", refused.text


def _walk_to_processed(world: World, code: str) -> None:
    c = world.callers
    for caller, action, extra in (
        (c["desk"], "chuyen_phong", {}), (c["head"], "phan_cong", {"assignee": c["appraiser"].sub}),
        (c["appraiser"], "trinh", {}), (c["head"], "trinh_lanh_dao", {}), (c["leader"], "phe_duyet", {}),
        (c["clerk"], "phat_hanh", {}),
    ):
        if action == "phe_duyet":  # no result, no approval
            drawn_up = c["appraiser"].post(f"/v1/dossiers/{code}/results", {})
            assert drawn_up.status_code == 201, drawn_up.text
        answer = caller.act(code, action, **extra)
        assert answer.status_code == 200, (action, answer.text)


def test_an_integration_client_acts_only_on_its_procedures(world: World) -> None:
    desk = world.callers["desk"]
    created = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT, "HinhThucNhanKetQua": "1"})
    assert created.status_code == 201, created.text
    dossier = created.json()["dossier"]
    code = dossier["code"]
    _walk_to_processed(world, code)
    order = desk.post(f"/v1/dossiers/{code}/post-order", {"sender": _PARTY, "receiver": _PARTY})
    assert order.status_code == 201, order.text
    tracking = {"orderNumber": code, "trackingNumber": order.json()["tracking_number"], "status": "picked_up"}

    other_procedure = "1.004222" if dossier["procedure_code"] != "1.004222" else "1.003197"
    token = registry.create_client(f"sec-scope-{int(time.time() * 1000)}", "Hệ thống khác (thử phạm vi)",
                                   [other_procedure], kind=ClientKind.POSTAL_SERVICE,
                                   capabilities=[Capability.POST_TRACKING])
    outsider = Caller(world.stack.api_url, "outsider", f"Bearer {token}")
    refused = outsider.post("/v1/post/tracking", tracking)
    assert refused.status_code == 403 and refused.json()["error_code"] == "FORBIDDEN_PROCEDURE", refused.text
    events = desk.get(f"/v1/dossiers/{code}").json()["events"]
    assert all(e["action"] != "post_tracking" for e in events), "a refused callback leaves no trace on the dossier"

    postal = Caller(world.stack.api_url, "postal", "Bearer buu-chinh.dev-post-token")
    accepted = postal.post("/v1/post/tracking", tracking)
    assert accepted.status_code == 200, accepted.text
    wrong_secret = Caller(world.stack.api_url, "postal?", "Bearer buu-chinh.not-the-secret")
    assert wrong_secret.post("/v1/post/tracking", tracking).status_code == 401


def test_a_tracking_number_of_another_order_does_not_open_this_one(world: World) -> None:
    answer = world.callers["client@postal"].post("/v1/post/tracking", {
        "orderNumber": world.targets["own"].dossier, "trackingNumber": "EB123456789VN", "status": "delivered"})
    assert answer.status_code == 404, answer.text
