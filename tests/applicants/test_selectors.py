"""Selectors for the pipeline list and the 25-step timeline."""

import datetime as dt

import pytest

from applicants.models import ApplicantStatus, Assessment, Training
from applicants.selectors import applicant_list, applicant_stage_counts, applicant_timeline, attach_next_due
from applicants.services import applicant_record_step
from recruitment.models import User

from .people import TODAY, new_applicant, placed
from .test_full_pipeline import run_steps

D = dt.date


def names(qs):
    return sorted(a.name for a in qs)


# --- the list ----------------------------------------------------------------------------------------------
def test_list_filters_by_stage_through_the_last_completed_step(world):
    placed(world, step=1, name="申请人")
    placed(world, step=2, name="已谈话")
    placed(world, step=3, name="积极分子")
    placed(world, step=6, name="考察中")
    placed(world, step=7, name="发展对象")
    placed(world, step=12, name="接收中")
    placed(world, step=19, name="预备党员")
    user = world.users.secretary
    assert names(applicant_list(user=user, filters={"stage": 1})) == ["已谈话", "申请人"]
    assert names(applicant_list(user=user, filters={"stage": 2})) == ["积极分子", "考察中"]
    assert names(applicant_list(user=user, filters={"stage": 3})) == ["发展对象"]
    assert names(applicant_list(user=user, filters={"stage": 4})) == ["接收中"]
    assert names(applicant_list(user=user, filters={"stage": 5})) == ["预备党员"]
    assert names(applicant_list(user=user, filters={"step": 6})) == ["考察中"]


def test_list_filters_by_status_branch_and_text(world):
    placed(world, step=1, name="王小明")
    placed(world, step=1, name="李四", status=ApplicantStatus.NOT_DEVELOPED)
    b = placed(world, step=1, name="王二", branch=world.a2)
    user = world.users.committee
    assert names(applicant_list(user=user, filters={"status": ApplicantStatus.ACTIVE})) == ["王二", "王小明"]
    assert names(applicant_list(user=user, filters={"branch": world.a2})) == ["王二"]
    assert names(applicant_list(user=user, filters={"q": "王"})) == ["王二", "王小明"]
    assert names(applicant_list(user=user, filters={"q": b.id_number[-6:].lower()})) == ["王二"]


def test_list_shows_only_the_users_subtree(world):
    placed(world, step=1, name="甲村")
    placed(world, step=1, name="乙公司", branch=world.b1)
    assert names(applicant_list(user=world.users.secretary)) == ["甲村"]
    assert names(applicant_list(user=world.users.committee_b)) == ["乙公司"]
    assert names(applicant_list(user=world.users.department)) == ["乙公司", "甲村"]
    assert names(applicant_list(user=world.users.secretary, filters={"branch": world.b1})) == []


def test_stage_counts_ignore_the_stage_filter_but_keep_the_others(world):
    placed(world, step=1)
    placed(world, step=3)
    placed(world, step=4)
    placed(world, step=4, status=ApplicantStatus.NOT_DEVELOPED)
    counts = applicant_stage_counts(user=world.users.secretary, filters={"stage": 1, "status": ApplicantStatus.ACTIVE})
    assert counts == {0: 3, 1: 1, 2: 2, 3: 0, 4: 0, 5: 0}


@pytest.mark.parametrize("n", [5, 50])
def test_list_costs_a_constant_number_of_queries(world, django_assert_max_num_queries, n):
    for i in range(n):
        a = placed(
            world,
            step=[1, 4, 10, 16, 20][i % 5],
            name=f"批量{i}",
            applied_on=D(2026, 9, 1),
            activist_on=D(2026, 1, 1),
            branch_meeting_on=D(2026, 8, 1),
            probation_end=D(2027, 8, 1),
        )
        Assessment.objects.create(applicant=a, date=D(2026, 3, 1), result="好")
        Training.objects.create(applicant=a, start=D(2026, 3, 1), end=D(2026, 3, 1), days=1, hours=8)
    user = User.objects.select_related("organization").get(pk=world.users.committee.pk)
    with django_assert_max_num_queries(2):
        rows = list(applicant_list(user=user, filters={"status": ApplicantStatus.ACTIVE}))
        attach_next_due(rows, today=TODAY)
        [(a.branch.name, a.next_due and a.next_due.message, a.last_assessment_on, a.training_hours_sum) for a in rows]
    assert len(rows) == n and all(a.next_due for a in rows)


def test_list_annotates_training_totals_without_double_counting(world):
    a = placed(world, step=10)
    Training.objects.create(applicant=a, start=D(2026, 3, 1), end=D(2026, 3, 1), days=1, hours=8)
    Training.objects.create(applicant=a, start=D(2026, 4, 1), end=D(2026, 4, 2), days=2, hours=16)
    Assessment.objects.create(applicant=a, date=D(2026, 3, 1), result="好")
    Assessment.objects.create(applicant=a, date=D(2026, 5, 1), result="好")
    [row] = applicant_list(user=world.users.secretary)
    assert row.training_days_sum == 3 and row.training_hours_sum == 24 and row.last_assessment_on == D(2026, 5, 1)


# --- the timeline -------------------------------------------------------------------------------------------
def states(timeline):
    return {e.step.number: e.state for g in timeline.stages for e in g.steps}


def test_timeline_shows_done_steps_with_date_and_actor_and_the_rest_as_future(world):
    a = new_applicant(world, applied=D(2026, 11, 1))
    applicant_record_step(
        applicant=a, step=2, date=D(2026, 11, 10), actor=world.users.secretary, data={"talker": "李书记"}, today=TODAY
    )
    t = applicant_timeline(applicant=a, today=TODAY)
    s = states(t)
    assert s[1] == s[2] == "done" and s[3] == "next" and all(s[n] == "future" for n in range(4, 26))
    done = t.stages[0].steps[1]
    assert done.record.date == D(2026, 11, 10) and done.record.actor == world.users.secretary
    assert [len(g.steps) for g in t.stages] == [2, 4, 5, 7, 7] and t.stages[0].done and t.stages[1].current


def test_timeline_marks_the_talk_due_then_overdue(world):
    a = new_applicant(world, applied=D(2026, 11, 1))
    t = applicant_timeline(applicant=a, today=TODAY)
    assert t.next.step.number == 2 and t.next.state == "due" and t.next.due == D(2026, 12, 1) and t.next.days == 9
    late = applicant_timeline(applicant=a, today=D(2026, 12, 2))
    assert late.next.state == "overdue" and late.next.days == -1 and late.next.css == "overdue"


def test_timeline_shows_why_the_next_step_is_blocked_today(world):
    a = new_applicant(world, applied=D(2025, 10, 1))
    for n, d, data in [
        (2, D(2025, 10, 15), {"talker": "李书记"}),
        (3, D(2025, 12, 29), {"recommendation": "党员推荐"}),
        (4, D(2026, 1, 5), {}),
        (5, D(2026, 1, 6), {"contacts": [world.members.full1.pk]}),
        (6, D(2026, 6, 1), {}),
    ]:
        actor = world.users.committee if n == 4 else world.users.secretary
        applicant_record_step(applicant=a, step=n, date=d, actor=actor, data=data, today=TODAY)
    t = applicant_timeline(applicant=a, today=TODAY)
    assert t.next.step.number == 7 and t.next.state == "blocked" and t.next.css == "blocked"
    v = t.next.blocked_by[0]
    assert v.rule == "R6" and "还差 37 天" in str(v) and str(v).startswith("R6 细则（2026）第十三条")
    # since 2026-05-11 the listing also waits for the committee's consent and the 公示 (R25, R26)
    assert [x.rule for x in t.next.blocked_by] == ["R6", "R25", "R26"]


def test_missing_input_does_not_count_as_blocked(world):
    a = new_applicant(world, applied=D(2022, 1, 10))
    run_steps(world, a, until=4)  # next: step 5, contacts are typed in the form
    t = applicant_timeline(applicant=a, today=TODAY)
    assert t.next.step.number == 5 and t.next.state == "next" and t.next.blocked_by == []


def test_conversion_meeting_blocked_before_probation_end(world):
    a = new_applicant(world, applied=D(2022, 1, 10))
    run_steps(world, a, until=22)
    t = applicant_timeline(applicant=a, today=D(2024, 6, 20))
    assert t.next.step.number == 23 and t.next.state == "blocked"
    assert any(v.rule == "R14" and "还差 11 天" in str(v) for v in t.next.blocked_by)


def test_finished_or_terminated_people_have_no_next_step(world):
    a = new_applicant(world, applied=D(2022, 1, 10))
    run_steps(world, a)
    a.refresh_from_db()
    t = applicant_timeline(applicant=a, today=TODAY)
    assert t.next is None and all(e.state == "done" for g in t.stages for e in g.steps)
    b = placed(world, step=3, status=ApplicantStatus.NOT_DEVELOPED)
    assert applicant_timeline(applicant=b, today=TODAY).next is None
