"""Operator command: verify a dossier's hash chain, an anchored day, or one person's personal-data access
log from the terminal.

    python -m chalicelib.integrity.verify <mã hồ sơ> [--json]
    python -m chalicelib.integrity.verify --day YYYY-MM-DD [--json]
    python -m chalicelib.integrity.verify --subject <số định danh> [--json]

Prints what was checked and every fault found (stable code + Vietnamese message), the same as
``GET /v1/admin/integrity/dossiers/{code}``, ``GET /v1/admin/integrity/days/{day}`` and
``POST /v1/admin/integrity/subjects``. Exit status: 0 it holds, 1 it does not, 2 no such dossier or
day not anchored. Uses the stage's settings from the environment, like the functions. (The personal
number is turned into the access log's key with its HMAC key and never printed; an operator's check
is not written to the access log — the API's is.)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from chalicelib.integrity.days import DayIntegrityReport, verify_day
from chalicelib.integrity.model import IntegrityReport
from chalicelib.integrity.service import verify_dossier, verify_subject
from chalicelib.privacy.model import subject_key
from chalicelib.privacy.store import hmac_key


def render(report: IntegrityReport) -> str:
    lines = [report.summary, f"Chuỗi: {report.chain} — {report.events} sự kiện, đầu chuỗi {report.head or '—'}",
             f"Ngày neo gần nhất: {report.last_anchored_day or 'chưa có'}", "Đã kiểm tra:"]
    lines += [f"  - {c}" for c in report.checked]
    if report.findings:
        lines.append("Phát hiện:")
        lines += [f"  [{f.code}] {f.message}" for f in report.findings]
    return "\n".join(lines)


def render_day(report: DayIntegrityReport) -> str:
    lines = [report.summary, f"Gốc Merkle: {report.root} — {report.leaves} đầu chuỗi, dấu thời gian "
             f"{report.timestamped_at or 'không hợp lệ'}", "Đã kiểm tra:"]
    lines += [f"  - {c}" for c in report.checked]
    if report.findings:
        lines.append("Phát hiện:")
        lines += [f"  [{f.code}] {f.message}" for f in report.findings]
    lines.append("Hồ sơ và chủ thể trong ngày:")
    lines += [f"  {'hồ sơ' if c.kind == 'dossier' else 'chủ thể'} {c.ref} (sự kiện {c.seq}): "
              f"{'khớp' if c.holds else 'SAI LỆCH'}" for c in report.chains]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.integrity.verify",
                                     description="Kiểm tra tính toàn vẹn nhật ký: một hồ sơ, một ngày đã neo, hoặc "
                                                 "nhật ký truy cập dữ liệu cá nhân của một người")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("code", nargs="?", help="mã hồ sơ")
    what.add_argument("--day", help="ngày đã neo (YYYY-MM-DD)")
    what.add_argument("--subject", help="số định danh cá nhân của chủ thể dữ liệu")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    args = parser.parse_args(argv)
    if args.day:
        day = verify_day(args.day)
        if day is None:
            print(f"Ngày {args.day} chưa được neo.", file=sys.stderr)
            return 2
        print(day.model_dump_json(indent=2) if args.json else render_day(day))
        return 0 if day.holds else 1
    report = verify_subject(subject_key(hmac_key(), args.subject)) if args.subject else verify_dossier(args.code)
    if report is None:
        print(f"Không tìm thấy hồ sơ {args.code}.", file=sys.stderr)
        return 2
    print(report.model_dump_json(indent=2) if args.json else render(report))
    return 0 if report.holds else 1


if __name__ == "__main__":
    sys.exit(main())
