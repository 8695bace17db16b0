"""The filters of the pipeline list (django-filter), used by ``selectors.applicant_list`` and
``selectors.applicant_stage_counts``. The applicants are narrowed to the user's subtree before any
filter; the organization filter offers only active organizations of that subtree, and one outside
it (a stale bookmark, a hand-edited address) finds nobody."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet

from recruitment.filters import ScopedFilterSet
from recruitment.models import Organization
from recruitment.scope import visible_to

from .models import AccessKind, AccessLog, Applicant, ApplicantStatus
from .steps import STAGES, STEPS

SELECT = forms.Select(attrs={"class": "form-select"})


class ApplicantFilter(ScopedFilterSet):
    q = filters.CharFilter(
        label="搜索",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "姓名或公民身份号码", "class": "form-control"}),
    )
    stage = filters.TypedChoiceFilter(
        label="阶段",
        method="in_stage",
        coerce=int,
        empty_value=None,
        choices=[("", "全部阶段")] + [(s.number, f"{s.number}. {s.name}") for s in STAGES],
        widget=SELECT,
    )
    step = filters.TypedChoiceFilter(
        label="已完成步骤",
        field_name="current_step",
        coerce=int,
        empty_value=None,
        choices=[("", "全部步骤"), (0, "0 未登记申请")] + [(s.number, f"{s.number} {s.name}") for s in STEPS],
        widget=SELECT,
    )
    status = filters.ChoiceFilter(label="状态", choices=ApplicantStatus.choices, empty_label="全部状态", widget=SELECT)
    branch = filters.ModelChoiceFilter(
        label="组织",
        method="in_subtree",
        queryset=Organization.objects.none(),
        empty_label="全部组织",
        widget=SELECT,
    )

    class Meta:
        model = Applicant
        fields: list[str] = []

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, user=user, **kwargs)
        self.filters["branch"].queryset = visible_to(user, Organization).filter(is_active=True).order_by("path")
        depth = user.organization.depth if user.organization_id else 0
        self.filters["branch"].field.label_from_instance = lambda o: ("　" * max(0, o.depth - depth)) + o.name
        # A branch secretary sees one branch: no organization filter to offer.
        self.show_branch = user.is_superuser or not (user.organization_id and user.organization.is_branch)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Name, or any part of the ID number (its check character may be an upper-case X)."""
        text = value.strip()
        return queryset.filter(Q(name__icontains=text) | Q(id_number__icontains=text.upper())) if text else queryset

    def in_stage(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        from .selectors import stage_q  # selectors builds the list with this FilterSet

        return queryset.filter(stage_q(value))

    def in_subtree(self, queryset: QuerySet, name: str, value: Organization) -> QuerySet:
        return queryset.filter(branch__path__startswith=value.path)

    def filter_queryset(self, queryset: QuerySet, *, skip: tuple[str, ...] = ()) -> QuerySet:
        if "branch" in self.form.errors:  # an organization outside the subtree (or unknown): nobody
            return queryset.none()
        return super().filter_queryset(queryset, skip=skip)


DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class AccessLogFilter(ScopedFilterSet):
    """The access log page: by user (login name or name), person (name or ID number), kind and dates."""

    user = filters.CharFilter(
        label="用户",
        method="by_user",
        widget=forms.TextInput(attrs={"placeholder": "用户名或姓名", "class": "form-control"}),
    )
    person = filters.CharFilter(
        label="人员",
        method="by_person",
        widget=forms.TextInput(attrs={"placeholder": "姓名或公民身份号码", "class": "form-control"}),
    )
    kind = filters.ChoiceFilter(label="类别", choices=AccessKind.choices, empty_label="全部类别", widget=SELECT)
    date_from = filters.DateFilter(label="起始日期", field_name="at", lookup_expr="date__gte", widget=DATE)
    date_to = filters.DateFilter(label="截止日期", field_name="at", lookup_expr="date__lte", widget=DATE)

    class Meta:
        model = AccessLog
        fields: list[str] = []

    def __init__(self, data=None, *, user, **kwargs):
        queryset = AccessLog.objects.select_related("user", "applicant__branch").order_by("-at", "-id")
        super().__init__(data, queryset, user=user, **kwargs)

    def by_user(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(user__username__icontains=text) | Q(user__display_name__icontains=text))

    def by_person(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(applicant__name__icontains=text) | Q(applicant__id_number__icontains=text.upper()))
