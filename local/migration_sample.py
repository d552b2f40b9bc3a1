"""A sample province's old one-stop system export (docs/migration.md, "Dữ liệu mẫu"): deterministic,
realistic, with a few deliberately bad records for ``validate`` to report.

    python -m local.migration_sample --dossiers 3000 --out DIR|s3://bucket/prefix [--chunk-size 500] [--seed 7]

TP. Hồ Chí Minh's old system (three old receiving units, all now hoso's unit 000.00.13.H29) with the
seeded catalogue's procedures (local/seed.py) on the default process: dossiers submitted over six months
before the export, in every status (submitted online and not received, received, at each processing
step, supplement asked, fees awaited, result issued, delivered, refused, withdrawn, stopped), each with
its history and its files (small real PDFs; a result PDF for the finished ones). Old codes are the
national format for dossiers DVCQG knows (online), the old system's own otherwise.

The deliberately bad records (:data:`BAD`): an unknown procedure, an unmapped status, an invalid personal
number, a document whose SHA-256 does not match its file, and a second record with an old code already
used — each named with the error code ``validate`` must give.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.domain.calendar import VN_TZ, Duration, WorkingCalendar
from chalicelib.domain.identifiers import tax_check_digit
from local.simulators.accounts import DEMO_ACCOUNTS, HCMC_UNIT

EXPORTED_AT = dt.datetime(2026, 6, 30, 17, 30, tzinfo=VN_TZ)
FIRST_DAY = dt.date(2026, 1, 5)
SOURCE = "Hệ thống một cửa điện tử TP. Hồ Chí Minh (cũ)"
OLD_UNITS = {"STTTT-HCM": HCMC_UNIT, "SKHCN-HCM": HCMC_UNIT, "SKHCN-TD": HCMC_UNIT}
# old procedure code → (hoso's code, legal working days, component code of the declaration)
PROCEDURES = {
    "HCM-HT-01": ("1.001193", 1, "TK-KS"),
    "HCM-CT-02": ("1.004222", 7, "CT01"),
    "HCM-CT-05": ("1.003197", 1, "CT01"),
    "HCM-BHXH-11": ("1.002076", 5, "GCT"),
    "HCM-BX-03": ("1.000105", 15, "DDN"),
}
ORGANISATION_PROCEDURES = {"HCM-BX-03"}
# old status → (hoso status, step of the default process)
STATUSES: dict[str, tuple[int, str]] = {
    "CHO_TIEP_NHAN": (1, "cho_tiep_nhan"),
    "DA_TIEP_NHAN": (2, "chuyen_xu_ly"),
    "CHO_PHAN_CONG": (4, "phan_cong"),
    "DANG_THAM_DINH": (4, "tham_dinh"),
    "CHO_DUYET_PHONG": (4, "duyet_phong"),
    "CHO_PHE_DUYET": (4, "phe_duyet"),
    "CHO_PHAT_HANH": (4, "phat_hanh"),
    "CHO_BO_SUNG": (5, "cho_bo_sung"),
    "CHO_NOP_PHI": (6, "cho_nop_phi"),
    "DA_CO_KET_QUA": (9, "tra_ket_qua"),
    "DA_TRA_KET_QUA": (10, "da_tra_ket_qua"),
    "KHONG_TIEP_NHAN": (3, "khong_tiep_nhan"),
    "DA_RUT": (7, "da_rut_ho_so"),
    "DUNG_XU_LY": (8, "dung_xu_ly"),
}
ACTIONS = {
    "CHO_TIEP_NHAN": ("desk", "Nộp hồ sơ trực tuyến"), "DA_TIEP_NHAN": ("desk", "Tiếp nhận hồ sơ"),
    "CHO_PHAN_CONG": ("desk", "Chuyển phòng chuyên môn"), "DANG_THAM_DINH": ("head", "Phân công thụ lý"),
    "CHO_DUYET_PHONG": ("appraiser", "Trình lãnh đạo phòng"), "CHO_PHE_DUYET": ("head", "Trình lãnh đạo đơn vị"),
    "CHO_PHAT_HANH": ("leader", "Phê duyệt"), "CHO_BO_SUNG": ("appraiser", "Yêu cầu bổ sung hồ sơ"),
    "CHO_NOP_PHI": ("appraiser", "Yêu cầu nộp phí"), "DA_CO_KET_QUA": ("clerk", "Phát hành kết quả"),
    "DA_TRA_KET_QUA": ("desk", "Trả kết quả"), "KHONG_TIEP_NHAN": ("desk", "Từ chối tiếp nhận"),
    "DA_RUT": ("desk", "Rút hồ sơ theo yêu cầu"), "DUNG_XU_LY": ("leader", "Từ chối giải quyết"),
}
MAIN_PATH = ["DA_TIEP_NHAN", "CHO_PHAN_CONG", "DANG_THAM_DINH", "CHO_DUYET_PHONG", "CHO_PHE_DUYET", "CHO_PHAT_HANH",
             "DA_CO_KET_QUA", "DA_TRA_KET_QUA"]
# final old status → weight (a province's mix: most dossiers delivered, some of every other kind)
FINAL_WEIGHTS = {
    "DA_TRA_KET_QUA": 44, "DA_CO_KET_QUA": 8, "KHONG_TIEP_NHAN": 3, "DA_RUT": 3, "DUNG_XU_LY": 3,
    "CHO_TIEP_NHAN": 3, "DA_TIEP_NHAN": 4, "CHO_PHAN_CONG": 4, "DANG_THAM_DINH": 12, "CHO_DUYET_PHONG": 3,
    "CHO_PHE_DUYET": 4, "CHO_PHAT_HANH": 2, "CHO_BO_SUNG": 4, "CHO_NOP_PHI": 3,
}
IN_FLIGHT = {"CHO_TIEP_NHAN", "DA_TIEP_NHAN", "CHO_PHAN_CONG", "DANG_THAM_DINH", "CHO_DUYET_PHONG", "CHO_PHE_DUYET",
             "CHO_PHAT_HANH", "CHO_BO_SUNG", "CHO_NOP_PHI"}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hoàng", "Quang", "Thu", "Đức", "Kim"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Khoa", "Lan", "Long", "Mai", "Nam", "Nhung",
         "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vy", "Yến"]
STREETS = ["Nguyễn Huệ", "Lê Lợi", "Hai Bà Trưng", "Điện Biên Phủ", "Cách Mạng Tháng Tám", "Võ Văn Tần"]
# The bad records: what each is, and the error code validate must report for it.
BAD = {
    "unknown_procedure": "MIGRATION_UNKNOWN_PROCEDURE",
    "unmapped_status": "MIGRATION_UNMAPPED_STATUS",
    "invalid_personal_number": "MIGRATION_INVALID_PERSONAL_NUMBER",
    "document_checksum": "MIGRATION_DOCUMENT_CHECKSUM",
    "duplicate_code": "MIGRATION_DUPLICATE_CODE",
}


def _officers() -> dict[str, tuple[str, str]]:
    """Old officer codes of TP HCM's demo officers: code → (hoso sub, name), one per role."""
    out: dict[str, tuple[str, str]] = {}
    for account in DEMO_ACCOUNTS:
        if account["unit_code"] == HCMC_UNIT and account["role"] in ("desk", "head", "appraiser", "leader", "clerk"):
            out[f"CB-{account['role'].upper()}"] = (account["sub"], account["HoVaTen"])
    return out


OFFICERS = _officers()


def mapping(exported_at: dt.datetime = EXPORTED_AT) -> dict[str, Any]:
    """The mapping tables (``mapping.json``)."""
    return {
        "source": SOURCE, "province_code": "79", "exported_at": exported_at.isoformat(),
        "units": dict(OLD_UNITS), "procedures": {old: p[0] for old, p in PROCEDURES.items()},
        "statuses": {old: {"status": s, "step": step} for old, (s, step) in STATUSES.items()},
        "officers": {old: sub for old, (sub, _) in OFFICERS.items()},
    }


def pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF (Helvetica, ASCII text: the accents stripped)."""
    def ascii_text(s: str) -> str:
        import unicodedata
        flat = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
        return "".join(c for c in flat if ord(c) < 128).replace("\\", "/").replace("(", "[").replace(")", "]")

    text = "BT /F1 14 Tf 56 780 Td (" + ascii_text(title) + ") Tj /F1 10 Tf"
    for line in lines:
        text += " 0 -18 Td (" + ascii_text(line) + ") Tj"
    stream = (text + " ET").encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@dataclass
class Sample:
    """The export: chunks of JSON Lines (name → lines), files (relative key → bytes), the mapping tables,
    and the deliberately bad records (old code → the error code validate reports)."""

    chunks: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    mapping: dict[str, Any] = field(default_factory=dict)
    bad: list[tuple[str, str]] = field(default_factory=list)  # (old code, error code) of each bad record
    statuses: dict[int, int] = field(default_factory=dict)  # hoso status → good records

    @property
    def records(self) -> int:
        return sum(len(lines) for lines in self.chunks.values())

    @property
    def good(self) -> int:
        return self.records - len(self.bad)


class _Generator:
    def __init__(self, seed: int, namespace: str) -> None:
        self.rng = random.Random(seed)  # noqa: S311 — sample data, not crypto
        self.calendar = WorkingCalendar()
        self.namespace = namespace
        self.serial = 0
        self.national: dict[dt.date, int] = {}

    def name(self) -> str:
        r = self.rng
        return f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"

    def personal_number(self) -> str:
        r = self.rng
        century = r.choice("0123")  # born in the 1900s (0 male, 1 female) or the 2000s (2, 3)
        year = r.randint(40, 99) if century in "01" else r.randint(0, 8)
        return f"079{century}{year:02d}{r.randint(0, 999999):06d}"

    def tax_code(self) -> str:
        while True:
            first9 = f"03{self.rng.randint(0, 9_999_999):07d}"
            digit = tax_check_digit(first9)
            if digit is not None:
                return f"{first9}{digit}"

    def moment(self, start: dt.datetime, hours: float) -> dt.datetime:
        return self.calendar.add(start, Duration.of_minutes(int(hours * 60)))

    def old_code(self, online: bool, received: dt.datetime) -> str:
        self.serial += 1
        if online:  # DVCQG knows it by the national code: <unit>-<yymmdd>-<seq>
            day = received.date()
            self.national[day] = self.national.get(day, 0) + 1
            return f"{HCMC_UNIT}-{day:%y%m%d}-{self.namespace}{self.national[day]:03d}"
        return f"{self.namespace}HCM-{received:%Y}-{self.serial:06d}"

    def path(self, final: str) -> list[str]:
        """The old statuses a dossier went through to ``final`` (after its receipt or online submission)."""
        r = self.rng
        if final == "KHONG_TIEP_NHAN":
            return ["KHONG_TIEP_NHAN"]
        if final == "CHO_TIEP_NHAN":
            return []
        if final in ("CHO_BO_SUNG", "CHO_NOP_PHI"):
            return MAIN_PATH[:3] + [final]
        if final == "DA_RUT":
            return MAIN_PATH[:r.randint(1, 3)] + ["DA_RUT"]
        if final == "DUNG_XU_LY":
            return MAIN_PATH[:5] + ["DUNG_XU_LY"]
        path = MAIN_PATH[:MAIN_PATH.index(final) + 1]
        if len(path) > 4 and r.random() < 0.15:  # a supplement round on the way
            path = path[:3] + ["CHO_BO_SUNG", "DANG_THAM_DINH"] + path[3:]
        return path

    def dossier(self, prefix_files: dict[str, bytes]) -> tuple[dict[str, Any], str]:
        r = self.rng
        final = r.choices(list(FINAL_WEIGHTS), weights=list(FINAL_WEIGHTS.values()))[0]
        old_proc = r.choice(list(PROCEDURES))
        hoso_proc, legal_days, component = PROCEDURES[old_proc]
        online = final in ("CHO_TIEP_NHAN", "KHONG_TIEP_NHAN") or r.random() < 0.4
        path = self.path(final)
        # in-flight dossiers are recent; finished ones anywhere in the six months
        if final in IN_FLIGHT:
            day = EXPORTED_AT.date() - dt.timedelta(days=r.randint(1, 12))
        else:
            day = FIRST_DAY + dt.timedelta(days=r.randint(0, (EXPORTED_AT.date() - FIRST_DAY).days - 20))
        submitted = self.calendar.next_working_moment(
            dt.datetime.combine(day, dt.time(r.randint(7, 16), r.choice((0, 15, 30, 45))), tzinfo=VN_TZ))
        steps: list[tuple[str, dt.datetime]] = []
        at = submitted
        if online:
            steps.append(("CHO_TIEP_NHAN", at))
        for status in path:
            gap = r.uniform(0.2, 2.0) if not online or steps[-1][0] != "CHO_TIEP_NHAN" else r.uniform(0.5, 6.0)
            if status == "DANG_THAM_DINH" and steps and steps[-1][0] == "CHO_BO_SUNG":
                gap = r.uniform(4, 24)  # the applicant takes a while to supplement
            at = self.moment(at, gap) if steps or online else at
            steps.append((status, at))
        if steps and steps[-1][1] > EXPORTED_AT:  # keep the whole history before the export
            shift = steps[-1][1] - EXPORTED_AT + dt.timedelta(days=1)
            steps = [(s, t - shift) for s, t in steps]
            submitted -= shift
        received = next((t for s, t in steps if s == "DA_TIEP_NHAN"), None)
        if not online and received is None and final not in ("CHO_TIEP_NHAN", "KHONG_TIEP_NHAN"):
            received = submitted
        if received is not None and not online:
            submitted = received
        finished = next((t for s, t in steps if s in ("DA_CO_KET_QUA", "KHONG_TIEP_NHAN", "DA_RUT", "DUNG_XU_LY")),
                        None)
        delivered = next((t for s, t in steps if s == "DA_TRA_KET_QUA"), None)
        code = self.old_code(online, received or submitted)
        organisation = old_proc in ORGANISATION_PROCEDURES
        applicant = {
            "name": f"Công ty TNHH {self.name()}" if organisation else self.name(),
            "kind": "2" if organisation else "1",
            "id_number": self.tax_code() if organisation else self.personal_number(),
            "phone": f"09{r.randint(0, 99_999_999):08d}",
            "address": f"{r.randint(1, 300)} {r.choice(STREETS)}, Phường Bến Nghé, TP. Hồ Chí Minh",
        }
        history = []
        for status, t in steps:
            role, label = ACTIONS[status]
            officer = f"CB-{role.upper()}"
            history.append({"at": t.isoformat(), "officer": "" if status == "CHO_TIEP_NHAN" else officer,
                            "officer_name": "" if status == "CHO_TIEP_NHAN" else OFFICERS[officer][1],
                            "action": label, "status": status,
                            "note": "Thiếu bản sao giấy tờ chứng minh chỗ ở" if status == "CHO_BO_SUNG" else ""})
        files = []
        content = pdf(f"To khai - ho so {code}", [f"Nguoi nop: {applicant['name']}", f"Thu tuc: {hoso_proc}",
                                                    f"Ngay nop: {submitted:%d/%m/%Y}"])
        key = f"files/{hashlib.sha256(code.encode()).hexdigest()[:16]}/1.pdf"
        prefix_files[key] = content
        files.append({"name": "Tờ khai", "component_code": component, "kind": "submitted", "s3_key": key,
                      "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)})
        result = None
        if final in ("DA_CO_KET_QUA", "DA_TRA_KET_QUA") and finished is not None:
            number = f"{self.serial}/{finished:%Y}/KQ-{old_proc}"
            content = pdf(f"Ket qua giai quyet {number}", [f"Ho so {code}", f"Ngay {finished:%d/%m/%Y}"])
            key = f"files/{hashlib.sha256(code.encode()).hexdigest()[:16]}/2.pdf"
            prefix_files[key] = content
            files.append({"name": "Kết quả giải quyết", "kind": "result", "s3_key": key,
                          "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)})
            result = {"number": number, "issued_at": finished.isoformat()}
        assigned = any(s in ("DANG_THAM_DINH", "CHO_BO_SUNG", "CHO_NOP_PHI") for s, _ in steps)
        record = {
            "old_code": code, "unit": r.choice(list(OLD_UNITS)), "procedure": old_proc, "status": final,
            "channel": "online" if online else "desk", "applicant": applicant,
            "summary": f"Hồ sơ {hoso_proc} của {applicant['name']}",
            "form_data": {"ho_ten": applicant["name"], "so_giay_to": applicant["id_number"]},
            "submitted_at": submitted.isoformat(), "received_at": received.isoformat() if received else None,
            "due_at": self.calendar.appointment(received, Duration.of_working_days(legal_days)).isoformat()
            if received else None,
            "finished_at": finished.isoformat() if finished else None,
            "delivered_at": delivered.isoformat() if delivered else None,
            "officer": "CB-APPRAISER" if assigned else "", "history": history, "documents": files, "result": result,
        }
        if online:
            record["dvcqg_ref"] = f"G22.{self.namespace}{self.serial:08d}"
        return record, final


def generate(dossiers: int, *, seed: int = 7, chunk_size: int = 500, namespace: str = "") -> Sample:
    """The sample export of ``dossiers`` records (the bad ones among them), deterministic for ``seed``.
    ``namespace`` prefixes every old code (two samples with different namespaces share no dossier)."""
    if dossiers < 3 * len(BAD):  # each bad record copies a good one of its own
        raise ValueError(f"a sample has at least {3 * len(BAD)} dossiers")
    gen = _Generator(seed, namespace)
    sample = Sample(mapping=mapping())
    records: list[dict[str, Any]] = []
    finals: list[str] = []
    for _ in range(dossiers - len(BAD)):
        record, final = gen.dossier(sample.files)
        records.append(record)
        finals.append(final)
    # the bad ones, each a copy of a good one with one thing wrong, right after it (all in the first chunk)
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    for n, (what, error) in reversed(list(enumerate(BAD.items()))):
        source = records[n * 2]
        bad = json.loads(json.dumps(source))
        bad["old_code"] = f"{source['old_code']}-X{n}"
        if what == "unknown_procedure":
            bad["procedure"] = "HCM-XX-99"
        elif what == "unmapped_status":
            bad["status"] = "TAM_DUNG_LIEN_THONG"
            if bad["history"]:
                bad["history"][-1]["status"] = "TAM_DUNG_LIEN_THONG"
        elif what == "invalid_personal_number":
            bad["applicant"]["kind"] = "1"
            bad["applicant"]["id_number"] = "07919001234"
        elif what == "document_checksum":
            bad["documents"][0]["sha256"] = hashlib.sha256(b"another file").hexdigest()
        elif what == "duplicate_code":
            bad["old_code"] = source["old_code"]
            bad["summary"] = "Bản ghi trùng mã hồ sơ cũ"
        sample.bad.append((bad["old_code"], error))
        lines.insert(n * 2 + 1, json.dumps(bad, ensure_ascii=False))
    for i in range(0, len(lines), chunk_size):
        sample.chunks[f"dossiers-{i // chunk_size + 1:05d}.jsonl"] = lines[i:i + chunk_size]
    for final in finals:
        status = STATUSES[final][0]
        sample.statuses[status] = sample.statuses.get(status, 0) + 1
    return sample


def _objects(sample: Sample) -> Iterator[tuple[str, bytes]]:
    yield "mapping.json", json.dumps(sample.mapping, ensure_ascii=False, indent=2).encode()
    for name, lines in sample.chunks.items():
        yield name, ("\n".join(lines) + "\n").encode()
    yield from sample.files.items()


def write_dir(sample: Sample, out: Path) -> None:
    for name, body in _objects(sample):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)


def upload(sample: Sample, bucket: str, prefix: str, s3: Any = None) -> None:
    """Put the sample under ``s3://bucket/prefix/`` (the chunks, mapping.json and the files)."""
    if s3 is None:
        from chalicelib.aws import client
        s3 = client("s3")
    for name, body in _objects(sample):
        s3.put_object(Bucket=bucket, Key=f"{prefix.rstrip('/')}/{name}", Body=body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.migration_sample",
                                     description="Sinh dữ liệu mẫu của hệ thống một cửa cũ một tỉnh (chuyển đổi)")
    parser.add_argument("--dossiers", type=int, default=3000)
    parser.add_argument("--out", required=True, help="thư mục, hoặc s3://bucket/prefix")
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    sample = generate(args.dossiers, seed=args.seed, chunk_size=args.chunk_size)
    if args.out.startswith("s3://"):
        bucket, _, prefix = args.out[5:].partition("/")
        upload(sample, bucket, prefix)
    else:
        write_dir(sample, Path(args.out))
    print(f"{sample.records} hồ sơ ({len(sample.bad)} bản ghi lỗi cố ý), {len(sample.chunks)} tệp, "
          f"{len(sample.files)} tài liệu → {args.out}")
    for code, error in sample.bad:
        print(f"  {error}: {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
