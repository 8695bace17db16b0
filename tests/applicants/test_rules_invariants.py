"""Property: whatever sequence of step attempts (steps, dates, data, actors) is thrown at the
service, the applicant stays consistent: current step = highest record, dates never go back,
the denormalized dates equal the records, a refusal writes no record, and the status only leaves
"active" once."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applicants.models import Applicant, ApplicantStatus, ProbationChange, StepRecord
from applicants.services import applicant_add_assessment, applicant_terminate
from recruitment.dates import add_months, add_years
from recruitment.errors import DomainError

from .pipeline import TODAY, actor_for, default_data, new_applicant

D = dt.date
DELTAS = [-1, 0, 1, 10, 31, 32, 92, 200, 365, 366, 400]
STATE_FIELDS = [
    "status",
    "current_step",
    "applied_on",
    "talked_on",
    "activist_on",
    "candidate_on",
    "branch_meeting_on",
    "admitted_on",
    "probation_end",
    "probation_extended",
    "conversion_meeting_on",
    "converted_on",
    "last_step_on",
    "member_id",
]
DENORMALIZED = {
    1: "applied_on",
    2: "talked_on",
    3: "activist_on",
    7: "candidate_on",
    15: "branch_meeting_on",
    17: "admitted_on",
    23: "conversion_meeting_on",
    24: "converted_on",
}


def bad_variants(world, step):
    m = world.members
    votes = {"expected_voters": 10, "attending_voters": 8, "yes_votes": 8}
    return {
        5: [{"contacts": []}, {"contacts": [m.probationary.pk]}, {"contacts": [m.full1.pk, m.full2.pk, m.full3.pk]}],
        9: [{"introducers": [m.full1.pk, m.full1.pk]}, {"introducers": [m.full1.pk, m.watched.pk]}],
        10: [{"conclusion": "存在问题", "verdict": "不合格"}, {"conclusion": "", "verdict": "合格"}],
        11: [{"days": 1, "hours": "23.5"}, {"days": 0, "hours": 4, "exception_reason": "外派"}],
        15: [{**votes, "attending_voters": 5}, {**votes, "yes_votes": 5}, {**votes, "leaving_unit_soon": True}],
        17: [{"special_reason": "特殊情况"}],
        23: [{**votes, "decision": "延长预备期", "extension_months": n, "reason": "需继续考察"} for n in (5, 6, 12, 13)]
        + [{**votes, "decision": "取消预备党员资格", "reason": "不合格"}, {**votes, "yes_votes": 4}],
    }.get(step, [{}])


def snapshot(a: Applicant):
    a.refresh_from_db()
    return {f: getattr(a, f) for f in STATE_FIELDS}, StepRecord.objects.filter(applicant=a).count()


def check_consistent(a: Applicant):
    a.refresh_from_db()
    records = list(StepRecord.objects.filter(applicant=a).order_by("step"))
    steps = [r.step for r in records]
    assert steps == list(range(1, len(steps) + 1)), steps
    assert a.current_step == (steps[-1] if steps else 0)
    dates = [r.date for r in records]
    assert dates == sorted(dates) and all(d <= TODAY for d in dates)
    assert a.last_step_on == (dates[-1] if dates else None)
    by_step = {r.step: r.date for r in records}
    for n, field in DENORMALIZED.items():
        assert getattr(a, field) == by_step.get(n), field
    if 15 in by_step:
        extension = sum(ProbationChange.objects.filter(applicant=a).values_list("months", flat=True))
        assert a.probation_end == add_months(add_years(by_step[15], 1), extension)
        assert ProbationChange.objects.filter(applicant=a).count() <= 1
    else:
        assert a.probation_end is None
    assert (a.member_id is not None) == (17 in by_step)
    assert (a.status == ApplicantStatus.MEMBER) == (a.current_step == 25)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(st.data())
def test_random_step_attempts_never_leave_an_applicant_inconsistent(world, data):
    actors = [
        world.users.secretary,
        world.users.committee,
        world.users.department,
        world.users.secretary_b,
        world.users.inspector,
        None,
    ]
    with transaction.atomic():
        a = new_applicant(world, applied=D(2017, 3, 1))
        for _ in range(data.draw(st.integers(min_value=5, max_value=80), label="attempts")):
            before, n_records = snapshot(a)
            kind = data.draw(
                st.sampled_from(["next"] * 20 + ["any"] * 2 + ["assessment"] * 2 + ["terminate"]), label="kind"
            )
            last = a.last_step_on or D(2017, 3, 1)
            date = min(last + dt.timedelta(days=data.draw(st.sampled_from(DELTAS))), TODAY + dt.timedelta(days=1))
            try:
                if kind == "assessment":
                    applicant_add_assessment(
                        applicant=a, date=date, result="好", actor=world.users.secretary, today=TODAY
                    )
                    continue
                if kind == "terminate":
                    applicant_terminate(
                        applicant=a,
                        outcome=ApplicantStatus.NOT_DEVELOPED,
                        reason="本人申请",
                        date=date,
                        actor=world.users.committee,
                    )
                    assert a.current_step < 17
                    continue
                step = a.current_step + 1 if kind == "next" else data.draw(st.integers(1, 25), label="step")
                step = min(max(step, 1), 25)
                payload = data.draw(
                    st.sampled_from([default_data(world, step)] * 6 + bad_variants(world, step)), label="data"
                )
                actor = data.draw(st.sampled_from([actor_for(world, step)] * 6 + actors), label="actor")
                from applicants.services import applicant_record_step

                applicant_record_step(applicant=a, step=step, date=date, actor=actor, data=payload, today=TODAY)
            except (DomainError, PermissionDenied):
                after, n_after = snapshot(a)
                assert after == before and n_after == n_records, "a refused attempt changed the applicant"
            else:
                after, _ = snapshot(a)
                if before["status"] != ApplicantStatus.ACTIVE:
                    raise AssertionError("a closed applicant was changed")
                assert after["status"] in {
                    ApplicantStatus.ACTIVE,
                    ApplicantStatus.MEMBER,
                    ApplicantStatus.CANCELLED,
                    ApplicantStatus.NOT_DEVELOPED,
                }
            finally:
                check_consistent(a)
        transaction.set_rollback(True)
