from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from applicants.steps import STEPS
from recruitment import bounds
from recruitment.uploads import OPINION_UPLOAD

from .models import NegativeListItem, OpinionVerdict, ReviewDepartment, Tier, Verdict

# ISO value: <input type=date> discards anything else, and the zh-hans default renders "2026/11/26".
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d")
TEXT = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}
# A hint for the file picker; the service judges the content (recruitment.uploads).
FILE = {**TEXT, "accept": OPINION_UPLOAD.accept}
FILE_HELP = OPINION_UPLOAD.help_text


def _today() -> dt.date:
    return timezone.localdate()


class SubmitForm(forms.Form):
    year = forms.IntegerField(label="台账年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT))
    remarks = forms.CharField(label="报送说明", required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class DecisionForm(forms.Form):
    version = forms.IntegerField(min_value=0, max_value=2_147_483_647, widget=forms.HiddenInput)
    tier = forms.IntegerField(min_value=min(Tier.values), max_value=max(Tier.values), widget=forms.HiddenInput)
    verdict = forms.ChoiceField(label="结论", choices=Verdict.choices, widget=forms.RadioSelect)
    decided_on = forms.DateField(label="审查日期", initial=_today, widget=DATE)
    reason = forms.CharField(label="审查意见", widget=forms.Textarea(attrs={**TEXT, "rows": 3}))


class OpinionForm(forms.Form):
    department = bounds.ModelChoiceField(
        label="部门", queryset=ReviewDepartment.objects.filter(is_active=True), widget=forms.Select(attrs=SELECT)
    )
    verdict = forms.ChoiceField(label="意见", choices=OpinionVerdict.choices, widget=forms.Select(attrs=SELECT))
    given_on = forms.DateField(label="出具日期", initial=_today, widget=DATE)
    opinion = forms.CharField(label="意见内容", required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    file = forms.FileField(
        label="意见文件", required=False, widget=forms.ClearableFileInput(attrs=FILE), help_text=FILE_HELP
    )


class HouseholdOpinionForm(forms.Form):
    organization_name = forms.CharField(label="户籍所在地党组织", widget=forms.TextInput(attrs=TEXT))
    verdict = forms.ChoiceField(label="意见", choices=OpinionVerdict.choices, widget=forms.Select(attrs=SELECT))
    given_on = forms.DateField(label="出具日期", initial=_today, widget=DATE)
    opinion = forms.CharField(label="意见内容", required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    file = forms.FileField(
        label="意见文件", required=False, widget=forms.ClearableFileInput(attrs=FILE), help_text=FILE_HELP
    )


class CadreApprovalForm(forms.Form):
    relation = forms.CharField(
        label="亲属关系", widget=forms.TextInput(attrs={**TEXT, "placeholder": "如：村党支部书记之子"})
    )
    approved = forms.TypedChoiceField(
        label="县级批复",
        coerce=lambda v: v == "1",
        choices=[("1", "同意发展"), ("0", "不同意发展")],
        widget=forms.Select(attrs=SELECT),
    )
    document_no = forms.CharField(label="批复文号", required=False, widget=forms.TextInput(attrs=TEXT))
    decided_on = forms.DateField(label="批复日期", initial=_today, widget=DATE)
    opinion = forms.CharField(
        label="县镇联合考察意见", required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )


class NegativeCheckForm(forms.Form):
    hits = bounds.ModelMultipleChoiceField(
        label="命中的条目（未命中则不勾选）",
        required=False,
        queryset=NegativeListItem.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    checked_on = forms.DateField(label="比对日期", initial=_today, widget=DATE)
    hit_notes = forms.CharField(label="命中情况说明", required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    notes = forms.CharField(label="备注", required=False, widget=forms.TextInput(attrs=TEXT))


class RevokeForm(forms.Form):
    reason = forms.CharField(label="撤销理由", widget=forms.TextInput(attrs=TEXT))


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索", required=False, widget=forms.TextInput(attrs={**TEXT, "placeholder": "姓名或党支部"})
    )


class BulkRecordForm(forms.Form):
    step = forms.TypedChoiceField(
        coerce=int, choices=[(s.number, f"第{s.number}步") for s in STEPS if s.bulk], widget=forms.HiddenInput
    )
    date = forms.DateField(label="备案日期", initial=_today, widget=DATE)
    notes = forms.CharField(label="备注", required=False, widget=forms.TextInput(attrs=TEXT))
