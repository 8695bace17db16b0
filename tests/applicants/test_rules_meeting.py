"""R10 (leaving the unit), R11 (branch meeting quorum and majority), R12 (approval within 3, at most 6 months)."""

import datetime as dt

import pytest

from applicants.models import StepRecord
from recruitment.errors import DomainError

from .pipeline import advance, attempt, new_applicant

D = dt.date


def at_step(world, n, **dates):
    return advance(world, new_applicant(world), until=n, dates={int(k[1:]): v for k, v in dates.items()})


COMMITTEE = {"expected": 7, "attending": 6, "yes": 6}  # the committee's meeting (R21)


def votes(expected, attending, yes, **extra):
    return {"expected_voters": expected, "attending_voters": attending, "yes_votes": yes, **extra}


# --- R10 ------------------------------------------------------------------------------------------
def test_candidate_leaving_the_unit_soon_is_admitted_with_an_r10_warning(world):
    a = at_step(world, 14)
    record = attempt(world, a, 15, a.last_step_on, votes(10, 8, 8, leaving_unit_soon=True))
    assert [w["rule"] for w in record.warnings] == ["R10"]


# --- R11 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("step", [15, 23])
@pytest.mark.parametrize(
    "expected, attending, yes, refused_field",
    [
        (10, 5, 5, "attending_voters"),  # exactly half attending → refused
        (10, 6, 5, "yes_votes"),  # exactly half of the expected voters say yes → refused
        (10, 6, 6, None),  # one more than half → accepted
        (9, 5, 5, None),  # odd: 5 of 9 is a majority
        (9, 4, 4, "attending_voters"),
        (10, 11, 6, "attending_voters"),  # more attending than expected
        (10, 6, 7, "yes_votes"),  # more votes than people present
    ],
)
def test_branch_meeting_needs_more_than_half_attending_and_voting_yes(
    world, step, expected, attending, yes, refused_field
):
    a = at_step(world, step - 1)
    data = votes(expected, attending, yes)
    if refused_field is None:
        attempt(world, a, step, a.last_step_on + dt.timedelta(days=40), data)
        assert StepRecord.objects.filter(applicant=a, step=step).exists()
        return
    with pytest.raises(DomainError) as exc:
        attempt(world, a, step, a.last_step_on + dt.timedelta(days=40), data)
    assert set(exc.value.rules) == {"R11"} and "R11 细则（2014）第二十条、第二十一条" in str(exc.value)
    assert refused_field in {v.field for v in exc.value.violations}
    assert not StepRecord.objects.filter(applicant=a, step=step).exists()


def test_branch_meeting_without_vote_counts_is_refused(world):
    a = at_step(world, 14)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 15, a.last_step_on, {})
    assert exc.value.rules == ["R11"] and "请填写" in str(exc.value)


# --- R12 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "approved, outcome",
    [
        (D(2023, 10, 1), "ok"),  # exactly 3 months after the meeting
        (D(2023, 10, 2), "warn"),  # 3 months + 1 day: allowed with a warning
        (D(2024, 1, 1), "warn"),  # exactly 6 months: still allowed
        (D(2024, 1, 2), "refused"),  # past 6 months: refused
    ],
)
def test_approval_after_3_months_warns_and_after_6_is_refused(world, approved, outcome):
    a = at_step(world, 16, s15=D(2023, 7, 1), s16=D(2023, 7, 5))
    if outcome == "refused":
        with pytest.raises(DomainError) as exc:
            attempt(world, a, 17, approved)
        assert (
            exc.value.rules == ["R12"]
            and "R12 细则（2014）第二十六条、第三十四条" in str(exc.value)
            and "已超出 1 天" in str(exc.value)
        )
        a.refresh_from_db()
        assert a.admitted_on is None and a.member is None
        return
    record = attempt(world, a, 17, approved)
    assert [w["rule"] for w in record.warnings] == ([] if outcome == "ok" else ["R12"])
    if outcome == "warn":
        assert "须记录特殊原因" in record.warnings[0]["message"]


def test_approval_past_3_months_with_a_recorded_special_reason_is_not_flagged(world):
    """R12 (corrected 2026-11-30): the warning is for a late approval *without* a recorded reason."""
    a = at_step(world, 16, s15=D(2023, 7, 1), s16=D(2023, 7, 5))
    record = attempt(world, a, 17, D(2023, 10, 2), {"special_reason": "待县委组织部统一审批", **COMMITTEE})
    assert record.warnings == [] and record.data["special_reason"] == "待县委组织部统一审批"


def test_conversion_approval_past_3_months_warns_that_the_text_allows_no_extension(world):
    a = at_step(world, 23, s15=D(2023, 7, 1), s23=D(2024, 7, 10))
    record = attempt(world, a, 24, D(2024, 10, 11), {"special_reason": "党委会延期", **COMMITTEE})
    assert [w["rule"] for w in record.warnings] == ["R12"] and "未规定延长" in record.warnings[0]["message"]


def test_conversion_approval_is_judged_from_the_conversion_meeting(world):
    a = at_step(world, 23, s15=D(2023, 7, 1), s23=D(2024, 7, 10))
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 24, D(2025, 1, 11))
    assert exc.value.rules == ["R12"] and "支部大会 2024-07-10" in str(exc.value)
    record = attempt(world, a, 24, D(2024, 10, 10))
    assert record.warnings == []


# --- R11 as corrected: written opinions, exclusions, the method ------------------------------------------
@pytest.mark.parametrize("written_yes, refused", [(1, True), (2, False)])
def test_written_opinions_before_the_meeting_count_among_the_votes(world, written_yes, refused):
    """10 expected, 6 present, 4 yes: with 1 written yes that is 5 of 10 (exactly half, refused), with 2 it is 6."""
    a = at_step(world, 14)
    data = votes(10, 6, 4, no_votes=2, written_yes=written_yes)
    if refused:
        with pytest.raises(DomainError) as exc:
            attempt(world, a, 15, a.last_step_on, data)
        assert exc.value.rules == ["R11"] and "会前书面意见赞成 1 份" in str(exc.value)
    else:
        record = attempt(world, a, 15, a.last_step_on, data)
        assert record.data["written_yes"] == 2


def test_written_opinions_cannot_outnumber_the_absent_members(world):
    a = at_step(world, 14)
    with pytest.raises(DomainError, match="多于未到会的有表决权党员 2 人"):
        attempt(world, a, 15, a.last_step_on, votes(10, 8, 6, written_yes=3))


def test_members_left_out_of_the_expected_count_need_who_and_why(world):
    a = at_step(world, 14)
    with pytest.raises(DomainError, match="须写明是谁"):
        attempt(world, a, 15, a.last_step_on, votes(9, 6, 6, excluded=1))
    record = attempt(world, a, 15, a.last_step_on, votes(9, 6, 6, excluded=1, excluded_reason="李某，出国一年以上"))
    assert record.data["excluded"] == 1


@pytest.mark.parametrize("meeting, refused", [(D(2013, 7, 1), False), (D(2023, 7, 1), True)])
def test_a_show_of_hands_was_allowed_before_2014_only(world, meeting, refused):
    a = advance(world, new_applicant(world, birth=D(1980, 1, 1), applied=D(2011, 1, 10)), until=14,
                dates={14: meeting - dt.timedelta(days=5)})  # fmt: skip
    data = votes(10, 8, 8, vote_method="举手表决")
    if refused:
        with pytest.raises(DomainError, match="无记名投票"):
            attempt(world, a, 15, meeting, data)
    else:
        attempt(world, a, 15, meeting, data)
