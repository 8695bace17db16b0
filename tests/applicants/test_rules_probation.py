"""R13 (one year of probation, one extension of 6–12 months), R14 (conversion not before the end),
R15 (党龄 from the probation end date)."""

import datetime as dt

import pytest

from applicants.models import ApplicantStatus, ProbationChange, StepRecord
from recruitment.errors import DomainError

from .pipeline import advance, attempt, new_applicant

D = dt.date
MEETING = D(2023, 7, 1)


def probationer(world, meeting=MEETING):
    """A probationary member whose step-15 meeting was on ``meeting`` and who applied to convert."""
    a = advance(
        world,
        new_applicant(world),
        until=22,
        dates={
            15: meeting,
            16: meeting + dt.timedelta(days=5),
            17: meeting + dt.timedelta(days=20),
            18: meeting + dt.timedelta(days=25),
            19: meeting + dt.timedelta(days=30),
            20: meeting + dt.timedelta(days=31),
            21: meeting + dt.timedelta(days=200),
            22: meeting + dt.timedelta(days=340),  # R22: within a month of the end of probation
        },
    )
    assert (
        a.probation_end == meeting.replace(year=meeting.year + 1) if (meeting.month, meeting.day) != (2, 29) else True
    )
    return a


def extension(months, reason="思想认识仍需提高"):
    return {
        "expected_voters": 10,
        "attending_voters": 8,
        "yes_votes": 8,
        "decision": "延长预备期",
        "extension_months": months,
        "reason": reason,
    }


# --- R13 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("months, accepted", [(5, False), (6, True), (12, True), (13, False)])
def test_probation_may_be_extended_by_6_to_12_months(world, months, accepted):
    a = probationer(world)
    if not accepted:
        with pytest.raises(DomainError) as exc:
            attempt(world, a, 23, D(2024, 7, 1), extension(months))
        assert (
            exc.value.rules == ["R13"]
            and "R13 细则（2014）第三十二条" in str(exc.value)
            and "6至12个月" in str(exc.value)
        )
        a.refresh_from_db()
        assert a.probation_end == D(2024, 7, 1) and not a.probation_extended
        return
    assert attempt(world, a, 23, D(2024, 7, 1), extension(months)) is None
    a.refresh_from_db()
    new_end = D(2025, 1, 1) if months == 6 else D(2025, 7, 1)
    assert a.probation_extended and a.probation_end == new_end and a.current_step == 22
    assert not StepRecord.objects.filter(applicant=a, step=23).exists()
    assert ProbationChange.objects.get(applicant=a).new_end == new_end


def test_probation_cannot_be_extended_a_second_time(world):
    a = probationer(world)
    attempt(world, a, 23, D(2024, 7, 1), extension(6))
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 23, D(2025, 1, 1), extension(6))
    assert exc.value.rules == ["R13"] and "只能延长一次" in str(exc.value)
    assert ProbationChange.objects.filter(applicant=a).count() == 1


def test_after_an_extension_conversion_waits_for_the_new_end(world):
    a = probationer(world)
    attempt(world, a, 23, D(2024, 7, 1), extension(6))
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 23, D(2024, 12, 31))
    assert exc.value.rules == ["R14"] and "还差 1 天" in str(exc.value)
    attempt(world, a, 23, D(2025, 1, 1))
    a.refresh_from_db()
    assert a.current_step == 23 and a.conversion_meeting_on == D(2025, 1, 1)


# --- R14 ------------------------------------------------------------------------------------------
def test_conversion_meeting_one_day_before_the_end_of_probation_is_refused(world):
    a = probationer(world)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 23, D(2024, 6, 30))
    assert (
        exc.value.rules == ["R14"]
        and "R14 细则（2014）第三十二条、第三十三条" in str(exc.value)
        and "还差 1 天" in str(exc.value)
    )


def test_conversion_meeting_on_the_day_probation_ends_is_accepted(world):
    a = probationer(world)
    attempt(world, a, 23, D(2024, 7, 1))
    a.refresh_from_db()
    assert a.conversion_meeting_on == D(2024, 7, 1)


def test_probation_from_29_february_ends_on_1_march(world):
    a = probationer(world, meeting=D(2024, 2, 29))
    assert a.probation_end == D(2025, 3, 1)
    with pytest.raises(DomainError):
        attempt(world, a, 23, D(2025, 2, 28))
    attempt(world, a, 23, D(2025, 3, 1))


def test_cancellation_may_be_decided_before_the_end_of_probation(world):
    a = probationer(world)
    attempt(
        world,
        a,
        23,
        D(2024, 6, 10),  # after the conversion request (R22), before the end of probation
        {
            "expected_voters": 10,
            "attending_voters": 8,
            "yes_votes": 8,
            "decision": "取消预备党员资格",
            "reason": "不履行党员义务",
        },
    )
    a.refresh_from_db()
    assert a.status == ApplicantStatus.CANCELLED and not a.member.is_active


# --- R15 ------------------------------------------------------------------------------------------
def test_party_standing_counts_from_the_probation_end_date(world):
    a = probationer(world)
    advance(world, a, until=24, dates={23: D(2024, 7, 10), 24: D(2024, 8, 1)})
    a.member.refresh_from_db()
    assert a.member.status == "正式党员" and a.member.full_member_since == D(2024, 7, 1) == a.party_standing_from


def test_party_standing_after_an_extension_counts_from_the_extended_end(world):
    a = probationer(world)
    attempt(world, a, 23, D(2024, 7, 1), extension(6))
    advance(world, a, until=24, dates={23: D(2025, 1, 2), 24: D(2025, 2, 1)})
    a.member.refresh_from_db()
    assert a.member.full_member_since == D(2025, 1, 1)
