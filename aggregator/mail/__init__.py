"""Outgoing mail: message building, the email templates and the transports (outbox, SMTP, null).

May import only the foundations (settings, paths, errors, logs).
"""

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
