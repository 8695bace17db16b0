"""R4 (one or two 正式党员 as contacts), R5 (half-yearly assessments), R6 (one year as activist)."""

import datetime as dt

import pytest

from applicants.models import ApplicantPerson, StepRecord
from applicants.services import applicant_add_assessment, applicant_transfer
from recruitment.errors import DomainError
from tests.factories import PartyMemberFactory

from .pipeline import TODAY, advance, attempt, new_applicant

D = dt.date


# --- R4 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("names", [["full1"], ["full1", "full2"]])
def test_one_or_two_full_members_may_be_contacts(world, names):
    a = advance(world, new_applicant(world), until=4)
    attempt(world, a, 5, a.last_step_on, {"contacts": [getattr(world.members, n).pk for n in names]})
    assert ApplicantPerson.objects.filter(applicant=a, role="contact").count() == len(names)


@pytest.mark.parametrize(
    "names, expected",
    [
        ([], "当前 0 名"),
        (["full1", "full2", "full3"], "当前 3 名"),
        (["full1", "probationary"], "预备丁是预备党员"),
    ],
)
def test_contacts_outside_one_or_two_full_members_are_refused(world, names, expected):
    a = advance(world, new_applicant(world), until=4)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 5, a.last_step_on, {"contacts": [getattr(world.members, n).pk for n in names]})
    assert set(exc.value.rules) == {"R4"} and "R4 细则（2014）第九条" in str(exc.value) and expected in str(exc.value)
    assert not StepRecord.objects.filter(applicant=a, step=5).exists()


def test_a_member_no_longer_on_the_register_cannot_be_a_contact(world):
    gone = PartyMemberFactory(name="离册庚", branch=world.a1, is_active=False)
    a = advance(world, new_applicant(world), until=4)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 5, a.last_step_on, {"contacts": [gone.pk]})
    assert "不在册人员" in str(exc.value)


# --- R5 -------------------------------------------------------------------------------------------
def test_candidate_without_half_yearly_assessments_gets_an_r5_warning(world):
    a = advance(world, new_applicant(world), until=6, dates={3: D(2022, 4, 1), 6: D(2023, 3, 1)})
    record = attempt(world, a, 7, D(2023, 4, 1))
    assert [w["rule"] for w in record.warnings] == ["R5"] and "缺少 2 次" in record.warnings[0]["message"]


def test_candidate_assessed_every_half_year_has_no_r5_warning(world):
    a = advance(world, new_applicant(world), until=6, dates={3: D(2022, 4, 1), 6: D(2023, 3, 1)})
    for day in (D(2022, 10, 1), D(2023, 4, 1)):  # the last day of each half year counts
        applicant_add_assessment(applicant=a, date=day, result="好", actor=world.users.secretary, today=TODAY)
    assert attempt(world, a, 7, D(2023, 4, 1)).warnings == []


# --- R6 -------------------------------------------------------------------------------------------
def test_candidate_one_day_before_the_anniversary_is_refused_with_days_missing(world):
    a = advance(world, new_applicant(world), until=6, dates={3: D(2022, 4, 1), 6: D(2023, 3, 1)})
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 7, D(2023, 3, 31))
    assert exc.value.rules == ["R6"] and "R6 细则（2014）第十三条" in str(exc.value) and "还差 1 天" in str(exc.value)
    a.refresh_from_db()
    assert a.current_step == 6 and a.candidate_on is None


@pytest.mark.parametrize("day", [D(2023, 4, 1), D(2023, 4, 2)])
def test_candidate_on_or_after_the_anniversary_is_accepted(world, day):
    a = advance(world, new_applicant(world), until=6, dates={3: D(2022, 4, 1), 6: D(2023, 3, 1)})
    attempt(world, a, 7, day)
    a.refresh_from_db()
    assert a.current_step == 7 and a.candidate_on == day


def test_activist_of_29_february_becomes_eligible_on_1_march_next_year(world):
    a = advance(
        world,
        new_applicant(world, applied=D(2024, 1, 10)),
        until=6,
        dates={2: D(2024, 2, 1), 3: D(2024, 2, 29), 4: D(2024, 3, 5), 5: D(2024, 3, 10), 6: D(2025, 2, 1)},
    )
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 7, D(2025, 2, 28))
    assert "R6" in exc.value.rules and "2025-03-01起" in str(exc.value) and "还差 1 天" in str(exc.value)
    attempt(world, a, 7, D(2025, 3, 1))
    a.refresh_from_db()
    assert a.candidate_on == D(2025, 3, 1)


def test_activist_time_before_a_transfer_counts(world):
    a = advance(world, new_applicant(world), until=6, dates={3: D(2022, 4, 1), 6: D(2023, 3, 1)})
    applicant_transfer(
        applicant=a, date=D(2023, 3, 10), actor=world.users.committee, to_branch=world.a2, reason="工作调动"
    )
    attempt(world, a, 7, D(2023, 4, 1), actor=world.users.committee)
    a.refresh_from_db()
    assert a.branch == world.a2 and a.candidate_on == D(2023, 4, 1)
