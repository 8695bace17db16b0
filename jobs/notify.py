"""Emails, the in-app inbox, and background job runs.

Sending is claim → send → mark: the ``EmailLog`` row for (kind, period, recipient) is created once,
locked and marked "sending" before the message leaves, and marked "sent" after. A retry or a second
run for the same period finds the row sent and sends nothing. (A worker killed between sending and
marking leaves a "sending" row; after ``SENDING_LEASE`` the sweeper may send it again — the only
case of a possible duplicate, preferred to losing the email.)

Queuing never breaks a page: a broker error leaves the job "pending" with the error recorded, and
the beat sweeper (``jobs_requeue``) queues it again once the broker answers. Work is queued by task
name (``jobs.broker``); this module does not import ``jobs.tasks`` (the tasks call into it).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from email.utils import make_msgid, parseaddr
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from applicants.handoffs import HandOff, handoff_recipients
from applicants.selectors import applicant_list_due
from quotas.selectors import compliance_for_year
from recruitment.models import Organization, Role, User
from recruitment.scope import STAFF_ROLES

from . import broker
from .models import (
    EmailKind,
    EmailLog,
    EmailStatus,
    JobKind,
    JobRun,
    JobStatus,
    Notification,
    StaleLevel,
    StaleScan,
)
from .stale import committee_of_paths, stale_flag_list, stale_scan_run

logger = logging.getLogger(__name__)

SENDING_LEASE = dt.timedelta(minutes=10)
QUEUED_GRACE = dt.timedelta(minutes=5)  # a queued email older than this was probably never queued
MAX_SEND_ATTEMPTS = 8
# A job queued or running longer than this is stuck (the message was lost with the broker, the worker
# died): longer than the task's hard time limit (settings.CELERY_TASK_TIME_LIMIT, 30 minutes).
JOB_LEASE = dt.timedelta(minutes=40)
JOB_INTERRUPTED = "任务执行中断（工作进程退出或消息队列重启），未完成；请重新发起"
LIST_LIMIT = 100  # rows of a red/watch list shown in an email; the page has the full list


def _broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError

    errors: list[type[BaseException]] = [OperationalError, OSError]
    try:
        import redis.exceptions

        errors += [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]
    except ImportError:  # pragma: no cover - redis is a requirement
        pass
    return tuple(errors)


BROKER_ERRORS = _broker_errors()


def site_link(path: str) -> str:
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/"))


# --- inbox ----------------------------------------------------------------------------------------


def notification_add(*, user: User, key: str, title: str, body: str, link: str = "") -> Notification:
    """Idempotent per (user, key): a re-run of a job adds no second message."""
    note, _ = Notification.objects.get_or_create(
        user=user, key=key[:100], defaults={"title": title[:200], "body": body, "link": link[:300]}
    )
    return note


def notification_mark_read(*, user: User, notification: Notification | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=timezone.now())


def notification_unread_count(*, user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# --- hand-offs ------------------------------------------------------------------------------------


def handoff_deliver(*, handoff: HandOff) -> list[int]:
    """Tell the people a file now waits for (``applicants.handoffs``): one 消息 and, for those with an
    address, one email per hand-off and recipient (the key makes a repeat add nothing). Runs inside
    the act's transaction; the emails are queued after commit. Returns the email log ids to send."""
    recipients: dict[int, User] = {}
    for level in handoff.levels:
        for user in handoff_recipients(branch=handoff.branch, level=level, exclude=handoff.actor):
            recipients.setdefault(user.pk, user)
    link = site_link(handoff.link) if handoff.link else ""
    text = f"{handoff.body}\n\n{link}\n" if link else f"{handoff.body}\n"
    to_send = []
    for user in recipients.values():
        # the inbox copy keeps the plain title; the email's subject names the system
        notification_add(user=user, key=f"handoff:{handoff.key}", title=handoff.title, body=text, link=handoff.link)
        log = email_prepare(
            kind=EmailKind.HANDOFF,
            period=f"handoff:{handoff.key}",
            recipient=user,
            subject=f"【发展党员】{handoff.title}",
            text=text,
            html="",
            link=handoff.link,
        )
        if log is not None:
            to_send.append(log.pk)
    email_enqueue(to_send)
    return to_send


def on_handoff(sender, handoff: HandOff, **kwargs) -> None:
    handoff_deliver(handoff=handoff)


# --- email log ------------------------------------------------------------------------------------


def email_prepare(
    *,
    kind: str,
    period: str,
    recipient: User,
    subject: str,
    text: str,
    html: str,
    link: str = "",
    job: JobRun | None = None,
) -> EmailLog | None:
    """Record one email to send (and its inbox copy). Returns the log row to send, or None when the
    recipient has no address (the inbox copy is still there) or the email was already sent."""
    notification_add(user=recipient, key=period, title=subject, body=text, link=link)
    if not recipient.email:
        logger.info("用户 %s 没有邮箱地址，仅发送站内消息：%s", recipient.username, period)
        return None
    log, created = EmailLog.objects.get_or_create(
        kind=kind,
        period=period,
        recipient=recipient,
        defaults={
            "address": recipient.email,
            "subject": subject,
            "body_text": text,
            "body_html": html,
            "job": job,
            "message_id": new_message_id(),
        },
    )
    if log.status == EmailStatus.SENT:
        return None
    if not created and log.status in (EmailStatus.QUEUED, EmailStatus.FAILED):
        # not yet out: send the current figures to the current address
        log.address, log.subject, log.body_text, log.body_html = recipient.email, subject, text, html
        log.job = job or log.job
        log.save(update_fields=["address", "subject", "body_text", "body_html", "job"])
    return log


def new_message_id() -> str:
    """A Message-ID in the sender's domain: ``<…@example.org>``."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain)


def _claim(log_id: int) -> EmailLog | None:
    """Take the row for one send attempt, or say why not (logged): already sent, or another attempt
    holds the lease (a duplicate delivery of the task). The Message-ID is committed with the claim,
    before anything goes out."""
    with transaction.atomic():
        log = EmailLog.objects.select_for_update().filter(pk=log_id).first()
        if log is None:
            return None
        if log.status == EmailStatus.SENT:
            logger.info("邮件 %s 已于 %s 发送（%s），不再发送", log.pk, log.sent_at, log.message_id)
            return None
        now = timezone.now()
        if log.status == EmailStatus.SENDING and log.claimed_at and now - log.claimed_at < SENDING_LEASE:
            logger.warning(
                "邮件 %s 正由另一次投递发送中（%s 起，%s），本次重复投递已忽略", log.pk, log.claimed_at, log.message_id
            )
            return None
        if log.status == EmailStatus.SENDING:
            # The lease ran out: the worker died mid-send. It may or may not have reached the server;
            # the retry carries the same Message-ID so the receiving side can tell a copy.
            logger.warning(
                "邮件 %s 上次发送中断（%s），以同一 Message-ID %s 重试", log.pk, log.claimed_at, log.message_id
            )
        log.message_id = log.message_id or new_message_id()
        log.status, log.claimed_at, log.attempts = EmailStatus.SENDING, now, log.attempts + 1
        log.save(update_fields=["status", "claimed_at", "attempts", "message_id"])
        return log


def email_send(*, log_id: int) -> str:
    """Send one logged email at most once. Raises the transport's error after recording it (so a
    Celery retry follows); returns the final status otherwise.

    The outbox protocol: (1) the row is claimed in its own transaction, with a lease
    (``SENDING_LEASE``) and its Message-ID committed; (2) the message goes to the SMTP server with that
    Message-ID header; (3) the row is marked sent. A second delivery of the task during the lease, or
    after (3), sends nothing and is logged. The crash window is between (2) and (3): the server has the
    message but the row still says "sending". After the lease the sweeper sends it again — with the
    same Message-ID, so a receiving server or mail client that de-duplicates by Message-ID shows one
    message; SMTP offers nothing stronger. The window is the time of one ``UPDATE`` after the server's
    250 reply."""
    log = _claim(log_id)
    if log is None:
        return EmailLog.objects.filter(pk=log_id).values_list("status", flat=True).first() or "missing"
    message = EmailMultiAlternatives(
        subject=log.subject,
        body=log.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[log.address],
        headers={"Message-ID": log.message_id},
        connection=get_connection(fail_silently=False),
    )
    if log.body_html:
        message.attach_alternative(log.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:
        EmailLog.objects.filter(pk=log.pk).update(
            status=EmailStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.warning("邮件发送失败（第 %s 次）：%s → %s：%s", log.attempts, log.period, log.address, exc)
        raise
    _mark_sent(log.pk)
    _job_maybe_done(log.job_id)
    return EmailStatus.SENT


def _mark_sent(log_id: int) -> None:
    EmailLog.objects.filter(pk=log_id).update(status=EmailStatus.SENT, sent_at=timezone.now(), error="")


def email_enqueue(log_ids: list[int]) -> None:
    """Queue sending after commit; a broker error leaves the rows queued for the sweeper."""

    def push():
        for pk in log_ids:
            try:
                broker.send(broker.SEND_EMAIL, pk, retry=False)
            except BROKER_ERRORS as exc:
                logger.warning("消息队列不可用，邮件 %s 留待稍后重试：%s", pk, exc)
                return

    transaction.on_commit(push)


# --- job runs -------------------------------------------------------------------------------------


def _job_maybe_done(job_id: int | None) -> None:
    if not job_id:
        return
    open_ = EmailLog.objects.filter(job_id=job_id).exclude(status=EmailStatus.SENT).exists()
    if not open_:
        JobRun.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.DONE, finished_at=timezone.now()
        )


@transaction.atomic
def job_request(*, kind: str, period: str, actor: User | None) -> JobRun:
    """Record a run and queue it once the row is committed. Never raises for a broker outage: the
    job then stays "pending" (check ``job.status`` after the transaction) and beat re-queues it."""
    job = JobRun.objects.create(kind=kind, period=period, requested_by=actor)
    transaction.on_commit(lambda: job_enqueue(job_id=job.pk))
    return job


def job_enqueue(*, job_id: int) -> bool:
    now = timezone.now()
    try:
        broker.send(
            broker.RUN_JOB,
            job_id,
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5},
        )
    except BROKER_ERRORS as exc:
        JobRun.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
            enqueue_attempts=F("enqueue_attempts") + 1, error=f"消息队列不可用：{exc}"[:2000]
        )
        logger.warning("消息队列不可用，任务 %s 待稍后自动重试：%s", job_id, exc)
        return False
    JobRun.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
        status=JobStatus.QUEUED, queued_at=now, enqueue_attempts=F("enqueue_attempts") + 1, error=""
    )
    return True


def job_run(*, job_id: int, today: dt.date | None = None) -> JobRun:
    """The body of every job: mark running, do the work, record the outcome. Idempotent."""
    today = today or timezone.localdate()
    job = JobRun.objects.get(pk=job_id)
    if job.status == JobStatus.DONE:
        return job
    JobRun.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        if job.kind == JobKind.COMPLIANCE:
            n = compliance_report_run(job=job, today=today)
            message = f"本期共 {n} 封邮件，已排队发送" if n else "本期邮件此前均已发送，未重复发送"
            done = n == 0
        elif job.kind == JobKind.SCAN:
            scan = stale_scan_run(as_of=dt.date.fromisoformat(job.period), actor=job.requested_by, source="button")
            message, done = f"扫描完成：红色 {scan.red_count} 个，关注 {scan.watch_count} 个", True
        elif job.kind == JobKind.REMINDERS:
            n = deadline_reminders_run(today=dt.date.fromisoformat(job.period), job=job)
            message, done = f"共生成 {n} 封提醒邮件", n == 0
        else:  # pragma: no cover - choices guard this
            raise ValueError(job.kind)
    except Exception as exc:
        JobRun.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    JobRun.objects.filter(pk=job.pk).update(
        message=message,
        total=EmailLog.objects.filter(job=job).count(),
        **({"status": JobStatus.DONE, "finished_at": timezone.now()} if done else {}),
    )
    _job_maybe_done(job.pk)
    job.refresh_from_db()
    return job


def job_start_scheduled(*, kind: str, today: dt.date) -> JobRun:
    """A scheduled run (beat): record it like a button press and run it in this worker."""
    period = f"{today:%Y-%m}" if kind == JobKind.COMPLIANCE else today.isoformat()
    job = JobRun.objects.create(kind=kind, period=period, status=JobStatus.QUEUED, queued_at=timezone.now())
    return job_run(job_id=job.pk, today=today)


def _jobs_unstick(*, now: dt.datetime) -> None:
    """No job shows "已入队"/"执行中" forever (issue 12): a job queued for longer than the lease lost its
    message (the broker restarted empty) and goes back to pending, to be queued again (a run is
    idempotent: emails are keyed by kind, period and recipient); a job running for longer than the lease
    with nothing left to retry failed, and says so."""
    lost = JobRun.objects.filter(status=JobStatus.QUEUED, queued_at__lt=now - JOB_LEASE)
    for pk in lost.values_list("pk", flat=True):
        logger.warning("任务 %s 入队超过 %s 仍未开始，重新入队", pk, JOB_LEASE)
    lost.update(status=JobStatus.PENDING, error="入队后长时间未开始执行，已重新入队")
    retryable = Q(status__in=(EmailStatus.QUEUED, EmailStatus.SENDING)) | Q(
        status=EmailStatus.FAILED, attempts__lt=MAX_SEND_ATTEMPTS
    )
    for job in JobRun.objects.filter(status=JobStatus.RUNNING, started_at__lt=now - JOB_LEASE):
        emails = EmailLog.objects.filter(job=job).exclude(status=EmailStatus.SENT)
        if emails.filter(retryable).exists():
            continue  # the sweeper is still sending them
        failed = emails.count()
        error = f"{failed} 封邮件多次发送失败，已停止重试" if failed else JOB_INTERRUPTED
        JobRun.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, error=error, finished_at=now
        )
        logger.warning("任务 %s 执行超过 %s 未完成，标记为失败：%s", job.pk, JOB_LEASE, error)


def jobs_requeue(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Beat's sweeper: queue pending jobs again, and emails that were never queued, failed, or whose
    worker died mid-send. Safe to run any time: sending itself is claim-protected."""
    now = now or timezone.now()
    _jobs_unstick(now=now)
    jobs = list(JobRun.objects.filter(status=JobStatus.PENDING).values_list("pk", flat=True)[:100])
    queued_jobs = sum(job_enqueue(job_id=pk) for pk in jobs)
    emails = list(
        EmailLog.objects.filter(
            Q(status=EmailStatus.QUEUED, created_at__lt=now - QUEUED_GRACE)
            | Q(status=EmailStatus.FAILED, attempts__lt=MAX_SEND_ATTEMPTS)
            | Q(status=EmailStatus.SENDING, claimed_at__lt=now - SENDING_LEASE)
        ).values_list("pk", flat=True)[:500]
    )
    email_enqueue(emails)
    return {"jobs": queued_jobs, "emails": len(emails)}


# --- selectors for the jobs page -----------------------------------------------------------------


@dataclass
class JobProgress:
    job: JobRun
    total: int
    sent: int
    failed: int
    waiting: int

    @property
    def percent(self) -> int:
        return int(self.sent * 100 / self.total) if self.total else (100 if self.job.status == JobStatus.DONE else 0)


def job_list_with_progress(*, limit: int = 20) -> list[JobProgress]:
    jobs = list(JobRun.objects.select_related("requested_by")[:limit])
    counts = defaultdict(dict)
    for job_id, status, n in (
        EmailLog.objects.filter(job__in=jobs).values_list("job_id", "status").annotate(n=Count("pk")).order_by()
    ):
        counts[job_id][status] = n
    out = []
    for j in jobs:
        c = counts[j.pk]
        total = sum(c.values())
        out.append(
            JobProgress(
                job=j,
                total=total,
                sent=c.get(EmailStatus.SENT, 0),
                failed=c.get(EmailStatus.FAILED, 0),
                waiting=c.get(EmailStatus.QUEUED, 0) + c.get(EmailStatus.SENDING, 0),
            )
        )
    return out


# --- the monthly compliance report --------------------------------------------------------------


def _pct(x) -> str:
    return "—" if x is None else f"{float(x) * 100:.1f}%"


def _share_rows(rows) -> list[dict]:
    out = []
    for r in rows or []:
        lo, hi = getattr(r, "min", None), getattr(r, "max", None)
        req = "，".join(
            p for p in ((f"≥ {_pct(lo)}" if lo is not None else ""), (f"≤ {_pct(hi)}" if hi is not None else "")) if p
        )
        ok = getattr(r, "ok", None)
        verdict = (
            ("仅供参考" if getattr(r, "reference", False) else "—") if ok is None else ("符合" if ok else "不符合")
        )
        out.append(
            {
                "key": r.key,
                "count": r.count,
                "share": _pct(r.share),
                "rule": req or "不考核",
                "ok": ok,
                "verdict": verdict,
            }
        )
    return out


def compliance_figures(*, org: Organization, year: int) -> dict:
    """The year's shares and plan execution from ``quotas.selectors.compliance_for_year``, shaped for
    the email."""
    c = compliance_for_year(org=org, year=year)
    plan = c.plan
    rate = None
    if getattr(plan, "total", None):
        rate = f"{plan.admitted * 100 / plan.total:.1f}%"
    return {
        "admitted": c.admitted,
        "expected": c.expected,
        "sectors": _share_rows(c.sectors),
        "structure": _share_rows(getattr(c, "structure", [])),
        "plan": plan,
        "plan_rate": rate,
        "sector_note": getattr(c, "sector_note", ""),
        "failing": [r for r in _share_rows(c.sectors) + _share_rows(getattr(c, "structure", [])) if r["ok"] is False],
    }


def compliance_context(*, org: Organization, year: int, as_of: dt.date, scan: StaleScan | None, period: str) -> dict:
    flags = list(stale_flag_list(user=None, scan=scan, within=org)) if scan else []
    committees = committee_of_paths([f.org for f in flags])
    rows = [
        {
            "flag": f,
            "committee": committees.get(f.org_id),
            "link": site_link(reverse("jobs:stale_org", args=[f.org.code])),
        }
        for f in flags
    ]
    red = [r for r in rows if r["flag"].level == StaleLevel.RED]
    watch = [r for r in rows if r["flag"].level == StaleLevel.WATCH]
    by_committee: dict[int, dict] = {}
    for r in rows:
        c = r["committee"]
        if c is not None and c.pk != org.pk:
            s = by_committee.setdefault(c.pk, {"committee": c, "red": 0, "watch": 0})
            s[r["flag"].level] += 1
    y, m = (int(p) for p in period.split("-"))
    return {
        "by_committee": sorted(by_committee.values(), key=lambda s: (-s["red"], -s["watch"], s["committee"].code)),
        "org": org,
        "year": year,
        "as_of": as_of,
        "period_label": f"{y}年{m}月",
        "scan": scan,
        "figures": compliance_figures(org=org, year=year),
        "red": red[:LIST_LIMIT],
        "watch": watch[:LIST_LIMIT],
        "red_total": len(red),
        "watch_total": len(watch),
        "new_red": sum(1 for r in red if r["flag"].previous_level != StaleLevel.RED),
        "list_limit": LIST_LIMIT,
        "links": {
            "stale": site_link(reverse("jobs:stale_list")),
            "compliance": site_link(f"{reverse('quotas:dashboard')}?{urlencode({'org': org.code, 'year': year})}"),
            "inbox": site_link(reverse("jobs:inbox")),
        },
    }


def compliance_subject(*, org: Organization, period: str) -> str:
    y, m = (int(p) for p in period.split("-"))
    return f"【发展党员】{y}年{m}月结构比例与预警月报（{org.name}）"


def compliance_recipients() -> dict[Organization, list[User]]:
    """Department staff get their whole jurisdiction; committee staff get their committee's subtree."""
    users = (
        User.objects.filter(is_active=True, role__in=STAFF_ROLES, organization__isnull=False)
        .select_related("organization")
        .order_by("organization__path", "username")
    )
    by_org: dict[Organization, list[User]] = defaultdict(list)
    for u in users:
        by_org[u.organization].append(u)
    return by_org


def compliance_report_run(*, job: JobRun | None, today: dt.date, period: str | None = None) -> int:
    """Prepare this period's report for every recipient and queue the sending. Returns how many
    emails are waiting to be sent (0 when all were already sent)."""
    period = period or (job.period if job else f"{today:%Y-%m}")
    year = (today - dt.timedelta(days=1)).year  # on 1 January the report covers the past year
    scan = StaleScan.objects.filter(as_of=today, finished_at__isnull=False).first() or stale_scan_run(as_of=today)
    to_send = []
    with transaction.atomic():
        for org, users in compliance_recipients().items():
            ctx = compliance_context(org=org, year=year, as_of=today, scan=scan, period=period)
            subject = compliance_subject(org=org, period=period)
            text = render_to_string("email/compliance.txt", ctx)
            html = render_to_string("email/compliance.html", {**ctx, "subject": subject})
            for user in users:
                log = email_prepare(
                    kind=EmailKind.COMPLIANCE,
                    period=f"compliance:{period}:{org.code}",
                    recipient=user,
                    subject=subject,
                    text=text,
                    html=html,
                    link=reverse("jobs:stale_list"),
                    job=job,
                )
                if log is not None:
                    to_send.append(log.pk)
        email_enqueue(to_send)
    return len(to_send)


# --- daily deadline reminders --------------------------------------------------------------------


def deadline_reminders_run(*, today: dt.date, job: JobRun | None = None) -> int:
    """One email per branch secretary with something due (``applicants.selectors.applicant_list_due``)."""
    secretaries = (
        User.objects.filter(is_active=True, role=Role.BRANCH_SECRETARY, organization__isnull=False)
        .select_related("organization")
        .order_by("username")
    )
    to_send = []
    with transaction.atomic():
        for user in secretaries:
            items = sorted(applicant_list_due(user=user, today=today), key=lambda i: (i.due, i.applicant.name))
            if not items:
                continue
            overdue = sum(1 for i in items if getattr(i, "overdue", i.days < 0))
            subject = f"【发展党员】{today.month}月{today.day}日待办提醒：{len(items)} 项" + (
                f"（已逾期 {overdue} 项）" if overdue else ""
            )
            rows = [
                {
                    "item": i,
                    "kind": getattr(i, "kind_label", i.kind),
                    "overdue": getattr(i, "overdue", i.days < 0),
                    "link": site_link(reverse("applicants:detail", args=[i.applicant.pk])),
                }
                for i in items[:LIST_LIMIT]
            ]
            ctx = {
                "user": user,
                "org": user.organization,
                "today": today,
                "rows": rows,
                "total": len(items),
                "overdue": overdue,
                "subject": subject,
                "link": site_link(reverse("applicants:todo")),
            }
            text = render_to_string("email/deadline.txt", ctx)
            html = render_to_string("email/deadline.html", ctx)
            log = email_prepare(
                kind=EmailKind.DEADLINE,
                period=f"deadline:{today}:{user.organization.code}",
                recipient=user,
                subject=subject,
                text=text,
                html=html,
                link=reverse("applicants:todo"),
                job=job,
            )
            if log is not None:
                to_send.append(log.pk)
        email_enqueue(to_send)
    return len(to_send)
