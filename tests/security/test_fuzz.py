"""Issue 12 acceptance: a hypothesis fuzz of every form and of the imports — 0 server errors.

Every project form (the walk of tests/security/test_numeric_bounds.py, so a new form is fuzzed too) and
each of the 25 step forms gets random data for its own field names: text with control characters,
huge and malformed numbers, impossible dates, formula-like strings, random files. ``is_valid()`` may say
no, never raise. The three imports (the 台账 ledger, the member register, the organization tree) get
random bytes under a spreadsheet's name and real spreadsheets with random cells under the right header:
the answer is a page (a Chinese refusal or a preview), never a 500. Example counts are small so the
file runs in seconds."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from applicants.forms import build_step_form
from applicants.ledger import LEDGER_HEADER
from applicants.steps import STEPS
from recruitment.members import MEMBER_IMPORT_HEADER
from recruitment.services import ORG_IMPORT_HEADER
from tests.applicants.people import new_applicant

from .test_numeric_bounds import project_form_classes

# CI runs the same examples every time (derandomize: a red build always means a change broke something);
# FUZZ_EXPLORE=1 (and FUZZ_EXAMPLES=n) searches fresh random inputs, as a developer's hunt for new findings.
EXPLORE = os.environ.get("FUZZ_EXPLORE") == "1"
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=not EXPLORE,
)
CHINESE = re.compile(r"[\u4e00-\u9fff]")

NASTY = st.sampled_from(
    [
        "", " ", "0", "-1", "1.5", "99999999999999999999", "1e309", "NaN", "Infinity", "-0",
        "2026-02-29", "2024-02-29", "2026-13-01", "0000-00-00", "9999-12-31", "2026/11/22",
        "\x00", "\u202e", "../../etc/passwd", "..\\x", "=1+2", "=HYPERLINK(\"http://x\")", "@SUM(A1)",
        "<script>alert(1)</script>", "A1/../B", "甲村党支部", "on", "true", "1", "3",
    ]
)  # fmt: skip
VALUES = st.one_of(
    NASTY,
    st.text(max_size=40),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)).map(dt.date.isoformat),
)
FILE_BYTES = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"%PDF-1.4\n%%EOF\n", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, b"<html>x</html>", b"PK\x03\x04"]),
)
FILE_NAMES = st.sampled_from(
    ["a.pdf", "a.png", "a.xlsx", "a.csv", "a.html", "../../etc/passwd", "无扩展名", "..\\x.pdf"]
)


def _choices(field: forms.Field) -> list[str]:
    if isinstance(field, forms.ModelChoiceField):
        return [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:5]]
    return [str(value) for value, _ in getattr(field, "choices", []) or [] if not isinstance(_, list | tuple)]


def _field_value(field: forms.Field):
    choices = _choices(field)
    values = st.one_of(VALUES, st.sampled_from(choices)) if choices else VALUES
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return st.lists(values, max_size=3)
    return values


def form_data(form: forms.BaseForm):
    """Optional random values for the form's own (prefixed) field names, files for its file fields."""
    data, files = {}, {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.FileField):
            files[key] = st.builds(lambda n, b: SimpleUploadedFile(n, b), FILE_NAMES, FILE_BYTES)
        else:
            data[key] = _field_value(field)
    return st.tuples(st.fixed_dictionaries({}, optional=data), st.fixed_dictionaries({}, optional=files))


@pytest.fixture
def makers(world):
    """How each form is built in its view: the user, the applicant or the target organizations."""
    from quotas.forms import AllocationForm
    from quotas.forms import TransferForm as QuotaTransferForm

    applicant = new_applicant(world)
    user = world.users.secretary
    special = {
        "ApplicantForm": lambda *a, **k: _cls("applicants.forms.ApplicantForm")(*a, user=user, **k),
        "TerminateForm": lambda *a, **k: _cls("applicants.forms.TerminateForm")(*a, applicant=applicant, **k),
        "applicants.forms.TransferForm": lambda *a, **k: _cls("applicants.forms.TransferForm")(
            *a, user=user, applicant=applicant, **k
        ),
        "StaleFilterForm": lambda *a, **k: _cls("jobs.views.StaleFilterForm")(*a, user=world.users.department, **k),
        "AllocationForm": lambda *a, **k: AllocationForm(*a, targets=[world.a1, world.a2], **k),
        "quotas.forms.TransferForm": lambda *a, **k: QuotaTransferForm(*a, targets=[world.a1, world.a2], **k),
        "OwnPasswordChangeForm": lambda *a, **k: _cls("recruitment.account_views.OwnPasswordChangeForm")(user, *a, **k),
        "ResetSetPasswordForm": lambda *a, **k: _cls("recruitment.account_views.ResetSetPasswordForm")(user, *a, **k),
    }
    return special, applicant


def _cls(path: str):
    import importlib

    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


FORMS = [f"{c.__module__}.{c.__name__}" for c in project_form_classes() if c.__name__ != "StepForm"]


@pytest.mark.parametrize("path", FORMS)
def test_no_form_raises_on_random_input(path, makers, world):
    special, _ = makers
    cls = _cls(path)
    make = special.get(path) or special.get(cls.__name__) or cls

    @FUZZ
    @given(st.data())
    def run(draw):
        data, files = draw.draw(form_data(make()))
        form = make(data, files)
        if not form.is_valid():
            assert all(isinstance(e, str) for errors in form.errors.values() for e in errors)

    run()


@pytest.mark.parametrize("number", [s.number for s in STEPS])
def test_no_step_form_raises_on_random_input(number, makers):
    _, applicant = makers

    @FUZZ
    @given(st.data())
    def run(draw):
        data, files = draw.draw(form_data(build_step_form(number, applicant)))
        build_step_form(number, applicant, data, files).is_valid()

    run()


@pytest.mark.parametrize("pk", ["9223372036854775808", "-9223372036854775809", "9" * 40])
def test_an_id_beyond_the_database_integer_is_an_invalid_choice_not_a_server_error(pk, makers, world):
    """Found by the fuzz above: SQLite raised OverflowError for the introducers' id 2**63 (a 500)."""
    from applicants.forms import ApplicantForm

    _, applicant = makers
    form = build_step_form(9, applicant, {"step-date": "2026-11-20", "step-introducers": [pk, "1"]}, {})
    assert not form.is_valid() and "introducers" in form.errors
    single = ApplicantForm(data={"branch": pk, "household_org": pk}, user=world.users.secretary)
    assert not single.is_valid() and {"branch", "household_org"} <= set(single.errors)


# --- the imports ------------------------------------------------------------------------------------------------
CELLS = st.one_of(st.none(), VALUES, st.integers(-(10**12), 10**12), st.floats(allow_nan=False, allow_infinity=False))


def _xlsx(header: list[str], rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(["".join(ch for ch in v if ch >= " " or ch in "\t\n") if isinstance(v, str) else v for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in r] for r in rows])
    return buf.getvalue().encode("utf-8-sig")


def spreadsheets(header: list[str]):
    rows = st.lists(st.lists(CELLS, min_size=len(header), max_size=len(header) + 1), max_size=4)
    table = st.tuples(st.sampled_from(["xlsx", "csv"]), rows).map(
        lambda t: (f"导入.{t[0]}", (_xlsx if t[0] == "xlsx" else _csv)(header, t[1]))
    )
    garbage = st.tuples(st.sampled_from(["导入.xlsx", "导入.csv", "导入.xls"]), FILE_BYTES)
    return st.one_of(table, garbage)


IMPORTS = [
    ("ledger:import", "secretary", LEDGER_HEADER, {}),
    ("recruitment:member_import", "department", MEMBER_IMPORT_HEADER, {}),
    ("recruitment:org_import", "department", ORG_IMPORT_HEADER, {"dry_run": "on"}),
]


@pytest.mark.parametrize(("url", "role", "header", "extra"), IMPORTS)
def test_no_import_answers_random_files_with_a_server_error(url, role, header, extra, world, client_for):
    client = client_for(getattr(world.users, role))
    client.raise_request_exception = True  # an exception fails the test with its traceback

    @FUZZ
    @given(spreadsheets(header))
    def run(upload):
        name, content = upload
        resp = client.post(reverse(url), {"file": SimpleUploadedFile(name, content), **extra})
        assert resp.status_code in (200, 302)
        page = resp.content.decode()
        assert CHINESE.search(page)

    run()


@FUZZ
@given(rows=st.lists(st.lists(CELLS, min_size=len(LEDGER_HEADER), max_size=len(LEDGER_HEADER)), min_size=1, max_size=3))
def test_confirming_a_random_ledger_never_fails_with_a_server_error(rows, world, client_for):
    client = client_for(world.users.secretary)
    client.raise_request_exception = True
    resp = client.post(reverse("ledger:import"), {"file": SimpleUploadedFile("台账.xlsx", _xlsx(LEDGER_HEADER, rows))})
    token = (resp.context or {}).get("token")
    if token:
        assert client.post(reverse("ledger:confirm"), {"token": token}).status_code in (200, 302)
