"""Each Lambda function's handler path (issue 16, cold start per function): it exists in the
synthesised package and imports in a fresh interpreter, and the event functions' entry modules
(chalicelib/entry, chalicelib/flows/handler.py) import neither app.py nor the routes."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.entry_check import extract_app, handlers, problems
from infra.wiring import API_APP_HANDLER
from tests.infra.conftest import Synth


@pytest.fixture(scope="module")
def packaged_app(repo: Synth, tmp_path_factory: pytest.TempPathFactory) -> Path:
    keys = {f["Properties"]["CodeUri"]["Key"] for f in repo.resources("AWS::Serverless::Function").values()}
    (key,) = keys
    return extract_app(repo.path.parent / f"asset.{key}", tmp_path_factory.mktemp("package"))


def test_only_the_api_imports_app_py(repo: Synth) -> None:
    paths = handlers(repo.template)
    assert API_APP_HANDLER in paths
    events = [h for h in paths if h != API_APP_HANDLER]
    assert len(events) >= 17
    assert [h for h in events if h.startswith("app.")] == []


def test_every_handler_path_is_in_the_package_and_imports(repo: Synth, packaged_app: Path) -> None:
    assert problems(packaged_app, handlers(repo.template)) == []


def test_a_handler_path_naming_nothing_fails(packaged_app: Path) -> None:
    assert problems(packaged_app, ["chalicelib.entry.nowhere.sync_dvcqg"]) == [
        "chalicelib.entry.nowhere.sync_dvcqg: chalicelib/entry/nowhere.py is not in the package"]
    assert problems(packaged_app, ["chalicelib.entry.sync.sync_nowhere"]) == [
        "chalicelib.entry.sync.sync_nowhere: chalicelib.entry.sync has no callable 'sync_nowhere'"]


def _tiny_package(root: Path, entry_source: str) -> Path:
    for name, source in {
        "app.py": "from chalicelib.api import routes\napp = routes.handler\n",
        "chalicelib/__init__.py": "",
        "chalicelib/api/__init__.py": "",
        "chalicelib/api/routes.py": "def handler(event, context):\n    return None\n",
        "chalicelib/entry/__init__.py": "",
        "chalicelib/entry/relay.py": entry_source,
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(source)
    return root


def test_an_event_module_that_pulls_the_routes_or_fails_to_import_fails(tmp_path: Path) -> None:
    paths = [API_APP_HANDLER, "chalicelib.entry.relay.relay"]
    lean = _tiny_package(tmp_path / "lean", "def relay(event, context):\n    return None\n")
    assert problems(lean, paths) == []
    heavy = _tiny_package(tmp_path / "heavy", "import app\nrelay = app.app\n")
    assert problems(heavy, paths) == [
        "the event functions' entry modules import the API's modules: app, chalicelib.api, chalicelib.api.routes"]
    broken = _tiny_package(tmp_path / "broken", "import chalicelib.missing\n")
    (found,) = problems(broken, paths)
    assert found.startswith("chalicelib.entry.relay.relay: import chalicelib.entry.relay failed: ModuleNotFoundError")
