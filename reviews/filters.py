"""The filters of the ledger page (django-filter): entries of the user's subtree, one year (this
year unless ``year`` is given), by status, by the tier they wait at, by name or branch."""

from __future__ import annotations

import datetime as dt

import django_filters as filters
from django import forms
from django.db.models import QuerySet

from recruitment.filters import IntegerFilter, ScopedFilterSet, text_search
from recruitment.years import YEAR_MAX, YEAR_MIN

from .forms import SELECT, TEXT
from .models import EntryStatus, LedgerEntry

TIERS = [("", "全部层级"), (1, "待支部初审"), (2, "待党委复审"), (3, "待组织部终审")]


class LedgerFilter(ScopedFilterSet):
    year = IntegerFilter(
        label="年度",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        widget=forms.NumberInput(attrs={**TEXT, "placeholder": "年度"}),
    )
    status = filters.ChoiceFilter(
        label="状态", choices=EntryStatus.choices, empty_label="全部状态", widget=forms.Select(attrs=SELECT)
    )
    tier = filters.TypedChoiceFilter(
        label="待审层级",
        method="waiting_at",
        coerce=int,
        empty_value=None,
        choices=TIERS,
        widget=forms.Select(attrs=SELECT),
    )
    q = filters.CharFilter(
        label="搜索", method="search", widget=forms.TextInput(attrs={**TEXT, "placeholder": "姓名或党支部"})
    )

    search = text_search("applicant__name", "applicant__branch__name")

    class Meta:
        model = LedgerEntry
        fields: list[str] = []

    def __init__(self, data=None, queryset: QuerySet | None = None, *, user, today: dt.date, **kwargs):
        super().__init__({} if data is None else data, queryset, user=user, **kwargs)
        self.today = today

    @property
    def ledger_year(self) -> int:
        """The year shown: the one asked for, else this year."""
        return self.values.get("year") or self.today.year

    def waiting_at(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(tier=value, status=EntryStatus.IN_REVIEW)

    def filter_queryset(self, queryset: QuerySet, *, skip: tuple[str, ...] = ()) -> QuerySet:
        # The year always applies: the one asked for, else this year.
        return super().filter_queryset(queryset.filter(year=self.ledger_year), skip=(*skip, "year"))
