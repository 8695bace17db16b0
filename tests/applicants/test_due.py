"""The stored next to-do item (Applicant.next_due_kind / next_due_on, applicants.due): after every kind
of write it equals the one computed from scratch, the nightly rebuild restores it and is idempotent,
and the SQL filter built on it lists exactly the people with an item in their to-do window, whatever
the day."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applicants import due
from applicants import steps as S
from applicants.models import Applicant, ApplicantStatus, Assessment, Training
from applicants.rulebook import RuleSet
from applicants.selectors import due_items_for, with_due_facts
from applicants.services import applicant_add_assessment, applicant_add_training, applicant_terminate
from tests.clock import TODAY

from .people import placed
from .pipeline import advance, new_applicant

D = dt.date


def stored(a) -> tuple:
    return tuple(Applicant.objects.values_list("next_due_kind", "next_due_on").get(pk=a.pk))


def computed(a, today=TODAY) -> tuple:
    fresh = with_due_facts(Applicant.objects.filter(pk=a.pk)).get()
    return due.compute(fresh, today=today, ruleset=RuleSet.load())


def on_list(a, day) -> bool:
    return Applicant.objects.filter(due.listed_q(day), pk=a.pk, status=ApplicantStatus.ACTIVE).exists()


def in_window(a, day) -> bool:
    fresh = with_due_facts(Applicant.objects.filter(pk=a.pk)).get()
    return any(i.in_window for i in due_items_for(fresh, today=day, ruleset=RuleSet.load()))


def test_a_new_applicant_is_stored_with_the_talk_due_a_month_after_applying(world):
    a = new_applicant(world, applied=D(2026, 11, 1))
    assert stored(a) == computed(a) == ("talk", D(2026, 12, 1))


def test_every_step_written_through_the_services_keeps_the_stored_item(world):
    a = new_applicant(world, applied=D(2023, 1, 10))
    seen = set()
    for n in range(2, 25):
        a = advance(world, a, until=n)
        assert stored(a) == computed(a), f"after step {n}"
        seen.add(stored(a)[0])
    assert {"assessment", "approval", "training"} <= seen


def test_assessment_training_and_termination_keep_the_stored_item(world):
    a = advance(world, new_applicant(world, applied=D(2025, 1, 10)), until=4)
    before = stored(a)
    applicant_add_assessment(applicant=a, date=D(2026, 11, 1), result="好", actor=world.users.secretary, today=TODAY)
    assert stored(a) == computed(a) != before
    Assessment.objects.filter(applicant=a).delete()
    assert stored(a) == computed(a) == before

    b = placed(world, step=S.POLITICAL_REVIEW, last_step_on=D(2026, 10, 1))
    assert stored(b)[0] == "training"
    applicant_add_training(
        applicant=b,
        start=D(2026, 1, 5),
        end=D(2026, 1, 9),
        days=Decimal(5),
        hours=Decimal(40),
        actor=world.users.secretary,
    )
    assert stored(b) == computed(b) and stored(b)[0] != "training"
    Training.objects.filter(applicant=b).delete()
    assert stored(b) == computed(b) and stored(b)[0] == "training"

    applicant_terminate(
        applicant=a, outcome="not_developed", reason="本人撤回申请", date=TODAY, actor=world.users.secretary
    )
    assert stored(a) == ("", None)


def test_the_nightly_rebuild_restores_every_stored_item_and_is_idempotent(world):
    people = [placed(world, step=s, activist_on=D(2026, 3, 1), branch_meeting_on=D(2026, 9, 1)) for s in (1, 3, 9, 15)]
    people.append(placed(world, step=18, probation_end=D(2026, 12, 10), branch_meeting_on=D(2025, 11, 1)))
    expected = {a.pk: computed(a) for a in people}
    Applicant.objects.update(next_due_kind="probation", next_due_on=D(2000, 1, 1))
    Applicant.objects.filter(pk=people[0].pk).update(status=ApplicantStatus.MEMBER)
    first = due.rebuild(today=TODAY)
    assert first["cleared"] == 1 and first["changed"] == len(people) - 1
    assert stored(people[0]) == ("", None)
    for a in people[1:]:
        assert stored(a) == expected[a.pk]
    assert due.rebuild(today=TODAY) == {"active": len(people) - 1, "changed": 0, "cleared": 0}


def test_the_command_rebuilds(world, capsys):
    from django.core.management import call_command

    a = placed(world, step=3, activist_on=D(2026, 6, 1))
    Applicant.objects.filter(pk=a.pk).update(next_due_kind="", next_due_on=None)
    call_command("due_rebuild", today="2026-11-22")
    assert stored(a) == computed(a) and "更新 1 人" in capsys.readouterr().out


def test_the_nightly_task_is_scheduled():
    from django.conf import settings as dj

    from jobs import broker, tasks

    assert tasks.due_rebuild_nightly_task.name == broker.DUE_REBUILD
    assert any(v["task"] == broker.DUE_REBUILD for v in dj.CELERY_BEAT_SCHEDULE.values())


dates = st.dates(min_value=D(2023, 1, 1), max_value=TODAY)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    step=st.integers(min_value=0, max_value=25),
    activist_on=dates,
    meeting=dates,
    probation_end=st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31)),
    assessed=st.one_of(st.none(), dates),
    hours=st.sampled_from([0, 8, 30]),
    later=st.integers(min_value=0, max_value=500),
)
def test_the_stored_item_lists_exactly_the_people_with_an_item_in_their_window_on_any_later_day(
    world, step, activist_on, meeting, probation_end, assessed, hours, later
):
    a = placed(
        world,
        step=step,
        activist_on=activist_on,
        candidate_on=activist_on,
        branch_meeting_on=meeting,
        conversion_meeting_on=meeting if step >= 22 else None,
        probation_end=probation_end,
        last_step_on=min(meeting, TODAY),
    )
    if assessed:
        Assessment.objects.create(applicant=a, date=assessed, result="好")
    if hours:
        Training.objects.create(applicant=a, name="党校", start=D(2026, 1, 5), end=D(2026, 1, 5), days=0, hours=hours)
    assert stored(a) == computed(a)
    day = TODAY + dt.timedelta(days=later)
    assert on_list(a, day) is in_window(a, day)


@pytest.mark.parametrize("n", [5, 40])
def test_the_rebuild_costs_a_constant_number_of_queries(world, django_assert_max_num_queries, n):
    for _ in range(n):
        placed(world, step=3, activist_on=D(2026, 6, 1))
    Applicant.objects.update(next_due_kind="", next_due_on=None)
    with django_assert_max_num_queries(6):
        due.rebuild(today=TODAY)
