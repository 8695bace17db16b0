"""Reads: the population of a draw, the townships a user may draw in, findings in scope, the report.
Constant query counts (tests/inspections)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from applicants.models import Applicant
from recruitment.models import Organization
from recruitment.scope import visible_to

from .models import FindingCategory, FindingItem, FindingStatus, Population, SampleItem, SpotCheck


def population_ids(*, township: Organization, population: str, year: int) -> list[int]:
    """The archives that can be drawn: people under the township who reached the population's point
    in ``year`` (接收预备党员 / 转正 / 材料归档), sorted by id. One query."""
    qs = Applicant.objects.filter(branch__path__startswith=township.path)
    if population == Population.ADMITTED:
        qs = qs.filter(admitted_on__year=year)
    elif population == Population.CONVERTED:
        qs = qs.filter(converted_on__year=year)
    else:
        qs = qs.filter(steps__step=25, steps__date__year=year)
    return sorted(set(qs.values_list("pk", flat=True)))


def townships_for(user) -> QuerySet:
    """The 乡镇（街道）党(工)委 a user may draw in: committees in their subtree."""
    return visible_to(user, Organization.objects.committees().filter(is_active=True)).order_by("path")


def spot_checks_for(*, user, year: int | None = None) -> QuerySet:
    qs = visible_to(user, SpotCheck).select_related("township", "drawn_by")
    if year:
        qs = qs.filter(year=year)
    return qs.annotate(
        n_items=Count("items", distinct=True),
        n_checked=Count("items", filter=Q(items__checked_at__isnull=False), distinct=True),
        n_findings=Count("items__findings", distinct=True),
        n_open=Count("items__findings", filter=Q(items__findings__status=FindingStatus.OPEN), distinct=True),
    ).order_by("-drawn_at", "-pk")


def sample_items(*, check: SpotCheck) -> QuerySet:
    return (
        check.items.select_related("applicant__branch", "checked_by")
        .annotate(
            n_findings=Count("findings"),
            n_unresolved=Count("findings", filter=~Q(findings__status=FindingStatus.CLOSED)),
        )
        .order_by("applicant__branch__path", "applicant__name", "pk")
    )


def findings_for(*, user, status: str = "", applicant_id: int | None = None) -> QuerySet:
    qs = visible_to(user, FindingItem).select_related("applicant__branch", "item__spot_check__township", "created_by")
    if status == "unresolved":
        qs = qs.unresolved()
    elif status in FindingStatus.values:
        qs = qs.filter(status=status)
    if applicant_id is not None:
        qs = qs.filter(applicant_id=applicant_id)
    return qs.order_by("status", "deadline", "pk")


def finding_counts(*, user, today: dt.date) -> dict[str, int]:
    """Open, fixed (awaiting the inspector) and overdue findings in the user's scope. One query."""
    return visible_to(user, FindingItem).aggregate(
        open=Count("pk", filter=Q(status=FindingStatus.OPEN)),
        fixed=Count("pk", filter=Q(status=FindingStatus.FIXED)),
        overdue=Count("pk", filter=Q(status=FindingStatus.OPEN, deadline__lt=today)),
    )


@dataclass
class TownshipRow:
    township: Organization
    checks: int = 0
    sampled: int = 0
    checked: int = 0
    findings: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    open: int = 0
    fixed: int = 0
    closed: int = 0
    overdue: int = 0


@dataclass
class Report:
    year: int
    rows: list[TownshipRow]
    total: TownshipRow
    categories: list[tuple[str, str]]

    def chart(self) -> dict:
        return {
            "labels": [r.township.name for r in self.rows],
            "categories": [
                {"label": str(label), "data": [r.by_category.get(value, 0) for r in self.rows]}
                for value, label in self.categories
            ],
        }


def township_report(*, user, year: int, today: dt.date) -> Report:
    """Per township: draws, archives sampled and checked, findings by category, open/fixed/closed,
    overdue. Three queries whatever the number of townships."""
    checks = visible_to(user, SpotCheck).filter(year=year)
    rows: dict[int, TownshipRow] = {}
    townships = {o.pk: o for o in Organization.objects.filter(pk__in=checks.values("township_id"))}
    for r in checks.values("township_id").annotate(
        n=Count("pk", distinct=True),
        sampled=Count("items", distinct=True),
        checked=Count("items", filter=Q(items__checked_at__isnull=False), distinct=True),
    ):
        rows[r["township_id"]] = TownshipRow(
            townships[r["township_id"]], checks=r["n"], sampled=r["sampled"], checked=r["checked"]
        )
    findings = (
        FindingItem.objects.filter(item__spot_check__in=checks)
        .values("item__spot_check__township_id", "category", "status")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(status=FindingStatus.OPEN, deadline__lt=today)))
    )
    for f in findings:
        row = rows.get(f["item__spot_check__township_id"])
        if row is None:
            continue
        row.findings += f["n"]
        row.by_category[f["category"]] = row.by_category.get(f["category"], 0) + f["n"]
        setattr(row, f["status"], getattr(row, f["status"]) + f["n"])
        row.overdue += f["late"]
    ordered = sorted(rows.values(), key=lambda r: r.township.path)
    total = TownshipRow(Organization(name="合计"))
    for r in ordered:
        for name in ("checks", "sampled", "checked", "findings", "open", "fixed", "closed", "overdue"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
        for k, v in r.by_category.items():
            total.by_category[k] = total.by_category.get(k, 0) + v
    return Report(year=year, rows=ordered, total=total, categories=list(FindingCategory.choices))


def item_in_scope(*, user, check_pk: int, item_pk: int) -> SampleItem:
    from recruitment.scope import get_visible_or_404

    return get_visible_or_404(
        user,
        SampleItem.objects.select_related("spot_check__township", "applicant__branch", "checked_by"),
        pk=item_pk,
        spot_check_id=check_pk,
    )
