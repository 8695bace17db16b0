"""Negative verdicts act: a 不合格 预审 (13), a 不批准 at approval (17) or at conversion (24) ends the path
the way the browser's 不予发展 / 取消预备党员资格 does — recorded, attributed, and nothing after it."""

import pytest
from django.urls import reverse

from applicants.models import ApplicantStatus, Event, StepRecord
from recruitment.errors import DomainError
from recruitment.models import PartyMember

from .pipeline import advance, attempt, new_applicant

VOTES = {"expected": 7, "attending": 6, "yes": 6}  # the committee's meeting (R21)


def test_pre_review_failed_ends_the_path_as_not_developed(world):
    a = advance(world, new_applicant(world), until=12)
    with pytest.raises(DomainError, match="不合格须填写原因"):
        attempt(world, a, 13, a.last_step_on, {"verdict": "不合格"})
    record = attempt(world, a, 13, a.last_step_on, {"verdict": "不合格", "reason": "群众意见较大"})
    a.refresh_from_db()
    assert record.outcome == "不合格" and a.status == ApplicantStatus.NOT_DEVELOPED
    assert a.current_step == 13 and a.terminal_on == record.date and a.terminal_reason == "群众意见较大"
    assert Event.objects.filter(applicant=a, kind=Event.Kind.TERMINAL, step=13, actor=world.users.committee).exists()
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 14, a.last_step_on)
    assert exc.value.rules == ["STATE"]


def test_pre_review_passed_goes_on(world):
    a = advance(world, new_applicant(world), until=12)
    attempt(world, a, 13, a.last_step_on, {"verdict": "合格"})
    a.refresh_from_db()
    assert a.is_active and a.current_step == 13


def test_approval_refused_creates_no_probationary_member(world):
    a = advance(world, new_applicant(world), until=16)
    members_before = PartyMember.objects.count()
    record = attempt(
        world,
        a,
        17,
        a.last_step_on,
        {"verdict": "不批准", "reason": "同意票未过半", "expected": 7, "attending": 6, "yes": 2},
    )
    a.refresh_from_db()
    assert a.status == ApplicantStatus.NOT_DEVELOPED and a.status_label == "不予发展"
    assert a.admitted_on is None and a.member_id is None and PartyMember.objects.count() == members_before
    assert record.outcome == "不批准" and record.data["yes"] == 2
    with pytest.raises(DomainError):
        attempt(world, a, 18, a.last_step_on)


def test_approval_granted_makes_a_probationary_member(world):
    a = advance(world, new_applicant(world), until=16)
    attempt(world, a, 17, a.last_step_on, {"verdict": "批准", **VOTES})
    a.refresh_from_db()
    assert a.admitted_on is not None and a.member.status == "预备党员" and a.status_label == "预备党员"


def test_conversion_refused_cancels_the_probationary_membership(world):
    a = advance(world, new_applicant(world), until=23)
    member = a.member
    attempt(world, a, 24, a.last_step_on, {"verdict": "不批准", "reason": "转正讨论后发现隐瞒问题", **VOTES})
    a.refresh_from_db()
    member.refresh_from_db()
    assert a.status == ApplicantStatus.CANCELLED and a.converted_on is None
    assert a.terminal_reason == "转正讨论后发现隐瞒问题" and not member.is_active and member.status == "预备党员"


def test_committee_refuses_approval_in_the_browser(world, client_for):
    a = advance(world, new_applicant(world), until=16)
    client = client_for(world.users.committee)
    page = client.get(reverse("reviews:step_act", args=[a.pk, 17])).content.decode()
    assert 'name="verdict"' in page and "不批准" in page and 'name="expected"' in page
    response = client.post(
        reverse("reviews:step_act", args=[a.pk, 17]),
        {
            "date": a.last_step_on.isoformat(),
            "verdict": "不批准",
            "reason": "表决未通过",
            "expected": 7,
            "attending": 6,
            "yes": 3,
        },
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert (
        a.status == ApplicantStatus.NOT_DEVELOPED and StepRecord.objects.get(applicant=a, step=17).outcome == "不批准"
    )
