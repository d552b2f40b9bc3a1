"""Operator command: a migration run from a shell (docs/migration.md, "Lệnh vận hành").

    python -m chalicelib.migration {validate,dry-run,import,reconcile} --bucket B --prefix P [--sync] [--threads 4]

Runs every chunk of ``s3://B/P/`` with :func:`chalicelib.migration.service.process_chunk` (the function the
Step Functions distributed map's chunk Lambda calls) on a few threads, printing a line as each chunk ends,
then the run's report: counts per unit, status and month, outcomes, refusals by reason and the problems
(chunk, line, old code, error code, message). Uses the stage's settings from the environment, like the
functions. Exit status: 0 no problem and no difference, 1 otherwise, 2 nothing to run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import cast

from chalicelib.domain.statuses import DossierStatus
from chalicelib.migration.mapping import load_mapping
from chalicelib.migration.report import ChunkReport, empty
from chalicelib.migration.service import MODES, Mode, list_chunks, mapping_key, process_chunk


def run(mode: Mode, bucket: str, prefix: str, *, sync: bool = False, threads: int = 4, run_id: str | None = None,
        progress: Callable[[str], None] = print) -> ChunkReport:
    """Every chunk of the run, ``threads`` at a time; the merged report."""
    chunks = list_chunks(bucket, prefix)
    mapping = load_mapping(bucket, mapping_key(prefix))
    run_id = run_id or f"{mode}-{uuid.uuid4().hex[:8]}"
    total = empty(mode)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        futures = {pool.submit(process_chunk, mode, bucket, key, mapping, run_id=run_id, sync=sync): key
                   for key in chunks}
        for done, future in enumerate(as_completed(futures), start=1):
            report = future.result()
            total = total.merge(report)
            outcomes = ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items()))
            progress(f"[{done}/{len(chunks)}] {futures[future]}: {report.records} bản ghi ({outcomes}) — "
                     f"{total.records} bản ghi sau {time.monotonic() - started:.1f} s")
    return total


def render(report: ChunkReport) -> str:
    def table(title: str, counts: dict[str, int], label: Callable[[str], str] = str) -> list[str]:
        return [title] + [f"  {label(k):<40} {v:>8}" for k, v in sorted(counts.items())]

    def status_label(s: str) -> str:
        return f"{s} {DossierStatus(int(s)).label}"

    lines = [f"Chế độ {report.mode}: {report.chunks} tệp, {report.records} bản ghi"]
    lines += table("Kết quả:", report.outcomes)
    if report.refused:
        lines += table("Bị từ chối theo lý do:", report.refused)
    lines += table("Theo đơn vị:", report.by_unit)
    lines += table("Theo trạng thái:", report.by_status, status_label)
    lines += table("Theo tháng nộp:", report.by_month)
    if report.problems:
        lines.append(f"Vấn đề ({len(report.problems)} đầu tiên; {report.problems_dropped} khác chỉ được đếm):")
        lines += [f"  {p.chunk}:{p.line} {p.old_code} [{p.code}] {p.message}" for p in report.problems]
    if report.mode == "reconcile":
        lines.append(f"Khác biệt: {report.differences_count}; tổng kiểm tra {report.checksum or '—'}")
        lines += [f"  {d.old_code} → {d.code or '—'}: {d.field} (dữ liệu cũ {d.expected!r}, hoso {d.found!r})"
                  for d in report.differences]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.migration",
                                     description="Chuyển đổi dữ liệu hồ sơ từ hệ thống cấp tỉnh (SPEC §7.10)")
    parser.add_argument("mode", choices=MODES)
    parser.add_argument("--bucket", required=True, help="bucket chứa dữ liệu trích xuất")
    parser.add_argument("--prefix", required=True, help="thư mục của lần chuyển đổi (các tệp .jsonl, mapping.json)")
    parser.add_argument("--sync", action="store_true", help="đồng bộ các hồ sơ được chuyển lên DVCQG (mặc định: không)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--json", action="store_true", help="in báo cáo dạng JSON")
    args = parser.parse_args(argv)
    if not list_chunks(args.bucket, args.prefix):
        print(f"Không có tệp .jsonl nào trong s3://{args.bucket}/{args.prefix}/", file=sys.stderr)
        return 2
    report = run(cast(Mode, args.mode), args.bucket, args.prefix, sync=args.sync, threads=args.threads)
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else render(report))
    return 0 if not report.refused and not report.differences_count else 1


if __name__ == "__main__":
    sys.exit(main())
