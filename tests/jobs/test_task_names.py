"""Work is queued by task name (beat's schedules, ``jobs.broker``): every such name is a task the
worker knows."""

from django.conf import settings

from config.celery_app import app
from jobs import broker, tasks


def test_names_queued_by_the_job_bodies_are_the_tasks_that_run_them():
    assert app.tasks[broker.SEND_EMAIL].run is tasks.send_email_task.run
    assert app.tasks[broker.RUN_JOB].run is tasks.run_job_task.run


def test_every_beat_schedule_names_a_registered_task():
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
