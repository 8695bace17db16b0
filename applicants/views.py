"""Pages of the pipeline: list, add/edit, the applicant page with its 25-step timeline and the form
of the next step, to-do reminders and the archive (一人一档).

Views hold no rules: lookups go through ``get_visible_or_404`` (outside the subtree → 404), roles
through ``require_roles`` / ``actor_may_record`` (→ 403), and every write through
``applicants.services`` whose DomainError becomes form errors — never a 500.
"""

from __future__ import annotations

import io
import zipfile
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from recruitment.dates import age_on
from recruitment.errors import DomainError
from recruitment.fragments import cached_fragment, reference_stamp, scope_parts
from recruitment.http import XLSX, ZIP, attachment, client_ip, stored_attachment
from recruitment.idcard import IdNumberError, mask_id_number, parse_id_number
from recruitment.registry import applicant_panels, archive_panels
from recruitment.scope import (
    DEPARTMENT_ROLES,
    WRITE_ROLES,
    Level,
    get_visible_or_404,
    may_act_at,
    require_roles,
    role_required,
)
from recruitment.tabular import write_xlsx
from recruitment.uploads import safe_filename

from . import selectors
from .filters import AccessLogFilter
from .forms import (
    ApplicantForm,
    AssessmentForm,
    ConsentForm,
    MaterialForm,
    MaterialWithdrawForm,
    PublicityForm,
    TerminateForm,
    TrainingForm,
    TransferForm,
    add_domain_errors,
    build_step_form,
    domain_error_text,
    today_initial,
)
from .models import AccessKind, Applicant, Material
from .registry import todo_panels_for
from .services import (
    access_record,
    actor_may_record,
    applicant_add_assessment,
    applicant_add_training,
    applicant_create,
    applicant_record_step,
    applicant_terminate,
    applicant_transfer,
    applicant_update,
    archive_exempt,
    consent_record,
    material_replace,
    material_upload,
    material_withdraw,
    publicity_record,
)
from .steps import ARCHIVE, STAGES, STEPS, get_step


def _can_write(user) -> bool:
    return user.has_role(*WRITE_ROLES)


def _require_write(user) -> None:
    """Inspectors (read-only) and users without a role may not change anything."""
    require_roles(user, *WRITE_ROLES)


def _applicant_or_404(request, pk: int) -> Applicant:
    return get_visible_or_404(
        request.user, Applicant.objects.select_related("branch", "household_org", "created_by"), pk=pk
    )


def log_access(request, kind: str, what: str, applicant: Applicant | None = None) -> None:
    """One line of the access log for this request: the user, the client's address, what was seen."""
    access_record(actor=request.user, kind=kind, what=what, applicant=applicant, ip=client_ip(request))


# --- list ------------------------------------------------------------------------------------------------
LIST_HEADER = [
    "姓名",
    "性别",
    "出生日期",
    "年龄",
    "公民身份号码",
    "民族",
    "学历",
    "职业/工作岗位",
    "所在党支部",
    "状态",
    "已完成步骤",
    "下一步",
    "递交申请日期",
    "确定积极分子日期",
    "确定发展对象日期",
    "接收支部大会日期",
    "上级党委审批日期",
    "预备期满日期",
    "提醒",
    "到期日期",
    "联系电话",
]


@login_required
@require_GET
def applicant_list(request):
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        filterset = selectors.applicant_filter(user=request.user, data=request.GET)
        rows = list(selectors.applicant_list(user=request.user, filters=filterset))
        selectors.attach_next_due(rows, today=today)
        return attachment(
            write_xlsx(LIST_HEADER, [_export_row(a, today) for a in rows], "发展党员台账"),
            f"发展党员台账_{today:%Y%m%d}.xlsx",
            XLSX,
        )

    def build() -> dict:
        filterset = selectors.applicant_filter(user=request.user, data=request.GET)
        data, filters = filterset.data, filterset.values
        qs = selectors.applicant_list(user=request.user, filters=filterset)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        selectors.attach_next_due(page.object_list, today=today)
        for a in page.object_list:
            a.age = age_on(a.birth_date, today)
        counts = selectors.applicant_stage_counts(user=request.user, filters=filterset)
        # A search that finds nobody in the chosen status (by default 培养中) may find someone who has
        # since become a full member or left: say so, with a link, rather than only "nobody".
        elsewhere = None
        if not page.object_list and filters.get("q") and filters.get("status"):
            n = selectors.applicant_list(
                user=request.user, filters={k: v for k, v in data.items() if k != "status"}
            ).count()
            if n:
                elsewhere = {
                    "count": n,
                    "query": urlencode(
                        {**{k: v for k, v in data.items() if k not in {"page", "status"}}, "status": ""}
                    ),
                }
        base = {k: v for k, v in data.items() if k not in {"stage", "page", "export"} and v}
        tabs = [
            {
                "number": None,
                "label": "全部",
                "count": counts[0],
                "active": not filters.get("stage"),
                "query": urlencode(base),
            }
        ]
        for s in STAGES:
            tabs.append(
                {
                    "number": s.number,
                    "label": s.name,
                    "count": counts[s.number],
                    "active": filters.get("stage") == s.number,
                    "query": urlencode({**base, "stage": s.number}),
                }
            )
        export_query = urlencode({**{k: v for k, v in data.items() if k != "page"}, "export": "xlsx"})
        return {
            "form": filterset.form,
            "show_branch": filterset.show_branch,
            "page": page,
            "tabs": tabs,
            "export_query": export_query,
            "today": today,
            "elsewhere": elsewhere,
            "can_write": _can_write(request.user),
        }

    main = cached_fragment(
        request,
        "applicant-list",
        scope_parts(request),
        "applicants/partials/list_main.html",
        build,
    )
    return render(request, "applicants/list.html", {"main": main})


def _export_row(a: Applicant, today) -> list:
    nxt = a.next_step
    due = getattr(a, "next_due", None)
    return [
        a.name,
        a.gender,
        a.birth_date,
        age_on(a.birth_date, today),
        mask_id_number(a.id_number),  # a list: the full number is on the person's page (and in the 台账 export)
        a.ethnicity,
        a.education,
        a.occupation,
        a.branch.name,
        a.status_label,
        a.current_step,
        str(nxt) if nxt else "",
        a.applied_on,
        a.activist_on,
        a.candidate_on,
        a.branch_meeting_on,
        a.admitted_on,
        a.probation_end,
        due.message if due else "",
        due.due if due else None,
        a.phone,
    ]


# --- add / edit ------------------------------------------------------------------------------------------
@login_required
def applicant_create_view(request):
    _require_write(request.user)
    form = ApplicantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            applicant = applicant_create(
                actor=request.user, applied_on=form.cleaned_data.get("applied_on"), **form.service_fields()
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request,
                f"已建档：{applicant.name}"
                + (f"，已登记第1步“递交入党申请书”（{applicant.applied_on:%Y-%m-%d}）" if applicant.applied_on else ""),
            )
            return redirect("applicants:detail", pk=applicant.pk)
    context = {"form": form, "title": "新增入党申请人"}
    if request.method == "GET":  # the blank form: its choosers list the organizations (reference stamp)
        context["main"] = cached_fragment(
            request,
            "applicant-create",
            (timezone.localdate(), reference_stamp()),
            "applicants/partials/form_main.html",
            lambda: context,
        )
    return render(request, "applicants/form.html", context)


@login_required
def applicant_update_view(request, pk: int):
    _require_write(request.user)
    applicant = _applicant_or_404(request, pk)
    form = ApplicantForm(request.POST or None, user=request.user, instance=applicant)
    if request.method == "POST" and form.is_valid():
        try:
            applicant_update(applicant=applicant, actor=request.user, **form.service_fields())
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, f"已保存{applicant.name}的信息")
            return redirect("applicants:detail", pk=applicant.pk)
    return render(
        request, "applicants/form.html", {"form": form, "title": f"编辑：{applicant.name}", "applicant": applicant}
    )


@login_required
@require_GET
def id_check(request):
    """htmx: decode the ID number as it is typed; fill birth date and gender out of band."""
    raw = (request.GET.get("id_number") or "").strip().upper()
    context = {"raw": raw, "length": len(raw)}
    if len(raw) < 18:
        context["partial"] = True
        if raw and not raw.isdigit():
            context["error"] = "公民身份号码前 17 位应为数字，最后一位为数字或 X"
    else:
        try:
            parsed = parse_id_number(raw)
        except IdNumberError as exc:
            context["error"] = str(exc)
        else:
            today = timezone.localdate()
            context.update(parsed=parsed, age=age_on(parsed.birth_date, today))
            others = Applicant.objects.filter(id_number=parsed.value)
            if request.GET.get("applicant", "").isdigit():
                others = others.exclude(pk=int(request.GET["applicant"]))
            other = others.select_related("branch").first()
            if other is not None:
                context["duplicate"] = other if request.user.can_see(other.branch) else True
    return render(request, "applicants/partials/id_check.html", context)


# --- the applicant page --------------------------------------------------------------------------------------
def _person_page(request, applicant: Applicant, template: str, build, *, fresh: bool = False):
    """A person's page (the 25 steps, the archive): its body is cached per person version, day and rule
    rows (recruitment/fragments.py). ``fresh``: a refused form is shown again, never from the cache."""
    today = timezone.localdate()
    if request.method == "POST":
        # A refused act wrote its refusal (an Event) after the person was read: the cached history is
        # keyed by the version, so read the version again or the page shows the history without it.
        applicant.refresh_from_db(fields=["version"])
    name = template.rsplit("/", 1)[-1].removesuffix(".html")
    main = cached_fragment(
        request,
        f"person-{name}",
        # the query string presets forms (the archive's upload: step and kind) and return links
        (applicant.pk, applicant.version, today, reference_stamp(), request.GET.urlencode()),
        f"applicants/partials/{name}_main.html",
        build,
        use_cache=not fresh and request.method == "GET",
    )
    return render(request, template, {"applicant": applicant, "main": main})


def _detail_page(request, applicant: Applicant, *, fresh: bool = False, **kwargs):
    return _person_page(
        request, applicant, "applicants/detail.html", lambda: _detail_context(request, applicant, **kwargs), fresh=fresh
    )


def _detail_context(request, applicant: Applicant, *, step_form=None, open_panel: str = "", **forms) -> dict:
    user = request.user
    today = timezone.localdate()
    timeline = selectors.applicant_timeline_cached(applicant=applicant, today=today)
    can_write = _can_write(user) and applicant.is_active
    nxt = timeline.next
    waiting = bool(nxt and not actor_may_record(user, nxt.step))
    if can_write and nxt and not waiting and step_form is None:
        step_form = build_step_form(nxt.step.number, applicant)
    # The other acts' forms are loaded when their panel opens (``act_form``); a refused one comes back
    # filled in through ``forms``.
    people = selectors.applicant_people(applicant=applicant)
    return {
        "applicant": applicant,
        "today": today,
        "age": age_on(applicant.birth_date, today),
        "timeline": timeline,
        "next": nxt,
        "waiting": waiting,
        "step_form": step_form if can_write else None,
        "can_write": can_write,
        "can_write_role": _can_write(user),
        "open_panel": open_panel,
        "contacts": [p for p in people if p.role == "contact"],
        "introducers": [p for p in people if p.role == "introducer"],
        "assessments": list(applicant.assessments.select_related("actor").order_by("-date")),
        "trainings": list(applicant.trainings.order_by("-start")),
        "probation_changes": list(applicant.probation_changes.order_by("-created_at")),
        "consents": list(applicant.consents.select_related("actor").order_by("-date", "-id")),
        "publicities": list(applicant.publicities.select_related("actor").order_by("-end", "-id")),
        "transfers": list(
            applicant.transfers.select_related("from_branch", "to_branch", "actor").order_by("-date", "-pk")
        ),
        "events": selectors.applicant_events(applicant=applicant)[:200],
        "panels": applicant_panels(),
        "may_consent": may_act_at(user, Level.COMMITTEE),
        **forms,
    }


def _blank_act_form(panel: str, request, applicant: Applicant):
    """The empty form of one of the person page's other acts, or None when the user may not use it."""
    today = timezone.localdate()
    makers = {
        "assessment": lambda: AssessmentForm(initial=today_initial()),
        "training": lambda: TrainingForm(initial={"start": today, "end": today}),
        "terminate": lambda: TerminateForm(initial=today_initial(), applicant=applicant),
        "transfer": lambda: TransferForm(initial=today_initial(), user=request.user, applicant=applicant),
        "publicity": lambda: PublicityForm(initial={"start": today, "end": today}),
        "consent": lambda: ConsentForm(initial=today_initial()) if may_act_at(request.user, Level.COMMITTEE) else None,
    }
    return makers[panel]() if panel in makers else None


@login_required
@require_GET
def act_form(request, pk: int, panel: str):
    """htmx: the fields of one of the other acts' forms, loaded when its panel is opened."""
    _require_write(request.user)
    applicant = _applicant_or_404(request, pk)
    form = _blank_act_form(panel, request, applicant) if applicant.is_active else None
    if form is None:
        raise Http404("没有这个表单")
    return render(request, "applicants/partials/act_form.html", {"applicant": applicant, "form": form, "panel": panel})


@login_required
@require_GET
def applicant_detail(request, pk: int):
    applicant = _applicant_or_404(request, pk)
    log_access(request, AccessKind.VIEW, "人员页面（含完整公民身份号码）", applicant)
    return _detail_page(request, applicant)


def post_else_person_page(view):
    """For the person page's forms. A refused form is shown again at its POST address; reloading,
    bookmarking or going back to it then asks with GET, which is sent to the person's page instead
    of a blank 405."""

    @wraps(view)
    def wrapper(request, pk: int, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            return redirect("applicants:detail", pk=pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, pk, *args, **kwargs)

    return wrapper


def _refused(request, what: str, exc: DomainError) -> None:
    messages.error(request, f"{what}未能登记：{domain_error_text(exc)}")


@login_required
@post_else_person_page
def record_step(request, pk: int, step: int):
    _require_write(request.user)
    applicant = _applicant_or_404(request, pk)
    try:
        step_obj = get_step(step)
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    if not actor_may_record(request.user, step_obj):
        raise PermissionDenied(f"第{step}步“{step_obj.name}”由{step_obj.actor.label}办理")
    form = build_step_form(step, applicant, request.POST)
    if form.is_valid():
        try:
            record = applicant_record_step(
                applicant=applicant,
                step=step,
                date=form.cleaned_data["date"],
                actor=request.user,
                data=form.service_data(),
                notes=form.cleaned_data["notes"],
                today=timezone.localdate(),
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
            _refused(request, f"第{step_obj.number}步“{step_obj.name}”", exc)
        else:
            applicant.refresh_from_db()
            if record is None:  # step 23 decided an extension: the person waits for the next meeting
                messages.info(request, f"已登记支部大会延长预备期的决定，预备期延至 {applicant.probation_end:%Y-%m-%d}")
            else:
                messages.success(request, f"已完成{step_obj}（{record.date:%Y-%m-%d}）")
                for w in record.warnings:
                    messages.warning(request, f"提示 {w['message']}")
                if step == ARCHIVE:  # 材料归档: say what the file still lacks (一人一档)
                    archive = selectors.applicant_archive(applicant=applicant)
                    if archive.missing:
                        shown = "、".join(f"第{s.number}步{kind}" for s, kind in archive.missing[:5])
                        more = f"等 {len(archive.missing)} 项" if len(archive.missing) > 5 else ""
                        messages.warning(
                            request,
                            f"提示 档案材料尚未齐全（{archive.present_count}/{archive.expected_count}）："
                            f"缺{shown}{more}，请在“档案”中补齐上传",
                        )
            return redirect("applicants:detail", pk=applicant.pk)
    return _detail_page(request, applicant, fresh=True, step_form=form)


def _other_act(request, pk: int, form_class, panel: str, act, success: str, **form_kwargs):
    """POST handler shared by assessment / training / terminate / transfer."""
    _require_write(request.user)
    applicant = _applicant_or_404(request, pk)
    if "applicant" in form_kwargs:
        form_kwargs["applicant"] = applicant
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        try:
            act(applicant, form.cleaned_data)
        except DomainError as exc:
            add_domain_errors(form, exc)
            messages.error(request, f"未能保存：{domain_error_text(exc)}")
        else:
            messages.success(request, success)
            return redirect("applicants:detail", pk=applicant.pk)
    return _detail_page(request, applicant, fresh=True, open_panel=panel, **{f"{panel}_form": form})


@login_required
@post_else_person_page
def add_assessment(request, pk: int):
    return _other_act(
        request,
        pk,
        AssessmentForm,
        "assessment",
        lambda a, d: applicant_add_assessment(
            applicant=a,
            date=d["date"],
            result=d["result"],
            notes=d["notes"],
            actor=request.user,
            today=timezone.localdate(),
        ),
        "已登记半年考察",
    )


@login_required
@post_else_person_page
def add_training(request, pk: int):
    return _other_act(
        request,
        pk,
        TrainingForm,
        "training",
        lambda a, d: applicant_add_training(
            applicant=a,
            start=d["start"],
            end=d["end"],
            days=d["days"] or 0,
            hours=d["hours"] or 0,
            name=d["name"],
            actor=request.user,
        ),
        "已登记培训",
    )


@login_required
@post_else_person_page
def terminate(request, pk: int):
    return _other_act(
        request,
        pk,
        TerminateForm,
        "terminate",
        lambda a, d: applicant_terminate(
            applicant=a, outcome=d["outcome"], reason=d["reason"], date=d["date"], actor=request.user
        ),
        "已登记终止",
        applicant=None,
    )


@login_required
@post_else_person_page
def transfer(request, pk: int):
    return _other_act(
        request,
        pk,
        TransferForm,
        "transfer",
        lambda a, d: applicant_transfer(
            applicant=a,
            date=d["date"],
            actor=request.user,
            to_branch=d["to_branch"],
            to_outside=d["to_outside"],
            reason=d["reason"],
        ),
        "已办理转接",
        user=request.user,
        applicant=None,
    )


@login_required
@post_else_person_page
def consent(request, pk: int):
    return _other_act(
        request,
        pk,
        ConsentForm,
        "consent",
        lambda a, d: consent_record(
            applicant=a, date=d["date"], verdict=d["verdict"], reason=d["reason"], stop=d["stop"], actor=request.user
        ),
        "已登记上级党委意见",
    )


@login_required
@post_else_person_page
def publicity(request, pk: int):
    return _other_act(
        request,
        pk,
        PublicityForm,
        "publicity",
        lambda a, d: publicity_record(
            applicant=a,
            stage=d["stage"],
            start=d["start"],
            end=d["end"],
            places=d["places"],
            outcome=d["outcome"],
            notes=d["notes"],
            actor=request.user,
        ),  # fmt: skip
        "已登记公示",
    )


# --- to-do --------------------------------------------------------------------------------------------------
TODO_HEADER = ["类别", "姓名", "所在党支部", "步骤", "规则", "到期日期", "剩余天数（负数为超期）", "说明"]


@login_required
@require_GET
def todo(request):
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        shown = _todo_items(request, today)[1]
        rows = [
            [i.kind_label, i.applicant.name, i.applicant.branch.name, str(i.step_obj), i.rule, i.due, i.days, i.message]
            for i in shown
        ]
        return attachment(write_xlsx(TODO_HEADER, rows, "待办提醒"), f"待办提醒_{today:%Y%m%d}.xlsx", XLSX)
    main = cached_fragment(
        request,
        "todo",
        scope_parts(request),
        "applicants/partials/todo_main.html",
        lambda: _todo_context(request, today),
    )
    return render(request, "applicants/todo.html", {"main": main})


def _todo_items(request, today):
    items = selectors.applicant_list_due(user=request.user, today=today)
    kind = request.GET.get("kind", "")
    shown = [i for i in items if i.kind == kind] if kind in selectors.DueKind.LABELS else items
    return items, shown, kind


def _todo_context(request, today) -> dict:
    items, shown, kind = _todo_items(request, today)
    counts = {k: sum(1 for i in items if i.kind == k) for k in selectors.DueKind.ORDER}
    return {
        "groups": selectors.group_due_items(shown),
        "items": items,
        "kind": kind,
        "today": today,
        "kinds": [(k, selectors.DueKind.LABELS[k], counts[k]) for k in selectors.DueKind.ORDER],
        "overdue": sum(1 for i in items if i.overdue),
        "panels": todo_panels_for(request.user),
    }


# --- archive (一人一档) ----------------------------------------------------------------------------------------
@login_required
@require_GET
def archive(request, pk: int):
    applicant = _applicant_or_404(request, pk)
    return _person_page(request, applicant, "applicants/archive.html", lambda: _archive_context(request, applicant))


def _archive_context(request, applicant: Applicant, form: MaterialForm | None = None) -> dict:
    can_write = _can_write(request.user)
    archive = selectors.applicant_archive(applicant=applicant)
    if can_write and form is None:
        step, kind = request.GET.get("step"), request.GET.get("kind", "")[:100]
        if not (step or "").isdigit() and not kind and archive.missing:  # offer the first missing material
            first_step, kind = archive.missing[0]
            step = str(first_step.number)
        form = MaterialForm(
            initial={"step": int(step) if (step or "").isdigit() else max(1, applicant.current_step), "kind": kind}
        )
    requirements, rule = selectors.archive_requirements(applicant=applicant, today=timezone.localdate())
    return {
        "applicant": applicant,
        "archive": archive,
        "requirements": requirements,
        "requirements_rule": rule,
        "form": form if can_write else None,
        "can_write": can_write,
        "withdraw_form": MaterialWithdrawForm(auto_id=False) if can_write else None,
        "material_kinds": sorted({k for s in STEPS for k in s.materials}),
        "archive_panels": archive_panels(),
    }


@login_required
@post_else_person_page
def material_upload_view(request, pk: int):
    _require_write(request.user)
    applicant = _applicant_or_404(request, pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            m = material_upload(
                applicant=applicant,
                step=form.cleaned_data["step"],
                kind=form.cleaned_data["kind"],
                file=form.cleaned_data["file"],
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, f"已上传第{m.step}步材料“{m.kind}”：{m.original_name}")
            return redirect("applicants:archive", pk=applicant.pk)
    return _person_page(
        request, applicant, "applicants/archive.html", lambda: _archive_context(request, applicant, form), fresh=True
    )


def _material_or_404(applicant: Applicant, material_id: int) -> Material:
    return get_object_or_404(Material.objects.select_related("applicant"), pk=material_id, applicant=applicant)


@login_required
@require_POST
def material_withdraw_view(request, pk: int, material_id: int):
    """Withdraw a material (a reason) or, with a file, replace it. Nothing is deleted."""
    _require_write(request.user)
    applicant = _applicant_or_404(request, pk)
    material = _material_or_404(applicant, material_id)
    form = MaterialWithdrawForm(request.POST, request.FILES)
    if form.is_valid():
        reason, file = form.cleaned_data["reason"], form.cleaned_data["file"]
        try:
            if file:
                new = material_replace(material=material, file=file, reason=reason, actor=request.user)
            else:
                material_withdraw(material=material, reason=reason, actor=request.user)
        except DomainError as exc:
            messages.error(request, f"未能撤回“{material.original_name}”：{domain_error_text(exc)}")
        else:
            if file:
                messages.success(request, f"已用“{new.original_name}”替换“{material.original_name}”")
            else:
                messages.success(request, f"已撤回“{material.original_name}”（文件保留备查）")
    else:
        text = "；".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, f"未能撤回“{material.original_name}”：{text}")
    return redirect("applicants:archive", pk=applicant.pk)


@login_required
@post_else_person_page
def archive_exempt_view(request, pk: int):
    """R23: record why a required material cannot be supplied."""
    _require_write(request.user)
    applicant = _applicant_or_404(request, pk)
    try:
        archive_exempt(
            applicant=applicant,
            kind=request.POST.get("kind", "")[:100],
            reason=request.POST.get("reason", "")[:2000],
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, f"未能记录：{domain_error_text(exc)}")
    else:
        messages.success(request, f"已记录“{request.POST.get('kind', '')[:100]}”的免交理由")
    return redirect("applicants:archive", pk=applicant.pk)


@login_required
@require_GET
def material_download(request, pk: int, material_id: int):
    applicant = _applicant_or_404(request, pk)
    material = _material_or_404(applicant, material_id)
    response = stored_attachment(material.file, material.original_name)
    log_access(
        request,
        AccessKind.DOWNLOAD,
        f"档案材料：第{material.step}步“{material.kind}”（{material.original_name}）",
        applicant,
    )
    return response


ARCHIVE_INDEX_HEADER = [
    "步骤",
    "步骤名称",
    "办理日期",
    "经办人",
    "责任人",
    "结果",
    "应有材料",
    "已上传文件",
    "缺少材料",
]


def _step_folder(step) -> str:
    return f"{step.number:02d}_{step.name}"


def zip_entry_name(folder: str, kind: str, original_name: str, used: set[str]) -> str:
    """``folder/kind_name`` made of harmless components only (no directories, ``..``, backslashes or
    control characters from the uploader's name or the material's name; Chinese kept), unique in ``used``."""
    name = f"{folder}/{safe_filename(kind, '材料')}_{safe_filename(original_name)}"
    stem, dot, ext = name.rpartition(".")
    if not dot or "/" in ext:
        stem, dot, ext = name, "", ""
    k = 2
    while name.lower() in used:
        name = f"{stem}({k}){dot}{ext}"
        k += 1
    used.add(name.lower())
    return name


@login_required
@require_GET
def archive_zip(request, pk: int):
    """The whole archive as one zip: a folder per step and an index (xlsx + txt). Withdrawn files are
    named in the index, not packed."""
    applicant = _applicant_or_404(request, pk)
    arch = selectors.applicant_archive(applicant=applicant)
    buffer = io.BytesIO()
    rows, lines = (
        [],
        [
            f"{applicant.name} 一人一档（{applicant.branch.name}，公民身份号码 {applicant.id_number}）",
            f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}，生成人：{request.user}",
            "",
        ],
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        used: set[str] = set()
        for entry in arch.steps:
            names, withdrawn = [], []
            for slot in entry.slots:
                for m in slot.files:
                    if m.is_withdrawn:
                        withdrawn.append(f"{slot.kind}_{safe_filename(m.original_name)}")
                        continue
                    name = zip_entry_name(_step_folder(entry.step), slot.kind, m.original_name, used)
                    try:
                        with m.file.open("rb") as fh:
                            zf.writestr(name, fh.read())
                    except FileNotFoundError:
                        name += "（文件丢失）"
                    names.append(name.split("/", 1)[1])
            rec = entry.record
            missing = entry.missing if entry.applicable else []
            rows.append(
                [
                    entry.step.number,
                    entry.step.name,
                    rec.date if rec else None,
                    str(rec.actor) if rec and rec.actor else "",
                    rec.responsible if rec else "",
                    rec.outcome if rec else "",
                    "、".join(entry.step.materials),
                    "、".join(names),
                    "、".join(missing),
                ]
            )
            lines.append(
                f"第{entry.step.number:02d}步 {entry.step.name}："
                + (f"{rec.date:%Y-%m-%d} {rec.actor or ''}" if rec else "未办理")
                + (f"；文件 {len(names)} 个" if names else "")
                + (f"；缺少：{'、'.join(missing)}" if missing else "")
                + (f"；已撤回：{'、'.join(withdrawn)}" if withdrawn else "")
            )
        zf.writestr("index.xlsx", write_xlsx(ARCHIVE_INDEX_HEADER, rows, "档案目录"))
        zf.writestr("index.txt", "\r\n".join(lines) + "\r\n")
    log_access(request, AccessKind.EXPORT, f"一人一档 zip（{arch.file_count} 个文件，含完整公民身份号码）", applicant)
    return attachment(buffer.getvalue(), f"{applicant.name}_一人一档.zip", ZIP)


# --- the access log (department staff) -------------------------------------------------------------------------
@login_required
@role_required(*DEPARTMENT_ROLES)
@require_GET
def access_log(request):
    """Who viewed or took a person's data: filterable by user, person and date, 50 a page."""
    filterset = AccessLogFilter(request.GET or None, user=request.user)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "applicants/access_log.html",
        {"form": filterset.form, "page": page, "query": query.urlencode()},
    )
