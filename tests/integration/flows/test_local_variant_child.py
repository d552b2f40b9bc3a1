"""A liên thông step handled at a province's unit follows that province's approved locally specific
process (issue 17 item 6): the death chain's funeral allowance (1.002076), its child opened at Hà
Nội's unit, is on Hà Nội's variant, not the standard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.domain.variants import VariantIn
from chalicelib.services import admin_access
from chalicelib.services import variants as service
from chalicelib.store import catalogue, dossiers
from chalicelib.store.models import CatalogueItem
from tests.integration.flows.conftest import World, timing

PROCEDURE = "1.002076"
AT = dt.datetime(2026, 12, 7, 9, 0, tzinfo=VN_TZ)


@pytest.fixture
def hanoi_variant(world: World) -> Iterator[str]:
    """Hà Nội's variant of the funeral allowance, proposed and approved through the services; removed
    after the test (the flows world is shared by the package)."""
    process = DEFAULT_PROCESS.model_dump(mode="json")
    process["steps"] = [{**s, "name": "Thẩm định tại UBND xã"} if s["id"] == "tham_dinh" else s
                        for s in process["steps"]]
    body = VariantIn(procedure_code=PROCEDURE, province_code="01", base_version=DEFAULT_PROCESS.version,
                     process=process, note="Quyết định của UBND thành phố Hà Nội")
    service.propose(admin_access.Administrator(sub="qt-ha-noi", ministry=False, province_code="01"), body, AT)
    decided = service.approve(admin_access.Administrator(sub="qt-bo", ministry=True), PROCEDURE, "01", 1, AT)
    yield decided.process.code
    for item in CatalogueItem.query(f"VARIANT#{PROCEDURE}#01"):
        item.delete()
    for item in CatalogueItem.query(f"PROCESS#{decided.process.code}"):
        item.delete()
    catalogue.clear_cache()


def test_a_chain_step_at_a_provinces_unit_follows_its_variant(world: World, hanoi_variant: str) -> None:
    parent = world.open_parent("1.000656")
    world.start(parent.code, timing("death_flow"), chosen=["mai_tang"])
    world.finish_child(world.until("death registration", lambda: world.child_of(parent.code, "khai_tu")))
    assert world.callback(world.handover(parent.code, "xoa_thuong_tru")["task_token"], "success").status_code == 200
    funeral = world.until("funeral allowance", lambda: world.child_of(parent.code, "mai_tang"))
    child = dossiers.get(funeral)
    assert child is not None
    assert (child.procedure_code, child.process_code, child.process_version) == (PROCEDURE, hanoi_variant, 1)
    assert hanoi_variant == "DP01.1.002076"
