"""The officer index's key for a personal number (issue 12, item 12): an HMAC under the access
log's key — stable, never the number, different per key, and not the applicant index's key."""

from __future__ import annotations

from chalicelib.domain.finding import applicant_id_key
from chalicelib.domain.officers import officer_number_key, pending_sub, personal_number_problem

NUMBER = "079190001234"


def test_the_key_is_a_stable_hmac_never_the_number() -> None:
    key = officer_number_key(NUMBER, b"k1")
    assert key == officer_number_key(" 0791 9000 1234 ", b"k1")
    assert len(key) == 64 and NUMBER not in key
    assert key != officer_number_key(NUMBER, b"k2")
    assert key != officer_number_key("079190001235", b"k1")


def test_the_officer_key_cannot_be_joined_with_the_applicant_index() -> None:
    assert officer_number_key(NUMBER, b"k1") != applicant_id_key(NUMBER, b"k1")


def test_pending_subject_and_number_problems() -> None:
    assert pending_sub("ab") == "pending-ab"
    assert personal_number_problem(NUMBER) is None
    assert personal_number_problem("07919000123") == "Số định danh cá nhân phải gồm đúng 12 chữ số."
    assert personal_number_problem("999190001234") == (
        "Số định danh cá nhân có mã nơi đăng ký khai sinh 999 không tồn tại.")
