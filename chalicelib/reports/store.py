"""Where reports live in DynamoDB.

- The aggregate cells (:mod:`chalicelib.reports.aggregates`) in the counters table:
  ``AGG#<unit>#<yyyy-mm>`` and ``AGG#P#<province>#<yyyy-mm>`` / ``C#…``, attribute ``n`` (ADD
  counter) and ``values`` (the names of the cell's field, procedure and officer). They are
  changed only inside the dossier's own transaction (``chalicelib.reports.counters``) and
  read with one Query per month (:func:`read_unit`, :func:`read_province`).
- Exported report files in the attachments bucket under ``reports/<uuid>.<ext>`` (an
  unguessable key), handed out as a presigned link of a few minutes.
- Officers' saved report templates (FR-24) in the catalogue table: ``USER#<sub>`` /
  ``REPORT#<id>`` — one officer's templates are one Query of their own partition.

Nothing here scans.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel, Field
from pynamodb.exceptions import DoesNotExist

from chalicelib import aws
from chalicelib.documents import store as docstore
from chalicelib.reports.aggregates import Cell, province_partition, unit_partition
from chalicelib.reports.report import ReportQuery
from chalicelib.settings import get_settings
from chalicelib.store.models import CatalogueItem, CounterItem

MAX_TEMPLATES = 50


@dataclass
class Cells:
    counts: dict[Cell, int] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    procedures: dict[str, str] = field(default_factory=dict)
    officers: dict[str, str] = field(default_factory=dict)
    queries: int = 0


def _read(partitions: Iterable[tuple[str, str]]) -> Cells:
    out = Cells()
    for month, pk in partitions:
        out.queries += 1
        for item in CounterItem.query(pk, CounterItem.sk.startswith("C#")):
            n = int(item.n or 0)
            if n == 0:
                continue
            cell = Cell.parse(month, item.sk)
            out.counts[cell] = out.counts.get(cell, 0) + n
            names = item.values.as_dict() if item.values is not None else {}
            for target, key, code in ((out.fields, "field", cell.field), (out.procedures, "procedure", cell.procedure),
                                      (out.officers, "officer", cell.officer)):
                if code and names.get(key):
                    target[code] = str(names[key])
    return out


def read_unit(unit: str, months: Iterable[str]) -> Cells:
    return _read((m, unit_partition(unit, m)) for m in months)


def read_province(province: str, months: Iterable[str]) -> Cells:
    return _read((m, province_partition(province, m)) for m in months)


def put_export(content: bytes, content_type: str, file_name: str) -> dict[str, object]:
    """Store an exported report and return its download link (``url``, ``expires_in``, ``name``, ``size``)."""
    bucket = get_settings().attachments_bucket
    key = f"reports/{uuid.uuid4().hex}.{file_name.rsplit('.', 1)[-1]}"
    aws.client("s3").put_object(Bucket=bucket, Key=key, Body=content, ContentType=content_type)
    return {"url": docstore.presigned_link(bucket, key, file_name, content_type), "expires_in": docstore.LINK_TTL_S,
            "name": file_name, "size": len(content)}


# --- saved report templates (FR-24) ----------------------------------------------------------


class ReportTemplateIn(BaseModel):
    model_config = {"extra": "forbid"}

    name: str = Field(min_length=1, max_length=120, description="Tên mẫu báo cáo")
    scope: str = Field(pattern="^(unit|province)$", description="Báo cáo của đơn vị hay tổng hợp cấp tỉnh")
    scope_code: str = Field(min_length=1, max_length=40, description="Mã đơn vị hoặc mã tỉnh")
    period: str = Field("month", pattern="^(month|quarter|year|ytd|last12|custom)$",
                        description="Kỳ: tháng này, quý này, năm nay, từ đầu năm, 12 tháng gần nhất, tùy chọn")
    query: ReportQuery


class Template(ReportTemplateIn):
    id: str
    created_at: dt.datetime
    updated_at: dt.datetime


def _pk(sub: str) -> str:
    return f"USER#{sub}"


def list_templates(sub: str) -> list[Template]:
    items = CatalogueItem.query(_pk(sub), CatalogueItem.sk.startswith("REPORT#"), consistent_read=True)
    return sorted((Template.model_validate(i.data) for i in items), key=lambda t: t.name.casefold())


class TooManyTemplates(Exception):
    pass


def create_template(sub: str, body: ReportTemplateIn, now: dt.datetime) -> Template:
    if len(list_templates(sub)) >= MAX_TEMPLATES:
        raise TooManyTemplates
    template = Template(**body.model_dump(), id=uuid.uuid4().hex[:12], created_at=now, updated_at=now)
    CatalogueItem(pk=_pk(sub), sk=f"REPORT#{template.id}", data=template.model_dump(mode="json")).save(
        condition=CatalogueItem.pk.does_not_exist())
    return template


def get_template(sub: str, template_id: str) -> Template | None:
    try:
        item = CatalogueItem.get(_pk(sub), f"REPORT#{template_id}", consistent_read=True)
    except DoesNotExist:
        return None
    return Template.model_validate(item.data)


def update_template(sub: str, template_id: str, body: ReportTemplateIn, now: dt.datetime) -> Template | None:
    current = get_template(sub, template_id)
    if current is None:
        return None
    template = Template(**body.model_dump(), id=template_id, created_at=current.created_at, updated_at=now)
    CatalogueItem(pk=_pk(sub), sk=f"REPORT#{template_id}", data=template.model_dump(mode="json")).save(
        condition=CatalogueItem.pk.exists())
    return template


def delete_template(sub: str, template_id: str) -> bool:
    if get_template(sub, template_id) is None:
        return False
    CatalogueItem(pk=_pk(sub), sk=f"REPORT#{template_id}").delete()
    return True
