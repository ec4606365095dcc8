"""MIME parts: 7bit when ASCII with short lines, else base64."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aggregator.mail.message import _encoded, _short_lines


def test_long_ascii_lines_go_base64() -> None:
    assert b"7bit" in _encoded("short\nlines", "plain")
    assert b"7bit" in _encoded("x" * 998, "plain")
    assert b"base64" in _encoded("x" * 999, "plain")
    assert b"base64" in _encoded("ok\n" + "y" * 2000 + "\nok", "html")


@given(st.lists(st.integers(0, 60), min_size=1, max_size=12), st.integers(1, 40))
def test_short_lines_agrees_with_measuring_every_line(lengths: list[int], limit: int) -> None:
    data = b"\n".join(b"x" * n for n in lengths)
    assert _short_lines(data, limit) == (max(lengths) <= limit)
