"""Write the published API's OpenAPI document to ``docs/openapi.json`` (``make openapi``).

The document is generated from the route table and the pydantic models; the committed copy
is what partners read in the repository, and a test fails when it drifts from the code."""

from __future__ import annotations

import json
import sys
from pathlib import Path

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


def render() -> str:
    from app import app
    from chalicelib.api.openapi import build_openapi, registered

    return json.dumps(build_openapi(registered(app)), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def main() -> int:
    DOCUMENT.write_text(render(), encoding="utf-8")
    print(f"wrote {DOCUMENT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
