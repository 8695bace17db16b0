"""Issue 12, "Redis down": starting a job was a 500 after 20 s (the result backend's RuntimeError was not
caught) and a retry left a job "执行中 0%" forever. Now the button answers at once with the designed
message, the run waits as pending (the sweeper queues it when the broker is back), the outage is logged,
and no job stays queued or running for ever."""

from __future__ import annotations

import datetime as dt
import logging
import time
from unittest import mock

from celery import Celery
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from jobs.models import EmailLog, EmailStatus, JobRun, JobStatus
from jobs.notify import JOB_INTERRUPTED, MAX_SEND_ATTEMPTS, job_enqueue, jobs_requeue
from jobs.views import QUEUE_DOWN

STUCK = dt.timedelta(hours=2)


def test_button_with_the_broker_refusing_shows_the_message_logs_it_and_leaves_no_queued_job(
    world, client_for, caplog, django_capture_on_commit_callbacks
):
    c = client_for(world.users.department)
    refused = OperationalError("[Errno 111] Connection refused")
    with (
        mock.patch.object(Celery, "send_task", side_effect=refused),
        caplog.at_level(logging.WARNING, logger="jobs.notify"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        resp = c.post(reverse("jobs:job_start"), {"kind": "compliance"}, follow=True)
    assert resp.status_code == 200
    assert QUEUE_DOWN in resp.content.decode()
    job = JobRun.objects.get()
    assert job.status == JobStatus.PENDING and "消息队列不可用" in job.error
    assert not JobRun.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).exists()
    assert any("消息队列不可用" in r.getMessage() and str(job.pk) in r.getMessage() for r in caplog.records)


def test_queuing_does_not_wait_for_a_dead_result_backend(world):
    """Results are never read, so a dead Redis result backend cannot hold the button for 20 s."""
    job = JobRun.objects.create(kind="compliance", period="2026-11", requested_by=world.users.department)
    from config.celery_app import app as project_app

    app = Celery("probe", broker="memory://", backend="redis://127.0.0.1:1/0", set_as_current=True)
    app.conf.result_backend_transport_options = {"retry_policy": {"max_retries": 1}}
    try:
        started = time.monotonic()
        assert job_enqueue(job_id=job.pk) is True
        assert time.monotonic() - started < 3
    finally:
        project_app.set_current()
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_a_job_running_past_the_lease_with_nothing_left_to_send_is_marked_failed(world):
    job = JobRun.objects.create(
        kind="scan", period="2026-11-22", status=JobStatus.RUNNING, started_at=timezone.now() - STUCK
    )
    fresh = JobRun.objects.create(kind="scan", period="2026-11-21", status=JobStatus.RUNNING, started_at=timezone.now())
    with mock.patch.object(Celery, "send_task"):
        jobs_requeue()
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, JOB_INTERRUPTED)
    assert fresh.status == JobStatus.RUNNING


def test_a_running_job_whose_emails_gave_up_fails_and_one_still_sending_waits(world):
    started = timezone.now() - STUCK
    gave_up = JobRun.objects.create(kind="compliance", period="2026-10", status=JobStatus.RUNNING, started_at=started)
    sending = JobRun.objects.create(kind="compliance", period="2026-09", status=JobStatus.RUNNING, started_at=started)
    user = world.users.department
    EmailLog.objects.create(
        kind="compliance", period="2026-10", recipient=user, address="a@example.org", job=gave_up,
        status=EmailStatus.FAILED, attempts=MAX_SEND_ATTEMPTS,
    )  # fmt: skip
    EmailLog.objects.create(
        kind="compliance", period="2026-09", recipient=user, address="a@example.org", job=sending,
        status=EmailStatus.FAILED, attempts=1,
    )  # fmt: skip
    with mock.patch.object(Celery, "send_task"):
        jobs_requeue()
    gave_up.refresh_from_db()
    sending.refresh_from_db()
    assert gave_up.status == JobStatus.FAILED and "1 封邮件多次发送失败" in gave_up.error
    assert sending.status == JobStatus.RUNNING


def test_a_job_queued_past_the_lease_lost_its_message_and_is_queued_again(world):
    job = JobRun.objects.create(
        kind="compliance", period="2026-11", status=JobStatus.QUEUED, queued_at=timezone.now() - STUCK
    )
    with mock.patch.object(Celery, "send_task") as send:
        assert jobs_requeue()["jobs"] == 1
    assert send.call_args.kwargs["args"] == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.queued_at > timezone.now() - dt.timedelta(minutes=1)
