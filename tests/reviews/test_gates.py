"""R16–R20 at their boundaries, through the same services the browser uses."""

import pytest

from applicants.services import applicant_record_step
from demo.reviews import pass_pre_assessment
from recruitment.errors import DomainError
from recruitment.models import RuleDefinition
from reviews.models import LedgerEntry, OpinionPurpose, OpinionVerdict, ReviewDepartment
from reviews.services import (
    cadre_relative_approval_record,
    household_opinion_record,
    negative_list_check,
    negative_list_hit_revoke,
    opinion_record,
    review_decide,
)
from tests.applicants.test_full_pipeline import COMMITTEE_VOTES as COMMITTEE
from tests.applicants.test_full_pipeline import run_steps

from .conftest import ON, TODAY, D

MEETING = {"expected_voters": 10, "attending_voters": 8, "yes_votes": 8}


def meeting(world, a, date=None):
    return applicant_record_step(
        applicant=a, step=15, date=date or D(2023, 7, 1), actor=world.users.secretary, data=MEETING, today=TODAY
    )


def decide(entry, tier, user, verdict="pass"):
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


def passed(world, a, year=2023):
    u = world.users
    return pass_pre_assessment(
        applicant=a,
        year=year,
        on=ON,
        branch_user=u.secretary,
        committee_user=u.committee,
        department_user=u.department,
        today=TODAY,
    )


# --- R16 ----------------------------------------------------------------------------------------------
def test_r16_branch_meeting_is_refused_for_someone_not_on_the_ledger(world, make_candidate):
    a = make_candidate()
    with pytest.raises(DomainError) as exc:
        meeting(world, a)
    assert exc.value.rules == ["R16"]
    assert "未列入2023年度拟接收预备党员预判分析台账" in str(exc.value) and "预判分析制度（韩城）" in str(exc.value)


def test_r16_branch_meeting_is_refused_until_the_final_tier_passes(world, make_candidate, submit, committee_material):
    a = make_candidate()
    entry = submit(a)
    decide(entry, 1, world.users.secretary)
    committee_material(entry)
    decide(entry, 2, world.users.committee)
    with pytest.raises(DomainError, match="尚未完成（待组织部终审）"):
        meeting(world, a)
    decide(entry, 3, world.users.department)
    assert meeting(world, a).step == 15


def test_r16_a_failed_pre_assessment_means_not_developed(world, make_candidate, submit):
    a = make_candidate()
    decide(submit(a), 1, world.users.secretary, verdict="fail")
    with pytest.raises(DomainError, match="预判分析中未通过，不予发展"):
        meeting(world, a)


def test_r16_a_pass_of_another_year_does_not_count_for_the_meeting(world, make_candidate):
    a = make_candidate()
    passed(world, a, year=2023)
    with pytest.raises(DomainError, match="未列入2024年度"):
        meeting(world, a, date=D(2024, 1, 5))


def test_r16_approval_early_next_year_accepts_the_ledger_of_the_meeting_year(world, make_candidate):
    a = make_candidate()
    passed(world, a, year=2023)
    applicant_record_step(
        applicant=a, step=15, date=D(2023, 12, 20), actor=world.users.secretary, data=MEETING, today=TODAY
    )
    applicant_record_step(
        applicant=a, step=16, date=D(2023, 12, 28), actor=world.users.committee, data={"talker": "王"}, today=TODAY
    )
    record = applicant_record_step(
        applicant=a, step=17, date=D(2024, 1, 10), actor=world.users.committee, data=COMMITTEE, today=TODAY
    )
    assert record.step == 17


def test_r16_committee_pass_needs_a_department_opinion_and_none_against(
    world, make_candidate, submit, committee_material
):
    entry = submit(make_candidate())
    decide(entry, 1, world.users.secretary)
    with pytest.raises(DomainError, match="至少1个部门"):
        decide(entry, 2, world.users.committee)
    committee_material(entry, departments=1, verdict=OpinionVerdict.DISAGREE)
    with pytest.raises(DomainError, match="出具不同意意见（有未结案件），复审不能通过"):
        decide(entry, 2, world.users.committee)
    dept = ReviewDepartment.objects.first()
    opinion_record(
        entry=entry,
        department=dept,
        verdict=OpinionVerdict.AGREE,
        opinion="已结案，无异议",
        given_on=D(2023, 6, 21),
        actor=world.users.committee,
        today=TODAY,
    )
    entry.refresh_from_db()
    review_decide(
        entry=entry,
        tier=2,
        verdict="pass",
        reason="同意",
        actor=world.users.committee,
        version=entry.version,
        decided_on=D(2023, 6, 21),
        today=TODAY,
    )  # the latest opinion of each department counts


def test_r16_refusal_is_logged_as_an_attributed_event(world, make_candidate, submit):
    entry = submit(make_candidate())
    decide(entry, 1, world.users.secretary)
    with pytest.raises(DomainError):
        decide(entry, 2, world.users.committee)
    assert entry.applicant.events.filter(
        kind="refused", actor=world.users.committee, message__contains="党委复审"
    ).exists()


# --- R17 ----------------------------------------------------------------------------------------------
def test_r17_two_new_candidate_needs_the_household_opinion_before_the_committee_passes(
    world, make_candidate, committee_material
):
    from applicants.services import applicant_transfer
    from reviews.services import ledger_submit

    # a 流动人员 (by residence, not by sector): built in a1, moved to a 非公企业 branch
    a = make_candidate(household_registration="陕西省韩城市龙门镇", is_mobile=True)
    applicant_transfer(applicant=a, date=D(2023, 6, 16), actor=world.users.committee, to_branch=world.a2)
    entry = ledger_submit(applicant=a, year=2023, actor=world.users.committee, today=TODAY)
    decide(entry, 1, world.users.department)  # three tiers, three people (SOD)
    committee_material(entry, checker=world.users.committee)
    with pytest.raises(DomainError) as exc:
        decide(entry, 2, world.users.committee)
    assert exc.value.rules == ["R17"] and "户籍所在地：陕西省韩城市龙门镇" in str(exc.value)
    household_opinion_record(
        applicant=a,
        organization_name="龙门镇东王村党支部",
        verdict=OpinionVerdict.DISAGREE,
        opinion="在村期间有违建未整改",
        given_on=ON,
        actor=world.users.committee,
        today=TODAY,
    )
    with pytest.raises(DomainError, match="出具不同意意见：在村期间有违建未整改"):
        decide(entry, 2, world.users.committee)
    household_opinion_record(
        applicant=a,
        organization_name="龙门镇东王村党支部",
        verdict=OpinionVerdict.AGREE,
        opinion="已整改，同意",
        given_on=D(2023, 6, 21),
        actor=world.users.committee,
        today=TODAY,
    )
    decide(entry, 2, world.users.committee)
    entry.refresh_from_db()
    assert entry.tier == 3


def test_r17_rural_candidates_need_no_household_opinion(world, make_candidate, submit, committee_material):
    entry = submit(make_candidate())
    decide(entry, 1, world.users.secretary)
    committee_material(entry)
    decide(entry, 2, world.users.committee)


# --- R18 ----------------------------------------------------------------------------------------------
def _to_step_16(world, a):
    passed(world, a)
    meeting(world, a)
    applicant_record_step(
        applicant=a, step=16, date=D(2023, 7, 10), actor=world.users.committee, data={"talker": "王"}, today=TODAY
    )


def test_r18_near_relative_of_village_cadres_needs_county_approval_before_step_17(world, make_candidate):
    a = make_candidate(is_cadre_relative=True)
    _to_step_16(world, a)
    with pytest.raises(DomainError) as exc:
        applicant_record_step(
            applicant=a, step=17, date=D(2023, 8, 1), actor=world.users.committee, data=COMMITTEE, today=TODAY
        )
    assert exc.value.rules == ["R18"] and "尚无县级批复记录" in str(exc.value)
    cadre_relative_approval_record(
        applicant=a,
        relation="村党支部书记之子",
        approved=False,
        document_no="韩组复〔2023〕7号",
        decided_on=D(2023, 7, 20),
        actor=world.users.department,
        today=TODAY,
    )
    with pytest.raises(DomainError, match="韩组复〔2023〕7号.*不同意发展"):
        applicant_record_step(
            applicant=a, step=17, date=D(2023, 8, 1), actor=world.users.committee, data=COMMITTEE, today=TODAY
        )
    cadre_relative_approval_record(
        applicant=a,
        relation="村党支部书记之子",
        approved=True,
        document_no="韩组复〔2023〕9号",
        decided_on=D(2023, 7, 25),
        actor=world.users.department,
        today=TODAY,
    )
    assert applicant_record_step(
        applicant=a, step=17, date=D(2023, 8, 1), actor=world.users.committee, data=COMMITTEE, today=TODAY
    )


def test_r18_only_the_department_records_the_county_approval(world, make_candidate):
    from django.core.exceptions import PermissionDenied

    a = make_candidate(until=7, is_cadre_relative=True)
    with pytest.raises(PermissionDenied):
        cadre_relative_approval_record(
            applicant=a, relation="子", approved=True, decided_on=ON, actor=world.users.committee, today=TODAY
        )


def test_r18_does_not_concern_other_candidates(world, make_candidate):
    a = make_candidate()
    _to_step_16(world, a)
    assert applicant_record_step(
        applicant=a, step=17, date=D(2023, 8, 1), actor=world.users.committee, data=COMMITTEE, today=TODAY
    )


# --- R19 ----------------------------------------------------------------------------------------------
def test_r19_a_hit_blocks_the_next_step_naming_the_item(world, make_candidate, negative_item):
    a = make_candidate(until=9)
    negative_list_check(
        applicant=a,
        hits=[negative_item],
        checked_on=D(2023, 4, 20),
        hit_notes="2019年因交通肇事被判处拘役",
        actor=world.users.secretary,
        today=TODAY,
    )
    with pytest.raises(DomainError) as exc:
        applicant_record_step(
            applicant=a,
            step=10,
            date=D(2023, 5, 1),
            actor=world.users.secretary,
            data={"conclusion": "合格", "verdict": "合格"},
            today=TODAY,
        )
    assert exc.value.rules == ["R19"] and "负面清单第5条“受到刑事处罚的”" in str(exc.value)


def test_r19_a_hit_blocks_a_review_pass_and_a_revoked_hit_no_longer_does(world, make_candidate, submit, negative_item):
    a = make_candidate()
    entry = submit(a)
    check = negative_list_check(
        applicant=a, hits=[negative_item], checked_on=ON, hit_notes="误录", actor=world.users.secretary, today=TODAY
    )
    with pytest.raises(DomainError, match="负面清单第5条"):
        decide(entry, 1, world.users.secretary)
    negative_list_hit_revoke(hit=check.hits.get(), reason="系同名人员，误录", actor=world.users.committee)
    decide(entry, 1, world.users.secretary)
    assert check.hits.get().revoked_by == world.users.committee


def test_r19_the_committee_tier_needs_a_recorded_comparison(world, make_candidate, submit):
    entry = submit(make_candidate())
    decide(entry, 1, world.users.secretary)
    opinion_record(
        entry=entry,
        department=ReviewDepartment.objects.first(),
        verdict="agree",
        opinion="",
        given_on=ON,
        actor=world.users.committee,
        today=TODAY,
    )
    with pytest.raises(DomainError) as exc:
        decide(entry, 2, world.users.committee)
    assert exc.value.rules == ["R19"] and "逐条比对" in str(exc.value)


def test_r19_a_hit_needs_a_description(world, make_candidate, negative_item):
    a = make_candidate(until=7)
    with pytest.raises(DomainError, match="须写明具体情况"):
        negative_list_check(applicant=a, hits=[negative_item], checked_on=ON, actor=world.users.secretary, today=TODAY)


def test_r17_applies_by_residence_not_by_sector(world, make_candidate, committee_material):
    """A 两新 candidate who lives and works where registered needs no 户籍所在地 opinion (was: every 两新 one)."""
    from applicants.services import applicant_transfer
    from reviews.services import ledger_submit

    a = make_candidate(household_registration="陕西省韩城市龙门镇")
    applicant_transfer(applicant=a, date=D(2023, 6, 16), actor=world.users.committee, to_branch=world.a2)
    entry = ledger_submit(applicant=a, year=2023, actor=world.users.committee, today=TODAY)
    decide(entry, 1, world.users.department)
    committee_material(entry, checker=world.users.committee)
    assert decide(entry, 2, world.users.committee).verdict == "pass"


# --- R20 ----------------------------------------------------------------------------------------------
def _step_11(world, a):
    return applicant_record_step(
        applicant=a,
        step=11,
        date=D(2023, 5, 20),
        actor=world.users.secretary,
        data={"days": 3, "hours": 24},
        today=TODAY,
    )


def test_r20_is_off_by_default(world, make_candidate):
    assert not RuleDefinition.objects.get(code="R20", version="local").enabled
    assert _step_11(world, make_candidate(until=10)).step == 11


def test_r20_when_switched_on_training_needs_every_joint_review_department(world, make_candidate):
    RuleDefinition.objects.filter(code="R20").update(enabled=True)
    ReviewDepartment.objects.exclude(name__in=["公安局", "法院"]).update(in_joint_review=False)
    a = make_candidate(until=10)
    with pytest.raises(DomainError) as exc:
        _step_11(world, a)
    assert exc.value.rules == ["R20"] and "尚缺以下部门意见：公安局、法院" in str(exc.value)
    police, court = ReviewDepartment.objects.get(name="公安局"), ReviewDepartment.objects.get(name="法院")
    opinion_record(
        applicant=a,
        purpose=OpinionPurpose.JOINT_REVIEW,
        department=police,
        verdict="agree",
        opinion="",
        given_on=D(2023, 5, 5),
        actor=world.users.committee,
        today=TODAY,
    )
    opinion_record(
        applicant=a,
        purpose=OpinionPurpose.JOINT_REVIEW,
        department=court,
        verdict="disagree",
        opinion="涉民事纠纷执行案件",
        given_on=D(2023, 5, 5),
        actor=world.users.committee,
        today=TODAY,
    )
    with pytest.raises(DomainError, match="法院于2023-05-05出具不同意意见：涉民事纠纷执行案件"):
        _step_11(world, a)
    opinion_record(
        applicant=a,
        purpose=OpinionPurpose.JOINT_REVIEW,
        department=court,
        verdict="agree",
        opinion="已履行完毕",
        given_on=D(2023, 5, 10),
        actor=world.users.committee,
        today=TODAY,
    )
    assert _step_11(world, a).step == 11


def test_r20_params_can_name_the_departments(world, make_candidate):
    RuleDefinition.objects.filter(code="R20").update(enabled=True, params={"departments": ["纪委监委"]})
    a = make_candidate(until=10)
    with pytest.raises(DomainError, match="尚缺以下部门意见：纪委监委$"):
        _step_11(world, a)


def test_seeded_rules_and_lists_exist(db):
    codes = dict(
        RuleDefinition.objects.filter(code__in=["R16", "R17", "R18", "R19", "R20"], version="local").values_list(
            "code", "kind"
        )
    )
    assert codes == {"R16": "hard", "R17": "hard", "R18": "hard", "R19": "hard", "R20": "hard"}
    from reviews.models import NegativeListItem

    assert NegativeListItem.objects.filter(is_active=True).count() == 25
    assert (
        ReviewDepartment.objects.filter(
            name__in=["纪委监委", "公安局", "统战部", "政法委", "信访局", "检察院", "法院"]
        ).count()
        == 7
    )


def test_full_pipeline_record_keeps_ledger_entry(world, make_candidate):
    a = make_candidate(until=14)
    run_steps(world, a, until=17)
    assert LedgerEntry.objects.get(applicant=a).status == "passed"
