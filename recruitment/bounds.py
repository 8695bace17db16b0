"""Explicit bounds for every number a person can type (issue 12: ``total=99999999999999999999`` was a 500).

Model fields carry them as validators, so admin forms and ``full_clean`` refuse out-of-range values with
Django's zh-hans messages (“确保该值小于或等于 100。”); plain forms pass ``min_value``/``max_value``.
``tests/security/test_numeric_bounds.py`` walks every form and model and fails on an unbounded number.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

MAX_STEP = 25
MAX_PEOPLE = 100_000
MAX_COUNT = 1_000_000
MAX_VERSION = 2_147_483_647
MAX_FILE_BYTES = 2_147_483_647


def bounded(low: int, high: int) -> list:
    """``validators=bounded(0, 100)``: both ends, inclusive."""
    return [MinValueValidator(low), MaxValueValidator(high)]


# --- chosen objects: a typed id larger than the database's integer is "not a valid choice", not a 500 -----------
PK_MAX = 2**63 - 1  # BIGINT / SQLite INTEGER


def _pk_out_of_range(value) -> bool:
    try:
        return abs(int(str(value).strip())) > PK_MAX
    except ValueError:
        return False  # not a number (or thousands of digits): Django's own check refuses it


class ModelChoiceField(forms.ModelChoiceField):
    """Django's ModelChoiceField, refusing an id beyond the database's integer before the query
    (SQLite raises OverflowError, which Django does not catch: found by tests/security/test_fuzz.py)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if value not in self.empty_values and not self.to_field_name and _pk_out_of_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's ModelMultipleChoiceField with the same id check as ``ModelChoiceField`` above."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple | set | frozenset) else ():
            if _pk_out_of_range(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": str(pk)[:30]}
                )
        return super()._check_values(value)
