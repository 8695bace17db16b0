"""A person goes through all 25 steps with the service; the state follows."""

import datetime as dt

import pytest

from applicants.models import ApplicantStatus, Event, StepRecord
from applicants.services import applicant_add_assessment, applicant_create, applicant_record_step, archive_exempt
from recruitment.errors import DomainError
from recruitment.idcard import make_id_number

D = dt.date
BIRTH, APPLIED = D(1995, 3, 10), D(2022, 1, 10)


def make_applicant(world, birth=BIRTH, gender="男", applied=APPLIED, **kw):
    return applicant_create(
        actor=world.users.secretary,
        branch=world.a1,
        applied_on=applied,
        today=D(2026, 11, 22),
        name=kw.pop("name", "张三"),
        gender=gender,
        birth_date=birth,
        id_number=make_id_number(birth, gender),
        education="大学本科",
        occupation="农牧渔民",
        **kw,
    )


COMMITTEE_VOTES = {"expected": 7, "attending": 6, "yes": 6}  # R21: the committee's meeting
ARCHIVE_REQUIRED = [
    "入党申请书",
    "入党积极分子培养考察登记表",
    "政治审查材料",
    "入党志愿书",
    "预备党员教育考察登记表",
    "转正申请书",
]


def run_steps(world, a, until=25):
    u = world.users
    secretary, committee, dept = u.secretary, u.committee, u.department
    m = world.members
    plan = {
        2: (D(2022, 2, 1), secretary, {"talker": "李书记"}),
        3: (D(2022, 4, 1), secretary, {"recommendation": "党员推荐"}),
        4: (D(2022, 4, 10), committee, {}),
        5: (D(2022, 4, 15), secretary, {"contacts": [m.full1.pk, m.full2.pk]}),
        6: (D(2023, 4, 2), secretary, {}),
        7: (D(2023, 4, 3), secretary, {}),
        8: (D(2023, 4, 10), committee, {}),
        9: (D(2023, 4, 15), secretary, {"introducers": [m.full1.pk, m.full3.pk]}),
        10: (D(2023, 5, 1), secretary, {"conclusion": "政治合格", "verdict": "合格"}),
        11: (D(2023, 5, 20), secretary, {"days": 3, "hours": 24}),
        12: (D(2023, 6, 1), secretary, {}),
        13: (D(2023, 6, 10), committee, {}),
        14: (D(2023, 6, 15), secretary, {}),
        15: (D(2023, 7, 1), secretary, {"expected_voters": 10, "attending_voters": 8, "yes_votes": 8}),
        16: (D(2023, 7, 10), committee, {"talker": "王委员"}),
        17: (D(2023, 8, 1), committee, COMMITTEE_VOTES),
        18: (D(2023, 8, 10), dept, {}),
        19: (D(2023, 8, 15), secretary, {"group": "第一党小组"}),
        20: (D(2023, 8, 20), secretary, {}),
        21: (D(2024, 6, 1), secretary, {}),
        22: (D(2024, 6, 15), secretary, {}),
        23: (D(2024, 7, 1), secretary, {"expected_voters": 10, "attending_voters": 6, "yes_votes": 6}),
        24: (D(2024, 8, 1), committee, COMMITTEE_VOTES),
        25: (D(2024, 8, 20), secretary, {}),
    }
    for n in range(a.current_step + 1, until + 1):
        date, actor, data = plan[n]
        if n in (7, 21):
            since = a.activist_on if n == 7 else a.branch_meeting_on
            d = since
            while (d := D(d.year + (d.month + 6 > 12), (d.month + 5) % 12 + 1, min(d.day, 28))) <= date:
                applicant_add_assessment(applicant=a, date=d, result="好", actor=secretary, today=D(2026, 11, 22))
        if n == 15:  # R16: the three-tier pre-assessment must have passed first
            from demo.reviews import pass_pre_assessment

            pass_pre_assessment(
                applicant=a,
                year=2023,
                on=D(2023, 6, 20),
                branch_user=secretary,
                committee_user=committee,
                department_user=dept,
                today=D(2026, 11, 22),
            )
        if n == 25:  # R23: the archive's required materials, here each exempted with a reason
            for kind in ARCHIVE_REQUIRED:
                archive_exempt(applicant=a, kind=kind, reason="纸质原件在人事档案中，已核对", actor=secretary)
        applicant_record_step(applicant=a, step=n, date=date, actor=actor, data=data, today=D(2026, 11, 22))
    return a


def test_applicant_goes_through_all_25_steps(world):
    a = make_applicant(world)
    assert a.current_step == 1 and a.applied_on == D(2022, 1, 10)
    run_steps(world, a)
    a.refresh_from_db()
    assert a.status == ApplicantStatus.MEMBER and a.current_step == 25
    assert a.admitted_on == D(2023, 8, 1) and a.admitted_sector == "农村（社区）" and a.admitted_age == 28
    assert a.probation_end == D(2024, 7, 1)
    assert a.member.status == "正式党员" and a.member.full_member_since == D(2024, 7, 1)
    assert StepRecord.objects.filter(applicant=a).count() == 25
    assert all(r.actor_id for r in StepRecord.objects.filter(applicant=a))
    assert not StepRecord.objects.filter(applicant=a).exclude(warnings=[]).exists()


def test_refusal_names_rule_and_writes_nothing_but_an_event(world):
    a = make_applicant(world)
    run_steps(world, a, until=6)
    with pytest.raises(DomainError) as exc:
        applicant_record_step(
            applicant=a, step=7, date=D(2023, 3, 1), actor=world.users.secretary, today=D(2026, 11, 22)
        )
    assert "R6 细则（2014）第十三条" in str(exc.value) and "还差 31 天" in str(exc.value)
    a.refresh_from_db()
    assert a.current_step == 6 and a.candidate_on is None
    assert Event.objects.filter(applicant=a, kind="refused", step=7).exists()
