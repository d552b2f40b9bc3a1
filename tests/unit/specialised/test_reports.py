"""The rules a specialised software's reports must follow (``chalicelib.specialised.reports``)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from chalicelib.domain.dossier import Applicant, Dossier
from chalicelib.errors import HosoError
from chalicelib.flows import chains
from chalicelib.specialised import reports
from local.seed import default_process

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
PROCESS = default_process()


def _dossier(step: str, status: int, process_code: str = "QT-MAC-DINH") -> Dossier:
    return Dossier(code="000.00.13.H29-260302-0001", procedure_code="1.001193", procedure_name="Đăng ký khai sinh",
                   unit_code="000.00.13.H29", channel="desk", applicant=Applicant(name="Nguyễn Văn An", kind="1",
                   id_number="079203001234"), status=status, step_id=step, process_code=process_code,
                   process_version=1, submitted_at=NOW, step_started_at=NOW, created_at=NOW,
                   updated_at=NOW)  # fmt: skip


def _report(**fields: object) -> reports.StatusReportIn:
    return reports.StatusReportIn.model_validate(
        {"event_id": "E-1", "action": "trinh", "from_step": "tham_dinh", "status": 4, **fields})


def test_a_report_that_mirrors_the_process_gives_its_action() -> None:
    assert reports.check_status_report(_dossier("tham_dinh", 4), PROCESS, _report()).id == "trinh"
    refusal = _report(action="tu_choi", from_step="phe_duyet", status=8, reason="Không đủ điều kiện.")
    assert reports.check_status_report(_dossier("phe_duyet", 4), PROCESS, refusal).to_step == "dung_xu_ly"


@pytest.mark.parametrize(("report", "code", "status"), [
    (_report(from_step="phan_cong"), "SPECIALISED_STEP_MISMATCH", 409),
    (_report(action="phe_duyet"), "SPECIALISED_ACTION_NOT_AT_STEP", 409),
    (_report(status=9), "INVALID_DATA", 422),
])  # fmt: skip
def test_a_report_that_does_not_mirror_the_process_is_refused(report: reports.StatusReportIn, code: str,
                                                              status: int) -> None:  # fmt: skip
    with pytest.raises(HosoError) as err:
        reports.check_status_report(_dossier("tham_dinh", 4), PROCESS, report)
    assert (err.value.code, err.value.status) == (code, status)


def test_the_step_mismatch_says_where_the_dossier_is_and_the_unknown_action_what_is_offered() -> None:
    with pytest.raises(HosoError) as err:
        reports.check_status_report(_dossier("duyet_phong", 4), PROCESS, _report())
    assert err.value.extra == {"current": {"step": "duyet_phong", "status": 4}}
    with pytest.raises(HosoError) as err:
        reports.check_status_report(_dossier("tham_dinh", 4), PROCESS, _report(action="khong_co"))
    assert "trinh" in err.value.extra["available"] and "phan_cong_lai" in err.value.extra["available"]


def test_the_coordinators_actions_are_never_a_softwares() -> None:
    process = chains.lien_thong_process()
    report = _report(action=chains.COMPLETE_ACTION, from_step="lien_thong", status=9)
    with pytest.raises(HosoError) as err:
        reports.check_status_report(_dossier("lien_thong", 4, process.code), process, report)
    assert err.value.code == "SPECIALISED_ACTION_NOT_ALLOWED"
    with pytest.raises(HosoError) as err:  # nor does it see them offered
        reports.check_status_report(_dossier("lien_thong", 4, process.code), process, _report(
            action="khong_co", from_step="lien_thong"))
    assert err.value.extra["available"] == ["rut_ho_so"]


@pytest.mark.parametrize(("status", "allowed"), [(1, False), (2, True), (3, False), (4, True), (5, False),
                                                 (6, True), (7, False), (8, False), (9, True), (10, False)])
def test_results_come_in_only_while_the_dossier_is_being_handled(status: int, allowed: bool) -> None:
    dossier = _dossier("tham_dinh", status)
    if allowed:
        reports.check_results_allowed(dossier)
    else:
        with pytest.raises(HosoError, match="SPECIALISED_RESULTS_NOT_ALLOWED"):
            reports.check_results_allowed(dossier)


def test_the_same_report_has_the_same_fingerprint_and_document_ids() -> None:
    a, b = _report(), _report(reason="khác")
    assert reports.fingerprint("status", "X", a) == reports.fingerprint("status", "X", _report())
    assert reports.fingerprint("status", "X", a) != reports.fingerprint("status", "X", b)
    assert reports.fingerprint("status", "X", a) != reports.fingerprint("status", "Y", a)
    assert reports.result_document_id("c", "E-1", 0) == reports.result_document_id("c", "E-1", 0)
    assert len({reports.result_document_id(c, e, i) for c in "cd" for e in ("E-1", "E-2") for i in (0, 1)}) == 8


@pytest.mark.parametrize("bad", [{"event_id": ""}, {"event_id": "a b"}, {"event_id": "x" * 101}, {"status": 11},
                                 {"action": "Có Dấu"}, {"unknown": 1}])
def test_malformed_reports_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _report(**bad)
