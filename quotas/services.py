"""Writes for plans and ratio rules. Each write locks what it changes, checks the sums, saves and
appends an attributed ``AllocationChange``; refusals are ``DomainError`` with a Chinese message."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum

from recruitment.errors import DomainError, Violation
from recruitment.models import Organization, OrgLevel
from recruitment.scope import DEPARTMENT_ROLES, STAFF_ROLES

from .models import AllocationChange, AnnualPlan, PlanAllocation, RatioRule, RatioRuleSet, RuleKind

PLAN = "计划"
RATIO = "比例"


def _require(actor, roles: tuple[str, ...], org: Organization, what: str) -> None:
    if actor is None or actor.is_superuser:
        return
    if actor.role not in roles or not actor.can_see(org):
        raise PermissionDenied(f"您无权{what}")


# --- allocation targets ----------------------------------------------------------------------------
def allocation_targets(*, source: Organization, plan_org: Organization):
    """Who ``source`` allocates to: the department → the committees (党委/党工委) of its subtree;
    a committee → the branches whose upper committee it is (指标精确到村/支部)."""
    if source.pk == plan_org.pk:
        return (
            Organization.objects.subtree(source, include_self=False)
            .committees()
            .filter(is_active=True)
            .order_by("code")
        )
    if source.level not in OrgLevel.committee_levels():
        return Organization.objects.none()
    nested = list(Organization.objects.subtree(source, include_self=False).committees().values_list("path", flat=True))
    qs = Organization.objects.subtree(source, include_self=False).branches().filter(is_active=True)
    for path in nested:  # branches under a nested committee are that committee's to allocate
        qs = qs.exclude(path__startswith=path)
    return qs.order_by("code")


def plan_for(*, org: Organization, year: int) -> AnnualPlan | None:
    """The plan that covers ``org`` (its own or its nearest ancestor's)."""
    return (
        AnnualPlan.objects.filter(year=year, org_id__in=[*org.ancestor_ids(), org.pk])
        .select_related("org")
        .order_by("-org__depth")
        .first()
    )


# --- plan total ------------------------------------------------------------------------------------
@transaction.atomic
def plan_set_total(*, department: Organization, year: int, total: int, actor, reason: str = "") -> AnnualPlan:
    """Set the year's guiding plan total of an organization department."""
    _require(actor, DEPARTMENT_ROLES, department, "制定年度发展党员计划")
    if department.level != OrgLevel.DEPARTMENT:
        raise DomainError.single(PLAN, f"{department.name}不是组织部门，不能制定年度计划")
    if total < 0:
        raise DomainError.single(PLAN, "计划总数不能为负数", field="total")
    plan, created = AnnualPlan.objects.get_or_create(org=department, year=year, defaults={"updated_by": actor})
    plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    issued = PlanAllocation.objects.filter(plan=plan, source=department).aggregate(s=Sum("amount"))["s"] or 0
    if total < issued:
        raise DomainError.single(
            PLAN, f"计划总数 {total} 名少于已下达给各党(工)委的指标合计 {issued} 名，请先调减下达的指标", field="total"
        )
    old = plan.total
    if old == total and not created:
        return plan
    if old and old != total and not reason.strip():
        raise DomainError.single(PLAN, "调整已确定的计划总数须填写调整原因", field="reason")
    plan.total, plan.updated_by = total, actor
    plan.save(update_fields=["total", "updated_by", "updated_at"])
    AllocationChange.objects.create(
        plan=plan,
        kind=AllocationChange.Kind.TOTAL,
        org=department,
        source=None,
        old_amount=old,
        new_amount=total,
        reason=reason.strip(),
        actor=actor,
    )
    return plan


# --- allocations -----------------------------------------------------------------------------------
@transaction.atomic
def allocations_set(
    *, plan: AnnualPlan, source: Organization, amounts: dict[int, int], actor, reason: str = "", adjust: bool = False
) -> list[AllocationChange]:
    """Issue (or 调剂) ``source``'s figures to its targets: ``amounts`` maps target org id → figure.

    Refused when the sum would exceed what ``source`` received (the plan total for the department),
    when a figure would drop below what its holder already issued further down, or when a figure
    already issued changes without a reason (调剂 is logged with reason and actor). ``adjust``
    logs every change as 调剂 (a transfer to a holder that had nothing is still a 调剂)."""
    plan = AnnualPlan.objects.select_for_update().select_related("org").get(pk=plan.pk)
    is_department = source.pk == plan.org_id
    if is_department:
        _require(actor, DEPARTMENT_ROLES, source, "向各党(工)委下达计划指标")
    else:
        _require(actor, STAFF_ROLES, source, "向所属党支部下达计划指标")
    targets = {o.pk: o for o in allocation_targets(source=source, plan_org=plan.org).filter(pk__in=list(amounts))}
    unknown = [pk for pk in amounts if pk not in targets]
    if unknown:
        raise DomainError.single(
            PLAN, f"{source.name}只能向{'所属党(工)委' if is_department else '所属党支部'}下达指标"
        )
    errors = [
        Violation(rule=PLAN, message=f"{targets[pk].name}：指标数不能为负数") for pk, n in amounts.items() if n < 0
    ]
    if errors:
        raise DomainError(errors)

    if is_department:
        received = plan.total
    else:
        own = PlanAllocation.objects.select_for_update().filter(plan=plan, org=source).first()
        if own is None:
            raise DomainError.single(PLAN, f"{source.name}尚未收到 {plan.year} 年度计划指标，不能向下分配")
        received = own.amount
    current = {a.org_id: a for a in PlanAllocation.objects.select_for_update().filter(plan=plan, source=source)}
    new_sum = sum(a.amount for pk, a in current.items() if pk not in amounts) + sum(amounts.values())
    if new_sum > received:
        raise DomainError.single(
            PLAN,
            f"下达指标合计 {new_sum} 名，超过{source.name}收到的 {plan.year} 年度计划指标 {received} 名"
            f"（最多还能下达 {received - (new_sum - sum(amounts.values()))} 名）",
        )
    issued_below = dict(
        PlanAllocation.objects.filter(plan=plan, source_id__in=list(amounts))
        .values("source")
        .annotate(s=Sum("amount"))
        .values_list("source", "s")
    )
    errors = [
        Violation(
            rule=PLAN, message=f"{targets[pk].name}已向所属党支部下达 {issued_below[pk]} 名，指标不能调减到 {n} 名"
        )
        for pk, n in amounts.items()
        if issued_below.get(pk, 0) > n
    ]
    if errors:
        raise DomainError(errors)

    changes: list[AllocationChange] = []
    for pk, n in sorted(amounts.items()):
        existing = current.get(pk)
        old = existing.amount if existing else 0
        if old == n:
            continue
        kind = AllocationChange.Kind.ADJUST if old or adjust else AllocationChange.Kind.ALLOCATE
        changes.append(
            AllocationChange(
                plan=plan,
                kind=kind,
                org=targets[pk],
                source=source,
                old_amount=old,
                new_amount=n,
                reason=reason.strip(),
                actor=actor,
            )
        )
    if any(c.kind == AllocationChange.Kind.ADJUST for c in changes) and not reason.strip():
        names = "、".join(c.org.name for c in changes if c.kind == AllocationChange.Kind.ADJUST)
        raise DomainError.single(PLAN, f"调剂已下达的指标（{names}）须填写调剂原因", field="reason")
    for change in changes:
        existing = current.get(change.org.pk)
        if existing:
            existing.amount, existing.updated_by = change.new_amount, actor
            existing.save(update_fields=["amount", "updated_by", "updated_at"])
        else:
            PlanAllocation.objects.create(
                plan=plan, org=change.org, source=source, amount=change.new_amount, updated_by=actor
            )
    AllocationChange.objects.bulk_create(changes)
    return changes


@transaction.atomic
def allocation_transfer(
    *,
    plan: AnnualPlan,
    source: Organization,
    from_org: Organization,
    to_org: Organization,
    amount: int,
    reason: str,
    actor,
) -> list[AllocationChange]:
    """调剂: move ``amount`` of ``source``'s figures from one holder to another."""
    if amount <= 0:
        raise DomainError.single(PLAN, "调剂数量须为正整数", field="amount")
    if from_org.pk == to_org.pk:
        raise DomainError.single(PLAN, "调出和调入单位不能相同")
    if not reason.strip():
        raise DomainError.single(PLAN, "调剂须填写原因", field="reason")
    current = dict(
        PlanAllocation.objects.filter(plan=plan, source=source, org__in=[from_org, to_org]).values_list(
            "org_id", "amount"
        )
    )
    have = current.get(from_org.pk, 0)
    if have < amount:
        raise DomainError.single(PLAN, f"{from_org.name}现有指标 {have} 名，不足调出 {amount} 名", field="amount")
    return allocations_set(
        plan=plan,
        source=source,
        actor=actor,
        reason=reason,
        adjust=True,
        amounts={from_org.pk: have - amount, to_org.pk: current.get(to_org.pk, 0) + amount},
    )


# --- ratio rules -----------------------------------------------------------------------------------
RuleBounds = tuple[Decimal | None, Decimal | None]


@transaction.atomic
def ratio_rules_save(
    *,
    org: Organization,
    year: int,
    sector: dict[str, RuleBounds],
    structure: dict[str, RuleBounds],
    reserve: tuple[int, int, int],
    actor,
    notes: str = "",
) -> RatioRuleSet:
    """Replace the year's ratio rules of a jurisdiction. Unset bounds = not checked."""
    _require(actor, DEPARTMENT_ROLES, org, "修改比例要求")
    errors: list[Violation] = []
    for rules in (sector, structure):
        for key, (lo, hi) in rules.items():
            for v in (lo, hi):
                if v is not None and not (0 <= v <= 100):
                    errors.append(Violation(rule=RATIO, message=f"{key}：比例须在 0–100% 之间", field=key))
            if lo is not None and hi is not None and lo > hi:
                errors.append(Violation(rule=RATIO, message=f"{key}：最低比例 {lo}% 高于最高比例 {hi}%", field=key))
    mins = sum((lo for lo, _ in sector.values() if lo is not None), Decimal(0))
    if mins > 100:
        errors.append(Violation(rule=RATIO, message=f"各领域最低比例之和 {mins}% 超过 100%，无法同时达标"))
    if any(n < 0 for n in reserve) or reserve[2] < 1:
        errors.append(Violation(rule=RATIO, message="梯队比例须为正整数（发展党员比至少为 1）"))
    if errors:
        raise DomainError(errors)
    rule_set, _ = RatioRuleSet.objects.select_for_update().get_or_create(org=org, year=year)
    rule_set.reserve_applicants, rule_set.reserve_activists, rule_set.reserve_members = reserve
    rule_set.notes, rule_set.updated_by = notes, actor
    rule_set.save()
    rule_set.rules.all().delete()
    RatioRule.objects.bulk_create(
        [
            RatioRule(rule_set=rule_set, kind=RuleKind.SECTOR, key=k, min_pct=lo, max_pct=hi)
            for k, (lo, hi) in sector.items()
            if lo is not None or hi is not None
        ]
        + [
            RatioRule(rule_set=rule_set, kind=RuleKind.STRUCTURE, key=k, min_pct=lo, max_pct=hi)
            for k, (lo, hi) in structure.items()
            if lo is not None or hi is not None
        ]
    )
    return rule_set


@transaction.atomic
def ratio_rules_copy(*, org: Organization, from_year: int, to_year: int, actor) -> RatioRuleSet:
    """Start a new year with last year's rules (then edit)."""
    _require(actor, DEPARTMENT_ROLES, org, "修改比例要求")
    if RatioRuleSet.objects.filter(org=org, year=to_year).exists():
        raise DomainError.single(RATIO, f"{to_year} 年度已设置比例要求，请直接修改")
    src = RatioRuleSet.objects.filter(org=org, year=from_year).prefetch_related("rules").first()
    if src is None:
        raise DomainError.single(RATIO, f"{org.name}没有 {from_year} 年度的比例要求可复制")
    rules = list(src.rules.all())
    return ratio_rules_save(
        org=org,
        year=to_year,
        actor=actor,
        notes=f"复制自 {from_year} 年度",
        reserve=(src.reserve_applicants, src.reserve_activists, src.reserve_members),
        sector={r.key: (r.min_pct, r.max_pct) for r in rules if r.kind == RuleKind.SECTOR},
        structure={r.key: (r.min_pct, r.max_pct) for r in rules if r.kind == RuleKind.STRUCTURE},
    )
