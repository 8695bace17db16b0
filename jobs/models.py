"""Scheduled jobs: stale-organization scans, email log, in-app inbox, job runs, follow-ups.

These models lived in quotas until the jobs app was split out; they keep their tables
(``db_table = "quotas_…"``) so no data moved (see ``jobs/migrations/0001_initial.py``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recruitment.bounds import MAX_COUNT, MAX_PEOPLE, bounded
from recruitment.models import Organization, ScopedQuerySet


class StaleLevel(models.TextChoices):
    RED = "red", _("红色（须年内清零）")
    WATCH = "watch", _("关注（定期跟踪）")


class StaleReason(models.TextChoices):
    NEVER = "never", _("成立以来未发展党员")
    THREE_YEARS = "3y", _("3年未发展党员")
    TWO_YEARS = "2y", _("2年及以上未发展党员")
    RESERVE = "reserve", _("后备力量储备不足")
    UNKNOWN = "unknown", _("发展历史不详（须补录最近发展党员日期）")


class RecruitSource(models.TextChoices):
    """Where a branch's last recruit was found (rule book: what counts as a recruit)."""

    APPROVAL = "approval", _("上级党委审批（系统记录）")
    REGISTER = "register", _("党员名册入党日期")
    IMPORT = "import", _("上线前最近发展党员日期")


class StaleScan(models.Model):
    """One scan of every active branch as of a date. One scan per date: a re-run replaces it."""

    as_of = models.DateField(_("统计日期"), unique=True)
    created_at = models.DateTimeField(_("扫描时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("来源"), max_length=20, default="task")  # task / command / button
    reserve_min = models.PositiveIntegerField(_("后备力量下限"), default=1, validators=bounded(0, MAX_PEOPLE))
    branch_count = models.PositiveIntegerField(_("扫描支部数"), default=0, validators=bounded(0, MAX_COUNT))
    red_count = models.PositiveIntegerField(_("红色"), default=0, validators=bounded(0, MAX_COUNT))
    watch_count = models.PositiveIntegerField(_("关注"), default=0, validators=bounded(0, MAX_COUNT))

    class Meta:
        db_table = "quotas_stalescan"
        verbose_name = _("未发展党员组织扫描")
        verbose_name_plural = _("未发展党员组织扫描")
        ordering = ["-as_of"]

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d} 扫描（红色 {self.red_count}，关注 {self.watch_count}）"


class FlagQuerySet(ScopedQuerySet):
    scope_field = "org"


class StaleFlag(models.Model):
    scan = models.ForeignKey(StaleScan, on_delete=models.CASCADE, related_name="flags")
    org = models.ForeignKey(
        Organization, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="stale_flags"
    )
    level = models.CharField(_("预警等级"), max_length=10, choices=StaleLevel.choices)
    reason = models.CharField(_("原因"), max_length=10, choices=StaleReason.choices)
    last_admitted = models.DateField(_("最近一次发展党员日期"), null=True, blank=True)
    last_source = models.CharField(_("最近发展党员日期来源"), max_length=10, choices=RecruitSource.choices, blank=True)
    reserve = models.PositiveIntegerField(_("积极分子和发展对象人数"), default=0, validators=bounded(0, MAX_PEOPLE))
    previous_level = models.CharField(_("上次扫描等级"), max_length=10, blank=True)  # "" = not flagged then

    objects = FlagQuerySet.as_manager()

    class Meta:
        db_table = "quotas_staleflag"
        verbose_name = _("预警组织")
        verbose_name_plural = _("预警组织")
        ordering = ["scan_id", "org__code"]
        constraints = [models.UniqueConstraint(fields=["scan", "org"], name="one_flag_per_scan_org")]

    @property
    def is_new(self) -> bool:
        return self.previous_level != self.level

    @property
    def last_recruit_label(self) -> str:
        """The last recruit as the lists show it: the date, "不详" (history unknown) or "从未发展"."""
        if self.last_admitted:
            return f"{self.last_admitted:%Y-%m-%d}"
        return "不详" if self.reason == StaleReason.UNKNOWN else "从未发展"


class StaleChange(models.Model):
    """A branch entered, left or changed list between the previous scan and this one."""

    scan = models.ForeignKey(StaleScan, on_delete=models.CASCADE, related_name="changes")
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="stale_changes")
    before = models.CharField(_("变化前"), max_length=10, blank=True)
    after = models.CharField(_("变化后"), max_length=10, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        db_table = "quotas_stalechange"
        ordering = ["-scan__as_of"]
        constraints = [models.UniqueConstraint(fields=["scan", "org"], name="one_change_per_scan_org")]

    @property
    def label(self) -> str:
        names = {"red": "红色名单", "watch": "关注名单", "": "未列入"}
        if not self.before:
            return f"列入{names[self.after]}"
        if not self.after:
            return f"移出{names[self.before]}"
        return f"由{names[self.before]}转入{names[self.after]}"


class FollowUp(models.Model):
    """定期跟踪指导: a note by committee or department staff about a flagged branch."""

    org = models.ForeignKey(Organization, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="follow_ups")
    date = models.DateField(_("跟踪日期"))
    note = models.TextField(_("跟踪指导情况"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        db_table = "quotas_followup"
        verbose_name = _("跟踪指导记录")
        verbose_name_plural = _("跟踪指导记录")
        ordering = ["-date", "-created_at"]


class JobKind(models.TextChoices):
    COMPLIANCE = "compliance", _("结构比例与预警月报")
    SCAN = "scan", _("未发展党员组织扫描")
    REMINDERS = "deadline", _("到期提醒")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("待入队（消息队列不可用，将自动重试）")
    QUEUED = "queued", _("已入队")
    RUNNING = "running", _("执行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class JobRun(models.Model):
    """One requested run of a job (button or schedule): what, for which period, by whom, how far."""

    kind = models.CharField(_("任务"), max_length=20, choices=JobKind.choices)
    period = models.CharField(_("期次"), max_length=20)  # "2026-11" or "2026-11-22"
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    queued_at = models.DateTimeField(_("入队时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    enqueue_attempts = models.PositiveIntegerField(_("入队尝试次数"), default=0, validators=bounded(0, MAX_COUNT))
    total = models.PositiveIntegerField(_("邮件总数"), default=0, validators=bounded(0, MAX_COUNT))
    message = models.TextField(_("结果说明"), blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        db_table = "quotas_jobrun"
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}（{self.get_status_display()}）"

    WAITING_HINT_AFTER = dt.timedelta(minutes=2)

    @property
    def waiting_too_long(self) -> bool:
        """Queued and not picked up for a while: most likely no Celery worker is running."""
        return (
            self.status == JobStatus.QUEUED
            and self.queued_at is not None
            and timezone.now() - self.queued_at > self.WAITING_HINT_AFTER
        )


class EmailKind(models.TextChoices):
    COMPLIANCE = "compliance", _("结构比例与预警月报")
    DEADLINE = "deadline", _("到期提醒")
    HANDOFF = "handoff", _("待办移交（审查、备案、审批）")


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class EmailLog(models.Model):
    """Every email, claimed before it is sent: (kind, period, recipient) is sent at most once, always
    under the same ``message_id`` (the outbox protocol and its crash window: ``jobs.notify``)."""

    kind = models.CharField(_("类别"), max_length=20, choices=EmailKind.choices)
    period = models.CharField(_("期次"), max_length=80)  # e.g. "compliance:2026-11:HC01"
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.PROTECT, related_name="email_logs"
    )
    address = models.EmailField(_("邮箱"))
    subject = models.CharField(_("主题"), max_length=200)
    body_text = models.TextField(_("正文（文本）"))
    body_html = models.TextField(_("正文（HTML）"), blank=True)
    job = models.ForeignKey(JobRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails")
    status = models.CharField(_("状态"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED)
    # Recorded before the first send and used as the Message-ID header of every attempt (jobs.notify).
    message_id = models.CharField(_("邮件标识（Message-ID）"), max_length=255, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0, validators=bounded(0, MAX_COUNT))
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        db_table = "quotas_emaillog"
        verbose_name = _("邮件记录")
        verbose_name_plural = _("邮件记录")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "period", "recipient"], name="one_email_per_period")]
        indexes = [models.Index(fields=["status", "created_at"], name="emaillog_status")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.address}（{self.get_status_display()}）"


class Notification(models.Model):
    """The in-app inbox (消息): mirrors what was emailed; ``key`` makes a re-run add nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=100)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        db_table = "quotas_notification"
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]
