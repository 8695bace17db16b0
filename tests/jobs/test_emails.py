"""Monthly compliance email and the email log: one email per (kind, period, recipient), retries
that send nothing twice, SMTP failures recorded and sent later, and the inbox mirror."""

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from jobs.models import EmailLog, EmailStatus, JobKind, JobRun, JobStatus, Notification
from jobs.notify import SENDING_LEASE, compliance_report_run, email_send, job_run
from jobs.tasks import send_email_task
from tests.clock import TODAY

from .conftest import admitted, person

D = dt.date
FAILING = "tests.jobs.conftest.FailingSMTPBackend"


def send_all():
    for pk in EmailLog.objects.exclude(status=EmailStatus.SENT).values_list("pk", flat=True):
        email_send(log_id=pk)


def test_monthly_report_goes_to_department_and_each_committee_staff_for_their_subtree(mailed):
    admitted(mailed.a1, D(2026, 3, 1))
    person(mailed.a1, step=5)
    assert compliance_report_run(job=None, today=TODAY) == 3
    logs = {log.recipient.username: log for log in EmailLog.objects.select_related("recipient")}
    assert set(logs) == {"dept", "comm_a", "comm_b"}
    assert logs["dept"].period == "compliance:2026-11:ROOT"
    assert logs["comm_a"].subject == "【发展党员】2026年11月结构比例与预警月报（甲镇党委）"
    assert logs["dept"].subject == "【发展党员】2026年11月结构比例与预警月报（测试县委组织部）"
    send_all()
    assert len(mail.outbox) == 3
    by_to = {m.to[0]: m for m in mail.outbox}
    b_mail = by_to["comm_b@demo.local"]
    html = b_mail.alternatives[0][0]
    assert b_mail.alternatives[0][1] == "text/html"
    assert "乙公司党支部" in html and "甲公司党支部" not in html  # committee B sees only its subtree
    assert "红色名单" in html and "<table" in html and "http://" in html
    assert "农村（社区）" in html and "≥ 30.0%" in html  # the year's shares vs rules (quotas selector)
    dept_text = by_to["dept@demo.local"].body
    assert "已审批接收预备党员 1 名" in dept_text and "农村（社区）：1 名，占 100.0%（要求 ≥ 30.0%）符合" in dept_text
    assert "甲公司党支部" in dept_text and "乙公司党支部" in dept_text and "甲村党支部" not in dept_text


def test_second_run_for_the_same_month_sends_no_duplicate(mailed):
    compliance_report_run(job=None, today=TODAY)
    send_all()
    assert compliance_report_run(job=None, today=D(2026, 11, 25)) == 0
    send_all()
    assert len(mail.outbox) == 3
    assert EmailLog.objects.count() == 3
    assert Notification.objects.count() == 3


def test_next_month_is_a_new_period(mailed):
    compliance_report_run(job=None, today=TODAY)
    send_all()
    assert compliance_report_run(job=None, today=D(2026, 12, 1)) == 3


def test_sending_a_sent_email_again_does_nothing(mailed):
    compliance_report_run(job=None, today=TODAY)
    log = EmailLog.objects.first()
    assert email_send(log_id=log.pk) == "sent"
    assert email_send(log_id=log.pk) == "sent"
    assert len(mail.outbox) == 1
    log.refresh_from_db()
    assert log.attempts == 1 and log.sent_at is not None


def test_smtp_failure_is_logged_with_attempts_and_error_and_a_later_retry_sends_it(mailed):
    import smtplib

    compliance_report_run(job=None, today=TODAY)
    log = EmailLog.objects.get(recipient=mailed.users.department)
    with override_settings(EMAIL_BACKEND=FAILING), pytest.raises(smtplib.SMTPException):
        email_send(log_id=log.pk)
    log.refresh_from_db()
    assert (log.status, log.attempts) == ("failed", 1)
    assert "SMTPServerDisconnected" in log.error and "连接被服务器关闭" in log.error
    assert mail.outbox == []
    assert email_send(log_id=log.pk) == "sent"
    log.refresh_from_db()
    assert (log.status, log.attempts, log.error) == ("sent", 2, "")
    assert len(mail.outbox) == 1


def test_the_task_retries_a_transient_smtp_error_and_logs_every_attempt(mailed):
    import smtplib

    compliance_report_run(job=None, today=TODAY)
    log = EmailLog.objects.get(recipient=mailed.users.department)
    with override_settings(EMAIL_BACKEND=FAILING):
        result = send_email_task.apply(args=[log.pk])
    assert isinstance(result.result, smtplib.SMTPException)
    log.refresh_from_db()
    assert log.status == "failed"
    assert log.attempts == send_email_task.max_retries + 1


def test_an_email_held_by_another_worker_is_not_sent_twice_until_its_lease_expires(mailed):
    compliance_report_run(job=None, today=TODAY)
    log = EmailLog.objects.first()
    EmailLog.objects.filter(pk=log.pk).update(status=EmailStatus.SENDING, claimed_at=timezone.now(), attempts=1)
    assert email_send(log_id=log.pk) == "sending"
    assert mail.outbox == []
    EmailLog.objects.filter(pk=log.pk).update(claimed_at=timezone.now() - SENDING_LEASE - dt.timedelta(seconds=1))
    assert email_send(log_id=log.pk) == "sent"
    assert len(mail.outbox) == 1


def test_a_user_without_an_address_gets_the_inbox_message_only(mailed):
    mailed.users.committee_b.email = ""
    mailed.users.committee_b.save()
    assert compliance_report_run(job=None, today=TODAY) == 2
    note = Notification.objects.get(user=mailed.users.committee_b)
    assert note.title.startswith("【发展党员】2026年11月") and "乙公司党支部" in note.body
    assert not EmailLog.objects.filter(recipient=mailed.users.committee_b).exists()


def test_job_run_records_progress_and_finishes_when_every_email_is_sent(mailed):
    job = JobRun.objects.create(
        kind=JobKind.COMPLIANCE, period="2026-11", requested_by=mailed.users.department, status=JobStatus.QUEUED
    )
    job = job_run(job_id=job.pk, today=TODAY)
    assert job.status == JobStatus.RUNNING and job.total == 3
    send_all()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.finished_at


def test_preparing_the_report_queues_sending_only_after_commit(mailed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        compliance_report_run(job=None, today=TODAY)
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_report_scans_when_no_scan_exists_for_the_day_and_reuses_it_otherwise(mailed):
    from jobs.models import StaleScan

    compliance_report_run(job=None, today=TODAY)
    compliance_report_run(job=None, today=TODAY)
    assert StaleScan.objects.filter(as_of=TODAY).count() == 1


def test_send_compliance_email_command_sends_once_per_period(mailed):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("send_compliance_email", "--today", "2026-11-22", stdout=out)
    assert "2026-11 月报：本次发送 3 封" in out.getvalue()
    call_command("send_compliance_email", "--today", "2026-11-23", stdout=out)
    assert "此前已发送的收件人未重复发送" in out.getvalue()
    assert len(mail.outbox) == 3


def test_every_link_in_the_monthly_report_opens_for_its_recipient(mailed, client_for, settings):
    """No dead link: each address in the email answers 200 for the person it was sent to."""
    import re
    from urllib.parse import urlsplit

    settings.SITE_URL = "https://dyfz.example.gov.cn"
    admitted(mailed.a1, D(2026, 3, 1))
    compliance_report_run(job=None, today=TODAY)
    send_all()
    for message in mail.outbox:
        user = next(u for u in vars(mailed.users).values() if u.email == message.to[0])
        links = set(
            re.findall(r"https://dyfz\.example\.gov\.cn[^\s\"<>）]*", message.body + message.alternatives[0][0])
        )
        assert links, message.to
        client = client_for(user)
        for link in links:
            parts = urlsplit(link.replace("&amp;", "&"))
            resp = client.get(parts.path, dict(p.split("=", 1) for p in parts.query.split("&") if p))
            assert resp.status_code == 200, (message.to[0], link, resp.status_code)
