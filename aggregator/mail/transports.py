"""Where messages go: an outbox folder of .eml files, an SMTP server, or nowhere.

``Transport.send`` raises :class:`TemporaryFailure` (try again later: 4xx, connection
refused, timeouts; ``connection`` is true when the server itself is unreachable rather
than refusing this one message), :class:`UncertainDelivery` (the connection was lost once
the message had been handed over: it may have been delivered, so it must not be sent
again automatically) or :class:`PermanentFailure` (5xx; ``bounce`` is true for a hard
bounce of the recipient such as 550/551/553 on RCPT).
"""

from __future__ import annotations

import contextlib
import os
import re
import smtplib
import ssl
import tempfile
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from aggregator.errors import ConfigError
from aggregator.mail.message import PreparedMessage, recipient

HARD_BOUNCE_CODES = {550, 551, 553}


class TemporaryFailure(Exception):
    """Delivery failed for now; the same message may be tried again later. ``connection``:
    the server could not be talked to at all (refused, timeout, 421), not a reply about
    this message."""

    def __init__(self, message: str, *, connection: bool = False):
        super().__init__(message)
        self.connection = connection


class UncertainDelivery(TemporaryFailure):
    """The connection was lost after the message data was sent and before the server's
    reply: the server may have stored it. Never resent automatically (no doubles)."""

    def __init__(self, message: str):
        super().__init__(message, connection=True)


class PermanentFailure(Exception):
    """Delivery failed for good; ``bounce`` means the recipient address does not exist."""

    def __init__(self, message: str, *, code: int | None = None, bounce: bool = False):
        super().__init__(message)
        self.code = code
        self.bounce = bounce


class Transport(Protocol):
    def send(self, msg: EmailMessage) -> None: ...

    def close(self) -> None: ...


class NullTransport:
    """Accepts and forgets every message (benchmarks, dry runs)."""

    def __init__(self) -> None:
        self.count = 0

    def send(self, msg: EmailMessage) -> None:
        self.count += 1

    def close(self) -> None:
        pass


def outbox_filename(message_id: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._@-]+", "_", message_id.strip().strip("<>"))
    return (name or "message")[:200] + ".eml"


class OutboxTransport:
    """One RFC 5322 ``.eml`` file per message, written atomically (tmp file + rename).

    The file name comes from the Message-ID, so sending the same message again
    overwrites the file instead of adding a duplicate.
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def path_for(self, message_id: str) -> Path:
        return self.folder / outbox_filename(message_id)

    def send(self, msg: EmailMessage) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.path_for(str(msg["Message-ID"] or "message"))
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".eml")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")))
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise TemporaryFailure(f"cannot write to the outbox {self.folder}: {exc}") from exc

    def close(self) -> None:
        pass


class SmtpTransport:
    """smtplib with one reused connection per batch and a reconnect when it drops."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        mode: str = "plain",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
    ):
        self.host, self.port, self.mode = host, port, mode
        self.username, self.password, self.timeout = username, password, timeout
        self._conn: smtplib.SMTP | None = None

    def clone(self) -> SmtpTransport:
        """The same server and credentials on a separate connection."""
        return SmtpTransport(self.host, self.port, mode=self.mode, username=self.username,
                             password=self.password, timeout=self.timeout)  # fmt: skip

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        conn: smtplib.SMTP
        if self.mode == "ssl":
            conn = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.mode == "starttls":
                conn.starttls(context=context)
        if self.username:
            conn.login(self.username, self.password or "")
        return conn

    def send(self, msg: EmailMessage, *, before_data: Callable[[], None] | None = None) -> None:
        """Send ``msg``; ``before_data`` is called just before its data goes to the server
        (until then nothing can have been delivered)."""
        if isinstance(msg, PreparedMessage):  # sent as built, not re-serialized
            sender, rcpts, raw = parseaddr(str(msg["From"]))[1], [recipient(msg)], msg.raw
        else:
            sender = parseaddr(str(msg["From"]))[1]
            rcpts = [a for _, a in getaddresses([str(v) for v in msg.get_all("To", [])])]
            raw = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
        for attempt in (1, 2):
            reused = self._conn is not None
            handed_over = False
            try:
                if self._conn is None:
                    self._conn = self._connect()
                conn = self._conn
                conn.ehlo_or_helo_if_needed()
                options = [f"size={len(raw)}"] if conn.has_extn("size") else []
                code, reply = conn.mail(sender, options)
                if code != 250:
                    self._reset()
                    raise _classify(code, reply, rcpt=False)
                for rcpt in rcpts:
                    code, reply = conn.rcpt(rcpt)
                    if code not in (250, 251):
                        self._reset()
                        raise _classify(code, reply, rcpt=True)
                # From here on the server may store the message even if its reply is
                # lost: a disconnect or timeout is "maybe delivered", never resent.
                handed_over = True
                if before_data is not None:
                    before_data()
                code, reply = conn.data(raw)  # raises on a refused DATA, returns the end
                if code != 250:
                    self._reset()
                    raise _classify(code, reply, rcpt=False)
                return
            except smtplib.SMTPDataError as exc:
                self._reset()
                raise _classify(exc.smtp_code, exc.smtp_error, rcpt=False) from exc
            except (OSError, smtplib.SMTPException) as exc:
                self._drop()
                if handed_over:
                    raise UncertainDelivery(
                        f"connection lost after the message was sent, before the server "
                        f"confirmed it (it may have been delivered): {exc}"
                    ) from exc
                if attempt == 1 and reused and isinstance(exc, smtplib.SMTPServerDisconnected):
                    continue  # a stale pooled connection, nothing sent yet: reconnect once
                raise TemporaryFailure(f"SMTP error: {exc}", connection=True) from exc

    def _reset(self) -> None:
        if self._conn is not None:
            try:
                self._conn.rset()
            except (OSError, smtplib.SMTPException):
                self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._conn.quit()
        self._drop()


def _classify(code: int, reply: bytes | str, *, rcpt: bool) -> Exception:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    message = f"SMTP {code} {text}".strip()
    if 400 <= code < 500:  # 421: the service is closing the connection (an outage)
        return TemporaryFailure(message, connection=code == 421)
    return PermanentFailure(message, code=code, bounce=rcpt and code in HARD_BOUNCE_CODES)


_SMTP_MODES = {"smtp": ("plain", 25), "smtps": ("ssl", 465), "smtp+starttls": ("starttls", 587)}


def transport_from_url(url: str, *, timeout: float = 30.0) -> Transport:
    """``outbox:///dir``, ``smtp://``, ``smtps://``, ``smtp+starttls://user:pass@host:port``
    or ``null://``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ConfigError("malformed mail URL (setting 'mail_url')") from None
    scheme = parts.scheme.lower()
    if scheme == "outbox":
        folder = unquote(parts.netloc + parts.path)
        if not folder:
            raise ConfigError("outbox mail URL needs a folder: outbox:///path/to/dir")
        return OutboxTransport(Path(folder).expanduser())
    if scheme == "null":
        return NullTransport()
    if scheme in _SMTP_MODES:
        mode, default_port = _SMTP_MODES[scheme]
        if not parts.hostname:
            raise ConfigError("SMTP mail URL needs a host: smtp://user:pass@host:port")
        return SmtpTransport(
            parts.hostname,
            port or default_port,
            mode=mode,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            timeout=timeout,
        )
    raise ConfigError(
        f"unsupported mail URL scheme {scheme!r} (setting 'mail_url'): use outbox:///dir, "
        "smtp://, smtps:// or smtp+starttls://"
    )
