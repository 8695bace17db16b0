"""The branch's own 初审 is on its home page and its to-do, with a link to act; what a tier above
returned or refused is there too. Another branch's entries are not; the cost does not grow."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import Tier
from reviews.selectors import branch_review_work

from .conftest import TODAY
from .test_handoffs import decide


@pytest.fixture
def entries(world, make_candidate, submit, committee_material):
    """One entry waiting for A1's 初审; one the department returned (now waiting for the committee)."""
    u = world.users
    pending = submit(make_candidate(until=7, name="待初审甲"))
    returned = submit(make_candidate(name="被退回乙"))
    decide(returned, Tier.BRANCH, "pass", u.secretary)
    committee_material(returned)
    decide(returned, Tier.COMMITTEE, "pass", u.committee)
    decide(returned, Tier.DEPARTMENT, "return", u.department)
    return pending, returned


def test_the_selector_lists_pending_initial_reviews_and_returns_from_above(world, entries):
    pending, returned = entries
    work = branch_review_work(user=world.users.secretary, today=TODAY)
    assert work.pending == [pending]
    assert work.sent_back == [returned] and work.sent_back[0].sent_back_label == "组织部终审退回补充材料"
    other = branch_review_work(user=world.users.secretary_b, today=TODAY)
    assert other.pending == [] and other.sent_back == []  # another county's/branch's staff: nothing


def test_a_refusal_from_above_shows_for_thirty_days(world, make_candidate, submit, committee_material):
    u = world.users
    entry = submit(make_candidate(name="不通过丙"))
    decide(entry, Tier.BRANCH, "pass", u.secretary)
    committee_material(entry)
    decide(entry, Tier.COMMITTEE, "fail", u.committee)  # decided on 2023-06-20: long ago
    assert branch_review_work(user=u.secretary, today=TODAY).sent_back == []
    work = branch_review_work(user=u.secretary, today=entry.decisions.last().decided_on)
    assert [e.sent_back_label for e in work.sent_back] == ["党委复审不通过"]


def test_the_branch_home_page_shows_its_pending_initial_review_with_a_link(world, entries, client_for):
    pending, returned = entries
    html = client_for(world.users.secretary).get(reverse("home")).content.decode()
    assert 'id="branch-review-work"' in html and "待支部初审 1" in html
    assert "待初审甲" in html and reverse("reviews:entry_detail", args=[pending.pk]) in html and "去初审" in html
    assert "被退回乙" in html and "组织部终审退回补充材料" in html and "现待党委复审" in html
    other = client_for(world.users.secretary_b).get(reverse("home")).content.decode()
    assert "待初审甲" not in other and "被退回乙" not in other
    staff = client_for(world.users.committee).get(reverse("home")).content.decode()
    assert 'id="branch-review-work"' not in staff  # staff have the queue


def test_the_branch_to_do_shows_its_pending_initial_review(world, entries, client_for):
    pending, _ = entries
    html = client_for(world.users.secretary).get(reverse("applicants:todo")).content.decode()
    assert 'id="kind-branch-review"' in html and "待初审甲" in html and "被退回乙" in html
    assert reverse("reviews:entry_detail", args=[pending.pk]) in html
    other = client_for(world.users.secretary_b).get(reverse("applicants:todo")).content.decode()
    assert 'id="kind-branch-review"' not in other


def test_the_branch_home_costs_the_same_queries_as_entries_grow(world, make_candidate, submit, client_for):
    client = client_for(world.users.secretary)
    submit(make_candidate(until=7))
    client.get(reverse("home"))
    cache.clear()  # the pages drawn, not their cached bodies (recruitment/fragments.py)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
        client.get(reverse("applicants:todo"))
    for _ in range(3):
        submit(make_candidate(until=7))
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("home"))
        client.get(reverse("applicants:todo"))
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
