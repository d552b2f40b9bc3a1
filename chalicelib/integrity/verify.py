"""Operator command: verify a dossier's hash chain (and its anchors) from the terminal.

    python -m chalicelib.integrity.verify <mã hồ sơ> [--json]

Prints what was checked and every fault found (stable code + Vietnamese message), the same as
``GET /v1/admin/integrity/dossiers/{code}``. Exit status: 0 the history holds, 1 it does not,
2 no such dossier. Uses the stage's settings from the environment, like the functions.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from chalicelib.integrity.model import IntegrityReport
from chalicelib.integrity.service import verify_dossier


def render(report: IntegrityReport) -> str:
    lines = [report.summary, f"Chuỗi: {report.chain} — {report.events} sự kiện, đầu chuỗi {report.head or '—'}",
             f"Ngày neo gần nhất: {report.last_anchored_day or 'chưa có'}", "Đã kiểm tra:"]
    lines += [f"  - {c}" for c in report.checked]
    if report.findings:
        lines.append("Phát hiện:")
        lines += [f"  [{f.code}] {f.message}" for f in report.findings]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.integrity.verify",
                                     description="Kiểm tra tính toàn vẹn nhật ký xử lý của một hồ sơ")
    parser.add_argument("code", help="mã hồ sơ")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    args = parser.parse_args(argv)
    report = verify_dossier(args.code)
    if report is None:
        print(f"Không tìm thấy hồ sơ {args.code}.", file=sys.stderr)
        return 2
    print(report.model_dump_json(indent=2) if args.json else render(report))
    return 0 if report.holds else 1


if __name__ == "__main__":
    sys.exit(main())
