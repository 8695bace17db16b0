from __future__ import annotations

from django import forms
from django.utils import timezone

from applicants.steps import STEPS
from recruitment import bounds

from .models import DEFAULT_SAMPLE_SIZE, FindingCategory, Population


class DrawForm(forms.Form):
    townships = bounds.ModelMultipleChoiceField(
        label="乡镇（街道）党(工)委",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="可多选，每个乡镇单独抽取",
    )
    population = forms.ChoiceField(label="抽查范围", choices=Population.choices, initial=Population.ADMITTED)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    # Not bounded here: the service refuses 0 and negatives with the rule's message (one place).
    size = forms.IntegerField(
        label="每个乡镇抽查数量",
        initial=DEFAULT_SAMPLE_SIZE,
        help_text="规定每个乡镇随机抽查不少于20本（商河县做法，seed 003）；不足时全部抽查",
    )
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args, townships=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["townships"].queryset = townships
        self.fields["townships"].label_from_instance = lambda o: o.name
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)


def step_choices():
    return [("", "（不限步骤）")] + [(s.number, f"{s.number}. {s.name}") for s in STEPS]


class FindingForm(forms.Form):
    step = forms.TypedChoiceField(label="步骤", choices=step_choices, coerce=int, required=False, empty_value=None)
    material = forms.CharField(label="材料", max_length=100, required=False)
    category = forms.ChoiceField(label="问题类别", choices=FindingCategory.choices)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    deadline = forms.DateField(label="整改期限", widget=forms.DateInput(attrs={"type": "date"}))


class FixForm(forms.Form):
    note = forms.CharField(label="整改说明", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    file = forms.FileField(label="补充材料（可不选，存入一人一档）", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VerifyForm(forms.Form):
    note = forms.CharField(label="核验意见", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
