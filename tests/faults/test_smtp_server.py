"""The misbehaving SMTP server itself does what the other fault tests rely on."""

from __future__ import annotations

import smtplib

import pytest

from tests.faults.smtp_server import FaultySmtp


def _send(server: FaultySmtp, rcpt: str) -> None:
    with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as conn:
        conn.sendmail("a@example.org", [rcpt], b"Subject: x\r\n\r\nhello\r\n")


def test_counts_refuses_and_drops(smtp_faults: FaultySmtp) -> None:
    _send(smtp_faults, "one@example.org")
    smtp_faults.rcpt_replies["gone@example.org"] = "550 5.1.1 No such user"
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        _send(smtp_faults, "gone@example.org")
    smtp_faults.outage = True
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        _send(smtp_faults, "two@example.org")
    smtp_faults.outage = False
    smtp_faults.drop_after_data.add("two@example.org")
    with pytest.raises(smtplib.SMTPServerDisconnected):
        _send(smtp_faults, "two@example.org")
    assert smtp_faults.received == {"one@example.org": 1, "two@example.org": 1}
    assert (smtp_faults.rcpt_refused, smtp_faults.dropped) == (2, 1)
