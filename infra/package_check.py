"""Checks a Lambda deployment zip before it can be deployed: every compiled file (ELF shared
object or executable, Windows or macOS binary, ``.so``/``.pyd``/``.dll``/``.dylib``) must be a
file of a manylinux wheel built for the function's architecture and Python, byte for byte as that
wheel's RECORD lists it, and the unzipped package must fit Lambda's limit. Seed data (the demo
eForms of ``local/eform_samples.py``, anything of the local stack) is not code a function runs and
stays out.

A wheel built on the build machine (``linux_x86_64``: it links the build machine's system
libraries, which Lambda lacks) or for another architecture or Python fails here, not on the first
PDF a citizen asks for.

``python -m infra.package_check ZIP...`` prints the problems and exits non-zero.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import re
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from infra import package

UNZIPPED_LIMIT = 262_144_000  # 250 MB: Lambda's limit for a function's unzipped code and layers
ZIPPED_LIMIT = 262_144_000  # a zip uploaded through S3 (CloudFormation) is bounded by the same figure

ELF_MAGIC = b"\x7fELF"
BINARY_MAGICS = {
    b"MZ": "a Windows (PE) binary",
    b"\xcf\xfa\xed\xfe": "a macOS (Mach-O) binary",
    b"\xce\xfa\xed\xfe": "a macOS (Mach-O) binary",
    b"\xca\xfe\xba\xbe": "a macOS (Mach-O universal) binary",
}
COMPILED_SUFFIX = re.compile(r"\.(so(\.\d+)*|pyd|dll|dylib)$")
ELF_MACHINES = {183: "aarch64", 62: "x86_64", 3: "i386", 40: "arm"}
# The local stack and its seed data (the demo eForms, issue 16 item 3): never in a function's package.
SEED_DATA = re.compile(r"^local/|(^|/)eform_samples\.py$")
LEGACY_MANYLINUX = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}


@dataclass(frozen=True)
class Target:
    machine: str = package.MACHINE  # aarch64 or x86_64
    python: tuple[int, int] = (3, 13)
    glibc: tuple[int, int] = package.RUNTIME_GLIBC

    @property
    def elf_machine(self) -> int:
        return next(k for k, v in ELF_MACHINES.items() if v == self.machine)


_MAJOR, _MINOR = package.PYTHON_VERSION.split(".")
LAMBDA = Target(python=(int(_MAJOR), int(_MINOR)))


@dataclass(frozen=True)
class Wheel:
    dist_info: str
    tags: tuple[str, ...]
    record: dict[str, str]  # path in the zip → "sha256=..." (empty when RECORD gives none)


def _wheels(archive: zipfile.ZipFile) -> list[Wheel]:
    names = set(archive.namelist())
    out = []
    for name in sorted(names):
        if not name.endswith(".dist-info/WHEEL"):
            continue
        dist_info = name.rsplit("/", 1)[0]
        tags = tuple(line.split(":", 1)[1].strip() for line in archive.read(name).decode().splitlines()
                     if line.startswith("Tag:"))
        record: dict[str, str] = {}
        if f"{dist_info}/RECORD" in names:
            for row in csv.reader(io.StringIO(archive.read(f"{dist_info}/RECORD").decode())):
                if row:
                    record[row[0]] = row[1] if len(row) > 1 else ""
        out.append(Wheel(dist_info, tags, record))
    return out


def _glibc(platform: str, machine: str) -> tuple[int, int] | None:
    """The glibc a manylinux platform tag for ``machine`` needs; None if it is not one."""
    if not platform.endswith(f"_{machine}"):
        return None
    base = platform[: -len(machine) - 1]
    if base in LEGACY_MANYLINUX:
        return LEGACY_MANYLINUX[base]
    m = re.fullmatch(r"manylinux_(\d+)_(\d+)", base)
    return (int(m[1]), int(m[2])) if m else None


def tag_fits(tag: str, target: Target) -> bool:
    """A wheel tag (``cp313-cp313-manylinux_2_28_aarch64``) whose binaries run on ``target``."""
    try:
        interpreter, abi, platform = tag.split("-")
    except ValueError:
        return False
    glibc = _glibc(platform, target.machine)
    if glibc is None or glibc > target.glibc:
        return False
    cp = f"cp{target.python[0]}{target.python[1]}"
    if abi == cp:
        return interpreter == cp
    if abi == "abi3":
        m = re.fullmatch(r"cp3(\d+)", interpreter)
        return bool(m) and int(m[1]) <= target.python[1]
    return False


def _binary_kind(head: bytes, name: str) -> str | None:
    if head.startswith(ELF_MAGIC):
        return "ELF"
    for magic, kind in BINARY_MAGICS.items():
        if head.startswith(magic) and (magic != b"MZ" or COMPILED_SUFFIX.search(name) or name.endswith(".exe")):
            return kind
    return "compiled" if COMPILED_SUFFIX.search(name) else None


def _elf_problem(head: bytes, target: Target) -> str | None:
    if len(head) < 20:
        return "a truncated ELF header"
    if head[4] != 2 or head[5] != 1:
        return "not a 64-bit little-endian ELF"
    machine = int.from_bytes(head[18:20], "little")
    if machine != target.elf_machine:
        return f"built for {ELF_MACHINES.get(machine, f'machine {machine}')}, not {target.machine}"
    return None


def _extension_problem(name: str, target: Target) -> str | None:
    """An extension module named for another Python (``.cpython-311-x86_64-linux-gnu.so``)."""
    m = re.search(r"\.cpython-(\d)(\d+)-([a-z0-9_]+)-linux-gnu\.so$", name)
    if m and ((int(m[1]), int(m[2])) != target.python or m[3] != target.machine):
        return f"an extension module for CPython {m[1]}.{m[2]} on {m[3]}"
    return None


def _sha256(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def check_archive(
    archive: zipfile.ZipFile, target: Target = LAMBDA, *, unzipped_limit: int = UNZIPPED_LIMIT
) -> list[str]:
    problems = []
    wheels = _wheels(archive)
    owner = {path: w for w in wheels for path in w.record}
    unzipped = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        unzipped += info.file_size
        if SEED_DATA.search(info.filename):
            problems.append(f"{info.filename}: seed data of the local stack, not code a function runs")
            continue
        with archive.open(info) as f:
            head = f.read(64)
        kind = _binary_kind(head, info.filename)
        if kind is None:
            continue
        where = f"{info.filename} ({kind})"
        wheel = owner.get(info.filename)
        if wheel is None:
            problems.append(f"{where}: not a file of any wheel in the package (built or copied here?)")
            continue
        if not any(tag_fits(t, target) for t in wheel.tags):
            problems.append(
                f"{where}: from {wheel.dist_info}, a wheel tagged {', '.join(wheel.tags) or 'nothing'}: not a "
                f"manylinux wheel for cp{target.python[0]}{target.python[1]} on {target.machine} "
                f"(glibc ≤ {target.glibc[0]}.{target.glibc[1]})"
            )
            continue
        if wheel.record[info.filename] != _sha256(archive.read(info)):
            problems.append(f"{where}: differs from the file {wheel.dist_info}/RECORD lists (changed after install)")
            continue
        detail = _elf_problem(head, target) if kind == "ELF" else f"{kind}, not a Linux ELF"
        detail = detail or _extension_problem(info.filename, target)
        if detail:
            problems.append(f"{where}: {detail}")
    if unzipped > unzipped_limit:
        problems.append(f"unzipped size {unzipped:,} bytes is over Lambda's limit of {unzipped_limit:,}")
    return problems


def check_zip(path: str | os.PathLike[str], target: Target = LAMBDA) -> list[str]:
    problems = []
    if os.path.getsize(path) > ZIPPED_LIMIT:
        problems.append(f"{path}: zip of {os.path.getsize(path):,} bytes is over {ZIPPED_LIMIT:,}")
    with zipfile.ZipFile(path) as archive:
        problems += check_archive(archive, target)
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    paths = list(sys.argv[1:] if argv is None else argv)
    failed = False
    for path in paths:
        for problem in check_zip(path):
            failed = True
            print(f"{path}: {problem}", file=sys.stderr)
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main())
