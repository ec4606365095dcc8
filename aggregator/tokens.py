"""Signed links for subscribers: confirm (expiring), manage and unsubscribe (never expire).

The payload is the subscriber id and its ``token_version`` — never the email address
(itsdangerous payloads are readable, not encrypted). Each purpose has its own salt, so
an unsubscribe token cannot confirm. ``settings.secret_key`` may hold several
comma-separated keys, newest last: tokens are signed with the newest and verified
with any, so rotating keys keeps old links working.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any, Protocol

from itsdangerous import BadData, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.signer import HMACAlgorithm

from aggregator.errors import UserError
from aggregator.settings import Settings

# "follow"/"unfollow" name a program follow (aggregator.programs.follows), "watch"/
# "unwatch" a follow of an organization, mentor or team (aggregator.programs.
# posting_follows), the others a subscriber; the salts differ, so one kind of token
# never works as another.
PURPOSES = ("confirm", "manage", "unsubscribe", "follow", "unfollow", "watch", "unwatch")
TIMED = ("confirm", "follow", "watch")


class TokenHolder(Protocol):
    id: int
    token_version: int


class InvalidToken(UserError):
    """A link token that is forged, tampered, expired or meant for something else."""


def _keys(settings: Settings) -> list[str]:
    keys = [k.strip() for k in settings.resolved_secret_key().split(",") if k.strip()]
    if not keys:
        raise InvalidToken("no secret key configured (setting 'secret_key')")
    return keys


def _serializer(settings: Settings, purpose: str) -> URLSafeSerializer | URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    salt = f"aisafety-jobs.{purpose}"
    if purpose in TIMED:
        return URLSafeTimedSerializer(_keys(settings), salt=salt)
    return URLSafeSerializer(_keys(settings), salt=salt)


def make_token(settings: Settings, purpose: str, subscriber: TokenHolder) -> str:
    """A signed token for ``subscriber`` (or a program follow) valid only for ``purpose``."""
    return str(_serializer(settings, purpose).dumps([subscriber.id, subscriber.token_version]))


def decode_token(settings: Settings, purpose: str, token: str) -> tuple[int, int]:
    """(subscriber id, token version) of a valid token, else :class:`InvalidToken`."""
    serializer = _serializer(settings, purpose)
    try:
        if isinstance(serializer, URLSafeTimedSerializer):
            data: Any = serializer.loads(token, max_age=settings.confirm_max_age_hours * 3600)
        else:
            data = serializer.loads(token)
    except SignatureExpired:
        raise InvalidToken("this confirmation link has expired: please subscribe again") from None
    except (BadData, UnicodeError, ValueError, TypeError):
        raise InvalidToken("this link is invalid or was changed") from None
    if (
        not isinstance(data, list)
        or len(data) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in data)
    ):
        raise InvalidToken("this link is invalid or was changed")
    return data[0], data[1]


def read_token(settings: Settings, purpose: str, token: str) -> int:
    """The subscriber id in a valid token for ``purpose``, else :class:`InvalidToken`."""
    return decode_token(settings, purpose, token)[0]


def link(settings: Settings, purpose: str, subscriber: TokenHolder) -> str:
    return f"{settings.base_url.rstrip('/')}/{purpose}/{make_token(settings, purpose, subscriber)}"


def link_maker(settings: Settings, purpose: str) -> Callable[[int, int], str]:
    """``link()`` for many subscribers (digest runs): (subscriber id, token version) →
    the same URL, with the serializer and its derived key built once instead of per
    link. Not for "confirm" (its tokens carry a timestamp)."""
    serializer = _serializer(settings, purpose)
    if isinstance(serializer, URLSafeTimedSerializer):
        raise ValueError("link_maker is for links that never expire")
    signer = serializer.make_signer()
    algorithm = signer.algorithm
    if not isinstance(algorithm, HMACAlgorithm):
        raise ValueError("link_maker needs an HMAC signer")
    keyed = hmac.new(signer.derive_key(), digestmod=algorithm.digest_method)
    prefix = f"{settings.base_url.rstrip('/')}/{purpose}/"

    def make(subscriber_id: int, token_version: int) -> str:
        # what serializer.dumps() writes: compact JSON, base64 (two integers never
        # compress), signed with the derived key (copied, not derived again)
        payload = base64_encode(b"[%d,%d]" % (subscriber_id, token_version))
        mac = keyed.copy()
        mac.update(payload)
        return prefix + (payload + signer.sep + base64_encode(mac.digest())).decode("ascii")

    return make
