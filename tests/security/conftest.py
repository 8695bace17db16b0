"""Fixtures shared with the reviews tests (a candidate driven through the steps, a negative-list item)."""

from tests.reviews.conftest import make_candidate, negative_item  # noqa: F401
