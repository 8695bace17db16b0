"""Date inputs of the review forms render ISO dates: ``<input type=date>`` discards any other value,
and the zh-hans default ("2026/11/22") left every date field blank in the browser."""

import datetime as dt
import re

import pytest

from applicants.forms import build_step_form
from reviews.forms import (
    BulkRecordForm,
    CadreApprovalForm,
    DecisionForm,
    HouseholdOpinionForm,
    NegativeCheckForm,
    OpinionForm,
)


def StepActForm(*args, **kwargs):  # the committee's one-candidate form (step 4, a filing) built from the step table
    return build_step_form(4, None, *args, prefix=None, **kwargs)


DAY = dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    "form_class,field",
    [
        (DecisionForm, "decided_on"),
        (OpinionForm, "given_on"),
        (HouseholdOpinionForm, "given_on"),
        (CadreApprovalForm, "decided_on"),
        (NegativeCheckForm, "checked_on"),
        (BulkRecordForm, "date"),
        (StepActForm, "date"),
    ],
)
def test_date_inputs_render_iso_values(form_class, field):
    html = str(form_class(initial={field: DAY})[field])
    assert 'type="date"' in html
    assert re.search(r'value="2026-03-05"', html), html


def test_iso_and_slash_dates_are_both_accepted():
    for text in ("2026-03-05", "2026/03/05"):
        form = StepActForm({"date": text})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["date"] == DAY
