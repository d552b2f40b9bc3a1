"""The officers' virtual assistant (FR-22) as pure rules: facts, retrieval, intents, answers.

Everything the assistant says is a :class:`Fact` built from hoso's own data — a catalogue entry
(a procedure's documents, fees, deadline, legal basis, process steps) or the dossier in front of
the officer (what is missing, what is next, how long is left, how dossiers of the same procedure
ended). An answer is the facts, numbered, each with its source and a link; its prose is either
composed from the facts (:func:`compose`) or a language model's rewording of them that
:func:`verify` accepts — every figure, every catalogue requirement and every content word of
the prose must come from the facts given, otherwise the composed answer is shown.

Retrieval is deterministic and local: questions and catalogue text are folded (lower case, no
diacritics, "đ" → "d": the same folding as the web app's ``fold.ts`` and
:func:`chalicelib.domain.dossier.search_key`), intents are phrase rules, and procedures are
ranked by BM25 over their name, field, documents and fees.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from chalicelib.domain.calendar import VN_TZ, WorkingCalendar, ensure_aware
from chalicelib.domain.catalogue import Procedure
from chalicelib.domain.dossier import Dossier, search_key
from chalicelib.domain.process import ProcessDefinition
from chalicelib.domain.statuses import DossierStatus, overdue_label

MAX_QUESTION = 500
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CITATION = re.compile(r"\[\d+\]")


class FactKind(enum.StrEnum):
    PROCEDURE = "procedure"
    DOCUMENT = "document"
    FEE = "fee"
    DEADLINE = "deadline"
    LEGAL_BASIS = "legal_basis"
    STEP = "step"
    MISSING = "missing"
    NEXT_STEP = "next_step"
    TIME_LEFT = "time_left"
    OUTCOMES = "outcomes"


class Intent(enum.StrEnum):
    """What a question asks. The first five are about a procedure; the rest about the dossier."""

    DOCUMENTS = "documents"
    FEES = "fees"
    DEADLINE = "deadline"
    LEGAL_BASIS = "legal_basis"
    STEPS = "steps"
    MISSING = "missing"
    NEXT_STEP = "next_step"
    TIME_LEFT = "time_left"
    OUTCOMES = "outcomes"

    @property
    def about_dossier(self) -> bool:
        return self in _DOSSIER_INTENTS


_DOSSIER_INTENTS = frozenset({Intent.MISSING, Intent.NEXT_STEP, Intent.TIME_LEFT, Intent.OUTCOMES})

# Folded phrases → intent. Longest phrases win: "con bao lau" (time left) before "bao lau" (deadline).
INTENT_PHRASES: dict[str, Intent] = {
    **dict.fromkeys(("giay to", "thanh phan", "ho so gom", "can nop", "can nhung gi", "can gi", "tai lieu",
                     "mang theo", "nop nhung gi"), Intent.DOCUMENTS),
    **dict.fromkeys(("phi", "le phi", "bao nhieu tien", "chi phi", "nop tien", "mat tien"), Intent.FEES),
    **dict.fromkeys(("thoi han", "bao lau", "may ngay", "bao nhieu ngay", "thoi gian giai quyet",
                     "han giai quyet"), Intent.DEADLINE),
    **dict.fromkeys(("can cu", "phap ly", "nghi dinh", "thong tu", "luat", "van ban quy dinh"),
                    Intent.LEGAL_BASIS),
    **dict.fromkeys(("quy trinh", "cac buoc", "trinh tu", "nhung buoc", "buoc nao"), Intent.STEPS),
    **dict.fromkeys(("thieu", "con thieu", "chua nop", "chua du", "du chua", "da du"), Intent.MISSING),
    **dict.fromkeys(("tiep theo", "buoc tiep", "lam gi", "xu ly tiep", "viec tiep"), Intent.NEXT_STEP),
    **dict.fromkeys(("con bao lau", "con may ngay", "qua han", "con han", "het han", "han tra", "hen tra",
                     "thoi gian con lai"), Intent.TIME_LEFT),
    **dict.fromkeys(("tuong tu", "truoc day", "ty le", "dung han", "thong ke", "cung thu tuc", "ho so khac",
                     "ket qua giai quyet"), Intent.OUTCOMES),
}

# Folded words that carry no subject: never used to rank procedures.
STOPWORDS = frozenset(
    "a ai anh ban bao cac can cho chi co cua da de di duoc gi gom hay ho hoi khi khong la lam minh mot nay nao "
    "nhieu nhu nhung o oi ong phai ra roi sao so the thi thu toi trong tuc va vay ve voi xin".split()
)

# Words a reworded answer may use besides the facts' and the question's own words: how Vietnamese
# prose joins facts, and nothing that could name a requirement, an amount or a time.
GLUE_WORDS = frozenset(
    "a ban bao cac can chi cho co cu cua da danh day de den do duoc dung gi gom hay ho khi khong la luu "
    "muc moi mot nay neu nhu nhung phai sau so tai theo thi thu tin toi tra trong tuc va vao ve voi xin "
    "y anh chi ong ba tom lai ngoai ra cau loi duoi dang cung thong bao sau them".split()
)


def fold(text: str) -> str:
    """Lower case, no diacritics, "đ" read as "d", punctuation as spaces."""
    return " ".join(_WORD.findall(search_key(text)))


def words(text: str) -> list[str]:
    return _WORD.findall(search_key(text))


def terms(text: str) -> list[str]:
    """Ranking terms: the folded words that are not stopwords, and each pair of adjacent ones."""
    kept = [w for w in words(text) if w not in STOPWORDS]
    return kept + [f"{a}_{b}" for a, b in zip(kept, kept[1:], strict=False)]


def figures(text: str) -> set[str]:
    """The numbers a text states ("20.000" → "20000", "15/08/2026" → "15", "8", "2026"), citations aside."""
    out = set()
    for raw in _NUMBER.findall(_CITATION.sub(" ", text)):
        digits = re.sub(r"[.,]", "", raw)
        out.add(str(int(digits)))
    return out


def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def when(moment: dt.datetime) -> str:
    return f"{ensure_aware(moment).astimezone(VN_TZ):%H:%M %d/%m/%Y}"


class Fact(BaseModel):
    """One thing the assistant may say, with where it comes from."""

    id: str = Field(description="Mã của dữ kiện, ổn định: thủ tục, loại, mục")
    kind: FactKind
    text: str = Field(description="Dữ kiện, một câu tiếng Việt dựng từ dữ liệu")
    source: str = Field(description="Nguồn: mục danh mục hoặc trường của hồ sơ")
    link: str = Field(description="Đường dẫn trong ứng dụng tới nguồn (#/…)")
    requirement: str = Field("", description="Yêu cầu (giấy tờ, khoản phí) dữ kiện nêu, nếu có")


class Answer(BaseModel):
    """The assistant's answer: prose, and the facts it stands on (cited as [n], in order)."""

    question: str
    dossier_code: str | None = Field(None, description="Hồ sơ được hỏi (nếu có)")
    procedure_code: str | None = Field(None, description="Thủ tục có dữ kiện danh mục được dùng (nếu có)")
    procedure_name: str | None = None
    intents: list[Intent] = Field(description="Câu hỏi được hiểu là hỏi về")
    text: str = Field(description="Câu trả lời; [n] là dữ kiện thứ n trong facts")
    facts: list[Fact]
    mode: Literal["retrieval", "llm"] = Field(
        description="retrieval: dựng trực tiếp từ dữ kiện; llm: diễn đạt lại bởi dịch vụ mô hình ngôn ngữ và đã "
                    "kiểm tra không thêm yêu cầu, số liệu nào ngoài dữ kiện")
    notice: str = Field("", description="Lưu ý cho cán bộ (không tìm thấy thủ tục, trợ lý ngôn ngữ không dùng được…)")


class ProcedureSheet(BaseModel):
    """Every catalogue fact of a procedure: what the assistant's citations link to."""

    code: str
    name: str
    facts: list[Fact]


# --- intents ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    intents: tuple[Intent, ...]
    rest: str  # the folded question without the intent phrases: what names the procedure


def parse(question: str) -> Parsed:
    """Intents in the order their phrases first appear; the rest of the question for ranking."""
    text = f" {fold(question)} "
    found: list[tuple[int, Intent]] = []
    for phrase in sorted(INTENT_PHRASES, key=lambda p: (-len(p), p)):
        needle = f" {phrase} "
        at = text.find(needle)
        while at >= 0:
            found.append((at, INTENT_PHRASES[phrase]))
            text = text[:at] + " " + "#" * (len(needle) - 2) + " " + text[at + len(needle):]
            at = text.find(needle)
    intents = tuple(dict.fromkeys(intent for _, intent in sorted(found, key=lambda f: f[0])))
    return Parsed(intents, " ".join(w for w in text.split() if not w.startswith("#")))


# --- retrieval over the catalogue ---------------------------------------------------------


def procedure_text(procedure: Procedure) -> list[str]:
    """A procedure's ranking terms: code, name and field weigh three times its documents and fees."""
    head = terms(f"{procedure.code} {procedure.name} {procedure.field_name}")
    body = terms(" ".join([*(d.name for d in procedure.required_documents), *(f.name for f in procedure.fees)]))
    return head * 3 + body


class ProcedureIndex:
    """BM25 (k1 1.2, b 0.75) over the catalogue's procedures."""

    K1, B = 1.2, 0.75

    def __init__(self, procedures: Iterable[Procedure]) -> None:
        self.procedures = {p.code: p for p in procedures}
        self.docs = {code: Counter(procedure_text(p)) for code, p in self.procedures.items()}
        self.lengths = {code: sum(c.values()) for code, c in self.docs.items()}
        self.average = (sum(self.lengths.values()) / len(self.lengths)) if self.lengths else 0.0
        frequency: Counter[str] = Counter()
        for counts in self.docs.values():
            frequency.update(counts.keys())
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}

    def rank(self, query: str, question: str = "") -> list[tuple[str, float]]:
        """Procedures with a positive score, best first (ties by code). A procedure whose whole name
        the ``question`` says gets two points a word of it ("đăng ký thường trú" is not "xóa đăng ký
        thường trú"), one whose code it says ten."""
        wanted = set(terms(query))
        said = f" {fold(question)} "
        scores = []
        for code, counts in self.docs.items():
            name = fold(self.procedures[code].name)
            score = 2.0 * len(name.split()) if f" {name} " in said else 0.0
            score += 10.0 if code in question else 0.0
            for term in wanted:
                tf = counts.get(term, 0)
                if tf:
                    norm = self.K1 * (1 - self.B + self.B * self.lengths[code] / self.average)
                    score += self.idf[term] * tf * (self.K1 + 1) / (tf + norm)
            if score > 0:
                scores.append((code, score))
        return sorted(scores, key=lambda s: (-s[1], s[0]))


def entry_link(procedure_code: str, entry: str) -> str:
    return f"#/tro-ly/thu-tuc/{procedure_code}?muc={entry}"


def _source(procedure: Procedure, section: str) -> str:
    return f"Danh mục · {procedure.code} {procedure.name} · {section}"


def catalogue_facts(procedure: Procedure, process: ProcessDefinition | None) -> dict[Intent, list[Fact]]:
    """Every catalogue fact of a procedure, by the intent that asks for it."""
    code = procedure.code

    def fact(kind: FactKind, entry: str, section: str, text: str, requirement: str = "") -> Fact:
        return Fact(id=f"{code}/{entry}", kind=kind, text=text, source=_source(procedure, section),
                    link=entry_link(code, entry), requirement=requirement)

    docs = [fact(FactKind.DOCUMENT, f"thanh-phan-{d.code}", "Thành phần hồ sơ",
                 f"Thành phần hồ sơ: {d.name} ({'bắt buộc' if d.required else 'không bắt buộc'}, {d.copies}).",
                 d.name) for d in procedure.required_documents]
    if not docs:
        docs = [fact(FactKind.DOCUMENT, "thanh-phan", "Thành phần hồ sơ",
                     "Danh mục không ghi thành phần hồ sơ nào cho thủ tục này.")]
    collected = {"on_receipt": "thu khi tiếp nhận", "after_appraisal": "thu sau thẩm định",
                 "on_delivery": "thu khi trả kết quả"}
    fees = [fact(FactKind.FEE, f"phi-{f.code}", "Phí, lệ phí",
                 f"{f.name}: {money(f.amount)} ({'phí' if f.kind == '2' else 'lệ phí'}, "
                 f"{collected.get(f.collected, f.collected)}).", f.name) for f in procedure.fees]
    if not fees:
        fees = [fact(FactKind.FEE, "phi", "Phí, lệ phí", "Danh mục không ghi khoản phí, lệ phí nào cho thủ tục này.")]
    if procedure.legal_deadline is not None:
        deadline_text = f"Thời hạn giải quyết: {procedure.legal_deadline.label}" + (
            "; hồ sơ tiếp nhận sau 15 giờ được tính từ ngày làm việc tiếp theo." if procedure.cutoff_15h else ".")
    else:
        deadline_text = "Danh mục không ghi thời hạn giải quyết cho thủ tục này."
    deadline = [fact(FactKind.DEADLINE, "thoi-han", "Thời hạn giải quyết", deadline_text)]
    legal = [fact(FactKind.LEGAL_BASIS, f"can-cu-{i + 1}", "Căn cứ pháp lý", f"Căn cứ pháp lý: {basis}.")
             for i, basis in enumerate(procedure.legal_basis)]
    if not legal:
        legal = [fact(FactKind.LEGAL_BASIS, "can-cu", "Căn cứ pháp lý",
                      "Danh mục chưa ghi căn cứ pháp lý cho thủ tục này.")]
    steps: list[Fact] = []
    if process is not None:
        for i, step in enumerate(process.steps):
            limit = f", thời hạn {step.deadline.label}" if step.deadline else ""
            steps.append(fact(FactKind.STEP, f"buoc-{step.id}", f"Quy trình {process.code} phiên bản {process.version}",
                              f"Bước {i + 1}: {step.name} ({step.role.label}{limit})."))
    return {Intent.DOCUMENTS: docs, Intent.FEES: fees, Intent.DEADLINE: deadline, Intent.LEGAL_BASIS: legal,
            Intent.STEPS: steps}


# --- the dossier in front of the officer ------------------------------------------------------


def dossier_link(code: str) -> str:
    return f"#/ho-so/{code}"


def _dossier_fact(dossier: Dossier, kind: FactKind, entry: str, field: str, text: str,
                  requirement: str = "", link: str = "") -> Fact:
    return Fact(id=f"{dossier.code}/{entry}", kind=kind, text=text, source=f"Hồ sơ {dossier.code} · {field}",
                link=link or dossier_link(dossier.code), requirement=requirement)


def submitted_components(dossier: Dossier) -> set[str]:
    """The component codes the dossier holds: received at the desk, or attached as a submitted paper."""
    held = {c.code for c in dossier.received_components}
    held |= {d.component_code for d in dossier.documents
             if d.kind == "submitted" and not d.deleted and d.component_code}
    return held


def missing_facts(dossier: Dossier, procedure: Procedure | None) -> list[Fact]:
    """What the dossier lacks against its procedure's catalogue entry: required components, unpaid
    fees, an open supplement request."""
    out: list[Fact] = []
    held = submitted_components(dossier)
    required = [d for d in procedure.required_documents if d.required] if procedure else []
    for doc in required:
        if doc.code not in held:
            out.append(_dossier_fact(
                dossier, FactKind.MISSING, f"thieu-{doc.code}", "Thành phần hồ sơ",
                f"Hồ sơ chưa có thành phần bắt buộc: {doc.name} (mã {doc.code}).", doc.name,
                entry_link(dossier.procedure_code, f"thanh-phan-{doc.code}")))
    for fee in dossier.fees:
        if not fee.paid:
            out.append(_dossier_fact(dossier, FactKind.MISSING, f"phi-{fee.code}", "Phí, lệ phí",
                                     f"Chưa nộp: {fee.name} {money(fee.amount)}.", fee.name))
    for round_ in dossier.supplements:
        if round_.received_at is None:
            out.append(_dossier_fact(dossier, FactKind.MISSING, f"bo-sung-{round_.id}", "Yêu cầu bổ sung",
                                     f"Đang chờ công dân bổ sung: {round_.content}"))
    if not out:
        text = (f"Hồ sơ đã có đủ {len(required)} thành phần bắt buộc theo danh mục và không còn khoản phí chưa nộp."
                if procedure else "Không tìm thấy thủ tục của hồ sơ trong danh mục để đối chiếu thành phần.")
        out.append(_dossier_fact(dossier, FactKind.MISSING, "du", "Thành phần hồ sơ", text))
    return out


def next_step_facts(dossier: Dossier, process: ProcessDefinition, mine: Sequence[str]) -> list[Fact]:
    """Where the dossier stands and what comes next; ``mine``: the action ids this officer may take now."""
    step = process.step(dossier.step_id)
    names = {s.id: s.name for s in process.steps}
    out = [_dossier_fact(dossier, FactKind.NEXT_STEP, "buoc", "Bước hiện tại",
                         f"Hồ sơ đang ở bước «{step.name}» ({step.role.label}), trạng thái "
                         f"«{DossierStatus(dossier.status).label}».")]
    if dossier.finished_at is not None or not step.actions:
        out.append(_dossier_fact(dossier, FactKind.NEXT_STEP, "ket-thuc", "Bước hiện tại",
                                 "Quy trình của hồ sơ không còn bước xử lý tiếp theo."))
        return out
    labels = [f"«{a.label}» (sang bước «{names.get(a.to_step, a.to_step)}»)" for a in step.actions if a.id in mine]
    if labels:
        out.append(_dossier_fact(dossier, FactKind.NEXT_STEP, "thao-tac", "Thao tác được phép",
                                 "Bạn có thể thực hiện: " + "; ".join(labels) + "."))
    else:
        out.append(_dossier_fact(dossier, FactKind.NEXT_STEP, "thao-tac", "Thao tác được phép",
                                 f"Bước này do {step.role.label} thực hiện; bạn không có thao tác nào ở bước này."))
    return out


def time_left_facts(dossier: Dossier, calendar: WorkingCalendar, now: dt.datetime) -> list[Fact]:
    """How long is left, in the unit's working time, against the dossier's and the step's deadlines."""
    if dossier.finished_at is not None:
        appointment = f" (hạn {when(dossier.due_at)})" if dossier.due_at else ""
        return [_dossier_fact(dossier, FactKind.TIME_LEFT, "xong", "Thời điểm hoàn thành",
                              f"Hồ sơ đã xử lý xong lúc {when(dossier.finished_at)}{appointment}.")]
    if dossier.paused_at is not None:
        return [_dossier_fact(dossier, FactKind.TIME_LEFT, "tam-dung", "Thời hạn xử lý",
                              f"Thời hạn đang tạm dừng từ {when(dossier.paused_at)} (chờ bổ sung hoặc nghĩa vụ "
                              "tài chính); thời hạn được tính lại khi hồ sơ được bổ sung đầy đủ.")]
    out = []
    deadlines: tuple[tuple[str, str, dt.datetime | None], ...] = (
        ("han", "Ngày hẹn trả kết quả", dossier.due_at), ("han-buoc", "Hạn của bước hiện tại", dossier.step_due_at))
    for entry, field, due in deadlines:
        if due is None:
            continue
        minutes = calendar.working_minutes_between(now, due)
        hours, rest = divmod(abs(minutes), 60)
        span = f"{hours} giờ {rest} phút làm việc"
        state = f"còn {span}" if minutes >= 0 else f"đã quá {span}"
        out.append(_dossier_fact(dossier, FactKind.TIME_LEFT, entry, field,
                                 f"{field}: {overdue_label(due, now, calendar)} ({state}, tính theo lịch làm việc "
                                 "của đơn vị)."))
    if not out:
        out.append(_dossier_fact(dossier, FactKind.TIME_LEFT, "han", "Ngày hẹn trả kết quả",
                                 "Hồ sơ chưa có ngày hẹn trả kết quả (chưa tiếp nhận hoặc thủ tục không có thời hạn)."))
    return out


@dataclass(frozen=True)
class Outcomes:
    """Counts of a unit's dossiers of one procedure over some months (the report counters)."""

    months: tuple[str, ...]
    by_status: Mapping[int, int]
    by_outcome: Mapping[str, int]  # early | on_time | late, resolved dossiers only


def outcome_facts(dossier: Dossier, outcomes: Outcomes) -> list[Fact]:
    total = sum(outcomes.by_status.values())
    span = f"{outcomes.months[0][5:]}/{outcomes.months[0][:4]} đến {outcomes.months[-1][5:]}/{outcomes.months[-1][:4]}"
    link = f"#/tim-kiem?thu_tuc={dossier.procedure_code}"  # the unit's dossiers of the procedure
    if total == 0:
        return [_dossier_fact(dossier, FactKind.OUTCOMES, "tuong-tu", "Báo cáo của đơn vị",
                              f"Từ tháng {span}, đơn vị không có hồ sơ nào khác của thủ tục này.", link=link)]
    parts = [f"{n} {DossierStatus(status).label.lower()}" for status, n in sorted(outcomes.by_status.items()) if n]
    out = [_dossier_fact(dossier, FactKind.OUTCOMES, "tuong-tu", "Báo cáo của đơn vị",
                         f"Từ tháng {span}, đơn vị có {total} hồ sơ khác của thủ tục này: " + ", ".join(parts) + ".",
                         link=link)]
    resolved = sum(outcomes.by_outcome.values())
    if resolved:
        labels = {"early": "trước hạn", "on_time": "đúng hạn", "late": "quá hạn"}
        split = ", ".join(f"{outcomes.by_outcome.get(k, 0)} {label}" for k, label in labels.items())
        out.append(_dossier_fact(dossier, FactKind.OUTCOMES, "dung-han", "Báo cáo của đơn vị",
                                 f"Trong {resolved} hồ sơ đã giải quyết: {split}.", link=link))
    return out


# --- answers ------------------------------------------------------------------------------


def compose(facts: Sequence[Fact]) -> str:
    """The answer's prose straight from the facts, each sentence citing its fact."""
    return " ".join(f"{f.text} [{i + 1}]" for i, f in enumerate(facts))


def verify(prose: str, facts: Sequence[Fact], question: str, requirements: Iterable[str]) -> list[str]:
    """Why ``prose`` may not be shown as an answer built on ``facts`` (empty: it may).

    - every number it states is a number of the facts (amounts, days, dates, counts);
    - every citation [n] names one of the facts;
    - every requirement of the catalogue (``requirements``: all documents and fees) it names is one
      the facts state;
    - every word it uses is a word of the facts, their sources, the question, or joining prose.
    """
    problems: list[str] = []
    known = set().union(*(figures(f.text) for f in facts)) if facts else set()
    invented = sorted(figures(prose) - known)
    if invented:
        problems.append(f"số liệu không có trong dữ kiện: {', '.join(invented)}")
    cited = {int(c[1:-1]) for c in _CITATION.findall(prose)}
    if any(n < 1 or n > len(facts) for n in cited):
        problems.append("trích dẫn không có trong dữ kiện")
    if not cited and facts:
        problems.append("không trích dẫn dữ kiện nào")
    text = f" {fold(prose)} "
    stated = " ".join(f" {fold(f.text)} " for f in facts)
    catalogue = {fold(r) for r in requirements} - {""}
    for name in sorted((r for r in catalogue if f" {r} " in stated), key=len, reverse=True):
        text = text.replace(f" {name} ", " ")  # what the facts say may be said
    named = sorted(r for r in catalogue if f" {r} " in text)
    if named:
        problems.append(f"yêu cầu không có trong dữ kiện: {'; '.join(named)}")
    vocabulary = set(GLUE_WORDS) | set(words(question))
    for f in facts:
        vocabulary.update(words(f.text))
        vocabulary.update(words(f.source))
    unknown = sorted({w for w in words(_CITATION.sub(" ", prose)) if not w.isdigit()} - vocabulary)
    if unknown:
        problems.append(f"từ ngữ không có trong dữ kiện: {', '.join(unknown[:10])}")
    return problems


# --- which facts answer a question ------------------------------------------------------------

NAMED_SCORE = 2.0  # a procedure named in a question asked on a dossier of another procedure
NO_PROCEDURE = ("Không tìm thấy thủ tục nào trong danh mục khớp với câu hỏi. Hãy nêu tên hoặc mã thủ tục, "
                "ví dụ: «Đăng ký khai sinh cần giấy tờ gì?».")
DOSSIER_ONLY = "Câu hỏi về một hồ sơ cụ thể (còn thiếu gì, bước tiếp theo, còn bao lâu): hãy hỏi từ trang hồ sơ."


@dataclass(frozen=True)
class Plan:
    procedure_code: str | None  # whose catalogue facts answer; None: none matched
    intents: tuple[Intent, ...]
    notice: str = ""


def plan(question: str, index: ProcedureIndex, dossier_procedure: str | None) -> Plan:
    """The procedure and the intents that answer ``question``; ``dossier_procedure``: the procedure of
    the dossier it is asked about, if any."""
    parsed = parse(question)
    ranked = index.rank(parsed.rest, question)
    if dossier_procedure is not None:
        scores = dict(ranked)
        best = ranked[0] if ranked else None
        named = (best is not None and best[0] != dossier_procedure and best[1] >= NAMED_SCORE
                 and scores.get(dossier_procedure, 0.0) < best[1] / 2)
        procedure: str | None = best[0] if named and best else dossier_procedure
        intents = parsed.intents or (Intent.MISSING, Intent.NEXT_STEP, Intent.TIME_LEFT)
        return Plan(procedure, intents)
    procedure = ranked[0][0] if ranked else None
    wanted = tuple(i for i in parsed.intents if not i.about_dossier)
    notice = DOSSIER_ONLY if len(wanted) < len(parsed.intents) else ""
    if procedure is None:
        return Plan(None, (), notice or NO_PROCEDURE)
    if not wanted:
        wanted = (Intent.DOCUMENTS, Intent.FEES, Intent.DEADLINE)
    return Plan(procedure, wanted, notice)


def all_requirements(procedures: Iterable[Procedure]) -> set[str]:
    """Every requirement the catalogue knows: documents and fees of every procedure."""
    out: set[str] = set()
    for p in procedures:
        out.update(d.name for d in p.required_documents)
        out.update(f.name for f in p.fees)
    return out
