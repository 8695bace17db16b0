"""Demo plans and ratio rules for the last four years and this year: a county total allocated to
all 13 committees and by them to their branches (指标精确到村, weighted, never averaged), plus a
couple of logged 调剂. Deterministic and idempotent (a year already planned is left alone)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from quotas.models import DEFAULT_SECTOR_RULES, AnnualPlan, RatioRuleSet, Structure
from quotas.services import allocation_targets, allocation_transfer, allocations_set, plan_set_total, ratio_rules_save
from recruitment.models import Sector

# Weight of a branch when a committee spreads its figure: villages first (3年未发展村清零, 每村两年一名).
SECTOR_WEIGHT = {
    Sector.RURAL: 3.0,
    Sector.PRIVATE: 1.6,
    Sector.SOCIAL: 1.0,
    Sector.PUBLIC_INSTITUTION: 1.4,
    Sector.STATE_ENTERPRISE: 0.8,
}


def _spread(total: int, weights: dict[int, float]) -> dict[int, int]:
    """Largest-remainder split of ``total`` by weight."""
    s = sum(weights.values()) or 1
    raw = {k: total * w / s for k, w in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: (out[k] - raw[k], k))[: total - sum(out.values())]:
        out[k] += 1
    return out


def _structure_rules(year: int, this_year: int) -> dict:
    youth = Decimal(60) if year >= this_year - 1 else Decimal(55)
    return {
        Structure.YOUTH: (youth, None),
        Structure.COLLEGE: (Decimal(40), None),
        Structure.FEMALE: (Decimal(25), None),
        Structure.FRONTLINE: (Decimal(30), None),
    }


def seed(*, county, today: dt.date, log=print, **_) -> None:
    dept_user = county.users.get("zuzhibu")
    committee_users = {u.organization_id: u for u in county.users.values() if u.role == "committee"}
    root = county.root
    years = list(range(today.year - 4, today.year + 1))
    rules_made = plans_made = 0
    for year in years:
        if not RatioRuleSet.objects.filter(org=root, year=year).exists():
            ratio_rules_save(
                org=root,
                year=year,
                actor=dept_user,
                reserve=(5, 4, 1),
                sector={k: (lo, hi) for k, lo, hi in DEFAULT_SECTOR_RULES},
                structure=_structure_rules(year, today.year),
                notes="依据县委组织部年度发展党员工作要点（演示）",
            )
            rules_made += 1
        if AnnualPlan.objects.filter(org=root, year=year).exists():
            continue
        rng = random.Random(7000 + year)
        total = 150 + 6 * (year - years[0]) + rng.randint(0, 8)
        plan = plan_set_total(department=root, year=year, total=total, actor=dept_user)
        committees = list(allocation_targets(source=root, plan_org=root))
        branches_of = {c.pk: list(allocation_targets(source=c, plan_org=root)) for c in committees}
        weights = {
            c.pk: sum(SECTOR_WEIGHT.get(b.sector, 1.0) for b in branches_of[c.pk]) * rng.uniform(0.85, 1.15)
            for c in committees
        }
        reserve = 4 + rng.randint(0, 3)  # 机动指标 kept by the department for 调剂
        to_committees = _spread(total - reserve, weights)
        allocations_set(plan=plan, source=root, amounts=to_committees, actor=dept_user)
        for c in committees:
            branches = branches_of[c.pk]
            if not branches:
                continue
            keep = 2 if to_committees[c.pk] > 12 else 0  # committee-held reserve for 调剂
            bw = {
                b.pk: SECTOR_WEIGHT.get(b.sector, 1.0) * rng.choice([0.0, 0.6, 1.0, 1.0, 1.4, 2.0]) + 0.01
                for b in branches
            }
            actor = committee_users.get(c.pk, dept_user)
            allocations_set(plan=plan, source=c, amounts=_spread(to_committees[c.pk] - keep, bw), actor=actor)
        if year >= today.year - 1:
            _demo_adjustments(
                plan=plan,
                committees=committees,
                branches_of=branches_of,
                dept_user=dept_user,
                committee_users=committee_users,
            )
        plans_made += 1
    log(f"计划与比例：新建 {rules_made} 个年度比例要求，{plans_made} 个年度计划（{years[0]}–{years[-1]}）")


def _demo_adjustments(*, plan, committees, branches_of, dept_user, committee_users) -> None:
    """Two 调剂 the department made and one a committee made among its villages."""
    by_code = {c.code: c for c in committees}
    office, town, two_new = by_code.get("HC09"), by_code.get("HC01"), by_code.get("HC10")
    if office and town:
        allocation_transfer(
            plan=plan,
            source=plan.org,
            from_org=office,
            to_org=town,
            amount=2,
            actor=dept_user,
            reason="县直机关发展对象储备不足，调剂至城关镇党委用于消除3年未发展党员村",
        )
    if two_new:
        current = plan.allocations.get(org=two_new).amount
        allocations_set(
            plan=plan,
            source=plan.org,
            amounts={two_new.pk: current + 1},
            actor=dept_user,
            reason="两新组织新增党组织，使用机动指标追加 1 名",
        )
    if town:
        villages = [b for b in branches_of[town.pk] if b.sector == Sector.RURAL]
        held = dict(plan.allocations.filter(source=town).values_list("org_id", "amount"))
        donors = [v for v in villages if held.get(v.pk, 0) >= 2]
        takers = [v for v in villages if held.get(v.pk, 0) == 0]
        if donors and takers:
            allocation_transfer(
                plan=plan,
                source=town,
                from_org=donors[0],
                to_org=takers[0],
                amount=1,
                actor=committee_users.get(town.pk, dept_user),
                reason=f"{takers[0].name}近3年未发展党员，从{donors[0].name}调剂 1 名",
            )
