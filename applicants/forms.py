"""Forms for the branch secretary's pages. They collect and type the input; every rule is judged by
``applicants.services`` (a DomainError becomes form errors in the view)."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Layout, Row
from django import forms
from django.urls import reverse
from django.utils import timezone

from recruitment.errors import DomainError
from recruitment.models import Organization, OrgLevel, PartyMember
from recruitment.scope import visible_to

from .models import Applicant, ApplicantStatus, Assessment, Education, Gender, Occupation
from .steps import STEPS, get_step

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _date_field(label: str, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DATE, help_text=help_text, input_formats=["%Y-%m-%d", "%Y/%m/%d"]
    )


PSEUDO_RULES = {"INPUT", "STATE"}


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
    household_org = forms.ModelChoiceField(
        label="户籍所在地党组织",
        required=False,
        queryset=Organization.objects.none(),
        help_text="两新组织人员须征求户籍所在地党组织意见（R17）",
    )
    branch = forms.ModelChoiceField(label="所在党支部", queryset=Organization.objects.none(), empty_label=None)
    is_league_member = forms.BooleanField(label="共青团员", required=False)
    is_cadre_relative = forms.BooleanField(
        label="村组干部近亲属", required=False, help_text="村组干部近亲属须报县级审批（R18）"
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
        self.fields["household_org"].queryset = (
            Organization.objects.filter(is_active=True).exclude(level=OrgLevel.DEPARTMENT).order_by("path")
        )
        self.fields["household_org"].label_from_instance = lambda o: f"{o.name}（{o.code}）"
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
                "class": "form-control",
                "maxlength": "18",
                "style": "text-transform: uppercase; font-family: monospace;",
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
            Row(Column("household_registration", css_class="col-md-12")),
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
class MemberChoiceField(forms.ModelMultipleChoiceField):
    """Members of the upper committee's subtree. 预备党员 and 留党察看 stay visible (marked) so that the
    rule book, not the form, refuses them with R4/R7."""

    def label_from_instance(self, m: PartyMember) -> str:
        flags = [m.status]
        if m.under_probation_watch:
            flags.append("留党察看")
        return f"{m.name}（{'，'.join(flags)}）· {m.branch.name}"


VOTES = [
    ("expected_voters", "应到会有表决权的正式党员（人）"),
    ("attending_voters", "实到会有表决权的正式党员（人）"),
    ("yes_votes", "赞成（票）"),
    ("no_votes", "反对（票）"),
    ("abstentions", "弃权（票）"),
]


class StepForm(forms.Form):
    """Date and notes; ``build_step_form`` adds the fields of one step."""

    date = _date_field("办理日期")
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    step_number: int = 0
    member_keys = ("contacts", "introducers")

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in {"date", "notes"}}
        for key in self.member_keys:
            if key in data:
                data[key] = [m.pk for m in data[key]]
        return data


def member_queryset(applicant: Applicant):
    committee = applicant.branch.upper_committee() or applicant.branch
    return (
        PartyMember.objects.filter(branch__path__startswith=committee.path, is_active=True)
        .select_related("branch")
        .order_by("branch__path", "name")
    )


def build_step_form(step_number: int, applicant: Applicant, *args, **kwargs) -> StepForm:
    step = get_step(step_number)
    fields: dict[str, forms.Field] = {}
    n = step.number
    if n == 1:
        fields["date"] = _date_field("递交入党申请书日期")
    if n in (2, 16):
        fields["talker"] = forms.CharField(
            label="谈话人", max_length=100, help_text="上级党委派人谈话须为党委委员或组织员" if n == 16 else ""
        )
    if n == 3:
        fields["recommendation"] = forms.ChoiceField(
            label="推荐方式",
            widget=forms.RadioSelect,
            choices=[("党员推荐", "党员推荐"), ("群团组织推优", "群团组织推优")],
        )
    if n == 5:
        fields["contacts"] = MemberChoiceField(
            label="培养联系人",
            queryset=member_queryset(applicant),
            widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
            help_text="一至两名正式党员（R4）；按住 Ctrl 多选",
        )
    if n == 9:
        fields["introducers"] = MemberChoiceField(
            label="入党介绍人",
            queryset=member_queryset(applicant),
            widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
            help_text="两名正式党员，受留党察看处分的不能作介绍人（R7）；一般由培养联系人担任",
        )
    if n == 10:
        fields["conclusion"] = forms.CharField(label="政治审查结论（书面）", widget=forms.Textarea(attrs={"rows": 3}))
        fields["verdict"] = forms.ChoiceField(
            label="审查结果", widget=forms.RadioSelect, choices=[("合格", "合格"), ("不合格", "不合格")]
        )
    if n == 11:
        fields["name"] = forms.CharField(label="培训班名称", max_length=200, required=False, initial="发展对象集中培训")
        fields["start"] = _date_field("培训开始日期", required=False)
        fields["date"] = _date_field("培训结束日期")
        fields["days"] = forms.DecimalField(
            label="培训天数", min_value=0, max_digits=5, decimal_places=1, required=False
        )
        fields["hours"] = forms.DecimalField(
            label="培训学时", min_value=0, max_digits=6, decimal_places=1, required=False
        )
        fields["exception_reason"] = forms.CharField(
            label="不足3天或24学时的例外原因",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="集中培训不少于3天或24学时（R9）；确因特殊情况不足的，须记录原因",
        )
    if n in (15, 23):
        for key, label in VOTES:
            fields[key] = forms.IntegerField(
                label=label, min_value=0, required=key in {"expected_voters", "attending_voters", "yes_votes"}
            )
    if n == 15:
        fields["leaving_unit_soon"] = forms.BooleanField(
            label="发展对象三个月内将离开工作、学习单位", required=False, help_text="一般不办理接收手续（R10，提示）"
        )
    if n == 23:
        fields["decision"] = forms.ChoiceField(
            label="讨论结果",
            widget=forms.RadioSelect,
            initial="按期转正",
            choices=[("按期转正", "按期转正"), ("延长预备期", "延长预备期"), ("取消预备党员资格", "取消预备党员资格")],
        )
        fields["extension_months"] = forms.IntegerField(
            label="延长月数", min_value=1, max_value=24, required=False, help_text="只能延长一次，6至12个月（R13）"
        )
        fields["reason"] = forms.CharField(
            label="原因",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="延长预备期或取消预备党员资格须写明原因",
        )
    if n in (17, 24):
        fields["special_reason"] = forms.CharField(
            label="超过3个月审批的特殊原因",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="支部大会后3个月内审批；因特殊原因延长的须记录原因，最长不超过6个月（R12）",
        )
    if n == 19:
        fields["group"] = forms.CharField(label="编入党小组", max_length=100)
    form_class = type(f"Step{n}Form", (StepForm,), {**fields, "step_number": n})
    kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
    kwargs.setdefault("prefix", "step")
    form = form_class(*args, **kwargs)
    # Keep date first, notes last.
    order = ["start", "date"] + [k for k in form.fields if k not in {"start", "date", "notes"}] + ["notes"]
    form.order_fields(order)
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
    days = forms.DecimalField(label="天数", min_value=0, max_digits=5, decimal_places=1, required=False)
    hours = forms.DecimalField(label="学时", min_value=0, max_digits=6, decimal_places=1, required=False)


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
        if 17 <= applicant.current_step < 24:
            self.fields["outcome"].initial = ApplicantStatus.CANCELLED


class TransferForm(forms.Form):
    prefix = "transfer"
    to_branch = forms.ModelChoiceField(
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
        county = (
            Organization.objects.filter(pk__in=applicant.branch.ancestor_ids(), level=OrgLevel.DEPARTMENT)
            .order_by("-depth")
            .values_list("path", flat=True)
            .first()
        )
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
    file = forms.FileField(label="文件", help_text="PDF、图片、Word、Excel 或 OFD，单个不超过 20 MB")

    def clean(self):
        data = super().clean()
        step, kind = data.get("step"), (data.get("kind") or "").strip()
        owners = [s.number for s in STEPS if kind in s.materials]
        if step and owners and step not in owners:
            where = "、".join(f"第{n}步" for n in owners)
            self.add_error("step", f"“{kind}”是{where}的材料，请选择{where}，以免归错档")
        return data


def today_initial() -> dict[str, dt.date]:
    return {"date": timezone.localdate()}
