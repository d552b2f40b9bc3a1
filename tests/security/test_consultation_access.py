"""Who reads what of a consulted dossier (issue 17 item 1), each read completed on the whole local stack:
TP.HCM's appraiser consults Hà Nội's unit sharing one of the dossier's two documents. Hà Nội's officers
read the request and download exactly that document — the other document, the dossier page, its
trail and its own document links stay 404 —; an officer of a third unit, the ministry's administrator
and TP.HCM's own officers (through these routes) see nothing; only Hà Nội's appraiser, head or leader
answers, and a refused answer leaves the dossier as it was."""

from __future__ import annotations

import base64
import hashlib
import uuid

import requests

from chalicelib.store import dossiers as dossier_store
from local.simulators.accounts import DEMO_ACCOUNTS, HANOI_UNIT, HCMC_UNIT
from local.simulators.dvcqg import build_dossier
from tests.security.conftest import SIBLING_UNIT, World
from tests.security.stack import Caller, officer

KEPT_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ho so noi bo khong chia se\n%%EOF\n"


def _hanoi(world: World, role: str) -> Caller:
    sub = next(a["sub"] for a in DEMO_ACCOUNTS if a["role"] == role and a["unit_code"] == HANOI_UNIT)
    return officer(world.stack, f"hanoi-{role}", sub, HANOI_UNIT)


def _consulted(world: World) -> tuple[str, str, str, str]:
    body = build_dossier(overrides={"MaDonViTiepNhan": HCMC_UNIT})
    kept = str(uuid.uuid4())
    body["TaiLieuNop"].append({"TepDinhKemId": kept, "TenTepDinhKem": "tai-lieu-rieng.pdf", "MaThanhPhanHoSo": "TK",
                               "NoiDungBase64": base64.b64encode(KEPT_PDF).decode()})
    posted = world.callers["dvcqg"].post("/v1/dvcqg/dossiers", body)
    assert posted.status_code == 201, posted.text
    code, shared = posted.json()["MaHoSo"], body["TaiLieuNop"][0]["TepDinhKemId"]
    desk, head, appraiser = world.callers["desk"], world.callers["head"], world.callers["appraiser"]
    for caller, action, fields in ((desk, "tiep_nhan", {}), (desk, "chuyen_phong", {}),
                                   (head, "phan_cong", {"assignee": appraiser.sub})):
        answer = caller.act(code, action, **fields)
        assert answer.status_code == 200, (action, answer.text)
    asked = appraiser.act(code, "xin_y_kien", reason="Đề nghị cho ý kiến về giấy chứng sinh.",
                          consult_units=[HANOI_UNIT], consult_deadline={"value": 3, "unit": "working_days"},
                          consult_documents=[shared])
    assert asked.status_code == 200, asked.text
    stored = dossier_store.get(code)
    assert stored is not None
    ids = {d.id for d in stored.documents}
    assert shared in ids and kept in ids
    return code, shared, kept, stored.consultations[0].id


def test_the_consulted_unit_reads_the_shared_document_and_nothing_else_of_the_dossier(world: World) -> None:
    code, shared, kept, cid = _consulted(world)
    stored = dossier_store.get(code)
    assert stored is not None
    base = f"/v1/dossiers/{code}/consultations/{cid}"
    for role in ("appraiser", "head", "leader"):
        hanoi = _hanoi(world, role)
        view = hanoi.get(base)
        assert view.status_code == 200, (role, view.text)
        assert [d["id"] for d in view.json()["documents"]] == [shared]
        assert stored.applicant.name not in view.text and stored.applicant.id_number not in view.text
        link = hanoi.get(f"{base}/documents/{shared}/link")
        assert link.status_code == 200, link.text
        content = requests.get(link.json()["url"], timeout=30).content  # the read completed
        assert hashlib.sha256(content).hexdigest() == next(d.sha256 for d in stored.documents if d.id == shared)
        for hidden in (f"{base}/documents/{kept}/link", f"/v1/dossiers/{code}", f"/v1/dossiers/{code}/process",
                       f"/v1/dossiers/{code}/documents/{kept}/link", f"/v1/dossiers/{code}/documents/{shared}/link",
                       f"/v1/dossiers/{code}/forms", f"/v1/dossiers/{code}/sync"):
            answer = hanoi.get(hidden)
            assert answer.status_code == 404, (role, hidden, answer.status_code)
            assert KEPT_PDF.decode() not in answer.text
        listed = hanoi.get(f"/v1/units/{HANOI_UNIT}/consultations")
        assert listed.status_code == 200 and code in {i["code"] for i in listed.json()["items"]}


def test_officers_of_other_units_see_nothing_and_a_refused_answer_changes_nothing(world: World) -> None:
    code, shared, _, cid = _consulted(world)
    base = f"/v1/dossiers/{code}/consultations/{cid}"
    before = dossier_store.get(code), dossier_store.events(code)
    strangers = [world.desks[SIBLING_UNIT], world.callers["admin"], world.callers["operator"],
                 *(world.callers[r] for r in ("desk", "head", "appraiser", "leader", "clerk"))]
    for caller in strangers:
        for path in (base, f"{base}/documents/{shared}/link"):
            answer = caller.get(path)
            assert answer.status_code in (403, 404), (caller.name, path, answer.status_code)
        assert caller.get(f"/v1/units/{HANOI_UNIT}/consultations").status_code == 403, caller.name
        answer = caller.post(f"{base}/opinion", {"opinion": "Không có quyền trả lời"})
        assert answer.status_code in (403, 404), (caller.name, answer.status_code)
    for role in ("desk", "clerk"):  # Hà Nội's officers who do not answer for the unit
        answer = _hanoi(world, role).post(f"{base}/opinion", {"opinion": "Không có quyền trả lời"})
        assert answer.status_code == 403 and answer.json()["error_code"] == "FORBIDDEN_ROLE", answer.text
    assert (dossier_store.get(code), dossier_store.events(code)) == before

    answered = _hanoi(world, "head").post(f"{base}/opinion", {"opinion": "Giấy chứng sinh hợp lệ."})
    assert answered.status_code == 200, answered.text
    after = dossier_store.get(code)
    assert after is not None and after.consultations[0].opinion == "Giấy chứng sinh hợp lệ."
    assert dossier_store.events(code)[-1].actor.unit_code == HANOI_UNIT
