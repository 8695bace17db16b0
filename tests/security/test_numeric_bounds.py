"""Issue 12: every number a person can type has explicit bounds (``total=99999999999999999999`` on a plan
was a 500). The tests walk every form class of the project and every editable numeric model field (the
admin's forms are built from them), so a new form or field without both bounds fails here."""

from __future__ import annotations

import importlib
import pkgutil
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from applicants.forms import build_step_form
from applicants.models import Applicant
from applicants.steps import BRANCH_MEETING, STEPS

PROJECT_APPS = ("recruitment", "applicants", "reviews", "quotas", "jobs", "demo")
NUMERIC_FORM_FIELDS = (forms.IntegerField, forms.DecimalField, forms.FloatField)
NUMERIC_MODEL_FIELDS = (models.IntegerField, models.DecimalField, models.FloatField)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _import_all_modules() -> None:
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            importlib.import_module(info.name)


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def project_form_classes() -> list[type[forms.BaseForm]]:
    _import_all_modules()
    seen = {
        c
        for c in _all_subclasses(forms.BaseForm)
        if c.__module__.split(".")[0] in PROJECT_APPS and not re.fullmatch(r"Step\d+Form", c.__name__)
    }
    return sorted(seen, key=lambda c: f"{c.__module__}.{c.__name__}")


def _org(pk: int) -> SimpleNamespace:
    return SimpleNamespace(pk=pk, name=f"组织{pk}")


def form_fields() -> list[tuple[str, str, forms.Field]]:
    """(form, field name, field) for every field of every project form, the fields a form adds in its
    ``__init__`` (allocations, ratio rules) and the fields of all 25 step forms included."""
    rows = []
    for cls in project_form_classes():
        for name, field in cls.base_fields.items():
            rows.append((cls.__name__, name, field))
    from quotas.forms import AllocationForm, RatioRulesForm

    for form in (AllocationForm(targets=[_org(1), _org(2)]), RatioRulesForm()):
        rows += [(type(form).__name__, n, f) for n, f in form.fields.items()]
    applicant = Applicant(branch_id=1)
    for step in STEPS:
        form = build_step_form(step.number, applicant)
        rows += [(f"第{step.number}步", n, f) for n, f in form.fields.items()]
    return rows


def test_the_walk_finds_the_forms_of_every_app():
    modules = {c.__module__.split(".")[0] for c in project_form_classes()}
    assert {"applicants", "reviews", "quotas", "recruitment", "jobs"} <= modules
    assert len(project_form_classes()) >= 20


def test_every_numeric_form_field_has_a_minimum_and_a_maximum():
    numeric = [(form, name, f) for form, name, f in form_fields() if isinstance(f, NUMERIC_FORM_FIELDS)]
    assert len(numeric) > 30  # the step forms' votes, the plan, the allocations, the ratio rules…
    unbounded = [f"{form}.{name}" for form, name, f in numeric if f.min_value is None or f.max_value is None]
    assert unbounded == []


def _editable_numeric_model_fields():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, NUMERIC_MODEL_FIELDS) or isinstance(field, models.AutoField):
                continue
            if not field.editable or field.is_relation or field.name == "id":  # the history tables copy ids
                continue
            yield model, field


def test_every_editable_numeric_model_field_has_explicit_bounds():
    """The database's integer range is not a bound a person understands: each field says its own."""
    missing = []
    for model, field in _editable_numeric_model_fields():
        explicit = field._validators
        has_min = any(isinstance(v, MinValueValidator) for v in explicit)
        has_max = any(isinstance(v, MaxValueValidator) for v in explicit)
        if not (has_min and has_max):
            missing.append(f"{model._meta.label}.{field.name}")
    assert missing == []


@pytest.mark.parametrize(
    ("form_path", "kwargs", "data", "field"),
    [
        ("quotas.forms.PlanTotalForm", {}, {"total": "99999999999999999999"}, "total"),
        ("quotas.forms.RatioRulesForm", {}, {"reserve_applicants": "101", "reserve_activists": "4",
                                             "reserve_members": "1"}, "reserve_applicants"),
        ("quotas.forms.RatioRulesForm", {}, {"reserve_applicants": "5", "reserve_activists": "4",
                                             "reserve_members": "1", "sector_0_min": "100.01"}, "sector_0_min"),
        ("applicants.forms.TrainingForm", {}, {"training-start": "2026-01-01", "training-end": "2026-01-02",
                                               "training-hours": "10000"}, "hours"),
        ("reviews.forms.SubmitForm", {}, {"year": "99999"}, "year"),
    ],
)  # fmt: skip
def test_an_out_of_range_number_is_refused_in_chinese(form_path, kwargs, data, field):
    module, name = form_path.rsplit(".", 1)
    form = getattr(importlib.import_module(module), name)(data, **kwargs)
    assert not form.is_valid()
    assert CHINESE.search(" ".join(form.errors[field]))


def test_the_step_form_refuses_votes_past_its_ceiling_in_chinese():
    form = build_step_form(
        BRANCH_MEETING, Applicant(branch_id=1), {"step-date": "2026-11-01", "step-yes_votes": "10000"}, prefix="step"
    )
    assert not form.is_valid()
    assert CHINESE.search(" ".join(form.errors["yes_votes"]))


@pytest.mark.parametrize(
    ("label", "value"),
    [("applicants.Training.hours", Decimal("10000")), ("quotas.AnnualPlan.total", 100_001)],
)
def test_a_model_refuses_an_out_of_range_number_in_chinese(label, value):
    app_label, model_name, field_name = label.split(".")
    field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
    with pytest.raises(ValidationError) as refused:
        field.run_validators(value)
    assert CHINESE.search(" ".join(refused.value.messages))
