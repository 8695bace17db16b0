"""The ledger and its three tiers: order, return, fail, versions, attribution."""

import pytest
from django.core.exceptions import PermissionDenied

from applicants.models import Event
from recruitment.errors import DomainError
from reviews.models import EntryStatus, LedgerEntry, ReviewDecision, Tier
from reviews.selectors import last_return
from reviews.services import review_decide

from .conftest import ON, TODAY, D


def decide(entry, tier, verdict, user, reason="意见", on=ON):
    entry.refresh_from_db()
    return review_decide(
        entry=entry,
        tier=tier,
        verdict=verdict,
        reason=reason,
        actor=user,
        version=entry.version,
        decided_on=on,
        today=TODAY,
    )


def test_only_candidates_before_the_branch_meeting_can_be_put_on_the_ledger(world, make_candidate, submit):
    activist = make_candidate(until=6)
    with pytest.raises(DomainError) as exc:
        submit(activist)
    assert "尚未确定为发展对象" in str(exc.value)
    candidate = make_candidate(until=7)
    entry = submit(candidate)
    assert entry.tier == Tier.BRANCH and entry.status == EntryStatus.IN_REVIEW and entry.waiting_since == TODAY
    with pytest.raises(DomainError, match="已列入2023年度台账"):
        submit(candidate)


def test_ledger_year_cannot_precede_the_candidate_year(world, make_candidate, submit):
    a = make_candidate(until=7)  # candidate on 2023-04-03
    with pytest.raises(DomainError, match="台账年度应在"):
        submit(a, year=2022)


def test_tiers_run_in_order_and_each_decision_is_attributed(world, make_candidate, submit, committee_material):
    u = world.users
    entry = submit(make_candidate())
    with pytest.raises(DomainError) as exc:  # the committee cannot decide before the branch
        review_decide(
            entry=entry, tier=2, verdict="pass", reason="x", actor=u.committee, version=entry.version, today=TODAY
        )
    assert exc.value.rules == ["STALE"]
    decide(entry, 1, "pass", u.secretary)
    committee_material(entry)
    decide(entry, 2, "pass", u.committee)
    decide(entry, 3, "pass", u.department)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PASSED and entry.version == 3
    assert [(d.tier, d.verdict, d.reviewer) for d in entry.decisions.all()] == [
        (1, "pass", u.secretary),
        (2, "pass", u.committee),
        (3, "pass", u.department),
    ]
    assert Event.objects.filter(
        applicant=entry.applicant, kind="review", actor=u.department, message__contains="三级预判分析全部通过"
    ).exists()


def test_a_return_goes_back_one_tier_with_the_reason_shown(world, make_candidate, submit, committee_material):
    u = world.users
    entry = submit(make_candidate())
    decide(entry, 1, "pass", u.secretary)
    committee_material(entry)
    decide(entry, 2, "pass", u.committee)
    decide(entry, 3, "return", u.department, reason="请补充思想汇报")
    entry = LedgerEntry.objects.prefetch_related("decisions").get(pk=entry.pk)
    assert entry.tier == Tier.COMMITTEE and entry.status == EntryStatus.IN_REVIEW
    assert last_return(entry).reason == "请补充思想汇报"
    decide(entry, 2, "return", u.committee, reason="支部补充材料")
    entry.refresh_from_db()
    assert entry.tier == Tier.BRANCH


def test_a_fail_closes_the_entry(world, make_candidate, submit):
    entry = submit(make_candidate())
    decide(entry, 1, "fail", world.users.secretary, reason="群众意见较大")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.FAILED
    assert not LedgerEntry.objects.expected(2023).filter(pk=entry.pk).exists()


def test_a_decision_needs_a_reason_and_a_date_not_in_the_future(world, make_candidate, submit):
    entry = submit(make_candidate())
    with pytest.raises(DomainError, match="请填写审查意见"):
        decide(entry, 1, "pass", world.users.secretary, reason="  ")
    with pytest.raises(DomainError, match="晚于今天"):
        decide(entry, 1, "pass", world.users.secretary, on=D(2026, 11, 23))
    assert not ReviewDecision.objects.exists()


def test_a_stale_form_is_refused_naming_who_decided_and_when(world, make_candidate, submit):
    entry = submit(make_candidate())
    rendered_version = entry.version
    decide(entry, 1, "pass", world.users.secretary)
    with pytest.raises(DomainError) as exc:
        review_decide(
            entry=entry,
            tier=1,
            verdict="fail",
            reason="迟到的决定",
            actor=world.users.committee,
            version=rendered_version,
            today=TODAY,
        )
    assert f"该条目已由{world.users.secretary}于" in str(exc.value) and "请刷新后查看" in str(exc.value)
    assert ReviewDecision.objects.count() == 1


def test_roles_below_the_tier_cannot_decide(world, make_candidate, submit):
    entry = submit(make_candidate())
    with pytest.raises(PermissionDenied):
        decide(entry, 1, "pass", world.users.inspector)
    decide(entry, 1, "pass", world.users.secretary)
    with pytest.raises(PermissionDenied):
        decide(entry, 2, "pass", world.users.secretary)


def test_staff_outside_the_subtree_cannot_decide(world, make_candidate, submit):
    entry = submit(make_candidate())
    decide(entry, 1, "pass", world.users.secretary)
    with pytest.raises(PermissionDenied):
        decide(entry, 2, "fail", world.users.committee_b)
