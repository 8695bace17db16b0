"""Issue 12, "crash between SMTP send and marking → a recipient gets the email twice": each email's
Message-ID is recorded before it is sent and used as its header; a second delivery of a sent row, or of a
row another attempt holds, sends nothing and is logged; a retry after a crash mid-send carries the SAME
Message-ID (the crash window is documented in ``jobs.notify.email_send``)."""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from jobs.models import EmailLog, EmailStatus
from jobs.notify import SENDING_LEASE, compliance_report_run, email_send
from tests.clock import TODAY
from tests.jobs.conftest import mailed  # noqa: F401


@pytest.fixture
def log(mailed):  # noqa: F811
    compliance_report_run(job=None, today=TODAY)
    return EmailLog.objects.get(recipient=mailed.users.department)


def _stored(pk: int) -> EmailLog:
    return EmailLog.objects.get(pk=pk)


def test_the_message_id_is_recorded_before_the_send_and_is_the_header(log):
    seen = {}
    real_send = EmailBackend.send_messages

    def send_messages(backend, messages):
        seen["stored"] = _stored(log.pk).message_id  # what the database holds while the server talks
        seen["header"] = messages[0].message()["Message-ID"]
        return real_send(backend, messages)

    with mock.patch.object(EmailBackend, "send_messages", send_messages):
        assert email_send(log_id=log.pk) == EmailStatus.SENT
    assert seen["stored"].startswith("<") and seen["stored"].endswith("@localhost>")
    assert seen["header"] == seen["stored"] == _stored(log.pk).message_id
    assert mail.outbox[0].message()["Message-ID"] == seen["stored"]


def test_a_second_delivery_of_a_sent_email_sends_nothing_and_says_so(log, caplog):
    email_send(log_id=log.pk)
    with caplog.at_level(logging.INFO, logger="jobs.notify"):
        assert email_send(log_id=log.pk) == EmailStatus.SENT
    assert len(mail.outbox) == 1
    assert any("不再发送" in r.getMessage() and str(log.pk) in r.getMessage() for r in caplog.records)


def test_a_duplicate_delivery_within_the_lease_is_detected_and_logged(log, caplog):
    EmailLog.objects.filter(pk=log.pk).update(status=EmailStatus.SENDING, claimed_at=timezone.now())
    with caplog.at_level(logging.WARNING, logger="jobs.notify"):
        assert email_send(log_id=log.pk) == EmailStatus.SENDING
    assert mail.outbox == []
    assert any("重复投递" in r.getMessage() for r in caplog.records)


def test_a_crash_between_send_and_marking_retries_with_the_same_message_id(log, caplog):
    class Killed(BaseException):
        """The worker dies (kill -9) right after the server accepted the message."""

    with mock.patch("jobs.notify._mark_sent", side_effect=Killed), pytest.raises(Killed):
        email_send(log_id=log.pk)
    crashed = _stored(log.pk)
    assert crashed.status == EmailStatus.SENDING and len(mail.outbox) == 1
    first_id = mail.outbox[0].message()["Message-ID"]
    assert first_id == crashed.message_id

    assert email_send(log_id=log.pk) == EmailStatus.SENDING  # within the lease: no second copy
    assert len(mail.outbox) == 1

    EmailLog.objects.filter(pk=log.pk).update(claimed_at=timezone.now() - SENDING_LEASE * 2)
    with caplog.at_level(logging.WARNING, logger="jobs.notify"):
        assert email_send(log_id=log.pk) == EmailStatus.SENT
    assert len(mail.outbox) == 2
    assert mail.outbox[1].message()["Message-ID"] == first_id
    assert any("同一 Message-ID" in r.getMessage() for r in caplog.records)
    assert _stored(log.pk).message_id == first_id


def test_an_email_logged_before_message_ids_gets_one_at_its_claim(log):
    EmailLog.objects.filter(pk=log.pk).update(message_id="")
    email_send(log_id=log.pk)
    assert _stored(log.pk).message_id == mail.outbox[0].message()["Message-ID"] != ""
