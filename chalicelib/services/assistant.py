"""The officers' virtual assistant (FR-22): answers built from the catalogue and the dossier.

The dossier is read exactly as ``GET /v1/dossiers/{code}`` reads it (``dossiers.visible_dossier``:
another unit's officer gets the same 404), the catalogue through its ``TYPE#`` index, and the
outcomes of the unit's dossiers of the same procedure from the report counters (one Query per
month): nothing here scans. The rules are ``chalicelib.domain.assistant``; the optional
language-model rewording is ``chalicelib.integrations.language_model``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from chalicelib.domain import assistant as rules
from chalicelib.domain import engine
from chalicelib.domain.assistant import Answer, Fact, Intent, Outcomes, ProcedureSheet
from chalicelib.domain.catalogue import OfficerProfile, Procedure
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.process import ProcessDefinition
from chalicelib.errors import not_found
from chalicelib.integrations import language_model
from chalicelib.observability import logger
from chalicelib.reports import aggregates
from chalicelib.reports import store as counters
from chalicelib.reports.report import months
from chalicelib.services import dossiers
from chalicelib.store import catalogue

OUTCOME_MONTHS = 12
LLM_FAILED = "Dịch vụ diễn đạt câu trả lời không dùng được lúc này; câu trả lời dưới đây dựng trực tiếp từ dữ kiện."
LLM_REJECTED = ("Câu trả lời của dịch vụ diễn đạt có nội dung không có trong dữ kiện nên không được hiển thị; câu trả "
                "lời dưới đây dựng trực tiếp từ dữ kiện.")


def _procedure_facts(procedure: Procedure, dossier: Dossier | None) -> dict[Intent, list[Fact]]:
    process: ProcessDefinition | None
    if dossier is not None and dossier.procedure_code == procedure.code:
        process = dossiers.process_of(dossier)  # the version the dossier follows
    else:
        process = catalogue.get_process(procedure.process_code)
    return rules.catalogue_facts(procedure, process)


def outcomes(dossier: Dossier, now: dt.datetime) -> Outcomes:
    """The unit's other dossiers of the same procedure submitted in the last twelve months, by status and by
    outcome, from the report counters (the dossier itself left out)."""
    last = aggregates.month_of(now)
    year, month = (int(x) for x in last.split("-"))
    first_index = year * 12 + month - 1 - (OUTCOME_MONTHS - 1)
    period = months(f"{first_index // 12:04d}-{first_index % 12 + 1:02d}", last)
    cells = counters.read_unit(dossier.unit_code, period)
    by_status: Counter[int] = Counter()
    by_outcome: Counter[str] = Counter()
    for cell, n in cells.counts.items():
        if cell.procedure == dossier.procedure_code:
            by_status[cell.status] += n
            if cell.outcome:
                by_outcome[cell.outcome] += n
    own = aggregates.cell_of(dossier)
    if own.month in period and by_status[own.status] > 0:
        by_status[own.status] -= 1
        if own.outcome and by_outcome[own.outcome] > 0:
            by_outcome[own.outcome] -= 1
    return Outcomes(tuple(period), {s: n for s, n in by_status.items() if n}, dict(by_outcome))


def _dossier_facts(intent: Intent, dossier: Dossier, procedure: Procedure | None, officer: OfficerProfile,
                   now: dt.datetime) -> list[Fact]:
    if intent is Intent.MISSING:
        return rules.missing_facts(dossier, procedure)
    if intent is Intent.NEXT_STEP:
        process = dossiers.process_of(dossier)
        mine = engine.available_actions(dossier, process, officer.roles_in(dossier.unit_code), officer.sub,
                                        separate_duties=dossiers.separate_duties(dossier.procedure_code))
        return rules.next_step_facts(dossier, process, [a for a in mine
                                                        if not dossiers.own_use_case(process.step(dossier.step_id)
                                                                                     .action(a).kind, dossier)])
    if intent is Intent.TIME_LEFT:
        return rules.time_left_facts(dossier, dossiers.calendar_for(dossier.unit_code), now)
    return rules.outcome_facts(dossier, outcomes(dossier, now))


def ask(question: str, dossier_code: str | None, officer: OfficerProfile) -> Answer:
    """Answer ``question``, about the dossier ``dossier_code`` if given (read as the officer reads it)."""
    dossier = dossiers.visible_dossier(dossier_code, officer) if dossier_code else None
    procedures = catalogue.list_procedures()
    index = rules.ProcedureIndex(procedures)
    plan = rules.plan(question, index, dossier.procedure_code if dossier else None)
    procedure = index.procedures.get(plan.procedure_code) if plan.procedure_code else None
    own_procedure = (index.procedures.get(dossier.procedure_code) or catalogue.get_procedure(dossier.procedure_code)
                     if dossier else None)
    now = dossiers.now()
    facts: list[Fact] = []
    catalogue_facts = _procedure_facts(procedure, dossier) if procedure else {}
    for intent in plan.intents:
        if intent.about_dossier:
            assert dossier is not None  # plan() keeps dossier intents only with a dossier
            facts += _dossier_facts(intent, dossier, own_procedure, officer, now)
        else:
            facts += catalogue_facts.get(intent, [])
    facts = list({f.id: f for f in facts}.values())
    answer = Answer(
        question=question, dossier_code=dossier.code if dossier else None,
        procedure_code=procedure.code if procedure else None, procedure_name=procedure.name if procedure else None,
        intents=list(plan.intents), text=rules.compose(facts) if facts else plan.notice, facts=facts,
        mode="retrieval", notice=plan.notice if facts else "",
    )
    model = language_model.configured()
    if model is None or not facts:
        return answer
    try:
        prose = model.reword(question, facts)
    except language_model.LanguageModelUnavailable as err:
        logger.warning("assistant: language model unavailable", extra={"error": str(err)})
        return answer.model_copy(update={"notice": " ".join(filter(None, (answer.notice, LLM_FAILED)))})
    problems = rules.verify(prose, facts, question, rules.all_requirements(procedures))
    if problems:
        logger.warning("assistant: language model's answer rejected", extra={"problems": problems})
        return answer.model_copy(update={"notice": " ".join(filter(None, (answer.notice, LLM_REJECTED)))})
    return answer.model_copy(update={"text": prose, "mode": "llm"})


def sheet(code: str) -> ProcedureSheet:
    """Every catalogue fact of a procedure (what the answers' citations open)."""
    procedure = catalogue.get_procedure(code)
    if procedure is None:
        raise not_found("Không tìm thấy thủ tục.")
    facts = _procedure_facts(procedure, None)
    ordered = [f for intent in (Intent.DOCUMENTS, Intent.FEES, Intent.DEADLINE, Intent.LEGAL_BASIS, Intent.STEPS)
               for f in facts[intent]]
    return ProcedureSheet(code=procedure.code, name=procedure.name, facts=ordered)
