"""The on-disk cache of built phrase matchers (fast start of every process)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from aggregator.normalize import compile_cache
from aggregator.normalize.phrase_matcher import PhraseMatcher

ENTRIES = [("research engineers?", "re"), ("python", "py"), ("\\d+ years", "years")]
TEXT = "research engineers with 5 years of python"


def _scan(matcher: PhraseMatcher[str]) -> list[tuple[int, str, tuple[str, ...]]]:
    return sorted(matcher.scan(TEXT))


def test_pickled_matcher_matches_like_the_original() -> None:
    original = PhraseMatcher(ENTRIES)
    before = _scan(original)
    copy = pickle.loads(pickle.dumps(original))
    assert copy._compiled == {}  # compiled lazily, not stored
    assert _scan(copy) == before
    assert [p for _, p, _ in before] == ["research engineers", "5 years", "python"]


def test_cached_builds_once_then_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AISAFETY_JOBS_CACHE_DIR", str(tmp_path))
    calls = []

    def build() -> PhraseMatcher[str]:
        calls.append(1)
        return PhraseMatcher(ENTRIES)

    key = compile_cache.cache_key(ENTRIES)
    first = compile_cache.cached(key, build)
    second = compile_cache.cached(key, build)
    assert len(calls) == 1
    assert _scan(first) == _scan(second)
    assert compile_cache.cache_key(ENTRIES[:2]) != key


def test_corrupt_or_unwritable_cache_only_rebuilds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AISAFETY_JOBS_CACHE_DIR", str(tmp_path))
    key = compile_cache.cache_key("corrupt")
    (tmp_path / f"matchers-{key}.pickle").write_bytes(b"not a pickle")
    assert compile_cache.cached(key, lambda: 42) == 42
    assert compile_cache.cached(key, lambda: 0) == 42  # rewritten
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("AISAFETY_JOBS_CACHE_DIR", str(blocker / "sub"))
    assert compile_cache.cached(key, lambda: 7) == 7
    monkeypatch.setenv("AISAFETY_JOBS_CACHE_DIR", "off")
    assert compile_cache.cache_folder() is None
    assert compile_cache.cached(key, lambda: 9) == 9
