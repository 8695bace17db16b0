"""R1 (age 18 on the application date), R2 (talk within one calendar month), R3 (order, dates)."""

import datetime as dt

import pytest

from applicants.models import Applicant, StepRecord
from recruitment.errors import DomainError

from .pipeline import TODAY, advance, attempt, new_applicant

D = dt.date


# --- R1 -------------------------------------------------------------------------------------------
def test_applicant_one_day_short_of_eighteen_is_refused_naming_rule_and_days(world):
    with pytest.raises(DomainError) as exc:
        new_applicant(world, birth=D(2004, 5, 10), applied=D(2022, 5, 9))
    assert exc.value.rules == ["R1"]
    assert "R1 细则（2014）第五条" in str(exc.value) and "还差 1 天" in str(exc.value)
    assert not Applicant.objects.exists()


@pytest.mark.parametrize("applied", [D(2022, 5, 10), D(2022, 5, 11)])
def test_applicant_may_apply_on_and_after_the_eighteenth_birthday(world, applied):
    a = new_applicant(world, birth=D(2004, 5, 10), applied=applied)
    assert a.current_step == 1 and a.applied_on == applied


def test_born_on_29_february_is_not_eighteen_on_28_february_of_a_common_year(world):
    with pytest.raises(DomainError) as exc:
        new_applicant(world, birth=D(2004, 2, 29), applied=D(2022, 2, 28))
    assert "R1" in exc.value.rules and "2022-03-01年满18周岁" in str(exc.value) and "还差 1 天" in str(exc.value)


def test_born_on_29_february_turns_eighteen_on_1_march_of_a_common_year(world):
    assert new_applicant(world, birth=D(2004, 2, 29), applied=D(2022, 3, 1)).current_step == 1


# --- R2 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "applied, talk, late_days",
    [
        (D(2022, 1, 10), D(2022, 2, 9), None),
        (D(2022, 1, 10), D(2022, 2, 10), None),  # exactly one calendar month: still in time
        (D(2022, 1, 10), D(2022, 2, 11), 1),
        (D(2023, 1, 31), D(2023, 2, 28), None),  # 31 Jan + 1 month = 28 Feb in a common year
        (D(2023, 1, 31), D(2023, 3, 1), 1),
        (D(2024, 1, 31), D(2024, 2, 29), None),  # … and 29 Feb in a leap year
        (D(2024, 1, 31), D(2024, 3, 1), 1),
    ],
)
def test_talk_later_than_one_calendar_month_is_recorded_with_an_r2_warning(world, applied, talk, late_days):
    a = new_applicant(world, applied=applied)
    record = attempt(world, a, 2, talk)
    a.refresh_from_db()
    assert a.current_step == 2 and a.talked_on == talk
    if late_days is None:
        assert record.warnings == []
    else:
        assert [w["rule"] for w in record.warnings] == ["R2"]
        assert (
            "R2 细则（2014）第七条" in record.warnings[0]["message"]
            and f"已超期 {late_days} 天" in record.warnings[0]["message"]
        )


# --- R3 -------------------------------------------------------------------------------------------
def test_a_step_cannot_be_skipped(world):
    a = new_applicant(world)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 3, D(2022, 3, 1))
    assert exc.value.rules == ["R3"] and "须按程序先完成第2步" in str(exc.value)
    assert StepRecord.objects.filter(applicant=a).count() == 1


def test_a_completed_step_cannot_be_recorded_twice(world):
    a = advance(world, new_applicant(world), until=2)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 2, D(2022, 2, 5))
    assert "R3" in exc.value.rules and "已经完成" in str(exc.value)


def test_a_date_one_day_before_the_previous_step_is_refused_and_the_same_day_is_allowed(world):
    a = advance(world, new_applicant(world), until=2, dates={2: D(2022, 2, 1)})
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 3, D(2022, 1, 31))
    assert exc.value.rules == ["R3"] and "早于上一步骤日期 2022-02-01" in str(exc.value)
    attempt(world, a, 3, D(2022, 2, 1))
    a.refresh_from_db()
    assert a.current_step == 3 and a.activist_on == D(2022, 2, 1)


def test_a_date_after_today_is_refused_and_today_is_allowed(world):
    a = new_applicant(world, applied=TODAY - dt.timedelta(days=10))
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 2, TODAY + dt.timedelta(days=1))
    assert exc.value.rules == ["R3"] and "晚于今天" in str(exc.value)
    attempt(world, a, 2, TODAY)
    a.refresh_from_db()
    assert a.talked_on == TODAY
