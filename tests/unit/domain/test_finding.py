"""Finding dossiers: the applicant index's key and the identifier a desk officer types."""

from __future__ import annotations

from chalicelib.domain.dossier import Channel
from chalicelib.domain.finding import OVERDUE_STATUSES, applicant_id_key, channel_of, id_problem

KEY = b"access-log-test-key"


def test_the_index_key_is_an_hmac_of_the_normalised_number() -> None:
    key = applicant_id_key("079190012345", KEY)
    assert len(key) == 64 and "079190012345" not in key
    assert applicant_id_key(" 0791 9001 2345 ", KEY) == key  # spaces typed at the desk do not matter
    assert applicant_id_key("0100109106-001", KEY) == applicant_id_key("0100109106-001 ", KEY)
    assert applicant_id_key("079190012345", b"another key") != key  # without the key it cannot be rebuilt
    assert applicant_id_key("079190012346", KEY) != key


def test_a_personal_number_or_a_tax_code_is_accepted() -> None:
    assert id_problem("079190012345") is None
    assert id_problem("0100109106") is None  # tax code with its check digit
    assert id_problem("0100109106-001") is None  # a branch


def test_a_mistyped_identifier_is_explained() -> None:
    assert id_problem("07919001234") == ("Số định danh cá nhân hoặc mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, "
                                         "dấu “-” và 3 chữ số (đơn vị phụ thuộc), hoặc số định danh cá nhân 12 chữ số.")
    assert id_problem("0100109107") == "Số định danh cá nhân hoặc mã số thuế không đúng (sai chữ số kiểm tra)."
    assert id_problem("0100109106-000") is not None


def test_overdue_counts_only_while_the_clock_runs() -> None:
    assert OVERDUE_STATUSES == (2, 4)  # received, in process; not 5/6 (clock stopped) nor finished ones


def test_channel_of() -> None:
    assert channel_of("post") is Channel.POST
    assert channel_of("fax") is None
