"""Reads for plans, ratio rules and compliance. Aggregates in the database, a constant number of
queries whatever the data size (province scale: 1–2 M applicants, 200 k organizations).

Definitions (DOMAIN.md "Annual plan and quotas"):
- a new member of year Y = step 17 dated in Y (``Applicant.admitted_on``); the subtree and the
  sector are those at the approval date (``admitted_branch`` / ``admitted_sector`` snapshot), so a
  later re-classification or transfer does not rewrite history. Members later cancelled or
  transferred out still count for the year they were approved in;
- the expected intake = candidates on the year's pre-assessment ledger (not failed) who are not yet
  admitted and still active; their sector is their branch's sector now and their age is today's.
  A candidate both admitted and on the ledger counts once (as admitted);
- a share is count / total in the scope; a min rule passes at ≥, a max rule at ≤, compared in exact
  integers (``count × 100 ≤ pct × total``). No intake (total 0) or no rule → not judged (ok None).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear, Substr
from django.utils import timezone

from applicants.models import Applicant, ApplicantStatus, Education, Gender
from recruitment.models import Organization, OrgLevel, Sector
from reviews.models import EntryStatus, LedgerEntry

from .models import DEFAULT_SECTOR_RULES, AnnualPlan, PlanAllocation, RatioRuleSet, RuleKind, Structure

MAIN_SECTORS = [Sector.RURAL, Sector.PRIVATE, Sector.SOCIAL, Sector.PUBLIC_INSTITUTION, Sector.STATE_ENTERPRISE]
UNCLASSIFIED = "未分类"
YOUTH_AGE = 35  # "35岁及以下": age ≤ 35 (at approval for the admitted, today for the expected)


# --- value objects ----------------------------------------------------------------------------------
def share_of(count: int, total: int) -> float | None:
    """Fraction rounded to 4 decimals (exact arithmetic, then one rounding)."""
    return float(round(Fraction(count, total), 4)) if total else None


def judge(count: int, total: int, min_pct: Decimal | None, max_pct: Decimal | None) -> bool | None:
    """Exact comparison: ≥ min and ≤ max pass. None when there is no rule or no intake."""
    if (min_pct is None and max_pct is None) or not total:
        return None
    ok = True
    if min_pct is not None:
        ok = ok and count * 100 >= min_pct * total
    if max_pct is not None:
        ok = ok and count * 100 <= max_pct * total
    return ok


def _fraction(pct: Decimal | None) -> float | None:
    return None if pct is None else float(pct / 100)


def pct_text(pct: Decimal | None) -> str:
    return f"{pct.normalize():f}%" if pct is not None else ""


@dataclass(frozen=True)
class ShareRow:
    key: str
    count: int
    share: float | None
    min: float | None
    max: float | None
    ok: bool | None
    total: int = 0
    min_pct: Decimal | None = None
    max_pct: Decimal | None = None
    reference: bool = False  # a requirement shown for reference, not judged at this level

    @property
    def failing(self) -> bool:
        return self.ok is False

    @property
    def judged(self) -> bool:
        return self.ok is not None

    @property
    def threshold_text(self) -> str:
        parts = []
        if self.min_pct is not None:
            parts.append(f"≥ {pct_text(self.min_pct)}")
        if self.max_pct is not None:
            parts.append(f"≤ {pct_text(self.max_pct)}")
        return "，".join(parts) or "不考核"

    @property
    def share_pct(self) -> float | None:
        return None if self.share is None else round(self.share * 100, 2)

    @property
    def short_by(self) -> int | None:
        """A failing minimum: how many more people of this kind must be admitted (the total grows with
        them) to reach it — the smallest k with (count + k) / (total + k) ≥ min. None when not short."""
        if not self.failing or self.min_pct is None or self.count * 100 >= self.min_pct * self.total:
            return None
        m = Fraction(self.min_pct) / 100
        if m >= 1:
            return self.total - self.count
        need = (m * self.total - self.count) / (1 - m)
        return max(1, -(-need.numerator // need.denominator))

    @property
    def over_by(self) -> int | None:
        """A failing maximum: how many of this kind are over the limit at today's total
        (count − ⌊max × total⌋). None when not over."""
        if not self.failing or self.max_pct is None or self.count * 100 <= self.max_pct * self.total:
            return None
        allowed = Fraction(self.max_pct) * self.total / 100
        return self.count - (allowed.numerator // allowed.denominator)

    @property
    def others_needed(self) -> int | None:
        """A failing maximum: how many admissions of other kinds would bring the share down to the limit —
        the smallest k with count / (total + k) ≤ max. None when not over (or the limit is 0)."""
        if self.over_by is None or not self.max_pct:
            return None
        need = Fraction(self.count * 100) / Fraction(self.max_pct) - self.total
        return max(1, -(-need.numerator // need.denominator))

    @property
    def gap_text(self) -> str:
        """The gap in people, for the dashboard: “还需发展 3 名” / “超出 2 名（或再发展其他 10 名）”."""
        if self.short_by is not None:
            return f"还需发展本类 {self.short_by} 名"
        if self.over_by is not None:
            others = f"，或再发展其他类 {self.others_needed} 名" if self.others_needed else ""
            return f"超出上限 {self.over_by} 名{others}"
        return ""


@dataclass(frozen=True)
class PlanExecution:
    total: int | None  # the plan figure of this organization (None: no plan for the year)
    allocated: int | None  # of which issued to its subordinates (a branch: its own figure)
    admitted: int
    on_ledger: int  # on the year's pre-assessment ledger (not failed), admitted or not

    @property
    def remaining(self) -> int | None:
        return None if self.total is None or self.allocated is None else self.total - self.allocated

    @property
    def rate(self) -> float | None:
        """Execution rate: admitted / plan figure."""
        return share_of(self.admitted, self.total) if self.total else None


@dataclass(frozen=True)
class Reserve:
    """The pipeline now vs the 入党申请人 : 积极分子 : 发展党员 ratio (e.g. 5:4:1) for the year's
    plan figure (or, without a plan, the admitted count)."""

    applicants: int  # steps 1–2, active
    activists: int  # steps 3–6
    candidates: int  # steps 7–16 (发展对象, not yet approved)
    new_members: int  # the basis: plan figure, else admitted
    target: tuple[int, int, int]

    @property
    def needed_applicants(self) -> int:
        return -(-self.target[0] * self.new_members // self.target[2])

    @property
    def needed_activists(self) -> int:
        return -(-self.target[1] * self.new_members // self.target[2])

    @property
    def ok(self) -> bool | None:
        if not self.new_members:
            return None
        return (
            self.applicants * self.target[2] >= self.target[0] * self.new_members
            and self.activists * self.target[2] >= self.target[1] * self.new_members
        )

    @property
    def target_text(self) -> str:
        return ":".join(str(n) for n in self.target)


@dataclass
class RulesInForce:
    sector: dict[str, tuple[Decimal | None, Decimal | None]]
    structure: dict[str, tuple[Decimal | None, Decimal | None]]
    reserve: tuple[int, int, int]
    rule_set: RatioRuleSet | None = None

    @property
    def source_text(self) -> str:
        if self.rule_set is None:
            return "本年度未设置比例要求，按默认标准（农村≥30%、非公≤20%、社会组织≤10%、机关事业≤35%、国企≤5%）判断"
        return f"{self.rule_set.org.name} {self.rule_set.year} 年度比例要求"


@dataclass
class Compliance:
    year: int
    org: Organization
    admitted: int
    expected: int  # on the ledger, not yet admitted (admitted + expected = the projected intake)
    sectors: list[ShareRow]
    expected_sectors: list[ShareRow]
    structure: list[ShareRow]
    expected_structure: list[ShareRow]
    plan: PlanExecution
    reserve: Reserve
    rules: RulesInForce
    what_if: list[int] = field(default_factory=list)  # the applicant ids actually added
    sector_note: str = ""  # why the sector shares are not judged here (a committee's own mix)

    @property
    def projected(self) -> int:
        return self.admitted + self.expected

    @property
    def failing(self) -> list[ShareRow]:
        return [r for r in self.sectors + self.structure if r.failing]

    @property
    def expected_failing(self) -> list[ShareRow]:
        return [r for r in self.expected_sectors + self.expected_structure if r.failing]

    @property
    def ok(self) -> bool:
        return not self.failing


# --- rules ----------------------------------------------------------------------------------------
def rules_for_year(*, org: Organization, year: int) -> RulesInForce:
    """The nearest rule set (org itself, else its nearest ancestor) for the year; defaults of seed
    000 when none is set. Two queries."""
    rule_set = (
        RatioRuleSet.objects.filter(year=year, org_id__in=[*org.ancestor_ids(), org.pk])
        .select_related("org")
        .prefetch_related("rules")
        .order_by("-org__depth")
        .first()
    )
    if rule_set is None:
        return RulesInForce(sector={k: (lo, hi) for k, lo, hi in DEFAULT_SECTOR_RULES}, structure={}, reserve=(5, 4, 1))
    sector, structure = {}, {}
    for rule in rule_set.rules.all():
        if rule.min_pct is None and rule.max_pct is None:
            continue
        (sector if rule.kind == RuleKind.SECTOR else structure)[rule.key] = (rule.min_pct, rule.max_pct)
    reserve = (rule_set.reserve_applicants, rule_set.reserve_activists, rule_set.reserve_members)
    return RulesInForce(sector=sector, structure=structure, reserve=reserve, rule_set=rule_set)


# --- aggregates -------------------------------------------------------------------------------------
def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def _youth_cutoff(today: dt.date) -> dt.date:
    """Born after this date ⇔ age today ≤ 35 (a 29 Feb birthday falls on 1 Mar)."""
    year = today.year - YOUTH_AGE - 1
    try:
        return today.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


def under(org: Organization, field: str) -> Q:
    """Rows whose organization ``field`` lies in ``org``'s subtree. For the only root that is every
    row with one, so the condition is on the foreign key alone (no join, the aggregates read
    their covering indexes)."""
    if org.spans_everything():
        return Q(**{f"{field}__isnull": False})
    return Q(**{f"{field}__path__startswith": org.path})


def admitted_in(*, org: Organization, year: int):
    start, end = year_bounds(year)
    return Applicant.objects.filter(under(org, "admitted_branch"), admitted_on__gte=start, admitted_on__lt=end)


def _sector_keys() -> list[str]:
    return [*Sector.values, ""]


def _admitted_aggregates() -> dict:
    # Counting a column of the covering index (never null in these rows) rather than the primary
    # key lets PostgreSQL answer from applicant_admitted_cover alone (Count("*") takes no filter).
    aggs = {"total": Count("admitted_on")}
    for i, s in enumerate(_sector_keys()):
        aggs[f"s{i}"] = Count("admitted_on", filter=Q(admitted_sector=s))
    aggs[Structure.YOUTH] = Count("admitted_on", filter=Q(admitted_age__lte=YOUTH_AGE))
    aggs[Structure.COLLEGE] = Count("admitted_on", filter=Q(education__in=Education.college_or_above()))
    aggs[Structure.FEMALE] = Count("admitted_on", filter=Q(gender=Gender.FEMALE))
    aggs[Structure.FRONTLINE] = Count("admitted_on", filter=Q(frontline=True))
    return aggs


def _ledger_aggregates() -> dict:
    """Over LedgerEntry rows (one per applicant and year), from the entry's snapshot of the person
    (reviews/snapshot.py), without joining the applicants: all on the ledger, and the pending ones (not
    yet admitted, still active) by their branch's sector now."""
    pending = Q(pending=True)
    aggs = {"on_ledger": Count("year"), "total": Count("year", filter=pending)}
    for i, s in enumerate(_sector_keys()):
        aggs[f"s{i}"] = Count("year", filter=pending & Q(branch__sector=s))
    return aggs


def _pending_structure(today: dt.date) -> dict:
    """Over the pending entries only (a few per cent of the ledger): the structure of their people."""
    aggs = {Structure.YOUTH: Count("year", filter=Q(applicant__birth_date__gt=_youth_cutoff(today)))}
    aggs[Structure.COLLEGE] = Count("year", filter=Q(applicant__education__in=Education.college_or_above()))
    aggs[Structure.FEMALE] = Count("year", filter=Q(applicant__gender=Gender.FEMALE))
    aggs[Structure.FRONTLINE] = Count("year", filter=Q(applicant__frontline=True))
    return aggs


def _counts(row: dict) -> tuple[int, dict[str, int], dict[str, int]]:
    sectors = {(s or UNCLASSIFIED): row[f"s{i}"] or 0 for i, s in enumerate(_sector_keys())}
    structure = {k: row[k] or 0 for k in Structure.values}
    return row["total"] or 0, sectors, structure


def _sector_keys_listed(counts: dict[str, int], rules: RulesInForce) -> list[str]:
    """The five main sectors, any sector with a rule, and any other sector with people."""
    keys = [s for s in [*Sector.values, UNCLASSIFIED] if s in MAIN_SECTORS or s in rules.sector or counts.get(s)]
    return keys + [k for k in rules.sector if k not in keys]


def judges_sectors(org: Organization, rules: RulesInForce) -> bool:
    """Sector shares are a requirement on a jurisdiction's whole intake (seed 000: the county's):
    judged for an organization department and for the organization that set its own rule set. A
    committee is made of branches of a few sectors (a 两新 working committee has no village), so
    below those levels the shares are shown for reference only."""
    if rules.rule_set is not None and rules.rule_set.org_id == org.pk:
        return True
    return org.level == OrgLevel.DEPARTMENT


def _sector_rows(
    counts: dict[str, int], total: int, rules: RulesInForce, keys: list[str], judged: bool = True
) -> list[ShareRow]:
    rows = []
    for key in keys:
        lo, hi = rules.sector.get(key, (None, None))
        n = counts.get(key, 0)
        rows.append(
            ShareRow(
                key=key,
                count=n,
                share=share_of(n, total),
                min=_fraction(lo),
                max=_fraction(hi),
                ok=judge(n, total, lo, hi) if judged else None,
                total=total,
                min_pct=lo,
                max_pct=hi,
                reference=not judged and (lo is not None or hi is not None),
            )
        )
    return rows


def _structure_rows(counts: dict[str, int], total: int, rules: RulesInForce) -> list[ShareRow]:
    rows = []
    for key in Structure.values:
        lo, hi = rules.structure.get(key, (None, None))
        n = counts.get(key, 0)
        rows.append(
            ShareRow(
                key=key,
                count=n,
                share=share_of(n, total),
                min=_fraction(lo),
                max=_fraction(hi),
                ok=judge(n, total, lo, hi),
                total=total,
                min_pct=lo,
                max_pct=hi,
            )
        )
    return rows


def _add(into: dict[str, int], other: dict[str, int]) -> dict[str, int]:
    out = dict(into)
    for k, v in other.items():
        out[k] = out.get(k, 0) + v
    return out


def plan_execution(*, org: Organization, year: int, admitted: int, on_ledger: int) -> PlanExecution:
    """The plan figure of ``org`` for the year and how much of it is issued below. Two queries."""
    plan = (
        AnnualPlan.objects.filter(year=year, org_id__in=[*org.ancestor_ids(), org.pk])
        .order_by("-org__depth")
        .only("pk", "total", "org_id")
        .first()
    )
    if plan is None:
        return PlanExecution(total=None, allocated=None, admitted=admitted, on_ledger=on_ledger)
    sums = PlanAllocation.objects.filter(plan=plan).aggregate(
        received=Sum("amount", filter=Q(org=org)),
        allocated=Sum("amount", filter=Q(source=org)),
        has=Count("id", filter=Q(org=org)),
    )
    if plan.org_id == org.pk:
        total = plan.total
    else:
        total = sums["received"] if sums["has"] else None
    allocated = sums["allocated"] or 0
    if org.is_branch:
        allocated = total
    return PlanExecution(total=total, allocated=allocated, admitted=admitted, on_ledger=on_ledger)


def reserve_now(*, org: Organization, basis: int, target: tuple[int, int, int]) -> Reserve:
    row = Applicant.objects.filter(
        under(org, "branch"), status=ApplicantStatus.ACTIVE, current_step__gte=1, current_step__lt=17
    ).aggregate(
        applicants=Count("current_step", filter=Q(current_step__lt=3)),
        activists=Count("current_step", filter=Q(current_step__gte=3, current_step__lt=7)),
        candidates=Count("current_step", filter=Q(current_step__gte=7)),
    )
    return Reserve(
        applicants=row["applicants"],
        activists=row["activists"],
        candidates=row["candidates"],
        new_members=basis,
        target=target,
    )


# --- the selector ------------------------------------------------------------------------------------
def compliance_for_year(*, org: Organization, year: int, what_if: Iterable[int] = ()) -> Compliance:
    """Sector and structure shares of the year's intake in ``org``'s subtree, admitted and projected
    (admitted + expected), plan execution and the reserve ratio.

    ``what_if``: applicant ids to add as if approved now (their current branch's sector, their age
    today); those outside the subtree or already admitted this year are ignored. Used by the final
    review tier before approving one more candidate. At most 9 queries, whatever the data size.
    """
    today = timezone.localdate()
    rules = rules_for_year(org=org, year=year)

    total, sector_counts, structure_counts = _counts(
        admitted_in(org=org, year=year).aggregate(**_admitted_aggregates())
    )
    entries = LedgerEntry.objects.expected(year).filter(under(org, "branch"))
    ledger = entries.aggregate(**_ledger_aggregates())
    ledger.update(entries.filter(pending=True).aggregate(**_pending_structure(today)))
    pending, pending_sectors, pending_structure = _counts(ledger)
    on_ledger = ledger["on_ledger"] or 0

    added: list[int] = []
    ids = [int(i) for i in what_if]
    if ids:
        start, end = year_bounds(year)
        pending_on_ledger = Exists(
            LedgerEntry.objects.expected(year).filter(
                applicant=OuterRef("pk"), applicant__admitted_on__isnull=True, applicant__status=ApplicantStatus.ACTIVE
            )
        )
        people = (
            Applicant.objects.filter(pk__in=ids, branch__path__startswith=org.path)
            .exclude(admitted_on__gte=start, admitted_on__lt=end)
            .annotate(pending=pending_on_ledger)
            .values("pk", "branch__sector", "birth_date", "gender", "education", "frontline", "pending")
        )
        cutoff = _youth_cutoff(today)
        for p in people:
            added.append(p["pk"])
            sector = p["branch__sector"] or UNCLASSIFIED
            flags = {
                Structure.YOUTH: p["birth_date"] > cutoff,
                Structure.COLLEGE: p["education"] in Education.college_or_above(),
                Structure.FEMALE: p["gender"] == Gender.FEMALE,
                Structure.FRONTLINE: bool(p["frontline"]),
            }
            total += 1
            sector_counts = _add(sector_counts, {sector: 1})
            structure_counts = _add(structure_counts, {k: int(v) for k, v in flags.items()})
            if p["pending"]:  # now counted as admitted: leave the expected basis once
                pending -= 1
                pending_sectors = _add(pending_sectors, {sector: -1})
                pending_structure = _add(pending_structure, {k: -int(v) for k, v in flags.items()})

    projected = total + pending
    projected_sectors = _add(sector_counts, pending_sectors)
    # Same rows on both bases (the projected counts include every admitted sector).
    keys = _sector_keys_listed(projected_sectors, rules)
    plan = plan_execution(org=org, year=year, admitted=total, on_ledger=on_ledger)
    reserve = reserve_now(org=org, basis=plan.total if plan.total else total, target=rules.reserve)
    judged = judges_sectors(org, rules)
    note = (
        ""
        if judged
        else (
            f"领域比例是对{rules.rule_set.org.name if rules.rule_set else '县（市、区）'}全年发展总数的要求，"
            f"{org.name}本级的领域构成仅供参考；如需单独考核，可为其设置本级比例要求。"
        )
    )
    return Compliance(
        year=year,
        org=org,
        admitted=total,
        expected=pending,
        sectors=_sector_rows(sector_counts, total, rules, keys, judged),
        expected_sectors=_sector_rows(projected_sectors, projected, rules, keys, judged),
        structure=_structure_rows(structure_counts, total, rules),
        expected_structure=_structure_rows(_add(structure_counts, pending_structure), projected, rules),
        plan=plan,
        reserve=reserve,
        rules=rules,
        what_if=sorted(added),
        sector_note=note,
    )


# --- report ----------------------------------------------------------------------------------------
def compliance_report_data(c: Compliance) -> dict:
    """The report contract (``manage.py compliance_report --format json``): shares as fractions
    rounded to 4 decimals; no intake or no rule → ``ok`` null (not judged)."""
    return {
        "year": c.year,
        "org": c.org.code,
        "admitted": c.admitted,
        "expected": c.expected,
        # the main sectors, any sector with a rule, any other sector with admitted people
        "sectors": [
            {"sector": r.key, "admitted": r.count, "share": r.share, "min": r.min, "max": r.max, "ok": r.ok}
            for r in c.sectors
            if r.count or r.key in MAIN_SECTORS or r.key in c.rules.sector
        ],
        "structure": [
            {"rule": r.key, "count": r.count, "share": r.share, "min": r.min, "max": r.max, "ok": r.ok}
            for r in c.structure
        ],
        "plan": {"total": c.plan.total, "allocated": c.plan.allocated, "admitted": c.plan.admitted},
    }


# --- dashboard: drill-down by child, trend, branch list -------------------------------------------------
@dataclass
class ChildRow:
    org: Organization
    quota: int | None  # figure received from ``org``'s parent (None: not allocated)
    issued: int  # of which issued further down
    admitted: int
    on_ledger: int
    sector_counts: dict[str, int]
    failing: list[str]  # sector rules failed by this child's own intake

    @property
    def rate(self) -> float | None:
        return share_of(self.admitted, self.quota) if self.quota else None

    @property
    def over_quota(self) -> bool:
        return self.quota is not None and self.admitted > self.quota


def children_execution(*, org: Organization, year: int, rules: RulesInForce | None = None) -> list[ChildRow]:
    """One row per direct child of ``org`` (committee, general branch, branch)."""
    children = list(org.children.filter(is_active=True).order_by("code"))
    return execution_rows(scope=org, targets=children, year=year, rules=rules)


def execution_rows(
    *, scope: Organization, targets: list[Organization], year: int, rules: RulesInForce | None = None
) -> list[ChildRow]:
    """Plan figure, issued, admitted (by sector) and on-ledger per target organization inside
    ``scope``. Grouped in the database by path prefix — one admitted and one ledger query per
    distinct target depth (usually one), plus three for the plan: constant whatever the size."""
    if not targets:
        return []
    rules = rules or rules_for_year(org=scope, year=year)
    ids = [c.pk for c in targets]
    plan = (
        AnnualPlan.objects.filter(year=year, org_id__in=[*scope.ancestor_ids(), scope.pk])
        .order_by("-org__depth")
        .only("pk")
        .first()
    )
    quota, issued = {}, {}
    if plan is not None:
        quota = dict(PlanAllocation.objects.filter(plan=plan, org_id__in=ids).values_list("org_id", "amount"))
        issued = dict(
            PlanAllocation.objects.filter(plan=plan, source_id__in=ids)
            .values("source")
            .annotate(s=Sum("amount"))
            .values_list("source", "s")
        )
    by_path = {c.path: c.pk for c in targets}
    # counts on indexed columns (see _admitted_aggregates): answered from the covering indexes
    sector_aggs = {f"s{i}": Count("admitted_on", filter=Q(admitted_sector=s)) for i, s in enumerate(_sector_keys())}
    admitted_by, sectors_by, ledger_by = {}, {}, {}
    for width in sorted({len(c.path) for c in targets}):
        for r in (
            admitted_in(org=scope, year=year)
            .annotate(prefix=Substr("admitted_branch__path", 1, width))
            .values("prefix")
            .annotate(n=Count("admitted_on"), **sector_aggs)
            .order_by()
        ):
            pk = by_path.get(r["prefix"])
            if pk is not None:
                admitted_by[pk] = r["n"]
                sectors_by[pk] = {(s or UNCLASSIFIED): r[f"s{i}"] for i, s in enumerate(_sector_keys()) if r[f"s{i}"]}
        for r in (
            LedgerEntry.objects.expected(year)
            .filter(branch__path__startswith=scope.path)
            .annotate(prefix=Substr("branch__path", 1, width))
            .values("prefix")
            .annotate(n=Count("year"))
            .order_by()
        ):
            pk = by_path.get(r["prefix"])
            if pk is not None:
                ledger_by[pk] = r["n"]
    rows = []
    for c in targets:
        n = admitted_by.get(c.pk, 0)
        counts = sectors_by.get(c.pk, {})
        failing = [key for key, (lo, hi) in rules.sector.items() if judge(counts.get(key, 0), n, lo, hi) is False]
        rows.append(
            ChildRow(
                org=c,
                quota=quota.get(c.pk),
                issued=quota.get(c.pk, 0) if c.is_branch else issued.get(c.pk, 0),
                admitted=n,
                on_ledger=ledger_by.get(c.pk, 0),
                sector_counts=counts,
                failing=failing,
            )
        )
    return rows


@dataclass
class TrendRow:
    year: int
    total: int
    sector_counts: dict[str, int]

    def share(self, key: str) -> float | None:
        return share_of(self.sector_counts.get(key, 0), self.total)


def trend_by_year(*, org: Organization, years: list[int]) -> list[TrendRow]:
    """Admitted per year and sector over ``years``: one grouped query."""
    start, end = dt.date(min(years), 1, 1), dt.date(max(years) + 1, 1, 1)
    rows = (
        Applicant.objects.filter(under(org, "admitted_branch"), admitted_on__gte=start, admitted_on__lt=end)
        .annotate(y=ExtractYear("admitted_on"))
        .values("y", "admitted_sector")
        .annotate(n=Count("admitted_on"))
        .order_by()
    )
    by_year: dict[int, dict[str, int]] = {y: {} for y in years}
    for r in rows:
        by_year.setdefault(r["y"], {})[r["admitted_sector"] or UNCLASSIFIED] = r["n"]
    return [TrendRow(year=y, total=sum(by_year[y].values()), sector_counts=by_year[y]) for y in sorted(years)]


def admitted_list(*, org: Organization, year: int):
    """The people approved in the year in ``org``'s subtree (the branch view's list)."""
    return admitted_in(org=org, year=year).select_related("admitted_branch", "branch").order_by("admitted_on", "name")


# --- the quota effect (final review) ------------------------------------------------------------------------
@dataclass
class QuotaEffect:
    year: int
    org: Organization
    before: Compliance  # admitted + every candidate already through the final review
    after: Compliance  # … plus this candidate
    passed_count: int
    rows: list[dict] = field(default_factory=list)  # one per share: key, before/after count, share, ok


def quota_effect(*, entry: LedgerEntry, org: Organization) -> QuotaEffect:
    """What approving this candidate (with the whole list that passed the final review) does to
    the year's sector / structure shares in ``org`` (the county). Shown on the department's final
    review (reviews' entry page, through ``reviews.registry``)."""
    year = entry.year
    passed = tuple(
        LedgerEntry.objects.filter(
            year=year,
            status=EntryStatus.PASSED,
            applicant__branch__path__startswith=org.path,
            applicant__admitted_on__isnull=True,
        )
        .exclude(pk=entry.pk)
        .values_list("applicant_id", flat=True)
    )
    before = compliance_for_year(org=org, year=year, what_if=passed)
    after = compliance_for_year(org=org, year=year, what_if=passed + (entry.applicant_id,))
    effect = QuotaEffect(year=year, org=org, before=before, after=after, passed_count=len(passed))
    b_by_key = {r.key: r for r in list(before.sectors) + list(before.structure)}
    groups = [("领域", r) for r in after.sectors] + [("结构", r) for r in after.structure]
    for group, r in groups:
        b = b_by_key.get(r.key)
        effect.rows.append(
            {
                "key": r.key,
                "group": group,
                "before_count": b.count if b else 0,
                "before_share": b.share if b else None,
                "before_ok": (b.ok is not False) if b else True,  # None = not judged (no rule / no intake)
                "after_count": r.count,
                "after_share": r.share,
                "after_ok": r.ok is not False,
                "min": r.min,
                "max": r.max,
                "changed": (b.count if b else 0) != r.count,
            }
        )
    return effect
