"""The list filters (django-filter FilterSets): the user's subtree is cut out before any filter, an
organization filter offers only that subtree, junk values are left out, and nothing outside the
subtree is reachable through a filter."""

import datetime as dt

from applicants.filters import ApplicantFilter
from applicants.models import ApplicantStatus
from quotas.filters import AllocationChangeFilter
from recruitment.filters import MemberFilter, OrganizationFilter
from reviews.filters import LedgerFilter
from reviews.models import LedgerEntry
from tests.applicants.people import placed


def names(qs):
    return sorted(a.name for a in qs)


def test_the_organization_filter_offers_only_the_users_subtree(world):
    form = ApplicantFilter({}, user=world.users.committee).form
    offered = [label for value, label in form.fields["branch"].choices]
    assert offered == ["全部组织", "甲镇党委", "　甲村党支部", "　甲公司党支部"]
    assert ApplicantFilter({}, user=world.users.committee).show_branch
    assert not ApplicantFilter({}, user=world.users.secretary).show_branch


def test_scope_comes_before_the_filters(world):
    placed(world, step=3, name="王甲")
    placed(world, step=3, name="王乙", branch=world.b1)
    assert names(ApplicantFilter({"q": "王"}, user=world.users.committee).qs) == ["王甲"]
    assert names(ApplicantFilter({"q": "王"}, user=world.users.committee_b).qs) == ["王乙"]
    # an organization outside the subtree (or none at all) finds nobody, whatever else is asked
    assert names(ApplicantFilter({"branch": world.b1.pk}, user=world.users.committee).qs) == []
    assert names(ApplicantFilter({"branch": "-1", "q": "王"}, user=world.users.committee).qs) == []
    assert names(ApplicantFilter({"branch": world.root.pk}, user=world.users.committee).qs) == []
    assert names(ApplicantFilter({"branch": world.a1.pk}, user=world.users.committee).qs) == ["王甲"]


def test_junk_values_are_left_out_and_the_rest_applies(world):
    placed(world, step=3, name="王甲")
    placed(world, step=3, name="李乙", status=ApplicantStatus.NOT_DEVELOPED)
    f = ApplicantFilter({"step": "99x", "stage": "abc", "status": "?", "q": "王"}, user=world.users.secretary)
    assert names(f.qs) == ["王甲"] and f.values == {"q": "王"}
    assert set(f.errors) == {"step", "stage", "status"}
    f = ApplicantFilter({"stage": "2", "status": ApplicantStatus.ACTIVE}, user=world.users.secretary)
    assert f.values == {"stage": 2, "status": ApplicantStatus.ACTIVE} and names(f.qs_without("stage")) == ["王甲"]


def test_organization_and_member_lists_filter_inside_the_subtree(world):
    assert [o.code for o in OrganizationFilter(None, user=world.users.committee).qs] == ["A", "A1", "A2"]
    assert [o.code for o in OrganizationFilter({"q": "公司"}, user=world.users.committee).qs] == ["A2"]
    assert [o.code for o in OrganizationFilter({"q": "乙"}, user=world.users.committee).qs] == []
    assert [o.code for o in OrganizationFilter({"level": "党支部"}, user=world.users.department).qs] == [
        "A1",
        "A2",
        "B1",
    ]
    members = MemberFilter({"status": "预备党员"}, user=world.users.committee).qs
    assert [m.name for m in members] == ["预备丁"]
    assert [m.name for m in MemberFilter({"q": "乙公司"}, user=world.users.committee).qs] == []
    assert [m.name for m in MemberFilter({"q": "乙公司"}, user=world.users.department).qs] == ["党员己"]


def test_the_ledger_shows_this_year_unless_asked_and_plan_changes_stay_in_scope(world):
    today = dt.date(2026, 5, 1)
    assert LedgerFilter(None, user=world.users.department, today=today).ledger_year == 2026
    assert LedgerFilter({"year": "2023"}, user=world.users.department, today=today).ledger_year == 2023
    assert LedgerFilter({"year": "abc"}, user=world.users.department, today=today).ledger_year == 2026
    a = placed(world, step=14, name="候选人")
    for year, tier in ((2025, 1), (2026, 2)):
        LedgerEntry.objects.create(applicant=a, year=year, tier=tier, submitted_by=world.users.secretary)
    assert [e.year for e in LedgerFilter({}, user=world.users.department, today=today).qs] == [2026]
    assert [
        e.year for e in LedgerFilter({"year": "2025", "tier": "1"}, user=world.users.committee, today=today).qs
    ] == [2025]
    assert not LedgerFilter({"tier": "1"}, user=world.users.committee, today=today).qs.exists()
    assert not LedgerFilter({"year": "2025"}, user=world.users.committee_b, today=today).qs.exists()
    nobody = type(world.users.committee)(username="norole-org")
    assert not AllocationChangeFilter(None, user=nobody).qs.exists()  # no organization: nothing, not a 500
