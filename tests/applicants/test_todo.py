"""To-do reminders (applicant_list_due): each kind at its boundary, scope, rules as data, query count."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from applicants.models import ApplicantStatus, Assessment, StepRecord, Training
from applicants.selectors import DueItem, applicant_list_due
from recruitment.models import RuleDefinition

from .people import TODAY, placed

D = dt.date


def due_for(user, today=TODAY, kind=None):
    items = applicant_list_due(user=user, today=today)
    return [i for i in items if kind is None or i.kind == kind]


def test_due_item_is_a_dataclass_with_the_agreed_fields():
    assert [f.name for f in dataclasses.fields(DueItem)] == [
        "applicant",
        "kind",
        "rule",
        "step",
        "due",
        "days",
        "message",
    ]


# --- R2 talk ---------------------------------------------------------------------------------------------
def test_talk_due_exactly_one_month_after_application_is_not_overdue(world):
    placed(world, step=1, applied_on=D(2026, 10, 22))
    [item] = due_for(world.users.secretary, kind="talk")
    assert item.due == D(2026, 11, 22) and item.days == 0 and not item.overdue
    assert item.rule == "R2" and item.step == 2 and "今天到期" in item.message


def test_talk_one_day_after_the_month_is_overdue(world):
    placed(world, step=1, applied_on=D(2026, 10, 22))
    [item] = due_for(world.users.secretary, today=D(2026, 11, 23), kind="talk")
    assert item.days == -1 and item.overdue and "已超期 1 天" in item.message


def test_talk_is_listed_from_seven_days_before_its_deadline(world):
    placed(world, step=1, applied_on=D(2026, 10, 29), name="七天")
    placed(world, step=1, applied_on=D(2026, 10, 30), name="八天")
    assert [i.applicant.name for i in due_for(world.users.secretary, kind="talk")] == ["七天"]


def test_talk_deadline_is_clamped_to_the_end_of_a_short_month(world):
    placed(world, step=1, applied_on=D(2026, 1, 31))
    assert not due_for(world.users.secretary, today=D(2026, 2, 28), kind="talk")[0].overdue
    assert due_for(world.users.secretary, today=D(2026, 3, 1), kind="talk")[0].overdue


def test_talk_done_means_no_talk_reminder(world):
    placed(world, step=2, applied_on=D(2026, 9, 1), talked_on=D(2026, 9, 20))
    assert due_for(world.users.secretary, kind="talk") == []


def test_talk_months_come_from_the_rule_book(world):
    RuleDefinition.objects.filter(code="R2").update(params={"months": 2})
    placed(world, step=1, applied_on=D(2026, 10, 22))
    assert due_for(world.users.secretary, kind="talk") == []
    [item] = due_for(world.users.secretary, today=D(2026, 12, 22), kind="talk")
    assert item.due == D(2026, 12, 22)


def test_a_disabled_rule_gives_no_reminder(world):
    RuleDefinition.objects.filter(code="R2").update(enabled=False)
    placed(world, step=1, applied_on=D(2026, 9, 1))
    assert due_for(world.users.secretary, kind="talk") == []


# --- R5 half-yearly assessment ------------------------------------------------------------------------
def test_activist_without_assessment_is_due_six_months_after_becoming_activist(world):
    placed(world, step=3, activist_on=D(2026, 5, 22))
    [item] = due_for(world.users.secretary, kind="assessment")
    assert item.due == D(2026, 11, 22) and item.days == 0 and item.step == 6 and item.rule == "R5"


def test_assessment_counts_from_the_last_assessment(world):
    a = placed(world, step=4, activist_on=D(2026, 1, 10))
    Assessment.objects.create(applicant=a, date=D(2026, 8, 1), result="好")
    assert due_for(world.users.secretary, kind="assessment") == []
    [item] = due_for(world.users.secretary, today=D(2027, 1, 19), kind="assessment")
    assert item.due == D(2027, 2, 1) and item.days == 13


@pytest.mark.parametrize("activist_on,listed", [(D(2026, 6, 5), True), (D(2026, 6, 6), True), (D(2026, 6, 7), False)])
def test_assessment_is_listed_from_fourteen_days_before(world, activist_on, listed):
    placed(world, step=5, activist_on=activist_on)
    assert bool(due_for(world.users.secretary, kind="assessment")) is listed


def test_probationary_member_assessment_counts_from_the_branch_meeting_not_earlier_assessments(world):
    a = placed(
        world,
        step=19,
        activist_on=D(2024, 1, 1),
        branch_meeting_on=D(2026, 5, 22),
        probation_end=D(2027, 5, 22),
        admitted_on=D(2026, 6, 1),
    )
    Assessment.objects.create(applicant=a, date=D(2026, 1, 1), result="好")
    [item] = due_for(world.users.secretary, kind="assessment")
    assert item.due == D(2026, 11, 22) and item.step == 21 and "预备党员" in item.message


def test_candidates_between_steps_7_and_16_get_no_assessment_reminder(world):
    placed(world, step=8, activist_on=D(2024, 1, 1), candidate_on=D(2025, 2, 1))
    assert due_for(world.users.secretary, kind="assessment") == []


# --- R9 training ---------------------------------------------------------------------------------------------
def test_training_missing_after_political_review(world):
    placed(world, step=10)
    [item] = due_for(world.users.secretary, kind="training")
    assert item.rule == "R9" and item.step == 11 and "还差 24 学时" in item.message


def test_enough_training_hours_or_days_clear_the_reminder(world):
    a = placed(world, step=11)
    Training.objects.create(applicant=a, start=D(2026, 5, 1), end=D(2026, 5, 3), days=Decimal("2"), hours=Decimal("24"))
    b = placed(world, step=10, training_days_carried=Decimal("3"))
    assert due_for(world.users.secretary, kind="training") == []
    assert a and b


def test_training_exception_recorded_at_step_11_clears_the_reminder(world):
    a = placed(world, step=11)
    StepRecord.objects.create(applicant=a, step=11, date=D(2026, 5, 1), data={"exception_reason": "因病补训"})
    assert due_for(world.users.secretary, kind="training") == []


# --- probation ending ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("days,listed", [(30, True), (31, False), (0, True), (-5, True)])
def test_probation_end_listed_within_thirty_days_or_passed(world, days, listed):
    placed(world, step=20, branch_meeting_on=D(2025, 12, 1), probation_end=TODAY + dt.timedelta(days=days))
    items = due_for(world.users.secretary, kind="probation")
    assert bool(items) is listed
    if listed:
        assert items[0].days == days and items[0].overdue is (days < 0) and items[0].step == 23


def test_probation_reminder_stops_once_the_conversion_meeting_is_held(world):
    placed(
        world,
        step=23,
        branch_meeting_on=D(2025, 10, 1),
        probation_end=D(2026, 10, 1),
        conversion_meeting_on=D(2026, 10, 2),
    )
    assert due_for(world.users.secretary, kind="probation") == []


# --- R12 approvals ------------------------------------------------------------------------------------------------
def test_admission_approval_listed_thirty_days_before_the_three_month_limit(world):
    placed(world, step=15, branch_meeting_on=D(2026, 9, 22), probation_end=D(2027, 9, 22))  # due 2026-12-22
    [item] = due_for(world.users.secretary, kind="approval")
    assert item.due == D(2026, 12, 22) and item.days == 30 and item.step == 17 and item.rule == "R12"
    assert due_for(world.users.secretary, today=TODAY - dt.timedelta(days=1), kind="approval") == []


def test_admission_approval_past_three_months_is_overdue_and_asks_for_a_reason(world):
    placed(world, step=16, branch_meeting_on=D(2026, 8, 21), probation_end=D(2027, 8, 21))
    [item] = due_for(world.users.secretary, kind="approval")
    assert item.overdue and item.days == -1 and "须记录特殊原因" in item.message


def test_admission_approval_past_six_months_says_the_limit_is_exceeded(world):
    placed(world, step=16, branch_meeting_on=D(2026, 5, 1), probation_end=D(2027, 5, 1))
    [item] = due_for(world.users.secretary, kind="approval")
    assert "已超过最长6个月期限" in item.message


def test_conversion_approval_is_due_three_months_after_the_conversion_meeting(world):
    placed(
        world,
        step=23,
        branch_meeting_on=D(2025, 9, 1),
        probation_end=D(2026, 9, 1),
        conversion_meeting_on=D(2026, 9, 10),
    )
    [item] = due_for(world.users.secretary, kind="approval")
    assert item.due == D(2026, 12, 10) and item.step == 24


def test_approved_admission_is_no_longer_waiting(world):
    placed(world, step=17, branch_meeting_on=D(2026, 9, 1), probation_end=D(2027, 9, 1), admitted_on=D(2026, 10, 1))
    assert due_for(world.users.secretary, kind="approval") == []


# --- R6 one year as activist --------------------------------------------------------------------------------------
def test_activist_year_reached_on_the_anniversary_is_informational(world):
    placed(world, step=6, activist_on=D(2025, 11, 22))
    [item] = due_for(world.users.secretary, kind="candidate_ready")
    assert item.informational and not item.overdue and item.step == 7 and item.rule == "R6"


def test_activist_year_not_reached_the_day_before(world):
    placed(world, step=6, activist_on=D(2025, 11, 23))
    assert due_for(world.users.secretary, kind="candidate_ready") == []


def test_activist_since_29_february_reaches_the_year_on_1_march(world):
    placed(world, step=6, activist_on=D(2024, 2, 29))
    assert due_for(world.users.secretary, today=D(2025, 2, 28), kind="candidate_ready") == []
    assert due_for(world.users.secretary, today=D(2025, 3, 1), kind="candidate_ready")


# --- scope, status, order, queries -------------------------------------------------------------------------------
def test_reminders_follow_the_users_scope(world):
    placed(world, step=1, applied_on=D(2026, 10, 1))
    assert len(due_for(world.users.secretary)) == 1
    assert len(due_for(world.users.committee)) == 1 and len(due_for(world.users.department)) == 1
    assert due_for(world.users.secretary_b) == [] and due_for(world.users.committee_b) == []


def test_terminated_people_get_no_reminders(world):
    placed(world, step=1, applied_on=D(2026, 10, 1), status=ApplicantStatus.NOT_DEVELOPED)
    assert due_for(world.users.secretary) == []


def test_most_overdue_first_and_informational_last(world):
    placed(world, step=6, activist_on=D(2025, 1, 1), name="满一年")
    placed(world, step=1, applied_on=D(2026, 10, 1), name="谈话超期")
    placed(world, step=1, applied_on=D(2026, 9, 1), name="谈话更超期")
    items = due_for(world.users.secretary)
    names = [i.applicant.name for i in items]
    assert names.index("谈话更超期") < names.index("谈话超期")
    assert items[-1].informational and items[-1].applicant.name == "满一年"
    assert not any(i.informational for i in items[:-1])


def _many(world, n):
    for i in range(n):
        a = placed(
            world,
            step=[1, 3, 10, 15, 20][i % 5],
            name=f"批量{i}",
            applied_on=D(2026, 9, 1),
            activist_on=D(2026, 1, 1),
            branch_meeting_on=D(2026, 8, 1),
            probation_end=D(2026, 12, 1),
        )
        Assessment.objects.create(applicant=a, date=D(2026, 3, 1), result="好")
        Training.objects.create(applicant=a, start=D(2026, 3, 1), end=D(2026, 3, 1), days=1, hours=8)


@pytest.mark.parametrize("n", [5, 50])
def test_to_do_costs_a_constant_number_of_queries(world, django_assert_max_num_queries, n):
    _many(world, n)
    user = type(world.users.committee).objects.select_related("organization").get(pk=world.users.committee.pk)
    with django_assert_max_num_queries(2):
        items = applicant_list_due(user=user, today=TODAY)
        [(i.applicant.branch.name, i.message) for i in items]
    assert len({i.applicant.pk for i in items}) == n
