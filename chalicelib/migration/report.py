"""What a mode found in a chunk (and, merged, in a whole run): exact counts and the first problems.

Small enough to store per chunk (a Step Functions map item's result, an S3 object): the counts are
exact; at most :data:`MAX_PROBLEMS` problems and :data:`MAX_DIFFERENCES` differences are kept, the
rest only counted (``problems_dropped``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

MAX_PROBLEMS = 200
MAX_DIFFERENCES = 200

# Outcomes counted per record (``ChunkReport.outcomes``)
MAPPED = "mapped"  # validate / dry-run: the record maps and converts
REFUSED = "refused"  # a problem: not imported (the reason code counted in ``refused``)
IMPORTED = "imported"
ALREADY_IMPORTED = "already_imported"
MATCHED = "matched"  # reconcile: hoso holds the record as converted
DIFFERENCE = "difference"  # reconcile: hoso holds something else, or nothing


class Problem(BaseModel):
    chunk: str = Field(description="Khóa S3 của tệp")
    line: int = Field(description="Số dòng trong tệp (từ 1)")
    old_code: str = Field("", description="Mã hồ sơ cũ")
    code: str = Field(description="Mã lỗi (ổn định)")
    message: str = Field(description="Mô tả bằng tiếng Việt")


class Difference(BaseModel):
    old_code: str
    code: str = Field("", description="Mã hồ sơ trong hoso")
    field: str = Field(description="Trường khác nhau (hoặc 'missing' / 'unexpected')")
    expected: str = ""
    found: str = ""


class ChunkReport(BaseModel):
    mode: str
    chunks: int = 1
    records: int = 0
    outcomes: dict[str, int] = Field(default_factory=dict)
    refused: dict[str, int] = Field(default_factory=dict, description="Số bản ghi bị từ chối theo mã lỗi")
    by_unit: dict[str, int] = Field(default_factory=dict, description="Mã đơn vị hoso → số hồ sơ chuyển được")
    by_status: dict[str, int] = Field(default_factory=dict, description="Trạng thái hoso → số hồ sơ")
    by_month: dict[str, int] = Field(default_factory=dict, description="Tháng nộp (yyyy-mm) → số hồ sơ")
    by_unit_status: dict[str, int] = Field(default_factory=dict, description="'<đơn vị>|<trạng thái>' → số hồ sơ "
                                                                             "(đối soát)")
    checksum: str = Field("", description="XOR của tổng kiểm tra từng hồ sơ (đối soát: giống nhau hai phía)")
    problems: list[Problem] = Field(default_factory=list)
    problems_dropped: int = 0
    differences: list[Difference] = Field(default_factory=list)
    differences_count: int = 0

    def outcome(self, name: str) -> None:
        self.outcomes[name] = self.outcomes.get(name, 0) + 1

    def problem(self, p: Problem) -> None:
        self.outcome(REFUSED)
        self.refused[p.code] = self.refused.get(p.code, 0) + 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(p)
        else:
            self.problems_dropped += 1

    def difference(self, d: Difference) -> None:
        self.differences_count += 1
        if len(self.differences) < MAX_DIFFERENCES:
            self.differences.append(d)

    def count(self, unit: str, status: int, month: str) -> None:
        for table, key in ((self.by_unit, unit), (self.by_status, str(status)), (self.by_month, month),
                           (self.by_unit_status, f"{unit}|{status}")):
            table[key] = table.get(key, 0) + 1

    def add_checksum(self, digest: str) -> None:
        self.checksum = xor_hex(self.checksum, digest)

    def merge(self, other: ChunkReport) -> ChunkReport:
        """The two reports as one (counts added, problems kept up to the cap)."""
        def add(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
            return {k: a.get(k, 0) + b.get(k, 0) for k in sorted(a.keys() | b.keys())}

        problems = (self.problems + other.problems)[:MAX_PROBLEMS]
        differences = (self.differences + other.differences)[:MAX_DIFFERENCES]
        return ChunkReport(
            mode=self.mode, chunks=self.chunks + other.chunks, records=self.records + other.records,
            outcomes=add(self.outcomes, other.outcomes), refused=add(self.refused, other.refused),
            by_unit=add(self.by_unit, other.by_unit), by_status=add(self.by_status, other.by_status),
            by_month=add(self.by_month, other.by_month), by_unit_status=add(self.by_unit_status, other.by_unit_status),
            checksum=xor_hex(self.checksum, other.checksum),
            problems=problems,
            problems_dropped=self.problems_dropped + other.problems_dropped
            + len(self.problems) + len(other.problems) - len(problems),
            differences=differences, differences_count=self.differences_count + other.differences_count,
        )

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChunkReport:
        return cls.model_validate(data)


def empty(mode: str) -> ChunkReport:
    """The neutral report to merge a run's chunks into."""
    return ChunkReport(mode=mode, chunks=0)


def xor_hex(a: str, b: str) -> str:
    """Order-independent combination of hex digests ("" is the neutral element)."""
    if not a:
        return b
    if not b:
        return a
    return f"{int(a, 16) ^ int(b, 16):064x}"
