"""A request body's pydantic errors in Vietnamese: each bad field named by its path
(``TaiLieuNop[1].NoiDungBase64``) and told in a sentence that starts with the field's title."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from chalicelib.domain.identifiers import sentence
from chalicelib.errors import FieldError


def field_titles(*models: type[BaseModel]) -> dict[str, str]:
    """Every field's title (its name when it has none), to start the messages with."""
    return {name: f.title or name for model in models for name, f in model.model_fields.items()}


def path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _label(loc: tuple[int | str, ...], titles: Mapping[str, str]) -> str:
    names = [p for p in loc if isinstance(p, str)]
    label = titles.get(names[-1], names[-1]) if names else "Dữ liệu"
    if loc and isinstance(loc[-1], int):
        return f"Phần tử thứ {loc[-1] + 1} của {label}"
    return label


def _choices(expected: str) -> str:
    return ", ".join(re.findall(r"'([^']*)'", expected))


def fragment(error: Mapping[str, Any]) -> str:
    kind: str = error["type"]
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind.startswith("hoso_"):
        return str(error["msg"])
    if kind == "missing":
        return "là trường bắt buộc"
    if kind == "string_type":
        return "phải là chuỗi ký tự"
    if kind in {"string_too_short", "too_short"}:
        least = ctx.get("min_length")
        if kind == "too_short" and not isinstance(error.get("input"), str):
            return f"phải có ít nhất {least} phần tử"
        return "không được để trống" if least == 1 else f"phải có ít nhất {least} ký tự"
    if kind in {"string_too_long", "too_long"}:
        most = ctx.get("max_length")
        if kind == "too_long" and not isinstance(error.get("input"), str):
            return f"không được quá {most} phần tử"
        return f"không được dài quá {most} ký tự"
    if kind == "literal_error":
        return f"phải là một trong các giá trị: {_choices(str(ctx.get('expected', '')))}"
    if kind == "list_type":
        return "phải là một danh sách"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "phải là một đối tượng JSON"
    if kind.startswith("int_"):
        return "phải là số nguyên"
    return "không hợp lệ"


@dataclass(frozen=True)
class Problem:
    error: FieldError
    loc: tuple[int | str, ...] = ()
    too_large: bool = False
    unknown: Literal["procedure", "unit"] | None = None


def message(error: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    """The sentence for one pydantic error, starting with the field's title."""
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        return f"Trường “{path(loc)}” không có trong mẫu dữ liệu."
    return sentence(_label(loc, titles), fragment(error))


def pydantic_problems(
    model: type[BaseModel], raw: Mapping[str, Any], titles: Mapping[str, str]
) -> tuple[BaseModel | None, list[Problem]]:
    """``raw`` as ``model``, or None and every problem pydantic found."""
    try:
        return model.model_validate(raw), []
    except ValidationError as exc:
        problems = [
            Problem(
                FieldError(path(e["loc"]), message(e, titles)),
                too_large=e["type"] == "hoso_file_too_large",
                loc=tuple(e["loc"]),
            )
            for e in exc.errors(include_url=False)
        ]
        return None, problems
