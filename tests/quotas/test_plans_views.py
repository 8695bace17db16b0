"""Plans and ratio-rule pages: the department plans and allocates, committees allocate to their
branches, refusals are shown in Chinese and write nothing; rules are edited by department staff."""

import pytest

from quotas.models import AllocationChange, AnnualPlan, PlanAllocation, RatioRuleSet
from quotas.services import allocations_set, plan_set_total

Y = 2025
PLANS, RULES, LOG = "/quotas/plans/", "/quotas/rules/", "/quotas/plans/log/"


@pytest.fixture
def plan(world):
    p = plan_set_total(department=world.root, year=Y, total=10, actor=world.users.department)
    allocations_set(plan=p, source=world.root, amounts={world.a.pk: 6, world.b.pk: 3}, actor=world.users.department)
    return p


def test_department_sets_the_total_and_allocates_through_the_page(world, client_for):
    client = client_for(world.users.department)
    resp = client.post(PLANS, {"action": "total", "year": Y, "total": 12, "reason": ""}, follow=True)
    assert "2025 年度计划总数已保存" in resp.content.decode()
    plan = AnnualPlan.objects.get(year=Y)
    resp = client.post(
        PLANS, {"action": "allocate", "year": Y, f"org_{world.a.pk}": 7, f"org_{world.b.pk}": 5}, follow=True
    )
    assert "已保存：2 处指标变更" in resp.content.decode()
    assert dict(PlanAllocation.objects.filter(plan=plan).values_list("org__code", "amount")) == {"A": 7, "B": 5}
    assert AllocationChange.objects.filter(plan=plan, actor=world.users.department).count() == 3


def test_over_allocation_is_refused_with_a_chinese_message_and_nothing_saved(world, plan, client_for):
    client = client_for(world.users.committee)
    resp = client.post(
        PLANS, {"action": "allocate", "year": Y, f"org_{world.a1.pk}": 5, f"org_{world.a2.pk}": 2}, follow=True
    )
    assert "下达指标合计 7 名，超过甲镇党委收到的 2025 年度计划指标 6 名" in resp.content.decode()
    assert not PlanAllocation.objects.filter(source=world.a).exists()
    resp = client.post(
        PLANS, {"action": "allocate", "year": Y, f"org_{world.a1.pk}": 4, f"org_{world.a2.pk}": 2}, follow=True
    )
    assert PlanAllocation.objects.filter(source=world.a).count() == 2


def test_committee_page_lists_its_branches_with_execution(world, plan, client_for):
    resp = client_for(world.users.committee).get(PLANS, {"year": Y})
    assert resp.context["source"] == world.a and resp.context["received"] == 6
    assert [r.org.code for r in resp.context["rows"]] == ["A1", "A2"]
    assert resp.context["can_edit"] is True
    assert client_for(world.users.committee).get(PLANS, {"year": Y, "org": "B"}).status_code == 404


def test_transfer_through_the_page_needs_a_reason(world, plan, client_for):
    client = client_for(world.users.department)
    data = {"action": "transfer", "year": Y, "from_org": world.a.pk, "to_org": world.b.pk, "amount": 1}
    resp = client.post(PLANS, {**data, "reason": ""})
    assert resp.status_code == 200 and "调剂原因" in resp.content.decode()
    resp = client.post(PLANS, {**data, "reason": "乙街道储备充足"}, follow=True)
    assert "调剂完成：甲镇党委 → 乙街道党工委 1 名" in resp.content.decode()
    log = client.get(LOG, {"year": Y, "kind": "adjust"})
    assert len(log.context["page"]) == 2
    assert "乙街道储备充足" in log.content.decode()


def test_committee_log_shows_only_its_subtree(world, plan, client_for):
    log = client_for(world.users.committee_b).get(LOG, {"year": Y})
    assert {c.org.code for c in log.context["page"]} == {"B"}


@pytest.mark.parametrize(
    "who, status", [("department", 200), ("committee", 200), ("secretary", 403), ("inspector", 403)]
)
def test_plan_page_roles(world, plan, client_for, who, status):
    assert client_for(getattr(world.users, who)).get(PLANS, {"year": Y}).status_code == status


def test_department_edits_and_copies_ratio_rules(world, client_for):
    client = client_for(world.users.department)
    form = {
        "year": Y,
        "reserve_applicants": 5,
        "reserve_activists": 4,
        "reserve_members": 1,
        "notes": "县委组织部文件",
        "sector_0_min": "30",
        "sector_4_max": "5",
        "structure_0_min": "60",
    }
    resp = client.post(RULES, form, follow=True)
    assert "2025 年度比例要求已保存" in resp.content.decode()
    rs = RatioRuleSet.objects.get(year=Y)
    assert sorted(rs.rules.values_list("key", "min_pct", "max_pct")) == sorted(
        [("农村（社区）", 30, None), ("国有企业", None, 5), ("35岁及以下", 60, None)]
    )
    resp = client.post(RULES, {"year": Y + 1, "action": "copy"}, follow=True)
    assert "已复制 2025 年度比例要求到 2026 年度" in resp.content.decode()
    assert RatioRuleSet.objects.get(year=Y + 1).rules.count() == 3
    bad = client.post(RULES, {**form, "sector_1_min": "50", "sector_1_max": "20"})
    assert "最低比例 50.00% 高于最高比例 20.00%" in bad.content.decode() or "最低比例 50" in bad.content.decode()


def test_committee_reads_ratio_rules_but_cannot_change_them(world, client_for):
    client = client_for(world.users.committee)
    resp = client.get(RULES, {"year": Y})
    assert resp.status_code == 200 and resp.context["can_edit"] is False and resp.context["org"] == world.root
    assert (
        client.post(
            RULES, {"year": Y, "reserve_applicants": 5, "reserve_activists": 4, "reserve_members": 1}
        ).status_code
        == 403
    )
    assert not RatioRuleSet.objects.exists()
