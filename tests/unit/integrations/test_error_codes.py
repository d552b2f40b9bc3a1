"""Issue 17 item 8: every integer-valued zero of DVCQG's ``error_code`` (``0``, ``"0"``,
``"00"``, …) means success — deployed systems (OpenCPS) answer ``"00"`` — and nothing else does."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.integrations.dvcqg import is_ok, is_zero


@given(st.integers(), st.integers(min_value=0, max_value=6), st.sampled_from(["", " ", "\t"]))
def test_an_integer_written_any_way_is_success_exactly_when_it_is_zero(n: int, pad: int, blank: str) -> None:
    written = [n, str(n), f"{blank}{n:0{pad + (n < 0) + 1}d}{blank}"]
    for code in written:
        assert is_zero(code) is (n == 0), code
        assert is_ok({"error_code": code, "message": ""}) is (n == 0), code


@given(st.one_of(
    st.text().filter(lambda t: not t.strip().lstrip("+-").isdigit() or not t.strip().lstrip("+-").isascii()),
    st.floats(), st.booleans(), st.none(), st.lists(st.integers(max_value=0, min_value=0), max_size=2),
))  # fmt: skip
def test_anything_that_is_not_an_integer_is_not_success(code: Any) -> None:
    assert not is_zero(code)
    assert not is_ok({"error_code": code})


def test_the_forms_seen_in_the_wild() -> None:
    assert [is_ok({"error_code": c}) for c in (0, "0", "00", "000", -0, "+0")] == [True] * 6
    assert [is_ok({"error_code": c}) for c in (1, "01", "401", False, "", "0.0", "O", None)] == [False] * 8
    assert not is_ok({})
