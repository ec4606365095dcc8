"""One line per event with key=value context; secrets never logged."""

from __future__ import annotations

import logging

import pytest

from aggregator.logs import configure, kv, log


def test_kv_quotes_values_with_spaces_and_hides_secrets() -> None:
    line = kv("crawl.done", source="metr", seconds=1.5, error='bad "json"\nline', token="abc")
    assert line == 'crawl.done source=metr seconds=1.5 error="bad \\"json\\" line" token=***'
    assert "\n" not in line


def test_quiet_by_default_verbose_with_flag(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("aggregator.test")
    configure(verbose=False)
    with caplog.at_level(logging.NOTSET):
        log(logger, logging.INFO, "quiet.event", n=1)
    assert "quiet.event" not in caplog.text
    configure(verbose=True)
    try:
        with caplog.at_level(logging.INFO, logger="aggregator"):
            log(logger, logging.INFO, "loud.event", n=2)
        assert "loud.event n=2" in caplog.text
    finally:
        configure(verbose=False)
