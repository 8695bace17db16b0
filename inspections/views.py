"""Views: look up in scope (404), check role (403), call one service, show DomainError messages."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applicants.forms import add_domain_errors
from applicants.models import AccessKind
from applicants.selectors import applicant_archive, archive_requirements
from applicants.services import access_record
from recruitment.errors import DomainError
from recruitment.fragments import cached_fragment, scope_parts
from recruitment.http import XLSX, attachment, client_ip
from recruitment.scope import INSPECT_ROLES, OVERSIGHT_ROLES, READ_ROLES, WRITE_ROLES, get_visible_or_404, require_roles
from recruitment.tabular import Sheet, write_workbook

from . import selectors, services
from .forms import DrawForm, FindingForm, FixForm, VerifyForm
from .models import FindingItem, FindingStatus, SpotCheck


def _year(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


def _error_text(exc: DomainError) -> str:
    return "；".join(str(v) for v in exc.violations)


# --- spot checks ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def spot_check_list(request):
    require_roles(request.user, *OVERSIGHT_ROLES)
    year = _year(request)
    checks = Paginator(selectors.spot_checks_for(user=request.user, year=year), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/list.html",
        {"checks": checks, "year": year, "may_inspect": request.user.has_role(*INSPECT_ROLES)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def draw(request):
    require_roles(request.user, *INSPECT_ROLES)
    townships = selectors.townships_for(request.user)
    form = DrawForm(request.POST or None, townships=townships)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            checks = services.spot_check_draw(
                townships=list(d["townships"]),
                population=d["population"],
                year=d["year"],
                size=d["size"],
                note=d["note"],
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            drawn = sum(len(c.drawn_ids) for c in checks)
            messages.success(request, f"已在 {len(checks)} 个乡镇抽取档案 {drawn} 本")
            if len(checks) == 1:
                return redirect("inspections:detail", pk=checks[0].pk)
            return redirect(f"{reverse('inspections:list')}?year={d['year']}")
    return render(request, "inspections/draw.html", {"form": form})


@login_required
@require_GET
def spot_check_detail(request, pk: int):
    require_roles(request.user, *OVERSIGHT_ROLES)
    check = get_visible_or_404(request.user, SpotCheck.objects.select_related("township", "drawn_by"), pk=pk)
    return render(
        request,
        "inspections/detail.html",
        {
            "check": check,
            "items": selectors.sample_items(check=check),
            "rederived": check.rederive(),
            "may_inspect": request.user.has_role(*INSPECT_ROLES),
        },
    )


@login_required
@require_GET
def item_detail(request, pk: int, item_pk: int):
    """One sampled archive: its checklist (一人一档) next to the findings and the form to record one."""
    require_roles(request.user, *OVERSIGHT_ROLES)
    item = selectors.item_in_scope(user=request.user, check_pk=pk, item_pk=item_pk)
    return render(request, "inspections/item.html", _item_context(request, item))


def _item_context(request, item, form: FindingForm | None = None) -> dict:
    may_inspect = request.user.has_role(*INSPECT_ROLES)
    if may_inspect and form is None:
        initial = {"deadline": timezone.localdate() + dt.timedelta(days=30)}
        if request.GET.get("step", "").isdigit():
            initial["step"] = int(request.GET["step"])
            initial["material"] = request.GET.get("kind", "")[:100]
            initial["category"] = "missing" if initial["material"] else ""
        form = FindingForm(initial=initial)
    requirements, rule = archive_requirements(applicant=item.applicant, today=timezone.localdate())
    return {
        "item": item,
        "check": item.spot_check,
        "applicant": item.applicant,
        "archive": applicant_archive(applicant=item.applicant),
        "requirements": requirements,
        "requirements_rule": rule,
        "findings": list(
            item.findings.select_related("created_by").prefetch_related("events__actor", "events__material")
        ),
        "form": form if may_inspect else None,
        "may_inspect": may_inspect,
        "today": timezone.localdate(),
    }


@login_required
@require_POST
def item_checked(request, pk: int, item_pk: int):
    require_roles(request.user, *INSPECT_ROLES)
    item = selectors.item_in_scope(user=request.user, check_pk=pk, item_pk=item_pk)
    services.sample_item_mark_checked(item=item, actor=request.user)
    messages.success(request, f"已登记“{item.applicant.name}”的档案已检查")
    return redirect("inspections:item", pk=pk, item_pk=item_pk)


@login_required
@require_http_methods(["GET", "POST"])
def finding_create(request, pk: int, item_pk: int):
    require_roles(request.user, *INSPECT_ROLES)
    item = selectors.item_in_scope(user=request.user, check_pk=pk, item_pk=item_pk)
    if request.method == "GET":
        return redirect("inspections:item", pk=pk, item_pk=item_pk)
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            services.finding_record(item=item, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, "已记录问题，支部将在待办中看到并整改")
            return redirect("inspections:item", pk=pk, item_pk=item_pk)
    return render(request, "inspections/item.html", _item_context(request, item, form))


# --- findings (the branch's to-do and the inspector's verification) -------------------------------------------
@login_required
@require_GET
def finding_list(request):
    require_roles(request.user, *READ_ROLES)
    status = request.GET.get("status", "unresolved")
    main = cached_fragment(  # a finding hangs on a person: every write of it moves the scope's mark
        request,
        "findings",
        scope_parts(request),
        "inspections/partials/findings_main.html",
        lambda: {
            "page": Paginator(selectors.findings_for(user=request.user, status=status), 50).get_page(
                request.GET.get("page")
            ),
            "status": status,
            "statuses": [("unresolved", "未销号"), *FindingStatus.choices, ("all", "全部")],
            "today": timezone.localdate(),
            "may_fix": request.user.has_role(*WRITE_ROLES),
            "may_inspect": request.user.has_role(*INSPECT_ROLES),
        },
    )
    return render(request, "inspections/findings.html", {"main": main})


def _finding_or_404(request, pk: int) -> FindingItem:
    return get_visible_or_404(
        request.user,
        FindingItem.objects.select_related("applicant__branch", "item__spot_check__township"),
        pk=pk,
    )


def _back(request, finding: FindingItem):
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("inspections:findings")


@login_required
@require_POST
def finding_fix(request, pk: int):
    require_roles(request.user, *WRITE_ROLES)
    finding = _finding_or_404(request, pk)
    form = FixForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "未能登记整改：" + "；".join(e for errs in form.errors.values() for e in errs))
        return _back(request, finding)
    try:
        services.finding_fix(
            finding=finding,
            note=form.cleaned_data["note"],
            file=form.cleaned_data["file"],
            version=form.cleaned_data["version"],
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, f"未能登记整改：{_error_text(exc)}")
    else:
        messages.success(request, f"已登记整改，等待督查员核验：{finding.applicant.name} {finding}")
    return _back(request, finding)


def _verify(request, pk: int, close: bool):
    require_roles(request.user, *INSPECT_ROLES)
    finding = _finding_or_404(request, pk)
    form = VerifyForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        if close:
            services.finding_close(
                finding=finding, note=data.get("note", ""), version=data.get("version"), actor=request.user
            )
        else:
            services.finding_reopen(
                finding=finding, note=data.get("note", ""), version=data.get("version"), actor=request.user
            )
    except DomainError as exc:
        messages.error(request, f"未能{'销号' if close else '退回'}：{_error_text(exc)}")
    else:
        messages.success(request, f"已{'核验销号' if close else '退回支部重改'}：{finding.applicant.name} {finding}")
    return _back(request, finding)


@login_required
@require_POST
def finding_close(request, pk: int):
    return _verify(request, pk, close=True)


@login_required
@require_POST
def finding_reopen(request, pk: int):
    return _verify(request, pk, close=False)


# --- report --------------------------------------------------------------------------------------------------
@login_required
@require_GET
def report(request):
    require_roles(request.user, *OVERSIGHT_ROLES)
    year, today = _year(request), timezone.localdate()
    rep = selectors.township_report(user=request.user, year=year, today=today)
    return render(request, "inspections/report.html", {"report": rep, "year": year, "chart": rep.chart()})


@login_required
@require_GET
def report_xlsx(request):
    require_roles(request.user, *OVERSIGHT_ROLES)
    year, today = _year(request), timezone.localdate()
    rep = selectors.township_report(user=request.user, year=year, today=today)
    cats = rep.categories
    header = ["乡镇（街道）", "抽查次数", "抽查档案", "已检查", "发现问题", *[str(c[1]) for c in cats]]
    header += ["待整改", "已整改待核验", "已销号", "超期未整改"]

    def line(r):
        return [
            r.township.name,
            r.checks,
            r.sampled,
            r.checked,
            r.findings,
            *[r.by_category.get(c[0], 0) for c in cats],
            r.open,
            r.fixed,
            r.closed,
            r.overdue,
        ]

    findings = selectors.findings_for(user=request.user, status="all").filter(item__spot_check__year=year)
    detail = [
        [
            f.item.spot_check.township.name,
            f.applicant.branch.name,
            f.applicant.name,
            f.step or "",
            f.material,
            f.get_category_display(),
            f.description,
            f.deadline,
            f.get_status_display(),
            "是" if f.is_overdue(today) else "",
        ]
        for f in findings
    ]
    data = write_workbook(
        [
            Sheet(title=f"{year}年档案抽查", header=header, rows=[line(r) for r in rep.rows] + [line(rep.total)]),
            Sheet(
                title="问题清单",
                header=[
                    "乡镇（街道）",
                    "党支部",
                    "姓名",
                    "步骤",
                    "材料",
                    "问题类别",
                    "问题描述",
                    "整改期限",
                    "状态",
                    "超期",
                ],
                rows=detail,
            ),
        ]
    )
    access_record(
        actor=request.user,
        kind=AccessKind.EXPORT,
        what=f"{year}年档案抽查报表（{len(detail)} 个问题）",
        applicant=None,
        ip=client_ip(request),
    )
    return attachment(data, f"inspections_{year}.xlsx", XLSX)
