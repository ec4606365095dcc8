from __future__ import annotations

import time
from dataclasses import replace

import pytest

from aggregator.db.models import Subscriber
from aggregator.settings import Settings
from aggregator.tokens import InvalidToken, decode_token, link, make_token, read_token


def _sub(id_: int = 7, version: int = 1) -> Subscriber:
    return Subscriber(id=id_, email="secret@example.org", token_version=version)


def test_round_trip_each_purpose(settings: Settings) -> None:
    for purpose in ("confirm", "manage", "unsubscribe"):
        token = make_token(settings, purpose, _sub())
        assert read_token(settings, purpose, token) == 7
        assert "secret" not in token and "example" not in token


def test_salts_separate_purposes(settings: Settings) -> None:
    token = make_token(settings, "unsubscribe", _sub())
    with pytest.raises(InvalidToken):
        read_token(settings, "confirm", token)
    with pytest.raises(InvalidToken):
        read_token(settings, "manage", token)


def test_tampered_and_garbage_tokens(settings: Settings) -> None:
    token = make_token(settings, "manage", _sub())
    for bad in (token[:-2] + "xx", "", "a.b.c", "%%%", "x" * 5000, token + "."):
        with pytest.raises(InvalidToken):
            read_token(settings, "manage", bad)


def test_confirm_expires(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    token = make_token(settings, "confirm", _sub())
    later = time.time() + settings.confirm_max_age_hours * 3600 + 10
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(InvalidToken, match="expired"):
        read_token(settings, "confirm", token)
    # manage and unsubscribe links never expire
    assert read_token(settings, "unsubscribe", make_token(settings, "unsubscribe", _sub())) == 7


def test_key_rotation(settings: Settings) -> None:
    old = replace(settings, secret_key="old-key")
    token = make_token(old, "unsubscribe", _sub())
    rotated = replace(settings, secret_key="old-key,new-key")
    assert read_token(rotated, "unsubscribe", token) == 7
    fresh = make_token(rotated, "unsubscribe", _sub())
    assert read_token(replace(settings, secret_key="new-key"), "unsubscribe", fresh) == 7
    with pytest.raises(InvalidToken):
        read_token(replace(settings, secret_key="other"), "unsubscribe", token)


def test_version_in_payload_and_link(settings: Settings) -> None:
    token = make_token(settings, "manage", _sub(3, 5))
    assert decode_token(settings, "manage", token) == (3, 5)
    url = link(settings, "unsubscribe", _sub())
    assert url.startswith("https://jobs.example.org/unsubscribe/")
