"""List filters (django-filter) of the organization and member pages, and the base every list filter
of the project shares: the queryset is narrowed to the user's subtree (``visible_to``) before any
filter runs, a value that does not validate is left out (a hand-edited address never gives a 500),
and ``values`` holds the filters actually applied."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet

from .models import MemberStatus, Organization, OrgLevel, PartyMember, Sector
from .scope import visible_to


class ScopedFilterSet(filters.FilterSet):
    """A FilterSet over what ``user`` may see. Subclasses may pass a prepared ``queryset`` (select_related,
    ordering); it is narrowed to the user's subtree all the same."""

    def __init__(self, data=None, queryset: QuerySet | None = None, *, user, **kwargs):
        self.user = user
        base = queryset if queryset is not None else self._meta.model._default_manager.all()
        super().__init__(data, visible_to(user, base), **kwargs)

    @property
    def values(self) -> dict[str, Any]:
        """The valid, non-empty filter values (after validation)."""
        if not self.is_bound:
            return {}
        self.errors  # noqa: B018 — validates the form
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "")}

    def filter_queryset(self, queryset: QuerySet, *, skip: tuple[str, ...] = ()) -> QuerySet:
        for name, value in self.form.cleaned_data.items():
            if name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def qs_without(self, *names: str) -> QuerySet:
        """The filtered queryset ignoring the filters ``names`` (e.g. counts per stage across stages)."""
        qs = self.queryset.all()
        if self.is_bound:
            self.errors  # noqa: B018 — validates the form
            qs = self.filter_queryset(qs, skip=names)
        return qs


def text_search(*lookups: str):
    """A filter method: the text (trimmed) in any of ``lookups`` (icontains)."""

    def method(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        q = Q()
        for lookup in lookups:
            q |= Q(**{f"{lookup}__icontains": text})
        return queryset.filter(q)

    return method


class OrganizationFilter(ScopedFilterSet):
    q = filters.CharFilter(label="搜索", method="search", widget=forms.TextInput(attrs={"placeholder": "名称或编码"}))
    level = filters.ChoiceFilter(label="层级", choices=OrgLevel.choices, empty_label="全部层级")
    sector = filters.ChoiceFilter(label="领域", choices=Sector.choices, empty_label="全部领域")

    search = text_search("name", "code")

    class Meta:
        model = Organization
        fields: list[str] = []

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, Organization.objects.select_related("parent").order_by("path"), user=user, **kwargs)


class MemberFilter(ScopedFilterSet):
    q = filters.CharFilter(label="搜索", method="search", widget=forms.TextInput(attrs={"placeholder": "姓名或支部"}))
    status = filters.ChoiceFilter(label="类别", choices=MemberStatus.choices, empty_label="全部")

    search = text_search("name", "branch__name")

    class Meta:
        model = PartyMember
        fields: list[str] = []

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(
            data, PartyMember.objects.select_related("branch").order_by("branch__path", "name"), user=user, **kwargs
        )


class IntegerFilter(filters.NumberFilter):
    """A whole number (django-filter's NumberFilter takes decimals)."""

    field_class = forms.IntegerField
