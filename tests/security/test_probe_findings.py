"""Findings of the outside probe of 2026-11-30 (issue 12), one test each: every one failed before its fix."""

from django.urls import reverse

from reviews.models import NegativeListHit
from reviews.services import negative_list_check
from tests.clock import TODAY
from tests.reviews.conftest import ON, make_candidate, negative_item  # noqa: F401 - fixtures


def test_revoking_a_negative_list_hit_works_and_stays_inside_the_scope(
    world, make_candidate, negative_item, client_for
):  # noqa: F811
    a = make_candidate(until=9)
    negative_list_check(
        applicant=a,
        hits=[negative_item],
        hit_notes="曾受刑事处罚",
        checked_on=ON,
        actor=world.users.committee,
        today=TODAY,
    )
    hit = NegativeListHit.objects.get(applicant=a)
    url = reverse("reviews:hit_revoke", args=[hit.pk])
    assert client_for(world.users.committee_b).post(url, {"reason": "误录"}).status_code == 404  # other subtree
    response = client_for(world.users.committee).post(url, {"reason": "误录，经核实不属于该情形"})
    assert response.status_code == 302
    hit.refresh_from_db()
    assert hit.revoked_by == world.users.committee and hit.revoke_reason == "误录，经核实不属于该情形"
