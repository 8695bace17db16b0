"""The filters of the plan-change log (django-filter): changes in the user's subtree by year, kind
and text (organization name or code, reason)."""

from __future__ import annotations

import django_filters as filters
from django import forms

from recruitment.filters import IntegerFilter, ScopedFilterSet, text_search

from .models import AllocationChange


class AllocationChangeFilter(ScopedFilterSet):
    year = IntegerFilter(
        label="年度",
        field_name="plan__year",
        widget=forms.NumberInput(attrs={"class": "form-control", "placeholder": "年度"}),
    )
    kind = filters.ChoiceFilter(
        label="类型",
        choices=AllocationChange.Kind.choices,
        empty_label="全部类型",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    q = filters.CharFilter(
        label="搜索",
        method="search",
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "组织名称/编码/原因"}),
    )

    search = text_search("org__name", "org__code", "reason")

    class Meta:
        model = AllocationChange
        fields: list[str] = []

    def __init__(self, data=None, *, user, **kwargs):
        base = AllocationChange.objects.select_related("plan", "org", "source", "actor").order_by("-at", "-id")
        super().__init__(data, base, user=user, **kwargs)
