"""Security headers, CSRF double-submit tokens and in-memory sign-up rate limits.

CSRF: every visitor gets a random ``csrftoken`` cookie (SameSite=Lax, HttpOnly); forms
carry an itsdangerous-signed copy of it. A POST is accepted when its ``Origin`` (or
``Referer``) is not another site and the signed field verifies and matches the cookie.
The RFC 8058 one-click unsubscribe POST is exempt (mail clients send it without cookies).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque
from urllib.parse import urlsplit

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import FormData, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aggregator.errors import UserError
from aggregator.web.response_cache import token_or_placeholder

CSRF_COOKIE = "csrftoken"
CSRF_FIELD = "csrf_token"
CSRF_MAX_AGE = 2 * 24 * 3600

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "interest-cohort=()",
}


class CsrfError(UserError):
    """A form was posted without a valid CSRF token."""


class SecurityMiddleware:
    """Adds the security headers and hands out the CSRF cookie (plain ASGI: cheap)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = Request(scope).cookies.get(CSRF_COOKIE, "")
        fresh = not (16 <= len(cookie) <= 64 and cookie.replace("-", "").replace("_", "").isalnum())
        value = secrets.token_urlsafe(24) if fresh else cookie
        scope.setdefault("state", {})["csrf_cookie"] = value

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, header in HEADERS.items():
                    if name not in headers:
                        headers[name] = header
                if fresh:
                    secure = "; Secure" if scope.get("scheme") == "https" else ""
                    headers.append(
                        "set-cookie",
                        f"{CSRF_COOKIE}={value}; Max-Age={CSRF_MAX_AGE}; Path=/; HttpOnly; "
                        f"SameSite=Lax{secure}",
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="csrf")


def signed_token(scope: Scope) -> str:
    """The visitor's CSRF cookie, signed with the app's secret."""
    secret: str = scope["app"].state.secret
    return str(_serializer(secret).dumps(scope["state"]["csrf_cookie"]))


def csrf_token(request: Request) -> str:
    """The signed token to put in a form's hidden ``csrf_token`` field (a page holding
    one is the visitor's own: the response cache keeps it only with a placeholder)."""
    return token_or_placeholder(request, lambda: signed_token(request.scope))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_origin(request: Request) -> None:
    """Raise :class:`CsrfError` when the browser says the request comes from another site:
    ``Origin`` (or, without it, ``Referer``) must be this site — as the request reached
    us or as ``base_url`` names it behind a proxy. Neither header (some privacy settings
    strip both) leaves the decision to the token."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return
    allowed = {_origin(str(request.url)), _origin(request.app.state.settings.base_url)}
    if _origin(source) not in allowed:  # includes "null" (sandboxed or opaque origins)
        raise CsrfError("This form was sent from another site: open the page here and retry.")


def check_csrf(request: Request, submitted: str | None) -> None:
    """Raise :class:`CsrfError` unless the request comes from this site and ``submitted``
    matches the visitor's cookie."""
    check_origin(request)
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not submitted:
        raise CsrfError("This form has expired or cookies are blocked: reload the page and retry.")
    try:
        value = _serializer(request.app.state.secret).loads(submitted, max_age=CSRF_MAX_AGE)
    except BadSignature:
        raise CsrfError("This form has expired: reload the page and retry.") from None
    if not secrets.compare_digest(str(value), cookie):
        raise CsrfError("This form has expired: reload the page and retry.")


class RateLimiter:
    """At most ``limit`` events per key within ``window`` seconds (sliding window)."""

    def __init__(self, limit: int, window: float = 3600.0) -> None:
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, *keys: str) -> int:
        """Record one event for every key; 0 if allowed, else seconds until retry."""
        now = time.monotonic()
        with self._lock:
            waits = []
            for key in keys:
                events = self._events[key]
                while events and events[0] <= now - self.window:
                    events.popleft()
                if len(events) >= self.limit:
                    waits.append(int(events[0] + self.window - now) + 1)
            if waits:
                return max(waits)
            for key in keys:
                self._events[key].append(now)
            if len(self._events) > 100_000:  # bound memory under a flood of distinct keys
                cutoff = now - self.window
                live = {k: v for k, v in self._events.items() if v and v[-1] > cutoff}
                self._events = defaultdict(deque, live)
            return 0


async def checked_form(request: Request, *, one_click: bool = False) -> tuple[FormData, bool]:
    """The posted form, after the CSRF check, and whether it was an RFC 8058 one-click
    POST (``List-Unsubscribe=One-Click``). With ``one_click`` such a POST, which a mail
    client sends without cookies, is let through unchecked."""
    form = await request.form()
    is_one_click = one_click and form.get("List-Unsubscribe") == "One-Click"
    if not is_one_click:
        check_csrf(request, str(form.get(CSRF_FIELD) or ""))
    return form, is_one_click
