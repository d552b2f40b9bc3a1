"""The Lambda package: built from requirements.lock as manylinux wheels for the functions' runtime
and architecture, checked file by file (infra.package_check), every function on that runtime."""

from __future__ import annotations

import ast
import base64
import hashlib
import importlib.metadata
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest

from infra import package
from infra.package_check import LAMBDA, Target, check_archive, check_zip
from infra.resources import REPO_ROOT
from tests.infra.conftest import Synth

# ------------------------------------------------------------------ the check, on hand-made zips

AARCH64, X86_64 = 183, 62


def _elf(machine: int) -> bytes:
    """The start of a 64-bit little-endian ELF shared object for ``machine``."""
    return b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8) + (3).to_bytes(2, "little") + machine.to_bytes(2, "little")


def _hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _zip(tmp_path: Path, tag: str | None, files: dict[str, bytes], *, loose: dict[str, bytes] | None = None,
         tampered: str | None = None) -> Path:
    """A package with one wheel ``demo`` (tagged ``tag``) installed, plus ``loose`` files of no
    wheel; ``tampered`` names a wheel file changed after install."""
    path = tmp_path / "package.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("app.py", "import demo\n")
        if tag is not None:
            record = [f"{name},{_hash(data)},{len(data)}" for name, data in files.items()]
            z.writestr("demo-1.0.dist-info/WHEEL", f"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: {tag}\n")
            z.writestr("demo-1.0.dist-info/RECORD", "\n".join([*record, "demo-1.0.dist-info/RECORD,,"]) + "\n")
            for name, data in files.items():
                z.writestr(name, data + b"changed" if name == tampered else data)
        for name, data in (loose or {}).items():
            z.writestr(name, data)
    return path


SO = "demo/_speed.cpython-313-aarch64-linux-gnu.so"


def test_an_aarch64_manylinux_wheel_for_the_runtime_passes(tmp_path: Path) -> None:
    files = {SO: _elf(AARCH64), "demo/__init__.py": b"", "demo.libs/libz-1a2b.so.1.3": _elf(AARCH64)}
    assert check_zip(_zip(tmp_path, "cp313-cp313-manylinux_2_28_aarch64", files)) == []
    assert check_zip(_zip(tmp_path, "cp39-abi3-manylinux2014_aarch64", {"demo/_rust.abi3.so": _elf(AARCH64)})) == []


def test_a_wheel_built_on_the_build_machine_fails(tmp_path: Path) -> None:
    """The Pillow case: ``pip`` compiled a linux_x86_64 wheel against this machine's libraries."""
    so = "PIL/_imaging.cpython-313-x86_64-linux-gnu.so"
    (problem,) = check_zip(_zip(tmp_path, "cp313-cp313-linux_x86_64", {so: _elf(X86_64)}))
    assert problem.startswith(so) and "cp313-cp313-linux_x86_64" in problem and "not a manylinux wheel" in problem


@pytest.mark.parametrize(
    "tag",
    [
        "cp313-cp313-manylinux_2_28_x86_64",  # the other architecture
        "cp311-cp311-manylinux_2_28_aarch64",  # another Python
        "cp313-cp313-manylinux_2_39_aarch64",  # a newer glibc than the runtime's
        "cp313-cp313-musllinux_1_2_aarch64",  # another C library
        "py3-none-any",  # a "pure" wheel with a binary inside
        "cp314-abi3-manylinux_2_28_aarch64",  # stable ABI from a newer Python
    ],
)
def test_a_wheel_for_another_platform_fails(tmp_path: Path, tag: str) -> None:
    (problem,) = check_zip(_zip(tmp_path, tag, {SO: _elf(AARCH64)}))
    assert tag in problem


def test_a_binary_of_another_machine_inside_a_wheel_tagged_aarch64_fails(tmp_path: Path) -> None:
    (problem,) = check_zip(_zip(tmp_path, "cp313-cp313-manylinux_2_28_aarch64", {SO: _elf(X86_64)}))
    assert "built for x86_64, not aarch64" in problem


def test_an_extension_module_named_for_another_python_fails(tmp_path: Path) -> None:
    so = "demo/_speed.cpython-311-aarch64-linux-gnu.so"
    (problem,) = check_zip(_zip(tmp_path, "cp313-cp313-manylinux_2_28_aarch64", {so: _elf(AARCH64)}))
    assert "CPython 3.11" in problem


def test_binaries_of_no_wheel_fail_whatever_their_name(tmp_path: Path) -> None:
    loose = {"vendor_build/_fast.so": _elf(AARCH64), "bin/tool": _elf(AARCH64), "demo/helper.pyd": b"MZ\x90\x00"}
    problems = check_zip(_zip(tmp_path, None, {}, loose=loose))
    assert sorted(p.split(" ")[0] for p in problems) == sorted(loose)
    assert all("not a file of any wheel" in p for p in problems)


def test_a_wheel_file_changed_after_install_fails(tmp_path: Path) -> None:
    (problem,) = check_zip(_zip(tmp_path, "cp313-cp313-manylinux_2_28_aarch64", {SO: _elf(AARCH64)}, tampered=SO))
    assert "differs from the file" in problem


@pytest.mark.parametrize("name", ["chalicelib/domain/eform_samples.py", "local/eform_samples.py", "local/seed.py"])
def test_seed_data_in_the_package_fails(tmp_path: Path, name: str) -> None:
    problems = check_zip(_zip(tmp_path, None, {}, loose={name: b"KHAI_SINH = None\n"}))
    assert problems == [f"{name}: seed data of the local stack, not code a function runs"]


def test_a_package_over_the_unzipped_limit_fails(tmp_path: Path) -> None:
    with zipfile.ZipFile(_zip(tmp_path, None, {})) as archive:
        size = sum(i.file_size for i in archive.infolist())
        assert check_archive(archive, LAMBDA, unzipped_limit=size) == []
        (problem,) = check_archive(archive, LAMBDA, unzipped_limit=size - 1)
    assert "over Lambda's limit" in problem


def test_the_target_is_the_functions_runtime_and_architecture() -> None:
    assert LAMBDA == Target(machine="aarch64", python=(3, 13), glibc=(2, 34))
    assert (package.RUNTIME, package.ARCHITECTURE) == ("python3.13", "arm64")


# ------------------------------------------------------------------ the lock

def _read(name: str) -> str:
    return (REPO_ROOT / name).read_text()


def test_the_lock_pins_every_top_level_requirement_with_hashes() -> None:
    assert package.lock_problems(_read(package.REQUIREMENTS), _read(package.LOCK)) == []


def test_a_lock_that_disagrees_with_requirements_is_refused() -> None:
    lock = "pydantic==2.14.3 \\\n    --hash=sha256:aa\nsix==1.17.0\n"
    requirements = "pydantic==2.14.3\nPyJWT[crypto]==2.15.1\nholidays>=0.100\n"
    problems = package.lock_problems(requirements, lock)
    assert any("pyjwt==2.15.1 is in requirements.txt but not in requirements.lock" in p for p in problems)
    assert any("'holidays>=0.100' is not pinned" in p for p in problems)
    assert any("six has no --hash" in p for p in problems)
    assert package.lock_problems("pydantic==2.14.4\n", lock.replace("six==1.17.0\n", "")) == [
        "pydantic: requirements.txt says 2.14.4, requirements.lock says 2.14.3"
    ]


def test_a_synth_refuses_a_project_whose_lock_is_stale(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("pydantic==2.14.3\n")
    with pytest.raises(package.LockError, match="requirements.lock is missing"):
        package.check_lock(tmp_path)
    (tmp_path / "requirements.lock").write_text("pydantic==2.14.2 \\\n    --hash=sha256:aa\n")
    with pytest.raises(package.LockError, match="make lock"):
        package.check_lock(tmp_path)


def test_the_tests_run_the_versions_lambda_runs() -> None:
    """Local tests (Python 3.11) import the same release of every locked package that the
    Lambda package ships for Python 3.13: a dev tool pulling another version fails here."""
    installed = {}
    for name in package.pins(_read(package.LOCK)):
        try:
            installed[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed[name] = None
    assert installed == package.pins(_read(package.LOCK))


# Standard-library modules that Python 3.12 and 3.13 removed (PEP 594, PEP 632, imp): fine
# on the tests' Python 3.11, missing on Lambda's.
REMOVED_BY_313 = {
    "aifc", "asynchat", "asyncore", "audioop", "cgi", "cgitb", "chunk", "crypt", "distutils", "imghdr", "imp",
    "lib2to3", "mailcap", "msilib", "nis", "nntplib", "ossaudiodev", "pipes", "smtpd", "sndhdr", "spwd", "sunau",
    "telnetlib", "uu", "xdrlib",
}


def test_the_app_imports_nothing_the_lambda_python_removed() -> None:
    used = set()
    for path in [REPO_ROOT / "app.py", *(REPO_ROOT / "chalicelib").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                used |= {(a.name.split(".")[0], path.name) for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                used.add((node.module.split(".")[0], path.name))
    assert {u for u in used if u[0] in REMOVED_BY_313} == set()


# ------------------------------------------------------------------ the synthesised package

def _functions(s: Synth) -> dict[str, dict]:
    return s.resources("AWS::Serverless::Function")


def _code_zips(s: Synth) -> list[Path]:
    keys = {f["Properties"]["CodeUri"]["Key"] for f in _functions(s).values()}
    return [s.path.parent / f"asset.{key}" for key in sorted(keys)]


def test_every_function_runs_the_chosen_runtime_on_arm64(repo: Synth) -> None:
    settings = {name: (f["Properties"].get("Runtime"), f["Properties"].get("Architectures"))
                for name, f in _functions(repo).items()}
    assert len(settings) >= 10
    assert set(map(str, settings.values())) == {str(("python3.13", ["arm64"]))}


def test_snapstart_on_exactly_the_functions_that_publish_versions(repo: Synth) -> None:
    """SnapStart snapshots published versions (AutoPublishAlias): a function publishing them
    without it would import the app on every cold start; SnapStart without them does nothing."""
    for name, f in _functions(repo).items():
        p = f["Properties"]
        expected = {"ApplyOn": "PublishedVersions"} if "AutoPublishAlias" in p else None
        assert p.get("SnapStart") == expected, name


@pytest.mark.parametrize("publishes_versions", [True, False])
def test_configure_runtime_sets_snapstart_with_published_versions(publishes_versions: bool) -> None:
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    stack = cdk.Stack(cdk.App())
    function = cdk.CfnResource(stack, "Fn", type="AWS::Serverless::Function", properties={"Handler": "app.app"})
    package.configure_runtime(function, publishes_versions=publishes_versions)
    (props,) = [r["Properties"] for r in Template.from_stack(stack).to_json()["Resources"].values()]
    assert props["Runtime"] == "python3.13" and props["Architectures"] == ["arm64"]
    assert props.get("SnapStart") == ({"ApplyOn": "PublishedVersions"} if publishes_versions else None)


def test_the_lambda_zip_holds_only_manylinux_binaries_for_its_runtime(repo: Synth) -> None:
    (code,) = _code_zips(repo)
    assert check_zip(code) == []


def test_the_lambda_zip_ships_exactly_the_locked_releases(repo: Synth) -> None:
    (code,) = _code_zips(repo)
    with zipfile.ZipFile(code) as archive:
        shipped = {}
        for name in archive.namelist():
            if name.endswith(".dist-info/METADATA") and name.count("/") == 1:
                headers = HeaderParser().parsestr(archive.read(name).decode())
                shipped[package.normalise(headers["Name"])] = headers["Version"]
        assert {"app.py", "chalicelib/__init__.py"} <= set(archive.namelist())
        assert not [n for n in archive.namelist() if "eform_samples" in n or n.startswith("local/")]
    assert shipped == package.pins(_read(package.LOCK))
