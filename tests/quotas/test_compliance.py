"""compliance_for_year: shares per sector and structure at the boundaries, the approval snapshot,
the expected intake from the ledger, what-if, and a constant number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from quotas.models import RatioRule, RatioRuleSet, RuleKind
from quotas.selectors import compliance_for_year, judge
from recruitment.models import Sector
from reviews.models import EntryStatus
from tests.factories import OrganizationFactory

from .helpers import admitted, many_admitted, on_ledger, person

D = dt.date
Y = 2025


def row(rows, key):
    return next(r for r in rows if r.key == key)


@pytest.fixture
def county(world):
    """world + one branch per remaining sector under committee B."""
    world.social = OrganizationFactory(code="B2", parent=world.b, sector=Sector.SOCIAL)
    world.office = OrganizationFactory(code="B3", parent=world.b, sector=Sector.PUBLIC_INSTITUTION)
    world.state = OrganizationFactory(code="B4", parent=world.b, sector=Sector.STATE_ENTERPRISE)
    return world


def test_judge_compares_exactly_at_the_boundary():
    assert judge(3, 10, Decimal("30"), None) is True
    assert judge(2, 10, Decimal("30"), None) is False
    assert judge(1, 20, None, Decimal("5")) is True  # exactly 5% passes "≤ 5%"
    assert judge(2, 20, None, Decimal("5")) is False
    assert judge(1, 3, Decimal("33.33"), None) is True  # 33.333…% ≥ 33.33%
    assert judge(1, 3, Decimal("33.34"), None) is False
    assert judge(0, 0, Decimal("30"), None) is None  # no intake → not judged
    assert judge(5, 10, None, None) is None  # no rule → not judged


def test_rural_share_of_exactly_30_percent_passes_and_29_fails(county):
    many_admitted(county.a1, D(Y, 3, 1), 3)  # rural
    many_admitted(county.office, D(Y, 3, 1), 7)  # 机关事业 70% > 35%
    c = compliance_for_year(org=county.root, year=Y)
    rural = row(c.sectors, Sector.RURAL)
    assert (c.admitted, rural.count, rural.share, rural.min, rural.max, rural.ok) == (10, 3, 0.3, 0.3, None, True)
    assert row(c.sectors, Sector.PUBLIC_INSTITUTION).ok is False
    # one more non-rural admitted: 3/11 = 27.27% < 30%
    admitted(county.a2, D(Y, 12, 31))
    c = compliance_for_year(org=county.root, year=Y)
    assert row(c.sectors, Sector.RURAL).ok is False
    assert row(c.sectors, Sector.RURAL).share == 0.2727


def test_state_enterprise_share_of_exactly_5_percent_passes(county):
    admitted(county.state, D(Y, 6, 1))
    many_admitted(county.a1, D(Y, 6, 1), 19)
    c = compliance_for_year(org=county.root, year=Y)
    state = row(c.sectors, Sector.STATE_ENTERPRISE)
    assert (state.count, state.share, state.max, state.ok) == (1, 0.05, 0.05, True)
    admitted(county.state, D(Y, 6, 2))  # 2/21 = 9.5%
    assert row(compliance_for_year(org=county.root, year=Y).sectors, Sector.STATE_ENTERPRISE).ok is False


def test_new_member_of_a_year_is_approved_within_that_calendar_year(county):
    admitted(county.a1, D(Y - 1, 12, 31))
    admitted(county.a1, D(Y, 1, 1))
    admitted(county.a1, D(Y, 12, 31))
    admitted(county.a1, D(Y + 1, 1, 1))
    person(county.a1, current_step=16)  # not approved
    assert compliance_for_year(org=county.root, year=Y).admitted == 2


def test_sector_is_the_snapshot_at_approval_not_the_branch_now(county):
    admitted(county.a2, D(Y, 4, 1))  # 非公企业 at approval
    county.a2.sector = Sector.RURAL  # re-classified afterwards
    county.a2.save()
    c = compliance_for_year(org=county.root, year=Y)
    assert row(c.sectors, Sector.PRIVATE).count == 1
    assert row(c.sectors, Sector.RURAL).count == 0


def test_subtree_is_the_branch_at_approval(county):
    a = admitted(county.a1, D(Y, 4, 1))
    a.branch = county.b1  # transferred later
    a.save(update_fields=["branch"])
    assert compliance_for_year(org=county.a, year=Y).admitted == 1
    assert compliance_for_year(org=county.b, year=Y).admitted == 0


def test_subtree_counts_only_its_own_people(county):
    many_admitted(county.a1, D(Y, 5, 1), 2)
    many_admitted(county.b1, D(Y, 5, 1), 3)
    assert compliance_for_year(org=county.a, year=Y).admitted == 2
    assert compliance_for_year(org=county.b, year=Y).admitted == 3
    assert compliance_for_year(org=county.b1, year=Y).admitted == 3
    assert compliance_for_year(org=county.root, year=Y).admitted == 5


def test_no_intake_is_not_judged(county):
    c = compliance_for_year(org=county.root, year=Y)
    assert c.admitted == 0
    assert all(r.share is None and r.ok is None for r in c.sectors)
    assert [r.key for r in c.sectors] == [
        Sector.RURAL,
        Sector.PRIVATE,
        Sector.SOCIAL,
        Sector.PUBLIC_INSTITUTION,
        Sector.STATE_ENTERPRISE,
    ]


def test_other_sectors_are_listed_only_when_someone_was_admitted(county):
    uni = OrganizationFactory(code="U1", parent=county.b, sector=Sector.UNIVERSITY)
    admitted(uni, D(Y, 5, 1))
    c = compliance_for_year(org=county.root, year=Y)
    assert row(c.sectors, Sector.UNIVERSITY).count == 1
    assert row(c.sectors, Sector.UNIVERSITY).ok is None  # no rule for 高校
    assert Sector.OTHER not in [r.key for r in c.sectors]


def test_rules_of_the_year_and_the_nearest_jurisdiction_apply(county):
    rs = RatioRuleSet.objects.create(org=county.root, year=Y, reserve_applicants=6, reserve_activists=3)
    RatioRule.objects.create(rule_set=rs, kind=RuleKind.SECTOR, key=Sector.RURAL, min_pct=Decimal("50"))
    RatioRule.objects.create(rule_set=rs, kind=RuleKind.STRUCTURE, key="35岁及以下", min_pct=Decimal("60"))
    RatioRule.objects.create(rule_set=rs, kind=RuleKind.STRUCTURE, key="女性", min_pct=Decimal("30"))
    local = RatioRuleSet.objects.create(org=county.b, year=Y)
    RatioRule.objects.create(rule_set=local, kind=RuleKind.SECTOR, key=Sector.PRIVATE, max_pct=Decimal("80"))
    many_admitted(county.a1, D(Y, 5, 1), 2, birth=D(Y - 35, 12, 31))  # 35 at approval (5/1)
    many_admitted(county.a1, D(Y, 5, 1), 1, birth=D(Y - 36, 5, 1), gender="女")  # 36 on the day
    c = compliance_for_year(org=county.root, year=Y)
    assert row(c.sectors, Sector.RURAL).min == 0.5 and row(c.sectors, Sector.RURAL).ok is True
    assert row(c.sectors, Sector.PRIVATE).max is None  # root's set has no 非公 rule
    youth = row(c.structure, "35岁及以下")
    assert (youth.count, youth.share, youth.min, youth.ok) == (2, 0.6667, 0.6, True)
    female = row(c.structure, "女性")
    assert (female.count, female.ok) == (1, True)  # 33.3% ≥ 30%
    assert row(c.structure, "大专及以上").ok is None  # threshold unset → not checked
    assert c.reserve.target == (6, 3, 1)
    assert row(compliance_for_year(org=county.b, year=Y).sectors, Sector.PRIVATE).max == 0.8
    # another year has no rule set → the seed-000 defaults
    assert row(compliance_for_year(org=county.root, year=Y + 1).sectors, Sector.RURAL).min == 0.3


def test_expected_intake_comes_from_the_ledger_and_counts_a_person_once(county):
    admitted_and_listed = admitted(county.a1, D(Y, 3, 1))
    on_ledger(admitted_and_listed, Y, status=EntryStatus.PASSED)
    on_ledger(person(county.a2), Y)  # pending, 非公
    on_ledger(person(county.a2), Y, status=EntryStatus.FAILED)  # failed: not expected
    on_ledger(person(county.b1), Y - 1)  # another year
    on_ledger(person(county.b1, status="not_developed"), Y)  # dropped out
    c = compliance_for_year(org=county.root, year=Y)
    assert (c.admitted, c.expected, c.projected, c.plan.on_ledger) == (1, 1, 2, 3)
    assert row(c.expected_sectors, Sector.RURAL).count == 1
    assert row(c.expected_sectors, Sector.PRIVATE).count == 1
    assert row(c.expected_sectors, Sector.PRIVATE).share == 0.5
    assert row(c.sectors, Sector.PRIVATE).count == 0


def test_what_if_adds_a_candidate_with_the_branch_sector_now(county):
    many_admitted(county.a1, D(Y, 3, 1), 3)
    many_admitted(county.a2, D(Y, 3, 1), 7)
    candidate = person(county.a1, birth=timezone.localdate().replace(year=timezone.localdate().year - 30))
    on_ledger(candidate, Y, status=EntryStatus.PASSED)
    outsider_ids = [999999]
    before = compliance_for_year(org=county.root, year=Y)
    after = compliance_for_year(org=county.root, year=Y, what_if=[candidate.pk, *outsider_ids])
    assert (before.admitted, before.expected) == (10, 1)
    assert (after.admitted, after.expected, after.what_if) == (11, 0, [candidate.pk])
    assert row(after.sectors, Sector.RURAL).count == 4
    assert row(after.sectors, Sector.RURAL).share == 0.3636
    assert row(after.expected_sectors, Sector.RURAL).count == 4  # counted once
    assert row(after.structure, "35岁及以下").count == 11
    # an already admitted person adds nothing
    again = compliance_for_year(
        org=county.root,
        year=Y,
        what_if=[before_id := county.a1.applicants.filter(admitted_on__isnull=False).first().pk],
    )
    assert again.admitted == 10 and again.what_if == [] and before_id


def test_what_if_can_turn_a_passing_share_into_a_failing_one(county):
    admitted(county.state, D(Y, 6, 1))
    many_admitted(county.a1, D(Y, 6, 1), 19)
    extra = person(county.state)
    c = compliance_for_year(org=county.root, year=Y, what_if=[extra.pk])
    assert row(c.sectors, Sector.STATE_ENTERPRISE).ok is False
    assert [r.key for r in c.failing] == [Sector.STATE_ENTERPRISE]


def test_what_if_ignores_people_outside_the_subtree(county):
    outsider = person(county.b1)
    c = compliance_for_year(org=county.a, year=Y, what_if=[outsider.pk])
    assert c.admitted == 0 and c.what_if == []


def _fill(county, n):
    branches = [county.a1, county.a2, county.b1, county.social, county.office, county.state]
    for i in range(n):
        a = admitted(branches[i % len(branches)], D(Y, 1 + i % 12, 1), gender="女" if i % 2 else "男")
        if i % 3 == 0:
            on_ledger(person(branches[i % len(branches)]), Y)
            on_ledger(a, Y, status=EntryStatus.PASSED)


@pytest.mark.parametrize("n", [3, 30])
def test_compliance_takes_a_constant_number_of_queries(county, django_assert_max_num_queries, n):
    rs = RatioRuleSet.objects.create(org=county.root, year=Y)
    RatioRule.objects.create(rule_set=rs, kind=RuleKind.SECTOR, key=Sector.RURAL, min_pct=30)
    _fill(county, n)
    ids = list(county.a1.applicants.values_list("pk", flat=True)[:5])
    with django_assert_max_num_queries(9):
        c = compliance_for_year(org=county.root, year=Y, what_if=ids)
    assert c.admitted >= n
    with django_assert_max_num_queries(8):
        compliance_for_year(org=county.a, year=Y)


def test_a_sector_only_on_the_ledger_gets_the_same_row_on_both_bases(county):
    uni = OrganizationFactory(code="U1", parent=county.b, sector=Sector.UNIVERSITY)
    admitted(county.a1, D(Y, 5, 1))
    on_ledger(person(uni), Y)
    c = compliance_for_year(org=county.root, year=Y)
    assert [r.key for r in c.sectors] == [r.key for r in c.expected_sectors]
    assert (row(c.sectors, Sector.UNIVERSITY).count, row(c.expected_sectors, Sector.UNIVERSITY).count) == (0, 1)


def test_the_only_root_counts_everything_and_a_second_root_keeps_its_own(county):
    """The root shortcut (no subtree join) holds only while the root is the only one."""
    from recruitment.models import OrgLevel

    many_admitted(county.a1, D(Y, 3, 1), 2)
    on_ledger(person(county.b1), Y)
    person(county.a2, current_step=5)
    whole = compliance_for_year(org=county.root, year=Y)
    assert county.root.spans_everything()
    assert (whole.admitted, whole.expected, whole.reserve.activists) == (2, 1, 1)
    other = OrganizationFactory(code="ROOT2", level=OrgLevel.DEPARTMENT, sector="", parent=None)
    far = OrganizationFactory(code="R2B1", parent=other, sector=Sector.RURAL)
    many_admitted(far, D(Y, 4, 1), 3)
    on_ledger(person(far), Y)
    person(far, current_step=5)
    root = type(county.root).objects.get(pk=county.root.pk)  # fresh instance: the answer is remembered per instance
    assert not root.spans_everything()
    again = compliance_for_year(org=root, year=Y)
    assert (again.admitted, again.expected, again.reserve.activists) == (2, 1, 1)
    theirs = compliance_for_year(org=other, year=Y)
    assert (theirs.admitted, theirs.expected, theirs.reserve.activists) == (3, 1, 1)


def test_sector_shares_are_judged_for_the_department_and_shown_for_reference_below(county):
    """A 两新 working committee has no village: the county's ≥ 30% rural share is not its failure.
    Structure targets still apply at every level; a committee with its own rule set is judged."""
    many_admitted(county.b1, D(Y, 3, 1), 2)  # 非公 only, under committee B
    b = compliance_for_year(org=county.b, year=Y)
    rural = row(b.sectors, Sector.RURAL)
    assert (rural.ok, rural.reference, rural.min) == (None, True, 0.3)
    assert not [r for r in b.failing if r.key in Sector.values] and "仅供参考" in b.sector_note
    whole = compliance_for_year(org=county.root, year=Y)
    assert row(whole.sectors, Sector.RURAL).ok is False and whole.sector_note == ""
    rs = RatioRuleSet.objects.create(org=county.b, year=Y)
    RatioRule.objects.create(rule_set=rs, kind=RuleKind.SECTOR, key=Sector.PRIVATE, max_pct=50)
    own = compliance_for_year(org=county.b, year=Y)
    assert row(own.sectors, Sector.PRIVATE).ok is False and own.sector_note == ""


def test_on_a_province_tree_the_county_is_the_nearest_organization_department(db):
    """One definition of "the county" (issue 13 #11): the final review balances the county's shares, not the
    province's, and transfers and plans use the same organization."""
    from tests.factories import OrganizationFactory

    province = OrganizationFactory(code="P", name="省委组织部", level="组织部门", sector="")
    city = OrganizationFactory(code="PC", name="市委组织部", level="组织部门", sector="", parent=province)
    county = OrganizationFactory(code="PCK", name="县委组织部", level="组织部门", sector="", parent=city)
    town = OrganizationFactory(code="PCKT", name="镇党委", level="党委", sector="", parent=county)
    branch = OrganizationFactory(code="PCKTB", name="村党支部", parent=town, sector="农村（社区）")
    assert branch.jurisdiction() == county and town.jurisdiction() == county and county.jurisdiction() == county
    assert city.jurisdiction() == city and province.jurisdiction() == province
