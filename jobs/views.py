"""Pages of the jobs area: the red/watch list, one branch's history and follow-ups, background jobs
with their progress, and the 消息 inbox. Views hold no rules: they call ``stale``/``notify``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from recruitment.errors import DomainError
from recruitment.http import XLSX, attachment
from recruitment.models import Organization, OrgLevel, Role, Sector
from recruitment.scope import OVERSIGHT_ROLES, STAFF_ROLES, get_visible_or_404, require_roles, role_required, visible_to
from recruitment.tabular import write_xlsx

from .models import (
    EmailLog,
    EmailStatus,
    JobKind,
    JobRun,
    JobStatus,
    Notification,
    StaleLevel,
    StaleScan,
)
from .notify import job_list_with_progress, job_request, notification_mark_read
from .stale import (
    committee_of_paths,
    stale_flag_list,
    stale_follow_up_add,
    stale_latest_scan,
    stale_org_history,
    stale_summary_by_committee,
)

QUEUE_DOWN = "消息队列暂不可用，已记录，稍后自动重试"


class StaleFilterForm(forms.Form):
    level = forms.ChoiceField(label="等级", required=False, choices=[("", "全部等级"), *StaleLevel.choices])
    committee = forms.ChoiceField(label="党(工)委", required=False)
    sector = forms.ChoiceField(label="领域", required=False, choices=[("", "全部领域"), *Sector.choices])
    q = forms.CharField(label="搜索", required=False, widget=forms.TextInput(attrs={"placeholder": "支部名称或编码"}))
    new = forms.BooleanField(label="仅本次新列入", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        committees = visible_to(user, Organization).filter(level__in=OrgLevel.committee_levels()).order_by("code")
        self.fields["committee"].choices = [("", "全部党(工)委"), *[(c.code, c.name) for c in committees]]
        for f in self.fields.values():
            f.widget.attrs.setdefault(
                "class",
                "form-check-input"
                if isinstance(f, forms.BooleanField)
                else "form-select"
                if isinstance(f, forms.ChoiceField)
                else "form-control",
            )


class FollowUpForm(forms.Form):
    date = forms.DateField(
        label="跟踪日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"})
    )
    note = forms.CharField(
        label="跟踪指导情况",
        max_length=2000,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "class": "form-control",
                "placeholder": "如：到村调研，已确定2名入党积极分子，指定培养联系人……",
            }
        ),
    )


def _scan_for(request) -> StaleScan | None:
    scan_id = request.GET.get("scan")
    if scan_id and scan_id.isdigit():
        return StaleScan.objects.filter(pk=int(scan_id), finished_at__isnull=False).first()
    return stale_latest_scan()


@login_required
@role_required(*OVERSIGHT_ROLES)
def stale_list(request):
    scan = _scan_for(request)
    form = StaleFilterForm(request.GET or None, user=request.user)
    flags = None
    summary = []
    if scan is not None:
        base = stale_flag_list(user=request.user, scan=scan)
        summary = stale_summary_by_committee(flags=base)
        flags = base
        if form.is_valid():
            d = form.cleaned_data
            flags = stale_flag_list(
                user=request.user, scan=scan, level=d["level"], sector=d["sector"], q=d["q"].strip(), new_only=d["new"]
            )
            if d["committee"]:
                committee = get_visible_or_404(request.user, Organization, code=d["committee"])
                flags = flags.filter(org__path__startswith=committee.path)
        if request.GET.get("export") == "xlsx":
            return _export(scan, flags)
    page = Paginator(flags if flags is not None else [], 50).get_page(request.GET.get("page"))
    committees = committee_of_paths([f.org for f in page.object_list])
    rows = [{"flag": f, "committee": committees.get(f.org_id)} for f in page.object_list]
    return render(
        request,
        "jobs/stale_list.html",
        {
            "scan": scan,
            "form": form,
            "page": page,
            "rows": rows,
            "summary": summary,
            "scans": StaleScan.objects.filter(finished_at__isnull=False).order_by("-as_of")[:30],
            "can_scan": request.user.has_role(Role.DEPARTMENT_STAFF),
        },
    )


def _export(scan: StaleScan, flags) -> HttpResponse:
    flags = list(flags)
    committees = committee_of_paths([f.org for f in flags])
    header = [
        "编码",
        "党支部",
        "所属党(工)委",
        "领域",
        "成立日期",
        "预警等级",
        "原因",
        "最近发展党员日期",
        "积极分子和发展对象",
        "上次扫描",
        "统计日期",
        "最近发展党员日期来源",
    ]
    labels = {k: str(v) for k, v in StaleLevel.choices}
    rows = [
        [
            f.org.code,
            f.org.name,
            getattr(committees.get(f.org_id), "name", ""),
            f.org.sector,
            f.org.founded_on,
            labels[f.level],
            str(f.get_reason_display()),
            f.last_admitted or f.last_recruit_label,
            f.reserve,
            labels.get(f.previous_level, "未列入"),
            scan.as_of,
            str(f.get_last_source_display()) if f.last_source else "",
        ]
        for f in flags
    ]
    return attachment(write_xlsx(header, rows, "预警组织"), f"stale-orgs-{scan.as_of}.xlsx", XLSX)


@login_required
@role_required(*OVERSIGHT_ROLES)
@require_http_methods(["GET", "POST"])
def stale_org(request, code: str):
    org = get_visible_or_404(request.user, Organization.objects.select_related("parent"), code=code)
    form = FollowUpForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST":
        require_roles(request.user, *STAFF_ROLES)
        if form.is_valid():
            try:
                stale_follow_up_add(
                    org=org, date=form.cleaned_data["date"], note=form.cleaned_data["note"], author=request.user
                )
            except DomainError as exc:
                for v in exc.violations:
                    form.add_error(v.field if v.field in form.fields else None, v.message)
            else:
                messages.success(request, "跟踪指导记录已保存。")
                return redirect("jobs:stale_org", code=org.code)
    history = stale_org_history(org=org)
    latest = stale_latest_scan()
    current = next((f for f in history["flags"] if latest and f.scan_id == latest.pk), None)
    return render(
        request,
        "jobs/stale_org.html",
        {
            "org": org,
            "form": form,
            "current": current,
            "latest": latest,
            "committee": org.upper_committee(),
            "can_write": request.user.has_role(*STAFF_ROLES),
            **history,
        },
    )


@login_required
@role_required(Role.DEPARTMENT_STAFF)
def jobs_page(request):
    status = request.GET.get("status", "")
    emails = EmailLog.objects.select_related("recipient").order_by("-created_at")
    if status in EmailStatus.values:
        emails = emails.filter(status=status)
    progress = job_list_with_progress()
    running = any(p.job.status in (JobStatus.QUEUED, JobStatus.RUNNING) or p.waiting for p in progress[:5])
    return render(
        request,
        "jobs/jobs.html",
        {
            "progress": progress,
            "emails": Paginator(emails, 30).get_page(request.GET.get("page")),
            "status": status,
            "statuses": EmailStatus.choices,
            "running": running,
            "month": f"{timezone.localdate():%Y-%m}",
            "today": timezone.localdate(),
        },
    )


@login_required
@role_required(Role.DEPARTMENT_STAFF)
@require_POST
def job_start(request):
    kind = request.POST.get("kind")
    today = timezone.localdate()
    if kind == JobKind.COMPLIANCE:
        period = f"{today:%Y-%m}"
    elif kind == JobKind.SCAN:
        period = today.isoformat()
    else:
        messages.error(request, "未知的任务类型。")
        return redirect("jobs:jobs")
    job = job_request(kind=kind, period=period, actor=request.user)
    job.refresh_from_db()
    if job.status == JobStatus.PENDING:
        messages.error(request, QUEUE_DOWN)
    else:
        messages.success(request, f"已提交：{job.get_kind_display()}（{period}）。进度见下表。")
    return redirect("jobs:job_detail", pk=job.pk)


@login_required
@role_required(Role.DEPARTMENT_STAFF)
def job_detail(request, pk: int):
    job = get_object_or_404(JobRun.objects.select_related("requested_by"), pk=pk)
    progress = next((p for p in job_list_with_progress(limit=200) if p.job.pk == job.pk), None)
    emails = job.emails.select_related("recipient").order_by("address")
    finished = job.status in (JobStatus.DONE, JobStatus.FAILED) and not (progress and progress.waiting)
    return render(
        request, "jobs/job_detail.html", {"job": job, "progress": progress, "emails": emails, "finished": finished}
    )


@login_required
def inbox(request):
    qs = Notification.objects.filter(user=request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    return render(
        request,
        "jobs/inbox.html",
        {
            "page": Paginator(qs, 20).get_page(request.GET.get("page")),
            "q": q,
            "unread_only": bool(request.GET.get("unread")),
        },
    )


@login_required
def notification_open(request, pk: int):
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(user=request.user, notification=note)
    return render(request, "jobs/notification.html", {"note": note})


@login_required
@require_POST
def inbox_read_all(request):
    n = notification_mark_read(user=request.user)
    messages.success(request, f"已将 {n} 条消息标为已读。")
    return redirect("jobs:inbox")
