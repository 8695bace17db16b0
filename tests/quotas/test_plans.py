"""Plans: the department sets the total and allocates to committees; committees allocate what they
received to their branches; sums never exceed what was received; 调剂 is logged with reason and actor."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from quotas.models import AllocationChange, PlanAllocation, RatioRuleSet
from quotas.selectors import compliance_for_year
from quotas.services import (
    allocation_targets,
    allocation_transfer,
    allocations_set,
    plan_set_total,
    ratio_rules_copy,
    ratio_rules_save,
)
from recruitment.errors import DomainError
from recruitment.models import OrgLevel, Sector
from tests.factories import OrganizationFactory

from .helpers import admitted, many_admitted, on_ledger, person

Y = 2025


@pytest.fixture
def plan(world):
    p = plan_set_total(department=world.root, year=Y, total=10, actor=world.users.department)
    allocations_set(plan=p, source=world.root, amounts={world.a.pk: 6, world.b.pk: 3}, actor=world.users.department)
    return p


def amounts(plan):
    return dict(PlanAllocation.objects.filter(plan=plan).values_list("org__code", "amount"))


def test_department_allocates_the_total_to_committees_and_the_change_is_logged(world, plan):
    assert amounts(plan) == {"A": 6, "B": 3}
    log = AllocationChange.objects.filter(plan=plan).order_by("id")
    assert [(c.kind, c.org.code, c.old_amount, c.new_amount, c.actor) for c in log] == [
        ("total", "ROOT", 0, 10, world.users.department),
        ("allocate", "A", 0, 6, world.users.department),
        ("allocate", "B", 0, 3, world.users.department),
    ]


def test_department_cannot_allocate_more_than_the_total(world, plan):
    allocations_set(plan=plan, source=world.root, amounts={world.b.pk: 4}, actor=world.users.department, reason="补充")
    with pytest.raises(DomainError) as exc:
        allocations_set(
            plan=plan, source=world.root, amounts={world.b.pk: 5}, actor=world.users.department, reason="补充"
        )
    assert "下达指标合计 11 名，超过测试县委组织部收到的 2025 年度计划指标 10 名" in exc.value.violations[0].message
    assert amounts(plan) == {"A": 6, "B": 4}


def test_committee_allocates_to_its_branches_up_to_what_it_received(world, plan):
    c = world.users.committee
    allocations_set(plan=plan, source=world.a, amounts={world.a1.pk: 4, world.a2.pk: 2}, actor=c)  # exactly 6
    assert amounts(plan)["A1"] == 4
    with pytest.raises(DomainError) as exc:
        allocations_set(plan=plan, source=world.a, amounts={world.a1.pk: 5}, actor=c, reason="多给")
    assert "超过甲镇党委收到的 2025 年度计划指标 6 名" in str(exc.value)
    assert amounts(plan)["A1"] == 4


def test_committee_without_a_figure_cannot_allocate(world):
    p = plan_set_total(department=world.root, year=Y, total=10, actor=world.users.department)
    with pytest.raises(DomainError, match="尚未收到 2025 年度计划指标"):
        allocations_set(plan=p, source=world.a, amounts={world.a1.pk: 1}, actor=world.users.committee)


def test_committee_cannot_allocate_outside_its_branches_or_for_another_committee(world, plan):
    with pytest.raises(PermissionDenied):
        allocations_set(plan=plan, source=world.b, amounts={world.b1.pk: 1}, actor=world.users.committee)
    with pytest.raises(DomainError, match="只能向所属党支部下达指标"):
        allocations_set(plan=plan, source=world.a, amounts={world.b1.pk: 1}, actor=world.users.committee)
    with pytest.raises(PermissionDenied):
        allocations_set(plan=plan, source=world.root, amounts={world.a.pk: 1}, actor=world.users.committee)
    with pytest.raises(PermissionDenied):
        plan_set_total(department=world.root, year=Y, total=99, actor=world.users.committee)


def test_adjusting_an_issued_figure_needs_a_reason_and_is_logged(world, plan):
    with pytest.raises(DomainError, match="须填写调剂原因"):
        allocations_set(plan=plan, source=world.root, amounts={world.a.pk: 5}, actor=world.users.department)
    allocations_set(
        plan=plan, source=world.root, amounts={world.a.pk: 5}, actor=world.users.department, reason="甲镇后备不足"
    )
    change = AllocationChange.objects.filter(plan=plan, kind="adjust").get()
    assert (change.org, change.old_amount, change.new_amount, change.delta, change.reason, change.actor) == (
        world.a,
        6,
        5,
        -1,
        "甲镇后备不足",
        world.users.department,
    )


def test_transfer_moves_figures_between_committees(world, plan):
    allocation_transfer(
        plan=plan,
        source=world.root,
        from_org=world.a,
        to_org=world.b,
        amount=2,
        reason="乙街道两新组织积极分子储备充足",
        actor=world.users.department,
    )
    assert amounts(plan) == {"A": 4, "B": 5}
    assert AllocationChange.objects.filter(plan=plan, kind="adjust").count() == 2
    with pytest.raises(DomainError, match="现有指标 4 名，不足调出 5 名"):
        allocation_transfer(
            plan=plan,
            source=world.root,
            from_org=world.a,
            to_org=world.b,
            amount=5,
            reason="x",
            actor=world.users.department,
        )


def test_a_committee_figure_cannot_drop_below_what_it_issued_further(world, plan):
    allocations_set(plan=plan, source=world.a, amounts={world.a1.pk: 4, world.a2.pk: 2}, actor=world.users.committee)
    with pytest.raises(DomainError, match="已向所属党支部下达 6 名，指标不能调减到 5 名"):
        allocations_set(
            plan=plan, source=world.root, amounts={world.a.pk: 5}, actor=world.users.department, reason="调减"
        )


def test_total_cannot_drop_below_what_was_issued(world, plan):
    with pytest.raises(DomainError, match="少于已下达给各党\\(工\\)委的指标合计 9 名"):
        plan_set_total(department=world.root, year=Y, total=8, actor=world.users.department, reason="压减")
    with pytest.raises(DomainError, match="须填写调整原因"):
        plan_set_total(department=world.root, year=Y, total=12, actor=world.users.department)
    plan_set_total(department=world.root, year=Y, total=12, actor=world.users.department, reason="省委追加计划")
    plan.refresh_from_db()
    assert plan.total == 12


def test_targets_skip_branches_of_a_nested_committee(world):
    nested = OrganizationFactory(code="AN", parent=world.a, level=OrgLevel.COMMITTEE, sector="")
    OrganizationFactory(code="AN1", parent=nested)
    general = OrganizationFactory(code="AG", parent=world.a, level=OrgLevel.GENERAL_BRANCH, sector="")
    OrganizationFactory(code="AG1", parent=general)
    codes = list(allocation_targets(source=world.a, plan_org=world.root).values_list("code", flat=True))
    assert codes == ["A1", "A2", "AG1"]
    assert list(allocation_targets(source=world.root, plan_org=world.root).values_list("code", flat=True)) == [
        "A",
        "AN",
        "B",
    ]


def test_plan_execution_at_every_level(world, plan):
    allocations_set(plan=plan, source=world.a, amounts={world.a1.pk: 4, world.a2.pk: 1}, actor=world.users.committee)
    many_admitted(world.a1, dt.date(Y, 5, 1), 2)
    on_ledger(person(world.a1), Y)
    root = compliance_for_year(org=world.root, year=Y).plan
    assert (root.total, root.allocated, root.remaining, root.admitted, root.on_ledger) == (10, 9, 1, 2, 1)
    a = compliance_for_year(org=world.a, year=Y).plan
    assert (a.total, a.allocated, a.remaining, a.admitted, a.rate) == (6, 5, 1, 2, 0.3333)
    a1 = compliance_for_year(org=world.a1, year=Y).plan
    assert (a1.total, a1.allocated, a1.admitted) == (4, 4, 2)
    b1 = compliance_for_year(org=world.b1, year=Y).plan
    assert (b1.total, b1.admitted) == (None, 0)
    assert compliance_for_year(org=world.root, year=Y + 1).plan.total is None


def test_reserve_ratio_against_the_plan_figure(world, plan):
    for _ in range(30):
        person(world.a1, current_step=2)
    for _ in range(23):
        person(world.a1, current_step=5)
    person(world.a1, current_step=9)
    r = compliance_for_year(org=world.a, year=Y).reserve  # plan figure 6 → needs 30 and 24
    assert (r.applicants, r.activists, r.candidates, r.new_members) == (30, 23, 1, 6)
    assert (r.needed_applicants, r.needed_activists, r.ok) == (30, 24, False)
    person(world.a2, current_step=3)
    assert compliance_for_year(org=world.a, year=Y).reserve.ok is True


def test_ratio_rules_are_saved_validated_and_copied_to_a_new_year(world):
    dept = world.users.department
    rs = ratio_rules_save(
        org=world.root,
        year=Y,
        actor=dept,
        reserve=(5, 4, 1),
        sector={Sector.RURAL: (Decimal(30), None), Sector.STATE_ENTERPRISE: (None, Decimal(5))},
        structure={"35岁及以下": (Decimal(60), None), "女性": (None, None)},
    )
    assert sorted(rs.rules.values_list("key", flat=True)) == ["35岁及以下", "农村（社区）", "国有企业"]
    with pytest.raises(DomainError, match="最低比例 40% 高于最高比例 20%"):
        ratio_rules_save(
            org=world.root,
            year=Y,
            actor=dept,
            reserve=(5, 4, 1),
            sector={Sector.PRIVATE: (Decimal(40), Decimal(20))},
            structure={},
        )
    with pytest.raises(DomainError, match="之和 110% 超过 100%"):
        ratio_rules_save(
            org=world.root,
            year=Y,
            actor=dept,
            reserve=(5, 4, 1),
            sector={Sector.RURAL: (Decimal(60), None), Sector.PRIVATE: (Decimal(50), None)},
            structure={},
        )
    with pytest.raises(PermissionDenied):
        ratio_rules_save(
            org=world.root, year=Y, actor=world.users.committee, reserve=(5, 4, 1), sector={}, structure={}
        )
    copy = ratio_rules_copy(org=world.root, from_year=Y, to_year=Y + 1, actor=dept)
    assert copy.rules.count() == 3 and copy.year == Y + 1
    with pytest.raises(DomainError, match="已设置比例要求"):
        ratio_rules_copy(org=world.root, from_year=Y, to_year=Y + 1, actor=dept)
    assert RatioRuleSet.objects.count() == 2
    admitted(world.a1, dt.date(Y + 1, 2, 1))
    assert compliance_for_year(org=world.root, year=Y + 1).rules.rule_set == copy
