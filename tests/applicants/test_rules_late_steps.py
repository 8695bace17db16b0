"""R21 (the committee's collective decision), R22 (probation steps keep their place), R23 (a complete
archive before filing) and R24 (identity changes re-judge the recorded steps), at their boundaries."""

import datetime as dt

import pytest

from applicants.models import Applicant, ArchiveExemption
from applicants.services import applicant_update, archive_exempt
from recruitment.errors import DomainError

from .pipeline import advance, attempt, new_applicant

D = dt.date
REQUIRED = [
    "入党申请书",
    "入党积极分子培养考察登记表",
    "政治审查材料",
    "入党志愿书",
    "预备党员教育考察登记表",
    "转正申请书",
]


# --- R21 ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "expected, attending, yes, refused_field",
    [
        (7, 3, 3, "attending"),  # 3 of 7 present: not more than half
        (8, 4, 4, "attending"),  # exactly half present → refused
        (8, 5, 4, "yes"),  # exactly half voting yes → refused
        (8, 5, 5, None),  # more than half present and in favour
    ],
)
def test_committee_approval_needs_more_than_half_present_and_in_favour(world, expected, attending, yes, refused_field):
    a = advance(world, new_applicant(world), until=16)
    votes = {"expected": expected, "attending": attending, "yes": yes}
    if refused_field is None:
        record = attempt(world, a, 17, a.last_step_on, votes)
        assert record.data["expected"] == expected and record.data["yes"] == yes
        return
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 17, a.last_step_on, votes)
    assert set(exc.value.rules) == {"R21"} and exc.value.violations[0].field == refused_field


def test_committee_approval_with_no_vote_numbers_is_refused(world):
    a = advance(world, new_applicant(world), until=16)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 17, a.last_step_on, {})
    assert exc.value.rules == ["R21"] and "请填写党委会应到会委员数" in str(exc.value)


def test_a_refusal_needs_a_quorum_but_no_majority_in_favour(world):
    a = advance(world, new_applicant(world), until=16)
    attempt(
        world, a, 17, a.last_step_on, {"verdict": "不批准", "reason": "未过半", "expected": 7, "attending": 5, "yes": 2}
    )
    a.refresh_from_db()
    assert a.status == "not_developed"


# --- R22 ------------------------------------------------------------------------------------------------
def probationer(world):
    return advance(world, new_applicant(world), until=21, dates={15: D(2023, 7, 1), 21: D(2024, 5, 20)})


@pytest.mark.parametrize("day, refused", [(D(2024, 5, 31), True), (D(2024, 6, 1), False)])
def test_the_conversion_request_comes_at_the_earliest_one_month_before_probation_ends(world, day, refused):
    a = probationer(world)
    assert a.probation_end == D(2024, 7, 1)
    if refused:
        with pytest.raises(DomainError) as exc:
            attempt(world, a, 22, day)
        assert exc.value.rules == ["R22"] and "2024-06-01起可提出" in str(exc.value)
    else:
        attempt(world, a, 22, day)


def test_steps_17_to_22_on_one_day_are_refused_at_the_conversion_request(world):
    a = advance(world, new_applicant(world), until=16, dates={15: D(2023, 7, 1)})
    day = D(2023, 7, 20)
    for n in (17, 18, 19, 20, 21):
        attempt(world, a, n, day)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 22, day)
    assert exc.value.rules == ["R22"]


def test_probation_education_without_any_assessment_is_flagged(world):
    a = advance(world, new_applicant(world), until=20, dates={15: D(2023, 7, 1)})
    record = attempt(world, a, 21, D(2024, 2, 1))
    assert "R22" in [w["rule"] for w in record.warnings]


# --- R23 ------------------------------------------------------------------------------------------------
def test_filing_the_archive_with_materials_missing_is_refused_naming_them(world):
    a = advance(world, new_applicant(world), until=24)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 25, a.last_step_on)
    assert exc.value.rules == ["R23"] and "入党志愿书" in str(exc.value)


def test_each_missing_material_may_be_exempted_with_a_reason_then_the_archive_is_filed(world):
    a = advance(world, new_applicant(world), until=24)
    for kind in REQUIRED[:-1]:
        archive_exempt(applicant=a, kind=kind, reason="原件在人事档案", actor=world.users.secretary)
    with pytest.raises(DomainError, match="缺：转正申请书"):
        attempt(world, a, 25, a.last_step_on)
    with pytest.raises(DomainError, match="请填写免交理由"):
        archive_exempt(applicant=a, kind=REQUIRED[-1], reason=" ", actor=world.users.secretary)
    archive_exempt(applicant=a, kind=REQUIRED[-1], reason="本人书面申请遗失，已补写", actor=world.users.secretary)
    attempt(world, a, 25, a.last_step_on)
    a.refresh_from_db()
    assert a.status == "member" and ArchiveExemption.objects.filter(applicant=a).count() == len(REQUIRED)


# --- R24 ------------------------------------------------------------------------------------------------
def test_editing_the_birth_date_so_that_the_application_was_at_17_is_refused(world):
    from recruitment.idcard import make_id_number

    a = new_applicant(world, birth=D(1995, 3, 10), applied=D(2022, 1, 10))
    younger = D(2004, 1, 11)  # 17 on 2022-01-10
    with pytest.raises(DomainError) as exc:
        applicant_update(
            applicant=a, actor=world.users.secretary, birth_date=younger, id_number=make_id_number(younger, "男")
        )
    assert exc.value.rules == ["R24"] and "R1" in str(exc.value)
    assert Applicant.objects.get(pk=a.pk).birth_date == D(1995, 3, 10)
    older = D(2004, 1, 10)  # 18 on the day
    applicant_update(applicant=a, actor=world.users.secretary, birth_date=older, id_number=make_id_number(older, "男"))
    assert Applicant.objects.get(pk=a.pk).birth_date == older
