"""The real thing: a Celery worker process on Redis runs the compliance job and the emails it
queues, writes them with the file backend and logs them as sent.

Skipped only when Redis does not answer. Uses its own queue name so parallel runs sharing one
Redis never take each other's tasks; REDIS_URL if set (CI), else redis://127.0.0.1:6379/5."""

import email
import email.policy
import os
import socket
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from django.conf import settings

from jobs.models import EmailLog, EmailStatus, JobKind, JobRun, JobStatus
from jobs.tasks import run_job_task
from tests.clock import frozen_command

from .conftest import broker

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/5"


def redis_answers(url: str) -> bool:
    u = urlparse(url)
    try:
        with socket.create_connection((u.hostname or "127.0.0.1", u.port or 6379), timeout=2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        assert "memory" not in str(db["NAME"]), "the worker needs a file database (see config/settings/test.py)"
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def mail_files(folder: Path) -> list[email.message.EmailMessage]:
    """Messages written by Django's file backend (separated by a line of 79 dashes)."""
    out = []
    for f in sorted(folder.glob("*.log")):
        for chunk in f.read_bytes().split(b"-" * 79):
            if chunk.strip():
                out.append(email.message_from_bytes(chunk.strip(), policy=email.policy.default))
    return out


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_on_redis_sends_the_monthly_report_and_logs_it(mailed, tmp_path):
    if not redis_answers(REDIS):
        pytest.skip(f"Redis 不可达：{REDIS}")
    queue = f"dyfz-test-{uuid.uuid4().hex[:10]}"
    mail_dir = tmp_path / "mail"
    env = {k: v for k, v in os.environ.items() if k not in {"EMAIL_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=database_url(),
        REDIS_URL=REDIS,
        CELERY_QUEUE=queue,
        EMAIL_FILE_PATH=str(mail_dir),
        SITE_URL="https://dyfz.example.gov.cn",
    )
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        frozen_command(
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        job = JobRun.objects.create(kind=JobKind.COMPLIANCE, period="2026-11", requested_by=mailed.users.department)
        with broker(REDIS, queue=queue):
            run_job_task.apply_async(args=[job.pk], queue=queue)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if EmailLog.objects.filter(status=EmailStatus.SENT).count() == 3 and worker.poll() is None:
                break
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(0.5)
        logs = list(EmailLog.objects.order_by("address"))
        assert [(e.address, e.status, e.attempts) for e in logs] == [
            ("comm_a@demo.local", "sent", 1),
            ("comm_b@demo.local", "sent", 1),
            ("dept@demo.local", "sent", 1),
        ], (tmp_path / "worker.log").read_text()[-3000:]
        job.refresh_from_db()
        assert job.status == JobStatus.DONE
        messages = mail_files(mail_dir)
        assert sorted(m["To"] for m in messages) == ["comm_a@demo.local", "comm_b@demo.local", "dept@demo.local"]
        subjects = {str(m["Subject"]).strip() for m in messages}
        assert "【发展党员】2026年11月结构比例与预警月报（测试县委组织部）" in subjects
        for m in messages:
            html = m.get_body(preferencelist=("html",)).get_content()
            assert "https://dyfz.example.gov.cn/jobs/stale/" in html and "<table" in html
            assert "结构比例" in m.get_body(preferencelist=("plain",)).get_content()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
        try:
            import redis

            redis.Redis.from_url(REDIS).delete(queue)
        except Exception:  # noqa: BLE001 - cleanup only
            pass
