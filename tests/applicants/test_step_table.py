"""The 25 steps are declared once (applicants/steps.py): the table is consistent with the models and the
ledger contract, and the forms, the service's cleaning and the timeline probe are built from it."""

import datetime as dt

import pytest

from applicants.effects import EFFECTS
from applicants.forms import build_step_form
from applicants.ledger import LEDGER_HEADER
from applicants.models import Applicant
from applicants.selectors import probe_data
from applicants.services import clean_step_data
from applicants.steps import LAST_STEP, STAGES, STEPS, Kind, get_step, stage_steps, status_label
from recruitment.errors import DomainError

APPLICANT_FIELDS = {f.name for f in Applicant._meta.get_fields()}


def test_steps_are_numbered_one_to_twenty_five_in_five_stages():
    assert [s.number for s in STEPS] == list(range(1, 26)) and LAST_STEP == 25
    assert [stage_steps(st.number) for st in STAGES] == [(1, 2), (3, 6), (7, 11), (12, 18), (19, 25)]


@pytest.mark.parametrize("step", STEPS, ids=lambda s: str(s.number))
def test_every_declared_name_points_at_something_real(step):
    assert step.sets == "" or step.sets in APPLICANT_FIELDS
    assert all(name in EFFECTS for name in step.effects)
    if step.verdict:
        verdict = step.get_field(step.verdict)
        assert verdict is not None and verdict.kind == Kind.CHOICE
        assert set(step.outcomes) <= set(verdict.choices)  # every path change is a value the form offers
        assert verdict.default not in step.outcomes  # the default is the positive path
    assert not step.ledger_column or step.ledger_column in LEDGER_HEADER
    assert all(not f.ledger_column or f.ledger_column in LEDGER_HEADER for f in step.fields)
    assert not step.approves or get_step(step.approves).sets  # R12 reads the meeting's date


def test_status_label_follows_the_declared_becomes():
    assert [status_label(n) for n in (0, 2, 3, 6, 7, 16, 17, 23, 24, 25)] == [
        "入党申请人",
        "入党申请人",
        "入党积极分子",
        "入党积极分子",
        "发展对象",
        "发展对象",
        "预备党员",
        "预备党员",
        "正式党员",
        "正式党员",
    ]


@pytest.mark.parametrize("step", STEPS, ids=lambda s: str(s.number))
def test_the_step_form_has_exactly_the_declared_fields(step):
    form = build_step_form(step.number, None if not any(f.kind == Kind.MEMBERS for f in step.fields) else _Stub())
    expected = ["start"] if step.start_field else []
    assert list(form.fields) == [*expected, "date", *step.field_names, "notes"]
    for f in step.fields:
        assert form.fields[f.name].label == f.label
        assert form.fields[f.name].required == (f.asks and f.kind != Kind.BOOL)


class _Stub:
    """Enough of an applicant for the member picker's queryset (not evaluated here)."""

    branch_id = 1

    class branch:  # noqa: N801
        path = "00000001"

        @staticmethod
        def upper_committee():
            return None


def test_cleaning_refuses_a_value_outside_the_declared_choices():
    with pytest.raises(DomainError) as exc:
        clean_step_data(None, get_step(17), {"verdict": "同意"})
    assert exc.value.rules == ["INPUT"] and "审批结果应为：批准 / 不批准" in str(exc.value)


def test_cleaning_fills_declared_defaults_and_types_numbers():
    rules, stored = clean_step_data(None, get_step(17), {"expected": "7", "attending": "5", "yes": "4"})
    assert stored["verdict"] == "批准" and (stored["expected"], stored["attending"], stored["yes"]) == (7, 5, 4)
    with pytest.raises(DomainError, match="实到会委员（人）（8）不能多于应到会委员（人）（7）"):
        clean_step_data(None, get_step(17), {"expected": "7", "attending": "8"})


def test_a_conditional_field_is_required_only_for_the_values_that_need_it():
    step = get_step(23)
    votes = {"expected_voters": 10, "attending_voters": 8, "yes_votes": 8}
    assert clean_step_data(None, step, {**votes, "decision": "按期转正"})[1]["reason"] == ""
    with pytest.raises(DomainError, match="取消预备党员资格须填写原因"):
        clean_step_data(None, step, {**votes, "decision": "取消预备党员资格"})


@pytest.mark.parametrize("step", STEPS, ids=lambda s: str(s.number))
def test_the_timeline_probe_passes_the_steps_own_validation(step):
    data = probe_data(step)
    if any(f.kind == Kind.MEMBERS for f in step.fields):
        pytest.skip("members are judged by rules, not probed")
    clean_step_data(None, step, data)  # no DomainError


def test_a_start_date_is_typed_for_a_period():
    rules, stored = clean_step_data(None, get_step(11), {"start": "2023-05-02", "days": "3"})
    assert rules["start"] == dt.date(2023, 5, 2) and stored["start"] == "2023-05-02" and stored["days"] == "3"
