"""The Lambda entry module loads no document-rendering library: reportlab, openpyxl and
python-docx import slower than boto3 and serve a few requests only (``chalicelib.lazy``).
``make bench`` measures the import time itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("reportlab", "openpyxl", "docx", "pyhanko")


def test_importing_the_entry_module_loads_no_rendering_library() -> None:
    probe = f"import json, sys; import app; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT,  # noqa: S603 - our own interpreter
                          capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_a_lazily_bound_module_loads_on_first_use() -> None:
    probe = ("import sys; from chalicelib.documents import forms; assert 'reportlab' not in sys.modules; "
             "forms.pdf.Letterhead; assert 'reportlab' in sys.modules")
    subprocess.run([sys.executable, "-c", probe], cwd=ROOT,  # noqa: S603 - our own interpreter
                   capture_output=True, text=True, timeout=120, check=True)
