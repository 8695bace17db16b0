"""Daily deadline reminders to branch secretaries, built on applicants.selectors.applicant_list_due."""

import datetime as dt

from django.core import mail

from jobs.models import EmailLog, JobKind, JobStatus, Notification
from jobs.notify import deadline_reminders_run, email_send, job_start_scheduled
from tests.applicants.people import placed

D = dt.date


def send_all():
    for pk in EmailLog.objects.values_list("pk", flat=True):
        email_send(log_id=pk)


def test_secretary_with_something_due_gets_one_reminder_naming_the_person(mailed):
    placed(mailed, step=1, name="王小明", applied_on=D(2026, 10, 20))  # talk due 2026-11-20: overdue
    assert deadline_reminders_run(today=D(2026, 11, 22)) == 1
    log = EmailLog.objects.get()
    assert log.recipient == mailed.users.secretary and log.period == "deadline:2026-11-22:A1"
    assert log.subject == "【发展党员】11月22日待办提醒：1 项（已逾期 1 项）"
    send_all()
    [msg] = mail.outbox
    assert "王小明" in msg.body and "R2" in msg.body
    assert "王小明" in msg.alternatives[0][0] and "/applicants/" in msg.alternatives[0][0]
    assert Notification.objects.get(user=mailed.users.secretary).link == "/applicants/todo/"


def test_secretaries_with_nothing_due_get_nothing(mailed):
    assert deadline_reminders_run(today=D(2026, 11, 22)) == 0
    assert not EmailLog.objects.exists() and not Notification.objects.exists()


def test_a_second_run_the_same_day_sends_nothing_new_but_the_next_day_reminds_again(mailed):
    placed(mailed, step=1, applied_on=D(2026, 10, 20))
    deadline_reminders_run(today=D(2026, 11, 22))
    send_all()
    assert deadline_reminders_run(today=D(2026, 11, 22)) == 0
    assert deadline_reminders_run(today=D(2026, 11, 23)) == 1
    send_all()
    assert len(mail.outbox) == 2


def test_scheduled_run_is_recorded_as_a_job(mailed):
    placed(mailed, step=1, applied_on=D(2026, 10, 20))
    job = job_start_scheduled(kind=JobKind.REMINDERS, today=D(2026, 11, 22))
    assert job.period == "2026-11-22" and job.total == 1 and job.status == JobStatus.RUNNING
    send_all()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
