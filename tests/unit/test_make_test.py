"""``make test`` runs every test file: the Makefile's suites cover every folder holding tests,
and the runner (tests/suites.py) runs a suite nested in another one on its own, once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.suites import pytest_jobs

REPO_ROOT = Path(__file__).resolve().parents[2]


def make_test_suites() -> list[str]:
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval=print-suites: ; @echo $(TEST_SUITES)", "print-suites"],  # noqa: S607
        cwd=REPO_ROOT, capture_output=True, text=True, check=True,
    )
    return done.stdout.split()


def test_every_folder_of_tests_is_in_a_suite() -> None:
    suites = [Path(s) for s in make_test_suites()]
    folders = {p.parent.relative_to(REPO_ROOT) for p in (REPO_ROOT / "tests").rglob("test_*.py")}
    outside = sorted(str(f) for f in folders if not any(f.is_relative_to(s) for s in suites))
    assert not outside, f"test folders no suite of `make test` runs: {outside}"


def test_a_nested_suite_runs_once_on_its_own() -> None:
    jobs = {job.name: job.commands for job in pytest_jobs(["tests/e2e/web", "tests/e2e", "tests/integration/flows/"])}
    python = sys.executable
    assert jobs == {
        "tests/e2e/web": [[python, "-m", "pytest", "tests/e2e/web", "--durations=15"]],
        "tests/e2e": [[python, "-m", "pytest", "tests/e2e", "--durations=15", "--ignore=tests/e2e/web"]],
        "tests/integration/flows": [[python, "-m", "pytest", "tests/integration/flows/", "--durations=15"]],
    }
