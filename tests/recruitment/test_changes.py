"""Change marks (recruitment/changes.py, issue 14): every write to a person marks their branch and each
organization above it — and only those — so a committee's or the department's cached pages are keyed by
one index lookup instead of an aggregate over their whole subtree."""

import datetime as dt

import pytest

from applicants.models import Applicant
from quotas.services import plan_set_total
from recruitment import changes
from recruitment.fragments import marks_stamp, scope_stamp
from recruitment.models import ChangeMark
from tests.applicants.pipeline import advance, attempt, new_applicant
from tests.quotas.helpers import person

D = dt.date


def marks(world) -> dict[str, int]:
    orgs = (world.root, world.a, world.a1, world.a2, world.b, world.b1)
    return {o.code: changes.mark(changes.org_scope(o.pk)) for o in orgs}


def moved(before: dict, after: dict) -> set[str]:
    return {k for k in before if after[k] != before[k]}


def test_a_write_to_a_person_marks_their_branch_and_every_organization_above_it_only(world):
    a = advance(world, new_applicant(world), until=2)
    before = marks(world)
    attempt(world, a, 3, D(2022, 4, 1))
    assert moved(before, marks(world)) == {"ROOT", "A", "A1"}


def test_a_person_who_moves_marks_the_branch_they_left_as_well(world):
    a = Applicant.objects.get(pk=advance(world, new_applicant(world), until=2).pk)  # as read from the database
    before = marks(world)
    a.branch = world.b1
    a.save()
    assert moved(before, marks(world)) == {"ROOT", "A", "A1", "B", "B1"}
    again = marks(world)
    a.name += "（改）"
    a.save()  # saved again in its new branch: the old one is left alone
    assert moved(again, marks(world)) == {"ROOT", "B", "B1"}


def test_a_person_deleted_marks_their_branch(world):
    a = person(world.a2)  # created without steps or events, so it may be deleted
    before = marks(world)
    Applicant.objects.get(pk=a.pk).delete()
    assert moved(before, marks(world)) == {"ROOT", "A", "A2"}


def test_quota_settings_mark_quotas(world):
    before = changes.mark(changes.QUOTAS)
    plan_set_total(department=world.root, year=2026, total=10, actor=world.users.department)
    assert changes.mark(changes.QUOTAS) > before


def test_the_scope_stamp_is_one_query_whatever_the_scope(world, django_assert_num_queries):
    for user in (world.users.secretary, world.users.committee, world.users.department):
        with django_assert_num_queries(1):
            scope_stamp(user)
    with django_assert_num_queries(1):
        marks_stamp(changes.org_scope(world.a.pk), changes.QUOTAS)


def test_the_scope_stamp_names_the_user_organization(world):
    """Two organizations without any write yet have the same (zero) mark: the stamp tells them apart."""
    assert scope_stamp(world.users.secretary) != scope_stamp(world.users.secretary_b)


@pytest.mark.parametrize("writes", [1, 3])
def test_pruning_keeps_the_newest_mark_of_every_scope(world, writes):
    a = advance(world, new_applicant(world), until=2)
    for i in range(writes):
        attempt(world, a, 3, D(2022, 4, 1)) if i == 0 else Applicant.objects.get(pk=a.pk).save()
    before = marks(world), changes.mark(changes.QUOTAS), changes.mark(None)
    changes.prune()
    assert (marks(world), changes.mark(changes.QUOTAS), changes.mark(None)) == before
    assert ChangeMark.objects.count() == ChangeMark.objects.values("scope").distinct().count()


def test_the_nightly_job_prunes_and_is_scheduled(world, settings):
    from jobs import tasks

    a = advance(world, new_applicant(world), until=2)
    Applicant.objects.get(pk=a.pk).save()
    assert ChangeMark.objects.count() > ChangeMark.objects.values("scope").distinct().count()
    assert tasks.change_marks_prune_task.apply().get() > 0
    assert ChangeMark.objects.count() == ChangeMark.objects.values("scope").distinct().count()
    assert any(v["task"] == tasks.change_marks_prune_task.name for v in settings.CELERY_BEAT_SCHEDULE.values())


def test_a_mark_is_added_again_after_the_commit_so_the_newest_is_never_older_than_the_data(
    world, django_capture_on_commit_callbacks
):
    """Overlapping writers commit in any order; the mark inserted after the commit is newer than any
    page drawn before the data was visible."""
    a = advance(world, new_applicant(world), until=2)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attempt(world, a, 3, D(2022, 4, 1))
        in_transaction = changes.mark(changes.org_scope(world.a1.pk))
    assert callbacks and changes.mark(changes.org_scope(world.a1.pk)) > in_transaction


def test_a_person_admitted_elsewhere_marks_the_branch_that_admitted_them(world):
    """The yearly figures count people where they were admitted: a write to them reaches that branch."""
    a = person(world.b1)
    Applicant.objects.filter(pk=a.pk).update(admitted_on=D(2025, 6, 1), admitted_branch=world.a2)
    before = marks(world)
    Applicant.objects.get(pk=a.pk).save()
    assert moved(before, marks(world)) == {"ROOT", "A", "A2", "B", "B1"}


def test_a_member_written_or_moved_marks_their_branch_and_the_one_they_left(world):
    from recruitment.models import PartyMember

    before = marks(world)
    member = PartyMember.objects.get(pk=world.members.full1.pk)
    member.branch = world.b1
    member.save()
    assert moved(before, marks(world)) == {"ROOT", "A", "A1", "B", "B1"}
    again = marks(world)
    PartyMember.objects.get(pk=member.pk).delete()
    assert moved(again, marks(world)) == {"ROOT", "B", "B1"}


def test_the_reference_stamp_moves_with_a_calendar_day_removed_and_an_organization_moved(world):
    from recruitment.fragments import reference_stamp
    from recruitment.models import Organization, WorkCalendarDay

    day = WorkCalendarDay.objects.create(date=D(2026, 12, 31), is_workday=False, note="测试")
    first = reference_stamp()
    day.delete()
    second = reference_stamp()
    org = Organization.objects.get(pk=world.a2.pk)
    org.parent = world.b
    org.save()
    assert len({first, second, reference_stamp()}) == 3
