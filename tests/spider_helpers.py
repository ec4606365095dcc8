"""Helpers for spider tests: fake responses from fixture bytes and expectation checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse

from aggregator.items import RawPosting

DATA = Path(__file__).resolve().parent / "data"


def response(path: Path | bytes, url: str, *, html: bool = False, status: int = 200) -> Any:
    body = path if isinstance(path, bytes) else path.read_bytes()
    cls = HtmlResponse if html else TextResponse
    return cls(url=url, body=body, encoding="utf-8", request=Request(url), status=status)


def expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text())
    return data


def items_of(results: Any) -> list[RawPosting]:
    return [r for r in results if isinstance(r, RawPosting)]


def check(item: RawPosting, want: dict[str, Any]) -> None:
    got = item.to_dict()
    for key, value in want.items():
        name = key.removeprefix("extras.")
        actual = got["extras"].get(name) if key.startswith("extras.") else got[name]
        assert actual == value, f"{key}: {actual!r} != {value!r}"
