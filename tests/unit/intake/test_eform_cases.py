"""The eForm cases shared with the web app's validator (tests/cases/eform_cases.json, also run by
webapp/test/eformCases.test.ts): both sides give the same errors, in the same order."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.eform import EFormSchema, validate_eform, validate_schema

CASES_FILE = Path(__file__).resolve().parents[2] / "cases" / "eform_cases.json"
SHARED = json.loads(CASES_FILE.read_text(encoding="utf-8"))
SCHEMAS = {name: EFormSchema.model_validate(raw) for name, raw in SHARED["schemas"].items()}
TODAY = dt.date.fromisoformat(SHARED["today"])


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_shared_schemas_are_valid(name: str) -> None:
    assert validate_schema(SCHEMAS[name]) == []


@pytest.mark.parametrize("case", SHARED["cases"], ids=[case["name"] for case in SHARED["cases"]])
def test_shared_case(case: dict[str, Any]) -> None:
    result = validate_eform(SCHEMAS[case["schema"]], case["values"], today=TODAY)
    assert [{"path": e.field, "message": e.message} for e in result.errors] == case["errors"]
