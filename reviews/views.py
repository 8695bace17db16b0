"""Views: look up in scope (404), check role (403), call one service, show DomainError messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applicants.forms import add_domain_errors, build_step_form
from applicants.models import AccessKind, Applicant, ApplicantStatus
from applicants.services import access_record, applicant_record_step
from applicants.steps import get_step
from recruitment.errors import DomainError
from recruitment.fragments import cached_fragment, reference_stamp, scope_parts
from recruitment.http import XLSX, attachment, client_ip, stored_attachment
from recruitment.scope import (
    DEPARTMENT_ROLES,
    READ_ROLES,
    STAFF_ROLES,
    WRITE_ROLES,
    get_visible_or_404,
    may_act_at,
    require_roles,
)
from recruitment.years import year_from_request

from . import selectors, services
from .exports import ledger_xlsx
from .forms import (
    BulkRecordForm,
    CadreApprovalForm,
    DecisionForm,
    HouseholdOpinionForm,
    NegativeCheckForm,
    OpinionForm,
    QueueFilterForm,
    RevokeForm,
    SubmitForm,
)
from .models import (
    DepartmentOpinion,
    EntryStatus,
    HouseholdOpinion,
    LedgerEntry,
    NegativeListHit,
    OpinionPurpose,
    Tier,
)
from .registry import entry_panels


def _error(request, exc: DomainError) -> None:
    for v in exc.violations:
        messages.error(request, str(v))


def _form_errors(request, form) -> None:
    for name, errs in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}：{e}" if label else e)


def _entry_or_404(request, pk: int) -> LedgerEntry:
    return get_visible_or_404(request.user, LedgerEntry.objects.select_related("applicant__branch__parent"), pk=pk)


# --- ledger ------------------------------------------------------------------------------------------------
@login_required
def ledger(request):
    require_roles(request.user, *READ_ROLES)
    today = timezone.localdate()
    year_from_request(request, default=today.year)  # a bad ?year= is said so; the filter then ignores it
    if request.GET.get("export") == "xlsx":
        filters = selectors.ledger_filter(user=request.user, data=request.GET, today=today)
        year = filters.ledger_year
        entries = list(selectors.ledger_entries(filters=filters))
        return attachment(ledger_xlsx(entries=entries, year=year), f"ledger_{year}.xlsx", XLSX)

    def build() -> dict:
        filters = selectors.ledger_filter(user=request.user, data=request.GET, today=today)
        year = filters.ledger_year
        qs = selectors.ledger_entries(filters=filters)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        rows = [
            {"entry": e, "by_tier": selectors.decisions_by_tier(e), "returned": selectors.last_return(e)} for e in page
        ]
        return {
            "form": filters.form,
            "page": page,
            "rows": rows,
            "year": year,
            "counts": selectors.ledger_counts(user=request.user, year=year),
            "can_submit": request.user.has_role(*WRITE_ROLES),
        }

    # entries and decisions hang on their people: the scope's stamp moves with every one of them
    main = cached_fragment(
        request,
        "review-ledger",
        scope_parts(request),
        "reviews/partials/ledger_main.html",
        build,
    )
    return render(request, "reviews/ledger.html", {"main": main})


@login_required
@require_http_methods(["GET", "POST"])
def ledger_submit(request):
    require_roles(request.user, *WRITE_ROLES)
    today = timezone.localdate()
    year = year_from_request(request, default=today.year)  # a bad ?year= is said so, not an error page
    form = SubmitForm(request.POST or None, initial={"year": year})
    candidates = selectors.eligible_for_ledger(user=request.user, year=year)
    if request.method == "POST" and form.is_valid():
        ids = [int(i) for i in request.POST.getlist("applicants") if i.isdigit()]
        chosen = list(candidates.filter(pk__in=ids))
        if not chosen:
            messages.error(request, "请至少选择一名发展对象")
        done, refused = [], []
        for a in chosen:
            try:
                services.ledger_submit(
                    applicant=a,
                    year=form.cleaned_data["year"],
                    actor=request.user,
                    remarks=form.cleaned_data["remarks"],
                    today=today,
                )
                done.append(a.name)
            except DomainError as exc:
                refused.append(f"{a.name}：{exc}")
        if done:
            messages.success(
                request, f"已报送 {len(done)} 人列入{form.cleaned_data['year']}年度预判分析台账：{'、'.join(done)}"
            )
        for r in refused:
            messages.error(request, r)
        if done and not refused:
            return redirect(f"{reverse('reviews:ledger')}?year={form.cleaned_data['year']}")
    main = cached_fragment(  # the candidates are people of the scope; a bound form is drawn each time
        request,
        "ledger-submit",
        scope_parts(request),
        "reviews/partials/ledger_submit_main.html",
        lambda: {"form": form, "candidates": candidates, "year": year},
        use_cache=request.method == "GET",
    )
    return render(request, "reviews/ledger_submit.html", {"main": main})


@login_required
def entry_detail(request, pk: int):
    entry = _entry_or_404(request, pk)
    panels = entry_panels(request, entry)  # e.g. quotas' effect of the final review on the shares
    return _person_page(
        request, entry.applicant, "entry_detail", lambda: _entry_context(request, entry, panels), cache=not panels
    )


def _entry_context(request, entry: LedgerEntry, panels: list) -> dict:
    user = request.user
    summary = selectors.applicant_review_summary(entry.applicant)
    entry = next(e for e in summary["entries"] if e.pk == entry.pk)
    context = {
        "entry": entry,
        "applicant": entry.applicant,
        **summary,
        "committee_opinions": [o for o in summary["opinions"] if o.entry_id == entry.pk],
        "by_tier": selectors.decisions_by_tier(entry),
        "returned": selectors.last_return(entry),
        "tiers": Tier,
        "panels": panels,
    }
    if entry.status == EntryStatus.IN_REVIEW and services.may_decide(user, entry.tier):
        context["decision_form"] = DecisionForm(initial={"version": entry.version, "tier": entry.tier})
    if entry.status == EntryStatus.IN_REVIEW and entry.tier == Tier.COMMITTEE and user.has_role(*STAFF_ROLES):
        context["opinion_form"] = OpinionForm()
    return context


def _person_page(request, applicant: Applicant, name: str, build, *, cache: bool = True):
    """A review page of one person: its body cached per person version (entries, decisions, opinions
    and checks all bump it), day and reference stamp (recruitment/fragments.py). A page that shows
    another app's panel (drawn from more than the person) is drawn every time."""
    main = cached_fragment(
        request,
        f"review-{name}",
        (applicant.pk, applicant.version, timezone.localdate(), reference_stamp(), request.GET.urlencode()),
        f"reviews/partials/{name}_main.html",
        build,
        use_cache=cache,
    )
    return render(request, f"reviews/{name}.html", {"applicant": applicant, "main": main})


@login_required
@require_POST
def entry_decide(request, pk: int):
    entry = _entry_or_404(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("reviews:entry_detail", pk=entry.pk)
    require_roles(request.user, *services.TIER_LEVEL[Tier(form.cleaned_data["tier"])].roles)
    try:
        d = services.review_decide(
            entry=entry,
            tier=form.cleaned_data["tier"],
            verdict=form.cleaned_data["verdict"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
            version=form.cleaned_data["version"],
            decided_on=form.cleaned_data["decided_on"],
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, f"已记录{d.get_tier_display()}：{d.get_verdict_display()}")
    return redirect("reviews:entry_detail", pk=entry.pk)


@login_required
@require_POST
def entry_opinion(request, pk: int):
    entry = _entry_or_404(request, pk)
    require_roles(request.user, *STAFF_ROLES)
    form = OpinionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.opinion_record(
                entry=entry, purpose=OpinionPurpose.COMMITTEE_REVIEW, actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, f"已记录{form.cleaned_data['department']}意见")
    else:
        _form_errors(request, form)
    return redirect("reviews:entry_detail", pk=entry.pk)


# --- applicant-level checks (R17–R20) -----------------------------------------------------------------------
def _applicant_or_404(request, pk: int) -> Applicant:
    return get_visible_or_404(request.user, Applicant.objects.select_related("branch__parent"), pk=pk)


@login_required
def applicant_checks(request, pk: int):
    a = _applicant_or_404(request, pk)
    return _person_page(request, a, "applicant_checks", lambda: _checks_context(request, a))


def _checks_context(request, a: Applicant) -> dict:
    user = request.user
    summary = selectors.applicant_review_summary(a)
    active = a.status == ApplicantStatus.ACTIVE
    return {
        "applicant": a,
        **summary,
        "chain": selectors.responsibility_chain(a),
        "joint_opinions": [o for o in summary["opinions"] if o.purpose == OpinionPurpose.JOINT_REVIEW],
        "household_form": HouseholdOpinionForm() if active and user.has_role(*WRITE_ROLES) else None,
        "negative_form": NegativeCheckForm() if active and user.has_role(*WRITE_ROLES) else None,
        "cadre_form": CadreApprovalForm()
        if active and a.is_cadre_relative and user.has_role(*DEPARTMENT_ROLES)
        else None,
        "joint_form": OpinionForm() if active and user.has_role(*STAFF_ROLES) else None,
        "can_revoke": user.has_role(*STAFF_ROLES),
        "two_new": a.branch.sector in {"非公企业", "社会组织"},
    }


def _post_check(request, pk: int, roles, form_class, call, ok: str):
    a = _applicant_or_404(request, pk)
    require_roles(request.user, *roles)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            call(a, form.cleaned_data)
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, ok)
    else:
        _form_errors(request, form)
    return redirect("reviews:applicant_checks", pk=a.pk)


@login_required
@require_POST
def household_opinion(request, pk: int):
    return _post_check(
        request,
        pk,
        WRITE_ROLES,
        HouseholdOpinionForm,
        lambda a, d: services.household_opinion_record(applicant=a, actor=request.user, **d),
        "已记录户籍所在地党组织意见",
    )


@login_required
@require_POST
def cadre_approval(request, pk: int):
    return _post_check(
        request,
        pk,
        DEPARTMENT_ROLES,
        CadreApprovalForm,
        lambda a, d: services.cadre_relative_approval_record(applicant=a, actor=request.user, **d),
        "已记录县级批复",
    )


@login_required
@require_POST
def negative_check(request, pk: int):
    return _post_check(
        request,
        pk,
        WRITE_ROLES,
        NegativeCheckForm,
        lambda a, d: services.negative_list_check(
            applicant=a,
            actor=request.user,
            hits=list(d["hits"]),
            checked_on=d["checked_on"],
            notes=d["notes"],
            hit_notes=d["hit_notes"],
        ),
        "已记录负面清单比对结果",
    )


@login_required
@require_POST
def joint_opinion(request, pk: int):
    return _post_check(
        request,
        pk,
        STAFF_ROLES,
        OpinionForm,
        lambda a, d: services.opinion_record(applicant=a, purpose=OpinionPurpose.JOINT_REVIEW, actor=request.user, **d),
        "已记录联审意见",
    )


@login_required
@require_POST
def hit_revoke(request, pk: int):
    hit = get_visible_or_404(request.user, NegativeListHit.objects.all().select_related("applicant"), pk=pk)
    require_roles(request.user, *STAFF_ROLES)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.negative_list_hit_revoke(hit=hit, reason=form.cleaned_data["reason"], actor=request.user)
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, "已撤销该负面清单命中记录")
    else:
        _form_errors(request, form)
    return redirect("reviews:applicant_checks", pk=hit.applicant_id)


@login_required
@require_GET
def opinion_file(request, pk: int, kind: str, opinion_id: int):
    """The uploaded file of a department's or the 户籍所在地 organization's opinion, to whoever may
    see the applicant (outside the subtree → 404), as an attachment under the uploader's file name;
    each download is in the access log."""
    a = _applicant_or_404(request, pk)
    model = {"department": DepartmentOpinion, "household": HouseholdOpinion}.get(kind)
    if model is None:
        raise Http404("没有这类意见")
    opinion = get_object_or_404(model, pk=opinion_id, applicant=a)
    if not opinion.file:
        raise Http404("该意见没有上传文件")
    response = stored_attachment(opinion.file, opinion.download_name)
    source = opinion.department.name if kind == "department" else opinion.organization_name
    access_record(
        actor=request.user,
        kind=AccessKind.DOWNLOAD,
        what=f"意见文件：{source}（{opinion.download_name}）",
        applicant=a,
        ip=client_ip(request),
    )
    return response


# --- approval queues ----------------------------------------------------------------------------------------
@login_required
def queue(request):
    require_roles(request.user, *STAFF_ROLES)
    today = timezone.localdate()
    form = QueueFilterForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    data = selectors.approval_queue(user=request.user, today=today, q=q)
    return render(
        request,
        "reviews/queue.html",
        {
            "form": form,
            "queue": data,
            "today": today,
            "bulk_steps": services.BULK_RECORD_STEPS,
            "step_names": {s: get_step(s) for s in data.steps},
            "deadline_steps": selectors.R12_STEPS,
            "tiers": Tier,
        },
    )


@login_required
@require_POST
def queue_bulk(request):
    require_roles(request.user, *STAFF_ROLES)
    form = BulkRecordForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("reviews:queue")
    step = form.cleaned_data["step"]
    ids = [int(i) for i in request.POST.getlist("applicants") if i.isdigit()]
    people = list(Applicant.objects.visible_to(request.user).filter(pk__in=ids).order_by("name"))
    if not people:
        messages.error(request, "请至少选择一人")
        return redirect("reviews:queue")
    try:
        result = services.approvals_bulk_record(
            applicants=people,
            step=step,
            date=form.cleaned_data["date"],
            actor=request.user,
            notes=form.cleaned_data["notes"],
        )
    except DomainError as exc:
        _error(request, exc)
        return redirect("reviews:queue")
    if result.done:
        messages.success(
            request,
            f"{get_step(step)}：已为 {len(result.done)} 人登记（{form.cleaned_data['date']:%Y-%m-%d}）："
            f"{'、'.join(a.name for a in result.done)}",
        )
    for a, why in result.refused:
        messages.error(request, f"{a.name}未能登记：{why}")
    return redirect(f"{reverse('reviews:queue')}#step-{step}")


@login_required
@require_http_methods(["GET", "POST"])
def step_act(request, pk: int, step: int):
    """One candidate, one form (built from the step table): 备案 / 预审 / 谈话 / 审批 (17 and 24 are voted
    one by one, with the committee's vote numbers)."""
    a = _applicant_or_404(request, pk)
    if step not in services.STAFF_STEPS:
        return redirect("reviews:queue")
    s = get_step(step)
    if not may_act_at(request.user, s.actor):
        raise PermissionDenied(f"{s}由{s.actor.label}办理")
    form = build_step_form(step, a, request.POST or None, prefix=None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        notes = d["notes"]
        if d.get("expected") is not None:
            notes = f"党委会表决：应到委员 {d['expected']} 人，实到 {d['attending'] or 0} 人，同意 {d['yes'] or 0} 票。{notes}"
        try:
            applicant_record_step(
                applicant=a,
                step=step,
                date=d["date"],
                actor=request.user,
                data=form.service_data(),
                notes=notes.strip(),
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
            _error(request, exc)
        else:
            messages.success(request, f"{a.name}：已登记{s}（{d['date']:%Y-%m-%d}）")
            return redirect("reviews:queue")
    entry = a.ledger_entries.order_by("-year").first()
    return render(request, "reviews/step_act.html", {"applicant": a, "step": s, "form": form, "entry": entry})
