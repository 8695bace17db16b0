"""Forms for the branch secretary's pages. They collect and type the input; every rule is judged by
``applicants.services`` (a DomainError becomes form errors in the view)."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Layout, Row
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from recruitment import bounds
from recruitment.errors import DomainError
from recruitment.models import Organization, OrgLevel, PartyMember
from recruitment.scope import visible_to
from recruitment.uploads import MATERIAL_UPLOAD

from . import steps as S
from .models import (
    Applicant,
    ApplicantStatus,
    Assessment,
    CommitteeConsent,
    Education,
    Gender,
    Occupation,
    Publicity,
)
from .steps import STEPS, Kind, get_step
from .steps import Field as StepField

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _date_field(label: str, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DATE, help_text=help_text, input_formats=["%Y-%m-%d", "%Y/%m/%d"]
    )


# Every number a form takes is bounded (issue 12); a step field without its own ceiling gets this one.
DEFAULT_MAX = 9999
MAX_DAYS = 999
MAX_HOURS = 9999

PSEUDO_RULES = {"INPUT", "STATE", "CONFLICT"}


def violation_text(v) -> str:
    """“R6 细则第十三条：…” for a rule; the bare message for input and state problems."""
    return v.message if v.rule in PSEUDO_RULES else str(v)


def domain_error_text(error: DomainError) -> str:
    return "；".join(violation_text(v) for v in error.violations)


def add_domain_errors(form: forms.Form, error: DomainError) -> None:
    """Put each violation on its field when the form has it (dates named in Chinese go to ``date``),
    otherwise on the form; the message keeps the rule id and article (“R6 细则第十三条：…”)."""
    for v in error.violations:
        name = v.field
        if name not in form.fields:
            if name in {"公民身份号码"} and "id_number" in form.fields:
                name = "id_number"
            elif (name == "date" or name.endswith("日期")) and "date" in form.fields:
                name = "date"
            elif name.endswith("日期") and "applied_on" in form.fields:
                name = "applied_on"
            else:
                name = None
        form.add_error(name, violation_text(v))


# --- the applicant (台账) --------------------------------------------------------------------------------
class ApplicantForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="公民身份号码", max_length=18, min_length=1, help_text="18 位，输入后自动校验并填写出生日期和性别"
    )
    gender = forms.ChoiceField(
        label="性别",
        choices=[("", "—")] + Gender.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="可留空，按公民身份号码填写",
    )
    birth_date = _date_field("出生日期", required=False, help_text="可留空，按公民身份号码填写")
    ethnicity = forms.CharField(label="民族", max_length=20, initial="汉族")
    education = forms.ChoiceField(label="学历", choices=[("", "—")] + Education.choices)
    occupation = forms.ChoiceField(label="职业/工作岗位", choices=[("", "—")] + Occupation.choices)
    frontline = forms.BooleanField(label="生产工作一线", required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    household_registration = forms.CharField(label="户籍所在地", max_length=200, required=False)
    household_org = bounds.ModelChoiceField(
        label="户籍所在地党组织",
        required=False,
        queryset=Organization.objects.none(),
        to_field_name="code",  # typed or chosen by its code: a province has 200,000 organizations, no list
        error_messages={"invalid_choice": "没有编码为“%(value)s”的党组织：请输入名称或编码，从提示中选择"},
        help_text="输入名称或编码查找，从提示中选择（填写编码）；两新组织人员须征求户籍所在地党组织意见（R17）",
    )
    branch = bounds.ModelChoiceField(label="所在党支部", queryset=Organization.objects.none(), empty_label=None)
    is_league_member = forms.BooleanField(label="共青团员", required=False)
    is_cadre_relative = forms.BooleanField(
        label="村组干部近亲属", required=False, help_text="村组干部近亲属须报县级审批（R18）"
    )
    is_mobile = forms.BooleanField(
        label="流动人员",
        required=False,
        help_text="工作、居住地与户籍所在地不同：公示须在流出地和流入地同时进行（R25）",
    )
    applied_on = _date_field(
        "递交入党申请书日期", required=False, help_text="填写后即登记第1步（年满18周岁，R1）；暂未递交可留空"
    )

    def __init__(self, *args, user, instance: Applicant | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", {f: getattr(instance, f) for f in self.base_fields if hasattr(instance, f)})
        super().__init__(*args, **kwargs)
        branches = visible_to(user, Organization).filter(level=OrgLevel.BRANCH, is_active=True).order_by("path")
        self.fields["branch"].queryset = branches
        offered = Q(is_active=True) & ~Q(level=OrgLevel.DEPARTMENT)
        if instance is not None and instance.household_org_id:  # kept when revoked since
            offered |= Q(pk=instance.household_org_id)
        self.fields["household_org"].queryset = Organization.objects.filter(offered)
        self.fields["household_org"].widget = forms.TextInput(
            attrs={
                "list": "household-org-options",
                "autocomplete": "off",
                "hx-get": reverse("recruitment:org_search"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#household-org-options",
                "hx-sync": "this:replace",
                "maxlength": "50",
            }
        )
        if instance is not None:
            del self.fields["applied_on"]
            self.fields["branch"].disabled = True
            self.fields["branch"].queryset = Organization.objects.filter(pk=instance.branch_id)
            self.fields["branch"].help_text = "变更所在党支部请在人员页面使用“转接”"
        elif user.organization and user.organization.is_branch:
            self.fields["branch"].initial = user.organization
        check_url = reverse("applicants:id_check")
        if instance is not None:
            check_url += f"?applicant={instance.pk}"
        self.fields["id_number"].widget.attrs.update(
            {
                "hx-get": check_url,
                "hx-trigger": "input changed delay:300ms, blur",
                "hx-target": "#id-check-result",
                "hx-sync": "this:replace",
                "autocomplete": "off",
                "class": "form-control font-monospace text-uppercase",
                "maxlength": "18",
            }
        )
        self.fields["gender"].widget.attrs.update({"class": "form-select"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("name", css_class="col-md-3"),
                Column(Field("id_number"), css_class="col-md-5"),
                Column("gender", css_class="col-md-2"),
                Column("ethnicity", css_class="col-md-2"),
            ),
            HTML('<div id="id-check-result" class="mb-3 small" aria-live="polite"></div>'),
            Row(
                Column("birth_date", css_class="col-md-3"),
                Column("education", css_class="col-md-3"),
                Column("occupation", css_class="col-md-3"),
                Column("phone", css_class="col-md-3"),
            ),
            Row(Column("branch", css_class="col-md-6"), Column("household_org", css_class="col-md-6")),
            HTML('<datalist id="household-org-options"></datalist>'),
            Row(Column("household_registration", css_class="col-md-8"), Column("is_mobile", css_class="col-md-4")),
            Row(
                Column("frontline", css_class="col-md-3"),
                Column("is_league_member", css_class="col-md-3"),
                Column("is_cadre_relative", css_class="col-md-6"),
            ),
            *([Row(Column("applied_on", css_class="col-md-4"))] if "applied_on" in self.fields else []),
        )

    def clean_id_number(self) -> str:
        return self.cleaned_data["id_number"].strip().upper()

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("gender"):  # derived from the ID number by the service
            data.pop("gender", None)
        if not data.get("birth_date"):
            data.pop("birth_date", None)
        data.pop("applied_on", None)
        if self.instance is not None:
            data.pop("branch", None)
        return data


# --- the form of the next step ------------------------------------------------------------------------------
class MemberChoiceField(bounds.ModelMultipleChoiceField):
    """Eligible members of the person's branch (``member_queryset``); one in the 影响期 of a lighter
    penalty is marked (R7B, 2026: 不宜作入党介绍人)."""

    def label_from_instance(self, m: PartyMember) -> str:
        today = timezone.localdate()
        flags = [m.status] + [
            f"{x.kind}影响期至{x.influence_until:%Y-%m-%d}，不宜作介绍人" if x.influence_until else f"受{x.kind}处分"
            for x in m.penalties.all()
            if x.kind != "留党察看" and x.in_force_on(today)
        ]
        return f"{m.name}（{'，'.join(flags)}）· {m.branch.name}"


class StepForm(forms.Form):
    """Date and notes; ``build_step_form`` adds the fields of one step."""

    date = _date_field("办理日期")
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    step_number: int = 0

    def service_data(self) -> dict:
        """The step's data for the service: chosen members as ids, empty numbers as absent."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in {"date", "notes"}}
        for k, v in data.items():
            if hasattr(v, "values_list"):  # a queryset of chosen members
                data[k] = [m.pk for m in v]
        return data


def member_queryset(applicant: Applicant):
    """The members a branch may name as 培养联系人 or 入党介绍人: 正式党员 of the person's own branch, on the
    register, not under 留党察看 (R4, R7). Others are not offered at all (the rules still refuse them
    when they arrive some other way)."""
    from django.db.models import Exists, OuterRef, Q

    from recruitment.models import MemberPenalty

    watched = MemberPenalty.objects.filter(
        member=OuterRef("pk"), kind="留党察看", decided_on__lte=timezone.localdate()
    ).filter(Q(influence_until__isnull=True) | Q(influence_until__gte=timezone.localdate()))
    return (
        PartyMember.objects.filter(PartyMember.Q_ELIGIBLE, branch_id=applicant.branch_id)
        .exclude(Exists(watched))
        .select_related("branch")
        .prefetch_related("penalties")
        .order_by("name")
    )


def _form_field(f: StepField, applicant: Applicant) -> forms.Field:
    """The form field of one declared step field (labels, choices and help come from the step table)."""
    common = {"label": f.label, "required": f.asks, "help_text": f.help}
    if f.kind == Kind.TEXT:
        return forms.CharField(max_length=f.max_length, initial=f.default, **common)
    if f.kind == Kind.LONGTEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), initial=f.default, **common)
    if f.kind == Kind.CHOICE:
        return forms.ChoiceField(
            widget=forms.RadioSelect, choices=[(c, c) for c in f.choices], initial=f.default, **common
        )
    if f.kind == Kind.INT:
        return forms.IntegerField(min_value=0, max_value=f.max_value or DEFAULT_MAX, **common)
    if f.kind == Kind.DECIMAL:
        return forms.DecimalField(
            min_value=0, max_value=f.max_value or DEFAULT_MAX, max_digits=6, decimal_places=1, **common
        )
    if f.kind == Kind.DATE:
        return _date_field(f.label, required=f.asks, help_text=f.help)
    if f.kind == Kind.MEMBERS:
        return MemberChoiceField(
            queryset=member_queryset(applicant),
            widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
            **common,
        )
    return forms.BooleanField(label=f.label, required=False, help_text=f.help)  # Kind.BOOL


def build_step_form(step_number: int, applicant: Applicant, *args, **kwargs) -> StepForm:
    """The form of one step, built from its declaration: date (and start of a period), the step's
    fields in declared order, notes."""
    step = get_step(step_number)
    fields: dict[str, forms.Field] = {"date": _date_field(step.date_label)}
    if step.start_field:
        fields["start"] = _date_field("开始日期", required=False)
    fields.update({f.name: _form_field(f, applicant) for f in step.fields})
    form_class = type(f"Step{step.number}Form", (StepForm,), {**fields, "step_number": step.number})
    kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
    kwargs.setdefault("prefix", "step")
    form = form_class(*args, **kwargs)
    form.order_fields(["start", "date", *step.field_names, "notes"])
    return form


# --- other acts ----------------------------------------------------------------------------------------------
class AssessmentForm(forms.Form):
    prefix = "assess"
    date = _date_field("考察日期")
    result = forms.ChoiceField(label="考察结果", choices=Assessment.Result.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label="考察意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TrainingForm(forms.Form):
    prefix = "training"
    name = forms.CharField(label="培训班名称", max_length=200, required=False)
    start = _date_field("开始日期")
    end = _date_field("结束日期")
    days = forms.DecimalField(
        label="天数", min_value=0, max_value=MAX_DAYS, max_digits=5, decimal_places=1, required=False
    )
    hours = forms.DecimalField(
        label="学时", min_value=0, max_value=MAX_HOURS, max_digits=6, decimal_places=1, required=False
    )


class TerminateForm(forms.Form):
    prefix = "terminate"
    outcome = forms.ChoiceField(
        label="结果",
        choices=[(ApplicantStatus.NOT_DEVELOPED, "不予发展"), (ApplicantStatus.CANCELLED, "取消预备党员资格")],
    )
    date = _date_field("日期")
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, applicant: Applicant, **kwargs):
        super().__init__(*args, **kwargs)
        if S.APPROVAL <= applicant.current_step < S.CONVERSION:
            self.fields["outcome"].initial = ApplicantStatus.CANCELLED


class ConsentForm(forms.Form):
    """R26: the upper committee's consent before the 公示 and the listing as 发展对象 (细则2026第十三条)."""

    prefix = "consent"
    date = _date_field("同意日期")
    verdict = forms.ChoiceField(label="意见", choices=CommitteeConsent.Verdict.choices, widget=forms.RadioSelect,
                                initial=CommitteeConsent.Verdict.AGREE)  # fmt: skip
    reason = forms.CharField(label="理由", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="不同意的，须写明理由")  # fmt: skip
    stop = forms.BooleanField(label="不同意且不予发展", required=False,
                              help_text="不勾选：退回继续作为入党积极分子培养")  # fmt: skip


class PublicityForm(forms.Form):
    """R25: a 公示 of at least five working days (流动人员 in both places)."""

    prefix = "publicity"
    stage = forms.ChoiceField(label="公示环节", choices=Publicity.Stage.choices, initial=Publicity.Stage.CANDIDATE)
    start = _date_field("公示开始日期")
    end = _date_field("公示结束日期")
    places = forms.CharField(
        label="公示地点", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一处；流动人员须在流出地和流入地同时公示",
    )  # fmt: skip
    outcome = forms.ChoiceField(label="公示结果", choices=Publicity.Outcome.choices)
    notes = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_places(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["places"].splitlines() if line.strip()]


class TransferForm(forms.Form):
    prefix = "transfer"
    to_branch = bounds.ModelChoiceField(
        label="转入本系统党支部", required=False, queryset=Organization.objects.none(), empty_label="（转往系统外组织）"
    )
    to_outside = forms.CharField(
        label="或：系统外接收组织", max_length=200, required=False, help_text="转往外县（市）等本系统以外的党组织时填写"
    )
    date = _date_field("转接日期")
    reason = forms.CharField(label="原因", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, applicant: Applicant, **kwargs):
        super().__init__(*args, **kwargs)
        # Any branch of the person's county (nearest organization department), so that a branch
        # secretary can hand a person over inside the system (细则 12: time and hours carry over),
        # plus whatever else the user oversees.
        jurisdiction = applicant.branch.jurisdiction()
        county = jurisdiction.path if jurisdiction else None
        targets = visible_to(user, Organization)
        if county:
            targets = targets | Organization.objects.filter(path__startswith=county)
        self.fields["to_branch"].queryset = (
            targets.filter(level=OrgLevel.BRANCH, is_active=True).exclude(pk=applicant.branch_id).order_by("path")
        )
        self.fields["to_branch"].label = "转入本县（市、区）党支部"

    def clean(self):
        data = super().clean()
        if data.get("to_branch") and (data.get("to_outside") or "").strip():
            raise forms.ValidationError("请在本系统党支部和系统外组织中选择一项")
        return data


class MaterialForm(forms.Form):
    prefix = "material"
    step = forms.TypedChoiceField(label="步骤", coerce=int, choices=[(s.number, str(s)) for s in STEPS])
    kind = forms.CharField(
        label="材料名称",
        max_length=100,
        widget=forms.TextInput(attrs={"list": "material-kinds", "placeholder": "如：入党申请书"}),
    )
    file = forms.FileField(
        label="文件",
        required=False,
        help_text=f"扫描件：{MATERIAL_UPLOAD.help_text}",
        # a hint (image/* lets a phone offer its camera and photos); the service checks the content
        widget=forms.ClearableFileInput(attrs={"accept": MATERIAL_UPLOAD.accept_with_camera}),
    )
    photo = forms.FileField(
        label="或用手机拍照",
        required=False,
        help_text="在手机上直接打开相机拍摄纸质材料",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("file"):
            if data.get("photo"):
                data["file"] = data["photo"]
            elif "file" not in self.errors:
                self.add_error("file", "请选择要上传的文件，或用手机拍照")
        step, kind = data.get("step"), (data.get("kind") or "").strip()
        owners = [s.number for s in STEPS if kind in s.materials]
        if step and owners and step not in owners:
            where = "、".join(f"第{n}步" for n in owners)
            self.add_error("step", f"“{kind}”是{where}的材料，请选择{where}，以免归错档")
        return data


class MaterialWithdrawForm(forms.Form):
    """Withdraw a material put up by mistake, or (with a file) replace it; the reason is kept."""

    reason = forms.CharField(
        label="撤回原因", max_length=500, widget=forms.TextInput(attrs={"placeholder": "如：上传错误、扫描不清"})
    )
    file = forms.FileField(
        label="替换为新文件（可不选）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": MATERIAL_UPLOAD.accept_with_camera}),
    )


def today_initial() -> dict[str, dt.date]:
    return {"date": timezone.localdate()}
