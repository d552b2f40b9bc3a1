"""Integration clients act only within their kind and capabilities (issue 11, High 1).

The attack: a client credential was checked for validity and procedure scope only, so the
postal service's credential could approve, issue or withdraw any dossier of its procedures
through ``/v1/specialised/dossiers/{code}/status``, inject result files with ``/results``, and
write a real officer's subject into the audit trail. Each refusal here is checked for its effect:
the dossier (status, step, version, documents, audit trail) is exactly what it was."""

from __future__ import annotations

from typing import Any

from chalicelib.auth import registry
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.process import ActionKind
from chalicelib.store import dossiers
from tests.integration.partners.conftest import PROCEDURE, World, officer, pdf_document


def _postal() -> str:
    """A postal service scoped to the procedure (as the seeded ``buu-chinh`` is to every one)."""
    return registry.create_client("buu-chinh-thu", "Bưu chính công ích", [PROCEDURE], kind=ClientKind.POSTAL_SERVICE,
                                  capabilities=[Capability.POST_TRACKING])  # fmt: skip


def _to_approval(world: World) -> Dossier:
    code = world.dossier().code
    world.act(code, "desk", "chuyen_phong")
    world.act(code, "head", "phan_cong", assignee=officer("appraiser").sub)
    world.act(code, "appraiser", "trinh")
    world.act(code, "head", "trinh_lanh_dao")
    # the software's result (its own number and signature): no result, no approval
    delivered = world.results(code, {"event_id": f"KQ-{code}", "result_documents": [pdf_document()]})
    assert delivered.status_code == 200, delivered.body
    return world.get(code)


def _snapshot(world: World, code: str) -> tuple[Any, ...]:
    dossier = world.get(code)
    return (dossier.status, dossier.step_id, dossier.version, [d.id for d in dossier.documents],
            [(e.seq, e.action, e.actor.sub) for e in dossiers.events(code)])  # fmt: skip


def _refused(answer: Any) -> None:
    assert answer.status_code == 403 and answer.json_body["error_code"] == "FORBIDDEN_CAPABILITY", answer.body


def test_a_postal_client_cannot_approve_issue_withdraw_nor_inject_results(world: World) -> None:
    postal = _postal()
    code = _to_approval(world).code
    before = _snapshot(world, code)
    leader = officer("leader")
    approve = {"event_id": "BC-1", "action": "phe_duyet", "from_step": "phe_duyet", "status": 4,
               "handler": {"name": leader.name, "sub": leader.sub}}  # fmt: skip
    _refused(world.status(code, approve, token=postal))
    _refused(world.status(code, {"event_id": "BC-2", "action": "rut_ho_so", "from_step": "phe_duyet", "status": 7,
                                 "reason": "Công dân rút hồ sơ."}, token=postal))  # fmt: skip
    _refused(world.results(code, {"event_id": "BC-3", "result_documents": [pdf_document()]}, token=postal))
    assert _snapshot(world, code) == before

    world.act(code, "leader", "phe_duyet")
    before = _snapshot(world, code)
    _refused(world.status(code, {"event_id": "BC-4", "action": "phat_hanh", "from_step": "phat_hanh", "status": 9},
                          token=postal))  # fmt: skip
    assert _snapshot(world, code) == before


def test_a_client_stored_without_a_kind_cannot_drive_a_dossier(world: World) -> None:
    registry.put_client(registry.IntegrationClient(client_id="cu-sw", name="Hệ thống cũ", procedure_codes=[PROCEDURE],
                                           secret_sha256=registry.hash_secret("bi-mat")))  # fmt: skip
    code = world.dossier().code
    before = _snapshot(world, code)
    _refused(world.status(code, {"event_id": "CU-1", "action": "chuyen_phong", "from_step": "chuyen_xu_ly",
                                 "status": 4}, token="cu-sw.bi-mat"))  # fmt: skip
    assert _snapshot(world, code) == before


def test_a_specialised_software_takes_no_leaders_action_unless_configured(world: World) -> None:
    code = _to_approval(world).code
    before = _snapshot(world, code)
    leader = officer("leader")
    approve = {"event_id": "PD-1", "action": "phe_duyet", "from_step": "phe_duyet", "status": 4,
               "handler": {"name": leader.name, "sub": leader.sub}}  # fmt: skip
    _refused(world.status(code, approve))  # the test software reports its officers' actions only
    assert _snapshot(world, code) == before

    configured = registry.create_client(
        "ho-tich-lanh-dao", "Phần mềm hộ tịch (ký duyệt)", [PROCEDURE], kind=ClientKind.SPECIALISED_SOFTWARE,
        capabilities=[Capability.SPECIALISED_STATUS], actions=[ActionKind.APPROVE], leader_actions=True)
    accepted = world.status(code, approve, token=configured)
    assert accepted.status_code == 200, accepted.body
    after = world.get(code)
    assert after.step_id == "phat_hanh"
    event = dossiers.events(code)[-1]
    # the act is the software's; the leader is who the software says acted, and is marked so
    assert (event.action, event.actor.sub, event.actor.role) == ("approve", "client:ho-tich-lanh-dao", "leader")
    assert event.actor.asserted is not None
    assert (event.actor.asserted.name, event.actor.asserted.sub) == (leader.name, leader.sub)
    assert leader.name in event.actor.name and "Phần mềm hộ tịch (ký duyệt)" in event.actor.name
    assert all(e.actor.sub != leader.sub for e in dossiers.events(code))

    # approving was configured; issuing was not
    before = _snapshot(world, code)
    _refused(world.status(code, {"event_id": "PH-1", "action": "phat_hanh", "from_step": "phat_hanh", "status": 9},
                          token=configured))  # fmt: skip
    assert _snapshot(world, code) == before
