"""细则（2026）第十三条: from 2026-05-11 a 发展对象 is listed only after the upper committee's consent (R26)
and a 公示 of at least five working days (R25) on the department's work calendar; the consent completes
step 8 (上级党委同意) with its own date. Before 2026-05-11 step 8 is a filing after the listing."""

import datetime as dt

import pytest

from applicants.models import StepRecord
from applicants.services import consent_record, publicity_record
from recruitment.errors import DomainError
from recruitment.models import WorkCalendarDay

from .pipeline import advance, attempt, new_applicant

D = dt.date


def activist(world, **kw):
    """An activist since 2025-05-05, ready (R6) to be listed from 2026-05-05."""
    dates = {2: D(2025, 3, 1), 3: D(2025, 5, 5), 4: D(2025, 5, 10), 5: D(2025, 5, 15), 6: D(2026, 5, 6)}
    return advance(world, new_applicant(world, applied=D(2025, 2, 10), **kw), until=6, dates=dates)


def consent(world, a, on, verdict="同意", reason=""):
    return consent_record(applicant=a, date=on, verdict=verdict, reason=reason, actor=world.users.committee)


def publicity(world, a, start, end, places=("甲村村务公开栏",), outcome="无异议", notes=""):
    return publicity_record(
        applicant=a, stage="candidate", start=start, end=end, places=list(places), outcome=outcome, notes=notes,
        actor=world.users.secretary,
    )  # fmt: skip


def test_consent_then_five_working_days_of_publicity_then_listing_completes_step_8(world):
    a = activist(world)
    consent(world, a, D(2026, 5, 20))
    publicity(world, a, D(2026, 5, 21), D(2026, 5, 27))  # Thu–Wed: 5 working days
    attempt(world, a, 7, D(2026, 5, 28))
    a.refresh_from_db()
    assert a.current_step == 8 and a.candidate_on == D(2026, 5, 28) and a.last_step_on == D(2026, 5, 28)
    step8 = StepRecord.objects.get(applicant=a, step=8)
    assert (
        step8.date == D(2026, 5, 20) and step8.actor == world.users.committee and step8.data["label"] == "上级党委同意"
    )
    attempt(world, a, 9, D(2026, 5, 29))  # the branch goes on with the introducers


def test_listing_without_consent_is_refused_naming_the_2026_article(world):
    a = activist(world)
    publicity(world, a, D(2026, 5, 21), D(2026, 5, 27))
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 7, D(2026, 5, 28))
    assert exc.value.rules == ["R26"] and "细则（2026）第十三条" in str(exc.value)


def test_a_refused_consent_keeps_the_person_an_activist_or_stops_development(world):
    a = activist(world)
    consent(world, a, D(2026, 5, 20), verdict="不同意", reason="群众意见较大")
    publicity(world, a, D(2026, 5, 21), D(2026, 5, 27))
    with pytest.raises(DomainError, match="不同意列为发展对象"):
        attempt(world, a, 7, D(2026, 5, 28))
    a.refresh_from_db()
    assert a.is_active and a.current_step == 6
    b = activist(world)
    consent_record(applicant=b, date=D(2026, 5, 20), verdict="不同意", reason="有违纪", stop=True,
                   actor=world.users.committee)  # fmt: skip
    b.refresh_from_db()
    assert b.status == "not_developed"


def test_a_branch_secretary_cannot_give_the_committees_consent(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        consent_record(applicant=activist(world), date=D(2026, 5, 20), verdict="同意", actor=world.users.secretary)


@pytest.mark.parametrize("end, ok", [(D(2026, 10, 9), False), (D(2026, 10, 10), True)])
def test_working_days_skip_the_national_day_holiday_and_count_the_makeup_saturday(world, end, ok):
    """29 Sep (Tue) – 9 Oct (Fri) across the 1–7 Oct holiday is 4 working days; with the 调休 Saturday
    10 Oct it is 5."""
    for day in range(1, 8):
        WorkCalendarDay.objects.create(date=D(2026, 10, day), is_workday=False, note="国庆节")
    WorkCalendarDay.objects.create(date=D(2026, 10, 10), is_workday=True, note="国庆调休")
    a = activist(world)
    consent(world, a, D(2026, 9, 28))
    publicity(world, a, D(2026, 9, 29), end)
    if ok:
        record = attempt(world, a, 7, D(2026, 10, 12))
        assert not [w for w in record.warnings if w["rule"] == "R25"]
    else:
        with pytest.raises(DomainError) as exc:
            attempt(world, a, 7, D(2026, 10, 12))
        assert exc.value.rules == ["R25"] and "只有 4 个工作日" in str(exc.value)


def test_a_year_without_a_calendar_counts_monday_to_friday_and_says_so(world):
    a = activist(world)
    consent(world, a, D(2026, 9, 28))
    publicity(world, a, D(2026, 9, 29), D(2026, 10, 9))  # 9 weekdays
    record = attempt(world, a, 7, D(2026, 10, 12))
    assert any(w["rule"] == "R25" and "2026年工作日历尚未维护" in w["message"] for w in record.warnings)


@pytest.mark.parametrize(
    "case, kwargs, message",
    [
        ("before consent", {"start": D(2026, 5, 19)}, "公示应在上级党委同意"),
        ("one place for a mobile person", {"mobile": True}, "流出地和流入地同时公示"),
        (
            "result affects development",
            {"outcome": "有反映，影响发展", "notes": "经核实有违法记录"},
            "公示结果影响发展",
        ),
    ],
)
def test_a_publicity_that_does_not_count(world, case, kwargs, message):
    a = activist(world, is_mobile=kwargs.pop("mobile", False))
    consent(world, a, D(2026, 5, 20))
    start = kwargs.pop("start", D(2026, 5, 21))
    publicity(world, a, start, D(2026, 5, 29), **kwargs)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 7, D(2026, 6, 1))
    assert "R25" in exc.value.rules and message in str(exc.value)


def test_a_mobile_person_publicised_in_both_places_is_listed(world):
    a = activist(world, is_mobile=True)
    consent(world, a, D(2026, 5, 20))
    publicity(world, a, D(2026, 5, 21), D(2026, 5, 27), places=("流出地：甲村", "流入地：乙公司"))
    attempt(world, a, 7, D(2026, 5, 28))


def test_listing_the_day_before_2026_05_11_follows_the_2014_flow(world):
    a = activist(world)
    attempt(world, a, 7, D(2026, 5, 10))
    a.refresh_from_db()
    assert a.current_step == 7 and not StepRecord.objects.filter(applicant=a, step=8).exists()
    attempt(world, a, 8, D(2026, 5, 12))  # filed with the committee after the listing


# --- R27, R28 --------------------------------------------------------------------------------------------
def candidate_2026(world):
    """Pre-reviewed (step 13) on 2026-06-10; steps 1–12 under the 2014 set."""
    dates = {13: D(2026, 6, 10), 14: D(2026, 6, 12)}
    return advance(world, new_applicant(world, applied=D(2024, 1, 10)), until=14, dates=dates)


@pytest.mark.parametrize("meeting, warned", [(D(2026, 7, 10), False), (D(2026, 7, 11), True)])
def test_the_branch_meeting_comes_within_a_month_of_pre_review(world, meeting, warned):
    a = candidate_2026(world)
    record = attempt(world, a, 15, meeting, {"expected_voters": 10, "attending_voters": 8, "yes_votes": 8})
    assert ("R27" in [w["rule"] for w in record.warnings]) == warned


def test_a_late_meeting_with_a_recorded_reason_is_not_flagged(world):
    a = candidate_2026(world)
    data = {"expected_voters": 10, "attending_voters": 8, "yes_votes": 8, "late_reason": "汛期抢险，推迟召开"}
    record = attempt(world, a, 15, D(2026, 8, 1), data)
    assert "R27" not in [w["rule"] for w in record.warnings] and record.data["late_reason"] == "汛期抢险，推迟召开"


@pytest.mark.parametrize("oath, reason, warned", [
    (D(2026, 9, 1), "", False), (D(2026, 9, 2), "", True), (D(2026, 10, 1), "参加县委国庆集中宣誓", False),
])  # fmt: skip
def test_the_oath_comes_within_a_month_of_approval_or_at_a_joint_ceremony(world, oath, reason, warned):
    dates = {15: D(2026, 7, 1), 16: D(2026, 7, 10), 17: D(2026, 8, 1), 18: D(2026, 8, 5), 19: D(2026, 8, 6)}
    a = advance(world, new_applicant(world, applied=D(2024, 1, 10)), until=19, dates=dates)
    record = attempt(world, a, 20, oath, {"late_reason": reason})
    assert ("R28" in [w["rule"] for w in record.warnings]) == warned


# --- R7 / R7B: penalties of introducers ------------------------------------------------------------------
@pytest.mark.parametrize(
    "kind, until, on, expected",
    [
        ("留党察看", D(2027, 1, 1), D(2026, 6, 1), "R7"),  # rights not restored: refused
        ("留党察看", D(2026, 5, 31), D(2026, 6, 1), None),  # restored the day before
        ("严重警告", D(2026, 6, 1), D(2026, 6, 1), "R7B"),  # last day of the 影响期: warned (2026)
        ("严重警告", D(2026, 5, 31), D(2026, 6, 1), None),
        ("警告", D(2026, 6, 1), D(2026, 5, 10), None),  # before 2026-05-11 the 2014 text says nothing
    ],
)
def test_an_introducers_penalty_bars_or_warns_by_its_kind_and_influence_period(world, kind, until, on, expected):
    from recruitment.models import MemberPenalty

    m = world.members
    MemberPenalty.objects.create(member=m.full3, kind=kind, decided_on=D(2025, 6, 1), influence_until=until)
    a = advance(
        world, new_applicant(world, applied=D(2024, 1, 10)), until=8, dates={7: D(2026, 5, 1), 8: D(2026, 5, 5)}
    )
    data = {"introducers": [m.full1.pk, m.full3.pk]}
    if expected == "R7":
        with pytest.raises(DomainError) as exc:
            attempt(world, a, 9, on, data)
        assert exc.value.rules == ["R7"]
        return
    record = attempt(world, a, 9, on, data)
    assert [w["rule"] for w in record.warnings if w["rule"].startswith("R7")] == ([expected] if expected else [])
