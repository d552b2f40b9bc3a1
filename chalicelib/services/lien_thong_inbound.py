"""Inbound liên thông dossiers (SPEC §7.7): another ministry heads a chain and hoso handles one
of its steps. The coordinator posts the dossier to ``POST /v1/coordinator/lien-thong/dossiers``
(signed like §7.1: the coordinator is part of DVCQG and signs with DVCQG's key set); it becomes a
dossier of the competent unit with its own code, in the desk's worklist like an online dossier,
and keeps where it came from (``Dossier.lien_thong_origin``). Its result goes back through the
coordinator (``chalicelib.flows.coordinator.return_result``) once it is processed.

Body: the §7.1 dossier (validated exactly as DVCQG's) plus ``LienThong``:
``{"MaBuocLienThong", "MaHoSoGoc", "CoQuanChuTri", "TenBuoc"}``. Idempotent by
``MaBuocLienThong``: the same body again → 200 with the same answer; another body → 409.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib.domain.dossier import Actor, LienThongOrigin
from chalicelib.domain.intake import DVCQG_EXAMPLE, DvcqgDossierIn
from chalicelib.domain.intake_parse import canonical_body_hash, parse_dvcqg_dossier
from chalicelib.errors import FieldError, invalid
from chalicelib.observability import count as count_metric
from chalicelib.observability import logger
from chalicelib.services import intake
from chalicelib.store import dossiers

COORDINATOR_ACTOR = Actor(sub="coordinator", name="Hệ thống điều phối", role="system", unit_code="")
REF_PREFIX = "LT-"  # intake references of inbound liên thông steps (beside DVCQG's own references)


class LienThongIn(BaseModel):
    """Bước liên thông mà hoso được giao trong chuỗi do bộ, ngành khác chủ trì."""

    model_config = ConfigDict(extra="forbid")

    MaBuocLienThong: str = Field(pattern=r"^[A-Za-z0-9._/-]{1,90}$", description="Mã bước của Hệ thống điều phối; "
                                 "gửi kèm khi trả kết quả")
    MaHoSoGoc: str = Field(min_length=1, max_length=64, description="Mã hồ sơ tại bộ, ngành chủ trì")
    CoQuanChuTri: str = Field(min_length=1, max_length=255, description="Cơ quan chủ trì chuỗi liên thông")
    TenBuoc: str = Field(min_length=1, max_length=255, description="Việc hoso được giao trong chuỗi")


INBOUND_EXAMPLE: dict[str, Any] = {
    **DVCQG_EXAMPLE,
    "LienThong": {"MaBuocLienThong": "DP-2026-000123-B2", "MaHoSoGoc": "000.00.00.H01-260110-0042",
                  "CoQuanChuTri": "Bộ Công an — Cục Cảnh sát QLHC về TTXH", "TenBuoc": "Đăng ký khai sinh"},
}


class InboundDossierIn(DvcqgDossierIn):
    """Hồ sơ liên thông do Hệ thống điều phối chuyển đến (SPEC §7.7): hồ sơ theo §7.1 và bước được giao."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [INBOUND_EXAMPLE]})

    LienThong: LienThongIn


def _origin(payload: Any) -> LienThongOrigin:
    raw = payload.get("LienThong") if isinstance(payload, dict) else None
    try:
        step = LienThongIn.model_validate(raw)
    except ValidationError as err:
        raise invalid([FieldError("LienThong." + ".".join(str(p) for p in e["loc"]) if e["loc"] else "LienThong",
                                  "Giá trị không hợp lệ.") for e in err.errors()]) from None
    return LienThongOrigin(ref=step.MaBuocLienThong, head_code=step.MaHoSoGoc, head_agency=step.CoQuanChuTri,
                           step_name=step.TenBuoc)  # fmt: skip


def receive(raw: bytes) -> tuple[int, dict[str, Any]]:
    """201 new, 200 the same request again, 409 the same step with another body, 422 invalid."""
    payload = intake.parse_json(raw)
    origin = _origin(payload)
    body_hash = canonical_body_hash(payload)
    key = REF_PREFIX + origin.ref
    if existing := dossiers.find_reference(key):
        return intake.replay(existing, body_hash)
    context = intake.load_context(payload)
    parsed = parse_dvcqg_dossier(payload, procedure_lookup=context.procedure_lookup, unit_lookup=context.unit_known)
    parsed = parsed.model_copy(update={"dvcqg_ref": key})
    docs = intake.store_files(parsed.attachments)
    reference = dossiers.IntakeReference(dvcqg_ref=key, body_hash=body_hash)
    try:
        dossier = intake.open_dossier(parsed, context, direct=False, actor=COORDINATOR_ACTOR, reference=reference,
                                      docs=docs, extra={"lien_thong_origin": origin})  # fmt: skip
    except dossiers.DuplicateReference as dup:
        intake.discard(docs)
        return intake.replay(dup.ref, body_hash)
    except Exception:
        intake.discard(docs)
        raise
    count_metric("LienThongDossierReceived")
    logger.info("inbound liên thông dossier received",
                extra={"code": dossier.code, "procedure": dossier.procedure_code, "ref": origin.ref})  # fmt: skip
    return 201, intake.accepted_body(dossier)
