"""Send this month's 结构比例与预警月报 now, in this process or through the worker (--queue).

Same job as the monthly schedule and the button: a recipient already sent this period's report is
skipped, so running it twice sends nothing twice."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jobs.models import EmailLog, EmailStatus, JobKind, JobRun, JobStatus
from jobs.notify import email_send, job_request, job_run


class Command(BaseCommand):
    help = "立即生成并发送本月结构比例与预警月报（同一期次不重复发送）"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按此日期统计（YYYY-MM-DD），默认今天；期次为其所在月份")
        parser.add_argument("--queue", action="store_true", help="交给后台 worker 执行（默认在本进程内执行并发送）")

    def handle(self, *args, today=None, queue=False, **options):
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{today}") from exc
        period = f"{day:%Y-%m}"
        if queue:
            job = job_request(kind=JobKind.COMPLIANCE, period=period, actor=None)
            job.refresh_from_db()
            if job.status == JobStatus.PENDING:
                self.stderr.write(f"消息队列暂不可用，已记录（任务 {job.pk}），稍后由定时任务自动重试。")
            else:
                self.stdout.write(f"已提交后台任务 {job.pk}（{period}）。")
            return
        job = JobRun.objects.create(
            kind=JobKind.COMPLIANCE, period=period, status=JobStatus.QUEUED, queued_at=timezone.now()
        )
        job_run(job_id=job.pk, today=day)
        failed = 0
        for log in EmailLog.objects.filter(job=job).exclude(status=EmailStatus.SENT):
            try:
                email_send(log_id=log.pk)
            except Exception as exc:  # noqa: BLE001 - recorded on the log row; the sweeper retries
                failed += 1
                self.stderr.write(f"发送失败：{log.address}：{exc}")
        job.refresh_from_db()
        sent = EmailLog.objects.filter(job=job, status=EmailStatus.SENT).count()
        self.stdout.write(
            f"{period} 月报：本次发送 {sent} 封"
            + (f"，失败 {failed} 封（已记录，将自动重试）" if failed else "")
            + ("；此前已发送的收件人未重复发送。" if job.total == 0 else "。")
        )
