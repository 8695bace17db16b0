"""R7 (two 正式党员 introducers), R8 (political review conclusion), R9 (training ≥ 3 days or 24 学时)."""

import datetime as dt

import pytest

from applicants.models import ApplicantPerson, StepRecord
from recruitment.errors import DomainError

from .pipeline import advance, attempt, new_applicant

D = dt.date


def at_step(world, n):
    return advance(world, new_applicant(world), until=n)


# --- R7 -------------------------------------------------------------------------------------------
def test_two_full_members_are_accepted_as_introducers(world):
    a = at_step(world, 8)
    attempt(world, a, 9, a.last_step_on, {"introducers": [world.members.full1.pk, world.members.full2.pk]})
    assert ApplicantPerson.objects.filter(applicant=a, role="introducer").count() == 2


@pytest.mark.parametrize(
    "names, expected",
    [
        (["full1"], "当前 1 名"),
        (["full1", "full1"], "须有2名不同的入党介绍人"),
        (["full1", "probationary"], "预备丁是预备党员"),
        (["full1", "watched"], "受留党察看处分"),
        (["full1", "full2", "full3"], "当前 3 名"),
    ],
)
def test_introducers_other_than_two_distinct_full_members_are_refused(world, names, expected):
    a = at_step(world, 8)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 9, a.last_step_on, {"introducers": [getattr(world.members, n).pk for n in names]})
    assert set(exc.value.rules) == {"R7"} and "R7 细则（2014）第十四条" in str(exc.value) and expected in str(exc.value)
    assert not StepRecord.objects.filter(applicant=a, step=9).exists()
    assert not ApplicantPerson.objects.filter(applicant=a, role="introducer").exists()


def test_a_member_of_another_committee_cannot_be_chosen(world):
    a = at_step(world, 8)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 9, a.last_step_on, {"introducers": [world.members.full1.pk, world.members.other_branch.pk]})
    assert "INPUT" in exc.value.rules and "不在本党委所属党员名册中" in str(exc.value)


# --- R8 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "data, expected",
    [
        ({"conclusion": "", "verdict": "合格"}, "必须形成书面结论"),
        ({"conclusion": "材料齐全", "verdict": ""}, "请选择政治审查结论"),
    ],
)
def test_political_review_without_a_written_conclusion_is_refused(world, data, expected):
    a = at_step(world, 9)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 10, a.last_step_on, data)
    assert exc.value.rules == ["R8"] and "R8 细则（2014）第十六条" in str(exc.value) and expected in str(exc.value)


def test_a_failed_political_review_is_recorded_but_stops_the_pipeline(world):
    a = at_step(world, 9)
    attempt(world, a, 10, a.last_step_on, {"conclusion": "存在负面清单情形", "verdict": "不合格"})
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 11, a.last_step_on)
    assert exc.value.rules == ["R8"] and "不合格" in str(exc.value)
    a.refresh_from_db()
    assert a.current_step == 10


# --- R9 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("training", [{"days": 2, "hours": "23.5"}, {"days": 2, "hours": 0}])
def test_less_than_three_days_and_24_hours_of_training_is_refused_at_the_branch_review(world, training):
    a = at_step(world, 10)
    attempt(world, a, 11, a.last_step_on, training)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 12, a.last_step_on)
    assert exc.value.rules == ["R9"] and "R9 细则（2014）第十七条" in str(exc.value)
    missing = 24 - float(training["hours"])
    assert f"还差 {missing:g} 学时" in str(exc.value)


@pytest.mark.parametrize(
    "training", [{"days": 0, "hours": 24}, {"days": 3, "hours": 0}, {"days": "2.5", "hours": "24.5"}]
)
def test_three_days_or_24_hours_of_training_is_enough(world, training):
    a = at_step(world, 10)
    attempt(world, a, 11, a.last_step_on, training)
    assert attempt(world, a, 12, a.last_step_on).warnings == []


def test_training_short_with_a_recorded_exception_reason_passes_with_a_warning(world):
    a = at_step(world, 10)
    attempt(world, a, 11, a.last_step_on, {"days": 1, "hours": 8, "exception_reason": "驻外项目，经党委批准线上补学"})
    record = attempt(world, a, 12, a.last_step_on)
    assert [w["rule"] for w in record.warnings] == ["R9"] and "驻外项目" in record.warnings[0]["message"]
