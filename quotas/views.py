"""Plans, ratio rules and the structure dashboard. Views parse input, call one selector or
service and render; rules live in ``services`` / ``selectors``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from recruitment import changes
from recruitment.errors import DomainError
from recruitment.fragments import FRAGMENT_TTL, marks_stamp, release
from recruitment.http import XLSX, attachment
from recruitment.models import Organization, OrgLevel, Role, Sector
from recruitment.scope import (
    DEPARTMENT_ROLES,
    OVERSIGHT_ROLES,
    STAFF_ROLES,
    Level,
    get_visible_or_404,
    may_act_at,
    role_required,
)
from recruitment.tabular import Sheet, write_workbook, write_xlsx
from recruitment.years import year_from_request
from reviews.models import Tier

from .filters import AllocationChangeFilter
from .forms import AllocationForm, PlanTotalForm, RatioRulesForm, TransferForm
from .models import AllocationChange, PlanAllocation, RatioRuleSet
from .selectors import (
    MAIN_SECTORS,
    QuotaEffect,
    admitted_list,
    children_execution,
    compliance_for_year,
    execution_rows,
    quota_effect,
    trend_by_year,
)
from .services import (
    allocation_targets,
    allocation_transfer,
    allocations_set,
    plan_for,
    plan_set_total,
    ratio_rules_copy,
    ratio_rules_save,
)


def _year(request) -> int:
    return year_from_request(request)


def _org(request) -> Organization:
    """?org=CODE inside the user's subtree (404 outside), else the user's own organization."""
    code = request.GET.get("org") or request.POST.get("org")
    if code:
        return get_visible_or_404(request.user, Organization, code=code)
    org = request.user.organization
    if org is None:
        org = Organization.objects.filter(parent__isnull=True).order_by("pk").first()
        if org is None or not request.user.is_superuser:
            raise Http404("您的账号尚未分配所属组织")
    return org


def _errors(exc: DomainError) -> str:
    return "；".join(v.message for v in exc.violations)


def _department_of(org: Organization) -> Organization | None:
    return org.jurisdiction()


def _breadcrumbs(user, org: Organization) -> list[Organization]:
    return [a for a in org.ancestors() if user.can_see(a)] + [org]


# --- plans -------------------------------------------------------------------------------------------
@login_required
@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def plans(request):
    user, year = request.user, _year(request)
    source = _org(request)
    if source.is_branch:
        return redirect(f"{reverse('quotas:dashboard')}?org={source.code}&year={year}")
    department = _department_of(source)
    plan = plan_for(org=source, year=year)
    plan_org = plan.org if plan else department
    is_department_level = source.level == OrgLevel.DEPARTMENT
    can_edit = may_act_at(user, Level.DEPARTMENT if is_department_level else Level.COMMITTEE) and plan_org is not None
    targets = list(allocation_targets(source=source, plan_org=plan_org)) if plan_org else []
    current = (
        dict(PlanAllocation.objects.filter(plan=plan, source=source).values_list("org_id", "amount")) if plan else {}
    )
    received = None
    if plan:
        received = (
            plan.total
            if plan.org_id == source.pk
            else (PlanAllocation.objects.filter(plan=plan, org=source).values_list("amount", flat=True).first())
        )

    total_form = PlanTotalForm(initial={"total": plan.total if plan else 0})
    alloc_form = AllocationForm(targets=targets, current=current)
    transfer_form = TransferForm(targets=targets)
    if request.method == "POST" and can_edit:
        action = request.POST.get("action")
        try:
            if action == "total" and is_department_level:
                total_form = PlanTotalForm(request.POST)
                if total_form.is_valid():
                    plan_set_total(
                        department=source,
                        year=year,
                        total=total_form.cleaned_data["total"],
                        actor=user,
                        reason=total_form.cleaned_data["reason"],
                    )
                    messages.success(request, f"{year} 年度计划总数已保存")
                    return redirect(f"{request.path}?year={year}&org={source.code}")
            elif action == "allocate" and plan:
                alloc_form = AllocationForm(request.POST, targets=targets, current=current)
                if alloc_form.is_valid():
                    changes = allocations_set(
                        plan=plan,
                        source=source,
                        amounts=alloc_form.amounts(),
                        actor=user,
                        reason=alloc_form.cleaned_data["reason"],
                    )
                    messages.success(request, f"已保存：{len(changes)} 处指标变更" if changes else "指标没有变化")
                    return redirect(f"{request.path}?year={year}&org={source.code}")
            elif action == "transfer" and plan:
                transfer_form = TransferForm(request.POST, targets=targets)
                if transfer_form.is_valid():
                    by_pk = {t.pk: t for t in targets}
                    d = transfer_form.cleaned_data
                    allocation_transfer(
                        plan=plan,
                        source=source,
                        from_org=by_pk[d["from_org"]],
                        to_org=by_pk[d["to_org"]],
                        amount=d["amount"],
                        reason=d["reason"],
                        actor=user,
                    )
                    messages.success(
                        request, f"调剂完成：{by_pk[d['from_org']].name} → {by_pk[d['to_org']].name} {d['amount']} 名"
                    )
                    return redirect(f"{request.path}?year={year}&org={source.code}")
        except DomainError as exc:
            messages.error(request, _errors(exc))
    rows = execution_rows(scope=source, targets=targets, year=year) if targets else []
    for row in rows:
        row.field = alloc_form.field_for(row.org) if can_edit and plan else None
    compliance = compliance_for_year(org=source, year=year)
    changes = (
        (
            AllocationChange.objects.filter(plan=plan)
            .filter(Q(org__path__startswith=source.path))
            .select_related("org", "source", "actor")[:20]
        )
        if plan
        else []
    )
    return render(
        request,
        "quotas/plans.html",
        {
            "year": year,
            "years": range(timezone.localdate().year + 1, timezone.localdate().year - 6, -1),
            "source": source,
            "plan": plan,
            "department": department,
            "received": received,
            "issued": sum(current.values()),
            "unissued": None if received is None else received - sum(current.values()),
            "rows": rows,
            "can_edit": can_edit and plan_org is not None,
            "is_department_level": is_department_level,
            "total_form": total_form,
            "alloc_form": alloc_form,
            "transfer_form": transfer_form,
            "compliance": compliance,
            "changes": changes,
            "breadcrumbs": _breadcrumbs(user, source),
        },
    )


@login_required
@role_required(*STAFF_ROLES)
def plan_log(request):
    """Every total, allocation and 调剂 in the user's subtree, filterable, exportable."""
    filters = AllocationChangeFilter(request.GET or None, user=request.user)
    qs = filters.qs
    if request.GET.get("export") == "xlsx":
        rows = [
            [
                c.plan.year,
                timezone.localtime(c.at).strftime("%Y-%m-%d %H:%M"),
                c.get_kind_display(),
                c.org.code,
                c.org.name,
                c.source.name if c.source else "",
                c.old_amount,
                c.new_amount,
                c.delta,
                c.reason,
                str(c.actor) if c.actor else "",
            ]
            for c in qs[:20000]
        ]
        return attachment(
            write_xlsx(
                ["年度", "时间", "类型", "组织编码", "组织", "下达单位", "原指标", "新指标", "增减", "原因", "经办人"],
                rows,
                "指标变更与调剂",
            ),
            "plan_changes.xlsx",
            XLSX,
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "quotas/plan_log.html", {"form": filters.form, "page": page})


# --- ratio rules --------------------------------------------------------------------------------------
@login_required
@role_required(*OVERSIGHT_ROLES)
@require_http_methods(["GET", "POST"])
def rules(request):
    user, year = request.user, _year(request)
    org = _department_of(_org(request)) or _org(request)
    rule_set = RatioRuleSet.objects.filter(org=org, year=year).prefetch_related("rules").first()
    can_edit = user.has_role(*DEPARTMENT_ROLES) and user.can_see(org)
    form = RatioRulesForm(initial=RatioRulesForm.initial_from(rule_set))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只有组织部工作人员可以修改比例要求")
        try:
            if request.POST.get("action") == "copy":
                ratio_rules_copy(org=org, from_year=year - 1, to_year=year, actor=user)
                messages.success(request, f"已复制 {year - 1} 年度比例要求到 {year} 年度，可继续修改")
                return redirect(f"{request.path}?year={year}")
            form = RatioRulesForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                ratio_rules_save(
                    org=org,
                    year=year,
                    actor=user,
                    notes=d["notes"],
                    sector=form.bounds("sector"),
                    structure=form.bounds("structure"),
                    reserve=(d["reserve_applicants"], d["reserve_activists"], d["reserve_members"]),
                )
                messages.success(request, f"{year} 年度比例要求已保存")
                return redirect(f"{request.path}?year={year}")
        except DomainError as exc:
            messages.error(request, _errors(exc))
    has_previous = RatioRuleSet.objects.filter(org=org, year=year - 1).exists()
    other_years = list(RatioRuleSet.objects.filter(org=org).values_list("year", flat=True).order_by("-year"))
    return render(
        request,
        "quotas/rules.html",
        {
            "year": year,
            "org": org,
            "rule_set": rule_set,
            "form": form,
            "can_edit": can_edit,
            "has_previous": has_previous,
            "other_years": other_years,
        },
    )


# --- dashboard ----------------------------------------------------------------------------------------
def dashboard_context(*, org: Organization, year: int) -> dict:
    """Everything the dashboard shows — one call of ``compliance_for_year`` (the same as
    ``compliance_report``), the drill-down rows and the trend."""
    compliance = compliance_for_year(org=org, year=year)
    rows = children_execution(org=org, year=year, rules=compliance.rules)
    years = list(range(year - 4, year + 1))
    trend = trend_by_year(org=org, years=years)
    trend_sectors = [s for s in MAIN_SECTORS] + [
        s for s in Sector.values if s not in MAIN_SECTORS and any(t.sector_counts.get(s) for t in trend)
    ]
    charts = {
        "sectors": [
            {
                "key": r.key,
                "share": r.share_pct,
                "min": float(r.min_pct) if r.min_pct is not None else None,
                "max": float(r.max_pct) if r.max_pct is not None else None,
                "ok": r.ok,
                "count": r.count,
            }
            for r in compliance.sectors
        ],
        "expected": [{"key": r.key, "share": r.share_pct} for r in compliance.expected_sectors],
        "structure": [
            {
                "key": r.key,
                "share": r.share_pct,
                "min": float(r.min_pct) if r.min_pct is not None else None,
                "max": float(r.max_pct) if r.max_pct is not None else None,
                "ok": r.ok,
                "count": r.count,
            }
            for r in compliance.structure
        ],
        "children": [
            {"name": r.org.name, "quota": r.quota, "admitted": r.admitted, "ledger": r.on_ledger} for r in rows
        ],
        "trend": {
            "years": years,
            "totals": [t.total for t in trend],
            "series": [
                {"key": s, "shares": [(round(t.share(s) * 100, 2) if t.share(s) is not None else None) for t in trend]}
                for s in trend_sectors
            ],
        },
    }
    return {
        "org": org,
        "year": year,
        "compliance": compliance,
        "rows": rows,
        "trend": trend,
        "trend_sectors": trend_sectors,
        "charts": charts,
        "sector_pairs": list(zip(compliance.sectors, compliance.expected_sectors, strict=True)),
        "structure_pairs": list(zip(compliance.structure, compliance.expected_structure, strict=True)),
        "trend_table": [
            {"year": t.year, "total": t.total, "shares": [t.share(s) for s in trend_sectors]} for t in trend
        ],
        "people": admitted_list(org=org, year=year) if org.is_branch else None,
    }


def dashboard_context_cached(*, org: Organization, year: int) -> dict:
    """``dashboard_context``, kept in the cache until a person of the subtree, a plan, an allocation, a
    ratio rule, a rule row, the calendar or an organization changes, or the day turns (one query to
    know: recruitment.changes). The same for every user who may see the organization."""
    today = timezone.localdate()
    stamp = marks_stamp(changes.org_scope(org.pk), changes.QUOTAS)
    key = f"dashboard:{release()}:{org.pk}:{year}:{today.isoformat()}:{stamp}"
    ctx = cache.get(key)
    if ctx is None:
        ctx = dashboard_context(org=org, year=year)
        cache.set(key, ctx, FRAGMENT_TTL)
    return ctx


def _dashboard_xlsx(ctx: dict) -> bytes:
    c, org, year = ctx["compliance"], ctx["org"], ctx["year"]
    caption = f"{year} 年度 {org.name}（{org.code}）"

    def sheet(title, header, rows, fail_col=None):
        failing = (lambda row: "F8D7DA" if row[fail_col] == "未达标" else None) if fail_col is not None else None
        return Sheet(title=title, caption=caption, header=header, rows=rows, widths=16, fill=failing)

    def pct(v):
        return None if v is None else round(v * 100, 2)

    verdict = {True: "达标", False: "未达标", None: "不考核"}
    p, reserve = c.plan, c.reserve
    return write_workbook(
        [
            sheet(
                "领域比例",
                ["领域", "已发展", "占比(%)", "要求", "结果", "含预判台账人数", "预计占比(%)", "预计结果"],
                [
                    [
                        r.key,
                        r.count,
                        pct(r.share),
                        r.threshold_text,
                        verdict[r.ok],
                        e.count,
                        pct(e.share),
                        verdict[e.ok],
                    ]
                    for r, e in zip(c.sectors, c.expected_sectors, strict=True)
                ],
                fail_col=4,
            ),
            sheet(
                "结构比例",
                ["项目", "人数", "占比(%)", "要求", "结果"],
                [[r.key, r.count, pct(r.share), r.threshold_text, verdict[r.ok]] for r in c.structure],
                fail_col=4,
            ),
            sheet(
                "计划执行",
                ["组织", "计划指标", "已下达", "已发展", "完成率(%)", "预判台账", "未达标领域"],
                [
                    [
                        org.name + "（合计）",
                        p.total,
                        p.allocated,
                        p.admitted,
                        pct(p.rate),
                        p.on_ledger,
                        "、".join(r.key for r in c.failing),
                    ]
                ]
                + [
                    [r.org.name, r.quota, r.issued, r.admitted, pct(r.rate), r.on_ledger, "、".join(r.failing)]
                    for r in ctx["rows"]
                ],
            ),
            sheet(
                "年度趋势",
                ["年度", "新发展党员", *[f"{s}占比(%)" for s in ctx["trend_sectors"]]],
                [[t.year, t.total, *[pct(t.share(s)) for s in ctx["trend_sectors"]]] for t in ctx["trend"]],
            ),
            sheet(
                "梯队储备",
                ["入党申请人", "入党积极分子", "发展对象", "计划/发展数", "目标比例", "结果"],
                [
                    [
                        reserve.applicants,
                        reserve.activists,
                        reserve.candidates,
                        reserve.new_members,
                        reserve.target_text,
                        {True: "达标", False: "储备不足", None: "—"}[reserve.ok],
                    ]
                ],
            ),
        ]
    )


@login_required
@role_required(*OVERSIGHT_ROLES)
def dashboard(request):
    org, year = _org(request), _year(request)
    ctx = dashboard_context_cached(org=org, year=year)
    if request.GET.get("export") == "xlsx":
        return attachment(_dashboard_xlsx(ctx), f"compliance_{org.code}_{year}.xlsx", XLSX)
    this_year = timezone.localdate().year
    extra = {"years": range(this_year + 1, this_year - 6, -1), "breadcrumbs": _breadcrumbs(request.user, org)}
    return render(request, "quotas/dashboard.html", {**ctx, **extra})


def final_review_panel(request, entry) -> QuotaEffect | None:
    """A panel of reviews' entry page (``reviews.registry``): at the department tier, department staff
    and inspectors see what approving the candidate does to the county's shares. None = no panel."""
    user = request.user
    if entry.tier != Tier.DEPARTMENT or not user.has_role(*DEPARTMENT_ROLES, Role.INSPECTOR):
        return None
    county = entry.applicant.branch.jurisdiction()  # the county whose intake this candidate joins
    if county is None or not user.can_see(county) and not user.can_see(entry.applicant.branch):
        return None
    return quota_effect(entry=entry, org=county)
