"""Outgoing mail: message building and the transports (outbox, SMTP, null)."""

from aggregator.mail.message import build_message, clean_header
from aggregator.mail.transports import (
    NullTransport,
    OutboxTransport,
    PermanentFailure,
    SmtpTransport,
    TemporaryFailure,
    Transport,
    UncertainDelivery,
    transport_from_url,
)

__all__ = [
    "NullTransport",
    "OutboxTransport",
    "PermanentFailure",
    "SmtpTransport",
    "TemporaryFailure",
    "Transport",
    "UncertainDelivery",
    "build_message",
    "clean_header",
    "transport_from_url",
]
