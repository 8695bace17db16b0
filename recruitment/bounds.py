"""Explicit bounds for every number a person can type (issue 12: ``total=99999999999999999999`` was a 500).

Model fields carry them as validators, so admin forms and ``full_clean`` refuse out-of-range values with
Django's zh-hans messages (“确保该值小于或等于 100。”); plain forms pass ``min_value``/``max_value``.
``tests/security/test_numeric_bounds.py`` walks every form and model and fails on an unbounded number.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator

MAX_STEP = 25
MAX_PEOPLE = 100_000
MAX_COUNT = 1_000_000
MAX_VERSION = 2_147_483_647
MAX_FILE_BYTES = 2_147_483_647


def bounded(low: int, high: int) -> list:
    """``validators=bounded(0, 100)``: both ends, inclusive."""
    return [MinValueValidator(low), MaxValueValidator(high)]
