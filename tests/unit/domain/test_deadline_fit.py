"""The process checker's warning (issue 12, item 2): a procedure whose legal deadline is shorter
than the steps of its process add up to is named, with both figures."""

from __future__ import annotations

from chalicelib.domain.calendar import Duration
from chalicelib.domain.process import DEFAULT_PROCESS, deadline_fit, longest_counted_path

DAY = 450  # working minutes in the default office day (7:30–11:30, 13:30–17:00)


def test_a_one_day_procedure_on_the_default_process_is_warned_with_both_figures():
    warning = deadline_fit(DEFAULT_PROCESS, "1.001193", "Đăng ký khai sinh", Duration.of_working_days(1))
    assert warning is not None and warning.procedure_code == "1.001193"
    assert warning.legal_minutes == DAY
    total, path = longest_counted_path(DEFAULT_PROCESS)  # type: ignore[misc]
    assert warning.steps_minutes == total > 8 * DAY and warning.step_ids == path and "tham_dinh" in path
    assert "1.001193" in warning.message and "Đăng ký khai sinh" in warning.message
    assert "1 ngày làm việc" in warning.message and "Thẩm định" in warning.message


def test_a_procedure_whose_deadline_fits_gets_no_warning():
    total, _ = longest_counted_path(DEFAULT_PROCESS)  # type: ignore[misc]
    assert deadline_fit(DEFAULT_PROCESS, "1.000105", "Giấy phép", Duration.of_working_days(15)) is None
    assert total <= 15 * DAY
    assert deadline_fit(DEFAULT_PROCESS, "1.000105", "Giấy phép", Duration.of_working_days(total // DAY)) is not None


def test_no_legal_deadline_or_untimed_process_warns_nothing():
    assert deadline_fit(DEFAULT_PROCESS, "x", "x", None) is None
    untimed = DEFAULT_PROCESS.model_copy(update={"steps": tuple(s.model_copy(update={"deadline": None})
                                                                 for s in DEFAULT_PROCESS.steps)})
    assert deadline_fit(untimed, "x", "x", Duration.of_working_hours(1)) is None
