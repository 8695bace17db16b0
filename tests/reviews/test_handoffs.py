"""Hand-offs are told: the tier a ledger entry or a step now waits for gets one 消息 (and an email when
it has an address) per act and person; a return or a refusal goes back down to the branch. Nobody of
another subtree hears of it, the actor is not told about their own act, a repeat adds nothing."""

import pytest
from django.urls import reverse

from applicants.handoffs import HandOff, announce, handoff_recipients, handoffs_muted
from jobs.models import EmailKind, EmailLog, Notification
from jobs.notify import handoff_deliver
from recruitment.errors import DomainError
from recruitment.models import Role
from recruitment.scope import Level
from reviews.handoffs import entry_handoff
from reviews.models import Tier
from reviews.services import review_decide
from tests.applicants.pipeline import advance, attempt, new_applicant
from tests.factories import UserFactory

from .conftest import ON, TODAY


def decide(entry, tier, verdict, user):
    entry.refresh_from_db()
    return review_decide(
        entry=entry,
        tier=tier,
        verdict=verdict,
        reason="意见",
        actor=user,
        version=entry.version,
        decided_on=ON,
        today=TODAY,
    )


def titles(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True))


def handoff_titles(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user, key__startswith="handoff:entry:")
        .order_by("pk")
        .values_list("title", flat=True)
    )


@pytest.fixture
def everyone(world):
    """The world's users, with a second secretary of A1 (so a secretary's own act has someone to tell)."""
    u = world.users
    u.secretary2 = UserFactory(username="sec2_a1", role=Role.BRANCH_SECRETARY, organization=world.a1)
    return u


def test_submitting_tells_the_branch_it_waits_for_its_initial_review(world, everyone, make_candidate, submit):
    u = everyone
    entry = submit(make_candidate(until=7))
    assert handoff_titles(u.secretary2) == [f"【待支部初审】{entry.applicant.name}：列入2023年度预判分析台账"]
    assert handoff_titles(u.secretary) == []  # the actor is not told about their own act
    assert handoff_titles(u.committee) == [] and handoff_titles(u.department) == []
    note = Notification.objects.get(user=u.secretary2, key__startswith="handoff:entry:")
    assert note.link == reverse("reviews:entry_detail", args=[entry.pk])


def test_branch_pass_tells_its_own_committee_only(world, everyone, make_candidate, submit):
    u = everyone
    entry = submit(make_candidate(until=7))
    decide(entry, Tier.BRANCH, "pass", u.secretary)
    name = entry.applicant.name
    assert handoff_titles(u.committee) == [f"【待党委复审】{name}：2023年度预判分析"]
    assert handoff_titles(u.committee_b) == []  # another committee's staff: scope
    assert handoff_titles(u.department) == []  # not yet its turn
    assert handoff_titles(u.secretary_b) == [] and handoff_titles(u.inspector) == []


def test_committee_pass_tells_the_department(world, everyone, make_candidate, submit, committee_material):
    u = everyone
    entry = submit(make_candidate())
    decide(entry, Tier.BRANCH, "pass", u.secretary)
    committee_material(entry)
    decide(entry, Tier.COMMITTEE, "pass", u.committee)
    assert handoff_titles(u.department) == [f"【待组织部终审】{entry.applicant.name}：2023年度预判分析"]
    assert len(handoff_titles(u.committee)) == 1  # only its own turn, not the department's


def test_department_return_goes_back_to_the_committee_and_the_branch(
    world, everyone, make_candidate, submit, committee_material
):
    u = everyone
    entry = submit(make_candidate())
    decide(entry, Tier.BRANCH, "pass", u.secretary)
    committee_material(entry)
    decide(entry, Tier.COMMITTEE, "pass", u.committee)
    decide(entry, Tier.DEPARTMENT, "return", u.department)
    title = f"【组织部终审退回】{entry.applicant.name}：2023年度预判分析"
    assert handoff_titles(u.committee)[-1] == title
    assert handoff_titles(u.secretary)[-1] == title and handoff_titles(u.secretary2)[-1] == title
    assert handoff_titles(u.committee_b) == [] and handoff_titles(u.secretary_b) == []
    assert title not in handoff_titles(u.department)  # the actor
    note = Notification.objects.get(user=u.secretary, title=title)
    assert "意见" not in note.body.replace("审查意见", "")  # the reason is read on the entry page


def test_refusal_tells_every_tier_below(world, everyone, make_candidate, submit, committee_material):
    u = everyone
    entry = submit(make_candidate())
    decide(entry, Tier.BRANCH, "pass", u.secretary)
    committee_material(entry)
    decide(entry, Tier.COMMITTEE, "fail", u.committee)
    title = f"【党委复审不通过】{entry.applicant.name}：2023年度预判分析"
    assert handoff_titles(u.secretary)[-1] == title and handoff_titles(u.secretary2)[-1] == title
    assert title not in handoff_titles(u.department)
    assert handoff_titles(u.secretary_b) == []


def test_a_refused_decision_tells_no_one(world, everyone, make_candidate, submit):
    u = everyone
    entry = submit(make_candidate(until=7))
    before = Notification.objects.count()
    with pytest.raises(DomainError):
        review_decide(
            entry=entry, tier=1, verdict="pass", reason="x", actor=u.secretary, version=entry.version + 5, today=TODAY
        )
    assert Notification.objects.count() == before


def test_a_hand_off_is_told_once_per_person_and_emailed_where_there_is_an_address(
    world, everyone, make_candidate, submit
):
    u = everyone
    u.committee.email = "comm_a@example.org"
    u.committee.save(update_fields=["email"])
    entry = submit(make_candidate(until=7))
    decision = decide(entry, Tier.BRANCH, "pass", u.secretary)
    entry.refresh_from_db()
    h = entry_handoff(entry=entry, actor=u.secretary, decision=decision)
    handoff_deliver(handoff=h)  # told again (a retry): nothing more
    handoff_deliver(handoff=h)
    assert Notification.objects.filter(user=u.committee, key=f"handoff:{h.key}").count() == 1
    log = EmailLog.objects.get(recipient=u.committee, kind=EmailKind.HANDOFF, period=f"handoff:{h.key}")
    assert log.period == f"handoff:{h.key}" and log.address == "comm_a@example.org"
    assert log.subject.startswith("【发展党员】【待党委复审】")
    assert reverse("reviews:entry_detail", args=[entry.pk]) in log.body_text
    assert not EmailLog.objects.filter(recipient=u.secretary2).exists()  # no address: the inbox only


def test_muted_work_and_system_acts_tell_no_one(world, everyone, make_candidate, submit):
    before = Notification.objects.count()
    with handoffs_muted():
        submit(make_candidate(until=7))
    announce(HandOff("k", world.a1, (Level.BRANCH,), "t", "b", "", None))  # no actor: an import
    assert Notification.objects.filter(key__startswith="handoff:").count() == before - before


def test_recipients_stay_in_the_branch_subtree(world, everyone):
    u = everyone
    assert set(handoff_recipients(branch=world.a1, level=Level.BRANCH)) == {u.secretary, u.secretary2}
    assert handoff_recipients(branch=world.a1, level=Level.COMMITTEE) == [u.committee]
    assert handoff_recipients(branch=world.b1, level=Level.COMMITTEE) == [u.committee_b]
    assert handoff_recipients(branch=world.a1, level=Level.DEPARTMENT) == [u.department]
    # A2 has no secretary: its branch-level news goes up to its committee, never sideways.
    assert handoff_recipients(branch=world.a2, level=Level.BRANCH) == [u.committee]
    # The actor alone at a level: nobody else there, and no escalation.
    assert handoff_recipients(branch=world.b1, level=Level.BRANCH, exclude=u.secretary_b) == []


# --- steps --------------------------------------------------------------------------------------------
def step_titles(user, applicant) -> list[str]:
    return list(
        Notification.objects.filter(user=user, key__startswith="handoff:step:", title__contains=applicant.name)
        .order_by("pk")
        .values_list("title", flat=True)
    )


def test_a_branch_step_that_leaves_a_committee_step_waiting_tells_the_committee(world, everyone):
    u = everyone
    a = advance(world, new_applicant(world), until=3)
    assert step_titles(u.committee, a) == [f"【待上级党委办理】{a.name}：第4步“上级党委备案”"]
    assert step_titles(u.committee_b, a) == [] and step_titles(u.department, a) == []
    advance(world, a, until=4)  # the committee's 备案: step 5 waits for the branch
    assert step_titles(u.secretary, a) == [f"【待党支部办理】{a.name}：第5步“指定培养联系人”"]
    assert step_titles(u.secretary_b, a) == []


def test_the_committees_approval_hands_the_filing_to_the_department(world, everyone):
    u = everyone
    a = advance(world, new_applicant(world), until=17)
    assert f"【待县级党委组织部门办理】{a.name}：第18步“再上一级党委组织部门备案”" in step_titles(u.department, a)


def test_approval_refused_is_told_to_the_branch(world, everyone):
    u = everyone
    a = advance(world, new_applicant(world), until=16)
    attempt(
        world,
        a,
        17,
        a.last_step_on,
        {"verdict": "不批准", "reason": "同意票未过半", "expected": 7, "attending": 6, "yes": 2},
    )
    assert step_titles(u.secretary, a)[-1] == f"【上级党委未通过】{a.name}：上级党委审批（不批准）"
    assert step_titles(u.secretary_b, a) == []
    assert f"【上级党委未通过】{a.name}：上级党委审批（不批准）" not in step_titles(u.department, a)


def test_the_unread_count_shows_in_the_navigation(world, everyone, make_candidate, submit, client):
    u = everyone
    entry = submit(make_candidate(until=7))
    decide(entry, Tier.BRANCH, "pass", u.secretary)
    client.force_login(u.committee)
    n = Notification.objects.filter(user=u.committee, read_at__isnull=True).count()
    html = client.get(reverse("home")).content.decode()
    assert f'<span class="badge rounded-pill text-bg-warning">{n}</span>' in html


def test_another_countys_staff_hear_nothing(world, everyone, make_candidate, submit, committee_material):
    """A second county beside the first: its department, committee and branch staff get no message
    of any hand-off of the first, at any tier, passing, returning or failing."""
    from recruitment.models import OrgLevel
    from tests.factories import OrganizationFactory

    root2 = OrganizationFactory(code="ROOT2", name="邻县委组织部", level=OrgLevel.DEPARTMENT, sector="")
    c2 = OrganizationFactory(code="C2", name="邻县镇党委", level=OrgLevel.COMMITTEE, sector="", parent=root2)
    b2 = OrganizationFactory(code="C21", name="邻县村党支部", parent=c2)
    outsiders = [
        UserFactory(username="dept2", role=Role.DEPARTMENT_STAFF, organization=root2),
        UserFactory(username="comm2", role=Role.COMMITTEE_STAFF, organization=c2),
        UserFactory(username="sec2", role=Role.BRANCH_SECRETARY, organization=b2),
    ]
    u = everyone
    entry = submit(make_candidate())
    decide(entry, Tier.BRANCH, "pass", u.secretary)
    committee_material(entry)
    decide(entry, Tier.COMMITTEE, "pass", u.committee)
    decide(entry, Tier.DEPARTMENT, "return", u.department)
    decide(entry, Tier.COMMITTEE, "fail", u.committee)
    assert Notification.objects.filter(key__startswith="handoff:entry:").exists()
    assert not Notification.objects.filter(user__in=outsiders).exists()
    assert not EmailLog.objects.filter(recipient__in=outsiders).exists()
